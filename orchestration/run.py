"""Running the pipeline in-process through the same Dagster definitions the UI uses.

``mi run`` and ``mi demo`` call :func:`run_pipeline`, which (on DuckDB) calls
:func:`run_in_process`: it executes the ``ingest_and_build`` job against the
instance under ``MI_HOME/dagster`` (so the run shows in the UI's history). The
build itself is the Dagster asset's, prepared and finished by ``warehouse``
like every build. The run holds the warehouse lock from its first step to its
last (the build asset, in the same thread, takes it again), so that two
hand-started runs never interleave their ingest and build (the instance's tag
limit only governs runs queued through the daemon).

On Spark the Dagster assets do not apply (they are wired to the DuckDB
target): :func:`run_pipeline` ingests the landing folder and calls
``warehouse.build_warehouse``, which prepares and finishes the build the same way.

Not for: asset logic, building or reporting (``warehouse``); and nothing here
is imported by ``definitions.py``.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable

from core.settings import Paths
from core.settings import paths as default_paths
from ingest.landing import ingest_landing
from orchestration.instance import ensure_dagster_home
from orchestration.project import ensure_manifest
from warehouse import build_warehouse, warehouse_engine, warehouse_lock

# The run's own summary (below) says what failed and why; Dagster's console logger
# would add a stack trace a data engineer does not need at the terminal.
QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


def run_in_process(
    paths: Paths, period: str | None = None, progress: Callable[[str], None] | None = None, *, instance=None
) -> bool:
    """Execute ``ingest_and_build``; True when every step and every blocking check passed.

    Args:
        instance: a Dagster instance to record the run in; by default the one
            under ``MI_HOME/dagster``, which the UI shows.
    """
    import dagster as dg

    say = progress or (lambda message: None)
    ensure_dagster_home(paths)
    ensure_manifest()
    from orchestration.definitions import defs

    job = defs.resolve_job_def("ingest_and_build")
    tags = {"trigger": "mi run"} | ({"period": period} if period else {})
    started = time.perf_counter()
    paths.logs.mkdir(parents=True, exist_ok=True)
    log_path = paths.logs / f"run-{time.strftime('%Y%m%dT%H%M%S')}.log"
    # dbt's own log lines are echoed to stdout for the UI's compute logs; at the
    # terminal they would bury the summary, so they go to a file instead.
    with (
        warehouse_lock(paths, waiting=say),
        contextlib.nullcontext(instance) if instance else dg.DagsterInstance.get() as dagster_instance,
        open(log_path, "w", encoding="utf-8") as log,
        contextlib.redirect_stdout(log),
    ):
        say("running ingest_and_build through Dagster")
        result = job.execute_in_process(
            instance=dagster_instance, raise_on_error=False, run_config=QUIET_LOGS, tags=tags
        )
    _report(result, say, time.perf_counter() - started)
    say(f"dbt's log of this run: {log_path}")
    return result.success


def _report(result, say: Callable[[str], None], seconds: float) -> None:
    materialised = result.get_asset_materialization_events()
    checks = [
        e.event_specific_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"
    ]
    receipts = [c for c in checks if c.asset_key.to_user_string() == "provider_submission"]
    warehouse_checks = [c for c in checks if c not in receipts]
    failed = [c for c in warehouse_checks if not c.passed]
    say(
        f"run {result.run_id[:8]} {'succeeded' if result.success else 'FAILED'} in {seconds:.1f}s: "
        f"{len(materialised)} assets materialised, {len(warehouse_checks)} warehouse checks "
        f"({len(failed)} failed or not run)"
    )
    if receipts:
        with_errors = sum(1 for c in receipts if not c.passed)
        say(
            f"  {len(receipts)} new submissions shown in Dagster, {with_errors} with rows rejected or refused"
        )
    if not result.success:
        for event in result.all_events:
            if event.event_type_value == "STEP_FAILURE":
                error = event.event_specific_data.error
                message = (error.message if error else "").replace(
                    "dagster._core.definitions.events.Failure: ", ""
                )
                say(f"step {event.step_key} failed: {message.strip()}")


def run_pipeline(
    period: str | None = None,
    progress: Callable[[str], None] | None = None,
    paths: Paths | None = None,
    engine: str | None = None,
) -> bool:
    """Ingest pending files and build the warehouse; True when everything passed.

    DuckDB (the default) runs through the Dagster definitions, like the UI and the
    schedules. Spark (``engine="spark"`` or ``MI_WAREHOUSE=spark``) builds the same
    dbt project with the Spark target directly: the Dagster assets are wired to the
    DuckDB target (docs/scale.md).
    """
    paths = (paths or default_paths()).ensure()
    if warehouse_engine(engine) == "spark":
        # one writer from ingest to build, as a Dagster run holds it; the build says its summary or failure
        with warehouse_lock(paths, waiting=progress):
            ingest_landing(paths, progress)
            result = build_warehouse(paths, engine="spark", progress=progress)
        return bool(result.ok)
    return run_in_process(paths, period=period, progress=progress)
