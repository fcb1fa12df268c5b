"""Provider returns through the portal: who may send what, and which submissions a user may see.

One function takes a received upload to a submission, for the web form and
the API alike: it checks the form (return type, period), that the file is not
for another provider, and the file's type by content, then calls
``ingest.submit.submit_file`` — the same validation, ledger and feedback as
``mi submit`` — with the caller's own UKPRN. Isolation lives here too: a
provider user sees only its own UKPRN's returns, and anything else is "not
found", exactly as for an id that does not exist.

Not for: HTTP details (``portal/pages.py``, ``portal/api.py``), streaming the
body (``portal/uploads.py``), or validation rules (``contracts_schema``).
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from core.periods import Period
from core.settings import Paths
from ingest.feedback import read_summary, render_html
from ingest.ledger import Ledger, LedgerEntry
from ingest.submit import RETURN_NAMES, SubmissionResult, UsageError, parse_file_name, submit_file
from ingest.validate import FINDING_SCHEMA
from portal.accounts import User
from portal.uploads import ReceivedUpload, UploadRefused, classify_content

RETURN_LABELS = {
    "participants": "Participants",
    "outcome_claims": "Outcome claims",
    "customer_survey": "Customer survey",
}
#: The shape of ingest's submission ids; anything else is not looked up at all.
SUBMISSION_ID = re.compile(r"^[0-9]{14}-[0-9a-f]{8}$")
#: The name recorded when the client sent none.
UNNAMED = "upload"


def uploads_folder(paths: Paths) -> Path:
    """Where uploads are spooled while they are received and checked (emptied after each one)."""
    return paths.ops / "uploads"


def may_submit(user: User) -> bool:
    return user.is_provider and user.ukprn is not None


def may_list(user: User) -> bool:
    return user.is_provider or user.is_admin


def submit_upload(
    paths: Paths, user: User, upload: ReceivedUpload, *, channel: str, limit: int
) -> SubmissionResult:
    """Check a received upload and submit it for the user's own UKPRN.

    Runs the cheap refusals first, so a refused upload costs no validation and
    leaves no ledger row. The caller still owns ``upload`` and must discard it.

    Args:
        channel: ``portal`` or ``api`` (recorded in the ledger).
        limit: the upload limit in bytes (a workbook may not expand beyond it).

    Raises:
        UploadRefused: 403 for a non-provider or a file named for another
            UKPRN, 422 for a missing or invalid field, 413/415 from the content check.
    """
    if not may_submit(user):
        raise UploadRefused(403, "forbidden", "Only provider users can upload returns.", field=None)
    received = upload.temp_path
    if received is None or not upload.has_file:
        raise UploadRefused(422, "missing_field", "Choose a file to upload (the form field named 'file').")
    dataset = upload.field("return")
    period = upload.field("period")
    if dataset is not None and dataset not in RETURN_NAMES:
        raise UploadRefused(
            422, "invalid_field", "The return must be one of " + ", ".join(RETURN_NAMES) + ".", field="return"
        )
    if period is not None:
        try:
            period = Period.parse(period).code
        except ValueError:
            raise UploadRefused(
                422,
                "invalid_field",
                "Enter the period as a year and quarter, for example 2026Q2.",
                field="period",
            ) from None
    name = upload.file_name or UNNAMED
    named = parse_file_name(name)
    if named is not None and named.ukprn != user.ukprn:
        # Said plainly: the sender named the UKPRN itself, so this tells them nothing new.
        raise UploadRefused(
            403,
            "forbidden",
            f"The file name is for UKPRN {named.ukprn}, but you submit for UKPRN {user.ukprn}. "
            "You can only submit your own organisation's returns.",
        )
    if not (dataset and period) and named is None:
        raise UploadRefused(
            422,
            "missing_field",
            "Give the return type and the period, or name the file "
            "{ukprn}_{return}_{period}_{YYYYMMDDTHHMMSS}.csv (or .xlsx).",
            field="return",
        )
    classify_content(received, limit=limit)
    try:
        return submit_file(
            received,
            ukprn=user.ukprn,
            dataset=dataset,
            period=period,
            submitted_by=user.name,
            channel=channel,
            file_name=name,
            paths=paths,
        )
    except UsageError:
        raise UploadRefused(
            422, "invalid_field", "The return type or the period is not valid.", field="period"
        ) from None


def visible_submission(paths: Paths, user: User, submission_id: str) -> LedgerEntry | None:
    """The ledger entry if this user may see it; None otherwise, and for unknown ids alike."""
    if not SUBMISSION_ID.match(submission_id or ""):
        return None
    if not may_list(user):
        return None
    with Ledger(paths) as ledger:
        entry = ledger.get(submission_id)
    if entry is None:
        return None
    if user.is_admin:
        return entry
    if entry.kind == "return" and entry.ukprn == user.ukprn:
        return entry
    return None


def visible_submissions(paths: Paths, user: User) -> list[LedgerEntry]:
    """The provider returns this user may see, newest first (admins: everyone's)."""
    if not may_list(user):
        return []
    with Ledger(paths) as ledger:
        return ledger.list(ukprn=None if user.is_admin else user.ukprn, kind="return")


def feedback_folder(paths: Paths, entry: LedgerEntry) -> Path:
    # The id comes from the ledger (matched against SUBMISSION_ID), never straight from a URL.
    return paths.feedback / entry.submission_id


def findings_csv(paths: Paths, entry: LedgerEntry) -> Path:
    return feedback_folder(paths, entry) / "findings.csv"


def summary_of(paths: Paths, entry: LedgerEntry) -> dict:
    """The §6 summary as ingest wrote it, with the ledger's view of whether it has been replaced."""
    summary = read_summary(feedback_folder(paths, entry))
    summary["superseded_by"] = entry.superseded_by
    return summary


def report_html(paths: Paths, entry: LedgerEntry) -> str:
    """The feedback report's HTML body, rendered by ingest exactly as for ``mi validate``."""
    findings = pl.read_csv(findings_csv(paths, entry), schema=FINDING_SCHEMA)
    return render_html(read_summary(feedback_folder(paths, entry)), findings, standalone=False)
