"""The built-in prime profiles show in the data, as the warehouse will have to find them.

Every measure here is computed from the written files alone (returns, spells,
reference data), not from the generator's own truth, so a profile that only
exists in ``world.json`` fails.
"""

from __future__ import annotations

import re

import polars as pl
import pytest

from tests.support.synth_reader import all_rows, nino_is_valid, quarter_end, reference, world_json

PROFILES = {"STRONG", "WEAK", "PARKER", "OVER_CLAIMER", "UNDER_CLAIMER", "ORDINARY"}


@pytest.fixture(scope="module")
def world(small_world):
    root, _ = small_world
    return world_json(root)


@pytest.fixture(scope="module")
def profile_of(world):
    return {p["ukprn"]: p["profile"] for p in world["primes"]}


@pytest.fixture(scope="module")
def participants(small_world, world):
    """Current participant records (latest row per prime and reference), well-formed rows only."""
    root, _ = small_world
    rows = all_rows(root, "participants").filter(
        pl.col("nino").map_elements(nino_is_valid, return_dtype=pl.Boolean)
        & pl.col("referral_date").str.contains(r"^\d{4}-\d\d-\d\d$")
    )
    rows = rows.sort("file_period", "file_timestamp").unique(["file_ukprn", "participant_ref"], keep="last")
    return rows.with_columns(
        pl.col("referral_date").str.to_date(),
        pl.col("leave_date").str.to_date(strict=False),
        (
            pl.col("customer_group").str.to_uppercase().is_in(["ESA_WRAG", "IB_ESA_EX_IB"])
            | (pl.col("impairment_group").fill_null("") == "MENTAL_HEALTH")
        ).alias("hard_to_help"),
    ).sort("file_ukprn", "participant_ref")


@pytest.fixture(scope="module")
def spells(small_world, world):
    root, _ = small_world
    extract = pl.lit(world["extract_date"]).str.to_date()
    return reference(root, "employment_spells").with_columns(
        pl.col("spell_start").str.to_date(), pl.col("spell_end").str.to_date().fill_null(extract)
    )


@pytest.fixture(scope="module")
def first_job(participants, spells):
    """Each participant's evidence job start: first spell after referral, by leave_date + 28 days."""
    joined = participants.join(spells, on="nino", how="left").filter(
        (pl.col("spell_start") >= pl.col("referral_date"))
        & (
            pl.col("leave_date").is_null()
            | (pl.col("spell_start") <= pl.col("leave_date") + pl.duration(days=28))
        )
    )
    return joined.group_by("file_ukprn", "participant_ref", "nino").agg(
        pl.col("spell_start").min().alias("job_start")
    )


def test_world_json_records_every_profile_and_each_primes_contracts(world):
    assert {p["profile"] for p in world["primes"]} == PROFILES
    contracts = {c["contract_id"] for c in world["contracts"]}
    for prime in world["primes"]:
        assert re.match(r"^1[0-9]{7}$", prime["ukprn"]) and prime["name"] and prime["contracts"]
        assert set(prime["contracts"]) <= contracts
        assert prime["truth"]["participants"] > 0
    assert set(world["profiles"]) == PROFILES
    assert {"extract_date", "periods", "counts", "files", "defects"} <= set(world)


def test_world_json_holds_no_personal_identifiers(small_world):
    root, _ = small_world
    text = (root / "world.json").read_text()
    assert not re.search(r"[A-Z]{2}[0-9]{6}[A-D]", text)  # a NINO
    assert not re.search(r"[A-Z]{3}[0-9]{5}-[0-9]{7}", text)  # a participant_ref
    assert "date_of_birth" not in text


def test_contracts_have_well_over_50_referrals_in_their_mature_cohorts(participants, world):
    last_mature = quarter_end(world["mature_cohorts"][-1])
    mature = participants.filter(pl.col("referral_date") <= last_mature).group_by("contract_id").len()
    assert len(mature) == len(world["contracts"])
    assert mature["len"].min() >= 65


def test_the_parker_has_30_plus_hard_to_help_participants_per_contract(participants, world, profile_of):
    last_mature = quarter_end(world["mature_cohorts"][-1])
    parker = [u for u, p in profile_of.items() if p == "PARKER"]
    mature = participants.filter(
        (pl.col("referral_date") <= last_mature) & pl.col("file_ukprn").is_in(parker)
    )
    per_contract = mature.group_by("contract_id").agg(
        (pl.col("customer_group").str.to_uppercase() == "ESA_WRAG").sum().alias("esa_wrag"),
        (pl.col("impairment_group") == "MENTAL_HEALTH").sum().alias("mental_health"),
    )
    assert len(per_contract) >= 2
    assert per_contract["esa_wrag"].min() >= 30 and per_contract["mental_health"].min() >= 30


def test_the_parker_gives_hard_to_help_participants_far_fewer_jobs_than_easier_ones(
    participants, first_job, profile_of
):
    worked = participants.join(
        first_job, on=["file_ukprn", "participant_ref", "nino"], how="left"
    ).with_columns(pl.col("job_start").is_not_null().alias("worked"))
    rates = worked.group_by("file_ukprn", "hard_to_help").agg(pl.col("worked").mean())
    ratio = {
        u: rates.filter((pl.col("file_ukprn") == u) & pl.col("hard_to_help"))["worked"][0]
        / rates.filter((pl.col("file_ukprn") == u) & ~pl.col("hard_to_help"))["worked"][0]
        for u in profile_of
    }
    parker = [ratio[u] for u, p in profile_of.items() if p == "PARKER"]
    others = [ratio[u] for u, p in profile_of.items() if p != "PARKER"]
    assert max(parker) < 0.15 and min(others) > 0.3


def test_strong_primes_place_more_people_in_work_than_weak_ones(participants, first_job, profile_of):
    worked = (
        participants.join(first_job, on=["file_ukprn", "participant_ref", "nino"], how="left")
        .group_by("file_ukprn")
        .agg(pl.col("job_start").is_not_null().mean().alias("rate"))
    )
    rate = {u: r for u, r in worked.iter_rows()}
    by_profile = {p: [rate[u] for u, q in profile_of.items() if q == p] for p in PROFILES}
    assert (
        min(by_profile["STRONG"])
        > max(by_profile["ORDINARY"])
        > min(by_profile["ORDINARY"])
        > max(by_profile["WEAK"])
    )


def _days_in_window(first_job: pl.DataFrame, spells: pl.DataFrame, extract: str) -> pl.DataFrame:
    window = (
        first_job.filter(pl.col("job_start").is_not_null())
        .join(spells, on="nino")
        .with_columns(
            pl.max_horizontal("spell_start", "job_start").alias("lo"),
            pl.min_horizontal(
                "spell_end", pl.col("job_start") + pl.duration(days=209), pl.lit(extract).str.to_date()
            ).alias("hi"),
        )
        .filter(pl.col("lo") <= pl.col("hi"))
    )
    days = window.with_columns(pl.date_ranges("lo", "hi").alias("day")).explode("day")
    return days.group_by("file_ukprn", "participant_ref").agg(pl.col("day").n_unique().alias("days"))


def test_the_under_claimer_leaves_a_visible_share_of_sustained_outcomes_unclaimed(
    small_world, world, first_job, spells, profile_of
):
    """By the files alone, counting only outcomes met by the last-but-one quarter's end (claimed by now)."""
    root, _ = small_world
    met = (
        _days_in_window(first_job, spells, world["extract_date"])
        .filter(pl.col("days") >= 182)
        .join(first_job, on=["file_ukprn", "participant_ref"])
        .filter(pl.col("job_start") + pl.duration(days=181) <= quarter_end(world["periods"][-2]))
    )
    claims = all_rows(root, "outcome_claims").filter(
        (pl.col("outcome_type").str.to_uppercase() == "SUSTAINED_26W")
        & (pl.col("claim_status").fill_null("ACTIVE") != "WITHDRAWN")
    )
    claimed = (
        claims.select(pl.col("file_ukprn"), "participant_ref")
        .unique()
        .with_columns(pl.lit(True).alias("claimed"))
    )
    share = (
        met.join(claimed, on=["file_ukprn", "participant_ref"], how="left")
        .group_by("file_ukprn")
        .agg(pl.col("claimed").is_null().mean().alias("unclaimed"))
    )
    unclaimed = dict(share.iter_rows())
    under = [unclaimed[u] for u, p in profile_of.items() if p == "UNDER_CLAIMER"]
    others = [unclaimed[u] for u, p in profile_of.items() if p != "UNDER_CLAIMER"]
    assert min(under) > 0.4 and max(others) < 0.15


def test_the_over_claimer_claims_job_outcomes_that_no_spell_supports(
    small_world, participants, spells, profile_of
):
    root, _ = small_world
    claims = (
        all_rows(root, "outcome_claims")
        .filter(
            (pl.col("outcome_type").str.to_uppercase() == "JOB_OUTCOME")
            & (pl.col("claim_status").fill_null("ACTIVE") != "WITHDRAWN")
            & pl.col("job_start_date").str.contains(r"^\d{4}-")
        )
        .with_columns(pl.col("job_start_date").str.to_date())
    )
    claims = claims.join(
        participants.select("file_ukprn", "participant_ref", "nino", "referral_date"),
        on=["file_ukprn", "participant_ref"],
        how="inner",
    ).with_row_index("claim")
    supported = (
        claims.join(spells, on="nino")
        .filter(
            ((pl.col("spell_start") - pl.col("job_start_date")).dt.total_days().abs() <= 28)
            & (pl.col("spell_start") >= pl.col("referral_date"))
        )["claim"]
        .unique()
    )
    claims = claims.with_columns(pl.col("claim").is_in(supported.implode()).alias("supported"))
    unsupported = dict(claims.group_by("file_ukprn").agg((~pl.col("supported")).mean()).iter_rows())
    over = [unsupported[u] for u, p in profile_of.items() if p == "OVER_CLAIMER"]
    others = [unsupported[u] for u, p in profile_of.items() if p != "OVER_CLAIMER"]
    assert min(over) > 0.12 and max(others) < 0.07


def test_satisfaction_and_inspection_grades_follow_the_profile(small_world, profile_of):
    root, _ = small_world
    survey = all_rows(root, "customer_survey").filter(pl.col("overall_satisfaction").str.contains(r"^[1-5]$"))
    mean = dict(
        survey.group_by("file_ukprn").agg(pl.col("overall_satisfaction").cast(pl.Int64).mean()).iter_rows()
    )
    grade = dict(
        reference(root, "inspections")
        .group_by("ukprn")
        .agg(pl.col("grade").cast(pl.Int64).mean())
        .iter_rows()
    )

    def of(profile, values):
        return [values[u] for u, p in profile_of.items() if p == profile]

    assert min(of("STRONG", mean)) > max(of("ORDINARY", mean)) > max(of("WEAK", mean))
    assert max(of("STRONG", grade)) < min(of("WEAK", grade))


def test_a_small_group_does_badly_in_the_rating_window_but_by_no_more_than_chance(
    world, participants, profile_of
):
    group = world["small_group"]
    assert profile_of[group["prime_ukprn"]] in ("WEAK", "ORDINARY")
    window = group["window_cohorts"]
    assert len(window) == 4 and group["rating_quarter"] == world["last_complete_quarter"]
    quarter = pl.concat_str(
        [
            pl.col("referral_date").dt.year().cast(pl.String),
            pl.lit("Q"),
            pl.col("referral_date").dt.quarter().cast(pl.String),
        ]
    )
    in_window = participants.filter((pl.col("contract_id") == group["contract_id"]) & quarter.is_in(window))
    members = in_window.filter(pl.col("sex").str.to_uppercase() == group["group_value"])
    assert 30 <= len(members) == group["participants"] < 60
    assert len(in_window) > 4 * len(members)
    estimate = group["estimate"]
    # below half the contract's index, yet a shortfall chance explains (z above -1.96)
    assert group["actual_outcomes"] / estimate["expected_outcomes"] < 0.5 * estimate["contract_index"]
    assert -1.96 < estimate["z_score"] < 0 and 2 < estimate["lambda"] < 4.9
