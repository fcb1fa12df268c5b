"""The warehouse stage: build it with dbt, publish the analysts' copy.

The SQL lives in ``dbt_project/``; this package only runs it and swaps the
analysts' read-only copy in after a good build (see ``warehouse/build.py``).
"""

from warehouse.build import (
    DBT_PROJECT_DIR,
    BuildResult,
    NodeOutcome,
    WarehouseBuildError,
    WarehouseBusy,
    build_database,
    build_warehouse,
    publish_analyst_copy,
    warehouse_lock,
)

__all__ = [
    "DBT_PROJECT_DIR",
    "BuildResult",
    "NodeOutcome",
    "WarehouseBuildError",
    "WarehouseBusy",
    "build_database",
    "build_warehouse",
    "publish_analyst_copy",
    "warehouse_lock",
]
