"""The warehouse stage: build it with dbt, publish the analysts' copy.

The SQL lives in ``dbt_project/``; this package only runs it. Every build,
whoever starts it (the Dagster asset behind ``mi run``, the UI and the
sensor; :func:`build_warehouse` for tests, benchmarks and Spark), goes
through :func:`prepare_build` and :func:`finish_build` (``warehouse/build.py``):
one lock, one target folder, one emptied build database, one failure report
(``warehouse/outcome.py``), and the analysts' read-only copy swapped in only
after a whole build that passed every blocking test.

Not for: SQL or business rules (``dbt_project/``), or deciding when to build
(``orchestration/``).
"""

from warehouse.build import (
    DBT_PROJECT_DIR,
    BuildResult,
    DbtOutcome,
    NodeOutcome,
    NotAGoodBuild,
    NothingToBuild,
    PreparedBuild,
    WarehouseBuildError,
    WarehouseBusy,
    build_database,
    build_warehouse,
    finish_build,
    is_last_good_build,
    last_good_build_ledger,
    prepare_build,
    publish_analyst_copy,
    warehouse_engine,
    warehouse_lock,
)

__all__ = [
    "DBT_PROJECT_DIR",
    "BuildResult",
    "DbtOutcome",
    "NodeOutcome",
    "NotAGoodBuild",
    "NothingToBuild",
    "PreparedBuild",
    "WarehouseBuildError",
    "WarehouseBusy",
    "build_database",
    "build_warehouse",
    "finish_build",
    "is_last_good_build",
    "last_good_build_ledger",
    "prepare_build",
    "publish_analyst_copy",
    "warehouse_engine",
    "warehouse_lock",
]
