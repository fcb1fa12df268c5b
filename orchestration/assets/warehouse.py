"""Asset group ``warehouse``: the dbt models (tests as asset checks) and the analysts' copy.

``warehouse_models`` is one warehouse build like any other: it is prepared
and finished by ``warehouse.prepare_build`` and ``warehouse.finish_build``
(the lock, the environment, the target folder, the emptied build database,
the failure report, the swap of the analysts' copy), and only the dbt run in
between is dagster-dbt's, so that each model and test streams into the UI. A
run that materialises every dbt asset and check starts from an empty build
database and, when every blocking test passes, swaps in the analysts' copy
``MI_HOME/warehouse/mi.duckdb``; a failing test fails the step with the
build's failure report and leaves the copy as it was. A run of some models
only builds those into the existing build database and publishes nothing.

``analyst_warehouse`` records the analysts' copy of the last good build,
publishing it first when it is not yet the copy (materialised on its own from
the UI), and refuses when the build database is not a whole build that passed.

Not for: SQL or measures (``dbt_project/``), or building, copying and
reporting (``warehouse``).
"""

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from core.settings import paths
from orchestration.project import dbt_project
from warehouse import (
    DbtOutcome,
    NotAGoodBuild,
    NothingToBuild,
    finish_build,
    prepare_build,
    publish_analyst_copy,
)


class WarehouseTranslator(DagsterDbtTranslator):
    """Every dbt node joins group ``warehouse``; sources keep dagster-dbt's ``lake/<table>`` keys,
    which are exactly the lake assets that ingest materialises."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return "warehouse"


translator = WarehouseTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


def _row_counts(database: Path, tables: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    if not tables or not database.exists():
        return counts
    with duckdb.connect(str(database), read_only=True) as con:
        for table in tables:
            try:
                row = con.execute(f"select count(*) from {table}").fetchone()
                counts[table] = row[0] if row else 0
            except duckdb.Error:
                continue
    return counts


def _stopped_early(invocation, target_path: Path) -> str | None:
    """dbt's own errors when it stopped before running the project (it then writes no run results)."""
    if invocation.is_successful() or (target_path / "run_results.json").exists():
        return None
    error = invocation.get_error()
    text = (getattr(error, "description", None) or str(error or "")).strip()
    marker = "Errors parsed from dbt logs:"
    if marker in text:
        text = " ".join(line.strip() for line in text.split(marker, 1)[1].splitlines() if line.strip())
    return text or "dbt ended without running the project; see its log"


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
    # Every asset and check selected: the whole warehouse, built from empty and published if it passes.
    whole = not context.is_subset
    try:
        with prepare_build(p, "duckdb", full=whole, progress=context.log.info) as prepared:
            invocation = dbt.cli(
                prepared.dbt_args(project_dir=not prepared.default_project),
                context=context,
                raise_on_error=False,
                target_path=prepared.target_path,
            )
            # dbt holds the build database while it runs, so row counts are read once it ends;
            # events are held until then so each model's materialisation carries its row count.
            events = list(invocation.stream())
            tables = [
                str(e.metadata["dagster/relation_identifier"].value).split(".", 1)[-1]
                for e in events
                if isinstance(e, (dg.Output, dg.AssetMaterialization))
                and "dagster/relation_identifier" in e.metadata
            ]
            counts = _row_counts(prepared.build_database, tables)
            outcome = DbtOutcome(
                success=invocation.is_successful(),
                exception=_stopped_early(invocation, prepared.target_path),
            )
            result = finish_build(prepared, outcome)
    except NothingToBuild as refusal:
        raise dg.Failure(description=str(refusal)) from None
    for event in events:
        relation = getattr(event, "metadata", {}).get("dagster/relation_identifier")
        if isinstance(event, dg.Output) and relation is not None:
            table = relation.value.split(".", 1)[-1]
            if table in counts:
                event = event.with_metadata({**event.metadata, "dagster/row_count": counts[table]})
        yield event
    if not result.ok:
        raise dg.Failure(
            description=result.error,
            metadata={
                "dbt_target": dg.MetadataValue.path(str(prepared.target_path)),
                "dbt_log": dg.MetadataValue.path(str(prepared.log_file)),
            },
        )


@dg.asset(
    group_name="warehouse",
    deps=[warehouse_models],
    kinds={"duckdb"},
    tags={"warehouse": "duckdb"},
    description="The analysts' read-only copy of the last good build (MI_HOME/warehouse/mi.duckdb), "
    "swapped in atomically by the build that passed every test.",
)
def analyst_warehouse(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    try:
        copy = publish_analyst_copy(paths(), skip_if_current=True)
    except NotAGoodBuild as refusal:
        raise dg.Failure(description=str(refusal)) from None
    counts = _row_counts(
        copy, ["marts.fct_outcome_claims", "marts.fct_participants", "marts.mart_star_ratings"]
    )
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(copy)),
            **{f"rows {k}": v for k, v in counts.items()},
        }
    )
