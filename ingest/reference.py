"""DWP reference data: a folder of extracts loaded all or nothing.

:func:`load_reference` checks every dataset file of a folder with the rules
(any error refuses the file whole, and a refused file refuses the whole load),
then records them together in one ledger transaction with the same semantics
as a provider's submission (``ingest/record.py``). :func:`refusal_reasons`
says, one line per problem, why a load was refused.

Not for: the rules (``contracts_schema``) or reading a file (``ingest/read.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from contracts_schema.pandera_models import preload_pandera
from contracts_schema.registry import Dataset, load_registry
from core.settings import Paths
from core.settings import paths as default_paths
from ingest import lake
from ingest.ledger import Ledger, utc_now
from ingest.pseudonymise import load_key
from ingest.receive import FileIdentity, UsageError, check_reference_file
from ingest.record import SubmissionResult, decide_and_write, new_submission_id, remove_written
from ingest.validate import FINDING_SCHEMA, ValidationOutcome, file_finding

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
            sha, outcome = check_reference_file(path, dataset)
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
                        decide_and_write(
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
            remove_written(written)
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
