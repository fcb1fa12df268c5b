"""One edit of the definitions reaches every artefact derived from them, and nothing else needs editing.

A new customer group is added to the code list in a copy of
``contracts_schema/definitions/`` (``load_registry(folder)`` reads a copy; every
renderer takes the registry it is given). The same single edit then shows in:
the pandera schema that checks a submitted file (a row with the new code
passes), the staging models' dbt tests (their accepted_values), the
provider-facing specification document, the code labels seed, and the
release's Table Schemas (the enum of every coded column that carries the list).
"""

from __future__ import annotations

import shutil

import polars as pl
import pytest
import yaml

from contracts_schema.checks import CheckContext
from contracts_schema.code_labels import render_code_labels
from contracts_schema.dbt_staging import render_dbt_staging
from contracts_schema.pandera_models import build_schema, failing_rows, prepare_frame
from contracts_schema.registry import DEFINITIONS, Registry, load_registry
from contracts_schema.spec_doc import render_spec
from core.periods import Period

NEW_CODE = "YOUTH_GUARANTEE"
NEW_LABEL = "Youth guarantee participants"


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> Registry:
    """The registry of a copy of the definitions with one code added to customer_group."""
    folder = tmp_path_factory.mktemp("edited") / "definitions"
    shutil.copytree(DEFINITIONS, folder)
    code_lists = folder / "code_lists.yaml"
    text = code_lists.read_text(encoding="utf-8")
    old = "    VOLUNTARY: Voluntary participants\n"
    assert text.count(old) == 1
    code_lists.write_text(text.replace(old, old + f"    {NEW_CODE}: {NEW_LABEL}\n"), encoding="utf-8")
    return load_registry(folder)


def customer_group_failures(registry: Registry) -> list[str]:
    """Rule ids on customer_group that a participants row with the new code fails."""
    dataset = registry.dataset("participants")
    row = {f.name: f.example for f in dataset.fields} | {"customer_group": NEW_CODE}
    raw = pl.DataFrame(
        {name: [value or None] for name, value in row.items()}, schema=dict.fromkeys(row, pl.Utf8)
    )
    frame = prepare_frame(raw, dataset, None)
    schema, _skipped = build_schema(dataset, CheckContext(ukprn="10004567", period=Period.parse("2026Q3")))
    failed = failing_rows(schema, frame)["rule_id"].to_list()
    return [r for r in failed if r.startswith("PAR_CUSTOMER_GROUP")]


def test_the_edit_is_one_edit_and_the_packages_own_definitions_are_untouched(edited: Registry):
    assert list(edited.code_lists["customer_group"].values)[-1] == NEW_CODE
    assert NEW_CODE not in load_registry().code_lists["customer_group"].values
    assert edited.dataset("participants").field("customer_group").codes[-1] == NEW_CODE


def test_the_pandera_schema_accepts_the_new_code(edited: Registry):
    assert customer_group_failures(load_registry()) == ["PAR_CUSTOMER_GROUP_02"]  # before the edit
    assert customer_group_failures(edited) == []


def test_the_staging_tests_accept_the_new_code(edited: Registry):
    models = {m["name"]: m for m in yaml.safe_load(render_dbt_staging(edited))["models"]}
    for model in ("stg_lake__participants", "stg_lake__payment_rates", "stg_lake__performance_levels"):
        column = next(c for c in models[model]["columns"] if c["name"] == "customer_group")
        values = next(
            t["accepted_values"]["arguments"]["values"]
            for t in column["data_tests"]
            if "accepted_values" in t
        )
        assert values == list(edited.code_lists["customer_group"].values), model
        assert values[-1] == NEW_CODE


def test_the_specification_document_lists_the_new_code(edited: Registry):
    assert f"| `{NEW_CODE}` | {NEW_LABEL} |" in render_spec(edited)
    assert NEW_CODE not in render_spec()


def test_the_code_labels_seed_labels_the_new_code(edited: Registry):
    assert f"customer_group,{NEW_CODE},{NEW_LABEL},," in render_code_labels(edited)


def test_the_releases_table_schemas_allow_the_new_code(edited: Registry):
    from publish.definitions import DATA_TABLES, allowed_values, vocabularies

    vocabulary = vocabularies(["16-24", "25-49", "50+"], registry=edited)
    coded = [
        (table.name, column)
        for table in DATA_TABLES
        for column in table.columns
        if {"customer_group", "group_value"} & set(column.codes)
    ]
    assert coded, "no published column carries customer groups"
    for table_name, column in coded:
        # allowed_values is what datapackage.field_descriptor writes as the column's constraints.enum
        assert NEW_CODE in allowed_values(column, vocabulary), (table_name, column.name)
        assert NEW_CODE not in allowed_values(column, vocabularies(["16-24", "25-49", "50+"])), column.name
