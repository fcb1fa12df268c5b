"""Writes a lake and its ledger exactly as docs/lake.md lays them out, for warehouse tests.

The warehouse must not depend on ingest to be tested, so this module writes the
contract's layout directly with pyarrow: the ledger snapshot, one folder per
submission, and the empty ``submission_id=_schema`` file that ingest always
leaves for every dataset. It also writes the things dbt must ignore: superseded
and rejected submissions, and a crash's debris folder without a ledger row.

Not for: business scenarios (see ``warehouse_scenario.py``) or validation rules
(ingest's job; rows written here are assumed to have passed validation).
"""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

S, D, I32, I64, F64, B = pa.string(), pa.date32(), pa.int32(), pa.int64(), pa.float64(), pa.bool_()
TS = pa.timestamp("us", tz="UTC")

RETURN_FIELDS: dict[str, list[tuple[str, pa.DataType]]] = {
    "participants": [
        ("contract_id", S),
        ("participant_ref", S),
        ("person_key", S),
        ("referral_date", D),
        ("start_date", D),
        ("customer_group", S),
        ("age_at_referral", I32),
        ("sex", S),
        ("ethnicity", S),
        ("disability", S),
        ("impairment_group", S),
        ("la_code", S),
        ("delivery_ukprn", S),
        ("leave_date", D),
        ("leave_reason", S),
    ],
    "outcome_claims": [
        ("claim_id", S),
        ("contract_id", S),
        ("participant_ref", S),
        ("outcome_type", S),
        ("job_start_date", D),
        ("claim_date", D),
        ("hours_per_week", F64),
        ("employer_paye_ref", S),
        ("claim_status", S),
        ("delivery_ukprn", S),
    ],
    "customer_survey": [
        ("response_id", S),
        ("contract_id", S),
        ("participant_ref", S),
        ("survey_date", D),
        ("overall_satisfaction", I32),
        ("treated_with_respect", I32),
        ("advice_helpful", I32),
        ("would_recommend", S),
    ],
}

REFERENCE_FIELDS: dict[str, list[tuple[str, pa.DataType]]] = {
    "providers": [("ukprn", S), ("name", S), ("sector", S)],
    "contract_package_areas": [("cpa_id", S), ("name", S), ("nation", S), ("region", S), ("is_rural", B)],
    "local_authorities": [("la_code", S), ("name", S), ("cpa_id", S)],
    "contracts": [
        ("contract_id", S),
        ("programme", S),
        ("prime_ukprn", S),
        ("cpa_id", S),
        ("start_date", D),
        ("end_date", D),
        ("contract_value_gbp", F64),
        ("status", S),
    ],
    "supply_chain": [("contract_id", S), ("delivery_ukprn", S), ("valid_from", D), ("valid_to", D)],
    "payment_rates": [("programme", S), ("customer_group", S), ("fee_type", S), ("amount_gbp", F64)],
    "performance_levels": [("programme", S), ("customer_group", S), ("minimum_sustained_rate", F64)],
    "inspections": [("ukprn", S), ("inspectorate", S), ("inspection_date", D), ("grade", I32)],
    "labour_market": [("la_code", S), ("period", S), ("unemployment_rate", F64)],
    "employment_spells": [
        ("person_key", S),
        ("employer_paye_ref", S),
        ("spell_start", D),
        ("spell_end", D),
        ("extract_date", D),
    ],
}

LEDGER_FIELDS: list[tuple[str, pa.DataType]] = [
    ("submission_id", S),
    ("dataset", S),
    ("kind", S),
    ("ukprn", S),
    ("period", S),
    ("file_name", S),
    ("file_timestamp", TS),
    ("sha256", S),
    ("received_at", TS),
    ("rows_read", I64),
    ("rows_accepted", I64),
    ("rows_rejected", I64),
    ("warnings", I64),
    ("status", S),
    ("superseded_by", S),
    ("is_current", B),
    ("submitted_by", S),
    ("channel", S),
]


def _schema(fields: list[tuple[str, pa.DataType]]) -> pa.Schema:
    return pa.schema([pa.field(name, kind) for name, kind in fields])


def return_schema(dataset: str) -> pa.Schema:
    return _schema(
        [("submission_id", S), ("source_row", I64), ("ukprn", S), ("period", S)] + RETURN_FIELDS[dataset]
    )


def reference_schema(dataset: str) -> pa.Schema:
    return _schema([("submission_id", S), ("source_row", I64)] + REFERENCE_FIELDS[dataset])


class LakeWriter:
    """Builds a lake folder submission by submission, like ingest would.

    Call :meth:`write_ledger` after the last change: the ledger snapshot is
    what makes rows count.
    """

    def __init__(self, lake: Path, *, start: dt.datetime | None = None) -> None:
        self.lake = Path(lake)
        self.ledger: list[dict] = []
        self._ids = itertools.count(1)
        self._clock = start or dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        for dataset in RETURN_FIELDS:
            self._write(self._folder(dataset, "_schema", reference=False), return_schema(dataset), [])
        for dataset in REFERENCE_FIELDS:
            self._write(self._folder(dataset, "_schema", reference=True), reference_schema(dataset), [])
        self.write_ledger()

    @classmethod
    def reopen(cls, lake: Path) -> LakeWriter:
        """A writer that carries on from an existing lake's ledger, as the next ingest would."""
        writer = cls.__new__(cls)
        writer.lake = Path(lake)
        writer.ledger = pq.read_table(writer.lake / "_ledger" / "ledger.parquet").to_pylist()
        writer._ids = itertools.count(len(writer.ledger) + 1000)
        writer._clock = max(row["received_at"] for row in writer.ledger) + dt.timedelta(hours=1)
        return writer

    # -- submissions -------------------------------------------------------
    def submit_return(
        self, dataset: str, ukprn: str, period: str, rows: list[dict], *, status: str = "ACCEPTED"
    ) -> str:
        """A provider file: supersedes the current submission of the same (ukprn, return, period)."""
        submission_id = self._next_id(dataset)
        accepted = status in ("ACCEPTED", "ACCEPTED_WITH_ERRORS")
        if accepted:
            for entry in self.ledger:
                if (entry["dataset"], entry["ukprn"], entry["period"]) == (dataset, ukprn, period) and entry[
                    "is_current"
                ]:
                    entry["is_current"] = False
                    entry["superseded_by"] = submission_id
            full = [{"ukprn": ukprn, "period": period, **row} for row in rows]
            self._write(
                self._folder(dataset, submission_id, reference=False),
                return_schema(dataset),
                self._numbered(full, submission_id),
            )
        self._ledger_row(submission_id, dataset, "return", ukprn, period, len(rows), status)
        return submission_id

    def load_reference(self, dataset: str, rows: list[dict]) -> str:
        """A DWP load: supersedes the current load of the dataset."""
        submission_id = self._next_id(dataset)
        for entry in self.ledger:
            if entry["dataset"] == dataset and entry["is_current"]:
                entry["is_current"] = False
                entry["superseded_by"] = submission_id
        self._write(
            self._folder(dataset, submission_id, reference=True),
            reference_schema(dataset),
            self._numbered(rows, submission_id),
        )
        self._ledger_row(submission_id, dataset, "reference", None, None, len(rows), "ACCEPTED")
        return submission_id

    def write_debris(self, dataset: str, rows: list[dict], *, ukprn: str, period: str) -> None:
        """A folder left by a crash between the rename and the ledger commit: no ledger row."""
        full = [{"ukprn": ukprn, "period": period, **row} for row in rows]
        self._write(
            self._folder(dataset, "crashed-0001", reference=False),
            return_schema(dataset),
            self._numbered(full, "crashed-0001"),
        )

    def write_ledger(self) -> None:
        path = self.lake / "_ledger" / "ledger.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        table = pa.Table.from_pylist(self.ledger, schema=_schema(LEDGER_FIELDS))
        tmp = path.with_suffix(".tmp")
        pq.write_table(table, tmp)
        tmp.replace(path)

    # -- internals ---------------------------------------------------------
    def _next_id(self, dataset: str) -> str:
        return f"{dataset[:4]}-{next(self._ids):04d}"

    def _tick(self) -> dt.datetime:
        self._clock += dt.timedelta(minutes=1)
        return self._clock

    def _ledger_row(
        self,
        submission_id: str,
        dataset: str,
        kind: str,
        ukprn: str | None,
        period: str | None,
        rows: int,
        status: str,
    ) -> None:
        now = self._tick()
        accepted = status in ("ACCEPTED", "ACCEPTED_WITH_ERRORS")
        self.ledger.append(
            {
                "submission_id": submission_id,
                "dataset": dataset,
                "kind": kind,
                "ukprn": ukprn,
                "period": period,
                "file_name": f"{ukprn or 'dwp'}_{dataset}_{period or 'ref'}.csv",
                "file_timestamp": now,
                "sha256": f"{next(self._ids):064x}",
                "received_at": now,
                "rows_read": rows,
                "rows_accepted": rows if accepted else 0,
                "rows_rejected": 0 if accepted else rows,
                "warnings": 0,
                "status": status,
                "superseded_by": None,
                "is_current": accepted,
                "submitted_by": "test",
                "channel": "reference" if kind == "reference" else "cli",
            }
        )

    def _folder(self, dataset: str, submission_id: str, *, reference: bool) -> Path:
        return (
            self.lake / ("reference" if reference else "returns") / dataset / f"submission_id={submission_id}"
        )

    @staticmethod
    def _numbered(rows: list[dict], submission_id: str) -> list[dict]:
        return [{"submission_id": submission_id, "source_row": i + 2, **row} for i, row in enumerate(rows)]

    @staticmethod
    def _write(folder: Path, schema: pa.Schema, rows: list[dict]) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        unknown = {key for row in rows for key in row} - set(schema.names)
        if unknown:
            raise ValueError(f"columns not in the lake contract: {sorted(unknown)}")
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), folder / "part-0.parquet")
