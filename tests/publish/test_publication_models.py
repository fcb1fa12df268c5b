"""The release and its dbt models agree: every published table is a contracted pub_* model, fully described.

Read from dbt's manifest (no database, no build): a column the release reads
must be in its model's enforced contract with a type and a description, and
nothing else may be there; so a mart column renamed under a pub_* model fails
``dbt build`` (the model's SQL no longer binds, or its contract no longer
holds) long before a release is prepared, and a pub_* column renamed in dbt
fails here. The exposure ties the models to the release in dbt's lineage.
"""

from __future__ import annotations

import os

import pytest

from publish import dbt_descriptions
from publish.dbt_descriptions import DescriptionNotFound, ManifestUnavailable, check_manifest, node
from publish.definitions import DATA_TABLES
from publish.figures import SEEDS
from publish.parameters import release_parameters


@pytest.mark.parametrize("table", DATA_TABLES, ids=lambda t: t.name)
def test_every_published_table_is_a_contracted_model_with_exactly_the_columns_the_release_reads(table):
    model = node("model", table.model)
    assert model["schema"] == "publication"
    assert model["config"]["contract"]["enforced"] is True
    columns = model["columns"]
    # published columns first, in the order of the file, then what the release reads but never publishes
    assert list(columns) == table.model_columns
    assert all(props.get("data_type") for props in columns.values()), table.model
    assert table.period_column in columns


@pytest.mark.parametrize("table", DATA_TABLES, ids=lambda t: t.name)
def test_every_column_of_every_published_table_has_a_description_in_the_manifest(table):
    columns = node("model", table.model)["columns"]
    for name, props in columns.items():
        assert " ".join(props["description"].split()), f"{table.model}.{name} has no description"
        assert "{{" not in props["description"], f"{table.model}.{name}: an unresolved doc block"
    for column in table.columns:
        text = table.column_description(column, release_parameters())
        assert len(text) > 20, column.name


@pytest.mark.parametrize("table", DATA_TABLES, ids=lambda t: t.name)
def test_a_derived_column_is_computed_from_columns_of_its_model(table):
    columns = node("model", table.model)["columns"]
    for column in table.columns:
        if column.derived:
            assert column.name not in columns, f"{column.name} is derived by the release, not by dbt"
        if column.kind == "rate":
            assert set(table.rate_inputs(column)) <= set(columns), column.name


def test_a_grain_is_stated_for_every_publication_model():
    for table in DATA_TABLES:
        assert "Grain:" in node("model", table.model)["description"], table.model


def test_the_release_is_an_exposure_of_the_publication_models_and_the_seeds_it_prints():
    exposure = node("exposure", "open_data_release")
    assert exposure["type"] == "analysis"
    assert exposure["owner"]["name"] == "Publication team"
    depends = set(exposure["depends_on"]["nodes"])
    assert {f"model.mi_warehouse.{t.model}" for t in DATA_TABLES} <= depends
    assert {f"seed.mi_warehouse.{s}" for s in SEEDS} <= depends


def test_a_missing_description_is_a_clear_error():
    with pytest.raises(DescriptionNotFound, match="dbt describes no column pub_star_ratings.no_such_column"):
        dbt_descriptions.column_description("pub_star_ratings", "no_such_column")
    with pytest.raises(DescriptionNotFound, match="no model pub_no_such_table"):
        dbt_descriptions.column_description("pub_no_such_table", "period")


def test_a_missing_or_stale_manifest_is_refused_with_what_to_run(tmp_path):
    project = tmp_path / "dbt_project"
    (project / "models").mkdir(parents=True)
    manifest = project / "target" / "manifest.json"
    with pytest.raises(ManifestUnavailable, match="missing: run `make manifest`"):
        check_manifest(manifest)
    manifest.parent.mkdir()
    manifest.write_text("{}")
    yml = project / "models" / "_x.yml"
    yml.write_text("version: 2\n")
    newer = manifest.stat().st_mtime_ns + 1_000_000_000
    os.utime(yml, ns=(newer, newer))
    with pytest.raises(ManifestUnavailable, match="older than .*_x.yml: run `make manifest`"):
        check_manifest(manifest)
