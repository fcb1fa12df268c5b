"""Comparing the public marts of a DuckDB build with those of a Spark build, row for row.

Used by ``test_engine_equivalence.py``. The public marts are the ``fct_*`` and
``mart_*`` models of schema ``marts`` and the release's ``pub_*`` models of
schema ``publication``. The DuckDB side is the analysts' copy
(``MI_HOME/warehouse/mi.duckdb``); the Spark side is read from the Parquet
files of Spark's managed tables (``MI_HOME/spark/warehouse/<schema>.db/<mart>``),
which is what Spark's ``<schema>.<mart>`` holds, so no second Spark session is
started just to read them. Both sides are read by DuckDB, so a type that
differs between the engines shows as a different column type.

A mart's key is its grain as its dbt properties state it (the
``unique_combination`` test, or a column's ``unique`` test). Counts, codes
and dates must be equal; floating-point columns (rates, indices, money)
within ``REL_TOL``, since the engines add up in different orders.

Not for: building either warehouse (``warehouse.build_warehouse``) or
checking measures against the spec (the scenario tests do that).
"""

from __future__ import annotations

import math
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
import yaml

from warehouse import DBT_PROJECT_DIR

#: Relative tolerance for floating-point columns: sums in another order differ in the last bits only.
REL_TOL = 1e-9
#: Absolute floor for values that should be zero (a relative tolerance means nothing there).
ABS_TOL = 1e-12
FLOAT_TYPES = ("DOUBLE", "FLOAT", "REAL")
#: (mart, column) that say when a build ran, not what it computed: any two builds differ there.
BUILD_MOMENT = {("mart_build_info", "built_at")}
SHOWN = 25


def require_spark() -> None:
    """Skip without Java or pyspark on a developer's machine; fail in CI, where ``.ci/run`` installs Java."""
    missing = []
    if shutil.which("java") is None:
        missing.append("java is not installed (apt-get install openjdk-17-jre-headless; .ci/run does this)")
    for module in ("pyspark", "dbt.adapters.spark"):
        try:
            __import__(module)
        except ImportError:
            missing.append(f"{module} is not installed (pinned in requirements.txt)")
    if not missing:
        return
    reason = "; ".join(missing)
    if os.environ.get("CI"):
        pytest.fail(reason + ", but CI is set: the Spark equivalence test must run in CI")
    pytest.skip(reason)


#: schema of each folder of public marts, and the prefixes of its public models
PUBLIC = {"marts": ("fct_", "mart_"), "publication": ("pub_",)}


def schema_of(mart: str) -> str:
    return next(schema for schema, prefixes in PUBLIC.items() if mart.startswith(prefixes))


def mart_keys() -> dict[str, list[str]]:
    """Every public mart (``fct_*``, ``mart_*`` under models/marts, ``pub_*`` under models/publication)
    and its grain's columns."""
    keys: dict[str, list[str]] = {}
    paths = [
        path for schema in PUBLIC for path in sorted((DBT_PROJECT_DIR / "models" / schema).glob("*.yml"))
    ]
    for path in paths:
        for model in (yaml.safe_load(path.read_text()) or {}).get("models", []) or []:
            if not model["name"].startswith(PUBLIC[path.parent.name]):
                continue
            key = None
            for test in model.get("data_tests", []) or []:
                if isinstance(test, dict) and "unique_combination" in test:
                    spec = test["unique_combination"]
                    key = list((spec.get("arguments") or spec)["combination_of_columns"])
            for column in model.get("columns", []) or []:
                if key is None and "unique" in (column.get("data_tests") or []):
                    key = [column["name"]]
            assert key, f"{model['name']} states no grain test (unique_combination or unique)"
            keys[model["name"]] = key
    return keys


@dataclass
class Table:
    columns: list[str]
    types: list[str]
    rows: list[tuple]


def read_duckdb_marts(database: Path, names) -> dict[str, Table]:
    connection = duckdb.connect(str(database), read_only=True)
    try:
        return {name: _read(connection, f"{schema_of(name)}.{name}") for name in names}
    finally:
        connection.close()


def read_spark_marts(home: Path, names) -> dict[str, Table]:
    """The marts Spark wrote, from their Parquet files; a mart Spark did not write is simply absent."""
    warehouse = home / "spark" / "warehouse"
    connection = duckdb.connect()
    try:
        folders = {name: warehouse / f"{schema_of(name)}.db" / name for name in names}
        return {
            name: _read(connection, f"read_parquet('{folder}/*.parquet')")
            for name, folder in folders.items()
            if any(folder.glob("*.parquet"))
        }
    finally:
        connection.close()


def _read(connection, relation: str) -> Table:
    cursor = connection.execute(f"select * from {relation}")
    columns = [c[0] for c in cursor.description]
    types = [str(c[1]) for c in cursor.description]
    return Table(columns, types, cursor.fetchall())


def compare_marts(keys: dict[str, list[str]], duck: dict[str, Table], spark: dict[str, Table]) -> list[str]:
    """Every difference, one line each, naming the mart, the key and both values."""
    problems: list[str] = []
    for name, key in keys.items():
        if name not in duck:
            problems.append(f"{name}: missing from the DuckDB build")
            continue
        if name not in spark:
            problems.append(f"{name}: missing from the Spark build")
            continue
        problems += compare_table(name, key, duck[name], spark[name])
    return problems


def compare_table(name: str, key: list[str], duck: Table, spark: Table) -> list[str]:
    problems: list[str] = []
    if duck.columns != spark.columns:
        return [f"{name}: columns differ: duckdb={duck.columns} spark={spark.columns}"]
    for column, duck_type, spark_type in zip(duck.columns, duck.types, spark.types, strict=False):
        if duck_type != spark_type:
            problems.append(f"{name}.{column}: type differs: duckdb={duck_type} spark={spark_type}")
    position = [duck.columns.index(k) for k in key]
    floats = {i for i, t in enumerate(duck.types) if t.upper().startswith(FLOAT_TYPES)}

    def keyed(table: Table, engine: str) -> dict[tuple, tuple]:
        found: dict[tuple, tuple] = {}
        for row in table.rows:
            k = tuple(row[i] for i in position)
            if k in found:
                problems.append(f"{name} {_key(key, k)}: two rows with this key on {engine}")
            found[k] = row
        return found

    duck_rows, spark_rows = keyed(duck, "duckdb"), keyed(spark, "spark")
    if len(duck.rows) != len(spark.rows):
        problems.append(f"{name}: row count differs: duckdb={len(duck.rows)} spark={len(spark.rows)}")
    for k in sorted(duck_rows.keys() - spark_rows.keys(), key=repr):
        problems.append(f"{name} {_key(key, k)}: only on duckdb")
    for k in sorted(spark_rows.keys() - duck_rows.keys(), key=repr):
        problems.append(f"{name} {_key(key, k)}: only on spark")
    for k in sorted(duck_rows.keys() & spark_rows.keys(), key=repr):
        left, right = duck_rows[k], spark_rows[k]
        for i, column in enumerate(duck.columns):
            if (name, column) in BUILD_MOMENT:
                continue
            if not _same(left[i], right[i], i in floats):
                problems.append(f"{name} {_key(key, k)}: {column} duckdb={left[i]!r} spark={right[i]!r}")
    return problems


def _same(a, b, is_float: bool) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if is_float:
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    return a == b


def _key(columns: list[str], values: tuple) -> str:
    return "(" + ", ".join(f"{c}={v!r}" for c, v in zip(columns, values, strict=False)) + ")"


def report(problems: list[str]) -> str:
    shown = "\n".join(f"  {p}" for p in problems[:SHOWN])
    more = f"\n  ... and {len(problems) - SHOWN} more" if len(problems) > SHOWN else ""
    return f"{len(problems)} difference(s) between the DuckDB and the Spark build:\n{shown}{more}"
