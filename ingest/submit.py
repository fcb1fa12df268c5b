"""Submissions: the one path by which a provider's file becomes lake rows, a ledger entry and a report.

:func:`check_file` is the provider's local check (``mi validate``): it writes
nothing but the report it is asked for. :func:`submit_file` is what ``mi
submit``, the portal, the API and the landing-folder sensor all call: the same
check (``ingest/receive.py``), then the submission semantics of the MI
specification and the atomic writes (``ingest/record.py``), so a crash leaves
either the whole submission or none of it. The department's reference data
loads through :func:`ingest.reference.load_reference`, importable from here too.

Not for: rules (they are in ``contracts_schema``), parsing (``ingest/read.py``)
or HTTP concerns (``portal/``).
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import polars as pl

from contracts_schema.pandera_models import ReferenceData, preload_pandera, prepare_frame
from contracts_schema.registry import RETURN_NAMES, load_registry
from core.settings import Paths, upload_limit_bytes, xlsx_row_limit
from core.settings import paths as default_paths
from ingest import lake
from ingest.feedback import write_report
from ingest.ledger import Ledger, utc_now
from ingest.pseudonymise import load_key, person_digests
from ingest.read import RawTable, read_table, sniff_format
from ingest.receive import UsageError, arrive, check, parse_file_name
from ingest.record import SubmissionResult, new_submission_id, record, summarise
from ingest.reference import load_reference, refusal_reasons


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
    arrival = arrive(
        path, file_name=path.name, ukprn=ukprn, dataset=dataset, period=period, received_at=utc_now()
    )
    reference = _reference_from_dir(reference_dir) if reference_dir else None
    outcome = check(arrival, dataset=dataset, reference=reference)
    summary = summarise(
        outcome,
        identity=arrival.identity,
        dataset=dataset,
        file_name=path.name,
        sha256=arrival.sha256,
        status=outcome.status,
        submission_id=None,
        received_at=None,
        findings=outcome.findings,
    )
    if report_dir is not None:
        write_report(Path(report_dir), summary, outcome.findings)
    return SubmissionResult(None, outcome.status, summary, outcome.findings, report_dir, outcome)


def _digests_beside(ninos: pl.Series, key: bytes) -> Future[pl.Series]:
    """The NINOs' HMAC, started in a thread of its own beside the caller's validation.

    The HMAC holds the GIL in a Python loop while validation, started next,
    runs mostly in polars' threads without it: the two overlap instead of
    following each other (~1.5 s of ~9 for a 2,000,000-row file on two cores).
    The executor is shut down at once without waiting: its one thread ends
    with its one task, and a submission that stores no rows returns without waiting for it
    (a process that exits at once still waits for it at interpreter exit: seconds at most).
    """
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nino-digests")
    try:
        return executor.submit(person_digests, ninos, key)
    finally:
        executor.shutdown(wait=False)


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
    arrival = arrive(
        path, file_name=file_name, ukprn=ukprn, dataset=dataset, period=period, received_at=received_at
    )
    with Ledger(paths) as ledger:
        lake.ensure_lake(paths)
        lake.sweep_debris(paths, ledger.ids())
        key = load_key()
        digests: Future[pl.Series] | None = None

        def start_digests(table: RawTable) -> None:
            nonlocal digests
            if "nino" in table.frame.columns:
                digests = _digests_beside(table.frame["nino"], key)

        outcome = check(
            arrival, dataset=dataset, reference=lake.current_reference(paths, ledger), beside=start_digests
        )
        return record(
            paths,
            ledger,
            key,
            outcome=outcome,
            identity=arrival.identity,
            kind="return",
            dataset_name=outcome.dataset.name,
            file_name=file_name,
            sha=arrival.sha256,
            received_at=received_at,
            submission_id=submission_id,
            submitted_by=submitted_by,
            channel=channel,
            digests=digests,
        )


__all__ = [
    "check_file",
    "submit_file",
    "load_reference",  # ingest.reference's, importable here as before
    "refusal_reasons",
    "parse_file_name",
    "SubmissionResult",
    "UsageError",
    "sniff_format",
    "RETURN_NAMES",  # the registry's; the portal takes the returns' names from here
]
