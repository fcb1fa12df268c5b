"""Receiving one file: who sent it for when, its digest and size, and its validation outcome.

The one step that ``mi validate`` (:func:`ingest.submit.check_file`), every
submission (:func:`ingest.submit.submit_file`) and a reference load
(:mod:`ingest.reference`) share: :func:`arrive` decides the file's identity
(from its name or explicit arguments), its SHA-256 and whether it is within the
size limit; :func:`check` reads it and applies the rules, or says why the file
is refused whole. Nothing here writes anything.

Not for: the submission semantics and the writes (``ingest/record.py``),
parsing (``ingest/read.py``) or the rules (``contracts_schema``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from contracts_schema.checks import CheckContext
from contracts_schema.pandera_models import ReferenceData
from contracts_schema.registry import RETURN_NAMES, Dataset, load_registry
from core.periods import Period
from core.settings import upload_limit_bytes, xlsx_row_limit
from ingest.read import FileRejected, RawTable, read_parquet, read_table
from ingest.validate import ValidationOutcome, rejected_file, validate_table

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


def guess_dataset(name: str) -> str:
    """The return a misnamed file is most likely for (its findings are reported against it)."""
    lowered = name.lower()
    for candidate in RETURN_NAMES:
        if candidate in lowered:
            return candidate
    return "participants"


def _return_context(identity: FileIdentity) -> CheckContext:
    """What the rules may know of a provider's return: who sent it and for which quarter."""
    if identity.period is None:
        raise UsageError(f"a {identity.dataset} return needs its period")
    return CheckContext(ukprn=identity.ukprn, period=Period.parse(identity.period))


def read_limited(path: Path) -> bytes | None:
    """The file's bytes, or None when it is over the size limit (never read whole then)."""
    if path.stat().st_size > upload_limit_bytes():
        return None
    return path.read_bytes()


def sha_of_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class Arrival:
    """A file as it arrived: its name, identity (or why none), digest, and bytes.

    ``data`` is None when the file is over the size limit, and is dropped by
    :func:`check` once parsed: a national file's bytes (hundreds of megabytes)
    need not live through validation.
    """

    file_name: str
    identity: FileIdentity | None
    why: str
    sha256: str
    data: bytes | None


def arrive(
    path: Path,
    *,
    file_name: str,
    ukprn: str | None,
    dataset: str | None,
    period: str | None,
    received_at: str,
) -> Arrival:
    """Identify and size a provider's file (``file_name`` as the sender gave it, only ever text).

    Raises:
        UsageError: an unknown return or a malformed period given explicitly.
    """
    data = read_limited(path)
    sha = hashlib.sha256(data).hexdigest() if data is not None else sha_of_file(path)
    identity, why = resolve_identity(
        file_name, ukprn=ukprn, dataset=dataset, period=period, received_at=received_at
    )
    return Arrival(file_name, identity, why, sha, data)


def _read_bytes(data: bytes, dataset: Dataset, *, parquet: bool = False) -> RawTable | ValidationOutcome:
    """The file's table, or the outcome of a file refused whole."""
    try:
        if parquet:
            return read_parquet(data, dataset)
        return read_table(data, dataset, byte_limit=upload_limit_bytes(), xlsx_row_limit=xlsx_row_limit())
    except FileRejected as exc:
        return rejected_file(dataset, exc.rule_id, field=exc.field, detail=exc.detail)


def check(
    arrival: Arrival,
    *,
    dataset: str | None,
    reference: ReferenceData | None,
    beside: Callable[[RawTable], None] | None = None,
) -> ValidationOutcome:
    """The file's validation outcome as a provider's return: refused whole, or read and checked.

    Args:
        dataset: the return asked for, to report a misnamed file against it.
        reference: the DWP reference data the cross-checks use (None: skipped).
        beside: called with the parsed table before validation starts, to begin
            work that may run beside it (the submission's NINO digests).
    """
    registry = load_registry()
    if arrival.identity is None:
        target = registry.dataset(dataset or guess_dataset(arrival.file_name))
        return rejected_file(target, "FILE_NAME", detail=arrival.why)
    target = registry.dataset(arrival.identity.dataset)
    if arrival.data is None:
        return rejected_file(target, "FILE_TOO_LARGE")
    ctx = _return_context(arrival.identity)
    table = _read_bytes(arrival.data, target)
    arrival.data = None  # parsed: free the bytes before validating
    if isinstance(table, ValidationOutcome):
        return table
    if beside is not None:
        beside(table)
    return validate_table(table, target, ctx, reference)


def check_reference_file(path: Path, dataset: Dataset) -> tuple[str, ValidationOutcome]:
    """A DWP reference file's SHA-256 and outcome (``.csv``, or ``.parquet`` read as text)."""
    data = read_limited(path)
    sha = hashlib.sha256(data).hexdigest() if data is not None else sha_of_file(path)
    if data is None:
        return sha, rejected_file(dataset, "FILE_TOO_LARGE")
    table = _read_bytes(data, dataset, parquet=path.suffix == ".parquet")
    del data
    if isinstance(table, ValidationOutcome):
        return sha, table
    return sha, validate_table(table, dataset, CheckContext(), None)
