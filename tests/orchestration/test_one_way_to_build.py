"""The Dagster asset builds as ``build_warehouse`` does: from an empty database, with one failure text."""

from __future__ import annotations

import hashlib
import json
import shutil

import dagster as dg
import duckdb
import polars as pl
import pytest

from core.settings import Paths
from tests.support.worlds import copy_home


@pytest.fixture
def home(small_world, tmp_path, monkeypatch):
    target = copy_home(small_world, tmp_path / "home")
    monkeypatch.setenv("MI_HOME", str(target))
    monkeypatch.delenv("MI_DBT_PROJECT_DIR", raising=False)
    return Paths(target)


def _tables(database) -> set[str]:
    with duckdb.connect(str(database), read_only=True) as con:
        return {
            f"{schema}.{name}"
            for schema, name in con.execute(
                "select table_schema, table_name from information_schema.tables"
            ).fetchall()
        }


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _a_leaf_mart(manifest_path) -> tuple[str, list[str]]:
    """A mart nothing else builds on, whose tests all live in its own yml: (name, its files)."""
    manifest = json.loads(manifest_path.read_text())
    tested_by_unit_tests = {test.get("model") for test in manifest.get("unit_tests", {}).values()}
    for unique_id, node in sorted(manifest["nodes"].items()):
        if node["resource_type"] != "model" or not node["original_file_path"].startswith("models/marts/"):
            continue
        sql = node["original_file_path"]
        yml = sql.removesuffix(".sql") + ".yml"
        children = manifest["child_map"].get(unique_id, [])
        if (
            node["name"] not in tested_by_unit_tests
            and (node.get("patch_path") or "").endswith(yml)
            and all(
                child.startswith("test.") and manifest["nodes"][child]["original_file_path"] == yml
                for child in children
            )
        ):
            return node["name"], [sql, yml]
    raise AssertionError("the project has no mart without dependants to remove")


def test_a_model_removed_from_the_project_is_gone_from_the_analysts_copy_after_a_dagster_build(
    home, dbt_manifest, tmp_path, monkeypatch
):
    """The build Dagster runs starts from an empty database, so a removed model cannot linger.

    The copied small world holds a whole build of the full project (its build database and
    analysts' copy both have the leaf mart): one Dagster run of the trimmed project follows.
    """
    from orchestration.definitions import defs
    from warehouse import DBT_PROJECT_DIR, build_database

    leaf, files = _a_leaf_mart(dbt_manifest)
    job = defs.resolve_job_def("ingest_and_build")
    assert f"marts.{leaf}" in _tables(home.warehouse)
    assert f"marts.{leaf}" in _tables(build_database(home))

    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    for name in files:
        (project / name).unlink()
    monkeypatch.setenv("MI_DBT_PROJECT_DIR", str(project))
    with dg.DagsterInstance.ephemeral() as instance:
        trimmed = job.execute_in_process(instance=instance, raise_on_error=False)
    assert trimmed.success

    published = _tables(home.warehouse)
    assert f"marts.{leaf}" not in published, f"{leaf} was removed from the project but is still published"
    assert f"marts.{leaf}" not in _tables(build_database(home))
    assert {"marts.fct_outcome_claims", "marts.mart_star_ratings"} <= published
    assert home.warehouse.stat().st_mode & 0o222 == 0, "the analysts' copy stays read-only"


def test_a_failing_dbt_test_reads_the_same_through_mi_run_and_build_warehouse(home):
    """A broken input fails both builds with one message and leaves the analysts' copy as it was.

    Also the pipeline's broken-input case: the run fails with a clear message, and
    materialising the analysts' copy on its own (as from the UI) publishes nothing.
    """
    from orchestration.definitions import defs
    from orchestration.run import run_in_process
    from warehouse import build_warehouse

    before = _digest(home.warehouse)
    ledger = pl.read_parquet(home.ledger_parquet)
    current = ledger.filter((pl.col("dataset") == "contracts") & pl.col("is_current"))["submission_id"][0]
    folder = home.lake / "reference" / "contracts" / f"submission_id={current}"
    rows = pl.read_parquet(folder / "part-0.parquet")
    # A corrupted lake file: the same contract twice. Ingest would never write it; dbt must catch it.
    pl.concat([rows, rows.head(1)]).write_parquet(folder / "part-0.parquet")

    direct = build_warehouse(home)
    assert not direct.ok
    assert (
        "data test unique_stg_lake__contracts_contract_id on stg_lake__contracts.contract_id" in direct.error
    )
    assert "first failing rows: " in direct.error

    messages: list[str] = []
    assert run_in_process(home, progress=messages.append, instance=dg.DagsterInstance.ephemeral()) is False
    through_dagster = "\n".join(messages)
    assert direct.error in through_dagster
    assert "analysts' copy was left as it was" in through_dagster
    assert _digest(home.warehouse) == before

    alone = dg.materialize(
        [defs.resolve_assets_def("analyst_warehouse")],
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    assert not alone.success, "the failed build must not be published by the copy's asset alone"
    assert _digest(home.warehouse) == before


def test_a_project_that_does_not_compile_fails_the_dagster_build_naming_the_model(
    home, tmp_path, monkeypatch
):
    from orchestration.definitions import defs
    from warehouse import DBT_PROJECT_DIR

    before = home.warehouse.read_bytes()
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    (project / "models" / "marts" / "mart_broken.sql").write_text(
        "select * from {{ ref('no_such_model') }}\n"
    )
    monkeypatch.setenv("MI_DBT_PROJECT_DIR", str(project))
    with dg.DagsterInstance.ephemeral() as instance:
        run = defs.resolve_job_def("ingest_and_build").execute_in_process(
            instance=instance, raise_on_error=False
        )
    assert not run.success
    (failure,) = [e for e in run.all_events if e.event_type_value == "STEP_FAILURE"]
    message = failure.event_specific_data.error.message
    assert "Warehouse build failed; the analysts' copy was left as it was" in message
    assert "dbt stopped before running the project" in message
    assert "mart_broken" in message and "no_such_model" in message
    assert home.warehouse.read_bytes() == before
