"""Validation of one table against its single definition, giving findings a clerk can act on.

Runs the pandera schema derived from the registry over a file's rows and turns
pandera's failure cases into findings (row, field, value, rule id, severity,
message), with personal values masked, and any echoed value shaped like a NINO
masked too. Decides the status the MI specification gives:
``ACCEPTED``, ``ACCEPTED_WITH_ERRORS`` or ``REJECTED``.

Not for: reading files (``ingest/read.py``), writing anything (``ingest/lake.py``,
``ingest/feedback.py``), or the ledger decisions (duplicate, stale, supersede),
which live in ``ingest/record.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from contracts_schema.checks import RAW, CheckContext, mask_if_nino_shaped
from contracts_schema.pandera_models import ROW, ReferenceData, build_schema, failing_rows, prepare_frame
from contracts_schema.registry import Dataset, load_registry
from ingest.read import SOURCE_ROW, RawTable

FINDING_SCHEMA = pl.Schema(
    {
        "row": pl.Int64,
        "field": pl.Utf8,
        "value": pl.Utf8,
        "rule_id": pl.Utf8,
        "severity": pl.Utf8,
        "message": pl.Utf8,
    }
)


def mask_nino(expr: pl.Expr) -> pl.Expr:
    """``QQ123456C`` → ``QQ****56C``: enough for a clerk to find the row, not to identify anyone."""
    text = expr.str.to_uppercase().str.replace_all(r"\s", "")
    n = text.str.len_chars()
    return (
        pl.when(n >= 6)
        .then(text.str.slice(0, 2) + pl.lit("****") + text.str.slice(-3, 3))
        .otherwise(pl.lit("****"))
    )


def mask_personal(field_name: str, values: pl.Expr) -> pl.Expr:
    if field_name == "nino":
        return mask_nino(values)
    return pl.when(values.is_null()).then(None).otherwise(pl.lit("[withheld]"))


@dataclass
class ValidationOutcome:
    """The result of validating one file, before anything is written."""

    dataset: Dataset
    rows_read: int
    findings: pl.DataFrame
    status: str
    rows_rejected: int = 0
    prepared: pl.DataFrame | None = None  # prepared frame; None when the file was rejected unread
    error_index: pl.Series | None = None  # positions (ROW) of rejected rows
    drops: dict[str, pl.Series] = field(default_factory=dict)  # field -> positions whose value is dropped
    reference_checked: bool = False

    @property
    def warnings(self) -> int:
        return int((self.findings["severity"] == "warning").sum())

    @property
    def errors(self) -> int:
        return int((self.findings["severity"] == "error").sum())

    @property
    def rows_accepted(self) -> int:
        return 0 if self.status == "REJECTED" else self.rows_read - self.rows_rejected

    @property
    def file_rejected(self) -> bool:
        return self.status == "REJECTED"


def file_finding(
    rule_id: str, *, field: str | None = None, value: str | None = None, detail: str = ""
) -> dict:
    rule = load_registry().file_rules[rule_id]
    message = rule.message if not detail else f"{rule.message} ({detail})"
    return {
        "row": None,
        "field": field or None,
        "value": value or None,
        "rule_id": rule_id,
        "severity": rule.severity,
        "message": message,
    }


def rejected_file(
    dataset: Dataset, rule_id: str, *, field: str = "", detail: str = "", rows_read: int = 0
) -> ValidationOutcome:
    findings = pl.DataFrame([file_finding(rule_id, field=field, detail=detail)], schema=FINDING_SCHEMA)
    return ValidationOutcome(
        dataset=dataset, rows_read=rows_read, findings=findings, status="REJECTED", rows_rejected=rows_read
    )


def _name_whole_keys(row_findings: pl.DataFrame, dataset: Dataset, prepared: pl.DataFrame) -> pl.DataFrame:
    """A repeated key of several fields is reported with all of them: ``a,b,c`` and each value.

    The finding's field lists the key's columns and its value their values as
    sent, personal ones masked (a NINO as ``QQ****56C``), so the clerk can find
    the rows without the report ever holding a clear identifier.
    """
    keyed = [r for r in dataset.all_rules if r.check == "unique" and len(r.params.get("fields", [])) > 1]
    for rule in keyed:
        hits = row_findings["rule_id"] == rule.id
        if not hits.any():
            continue
        index = row_findings.filter(hits)["index"]
        parts = []
        for name in rule.params["fields"]:
            value = prepared[RAW + name].gather(index)
            if dataset.field(name).personal:
                value = pl.select(mask_personal(name, pl.lit(value))).to_series()
            else:
                value = pl.select(mask_if_nino_shaped(pl.lit(value))).to_series()
            parts.append(value.fill_null(""))
        values = pl.select(pl.concat_str(parts, separator=", ")).to_series()
        row_findings = row_findings.with_columns(
            pl.when(hits)
            .then(pl.lit(",".join(rule.params["fields"])))
            .otherwise(pl.col("field"))
            .alias("field"),
            row_findings["value"].cast(pl.Utf8).scatter(hits.arg_true(), values).alias("value"),
        )
    return row_findings


def validate_table(
    raw: RawTable, dataset: Dataset, ctx: CheckContext, reference: ReferenceData | None
) -> ValidationOutcome:
    """Apply every rule of ``dataset`` to ``raw`` and decide the file's status."""
    ctx = CheckContext(ukprn=ctx.ukprn, period=ctx.period, has_reference=reference is not None)
    prepared = prepare_frame(raw.frame.drop(SOURCE_ROW), dataset, reference)
    schema, skipped = build_schema(dataset, ctx)
    failures = failing_rows(schema, prepared)
    rule_meta = pl.DataFrame(
        [
            {"rule_id": r.id, "field": r.field, "severity": r.severity, "message": r.message}
            for r in dataset.all_rules
        ],
        schema={"rule_id": pl.Utf8, "field": pl.Utf8, "severity": pl.Utf8, "message": pl.Utf8},
    )
    failures = failures.join(rule_meta, on="rule_id", how="left")
    source_rows = raw.frame[SOURCE_ROW]
    parts = []
    for (field_name,), group in failures.group_by(["field"], maintain_order=True):
        values = prepared[RAW + field_name].gather(group["index"])
        frame = group.with_columns(value=values, row=source_rows.gather(group["index"]))
        if dataset.field(field_name).personal:
            frame = frame.with_columns(mask_personal(field_name, pl.col("value")).alias("value"))
        parts.append(frame)
    row_findings = pl.concat(parts) if parts else pl.DataFrame(schema={**FINDING_SCHEMA, "index": pl.Int64})
    row_findings = _name_whole_keys(row_findings, dataset, prepared)
    error_index = row_findings.filter(pl.col("severity") == "error")["index"].unique().sort()
    drops: dict[str, pl.Series] = {}
    for rule in dataset.all_rules:
        if rule.params.get("drop"):
            drops[rule.target] = row_findings.filter(pl.col("rule_id") == rule.id)["index"]
    findings = row_findings.select(list(FINDING_SCHEMA)).cast(FINDING_SCHEMA)

    file_level = [file_finding("FILE_EXTRA_COLUMN", field=c, value=c) for c in raw.extra_columns]
    if any(r.needs_reference for r in skipped):
        file_level.append(file_finding("FILE_REFERENCE_SKIPPED"))
    rows_read = raw.rows
    rows_rejected = error_index.len()
    status = "ACCEPTED" if rows_rejected == 0 else "ACCEPTED_WITH_ERRORS"
    # The share of rows in error that rejects a file whole is FILE_ERROR_RATE's own parameter.
    if rows_read and rows_rejected / rows_read > load_registry().max_error_share:
        status = "REJECTED"
        file_level.append(file_finding("FILE_ERROR_RATE", detail=f"{rows_rejected} of {rows_read} rows"))
    if file_level:
        findings = pl.concat([pl.DataFrame(file_level, schema=FINDING_SCHEMA), findings])
    # Whatever a finding echoes (a reference, a column name) is masked when shaped like a NINO.
    findings = findings.with_columns(
        mask_if_nino_shaped(pl.col("value")).alias("value"),
        mask_if_nino_shaped(pl.col("field")).alias("field"),
    ).sort(["row", "rule_id"], nulls_last=False)
    return ValidationOutcome(
        dataset=dataset,
        rows_read=rows_read,
        findings=findings,
        status=status,
        rows_rejected=rows_read if status == "REJECTED" else rows_rejected,
        prepared=prepared.with_columns(source_rows.alias(SOURCE_ROW)),
        error_index=error_index,
        drops=drops,
        reference_checked=reference is not None,
    )


__all__ = ["FINDING_SCHEMA", "ValidationOutcome", "validate_table", "rejected_file", "mask_nino", "ROW"]
