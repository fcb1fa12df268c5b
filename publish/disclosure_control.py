"""Disclosure control: how a true figure becomes the text of a published cell.

Every published count, rate, index and money total passes through one of the
functions here, with the thresholds of ``publish/parameters.yaml``:

- counts are rounded to the nearest 5; true counts of 1 or 2 show ``[low]``;
- a rate is a percentage computed from the *published* (rounded) counts and
  shows ``[c]`` when its rounded denominator is below 20 or its numerator is
  ``[low]``;
- an index is computed from true figures and shows ``[c]`` when its true
  actual count is 1 or 2 or its expected count is below 10;
- a group's or cohort's row of 1 to 9 people shows ``[c]`` for every figure;
- money is rounded to the nearest £10,000;
- ``[x]`` where the warehouse has no value, ``[z]`` where a figure cannot
  exist (a rate over nobody, the stars of an unrated contract);
- text that a spreadsheet would execute is made inert with a leading ``'``.

It also names the columns that must never be published (person-level
identifiers and exact dates), for the release writer and the quality gate:
the identifiers are the definitions' personal and identifying fields
(``contracts_schema``), the dates any column named like one.

Not for: reading the warehouse, choosing which rows are published, or
writing files. Disclosure control happens when a release is prepared, never
in the warehouse.

Notes:
    Rates are computed from the published integer counts with exact
    fractions, and indices from the warehouse's float through
    ``Decimal(repr(x))``, both rounded half up. Python's ``round``/``format`` round half to even on the
    binary value, which would make 0.125 and 0.135 round differently and let
    float noise decide a published digit.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import overload

from contracts_schema import load_registry
from publish.parameters import ReleaseParameters

#: Spreadsheet formula triggers: a cell starting with one of these is executed by Excel & co.
INERT_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

#: Columns that identify a person or their record (the NINO and its pseudonym, the date of birth
#: and the age kept instead, a record's own reference, the employer, the home area), as the
#: definitions mark them. None may appear in any published file.
PERSONAL_COLUMNS = load_registry().identifying_columns
#: Exact dates: any column named like a date (``referral_date``, ``verified_on``, ``spell_start``...).
PERSONAL_COLUMN_PATTERN = re.compile(r"(?:^|_)(?:date|dob|birth|nino)(?:_|$)|_on$|^spell_|_start$|_end$")


def is_personal_column(name: str) -> bool:
    """Whether a column name is a person-level identifier or an exact event date."""
    lowered = name.lower()
    return lowered in PERSONAL_COLUMNS or bool(PERSONAL_COLUMN_PATTERN.search(lowered))


@overload
def inert_text(value: str) -> str: ...
@overload
def inert_text(value: None) -> None: ...
def inert_text(value: str | None) -> str | None:
    """Prefix a text that a spreadsheet would execute with ``'``.

    Notes:
        Applied to every text cell (names, codes, reasons) but never to
        numbers: ``-0.5`` is a number, not a formula. Idempotent in the sense
        that matters: an already inert value starts with ``'`` and is left.
    """
    if value and value.startswith(INERT_TRIGGERS):
        return "'" + value
    return value


def round_count(true_count: int | None, parameters: ReleaseParameters) -> str:
    """The published text of a count: nearest multiple of the base, ``[low]`` for 1-2.

    Args:
        true_count: the unrounded count from the warehouse; None when it has none.
        parameters: the release parameters (rounding base, low range, symbols).
    """
    d, s = parameters.disclosure, parameters.symbols
    if true_count is None:
        return s.not_available
    true_count = int(true_count)
    if true_count < 0:
        raise ValueError(f"a count cannot be negative: {true_count}")
    if d.low_count_min <= true_count <= d.low_count_max:
        return s.low
    base = d.count_rounding_base
    # Integer arithmetic: nearest multiple, halves up (no halves exist for an odd base).
    return str(((true_count * 2 + base) // (2 * base)) * base)


def is_small_group(true_referrals: int | None, parameters: ReleaseParameters) -> bool:
    """Whether a group's or cohort's row must show ``[c]`` for every figure, counts included."""
    d = parameters.disclosure
    return true_referrals is not None and d.small_group_min <= int(true_referrals) <= d.small_group_max


def count_value(cell: str, parameters: ReleaseParameters) -> int | None:
    """The number a published count cell shows, or None when it shows a symbol."""
    if cell in parameters.symbols.all:
        return None
    return int(cell)


def _fixed(value: Decimal, places: int) -> str:
    return str(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def rate_cell(numerator: str, denominator: str, parameters: ReleaseParameters) -> str:
    """A rate as a percentage, computed from two *published* count cells alone.

    Computed from what a reader sees, never from the true counts, so the rate
    adds nothing a reader could use to undo the rounding; anyone can recompute
    it from the table. ``[z]`` over nobody (a published 0 is a true zero),
    ``[x]`` when a count is not available, ``[c]`` when a count is
    confidential, the denominator is below the minimum (a ``[low]``
    denominator included) or the numerator is ``[low]`` (its true value is 1
    or 2); else 100 x numerator / denominator rounded half up.
    """
    s, d = parameters.symbols, parameters.disclosure
    if s.not_available in (numerator, denominator):
        return s.not_available
    if denominator == "0":
        return s.not_applicable
    if s.confidential in (numerator, denominator) or s.low in (numerator, denominator):
        return s.confidential
    top, bottom = int(numerator), int(denominator)
    if bottom < d.min_denominator:
        return s.confidential
    exact = Decimal(100 * top) / Decimal(bottom)
    return _fixed(exact, parameters.formats.rate_decimal_places)


def index_cell(
    value: float | None,
    actual: int | None,
    expected: float | None,
    parameters: ReleaseParameters,
    *,
    people: int | None = None,
) -> str:
    """The published text of an index or ratio (1.00 = the national position), from true figures.

    Its expected count is never published, so the index cannot give the true
    count back; it is suppressed where it rests on too little.

    Args:
        value: the warehouse's index; None when it has none (shown ``[x]``).
        actual: the true count of outcomes the index is built on; ``[c]`` when
            it is one of the suppressed numerators. None for a ratio not built
            on counted outcomes (an inspection grade, a satisfaction score).
        expected: the expected count under it; ``[c]`` below the minimum.
        parameters: the release parameters.
        people: the people it is computed over; 0 gives ``[z]``.
    """
    s, d = parameters.symbols, parameters.disclosure
    if people is not None and int(people) == 0:
        return s.not_applicable
    if actual is not None and int(actual) in d.suppressed_numerators:
        return s.confidential
    if expected is not None and float(expected) < d.min_expected_outcomes:
        return s.confidential
    if value is None:
        return s.not_available
    if value < 0:
        raise ValueError(f"an index cannot be negative: {value}")
    return _fixed(Decimal(repr(float(value))), parameters.formats.index_decimal_places)


def money_cell(amount_gbp: float | None, payments: int | None, parameters: ReleaseParameters) -> str:
    """The published text of a money total in whole pounds, rounded to the money base.

    ``[c]`` when the total is made up of a suppressed number of payments (one
    or two fees would reveal how many people were paid, since fees are public).
    """
    s, d = parameters.symbols, parameters.disclosure
    if amount_gbp is None or payments is None:
        return s.not_available
    if int(payments) in d.suppressed_numerators:
        return s.confidential
    base = Decimal(d.money_rounding_base_gbp)
    rounded = (Decimal(repr(float(amount_gbp))) / base).quantize(Decimal(1), rounding=ROUND_HALF_UP) * base
    return str(int(rounded))


def whole_number_cell(value: int | None, parameters: ReleaseParameters, *, applicable: bool = True) -> str:
    """A whole number that is not a count of people (stars, a rank): shown as it is."""
    if not applicable:
        return parameters.symbols.not_applicable
    if value is None:
        return parameters.symbols.not_available
    return str(int(value))


def text_cell(value: str | None, parameters: ReleaseParameters, *, applicable: bool = True) -> str:
    """A text cell, made inert; ``[z]`` when not applicable and ``[x]`` when missing."""
    if not applicable:
        return parameters.symbols.not_applicable
    if value is None or value == "":
        return parameters.symbols.not_available
    return inert_text(str(value))
