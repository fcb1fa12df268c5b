"""Ratings as published stay as published: approval records them, a later release lists what moved.

On a private copy of the real small world: the release of an earlier rating
quarter is prepared and approved (its ratings go to the lake's published-ratings
dataset before its folder appears); then that quarter's employment evidence
changes (every employment spell of one contract's participants is withdrawn,
so their sustained outcomes no longer verify); the warehouse is built again
and the next quarter's release is prepared. Its ``revisions.csv`` lists the
restated rating, ``star_ratings.csv`` marks it ``[r]`` beside the stars as
first published, and the warehouse's ``previous_stars`` reads the published
value, not the recomputed one.
"""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from core.settings import Paths
from publish.release import approve_release, prepare_release
from tests.support.release_files import csv_rows
from tests.support.worlds import copy_home, mi_home_env

pytestmark = pytest.mark.slow


def _query(paths: Paths, sql: str, params=()) -> list[dict]:
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        cursor = con.execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def _withdraw_evidence(paths: Paths, contract_id: str) -> int:
    """Remove every employment spell of the contract's participants from the lake (the evidence changes)."""
    keys = {
        r["person_key"]
        for r in _query(
            paths, "select person_key from marts.fct_participants where contract_id = ?", [contract_id]
        )
    }
    removed = 0
    for part in sorted((paths.lake / "reference" / "employment_spells").glob("submission_id=*/*.parquet")):
        frame = pl.read_parquet(part)
        kept = frame.filter(~pl.col("person_key").is_in(list(keys)))
        if kept.height != frame.height:
            removed += frame.height - kept.height
            part.chmod(0o644)
            kept.write_parquet(part)
    return removed


@pytest.fixture(scope="module")
def restated(small_world_home, tmp_path_factory):
    from warehouse import build_warehouse

    paths = Paths(copy_home(small_world_home.home, tmp_path_factory.mktemp("restated") / "home"))
    quarters = [
        r["q"]
        for r in _query(paths, "select distinct rating_quarter as q from marts.mart_star_ratings order by 1")
    ]
    earlier, latest = quarters[-2], quarters[-1]
    # the contract with the most stars in the earlier quarter: losing its outcomes must move its stars
    best = _query(
        paths,
        "select contract_id, stars from marts.mart_star_ratings "
        "where rating_quarter = ? and stars is not null "
        "order by stars desc, contract_id limit 1",
        [earlier],
    )[0]
    prepare_release(earlier, preparer="alice", paths=paths)
    approved = approve_release(earlier, approver="bob", paths=paths)
    lake_rows = pl.read_parquet(paths.lake / "published_ratings" / f"release={earlier}-v1" / "*.parquet")

    assert _withdraw_evidence(paths, best["contract_id"]) > 0
    with mi_home_env(paths.home):
        result = build_warehouse(paths)
    assert result.ok, result
    candidate = prepare_release(latest, preparer="alice", paths=paths)
    return {
        "paths": paths,
        "earlier": earlier,
        "latest": latest,
        "contract": best["contract_id"],
        "published_stars": best["stars"],
        "approved": approved,
        "lake_rows": lake_rows,
        "candidate": candidate,
    }


def test_approval_writes_every_published_rating_to_the_lake(restated):
    rows = restated["lake_rows"]
    published = csv_rows(restated["approved"].folder / "star_ratings.csv")
    assert rows.height == len(published)
    assert set(rows["release_period"]) == {restated["earlier"]} and set(rows["release_version"]) == {1}
    mine = rows.filter(
        (pl.col("rated_unit_id") == restated["contract"]) & (pl.col("rating_quarter") == restated["earlier"])
    )
    assert mine["stars"].to_list() == [restated["published_stars"]]


def test_the_restated_rating_is_listed_in_revisions_and_marked_r(restated):
    assert restated["candidate"].gate_passed, restated["candidate"].gate_failures
    folder = restated["candidate"].folder
    key = f"period={restated['earlier']}; unit_type=CONTRACT; unit_id={restated['contract']}"
    revisions = [r for r in csv_rows(folder / "revisions.csv") if r["revision"] == "restated_rating"]
    mine = [r for r in revisions if r["key"] == key]
    assert len(mine) == 1, revisions
    assert mine[0]["table"] == "star_ratings" and mine[0]["column"] == "stars"
    assert mine[0]["old"] == str(restated["published_stars"]) and mine[0]["new"] != mine[0]["old"]

    stars = {(r["period"], r["unit_type"], r["unit_id"]): r for r in csv_rows(folder / "star_ratings.csv")}
    row = stars[(restated["earlier"], "CONTRACT", restated["contract"])]
    assert row["stars_marker"] == "[r]"
    assert row["published_stars"] == str(restated["published_stars"]) and row["stars"] == mine[0]["new"]
    # every [r] is listed, and nothing else is
    marked = {k for k, r in stars.items() if r["stars_marker"] == "[r]"}
    assert {f"period={p}; unit_type={t}; unit_id={u}" for p, t, u in marked} == {r["key"] for r in revisions}
    # the release's own quarter was never published: its published stars are not applicable
    assert {r["published_stars"] for k, r in stars.items() if k[0] == restated["latest"]} == {"[z]"}


def test_the_warehouse_reads_the_published_value_as_previous_stars(restated):
    paths = restated["paths"]
    now = _query(
        paths,
        "select stars, published_stars from marts.mart_star_ratings "
        "where contract_id = ? and rating_quarter = ?",
        [restated["contract"], restated["earlier"]],
    )[0]
    assert now["published_stars"] == restated["published_stars"] != now["stars"]
    later = _query(
        paths,
        "select previous_stars from marts.mart_star_ratings where contract_id = ? and rating_quarter = ?",
        [restated["contract"], restated["latest"]],
    )[0]
    assert later["previous_stars"] == restated["published_stars"]
