"""Recording a received file: the submission semantics, the lake and quarantine files, the ledger row.

:func:`decide_and_write` applies the semantics of the MI specification to a
checked file (duplicate bytes change nothing, an older file never replaces
newer data, a resubmission supersedes the earlier one whole) and writes the
accepted rows, the quarantine, the feedback report and the ledger entry inside
the caller's ledger transaction; :func:`record` is that for one submission, so
a crash leaves either the whole submission or none of it.

Not for: deciding what a file is or whether its rows break a rule
(``ingest/receive.py``), or the lake's layout (``ingest/lake.py``).
"""

from __future__ import annotations

import secrets
import shutil
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from core.settings import Paths
from ingest import lake
from ingest.feedback import write_report
from ingest.ledger import Ledger, LedgerEntry
from ingest.receive import FileIdentity
from ingest.validate import FINDING_SCHEMA, ValidationOutcome, file_finding


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


def new_submission_id(received_at: str) -> str:
    stamp = received_at.replace("-", "").replace(":", "").replace("T", "")[:14]
    return f"{stamp}-{secrets.token_hex(4)}"


def summarise(
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


def record(paths: Paths, ledger: Ledger, key: bytes, **submission) -> SubmissionResult:
    """Apply the submission semantics and write everything, under the ledger's write lock.

    One submission in one transaction; see :func:`decide_and_write` for the arguments.
    """
    written: list[Path] = []
    try:
        with ledger.transaction():
            result = decide_and_write(paths, ledger, key, written=written, **submission)
    except BaseException:
        # Nothing half-written may stay visible: the ledger rolled back, the files go.
        remove_written(written)
        raise
    ledger.export_parquet()
    return result


def remove_written(folders: list[Path]) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def decide_and_write(
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
    digests: Future[pl.Series] | None = None,
) -> SubmissionResult:
    """Decide duplicate, stale or supersede and write the files and the ledger row.

    Runs inside the caller's ledger transaction, so several submissions (the
    datasets of one reference load) can become current together or not at all.
    Every folder it creates is appended to ``written`` before it is written, so
    the caller can remove them when the transaction fails.

    ``digests``: the NINOs' HMAC, being computed beside validation (``submit_file``);
    taken only when rows are stored.
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
    summary = summarise(
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
            digests=digests.result() if digests is not None else None,
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
