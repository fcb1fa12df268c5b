"""The dbt project as Dagster sees it, and the build step that prepares its manifest.

Kept in a module of its own because ``dagster-dbt project prepare-and-package
--file orchestration/project.py`` imports it (the command refuses a file that
also defines ``@dbt_assets``). Importing this module reads nothing and runs
nothing; :func:`ensure_manifest` is the build step (``make`` and the test
fixtures call it), never the import.
"""

from __future__ import annotations

import os
from pathlib import Path

from dagster_dbt import DbtProject

from core.settings import DBT_PROJECT_DIR

dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR, target_path=Path("target")
)


def _dbt_inputs() -> list[Path]:
    folders = ("models", "macros", "seeds", "tests", "snapshots", "analyses")
    files = [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    for folder in folders:
        root = DBT_PROJECT_DIR / folder
        if root.exists():
            files += [p for p in root.rglob("*") if p.is_file()]
    return files


def manifest_is_stale() -> bool:
    manifest = dbt_project.manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    return any(p.stat().st_mtime > built for p in _dbt_inputs())


def ensure_manifest(force: bool = False) -> Path:
    """Run ``dbt parse`` (no database connection needed) when the manifest is missing or stale."""
    if force or manifest_is_stale():
        from dbt.cli.main import dbtRunner

        os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
        result = dbtRunner().invoke(
            [
                "parse",
                "--quiet",
                "--project-dir",
                str(DBT_PROJECT_DIR),
                "--profiles-dir",
                str(DBT_PROJECT_DIR),
                "--target-path",
                str(DBT_PROJECT_DIR / "target"),
            ]
        )
        if not result.success:
            raise RuntimeError(f"dbt parse failed: {result.exception}")
    return dbt_project.manifest_path
