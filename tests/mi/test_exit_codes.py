"""``mi``'s exit statuses, as ``mi/cli.py`` documents them: 0 success, 1 data refused, 2 usage error.

A script (a provider's upload job, a scheduler running ``mi run``) reads
nothing but the status, so each command's three outcomes are held here on
the small hand-made files of ``tests/support/mi_files.py``. ``mi run``'s
real builds are in ``tests/orchestration/test_pipeline_runs.py``; here the
CLI's own part: what it refuses before anything runs, a real build that
finds nothing ingested, and how the pipeline's verdict becomes the status.
"""

from __future__ import annotations

import pytest

from core.settings import paths
from ingest.ledger import Ledger
from mi.cli import EXIT_OK, EXIT_REFUSED, EXIT_USAGE, main
from tests.support.mi_files import PERIOD, PRIME_A, csv_bytes, file_name, filler_rows


def _write(folder, rows, name=None):
    path = folder / (name or file_name("participants"))
    path.write_bytes(csv_bytes(rows))
    return path


def _clean(folder):
    return _write(folder, filler_rows("participants", 3))


def _with_a_row_in_error(folder):
    rows = filler_rows("participants", 3)
    rows[1]["sex"] = "X"
    return _write(folder, rows)


def _refused_whole(folder):
    rows = [{k: v for k, v in r.items() if k != "nino"} for r in filler_rows("participants", 2)]
    return _write(folder, rows)


def _ledger_statuses() -> list[str]:
    if not paths().ledger_db.exists():
        return []
    with Ledger(paths()) as ledger:
        return [e.status for e in ledger.list()]


def _usage(capsys, argv: list[str]) -> str:
    """The status of a usage error argparse itself refuses (it exits), with its message."""
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == EXIT_USAGE
    return capsys.readouterr().err


# --- mi validate -------------------------------------------------------------------------


def test_validate_exits_0_for_a_clean_file_and_writes_only_the_report_asked_for(mi_home, tmp_path, capsys):
    report = tmp_path / "report"
    assert main(["validate", str(_clean(tmp_path)), "--report", str(report)]) == EXIT_OK
    assert "ACCEPTED" in capsys.readouterr().out
    assert (report / "report.html").exists()
    assert not mi_home.exists(), "a local check records nothing"


@pytest.mark.parametrize("broken", [_with_a_row_in_error, _refused_whole])
def test_validate_exits_1_when_the_file_has_errors(mi_home, tmp_path, capsys, broken):
    assert main(["validate", str(broken(tmp_path))]) == EXIT_REFUSED
    assert "error" in capsys.readouterr().out
    assert not mi_home.exists()


def test_validate_exits_1_for_a_misnamed_file(mi_home, tmp_path, capsys):
    path = _write(tmp_path, filler_rows("participants", 2), name="participants.csv")
    assert main(["validate", str(path)]) == EXIT_REFUSED
    assert "FILE_NAME" in capsys.readouterr().out


def test_validate_exits_2_for_an_unknown_return_a_bad_period_or_no_file(mi_home, tmp_path, capsys):
    path = _clean(tmp_path)
    assert "invalid choice: 'participant'" in _usage(
        capsys, ["validate", str(path), "--return", "participant"]
    )
    explicit = ["--ukprn", PRIME_A, "--return", "participants"]
    assert main(["validate", str(path), *explicit, "--period", "2026Q5"]) == EXIT_USAGE
    assert capsys.readouterr().err.startswith("mi validate: '2026Q5' is not a period")
    assert main(["validate", str(tmp_path / "absent.csv")]) == EXIT_USAGE
    assert "is not a file" in capsys.readouterr().err
    assert main(["validate", str(path), "--reference", str(tmp_path / "no-reference")]) == EXIT_USAGE
    assert "the reference folder needs" in capsys.readouterr().err


# --- mi submit ---------------------------------------------------------------------------


def test_submit_exits_0_when_the_file_is_accepted(mi_home, tmp_path, capsys):
    assert main(["submit", str(_clean(tmp_path))]) == EXIT_OK
    assert "ACCEPTED" in capsys.readouterr().out
    assert _ledger_statuses() == ["ACCEPTED"]


@pytest.mark.parametrize(
    "broken, status", [(_with_a_row_in_error, "ACCEPTED_WITH_ERRORS"), (_refused_whole, "REJECTED")]
)
def test_submit_exits_1_when_rows_or_the_file_are_refused(mi_home, tmp_path, capsys, broken, status):
    assert main(["submit", str(broken(tmp_path))]) == EXIT_REFUSED
    assert _ledger_statuses() == [status]  # recorded, with its feedback, all the same
    assert "feedback:" in capsys.readouterr().out


def test_submit_exits_1_when_any_of_several_files_is_refused(mi_home, tmp_path):
    good = _clean(tmp_path)
    bad = _write(tmp_path, filler_rows("participants", 1), name=file_name("participants", ukprn="10009999"))
    bad.write_bytes(bad.read_bytes().replace(b"\n", b"\n\xff", 1))  # not UTF-8
    assert main(["submit", str(good), str(bad)]) == EXIT_REFUSED
    assert sorted(_ledger_statuses()) == ["ACCEPTED", "REJECTED"]


def test_submit_exits_2_and_records_nothing_when_a_file_is_missing(mi_home, tmp_path, capsys):
    good = _clean(tmp_path)
    assert main(["submit", str(good), str(tmp_path / "absent.csv")]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("mi submit: not a file:") and "absent.csv" in err
    assert _ledger_statuses() == [], "no file of the command is submitted"


def test_submit_exits_2_for_a_bad_period_or_return(mi_home, tmp_path, capsys):
    path = _clean(tmp_path)
    assert main(["submit", str(path), "--period", "Q2 2026"]) == EXIT_USAGE
    assert capsys.readouterr().err.startswith("mi submit: 'Q2 2026' is not a period")
    _usage(capsys, ["submit", str(path), "--return", "claims"])
    assert _ledger_statuses() == []


# --- mi run ------------------------------------------------------------------------------


@pytest.fixture
def pipeline(monkeypatch):
    """``orchestration.run.run_pipeline`` replaced: its calls, and the verdict it will return."""
    import orchestration.run

    calls: list[dict] = []
    verdict = {"ok": True}

    def run_pipeline(*, period=None, progress=None, engine=None):
        calls.append({"period": period, "engine": engine})
        return verdict["ok"]

    monkeypatch.setattr(orchestration.run, "run_pipeline", run_pipeline)
    return calls, verdict


def test_run_exits_0_when_the_pipeline_passes_and_1_when_it_fails(mi_home, pipeline):
    calls, verdict = pipeline
    assert main(["run", "--period", "2026q2", "--quiet"]) == EXIT_OK
    verdict["ok"] = False
    assert main(["run", "--engine", "duckdb", "--quiet"]) == EXIT_REFUSED
    assert calls == [{"period": PERIOD, "engine": None}, {"period": None, "engine": "duckdb"}]


def test_run_exits_2_before_running_anything_for_a_bad_period_or_engine(
    mi_home, pipeline, capsys, monkeypatch
):
    calls, _ = pipeline
    assert main(["run", "--period", "2026Q5"]) == EXIT_USAGE
    assert capsys.readouterr().err.startswith("mi run: '2026Q5' is not a period")
    assert "invalid choice: 'oracle'" in _usage(capsys, ["run", "--engine", "oracle"])
    monkeypatch.setenv("MI_WAREHOUSE", "oracle")
    assert main(["run"]) == EXIT_USAGE
    assert "unknown warehouse engine 'oracle'" in capsys.readouterr().err
    assert calls == []


def test_run_exits_1_when_nothing_has_been_ingested(mi_home, capsys):
    """A real run (the Spark route, which stops before dbt): an empty landing folder and no ledger."""
    assert main(["run", "--engine", "spark"]) == EXIT_REFUSED
    assert "nothing has been ingested into this MI_HOME yet" in capsys.readouterr().err
    assert not (paths().lake / "_ledger" / "ledger.parquet").exists()
    assert _ledger_statuses() == []
