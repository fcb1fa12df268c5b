"""The feedback report every submission gets: findings.csv, summary.json, report.html.

The formats are fixed because providers' own tooling reads them (an interface
that stays as it is: ``docs/architecture.md``).
The same function serves ``mi validate --report``, ``mi submit``, the portal
and the pipeline, so a clerk sees the same report whichever way they sent.

Not for: deciding findings (``ingest/validate.py``) or storing submissions.

Notes:
    Every text cell echoed from a provider's file is made inert for
    spreadsheets (a leading ``=``, ``+``, ``-``, ``@``, tab or carriage return
    gets a ``'``): a findings CSV opened in Excel must never run a formula
    that a file smuggled in.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import polars as pl
from jinja2 import Environment, PackageLoader, select_autoescape

FINDINGS_HEADER = ["row", "field", "value", "rule_id", "severity", "message"]
SUMMARY_KEYS = [
    "submission_id",
    "status",
    "ukprn",
    "return",
    "period",
    "sha256",
    "file_name",
    "received_at",
    "rows_read",
    "rows_accepted",
    "rows_rejected",
    "warnings",
    "errors",
    "reference_checked",
]
#: The HTML page lists at most this many findings; the CSV always has them all.
HTML_FINDINGS_LIMIT = 2000
INERT_PREFIX = r"^[=+\-@\t\r]"

_env = Environment(loader=PackageLoader("ingest", "templates"), autoescape=select_autoescape(["html"]))


def inert(expr: pl.Expr) -> pl.Expr:
    """Prefix spreadsheet-active text with ``'`` so that a spreadsheet shows it and never runs it."""
    return pl.when(expr.str.contains(INERT_PREFIX)).then(pl.lit("'") + expr).otherwise(expr)


def inert_text(value: str | None) -> str | None:
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


def findings_csv_frame(findings: pl.DataFrame) -> pl.DataFrame:
    return findings.select(
        pl.col("row"),
        inert(pl.col("field")).alias("field"),
        inert(pl.col("value")).alias("value"),
        pl.col("rule_id"),
        pl.col("severity"),
        pl.col("message"),
    )


def rule_counts(findings: pl.DataFrame) -> list[dict]:
    if findings.height == 0:
        return []
    counts = findings.group_by(["rule_id", "severity", "field"]).agg(
        pl.len().alias("count"), pl.col("message").first()
    )
    return counts.sort(["severity", "count", "rule_id"], descending=[False, True, False]).to_dicts()


def write_report(folder: Path, summary: dict, findings: pl.DataFrame) -> Path:
    """Write the three report files into ``folder`` (created; replaced whole if present)."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = folder.parent / f".tmp-{folder.name}-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    findings_csv_frame(findings).write_csv(tmp / "findings.csv", line_terminator="\n")
    full = {**{k: summary.get(k) for k in SUMMARY_KEYS}, **summary}
    (tmp / "summary.json").write_text(json.dumps(full, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    (tmp / "report.html").write_text(render_html(full, findings), encoding="utf-8")
    if folder.exists():
        shutil.rmtree(folder)
    os.rename(tmp, folder)
    return folder


def render_html(summary: dict, findings: pl.DataFrame, *, standalone: bool = True) -> str:
    shown = findings_csv_frame(findings.head(HTML_FINDINGS_LIMIT)).to_dicts()
    return _env.get_template("report.html").render(
        s=summary,
        findings=shown,
        total=findings.height,
        limit=HTML_FINDINGS_LIMIT,
        counts=rule_counts(findings),
        standalone=standalone,
    )


def read_summary(folder: Path) -> dict:
    return json.loads((Path(folder) / "summary.json").read_text(encoding="utf-8"))
