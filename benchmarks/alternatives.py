"""The same validation rules, as a team would otherwise write them: pandera on pandas, and Great Expectations.

``python -m benchmarks.alternatives {pandera,gx} FILE --period 2026Q2 --report DIR``
reads a return's CSV into pandas, prepares it the way ``mi validate`` does
(trimmed text, empty = missing, codes upper-cased, dates parsed), runs every
rule of the dataset that ``mi validate`` runs without DWP reference data, and
writes ``DIR/findings.csv`` (``row,rule_id,field,severity,message``, one line
per failing row and rule) and ``DIR/coverage.json`` (the rules it ran, and the
ones it did not with the reason). The benchmark compares the failing rows per
rule with ``mi validate``'s own findings, so the two alternatives are shown to
do the same work, not less.

The rules are derived from the ``contracts_schema`` registry, kind by kind,
using each library's own vocabulary wherever it has one:

- pandera (``pandera.pandas``): ``Column(nullable=False)`` for required,
  ``Column(unique=True)`` for unique, ``Check.str_matches``, ``Check.isin``,
  ``Check.in_range``/``le``/``ge``, ``Check.str_length``; a vectorised custom
  ``Check`` for dates, numbers and NINOs; DataFrame-level checks for the
  cross-field rules (comparisons of dates, age at referral, required-if,
  empty-unless).
- Great Expectations 1.x on a pandas data frame: ``ExpectColumnValuesToNotBeNull``,
  ``...ToMatchRegex``, ``...ToMatchStrftimeFormat``, ``...ToBeInSet``,
  ``...ToBeBetween``, ``...ToBeUnique``, ``...ToNotMatchRegexList``,
  ``...ToBeNull``, ``ExpectColumnPairValuesAToBeGreaterThanB``, with
  ``row_condition`` for the conditional rules, and ``result_format="COMPLETE"``
  because a clerk needs every failing row, not a sample. Where GX has no
  expression (a coalesce of two dates, a date plus 90 days, an age, a NINO
  normalised), a prepared column is added first, as a team would.

Not for: anything the product runs; this exists to be measured.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import warnings
from pathlib import Path

# pandera and GX import pyspark's pandas layer when pyspark is installed, and it
# warns about pandas 3 on every import (as contracts_schema.pandera_models notes)
warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)

import pandas as pd  # noqa: E402

from contracts_schema.registry import REFERENCE_CHECKS, Dataset, Rule, load_registry  # noqa: E402

RAW = "raw__"
ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
INTEGER = r"^[+-]?[0-9]+$"
DECIMAL = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$"
TRUE_WORDS = ("TRUE", "T", "1", "Y", "YES")
FALSE_WORDS = ("FALSE", "F", "0", "N", "NO")


def _nino_constants() -> tuple[str, tuple[str, ...]]:
    from contracts_schema.checks import NINO_NEVER_ISSUED, NINO_PATTERN

    return NINO_PATTERN, NINO_NEVER_ISSUED


def _nino_shape() -> str:
    from contracts_schema.checks import NINO_SHAPE

    return NINO_SHAPE


def _without_spaces_and_hyphens(raw: pd.Series) -> pd.Series:
    return raw.str.replace(r"[\s-]", "", regex=True)


# --- reading and preparing (shared by both alternatives) -------------------------------------


def read_text(path: Path, dataset: Dataset) -> pd.DataFrame:
    """Every cell as text, trimmed, empty = missing; header names matched case-insensitively."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")
    frame.columns = [str(c).replace("\ufeff", "").strip().lower() for c in frame.columns]
    known = [c for c in frame.columns if c in dataset.field_names]
    frame = frame[known]
    for column in known:
        text = frame[column].str.strip()
        frame[column] = text.where(text != "")
    frame = frame[frame.notna().any(axis=1)]  # wholly empty lines are not records
    frame.index = frame.index + 2  # the row as the clerk sees it (header = row 1)
    return frame


def parse_typed(field_type: str, raw: pd.Series) -> pd.Series:
    if field_type == "date":
        shaped = raw.where(raw.str.match(ISO_DATE, na=False))
        return pd.to_datetime(shaped, format="%Y-%m-%d", errors="coerce")
    if field_type == "integer":
        return pd.to_numeric(raw.where(raw.str.match(INTEGER, na=False)), errors="coerce")
    if field_type == "decimal":
        return pd.to_numeric(raw.where(raw.str.match(DECIMAL, na=False)), errors="coerce")
    if field_type == "boolean":
        upper = raw.str.upper()
        return (
            pd.Series(pd.NA, index=raw.index, dtype="boolean")
            .mask(upper.isin(TRUE_WORDS), True)
            .mask(upper.isin(FALSE_WORDS), False)
        )
    if field_type == "code":
        return raw.str.upper()
    return raw


def prepare(raw: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """Text as sent (``raw__{field}``) and the typed value (``{field}``) side by side."""
    columns = {}
    for f in dataset.fields:
        text = raw[f.name] if f.name in raw.columns else pd.Series(pd.NA, index=raw.index, dtype="str")
        columns[RAW + f.name] = text
        columns[f.name] = parse_typed(f.type, text)
    return pd.DataFrame(columns, index=raw.index)


def rules_to_run(dataset: Dataset, period: str | None) -> tuple[list[Rule], dict[str, str]]:
    """The rules ``mi validate`` runs on this file without reference data, and those it does not."""
    run, skipped = [], {}
    for rule in dataset.all_rules:
        if rule.check in REFERENCE_CHECKS:
            skipped[rule.id] = "needs DWP reference data (mi validate skips it too without --reference)"
        elif rule.check in ("not_after_period_end", "inside_period") and period is None:
            skipped[rule.id] = "needs the period"
        else:
            run.append(rule)
    return run, skipped


def _when(frame: pd.DataFrame, rule: Rule) -> pd.Series:
    """1 where the rule's condition holds, 0 where it does not, -1 where it cannot be judged."""
    cond = rule.params["when"]
    raw = frame[RAW + cond["field"]]
    if cond.get("present"):
        return raw.notna().astype("int8")
    equal = raw.str.upper() == str(cond["equals"]).upper()
    return equal.astype("int8").where(raw.notna(), -1).astype("int8")


def _right(frame: pd.DataFrame, rule: Rule) -> pd.Series:
    right = rule.params["right"]
    if isinstance(right, list):
        value = frame[right[0]]
        for other in right[1:]:
            value = value.fillna(frame[other])
    else:
        value = frame[right]
    if rule.params.get("offset_days"):
        value = value + pd.Timedelta(days=int(rule.params["offset_days"]))
    return value


def _age(dob: pd.Series, at: pd.Series) -> pd.Series:
    before_birthday = (at.dt.month * 100 + at.dt.day) < (dob.dt.month * 100 + dob.dt.day)
    return at.dt.year - dob.dt.year - before_birthday.astype("int64")


def _nino_normalised(raw: pd.Series) -> pd.Series:
    return raw.str.upper().str.replace(r"\s", "", regex=True)


def _compare(left: pd.Series, op: str, right: pd.Series) -> pd.Series:
    result = {
        ">=": left >= right,
        ">": left > right,
        "<=": left <= right,
        "<": left < right,
        "==": left == right,
    }[op]
    return result | left.isna() | right.isna()


def _period_bounds(period: str) -> tuple[dt.date, dt.date]:
    from core.periods import Period

    p = Period.parse(period)
    return p.start, p.end


# --- pandera on pandas ------------------------------------------------------------------------


def pandera_findings(
    prepared: pd.DataFrame, dataset: Dataset, rules: list[Rule], period: str | None
) -> pd.DataFrame:
    """Run the rules as one ``pandera.pandas.DataFrameSchema``; (row, rule_id) per failure."""
    import pandera.pandas as pa

    registry = load_registry()
    start, end = _period_bounds(period) if period else (None, None)
    column_checks: dict[str, list[pa.Check]] = {c: [] for c in prepared.columns}
    column_rules: dict[str, list[str]] = {c: [] for c in prepared.columns}  # rule id per check_number
    nullable = {c: True for c in prepared.columns}
    unique = {c: False for c in prepared.columns}
    special: dict[tuple[str, str], str] = {}  # (column, pandera check name) -> rule id
    frame_checks: list[pa.Check] = []
    nino_pattern, never_issued = _nino_constants()

    def add(column: str, check: pa.Check, rule: Rule) -> None:
        column_checks[column].append(check)
        column_rules[column].append(rule.id)

    for rule in rules:
        f, p, kind = rule.field, rule.params, rule.check
        raw, typed = RAW + f, f
        if kind == "required":
            nullable[raw] = False
            special[(raw, "not_nullable")] = rule.id
        elif kind in ("date", "integer", "decimal", "boolean"):
            add(raw, pa.Check(lambda s, _k=kind: parse_typed(_k, s).notna(), name=rule.id), rule)
        elif kind == "pattern":
            add(raw, pa.Check.str_matches(p["pattern"]), rule)
        elif kind == "length":
            add(raw, pa.Check.str_length(p.get("min", 0), p.get("max", 10**9)), rule)
        elif kind == "code":
            add(typed, pa.Check.isin(list(registry.code_lists[dataset.field(f).code_list].values)), rule)
        elif kind == "range":
            lo, hi = p.get("min"), p.get("max")
            if lo is not None:
                add(typed, pa.Check.gt(lo) if p.get("min_exclusive") else pa.Check.ge(lo), rule)
            if hi is not None:
                add(typed, pa.Check.lt(hi) if p.get("max_exclusive") else pa.Check.le(hi), rule)
        elif kind == "unique":
            keys = p.get("fields", [f])
            if len(keys) == 1:
                unique[raw] = True
                special[(raw, "field_uniqueness")] = rule.id
            else:
                cols = [RAW + k for k in keys]
                frame_checks.append(
                    pa.Check(
                        lambda d, _c=cols: ~(d[_c].notna().all(axis=1) & d.duplicated(subset=_c, keep=False)),
                        name=rule.id,
                        ignore_na=False,
                    )
                )
        elif kind == "nino":
            add(
                raw,
                pa.Check(
                    lambda s: (lambda n: n.str.match(nino_pattern) & ~n.str[:2].isin(never_issued))(
                        _nino_normalised(s)
                    ),
                    name=rule.id,
                ),
                rule,
            )
        elif kind == "not_nino_shaped":
            add(
                raw,
                pa.Check(lambda s: ~_without_spaces_and_hyphens(s).str.match(_nino_shape()), name=rule.id),
                rule,
            )
        elif kind == "not_after_period_end":
            add(typed, pa.Check.le(pd.Timestamp(end)), rule)
        elif kind == "inside_period":
            add(typed, pa.Check.in_range(pd.Timestamp(start), pd.Timestamp(end)), rule)
        elif kind == "compare":

            def compare(d, _r=rule):
                ok = _compare(d[_r.field], _r.params["op"], _right(d, _r))
                return ok | (_when(d, _r) != 1) if "when" in _r.params else ok

            frame_checks.append(pa.Check(compare, name=rule.id, ignore_na=False))
        elif kind == "age_between":

            def age_between(d, _r=rule):
                age = _age(d[_r.field], d[_r.params["at"]])
                return age.between(_r.params["min"], _r.params["max"]) | age.isna()

            frame_checks.append(pa.Check(age_between, name=rule.id, ignore_na=False))
        elif kind == "required_if":
            frame_checks.append(
                pa.Check(
                    lambda d, _r=rule: (_when(d, _r) != 1) | d[RAW + _r.field].notna(),
                    name=rule.id,
                    ignore_na=False,
                )
            )
        elif kind == "empty_unless":
            frame_checks.append(
                pa.Check(
                    lambda d, _r=rule: (_when(d, _r) != 0) | d[RAW + _r.field].isna(),
                    name=rule.id,
                    ignore_na=False,
                )
            )
        else:  # pragma: no cover - rules_to_run leaves only the kinds above
            raise ValueError(kind)

    schema = pa.DataFrameSchema(
        {
            c: pa.Column(nullable=nullable[c], unique=unique[c], checks=column_checks[c])
            for c in prepared.columns
        },
        checks=frame_checks,
        name=dataset.name,
        strict=False,
        coerce=False,
    )
    try:
        schema.validate(prepared, lazy=True)
        return pd.DataFrame({"row": pd.Series(dtype="int64"), "rule_id": pd.Series(dtype="str")})
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    cases = cases[cases["index"].notna()]
    rule_ids = {r.id for r in rules}

    def rule_of(row) -> str | None:
        if row.check in rule_ids:
            return row.check
        if (row.column, row.check) in special:
            return special[(row.column, row.check)]
        number = row.check_number
        if number is not None and not pd.isna(number) and row.column in column_rules:
            return column_rules[row.column][int(number)]
        return None

    keys = cases[["column", "check", "check_number"]].drop_duplicates()
    keys["rule_id"] = [rule_of(r) for r in keys.itertuples(index=False)]
    cases = cases.merge(keys, on=["column", "check", "check_number"], how="left")
    found = cases[["index", "rule_id"]].dropna().rename(columns={"index": "row"}).drop_duplicates()
    return found.astype({"row": "int64"})


# --- Great Expectations on pandas ----------------------------------------------------------------


def gx_findings(
    prepared: pd.DataFrame, dataset: Dataset, rules: list[Rule], period: str | None
) -> pd.DataFrame:
    """Run the rules as one GX expectation suite on the prepared frame; (row, rule_id) per failure."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    import great_expectations.expectations as E

    registry = load_registry()
    start, end = _period_bounds(period) if period else (None, None)
    nino_pattern, never_issued = _nino_constants()
    frame = prepared
    expectations = []

    def expect(rule: Rule, expectation) -> None:
        expectation.meta = {"rule_id": rule.id}
        expectations.append(expectation)

    for rule in rules:
        f, p, kind = rule.field, rule.params, rule.check
        raw, typed = RAW + f, f
        if kind == "required":
            expect(rule, E.ExpectColumnValuesToNotBeNull(column=raw))
        elif kind == "date":
            expect(rule, E.ExpectColumnValuesToMatchRegex(column=raw, regex=ISO_DATE))
            expect(rule, E.ExpectColumnValuesToMatchStrftimeFormat(column=raw, strftime_format="%Y-%m-%d"))
        elif kind in ("integer", "decimal"):
            expect(
                rule,
                E.ExpectColumnValuesToMatchRegex(column=raw, regex=INTEGER if kind == "integer" else DECIMAL),
            )
        elif kind == "boolean":
            frame[f"__upper__{f}"] = frame[raw].str.upper()
            expect(
                rule,
                E.ExpectColumnValuesToBeInSet(column=f"__upper__{f}", value_set=[*TRUE_WORDS, *FALSE_WORDS]),
            )
        elif kind == "pattern":
            expect(rule, E.ExpectColumnValuesToMatchRegex(column=raw, regex=p["pattern"]))
        elif kind == "length":
            expect(
                rule,
                E.ExpectColumnValueLengthsToBeBetween(
                    column=raw, min_value=p.get("min"), max_value=p.get("max")
                ),
            )
        elif kind == "code":
            values = list(registry.code_lists[dataset.field(f).code_list].values)
            expect(rule, E.ExpectColumnValuesToBeInSet(column=typed, value_set=values))
        elif kind == "range":
            expect(
                rule,
                E.ExpectColumnValuesToBeBetween(
                    column=typed,
                    min_value=p.get("min"),
                    max_value=p.get("max"),
                    strict_min=bool(p.get("min_exclusive")),
                    strict_max=bool(p.get("max_exclusive")),
                ),
            )
        elif kind == "unique":
            keys = [RAW + k for k in p.get("fields", [f])]
            if len(keys) == 1:
                expect(rule, E.ExpectColumnValuesToBeUnique(column=keys[0]))
            else:
                expect(
                    rule,
                    E.ExpectCompoundColumnsToBeUnique(column_list=keys, ignore_row_if="any_value_is_missing"),
                )
        elif kind == "nino":
            column = f"__normalised__{f}"
            frame[column] = _nino_normalised(frame[raw])
            expect(rule, E.ExpectColumnValuesToMatchRegex(column=column, regex=nino_pattern))
            expect(
                rule,
                E.ExpectColumnValuesToNotMatchRegexList(
                    column=column, regex_list=[f"^{x}" for x in never_issued]
                ),
            )
        elif kind == "not_nino_shaped":
            column = f"__compact__{f}"
            frame[column] = _without_spaces_and_hyphens(frame[raw])
            expect(rule, E.ExpectColumnValuesToNotMatchRegex(column=column, regex=_nino_shape()))
        elif kind == "not_after_period_end":
            expect(
                rule,
                E.ExpectColumnValuesToBeBetween(column=typed, max_value=dt.datetime.combine(end, dt.time())),
            )
        elif kind == "inside_period":
            expect(
                rule,
                E.ExpectColumnValuesToBeBetween(
                    column=typed,
                    min_value=dt.datetime.combine(start, dt.time()),
                    max_value=dt.datetime.combine(end, dt.time()),
                ),
            )
        elif kind == "compare":
            right = p["right"]
            if isinstance(right, list) or p.get("offset_days"):
                column = f"__right__{rule.id}"
                frame[column] = _right(frame, rule)
            else:
                column = right
            condition = {}
            if "when" in p:
                frame[f"__when__{rule.id}"] = _when(frame, rule)
                condition = {"row_condition": f"__when__{rule.id} == 1", "condition_parser": "pandas"}
            op = p["op"]
            if op == "==":
                expect(
                    rule,
                    E.ExpectColumnPairValuesToBeEqual(
                        column_A=typed, column_B=column, ignore_row_if="either_value_is_missing", **condition
                    ),
                )
            else:
                a, b = (typed, column) if op in (">=", ">") else (column, typed)
                expect(
                    rule,
                    E.ExpectColumnPairValuesAToBeGreaterThanB(
                        column_A=a,
                        column_B=b,
                        or_equal=op in (">=", "<="),
                        ignore_row_if="either_value_is_missing",
                        **condition,
                    ),
                )
        elif kind == "age_between":
            column = f"__age__{f}"
            frame[column] = _age(frame[f], frame[p["at"]])
            expect(
                rule, E.ExpectColumnValuesToBeBetween(column=column, min_value=p["min"], max_value=p["max"])
            )
        elif kind in ("required_if", "empty_unless"):
            frame[f"__when__{rule.id}"] = _when(frame, rule)
            if kind == "required_if":
                expect(
                    rule,
                    E.ExpectColumnValuesToNotBeNull(
                        column=raw, row_condition=f"__when__{rule.id} == 1", condition_parser="pandas"
                    ),
                )
            else:
                expect(
                    rule,
                    E.ExpectColumnValuesToBeNull(
                        column=raw, row_condition=f"__when__{rule.id} == 0", condition_parser="pandas"
                    ),
                )
        else:  # pragma: no cover
            raise ValueError(kind)

    context = gx.get_context(mode="ephemeral")
    try:
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context.variables.progress_bars = ProgressBarsConfig(globally=False)
    except Exception:
        pass
    asset = context.data_sources.add_pandas("submission").add_dataframe_asset(dataset.name)
    batch = asset.add_batch_definition_whole_dataframe("file")
    suite = context.suites.add(gx.ExpectationSuite(name=dataset.name))
    for expectation in expectations:
        suite.add_expectation(expectation)
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=dataset.name, data=batch, suite=suite)
    )
    result = definition.run(
        batch_parameters={"dataframe": frame.reset_index(names="source_row")},
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": ["source_row"]},
    )
    rows, ids = [], []
    for r in result.results:
        info = r.exception_info or {}
        if info.get("raised_exception"):
            raise RuntimeError(f"{r.expectation_config.type} raised: {info.get('exception_message')}")
        rule_id = r.expectation_config.meta["rule_id"]
        for entry in (r.result or {}).get("unexpected_index_list") or []:
            rows.append(int(entry["source_row"] if isinstance(entry, dict) else entry))
            ids.append(rule_id)
    return pd.DataFrame(
        {"row": pd.Series(rows, dtype="int64"), "rule_id": pd.Series(ids, dtype="str")}
    ).drop_duplicates()


# --- command line ----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.alternatives")
    parser.add_argument("engine", choices=["pandera", "gx"])
    parser.add_argument("file", type=Path)
    parser.add_argument("--dataset", default="participants")
    parser.add_argument("--period", default=None, help="YYYYQn of the return (enables the period rules)")
    parser.add_argument("--report", type=Path, required=True)
    args = parser.parse_args(argv)
    dataset = load_registry().dataset(args.dataset)
    rules, skipped = rules_to_run(dataset, args.period)
    prepared = prepare(read_text(args.file, dataset), dataset)
    run = pandera_findings if args.engine == "pandera" else gx_findings
    found = run(prepared, dataset, rules, args.period)
    meta = pd.DataFrame(
        [
            {"rule_id": r.id, "field": r.field, "severity": r.severity, "message": r.message}
            for r in dataset.all_rules
        ]
    )
    findings = found.merge(meta, on="rule_id", how="left").sort_values(["row", "rule_id"])
    args.report.mkdir(parents=True, exist_ok=True)
    findings.to_csv(args.report / "findings.csv", index=False)
    (args.report / "coverage.json").write_text(
        json.dumps(
            {
                "engine": args.engine,
                "rows": int(len(prepared)),
                "rules_run": [r.id for r in rules],
                "rules_not_run": skipped,
            },
            indent=1,
        )
        + "\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
