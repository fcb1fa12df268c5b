"""One pipeline run: submit what waits in the landing folder, then build the warehouse.

``mi run`` and ``mi demo`` call :func:`run_pipeline`; the Dagster assets call
the same stage functions (``ingest_landing``, ``warehouse.build_warehouse``)
so that a scheduled run and a hand-started one take one code path.

Not for: rules or SQL; this only sequences stages and reports on them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mi.settings import Paths
from mi.settings import paths as default_paths

LANDING_SUFFIXES = {".csv", ".xlsx"}


def pending_landing_files(paths: Paths) -> list[Path]:
    """Files waiting in the landing folder, oldest name first (names carry timestamps)."""
    if not paths.landing.exists():
        return []
    files = [
        p
        for p in paths.landing.iterdir()
        if p.is_file() and p.suffix.lower() in LANDING_SUFFIXES and not p.name.startswith(".")
    ]
    return sorted(files, key=lambda p: (_stamp(p.name), p.name))


def _stamp(name: str) -> str:
    parts = Path(name).stem.split("_")
    return parts[-1] if parts else ""


def ingest_landing(paths: Paths | None = None, progress: Callable[[str], None] | None = None) -> list:
    """Submit every file in the landing folder, then remove it (it holds NINOs in clear)."""
    from ingest.submit import submit_file

    paths = (paths or default_paths()).ensure()
    results = []
    for path in pending_landing_files(paths):
        result = submit_file(path, submitted_by="landing", channel="landing", paths=paths)
        path.unlink()
        if progress:
            progress(f"landing: {path.name} -> {result.status}")
        results.append(result)
    return results


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
    from warehouse.build import warehouse_engine

    paths = (paths or default_paths()).ensure()
    if warehouse_engine(engine) == "spark":
        from warehouse import build_warehouse

        ingest_landing(paths, progress)
        result = build_warehouse(paths, engine="spark", progress=progress)
        if progress:
            progress(result.summary())
        return bool(result.ok)
    from orchestration.run import run_in_process

    return run_in_process(paths, period=period, progress=progress)
