"""Disclosure control: how a true figure becomes the text of a published cell.

Every published count, rate, index and money total passes through one of the
functions here, with the thresholds of ``publish/parameters.yaml``:

- counts are rounded to the nearest 5; true counts of 1 or 2 show ``[low]``;
- a rate or index shows ``[c]`` when it is computed over fewer than 20 people
  or its numerator is 1 or 2, decided on the *unrounded* values;
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
    Rates are computed from the true integer counts with exact fractions, and
    indices from the warehouse's float through ``Decimal(repr(x))``, both
    rounded half up. Python's ``round``/``format`` round half to even on the
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


def is_suppressed(numerator: int | None, denominator: int | None, parameters: ReleaseParameters) -> bool:
    """Whether a rate or index over these true counts must be shown as ``[c]``."""
    d = parameters.disclosure
    if denominator is not None and int(denominator) < d.min_denominator:
        return True
    return numerator is not None and int(numerator) in d.suppressed_numerators


def _fixed(value: Decimal, places: int) -> str:
    return str(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def rate_cell(numerator: int | None, denominator: int | None, parameters: ReleaseParameters) -> str:
    """The published text of numerator / denominator, a rate in 0-1 to 4 decimal places.

    ``[z]`` over nobody (a rate that cannot exist), ``[x]`` when a count is
    missing, ``[c]`` under the disclosure rule, else the exact fraction rounded
    half up.
    """
    s = parameters.symbols
    if denominator is not None and int(denominator) == 0:
        return s.not_applicable
    if numerator is None or denominator is None:
        return s.not_available
    if is_suppressed(numerator, denominator, parameters):
        return s.confidential
    exact = Decimal(int(numerator)) / Decimal(int(denominator))
    return _fixed(exact, parameters.formats.rate_decimal_places)


def index_cell(
    value: float | None, numerator: int | None, denominator: int | None, parameters: ReleaseParameters
) -> str:
    """The published text of an index or ratio (1.00 = the national position), 2 decimal places.

    Args:
        value: the warehouse's index; None when it has none (shown ``[x]``).
        numerator: the true count of outcomes the index is built on (suppression).
        denominator: the true number of people it is computed over (suppression);
            0 gives ``[z]``.
        parameters: the release parameters.
    """
    s = parameters.symbols
    if denominator is not None and int(denominator) == 0:
        return s.not_applicable
    if is_suppressed(numerator, denominator, parameters):
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
