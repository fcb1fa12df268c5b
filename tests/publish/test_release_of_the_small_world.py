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

from core.settings import Paths
from publish.definitions import ALL_TABLES, DATA_TABLES
from publish.disclosure_control import is_personal_column
from publish.release import approve_release, list_releases, prepare_release
from tests.support.release_files import count_columns, folder_bytes, frictionless_validate, tables_of
from tests.support.worlds import copy_home


@pytest.fixture(scope="module")
def release(small_world_home, tmp_path_factory):
    # A copy of its own: other modules prepare the same period in small_world_home, in any order.
    paths = Paths(home=copy_home(small_world_home.home, tmp_path_factory.mktemp("release") / "home"))
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
    assert len(report["tasks"]) == len(ALL_TABLES)  # the data tables, code_labels and revisions
    assert all(task["valid"] for task in report["tasks"])


def test_every_count_in_every_csv_is_a_multiple_of_five_or_a_symbol(release):
    checked = 0
    for name, rows in release["tables"].items():
        for column in count_columns(name):
            for row in rows:
                cell = row[column]
                assert cell in ("[low]", "[x]", "[c]") or (cell.isdigit() and int(cell) % 5 == 0), (
                    name,
                    column,
                    cell,
                )
                checked += 1
    assert checked > 500


def test_a_rate_over_fewer_than_twenty_published_people_shows_c(release):
    rows = release["tables"]["performance_by_group"]
    small = [r for r in rows if r["referrals"].isdigit() and 0 < int(r["referrals"]) < 20]
    assert small, "the small world should have groups of fewer than 20 people"
    assert {r["sustained_outcome_rate"] for r in small} == {"[c]"}
    shown = [
        r["sustained_outcome_rate"] for r in rows if r["referrals"].isdigit() and int(r["referrals"]) >= 20
    ]
    assert shown and all(re.fullmatch(r"\d{1,2}\.\d|100\.0|\[c\]", rate) for rate in shown)
    assert any(re.fullmatch(r"\d{1,2}\.\d", rate) for rate in shown)


def test_no_group_or_cohort_of_one_to_nine_people_shows_a_count(release):
    period = release["period"]
    checks = {
        "performance_by_group": (
            "select contract_id, group_dimension, group_value, referrals "
            "from publication.pub_performance_by_group "
            "where period = ? and referrals between 1 and 9",
            ("contract_id", "group_dimension", "group_value"),
        ),
        "cohort_performance": (
            "select referral_quarter, contract_id, customer_group, referrals "
            "from publication.pub_cohort_performance "
            "where period = ? and referrals between 1 and 9",
            ("referral_quarter", "contract_id", "customer_group"),
        ),
        "national_summary": (
            "select nation, customer_group, referrals from publication.pub_national_summary "
            "where period = ? and referrals between 1 and 9",
            ("nation", "customer_group"),
        ),
    }
    seen = 0
    for table, (sql, key) in checks.items():
        published = {tuple(r[k] for k in key): r for r in release["tables"][table]}
        for truth in _warehouse_rows(release["paths"], sql, [period]):
            row = published[tuple(truth[k] for k in key)]
            shown = {row[c] for c in count_columns(table)} | {
                row[c]
                for c in ("sustained_outcome_rate", "job_outcome_rate", "like_for_like_index")
                if c in row
            }
            assert shown == {"[c]"}, (table, truth, row)
            seen += 1
    assert seen > 50, "the small world should have many small groups and cohorts"


def test_every_published_rate_is_what_its_published_counts_give(release):
    from publish.definitions import table
    from publish.disclosure_control import rate_cell
    from publish.parameters import release_parameters

    p = release_parameters()
    checked = 0
    for name, rows in release["tables"].items():
        t = table(name)
        for column in t.columns_of_kind("rate"):
            numerator, denominator = t.rate_inputs(column)
            for row in rows:
                assert row[column] == rate_cell(row[numerator], row[denominator], p), (name, column, row)
                if row[column] not in p.symbols.all:
                    # and by hand: 100 x numerator / denominator to one decimal place
                    exact = 100 * int(row[numerator]) / int(row[denominator])
                    assert abs(float(row[column]) - exact) <= 0.05 + 1e-9, (name, column, row)
                checked += 1
    assert checked > 1000


def test_subtraction_leaves_every_suppressed_group_a_range_wider_than_four(release):
    from publish.disclosure_attack import subtraction_attack, sum_sets
    from publish.parameters import release_parameters

    p = release_parameters()
    window = sorted(
        r["cohort_quarter"]
        for r in _warehouse_rows(
            release["paths"],
            "select cohort_quarter from intermediate.int_rating_windows where rating_quarter = ?",
            [release["period"]],
        )
    )
    sets = sum_sets(release["tables"], window)
    kinds = {s.what.split(" of ")[0] for s in sets}
    assert {"the customer_group groups", "all contracts", "the customer groups", "the contracts"} <= kinds, (
        kinds
    )
    assert any(s.what.startswith("the rating window's cohorts") for s in sets)
    attack = subtraction_attack(release["tables"], p, window)
    suppressed = [f for f in attack.findings if f.shows == "[c]"]
    assert len(suppressed) > 50
    assert [f.message() for f in attack.disclosures(p)] == []
    assert all(f.width > 4 for f in suppressed)


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
        "code_labels.csv",
        "revisions.csv",  # every release lists restated ratings, v1 included
        "datapackage.json",
        "methodology.md",
        "MANIFEST.sha256",
        "quality/summary.md",
        "quality/index.html",
    }
    assert expected <= names
    listed = {line.split("  ", 1)[1] for line in release["files"]["MANIFEST.sha256"].decode().splitlines()}
    assert listed == names - {"MANIFEST.sha256"}
    assert {t.name for t in ALL_TABLES} - {t.name for t in DATA_TABLES} == {"revisions", "code_labels"}


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
    # the published copy differs only by its approval (datapackage.json) and so its manifest
    data = [n for n in data if n != "datapackage.json"]
    assert {n: first[n] for n in data} == {n: release["files"][n] for n in data}


def test_code_labels_label_every_code_any_table_uses(release):
    from publish.definitions import DATA_TABLES as TABLES
    from publish.definitions import TOTAL, table
    from tests.support.release_files import csv_rows

    labels = {(r["list"], r["code"]) for r in csv_rows(release["published"].folder / "code_labels.csv")}
    used = set()
    for t in TABLES:
        for row in release["tables"][t.name]:
            for column in t.columns:
                if not column.codes or column.name == "nation_gss_code" or row[column.name].startswith("["):
                    continue
                value = row[column.name]
                lists = [row["group_dimension"]] if column.codes == ("group_value",) else list(column.codes)
                used |= {(name, value) for name in lists if not (value == TOTAL and column.with_total)}
    assert used and used <= labels, sorted(used - labels)[:10]
    assert table("code_labels").parquet is False


def test_nations_carry_their_gss_codes(release):
    codes = {"ENGLAND": "E92000001", "WALES": "W92000004", "SCOTLAND": "S92000003", "ALL": "K02000001"}
    for name in ("contract_performance", "national_summary"):
        rows = release["tables"][name]
        assert rows and all(codes[r["nation"]] == r["nation_gss_code"] for r in rows), name


def test_parquet_nulls_a_symbol_and_says_which_in_its_marker_column(release):
    from publish.definitions import table
    from publish.writers import parquet_columns

    folder = release["published"].folder
    for name in ("contract_performance", "performance_by_group", "star_ratings", "cohort_performance"):
        t = table(name)
        parquet = pq.read_table(folder / f"{name}.parquet")
        assert parquet.column_names == [c for c, _, _ in parquet_columns(t)]  # by schema, whatever the data
        rows = parquet.to_pylist()
        for csv_row, pq_row in zip(release["tables"][name], rows, strict=True):
            for column in t.columns_of_kind("count", "rate", "index"):
                if csv_row[column] in ("[c]", "[low]", "[x]", "[z]"):
                    assert pq_row[column] is None and pq_row[f"{column}_marker"] == csv_row[column]
                else:
                    assert pq_row[f"{column}_marker"] is None
    assert "stars_marker" in release["tables"]["star_ratings"][0]


def test_star_ratings_carry_the_comparison_and_no_interval_limits(release):
    rows = release["tables"]["star_ratings"]
    header = set(rows[0])
    assert {"compared_with_national", "domains_used", "cohorts_in_window", "published_stars"} <= header
    assert not {c for c in header if "lower" in c or "upper" in c}
    rated = [r for r in rows if r["rating_status"] == "RATED"]
    assert {r["compared_with_national"] for r in rated} <= {"ABOVE", "BELOW", "NOT_DIFFERENT"}
    # nothing was published before this release: every quarter's published stars are not applicable
    assert {r["published_stars"] for r in rows} == {"[z]"}


def test_datapackage_says_where_the_figures_come_from_and_who_signed_them_off(release):
    import json

    provenance = json.loads(release["files"]["datapackage.json"])["provenance"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", provenance["evidence_extract_date"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", provenance["latest_submission_received_on"])
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", provenance["warehouse_build"])
    assert provenance["code_version"]
    assert provenance["quality_gate"].startswith("passed (")
    assert "prepared" in provenance["prepared_by"] and "approved" in provenance["approved_by"]
    assert provenance["approved_on"] == release["published"].approved_at[:10]
    assert "alice" not in json.dumps(provenance) and "bob" not in json.dumps(provenance)
