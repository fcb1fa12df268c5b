"""The release of the real small world: dbt's marts through disclosure control to valid open data.

The synthetic world is built by the real stages (``tests/support/worlds.py``);
the release is prepared by alice and approved by bob for the latest rating
quarter. These tests hold the published files to the spec against the true
figures of the warehouse.
"""

from __future__ import annotations

import re

import duckdb
import pyarrow.parquet as pq
import pytest

from publish.definitions import ALL_TABLES, DATA_TABLES
from publish.disclosure_control import is_personal_column
from publish.release import approve_release, list_releases, prepare_release
from tests.publish.support import count_columns, folder_bytes, frictionless_validate, tables_of


@pytest.fixture(scope="module")
def release(small_world_home):
    paths = small_world_home
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        period = con.execute("select max(rating_quarter) from marts.mart_star_ratings").fetchone()[0]
    candidate = prepare_release(period, preparer="alice", paths=paths)
    published = approve_release(period, approver="bob", paths=paths)
    return {
        "paths": paths,
        "period": period,
        "candidate": candidate,
        "published": published,
        "files": folder_bytes(published.folder),
        "tables": tables_of(published.folder),
    }


def _warehouse_rows(paths, sql, params=()):
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        cursor = con.execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r, strict=False)) for r in cursor.fetchall()]


def test_the_release_passes_its_gate_and_is_published(release):
    assert release["candidate"].gate_passed, release["candidate"].gate_failures
    assert release["published"].folder.name == "v1"
    assert [e["state"] for e in list_releases(release["paths"])] == ["published"]


def test_frictionless_validate_reports_the_release_valid(release):
    code, report = frictionless_validate(release["published"].folder / "datapackage.json")
    assert code == 0 and report["valid"], report
    assert len(report["tasks"]) == len(DATA_TABLES)
    assert all(task["valid"] for task in report["tasks"])


def test_every_count_in_every_csv_is_a_multiple_of_five_or_a_symbol(release):
    checked = 0
    for name, rows in release["tables"].items():
        for column in count_columns(name):
            for row in rows:
                cell = row[column]
                assert cell in ("[low]", "[x]") or (cell.isdigit() and int(cell) % 5 == 0), (
                    name,
                    column,
                    cell,
                )
                checked += 1
    assert checked > 500


def test_a_small_groups_rate_shows_c(release):
    period = release["period"]
    small = _warehouse_rows(
        release["paths"],
        """
        select contract_id, group_dimension, group_value, participants, actual_outcomes
        from marts.mart_parking_indicators where rating_quarter = ? and participants < 20""",
        [period],
    )
    assert small, "the small world should have groups of fewer than 20 people"
    published = {
        (r["contract_id"], r["group_dimension"], r["group_value"]): r
        for r in release["tables"]["performance_by_group"]
    }
    for group in small:
        row = published[(group["contract_id"], group["group_dimension"], group["group_value"])]
        assert row["sustained_outcome_rate"] == "[c]" and row["like_for_like_index"] == "[c]", row
    # and a group with enough people and outcomes shows its rate
    big = _warehouse_rows(
        release["paths"],
        """
        select contract_id, group_dimension, group_value from marts.mart_parking_indicators
        where rating_quarter = ? and participants >= 20 and actual_outcomes >= 3 limit 1""",
        [period],
    )[0]
    rate = published[(big["contract_id"], big["group_dimension"], big["group_value"])][
        "sustained_outcome_rate"
    ]
    assert re.fullmatch(r"0\.\d{4}|1\.0000", rate)


def test_no_column_of_any_file_identifies_a_person(release):
    folder = release["published"].folder
    for path in folder.glob("*.csv"):
        header = path.read_text(encoding="utf-8").split("\n", 1)[0].split(",")
        assert not [c for c in header if is_personal_column(c)], path.name
    for path in folder.glob("*.parquet"):
        assert not [c for c in pq.read_schema(path).names if is_personal_column(c)], path.name
    everything = b"".join(data for name, data in release["files"].items() if not name.startswith("quality/"))
    person_keys = [
        r["person_key"]
        for r in _warehouse_rows(release["paths"], "select person_key from marts.fct_participants limit 50")
    ]
    assert not [k for k in person_keys if k.encode() in everything]


def test_every_contract_of_the_warehouse_is_present(release):
    live = {
        r["contract_id"]
        for r in _warehouse_rows(release["paths"], "select contract_id from staging.stg_lake__contracts")
    }
    assert {r["contract_id"] for r in release["tables"]["contract_performance"]} == live


def test_the_release_agrees_with_the_warehouse_before_rounding(release):
    period = release["period"]
    ratings = {
        r["contract_id"]: r
        for r in _warehouse_rows(
            release["paths"], "select * from marts.mart_star_ratings where rating_quarter = ?", [period]
        )
    }
    for row in release["tables"]["contract_performance"]:
        truth = ratings[row["contract_id"]]
        assert abs(int(row["referrals"]) - truth["referrals_in_window"]) <= 2
        assert row["star_rating"] == (str(truth["stars"]) if truth["stars"] is not None else "[z]")


def test_every_file_of_the_release_is_there_and_listed_in_the_manifest(release):
    names = set(release["files"])
    expected = {f"{t.name}.{ext}" for t in DATA_TABLES for ext in ("csv", "parquet")} | {
        "datapackage.json",
        "methodology.md",
        "MANIFEST.sha256",
        "quality/summary.md",
        "quality/index.html",
    }
    assert expected <= names
    assert "revisions.csv" not in names  # v1 has nothing to revise
    listed = {line.split("  ", 1)[1] for line in release["files"]["MANIFEST.sha256"].decode().splitlines()}
    assert listed == names - {"MANIFEST.sha256"}
    assert {t.name for t in ALL_TABLES} - {t.name for t in DATA_TABLES} == {"revisions"}


def test_preparing_the_same_data_again_gives_no_new_version(release):
    again = prepare_release(release["period"], preparer="carol", paths=release["paths"])
    assert again.state == "unchanged" and again.version == 1
    assert [e["version"] for e in list_releases(release["paths"])] == [1]


@pytest.mark.slow
def test_two_preparations_of_the_real_world_give_byte_identical_files(release, tmp_path):
    import shutil

    from tests.support.worlds import copy_home

    paths_home = copy_home(release["paths"].home, tmp_path / "home")
    from core.settings import Paths

    paths = Paths(paths_home)
    shutil.rmtree(paths.releases)
    first = folder_bytes(prepare_release(release["period"], preparer="alice", paths=paths).folder)
    second = folder_bytes(prepare_release(release["period"], preparer="alice", paths=paths).folder)
    data = [n for n in first if not n.startswith("quality/") and n != "MANIFEST.sha256"]
    assert {n: first[n] for n in data} == {n: second[n] for n in data}
    assert {n: first[n] for n in data} == {n: release["files"][n] for n in data}
