"""The Dagster code location: it loads, it loads fast without touching data, and its graph is reviewed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg

SNAPSHOT = Path(__file__).with_name("asset_graph.snapshot.json")


def _defs():
    from orchestration.definitions import defs

    return defs


def test_the_definitions_load_and_validate():
    defs = _defs()
    dg.Definitions.validate_loadable(defs)
    for job in ("ingest_and_build", "load_reference", "submission_receipt"):
        assert defs.resolve_job_def(job) is not None
    assert defs.resolve_sensor_def("new_submissions_sensor") is not None


def test_importing_orchestration_is_fast_and_reads_no_data(tmp_path):
    home = tmp_path / "untouched_home"
    env = {**os.environ, "MI_HOME": str(home)}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", "import orchestration.definitions"], check=True, env=env, timeout=60
    )
    elapsed = time.perf_counter() - started
    assert elapsed < 5, f"importing the definitions took {elapsed:.1f}s"
    assert not home.exists(), "importing the definitions created or read MI_HOME"


def test_warehouse_runs_carry_the_single_writer_tag():
    defs = _defs()
    assert defs.resolve_job_def("ingest_and_build").tags.get("warehouse") == "duckdb"
    from orchestration.instance import DAGSTER_YAML

    assert "key: warehouse" in DAGSTER_YAML and "limit: 1" in DAGSTER_YAML


def graph_snapshot() -> dict:
    graph = _defs().resolve_asset_graph()
    assets = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        assets[key.to_user_string()] = {
            "group": node.group_name,
            "deps": sorted(p.to_user_string() for p in node.parent_keys),
            "checks": sorted(c.name for c in node.check_keys),
            "partitioned": node.partitions_def is not None,
        }
    return assets


def test_the_asset_graph_matches_its_reviewed_snapshot():
    """An accidental change to keys, groups, dependencies or checks shows up here and in review.

    After an intended change: ``UPDATE_SNAPSHOTS=1 pytest tests/orchestration -k snapshot``.
    """
    current = graph_snapshot()
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(json.dumps(current, indent=1, sort_keys=True) + "\n")
    assert current == json.loads(SNAPSHOT.read_text())


def test_the_asset_groups_are_the_four_of_the_specification():
    groups = {v["group"] for v in graph_snapshot().values()}
    assert {"reference", "submissions", "warehouse"} <= groups
    assert groups <= {"reference", "submissions", "warehouse", "publication"}


def test_dbt_version_check_never_reaches_for_the_network():
    from dbt.version import __version__

    from orchestration.resources import dbt_resource

    assert str(dbt_resource()._cli_version) == __version__
