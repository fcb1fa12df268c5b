"""One dbt invocation in this process: dbt's programmatic runner, a progress line per node, nothing left open.

Two callers run dbt inside a Python process: ``warehouse.build`` for a
DuckDB build, and the child process of ``warehouse.dbt_process`` for a Spark
build. Both get a :class:`DbtOutcome`: whether dbt succeeded, and dbt's own
error when it stopped before running the project. What each node did is read
afterwards from the artefacts dbt wrote into the build's target folder
(``warehouse.outcome``), whichever way dbt ran, so every build tells its
failures the same way.

Not for: preparing or finishing a build (environment, lock, emptying,
publishing: ``warehouse.build``), reading dbt's artefacts
(``warehouse.outcome``), or the Dagster asset, which runs dbt through
dagster-dbt's CLI so that every model and test streams into the UI.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Progress = Callable[[str], None]


@dataclass(frozen=True)
class DbtOutcome:
    """How one dbt invocation ended (its nodes' outcomes are in its target folder).

    Attributes:
        success: dbt's own verdict (false when any node failed, or dbt stopped).
        exception: dbt's error text when it stopped before running the project
            (a model that does not compile, a broken profile); else ``None``.
    """

    success: bool
    exception: str | None = None


def invoke_dbt(args: list[str], say: Progress) -> DbtOutcome:
    """Run ``dbt <args>`` with dbt's programmatic runner; a progress line per model, seed or failing test."""
    from dbt.cli.main import dbtRunner

    def on_event(event) -> None:
        if event.info.name != "NodeFinished":
            return
        info = event.data.node_info
        resource = info.resource_type
        status = info.node_status
        if resource in ("model", "seed", "snapshot") or status not in ("pass", "success"):
            relation = info.node_relation
            where = (
                f"{relation.schema}.{relation.alias}"
                if resource in ("model", "seed") and relation.alias
                else info.node_name
            )
            say(f"{status}: {resource.replace('_', ' ')} {where}")

    try:
        result = dbtRunner(callbacks=[on_event]).invoke(args)
    finally:
        release_duckdb()
    exception = result.exception
    return DbtOutcome(
        success=bool(result.success),
        exception=None if exception is None else str(exception),
    )


def release_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open after an in-process run.

    Notes:
        dbt-duckdb caches one environment (and its open database) per process
        and only forgets it at interpreter exit. Left open, the build file may
        still have committed data in its write-ahead log, the next full build
        would delete a file that is still open, and the copy for analysts could
        miss data. Private API of dbt-duckdb 1.11 (pinned); the test
        ``test_a_build_leaves_no_database_open`` guards it.
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        environment = DuckDBConnectionManager._ENV
        DuckDBConnectionManager._ENV = None
        if environment is not None:
            environment.close()
