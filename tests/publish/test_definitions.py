"""The release's single definitions: every column resolves to a description, a type and its allowed values."""

from __future__ import annotations

import pytest

from contracts_schema import load_registry
from publish.datapackage import table_schema
from publish.dbt_descriptions import column_description
from publish.definitions import (
    ALL_TABLES,
    DATA_TABLES,
    GROUP_DIMENSIONS,
    RATING_STATUSES,
    Column,
    RateNotDeclared,
    ReleaseTable,
    vocabularies,
)
from publish.disclosure_control import is_personal_column
from publish.parameters import release_parameters

P = release_parameters()
VOCABULARY = vocabularies(["16-24", "25-49", "50+"])


@pytest.mark.parametrize("table", ALL_TABLES, ids=lambda t: t.name)
def test_every_column_has_a_description_that_resolves(table):
    for column in table.columns:
        text = table.column_description(column, P)
        assert len(text) > 20, column.name
        assert "{{" not in text and "doc(" not in text, column.name
        if column.description:
            assert text.startswith(column.description)
        elif column.kind == "rate":
            numerator, denominator = table.rate_inputs(column)
            assert f"100 x {numerator} / {denominator}" in text
        else:
            assert text.startswith(column_description(table.model, column.name))


def test_a_rate_names_two_published_counts_of_its_own_table_in_its_models_meta():
    for table in DATA_TABLES:
        for column in table.columns:
            if column.kind == "rate":
                numerator, denominator = table.rate_inputs(column)
                assert {numerator, denominator} <= set(table.columns_of_kind("count")), column.name
                assert column.name not in table.model_columns, "a rate is never read from the warehouse"


def test_a_rate_whose_model_does_not_name_its_counts_is_refused():
    orphan = ReleaseTable(
        "x",
        "X",
        "x",
        ("a",),
        (Column("a", "count"), Column("no_such_rate", "rate", derived=True)),
        model="pub_contract_performance",
    )
    with pytest.raises(RateNotDeclared, match="meta.rates.no_such_rate"):
        orphan.rate_inputs("no_such_rate")


def test_a_column_read_from_a_model_takes_its_words_from_the_model_not_from_here():
    with pytest.raises(ValueError, match="described by pub_x's YAML"):
        ReleaseTable("x", "X", "x", ("a",), (Column("a", "count", description="mine"),), model="pub_x")
    with pytest.raises(ValueError, match="computed by the release"):
        Column("r", "rate")


@pytest.mark.parametrize("table", ALL_TABLES, ids=lambda t: t.name)
def test_no_published_column_identifies_a_person(table):
    assert [c.name for c in table.columns if is_personal_column(c.name)] == []


@pytest.mark.parametrize("table", ALL_TABLES, ids=lambda t: t.name)
def test_keys_are_columns_and_lead_the_table(table):
    assert set(table.key) <= set(table.column_names)


def test_code_columns_take_their_values_from_contracts_schema():
    registry = load_registry()
    nation = {f["name"]: f for f in table_schema(DATA_TABLES[0], VOCABULARY, P)["fields"]}["nation"]
    assert nation["name"] == "nation"
    assert nation["constraints"]["enum"] == list(registry.code_lists["nation"].values)
    summary = {f["name"]: f for f in table_schema(DATA_TABLES[3], VOCABULARY, P)["fields"]}
    assert summary["customer_group"]["constraints"]["enum"] == [
        "ALL",
        *registry.code_lists["customer_group"].values,
    ]


def test_the_gss_symbols_are_declared_as_missing_values():
    for table in ALL_TABLES:
        assert table_schema(table, VOCABULARY, P)["missingValues"] == ["", "[c]", "[low]", "[x]", "[z]"]


def test_the_group_dimensions_and_rating_statuses_are_the_definitions_code_lists():
    codes = load_registry().warehouse_codes
    assert list(GROUP_DIMENSIONS) == list(codes["group_dimension"].values)
    assert list(RATING_STATUSES) == list(codes["rating_status"].values)


def test_counts_are_integers_and_rates_are_percentages():
    fields = {f["name"]: f for f in table_schema(DATA_TABLES[0], VOCABULARY, P)["fields"]}
    assert fields["referrals"]["type"] == "integer"
    assert fields["sustained_outcome_rate"]["type"] == "number"
    assert fields["sustained_outcome_rate"]["constraints"] == {"minimum": 0, "maximum": 100}
    assert fields["star_rating"]["constraints"] == {"minimum": 1, "maximum": 5}
    assert "nearest 5" in fields["referrals"]["description"]
