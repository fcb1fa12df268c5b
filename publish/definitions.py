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

from contracts_schema import load_registry
from contracts_schema.published_ratings import UNIT_TYPES
from publish.dbt_descriptions import column_description, model_meta
from publish.parameters import ReleaseParameters

if TYPE_CHECKING:
    from contracts_schema.registry import Registry

_WAREHOUSE_CODES = load_registry().warehouse_codes
#: The dimensions of ``performance_by_group``, in the order of the definitions' code list.
GROUP_DIMENSIONS: tuple[str, ...] = tuple(_WAREHOUSE_CODES["group_dimension"].values)
#: The value of ``impairment_group`` for people without one (the parking mart's own code).
NO_IMPAIRMENT = "NONE"
#: The code of a total row (``national_summary``, ``cohort_performance``).
TOTAL = "ALL"
RATING_STATUSES: tuple[str, ...] = tuple(_WAREHOUSE_CODES["rating_status"].values)
#: ``cohort_status`` of ``cohort_performance``: the release's own code list, with its labels.
COHORT_STATUSES = {
    "FINAL": "Final: the cohort is mature (18 months have passed since its quarter ended, as at the end of "
    "the period) and its figures are complete",
    "PROVISIONAL": "Provisional: outcomes of the cohort are still to come, so its rates will rise",
}
#: Labels of the release's own codes that are in no code list of the definitions.
RELEASE_CODE_LABELS: dict[str, dict[str, str]] = {
    "unit_type": {
        "CONTRACT": "A contract's rating",
        "PRIME": "A prime provider's rating over all its contracts",
    },
    "cohort_status": COHORT_STATUSES,
    "total": {TOTAL: "All: the total of every value"},
}


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
        ("confidential", "low", "not_available"),
        "{count}",
        "Rounded to the nearest {count_rounding_base}; {low} when the true count is "
        "{low_count_min} to {low_count_max} (so a published 0 is a true zero); {confidential} in the "
        "row of a group or cohort of {small_group_min} to {small_group_max} people.",
    ),
    "rate": Kind(
        "number",
        "rate",
        ("confidential", "not_available", "not_applicable"),
        r"(?:100\.0{{{rate_places}}}|[1-9]?\d\.\d{{{rate_places}}})",
        "A percentage to {rate_decimal_places} decimal place(s), computed from the published (rounded) "
        "counts of the same row, so anyone can recompute it; {confidential} when the published "
        "denominator is below {min_denominator} or the numerator is {low}, {not_applicable} when "
        "there is nobody to compute it over.",
    ),
    "index": Kind(
        "number",
        "index",
        ("confidential", "not_available", "not_applicable"),
        r"(?:0|[1-9]\d*)\.\d{{{index_places}}}",
        "1.00 is the national position; {index_decimal_places} decimal places, computed from the true "
        "figures; {confidential} when it rests on {suppressed_numerators} outcomes or on fewer than "
        "{min_expected_outcomes} expected outcomes, {not_available} when there is no value, "
        "{not_applicable} when there is nobody to compute it over.",
    ),
    "quarters": Kind(
        "integer",
        "int64",
        ("not_available",),
        r"[0-9]",
        "",
    ),
    "marker": Kind(
        "string",
        "string",
        (),
        r"(?:|{revised})",
        "{revised} when the value was revised: it differs from what an earlier release published; "
        "empty otherwise.",
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
        "Whole pounds rounded to the nearest {money_rounding_base_gbp} (the fees are public, so an "
        "exact total would give counts back); {confidential} when made up of {suppressed_numerators} "
        "payments.",
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
            (a marker column, or a table without a model).
        derived: the release computes the column when it prepares a release instead of
            reading it from the model: a rate (its numerator, denominator and words are the
            model's ``meta.rates``, see :meth:`ReleaseTable.rate_inputs`) or a marker.
        codes: names of code lists whose values are the column's allowed values
            (``contracts_schema`` lists, or the vocabularies the release adds).
        with_total: the column also carries :data:`TOTAL` (a total row).
    """

    name: str
    kind: str
    description: str = ""
    derived: bool = False
    codes: tuple[str, ...] = ()
    with_total: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.name}: unknown kind {self.kind!r}")
        if self.kind == "rate" and not self.derived:
            raise ValueError(f"{self.name}: a rate is computed by the release from two published counts")

    @property
    def spec(self) -> Kind:
        return KINDS[self.kind]


class RateNotDeclared(LookupError):
    """A rate column whose numerator and denominator the model's ``meta.rates`` does not name."""


@dataclass(frozen=True)
class ReleaseTable:
    """One published table: a CSV and a Parquet file with the same rows, sorted by ``key``.

    Attributes:
        model: the dbt model (schema ``publication``) that holds the table's true figures for
            every release period; None for a table the release makes itself (revisions).
        period_column: the model's column that says which release a row belongs to; None
            for a model without periods (the code labels).
        inputs: the model's columns that disclosure control or the quality gate read but the
            release never publishes (the true counts under an index, ...).
        small_group_count: the count column whose true value decides whether a row is a
            small group's or cohort's (every figure ``[c]``); None for tables without such rows.
        parquet: whether the table also has a Parquet twin.
    """

    name: str
    title: str
    description: str
    key: tuple[str, ...]
    columns: tuple[Column, ...] = field(default_factory=tuple)
    model: str | None = None
    period_column: str | None = "period"
    inputs: tuple[str, ...] = ()
    small_group_count: str | None = None
    parquet: bool = True

    def __post_init__(self) -> None:
        for c in self.columns:
            if self.model and c.description and not c.derived:
                raise ValueError(f"{self.name}.{c.name}: described by {self.model}'s YAML, not here")
            if not self.model and not c.description:
                raise ValueError(f"{self.name}.{c.name}: a table without a model describes its columns")

    @cached_property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @cached_property
    def model_columns(self) -> list[str]:
        """The model's columns the release reads: the published ones it does not derive, then ``inputs``."""
        return [c.name for c in self.columns if not c.derived] + list(self.inputs)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    def columns_of_kind(self, *kinds: str) -> list[str]:
        return [c.name for c in self.columns if c.kind in kinds]

    def rate_inputs(self, column: Column | str) -> tuple[str, str]:
        """(numerator, denominator): the published count columns a rate is computed from.

        Declared once, in the model's ``meta.rates`` (dbt), and nowhere else.

        Raises:
            RateNotDeclared: the model does not name them, or names columns that are not
                published counts of the table.
        """
        name = column if isinstance(column, str) else column.name
        declared = self._rates().get(name) or {}
        numerator, denominator = declared.get("numerator"), declared.get("denominator")
        counts = self.columns_of_kind("count")
        if numerator not in counts or denominator not in counts:
            raise RateNotDeclared(
                f"{self.model} declares no numerator and denominator among its published counts for the "
                f"rate {self.name}.{name} (meta.rates.{name}: numerator, denominator, description)"
            )
        return str(numerator), str(denominator)

    def _rates(self) -> dict[str, dict[str, str]]:
        if not self.model:
            return {}
        return dict(model_meta(self.model).get("rates") or {})

    def column_description(self, column: Column, parameters: ReleaseParameters) -> str:
        """The model's words for the column (or the release's own), then the disclosure sentence of its kind.

        Raises:
            publish.dbt_descriptions.DescriptionNotFound: the model does not describe the column.
        """
        if column.description:
            text = column.description
        elif column.kind == "rate":
            numerator, denominator = self.rate_inputs(column)
            text = str(self._rates()[column.name].get("description") or "")
            text = f"{text} 100 x {numerator} / {denominator}.".strip()
        elif self.model:
            text = column_description(self.model, column.name)
        else:
            text = ""
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
        "min_expected_outcomes": d.min_expected_outcomes,
        "small_group_min": d.small_group_min,
        "small_group_max": d.small_group_max,
        "revised": s.revised,
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
        revised=re.escape(parameters.symbols.revised),
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
GSS_CODE = Column("nation_gss_code", "code", codes=("nation_gss_code",))


def _rate(name: str) -> Column:
    """A rate the release computes from two published counts the model's ``meta.rates`` names."""
    return Column(name, "rate", derived=True)


def _marker(name: str) -> Column:
    return Column(
        f"{name}_marker",
        "marker",
        derived=True,
        description=f"Qualifier of {name} (a value is never replaced here).",
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
    inputs=("index_people", "index_outcomes", "index_expected", "rating_status", "payments_due_gbp"),
    columns=(
        PERIOD,
        Column("contract_id", "identifier"),
        Column("programme", "code", codes=("programme",)),
        Column("prime_ukprn", "identifier"),
        Column("prime_name", "name"),
        Column("cpa_id", "identifier"),
        Column("cpa_name", "name"),
        Column("nation", "code", codes=("nation",)),
        GSS_CODE,
        Column("referrals", "count"),
        Column("starts", "count"),
        Column("job_outcomes", "count"),
        Column("sustained_26w_outcomes", "count"),
        _rate("job_outcome_rate"),
        _rate("sustained_outcome_rate"),
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
        "like-for-like index. Every value of every characteristic has a row, empty groups included, so a "
        "characteristic's rows add up to the contract. Shows whether a contract serves some groups much "
        "worse than others (parking)."
    ),
    key=("period", "contract_id", "group_dimension", "group_value"),
    model="pub_performance_by_group",
    inputs=("index_expected",),
    small_group_count="referrals",
    columns=(
        PERIOD,
        Column("contract_id", "identifier"),
        Column("group_dimension", "code", codes=("group_dimension",)),
        Column("group_value", "code", codes=("group_value",)),
        Column("referrals", "count"),
        Column("sustained_26w_outcomes", "count"),
        _rate("sustained_outcome_rate"),
        Column("like_for_like_index", "index"),
    ),
)

STAR_RATINGS = ReleaseTable(
    name="star_ratings",
    title="Star ratings of contracts and prime providers",
    description=(
        "One row per contract, and per prime provider over all its contracts, and rating quarter up to the "
        "period: each domain ratio, the composite, the stars, whether the outcomes ratio differs from the "
        "national position with confidence, and the stars as first published; or NOT_RATED with its reason."
    ),
    key=("period", "unit_type", "unit_id"),
    model="pub_star_ratings",
    # a release holds the ratings of every quarter up to its own: period is the rating quarter
    period_column="release_period",
    inputs=("release_period", "index_people", "index_outcomes", "index_expected", "published_rating_status"),
    columns=(
        PERIOD,
        Column("unit_type", "code", codes=("unit_type",)),
        Column("unit_id", "identifier"),
        Column("prime_ukprn", "identifier"),
        Column("prime_name", "name"),
        Column("referrals_in_window", "count"),
        Column("cohorts_in_window", "quarters"),
        Column("outcomes_ratio", "index"),
        Column("value_for_money_ratio", "index"),
        Column("quality_ratio", "index"),
        Column("customer_experience_ratio", "index"),
        Column("domains_used", "text"),
        Column("composite", "index"),
        Column("stars", "stars"),
        _marker("stars"),
        Column("rating_status", "code", codes=("rating_status",)),
        Column("not_rated_reason", "code", codes=("not_rated_reason",)),
        Column("rank", "rank"),
        Column("compared_with_national", "code", codes=("compared_with_national",)),
        Column("previous_stars", "stars"),
        Column("published_stars", "stars"),
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
    small_group_count="referrals",
    columns=(
        PERIOD,
        Column("nation", "code", codes=("nation",), with_total=True),
        GSS_CODE,
        Column("customer_group", "code", codes=("customer_group",), with_total=True),
        Column("referrals", "count"),
        Column("starts", "count"),
        Column("job_outcomes", "count"),
        Column("sustained_26w_outcomes", "count"),
        _rate("job_outcome_rate"),
        _rate("sustained_outcome_rate"),
        Column("payments_made_gbp", "money"),
    ),
)

COHORT_PERFORMANCE = ReleaseTable(
    name="cohort_performance",
    title="Performance by referral cohort",
    description=(
        "The time series: one row per referral cohort (the quarter people were referred in) since the "
        "first, contract and customer group, with ALL rows for a contract's whole cohort and national rows "
        "(contract_id ALL): referrals, starts, job outcomes within 12 months and sustained outcomes within "
        "18 months of referral counted so far, their rates, and whether the cohort's figures are final."
    ),
    key=("period", "referral_quarter", "contract_id", "customer_group"),
    model="pub_cohort_performance",
    inputs=("in_rating_window",),
    small_group_count="referrals",
    columns=(
        PERIOD,
        Column("referral_quarter", "period"),
        Column("contract_id", "identifier"),
        Column("customer_group", "code", codes=("customer_group",), with_total=True),
        Column("referrals", "count"),
        Column("starts", "count"),
        Column("job_outcomes", "count"),
        Column("sustained_26w_outcomes", "count"),
        _rate("job_outcome_rate"),
        _rate("sustained_outcome_rate"),
        Column("cohort_status", "code", codes=("cohort_status",)),
    ),
)

CODE_LABELS = ReleaseTable(
    name="code_labels",
    title="Codes and their labels",
    description="Every code any table of the release uses, with its plain-English label.",
    key=("list", "code"),
    model="pub_code_labels",
    period_column=None,
    parquet=False,
    columns=(
        Column("list", "identifier"),
        Column("code", "identifier"),
        Column("label", "text"),
    ),
)

REVISIONS = ReleaseTable(
    name="revisions",
    title="Revisions",
    description=(
        "Every star rating of an earlier quarter whose stars, recomputed now, differ from what that "
        "quarter's own release published (restated_rating; marked [r] in star_ratings); and in version 2 "
        "and later every published figure that differs from the previous version of the same period "
        "(previous_version): one row per table, row key and column, with the old and the new cell. "
        "No Parquet twin."
    ),
    key=("revision", "table", "key", "column"),
    parquet=False,
    columns=(
        Column(
            "revision",
            "code",
            codes=("revision",),
            description=(
                "restated_rating: a rating of an earlier quarter as that quarter's release published it "
                "(old) and as it is now (new); previous_version: a figure of the previous version (old) "
                "and of this one (new)."
            ),
        ),
        Column("table", "code", codes=("release_table",), description="The table the figure is in."),
        Column(
            "key",
            "identifier",
            description=(
                "The row's key as name=value pairs joined by '; ' in the order of the table's primary key."
            ),
        ),
        Column("column", "identifier", description="The column of the figure."),
        Column("old", "identifier", description="The cell as published before; [z] when the row is new."),
        Column("new", "identifier", description="The cell in this version; [z] when the row was removed."),
    ),
)

#: The data tables of every release, in the order they are listed in datapackage.json.
DATA_TABLES: tuple[ReleaseTable, ...] = (
    CONTRACT_PERFORMANCE,
    PERFORMANCE_BY_GROUP,
    STAR_RATINGS,
    NATIONAL_SUMMARY,
    COHORT_PERFORMANCE,
)
#: Every table of every release (revisions.csv is in every release, v1 included).
ALL_TABLES: tuple[ReleaseTable, ...] = (*DATA_TABLES, CODE_LABELS, REVISIONS)
#: The tables whose figures decide whether a new version is needed.
CONTENT_TABLES: tuple[ReleaseTable, ...] = (*DATA_TABLES, CODE_LABELS)
#: GSS codes of the nations (and K02000001, the United Kingdom, for the total row).
NATION_GSS_CODES = {"ENGLAND": "E92000001", "SCOTLAND": "S92000003", "WALES": "W92000004"}
UK_GSS_CODE = "K02000001"


def table(name: str) -> ReleaseTable:
    for t in ALL_TABLES:
        if t.name == name:
            return t
    raise KeyError(name)


def group_values(registry: Registry | None = None) -> dict[str, list[str]]:
    """Every value of every dimension of ``performance_by_group``, its "none" or "not stated" included."""
    registry = registry or load_registry()
    values: dict[str, list[str]] = {}
    for dimension in GROUP_DIMENSIONS:
        listed = list(registry.code_lists[dimension].values) if dimension in registry.code_lists else []
        extra = registry.warehouse_codes.get(dimension)
        values[dimension] = listed + [v for v in (extra.values if extra else []) if v not in listed]
    return values


def vocabularies(
    age_bands: list[str] | None = None, registry: Registry | None = None
) -> dict[str, list[str]]:
    """Allowed values of every code column: ``contracts_schema`` code lists plus the release's own.

    Args:
        age_bands: unused (the age bands are a code list of the definitions); kept for callers.
        registry: the definitions whose code lists count (by default the package's own).
    """
    registry = registry or load_registry()
    code_lists = {name: list(cl.values) for name, cl in registry.code_lists.items()}
    warehouse = {name: [str(v) for v in cl.values] for name, cl in registry.warehouse_codes.items()}
    dimensions = group_values(registry)
    return {
        **warehouse,
        **code_lists,
        "group_dimension": list(GROUP_DIMENSIONS),
        # One list for every dimension: a value's meaning depends on group_dimension.
        "group_value": sorted({v for values in dimensions.values() for v in values}),
        "unit_type": list(UNIT_TYPES),
        "rating_status": list(RATING_STATUSES),
        "cohort_status": list(COHORT_STATUSES),
        "nation_gss_code": [*NATION_GSS_CODES.values(), UK_GSS_CODE],
        "release_table": [t.name for t in DATA_TABLES],
        "revision": ["restated_rating", "previous_version"],
    }


#: Which code list each code column's values are labelled from in code_labels.csv.
def labelled_lists() -> list[str]:
    """The code lists whose codes the release's tables use (code_labels.csv holds their labels)."""
    lists = {"stars", "rating_domain"}
    for t in DATA_TABLES:
        for c in t.columns:
            for name in c.codes:
                if name == "group_value":
                    lists.update(GROUP_DIMENSIONS)
                elif name not in ("nation_gss_code",):
                    lists.add(name)
    return sorted(lists)


def allowed_values(column: Column, vocabulary: dict[str, list[str]]) -> list[str] | None:
    """The enum of a code column (total code first when it has one), or None."""
    if not column.codes:
        return None
    values: list[str] = [TOTAL] if column.with_total else []
    for name in column.codes:
        values += [v for v in vocabulary[name] if v not in values]
    return values
