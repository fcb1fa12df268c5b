"""The workflow records of releases and candidates, and the folders they describe.

Layout under ``MI_HOME/releases``::

    {period}/v{n}/                 published, read-only, never rewritten
    .staging/{period}/v{n}/        the candidate's files (exactly what would be published)
    .staging/{period}/v{n}.json    its workflow record: state, preparer, approver, gate, digests
    .staging/.lock                 one publishing operation at a time

A record is a small JSON document written atomically (``core.files``). The
published folder itself is the truth about publication: a folder
``{period}/v{n}`` exists only after the final rename.

Not for: preparing or approving (``publish.release``) or the files of a release.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

from core.files import write_bytes_atomically
from core.periods import is_period
from core.settings import Paths
from publish.manifest import sha256_file
from publish.writers import json_bytes

STAGING = ".staging"


def now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def staging(paths: Paths) -> Path:
    return paths.releases / STAGING


def lock_path(paths: Paths) -> Path:
    """The lock one prepare or approve holds at a time (the CLI, Dagster and the demo may overlap)."""
    return staging(paths) / ".lock"


def versions(folder: Path) -> list[int]:
    if not folder.exists():
        return []
    return sorted(int(p.name[1:]) for p in folder.iterdir() if p.is_dir() and re.fullmatch(r"v\d+", p.name))


def published_versions(period: str, paths: Paths) -> list[int]:
    """Versions of a period that are published (their folder exists), oldest first."""
    return versions(paths.releases / period)


def record_path(paths: Paths, period: str, version: int) -> Path:
    return staging(paths) / period / f"v{version}.json"


def read_record(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_record(path: Path, record: dict[str, Any]) -> None:
    write_bytes_atomically(path, json_bytes(record))


def make_writable(folder: Path) -> None:
    for root, _dirs, files in os.walk(folder):
        os.chmod(root, 0o755)
        for name in files:
            os.chmod(os.path.join(root, name), 0o644)


def remove_tree(folder: Path) -> None:
    if folder.exists():
        make_writable(folder)
        shutil.rmtree(folder)


def remove_debris(folder: Path, prefix: str) -> None:
    """Remove hidden temporary folders a killed process left (the caller holds the lock)."""
    if folder.is_dir():
        for path in folder.iterdir():
            if (
                path.is_dir()
                and path.name.startswith(prefix)
                and ("building" in path.name or "promoting" in path.name)
            ):
                remove_tree(path)


def supersede_waiting_candidates(paths: Paths, period: str, *, reason: str) -> None:
    """A candidate built from data that is no longer the warehouse's must not be approved later."""
    period_staging = staging(paths) / period
    for version in versions(period_staging):
        if (paths.releases / period / f"v{version}").exists():
            continue
        path = record_path(paths, period, version)
        record = read_record(path)
        remove_tree(period_staging / f"v{version}")
        if record:
            record.update(state="superseded", superseded_at=now(), superseded_because=reason)
            write_record(path, record)


def waiting_candidate(paths: Paths, period: str) -> tuple[int, dict[str, Any]] | None:
    """The newest candidate of the period that may still be approved (or refused), with its record."""
    period_staging = staging(paths) / period
    waiting = []
    for path in sorted(period_staging.glob("v*.json")) if period_staging.exists() else []:
        record = read_record(path)
        version = record.get("version")
        if not isinstance(version, int) or record.get("state") not in ("candidate", "failed", "approving"):
            continue
        if (paths.releases / period / f"v{version}").exists():
            continue
        if not (period_staging / f"v{version}").is_dir():
            continue
        waiting.append((version, record))
    return max(waiting, key=lambda w: w[0]) if waiting else None


def list_releases(paths: Paths) -> list[dict[str, Any]]:
    """Every published release and every candidate, oldest period and version first.

    Each entry has: period, version, state (``published``, ``candidate``, ``failed``,
    ``superseded``), preparer, approver, gate (``passed``/``failed``/``unknown``),
    manifest_digest, content_digest, release_date, folder.
    """
    entries: dict[tuple[str, int], dict[str, Any]] = {}
    root = staging(paths)
    for path in sorted(root.glob("*/v*.json")) if root.exists() else []:
        record = read_record(path)
        if not record or not isinstance(record.get("version"), int):
            continue
        period, version = record["period"], record["version"]
        published = (paths.releases / period / f"v{version}").is_dir()
        state = "published" if published else record.get("state", "unknown")
        if state == "approving":  # a crash during promotion: the candidate is still waiting
            state = "candidate"
        gate = record.get("gate") or {}
        entries[(period, version)] = {
            "period": period,
            "version": version,
            "state": state,
            "preparer": record.get("preparer"),
            "approver": record.get("approver") if published else None,
            "gate": "passed" if gate.get("passed") else ("failed" if gate else "unknown"),
            "manifest_digest": record.get("manifest_digest"),
            "content_digest": record.get("content_digest"),
            "release_date": record.get("release_date"),
            "prepared_at": record.get("prepared_at"),
            "approved_at": record.get("approved_at") if published else None,
            "folder": str(paths.releases / period / f"v{version}")
            if published
            else record.get("candidate_folder"),
        }
    # Published folders without a record (copied in by hand) are releases too.
    if paths.releases.exists():
        for period_dir in sorted(p for p in paths.releases.iterdir() if is_period(p.name)):
            for version in versions(period_dir):
                if (period_dir.name, version) in entries:
                    continue
                manifest = period_dir / f"v{version}" / "MANIFEST.sha256"
                entries[(period_dir.name, version)] = {
                    "period": period_dir.name,
                    "version": version,
                    "state": "published",
                    "preparer": None,
                    "approver": None,
                    "gate": "unknown",
                    "manifest_digest": sha256_file(manifest) if manifest.exists() else None,
                    "content_digest": None,
                    "release_date": None,
                    "prepared_at": None,
                    "approved_at": None,
                    "folder": str(period_dir / f"v{version}"),
                }
    return [entries[k] for k in sorted(entries)]
