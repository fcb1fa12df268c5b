"""Submissions: the one path by which a file becomes lake rows, a ledger entry and a report.

:func:`check_file` is the provider's local check (``mi validate``): it writes
nothing but the report it is asked for. :func:`submit_file` is what ``mi
submit``, the portal, the API and the landing-folder sensor all call: it
applies the submission semantics of the MI specification (duplicate bytes
change nothing, an older file never replaces newer data, a resubmission
supersedes the earlier one whole) and writes atomically, so a crash leaves either the
whole submission or none of it. :func:`load_reference` does the same for the
department's reference data.

Not for: rules (they are in ``contracts_schema``), parsing (``ingest/read.py``)
or HTTP concerns (``portal/``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import shutil
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

import polars as pl

from contracts_schema.checks import CheckContext
from contracts_schema.pandera_models import ReferenceData, preload_pandera, prepare_frame
from contracts_schema.registry import RETURN_NAMES, Dataset, load_registry
from core.periods import Period
from core.settings import Paths, upload_limit_bytes, xlsx_row_limit
from core.settings import paths as default_paths
from ingest import lake
from ingest.feedback import write_report
from ingest.ledger import Ledger, LedgerEntry, utc_now
from ingest.pseudonymise import load_key, person_digests
from ingest.read import FileRejected, RawTable, read_table, sniff_format
from ingest.validate import FINDING_SCHEMA, ValidationOutcome, file_finding, rejected_file, validate_table

FILE_NAME_PATTERN = re.compile(
    r"^(?P<ukprn>1[0-9]{7})_(?P<dataset>" + "|".join(RETURN_NAMES) + r")_"
    r"(?P<period>[0-9]{4}Q[1-4])_(?P<stamp>[0-9]{8}T[0-9]{6})\.(?:csv|xlsx)$",
    re.IGNORECASE,
)


class UsageError(ValueError):
    """The caller's arguments are wrong (not the file): exit status 2 at the CLI."""


@dataclass(frozen=True)
class FileIdentity:
    """Who sent what for when, from the file name or explicit arguments."""

    ukprn: str | None
    dataset: str
    period: str | None
    file_timestamp: str


def _return_context(identity: FileIdentity) -> CheckContext:
    """What the rules may know of a provider's return: who sent it and for which quarter."""
    if identity.period is None:
        raise UsageError(f"a {identity.dataset} return needs its period")
    return CheckContext(ukprn=identity.ukprn, period=Period.parse(identity.period))


@dataclass
class SubmissionResult:
    submission_id: str | None
    status: str
    summary: dict
    findings: pl.DataFrame
    feedback_dir: Path | None = None
    outcome: ValidationOutcome | None = field(default=None, repr=False)

    @property
    def has_errors(self) -> bool:
        return self.status == "REJECTED" or bool((self.findings["severity"] == "error").any())


def parse_file_name(name: str) -> FileIdentity | None:
    match = FILE_NAME_PATTERN.match(Path(name).name)
    if not match:
        return None
    stamp = dt.datetime.strptime(match["stamp"], "%Y%m%dT%H%M%S")
    return FileIdentity(
        ukprn=match["ukprn"],
        dataset=match["dataset"].lower(),
        period=match["period"].upper(),
        file_timestamp=stamp.isoformat(),
    )


def resolve_identity(
    file_name: str, *, ukprn: str | None, dataset: str | None, period: str | None, received_at: str
) -> tuple[FileIdentity | None, str]:
    """Decide (ukprn, return, period, timestamp) for a file; explain when it cannot.

    With all three given explicitly the name is free. Otherwise the
    name must follow the pattern and agree with whatever was given.
    """
    if dataset is not None and dataset not in RETURN_NAMES:
        raise UsageError(f"unknown return {dataset!r}; use one of {', '.join(RETURN_NAMES)}")
    if period is not None:
        try:
            period = Period.parse(period).code
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    parsed = parse_file_name(file_name)
    if ukprn and dataset and period:
        stamp = parsed.file_timestamp if parsed else received_at
        return FileIdentity(ukprn, dataset, period, stamp), ""
    if parsed is None:
        return None, "the name does not follow the pattern"
    for given, found, label in (
        (ukprn, parsed.ukprn, "UKPRN"),
        (dataset, parsed.dataset, "return"),
        (period, parsed.period, "period"),
    ):
        if given is not None and given != found:
            return None, f"the name says {label} {found} but the submission is for {given}"
    return parsed, ""


def _reference_from_dir(folder: Path) -> ReferenceData | None:
    """Typed reference tables from a folder of ``{dataset}.csv`` (``mi validate --reference``)."""
    registry = load_registry()
    tables = {}
    for name in ("contracts", "supply_chain", "local_authorities"):
        path = Path(folder) / f"{name}.csv"
        if not path.exists():
            raise UsageError(f"{path} is missing: the reference folder needs {name}.csv")
        dataset = registry.dataset(name)
        raw = read_table(
            path.read_bytes(), dataset, byte_limit=upload_limit_bytes(), xlsx_row_limit=xlsx_row_limit()
        )
        prepared = prepare_frame(raw.frame.drop("source_row"), dataset, None)
        tables[name] = prepared.select(dataset.field_names)
    return ReferenceData(
        contracts=tables["contracts"],
        supply_chain=tables["supply_chain"],
        local_authorities=tables["local_authorities"],
    )


def _read_bytes(data: bytes, dataset: Dataset) -> RawTable | ValidationOutcome:
    """The file's table, or the outcome of a file refused whole."""
    try:
        return read_table(data, dataset, byte_limit=upload_limit_bytes(), xlsx_row_limit=xlsx_row_limit())
    except FileRejected as exc:
        return rejected_file(dataset, exc.rule_id, field=exc.field, detail=exc.detail)


def _validate_read(
    table: RawTable | ValidationOutcome, dataset: Dataset, ctx: CheckContext, reference: ReferenceData | None
) -> ValidationOutcome:
    if isinstance(table, ValidationOutcome):
        return table
    return validate_table(table, dataset, ctx, reference)


def _validate_bytes(
    data: bytes, dataset: Dataset, ctx: CheckContext, reference: ReferenceData | None
) -> ValidationOutcome:
    return _validate_read(_read_bytes(data, dataset), dataset, ctx, reference)


def _summary(
    outcome: ValidationOutcome | None,
    *,
    identity: FileIdentity | None,
    dataset: str | None,
    file_name: str,
    sha256: str,
    status: str,
    submission_id: str | None,
    received_at: str | None,
    findings: pl.DataFrame,
) -> dict:
    rows_read = outcome.rows_read if outcome else 0
    rows_rejected = outcome.rows_rejected if outcome else 0
    accepted = 0 if status in ("REJECTED", "DUPLICATE") else rows_read - rows_rejected
    return {
        "submission_id": submission_id,
        "status": status,
        "ukprn": identity.ukprn if identity else None,
        "return": identity.dataset if identity else dataset,
        "period": identity.period if identity else None,
        "sha256": sha256,
        "file_name": file_name,
        "received_at": received_at,
        "rows_read": rows_read,
        "rows_accepted": accepted,
        "rows_rejected": rows_rejected,
        "warnings": int((findings["severity"] == "warning").sum()),
        "errors": int((findings["severity"] == "error").sum()),
        "reference_checked": bool(outcome.reference_checked) if outcome else False,
    }


def _read_limited(path: Path) -> bytes | None:
    """The file's bytes, or None when it is over the size limit (never read whole then)."""
    if path.stat().st_size > upload_limit_bytes():
        return None
    return path.read_bytes()


def check_file(
    path: Path,
    *,
    ukprn: str | None = None,
    dataset: str | None = None,
    period: str | None = None,
    reference_dir: Path | None = None,
    report_dir: Path | None = None,
) -> SubmissionResult:
    """The provider's local check: the same rules as a submission; writes only ``report_dir``."""
    preload_pandera()  # imported while the file is read and parsed
    path = Path(path)
    data = _read_limited(path)
    sha = hashlib.sha256(data).hexdigest() if data is not None else _sha_of_file(path)
    identity, why = resolve_identity(
        path.name, ukprn=ukprn, dataset=dataset, period=period, received_at=utc_now()
    )
    reference = _reference_from_dir(reference_dir) if reference_dir else None
    if identity is None:
        outcome = rejected_file(
            load_registry().dataset(dataset or _guess_dataset(path.name)), "FILE_NAME", detail=why
        )
    elif data is None:
        outcome = rejected_file(load_registry().dataset(identity.dataset), "FILE_TOO_LARGE")
    else:
        ctx = _return_context(identity)
        table = _read_bytes(data, load_registry().dataset(identity.dataset))
        data = None  # parsed: a national file's bytes (hundreds of MB) need not live through validation
        outcome = _validate_read(table, load_registry().dataset(identity.dataset), ctx, reference)
    summary = _summary(
        outcome,
        identity=identity,
        dataset=dataset,
        file_name=path.name,
        sha256=sha,
        status=outcome.status,
        submission_id=None,
        received_at=None,
        findings=outcome.findings,
    )
    if report_dir is not None:
        write_report(Path(report_dir), summary, outcome.findings)
    return SubmissionResult(None, outcome.status, summary, outcome.findings, report_dir, outcome)


def _guess_dataset(name: str) -> str:
    lowered = name.lower()
    for candidate in RETURN_NAMES:
        if candidate in lowered:
            return candidate
    return "participants"


def _sha_of_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def new_submission_id(received_at: str) -> str:
    stamp = received_at.replace("-", "").replace(":", "").replace("T", "")[:14]
    return f"{stamp}-{secrets.token_hex(4)}"


def submit_file(
    path: Path,
    *,
    ukprn: str | None = None,
    dataset: str | None = None,
    period: str | None = None,
    submitted_by: str = "cli",
    channel: str = "cli",
    file_name: str | None = None,
    paths: Paths | None = None,
) -> SubmissionResult:
    """Receive one provider file: validate, record, write feedback and the accepted rows.

    Args:
        path: the file's bytes on disk (the portal passes its spooled upload).
        ukprn, dataset, period: explicit identity; with all three the name is free.
        file_name: the name as the sender gave it (defaults to ``path``'s name);
            only ever used as text, never as a path.
    """
    preload_pandera()  # imported while the file is read and parsed
    paths = (paths or default_paths()).ensure()
    path = Path(path)
    file_name = Path(file_name or path.name).name
    received_at = utc_now()
    submission_id = new_submission_id(received_at)
    data = _read_limited(path)
    sha = hashlib.sha256(data).hexdigest() if data is not None else _sha_of_file(path)
    identity, why = resolve_identity(
        file_name, ukprn=ukprn, dataset=dataset, period=period, received_at=received_at
    )
    registry = load_registry()
    with Ledger(paths) as ledger:
        lake.ensure_lake(paths)
        lake.sweep_debris(paths, ledger.ids())
        key = load_key()
        outcome: ValidationOutcome | None = None
        digests: _Background | None = None
        if identity is None:
            outcome = rejected_file(
                registry.dataset(dataset or _guess_dataset(file_name)), "FILE_NAME", detail=why
            )
        elif data is None:
            outcome = rejected_file(registry.dataset(identity.dataset), "FILE_TOO_LARGE")
        else:
            ctx = _return_context(identity)
            table = _read_bytes(data, registry.dataset(identity.dataset))
            # The file's bytes are not needed once parsed: free them before validating
            # and building the stored rows (a national file is hundreds of megabytes).
            data = None
            if isinstance(table, RawTable) and "nino" in table.frame.columns:
                digests = _Background(person_digests, table.frame["nino"], key)
            outcome = _validate_read(
                table, registry.dataset(identity.dataset), ctx, lake.current_reference(paths, ledger)
            )
            del table
        data = None
        return _record(
            paths,
            ledger,
            key,
            outcome=outcome,
            identity=identity,
            kind="return",
            dataset_name=outcome.dataset.name,
            file_name=file_name,
            sha=sha,
            received_at=received_at,
            submission_id=submission_id,
            submitted_by=submitted_by,
            channel=channel,
            digests=digests,
        )


class _Background:
    """One function run in a thread beside the caller's work; ``take`` waits for its result.

    Used for the NINOs' HMAC, which holds the GIL in a Python loop while
    validation, started next, runs mostly in polars' threads without it: the
    two overlap instead of following each other (~1.5 s of ~9 for a
    2,000,000-row file on two cores).
    """

    def __init__(self, function, *args):
        self._result = self._error = None
        self._thread = threading.Thread(
            target=self._run, args=(function, *args), name="background", daemon=True
        )
        self._thread.start()

    def _run(self, function, *args) -> None:
        try:
            self._result = function(*args)
        except BaseException as exc:
            self._error = exc

    def take(self):
        """The result (re-raising the function's exception), released here so it is not kept alive."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        result, self._result = self._result, None
        return result


def _record(paths: Paths, ledger: Ledger, key: bytes, **submission) -> SubmissionResult:
    """Apply the submission semantics and write everything, under the ledger's write lock.

    One submission in one transaction; see :func:`_decide_and_write` for the arguments.
    """
    written: list[Path] = []
    try:
        with ledger.transaction():
            result = _decide_and_write(paths, ledger, key, written=written, **submission)
    except BaseException:
        # Nothing half-written may stay visible: the ledger rolled back, the files go.
        _remove(written)
        raise
    ledger.export_parquet()
    return result


def _remove(folders: list[Path]) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def _decide_and_write(
    paths: Paths,
    ledger: Ledger,
    key: bytes,
    *,
    outcome: ValidationOutcome,
    identity: FileIdentity | None,
    kind: str,
    dataset_name: str,
    file_name: str,
    sha: str,
    received_at: str,
    submission_id: str,
    submitted_by: str,
    channel: str,
    written: list[Path],
    digests: _Background | None = None,
) -> SubmissionResult:
    """Decide duplicate, stale or supersede and write the files and the ledger row.

    Runs inside the caller's ledger transaction, so several submissions (the
    datasets of one reference load) can become current together or not at all.
    Every folder it creates is appended to ``written`` before it is written, so
    the caller can remove them when the transaction fails.

    ``digests``: the NINOs' HMAC, being computed beside validation (``submit_file``).
    """
    ukprn = identity.ukprn if identity else None
    period = identity.period if identity else None
    file_ts = identity.file_timestamp if identity else received_at
    status = outcome.status
    findings = outcome.findings
    current = ledger.current(dataset_name, ukprn, period) if identity else None
    if kind == "reference":
        # A reference load is a duplicate of the load in use, not of one refused
        # earlier: a file refused only because another dataset was must load later.
        earlier = current if current is not None and current.sha256 == sha else None
    else:
        earlier = ledger.same_bytes(dataset_name, ukprn, period, sha) if identity else None
    if earlier is not None:
        status = "DUPLICATE"
        findings = pl.DataFrame(schema=FINDING_SCHEMA)
    elif status != "REJECTED" and current is not None and file_ts <= current.file_timestamp:
        status = "REJECTED"
        findings = pl.concat(
            [
                pl.DataFrame(
                    [
                        file_finding(
                            "FILE_STALE", detail=f"the current file is dated {current.file_timestamp}"
                        )
                    ],
                    schema=FINDING_SCHEMA,
                ),
                findings,
            ]
        )
    summary = _summary(
        outcome,
        identity=identity,
        dataset=dataset_name,
        file_name=file_name,
        sha256=sha,
        status=status,
        submission_id=submission_id,
        received_at=received_at,
        findings=findings,
    )
    if status == "DUPLICATE" and earlier is not None:
        summary.update(
            rows_read=outcome.rows_read, rows_accepted=0, rows_rejected=0, duplicate_of=earlier.submission_id
        )
    if status in ("ACCEPTED", "ACCEPTED_WITH_ERRORS"):
        rows = lake.accepted_rows(
            outcome,
            submission_id=submission_id,
            ukprn=ukprn,
            period=period,
            key=key,
            digests=digests.take() if digests is not None else None,
        )
        written.append(lake.dataset_folder(paths, outcome.dataset) / f"submission_id={submission_id}")
        lake.write_submission(paths, outcome.dataset, submission_id, rows)
        del rows
    if status != "DUPLICATE":
        written.append(paths.quarantine / submission_id)
        lake.write_quarantine(paths, submission_id, outcome, only_rows_in_error=kind == "reference")
    written.append(paths.feedback / submission_id)
    feedback_dir = write_report(paths.feedback / submission_id, summary, findings)
    ledger.insert(
        LedgerEntry(
            submission_id=submission_id,
            dataset=dataset_name,
            kind=kind,
            ukprn=ukprn,
            period=period,
            file_name=file_name,
            file_timestamp=file_ts,
            sha256=sha,
            received_at=received_at,
            rows_read=summary["rows_read"],
            rows_accepted=summary["rows_accepted"],
            rows_rejected=summary["rows_rejected"],
            warnings=summary["warnings"],
            status=status,
            superseded_by=None,
            submitted_by=submitted_by,
            channel=channel,
        )
    )
    if current is not None and status in ("ACCEPTED", "ACCEPTED_WITH_ERRORS"):
        ledger.supersede(current.submission_id, submission_id)
    return SubmissionResult(submission_id, status, summary, findings, feedback_dir, outcome)


#: File-level findings of a refused reference load (the load itself, not a row's problem).
REFERENCE_REFUSALS = ("FILE_REFERENCE_REFUSED", "FILE_REFERENCE_LOAD_REFUSED")


def _reference_file(folder: Path, dataset: Dataset) -> Path | None:
    return next(
        (p for p in (folder / f"{dataset.name}.csv", folder / f"{dataset.name}.parquet") if p.exists()), None
    )


def _refused_whole(outcome: ValidationOutcome) -> ValidationOutcome:
    """Reference data is taken whole or not at all: any error refuses the file."""
    rows_in_error = 0 if outcome.error_index is None else outcome.error_index.len()
    if rows_in_error == 0:
        return outcome  # accepted, or refused for the file itself (encoding, columns, size)
    finding = file_finding(
        "FILE_REFERENCE_REFUSED", detail=f"{rows_in_error} of {outcome.rows_read} rows break a rule"
    )
    # The share of rows in error (FILE_ERROR_RATE) says nothing more here: any one refuses the file.
    others = outcome.findings.filter(pl.col("rule_id") != "FILE_ERROR_RATE")
    return replace(
        outcome,
        status="REJECTED",
        rows_rejected=outcome.rows_read,
        findings=pl.concat([pl.DataFrame([finding], schema=FINDING_SCHEMA), others]),
    )


def _refused_with_the_load(outcome: ValidationOutcome, refused: list[str]) -> ValidationOutcome:
    """A sound file of a load that another dataset got refused: not taken, nothing quarantined."""
    finding = file_finding("FILE_REFERENCE_LOAD_REFUSED", detail="refused: " + ", ".join(refused))
    return replace(
        outcome,
        status="REJECTED",
        rows_rejected=outcome.rows_read,
        prepared=None,
        error_index=None,
        drops={},
        findings=pl.concat([pl.DataFrame([finding], schema=FINDING_SCHEMA), outcome.findings]),
    )


@dataclass
class _ReceivedReference:
    """One reference file of a load, checked; its outcome becomes a refusal if another file is refused."""

    dataset: Dataset
    path: Path
    sha: str
    received_at: str
    outcome: ValidationOutcome


def load_reference(
    folder: Path, *, submitted_by: str = "cli", paths: Paths | None = None, progress=None
) -> list[SubmissionResult]:
    """Load every DWP dataset present in ``folder`` (``{dataset}.csv`` or ``.parquet``), all or nothing.

    Each dataset file is one reference submission; a new load of a dataset
    supersedes the previous one whole, and a file identical to the one in use
    is a ``DUPLICATE``. The load is atomic: a file with any error (a repeated
    key, a bad code, a date that is not a date, two extract dates) is refused
    whole, and then every other dataset of the folder is refused with it
    (``FILE_REFERENCE_LOAD_REFUSED``), so the reference data loaded before
    stays in use, as one consistent set. The datasets that pass become current
    together, in one ledger transaction; a crash before it commits leaves
    nothing current (the lake folders it wrote are debris, swept later).

    Returns:
        One result per dataset file found, in the registry's order.
    """
    paths = (paths or default_paths()).ensure()
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder")
    registry = load_registry()
    found: list[tuple[Dataset, Path]] = []
    for dataset in registry.reference:
        path = _reference_file(folder, dataset)
        if path is not None:
            found.append((dataset, path))
    if not found:
        raise UsageError(f"{folder} holds no reference dataset file ({{dataset}}.csv)")
    preload_pandera()
    with Ledger(paths) as ledger:
        lake.ensure_lake(paths)
        lake.sweep_debris(paths, ledger.ids())
        key = load_key()
        received: list[_ReceivedReference] = []
        for dataset, path in found:
            if progress:
                progress(f"checking {dataset.name}")
            received_at = utc_now()
            data = _read_limited(path)
            sha = hashlib.sha256(data).hexdigest() if data is not None else _sha_of_file(path)
            if data is None:
                outcome = rejected_file(dataset, "FILE_TOO_LARGE")
            elif path.suffix == ".parquet":
                outcome = _validate_parquet(data, dataset)
            else:
                outcome = _validate_bytes(data, dataset, CheckContext(), None)
            del data
            received.append(_ReceivedReference(dataset, path, sha, received_at, _refused_whole(outcome)))
        refused = [item.dataset.name for item in received if item.outcome.status == "REJECTED"]
        if refused:
            for item in received:
                if item.outcome.status != "REJECTED":
                    item.outcome = _refused_with_the_load(item.outcome, refused)
        results: list[SubmissionResult] = []
        written: list[Path] = []
        try:
            with ledger.transaction():
                for item in received:
                    if progress:
                        progress(f"{'recording' if refused else 'loading'} {item.dataset.name}")
                    results.append(
                        _decide_and_write(
                            paths,
                            ledger,
                            key,
                            outcome=item.outcome,
                            identity=FileIdentity(None, item.dataset.name, None, item.received_at),
                            kind="reference",
                            dataset_name=item.dataset.name,
                            file_name=item.path.name,
                            sha=item.sha,
                            received_at=item.received_at,
                            submission_id=new_submission_id(item.received_at),
                            submitted_by=submitted_by,
                            channel="reference",
                            written=written,
                        )
                    )
        except BaseException:
            _remove(written)
            raise
        ledger.export_parquet()
    return results


def refusal_reasons(results: list[SubmissionResult], *, shown: int = 5) -> list[str]:
    """One line per problem that refused a reference load: dataset, rule, rows, values (masked).

    A file refused only because another dataset was adds no line of its own.
    """
    lines = []
    for result in results:
        if result.status != "REJECTED":
            continue
        name = result.summary["return"]
        errors = result.findings.filter(
            (pl.col("severity") == "error") & ~pl.col("rule_id").is_in(REFERENCE_REFUSALS)
        )
        for (rule_id,), group in errors.group_by(["rule_id"], maintain_order=True):
            message = group["message"][0]
            rows = group["row"].drop_nulls()
            if not rows.len():
                lines.append(f"{name}: {rule_id}: {message}")
                continue
            where = ", ".join(str(r) for r in rows.head(shown))
            if rows.len() > shown:
                where += f" and {rows.len() - shown} more"
            values = [
                v for v in group["value"].unique(maintain_order=True).head(shown).to_list() if v is not None
            ]
            seen = f" ({group['field'][0]}: {'; '.join(values)})" if values else ""
            lines.append(f"{name}: {rule_id} on row{'s' if rows.len() > 1 else ''} {where}{seen}: {message}")
    return lines


def _validate_parquet(data: bytes, dataset: Dataset) -> ValidationOutcome:
    """Parquet reference files go through the same text-based rules as CSV."""
    import io

    from ingest.read import SOURCE_ROW, RawTable

    try:
        frame = pl.read_parquet(io.BytesIO(data))
    except Exception:
        return rejected_file(dataset, "FILE_FORMAT", detail="not a readable Parquet file")
    frame = frame.rename({c: c.strip().lower() for c in frame.columns})
    missing = [f for f in dataset.required_fields if f not in frame.columns]
    if missing:
        return rejected_file(
            dataset, "FILE_COLUMNS", field=",".join(missing), detail="missing: " + ", ".join(missing)
        )
    known = [c for c in frame.columns if c in dataset.field_names]
    text = frame.select(pl.col(c).cast(pl.Utf8).str.strip_chars().replace("", None) for c in known)
    text = text.with_row_index(SOURCE_ROW, offset=2).with_columns(pl.col(SOURCE_ROW).cast(pl.Int64))
    extra = [c for c in frame.columns if c not in dataset.field_names]
    return validate_table(RawTable(text, "parquet", extra), dataset, CheckContext(), None)


__all__ = [
    "check_file",
    "submit_file",
    "load_reference",
    "refusal_reasons",
    "parse_file_name",
    "SubmissionResult",
    "UsageError",
    "sniff_format",
    "RETURN_NAMES",  # the registry's; the portal takes the returns' names from here
]
