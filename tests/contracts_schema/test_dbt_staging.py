"""The staging models' dbt tests are derived from the definitions, and the committed file is not stale.

``dbt_project/models/staging/_stg_lake__models.yml`` is rendered by
``contracts_schema.dbt_staging`` from the hand-written part
(``definitions/staging_models.yaml``) and the registry. These tests read
files only; that the tests pass on a built world is the warehouse tests' part
(every build runs them).
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from contracts_schema.dbt_staging import DbtStagingError, derived_tests, render_dbt_staging
from contracts_schema.registry import DEFINITIONS, load_registry

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "dbt_project" / "models" / "staging" / "_stg_lake__models.yml"
REGISTRY = load_registry()


def models(text: str) -> dict[str, dict]:
    return {m["name"]: m for m in yaml.safe_load(text)["models"]}


def column_tests(model: dict, column: str) -> list:
    return next(c for c in model["columns"] if c["name"] == column).get("data_tests", [])


def accepted_values(tests: list) -> list | None:
    found = [t["accepted_values"]["arguments"]["values"] for t in tests if "accepted_values" in t]
    return found[0] if found else None


@pytest.fixture()
def definitions_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS, folder)
    return folder


def test_the_committed_staging_properties_match_the_definitions():
    assert COMMITTED.read_text(encoding="utf-8") == render_dbt_staging(), (
        "_stg_lake__models.yml is stale: run `make spec`"
    )


def test_every_code_field_accepts_exactly_its_code_list():
    rendered = models(render_dbt_staging())
    for dataset in REGISTRY.datasets.values():
        model = rendered[f"stg_lake__{dataset.name}"]
        for field in dataset.fields:
            if field.type != "code":
                continue
            assert accepted_values(column_tests(model, field.stored_name)) == list(
                REGISTRY.code_lists[field.code_list].values
            ), (dataset.name, field.name)


def test_required_fields_keys_and_ranges_become_tests():
    rendered = models(render_dbt_staging())
    participants = rendered["stg_lake__participants"]
    assert participants["data_tests"][0] == {
        "unique_combination": {"arguments": {"combination_of_columns": ["ukprn", "participant_ref"]}}
    }
    assert column_tests(participants, "age_at_referral")[:2] == [
        "not_null",
        {"accepted_range": {"arguments": {"min_value": 16, "max_value": 70}}},
    ]
    assert "not_null" in column_tests(participants, "person_key")  # the NINO is required
    assert "not_null" not in column_tests(participants, "start_date")
    providers = rendered["stg_lake__providers"]
    assert column_tests(providers, "ukprn")[:2] == ["unique", "not_null"]
    assert "not_null" in column_tests(providers, "provider_name")  # carries the lake column `name`
    hours = column_tests(rendered["stg_lake__outcome_claims"], "hours_per_week")
    assert {
        "accepted_range": {"arguments": {"min_value": 0, "max_value": 80, "min_exclusive": True}}
    } in hours
    assert {"accepted_range": {"arguments": {"min_value": 16}}} in hours


def test_hand_written_tests_and_descriptions_come_through():
    rendered = models(render_dbt_staging())
    participants = rendered["stg_lake__participants"]
    assert any("expression_is_true" in t for t in participants["data_tests"])
    assert any("relationships" in t for t in column_tests(participants, "contract_id"))
    assert "version from the latest period" in participants["description"]
    submissions = rendered["stg_lake__submissions"]  # the ledger's model is copied as written
    assert column_tests(submissions, "submission_id") == ["unique", "not_null"]


def test_every_model_test_restating_the_definitions_is_derived_not_written():
    written = yaml.safe_load((DEFINITIONS / "staging_models.yaml").read_text(encoding="utf-8"))
    code_lists = [list(cl.values) for cl in REGISTRY.code_lists.values()]
    for model in written["models"]:
        for column in model.get("columns", []):
            for test in column.get("data_tests", []):
                assert accepted_values([test]) not in code_lists, (model["name"], column["name"])
                assert "accepted_range" not in test, (model["name"], column["name"])


def test_a_hand_written_test_that_the_definitions_give_is_refused(definitions_copy: Path):
    path = definitions_copy / "staging_models.yaml"
    text = path.read_text(encoding="utf-8")
    old = "      - name: referral_date\n        description: Date of referral to the prime.\n"
    assert old in text
    path.write_text(text.replace(old, old + "        data_tests: [not_null]\n"), encoding="utf-8")
    with pytest.raises(DbtStagingError, match="restate the definitions"):
        render_dbt_staging(load_registry(definitions_copy))


def test_a_lake_column_no_staging_column_carries_is_refused(definitions_copy: Path):
    path = definitions_copy / "staging_models.yaml"
    text = path.read_text(encoding="utf-8")
    old = "        lake_column: name\n"
    assert text.count(old) == 3
    path.write_text(text.replace(old, "", 1), encoding="utf-8")
    with pytest.raises(
        DbtStagingError, match=r"stg_lake__providers: no column carries the lake column\(s\) \['name'\]"
    ):
        render_dbt_staging(load_registry(definitions_copy))


def test_a_warning_rule_gives_a_test_that_only_warns():
    dataset = REGISTRY.dataset("outcome_claims")
    hours = dataset.field("hours_per_week")
    warned = replace(hours, rules=(*hours.rules[:-1], replace(hours.rules[-1], severity="warning")))
    softened = replace(dataset, fields=tuple(warned if f is hours else f for f in dataset.fields))
    _, columns = derived_tests(softened)
    assert columns["hours_per_week"][-1] == {
        "accepted_range": {"arguments": {"min_value": 16}, "config": {"severity": "warn"}}
    }
