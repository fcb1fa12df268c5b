"""The primes' quarterly returns: valid per the MI specification except for the planted defects."""

from __future__ import annotations

import datetime as dt
import re

import polars as pl
import pytest

from tests.support.synth_reader import (
    GSS_CODE,
    all_rows,
    iso_or_none,
    nino_is_valid,
    quarter_end,
    reference,
    world_json,
)

CODES = {
    "customer_group": {
        "JSA_18_24",
        "JSA_25_PLUS",
        "JSA_EARLY_ACCESS",
        "ESA_WRAG",
        "IB_ESA_EX_IB",
        "LONE_PARENT",
        "VOLUNTARY",
    },
    "sex": {"F", "M", "U"},
    "ethnicity": {"WHITE", "MIXED", "ASIAN", "BLACK", "OTHER", "NOT_STATED"},
    "disability": {"Y", "N", "U"},
    "impairment_group": {
        "MENTAL_HEALTH",
        "LEARNING_DISABILITY",
        "PHYSICAL",
        "SENSORY",
        "LONG_TERM_CONDITION",
        "OTHER",
    },
    "leave_reason": {
        "JOB",
        "END_OF_PROVISION",
        "MOVED_AWAY",
        "OTHER_PROVISION",
        "NO_LONGER_ELIGIBLE",
        "OTHER",
    },
    "outcome_type": {"JOB_OUTCOME", "SUSTAINED_26W", "SUSTAINED_78W"},
    "claim_status": {"ACTIVE", "WITHDRAWN"},
    "would_recommend": {"Y", "N"},
}


def _code_ok(field: str, value: str | None) -> bool:
    return value is None or value.upper() in CODES[field]


@pytest.fixture(scope="module")
def returns(small_world):
    root, _ = small_world
    return {
        name: all_rows(root, name, superseded=True)
        for name in ("participants", "outcome_claims", "customer_survey")
    }


@pytest.fixture(scope="module")
def contracts(small_world):
    root, _ = small_world
    return {r["contract_id"]: r for r in reference(root, "contracts").iter_rows(named=True)}


def _participant_errors(row: dict, contracts: dict, repeated: set) -> bool:
    """Whether the row breaks an error rule of MI spec §2.1 (references checked elsewhere)."""
    duplicate = (row["file_name"], row["participant_ref"]) in repeated
    referral, birth = iso_or_none(row["referral_date"]), iso_or_none(row["date_of_birth"])
    start = iso_or_none(row["start_date"]) if row["start_date"] else None
    leave = iso_or_none(row["leave_date"]) if row["leave_date"] else None
    if (
        duplicate
        or not nino_is_valid(row["nino"])
        or referral is None
        or birth is None
        or (row["start_date"] and start is None)
        or (row["leave_date"] and leave is None)
    ):
        return True
    period_end = quarter_end(row["file_period"])
    contract = contracts.get(row["contract_id"])
    age = referral.year - birth.year - ((referral.month, referral.day) < (birth.month, birth.day))
    return any(
        (
            contract is None or contract["prime_ukprn"] != row["file_ukprn"],
            contract is not None
            and not (contract["start_date"] <= row["referral_date"] <= contract["end_date"]),
            referral > period_end,
            start is not None and (start < referral or start > period_end),
            leave is not None and (leave < (start or referral) or leave > period_end),
            bool(leave) != bool(row["leave_reason"]),
            not 16 <= age <= 70,
            not all(
                _code_ok(f, row[f])
                for f in (
                    "customer_group",
                    "sex",
                    "ethnicity",
                    "disability",
                    "impairment_group",
                    "leave_reason",
                )
            ),
            (row["disability"] or "").upper() == "Y" and not row["impairment_group"],
            not GSS_CODE.match(row["la_code"] or ""),
        )
    )


def _claim_errors(row: dict, contracts: dict, seen: set) -> bool:
    """Whether the row breaks an error rule of MI spec §2.2."""
    key = (row["file_name"], row["claim_id"])
    duplicate = key in seen
    seen.add(key)
    job_start, claimed = iso_or_none(row["job_start_date"]), iso_or_none(row["claim_date"])
    if duplicate or job_start is None or claimed is None:
        return True
    contract = contracts.get(row["contract_id"])
    period_end = quarter_end(row["file_period"])
    hours = float(row["hours_per_week"])
    premature = {"SUSTAINED_26W": 182, "SUSTAINED_78W": 546}.get((row["outcome_type"] or "").upper(), 0)
    return any(
        (
            contract is None or contract["prime_ukprn"] != row["file_ukprn"],
            job_start > claimed,
            not (period_end - dt.timedelta(days=92) < claimed <= period_end),
            not 16 <= hours <= 80,
            not _code_ok("outcome_type", row["outcome_type"]) or row["outcome_type"] is None,
            not _code_ok("claim_status", row["claim_status"]),
            claimed < job_start + dt.timedelta(days=premature),
        )
    )


def _survey_errors(row: dict, contracts: dict, seen: set) -> bool:
    key = (row["file_name"], row["response_id"])
    duplicate = key in seen
    seen.add(key)
    surveyed = iso_or_none(row["survey_date"])
    period_end = quarter_end(row["file_period"])

    def score_ok(value):
        return value is None or (value.isdigit() and 1 <= int(value) <= 5)

    return (
        duplicate
        or surveyed is None
        or not (period_end - dt.timedelta(days=92) < surveyed <= period_end)
        or row["overall_satisfaction"] is None
        or not all(
            score_ok(row[f]) for f in ("overall_satisfaction", "treated_with_respect", "advice_helpful")
        )
        or not _code_ok("would_recommend", row["would_recommend"])
        or row["contract_id"] not in contracts
    )


@pytest.mark.parametrize(
    "return_name, rule_check",
    [
        ("participants", _participant_errors),
        ("outcome_claims", _claim_errors),
        ("customer_survey", _survey_errors),
    ],
)
def test_only_the_planted_defects_break_the_row_rules(
    small_world, returns, contracts, return_name, rule_check
):
    root, _ = small_world
    planted = {
        f["path"].split("/")[1]: f["error_rows"]
        for f in world_json(root)["files"]
        if f["return"] == return_name
    }
    rows = returns[return_name]
    # Every row sharing a participant_ref with another row of its file is in error.
    seen: set = (
        set(
            rows.filter(pl.len().over("file_name", "participant_ref") > 1)
            .select("file_name", "participant_ref")
            .iter_rows()
        )
        if return_name == "participants"
        else set()
    )
    found: dict[str, int] = {}
    for row in rows.iter_rows(named=True):
        found[row["file_name"]] = found.get(row["file_name"], 0) + rule_check(row, contracts, seen)
    assert found == {name: n for name, n in planted.items() if name in found}
    assert sum(found.values()) > 0


def test_defects_are_a_controlled_small_share_of_every_file(small_world):
    root, _ = small_world
    files = world_json(root)["files"]
    for f in files:
        assert f["error_rows"] + f["warning_rows"] <= 0.2 * f["rows"], f
    for return_name in ("participants", "outcome_claims", "customer_survey"):
        mine = [f for f in files if f["return"] == return_name]
        share = sum(f["error_rows"] for f in mine) / sum(f["rows"] for f in mine)
        assert 0.005 <= share <= 0.03, (return_name, share)


def test_ninos_are_valid_except_for_the_planted_defects(small_world, returns):
    root, _ = small_world
    world = world_json(root)
    ninos = returns["participants"]["nino"].to_list()
    invalid = sum(not nino_is_valid(n) for n in ninos)
    planted = sum(
        f["defects"].get("NINO_BAD_PREFIX", 0) + f["defects"].get("NINO_BAD_SUFFIX", 0)
        for f in world["files"]
    )
    assert invalid == planted
    assert 0.002 <= invalid / len(ninos) <= 0.03


def test_a_person_keeps_one_nino_and_some_people_are_referred_twice(returns):
    rows = returns["participants"].filter(pl.col("nino").map_elements(nino_is_valid, return_dtype=pl.Boolean))
    records = rows.unique(["file_ukprn", "participant_ref", "nino"]).select(
        "file_ukprn", "participant_ref", "nino", "contract_id"
    )
    per_person = records.group_by("nino").agg(
        pl.col("participant_ref").n_unique().alias("refs"),
        pl.col("contract_id").n_unique().alias("contracts"),
    )
    twice = per_person.filter(pl.col("refs") > 1)
    assert 0.005 < len(twice) / len(per_person) < 0.06
    assert (twice["contracts"] == 1).any() and (twice["contracts"] > 1).any()


def test_every_participant_lives_in_a_gss_local_authority_mostly_inside_the_contract_area(
    small_world, returns, contracts
):
    root, _ = small_world
    area_of = dict(reference(root, "local_authorities").select("la_code", "cpa_id").iter_rows())
    rows = returns["participants"]
    assert all(GSS_CODE.match(code) for code in rows["la_code"])
    inside = [
        area_of[la] == contracts[c]["cpa_id"] for la, c in rows.select("la_code", "contract_id").iter_rows()
    ]
    assert 0.95 < sum(inside) / len(inside) < 1.0


def test_every_row_names_a_contract_of_the_prime_that_sent_it(returns, contracts):
    for return_name, rows in returns.items():
        for ukprn, contract_id in rows.select("file_ukprn", "contract_id").iter_rows():
            assert contracts[contract_id]["prime_ukprn"] == ukprn, return_name


def test_later_periods_carry_only_new_or_changed_records(small_world):
    root, _ = small_world
    rows = all_rows(root, "participants")
    duplicated = rows.filter(pl.len().over("file_name", "participant_ref") > 1)
    rows = rows.join(
        duplicated.select("file_ukprn", "participant_ref").unique(),
        on=["file_ukprn", "participant_ref"],
        how="anti",
    ).sort("file_period")
    history = rows.group_by("file_ukprn", "participant_ref", maintain_order=True).agg(
        pl.col("file_period"), pl.col("start_date"), pl.col("leave_date")
    )
    assert history["file_period"].list.len().max() == 3
    assert (history["file_period"].list.len() == 1).any()
    for periods, starts, leaves in history.select("file_period", "start_date", "leave_date").iter_rows():
        assert len(set(periods)) == len(periods)
        states = list(zip(starts, leaves, strict=False))
        assert all(states[k] != states[k - 1] for k in range(1, len(states)))


def test_codes_come_in_lower_case_sometimes_which_is_valid(returns):
    groups = returns["participants"]["customer_group"].drop_nulls()
    assert any(g.islower() and g.upper() in CODES["customer_group"] for g in groups)


def test_some_participants_never_start_and_some_start_late(returns):
    rows = (
        returns["participants"]
        .filter(pl.col("start_date").is_not_null())
        .filter(
            pl.col("start_date").str.contains(r"^\d{4}-") & pl.col("referral_date").str.contains(r"^\d{4}-")
        )
    )
    delay = (rows["start_date"].str.to_date() - rows["referral_date"].str.to_date()).dt.total_days()
    assert (delay > 90).sum() > 0 and (delay > 90).mean() < 0.05
    assert returns["participants"]["start_date"].null_count() > 0


def test_sustained_claims_wait_for_26_and_78_weeks_except_planted_premature_ones(
    small_world, returns, contracts
):
    root, _ = small_world
    claims = returns["outcome_claims"].filter(
        pl.col("job_start_date").str.contains(r"^\d{4}-") & pl.col("claim_date").str.contains(r"^\d{4}-")
    )
    waited = (claims["claim_date"].str.to_date() - claims["job_start_date"].str.to_date()).dt.total_days()
    early = claims.filter((pl.col("outcome_type") == "SUSTAINED_26W") & (waited < 182))
    planted = sum(f["defects"].get("PREMATURE_SUSTAINED", 0) for f in world_json(root)["files"])
    assert len(early) == planted > 0
    long_trial = claims.filter(pl.col("outcome_type") == "SUSTAINED_78W")
    assert {contracts[c]["programme"] for c in long_trial["contract_id"]} <= {"ESF"}


def test_withdrawals_resend_an_earlier_claim_id_in_a_later_quarter(returns):
    claims = returns["outcome_claims"]
    withdrawn = claims.filter(pl.col("claim_status") == "WITHDRAWN")
    assert len(withdrawn) > 0
    first_sent = (
        claims.filter(pl.col("claim_status").fill_null("ACTIVE") != "WITHDRAWN")
        .group_by("file_ukprn", "claim_id")
        .agg(pl.col("file_period").min().alias("first"))
    )
    matched = withdrawn.join(first_sent, on=["file_ukprn", "claim_id"], how="inner")
    assert len(matched) == len(withdrawn)
    assert (matched["file_period"] > matched["first"]).all()


def test_some_primes_leave_claim_status_empty_and_paye_references_look_real(returns):
    claims = returns["outcome_claims"]
    assert claims["claim_status"].null_count() > 0
    assert (claims["claim_status"] == "ACTIVE").sum() > 0
    refs = claims["employer_paye_ref"].drop_nulls()
    assert sum(bool(re.match(r"^[0-9]{3}/[A-Z0-9]{1,10}$", r)) for r in refs) / len(refs) > 0.99


def test_survey_answers_leave_optional_fields_empty_sometimes(returns):
    survey = returns["customer_survey"]
    for optional in ("treated_with_respect", "advice_helpful", "would_recommend"):
        assert 0 < survey[optional].null_count() < 0.3 * len(survey)
    assert survey["overall_satisfaction"].null_count() == 0
    answers = {a.upper() for a in survey["would_recommend"].drop_nulls()}
    assert {"Y", "N"} <= answers and answers - {"Y", "N"} <= {"MAYBE", "YES"}  # unknown ones are planted
