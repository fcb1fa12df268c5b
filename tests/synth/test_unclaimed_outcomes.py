"""Sustained outcomes met, claimed late, and left unclaimed: the files agree with world.json exactly.

The rule of the warehouse (spec 02 rev 2 §1b) is applied here to the written
files alone (current participant records, employment spells, claims,
payment rates), independently of the generator's code, and the result is
compared with world.json's ``unclaimed_outcomes`` record cell by cell: the
same comparison a warehouse test makes with ``fct_unclaimed_outcomes``.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from tests.support.synth_reader import all_rows, nino_is_valid, reference, world_json

RULES = {"SUSTAINED_26W": (182, 210), "SUSTAINED_78W": (546, 630)}
GRACE = 91


def _date(column: str) -> pl.Expr:
    return pl.col(column).str.to_date("%Y-%m-%d", strict=False)


def _quarter(expr: pl.Expr) -> pl.Expr:
    return pl.concat_str([expr.dt.year().cast(pl.String), pl.lit("Q"), expr.dt.quarter().cast(pl.String)])


@pytest.fixture(scope="module")
def world(small_world):
    return world_json(small_world[0])


@pytest.fixture(scope="module")
def current_participants(small_world):
    """The current record of each participant as the warehouse keeps it (latest period, rows that pass)."""
    rows = all_rows(small_world[0], "participants")
    rows = rows.filter(
        pl.len().over("file_name", "participant_ref") == 1
    )  # a repeated reference: both rejected
    rows = rows.filter(
        pl.col("nino").map_elements(nino_is_valid, return_dtype=pl.Boolean)
        & _date("referral_date").is_not_null()
    )
    rows = rows.sort("file_period", "file_timestamp").unique(["file_ukprn", "participant_ref"], keep="last")
    return rows.with_columns(
        _date("referral_date").alias("referral"),
        _date("start_date").alias("start"),
        _date("leave_date").alias("leave"),
        pl.col("customer_group").str.to_uppercase(),
    )


@pytest.fixture(scope="module")
def met(small_world, world, current_participants):
    """Every sustained outcome the evidence shows met: (contract_id, nino, outcome_type, met_on)."""
    root = small_world[0]
    extract = dt.date.fromisoformat(world["extract_date"])
    spells = (
        reference(root, "employment_spells")
        .with_columns(_date("spell_start").alias("s"), _date("spell_end").fill_null(extract).alias("e"))
        .select("nino", "s", "e")
    )
    programme = reference(root, "contracts").select("contract_id", "programme")
    fees = (
        reference(root, "payment_rates")
        .filter(pl.col("amount_gbp").cast(pl.Float64) > 0)
        .rename({"fee_type": "outcome_type"})
        .select("programme", "customer_group", "outcome_type")
    )
    starters = current_participants.filter(pl.col("start").is_not_null()).join(programme, on="contract_id")
    bound = pl.min_horizontal(
        pl.col("start") + pl.duration(days=728),
        (pl.col("leave") + pl.duration(days=28)).fill_null(dt.date(9999, 1, 1)),
    )
    evidence = (
        starters.join(spells, on="nino")
        .filter((pl.col("s") >= pl.col("start")) & (pl.col("s") <= bound))
        .group_by("file_ukprn", "participant_ref")
        .agg(pl.col("s").min().alias("ejs"))
    )
    people = starters.join(evidence, on=["file_ukprn", "participant_ref"])
    parts = []
    for outcome, (required, window) in RULES.items():
        due = people.with_columns(pl.lit(outcome).alias("outcome_type")).join(
            fees, on=["programme", "customer_group", "outcome_type"]
        )
        days = (
            due.join(spells, on="nino")
            .filter(pl.col("s") >= pl.col("referral"))
            .with_columns(
                pl.max_horizontal("s", "ejs").alias("lo"),
                pl.min_horizontal("e", pl.col("ejs") + pl.duration(days=window - 1), pl.lit(extract)).alias(
                    "hi"
                ),
            )
            .filter(pl.col("lo") <= pl.col("hi"))
            .with_columns(pl.date_ranges("lo", "hi").alias("day"))
            .explode("day")
        )
        reached = (
            days.select("file_ukprn", "participant_ref", "contract_id", "nino", "outcome_type", "day")
            .unique()
            .sort("day")
            .with_columns(pl.int_range(1, pl.len() + 1).over("file_ukprn", "participant_ref").alias("n"))
            .filter(pl.col("n") == required)
        )
        parts.append(reached.select("contract_id", "nino", "outcome_type", pl.col("day").alias("met_on")))
    # one row per contract, person and type: the referral that met it first
    return pl.concat(parts).group_by("contract_id", "nino", "outcome_type").agg(pl.col("met_on").min())


@pytest.fixture(scope="module")
def claimed(small_world, current_participants):
    """(contract_id, nino, outcome_type) covered by a claim that is not withdrawn."""
    claims = (
        all_rows(small_world[0], "outcome_claims")
        .sort("file_period", "file_timestamp")
        .unique(["file_ukprn", "claim_id"], keep="last")
        .filter(pl.col("claim_status").fill_null("ACTIVE").str.to_uppercase() != "WITHDRAWN")
    )
    return (
        claims.join(
            current_participants.select("file_ukprn", "participant_ref", "nino"),
            on=["file_ukprn", "participant_ref"],
        )
        .select("contract_id", "nino", pl.col("outcome_type").str.to_uppercase())
        .unique()
    )


@pytest.fixture(scope="module")
def unclaimed_cells(world, met, claimed):
    cut_off = pl.DataFrame(
        {
            "prime_ukprn": list(world["unclaimed_outcomes"]["cut_off"]),
            "cut_off": list(world["unclaimed_outcomes"]["cut_off"].values()),
        }
    ).with_columns(_date("cut_off"))
    prime_of = pl.DataFrame(
        [(c["contract_id"], c["prime_ukprn"]) for c in world["contracts"]],
        schema=["contract_id", "prime_ukprn"],
        orient="row",
    )
    judged = (
        met.join(
            claimed.with_columns(pl.lit(True).alias("claimed")),
            on=["contract_id", "nino", "outcome_type"],
            how="left",
        )
        .join(prime_of, on="contract_id")
        .join(cut_off, on="prime_ukprn")
        .with_columns(
            pl.col("claimed").fill_null(False),
            _quarter(pl.col("met_on")).alias("met_quarter"),
            (pl.col("met_on") + pl.duration(days=GRACE) <= pl.col("cut_off")).alias("due"),
        )
    )
    return judged.group_by("contract_id", "outcome_type", "met_quarter").agg(
        pl.len().alias("met"),
        pl.col("claimed").sum().alias("claimed"),
        (~pl.col("claimed") & pl.col("due")).sum().alias("unclaimed"),
        (~pl.col("claimed") & ~pl.col("due")).sum().alias("not_yet_due"),
    )


def _cells(rows) -> dict:
    return {
        (r["contract_id"], r["outcome_type"], r["met_quarter"]): (
            r["met"],
            r["claimed"],
            r["unclaimed"],
            r["not_yet_due"],
        )
        for r in rows
    }


def test_world_json_states_exactly_the_unclaimed_outcomes_the_files_show(world, unclaimed_cells):
    found = _cells(unclaimed_cells.iter_rows(named=True))
    stated = _cells(world["unclaimed_outcomes"]["contracts"])
    assert found == stated
    assert sum(v[2] for v in stated.values()) > 50 and sum(v[3] for v in stated.values()) > 50


def test_the_record_is_counts_that_add_up_and_holds_no_person(world):
    record = world["unclaimed_outcomes"]
    assert record["claim_grace_days"] == GRACE
    for row in record["contracts"]:
        assert row["met"] == row["claimed"] + row["unclaimed"] + row["not_yet_due"]
        assert row["unclaimed"] + row["not_yet_due"] == sum(
            row.get(k, 0)
            for k in ("on_purpose", "part_time", "not_yet_claimed", "claim_slipped", "not_claimable")
        )
        assert set(row) >= {"contract_id", "prime_ukprn", "outcome_type", "met_quarter"}


def test_outcomes_met_in_the_last_quarter_are_not_yet_claimed_and_not_yet_due(world):
    last = world["periods"][-1]
    rows = [r for r in world["unclaimed_outcomes"]["contracts"] if r["met_quarter"] >= last]
    assert sum(r["met"] for r in rows) > 50
    assert sum(r["claimed"] for r in rows) == 0
    assert all(r["unclaimed"] == 0 for r in rows)
    earlier = [r for r in world["unclaimed_outcomes"]["contracts"] if r["met_quarter"] < world["periods"][-2]]
    assert sum(r["not_yet_due"] for r in earlier) == 0


def test_only_the_under_claimer_leaves_a_visible_share_unclaimed_once_the_grace_has_run(world):
    profile = {p["ukprn"]: p["profile"] for p in world["primes"]}
    share = {}
    for prime in profile:
        rows = [r for r in world["unclaimed_outcomes"]["contracts"] if r["prime_ukprn"] == prime]
        due = sum(r["met"] - r["not_yet_due"] for r in rows)
        share[prime] = sum(r["unclaimed"] for r in rows) / due
    under = [s for p, s in share.items() if profile[p] == "UNDER_CLAIMER"]
    others = [s for p, s in share.items() if profile[p] != "UNDER_CLAIMER"]
    assert min(under) > 0.4 and max(others) < 0.12
    on_purpose = {
        p: sum(r["on_purpose"] for r in world["unclaimed_outcomes"]["contracts"] if r["prime_ukprn"] == p)
        for p in profile
    }
    assert all(
        on_purpose[p] > 5 * max(1, on_purpose[q])
        for p in profile
        if profile[p] == "UNDER_CLAIMER"
        for q in profile
        if profile[q] != "UNDER_CLAIMER"
    )


def test_sustained_claims_come_in_a_return_after_the_quarter_the_outcome_was_met(
    small_world, met, current_participants
):
    claims = (
        all_rows(small_world[0], "outcome_claims")
        .filter(
            pl.col("outcome_type").str.to_uppercase().is_in(list(RULES))
            & (pl.col("claim_status").fill_null("ACTIVE") != "WITHDRAWN")
            & _date("claim_date").is_not_null()
            & _date("job_start_date").is_not_null()
        )
        .with_columns(
            _date("claim_date").alias("claimed_on"),
            _date("job_start_date").alias("job_start"),
            pl.col("outcome_type").str.to_uppercase(),
        )
    )
    assert (claims["file_period"] == claims.select(_quarter(pl.col("claimed_on"))).to_series()).all()
    # every claim: at least the quarter after the one in which its job had lasted long enough
    premature = claims.filter(pl.col("claimed_on") < pl.col("job_start") + pl.duration(days=182))
    fair = claims.join(
        premature.select("file_name", "claim_id"), on=["file_name", "claim_id"], how="anti"
    ).with_columns(pl.when(pl.col("outcome_type") == "SUSTAINED_26W").then(181).otherwise(545).alias("need"))
    earliest_met = pl.col("job_start") + pl.duration(days=pl.col("need"))
    assert (fair.select(_quarter(pl.col("claimed_on")) > _quarter(earliest_met)).to_series()).all()
    # and claims of outcomes the evidence shows met come after the quarter they were met in
    joined = fair.join(
        current_participants.select("file_ukprn", "participant_ref", "nino"),
        on=["file_ukprn", "participant_ref"],
    ).join(met, on=["contract_id", "nino", "outcome_type"])
    assert len(joined) > 300
    assert joined.select(_quarter(pl.col("claimed_on")) > _quarter(pl.col("met_on"))).to_series().all()
