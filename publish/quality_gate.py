"""The release's quality gate: Great Expectations on the files as written; a failed gate blocks approval.

Every published CSV is read back from the candidate folder by a GX pandas data
source (every cell as the string a reader gets) and held to the suites of
:mod:`publish.gate_checks`; checks that span files run on the small frames of
:mod:`publish.gate_frames` derived from the files as written. This module is
the GX plumbing only: one ephemeral context, one checkpoint, the results
collected as :class:`publish.gate_types.GateCheck`. The report in ``quality/``
is written by :mod:`publish.quality_report`.

Not for: producing or fixing any file, or deciding what happens to a failed
candidate (``publish.release`` records it and refuses approval).

Notes:
    ``great_expectations`` takes 2-4 s to import: it is imported inside
    :func:`run_quality_gate` only. A checkpoint passes one ``batch_parameters``
    (one dataframe) to all its validation definitions, so the derived frames
    are written to a temporary folder as CSV and join the one checkpoint.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path

from publish.gate_checks import csv_expectations, derived_expectations
from publish.gate_frames import (
    datapackage_agreement_frames,
    disclosure_attack_frames,
    national_consistency_frame,
    parquet_agreement_frame,
    release_columns_frame,
)
from publish.gate_types import QUALITY_DIR, GateCheck, GateInputs, GateResult
from publish.quality_report import REPORT_FILE, SUMMARY_FILE, results_document, write_quality_folder

__all__ = ["QUALITY_DIR", "GateCheck", "GateInputs", "GateResult", "run_quality_gate"]

# --- running -------------------------------------------------------------------------------


def _context(gx):
    context = gx.get_context(mode="ephemeral")
    try:
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context.variables.progress_bars = ProgressBarsConfig(globally=False)
    except Exception:
        pass
    return context


def _collect(result, resource_of: dict[str, str]) -> list[GateCheck]:
    checks = []
    for run_result in result.run_results.values():
        suite = run_result.suite_name
        for r in run_result.results:
            config = r.expectation_config
            kwargs = config.kwargs
            column = (
                kwargs.get("column")
                or ", ".join(kwargs.get("column_list") or [])
                or " = ".join(filter(None, (kwargs.get("column_A"), kwargs.get("column_B"))))
            )
            if config.type == "expect_table_columns_to_match_ordered_list":
                column = ""
            res = r.result or {}
            examples = [str(v) for v in (res.get("partial_unexpected_list") or [])[:5]]
            raised = (r.exception_info or {}).get("raised_exception")
            note = (config.meta or {}).get("note", "")
            if raised:
                note = f"{note} (raised: {(r.exception_info or {}).get('exception_message', '')})".strip()
            if config.type.startswith("expect_table_columns") and not r.success:
                examples = [str(res.get("observed_value"))[:200]]
            checks.append(
                GateCheck(
                    resource=resource_of.get(suite, suite),
                    expectation=config.type,
                    column=column,
                    success=bool(r.success) and not raised,
                    unexpected=int(res.get("unexpected_count") or 0),
                    examples=examples,
                    note=note,
                )
            )
    return checks


def run_quality_gate(folder: Path, inputs: GateInputs) -> GateResult:
    """Validate the release files in ``folder`` and write ``quality/``; never raises for bad files.

    Returns:
        The gate's result: passed only when every expectation passed and none raised.
    """
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    import pandas as pd
    from great_expectations.core.run_identifier import RunIdentifier

    site_dir = folder / QUALITY_DIR
    site_dir.mkdir(parents=True, exist_ok=True)
    summary_path = site_dir / SUMMARY_FILE
    # A fixed run identity keeps the report's paths the same for the same release.
    run_time = dt.datetime.combine(inputs.release_date, dt.time(), tzinfo=dt.UTC)
    run_id = RunIdentifier(run_name=f"{inputs.period}-v{inputs.version}", run_time=run_time)
    checks: list[GateCheck] = []
    raw_results: list[tuple[str, dict]] = []
    scrub = [str(folder.resolve()), str(folder)]
    error = ""
    try:
        context = _context(gx)
        source = context.data_sources.add_pandas("release_files")
        try:
            package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
            package_fields = {
                r["name"]: [f["name"] for f in r["schema"]["fields"]] for r in package["resources"]
            }
        except (OSError, ValueError, KeyError, TypeError):
            package_fields = {}
        definitions, resource_of = [], {}
        for table in inputs.tables:
            path = folder / f"{table.name}.csv"
            header = path.read_text(encoding="utf-8").split("\n", 1)[0].split(",") if path.exists() else []
            asset = source.add_csv_asset(
                table.name,
                filepath_or_buffer=path.resolve(),
                dtype={h: "string" for h in header},
                keep_default_na=False,
                na_filter=False,
                encoding="utf-8",
            )
            suite = context.suites.add(gx.ExpectationSuite(name=f"{table.name}_csv"))
            for expectation in csv_expectations(gx, table, inputs, package_fields.get(table.name, [])):
                suite.add_expectation(expectation)
            batch = asset.add_batch_definition_whole_dataframe("as_written")
            definitions.append(
                context.validation_definitions.add(
                    gx.ValidationDefinition(name=f"{table.name}_csv", data=batch, suite=suite)
                )
            )
            resource_of[suite.name] = f"{table.name}.csv"
        # Checks across files run on small frames derived from the files as written. They are
        # saved as CSV beside nothing published (a temporary folder) so that one checkpoint
        # validates everything in one run.
        fields, resources = datapackage_agreement_frames(folder, inputs)
        frames = {
            "release_columns": release_columns_frame(folder, inputs.tables),
            "national_consistency": national_consistency_frame(folder, inputs),
            "datapackage_fields": fields,
            "datapackage_resources": resources,
            "parquet_agreement": parquet_agreement_frame(folder, inputs),
            **disclosure_attack_frames(folder, inputs),
        }
        expectations = derived_expectations(gx)
        with tempfile.TemporaryDirectory(prefix="release-gate-") as scratch:
            scrub.append(scratch)
            for name, rows in frames.items():
                frame_path = Path(scratch) / f"{name}.csv"
                pd.DataFrame(rows).to_csv(frame_path, index=False)
                asset = source.add_csv_asset(name, filepath_or_buffer=frame_path, keep_default_na=False)
                suite = context.suites.add(gx.ExpectationSuite(name=name))
                for expectation in expectations[name]:
                    suite.add_expectation(expectation)
                batch = asset.add_batch_definition_whole_dataframe("derived")
                definitions.append(
                    context.validation_definitions.add(
                        gx.ValidationDefinition(name=name, data=batch, suite=suite)
                    )
                )
                resource_of[name] = name
            checkpoint = context.checkpoints.add(
                gx.Checkpoint(
                    name="release_quality_gate",
                    validation_definitions=definitions,
                    result_format="SUMMARY",
                )
            )
            outcome = checkpoint.run(run_id=run_id)
            checks += _collect(outcome, resource_of)
            raw_results += [
                (resource_of.get(r.suite_name, r.suite_name), r.to_json_dict())
                for r in outcome.run_results.values()
            ]
    except Exception as exc:
        import traceback

        where = traceback.extract_tb(exc.__traceback__)[-1]
        error = f"{type(exc).__name__}: {exc} (at {Path(where.filename).name}:{where.lineno})"
    passed = not error and bool(checks) and all(c.success for c in checks)
    result = GateResult(
        passed=passed, checks=checks, report=site_dir / REPORT_FILE, summary=summary_path, error=error
    )
    document = results_document(raw_results, period=inputs.period, version=inputs.version, scrub=scrub)
    write_quality_folder(site_dir, result, inputs, document)
    return result
