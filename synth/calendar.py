"""Dates and quarters for the generator, as whole days since 1970-01-01.

The generator keeps every date as an ``int32`` day number so that millions of
them can be drawn and compared with numpy; this module converts between those
numbers, ISO strings, calendar quarters (``YYYYQn``) and weekdays.

Not for: anything about people or providers. A rule such as "a return arrives
five days after the quarter" belongs with the code that writes returns.

Notes:
    ``NO_DATE`` marks a missing date (never started, not left). It is larger
    than every real date, so ``date <= extract_date`` is ``False`` for it and
    comparisons need no separate null handling; it becomes a null (an empty
    field) only when written. Never write ``""`` for a missing value: polars
    quotes empty strings (``""``) but leaves nulls bare.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from core.periods import Period

NO_DATE = np.int32(2**31 - 1)
EPOCH = dt.date(1970, 1, 1)


def day_number(iso: str | dt.date) -> int:
    """Day number of an ISO date string or ``datetime.date``."""
    if isinstance(iso, str):
        iso = dt.date.fromisoformat(iso)
    return (iso - EPOCH).days


def to_date(day: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(day))


def iso(day: int) -> str:
    return to_date(day).isoformat()


def add_years(day: int, years: int) -> int:
    """The same calendar date ``years`` later (29 February becomes 28 February)."""
    d = to_date(day)
    try:
        return day_number(d.replace(year=d.year + years))
    except ValueError:
        return day_number(d.replace(year=d.year + years, day=28))


def periods_from(first: str, n: int) -> list[str]:
    """``n`` consecutive quarters, the first being ``first``."""
    start = Period.parse(first)
    return [start.shift(k).code for k in range(n)]


def period_shift(period: str, k: int) -> str:
    return Period.parse(period).shift(k).code


def period_bounds(period: str) -> tuple[int, int]:
    """First and last day of a quarter, inclusive."""
    quarter = Period.parse(period)
    return day_number(quarter.start), day_number(quarter.end)


class Quarters:
    """The world's quarters, with vectorised lookup of a day's quarter.

    Attributes:
        names: quarter names, oldest first.
        starts, ends: first and last day of each quarter.
    """

    def __init__(self, names: list[str]):
        self.names = list(names)
        bounds = [period_bounds(p) for p in self.names]
        self.starts = np.array([b[0] for b in bounds], dtype=np.int32)
        self.ends = np.array([b[1] for b in bounds], dtype=np.int32)

    def __len__(self) -> int:
        return len(self.names)

    @property
    def last_day(self) -> int:
        """The last day of the last quarter: the period end of the last provider returns."""
        return int(self.ends[-1])

    def index_of(self, days: np.ndarray) -> np.ndarray:
        """Quarter index of each day; -1 before the first quarter, ``len`` after the last."""
        idx = np.searchsorted(self.starts, days, side="right") - 1
        idx = np.where(days > self.ends[-1], len(self.names), idx)
        return idx.astype(np.int32)


def quarter_labels(days: np.ndarray) -> pl.Series:
    """``YYYYQn`` of each day, any day (not only the world's quarters)."""
    dates = pl.Series(np.asarray(days, dtype=np.int32)).cast(pl.Date)
    return pl.select(
        pl.concat_str([dates.dt.year().cast(pl.String), pl.lit("Q"), dates.dt.quarter().cast(pl.String)])
    ).to_series()


def weekday(days: np.ndarray) -> np.ndarray:
    """0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday)."""
    return (days.astype(np.int64) + 3) % 7


def to_next_weekday(days: np.ndarray) -> np.ndarray:
    """Move Saturdays and Sundays on to the Monday: offices do not record at weekends."""
    wd = weekday(days)
    shift = np.where(wd == 5, 2, np.where(wd == 6, 1, 0))
    out = days.astype(np.int64) + shift
    return np.where(days == NO_DATE, NO_DATE, out).astype(np.int32)


def weekday_within(days: np.ndarray, first: np.ndarray) -> np.ndarray:
    """A Saturday or Sunday moved back to the Friday, or on to the Monday when that Friday
    would fall before ``first``: a day that stays inside a quarter of 90+ days."""
    days = days.astype(np.int64)
    wd = weekday(days)
    back = days - np.where(wd == 5, 1, np.where(wd == 6, 2, 0))
    forward = days + np.where(wd == 5, 2, np.where(wd == 6, 1, 0))
    return np.where(back < first, forward, back).astype(np.int32)


def weekdays_between(first: int, last: int) -> np.ndarray:
    days = np.arange(first, last + 1, dtype=np.int32)
    return days[weekday(days) < 5]


def iso_series(name: str, days: np.ndarray) -> pl.Series:
    """ISO date strings, null where ``NO_DATE`` (written as an empty field)."""
    days = np.asarray(days, dtype=np.int32)
    missing = days == NO_DATE
    series = pl.Series(name, np.where(missing, 0, days).astype(np.int32)).cast(pl.Date).cast(pl.String)
    if missing.any():
        series = series.scatter(np.flatnonzero(missing), None)
    return series
