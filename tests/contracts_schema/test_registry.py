"""Walks the whole registry: every definition is consistent, and derived artefacts do not drift."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from contracts_schema.checks import CheckContext, Period
from contracts_schema.pandera_models import build_schema
from contracts_schema.registry import CHECK_KINDS, RegistryError, _rule, load_registry
from contracts_schema.spec_doc import render_spec

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = load_registry()


def test_the_committed_specification_document_matches_the_definitions():
    committed = (ROOT / "docs" / "mi-specification.md").read_text(encoding="utf-8")
    assert committed == render_spec(), "docs/mi-specification.md is stale: run `make spec`"


def test_every_dataset_of_the_specification_is_defined():
    assert set(REGISTRY.datasets) == {
        "participants",
        "outcome_claims",
        "customer_survey",
        "providers",
        "contract_package_areas",
        "local_authorities",
        "contracts",
        "supply_chain",
        "payment_rates",
        "performance_levels",
        "inspections",
        "labour_market",
        "employment_spells",
    }


@pytest.mark.parametrize("dataset", list(REGISTRY.datasets.values()), ids=lambda d: d.name)
def test_every_field_is_described_and_every_rule_speaks_to_a_clerk(dataset):
    for field in dataset.fields:
        assert field.description.strip(), field.name
    for rule in dataset.all_rules:
        # Numbered, or named where the MI specification names the rule (PAR_PARTICIPANT_REF_NINO).
        assert re.fullmatch(r"[A-Z]{3}_[A-Z0-9_]+_(\d{2}|NINO)", rule.id), rule.id
        assert rule.severity in {"error", "warning"}
        assert rule.field in rule.message or rule.check == "unique" or rule.id.startswith("CLM_PREMATURE"), (
            rule.id
        )


@pytest.mark.parametrize("dataset", list(REGISTRY.datasets.values()), ids=lambda d: d.name)
def test_every_required_field_has_a_required_rule(dataset):
    required_rules = {r.field for r in dataset.all_rules if r.check == "required"}
    assert set(dataset.required_fields) == required_rules


@pytest.mark.parametrize("dataset", list(REGISTRY.datasets.values()), ids=lambda d: d.name)
def test_every_rule_becomes_a_named_pandera_check(dataset):
    schema, skipped = build_schema(
        dataset, CheckContext(ukprn="10004567", period=Period.parse("2026Q2"), has_reference=True)
    )
    assert skipped == []
    assert sorted(c.name for c in schema.checks) == sorted(r.id for r in dataset.all_rules)


def test_code_lists_match_the_specification():
    assert list(REGISTRY.code_lists["customer_group"].values) == [
        "JSA_18_24",
        "JSA_25_PLUS",
        "JSA_EARLY_ACCESS",
        "ESA_WRAG",
        "IB_ESA_EX_IB",
        "LONE_PARENT",
        "VOLUNTARY",
    ]
    assert list(REGISTRY.code_lists["outcome_type"].values) == [
        "JOB_OUTCOME",
        "SUSTAINED_26W",
        "SUSTAINED_78W",
    ]
    assert list(REGISTRY.code_lists["impairment_group"].values) == [
        "MENTAL_HEALTH",
        "LEARNING_DISABILITY",
        "PHYSICAL",
        "SENSORY",
        "LONG_TERM_CONDITION",
        "OTHER",
    ]
    assert list(REGISTRY.code_lists["leave_reason"].values) == [
        "JOB",
        "END_OF_PROVISION",
        "MOVED_AWAY",
        "OTHER_PROVISION",
        "NO_LONGER_ELIGIBLE",
        "OTHER",
    ]


def test_personal_fields_never_reach_the_lake():
    for dataset in REGISTRY.datasets.values():
        stored = {name for name, _ in dataset.stored_columns}
        assert not stored & {"nino", "date_of_birth"}


def test_an_unknown_check_kind_is_refused_when_the_registry_loads():
    with pytest.raises(RegistryError):
        _rule({"id": "PAR_X_01", "check": "telepathy"}, dataset="participants", field_name="sex")
    assert "required" in CHECK_KINDS


def test_periods_are_calendar_quarters():
    q = Period.parse("2026Q2")
    assert (q.start.isoformat(), q.end.isoformat()) == ("2026-04-01", "2026-06-30")
    assert Period.parse("2025q4").end.isoformat() == "2025-12-31"
    with pytest.raises(ValueError):
        Period.parse("2026Q5")


def test_the_committed_dbt_sources_match_the_definitions():
    from contracts_schema.dbt_sources import render_dbt_sources

    committed = (ROOT / "dbt_project" / "models" / "staging" / "_sources.yml").read_text(encoding="utf-8")
    assert committed == render_dbt_sources(), "dbt sources are stale: run `make spec`"


def test_dbt_sources_describe_exactly_what_ingest_writes():
    import yaml

    from contracts_schema.dbt_sources import render_dbt_sources
    from ingest.lake import lake_schema
    from ingest.ledger import LEDGER_SCHEMA

    tables = {
        t["name"]: [c["name"] for c in t["columns"]]
        for t in yaml.safe_load(render_dbt_sources())["sources"][0]["tables"]
    }
    for dataset in REGISTRY.datasets.values():
        assert tables[dataset.name] == list(lake_schema(dataset)), dataset.name
    assert sorted(tables["ledger"]) == sorted(LEDGER_SCHEMA)
