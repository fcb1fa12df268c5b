"""Fast checks over the dbt project's files: documentation, contracts, seeds and portable SQL.

These read YAML and SQL only (no dbt, no database), so they run in a blink and
catch the drift that review misses: a model without its grain, a mart without
an enforced contract, SQL that would not build on Spark.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import yaml

from warehouse import DBT_PROJECT_DIR

MODELS = DBT_PROJECT_DIR / "models"
SEEDS = DBT_PROJECT_DIR / "seeds"
SQL_FILES = sorted(MODELS.rglob("*.sql")) + sorted((DBT_PROJECT_DIR / "macros").rglob("*.sql"))


def model_properties() -> dict[str, dict]:
    found = {}
    for path in MODELS.rglob("*.yml"):
        for model in (yaml.safe_load(path.read_text()) or {}).get("models", []) or []:
            found[model["name"]] = model
    return found


def without_comments_and_jinja(sql: str) -> str:
    sql = re.sub(r"\{#.*?#\}", "", sql, flags=re.S)
    sql = re.sub(r"--[^\n]*", "", sql)
    return re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " jinja ", sql, flags=re.S)


def test_every_model_has_properties_with_its_grain():
    properties = model_properties()
    for path in MODELS.rglob("*.sql"):
        model = properties.get(path.stem)
        assert model is not None, f"{path.stem} has no YAML entry"
        assert "grain" in model.get("description", "").lower(), f"{path.stem} does not state its grain"
        for column in model.get("columns", []):
            assert column.get("description", "").strip(), f"{path.stem}.{column['name']} has no description"


def test_every_mart_and_publication_model_enforces_its_contract_with_a_type_on_every_column():
    for name, model in model_properties().items():
        if not name.startswith(("fct_", "mart_", "pub_")):
            continue
        assert model.get("config", {}).get("contract", {}).get("enforced") is True, name
        assert model["columns"], name
        assert all(column.get("data_type") for column in model["columns"]), name


def test_every_seed_is_described_and_typed():
    seeds = {seed["name"]: seed for seed in yaml.safe_load((SEEDS / "_seeds.yml").read_text())["seeds"]}
    assert set(seeds) == {path.stem for path in SEEDS.glob("*.csv")}
    for name, seed in seeds.items():
        assert seed.get("description", "").strip(), name
        header = (SEEDS / f"{name}.csv").read_text().splitlines()[0].split(",")
        assert set(seed["config"]["column_types"]) == set(header), name
        assert {column["name"] for column in seed["columns"]} == set(header), name


def test_the_thresholds_of_the_spec_are_seeded():
    with (SEEDS / "measure_thresholds.csv").open(newline="") as handle:
        rows = {row["name"]: row["value"] for row in csv.DictReader(handle)}
    assert {name: float(value) for name, value in rows.items()} == {
        "min_cell_participants": 30,
        "min_referrals_rated": 50,
        "min_survey_responses": 30,
        "parking_index_ratio": 0.5,
        "parking_min_group": 30,
        "evidence_match_days": 28,
        "cohort_maturity_months": 18,
        "job_outcome_months": 12,
        "rating_window_cohorts": 4,
        "long_term_no_outcome_weeks": 52,
        "inspection_lookback_years": 3,
        "core_provider_value_share": 0.8,
        "claim_grace_days": 91,
        "programme_duration_days": 728,
        "min_expected_outcomes": 10,
        "parking_z": -1.96,
    }


def test_each_nation_is_inspected_by_its_own_inspectorate():
    with (SEEDS / "nation_inspectorates.csv").open(newline="") as handle:
        assert {row["nation"]: row["inspectorate"] for row in csv.DictReader(handle)} == {
            "ENGLAND": "OFSTED",
            "WALES": "ESTYN",
            "SCOTLAND": "EDUCATION_SCOTLAND",
        }


@pytest.mark.parametrize("path", SQL_FILES, ids=lambda p: p.name)
def test_sql_follows_the_portability_rules(path: Path):
    sql = without_comments_and_jinja(path.read_text())
    assert '"' not in sql, "double quotes are a string literal on Spark"
    assert "//" not in sql, "integer division // is DuckDB only"
    for banned in (
        r"\bstrftime\b",
        r"\bdate_format\b",
        r"\bgenerate_series\b",
        r"\bdate_diff\b",
        r"\bdatediff\s*\(",
        r"\bexclude\s*\(",
        r"\boverlaps\b",
        r"::",
    ):
        assert not re.search(banned, sql, flags=re.I), f"{banned} is not portable"


@pytest.mark.parametrize("path", sorted(MODELS.rglob("*.sql")), ids=lambda p: p.name)
def test_every_division_guards_its_denominator(path: Path):
    sql = without_comments_and_jinja(path.read_text())
    for match in re.finditer(r"/", sql):
        after = sql[match.end() : match.end() + 40]
        assert re.match(r"\s*(nullif\s*\(|[0-9])", after), f"unguarded division before: {after!r}"


@pytest.mark.parametrize("path", sorted(MODELS.rglob("*.sql")), ids=lambda p: p.name)
def test_models_use_ctes_not_subqueries(path: Path):
    sql = without_comments_and_jinja(path.read_text())
    for match in re.finditer(r"\(\s*select\b", sql, flags=re.I):
        before = sql[: match.start()].rstrip()
        assert re.search(r"\bas$", before, flags=re.I), f"subquery after: {before[-60:]!r}"
