"""A hand-built world for the warehouse tests: a score of people whose claims and
employment each exercise one verification or unclaimed-outcome rule, on top of
a small deterministic background population that gives the benchmark, the star
ratings and the marts enough people to compute something.

Every expected value here is worked out by hand from the measures' written
rules (the dbt models' descriptions state them), never by re-running the SQL's
logic in Python: the point is to check the SQL against the rules.

Not for: lake layout (``warehouse_lake.py``) or assertions (the test modules).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.warehouse_lake import LakeWriter

EXTRACT_DATE = dt.date(2026, 3, 31)
HAND_PRIME = "10000001"
CUSTOMER_GROUPS = [
    "JSA_18_24",
    "JSA_25_PLUS",
    "JSA_EARLY_ACCESS",
    "ESA_WRAG",
    "IB_ESA_EX_IB",
    "LONE_PARENT",
    "VOLUNTARY",
]
FEES = {"START": 300.0, "JOB_OUTCOME": 1000.0, "SUSTAINED_26W": 2500.0, "SUSTAINED_78W": 4000.0}


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def quarter(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


# -- reference data ---------------------------------------------------------------
PROVIDERS = [
    {"ukprn": "10000001", "name": "Alpha Employment", "sector": "PRIVATE"},
    {"ukprn": "10000002", "name": "Beacon Works", "sector": "THIRD_SECTOR"},
    {"ukprn": "10000010", "name": "Strong Futures", "sector": "PRIVATE"},
    {"ukprn": "10000011", "name": "Weak Links", "sector": "PRIVATE"},
    {"ukprn": "10000012", "name": "Middle Way", "sector": "PUBLIC"},
    {"ukprn": "10000101", "name": "=Sub Contractor A", "sector": "THIRD_SECTOR"},
    {"ukprn": "10000102", "name": "Town FE College", "sector": "FE_COLLEGE"},
]
AREAS = [
    {"cpa_id": "CPA01", "name": "North East", "nation": "ENGLAND", "region": "North East", "is_rural": False},
    {"cpa_id": "CPA02", "name": "Wales", "nation": "WALES", "region": "Wales", "is_rural": True},
    {"cpa_id": "CPA03", "name": "Scotland", "nation": "SCOTLAND", "region": "Scotland", "is_rural": False},
]
LOCAL_AUTHORITIES = [
    {"la_code": "E08000001", "name": "Tyneside", "cpa_id": "CPA01"},
    {"la_code": "E08000002", "name": "Wearside", "cpa_id": "CPA01"},
    {"la_code": "E06000003", "name": "Teesside", "cpa_id": "CPA01"},
    {"la_code": "W06000004", "name": "Gwynedd", "cpa_id": "CPA02"},
    {"la_code": "W06000005", "name": "Powys", "cpa_id": "CPA02"},
    {"la_code": "S12000006", "name": "Fife", "cpa_id": "CPA03"},
]
CONTRACTS = [
    {
        "contract_id": "FND00001",
        "programme": "FND",
        "prime_ukprn": "10000001",
        "cpa_id": "CPA01",
        "start_date": d("2022-01-01"),
        "end_date": d("2028-12-31"),
        "contract_value_gbp": 30e6,
        "status": "LIVE",
    },
    {
        "contract_id": "FND00002",
        "programme": "FND",
        "prime_ukprn": "10000001",
        "cpa_id": "CPA02",
        "start_date": d("2022-01-01"),
        "end_date": d("2028-12-31"),
        "contract_value_gbp": 10e6,
        "status": "LIVE",
    },
    {
        "contract_id": "WPG00010",
        "programme": "WPG",
        "prime_ukprn": "10000010",
        "cpa_id": "CPA01",
        "start_date": d("2022-01-01"),
        "end_date": d("2026-12-31"),
        "contract_value_gbp": 40e6,
        "status": "LIVE",
    },
    {
        "contract_id": "WPG00011",
        "programme": "WPG",
        "prime_ukprn": "10000011",
        "cpa_id": "CPA02",
        "start_date": d("2022-01-01"),
        "end_date": d("2026-12-31"),
        "contract_value_gbp": 15e6,
        "status": "LIVE",
    },
    {
        "contract_id": "WPG00012",
        "programme": "WPG",
        "prime_ukprn": "10000012",
        "cpa_id": "CPA03",
        "start_date": d("2022-01-01"),
        "end_date": d("2026-12-31"),
        "contract_value_gbp": 5e6,
        "status": "LIVE",
    },
    {
        "contract_id": "ESF00020",
        "programme": "ESF",
        "prime_ukprn": "10000002",
        "cpa_id": "CPA01",
        "start_date": d("2018-01-01"),
        "end_date": d("2022-12-31"),
        "contract_value_gbp": 8e6,
        "status": "ENDED",
    },
]
SUPPLY_CHAIN = [
    {
        "contract_id": c["contract_id"],
        "delivery_ukprn": c["prime_ukprn"],
        "valid_from": c["start_date"],
        "valid_to": None,
    }
    for c in CONTRACTS
] + [
    {
        "contract_id": "WPG00010",
        "delivery_ukprn": "10000101",
        "valid_from": d("2022-01-01"),
        "valid_to": None,
    },
    {
        "contract_id": "WPG00011",
        "delivery_ukprn": "10000102",
        "valid_from": d("2022-01-01"),
        "valid_to": None,
    },
]
# FND pays nothing for a lone parent's 26-week outcome: nobody can be said to leave it unclaimed
ZERO_FEES = {("FND", "LONE_PARENT", "SUSTAINED_26W")}
PAYMENT_RATES = [
    {
        "programme": programme,
        "customer_group": group,
        "fee_type": fee_type,
        "amount_gbp": 0.0 if (programme, group, fee_type) in ZERO_FEES else amount,
    }
    for programme in ("FND", "ESF", "WPG")
    for group in CUSTOMER_GROUPS
    for fee_type, amount in FEES.items()
]
PERFORMANCE_LEVELS = [
    {
        "programme": programme,
        "customer_group": group,
        "minimum_sustained_rate": 0.15 if group.startswith(("ESA", "IB")) else 0.25,
    }
    for programme in ("FND", "ESF", "WPG")
    for group in CUSTOMER_GROUPS
]
INSPECTIONS = [
    {"ukprn": "10000010", "inspectorate": "OFSTED", "inspection_date": d("2024-06-01"), "grade": 1},
    {"ukprn": "10000011", "inspectorate": "ESTYN", "inspection_date": d("2023-05-01"), "grade": 4},
    {
        "ukprn": "10000012",
        "inspectorate": "EDUCATION_SCOTLAND",
        "inspection_date": d("2020-01-15"),
        "grade": 2,
    },
    {"ukprn": "10000001", "inspectorate": "OFSTED", "inspection_date": d("2025-01-15"), "grade": 3},
]


def labour_market() -> list[dict]:
    """Rates for 2021Q1-2025Q4: 2026Q1 is deliberately missing, as published figures lag."""
    rows = []
    for year in range(2021, 2026):
        for q in range(1, 5):
            for i, la in enumerate(LOCAL_AUTHORITIES):
                rows.append(
                    {
                        "la_code": la["la_code"],
                        "period": f"{year}Q{q}",
                        "unemployment_rate": round(3.0 + i * 0.9 + q * 0.05, 2),
                    }
                )
    return rows


# -- the hand-built people -----------------------------------------------------------
def person_row(
    ref: str,
    key: str,
    contract: str,
    referral: str,
    *,
    start: str | None = None,
    group: str = "JSA_25_PLUS",
    age: int = 30,
    leave: str | None = None,
    leave_reason: str | None = None,
    la: str = "E08000001",
    started: bool = True,
) -> dict:
    start_date = (d(start) if start else d(referral)) if started else None
    return {
        "contract_id": contract,
        "participant_ref": ref,
        "person_key": key,
        "referral_date": d(referral),
        "start_date": start_date,
        "customer_group": group,
        "age_at_referral": age,
        "sex": "F",
        "ethnicity": "WHITE",
        "disability": "N",
        "impairment_group": None,
        "la_code": la,
        "delivery_ukprn": HAND_PRIME,
        "leave_date": d(leave) if leave else None,
        "leave_reason": leave_reason,
    }


HAND_PEOPLE = [
    person_row("P-001", "p01-alice", "FND00001", "2024-01-10", start="2024-01-20"),
    person_row("P-002", "p02-bob", "FND00001", "2024-01-05"),
    person_row("P-003", "p03-carol", "FND00001", "2023-06-01"),
    person_row("P-004", "p03-carol", "FND00001", "2024-02-01"),
    person_row("P-005", "p04-dan", "FND00001", "2023-09-01"),
    person_row("P-101", "p04-dan", "FND00002", "2024-01-15", la="W06000004"),
    person_row("P-006", "p05-eve", "FND00001", "2025-06-01"),
    person_row("P-007", "p06-frank", "FND00001", "2025-06-01"),
    person_row("P-008", "p07-grace", "FND00001", "2024-01-10"),
    person_row("P-009", "p08-hank", "FND00001", "2024-05-01"),
    person_row("P-010", "p09-ivy", "FND00001", "2024-01-10"),
    person_row("P-011", "p10-jack", "FND00001", "2024-01-10", leave="2024-02-20", leave_reason="MOVED_AWAY"),
    person_row("P-012", "p11-kate", "FND00001", "2024-01-10"),
    person_row("P-013", "p12-leo", "FND00001", "2024-01-10"),
    person_row("P-014", "p13-mia", "FND00001", "2024-01-10"),
    person_row("P-015", "p15-oscar", "FND00001", "2023-01-10", start="2023-01-20"),
    person_row("P-016", "p16-nina", "FND00001", "2024-01-10"),
    # referred from 2025 on: in no mature cohort yet, so the ratings do not see them
    person_row("P-017", "p17-quinn", "FND00001", "2025-12-01"),
    person_row("P-018", "p18-rosa", "FND00001", "2025-06-01"),
    person_row("P-019", "p19-sam", "FND00001", "2025-01-15"),
    person_row("P-020", "p20-tara", "FND00001", "2025-06-01"),
    person_row("P-021", "p21-uma", "FND00001", "2025-06-01", started=False),
    person_row("P-022", "p22-vic", "FND00001", "2025-01-01", group="LONE_PARENT"),
]

HAND_SPELLS = [
    # Alice: two overlapping spells, one run 2024-03-01..2024-12-31
    ("p01-alice", "123/A", "2024-03-01", "2024-06-30"),
    ("p01-alice", "456/B", "2024-06-01", "2024-12-31"),
    # Bob: overlapping spells whose lengths add up to 243 days but cover 151
    ("p02-bob", "123/A", "2024-02-01", "2024-05-31"),
    ("p02-bob", "456/B", "2024-03-01", "2024-06-30"),
    ("p03-carol", "123/A", "2024-02-15", None),
    ("p04-dan", "123/A", "2024-02-01", None),
    # Eve: 52 days, a gap, then an ongoing spell: 173 days by the extract date
    ("p05-eve", "123/A", "2025-09-10", "2025-10-31"),
    ("p05-eve", "456/B", "2025-12-01", None),
    ("p06-frank", "123/A", "2025-09-10", None),
    ("p07-grace", "123/A", "2024-04-01", "2024-12-31"),
    # Hank's job began before his referral
    ("p08-hank", "123/A", "2024-04-01", None),
    ("p09-ivy", "123/A", "2024-05-01", "2024-08-31"),
    # Jack: 28 days after his job start (inclusive edge)
    ("p10-jack", "123/A", "2024-03-29", "2024-12-31"),
    # Kate: 29 days before her job start (just outside)
    ("p11-kate", "123/A", "2024-02-09", "2024-12-31"),
    ("p13-mia", "123/A", "2024-06-01", None),
    ("p15-oscar", "123/A", "2023-02-01", None),
    ("p16-nina", "123/A", "2024-04-15", "2024-12-31"),
    # Quinn: no spell yet for a job that began 21 days before the extract
    # Rosa: 173 days by the extract and 17 days of her window still to come
    ("p18-rosa", "123/A", "2025-10-10", None),
    # Sam: a job held since before his referral, and a short new one after it
    ("p19-sam", "123/A", "2024-06-01", None),
    ("p19-sam", "456/B", "2025-03-01", "2025-04-14"),
    # Tara: 26 weeks reached on 12 January 2026, too recently to be unclaimed
    ("p20-tara", "123/A", "2025-07-15", None),
    # Uma never started; Vic's group earns no 26-week fee on FND
    ("p21-uma", "123/A", "2025-07-01", None),
    ("p22-vic", "123/A", "2025-02-01", None),
]


def claim_row(
    claim_id: str,
    ref: str,
    outcome: str,
    job_start: str,
    claim_date: str,
    *,
    contract: str = "FND00001",
    status: str = "ACTIVE",
) -> dict:
    return {
        "claim_id": claim_id,
        "contract_id": contract,
        "participant_ref": ref,
        "outcome_type": outcome,
        "job_start_date": d(job_start),
        "claim_date": d(claim_date),
        "hours_per_week": 30.0,
        "employer_paye_ref": "123/A",
        "claim_status": status,
        "delivery_ukprn": HAND_PRIME,
    }


# claim files by period; 2024Q2 is sent twice (the second replaces the first wholly)
HAND_CLAIMS_2024Q1 = [
    claim_row("C-001", "P-001", "JOB_OUTCOME", "2024-03-01", "2024-03-20"),
    claim_row("C-004", "P-003", "JOB_OUTCOME", "2024-02-15", "2024-02-20"),
    claim_row("C-005", "P-004", "JOB_OUTCOME", "2024-02-15", "2024-03-01"),
    claim_row("C-006", "P-005", "JOB_OUTCOME", "2024-02-01", "2024-02-10"),
    claim_row("C-007", "P-101", "JOB_OUTCOME", "2024-02-01", "2024-02-12", contract="FND00002"),
    claim_row("C-013", "P-010", "JOB_OUTCOME", "2024-03-01", "2024-03-25"),
    claim_row("C-014", "P-011", "JOB_OUTCOME", "2024-03-01", "2024-03-30"),
    claim_row("C-015", "P-012", "JOB_OUTCOME", "2024-03-09", "2024-03-20"),
    claim_row("C-017", "P-999", "JOB_OUTCOME", "2024-03-01", "2024-03-15"),
    claim_row("C-019", "P-014", "JOB_OUTCOME", "2024-03-01", "2024-03-15"),
]
HAND_CLAIMS_2024Q2_FIRST = [
    claim_row("C-010", "P-008", "JOB_OUTCOME", "2024-04-01", "2024-04-10"),
    claim_row("C-012", "P-009", "JOB_OUTCOME", "2024-04-01", "2024-06-10"),
    claim_row("C-018", "P-013", "JOB_OUTCOME", "2024-04-01", "2024-04-20", contract="FND00002"),
    claim_row("C-020", "P-014", "JOB_OUTCOME", "2024-06-01", "2024-06-20"),
    claim_row("C-021", "P-016", "JOB_OUTCOME", "2024-04-15", "2024-05-01"),
    claim_row("C-098", "P-015", "JOB_OUTCOME", "2024-04-01", "2024-05-02"),
]
HAND_CLAIMS_2024Q2_RESUBMITTED = [
    claim if claim["claim_id"] != "C-021" else {**claim, "claim_status": "WITHDRAWN"}
    for claim in HAND_CLAIMS_2024Q2_FIRST
    if claim["claim_id"] != "C-098"
]
HAND_CLAIMS_2024Q3 = [
    claim_row("C-002", "P-001", "SUSTAINED_26W", "2024-03-01", "2024-09-15"),
    claim_row("C-003", "P-002", "SUSTAINED_26W", "2024-02-01", "2024-08-15"),
    {**claim_row("C-010", "P-008", "JOB_OUTCOME", "2024-04-01", "2024-07-05"), "claim_status": "WITHDRAWN"},
    claim_row("C-011", "P-008", "JOB_OUTCOME", "2024-04-01", "2024-07-06"),
    claim_row("C-016", "P-012", "SUSTAINED_26W", "2024-03-09", "2024-09-10"),
]
HAND_CLAIMS_2025Q4 = [
    claim_row("C-024", "P-019", "SUSTAINED_26W", "2025-03-01", "2025-10-10"),
]
HAND_CLAIMS_2026Q1 = [
    claim_row("C-008", "P-006", "SUSTAINED_26W", "2025-09-10", "2026-03-11"),
    claim_row("C-009", "P-007", "SUSTAINED_26W", "2025-09-10", "2026-03-12"),
    claim_row("C-022", "P-017", "JOB_OUTCOME", "2026-03-10", "2026-03-20"),
    claim_row("C-023", "P-018", "SUSTAINED_26W", "2025-09-20", "2026-03-25"),
]

EXPECTED_STATUSES = {
    "C-001": "VERIFIED",  # a matching spell on the job start
    "C-002": "VERIFIED",  # 210 of 210 days, overlapping spells merged
    "C-003": "INSUFFICIENT_EMPLOYMENT",  # overlaps count once: 151 days, not 243
    "C-004": "VERIFIED",  # first of Carol's two references
    "C-005": "DUPLICATE",  # same person, same contract, later claim
    "C-006": "VERIFIED",  # Dan on FND00001
    "C-007": "VERIFIED",  # Dan on FND00002: another contract, not a duplicate
    "C-008": "INSUFFICIENT_EMPLOYMENT",  # 173 days + 7 left in the window (to 7 April) < 182
    "C-009": "VERIFIED",  # window still open but 182 days already reached
    "C-010": "WITHDRAWN",  # withdrawn in a later period's file
    "C-011": "VERIFIED",  # re-claimed after the withdrawal: not a duplicate
    "C-012": "STARTED_BEFORE_REFERRAL",
    "C-013": "NO_EVIDENCE",  # nearest spell 61 days after the job start
    "C-014": "VERIFIED",  # spell 28 days after: inside the allowance
    "C-015": "NO_EVIDENCE",  # spell 29 days before: outside it
    "C-016": "NO_EVIDENCE",
    "C-017": "UNKNOWN_PARTICIPANT",
    "C-018": "CONTRACT_MISMATCH",
    "C-019": "NO_EVIDENCE",
    "C-020": "DUPLICATE",  # C-019 came first; its own failure does not matter
    "C-021": "WITHDRAWN",  # withdrawn by a resubmission of the same period
    "C-022": "PENDING",  # no spell, but job start + 28 days is after the extract
    "C-023": "PENDING",  # 173 days + 17 left in the window (to 17 April) >= 182
    "C-024": "INSUFFICIENT_EMPLOYMENT",  # 45 days: the job held since before referral does not count
}

# (contract_id, person_key, outcome_type) -> (participant_ref, evidence job start, date met, claim_state).
# The prime's latest claims return is 2026Q1, so the cut-off is the extract date, 31 March 2026:
# an outcome met after 30 December 2025 is NOT_YET_DUE. Not here: Alice's and Kate's 26 weeks
# (claimed, Kate's without evidence), Quinn, Rosa and Sam (not met), Uma (never started), Vic
# (no fee for her group's 26 weeks, 78 weeks not reached).
EXPECTED_UNCLAIMED = {
    # Carol's two referrals both meet it on the same day: the later referral carries it
    ("FND00001", "p03-carol", "SUSTAINED_26W"): (
        "P-004",
        d("2024-02-15"),
        d("2024-02-15") + dt.timedelta(181),
        "UNCLAIMED",
    ),
    ("FND00001", "p03-carol", "SUSTAINED_78W"): (
        "P-004",
        d("2024-02-15"),
        d("2024-02-15") + dt.timedelta(545),
        "UNCLAIMED",
    ),
    ("FND00001", "p04-dan", "SUSTAINED_26W"): (
        "P-005",
        d("2024-02-01"),
        d("2024-02-01") + dt.timedelta(181),
        "UNCLAIMED",
    ),
    ("FND00001", "p04-dan", "SUSTAINED_78W"): (
        "P-005",
        d("2024-02-01"),
        d("2024-02-01") + dt.timedelta(545),
        "UNCLAIMED",
    ),
    ("FND00002", "p04-dan", "SUSTAINED_26W"): (
        "P-101",
        d("2024-02-01"),
        d("2024-02-01") + dt.timedelta(181),
        "UNCLAIMED",
    ),
    ("FND00002", "p04-dan", "SUSTAINED_78W"): (
        "P-101",
        d("2024-02-01"),
        d("2024-02-01") + dt.timedelta(545),
        "UNCLAIMED",
    ),
    ("FND00001", "p07-grace", "SUSTAINED_26W"): (
        "P-008",
        d("2024-04-01"),
        d("2024-04-01") + dt.timedelta(181),
        "UNCLAIMED",
    ),
    ("FND00001", "p13-mia", "SUSTAINED_26W"): (
        "P-014",
        d("2024-06-01"),
        d("2024-06-01") + dt.timedelta(181),
        "UNCLAIMED",
    ),
    ("FND00001", "p13-mia", "SUSTAINED_78W"): (
        "P-014",
        d("2024-06-01"),
        d("2024-06-01") + dt.timedelta(545),
        "UNCLAIMED",
    ),
    ("FND00001", "p15-oscar", "SUSTAINED_26W"): (
        "P-015",
        d("2023-02-01"),
        d("2023-02-01") + dt.timedelta(181),
        "UNCLAIMED",
    ),
    ("FND00001", "p15-oscar", "SUSTAINED_78W"): (
        "P-015",
        d("2023-02-01"),
        d("2023-02-01") + dt.timedelta(545),
        "UNCLAIMED",
    ),
    ("FND00001", "p16-nina", "SUSTAINED_26W"): (
        "P-016",
        d("2024-04-15"),
        d("2024-04-15") + dt.timedelta(181),
        "UNCLAIMED",
    ),
    ("FND00001", "p20-tara", "SUSTAINED_26W"): ("P-020", d("2025-07-15"), d("2026-01-12"), "NOT_YET_DUE"),
}


# -- background population ----------------------------------------------------------
@dataclass
class Background:
    participants: dict[tuple[str, str], list[dict]] = field(default_factory=lambda: defaultdict(list))
    claims: dict[tuple[str, str], list[dict]] = field(default_factory=lambda: defaultdict(list))
    surveys: dict[tuple[str, str], list[dict]] = field(default_factory=lambda: defaultdict(list))
    spells: list[dict] = field(default_factory=list)


# contract -> (prime, chance of a sustained job, mean satisfaction, delivery providers, local authorities)
BACKGROUND_CONTRACTS = {
    "WPG00010": ("10000010", 0.50, 4.4, ["10000010", "10000101"], ["E08000001", "E08000002", "E06000003"]),
    "WPG00011": ("10000011", 0.12, 2.6, ["10000011", "10000102"], ["W06000004", "W06000005"]),
    "WPG00012": ("10000012", 0.30, 3.5, ["10000012"], ["S12000006"]),
}


def background(seed: int = 7, per_quarter: int = 24) -> Background:
    """Referrals every quarter 2022Q1-2025Q4 on three contracts of different strength."""
    rng = random.Random(seed)
    world = Background()
    quarters = [(year, q) for year in range(2022, 2026) for q in range(1, 5)]
    for contract_id, (prime, success, satisfaction, deliverers, las) in BACKGROUND_CONTRACTS.items():
        number = 0
        for year, q in quarters:
            for _ in range(per_quarter):
                number += 1
                ref = f"{contract_id[-2:]}-{number:05d}"
                key = f"bg-{contract_id}-{number:05d}"
                referral = dt.date(year, 3 * q - 2, 1) + dt.timedelta(rng.randrange(88))
                start = referral + dt.timedelta(rng.randrange(5, 40))
                start = start if start <= EXTRACT_DATE and rng.random() < 0.9 else None
                disability = rng.choice(["Y", "N", "N", "U"])
                person = {
                    "contract_id": contract_id,
                    "participant_ref": ref,
                    "person_key": key,
                    "referral_date": referral,
                    "start_date": start,
                    "customer_group": rng.choice(CUSTOMER_GROUPS[:5]),
                    "age_at_referral": rng.randrange(18, 64),
                    "sex": rng.choice(["F", "M"]),
                    "ethnicity": rng.choice(["WHITE", "WHITE", "ASIAN", "BLACK"]),
                    "disability": disability,
                    "impairment_group": rng.choice(["MENTAL_HEALTH", "PHYSICAL"])
                    if disability == "Y"
                    else None,
                    "la_code": rng.choice(las),
                    "delivery_ukprn": rng.choice(deliverers),
                    "leave_date": None,
                    "leave_reason": None,
                }
                world.participants[(prime, quarter(referral))].append(person)
                if start is None:
                    continue
                if rng.random() < 0.6:
                    survey_date = start + dt.timedelta(rng.randrange(10, 60))
                    if survey_date <= EXTRACT_DATE:
                        score = max(1, min(5, round(rng.gauss(satisfaction, 0.7))))
                        world.surveys[(prime, quarter(survey_date))].append(
                            {
                                "response_id": f"R{ref}",
                                "contract_id": contract_id,
                                "participant_ref": ref,
                                "survey_date": survey_date,
                                "overall_satisfaction": score,
                                "treated_with_respect": score,
                                "advice_helpful": None,
                                "would_recommend": "Y",
                            }
                        )
                # parking: the weak prime gets almost nobody with a mental-health impairment into work
                chance = success * (
                    0.1 if (prime == "10000011" and person["impairment_group"] == "MENTAL_HEALTH") else 1
                )
                job_start = start + dt.timedelta(rng.randrange(20, 120))
                if job_start > EXTRACT_DATE - dt.timedelta(30):
                    continue
                sustained = rng.random() < chance
                length = rng.randrange(250, 700) if sustained else rng.randrange(20, 120)
                spell_end = job_start + dt.timedelta(length)
                world.spells.append(
                    {
                        "person_key": key,
                        "employer_paye_ref": "777/X",
                        "spell_start": job_start,
                        "spell_end": spell_end if spell_end <= EXTRACT_DATE else None,
                        "extract_date": EXTRACT_DATE,
                    }
                )
                claims = [("JOB_OUTCOME", job_start + dt.timedelta(rng.randrange(1, 20)))]
                if sustained:
                    claims.append(("SUSTAINED_26W", job_start + dt.timedelta(182 + rng.randrange(0, 30))))
                for outcome_type, claim_date in claims:
                    if claim_date > EXTRACT_DATE:
                        continue
                    world.claims[(prime, quarter(claim_date))].append(
                        {
                            "claim_id": f"{outcome_type[:3]}-{ref}",
                            "contract_id": contract_id,
                            "participant_ref": ref,
                            "outcome_type": outcome_type,
                            "job_start_date": job_start,
                            "claim_date": claim_date,
                            "hours_per_week": 35.0,
                            "employer_paye_ref": "777/X",
                            "claim_status": "ACTIVE",
                            "delivery_ukprn": person["delivery_ukprn"],
                        }
                    )
    return world


# -- writing it all -------------------------------------------------------------------
def write_scenario(lake: Path) -> LakeWriter:
    """Writes the reference loads, every return, and the traps dbt must ignore."""
    writer = LakeWriter(lake)
    # a first, superseded load of contracts that must not count
    writer.load_reference("contracts", [{**CONTRACTS[0], "contract_value_gbp": 1.0}])
    for dataset, rows in [
        ("providers", PROVIDERS),
        ("contract_package_areas", AREAS),
        ("local_authorities", LOCAL_AUTHORITIES),
        ("contracts", CONTRACTS),
        ("supply_chain", SUPPLY_CHAIN),
        ("payment_rates", PAYMENT_RATES),
        ("performance_levels", PERFORMANCE_LEVELS),
        ("inspections", INSPECTIONS),
        ("labour_market", labour_market()),
    ]:
        writer.load_reference(dataset, rows)

    world = background()
    spells = [
        {
            "person_key": key,
            "employer_paye_ref": paye,
            "spell_start": d(start),
            "spell_end": d(end) if end else None,
            "extract_date": EXTRACT_DATE,
        }
        for key, paye, start, end in HAND_SPELLS
    ]
    writer.load_reference("employment_spells", spells + world.spells)

    # hand-built participants, one file per referral quarter; Alice's leaving
    # arrives in a later period's file, which carries only what changed
    by_period: dict[str, list[dict]] = defaultdict(list)
    for person in HAND_PEOPLE:
        by_period[quarter(person["referral_date"])].append(person)
    alice_left = {**HAND_PEOPLE[0], "leave_date": d("2024-12-31"), "leave_reason": "JOB"}
    by_period["2024Q4"].append(alice_left)
    # Bob's first 2024Q1 file named the wrong group; the resubmission corrects it
    first_2024q1 = [
        p if p["participant_ref"] != "P-002" else {**p, "customer_group": "VOLUNTARY"}
        for p in by_period["2024Q1"]
    ]
    writer.submit_return("participants", HAND_PRIME, "2024Q1", first_2024q1)
    for period, people in sorted(by_period.items()):
        writer.submit_return("participants", HAND_PRIME, period, people)
    # a rejected file and a crash's debris: neither may count
    writer.submit_return(
        "participants",
        HAND_PRIME,
        "2025Q1",
        [{**HAND_PEOPLE[1], "participant_ref": "P-REJ"}],
        status="REJECTED",
    )
    writer.write_debris(
        "participants", [{**HAND_PEOPLE[1], "participant_ref": "P-666"}], ukprn=HAND_PRIME, period="2025Q1"
    )
    writer.write_debris(
        "outcome_claims",
        [claim_row("C-666", "P-001", "JOB_OUTCOME", "2024-03-01", "2024-03-20")],
        ukprn=HAND_PRIME,
        period="2024Q1",
    )

    writer.submit_return("outcome_claims", HAND_PRIME, "2024Q1", HAND_CLAIMS_2024Q1)
    writer.submit_return("outcome_claims", HAND_PRIME, "2024Q2", HAND_CLAIMS_2024Q2_FIRST)
    writer.submit_return("outcome_claims", HAND_PRIME, "2024Q2", HAND_CLAIMS_2024Q2_RESUBMITTED)
    writer.submit_return("outcome_claims", HAND_PRIME, "2024Q3", HAND_CLAIMS_2024Q3)
    writer.submit_return("outcome_claims", HAND_PRIME, "2025Q4", HAND_CLAIMS_2025Q4)
    writer.submit_return("outcome_claims", HAND_PRIME, "2026Q1", HAND_CLAIMS_2026Q1)
    writer.submit_return(
        "customer_survey",
        HAND_PRIME,
        "2024Q1",
        [
            {
                "response_id": "R-001",
                "contract_id": "FND00001",
                "participant_ref": "P-001",
                "survey_date": d("2024-02-01"),
                "overall_satisfaction": 4,
                "treated_with_respect": 5,
                "advice_helpful": 4,
                "would_recommend": "Y",
            }
        ],
    )

    for (prime, period), rows in sorted(world.participants.items()):
        writer.submit_return("participants", prime, period, rows)
    for (prime, period), rows in sorted(world.claims.items()):
        writer.submit_return("outcome_claims", prime, period, rows)
    for (prime, period), rows in sorted(world.surveys.items()):
        writer.submit_return("customer_survey", prime, period, rows)
    writer.write_ledger()
    return writer
