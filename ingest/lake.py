"""The lake: accepted rows as Parquet, one immutable folder per submission.

Builds the stored form of accepted rows (pseudonymised, typed, defaults
applied, dropped values removed), writes them atomically, keeps the empty
schema file of each dataset that lets readers glob a dataset with no
submissions yet, quarantines rejected rows with personal fields masked, and
reads back the current DWP reference tables that row rules need.

Not for: deciding whether a submission is accepted (``ingest/record.py``) or
anything the warehouse computes. The layout is documented in ``docs/lake.md``.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import polars as pl

from contracts_schema import published_ratings
from contracts_schema.checks import RAW, age_at_referral, mask_if_nino_shaped
from contracts_schema.pandera_models import ROW, ReferenceData
from contracts_schema.registry import Dataset, load_registry
from core.settings import Paths
from ingest.ledger import Ledger
from ingest.pseudonymise import person_digests
from ingest.read import SOURCE_ROW
from ingest.validate import ValidationOutcome, mask_personal

LAKE_TYPES: dict[str, pl.DataType] = {
    "string": pl.Utf8(),
    "date": pl.Date(),
    "integer": pl.Int64(),
    "decimal": pl.Float64(),
    "boolean": pl.Boolean(),
}
SCHEMA_FOLDER = "submission_id=_schema"


def lake_schema(dataset: Dataset) -> dict[str, pl.DataType]:
    """Column names and types of a dataset's row files, meta columns first."""
    meta: dict[str, pl.DataType] = {"submission_id": pl.Utf8()}
    if dataset.kind == "return":
        meta.update({"ukprn": pl.Utf8(), "period": pl.Utf8()})
    meta["source_row"] = pl.Int64()
    return {**meta, **{name: LAKE_TYPES[t] for name, t in dataset.stored_columns}}


def dataset_folder(paths: Paths, dataset: Dataset) -> Path:
    return paths.lake_dataset(dataset.name, reference=dataset.kind == "reference")


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_parquet_atomically(frame: pl.DataFrame, final_folder: Path) -> Path:
    """Write ``part-0.parquet`` into a hidden folder, fsync, then rename it into place."""
    parent = final_folder.parent
    parent.mkdir(parents=True, exist_ok=True)
    # unique per call: two threads of one process (two Dagster runs) may write at once
    tmp = parent / f".tmp-{final_folder.name}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    target = tmp / "part-0.parquet"
    # zstd level 1: on a national participants file a third less CPU than polars'
    # default level, and no bigger (the pseudonyms, random hex, dominate the size)
    frame.write_parquet(target, compression="zstd", compression_level=1, statistics=True)
    with open(target, "rb") as handle:
        os.fsync(handle.fileno())
    _fsync_dir(tmp)
    os.rename(tmp, final_folder)
    _fsync_dir(parent)
    return final_folder / "part-0.parquet"


def published_ratings_schema() -> dict[str, pl.DataType]:
    """Column names and types of the published-ratings dataset's files."""
    return {name: LAKE_TYPES[t] for name, t, _ in published_ratings.COLUMNS}


def ensure_lake(paths: Paths) -> None:
    """Create the empty, typed schema file of every dataset (idempotent).

    The published-ratings dataset is written by the release, but its empty
    state belongs with the others: the warehouse reads it before any release.
    """
    schemas = [
        (dataset_folder(paths, d) / SCHEMA_FOLDER, lake_schema(d)) for d in load_registry().datasets.values()
    ]
    schemas.append(
        (paths.lake / published_ratings.FOLDER / published_ratings.SCHEMA_FOLDER, published_ratings_schema())
    )
    for folder, schema in schemas:
        if (folder / "part-0.parquet").exists():
            continue
        try:
            write_parquet_atomically(pl.DataFrame(schema=schema), folder)
        except OSError:
            # another process or run wrote the same empty file first: theirs is as good
            if not (folder / "part-0.parquet").exists():
                raise


#: The column of the prepared frame that carries a precomputed NINO digest (never stored).
DIGEST = "__nino_digest"


def accepted_rows(
    outcome: ValidationOutcome,
    *,
    submission_id: str,
    ukprn: str | None,
    period: str | None,
    key: bytes,
    digests: pl.Series | None = None,
) -> pl.DataFrame:
    """The stored form of the rows that passed: what the warehouse will read.

    Args:
        digests: the HMAC of every row's NINO (``pseudonymise.person_digests``),
            one per row of the prepared frame, when the caller computed them
            already (``submit_file`` does, beside validation); else computed
            here, for datasets that carry a NINO.

    Notes:
        Built lazily from the prepared frame, so that only the stored columns of
        the accepted rows are ever copied (the prepared frame holds the raw text,
        the typed values and the reference columns of every row side by side).
    """
    dataset = outcome.dataset
    prepared = outcome.prepared
    if prepared is None:
        raise ValueError(f"{dataset.name}: a file rejected unread has no rows to store")
    frame = prepared.lazy()
    if any(f.name == "nino" for f in dataset.fields):
        if digests is None:
            digests = person_digests(prepared[RAW + "nino"], key)
        elif digests.len() != prepared.height:
            raise ValueError(f"{digests.len()} NINO digests for {prepared.height} rows")
        frame = frame.with_columns(digests.alias(DIGEST))
    if outcome.error_index is not None and outcome.error_index.len():
        frame = frame.filter(~pl.col(ROW).is_in(outcome.error_index.implode()))
    for field_name, positions in outcome.drops.items():
        if positions.len():
            frame = frame.with_columns(
                pl.when(pl.col(ROW).is_in(positions.implode()))
                .then(None)
                .otherwise(pl.col(field_name))
                .alias(field_name)
            )
    columns: list[pl.Expr] = []
    for f in dataset.fields:
        if f.name == "nino":
            columns.append(pl.col(DIGEST).bin.encode("hex").alias("person_key"))
        elif f.name == "date_of_birth":
            columns.append(
                age_at_referral(pl.col("date_of_birth"), pl.col("referral_date"))
                .cast(pl.Int64)
                .alias("age_at_referral")
            )
        elif f.default is not None:
            columns.append(pl.col(f.name).fill_null(pl.lit(f.default)))
        else:
            columns.append(pl.col(f.name))
    meta = [pl.lit(submission_id).alias("submission_id")]
    if dataset.kind == "return":
        meta += [pl.lit(ukprn, pl.Utf8).alias("ukprn"), pl.lit(period, pl.Utf8).alias("period")]
    schema = lake_schema(dataset)
    return (
        frame.select(*meta, pl.col(SOURCE_ROW).cast(pl.Int64), *columns)
        .select([pl.col(c).cast(t) for c, t in schema.items()])
        .collect()
    )


def write_submission(paths: Paths, dataset: Dataset, submission_id: str, rows: pl.DataFrame) -> Path:
    return write_parquet_atomically(rows, dataset_folder(paths, dataset) / f"submission_id={submission_id}")


def write_quarantine(
    paths: Paths, submission_id: str, outcome: ValidationOutcome, *, only_rows_in_error: bool = False
) -> Path | None:
    """Keep the rejected rows with their rule ids, personal fields and NINO-shaped values masked, for audit.

    ``only_rows_in_error``: keep only the rows that broke a rule even when the
    file was refused whole (a refused reference load: its other rows are not wrong,
    and an employment extract has millions of them).
    """
    if outcome.prepared is None:
        return None
    findings = outcome.findings.filter(pl.col("row").is_not_null() & (pl.col("severity") == "error"))
    # Lazy, so the raw columns are chosen before the rows: filtering the whole
    # prepared frame first copied most of it (0.6 GB for a national file).
    rejected = outcome.prepared.lazy()
    if outcome.status != "REJECTED" or only_rows_in_error:  # a rejected file keeps every row
        if outcome.error_index is None or not outcome.error_index.len():
            return None
        rejected = rejected.filter(pl.col(ROW).is_in(outcome.error_index.implode()))
    reasons = findings.group_by("row").agg(pl.col("rule_id").sort().str.join(";").alias("rule_ids"))
    columns = [pl.col(SOURCE_ROW).alias("row")]
    for f in outcome.dataset.fields:
        value = pl.col(RAW + f.name)
        # A value shaped like a NINO (a reference that broke PAR_PARTICIPANT_REF_NINO) is masked too.
        masked = mask_personal(f.name, value) if f.personal else mask_if_nino_shaped(value)
        columns.append(masked.alias(f.name))
    table = rejected.select(columns).collect().join(reasons, on="row", how="left")
    return write_parquet_atomically(table, paths.quarantine / submission_id)


def sweep_debris(paths: Paths, known_ids: set[str]) -> list[Path]:
    """Remove folders a crashed ingest left behind (no ledger row, or half-written)."""
    removed = []
    for kind in ("returns", "reference"):
        base = paths.lake / kind
        if not base.exists():
            continue
        for folder in base.glob("*/*"):
            name = folder.name
            if name == SCHEMA_FOLDER:
                continue
            if name.startswith(".tmp-") or (
                name.startswith("submission_id=") and name.split("=", 1)[1] not in known_ids
            ):
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
    return removed


def read_current(paths: Paths, ledger: Ledger, dataset_name: str) -> pl.DataFrame | None:
    dataset = load_registry().dataset(dataset_name)
    entry = ledger.current(dataset_name, None, None) if dataset.kind == "reference" else None
    if entry is None:
        return None
    return pl.read_parquet(
        dataset_folder(paths, dataset) / f"submission_id={entry.submission_id}" / "part-0.parquet"
    )


def current_reference(paths: Paths, ledger: Ledger) -> ReferenceData | None:
    """The DWP tables the row rules consult, from the latest loads; None if not all loaded."""
    contracts = read_current(paths, ledger, "contracts")
    chain = read_current(paths, ledger, "supply_chain")
    las = read_current(paths, ledger, "local_authorities")
    if contracts is None or chain is None or las is None:
        return None
    return ReferenceData(contracts=contracts, supply_chain=chain, local_authorities=las)
