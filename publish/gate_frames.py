"""Small frames derived from the release files as written, for the gate's checks across files.

- ``release_columns``: every column name of every CSV and Parquet file;
- ``national_consistency``: each national total against the sum of its parts
  (contract rows, or the nation x customer-group rows), with the slack rounding
  allows, and the payments total against the warehouse's;
- ``datapackage_agreement``: ``datapackage.json`` as written against the
  definitions and the CSV headers, sizes and hashes;
- ``parquet_agreement``: whether each Parquet file holds exactly the CSV's cells, a symbol as a
  null value with the symbol in its ``<column>_marker`` column;
- ``disclosure_subtraction`` and ``rate_reproduction``: the release's attack on itself
  (:mod:`publish.disclosure_attack`): every ``[c]`` group's range after subtraction from every
  published total it belongs to, and every rate recomputed from its published counts.

Not for: judging the frames (:mod:`publish.gate_checks` holds the expectations).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from publish.definitions import (
    CONTRACT_PERFORMANCE,
    NATIONAL_SUMMARY,
    TOTAL,
    ReleaseTable,
)
from publish.disclosure_attack import attack_frames
from publish.gate_types import GateInputs
from publish.parameters import ReleaseParameters
from publish.writers import marker_cell, parquet_columns, read_csv_rows

COUNT_MEASURES = ("referrals", "starts", "job_outcomes", "sustained_26w_outcomes")


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


def _bounds(cell: str, p: ReleaseParameters) -> tuple[float, float] | None:
    """The published value of a count as (low, high): a number is itself, ``[low]`` 0 (within the
    rounding slack), ``[c]`` anything (a small group, or a group suppressed to protect one)."""
    if cell == p.symbols.confidential:
        return 0.0, float("inf")
    value = _count_value(cell, p)
    return None if value is None else (float(value), float(value))


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
        bounds = [_bounds(v, p) for v in parts]
        known = [b for b in bounds if b is not None]
        parts_sum: float | None
        if published is None or len(known) < len(bounds):
            excess = 1.0  # a total or part that is not a count cannot be reconciled
            parts_sum = None
        else:
            low, high = sum(b[0] for b in known), sum(b[1] for b in known)
            parts_sum = low if low == high else None
            # |total - sum of parts| <= 2(n+1) for n parts, a [c] part being of any size
            excess = float(max(low - published, published - high) - slack * (len(bounds) + 1))
        rows.append(
            {
                "check": check,
                "nation": nation,
                "customer_group": group,
                "measure": measure,
                "published": published,
                "parts_sum": parts_sum,
                "parts": len(bounds),
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
    """Per table with a Parquet twin: whether it holds exactly the CSV's cells, symbols in marker columns."""
    import pyarrow.parquet as pq

    symbols = inputs.parameters.symbols.all
    rows = []
    for table in inputs.tables:
        if not table.parquet:
            continue
        csv_path, pq_path = folder / f"{table.name}.csv", folder / f"{table.name}.parquet"
        problem = ""
        try:
            csv_rows = read_csv_rows(csv_path)
            parquet_rows = pq.read_table(pq_path).to_pylist()
            layout = parquet_columns(table)
            if len(csv_rows) != len(parquet_rows):
                problem = f"{len(csv_rows)} CSV rows, {len(parquet_rows)} Parquet rows"
            for i, (c, q) in enumerate(zip(csv_rows, parquet_rows, strict=False)):
                if list(q) != [name for name, _, _ in layout]:
                    problem = "different columns"
                    break
                for name, source, role in layout:
                    value = q[name]
                    cell = c[source]
                    if role == "marker":
                        expected = marker_cell(c, source, symbols)
                    else:
                        expected = None if (cell in symbols or cell == "") else cell
                    if (None if value is None else str(value)) != expected:
                        problem = f"row {i + 1} {name}: CSV {cell!r}, Parquet {value!r}"
                        break
                if problem:
                    break
        except Exception as exc:
            problem = f"{type(exc).__name__}: {exc}"
        rows.append({"table": table.name, "agrees": problem == "", "problem": problem})
    return rows


def disclosure_attack_frames(folder: Path, inputs: GateInputs) -> dict[str, list[dict[str, Any]]]:
    """The release's attack on itself (:mod:`publish.disclosure_attack`): subtraction and rates."""
    subtraction, rates = attack_frames(folder, inputs.parameters, inputs.window_cohorts)
    return {"disclosure_subtraction": subtraction, "rate_reproduction": rates}
