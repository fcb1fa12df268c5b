"""Which referral dates a release period covers: the period named ``YYYYQn`` on a table is not its dates.

Figures of a release period are counted over referral cohorts (the quarter
people were referred in), never over the period itself: a cohort's sustained
outcomes can only be counted once it is mature, ``cohort_maturity_months``
after its quarter ended, judged at the end of the period; the rating window is
the ``rating_window_cohorts`` most recent mature cohorts. The dbt model that
decides the window for the warehouse applies the same rule; this module says
it in dates for the bulletin and the methodology.

Not for: deciding which rows a table holds (the warehouse did that).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from core.periods import Period

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months, clamped to the end of a shorter month (as the warehouse)."""
    index = day.year * 12 + day.month - 1 + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(day.day, last))


def long_date(day: dt.date) -> str:
    """``1 October 2024``: the GOV.UK style, whatever the machine's locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def date_span(start: dt.date, end: dt.date) -> str:
    """``1 January to 31 December 2024``, or with both years when they differ."""
    if start.year == end.year:
        return f"{start.day} {MONTHS[start.month - 1]} to {long_date(end)}"
    return f"{long_date(start)} to {long_date(end)}"


def is_mature(cohort: Period, as_of: dt.date, maturity_months: int) -> bool:
    """Whether a referral cohort's sustained outcomes are all counted by ``as_of``."""
    return add_months(cohort.end, maturity_months) <= as_of


@dataclass(frozen=True)
class Window:
    """The referral cohorts a release period's figures are counted over, oldest first."""

    period: Period
    cohorts: tuple[Period, ...]

    @property
    def start(self) -> dt.date | None:
        return self.cohorts[0].start if self.cohorts else None

    @property
    def end(self) -> dt.date | None:
        return self.cohorts[-1].end if self.cohorts else None

    @property
    def dates(self) -> str:
        """The referral dates in words, or a sentence saying there are none."""
        if not self.cohorts:
            return "no referral cohort is mature yet"
        return date_span(self.cohorts[0].start, self.cohorts[-1].end)

    @property
    def quarters(self) -> str:
        if not self.cohorts:
            return "none"
        if len(self.cohorts) == 1:
            return self.cohorts[0].code
        return f"{self.cohorts[0].code} to {self.cohorts[-1].code}"


def rating_window(
    period: str | Period,
    *,
    cohorts: int,
    maturity_months: int,
    existing: Iterable[str] | None = None,
) -> Window:
    """The rating window of a release period: its ``cohorts`` most recent mature referral cohorts.

    Args:
        existing: the referral quarters the data hold, when known; a window never reaches
            before the first of them (the earliest releases have fewer cohorts).
    """
    p = period if isinstance(period, Period) else Period.parse(period)
    first = min((Period.parse(q) for q in existing), default=None) if existing is not None else None
    chosen: list[Period] = []
    candidate = p
    while len(chosen) < cohorts and (first is None or candidate >= first):
        if is_mature(candidate, p.end, maturity_months):
            chosen.append(candidate)
        candidate = candidate.shift(-1)
        if first is None and p.index - candidate.index > 4 * 50:  # no data bound: stop after fifty years
            break
    return Window(period=p, cohorts=tuple(reversed(chosen)))
