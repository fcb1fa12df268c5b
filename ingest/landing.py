"""The landing folder: files dropped there (SFTP, a shared drive) wait to be submitted.

``ingest_landing`` submits each one exactly as ``mi submit`` would, oldest file
name first (names carry the file's timestamp), then deletes it: a landing file
holds NINOs in clear, and once ingested only its pseudonymised rows are kept.
The Dagster sensor and asset, ``mi run`` and ``mi demo`` all call it.

Not for: the rules or the lake layout (``ingest.submit``, ``ingest.lake``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from core.settings import Paths
from core.settings import paths as default_paths
from ingest.submit import SubmissionResult, submit_file

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


def ingest_landing(
    paths: Paths | None = None, progress: Callable[[str], None] | None = None
) -> list[SubmissionResult]:
    """Submit every file in the landing folder, then remove it (it holds NINOs in clear)."""
    paths = (paths or default_paths()).ensure()
    results = []
    for path in pending_landing_files(paths):
        result = submit_file(path, submitted_by="landing", channel="landing", paths=paths)
        path.unlink()
        if progress:
            progress(f"landing: {path.name} -> {result.status}")
        results.append(result)
    return results
