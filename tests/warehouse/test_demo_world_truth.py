"""The warehouse's findings on the small (demo) world against the world's own ground truth.

``world.json`` records, as counts per contract, outcome type and quarter the
outcome was met, which sustained outcomes each prime left unclaimed (on
purpose, part-time, not yet claimed) and which are not yet due. The
warehouse, knowing nothing of intent, must find exactly those.
"""

from __future__ import annotations

import json

import duckdb
import pytest


@pytest.fixture(scope="module")
def truth(small_world_files):
    return json.loads((small_world_files / "world.json").read_text())


@pytest.fixture(scope="module")
def warehouse(small_world):
    with duckdb.connect(str(small_world / "warehouse" / "mi.duckdb"), read_only=True) as con:
        yield con


def test_unclaimed_and_not_yet_due_rows_are_exactly_the_worlds(truth, warehouse):
    expected = {
        (c["contract_id"], c["outcome_type"], c["met_quarter"]): (c["unclaimed"], c["not_yet_due"])
        for c in truth["unclaimed_outcomes"]["contracts"]
        if c["unclaimed"] or c["not_yet_due"]
    }
    found = {
        (contract, outcome, quarter): (unclaimed, not_yet_due)
        for contract, outcome, quarter, unclaimed, not_yet_due in warehouse.execute("""
                 select contract_id, outcome_type, met_quarter,
                        count(*) filter (where claim_state = 'UNCLAIMED'),
                        count(*) filter (where claim_state = 'NOT_YET_DUE')
                 from marts.fct_unclaimed_outcomes group by all""").fetchall()
    }
    assert expected, "the world should leave some outcomes unclaimed"
    assert found == expected


def test_not_yet_due_rows_exist_at_the_extract(warehouse):
    assert (
        warehouse.execute(
            "select count(*) from marts.fct_unclaimed_outcomes where claim_state = 'NOT_YET_DUE'"
        ).fetchone()[0]
        > 0
    )


def test_the_under_claimer_has_the_highest_share_in_every_quarter_that_has_one(truth, warehouse):
    under = {p["ukprn"] for p in truth["primes"] if p["profile"] == "UNDER_CLAIMER"}
    assert under
    rows = warehouse.execute("""
        select
            period,
            prime_ukprn,
            sum(unclaimed_sustained_outcomes) / nullif(sum(evidenced_sustained_outcomes), 0)
        from marts.mart_contract_review where unclaimed_share is not null group by all""").fetchall()
    assert rows
    best: dict[str, tuple[float, str]] = {}
    for period, prime, share in rows:
        if share is not None and (period not in best or share > best[period][0]):
            best[period] = (share, prime)
    # every quarter in which the under-claimer has a share (early quarters may have no outcome of its yet)
    its_quarters = {period for period, prime, share in rows if prime in under and share is not None}
    assert its_quarters
    assert {best[period][1] for period in its_quarters} == under, best


def test_the_latest_quarters_share_is_null_and_no_rating_follows_the_last_complete_quarter(warehouse):
    latest, share = warehouse.execute("""
        select period, count(unclaimed_share) from marts.mart_contract_review
        group by period order by period desc limit 1""").fetchone()
    assert share == 0, f"{latest} has an unclaimed share before its claims could arrive"
    last_complete, last_rated = warehouse.execute(
        "select last_complete_quarter, last_rating_quarter from marts.mart_build_info"
    ).fetchone()
    assert last_rated == last_complete
    assert (
        warehouse.execute("select max(rating_quarter) from marts.mart_star_ratings").fetchone()[0]
        == last_complete
    )
