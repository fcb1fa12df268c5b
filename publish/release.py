"""The release workflow: prepare a candidate, approve it, list what exists.

The stable Python API that ``mi publish``, the Dagster assets and ``mi demo``
call:

- :func:`prepare_release` builds a **release candidate** for a period from the
  analysts' copy of the last good warehouse build: the ``pub_*`` models' figures
  for the period, disclosure control, every file of the release (data tables,
  ``code_labels.csv``, ``revisions.csv``, ``datapackage.json``,
  ``methodology.md``, ``index.html``), the quality gate on the files as
  written, the manifest. Data identical to the latest published version of the
  period gives no new version (state ``unchanged``); changed data gives v{n+1}.
- :func:`approve_release` promotes a candidate that passed its gate, signed off
  by someone other than its preparer, atomically (:mod:`publish.promotion`):
  the approval date enters ``datapackage.json`` and the manifest is written
  last, every rating the release publishes goes to the lake's published-ratings
  dataset, and only then is the folder renamed to ``releases/{period}/v{n}``.
- :func:`list_releases` shows every release and candidate with its state,
  preparer, approver, gate result and manifest digest.

The folders and records are :mod:`publish.records`; the reasons for refusing
are :mod:`publish.errors`.

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

import datetime as dt
import hashlib
import json
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.files import exclusive_lock, fsync_dir
from core.periods import is_period
from core.settings import Paths
from core.settings import paths as default_paths
from publish import records
from publish.errors import (
    BadPeriod,
    CandidateChanged,
    GateFailed,
    NoCandidate,
    NoDbtManifest,
    NothingToPublish,
    NoWarehouse,
    PromotionFailed,
    ReleaseError,
    SamePerson,
)
from publish.figures import Figures
from publish.parameters import ReleaseParameters, release_parameters
from publish.promotion import promote, published_rating_rows, seal
from publish.writers import json_bytes, write_bytes

__all__ = [
    "BadPeriod",
    "Candidate",
    "CandidateChanged",
    "GateFailed",
    "NoCandidate",
    "NoDbtManifest",
    "NoWarehouse",
    "NothingToPublish",
    "PromotionFailed",
    "Release",
    "ReleaseError",
    "SamePerson",
    "STAGING",
    "approve_release",
    "check_period",
    "list_releases",
    "prepare_release",
    "promote",
    "published_versions",
]

STAGING = records.STAGING
Progress = Callable[[str], None]


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


def _say(progress: Progress | None, message: str) -> None:
    if progress:
        progress(message)


def _publishing_lock(paths: Paths):
    """One prepare or approve at a time (the CLI, Dagster and the demo may overlap)."""
    return exclusive_lock(records.lock_path(paths), what="another publishing operation")


def published_versions(period: str, paths: Paths | None = None) -> list[int]:
    """Versions of a period that are published (their folder exists), oldest first."""
    return records.published_versions(period, _paths(paths))


def list_releases(paths: Paths | None = None) -> list[dict[str, Any]]:
    """Every published release and every candidate (see :func:`publish.records.list_releases`)."""
    return records.list_releases(_paths(paths))


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


@dataclass
class _Build:
    """A candidate being built in a hidden folder: what each step of :func:`_prepare_locked` adds."""

    period: str
    version: int
    previous: Path | None
    folder: Path
    figures: Figures
    parameters: ReleaseParameters
    tables: list = field(default_factory=list)
    vocabulary: dict[str, list[str]] = field(default_factory=dict)
    file_facts: dict[str, tuple[int, str]] = field(default_factory=dict)
    revisions: list[dict[str, str]] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)
    digest: str = ""


def _prepare_locked(
    period: str, preparer: str, paths: Paths, progress: Progress | None, release_date: dt.date | None
) -> Candidate:
    figures = _read_figures(period, paths, progress)
    build = _start_build(period, paths, figures)
    try:
        _say(progress, f"prepare {period}: disclosure control and files for v{build.version}")
        _write_content(build, release_date or dt.date.today())
        unchanged = _unchanged_since_published(build, paths, preparer, progress)
        if unchanged is not None:
            return unchanged
        earlier = records.read_record(records.record_path(paths, period, build.version))
        release_date = _settled_release_date(release_date, earlier, build.digest)
        _write_dated_files(build, release_date)
        _say(progress, f"prepare {period}: quality gate (Great Expectations) on the files as written")
        gate = _run_gate(build, release_date)
        manifest_digest = _seal_candidate(build)
        target = _install_candidate(build, paths, earlier, progress)
    except BaseException:
        records.remove_tree(build.folder)
        raise
    return _record_candidate(build, target, paths, preparer, gate, manifest_digest, release_date, progress)


def _read_figures(period: str, paths: Paths, progress: Progress | None) -> Figures:
    """Step 1: the true figures of the period, from the analysts' copy (dbt's manifest must be current)."""
    import duckdb

    from publish.dbt_descriptions import ManifestUnavailable, check_manifest
    from publish.figures import PeriodNotAvailable, PublicationModelsMissing, read_figures

    try:
        check_manifest()
    except ManifestUnavailable as exc:
        raise NoDbtManifest(str(exc)) from None
    _say(progress, f"prepare {period}: reading the figures from {paths.warehouse}")
    try:
        with duckdb.connect(str(paths.warehouse), read_only=True) as con:
            return read_figures(con, period)
    except PeriodNotAvailable as exc:
        raise NothingToPublish(str(exc)) from None
    except PublicationModelsMissing as exc:
        raise NoWarehouse(str(exc)) from None


def _start_build(period: str, paths: Paths, figures: Figures) -> _Build:
    """Step 2: the next version number and a fresh hidden folder to build it in."""
    period_staging = records.staging(paths) / period
    records.remove_debris(period_staging, ".building-")
    published = records.published_versions(period, paths)
    version = (published[-1] + 1) if published else 1
    previous = paths.releases / period / f"v{published[-1]}" if published else None
    period_staging.mkdir(parents=True, exist_ok=True)
    folder = period_staging / f".building-v{version}-{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    return _Build(period, version, previous, folder, figures, release_parameters())


def _write_content(build: _Build, provisional_date: dt.date) -> None:
    """Step 3: disclosure control and every file the figures decide; the content digest."""
    from publish.datapackage import provenance
    from publish.definitions import ALL_TABLES, CONTENT_TABLES, REVISIONS, vocabularies
    from publish.manifest import content_digest
    from publish.release_tables import published_rows
    from publish.revisions import all_revisions
    from warehouse.build import code_version

    p = build.parameters
    rows = published_rows(build.figures, p)
    # restated ratings in every version; the changes since the previous version from v2 on
    build.revisions = all_revisions(build.previous, rows, p)
    rows[REVISIONS.name] = build.revisions
    build.tables = list(ALL_TABLES)
    build.vocabulary = vocabularies(build.figures.age_bands)
    build.file_facts = _write_tables(build.folder, build.tables, rows, p)
    build.provenance = provenance(
        build_info=build.figures.build_info,
        warehouse_digest=build.figures.warehouse_digest(),
        code_version=code_version(),
        parameters=p,
    )
    # Every table, revisions included, whatever the version: the page must not differ between versions.
    _write_methodology(build.folder, build.period, build.figures, list(ALL_TABLES), build.vocabulary, p)
    # The digest ignores release dates and version numbers: written with a provisional date.
    _write_datapackage(build, provisional_date)
    build.digest = content_digest(build.folder, [t.name for t in CONTENT_TABLES])


def _unchanged_since_published(
    build: _Build, paths: Paths, preparer: str, progress: Progress | None
) -> Candidate | None:
    """Step 4: the same figures as the latest published version give no new version (None otherwise)."""
    from publish.definitions import CONTENT_TABLES
    from publish.manifest import content_digest, sha256_file

    previous = build.previous
    if previous is None or content_digest(previous, [t.name for t in CONTENT_TABLES]) != build.digest:
        return None
    published = build.version - 1
    _say(progress, f"prepare {build.period}: the figures equal the published v{published}; nothing new")
    records.remove_tree(build.folder)
    records.supersede_waiting_candidates(
        paths, build.period, reason=f"the data equal the published v{published}"
    )
    record = records.read_record(records.record_path(paths, build.period, published))
    return Candidate(
        period=build.period,
        version=published,
        folder=previous,
        state="unchanged",
        gate_passed=bool(record.get("gate", {}).get("passed", True)),
        manifest_digest=sha256_file(previous / "MANIFEST.sha256"),
        content_digest=build.digest,
        preparer=preparer,
        release_date=record.get("release_date", ""),
    )


def _settled_release_date(asked: dt.date | None, earlier: dict[str, Any], digest: str) -> dt.date:
    """Step 5: the release date: as asked, else the waiting candidate's when its figures are the same
    (so the bytes stay the same), else today."""
    if asked is not None:
        return asked
    if earlier.get("content_digest") == digest and earlier.get("release_date"):
        return dt.date.fromisoformat(earlier["release_date"])
    return dt.date.today()


def _write_dated_files(build: _Build, release_date: dt.date) -> None:
    """Step 6: the files that carry the release date: ``datapackage.json`` and the bulletin."""
    _write_datapackage(build, release_date)
    _write_bulletin(build.folder, build.period, build.version, release_date, build.figures, build.parameters)


def _run_gate(build: _Build, release_date: dt.date):
    """Step 7: the quality gate on the files as written; its verdict enters ``datapackage.json``."""
    from publish.datapackage import with_gate_result
    from publish.quality_gate import GateInputs, run_quality_gate

    gate = run_quality_gate(
        build.folder,
        GateInputs(
            period=build.period,
            version=build.version,
            release_date=release_date,
            tables=build.tables,
            vocabulary=build.vocabulary,
            expected_contracts=build.figures.contract_ids,
            warehouse_payments_gbp=build.figures.warehouse_payments_gbp,
            parameters=build.parameters,
            window_cohorts=build.figures.window_cohorts,
        ),
    )
    package_path = build.folder / "datapackage.json"
    descriptor = json.loads(package_path.read_text(encoding="utf-8"))
    write_bytes(
        package_path,
        json_bytes(with_gate_result(descriptor, passed=gate.passed, expectations=len(gate.checks))),
    )
    return gate


def _seal_candidate(build: _Build) -> str:
    """Step 8: the manifest, written last, and every file fsynced; the manifest's digest."""
    from publish.manifest import write_manifest

    manifest_digest = write_manifest(build.folder)
    seal(build.folder)
    return manifest_digest


def _install_candidate(
    build: _Build, paths: Paths, earlier: dict[str, Any], progress: Progress | None
) -> Path:
    """Step 9: rename the built folder to ``.staging/{period}/v{n}``, replacing an earlier candidate."""
    period_staging = build.folder.parent
    target = period_staging / f"v{build.version}"
    if earlier:
        # The earlier record must not vouch for the new files, even if we crash before ours is written.
        earlier.update(state="superseded", superseded_at=records.now(), superseded_because="prepared again")
        records.write_record(records.record_path(paths, build.period, build.version), earlier)
    if target.exists():
        _say(progress, f"prepare {build.period}: replacing the earlier candidate v{build.version}")
        records.remove_tree(target)
    os.rename(build.folder, target)
    fsync_dir(period_staging)
    return target


def _record_candidate(
    build: _Build,
    target: Path,
    paths: Paths,
    preparer: str,
    gate,
    manifest_digest: str,
    release_date: dt.date,
    progress: Progress | None,
) -> Candidate:
    """Step 10: the candidate's workflow record."""
    period = build.period
    state = "candidate" if gate.passed else "failed"
    files = {
        p.relative_to(target).as_posix(): p.stat().st_size for p in sorted(target.iterdir()) if p.is_file()
    }
    record = {
        "period": period,
        "version": build.version,
        "state": state,
        "preparer": preparer,
        "prepared_at": records.now(),
        "approver": None,
        "approved_at": None,
        "gate": gate.as_record(),
        "manifest_digest": manifest_digest,
        "content_digest": build.digest,
        "release_date": release_date.isoformat(),
        "revisions": len(build.revisions),
        "candidate_folder": str(target),
        "folder": None,
        "files": files,
    }
    records.write_record(records.record_path(paths, period, build.version), record)
    if not gate.passed:
        _say(
            progress,
            f"prepare {period}: the quality gate FAILED ({len(gate.failures)} expectations"
            f"{'; ' + gate.error if gate.error else ''}); see {target / 'quality'}",
        )
    return Candidate(
        period=period,
        version=build.version,
        folder=target,
        state=state,
        gate_passed=gate.passed,
        manifest_digest=manifest_digest,
        content_digest=build.digest,
        preparer=preparer,
        release_date=release_date.isoformat(),
        revisions=len(build.revisions),
        files=files,
        gate_summary=target / "quality" / "summary.md",
        gate_failures=record["gate"]["failures"],
    )


def _write_tables(folder: Path, tables, rows, parameters) -> dict[str, tuple[int, str]]:
    from publish.writers import csv_bytes, parquet_bytes

    facts = {}
    for table in tables:
        data = csv_bytes(table, rows[table.name])
        write_bytes(folder / f"{table.name}.csv", data)
        facts[table.name] = (len(data), hashlib.sha256(data).hexdigest())
        if table.parquet:
            write_bytes(folder / f"{table.name}.parquet", parquet_bytes(table, rows[table.name], parameters))
    return facts


def _write_methodology(folder, period, figures, tables, vocabulary, parameters) -> None:
    from publish.methodology import render_methodology
    from publish.writers import text_bytes

    text = render_methodology(
        period=period, figures=figures, tables=tables, vocabulary=vocabulary, parameters=parameters
    )
    write_bytes(folder / "methodology.md", text_bytes(text))


def _write_bulletin(folder, period, version, release_date, figures, parameters) -> None:
    """``index.html``, from the files already written (after datapackage.json, before the gate)."""
    from publish.bulletin import bulletin_context, write_bulletin
    from publish.publication import publication

    context = bulletin_context(
        period=period,
        version=version,
        release_date=release_date,
        seeds=figures.seeds,
        parameters=parameters,
        publication=publication(),
    )
    write_bulletin(folder, context)


def _write_datapackage(build: _Build, release_date: dt.date) -> None:
    from publish.datapackage import datapackage

    descriptor = datapackage(
        period=build.period,
        version=build.version,
        release_date=release_date,
        tables=build.tables,
        file_facts=build.file_facts,
        vocabulary=build.vocabulary,
        parameters=build.parameters,
        provenance=build.provenance,
        window_cohorts=build.figures.window_cohorts,
    )
    write_bytes(build.folder / "datapackage.json", json_bytes(descriptor))


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


def _approvable(paths: Paths, period: str, approver: str) -> tuple[int, dict[str, Any], Path]:
    """The waiting candidate once every rule of sign-off holds: (version, record, folder)."""
    from publish.manifest import sha256_file, verify_manifest

    waiting = records.waiting_candidate(paths, period)
    if waiting is None:
        raise NoCandidate(
            f"no candidate of {period} is waiting for approval; run `mi publish prepare {period}`"
        )
    version, record = waiting
    candidate = records.staging(paths) / period / f"v{version}"
    gate = record.get("gate") or {}
    if record.get("state") == "failed" or not gate.get("passed"):
        raise GateFailed(
            f"{period} v{version} failed its quality gate and can never be approved; "
            f"see {candidate / 'quality'}"
        )
    if _same_person(approver, record.get("preparer") or ""):
        raise SamePerson(f"{approver} prepared {period} v{version}; a different person must approve it")
    published = records.published_versions(period, paths)
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
    return version, record, candidate


def _approve_locked(period: str, approver: str, paths: Paths, progress: Progress | None) -> Release:
    from publish.datapackage import with_approval
    from publish.manifest import sha256_file, write_manifest
    from publish.published_ratings import write_published_ratings

    # A promotion killed before its rename leaves a hidden temporary folder: never a release.
    records.remove_debris(paths.releases / period, ".v")
    version, record, candidate = _approvable(paths, period, approver)
    record_path = records.record_path(paths, period, version)
    # Who approved is on disk before the release can appear (see the module's Notes).
    record.update(state="approving", approver=approver, approval_started_at=records.now())
    records.write_record(record_path, record)
    _say(progress, f"approve {period}: promoting v{version}, approved by {approver}")
    target = paths.releases / period / f"v{version}"
    approved_at = records.now()

    def sign(copy: Path) -> None:
        # the approval date enters datapackage.json, and the manifest is written last
        package_path = copy / "datapackage.json"
        descriptor = json.loads(package_path.read_text(encoding="utf-8"))
        approved_on = dt.date.fromisoformat(approved_at[:10])
        write_bytes(package_path, json_bytes(with_approval(descriptor, approved_on=approved_on)))
        write_manifest(copy)

    def record_ratings(copy: Path) -> None:
        # the lake's published ratings, before the release is renamed into place
        write_published_ratings(
            period, version, published_rating_rows(copy), approved_at=approved_at, paths=paths
        )

    try:
        promote(candidate, target, sign=sign, before_rename=record_ratings)
    except BaseException as exc:
        record.update(state="candidate", approver=None, approval_started_at=None)
        records.write_record(record_path, record)
        if isinstance(exc, Exception):
            raise PromotionFailed(
                f"promotion of {period} v{version} stopped ({type(exc).__name__}: {exc}); "
                f"nothing was published and the candidate is intact"
            ) from exc
        raise
    manifest_digest = sha256_file(target / "MANIFEST.sha256")
    record.update(
        state="published",
        approved_at=approved_at,
        folder=str(target),
        candidate_folder=None,
        manifest_digest=manifest_digest,
        candidate_manifest_digest=record["manifest_digest"],
    )
    records.write_record(record_path, record)
    records.remove_tree(candidate)
    _say(progress, f"approve {period}: published {target}")
    return Release(
        period=period,
        version=version,
        folder=target,
        manifest_digest=manifest_digest,
        content_digest=record.get("content_digest", ""),
        preparer=record.get("preparer") or "",
        approver=approver,
        approved_at=approved_at,
    )
