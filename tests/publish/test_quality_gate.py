"""The quality gate catches what a broken release would get wrong, in the files as written (spec §4.1)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from publish.definitions import DATA_TABLES, vocabularies
from publish.figures import read_figures
from publish.parameters import release_parameters
from publish.quality_gate import GateInputs, run_quality_gate
from tests.support import mini_warehouse


def _rewrite_csv(path: Path, change) -> None:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows = change(rows)
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def broken_release(tmp_path_factory, history, mini_warehouse_file):
    """The published v1 of the workflow history, copied and damaged in six independent ways, and the
    gate's verdict on it."""
    root = tmp_path_factory.mktemp("gate")
    folder = root / "broken"
    shutil.copytree(history.published.folder, folder, copy_function=shutil.copyfile)
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    shutil.rmtree(folder / "quality")
    (folder / "MANIFEST.sha256").unlink()

    # 1. a national total that no longer adds up (still a multiple of 5)
    def inflate_total(rows):
        header = rows[0]
        for row in rows[1:]:
            if row[header.index("nation")] == "ALL" and row[header.index("customer_group")] == "ALL":
                row[header.index("referrals")] = str(int(row[header.index("referrals")]) + 100)
        return rows

    _rewrite_csv(folder / "national_summary.csv", inflate_total)
    # 2. a contract dropped from contract_performance
    _rewrite_csv(folder / "contract_performance.csv", lambda rows: [r for r in rows if r[1] != "ESF00002"])
    # 3. a provider name that a spreadsheet would run
    _rewrite_csv(
        folder / "star_ratings.csv",
        lambda rows: [[c[1:] if c.startswith("'=") else c for c in r] for r in rows],
    )
    # 4. a personal column added to a file
    _rewrite_csv(
        folder / "performance_by_group.csv",
        lambda rows: [rows[0] + ["referral_date"]] + [r + ["2024-07-01"] for r in rows[1:]],
    )
    # 5. datapackage.json that says a count is text
    package = json.loads((folder / "datapackage.json").read_text())
    package["resources"][0]["schema"]["fields"][9]["type"] = "string"
    (folder / "datapackage.json").write_text(json.dumps(package))
    # 6. a Parquet file that says something else than its CSV
    table = pq.read_table(folder / "national_summary.parquet")
    pq.write_table(table.slice(1), folder / "national_summary.parquet")

    # 7. a group of 1-9 people that subtraction from its contract's total pins down: the contract's
    # 190 referrals less JSA_25_PLUS 120 and ESA_WRAG 55 leave LONE_PARENT [c] at 9 (its rate kept
    # consistent with the new count, so that only the attack sees it)
    def narrowable(rows):
        header = rows[0]
        for row in rows[1:]:
            if (
                row[header.index("contract_id")] == "FND00001"
                and row[header.index("group_value")] == "ESA_WRAG"
            ):
                row[header.index("referrals")] = "55"
                row[header.index("sustained_outcome_rate")] = "9.1"
        return rows

    _rewrite_csv(folder / "performance_by_group.csv", narrowable)

    # 8. a rate that its published counts do not give (computed from the true counts, say)
    def true_rate(rows):
        header = rows[0]
        for row in rows[1:]:
            if row[header.index("contract_id")] == "FND00001":
                row[header.index("job_outcome_rate")] = "29.1"
        return rows

    _rewrite_csv(folder / "contract_performance.csv", true_rate)

    # What v1 was checked against: the hand-made warehouse before the history changed it.
    with duckdb.connect(str(mini_warehouse_file), read_only=True) as con:
        figures = read_figures(con, mini_warehouse.PERIOD)
    inputs = GateInputs(
        period=mini_warehouse.PERIOD,
        version=1,
        release_date=dt.date.fromisoformat(history.first.release_date),
        tables=list(DATA_TABLES),
        vocabulary=vocabularies(figures.age_bands),
        expected_contracts=figures.contract_ids,
        warehouse_payments_gbp=figures.warehouse_payments_gbp,
        parameters=release_parameters(),
    )
    return run_quality_gate(folder, inputs)


def _failed(result, resource: str, expectation: str, column: str | None = None) -> bool:
    return any(
        c.resource == resource and c.expectation == expectation and (column is None or c.column == column)
        for c in result.failures
    )


def test_the_gate_fails_a_damaged_release_and_says_so_in_its_summary(broken_release):
    assert not broken_release.passed
    summary = broken_release.summary.read_text(encoding="utf-8")
    assert summary.startswith("# Quality gate: FAILED")
    assert (broken_release.report).exists()  # the GX Data Docs index


def test_national_totals_must_agree_with_their_parts(broken_release):
    assert _failed(broken_release, "national_consistency", "expect_column_values_to_be_between")


def test_every_covered_contract_must_be_present(broken_release):
    assert _failed(
        broken_release,
        "contract_performance.csv",
        "expect_column_distinct_values_to_equal_set",
        "contract_id",
    )


def test_text_must_be_spreadsheet_inert(broken_release):
    assert _failed(
        broken_release, "star_ratings.csv", "expect_column_values_to_not_match_regex", "prime_name"
    )


def test_no_file_may_carry_a_personal_column(broken_release):
    assert _failed(broken_release, "release_columns", "expect_column_values_to_not_match_regex")
    assert _failed(broken_release, "performance_by_group.csv", "expect_table_columns_to_match_ordered_list")


def test_datapackage_json_must_agree_with_the_definitions_and_the_files(broken_release):
    assert _failed(
        broken_release,
        "datapackage_fields",
        "expect_column_pair_values_to_be_equal",
        "definition_type = package_type",
    )
    assert _failed(
        broken_release, "datapackage_resources", "expect_column_values_to_be_in_set", "hash_matches"
    )


def test_parquet_must_hold_exactly_the_csv_cells(broken_release):
    assert _failed(broken_release, "parquet_agreement", "expect_column_values_to_be_in_set", "agrees")


def test_undamaged_files_still_pass(broken_release):
    passed = {(c.resource, c.expectation, c.column) for c in broken_release.checks if c.success}
    assert ("contract_performance.csv", "expect_column_values_to_match_regex", "referrals") in passed
    assert ("star_ratings.csv", "expect_column_values_to_match_regex", "stars") in passed


def test_the_gate_attacks_its_release_and_names_the_cell_and_the_subtraction_that_narrows_it(broken_release):
    failed = [c for c in broken_release.failures if c.resource == "disclosure_subtraction"]
    assert failed, "the subtraction attack must fail the release"
    found = " ".join(failed[0].examples)
    cell = "performance_by_group[period=2026Q2; contract_id=FND00001; group_dimension=customer_group; "
    assert cell + "group_value=LONE_PARENT].referrals shows [c] but must lie in [9, 9]" in found
    assert "contract_performance[period=2026Q2; contract_id=FND00001].referrals 190" in found
    assert "group_value=ESA_WRAG].referrals 55" in found and "group_value=JSA_25_PLUS].referrals 120" in found


def test_every_published_rate_must_be_what_its_published_counts_give(broken_release):
    failed = [c for c in broken_release.failures if c.resource == "rate_reproduction"]
    assert failed
    found = " ".join(failed[0].examples)
    assert "contract_performance[period=2026Q2; contract_id=FND00001].job_outcome_rate is 29.1" in found
    assert "job_outcomes 55 / referrals 190 gives 28.9" in found
