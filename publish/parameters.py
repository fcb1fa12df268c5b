"""The release's own parameters, loaded once from ``publish/parameters.yaml``.

Disclosure thresholds, GSS symbols, number formats and the Data Package's
metadata live in that one YAML file (the thresholds live in one place); this
module only reads it into small frozen objects so that disclosure control, the
quality gate, the Table Schemas and ``methodology.md`` all read the same
values.

Not for: the measures' parameters (windows, star bands, weights), nor which
contracts a release covers (the ``release_coverage`` seed, applied where the
release's tables are shaped, in the ``pub_*`` models). Those are dbt seeds and
are read from the warehouse's ``seeds`` schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

PARAMETERS_FILE = Path(__file__).with_name("parameters.yaml")


@dataclass(frozen=True)
class Symbols:
    """GSS symbols: what a published cell shows instead of a number."""

    confidential: str
    low: str
    not_available: str
    not_applicable: str
    #: A qualifier: it never replaces a value, it goes in the ``<column>_marker`` column beside it.
    revised: str

    @property
    def all(self) -> tuple[str, ...]:
        """The symbols that replace a value (declared as missing values); qualifiers are not among them."""
        return (self.confidential, self.low, self.not_available, self.not_applicable)


@dataclass(frozen=True)
class Disclosure:
    count_rounding_base: int
    low_count_min: int
    low_count_max: int
    min_denominator: int
    suppressed_numerators: tuple[int, ...]
    min_expected_outcomes: int
    small_group_min: int
    small_group_max: int
    money_rounding_base_gbp: int
    min_suppressed_range_width: int

    @property
    def rounding_slack(self) -> int:
        """How far a published (rounded) count may be from its true value."""
        return self.count_rounding_base // 2


@dataclass(frozen=True)
class Formats:
    rate_decimal_places: int
    index_decimal_places: int


@dataclass(frozen=True)
class ReleaseParameters:
    disclosure: Disclosure
    symbols: Symbols
    formats: Formats
    package: dict[str, Any]
    roles: dict[str, str]

    @property
    def missing_values(self) -> list[str]:
        """Every string a reader must treat as "no number here", empty first (Table Schema)."""
        return ["", *self.symbols.all]

    def as_rows(self) -> list[tuple[str, str, str]]:
        """(name, value, meaning) for methodology.md: every disclosure and format setting."""
        d, s, f = self.disclosure, self.symbols, self.formats
        return [
            (
                "count_rounding_base",
                str(d.count_rounding_base),
                "every count is rounded to the nearest multiple of this",
            ),
            (
                "low_count_min .. low_count_max",
                f"{d.low_count_min} .. {d.low_count_max}",
                f"true counts in this range are shown as {s.low} (they round to zero)",
            ),
            (
                "min_denominator",
                str(d.min_denominator),
                f"a rate whose published (rounded) denominator is below this is shown as {s.confidential}",
            ),
            (
                "suppressed_numerators",
                ", ".join(str(n) for n in d.suppressed_numerators),
                f"a rate or index whose true numerator is one of these is shown as {s.confidential}",
            ),
            (
                "min_expected_outcomes",
                str(d.min_expected_outcomes),
                f"a like-for-like index whose expected count is below this is shown as {s.confidential}",
            ),
            (
                "small_group_min .. small_group_max",
                f"{d.small_group_min} .. {d.small_group_max}",
                f"a group or cohort with this many people shows {s.confidential} for every figure, "
                "counts included",
            ),
            (
                "money_rounding_base_gbp",
                str(d.money_rounding_base_gbp),
                "money totals are rounded to the nearest multiple of this many pounds",
            ),
            (
                "min_suppressed_range_width",
                str(d.min_suppressed_range_width),
                "the quality gate fails a release in which subtracting published figures from a published "
                f"total leaves a {s.confidential} cell a range of true values no wider than this",
            ),
            (
                "rate_decimal_places",
                str(f.rate_decimal_places),
                "decimal places of every rate, a percentage computed from the published counts",
            ),
            ("index_decimal_places", str(f.index_decimal_places), "decimal places of every index and ratio"),
        ]


@lru_cache(maxsize=1)
def release_parameters(path: Path = PARAMETERS_FILE) -> ReleaseParameters:
    """Load the release parameters (cached: they do not change while a process runs)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    d = raw["disclosure"]
    disclosure = Disclosure(
        count_rounding_base=int(d["count_rounding_base"]),
        low_count_min=int(d["low_count_min"]),
        low_count_max=int(d["low_count_max"]),
        min_denominator=int(d["min_denominator"]),
        suppressed_numerators=tuple(int(n) for n in d["suppressed_numerators"]),
        min_expected_outcomes=int(d["min_expected_outcomes"]),
        small_group_min=int(d["small_group_min"]),
        small_group_max=int(d["small_group_max"]),
        money_rounding_base_gbp=int(d["money_rounding_base_gbp"]),
        min_suppressed_range_width=int(d["min_suppressed_range_width"]),
    )
    s = raw["symbols"]
    symbols = Symbols(
        confidential=s["confidential"],
        low=s["low"],
        not_available=s["not_available"],
        not_applicable=s["not_applicable"],
        revised=s["revised"],
    )
    f = raw["formats"]
    formats = Formats(
        rate_decimal_places=int(f["rate_decimal_places"]), index_decimal_places=int(f["index_decimal_places"])
    )
    if disclosure.low_count_max * 2 >= disclosure.count_rounding_base:
        # A "low" count that rounds to the base instead of zero would be published as a number.
        raise ValueError("low_count_max must round to zero under count_rounding_base")
    return ReleaseParameters(
        disclosure=disclosure,
        symbols=symbols,
        formats=formats,
        package=raw["package"],
        roles={"preparer": str(raw["roles"]["preparer"]), "approver": str(raw["roles"]["approver"])},
    )
