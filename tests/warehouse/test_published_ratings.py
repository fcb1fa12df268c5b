"""The published-ratings dataset: its empty state, the writer the release calls, and what dbt reads.

A quarter's rating as published is read back from the lake only while the
release folder that published it exists; the writer refuses rows that could
not have been published and never rewrites a published version.
"""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from contracts_schema import published_ratings as dataset
from ingest.lake import ensure_lake
from publish.published_ratings import PublishedRatingsError, published_ratings_folder, write_published_ratings
from warehouse import build_database, build_warehouse

MODELS = ["stg_releases__approved", "stg_lake__published_ratings", "int_published_ratings__in_force"]
APPROVED_AT = "2026-08-01T09:00:00Z"


def rating(unit: str = "FND00001", quarter: str = "2026Q1", stars: int | None = 4, **extra) -> dict:
    row = {
        "rated_unit_type": "CONTRACT",
        "rated_unit_id": unit,
        "contract_id": unit,
        "prime_ukprn": "10000001",
        "rating_quarter": quarter,
        "rating_status": "RATED" if stars else "NOT_RATED",
        "stars": stars,
        "composite": 1.25 if stars else None,
    }
    return {**row, **extra}


def approve_folder(paths, period: str, version: int) -> None:
    folder = paths.releases / period / f"v{version}"
    folder.mkdir(parents=True)
    # a real manifest is never empty (Spark's file listing skips empty files)
    (folder / "MANIFEST.sha256").write_text("0" * 64 + "  datapackage.json\n")


def in_force(paths) -> list[tuple]:
    result = build_warehouse(paths, select=MODELS)
    assert result.ok, result.error
    with duckdb.connect(str(build_database(paths)), read_only=True) as con:
        return con.sql(
            "select rated_unit_id, rating_quarter, published_stars, published_release "
            "from intermediate.int_published_ratings__in_force order by all"
        ).fetchall()


def test_the_empty_state_has_the_datasets_columns_and_types(tmp_path):
    from core.settings import Paths

    paths = Paths(tmp_path)
    ensure_lake(paths)
    files = list((paths.lake / dataset.FOLDER).glob("*/*.parquet"))
    assert [f.parent.name for f in files] == [dataset.SCHEMA_FOLDER]
    frame = pl.read_parquet(files[0])
    assert frame.height == 0
    assert frame.columns == [name for name, _, _ in dataset.COLUMNS]
    assert frame.schema["stars"] == pl.Int64 and frame.schema["composite"] == pl.Float64


def test_ratings_count_only_once_their_release_folder_exists(tmp_path, monkeypatch):
    from core.settings import Paths
    from tests.support.warehouse_scenario import write_scenario

    # a lake (with its ledger) is all these three models need: no whole build
    monkeypatch.setenv("MI_HOME", str(tmp_path))
    paths = Paths(tmp_path)
    write_scenario(paths.lake)
    assert in_force(paths) == []  # before any release the dataset reads as empty

    write_published_ratings("2026Q1", 1, [rating(stars=4)], approved_at=APPROVED_AT, paths=paths)
    write_published_ratings("2026Q1", 2, [rating(stars=3)], approved_at=APPROVED_AT, paths=paths)
    # approval stopped before renaming either release into place: nothing is published
    assert in_force(paths) == []

    approve_folder(paths, "2026Q1", 1)
    assert in_force(paths) == [("FND00001", "2026Q1", 4, "2026Q1 v1")]

    approve_folder(paths, "2026Q1", 2)
    assert in_force(paths) == [("FND00001", "2026Q1", 3, "2026Q1 v2")]


def test_a_published_version_is_never_rewritten_but_a_stopped_approval_is_replaced(tmp_path):
    from core.settings import Paths

    paths = Paths(tmp_path)
    write_published_ratings("2026Q2", 1, [rating(stars=2)], approved_at=APPROVED_AT, paths=paths)
    # the approval stopped; trying again replaces what it left
    path = write_published_ratings("2026Q2", 1, [rating(stars=5)], approved_at=APPROVED_AT, paths=paths)
    assert pl.read_parquet(path)["stars"].to_list() == [5]
    assert pl.read_parquet(path)["release_version"].to_list() == [1]

    approve_folder(paths, "2026Q2", 1)
    with pytest.raises(FileExistsError, match="2026Q2 v1 is published"):
        write_published_ratings("2026Q2", 1, [rating(stars=1)], approved_at=APPROVED_AT, paths=paths)
    assert pl.read_parquet(path)["stars"].to_list() == [5]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([rating(rated_unit_type="AREA")], "rated_unit_type other than CONTRACT or PRIME"),
        ([rating(stars=6)], "RATED without stars from 1 to 5"),
        (
            [rating(stars=None, rating_status="NOT_RATED", composite=None) | {"stars": 3}],
            "NOT_RATED but carry stars",
        ),
        ([rating(), rating()], "same unit and quarter twice"),
        ([rating(rating_quarter="2026-Q1")], "rating_quarter not YYYYQn"),
        ([{k: v for k, v in rating().items() if k != "composite"}], "lack the column"),
    ],
)
def test_rows_that_could_not_have_been_published_are_refused_and_nothing_is_written(tmp_path, rows, message):
    from core.settings import Paths

    paths = Paths(tmp_path)
    with pytest.raises(PublishedRatingsError, match=message):
        write_published_ratings("2026Q1", 1, rows, approved_at=APPROVED_AT, paths=paths)
    assert not published_ratings_folder("2026Q1", 1, paths).exists()


def test_a_primes_rating_has_no_contract(tmp_path):
    from core.settings import Paths

    paths = Paths(tmp_path)
    prime = rating(unit="10000001", rated_unit_type="PRIME", contract_id=None)
    path = write_published_ratings("2026Q1", 1, [prime, rating()], approved_at=APPROVED_AT, paths=paths)
    stored = pl.read_parquet(path).sort("rated_unit_type")
    assert stored["contract_id"].to_list() == ["FND00001", None]
    assert stored["release_period"].unique().to_list() == ["2026Q1"]
