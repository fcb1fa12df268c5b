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

    @property
    def all(self) -> tuple[str, ...]:
        return (self.confidential, self.low, self.not_available, self.not_applicable)


@dataclass(frozen=True)
class Disclosure:
    count_rounding_base: int
    low_count_min: int
    low_count_max: int
    min_denominator: int
    suppressed_numerators: tuple[int, ...]
    money_rounding_base_gbp: int


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
                f"a rate or index over fewer people than this is shown as {s.confidential}",
            ),
            (
                "suppressed_numerators",
                ", ".join(str(n) for n in d.suppressed_numerators),
                f"a rate or index whose numerator is one of these is shown as {s.confidential}",
            ),
            (
                "money_rounding_base_gbp",
                str(d.money_rounding_base_gbp),
                "money totals are rounded to the nearest multiple of this many pounds",
            ),
            ("rate_decimal_places", str(f.rate_decimal_places), "decimal places of every rate"),
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
        money_rounding_base_gbp=int(d["money_rounding_base_gbp"]),
    )
    s = raw["symbols"]
    symbols = Symbols(
        confidential=s["confidential"],
        low=s["low"],
        not_available=s["not_available"],
        not_applicable=s["not_applicable"],
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
    )
