"""The release workflow: prepare a candidate, approve it, list what exists.

The stable Python API that ``mi publish``, the Dagster assets and ``mi demo``
call:

- :func:`prepare_release` builds a **release candidate** for a period from the
  analysts' copy of the last good warehouse build: the ``pub_*`` models' figures
  for the period, disclosure control, every file of the release (data tables,
  ``datapackage.json``, ``methodology.md``), the quality gate on the files as
  written, the manifest. Data identical to the latest published version of the period
  gives no new version (state ``unchanged``); changed data gives v{n+1} with
  ``revisions.csv``.
- :func:`approve_release` promotes a candidate that passed its gate, signed off
  by someone other than its preparer, atomically: copied into a temporary
  folder beside the target, fsynced, renamed to ``releases/{period}/v{n}``,
  made read-only. A reader sees the whole release or none of it.
- :func:`list_releases` shows every release and candidate with its state,
  preparer, approver, gate result and manifest digest.

Layout under ``MI_HOME/releases``::

    {period}/v{n}/                 published, read-only, never rewritten
    .staging/{period}/v{n}/        the candidate's files (exactly what would be published)
    .staging/{period}/v{n}.json    its workflow record: state, preparer, approver, gate, digests
    .staging/.lock                 one publishing operation at a time

Not for: the content of any file (``release_tables``, ``datapackage``,
``methodology``, ``quality_gate``) or argument parsing (``publish.cli``).

Notes:
    The published folder itself is the truth about publication: a folder
    ``{period}/v{n}`` exists only after the final rename, so a crash at any
    earlier point leaves the candidate approvable and nothing visible. The
    record is written before the rename (with the approver) and again after
    it, so a crash between the two is still listed correctly.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import re
import shutil
import stat
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.periods import is_period
from core.settings import Paths
from core.settings import paths as default_paths

STAGING = ".staging"
Progress = Callable[[str], None]


# --- errors ------------------------------------------------------------------------------------


class ReleaseError(Exception):
    """A release operation was refused; ``exit_code`` is what ``mi publish`` returns (1 refused, 2 usage)."""

    exit_code = 1


class BadPeriod(ReleaseError):
    """The period is not a quarter ``YYYYQn``."""

    exit_code = 2


class NothingToPublish(ReleaseError):
    """The warehouse holds no figures for the period."""

    exit_code = 2


class NoWarehouse(ReleaseError):
    """No analysts' copy of a good warehouse build to publish from, or one without the release's models."""


class NoDbtManifest(ReleaseError):
    """dbt's manifest, where the release's column descriptions come from, is missing or stale."""


class NoCandidate(ReleaseError):
    """There is no candidate of the period waiting for approval."""


class GateFailed(ReleaseError):
    """The candidate failed its quality gate; it can never be approved."""


class SamePerson(ReleaseError):
    """The approver prepared the candidate: two different people must sign a release off."""


class CandidateChanged(ReleaseError):
    """The candidate's files no longer match the manifest the gate sealed."""


class PromotionFailed(ReleaseError):
    """Promotion stopped before the release became visible; the candidate is still approvable."""


# --- results -----------------------------------------------------------------------------------


@dataclass
class Candidate:
    """What :func:`prepare_release` produced.

    Attributes:
        state: ``candidate`` (gate passed, awaiting approval), ``failed`` (gate failed,
            never approvable) or ``unchanged`` (same figures as the latest published
            version; nothing new was created and ``folder`` is that version).
    """

    period: str
    version: int
    folder: Path
    state: str
    gate_passed: bool
    manifest_digest: str
    content_digest: str
    preparer: str
    release_date: str = ""
    revisions: int = 0
    files: dict[str, int] = field(default_factory=dict)
    gate_summary: Path | None = None
    gate_failures: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class Release:
    """A published release, as :func:`approve_release` returns it."""

    period: str
    version: int
    folder: Path
    manifest_digest: str
    content_digest: str
    preparer: str
    approver: str
    approved_at: str


# --- small helpers -----------------------------------------------------------------------------


def _paths(paths: Paths | None) -> Paths:
    return paths or default_paths()


def check_period(period: str) -> str:
    if not isinstance(period, str) or not is_period(period):
        raise BadPeriod(f"{period!r} is not a period of the form YYYYQn (e.g. 2026Q2)")
    return period


def _person(name: str | None, role: str) -> str:
    if not name or not str(name).strip():
        raise ReleaseError(f"the {role} must be named")
    return str(name).strip()


def _same_person(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _say(progress: Progress | None, message: str) -> None:
    if progress:
        progress(message)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_json_atomically(path: Path, document: dict[str, Any]) -> None:
    from publish.writers import json_bytes, write_bytes

    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    write_bytes(temp, json_bytes(document))
    os.replace(temp, path)
    _fsync_dir(path.parent)


def _make_writable(folder: Path) -> None:
    for root, _dirs, files in os.walk(folder):
        os.chmod(root, 0o755)
        for name in files:
            os.chmod(os.path.join(root, name), 0o644)


def _remove_tree(folder: Path) -> None:
    if folder.exists():
        _make_writable(folder)
        shutil.rmtree(folder)


def _remove_debris(folder: Path, prefix: str) -> None:
    """Remove hidden temporary folders a killed process left (the caller holds the lock)."""
    if folder.is_dir():
        for path in folder.iterdir():
            if (
                path.is_dir()
                and path.name.startswith(prefix)
                and ("building" in path.name or "promoting" in path.name)
            ):
                _remove_tree(path)


def _staging(paths: Paths) -> Path:
    return paths.releases / STAGING


@contextlib.contextmanager
def _publishing_lock(paths: Paths) -> Iterator[None]:
    """One prepare or approve at a time (the CLI, Dagster and the demo may overlap)."""
    staging = _staging(paths)
    staging.mkdir(parents=True, exist_ok=True)
    with open(staging / ".lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _versions(folder: Path) -> list[int]:
    if not folder.exists():
        return []
    return sorted(int(p.name[1:]) for p in folder.iterdir() if p.is_dir() and re.fullmatch(r"v\d+", p.name))


def published_versions(period: str, paths: Paths | None = None) -> list[int]:
    """Versions of a period that are published (their folder exists), oldest first."""
    return _versions(_paths(paths).releases / period)


def _record_path(paths: Paths, period: str, version: int) -> Path:
    return _staging(paths) / period / f"v{version}.json"


def _read_record(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


# --- prepare -----------------------------------------------------------------------------------


def prepare_release(
    period: str,
    *,
    preparer: str,
    paths: Paths | None = None,
    progress: Progress | None = None,
    release_date: dt.date | None = None,
) -> Candidate:
    """Build the release candidate of ``period`` from the analysts' copy of the warehouse.

    Args:
        period: the quarter ``YYYYQn`` to publish (a rating quarter of the warehouse).
        preparer: who prepares it (recorded; may not approve it).
        paths: the MI_HOME layout (default: from the environment).
        progress: called with a line of text at each step.
        release_date: the release date in ``datapackage.json``; default: the date this
            content was first prepared (today, or the earlier candidate's date when the
            figures are the same), so that re-preparing gives the same bytes.

    Returns:
        The candidate; ``state`` says whether it passed its gate or whether the data
        were unchanged since the latest published version (then nothing was created).

    Raises:
        BadPeriod: ``period`` is not ``YYYYQn``.
        NothingToPublish: the warehouse has no figures for ``period``.
        NoWarehouse: there is no analysts' copy to publish from.
    """
    started = time.perf_counter()
    check_period(period)
    preparer = _person(preparer, "preparer")
    paths = _paths(paths)
    warehouse = paths.warehouse
    if not warehouse.exists():
        raise NoWarehouse(f"no analysts' copy of the warehouse at {warehouse}; build the warehouse first")
    with _publishing_lock(paths):
        candidate = _prepare_locked(period, preparer, paths, progress, release_date)
    candidate.seconds = round(time.perf_counter() - started, 2)
    _say(progress, f"prepare {period}: {candidate.state} v{candidate.version} in {candidate.seconds:.1f}s")
    return candidate


def _prepare_locked(
    period: str, preparer: str, paths: Paths, progress: Progress | None, release_date: dt.date | None
) -> Candidate:
    import duckdb

    from publish.dbt_descriptions import ManifestUnavailable, check_manifest
    from publish.definitions import ALL_TABLES, DATA_TABLES, REVISIONS, vocabularies
    from publish.figures import PeriodNotAvailable, PublicationModelsMissing, read_figures
    from publish.manifest import content_digest, sha256_file, write_manifest
    from publish.parameters import release_parameters
    from publish.release_tables import published_rows

    parameters = release_parameters()
    try:
        check_manifest()
    except ManifestUnavailable as exc:
        raise NoDbtManifest(str(exc)) from None
    _say(progress, f"prepare {period}: reading the figures from {paths.warehouse}")
    try:
        with duckdb.connect(str(paths.warehouse), read_only=True) as con:
            figures = read_figures(con, period)
    except PeriodNotAvailable as exc:
        raise NothingToPublish(str(exc)) from None
    except PublicationModelsMissing as exc:
        raise NoWarehouse(str(exc)) from None

    _remove_debris(_staging(paths) / period, ".building-")
    published = published_versions(period, paths)
    version = (published[-1] + 1) if published else 1
    previous = paths.releases / period / f"v{published[-1]}" if published else None
    period_staging = _staging(paths) / period
    period_staging.mkdir(parents=True, exist_ok=True)
    building = period_staging / f".building-v{version}-{uuid.uuid4().hex[:8]}"
    building.mkdir()
    try:
        _say(progress, f"prepare {period}: disclosure control and files for v{version}")
        rows = published_rows(figures, parameters)
        vocabulary = vocabularies(figures.age_bands)
        tables = list(DATA_TABLES)
        revisions = None
        if previous is not None:
            from publish.revisions import revisions_since

            revisions = revisions_since(previous, rows, parameters)
            rows[REVISIONS.name] = revisions
            tables.append(REVISIONS)
        file_facts = _write_tables(building, tables, rows, parameters)
        # Every table, revisions included, whatever the version: the page must not differ between versions.
        _write_methodology(building, period, figures, list(ALL_TABLES), vocabulary, parameters)
        # The digest ignores release dates and version numbers: write with a provisional date.
        _write_datapackage(
            building,
            period,
            version,
            release_date or dt.date.today(),
            tables,
            file_facts,
            vocabulary,
            parameters,
        )
        digest = content_digest(building, [t.name for t in DATA_TABLES])

        if previous is not None and content_digest(previous, [t.name for t in DATA_TABLES]) == digest:
            _say(progress, f"prepare {period}: the figures equal the published v{published[-1]}; nothing new")
            _remove_tree(building)
            _supersede_waiting_candidates(
                paths, period, reason=f"the data equal the published v{published[-1]}"
            )
            record = _read_record(_record_path(paths, period, published[-1]))
            return Candidate(
                period=period,
                version=published[-1],
                folder=previous,
                state="unchanged",
                gate_passed=bool(record.get("gate", {}).get("passed", True)),
                manifest_digest=sha256_file(previous / "MANIFEST.sha256"),
                content_digest=digest,
                preparer=preparer,
                release_date=record.get("release_date", ""),
            )

        earlier = _read_record(_record_path(paths, period, version))
        if release_date is None:
            # Same figures as the waiting candidate: keep its date, so the bytes stay the same.
            same = earlier.get("content_digest") == digest and earlier.get("release_date")
            release_date = dt.date.fromisoformat(earlier["release_date"]) if same else dt.date.today()
        _write_datapackage(
            building, period, version, release_date, tables, file_facts, vocabulary, parameters
        )

        _say(progress, f"prepare {period}: quality gate (Great Expectations) on the files as written")
        from publish.quality_gate import GateInputs, run_quality_gate

        gate = run_quality_gate(
            building,
            GateInputs(
                period=period,
                version=version,
                release_date=release_date,
                tables=tables,
                vocabulary=vocabulary,
                expected_contracts=figures.contract_ids,
                warehouse_payments_gbp=figures.warehouse_payments_gbp,
                parameters=parameters,
            ),
        )
        manifest_digest = write_manifest(building)
        _seal(building)

        target = period_staging / f"v{version}"
        if earlier:
            # The earlier record must not vouch for the new files, even if we crash before ours is written.
            earlier.update(state="superseded", superseded_at=_now(), superseded_because="prepared again")
            _write_json_atomically(_record_path(paths, period, version), earlier)
        if target.exists():
            _say(progress, f"prepare {period}: replacing the earlier candidate v{version}")
            _remove_tree(target)
        os.rename(building, target)
        _fsync_dir(period_staging)
    except BaseException:
        _remove_tree(building)
        raise

    state = "candidate" if gate.passed else "failed"
    files = {
        p.relative_to(target).as_posix(): p.stat().st_size for p in sorted(target.iterdir()) if p.is_file()
    }
    record = {
        "period": period,
        "version": version,
        "state": state,
        "preparer": preparer,
        "prepared_at": _now(),
        "approver": None,
        "approved_at": None,
        "gate": gate.as_record(),
        "manifest_digest": manifest_digest,
        "content_digest": digest,
        "release_date": release_date.isoformat(),
        "revisions": len(revisions) if revisions is not None else None,
        "candidate_folder": str(target),
        "folder": None,
        "files": files,
    }
    _write_json_atomically(_record_path(paths, period, version), record)
    if not gate.passed:
        _say(
            progress,
            f"prepare {period}: the quality gate FAILED ({len(gate.failures)} expectations"
            f"{'; ' + gate.error if gate.error else ''}); see {target / 'quality' / 'summary.md'}",
        )
    return Candidate(
        period=period,
        version=version,
        folder=target,
        state=state,
        gate_passed=gate.passed,
        manifest_digest=manifest_digest,
        content_digest=digest,
        preparer=preparer,
        release_date=release_date.isoformat(),
        revisions=len(revisions or []),
        files=files,
        gate_summary=target / "quality" / "summary.md",
        gate_failures=record["gate"]["failures"],
    )


def _write_tables(folder: Path, tables, rows, parameters) -> dict[str, tuple[int, str]]:
    import hashlib

    from publish.writers import csv_bytes, parquet_bytes, write_bytes

    facts = {}
    for table in tables:
        data = csv_bytes(table, rows[table.name])
        write_bytes(folder / f"{table.name}.csv", data)
        facts[table.name] = (len(data), hashlib.sha256(data).hexdigest())
        if table.name != "revisions":
            write_bytes(folder / f"{table.name}.parquet", parquet_bytes(table, rows[table.name], parameters))
    return facts


def _write_methodology(folder, period, figures, tables, vocabulary, parameters) -> None:
    from publish.methodology import render_methodology
    from publish.writers import text_bytes, write_bytes

    text = render_methodology(
        period=period, figures=figures, tables=tables, vocabulary=vocabulary, parameters=parameters
    )
    write_bytes(folder / "methodology.md", text_bytes(text))


def _write_datapackage(
    folder, period, version, release_date, tables, file_facts, vocabulary, parameters
) -> None:
    from publish.datapackage import datapackage
    from publish.writers import json_bytes, write_bytes

    descriptor = datapackage(
        period=period,
        version=version,
        release_date=release_date,
        tables=tables,
        file_facts=file_facts,
        vocabulary=vocabulary,
        parameters=parameters,
    )
    write_bytes(folder / "datapackage.json", json_bytes(descriptor))


def _seal(folder: Path) -> None:
    """fsync every file and folder of a candidate, deepest first."""
    for root, _dirs, files in os.walk(folder, topdown=False):
        for name in files:
            fd = os.open(os.path.join(root, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(root))


def _supersede_waiting_candidates(paths: Paths, period: str, *, reason: str) -> None:
    """A candidate built from data that is no longer the warehouse's must not be approved later."""
    period_staging = _staging(paths) / period
    for version in _versions(period_staging):
        if (paths.releases / period / f"v{version}").exists():
            continue
        record_path = _record_path(paths, period, version)
        record = _read_record(record_path)
        _remove_tree(period_staging / f"v{version}")
        if record:
            record.update(state="superseded", superseded_at=_now(), superseded_because=reason)
            _write_json_atomically(record_path, record)


# --- approve -----------------------------------------------------------------------------------


def approve_release(
    period: str, *, approver: str, paths: Paths | None = None, progress: Progress | None = None
) -> Release:
    """Publish the waiting candidate of ``period``, signed off by ``approver``.

    Raises:
        BadPeriod: ``period`` is not ``YYYYQn``.
        NoCandidate: no candidate of the period is waiting.
        GateFailed: the candidate failed its quality gate.
        SamePerson: ``approver`` prepared the candidate.
        CandidateChanged: the candidate's files differ from its manifest.
        PromotionFailed: promotion stopped; nothing was published, the candidate is intact.
    """
    check_period(period)
    approver = _person(approver, "approver")
    paths = _paths(paths)
    with _publishing_lock(paths):
        return _approve_locked(period, approver, paths, progress)


def _waiting_candidate(paths: Paths, period: str) -> tuple[int, dict[str, Any]] | None:
    period_staging = _staging(paths) / period
    waiting = []
    for record_path in sorted(period_staging.glob("v*.json")) if period_staging.exists() else []:
        record = _read_record(record_path)
        version = record.get("version")
        if not isinstance(version, int) or record.get("state") not in ("candidate", "failed", "approving"):
            continue
        if (paths.releases / period / f"v{version}").exists():
            continue
        if not (period_staging / f"v{version}").is_dir():
            continue
        waiting.append((version, record))
    return max(waiting, key=lambda w: w[0]) if waiting else None


def _approve_locked(period: str, approver: str, paths: Paths, progress: Progress | None) -> Release:
    from publish.manifest import sha256_file, verify_manifest

    # A promotion killed before its rename leaves a hidden temporary folder: never a release.
    _remove_debris(paths.releases / period, ".v")
    waiting = _waiting_candidate(paths, period)
    if waiting is None:
        raise NoCandidate(
            f"no candidate of {period} is waiting for approval; run `mi publish prepare {period}`"
        )
    version, record = waiting
    candidate = _staging(paths) / period / f"v{version}"
    gate = record.get("gate") or {}
    if record.get("state") == "failed" or not gate.get("passed"):
        raise GateFailed(
            f"{period} v{version} failed its quality gate and can never be approved; "
            f"see {candidate / 'quality' / 'summary.md'}"
        )
    preparer = record.get("preparer") or ""
    if _same_person(approver, preparer):
        raise SamePerson(f"{approver} prepared {period} v{version}; a different person must approve it")
    published = published_versions(period, paths)
    if published and published[-1] >= version:
        raise NoCandidate(f"{period} v{published[-1]} is already published; prepare the period again")
    problems = verify_manifest(candidate)
    manifest = candidate / "MANIFEST.sha256"
    if manifest.exists() and sha256_file(manifest) != record.get("manifest_digest"):
        # The gate's verdict in the record belongs to exactly one manifest.
        problems.insert(0, "MANIFEST.sha256 is not the one the quality gate sealed")
    if problems:
        raise CandidateChanged(
            f"{period} v{version} changed after its quality gate: {'; '.join(problems[:5])}"
        )

    record_path = _record_path(paths, period, version)
    # Who approved is on disk before the release can appear (see the module's Notes).
    record.update(state="approving", approver=approver, approval_started_at=_now())
    _write_json_atomically(record_path, record)
    _say(progress, f"approve {period}: promoting v{version}, approved by {approver}")
    target = paths.releases / period / f"v{version}"
    try:
        promote(candidate, target)
    except BaseException as exc:
        record.update(state="candidate", approver=None, approval_started_at=None)
        _write_json_atomically(record_path, record)
        if isinstance(exc, Exception):
            raise PromotionFailed(
                f"promotion of {period} v{version} stopped ({type(exc).__name__}: {exc}); "
                f"nothing was published and the candidate is intact"
            ) from exc
        raise
    approved_at = _now()
    record.update(state="published", approved_at=approved_at, folder=str(target), candidate_folder=None)
    _write_json_atomically(record_path, record)
    _remove_tree(candidate)
    _say(progress, f"approve {period}: published {target}")
    return Release(
        period=period,
        version=version,
        folder=target,
        manifest_digest=record["manifest_digest"],
        content_digest=record.get("content_digest", ""),
        preparer=preparer,
        approver=approver,
        approved_at=approved_at,
    )


def promote(candidate: Path, target: Path) -> None:
    """Copy ``candidate`` to ``target`` atomically and make it read-only.

    Copies into a hidden temporary folder beside the target, fsyncs every file
    and folder, marks files 0444 and folders 0555, then renames the folder into
    place and fsyncs the parent. Any failure before the rename removes the
    temporary folder, so no partial release is ever visible at ``target``.
    """
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        raise FileExistsError(f"{target} exists; a published release is never rewritten")
    temp = parent / f".{target.name}.promoting-{uuid.uuid4().hex[:8]}"
    try:
        shutil.copytree(candidate, temp, copy_function=shutil.copyfile)
        _seal(temp)
        for root, _dirs, files in os.walk(temp, topdown=False):
            for name in files:
                os.chmod(os.path.join(root, name), stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
            os.chmod(
                root, stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH
            )
        os.rename(temp, target)
        _fsync_dir(parent)
    except BaseException:
        if temp.exists():
            _remove_tree(temp)
        raise


# --- list --------------------------------------------------------------------------------------


def list_releases(paths: Paths | None = None) -> list[dict[str, Any]]:
    """Every published release and every candidate, oldest period and version first.

    Each entry has: period, version, state (``published``, ``candidate``, ``failed``,
    ``superseded``), preparer, approver, gate (``passed``/``failed``/``unknown``),
    manifest_digest, content_digest, release_date, folder.
    """
    paths = _paths(paths)
    entries: dict[tuple[str, int], dict[str, Any]] = {}
    staging = _staging(paths)
    for record_path in sorted(staging.glob("*/v*.json")) if staging.exists() else []:
        record = _read_record(record_path)
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
        from publish.manifest import sha256_file

        for period_dir in sorted(p for p in paths.releases.iterdir() if is_period(p.name)):
            for version in _versions(period_dir):
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
