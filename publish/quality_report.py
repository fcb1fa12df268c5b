"""The quality gate's report: what the release's ``quality/`` folder says about the gate.

Not for: running the gate (:mod:`publish.quality_gate`).
"""

from __future__ import annotations

from publish.gate_types import GateInputs, GateResult


def render_summary(result: GateResult, inputs: GateInputs) -> str:
    """The gate's result as plain Markdown: readable offline, without the GX pages' CDN styles."""
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
        "The full report with every observed value is `index.html` in this folder "
        "(Great Expectations Data Docs; its styles load from the internet).",
    ]
    return "\n".join(lines)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
