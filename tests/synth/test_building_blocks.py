"""The generator's building blocks: day counting, NINOs, dates and defects."""

from __future__ import annotations

import numpy as np
import polars as pl

from synth.calendar import (
    NO_DATE,
    Quarters,
    add_years,
    day_number,
    iso_series,
    periods_from,
    quarter_labels,
    to_next_weekday,
    weekday_within,
)
from synth.defects import inject_defects, uk_date
from synth.employment import covered_days, evidence_job_start, requirement_met_on
from synth.identifiers import BACKGROUND_PERSON_OFFSET, NinoBook
from tests.support.synth_reader import nino_is_valid

ABSENT = (np.array([NO_DATE]), np.array([NO_DATE - 1]))


def _spells(*pairs):
    """Intervals for one person: ``(start, end)`` day pairs, padded with absent ones to three."""
    intervals = [(np.array([s]), np.array([e])) for s, e in pairs]
    return intervals + [ABSENT] * (3 - len(intervals))


def test_a_day_covered_by_two_overlapping_spells_counts_once():
    spells = _spells((0, 100), (50, 130))
    assert covered_days(spells, np.array([0]), np.array([209]))[0] == 131


def test_days_in_the_window_skip_the_gap_between_jobs():
    spells = _spells((0, 150), (160, 400))
    assert covered_days(spells, np.array([0]), np.array([209]))[0] == 151 + 50
    assert requirement_met_on(spells, np.array([0]), 210, 182, 10_000)[0] == 160 + (182 - 151) - 1


def test_a_requirement_is_met_on_its_182nd_day_in_work():
    spells = _spells((0, 400))
    assert requirement_met_on(spells, np.array([0]), 210, 182, 10_000)[0] == 181


def test_a_requirement_met_only_after_the_extract_date_is_not_met():
    spells = _spells((0, 400))
    assert requirement_met_on(spells, np.array([0]), 210, 182, 170)[0] == NO_DATE


def test_a_job_that_ends_early_never_meets_the_requirement():
    spells = _spells((0, 150), (200, 300))
    assert requirement_met_on(spells, np.array([0]), 210, 182, 10_000)[0] == NO_DATE


def test_ninos_are_valid_unique_and_stable_per_person():
    book = NinoBook(np.random.default_rng(7))
    people = np.concatenate([np.arange(200_000), BACKGROUND_PERSON_OFFSET + np.arange(50_000)])
    ninos = book.ninos(people)
    assert ninos.n_unique() == len(people)
    assert all(nino_is_valid(n) for n in ninos.head(5_000))
    assert book.ninos(np.array([123, 123])).to_list() == [ninos[123]] * 2
    assert NinoBook(np.random.default_rng(8)).ninos(np.array([123]))[0] != ninos[123]


def test_quarters_and_dates():
    quarters = Quarters(periods_from("2025Q4", 3))
    assert quarters.names == ["2025Q4", "2026Q1", "2026Q2"]
    assert quarters.last_day == day_number("2026-06-30")
    days = np.array([day_number(d) for d in ("2025-09-30", "2025-10-01", "2026-03-31", "2026-07-01")])
    assert quarters.index_of(days).tolist() == [-1, 0, 1, 3]
    assert add_years(day_number("2024-02-29"), 5) == day_number("2029-02-28")
    saturday = day_number("2026-06-27")
    assert to_next_weekday(np.array([saturday, NO_DATE], dtype=np.int32)).tolist() == [saturday + 2, NO_DATE]
    assert iso_series("d", np.array([saturday, NO_DATE], dtype=np.int32)).to_list() == ["2026-06-27", None]
    assert uk_date("2026-03-31") == "31/03/2026"
    assert quarter_labels(days).to_list() == ["2025Q3", "2025Q4", "2026Q1", "2026Q3"]
    # a weekend day moves back to the Friday, or on to the Monday at a quarter's start
    sunday, saturday_first = day_number("2026-05-31"), day_number("2025-11-01")
    assert weekday_within(
        np.array([sunday, saturday_first]), np.array([day_number("2026-04-01"), saturday_first])
    ).tolist() == [day_number("2026-05-29"), day_number("2025-11-03")]


def _participants(n: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "contract_id": ["FND00012"] * n,
            "participant_ref": [f"FND00012-{k:07d}" for k in range(n)],
            "nino": ["AB123456C"] * n,
            "referral_date": ["2026-04-01"] * n,
            "start_date": ["2026-04-10"] * n,
            "customer_group": ["JSA_25_PLUS"] * n,
            "date_of_birth": ["1980-01-01"] * n,
            "sex": ["F"] * n,
            "ethnicity": ["WHITE"] * n,
            "disability": ["N"] * n,
            "impairment_group": pl.Series([None] * n, dtype=pl.String),
            "la_code": ["E08000001"] * n,
            "delivery_ukprn": ["10004567"] * n,
            "leave_date": ["2026-05-01"] * n,
            "leave_reason": ["JOB"] * n,
        }
    )


def test_defects_are_deterministic_one_per_row_and_capped():
    clean = _participants(1_000)
    first, counts, rejected = inject_defects(clean, "participants", np.random.default_rng(5), 0.03)
    again, _, _ = inject_defects(clean, "participants", np.random.default_rng(5), 0.03)
    assert first.equals(again)
    changed = sum(
        a != b
        for row_a, row_b in zip(first.iter_rows(), clean.iter_rows(), strict=False)
        for a, b in zip(row_a, row_b, strict=False)
    )
    assert sum(counts.values()) == 30 and changed == 30
    errors = sum(
        n * (2 if k == "DUPLICATE_REF" else 1)
        for k, n in counts.items()
        if k != "IMPAIRMENT_WITHOUT_DISABILITY"
    )
    assert len(rejected) == errors
    _, heavy, _ = inject_defects(_participants(10), "participants", np.random.default_rng(5), 0.9)
    assert sum(heavy.values()) <= 2


def test_defects_spare_protected_rows():
    clean = _participants(1_000)
    protected = np.arange(1_000) % 2 == 0
    damaged, counts, rejected = inject_defects(
        clean, "participants", np.random.default_rng(5), 0.03, protected
    )
    assert sum(counts.values()) >= 25
    changed = [
        i for i, (a, b) in enumerate(zip(damaged.iter_rows(), clean.iter_rows(), strict=False)) if a != b
    ]
    assert not protected[changed].any() and not protected[rejected].any()


def test_the_evidence_job_start_is_the_first_spell_after_the_start_within_the_bounds():
    start, leave = np.array([100, 100, 100, 100, NO_DATE]), np.array([NO_DATE, 200, 200, NO_DATE, NO_DATE])
    first = np.array([150, 229, 150, 829, 150])  # 229 = leave + 29; 829 = start + 729
    second = np.array([NO_DATE, 228, 90, 828, NO_DATE])  # 90: before the start
    assert evidence_job_start([first, second], start, leave).tolist() == [150, 228, 150, 828, NO_DATE]
