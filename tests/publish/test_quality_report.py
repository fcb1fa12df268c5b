"""The quality report the project renders itself from Great Expectations' validation results.

``quality/`` holds ``index.html`` (self-contained: no script, nothing loaded
from another site, no run time, no machine path), ``validation_results.json``
(GX's results without run times, ids or paths) and ``summary.md``. The
published release of the workflow history is read; a copy with one damaged
file shows the failure in every form.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil

import duckdb
import pytest

from publish.definitions import DATA_TABLES, vocabularies
from publish.figures import read_figures
from publish.parameters import release_parameters
from publish.quality_gate import GateInputs, run_quality_gate
from tests.support import mini_warehouse
from tests.support.html_checks import audit_html, external_links

TIMESTAMP = re.compile(r"\d{4}-?\d{2}-?\d{2}T\d{2}:?\d{2}")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture(scope="module")
def quality(history):
    folder = history.published.folder / "quality"
    return {
        "folder": folder,
        "html": (folder / "index.html").read_text(encoding="utf-8"),
        "json": json.loads((folder / "validation_results.json").read_text(encoding="utf-8")),
        "record": history.published,
    }


def test_the_quality_folder_holds_the_projects_own_report_and_nothing_of_data_docs(quality):
    names = sorted(p.relative_to(quality["folder"]).as_posix() for p in quality["folder"].rglob("*"))
    assert names == ["index.html", "summary.md", "validation_results.json"]


def test_the_report_runs_no_script_and_loads_nothing_from_another_site(quality):
    problems, links = audit_html(quality["html"])
    assert problems == []
    assert external_links(links) == []
    assert "validation_results.json" in links


def test_the_report_and_the_results_hold_no_run_time_id_or_machine_path(quality, history):
    for text in (
        quality["html"],
        json.dumps(quality["json"]),
        (quality["folder"] / "summary.md").read_text(),
    ):
        assert not TIMESTAMP.search(text), TIMESTAMP.search(text)
        assert not UUID.search(text), UUID.search(text)
        assert str(history.paths.home) not in text
        assert "/tmp" not in text and "release-gate-" not in text
    keys = set(re.findall(r'"([a-z_]+)":', json.dumps(quality["json"])))
    assert not keys & {
        "run_time",
        "validation_time",
        "ge_load_time",
        "run_id",
        "validation_id",
        "checkpoint_id",
    }


def test_the_report_shows_every_validation_result_gx_returned(quality):
    document = quality["json"]
    results = [r for v in document["validations"] for r in v["results"]]
    assert document["success"] is True
    assert len(results) > 50 and all(r["success"] for r in results)
    assert {v["resource"] for v in document["validations"]} >= {f"{t.name}.csv" for t in DATA_TABLES}
    # one row per expectation in the page, under one section per file or check
    assert quality["html"].count('<span class="passed">passed</span>') == len(results) + len(
        document["validations"]
    )
    for v in document["validations"]:
        assert f">{v['resource']}</h2>" in quality["html"]


@pytest.fixture(scope="module")
def failed_gate(tmp_path_factory, history, mini_warehouse_file):
    """The published v1 with one national total inflated, through the gate again."""
    folder = tmp_path_factory.mktemp("report") / "damaged"
    shutil.copytree(history.published.folder, folder, copy_function=shutil.copyfile)
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    shutil.rmtree(folder / "quality")
    with open(folder / "national_summary.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    for row in rows[1:]:
        if row[header.index("nation")] == "ALL" and row[header.index("customer_group")] == "ALL":
            row[header.index("referrals")] = str(int(row[header.index("referrals")]) + 100)
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    (folder / "national_summary.csv").write_text(buffer.getvalue(), encoding="utf-8")
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
    result = run_quality_gate(folder, inputs)
    return result, folder / "quality"


def test_a_failed_gate_says_failed_and_names_the_failing_check_in_every_form(failed_gate):
    result, quality = failed_gate
    assert not result.passed
    page = quality.joinpath("index.html").read_text(encoding="utf-8")
    document = json.loads(quality.joinpath("validation_results.json").read_text(encoding="utf-8"))
    assert '<span class="failed">FAILED</span>' in page
    failed = {v["resource"] for v in document["validations"] if not v["success"]}
    assert "national_consistency" in failed
    assert document["success"] is False
    assert page.count('<span class="failed">failed</span>') >= 2 * len(failed)
    assert "# Quality gate: FAILED" in quality.joinpath("summary.md").read_text(encoding="utf-8")
    assert str(quality.parent) not in page and str(quality.parent) not in json.dumps(document)
