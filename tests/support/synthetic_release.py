"""A small release folder written by hand: the CSV files the bulletin reads, with known figures.

The bulletin and methodology tests use it to check each sentence against the
cells they were given, without a warehouse; the small world's release checks
the same against real files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from core.periods import Period

PERIOD = "2026Q2"
RELEASE_DATE = dt.date(2026, 9, 10)

SEEDS = {
    "outcome_rules": [
        {"outcome_type": "JOB_OUTCOME", "days_required": 1, "window_days": None},
        {"outcome_type": "SUSTAINED_26W", "days_required": 182, "window_days": 210},
    ],
    "measure_thresholds": [
        {"name": "rating_window_cohorts", "value": 4},
        {"name": "cohort_maturity_months", "value": 18},
        {"name": "job_outcome_months", "value": 12},
    ],
}

CONTRACTS = [
    # contract, prime, index, compared, stars, status
    ("ESF00001", "Alpha Works Ltd", "1.25", "ABOVE", "5", "RATED"),
    ("ESF00002", "Beta Futures", "0.71", "BELOW", "2", "RATED"),
    ("ESF00003", "'=Gamma & <Sons>", "1.04", "NOT_DIFFERENT", "3", "RATED"),
    ("ESF00004", "Delta Pathways", "[c]", "", "[z]", "NOT_RATED"),
]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def write_release(folder: Path, *, cohorts: bool = True, labels: bool = True, restated: int = 1) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    _write(
        folder / "contract_performance.csv",
        [
            "period",
            "contract_id",
            "prime_name",
            "cpa_name",
            "nation",
            "referrals",
            "starts",
            "job_outcomes",
            "sustained_26w_outcomes",
            "job_outcome_rate",
            "sustained_outcome_rate",
            "like_for_like_index",
            "star_rating",
            "star_rating_previous",
        ],
        [
            [
                PERIOD,
                c,
                prime,
                "Area",
                "ENGLAND",
                "400",
                "300",
                "120",
                "80",
                "30.0",
                "20.0",
                index,
                stars,
                "4",
            ]
            for c, prime, index, _, stars, _ in CONTRACTS
        ],
    )
    _write(
        folder / "star_ratings.csv",
        [
            "period",
            "unit_type",
            "unit_id",
            "prime_name",
            "stars",
            "rating_status",
            "compared_with_national",
            "published_stars",
            "stars_marker",
        ],
        [
            [PERIOD, "CONTRACT", c, prime, stars, status, compared, "[z]", ""]
            for c, prime, _, compared, stars, status in CONTRACTS
        ]
        + [["2026Q1", "CONTRACT", "ESF00001", "Alpha Works Ltd", "4", "RATED", "ABOVE", "3", "[r]"]],
    )
    _write(
        folder / "national_summary.csv",
        [
            "period",
            "nation",
            "customer_group",
            "referrals",
            "starts",
            "job_outcomes",
            "sustained_26w_outcomes",
            "job_outcome_rate",
            "sustained_outcome_rate",
            "payments_made_gbp",
        ],
        [
            [PERIOD, "ALL", "ALL", "1600", "1200", "480", "320", "30.0", "20.0", "2350000"],
            [PERIOD, "ENGLAND", "ALL", "1600", "1200", "480", "320", "30.0", "20.0", "2350000"],
        ],
    )
    if cohorts:
        rows = []
        for i, q in enumerate(Period.parse("2023Q3").shift(k).code for k in range(12)):
            final = Period.parse(q) <= Period.parse("2024Q4")
            rate = f"{18.0 + i * 0.5:.1f}" if final else f"{10.0 - i * 0.5:.1f}"
            rows.append(
                [
                    PERIOD,
                    q,
                    "ALL",
                    "ALL",
                    "1,000".replace(",", ""),
                    "800",
                    "300",
                    str(int(float(rate) * 10)),
                    "30.0",
                    rate,
                    "FINAL" if final else "PROVISIONAL",
                ]
            )
        rows[3][9] = "[c]"
        _write(
            folder / "cohort_performance.csv",
            [
                "period",
                "referral_quarter",
                "contract_id",
                "customer_group",
                "referrals",
                "starts",
                "job_outcomes",
                "sustained_26w_outcomes",
                "job_outcome_rate",
                "sustained_outcome_rate",
                "cohort_status",
            ],
            rows,
        )
    if labels:
        _write(
            folder / "code_labels.csv",
            ["list", "code", "label"],
            [
                ["cohort_status", "FINAL", "Final"],
                ["cohort_status", "PROVISIONAL", "Provisional"],
                ["compared_with_national", "ABOVE", "Above the national position"],
                ["compared_with_national", "BELOW", "Below the national position"],
                ["compared_with_national", "NOT_DIFFERENT", "Not different from the national position"],
            ],
        )
    if restated:
        _write(
            folder / "revisions.csv",
            ["revision", "table", "key", "column", "old", "new"],
            [
                [
                    "restated_rating",
                    "star_ratings",
                    f"period=2026Q1; unit_type=CONTRACT; unit_id=ESF0000{i + 1}",
                    "stars",
                    "3",
                    "4",
                ]
                for i in range(restated)
            ],
        )
    return folder
