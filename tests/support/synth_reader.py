"""Reading what ``synth.generate`` wrote, the way an independent reader would.

These helpers know the MI specification's rules (NINO, file names, fields)
from the specification text, not from ``synth.parameters``, so that the
tests are a second witness rather than the generator checking itself.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import openpyxl
import polars as pl

SUBMISSION_NAME = re.compile(
    r"^(?P<ukprn>1[0-9]{7})_(?P<ret>participants|outcome_claims|customer_survey)_"
    r"(?P<period>[0-9]{4}Q[1-4])_(?P<ts>[0-9]{8}T[0-9]{6})\.(?P<ext>csv|xlsx)$"
)

SPEC_RETURN_FIELDS = {
    "participants": {
        "contract_id",
        "participant_ref",
        "nino",
        "referral_date",
        "start_date",
        "customer_group",
        "date_of_birth",
        "sex",
        "ethnicity",
        "disability",
        "impairment_group",
        "la_code",
        "delivery_ukprn",
        "leave_date",
        "leave_reason",
    },
    "outcome_claims": {
        "claim_id",
        "contract_id",
        "participant_ref",
        "outcome_type",
        "job_start_date",
        "claim_date",
        "hours_per_week",
        "employer_paye_ref",
        "claim_status",
        "delivery_ukprn",
    },
    "customer_survey": {
        "response_id",
        "contract_id",
        "participant_ref",
        "survey_date",
        "overall_satisfaction",
        "treated_with_respect",
        "advice_helpful",
        "would_recommend",
    },
}

SPEC_REFERENCE_FIELDS = {
    "providers": ["ukprn", "name", "sector"],
    "contract_package_areas": ["cpa_id", "name", "nation", "region", "is_rural"],
    "local_authorities": ["la_code", "name", "cpa_id"],
    "contracts": [
        "contract_id",
        "programme",
        "prime_ukprn",
        "cpa_id",
        "start_date",
        "end_date",
        "contract_value_gbp",
        "status",
    ],
    "supply_chain": ["contract_id", "delivery_ukprn", "valid_from", "valid_to"],
    "payment_rates": ["programme", "customer_group", "fee_type", "amount_gbp"],
    "performance_levels": ["programme", "customer_group", "minimum_sustained_rate"],
    "inspections": ["ukprn", "inspectorate", "inspection_date", "grade"],
    "labour_market": ["la_code", "period", "unemployment_rate"],
    "employment_spells": ["nino", "employer_paye_ref", "spell_start", "spell_end", "extract_date"],
}

GSS_CODE = re.compile(r"^(E06|E07|E08|E09|W06|S12)[0-9]{6}$")
_NINO_SHAPE = re.compile(r"^[A-Z]{2}[0-9]{6}[A-D]$")


def nino_is_valid(nino: str | None) -> bool:
    """MI spec §2.1: two prefix letters, six digits, suffix A-D, with the prefix rules."""
    if nino is None or not _NINO_SHAPE.match(nino):
        return False
    first, second = nino[0], nino[1]
    return (
        first not in "DFIQUV"
        and second not in "DFIOQUV"
        and nino[:2] not in {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}
    )


def world_json(root: Path) -> dict:
    return json.loads((root / "world.json").read_text())


def reference(root: Path, dataset: str) -> pl.DataFrame:
    return pl.read_csv(root / "reference" / f"{dataset}.csv", infer_schema=False)


def header_of(path: Path) -> list[str]:
    """The header as written, before any normalisation."""
    if path.suffix == ".xlsx":
        sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
        return [str(v) for v in next(sheet.iter_rows(min_row=1, max_row=1, values_only=True))]
    first_line = path.read_bytes().split(b"\n", 1)[0].decode("utf-8-sig").rstrip("\r")
    return first_line.split(",")


def read_return(path: Path) -> pl.DataFrame:
    """A provider file as strings, headers normalised (MI spec §1), Excel dates as ISO text."""
    if path.suffix == ".xlsx":
        rows = list(openpyxl.load_workbook(path, read_only=True).worksheets[0].values)
        header = [str(h).strip().lower() for h in rows[0]]

        def text(value):
            if value is None:
                return None
            if isinstance(value, dt.datetime):
                return value.date().isoformat()
            if isinstance(value, float) and value.is_integer():
                return str(int(value))
            return str(value)

        return pl.DataFrame(
            [[text(v) for v in row] for row in rows[1:]], schema={h: pl.String for h in header}, orient="row"
        )
    frame = pl.read_csv(path, infer_schema=False)
    return frame.rename({c: c.strip().lower() for c in frame.columns})


def all_rows(root: Path, return_name: str, superseded: bool = False) -> pl.DataFrame:
    """Every row of every file of one return, with the file's ukprn, period and timestamp.

    The first file of a resubmitted pair is left out unless ``superseded``.
    """
    replaced = {f["supersedes"] for f in world_json(root)["files"] if f.get("supersedes")}
    frames = []
    for path in sorted((root / "submissions").iterdir()):
        match = SUBMISSION_NAME.match(path.name)
        if not match or match["ret"] != return_name:
            continue
        if not superseded and f"submissions/{path.name}" in replaced:
            continue
        frames.append(
            read_return(path).with_columns(
                pl.lit(match["ukprn"]).alias("file_ukprn"),
                pl.lit(match["period"]).alias("file_period"),
                pl.lit(match["ts"]).alias("file_timestamp"),
                pl.lit(path.name).alias("file_name"),
            )
        )
    return pl.concat(frames, how="diagonal")


def quarter_end(period: str) -> dt.date:
    year, quarter = int(period[:4]), int(period[-1])
    return (dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)) - dt.timedelta(
        days=1
    )


def iso_or_none(text: str | None) -> dt.date | None:
    if text is None or not re.match(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None
