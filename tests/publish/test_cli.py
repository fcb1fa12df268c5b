"""``mi publish``: exit codes and what a publisher reads (spec 04 §2: 0 done, 1 refused, 2 usage)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mi.cli import main
from tests.support import mini_warehouse

PERIOD = mini_warehouse.PERIOD


def test_mi_publish_prepare_approve_and_list(mini_home, capsys):
    assert main(["publish", "approve", PERIOD, "--approver", "bob"]) == 1  # nothing to approve yet
    assert "no candidate" in capsys.readouterr().err
    assert main(["publish", "prepare", PERIOD, "--preparer", "alice", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert f"{PERIOD} v1: candidate, prepared by alice" in out and "quality gate:    passed" in out
    assert main(["publish", "approve", PERIOD, "--approver", "alice", "--quiet"]) == 1
    assert "a different person must approve" in capsys.readouterr().err
    assert main(["publish", "approve", PERIOD, "--approver", "bob", "--quiet"]) == 0
    assert "published, prepared by alice, approved by bob" in capsys.readouterr().out
    assert main(["publish", "prepare", PERIOD, "--preparer", "carol", "--quiet"]) == 0
    assert "unchanged since the published v1; no new version" in capsys.readouterr().out
    assert main(["publish", "list"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0].split()[:6] == ["period", "version", "state", "preparer", "approver", "gate"]
    assert listing[1].split()[:6] == [PERIOD, "v1", "published", "alice", "bob", "passed"]
    assert (mini_home.releases / PERIOD / "v1" / "MANIFEST.sha256").exists()


def test_the_preparer_defaults_to_the_login_name(mini_home, monkeypatch, capsys):
    monkeypatch.setenv("USER", "frank")
    from publish.cli import default_preparer

    assert default_preparer() == "frank"


def test_a_malformed_period_is_a_usage_error(mini_home, capsys):
    assert main(["publish", "prepare", "2026Q5"]) == 2
    assert "YYYYQn" in capsys.readouterr().err
    assert main(["publish", "approve", "26Q1", "--approver", "bob"]) == 2


def test_a_period_the_warehouse_does_not_hold_is_a_usage_error(mini_home, capsys):
    assert main(["publish", "prepare", "2019Q1", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "no ratings for 2019Q1" in err and "2026Q1 to 2026Q2" in err


def test_no_warehouse_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MI_HOME", str(tmp_path / "empty"))
    assert main(["publish", "prepare", PERIOD, "--quiet"]) == 1
    assert "no analysts' copy" in capsys.readouterr().err


def test_mi_help_stays_fast_and_imports_nothing_heavy():
    code = (
        "import sys, time; t = time.perf_counter(); import publish.cli; "
        "heavy = [m for m in ('duckdb', 'pyarrow', 'great_expectations', 'pandas', 'polars') "
        "if m in sys.modules]; "
        "print(heavy, time.perf_counter() - t)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    ).stdout
    assert out.startswith("[]"), out


def test_a_failed_gate_exits_1_and_names_the_failures(mini_home, monkeypatch, capsys):
    from publish.release import Candidate

    failed = Candidate(
        period=PERIOD,
        version=1,
        folder=mini_home.releases / ".staging" / PERIOD / "v1",
        state="failed",
        gate_passed=False,
        manifest_digest="0" * 64,
        content_digest="1" * 64,
        preparer="alice",
        gate_failures=["contract_performance.csv: expect_column_values_to_match_regex referrals"],
    )
    monkeypatch.setattr("publish.release.prepare_release", lambda *a, **k: failed)
    assert main(["publish", "prepare", PERIOD, "--preparer", "alice", "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "quality gate:    FAILED" in out and "failed: contract_performance.csv" in out
