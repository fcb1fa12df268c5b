"""The release's tables and columns: the single definition every release file is derived from.

Each published table is a :class:`ReleaseTable` of :class:`Column` s. A column
has a *kind* (count, rate, index, stars, code, ...) that decides, in one
place, its Table Schema type, its Parquet type, the symbols it may carry, the
pattern the quality gate holds it to, and the sentence on disclosure control
that ends its description. Its description repeats the dbt project's words
for the warehouse column it comes from (``dbt=(model, column)``), followed by
what the release adds; code lists come from ``contracts_schema``.

The writer, ``datapackage.json``, ``methodology.md`` and the quality gate all
read these objects, so a column added here appears everywhere at once and a
test that walks them catches a description that no longer resolves.

Not for: SQL (``publish.figures``), the rules of rounding and suppression
(``publish.disclosure_control``), or file formats (``publish.writers``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from publish.dbt_descriptions import column_description
from publish.parameters import ReleaseParameters

if TYPE_CHECKING:
    from contracts_schema.registry import Registry

#: The dimensions of ``performance_by_group``, in the order of the parking mart.
GROUP_DIMENSIONS = ("customer_group", "impairment_group", "age_band", "sex", "ethnicity")
#: The value of ``impairment_group`` for people without one (the parking mart's own code).
NO_IMPAIRMENT = "NONE"
#: The code of a total row in ``national_summary``.
TOTAL = "ALL"
UNIT_TYPES = ("CONTRACT", "PRIME")
RATING_STATUSES = ("RATED", "NOT_RATED")


@dataclass(frozen=True)
class Kind:
    """What a kind of column is, for every derived artefact.

    Attributes:
        schema_type: Table Schema type (``integer``, ``number``, ``string``).
        parquet: ``int64``, ``string``, ``rate`` or ``index`` (decimals of fixed scale).
        symbols: which GSS symbols (by :class:`publish.parameters.Symbols` attribute) may stand in a cell.
        value_pattern: regex of a non-symbol cell, or None for free text; ``{count}`` and
            ``{money}`` are filled with the multiples the rounding allows.
        disclosure_note: sentence appended to the description; formatted with the parameters.
    """

    schema_type: str
    parquet: str
    symbols: tuple[str, ...]
    value_pattern: str | None
    disclosure_note: str = ""


KINDS: dict[str, Kind] = {
    "period": Kind("string", "string", (), r"\d{{4}}Q[1-4]"),
    "identifier": Kind("string", "string", (), None),
    "name": Kind(
        "string",
        "string",
        ("not_available",),
        None,
        "Text from outside the department: a value that a spreadsheet would run as a formula "
        "starts with an apostrophe. {not_available} where unknown.",
    ),
    "code": Kind("string", "string", ("not_available", "not_applicable"), None),
    "text": Kind(
        "string",
        "string",
        ("not_available", "not_applicable"),
        None,
        "{not_applicable} where not applicable.",
    ),
    "count": Kind(
        "integer",
        "int64",
        ("low", "not_available"),
        "{count}",
        "Rounded to the nearest {count_rounding_base}; {low} when the true count is "
        "{low_count_min} to {low_count_max} (so a published 0 is a true zero).",
    ),
    "rate": Kind(
        "number",
        "rate",
        ("confidential", "not_available", "not_applicable"),
        r"(?:0\.\d{{{rate_places}}}|1\.0{{{rate_places}}})",
        "A proportion from 0 to 1 to {rate_decimal_places} decimal places, computed from unrounded "
        "counts; {confidential} when computed over fewer than {min_denominator} people or from "
        "{suppressed_numerators} outcomes, {not_applicable} when there is nobody to compute it over.",
    ),
    "index": Kind(
        "number",
        "index",
        ("confidential", "not_available", "not_applicable"),
        r"(?:0|[1-9]\d*)\.\d{{{index_places}}}",
        "1.00 is the national position; {index_decimal_places} decimal places; {confidential} "
        "when computed over fewer than {min_denominator} people or from {suppressed_numerators} "
        "outcomes, {not_available} when the warehouse has no value, {not_applicable} when there "
        "is nobody to compute it over.",
    ),
    "stars": Kind(
        "integer",
        "int64",
        ("not_available", "not_applicable"),
        r"[1-5]",
        "{not_applicable} when not rated, {not_available} when there is no rating.",
    ),
    "rank": Kind(
        "integer",
        "int64",
        ("not_available", "not_applicable"),
        r"[1-9]\d*",
        "{not_applicable} when not rated.",
    ),
    "money": Kind(
        "integer",
        "int64",
        ("confidential", "not_available"),
        "{money}",
        "Whole pounds rounded to the nearest {money_rounding_base_gbp}; {confidential} when made "
        "up of {suppressed_numerators} payments.",
    ),
}


@dataclass(frozen=True)
class Column:
    """One published column.

    Attributes:
        name: the column's name in every file (a public interface: never renamed).
        kind: a key of :data:`KINDS`.
        dbt: (model, column) of the warehouse column whose description this repeats.
        description: the release's own words, used alone or after the dbt description.
        codes: names of code lists whose values are the column's allowed values
            (``contracts_schema`` lists, or the vocabularies the release adds).
        with_total: the column also carries :data:`TOTAL` (a total row).
    """

    name: str
    kind: str
    dbt: tuple[str, str] | None = None
    description: str = ""
    codes: tuple[str, ...] = ()
    with_total: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.name}: unknown kind {self.kind!r}")
        if not self.dbt and not self.description:
            raise ValueError(f"{self.name}: a column needs a dbt description or its own")

    @property
    def spec(self) -> Kind:
        return KINDS[self.kind]

    def full_description(self, parameters: ReleaseParameters) -> str:
        """dbt's words, then the release's, then the disclosure sentence of the kind."""
        parts = []
        if self.dbt:
            parts.append(column_description(*self.dbt))
        if self.description:
            parts.append(self.description)
        note = self.spec.disclosure_note
        if note:
            parts.append(note.format(**_note_values(parameters)))
        return " ".join(p.strip() for p in parts if p.strip())


@dataclass(frozen=True)
class ReleaseTable:
    """One published table: a CSV and a Parquet file with the same rows, sorted by ``key``."""

    name: str
    title: str
    description: str
    key: tuple[str, ...]
    columns: tuple[Column, ...] = field(default_factory=tuple)

    @cached_property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    def columns_of_kind(self, *kinds: str) -> list[str]:
        return [c.name for c in self.columns if c.kind in kinds]


def _note_values(parameters: ReleaseParameters) -> dict[str, object]:
    d, s, f = parameters.disclosure, parameters.symbols, parameters.formats
    return {
        "count_rounding_base": d.count_rounding_base,
        "low_count_min": d.low_count_min,
        "low_count_max": d.low_count_max,
        "min_denominator": d.min_denominator,
        "suppressed_numerators": " or ".join(str(n) for n in d.suppressed_numerators),
        "money_rounding_base_gbp": d.money_rounding_base_gbp,
        "rate_decimal_places": f.rate_decimal_places,
        "index_decimal_places": f.index_decimal_places,
        "confidential": s.confidential,
        "low": s.low,
        "not_available": s.not_available,
        "not_applicable": s.not_applicable,
    }


def _multiples_pattern(base: int) -> str:
    """Regex of the decimal numerals of the non-negative multiples of ``base``, no leading zeros.

    A number is a multiple of ``base`` exactly when its last k digits are, for
    the smallest k with ``base`` dividing 10**k; so the pattern lists those
    k-digit endings after a non-zero lead, plus the multiples shorter than that.
    """
    k = next((k for k in range(1, 10) if 10**k % base == 0), None)
    if k is None:
        raise ValueError(f"rounding base {base} does not divide a power of ten")
    endings = "|".join(f"{m:0{k}d}" for m in range(0, 10**k, base))
    short = [str(m) for m in range(base, 10**k, base)]
    return "(?:" + "|".join(["0", rf"[1-9]\d*(?:{endings})", *short]) + ")"


def cell_pattern(column: Column, parameters: ReleaseParameters) -> str | None:
    """The full-match regex a written cell of this column must meet, symbols included; None for free text."""
    spec = column.spec
    if spec.value_pattern is None:
        return None
    value = spec.value_pattern.format(
        count=_multiples_pattern(parameters.disclosure.count_rounding_base),
        money=_multiples_pattern(parameters.disclosure.money_rounding_base_gbp),
        rate_places=parameters.formats.rate_decimal_places,
        index_places=parameters.formats.index_decimal_places,
    )
    symbols = [re.escape(getattr(parameters.symbols, s)) for s in spec.symbols]
    # \Z, not $: "$" would also accept a value followed by a newline.
    return "^(?:" + "|".join([value, *symbols]) + r")\Z"


def allowed_symbols(column: Column, parameters: ReleaseParameters) -> list[str]:
    return [getattr(parameters.symbols, s) for s in column.spec.symbols]


# --- the tables --------------------------------------------------------------------------

_WINDOW = "Over the referral cohorts of the rating window that ends in the period."

PERIOD = Column(
    "period",
    "period",
    description=("Release period YYYYQn: the rating quarter whose rating window the figures cover."),
)

CONTRACT_PERFORMANCE = ReleaseTable(
    name="contract_performance",
    title="Contract performance",
    description=(
        "One row per contract that was live in the period or ended within the year before it: who holds it, "
        "where, and how it performed over the rating window (the four most recent mature referral cohorts), "
        "with its like-for-like index and star rating."
    ),
    key=("period", "contract_id"),
    columns=(
        PERIOD,
        Column("contract_id", "identifier", dbt=("mart_star_ratings", "contract_id")),
        Column("programme", "code", dbt=("fct_cohort_performance", "programme"), codes=("programme",)),
        Column("prime_ukprn", "identifier", dbt=("mart_star_ratings", "prime_ukprn")),
        Column("prime_name", "name", dbt=("mart_market_share", "prime_name")),
        Column("cpa_id", "identifier", dbt=("stg_lake__contract_package_areas", "cpa_id")),
        Column("cpa_name", "name", dbt=("stg_lake__contract_package_areas", "cpa_name")),
        Column("nation", "code", dbt=("fct_participants", "nation"), codes=("nation",)),
        Column("referrals", "count", dbt=("fct_expected_outcomes", "participants")),
        Column("starts", "count", dbt=("fct_cohort_performance", "starts"), description=_WINDOW),
        Column("job_outcomes", "count", dbt=("fct_cohort_performance", "job_outcomes"), description=_WINDOW),
        Column(
            "sustained_26w_outcomes",
            "count",
            dbt=("fct_cohort_performance", "sustained_26w_outcomes"),
            description=_WINDOW,
        ),
        Column("job_outcome_rate", "rate", dbt=("fct_cohort_performance", "job_outcome_rate")),
        Column("sustained_outcome_rate", "rate", dbt=("fct_cohort_performance", "sustained_outcome_rate")),
        Column("like_for_like_index", "index", dbt=("fct_expected_outcomes", "like_for_like_index")),
        Column("star_rating", "stars", dbt=("mart_star_ratings", "stars"), description="In the period."),
        Column("star_rating_previous", "stars", dbt=("mart_star_ratings", "previous_stars")),
    ),
)

PERFORMANCE_BY_GROUP = ReleaseTable(
    name="performance_by_group",
    title="Contract performance by participant group",
    description=(
        "One row per contract, characteristic (customer group, impairment group, age band, sex, ethnicity) "
        "and value of it, over the rating window: referrals, sustained outcomes, their rate and the group's "
        "like-for-like index. Shows whether a contract serves some groups much worse than others "
        "(parking)."
    ),
    key=("period", "contract_id", "group_dimension", "group_value"),
    columns=(
        PERIOD,
        Column("contract_id", "identifier", dbt=("mart_parking_indicators", "contract_id")),
        Column(
            "group_dimension",
            "code",
            dbt=("mart_parking_indicators", "group_dimension"),
            codes=("group_dimension",),
        ),
        Column("group_value", "code", dbt=("mart_parking_indicators", "group_value"), codes=("group_value",)),
        Column("referrals", "count", dbt=("mart_parking_indicators", "participants")),
        Column("sustained_26w_outcomes", "count", dbt=("mart_parking_indicators", "actual_outcomes")),
        Column("sustained_outcome_rate", "rate", description="sustained_26w_outcomes / referrals."),
        Column("like_for_like_index", "index", dbt=("mart_parking_indicators", "group_index")),
    ),
)

STAR_RATINGS = ReleaseTable(
    name="star_ratings",
    title="Star ratings of contracts and prime providers",
    description=(
        "One row per contract, and per prime provider over all its contracts, and rating quarter up to the "
        "period: each domain ratio, the composite, the stars, or NOT_RATED with its reason."
    ),
    key=("period", "unit_type", "unit_id"),
    columns=(
        Column("period", "period", dbt=("mart_star_ratings", "rating_quarter")),
        Column(
            "unit_type",
            "code",
            codes=("unit_type",),
            description=(
                "CONTRACT for a contract's rating, PRIME for the rating of a prime provider over all its "
                "contracts."
            ),
        ),
        Column(
            "unit_id", "identifier", description="contract_id of a CONTRACT row, prime_ukprn of a PRIME row."
        ),
        Column("prime_ukprn", "identifier", dbt=("mart_star_ratings", "prime_ukprn")),
        Column("prime_name", "name", dbt=("mart_market_share", "prime_name")),
        Column("referrals_in_window", "count", dbt=("mart_star_ratings", "referrals_in_window")),
        Column("outcomes_ratio", "index", dbt=("mart_star_ratings", "outcomes_ratio")),
        Column("value_for_money_ratio", "index", dbt=("mart_star_ratings", "value_for_money_ratio")),
        Column("quality_ratio", "index", dbt=("mart_star_ratings", "quality_ratio")),
        Column("customer_experience_ratio", "index", dbt=("mart_star_ratings", "customer_experience_ratio")),
        Column("composite", "index", dbt=("mart_star_ratings", "composite")),
        Column("stars", "stars", dbt=("mart_star_ratings", "stars")),
        Column("rating_status", "code", dbt=("mart_star_ratings", "rating_status"), codes=("rating_status",)),
        Column("not_rated_reason", "text", dbt=("mart_star_ratings", "not_rated_reason")),
        Column(
            "rank", "rank", dbt=("mart_star_ratings", "rank"), description="Among units of the same type."
        ),
        Column("previous_stars", "stars", dbt=("mart_star_ratings", "previous_stars")),
    ),
)

NATIONAL_SUMMARY = ReleaseTable(
    name="national_summary",
    title="National summary by nation and customer group",
    description=(
        "Totals of the contracts in contract_performance by nation and customer group, with ALL rows for "
        "the totals: referrals, starts and outcomes over the rating window, their rates, and the payments "
        "falling due to primes in the period. Each total is rounded from its true value, so it can differ "
        "from the sum of rounded rows by a few."
    ),
    key=("period", "nation", "customer_group"),
    columns=(
        PERIOD,
        Column(
            "nation",
            "code",
            dbt=("fct_participants", "nation"),
            codes=("nation",),
            with_total=True,
            description="ALL for the United Kingdom total.",
        ),
        Column(
            "customer_group",
            "code",
            dbt=("fct_participants", "customer_group"),
            codes=("customer_group",),
            with_total=True,
            description="ALL for every customer group together.",
        ),
        Column("referrals", "count", dbt=("fct_cohort_performance", "referrals"), description=_WINDOW),
        Column("starts", "count", dbt=("fct_cohort_performance", "starts"), description=_WINDOW),
        Column("job_outcomes", "count", dbt=("fct_cohort_performance", "job_outcomes"), description=_WINDOW),
        Column(
            "sustained_26w_outcomes",
            "count",
            dbt=("fct_cohort_performance", "sustained_26w_outcomes"),
            description=_WINDOW,
        ),
        Column("job_outcome_rate", "rate", dbt=("fct_cohort_performance", "job_outcome_rate")),
        Column("sustained_outcome_rate", "rate", dbt=("fct_cohort_performance", "sustained_outcome_rate")),
        Column(
            "payments_made_gbp",
            "money",
            description=(
                "Payments made to primes in the period: start fees of participants who started in it and "
                "fees of verified outcome claims falling due in it (as mart_contract_review's "
                "payments_due_gbp)."
            ),
        ),
    ),
)

REVISIONS = ReleaseTable(
    name="revisions",
    title="Revisions since the previous version",
    description=(
        "Every published figure of this version that differs from the previous version of the same period: "
        "one row per table, row key and column, with the old and the new cell as published. Only in "
        "version 2 and later; no Parquet twin."
    ),
    key=("table", "key", "column"),
    columns=(
        Column("table", "code", codes=("release_table",), description="The table the figure is in."),
        Column(
            "key",
            "identifier",
            description=(
                "The row's key as name=value pairs joined by '; ' in the order of the table's primary key."
            ),
        ),
        Column("column", "identifier", description="The column of the figure."),
        Column("old", "identifier", description="The cell in the previous version; [z] when the row is new."),
        Column("new", "identifier", description="The cell in this version; [z] when the row was removed."),
    ),
)

#: The data tables of every release, in the order of the spec.
DATA_TABLES: tuple[ReleaseTable, ...] = (
    CONTRACT_PERFORMANCE,
    PERFORMANCE_BY_GROUP,
    STAR_RATINGS,
    NATIONAL_SUMMARY,
)
ALL_TABLES: tuple[ReleaseTable, ...] = (*DATA_TABLES, REVISIONS)


def table(name: str) -> ReleaseTable:
    for t in ALL_TABLES:
        if t.name == name:
            return t
    raise KeyError(name)


def vocabularies(age_bands: list[str], registry: Registry | None = None) -> dict[str, list[str]]:
    """Allowed values of every code column: ``contracts_schema`` code lists plus the release's own.

    Args:
        age_bands: the ``age_bands`` seed's bands as the warehouse used them.
        registry: the definitions whose code lists count (by default the package's own).
    """
    from contracts_schema import load_registry

    code_lists = {name: list(cl.values) for name, cl in (registry or load_registry()).code_lists.items()}
    group_values = {
        "customer_group": code_lists["customer_group"],
        "impairment_group": [*code_lists["impairment_group"], NO_IMPAIRMENT],
        "age_band": list(age_bands),
        "sex": code_lists["sex"],
        "ethnicity": code_lists["ethnicity"],
    }
    return {
        **code_lists,
        "group_dimension": list(GROUP_DIMENSIONS),
        # One list for every dimension: a value's meaning depends on group_dimension.
        "group_value": sorted({v for values in group_values.values() for v in values}),
        "unit_type": list(UNIT_TYPES),
        "rating_status": list(RATING_STATUSES),
        "release_table": [t.name for t in DATA_TABLES],
    }


def allowed_values(column: Column, vocabulary: dict[str, list[str]]) -> list[str] | None:
    """The enum of a code column (total code first when it has one), or None."""
    if not column.codes:
        return None
    values: list[str] = [TOTAL] if column.with_total else []
    for name in column.codes:
        values += [v for v in vocabulary[name] if v not in values]
    return values
