"""Resources and environment for the Dagster wiring: the dbt CLI, and where it writes.

Not for: business rules or SQL. This module only points tools at ``MI_HOME``.

Notes:
    ``DbtCliResource`` runs ``dbt --version`` before every invocation, and that
    command asks the package index for the newest release: a network call on
    every run. :class:`LocalDbtCliResource` answers the version from the
    installed package instead (private API: pinned with dagster-dbt and tested).
"""

from __future__ import annotations

import os
import sys
from functools import cached_property
from pathlib import Path

from dagster_dbt import DbtCliResource
from packaging import version

from core.settings import Paths
from ingest.lake import ensure_lake
from orchestration.project import dbt_project


class LocalDbtCliResource(DbtCliResource):
    """``DbtCliResource`` without the version check that reaches for the network."""

    @cached_property
    def _cli_version(self) -> version.Version:  # type: ignore[override]
        from dbt.version import __version__

        return version.parse(__version__)


def dbt_environment(paths: Paths) -> dict[str, str]:
    """Absolute locations for dbt's profile (dbt runs from its own folder, so nothing may be relative)."""
    return {
        "MI_HOME": str(paths.home),
        "MI_LAKE": str(paths.lake),
        "MI_WAREHOUSE_BUILD": str(paths.warehouse_dir / "build" / "mi.duckdb"),
        "MI_WAREHOUSE_TEMP": str(paths.warehouse_dir / "build" / "tmp"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "DO_NOT_TRACK": "1",
    }


def apply_dbt_environment(paths: Paths) -> None:
    os.environ.update(dbt_environment(paths))
    (paths.warehouse_dir / "build" / "tmp").mkdir(parents=True, exist_ok=True)
    # a home made before the published-ratings dataset existed gets its empty state
    ensure_lake(paths)


def dbt_resource() -> LocalDbtCliResource:
    # The venv's own dbt, whether or not the venv is on PATH.
    executable = Path(sys.executable).with_name("dbt")
    return LocalDbtCliResource(
        project_dir=dbt_project,
        profiles_dir=str(dbt_project.profiles_dir),
        dbt_executable=str(executable) if executable.exists() else "dbt",
    )
