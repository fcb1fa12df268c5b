"""Calendar quarters ``YYYYQn``: parsing, bounds and arithmetic, defined once.

Provider returns, releases, Dagster partitions, the synthetic world and the
portal all name quarters this way; the dbt models number them with the same
index (``year * 4 + quarter - 1``).

Not for: the programme's own windows and lags (cohorts, grace periods); those
are data (dbt seeds).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

#: The pattern of a quarter's name, for JSON/Table Schema ``pattern`` fields and regexes.
PERIOD_REGEX = r"[0-9]{4}Q[1-4]"
PERIOD_PATTERN = re.compile(rf"^{PERIOD_REGEX}$")


@dataclass(frozen=True, order=True)
class Period:
    """A calendar quarter ``YYYYQn`` with its first and last day."""

    code: str
    start: dt.date
    end: dt.date

    @classmethod
    def parse(cls, code: str) -> Period:
        """``2026Q2`` (surrounding spaces and a lower-case ``q`` forgiven) or a clear ``ValueError``."""
        text = code.strip().upper()
        if not PERIOD_PATTERN.match(text):
            raise ValueError(f"{code!r} is not a period of the form YYYYQn, for example 2026Q2")
        return cls.from_index(int(text[:4]) * 4 + int(text[5]) - 1)

    @classmethod
    def from_index(cls, index: int) -> Period:
        """The quarter numbered ``year * 4 + quarter - 1`` (the warehouse's quarter index)."""
        year, q0 = divmod(index, 4)
        start = dt.date(year, 3 * q0 + 1, 1)
        end = (dt.date(year + 1, 1, 1) if q0 == 3 else dt.date(year, 3 * q0 + 4, 1)) - dt.timedelta(days=1)
        return cls(f"{year}Q{q0 + 1}", start, end)

    @classmethod
    def containing(cls, day: dt.date) -> Period:
        """The quarter a day falls in."""
        return cls.from_index(day.year * 4 + (day.month - 1) // 3)

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def quarter(self) -> int:
        return (self.start.month - 1) // 3 + 1

    @property
    def index(self) -> int:
        """``year * 4 + quarter - 1``: consecutive quarters differ by one."""
        return self.year * 4 + self.quarter - 1

    def shift(self, quarters: int) -> Period:
        """The quarter ``quarters`` later (earlier when negative)."""
        return Period.from_index(self.index + quarters)

    def __str__(self) -> str:
        return self.code


def is_period(text: str) -> bool:
    """True when ``text`` is exactly a quarter's name ``YYYYQn``."""
    return bool(PERIOD_PATTERN.match(text))
