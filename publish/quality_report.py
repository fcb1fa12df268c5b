"""The quality gate's report: ``quality/`` of a release, rendered by the project itself.

Three files, all byte-stable for the same files checked:

- ``validation_results.json``: Great Expectations' validation results, one per
  suite, reduced to what they say about the files (expectation, arguments,
  success, observed values); run times, load times, result and checkpoint ids,
  batch fingerprints and paths are left out;
- ``index.html``: the same results as a self-contained page (no script, no
  font, style or image from anywhere else, no run time, no machine path), so
  the report works from an archive;
- ``summary.md``: the verdict and every expectation as plain Markdown.

Not for: running the gate (:mod:`publish.quality_gate`) or deciding a verdict.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from publish.gate_types import GateInputs, GateResult
from publish.writers import json_bytes, text_bytes, write_bytes

RESULTS_FILE = "validation_results.json"
REPORT_FILE = "index.html"
SUMMARY_FILE = "summary.md"
#: What a validation result says about the files; everything else (run times, ids, batch metadata) is dropped.
_RESULT_KEYS = ("observed_value", "element_count", "missing_count", "unexpected_count", "unexpected_percent")
_EXAMPLE_KEYS = ("partial_unexpected_list", "partial_unexpected_counts")


def _scrub(value: Any, paths: list[str]) -> Any:
    """``value`` with any of ``paths`` (the folder checked, a scratch folder) replaced by a neutral name."""
    if isinstance(value, str):
        for path in paths:
            if path:
                value = value.replace(path, "<release folder>")
        return value
    if isinstance(value, dict):
        return {str(k): _scrub(v, paths) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(v, paths) for v in value]
    if isinstance(value, float) and value != value:  # NaN is not JSON
        return None
    return value


def results_document(
    validation_results: list[tuple[str, dict[str, Any]]], *, period: str, version: int, scrub: list[str]
) -> dict[str, Any]:
    """The JSON document of the gate's validation results, without run times, ids or paths.

    Args:
        validation_results: (file or check, ``ExpectationSuiteValidationResult.to_json_dict()``) per suite.
        scrub: absolute paths that must not appear (replaced by ``<release folder>``).
    """
    validations = []
    for resource, raw in sorted(validation_results, key=lambda item: item[0]):
        results = []
        for r in raw.get("results", []):
            config = r.get("expectation_config", {})
            kwargs = {k: v for k, v in (config.get("kwargs") or {}).items() if k != "batch_id"}
            outcome = r.get("result") or {}
            exception = r.get("exception_info") or {}
            results.append(
                {
                    "expectation": config.get("type", ""),
                    "kwargs": kwargs,
                    "meta": config.get("meta") or {},
                    "success": bool(r.get("success")),
                    "result": {k: outcome[k] for k in (*_RESULT_KEYS, *_EXAMPLE_KEYS) if k in outcome},
                    "raised_exception": bool(exception.get("raised_exception")),
                    "exception_message": exception.get("exception_message") or "",
                }
            )
        validations.append(
            {
                "resource": resource,
                "suite": raw.get("suite_name", ""),
                "success": bool(raw.get("success")),
                "statistics": raw.get("statistics") or {},
                "results": results,
            }
        )
    document = {
        "release": {"period": period, "version": version},
        "great_expectations_version": _gx_version(validation_results),
        "success": bool(validations) and all(v["success"] for v in validations),
        "validations": validations,
    }
    return _scrub(json.loads(json.dumps(document, default=str)), scrub)


def _gx_version(validation_results: list[tuple[str, dict[str, Any]]]) -> str:
    for _, raw in validation_results:
        version = (raw.get("meta") or {}).get("great_expectations_version")
        if version:
            return str(version)
    return ""


def write_quality_folder(
    site_dir: Path, result: GateResult, inputs: GateInputs, document: dict[str, Any]
) -> None:
    """Write ``validation_results.json``, ``index.html`` and ``summary.md`` into ``site_dir``."""
    write_bytes(site_dir / RESULTS_FILE, json_bytes(document))
    write_bytes(site_dir / REPORT_FILE, text_bytes(render_html(result, inputs, document)))
    write_bytes(site_dir / SUMMARY_FILE, text_bytes(render_summary(result, inputs)))


_STYLE = """
body{font-family:Arial,Helvetica,sans-serif;color:#0b0c0c;margin:0;line-height:1.4}
header{background:#0b0c0c;color:#fff;padding:12px 30px}
main{max-width:1100px;margin:0 auto;padding:20px 30px}
h1{font-size:2rem;margin:.5em 0}
h2{font-size:1.4rem;margin-top:1.6em}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin-bottom:1em}
th,td{border-bottom:1px solid #b1b4b6;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f3f2f1}
code{font-family:"Courier New",monospace;font-size:.85rem;word-break:break-all}
.passed{background:#00703c;color:#fff;padding:2px 8px;font-weight:bold}
.failed{background:#d4351c;color:#fff;padding:2px 8px;font-weight:bold}
.verdict{font-size:1.3rem;border-left:10px solid #1d70b8;padding:10px 15px;background:#f3f2f1}
a{color:#1d70b8}
"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _argument_text(kwargs: dict[str, Any]) -> str:
    shown = {k: v for k, v in kwargs.items() if k not in ("column",)}
    text = json.dumps(shown, sort_keys=True, ensure_ascii=False, default=str)
    return text if len(text) <= 300 else text[:297] + "..."


def _observed_text(r: dict[str, Any]) -> str:
    res = r["result"]
    parts = []
    if "observed_value" in res:
        parts.append(f"observed: {json.dumps(res['observed_value'], ensure_ascii=False, default=str)[:300]}")
    if "element_count" in res:
        parts.append(f"{res.get('unexpected_count', 0)} of {res['element_count']} values unexpected")
    if res.get("partial_unexpected_list"):
        examples = ", ".join(str(v) for v in res["partial_unexpected_list"][:5])
        parts.append(f"e.g. {examples}")
    if r["raised_exception"]:
        parts.append(f"could not be evaluated: {r['exception_message']}")
    return "; ".join(parts)


def _anchor(resource: str) -> str:
    return "v-" + "".join(ch if ch.isalnum() else "-" for ch in resource)


def render_html(result: GateResult, inputs: GateInputs, document: dict[str, Any]) -> str:
    """The gate's validation results as one self-contained page: inline style, no script, no link out."""
    verdict = "passed" if result.passed else "failed"
    validations = document.get("validations", [])
    lines = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Quality gate {verdict}: release {_e(inputs.period)} version {inputs.version}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        "<header>Quality assurance of an official statistics release</header>",
        "<main>",
        f"<h1>Quality gate: release {_e(inputs.period)}, version {inputs.version}</h1>",
        f'<p class="verdict">The gate <span class="{verdict}">{verdict.upper()}</span>: '
        f"{len(result.checks)} expectations were checked on the files as written; "
        f"{len(result.failures)} failed.</p>",
        "<p>Every published file was read back from the release folder and checked with Great "
        "Expectations before the release could be approved. A release whose gate failed can never be "
        'approved. The same results are in <a href="validation_results.json">validation_results.json</a> '
        'and in plain text in <a href="summary.md">summary.md</a>.</p>',
    ]
    if result.error:
        lines.append(f"<p><strong>The gate could not complete:</strong> <code>{_e(result.error)}</code></p>")
    lines += [
        "<h2>Files and checks</h2>",
        "<table>",
        '<thead><tr><th scope="col">file or check</th><th scope="col">expectations</th>'
        '<th scope="col">failed</th><th scope="col">result</th></tr></thead>',
        "<tbody>",
    ]
    for v in validations:
        stats = v.get("statistics", {})
        status = "passed" if v["success"] else "failed"
        lines.append(
            f'<tr><td><a href="#{_anchor(v["resource"])}">{_e(v["resource"])}</a></td>'
            f"<td>{_e(stats.get('evaluated_expectations', len(v['results'])))}</td>"
            f"<td>{_e(stats.get('unsuccessful_expectations', 0))}</td>"
            f'<td><span class="{status}">{status}</span></td></tr>'
        )
    lines += ["</tbody>", "</table>"]
    for v in validations:
        lines += [
            f'<h2 id="{_anchor(v["resource"])}">{_e(v["resource"])}</h2>',
            "<table>",
            '<thead><tr><th scope="col">what it checks</th><th scope="col">expectation</th>'
            '<th scope="col">column</th><th scope="col">arguments</th><th scope="col">observed</th>'
            '<th scope="col">result</th></tr></thead>',
            "<tbody>",
        ]
        for r in v["results"]:
            column = (
                r["kwargs"].get("column")
                or ", ".join(r["kwargs"].get("column_list") or [])
                or " = ".join(str(r["kwargs"][k]) for k in ("column_A", "column_B") if k in r["kwargs"])
            )
            status = "passed" if r["success"] and not r["raised_exception"] else "failed"
            lines.append(
                f"<tr><td>{_e(r['meta'].get('note', ''))}</td><td><code>{_e(r['expectation'])}</code></td>"
                f"<td>{_e(column)}</td><td><code>{_e(_argument_text(r['kwargs']))}</code></td>"
                f"<td>{_e(_observed_text(r))}</td>"
                f'<td><span class="{status}">{status}</span></td></tr>'
            )
        lines += ["</tbody>", "</table>"]
    lines += [
        f"<p>Checked with Great Expectations {_e(document.get('great_expectations_version', ''))}.</p>",
        "</main>",
        "</body>",
        "</html>",
    ]
    return "\n".join(lines)


def render_summary(result: GateResult, inputs: GateInputs) -> str:
    """The gate's result as plain Markdown: the verdict, the failures and every expectation."""
    verdict = "PASSED" if result.passed else "FAILED"
    lines = [
        f"# Quality gate: {verdict}",
        "",
        f"Release {inputs.period} v{inputs.version}: {len(result.checks)} expectations checked on the files "
        f"as written, {len(result.failures)} failed.",
        "",
    ]
    if result.error:
        lines += [f"The gate could not complete: `{result.error}`", ""]
    if result.failures:
        lines += [
            "## Failed",
            "",
            "| file or check | expectation | column | unexpected | examples | what it checks |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for c in result.failures:
            lines.append(
                f"| {c.resource} | {c.expectation} | {_md(c.column)} | {c.unexpected} | "
                f"{_md(', '.join(c.examples))} | {_md(c.note)} |"
            )
        lines.append("")
    lines += [
        "## Every expectation",
        "",
        "| file or check | expectation | column | result | what it checks |",
        "| --- | --- | --- | --- | --- |",
    ]
    for c in result.checks:
        lines.append(
            f"| {c.resource} | {c.expectation} | {_md(c.column)} | {'pass' if c.success else 'FAIL'} | "
            f"{_md(c.note)} |"
        )
    lines += [
        "",
        "The full report with every observed value is `index.html` in this folder; "
        "the validation results themselves are `validation_results.json`.",
    ]
    return "\n".join(lines)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
