"""The DWP side of the world is complete, consistent and clean."""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

from tests.support.synth_reader import GSS_CODE, iso_or_none, nino_is_valid, reference, world_json

PROGRAMMES = {"FND", "ESF", "WPG"}
GROUPS = {
    "JSA_18_24",
    "JSA_25_PLUS",
    "JSA_EARLY_ACCESS",
    "ESA_WRAG",
    "IB_ESA_EX_IB",
    "LONE_PARENT",
    "VOLUNTARY",
}
FEES = {"START", "JOB_OUTCOME", "SUSTAINED_26W", "SUSTAINED_78W"}
INSPECTORATE = {"ENGLAND": "OFSTED", "WALES": "ESTYN", "SCOTLAND": "EDUCATION_SCOTLAND"}


def test_areas_span_three_nations_and_every_local_authority_lies_in_one_of_them(small_world):
    root, _ = small_world
    areas = reference(root, "contract_package_areas")
    las = reference(root, "local_authorities")
    assert areas["cpa_id"].to_list() == [f"CPA{i:02d}" for i in range(1, 19)]
    assert set(areas["nation"]) == {"ENGLAND", "SCOTLAND", "WALES"}
    assert set(areas["is_rural"]) == {"true", "false"}
    assert las["la_code"].is_unique().all()
    assert set(las["cpa_id"]) == set(areas["cpa_id"])
    assert las.group_by("cpa_id").len()["len"].min() >= 3
    nation = dict(areas.select("cpa_id", "nation").iter_rows())
    for code, cpa in las.select("la_code", "cpa_id").iter_rows():
        assert GSS_CODE.match(code), code
        assert code[0] == {"ENGLAND": "E", "WALES": "W", "SCOTLAND": "S"}[nation[cpa]]


def test_providers_have_ukprns_and_sectors_from_the_spec(small_world):
    root, _ = small_world
    providers = reference(root, "providers")
    assert providers["ukprn"].is_unique().all()
    assert all(re.match(r"^1[0-9]{7}$", u) for u in providers["ukprn"])
    assert set(providers["sector"]) <= {"PRIVATE", "THIRD_SECTOR", "PUBLIC", "FE_COLLEGE"}


def test_contracts_follow_the_id_pattern_and_run_five_or_seven_years(small_world):
    root, summary = small_world
    contracts = reference(root, "contracts")
    first_period_start = dt.date(int(summary["periods"][0][:4]), 3 * int(summary["periods"][0][-1]) - 2, 1)
    for row in contracts.iter_rows(named=True):
        assert re.match(r"^[A-Z]{3}[0-9]{5}$", row["contract_id"])
        assert row["contract_id"][:3] == row["programme"] and row["programme"] in PROGRAMMES
        start, end = dt.date.fromisoformat(row["start_date"]), dt.date.fromisoformat(row["end_date"])
        assert (end.year - start.year in (5, 7)) and (end.month, end.day) == (start.month, start.day)
        assert start < first_period_start
        assert float(row["contract_value_gbp"]) > 0
        assert row["status"] in {"LIVE", "TERMINATED", "ENDED"}
    assert 12 <= len(contracts) <= 16
    assert set(contracts["programme"]) == PROGRAMMES


def test_supply_chains_change_during_the_world(small_world):
    root, summary = small_world
    chain = reference(root, "supply_chain")
    contracts = reference(root, "contracts")
    assert set(chain["contract_id"]) == set(contracts["contract_id"])
    assert chain.select("contract_id", "delivery_ukprn", "valid_from").is_unique().all()
    starts = dict(contracts.select("contract_id", "start_date").iter_rows())
    joined_later = chain.filter(pl.col("valid_from") > pl.col("contract_id").replace_strict(starts))
    assert len(joined_later) > 0
    assert chain["valid_to"].null_count() < len(chain)
    primes = dict(contracts.select("contract_id", "prime_ukprn").iter_rows())
    assert any(primes[c] == d for c, d in chain.select("contract_id", "delivery_ukprn").iter_rows())


def test_payment_rates_cover_every_programme_group_and_fee_and_rise_with_disadvantage(small_world):
    root, _ = small_world
    rates = reference(root, "payment_rates").with_columns(pl.col("amount_gbp").cast(pl.Float64))
    assert len(rates) == 3 * 7 * 4
    assert set(rates.select("programme", "customer_group", "fee_type").iter_rows()) == {
        (p, g, f) for p in PROGRAMMES for g in GROUPS for f in FEES
    }
    sustained = dict(
        rates.filter((pl.col("programme") == "FND") & (pl.col("fee_type") == "SUSTAINED_26W"))
        .select("customer_group", "amount_gbp")
        .iter_rows()
    )
    assert sustained["IB_ESA_EX_IB"] > sustained["ESA_WRAG"] > sustained["JSA_25_PLUS"] > 1000
    # Only the long-outcome trial (ESF) pays the 78-week outcome.
    long_outcome = rates.filter(pl.col("fee_type") == "SUSTAINED_78W")
    assert (long_outcome.filter(pl.col("programme") == "ESF")["amount_gbp"] > 0).all()
    assert (long_outcome.filter(pl.col("programme") != "ESF")["amount_gbp"] == 0).all()


def test_performance_levels_cover_every_programme_and_group_in_a_plausible_range(small_world):
    root, _ = small_world
    levels = reference(root, "performance_levels").with_columns(
        pl.col("minimum_sustained_rate").cast(pl.Float64)
    )
    assert len(levels) == 3 * 7
    assert levels["minimum_sustained_rate"].min() >= 0.04 and levels["minimum_sustained_rate"].max() <= 0.35


def test_inspections_use_the_inspectorate_of_the_primes_nations(small_world):
    root, summary = small_world
    inspections = reference(root, "inspections")
    primes = {p["ukprn"] for p in world_json(root)["primes"]}
    assert set(inspections["ukprn"]) == primes
    assert set(inspections["grade"]) <= {"1", "2", "3", "4"}
    assert set(inspections["inspectorate"]) == set(INSPECTORATE.values())
    assert inspections.select("ukprn", "inspection_date").is_unique().all()
    contracts = reference(root, "contracts")
    nation = dict(reference(root, "contract_package_areas").select("cpa_id", "nation").iter_rows())
    works_in = {
        (u, INSPECTORATE[nation[c]]) for u, c in contracts.select("prime_ukprn", "cpa_id").iter_rows()
    }
    assert set(inspections.select("ukprn", "inspectorate").iter_rows()) <= works_in
    years = {d[:4] for d in inspections["inspection_date"]}
    assert len(years) >= 3


def test_unemployment_is_known_for_every_local_authority_and_quarter(small_world):
    root, summary = small_world
    market = reference(root, "labour_market").with_columns(pl.col("unemployment_rate").cast(pl.Float64))
    las = set(reference(root, "local_authorities")["la_code"])
    assert set(market["la_code"]) == las
    periods = sorted(set(market["period"]))
    assert set(summary["periods"]) < set(periods) and len(periods) >= len(summary["periods"]) + 2
    assert len(market) == len(las) * len(periods)
    assert market["unemployment_rate"].min() > 0 and market["unemployment_rate"].max() < 100


def test_employment_spells_are_clean_and_shaped_like_an_extract(small_world):
    root, summary = small_world
    spells = reference(root, "employment_spells")
    assert spells.select("nino", "employer_paye_ref", "spell_start").is_unique().all()
    assert all(nino_is_valid(n) for n in spells["nino"])
    assert all(re.match(r"^[0-9]{3}/[A-Z0-9]{1,10}$", r) for r in spells["employer_paye_ref"])
    assert set(spells["extract_date"]) == {summary["extract_date"]}
    assert spells.filter(pl.col("spell_start") > pl.col("extract_date")).is_empty()
    assert spells.filter(pl.col("spell_end") < pl.col("spell_start")).is_empty()
    assert spells.filter(pl.col("spell_end") > pl.col("extract_date")).is_empty()
    assert 0 < spells["spell_end"].null_count() < len(spells)  # some still ongoing at the extract
    assert all(iso_or_none(d) for d in spells["spell_start"])


def test_some_people_hold_two_jobs_at_once_and_some_change_jobs(small_world):
    root, _ = small_world
    extract = dt.date.fromisoformat(world_json(root)["extract_date"])
    spells = (
        reference(root, "employment_spells")
        .with_columns(
            pl.col("spell_start").str.to_date(), pl.col("spell_end").str.to_date().fill_null(extract)
        )
        .sort("nino", "spell_start")
    )
    pairs = spells.with_columns(pl.col("spell_end").shift(1).over("nino").alias("previous_end")).filter(
        pl.col("previous_end").is_not_null()
    )
    overlapping = pairs.filter(pl.col("spell_start") <= pl.col("previous_end"))
    short_gap = pairs.filter(
        (pl.col("spell_start") - pl.col("previous_end")).dt.total_days().is_between(1, 60)
    )
    assert len(overlapping) > 10
    assert len(short_gap) > 10


def test_one_prime_works_in_england_and_wales_and_the_two_inspectorates_grade_it_differently(small_world):
    root, _ = small_world
    named = world_json(root)["two_nation_prime"]
    contracts = reference(root, "contracts")
    nation = dict(reference(root, "contract_package_areas").select("cpa_id", "nation").iter_rows())
    nations = {
        nation[c] for u, c in contracts.select("prime_ukprn", "cpa_id").iter_rows() if u == named["ukprn"]
    }
    assert {"ENGLAND", "WALES"} <= nations
    inspections = (
        reference(root, "inspections").filter(pl.col("ukprn") == named["ukprn"]).sort("inspection_date")
    )
    latest = dict(inspections.group_by("inspectorate").agg(pl.col("grade").last()).iter_rows())
    assert latest["OFSTED"] != latest["ESTYN"]
    assert {k: int(v) for k, v in latest.items()} == named["grades"]
    # every quarter of the world has an inspection of each within the three years before it
    last_end = dt.date.fromisoformat(world_json(root)["last_period_end"])
    for inspectorate in ("OFSTED", "ESTYN"):
        dates = [
            dt.date.fromisoformat(d)
            for d in inspections.filter(pl.col("inspectorate") == inspectorate)["inspection_date"]
        ]
        assert any(
            last_end - dt.timedelta(days=3 * 365) <= d <= last_end - dt.timedelta(days=92) for d in dates
        )
