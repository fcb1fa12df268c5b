"""Resources for the Dagster wiring: the dbt CLI.

Where dbt writes, and with which environment, is the build's own business
(``warehouse.prepare_build``, which the warehouse asset calls);
:func:`apply_dbt_environment` only sets the same variables for a whole process
(``mi ui``), for dbt commands run outside a build.

Not for: business rules or SQL.

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
from orchestration.project import dbt_project
from warehouse.build import dbt_environment, warehouse_engine


class LocalDbtCliResource(DbtCliResource):
    """``DbtCliResource`` without the version check that reaches for the network."""

    @cached_property
    def _cli_version(self) -> version.Version:
        from dbt.version import __version__

        return version.parse(__version__)


def apply_dbt_environment(paths: Paths) -> None:
    """Set for this whole process the variables a build sets for its own duration (``dbt_environment``)."""
    os.environ.update(dbt_environment(paths, warehouse_engine()))


def dbt_resource() -> LocalDbtCliResource:
    # The venv's own dbt, whether or not the venv is on PATH.
    executable = Path(sys.executable).with_name("dbt")
    return LocalDbtCliResource(
        # dagster-dbt accepts a DbtProject here (it reads its project_dir) though the field is typed str.
        project_dir=dbt_project,  # type: ignore[arg-type]
        profiles_dir=str(dbt_project.profiles_dir),
        dbt_executable=str(executable) if executable.exists() else "dbt",
    )
