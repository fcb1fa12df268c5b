"""pandera schemas (polars backend) derived from the registry, and the frame they validate.

For each dataset, :func:`build_schema` turns every rule of the registry into a
named ``pandera.Check`` (the name is the rule id) over the prepared frame of
:func:`prepare_frame`. Because the schema is derived at run time from the same
objects that render the specification document, the two cannot drift.

Not for: reading files, masking, writing findings or the lake (``ingest/``).

Notes:
    pandera on polars checks only columns and dtypes unless told otherwise:
    every validation here runs under ``ValidationDepth.SCHEMA_AND_DATA`` (see
    :func:`failing_rows`), and a test proves that a bad value is caught.
"""

from __future__ import annotations

import importlib
import sys
import threading
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from contracts_schema.checks import (
    FILE,
    RAW,
    REF,
    CheckContext,
    file_value,
    parse_typed,
    rule_expression,
    screening_expression,
)
from contracts_schema.registry import Dataset, Rule

if TYPE_CHECKING:
    import pandera.polars as pa

# pandera imports pyspark.pandas whenever pyspark is installed (the Spark scale path
# installs it), and pyspark then warns about pandas 3 on every import: noise for a
# clerk running `mi validate`, and nothing here uses pandas-on-Spark. (Set again just
# before the import in _pandera: a test runner may have reset the filters since.)
warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)

#: pandera's modules, imported on first use rather than with this module. Importing
#: pandera pulls in pandas, pyarrow and pyspark's pandas layer: 0.5-0.8 s, a sixth of
#: `mi validate` on a 2,000,000-row file. ``preload_pandera`` starts that import in a
#: thread while the caller reads and parses the file (file reads, hashing and polars'
#: parser release the GIL), so the time is hidden instead of paid up front.
_PANDERA_MODULES = ("pandera.polars", "pandera.config", "pandera.constants")


def _pandera():
    """(pandera.polars, pandera.config, pandera.constants), imported on first use.

    Once imported this is a lookup in ``sys.modules``; while a preload is still
    importing, it waits on the import's module locks.
    """
    if "pandera.polars" not in sys.modules:
        warnings.filterwarnings(
            "ignore", message="PySpark does not yet fully support pandas", category=FutureWarning
        )
    return tuple(importlib.import_module(name) for name in _PANDERA_MODULES)


def preload_pandera() -> threading.Thread:
    """Start importing pandera in the background; using it later waits for the import to finish."""
    thread = threading.Thread(target=_pandera, name="preload-pandera", daemon=True)
    thread.start()
    return thread


POLARS_TYPES: dict[str, pl.DataType] = {
    "string": pl.Utf8(),
    "code": pl.Utf8(),
    "date": pl.Date(),
    "integer": pl.Int64(),
    "decimal": pl.Float64(),
    "boolean": pl.Boolean(),
}
ROW = "__row"


@dataclass(frozen=True)
class ReferenceData:
    """The DWP reference tables that row rules consult (already typed)."""

    contracts: pl.DataFrame  # contract_id, prime_ukprn, cpa_id, start_date, end_date
    supply_chain: pl.DataFrame  # contract_id, delivery_ukprn, valid_from, valid_to
    local_authorities: pl.DataFrame  # la_code, cpa_id


def prepare_frame(raw: pl.DataFrame, dataset: Dataset, reference: ReferenceData | None) -> pl.DataFrame:
    """Raw text columns, typed columns and reference columns side by side.

    Args:
        raw: one Utf8 column per specification field (absent optional fields
            may be missing), already trimmed with empty strings as null.
        dataset: the registry entry.
        reference: DWP reference tables, or None.

    Notes:
        One lazy pass types every field (the raw text columns are the input's
        own buffers, not copies). A ``single_value`` rule gets a column of the
        value most rows carry (``file__{field}``), so that its check reads one
        row at a time like every other. Reference columns are joined onto a narrow
        frame of the keys, in row order, and set beside the others: joining the
        whole frame and sorting it back would copy every column twice.
    """
    present = set(raw.columns)
    columns = [pl.col(ROW).cast(pl.Int64)]
    for f in dataset.fields:
        source = pl.col(f.name) if f.name in present else pl.lit(None, pl.Utf8)
        columns.append(source.cast(pl.Utf8).alias(RAW + f.name))
    typed = [
        parse_typed(f.type, pl.col(RAW + f.name)).cast(POLARS_TYPES[f.type]).alias(f.name)
        for f in dataset.fields
    ]
    whole_file = [
        file_value(r.target).alias(FILE + r.target) for r in dataset.all_rules if r.check == "single_value"
    ]
    plan = raw.lazy().with_row_index(ROW).select(columns).with_columns(typed)
    if whole_file:
        plan = plan.with_columns(whole_file)
    frame = plan.collect()
    if reference is not None and "contract_id" in dataset.field_names:
        frame = frame.hstack(_reference_columns(frame, dataset, reference).get_columns())
    return frame


def _reference_columns(frame: pl.DataFrame, dataset: Dataset, reference: ReferenceData) -> pl.DataFrame:
    """The ``ref__*`` columns of every row, in the frame's row order."""
    chain_rules = [rule for rule in dataset.all_rules if rule.check == "ref_in_supply_chain"]
    keys = {RAW + "contract_id"}
    if "la_code" in dataset.field_names:
        keys.add(RAW + "la_code")
    for rule in chain_rules:
        keys.update({RAW + rule.target, rule.params["on_date"]})
    narrow = frame.lazy().select(ROW, *sorted(keys))
    contracts = (
        reference.contracts.lazy()
        .select(
            pl.col("contract_id").alias(RAW + "contract_id"),
            pl.col("prime_ukprn").alias(REF + "contract_prime"),
            pl.col("cpa_id").alias(REF + "contract_cpa"),
            pl.col("start_date").alias(REF + "contract_start"),
            pl.col("end_date").alias(REF + "contract_end"),
        )
        .unique(subset=[RAW + "contract_id"], keep="first")
    )
    narrow = narrow.join(contracts, on=RAW + "contract_id", how="left", maintain_order="left")
    if "la_code" in dataset.field_names:
        las = (
            reference.local_authorities.lazy()
            .select(pl.col("la_code").alias(RAW + "la_code"), pl.col("cpa_id").alias(REF + "la_cpa"))
            .unique(subset=[RAW + "la_code"], keep="first")
        )
        narrow = narrow.join(las, on=RAW + "la_code", how="left", maintain_order="left")
    for rule in chain_rules:
        narrow = _join_supply_chain(narrow, rule, reference)
    added = [c for c in narrow.collect_schema().names() if c.startswith(REF)]
    return narrow.select(added).collect()


def _join_supply_chain(frame: pl.LazyFrame, rule: Rule, reference: ReferenceData) -> pl.LazyFrame:
    """Flag rows whose delivery provider is the prime or in the chain on the rule's date.

    Notes:
        A left join on (contract, provider) keeps one row per row when each pair
        is listed once, the usual case; only when a pair is listed with several
        windows are the rows grouped back (a hash of every row, twice the cost).
    """
    on = rule.params["on_date"]
    column = REF + f"in_chain__{rule.target}__{on}"
    listed = "__listed"
    chain = reference.supply_chain.lazy().select(
        pl.col("contract_id").alias(RAW + "contract_id"),
        pl.col("delivery_ukprn").alias(RAW + rule.target),
        "valid_from",
        "valid_to",
        pl.lit(True).alias(listed),
    )
    in_window = pl.col(listed).fill_null(False) & (
        pl.col(on).is_null()
        | (
            (pl.col(on) >= pl.col("valid_from"))
            & (pl.col("valid_to").is_null() | (pl.col(on) <= pl.col("valid_to")))
        )
    ).fill_null(False)
    joined = frame.join(
        chain, on=[RAW + "contract_id", RAW + rule.target], how="left", maintain_order="left"
    ).with_columns(in_window.alias(column))
    repeated = reference.supply_chain.select(
        pl.struct("contract_id", "delivery_ukprn").is_duplicated().any()
    ).item()
    if repeated:
        flags = joined.group_by(ROW, maintain_order=True).agg(pl.col(column).any())
        frame = frame.join(flags, on=ROW, how="left", maintain_order="left")
    else:
        frame = joined.drop("valid_from", "valid_to", listed)
    own = pl.col(RAW + rule.target) == pl.col(REF + "contract_prime")
    return frame.with_columns((pl.col(column).fill_null(False) | own.fill_null(False)).alias(column))


#: Check kinds whose failing rows are the same whether the schema runs on every row or
#: only on the rows that fail some check: each looks at its own row alone, except
#: ``unique``, whose failing rows (every row of a repeated key) all fail it together.
#: A kind not listed here makes :func:`failing_rows` run the schema on every row.
ROW_LOCAL_KINDS = frozenset(
    {
        "required",
        "date",
        "integer",
        "decimal",
        "boolean",
        "pattern",
        "length",
        "code",
        "range",
        "unique",
        "nino",
        "not_nino_shaped",
        "compare",
        "not_after_period_end",
        "inside_period",
        "age_between",
        "required_if",
        "empty_unless",
        "ref_contract_known",
        "ref_contract_owned",
        "ref_within_contract_dates",
        "ref_la_in_cpa",
        "ref_in_supply_chain",
        # compares its row with a column of the whole file's value (``prepare_frame`` adds it)
        "single_value",
    }
)


def _as_check(pa, rule: Rule, expr: pl.Expr, screen: pl.Expr | None = None) -> pa.Check:
    # The name (not ``error``) is what pandera reports in failure cases: keep it the rule id.
    # One failure case per check is rendered: pandera turns each failing row of a
    # frame-level check into a JSON record of the whole row, which cost seconds per
    # national file; the rows themselves come from the check's own output (failing_rows).
    check = pa.Check(
        lambda data, _e=expr: data.lazyframe.select(_e),
        name=rule.id,
        description=rule.message,
        n_failure_cases=1,
    )
    # for failing_rows' first pass over every row (see there); pandera's check decides
    # (or a cheaper screen that fails a superset of its rows: ``checks.screening_expression``)
    check.mi_expression = expr if screen is None else screen
    check.mi_kind = rule.check
    return check


def build_schema(dataset: Dataset, ctx: CheckContext) -> tuple[pa.DataFrameSchema, list[Rule]]:
    """The pandera schema of a dataset in a context, and the rules it had to skip."""
    pandera, _, _ = _pandera()
    checks: list[pa.Check] = []
    skipped: list[Rule] = []
    for rule in dataset.all_rules:
        expr = rule_expression(rule, dataset, ctx)
        if expr is None:
            skipped.append(rule)
        else:
            checks.append(_as_check(pandera, rule, expr, screening_expression(rule, dataset)))
    columns = {f.name: pandera.Column(POLARS_TYPES[f.type], nullable=True) for f in dataset.fields}
    columns.update({RAW + f.name: pandera.Column(pl.Utf8, nullable=True) for f in dataset.fields})
    schema = pandera.DataFrameSchema(
        columns=columns,
        checks=checks,
        strict=False,
        name=dataset.name,
        title=dataset.title,
        description=dataset.description,
    )
    return schema, skipped


def failing_rows(schema: pa.DataFrameSchema, frame: pl.DataFrame) -> pl.DataFrame:
    """Run the schema and return one row per (row index, rule id) that failed.

    Columns: ``index`` (0-based row of the frame) and ``rule_id``.

    Notes:
        pandera runs its checks one after another, each a query of its own, so
        on two cores most of the time one core waited. One parallel pass of
        every check's expression first finds the rows that fail anything; the
        schema then runs on those rows alone (a few per cent of a real file)
        and decides every failure case. A row that passes every expression
        cannot fail a check, and for the kinds in ``ROW_LOCAL_KINDS`` a failing
        row's verdicts do not depend on the rows left out. The structural
        checks (columns, dtypes) see the same columns either way. The first
        pass may use a cheaper screen of a check that fails a superset of its
        rows (a key of several fields: a repeated hash); the check itself
        then decides on the rows let through, every row of a repeated key
        among them.

        Each check renders one failure case (``n_failure_cases=1``); the
        failing rows are read from the check's own boolean output instead.
        Rendering every failing row of a frame-level check as a JSON record of
        the whole row took longer than the checks themselves (3 s for a
        2,000,000-row file with 95,000 failures); the verdicts are the same.
    """
    pa, config, constants = _pandera()
    config_context, ValidationDepth, CHECK_OUTPUT_KEY = (
        config.config_context,
        config.ValidationDepth,
        constants.CHECK_OUTPUT_KEY,
    )
    positions = None
    expressions = [getattr(check, "mi_expression", None) for check in schema.checks]
    screens: list[pl.Expr] = [e for e in expressions if e is not None]
    if (
        frame.height
        and len(screens) == len(expressions)
        and all(getattr(check, "mi_kind", None) in ROW_LOCAL_KINDS for check in schema.checks)
    ):
        verdicts = frame.lazy().select(e.alias(f"check_{i}") for i, e in enumerate(screens))
        # a null verdict is a pass, as pandera counts it (``ignore_na``)
        failing = (
            verdicts.select(~pl.all_horizontal(pl.all().fill_null(True)).alias("failing"))
            .collect()
            .to_series()
        )
        positions = failing.arg_true().cast(pl.Int64)
        frame = frame.filter(failing)
    try:
        with config_context(validation_depth=ValidationDepth.SCHEMA_AND_DATA):
            schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        structural = cases.filter(pl.col("index").is_null() & (pl.col("schema_context") != "DataFrameSchema"))
        if structural.height:
            # A dtype or column failure means the prepared frame itself is wrong:
            # that is a bug here, never the provider's fault, so it must not pass silently.
            raise RuntimeError(
                f"prepared frame does not match its schema: {structural.to_dicts()[:3]}"
            ) from exc
        # Every failing row of a check, from the check's own boolean output (the
        # rendered failure cases stop at n_failure_cases).
        parts = [
            err.check_output.select(
                pl.col(CHECK_OUTPUT_KEY).not_().arg_true().cast(pl.Int64).alias("index"),
            ).with_columns(pl.lit(err.check.name, pl.Utf8).alias("rule_id"))
            for err in exc.schema_errors
            if isinstance(err.check, pa.Check) and err.check_output is not None
        ]
        if not parts:
            return pl.DataFrame(schema={"index": pl.Int64, "rule_id": pl.Utf8})
        found = pl.concat(parts).unique()
        if positions is not None:  # rows of the subset back to rows of the whole frame
            found = found.with_columns(positions.gather(found["index"]).alias("index"))
        return found
    return pl.DataFrame(schema={"index": pl.Int64, "rule_id": pl.Utf8})
