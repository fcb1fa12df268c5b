"""The release's tables and columns: the single definition every release file is derived from.

Each published table is a :class:`ReleaseTable` of :class:`Column` s, read
from one contracted dbt model (``pub_*``, ``dbt_project/models/publication``)
that holds its unrounded figures. A column has a *kind* (count, rate, index,
stars, code, ...) that decides, in one place, its Table Schema type, its
Parquet type, the symbols it may carry, the pattern the quality gate holds it
to, and the sentence on disclosure control that ends its description. A
column read from the model is described by the model's YAML (through dbt's
manifest); a column the release derives itself (a rate from two counts) says
so (``derived_from``) and carries its own words. Code lists come from
``contracts_schema``.

The writer, ``datapackage.json``, ``methodology.md`` and the quality gate all
read these objects, so a column added here appears everywhere at once, and a
test holds every table to its model's contract (the same columns, each
typed and described).

Not for: SQL or which rows a table has (the ``pub_*`` models), the rules of
rounding and suppression (``publish.disclosure_control``), or file formats
(``publish.writers``).
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
        name: the column's name in every file (a public interface: never renamed), and in
            the table's ``pub_*`` model, whose YAML describes it.
        kind: a key of :data:`KINDS`.
        description: the release's own words, for a column that is not read from a model
            (a derived column, or a table without a model).
        derived_from: the model's columns the release computes this one from when it
            prepares a release (a rate's numerator and denominator); empty when it is read
            from the model as it is.
        codes: names of code lists whose values are the column's allowed values
            (``contracts_schema`` lists, or the vocabularies the release adds).
        with_total: the column also carries :data:`TOTAL` (a total row).
    """

    name: str
    kind: str
    description: str = ""
    derived_from: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    with_total: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.name}: unknown kind {self.kind!r}")
        if self.derived_from and not self.description:
            raise ValueError(f"{self.name}: a derived column needs the release's own description")

    @property
    def spec(self) -> Kind:
        return KINDS[self.kind]


@dataclass(frozen=True)
class ReleaseTable:
    """One published table: a CSV and a Parquet file with the same rows, sorted by ``key``.

    Attributes:
        model: the dbt model (schema ``publication``) that holds the table's true figures for
            every release period; None for a table the release makes itself (revisions).
        period_column: the model's column that says which release a row belongs to.
        inputs: the model's columns that disclosure control or the quality gate read but the
            release never publishes (the true counts under an index, ...).
    """

    name: str
    title: str
    description: str
    key: tuple[str, ...]
    columns: tuple[Column, ...] = field(default_factory=tuple)
    model: str | None = None
    period_column: str = "period"
    inputs: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for c in self.columns:
            if self.model and c.description and not c.derived_from:
                raise ValueError(f"{self.name}.{c.name}: described by {self.model}'s YAML, not here")
            if not self.model and not c.description:
                raise ValueError(f"{self.name}.{c.name}: a table without a model describes its columns")

    @cached_property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @cached_property
    def model_columns(self) -> list[str]:
        """The model's columns the release reads: the published ones it does not derive, then ``inputs``."""
        return [c.name for c in self.columns if not c.derived_from] + list(self.inputs)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    def columns_of_kind(self, *kinds: str) -> list[str]:
        return [c.name for c in self.columns if c.kind in kinds]

    def column_description(self, column: Column, parameters: ReleaseParameters) -> str:
        """The model's words for the column (or the release's own), then the disclosure sentence of its kind.

        Raises:
            publish.dbt_descriptions.DescriptionNotFound: the model does not describe the column.
        """
        if self.model and not column.derived_from:
            text = column_description(self.model, column.name)
        else:
            text = column.description
        parts = [text]
        note = column.spec.disclosure_note
        if note:
            parts.append(note.format(**_note_values(parameters)))
        return " ".join(p.strip() for p in parts if p.strip())


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
# Each data table's columns are its pub_* model's published columns, in the order of the file;
# their words are in dbt_project/models/publication/_publication__models.yml.

PERIOD = Column("period", "period")


def _rate(name: str, numerator: str, denominator: str) -> Column:
    """A rate the release computes from two true counts of the same row."""
    return Column(
        name, "rate", description=f"{numerator} / {denominator}.", derived_from=(numerator, denominator)
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
    model="pub_contract_performance",
    inputs=("index_people", "index_outcomes", "rating_status", "payments_due_gbp"),
    columns=(
        PERIOD,
        Column("contract_id", "identifier"),
        Column("programme", "code", codes=("programme",)),
        Column("prime_ukprn", "identifier"),
        Column("prime_name", "name"),
        Column("cpa_id", "identifier"),
        Column("cpa_name", "name"),
        Column("nation", "code", codes=("nation",)),
        Column("referrals", "count"),
        Column("starts", "count"),
        Column("job_outcomes", "count"),
        Column("sustained_26w_outcomes", "count"),
        _rate("job_outcome_rate", "job_outcomes", "referrals"),
        _rate("sustained_outcome_rate", "sustained_26w_outcomes", "referrals"),
        Column("like_for_like_index", "index"),
        Column("star_rating", "stars"),
        Column("star_rating_previous", "stars"),
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
    model="pub_performance_by_group",
    columns=(
        PERIOD,
        Column("contract_id", "identifier"),
        Column("group_dimension", "code", codes=("group_dimension",)),
        Column("group_value", "code", codes=("group_value",)),
        Column("referrals", "count"),
        Column("sustained_26w_outcomes", "count"),
        _rate("sustained_outcome_rate", "sustained_26w_outcomes", "referrals"),
        Column("like_for_like_index", "index"),
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
    model="pub_star_ratings",
    # a release holds the ratings of every quarter up to its own: period is the rating quarter
    period_column="release_period",
    inputs=("release_period", "index_people", "index_outcomes"),
    columns=(
        PERIOD,
        Column("unit_type", "code", codes=("unit_type",)),
        Column("unit_id", "identifier"),
        Column("prime_ukprn", "identifier"),
        Column("prime_name", "name"),
        Column("referrals_in_window", "count"),
        Column("outcomes_ratio", "index"),
        Column("value_for_money_ratio", "index"),
        Column("quality_ratio", "index"),
        Column("customer_experience_ratio", "index"),
        Column("composite", "index"),
        Column("stars", "stars"),
        Column("rating_status", "code", codes=("rating_status",)),
        Column("not_rated_reason", "text"),
        Column("rank", "rank"),
        Column("previous_stars", "stars"),
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
    model="pub_national_summary",
    inputs=("payments",),
    columns=(
        PERIOD,
        Column("nation", "code", codes=("nation",), with_total=True),
        Column("customer_group", "code", codes=("customer_group",), with_total=True),
        Column("referrals", "count"),
        Column("starts", "count"),
        Column("job_outcomes", "count"),
        Column("sustained_26w_outcomes", "count"),
        _rate("job_outcome_rate", "job_outcomes", "referrals"),
        _rate("sustained_outcome_rate", "sustained_26w_outcomes", "referrals"),
        Column("payments_made_gbp", "money"),
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

#: The data tables of every release, in the order they are listed in datapackage.json.
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
