"""The release's quality gate: Great Expectations on the files as written; a failed gate blocks approval.

Every published CSV is read back from the candidate folder by a GX pandas data
source (every cell as the string a reader gets) and held to an expectation
suite derived from :mod:`publish.definitions`: expected columns in order,
unique non-empty keys, counts that are multiples of the rounding base or an
allowed symbol, rates in 0-1 at fixed decimals, indices at fixed decimals,
stars 1-5, codes from their code lists, inert text, and every covered
contract of the warehouse present. Checks that span files are expectations on
small frames derived from the files as written:

- ``release_columns``: every column name of every CSV and Parquet file; none
  may be personal;
- ``national_consistency``: each national total against the sum of its parts
  (contract rows, or the nation x customer-group rows), within what rounding
  can explain, and the payments total against the warehouse's;
- ``datapackage_agreement``: ``datapackage.json`` as written against the
  definitions and the CSV headers, sizes and hashes;
- ``parquet_agreement``: each Parquet file holds exactly the CSV's cells.

The gate writes GX Data Docs into ``quality/`` (filesystem site, absolute
path) and a plain ``quality/summary.md`` that reads well offline (GX pages
take their styles from public CDNs).

Not for: producing or fixing any file, or deciding what happens to a failed
candidate (``publish.release`` records it and refuses approval).

Notes:
    ``great_expectations`` takes 2-4 s to import: it is imported inside
    :func:`run_quality_gate` only. A checkpoint passes one ``batch_parameters``
    (one dataframe) to all its validation definitions, so the derived frames
    are written to a temporary folder as CSV and join the one checkpoint: the
    Data Docs site is then built once (the slow part of the gate: GX compiles
    its page templates anew for every page).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publish import disclosure_control as dc
from publish.definitions import (
    CONTRACT_PERFORMANCE,
    KINDS,
    NATIONAL_SUMMARY,
    STAR_RATINGS,
    TOTAL,
    ReleaseTable,
    allowed_symbols,
    allowed_values,
    cell_pattern,
)
from publish.parameters import ReleaseParameters
from publish.writers import read_csv_rows, text_bytes, write_bytes

QUALITY_DIR = "quality"
SITE_NAME = "release_quality_gate"
INERT_VIOLATION = r"^[=+\-@\t\r]"
COUNT_MEASURES = ("referrals", "starts", "job_outcomes", "sustained_26w_outcomes")


@dataclass
class GateCheck:
    """One expectation's outcome, as the summary and the workflow record show it."""

    resource: str
    expectation: str
    column: str
    success: bool
    unexpected: int = 0
    examples: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class GateResult:
    passed: bool
    checks: list[GateCheck]
    report: Path
    summary: Path
    error: str = ""

    @property
    def failures(self) -> list[GateCheck]:
        return [c for c in self.checks if not c.success]

    def as_record(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "expectations": len(self.checks),
            "failed": len(self.failures),
            "failures": [f"{c.resource}: {c.expectation} {c.column}".strip() for c in self.failures][:20],
            "error": self.error,
        }


@dataclass
class GateInputs:
    """What the files are checked against, from the warehouse and the definitions."""

    period: str
    version: int
    release_date: dt.date
    tables: list[ReleaseTable]
    vocabulary: dict[str, list[str]]
    expected_contracts: list[str]
    warehouse_payments_gbp: float
    parameters: ReleaseParameters


# --- expectations per CSV -----------------------------------------------------------------


def _csv_expectations(gx, table: ReleaseTable, inputs: GateInputs, package_fields: list[str] | None) -> list:
    E = gx.expectations
    p = inputs.parameters
    out = [
        E.ExpectTableColumnsToMatchOrderedList(
            column_list=table.column_names, meta={"note": "expected columns, in order"}
        )
    ]
    if package_fields is not None:
        out.append(
            E.ExpectTableColumnsToMatchOrderedList(
                column_list=package_fields, meta={"note": "the CSV header agrees with datapackage.json"}
            )
        )
    if table.name != "revisions":
        out.append(E.ExpectTableRowCountToBeBetween(min_value=1, meta={"note": "the table has rows"}))
    if len(table.key) > 1:
        out.append(
            E.ExpectCompoundColumnsToBeUnique(column_list=list(table.key), meta={"note": "keys unique"})
        )
    else:
        out.append(E.ExpectColumnValuesToBeUnique(column=table.key[0], meta={"note": "keys unique"}))
    for column in table.columns:
        if column.name in table.key:
            out.append(
                E.ExpectColumnValueLengthsToBeBetween(
                    column=column.name, min_value=1, meta={"note": "key never empty"}
                )
            )
        pattern = cell_pattern(column, p)
        if pattern:
            out.append(
                E.ExpectColumnValuesToMatchRegex(
                    column=column.name, regex=pattern, meta={"note": f"{column.kind}: value format or symbol"}
                )
            )
        enum = allowed_values(column, inputs.vocabulary)
        if enum is not None:
            out.append(
                E.ExpectColumnValuesToBeInSet(
                    column=column.name,
                    value_set=enum + allowed_symbols(column, p),
                    meta={"note": "code from its code list"},
                )
            )
        if KINDS[column.kind].schema_type == "string":
            out.append(
                E.ExpectColumnValuesToNotMatchRegex(
                    column=column.name, regex=INERT_VIOLATION, meta={"note": "spreadsheet-inert text"}
                )
            )
    if table is CONTRACT_PERFORMANCE:
        expected = sorted(dc.inert_text(c) for c in inputs.expected_contracts)
        out.append(
            E.ExpectColumnDistinctValuesToEqualSet(
                column="contract_id",
                value_set=expected,
                meta={"note": "every covered contract of the warehouse present, no other"},
            )
        )
        out.append(
            E.ExpectColumnValuesToBeInSet(
                column="period", value_set=[inputs.period], meta={"note": "the release period"}
            )
        )
    if table is STAR_RATINGS:
        expected = sorted(dc.inert_text(c) for c in inputs.expected_contracts)
        out.append(
            E.ExpectColumnValuesToBeInSet(
                column="unit_id",
                value_set=expected,
                row_condition='unit_type=="CONTRACT"',
                condition_parser="pandas",
                meta={"note": "contract ratings only for covered contracts"},
            )
        )
    if table.name == "performance_by_group":
        expected = sorted(dc.inert_text(c) for c in inputs.expected_contracts)
        out.append(
            E.ExpectColumnValuesToBeInSet(
                column="contract_id", value_set=expected, meta={"note": "only covered contracts"}
            )
        )
    return out


# --- derived frames -----------------------------------------------------------------------


def release_columns_frame(folder: Path, tables: list[ReleaseTable]) -> list[dict[str, Any]]:
    """Every column name of every CSV and Parquet file in the folder, as written."""
    import pyarrow.parquet as pq

    rows = []
    for path in sorted(folder.glob("*.csv")):
        header = path.read_text(encoding="utf-8").split("\n", 1)[0]
        rows += [{"file": path.name, "column": name.lower()} for name in header.split(",")]
    for path in sorted(folder.glob("*.parquet")):
        rows += [{"file": path.name, "column": name.lower()} for name in pq.read_schema(path).names]
    return rows


def _count_value(cell: str, p: ReleaseParameters) -> int | None:
    if cell == p.symbols.low:
        return 0
    try:
        return int(cell)
    except ValueError:
        return None


def national_consistency_frame(folder: Path, inputs: GateInputs) -> list[dict[str, Any]]:
    """Each national total against the sum of its parts, with the slack rounding allows."""
    p = inputs.parameters
    contracts = read_csv_rows(folder / f"{CONTRACT_PERFORMANCE.name}.csv")
    national = read_csv_rows(folder / f"{NATIONAL_SUMMARY.name}.csv")
    # A published count is off its true value by at most half the base, or by the low range.
    slack = max(p.disclosure.count_rounding_base // 2, p.disclosure.low_count_max)
    by_cell = {(r["nation"], r["customer_group"]): r for r in national}
    nations = sorted({n for n, _ in by_cell if n != TOTAL})
    groups = sorted({g for _, g in by_cell if g != TOTAL})
    rows = []

    def compare(check: str, nation: str, group: str, measure: str, parts: list[str]) -> None:
        total_row = by_cell.get((nation, group))
        published = _count_value(total_row[measure], p) if total_row else None
        values = [_count_value(v, p) for v in parts]
        counts = [v for v in values if v is not None]
        if published is None or len(counts) < len(values):
            excess = 1.0  # a total or part that is not a count cannot be reconciled
            parts_sum = None
        else:
            parts_sum = sum(counts)
            excess = float(abs(published - parts_sum) - slack * (len(values) + 1))
        rows.append(
            {
                "check": check,
                "nation": nation,
                "customer_group": group,
                "measure": measure,
                "published": published,
                "parts_sum": parts_sum,
                "parts": len(values),
                "excess_over_rounding": excess,
            }
        )

    for measure in COUNT_MEASURES:
        compare("all contracts", TOTAL, TOTAL, measure, [c[measure] for c in contracts])
        for nation in nations:
            compare(
                "contracts of the nation",
                nation,
                TOTAL,
                measure,
                [c[measure] for c in contracts if c["nation"] == nation],
            )
            compare(
                "customer groups of the nation",
                nation,
                TOTAL,
                measure,
                [by_cell[(nation, g)][measure] for g in groups if (nation, g) in by_cell],
            )
        for group in groups:
            compare(
                "nations of the customer group",
                TOTAL,
                group,
                measure,
                [by_cell[(n, group)][measure] for n in nations if (n, group) in by_cell],
            )
    # Payments: the summary's total against mart_contract_review, within the money rounding.
    total = by_cell.get((TOTAL, TOTAL), {}).get("payments_made_gbp")
    published_money: int | None = None
    excess = 1.0  # no total, or a total that is not a whole number of pounds, cannot be reconciled
    if total is not None:
        try:
            published_money = int(total)
        except ValueError:
            published_money = None
        else:
            excess = (
                abs(published_money - inputs.warehouse_payments_gbp)
                - p.disclosure.money_rounding_base_gbp / 2
            )
    rows.append(
        {
            "check": "payments against the warehouse",
            "nation": TOTAL,
            "customer_group": TOTAL,
            "measure": "payments_made_gbp",
            "published": published_money,
            "parts_sum": round(inputs.warehouse_payments_gbp, 2),
            "parts": 1,
            "excess_over_rounding": float(excess),
        }
    )
    return rows


def datapackage_agreement_frames(folder: Path, inputs: GateInputs) -> tuple[list[dict], list[dict]]:
    """(fields, resources): ``datapackage.json`` as written against the definitions and the files."""
    from publish.datapackage import field_descriptor

    p = inputs.parameters
    try:
        package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        package = {"resources": []}
    listed = {r.get("name"): r for r in package.get("resources", [])}
    fields, resources = [], []
    for table in inputs.tables:
        csv_path = folder / f"{table.name}.csv"
        data = csv_path.read_bytes() if csv_path.exists() else b""
        header = data.decode("utf-8").split("\n", 1)[0].split(",") if data else []
        res = listed.get(table.name, {})
        schema = res.get("schema", {})
        pkg_fields = schema.get("fields", [])
        resources.append(
            {
                "resource": table.name,
                "listed": bool(res),
                "path_matches": res.get("path") == csv_path.name,
                "bytes_match": res.get("bytes") == len(data),
                "hash_matches": res.get("hash") == f"sha256:{hashlib.sha256(data).hexdigest()}",
                "primary_key_matches": schema.get("primaryKey") == list(table.key),
                "missing_values_match": schema.get("missingValues") == p.missing_values,
            }
        )
        for position in range(max(len(table.columns), len(pkg_fields), len(header))):
            column = table.columns[position] if position < len(table.columns) else None
            pkg = pkg_fields[position] if position < len(pkg_fields) else {}
            expected = field_descriptor(column, table, inputs.vocabulary, p) if column else {}
            fields.append(
                {
                    "resource": table.name,
                    "position": position,
                    "definition_field": expected.get("name", ""),
                    "package_field": pkg.get("name", ""),
                    "csv_header": header[position] if position < len(header) else "",
                    "definition_type": expected.get("type", ""),
                    "package_type": pkg.get("type", ""),
                    "definition_constraints": json.dumps(expected.get("constraints", {}), sort_keys=True),
                    "package_constraints": json.dumps(pkg.get("constraints", {}), sort_keys=True),
                }
            )
    return fields, resources


def parquet_agreement_frame(folder: Path, inputs: GateInputs) -> list[dict[str, Any]]:
    """Per data table: whether its Parquet file holds exactly the CSV's cells."""
    import pyarrow.parquet as pq

    symbols = set(inputs.parameters.symbols.all) | {""}
    rows = []
    for table in inputs.tables:
        if table.name == "revisions":
            continue
        csv_path, pq_path = folder / f"{table.name}.csv", folder / f"{table.name}.parquet"
        problem = ""
        try:
            csv_rows = read_csv_rows(csv_path)
            parquet_rows = pq.read_table(pq_path).to_pylist()
            if len(csv_rows) != len(parquet_rows):
                problem = f"{len(csv_rows)} CSV rows, {len(parquet_rows)} Parquet rows"
            for i, (c, q) in enumerate(zip(csv_rows, parquet_rows, strict=False)):
                if list(c) != list(q):
                    problem = "different columns"
                    break
                for name, cell in c.items():
                    value = q[name]
                    expected = (
                        None
                        if (cell in symbols and KINDS[table.column(name).kind].parquet != "string")
                        else cell
                    )
                    if (None if value is None else str(value)) != expected:
                        problem = f"row {i + 1} {name}: CSV {cell!r}, Parquet {value!r}"
                        break
                if problem:
                    break
        except Exception as exc:
            problem = f"{type(exc).__name__}: {exc}"
        rows.append({"table": table.name, "agrees": problem == "", "problem": problem})
    return rows


def _derived_expectations(gx) -> dict[str, list]:
    E = gx.expectations
    return {
        "release_columns": [
            E.ExpectColumnValuesToNotBeInSet(
                column="column",
                value_set=sorted(dc.PERSONAL_COLUMNS),
                meta={"note": "no personal column in any file"},
            ),
            E.ExpectColumnValuesToNotMatchRegex(
                column="column",
                regex=dc.PERSONAL_COLUMN_PATTERN.pattern,
                meta={"note": "no exact-date or identifier column"},
            ),
        ],
        "national_consistency": [
            E.ExpectColumnValuesToBeBetween(
                column="excess_over_rounding",
                max_value=0,
                meta={"note": "national totals consistent with their parts within rounding"},
            ),
        ],
        "datapackage_fields": [
            E.ExpectColumnPairValuesToBeEqual(
                column_A="definition_field",
                column_B="package_field",
                meta={"note": "datapackage.json field names"},
            ),
            E.ExpectColumnPairValuesToBeEqual(
                column_A="package_field",
                column_B="csv_header",
                meta={"note": "CSV header as datapackage.json says"},
            ),
            E.ExpectColumnPairValuesToBeEqual(
                column_A="definition_type",
                column_B="package_type",
                meta={"note": "datapackage.json field types"},
            ),
            E.ExpectColumnPairValuesToBeEqual(
                column_A="definition_constraints",
                column_B="package_constraints",
                meta={"note": "datapackage.json allowed values and ranges"},
            ),
        ],
        "datapackage_resources": [
            E.ExpectColumnValuesToBeInSet(column=name, value_set=[True], meta={"note": note})
            for name, note in (
                ("listed", "every table is a resource"),
                ("path_matches", "resource path"),
                ("bytes_match", "resource size as written"),
                ("hash_matches", "resource SHA-256 as written"),
                ("primary_key_matches", "primary key"),
                ("missing_values_match", "GSS symbols declared as missing values"),
            )
        ],
        "parquet_agreement": [
            E.ExpectColumnValuesToBeInSet(
                column="agrees", value_set=[True], meta={"note": "Parquet holds exactly the CSV's cells"}
            ),
        ],
    }


# --- running -------------------------------------------------------------------------------


def _context(gx, site_dir: Path):
    context = gx.get_context(mode="ephemeral")
    try:
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context.variables.progress_bars = ProgressBarsConfig(globally=False)
    except Exception:
        pass
    context.add_data_docs_site(
        site_name=SITE_NAME,
        site_config={
            "class_name": "SiteBuilder",
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(site_dir.resolve()),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder", "show_cta_footer": False},
            "site_section_builders": {"profiling": "0"},
            "show_how_to_buttons": False,
        },
    )
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
    summary_path = site_dir / "summary.md"
    # A fixed run identity keeps the report's paths the same for the same release.
    run_time = dt.datetime.combine(inputs.release_date, dt.time(), tzinfo=dt.UTC)
    run_id = RunIdentifier(run_name=f"{inputs.period}-v{inputs.version}", run_time=run_time)
    checks: list[GateCheck] = []
    error = ""
    try:
        context = _context(gx, site_dir)
        docs: list[gx.checkpoint.ValidationAction] = [
            gx.checkpoint.UpdateDataDocsAction(name="release_data_docs", site_names=[SITE_NAME])
        ]
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
            for expectation in _csv_expectations(gx, table, inputs, package_fields.get(table.name, [])):
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
        # validates everything and the Data Docs site is built once.
        fields, resources = datapackage_agreement_frames(folder, inputs)
        frames = {
            "release_columns": release_columns_frame(folder, inputs.tables),
            "national_consistency": national_consistency_frame(folder, inputs),
            "datapackage_fields": fields,
            "datapackage_resources": resources,
            "parquet_agreement": parquet_agreement_frame(folder, inputs),
        }
        expectations = _derived_expectations(gx)
        with tempfile.TemporaryDirectory(prefix="release-gate-") as scratch:
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
                    actions=docs,
                    result_format="SUMMARY",
                )
            )
            checks += _collect(checkpoint.run(run_id=run_id), resource_of)
    except Exception as exc:
        import traceback

        where = traceback.extract_tb(exc.__traceback__)[-1]
        error = f"{type(exc).__name__}: {exc} (at {Path(where.filename).name}:{where.lineno})"
    _prune_unreferenced_static_files(site_dir)
    passed = not error and bool(checks) and all(c.success for c in checks)
    result = GateResult(
        passed=passed, checks=checks, report=site_dir / "index.html", summary=summary_path, error=error
    )
    write_bytes(summary_path, text_bytes(render_summary(result, inputs)))
    return result


def _prune_unreferenced_static_files(site_dir: Path) -> None:
    """Drop the Data Docs assets no page uses (4 MB of fonts and tutorial images per release).

    GX copies its whole ``static/`` folder into every site; the pages use the
    favicon and the logo and take their styles from CDNs.
    """
    static = site_dir / "static"
    if not static.is_dir():
        return
    pages = "".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in site_dir.rglob("*")
        if p.suffix in (".html", ".css") and p.is_file()
    )
    for path in sorted(static.rglob("*"), reverse=True):
        if path.is_file() and path.name not in pages:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


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
