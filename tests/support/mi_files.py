"""Small, hand-made MI files and DWP reference extracts for tests.

Every NINO here is synthetic. The reference world is tiny on purpose: two
primes, one delivery provider whose place in a supply chain ended on
2026-03-31, two contract package areas, one local authority in each.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl

from contracts_schema.checks import CheckContext, Period
from contracts_schema.pandera_models import ReferenceData
from contracts_schema.registry import load_registry
from ingest.read import read_table
from ingest.validate import validate_table

PRIME_A = "10004567"
PRIME_B = "10009999"
DELIVERY_D = "10007788"
PERIOD = "2026Q2"

REFERENCE_ROWS: dict[str, list[dict]] = {
    "providers": [
        {"ukprn": PRIME_A, "name": "Northern Works Ltd", "sector": "PRIVATE"},
        {"ukprn": PRIME_B, "name": "=Southern Futures", "sector": "THIRD_SECTOR"},
        {"ukprn": DELIVERY_D, "name": "Local Steps CIC", "sector": "THIRD_SECTOR"},
    ],
    "contract_package_areas": [
        {
            "cpa_id": "CPA01",
            "name": "North",
            "nation": "ENGLAND",
            "region": "North West",
            "is_rural": "false",
        },
        {"cpa_id": "CPA02", "name": "South", "nation": "ENGLAND", "region": "South East", "is_rural": "true"},
    ],
    "local_authorities": [
        {"la_code": "E08000025", "name": "Northtown", "cpa_id": "CPA01"},
        {"la_code": "E08000026", "name": "Southtown", "cpa_id": "CPA02"},
    ],
    "contracts": [
        {
            "contract_id": "FND00012",
            "programme": "FND",
            "prime_ukprn": PRIME_A,
            "cpa_id": "CPA01",
            "start_date": "2024-04-01",
            "end_date": "2029-03-31",
            "contract_value_gbp": "12500000",
            "status": "LIVE",
        },
        {
            "contract_id": "WPG00034",
            "programme": "WPG",
            "prime_ukprn": PRIME_B,
            "cpa_id": "CPA02",
            "start_date": "2024-04-01",
            "end_date": "2031-03-31",
            "contract_value_gbp": "8000000",
            "status": "LIVE",
        },
    ],
    "supply_chain": [
        {
            "contract_id": "FND00012",
            "delivery_ukprn": DELIVERY_D,
            "valid_from": "2024-04-01",
            "valid_to": "2026-03-31",
        },
    ],
    "payment_rates": [
        {"programme": "FND", "customer_group": "JSA_25_PLUS", "fee_type": "START", "amount_gbp": "400"},
        {
            "programme": "FND",
            "customer_group": "JSA_25_PLUS",
            "fee_type": "SUSTAINED_26W",
            "amount_gbp": "2200",
        },
    ],
    "performance_levels": [
        {"programme": "FND", "customer_group": "JSA_25_PLUS", "minimum_sustained_rate": "0.22"},
    ],
    "inspections": [
        {"ukprn": PRIME_A, "inspectorate": "OFSTED", "inspection_date": "2025-11-20", "grade": "2"},
    ],
    "labour_market": [
        {"la_code": "E08000025", "period": "2026Q2", "unemployment_rate": "4.7"},
    ],
    "employment_spells": [
        {
            "nino": "AB123456C",
            "employer_paye_ref": "123/AB456",
            "spell_start": "2026-04-20",
            "spell_end": "",
            "extract_date": "2026-06-30",
        },
        {
            "nino": "CE654321A",
            "employer_paye_ref": "123/AB456",
            "spell_start": "2026-01-05",
            "spell_end": "2026-03-01",
            "extract_date": "2026-06-30",
        },
    ],
}

BASE_ROWS: dict[str, dict] = {
    "participants": {
        "contract_id": "FND00012",
        "participant_ref": "P-1",
        "nino": "AB123456C",
        "referral_date": "2026-04-14",
        "start_date": "2026-04-28",
        "customer_group": "JSA_25_PLUS",
        "date_of_birth": "1990-02-17",
        "sex": "F",
        "ethnicity": "WHITE",
        "disability": "N",
        "impairment_group": "",
        "la_code": "E08000025",
        "delivery_ukprn": PRIME_A,
        "leave_date": "",
        "leave_reason": "",
    },
    "outcome_claims": {
        "claim_id": "C-1",
        "contract_id": "FND00012",
        "participant_ref": "P-1",
        "outcome_type": "JOB_OUTCOME",
        "job_start_date": "2026-04-20",
        "claim_date": "2026-05-10",
        "hours_per_week": "20",
        "employer_paye_ref": "123/AB456",
        "claim_status": "ACTIVE",
        "delivery_ukprn": PRIME_A,
    },
    "customer_survey": {
        "response_id": "R-1",
        "contract_id": "FND00012",
        "participant_ref": "P-1",
        "survey_date": "2026-05-03",
        "overall_satisfaction": "4",
        "treated_with_respect": "5",
        "advice_helpful": "4",
        "would_recommend": "Y",
    },
    **{name: rows[0] for name, rows in REFERENCE_ROWS.items()},
}

#: Distinct, valid, synthetic NINOs for filler rows.
FILLER_NINOS = ["CE111111A", "CE222222B", "CE333333C", "CE444444D", "HJ555555A", "HJ666666B"]
KEY_FIELDS = {
    "participants": "participant_ref",
    "outcome_claims": "claim_id",
    "customer_survey": "response_id",
    "providers": "ukprn",
    "contract_package_areas": "cpa_id",
    "local_authorities": "la_code",
    "contracts": "contract_id",
}


def csv_bytes(
    rows: list[dict], *, header: list[str] | None = None, bom: bool = False, newline: str = "\n"
) -> bytes:
    header = header or list(rows[0])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator=newline, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    data = out.getvalue().encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if bom else data


def filler_rows(dataset: str, n: int) -> list[dict]:
    """``n`` valid rows that differ in their keys, so they never trip uniqueness."""
    rows = []
    for i in range(n):
        row = dict(BASE_ROWS[dataset])
        key = KEY_FIELDS.get(dataset)
        if key == "ukprn":
            row[key] = f"1{i + 1:07d}"
        elif key == "cpa_id":
            row[key] = f"CPA{i + 50:02d}"
        elif key == "la_code":
            row[key] = f"E0900{i + 1:04d}"
        elif key == "contract_id":
            row[key] = f"ESF{i + 1:05d}"
        elif key:
            row[key] = f"F-{i}"
        elif dataset == "payment_rates":
            row["fee_type"] = ["JOB_OUTCOME", "SUSTAINED_78W", "START"][i % 3]
            row["customer_group"] = ["LONE_PARENT", "VOLUNTARY", "ESA_WRAG", "JSA_18_24"][i % 4]
        elif dataset == "performance_levels":
            row["customer_group"] = ["LONE_PARENT", "VOLUNTARY", "ESA_WRAG", "JSA_18_24"][i % 4]
        elif dataset == "labour_market":
            row["period"] = f"20{20 + i}Q1"
        elif dataset == "supply_chain":
            row["valid_from"] = f"{2024 + i}-04-01"
            row["valid_to"] = ""
        elif dataset == "inspections":
            row["inspection_date"] = f"{2019 + i}-11-20"
        if "nino" in row:
            row["nino"] = FILLER_NINOS[i % len(FILLER_NINOS)]
        rows.append(row)
    return rows


def write_reference_dir(folder: Path, overrides: dict[str, list[dict]] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in {**REFERENCE_ROWS, **(overrides or {})}.items():
        (folder / f"{name}.csv").write_bytes(csv_bytes(rows))
    return folder


def reference_data() -> ReferenceData:
    typed = {}
    for name in ("contracts", "supply_chain", "local_authorities"):
        outcome = validate(name, REFERENCE_ROWS[name])
        typed[name] = outcome.prepared.select(load_registry().dataset(name).field_names)
    return ReferenceData(
        contracts=typed["contracts"],
        supply_chain=typed["supply_chain"],
        local_authorities=typed["local_authorities"],
    )


def validate(
    dataset: str,
    rows: list[dict],
    *,
    ukprn: str | None = PRIME_A,
    period: str | None = PERIOD,
    reference: ReferenceData | None = None,
    header: list[str] | None = None,
):
    """Validate rows as a file of ``dataset`` would be, returning the outcome."""
    ds = load_registry().dataset(dataset)
    header = header or ds.field_names
    raw = read_table(csv_bytes(rows, header=header), ds, byte_limit=10**9, xlsx_row_limit=10**6)
    ctx = CheckContext(
        ukprn=ukprn if ds.kind == "return" else None,
        period=Period.parse(period) if (period and ds.kind == "return") else None,
    )
    return validate_table(raw, ds, ctx, reference)


def findings_of(outcome, rule_id: str) -> pl.DataFrame:
    return outcome.findings.filter(pl.col("rule_id") == rule_id)


def file_name(
    dataset: str,
    *,
    ukprn: str = PRIME_A,
    period: str = PERIOD,
    stamp: str = "20260705T101500",
    ext: str = "csv",
) -> str:
    return f"{ukprn}_{dataset}_{period}_{stamp}.{ext}"
