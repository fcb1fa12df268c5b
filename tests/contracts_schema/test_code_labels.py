"""Every code has a plain-English label, defined once, and the seed the warehouse reads is not stale.

The labels come from ``contracts_schema/definitions/`` (code_lists.yaml and
warehouse_codes.yaml) and reach the warehouse as the generated seed
``dbt_project/seeds/generated/code_labels.csv`` (mart ``dim_code_labels``).
These tests read files only; the built-world checks (every code in the marts
has a label, the comments reach the analysts' copy) are in
``tests/warehouse/test_analyst_docs.py``.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
import yaml

from contracts_schema.code_labels import code_columns, code_labels, render_code_labels
from contracts_schema.registry import RegistryError, _code_list, load_registry

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "dbt_project" / "seeds" / "generated" / "code_labels.csv"
SEEDS = ROOT / "dbt_project" / "seeds"
MARTS = ROOT / "dbt_project" / "models" / "marts"
REGISTRY = load_registry()


def labels_by_list() -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for row in code_labels():
        found.setdefault(row.list, {})[row.code] = row.label
    return found


def seed_column(name: str, column: str) -> list[str]:
    with open(SEEDS / f"{name}.csv", newline="", encoding="utf-8") as handle:
        return [row[column] for row in csv.DictReader(handle)]


def test_the_committed_code_labels_seed_matches_the_definitions():
    assert SEED.read_text(encoding="utf-8") == render_code_labels(), (
        "code_labels.csv is stale: run `make spec`"
    )


def test_the_seed_reads_back_as_one_row_per_code_with_commas_and_apostrophes_intact():
    rows = list(csv.DictReader(io.StringIO(render_code_labels())))
    assert len(rows) == len({(r["list"], r["code"]) for r in rows}) == len(code_labels())
    customer_groups = {r["code"]: r for r in rows if r["list"] == "customer_group"}
    assert (
        customer_groups["ESA_WRAG"]["label"]
        == "Employment and Support Allowance, work-related activity group"
    )
    assert customer_groups["JSA_18_24"]["label"].startswith("Jobseeker's")


def test_every_code_list_of_the_specification_is_labelled_in_its_own_order():
    labels = labels_by_list()
    for name, code_list in REGISTRY.code_lists.items():
        assert list(labels[name])[: len(code_list.values)] == list(code_list.values), name


@pytest.mark.parametrize(
    "name, codes",
    [
        (
            "verification_status",
            [
                "WITHDRAWN",
                "UNKNOWN_PARTICIPANT",
                "CONTRACT_MISMATCH",
                "STARTED_BEFORE_REFERRAL",
                "DUPLICATE",
                "PENDING",
                "NO_EVIDENCE",
                "INSUFFICIENT_EMPLOYMENT",
                "VERIFIED",
            ],
        ),
        ("claim_state", ["UNCLAIMED", "NOT_YET_DUE"]),
        ("rating_status", ["RATED", "NOT_RATED"]),
        ("not_rated_reason", ["NO_MATURE_COHORT", "FEW_REFERRALS", "FEW_EXPECTED_OUTCOMES"]),
        ("compared_with_national", ["ABOVE", "NOT_DIFFERENT", "BELOW"]),
        ("labour_market_band", ["LOW", "MID", "HIGH", "UNKNOWN"]),
        ("age_band", ["16-24", "25-49", "50+", "UNKNOWN"]),
        ("benchmark_level", ["FULL_CELL", "WITHOUT_LABOUR_MARKET", "WITHOUT_AGE", "CUSTOMER_GROUP"]),
        ("group_dimension", ["customer_group", "impairment_group", "age_band", "sex", "ethnicity"]),
        ("stars", ["1", "2", "3", "4", "5"]),
    ],
)
def test_every_status_reason_and_band_of_the_marts_is_labelled(name, codes):
    # verification_status in the order its rules apply: the first that matches wins
    assert list(labels_by_list()[name]) == codes


def test_labels_are_words_for_the_public_not_codes():
    for row in code_labels():
        assert row.label.strip() and row.label != row.code, (row.list, row.code)
        assert "_" not in row.label, f"{row.list}.{row.code}: the label {row.label!r} looks like a code"
        assert row.label[0].isupper() or row.label[0].isdigit(), (row.list, row.code)
        if row.description:
            assert row.description.endswith("."), (row.list, row.code)
            assert not re.search(r"\bspec\b|§", row.description), (row.list, row.code)


def test_the_warehouse_codes_explain_what_they_mean():
    for name, code_list in REGISTRY.warehouse_codes.items():
        if name in ("age_band", "group_dimension", "impairment_group"):
            continue  # the label says it all (plus NONE, which has its description)
        assert set(code_list.descriptions) == set(code_list.values), f"{name}: a code without its description"


def test_no_impairment_group_extends_the_specifications_list():
    labels = labels_by_list()["impairment_group"]
    assert list(labels)[-1] == "NONE"
    assert "NONE" not in REGISTRY.code_lists["impairment_group"].values  # never accepted in a file


def test_the_bands_are_the_seeded_ones():
    labels = labels_by_list()
    assert list(labels["age_band"]) == [*seed_column("age_bands", "age_band"), "UNKNOWN"]
    assert sorted(labels["stars"]) == sorted(seed_column("star_bands", "stars"))
    assert sorted(labels["rating_domain"]) == sorted(seed_column("star_domain_weights", "domain"))
    assert set(labels["group_dimension"]) <= set(labels), "every group_dimension names a labelled list"


def test_a_column_carries_the_list_of_its_name_or_the_lists_own_columns():
    columns = code_columns()
    assert columns["verification_status"] == "verification_status"
    assert columns["previous_stars"] == columns["published_stars"] == "stars"
    assert columns["customer_group"] == "customer_group"


def _accepted_values(test) -> list | None:
    if isinstance(test, dict) and "accepted_values" in test:
        spec = test["accepted_values"]
        return (spec.get("arguments") or spec)["values"]
    return None


def test_every_accepted_code_of_every_mart_has_a_label():
    """A code a mart may hold (its accepted_values test) that has no label would show as a bare code."""
    labels = labels_by_list()
    columns = code_columns()
    missing = []
    for path in sorted(MARTS.glob("*.yml")):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []) or []:
            for column in model.get("columns", []) or []:
                code_list = columns.get(column["name"])
                if code_list is None:
                    continue
                for test in column.get("data_tests", []) or []:
                    values = _accepted_values(test)
                    for value in values or []:
                        if str(value) not in labels[code_list]:
                            missing.append(f"{model['name']}.{column['name']}: {value} ({code_list})")
    assert not missing, (
        "codes without a label (add them to contracts_schema/definitions/, then make spec):\n"
        + "\n".join(missing)
    )


def test_a_code_is_a_label_or_a_label_with_its_description():
    code_list = _code_list(
        "x", {"description": "d", "values": {"A": "Ay", "B": {"label": "Bee", "description": "More."}}}
    )
    assert code_list.values == {"A": "Ay", "B": "Bee"} and code_list.descriptions == {"B": "More."}
    with pytest.raises(RegistryError):
        _code_list("x", {"description": "d", "values": {"A": {"description": "no label"}}})
    with pytest.raises(RegistryError):
        _code_list("x", {"description": "d", "values": {}, "colour": "blue"})
