"""The same warehouse on DuckDB and on Spark: every public mart, row for row.

The small synthetic world (session fixture ``small_world``, built on DuckDB)
is copied and built again on Spark ``local[2]`` from the same lake files;
then every ``fct_*``/``mart_*`` of schema ``marts`` is compared by its grain:
counts, codes and dates exactly, floating-point columns within
``engine_equivalence.REL_TOL`` (1e-9 relative). A failure lists each mart,
key, column and both values.

The default run builds models and seeds only (one Spark session, about three
minutes on two cores); the slow test runs the full ``dbt build`` on Spark,
every data test and unit test included (``pytest -m slow``). Without Java the
Spark tests skip on a developer's machine and fail in CI.

Not for: the measures themselves (the scenario tests check those on DuckDB).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Paths
from tests.support.engine_equivalence import (
    Table,
    compare_marts,
    compare_table,
    mart_keys,
    read_duckdb_marts,
    read_spark_marts,
    report,
    require_spark,
)
from tests.support.worlds import copy_home
from warehouse import DBT_PROJECT_DIR, build_warehouse, publish_analyst_copy
from warehouse.build import warehouse_engine

MODELS_AND_SEEDS = ["resource_type:test", "resource_type:unit_test"]


@pytest.fixture(scope="module")
def spark_small_world(small_world, tmp_path_factory):
    """(MI_HOME, build result, analysts' copy mtime before it) of the small world built again on Spark.

    Models and seeds only: the data tests and unit tests on Spark are the slow test's.
    """
    require_spark()
    home = copy_home(small_world, tmp_path_factory.mktemp("spark_small_world") / "home")
    copy_before = Paths(home).warehouse.stat().st_mtime_ns
    result = build_warehouse(Paths(home), "spark", exclude=MODELS_AND_SEEDS)
    assert result.ok, result.error
    return home, result, copy_before


def test_every_public_mart_is_the_same_on_duckdb_and_spark(spark_small_world):
    home, result, _ = spark_small_world
    keys = mart_keys()
    assert len(keys) >= 13, sorted(keys)
    duck = read_duckdb_marts(Paths(home).warehouse, keys)
    spark = read_spark_marts(home, keys)
    assert all(duck[name].rows for name in keys), "the small world should fill every mart"
    problems = compare_marts(keys, duck, spark)
    assert not problems, report(problems) + f"\n(Spark build: {result.summary()})"


def test_spark_keeps_all_its_state_under_mi_home(spark_small_world):
    home, result, copy_before = spark_small_world
    spark = home / "spark"
    for kept in ("warehouse/marts.db", "metastore_db", "derby.log", "logs/dbt.log", "target/manifest.json"):
        assert (spark / kept).exists(), kept
    for folder in (DBT_PROJECT_DIR, Path.cwd(), home, home / "warehouse" / "build"):
        for stray in ("spark-warehouse", "metastore_db", "derby.log"):
            assert not (folder / stray).exists(), f"Spark wrote {folder / stray}"
    # a Spark build makes no analysts' DuckDB copy and leaves the existing one alone
    assert result.analyst_copy is None
    assert Paths(home).warehouse.stat().st_mtime_ns == copy_before


@pytest.mark.slow
def test_every_model_data_test_and_unit_test_passes_on_spark(small_world, tmp_path):
    """The full ``dbt build`` on Spark: 49 models, 6 seeds, every data test and unit test (~6 min)."""
    require_spark()
    home = copy_home(small_world, tmp_path / "home")
    result = build_warehouse(Paths(home), "spark")
    assert result.ok, result.error
    counts = result.counts()
    assert counts.get("unit_test", 0) >= 10 and counts.get("test", 0) >= 400, counts
    assert not result.skipped, [n.name for n in result.skipped]
    keys = mart_keys()
    problems = compare_marts(
        keys, read_duckdb_marts(Paths(home).warehouse, keys), read_spark_marts(home, keys)
    )
    assert not problems, report(problems)


def test_a_difference_names_the_mart_the_key_and_both_values():
    duck = Table(
        ["contract_id", "quarter", "referrals", "rate", "band"],
        ["VARCHAR", "VARCHAR", "BIGINT", "DOUBLE", "VARCHAR"],
        [("C1", "2024Q1", 10, 0.1, "LOW"), ("C1", "2024Q2", 12, 0.3, "MID"), ("C2", "2024Q1", 5, 0.0, "LOW")],
    )
    spark = Table(
        duck.columns,
        duck.types,
        [
            ("C1", "2024Q1", 10, 0.1 * (1 + 1e-12), "LOW"),  # inside the tolerance
            ("C1", "2024Q2", 12, 0.3, "HIGH"),
            ("C3", "2024Q1", 5, 0.0, "LOW"),
        ],
    )
    problems = compare_table("mart_x", ["contract_id", "quarter"], duck, spark)
    assert "mart_x (contract_id='C1', quarter='2024Q2'): band duckdb='MID' spark='HIGH'" in problems
    assert "mart_x (contract_id='C2', quarter='2024Q1'): only on duckdb" in problems
    assert "mart_x (contract_id='C3', quarter='2024Q1'): only on spark" in problems
    assert len(problems) == 3, problems
    spark.rows[0] = ("C1", "2024Q1", 10, 0.1 * (1 + 1e-6), "LOW")
    assert any(
        p.startswith("mart_x (contract_id='C1', quarter='2024Q1'): rate duckdb=0.1 spark=0.1000001")
        for p in compare_table("mart_x", ["contract_id", "quarter"], duck, spark)
    )
    assert compare_marts({"mart_y": ["k"]}, {"mart_y": duck}, {}) == ["mart_y: missing from the Spark build"]


def test_the_engine_is_duckdb_unless_mi_warehouse_says_spark(monkeypatch, tmp_path):
    monkeypatch.delenv("MI_WAREHOUSE", raising=False)
    assert warehouse_engine() == "duckdb"
    monkeypatch.setenv("MI_WAREHOUSE", "Spark")
    assert warehouse_engine() == "spark"
    assert warehouse_engine("duckdb") == "duckdb"
    monkeypatch.setenv("MI_WAREHOUSE", "oracle")
    with pytest.raises(ValueError, match="oracle"):
        warehouse_engine()
    with pytest.raises(ValueError, match="analysts' copy"):
        build_warehouse(Paths(tmp_path), "spark", publish=True)
    monkeypatch.setenv("MI_WAREHOUSE", "spark")
    # the build database would be an older DuckDB build, not the Spark build that just ran
    with pytest.raises(ValueError, match="no DuckDB file"):
        publish_analyst_copy(Paths(tmp_path))
