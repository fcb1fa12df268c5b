"""The check vocabulary: how each kind of rule in the registry becomes a polars expression.

A rule in the YAML names a check kind and its parameters; this module turns it
into an expression that is True for every row that passes. The expressions run
over the *prepared frame* built by :func:`prepare_frame`: for each field the
text as sent (``raw__{field}``, trimmed, empty = null) and the typed value
(``{field}``), plus reference columns joined on (``ref__*``) when DWP
reference data is at hand.

Not for: reading files, deciding what a finding means for a submission, or
anything that writes. The pandera schema that runs these expressions is built
in :mod:`contracts_schema.pandera_models`.

Notes:
    Every expression treats a null it cannot judge as a pass, so that one
    missing value gives one finding (its ``required`` rule) rather than a
    cascade across every rule that reads the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from contracts_schema.registry import Dataset, Rule
from core.periods import Period

#: A NINO's first letter is not D F I Q U V, its second not D F I O Q U V, its suffix A-D
#: (the MI specification, participants return).
NINO_PATTERN = r"^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]$"
NINO_NEVER_ISSUED = ("BG", "GB", "KN", "NK", "NT", "TN", "ZZ")
#: What is *shaped* like a NINO, issued or not, once spaces and hyphens are removed: a reference
#: of this shape would carry the national identifier past the pseudonymisation.
NINO_SHAPE = r"^[A-Za-z]{2}[0-9]{6}[A-Da-d]?$"
_NINO_SHAPE = re.compile(NINO_SHAPE)
ISO_DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
INTEGER_PATTERN = r"^[+-]?[0-9]+$"
DECIMAL_PATTERN = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$"
TRUE_WORDS = ("TRUE", "T", "1", "Y", "YES")
FALSE_WORDS = ("FALSE", "F", "0", "N", "NO")

RAW = "raw__"
REF = "ref__"
#: Columns of values taken over the whole file (``single_value``: the value most rows carry).
FILE = "file__"


@dataclass(frozen=True)
class CheckContext:
    """What the rules may know beyond the file itself."""

    ukprn: str | None = None
    period: Period | None = None
    has_reference: bool = False


def normalise_nino(expr: pl.Expr) -> pl.Expr:
    return expr.str.to_uppercase().str.replace_all(r"\s", "")


def _shape_text(expr: pl.Expr) -> pl.Expr:
    return expr.str.replace_all(r"[\s-]", "")


def nino_shaped(expr: pl.Expr) -> pl.Expr:
    """True where the text, without spaces and hyphens, is shaped like a NINO (see :data:`NINO_SHAPE`)."""
    return _shape_text(expr).str.contains(NINO_SHAPE)


def looks_like_nino(text: str) -> bool:
    """:func:`nino_shaped` for one Python string."""
    return bool(_NINO_SHAPE.match(re.sub(r"[\s-]", "", text)))


def mask_nino_text(text: str) -> str:
    """``QQ123456C`` → ``QQ****56C`` (spaces and hyphens dropped): enough to find a row, not a person."""
    compact = re.sub(r"[\s-]", "", text).upper()
    return compact[:2] + "****" + compact[6:]


#: A run shaped like a NINO inside a longer text (letters and digits around it end the run).
_NINO_INSIDE = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]{2}[\s-]?(?:[0-9][\s-]?){5}[0-9](?:[\s-]?[A-Da-d])?(?![A-Za-z0-9])"
)


def mask_nino_runs(text: str) -> str:
    """Every NINO-shaped run inside ``text`` masked (for free text: a file name, a log field)."""
    return _NINO_INSIDE.sub(lambda m: mask_nino_text(m.group(0)), text)


def mask_if_nino_shaped(expr: pl.Expr) -> pl.Expr:
    """The value as it is, unless it looks like a NINO: then masked as :func:`mask_nino_text` does."""
    compact = _shape_text(expr).str.to_uppercase()
    masked = compact.str.slice(0, 2) + pl.lit("****") + compact.str.slice(6)
    return pl.when(nino_shaped(expr)).then(masked).otherwise(expr)


def nino_is_valid(expr: pl.Expr) -> pl.Expr:
    value = normalise_nino(expr)
    return value.str.contains(NINO_PATTERN) & ~value.str.slice(0, 2).is_in(NINO_NEVER_ISSUED)


def parse_typed(field_type: str, raw: pl.Expr) -> pl.Expr:
    """The typed value of a raw text column; null where the text does not parse."""
    if field_type == "date":
        ok = raw.str.contains(ISO_DATE_PATTERN)
        return pl.when(ok).then(raw.str.strptime(pl.Date, "%Y-%m-%d", strict=False)).otherwise(None)
    if field_type == "integer":
        return (
            pl.when(raw.str.contains(INTEGER_PATTERN)).then(raw.cast(pl.Int64, strict=False)).otherwise(None)
        )
    if field_type == "decimal":
        return (
            pl.when(raw.str.contains(DECIMAL_PATTERN))
            .then(raw.cast(pl.Float64, strict=False))
            .otherwise(None)
        )
    if field_type == "boolean":
        upper = raw.str.to_uppercase()
        return (
            pl.when(upper.is_in(TRUE_WORDS))
            .then(True)
            .when(upper.is_in(FALSE_WORDS))
            .then(False)
            .otherwise(None)
        )
    if field_type == "code":
        return raw.str.to_uppercase()
    return raw


def _when(rule: Rule) -> pl.Expr:
    cond = rule.params["when"]
    raw = pl.col(RAW + cond["field"])
    if cond.get("present"):
        return raw.is_not_null()
    return raw.str.to_uppercase() == str(cond["equals"]).upper()


def _right(rule: Rule) -> pl.Expr:
    right = rule.params["right"]
    expr = pl.coalesce([pl.col(r) for r in right]) if isinstance(right, list) else pl.col(right)
    offset = rule.params.get("offset_days")
    if offset:
        expr = expr + pl.duration(days=int(offset))
    return expr


def _compare(left: pl.Expr, op: str, right: pl.Expr) -> pl.Expr:
    return {
        ">=": left >= right,
        ">": left > right,
        "<=": left <= right,
        "<": left < right,
        "==": left == right,
    }[op]


def _age_at(dob: pl.Expr, at: pl.Expr) -> pl.Expr:
    # month() and day() are Int8: widen before arithmetic or 4 * 100 wraps round.
    def month_day(d: pl.Expr) -> pl.Expr:
        return d.dt.month().cast(pl.Int32) * 100 + d.dt.day().cast(pl.Int32)

    before_birthday = month_day(at) < month_day(dob)
    return at.dt.year().cast(pl.Int32) - dob.dt.year().cast(pl.Int32) - before_birthday.cast(pl.Int32)


def age_at_referral(dob: pl.Expr, referral: pl.Expr) -> pl.Expr:
    """Whole years of age on the referral date (the only trace of the birth date kept)."""
    return _age_at(dob, referral)


def key_value(dataset: Dataset, field_name: str) -> pl.Expr:
    """A key field's value as stored: the same key written two ways is still the same key.

    A NINO is compared as normalised (its pseudonym is of the normalised form), a
    code upper-case; other values as sent (a date must be ISO to pass its own rule).
    """
    raw = pl.col(RAW + field_name)
    f = dataset.field(field_name)
    if any(r.check == "nino" for r in f.rules):
        return normalise_nino(raw).alias(field_name)
    if f.type == "code":
        return raw.str.to_uppercase().alias(field_name)
    return raw.alias(field_name)


def file_value(column: str) -> pl.Expr:
    """The value most rows of the file carry (on a tie the greatest), for ``single_value``."""
    return pl.col(column).drop_nulls().mode().sort(descending=True).first()


def screening_expression(rule: Rule, dataset: Dataset) -> pl.Expr | None:
    """A cheaper expression that fails at least every row the rule fails, or None.

    For a key of several fields: rows whose key's hash is repeated. Building the
    exact key of every row of a 4,000,000-row employment extract took 0.7 GB and
    2.7 s; hashing 0.4 GB and 0.9 s. The exact rule then runs on the rows this
    lets through (``pandera_models.failing_rows``), so a hash collision costs a
    second look, never a wrong finding.
    """
    keys = rule.params.get("fields", [])
    if rule.check != "unique" or len(keys) < 2:
        return None
    hashed = key_value(dataset, keys[0]).hash(seed=0)
    for seed, name in enumerate(keys[1:], start=1):
        hashed = hashed ^ key_value(dataset, name).hash(seed=seed)
    present = pl.all_horizontal([pl.col(RAW + k).is_not_null() for k in keys])
    return (~(present & hashed.is_duplicated())).fill_null(True)


def rule_expression(rule: Rule, dataset: Dataset, ctx: CheckContext) -> pl.Expr | None:
    """The pass/fail expression of a rule, or None when the context cannot judge it.

    Returns None for reference checks without reference data and period checks
    without a period, so the caller can report them as skipped.
    """
    if rule.needs_reference and not ctx.has_reference:
        return None
    if rule.needs_period and ctx.period is None:
        return None
    period = ctx.period
    field = rule.target
    raw = pl.col(RAW + field)
    typed = pl.col(field)
    p = rule.params
    kind = rule.check

    if kind == "required":
        ok = raw.is_not_null()
    elif kind in ("date", "integer", "decimal", "boolean"):
        ok = raw.is_null() | parse_typed(kind, raw).is_not_null()
    elif kind == "pattern":
        ok = raw.str.contains(p["pattern"])
    elif kind == "length":
        length = raw.str.len_chars()
        ok = (length >= p.get("min", 0)) & (length <= p.get("max", 10**9))
    elif kind == "code":
        ok = raw.str.to_uppercase().is_in(list(dataset.field(field).codes))
    elif kind == "range":
        ok = pl.lit(True)
        if "min" in p:
            ok = ok & ((typed > p["min"]) if p.get("min_exclusive") else (typed >= p["min"]))
        if "max" in p:
            ok = ok & ((typed < p["max"]) if p.get("max_exclusive") else (typed <= p["max"]))
    elif kind == "unique":
        keys = p.get("fields", [field])
        present = pl.all_horizontal([pl.col(RAW + k).is_not_null() for k in keys])
        dup = pl.struct([key_value(dataset, k) for k in keys]).is_duplicated()
        ok = ~(present & dup)
    elif kind == "single_value":
        ok = typed == pl.col(FILE + field)
    elif kind == "nino":
        ok = nino_is_valid(raw)
    elif kind == "not_nino_shaped":
        ok = ~nino_shaped(raw)
    elif kind == "compare":
        ok = _compare(typed, p["op"], _right(rule))
        if "when" in p:
            ok = ~_when(rule) | ok
    elif kind == "not_after_period_end" and period is not None:
        ok = typed <= pl.lit(period.end)
    elif kind == "inside_period" and period is not None:
        ok = (typed >= pl.lit(period.start)) & (typed <= pl.lit(period.end))
    elif kind == "age_between":
        age = _age_at(typed, pl.col(p["at"]))
        ok = (age >= p["min"]) & (age <= p["max"])
    elif kind == "required_if":
        ok = ~_when(rule) | raw.is_not_null()
    elif kind == "empty_unless":
        ok = _when(rule) | raw.is_null()
    elif kind == "ref_contract_known":
        ok = pl.col(REF + "contract_prime").is_not_null()
        ok = ok | raw.is_null() | ~raw.str.contains(r"^[A-Z]{3}[0-9]{5}$")
    elif kind == "ref_contract_owned":
        ok = pl.col(REF + "contract_prime") == pl.lit(ctx.ukprn)
        if ctx.ukprn is None:
            return None
    elif kind == "ref_within_contract_dates":
        ok = (typed >= pl.col(REF + "contract_start")) & (typed <= pl.col(REF + "contract_end"))
    elif kind == "ref_la_in_cpa":
        ok = pl.col(REF + "la_cpa") == pl.col(REF + "contract_cpa")
        # An LA code the department does not know is outside the CPA too.
        ok = (
            pl.when(pl.col(REF + "contract_cpa").is_null() | raw.is_null())
            .then(True)
            .otherwise(ok.fill_null(False))
        )
    elif kind == "ref_in_supply_chain":
        ok = pl.col(REF + f"in_chain__{field}__{p['on_date']}")
        ok = pl.when(pl.col(REF + "contract_prime").is_null() | raw.is_null()).then(True).otherwise(ok)
    else:  # pragma: no cover - the registry refuses unknown kinds
        raise ValueError(kind)
    return ok.fill_null(True)
