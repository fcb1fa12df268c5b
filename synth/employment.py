"""Employment as the department's records would show it: spells and days in work.

Two jobs live here. First, counting: how many distinct days a person's spells
cover inside a window, and the day a sustained-outcome requirement is first
met, both computed the way the warehouse will (its claim verification), so the
generator knows the truth it plants. Second, writing spells: turning the
jobs a cohort drew (plus background spells of the same people before their
referral, and of people never referred) into ``employment_spells`` rows.

Not for: deciding who gets a job or how long it lasts (``synth.cohort``), or
what providers claim (``synth.claims``).

Notes:
    Counting uses inclusion-exclusion over at most three intervals per person
    (first job, second job after a gap, an overlapping second employer), so a
    day covered by two spells counts once, as the warehouse requires.
    Open spells (still running at the extract date) are counted to the
    extract date inclusive and written with an empty ``spell_end``.
    A sustained outcome is met (``evidence_job_start``, then
    ``requirement_met_on``) as the warehouse's revision-2 rule says: from the
    earliest spell on or after the start date, within the leave date + 28 days
    and the start date + 728 days, counting spells that began on or after the
    referral.
    A person's spells never share a start date with the same employer (the
    dataset's key): overlapping and later jobs take different employers.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import polars as pl

from synth import parameters as P
from synth.calendar import NO_DATE, iso, iso_series

Interval = tuple[np.ndarray, np.ndarray]


def covered_days(intervals: list[Interval], lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Distinct days in ``[lo, hi]`` covered by the union of the intervals (all inclusive).

    An absent interval has ``start == NO_DATE``; it covers nothing.
    """
    lo = np.asarray(lo, dtype=np.int64)
    hi = np.asarray(hi, dtype=np.int64)
    total = np.zeros(np.broadcast(lo, hi).shape, dtype=np.int64)
    for r in range(1, len(intervals) + 1):
        sign = 1 if r % 2 else -1
        for subset in combinations(intervals, r):
            start = lo
            end = hi
            for s, e in subset:
                start = np.maximum(start, s.astype(np.int64))
                end = np.minimum(end, e.astype(np.int64))
            total += sign * np.clip(end - start + 1, 0, None)
    return total


def requirement_met_on(
    intervals: list[Interval], job_start: np.ndarray, window: int, required: int, extract_date: int
) -> np.ndarray:
    """The day the ``required``-th day in work inside the window falls, or ``NO_DATE``.

    The window runs from ``job_start`` for ``window`` days; days after the
    extract date are not known yet, so a requirement met only later is not met.
    """
    js = job_start.astype(np.int64)
    hi = np.minimum(js + window - 1, extract_date)
    best = np.full(js.shape, NO_DATE, dtype=np.int64)
    absent = js == NO_DATE
    for s, e in intervals:
        a = np.maximum(s.astype(np.int64), js)
        b = np.minimum(e.astype(np.int64), hi)
        before = covered_days(intervals, js, a - 1)
        # Every day of this interval is in work, so the count rises by one a day here.
        candidate = a + (required - before) - 1
        ok = (a <= b) & (before < required) & (candidate <= b) & (s != NO_DATE) & ~absent
        best = np.where(ok, np.minimum(best, candidate), best)
    return best.astype(np.int32)


def evidence_job_start(spell_starts: list[np.ndarray], start: np.ndarray, leave: np.ndarray) -> np.ndarray:
    """The warehouse's evidence job start of each participant (``fct_unclaimed_outcomes``), or ``NO_DATE``.

    The earliest of the person's spells starting on or after the start date and
    no later than the leave date + ``EVIDENCE_MATCH_DAYS`` (when left) and the
    start date + ``PROGRAMME_DURATION_DAYS``. ``start`` and ``leave`` are the
    dates as the warehouse sees them (``NO_DATE`` when not reported).
    """
    start = start.astype(np.int64)
    started = start != NO_DATE
    leave = leave.astype(np.int64)
    bound = np.minimum(
        start + P.PROGRAMME_DURATION_DAYS, np.where(leave != NO_DATE, leave + P.EVIDENCE_MATCH_DAYS, NO_DATE)
    )
    best = np.full(start.shape, NO_DATE, dtype=np.int64)
    for s in spell_starts:
        s = s.astype(np.int64)
        ok = started & (s != NO_DATE) & (s >= start) & (s <= bound)
        best = np.where(ok, np.minimum(best, s), best)
    return best.astype(np.int32)


def spells_frame(
    person: np.ndarray, employer: np.ndarray, start: np.ndarray, end: np.ndarray, extract_date: int
) -> pl.DataFrame:
    """Numeric spells (persons, employer indices, days) that exist by the extract date."""
    keep = (start != NO_DATE) & (start <= extract_date)
    return pl.DataFrame(
        {
            "person": person[keep].astype(np.int64),
            "employer": employer[keep].astype(np.int32),
            "start": start[keep].astype(np.int32),
            "end": end[keep].astype(np.int32),
        }
    )


def spells_before_referral(
    rng: np.random.Generator,
    person: np.ndarray,
    referral: np.ndarray,
    eligible: np.ndarray,
    n_employers: int,
    extract_date: int,
) -> pl.DataFrame:
    """Past jobs of participants, ended before their referral (never evidence of an outcome)."""
    n = len(person)
    b = P.BACKGROUND
    ref = referral.astype(np.int64)
    first = eligible & (rng.random(n) < b.pre_referral_share)
    end1 = ref - rng.integers(20, 700, n)
    start1 = end1 - rng.integers(30, 1500, n) + 1
    second = first & (rng.random(n) < b.second_pre_referral_share)
    end2 = start1 - rng.integers(30, 400, n)
    start2 = end2 - rng.integers(30, 900, n) + 1
    return pl.concat(
        [
            spells_frame(
                person[first],
                rng.integers(0, n_employers, n)[first],
                start1[first],
                end1[first],
                extract_date,
            ),
            spells_frame(
                person[second],
                rng.integers(0, n_employers, n)[second],
                start2[second],
                end2[second],
                extract_date,
            ),
        ]
    )


def unrelated_spells(
    rng: np.random.Generator,
    first_person: int,
    n_people: int,
    first_day: int,
    extract_date: int,
    n_employers: int,
) -> pl.DataFrame:
    """Spells of people who are never referred: the bulk of any real extract."""
    if n_people == 0:
        return spells_frame(*(np.zeros(0, dtype=np.int64),) * 4, extract_date)
    k = 5
    count = np.minimum(1 + rng.poisson(P.BACKGROUND.unrelated_spells_mean - 1, n_people), k)
    lengths = rng.integers(30, 900, (n_people, k))
    gaps = rng.integers(10, 400, (n_people, k))
    begin = rng.integers(first_day, extract_date, n_people)
    starts = begin[:, None] + np.cumsum(gaps + lengths, axis=1) - lengths
    ends = starts + lengths - 1
    used = np.arange(k)[None, :] < count[:, None]
    person = np.repeat(first_person + np.arange(n_people, dtype=np.int64), k).reshape(n_people, k)
    employer = rng.integers(0, n_employers, (n_people, k))
    return spells_frame(
        person[used], employer[used], starts[used].astype(np.int32), ends[used].astype(np.int32), extract_date
    )


def spells_table(spells: pl.DataFrame, ninos, employers: pl.Series, extract_date: int) -> pl.DataFrame:
    """The ``employment_spells`` rows, NINO in clear, sorted by person and start."""
    spells = spells.sort("person", "start", "employer")
    open_spell = spells["end"].to_numpy() > extract_date
    end = np.where(open_spell, NO_DATE, spells["end"].to_numpy())
    return pl.DataFrame(
        [
            ninos.ninos(spells["person"].to_numpy()),
            employers.gather(spells["employer"]).alias("employer_paye_ref"),
            iso_series("spell_start", spells["start"].to_numpy()),
            iso_series("spell_end", end),
        ]
    ).with_columns(pl.lit(iso(extract_date)).alias("extract_date"))
