"""Asset group ``warehouse``: the dbt models (tests as asset checks) and the analysts' copy.

dbt is the only writer of the build database; ``analyst_warehouse`` copies a
build that passed every test over ``MI_HOME/warehouse/mi.duckdb`` atomically.
A failing test stops what depends on it, so the copy keeps the last good build.

Not for: SQL or measures (``dbt_project/``), or copying logic (``warehouse``).
"""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from core.settings import paths
from orchestration.project import dbt_project
from orchestration.resources import apply_dbt_environment


class WarehouseTranslator(DagsterDbtTranslator):
    """Every dbt node joins group ``warehouse``; sources keep dagster-dbt's ``lake/<table>`` keys,
    which are exactly the lake assets that ingest materialises."""

    def get_group_name(self, dbt_resource_props: dict[str, Any]) -> str | None:
        return "warehouse"


translator = WarehouseTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


def explain_dbt_failure(target_path: Path) -> str:
    """Which models failed and which tests failed on what, from dbt's run_results.json."""
    results_path = target_path / "run_results.json"
    if not results_path.exists():
        return "dbt failed before it ran any model; see the run's logs for dbt's own message."
    results = json.loads(results_path.read_text())["results"]
    lines = []
    skipped = 0
    for r in results:
        node = r["unique_id"]
        if r["status"] in ("error", "fail"):
            # unique_id is "<kind>.<project>.<name>[.<hash>]": the name is what people know.
            kind, name = node.split(".")[0], node.split(".")[2]
            if kind == "test":
                failures = r.get("failures")
                lines.append(
                    f"test {name} failed"
                    + (f" on {failures} row(s)" if failures else "")
                    + f": {(r.get('message') or '').strip()}"
                )
            else:
                lines.append(f"{kind} {name} errored: {(r.get('message') or '').strip()[:400]}")
        elif r["status"] == "skipped":
            skipped += 1
    if skipped:
        lines.append(f"{skipped} downstream node(s) were skipped; the analysts' copy was left as it was.")
    return "\n".join(lines) or "dbt reported failure without a failing node; see the run's logs."


def _row_counts(build_db: Path, tables: list[str]) -> dict[str, int]:
    import duckdb

    counts: dict[str, int] = {}
    if not tables or not build_db.exists():
        return counts
    with duckdb.connect(str(build_db), read_only=True) as con:
        for table in tables:
            try:
                counts[table] = con.execute(f"select count(*) from {table}").fetchone()[0]
            except duckdb.Error:
                continue
    return counts


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    name="warehouse_models",
    op_tags={"warehouse": "duckdb"},
)
def warehouse_models(context: dg.AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    """``dbt build``: every model, seed, test and unit test, in dependency order."""
    p = paths().ensure()
    apply_dbt_environment(p)
    # A fixed target folder keeps dbt's partial parsing between runs (a unique folder per
    # run, dagster-dbt's default, re-parses the whole project every time: ~10 s).
    # Warehouse runs never overlap (tag limit and writer lock), so one folder is safe.
    from warehouse import build_database, warehouse_lock
    from warehouse.build import code_version

    with warehouse_lock(p):
        # mart_build_info says which code built the warehouse, as warehouse.build_warehouse does
        invocation = dbt.cli(
            ["build", "--vars", json.dumps({"code_version": code_version()})],
            context=context,
            raise_on_error=False,
            target_path=p.warehouse_dir / "dbt_target",
        )
        # dbt holds the build database while it runs, so row counts are read once it ends;
        # events are held until then so each model's materialisation carries its row count.
        events = list(invocation.stream())
    tables = [
        e.metadata["dagster/relation_identifier"].value.split(".", 1)[-1]
        for e in events
        if isinstance(e, (dg.Output, dg.AssetMaterialization)) and "dagster/relation_identifier" in e.metadata
    ]
    counts = _row_counts(build_database(p), tables)
    for event in events:
        relation = getattr(event, "metadata", {}).get("dagster/relation_identifier")
        if isinstance(event, dg.Output) and relation is not None:
            table = relation.value.split(".", 1)[-1]
            if table in counts:
                event = event.with_metadata({**event.metadata, "dagster/row_count": counts[table]})
        yield event
    marker = _good_build_marker(p)
    if not invocation.is_successful():
        marker.unlink(missing_ok=True)
        raise dg.Failure(
            description="The warehouse build failed.\n" + explain_dbt_failure(invocation.target_path),
            metadata={"dbt_target": dg.MetadataValue.path(str(invocation.target_path))},
        )
    # Only a build that passed every test may become the analysts' copy, even when
    # someone materialises analyst_warehouse on its own from the UI.
    marker.write_text(_build_fingerprint(build_database(p)))


def _good_build_marker(p) -> Path:
    return p.warehouse_dir / "build" / ".last_good_build"


def _build_fingerprint(database: Path) -> str:
    stat = database.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


@dg.asset(
    group_name="warehouse",
    deps=[warehouse_models],
    kinds={"duckdb"},
    tags={"warehouse": "duckdb"},
    description="The analysts' read-only copy of the last good build (MI_HOME/warehouse/mi.duckdb), "
    "swapped in atomically.",
)
def analyst_warehouse(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    from warehouse import build_database, publish_analyst_copy

    p = paths()
    marker = _good_build_marker(p)
    database = build_database(p)
    if not marker.exists() or not database.exists() or marker.read_text() != _build_fingerprint(database):
        raise dg.Failure(
            description="The build database is not a build that passed every test (the last dbt "
            "build failed, or it changed since); the analysts' copy was left as it was. "
            "Materialise the warehouse models first."
        )
    copy = publish_analyst_copy(p)
    counts = _row_counts(
        Path(copy), ["marts.fct_outcome_claims", "marts.fct_participants", "marts.mart_star_ratings"]
    )
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(copy)),
            **{f"rows {k}": v for k, v in counts.items()},
        }
    )
