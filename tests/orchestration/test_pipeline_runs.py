"""Runs through Dagster on the small world: whole, concurrent, sensed, and deliberately broken."""

from __future__ import annotations

import re
import shutil
import threading
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from core.settings import Paths
from tests.support.worlds import copy_home


@pytest.fixture
def home(small_world, tmp_path, monkeypatch):
    target = copy_home(small_world, tmp_path / "home")
    monkeypatch.setenv("MI_HOME", str(target))
    return Paths(target)


def _marts(path) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        ]
        return {t: con.execute(f"select count(*) from marts.{t}").fetchone()[0] for t in tables}


def test_two_runs_started_together_both_succeed_and_leave_a_whole_warehouse(home, small_world_files):
    """Every asset of ingest_and_build materialises; the writer lock serialises the two runs."""
    from orchestration.run import run_in_process

    shutil.copy(next((small_world_files / "submissions").glob("*participants*2026Q2*")), home.landing)
    outcomes: list[bool] = []
    # Ephemeral instances keep the test quick (the on-disk instance fsyncs every event);
    # the exclusion under test is the writer lock, which does not depend on the instance.
    instances = [dg.DagsterInstance.ephemeral(), dg.DagsterInstance.ephemeral()]
    threads = [
        threading.Thread(target=lambda i=i: outcomes.append(run_in_process(home, instance=i)))
        for i in instances
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=900)
    assert outcomes == [True, True]
    marts = _marts(home.warehouse)
    assert {"fct_outcome_claims", "mart_star_ratings", "mart_parking_indicators"} <= set(marts)
    assert marts["fct_participants"] > 1000
    assert list(home.landing.iterdir()) == [], "the landing file was submitted and removed"
    receipts: set[str] = set()
    for instance in instances:
        (run,) = instance.get_runs()
        assert run.is_success
        receipts |= instance.get_materialized_partitions(dg.AssetKey("provider_submission"))
    from ingest.ledger import Ledger

    with Ledger(home) as ledger:
        assert receipts == {e.submission_id for e in ledger.list()}, "every submission is shown in Dagster"
    # The UI started after this mi run (its sensor's cursor empty) requests no needless build.
    from orchestration.definitions import defs

    sensor = defs.resolve_sensor_def("new_submissions_sensor")
    assert (
        sensor.evaluate_tick(dg.build_sensor_context(instance=instances[0], cursor=None)).run_requests == []
    )


# A broken input (a duplicated contract in the lake) failing the run with a clear message and
# keeping the analysts' copy: test_one_way_to_build.py, beside the same failure through
# build_warehouse, so the suite pays for that failing build once.


def test_a_new_file_in_the_landing_area_makes_the_sensor_request_a_run(home, small_world_files):
    from orchestration.definitions import defs

    sensor = defs.resolve_sensor_def("new_submissions_sensor")
    with dg.DagsterInstance.ephemeral() as instance:
        quiet = sensor.evaluate_tick(dg.build_sensor_context(instance=instance, cursor=None))
        assert quiet.run_requests == []  # the small world's build saw every submission
        settled = sensor.evaluate_tick(dg.build_sensor_context(instance=instance, cursor=quiet.cursor))
        assert settled.run_requests == []
        shutil.copy(next((small_world_files / "submissions").glob("*customer_survey*")), home.landing)
        woken = sensor.evaluate_tick(dg.build_sensor_context(instance=instance, cursor=settled.cursor))
        assert len(woken.run_requests) == 1
        assert woken.run_requests[0].job_name in (None, "ingest_and_build")


def _a_newer_resubmission(small_world_files, folder) -> Path:
    """A small-world return sent again, dated later and not byte-identical (so not a duplicate)."""
    original = next((small_world_files / "submissions").glob("*customer_survey*2026Q2*"))
    newer = folder / re.sub(r"_[0-9]{8}T[0-9]{6}\.csv$", "_20261231T235959.csv", original.name)
    newer.write_bytes(original.read_bytes() + b"\n")
    return newer


def test_the_sensor_starts_from_the_ledger_state_the_last_good_build_saw(home, small_world_files, tmp_path):
    """After ``mi run`` or ``mi demo`` the UI's first tick (an empty cursor) requests no needless build."""
    from ingest.ledger import Ledger
    from ingest.submit import submit_file
    from orchestration.definitions import defs
    from warehouse import last_good_build_ledger, publish_analyst_copy

    sensor = defs.resolve_sensor_def("new_submissions_sensor")
    with Ledger(home) as ledger:
        built_from = ledger.latest_received_at()
    assert built_from is not None and last_good_build_ledger(home) == built_from
    publish_analyst_copy(home)  # publishing the good build again keeps what it was built from
    assert last_good_build_ledger(home) == built_from
    with dg.DagsterInstance.ephemeral() as instance:
        first = sensor.evaluate_tick(dg.build_sensor_context(instance=instance, cursor=None))
        assert first.run_requests == [] and first.cursor is None
        # A submission through mi submit, the portal or the API (the ledger, not the landing folder).
        sent = submit_file(_a_newer_resubmission(small_world_files, tmp_path), paths=home)
        assert sent.status in ("ACCEPTED", "ACCEPTED_WITH_ERRORS")
        woken = sensor.evaluate_tick(dg.build_sensor_context(instance=instance, cursor=None))
        assert len(woken.run_requests) == 1
        settled = sensor.evaluate_tick(dg.build_sensor_context(instance=instance, cursor=woken.cursor))
        assert settled.run_requests == []


def test_without_a_good_build_an_empty_cursor_requests_a_build(home):
    from orchestration.definitions import defs
    from warehouse import last_good_build_ledger
    from warehouse.build import good_build_marker

    good_build_marker(home).unlink()  # as a failed or partial build leaves it
    assert last_good_build_ledger(home) is None
    sensor = defs.resolve_sensor_def("new_submissions_sensor")
    with dg.DagsterInstance.ephemeral() as instance:
        tick = sensor.evaluate_tick(dg.build_sensor_context(instance=instance, cursor=None))
    assert len(tick.run_requests) == 1


def test_reference_loads_run_on_demand_through_dagster(home, small_world_files):
    from orchestration.definitions import defs

    job = defs.resolve_job_def("load_reference")
    config = {"ops": {"reference_data": {"config": {"folder": str(small_world_files / "reference")}}}}
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(run_config=config, instance=instance)
    assert result.success
    statuses = {
        e.asset_key.to_user_string(): e.step_materialization_data.materialization.metadata["status"].value
        for e in result.get_asset_materialization_events()
    }
    assert statuses["lake/contracts"] == "DUPLICATE"  # the same extract again changes nothing
    assert len(statuses) == 10


def test_the_quarterly_release_is_prepared_gated_and_approved_by_another_person(home):
    from orchestration.definitions import defs

    # 2026Q1: the small world's last complete quarter (its 2026Q2 claims may still arrive, so it is not rated)
    partition = "2026-01-01"
    with dg.DagsterInstance.ephemeral() as instance:
        prepared = defs.resolve_job_def("prepare_release").execute_in_process(
            instance=instance,
            partition_key=partition,
            run_config={"ops": {"release_candidate": {"config": {"preparer": "alice"}}}},
        )
        assert prepared.success
        (gate,) = prepared.get_asset_check_evaluations()
        assert gate.passed and gate.check_name == "quality_gate_passed"
        approve = defs.resolve_job_def("approve_release")
        refused = approve.execute_in_process(
            instance=instance,
            partition_key=partition,
            raise_on_error=False,
            run_config={"ops": {"published_release": {"config": {"approver": "alice"}}}},
        )
        assert not refused.success
        assert not (home.releases / "2026Q1" / "v1").exists()
        approved = approve.execute_in_process(
            instance=instance,
            partition_key=partition,
            run_config={"ops": {"published_release": {"config": {"approver": "bob"}}}},
        )
        assert approved.success
    assert (home.releases / "2026Q1" / "v1" / "MANIFEST.sha256").exists()


def test_the_quarterly_schedule_prepares_the_quarter_just_ended():
    import datetime as dt

    from orchestration.definitions import defs

    schedule = defs.resolve_schedule_def("quarterly_release_schedule")
    repo = defs.get_repository_def()
    for tick, partition in (
        (dt.datetime(2026, 7, 15, 6), "2026-04-01"),
        (dt.datetime(2026, 1, 15, 6), "2025-10-01"),
    ):
        context = dg.build_schedule_context(scheduled_execution_time=tick, repository_def=repo)
        (request,) = schedule.evaluate_tick(context).run_requests
        assert request.partition_key == partition
