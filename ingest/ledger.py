"""The submission ledger: one row per file received, whatever became of it.

SQLite (``MI_HOME/ledger/ledger.sqlite``) keeps the ledger because several
writers (the CLI, the portal, the Dagster sensor) may submit at once and
SQLite's write lock serialises the decisions that must not race: is this a
duplicate, is it stale, what does it supersede. After every change the whole
ledger is exported to ``lake/_ledger/ledger.parquet`` (atomically replaced),
which is what dbt reads; see ``docs/lake.md``.

Not for: validation or lake files. This module decides nothing about rows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import polars as pl

from core.settings import Paths

CURRENT_STATUSES = ("ACCEPTED", "ACCEPTED_WITH_ERRORS")

_SCHEMA = """
create table if not exists submissions (
    submission_id  text primary key,
    dataset        text not null,
    kind           text not null,
    ukprn          text,
    period         text,
    file_name      text not null,
    file_timestamp text not null,
    sha256         text not null,
    received_at    text not null,
    rows_read      integer not null,
    rows_accepted  integer not null,
    rows_rejected  integer not null,
    warnings       integer not null,
    status         text not null,
    superseded_by  text,
    submitted_by   text not null,
    channel        text not null
);
create index if not exists submissions_key on submissions (dataset, ukprn, period);
"""


@dataclass
class LedgerEntry:
    submission_id: str
    dataset: str
    kind: str
    ukprn: str | None
    period: str | None
    file_name: str
    file_timestamp: str
    sha256: str
    received_at: str
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    warnings: int
    status: str
    superseded_by: str | None
    submitted_by: str
    channel: str

    @property
    def is_current(self) -> bool:
        return self.status in CURRENT_STATUSES and self.superseded_by is None


class Ledger:
    """Access to the ledger database; cheap to create, one connection per instance."""

    def __init__(self, paths: Paths):
        self.paths = paths
        paths.ledger_db.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(paths.ledger_db, timeout=120, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("pragma journal_mode=wal")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """An exclusive write transaction: decisions inside it cannot race another submitter."""
        self._db.execute("begin immediate")
        try:
            yield
        except BaseException:
            self._db.execute("rollback")
            raise
        else:
            self._db.execute("commit")

    def _entries(self, sql: str, args: tuple = ()) -> list[LedgerEntry]:
        return [LedgerEntry(**dict(row)) for row in self._db.execute(sql, args)]

    def current(self, dataset: str, ukprn: str | None, period: str | None) -> LedgerEntry | None:
        found = self._entries(
            "select * from submissions where dataset = ? and ukprn is ? and period is ? "
            "and status in ('ACCEPTED','ACCEPTED_WITH_ERRORS') and superseded_by is null "
            "order by file_timestamp desc, received_at desc",
            (dataset, ukprn, period),
        )
        return found[0] if found else None

    def same_bytes(
        self, dataset: str, ukprn: str | None, period: str | None, sha256: str
    ) -> LedgerEntry | None:
        found = self._entries(
            "select * from submissions where dataset = ? and ukprn is ? and period is ? and sha256 = ? "
            "and status != 'DUPLICATE' order by received_at limit 1",
            (dataset, ukprn, period, sha256),
        )
        return found[0] if found else None

    def insert(self, entry: LedgerEntry) -> None:
        row = asdict(entry)
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        self._db.execute(f"insert into submissions ({cols}) values ({marks})", tuple(row.values()))

    def supersede(self, old_id: str, new_id: str) -> None:
        self._db.execute("update submissions set superseded_by = ? where submission_id = ?", (new_id, old_id))

    def get(self, submission_id: str) -> LedgerEntry | None:
        found = self._entries("select * from submissions where submission_id = ?", (submission_id,))
        return found[0] if found else None

    def list(self, *, ukprn: str | None = None, kind: str | None = None) -> list[LedgerEntry]:
        sql = "select * from submissions where 1=1"
        args: list = []
        if ukprn is not None:
            sql += " and ukprn = ?"
            args.append(ukprn)
        if kind is not None:
            sql += " and kind = ?"
            args.append(kind)
        return self._entries(sql + " order by received_at desc, submission_id desc", tuple(args))

    def ids(self) -> set[str]:
        return {r[0] for r in self._db.execute("select submission_id from submissions")}

    def latest_received_at(self) -> str | None:
        row = self._db.execute(
            "select max(received_at) from submissions where status != 'DUPLICATE'"
        ).fetchone()
        return row[0]

    def export_parquet(self) -> Path:
        """Rewrite ``lake/_ledger/ledger.parquet`` from the database, atomically."""
        entries = self._entries("select * from submissions order by received_at, submission_id")
        frame = (
            pl.DataFrame(
                [{**asdict(e), "is_current": e.is_current} for e in entries],
                schema={**LEDGER_SCHEMA},
            )
            if entries
            else pl.DataFrame(schema=LEDGER_SCHEMA)
        )
        frame = frame.with_columns(
            pl.col("file_timestamp").str.to_datetime(time_zone=None, strict=False),
            pl.col("received_at").str.to_datetime(time_zone=None, strict=False),
        )
        target = self.paths.ledger_parquet
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        frame.write_parquet(tmp)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target)
        return target


LEDGER_SCHEMA = {
    "submission_id": pl.Utf8,
    "dataset": pl.Utf8,
    "kind": pl.Utf8,
    "ukprn": pl.Utf8,
    "period": pl.Utf8,
    "file_name": pl.Utf8,
    "file_timestamp": pl.Utf8,
    "sha256": pl.Utf8,
    "received_at": pl.Utf8,
    "rows_read": pl.Int64,
    "rows_accepted": pl.Int64,
    "rows_rejected": pl.Int64,
    "warnings": pl.Int64,
    "status": pl.Utf8,
    "superseded_by": pl.Utf8,
    "submitted_by": pl.Utf8,
    "channel": pl.Utf8,
    "is_current": pl.Boolean,
}


def snapshot_latest_received_at(paths: Paths) -> str | None:
    """:meth:`Ledger.latest_received_at` as of the last export: the ledger state a build reads.

    Read from ``lake/_ledger/ledger.parquet`` (what dbt reads), not the database, so
    that a submission recorded after the snapshot is never taken as built. None
    when there is no snapshot or no submission in it.
    """
    if not paths.ledger_parquet.exists():
        return None
    latest = (
        pl.scan_parquet(paths.ledger_parquet)
        .filter(pl.col("status") != "DUPLICATE")
        .select(pl.col("received_at").max())
        .collect()
        .item()
    )
    # the same text as the database holds (utc_now's), so the two compare as equal
    if latest is None or isinstance(latest, str):
        return latest
    return latest.isoformat(timespec="microseconds")


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
