"""Writing the published-ratings dataset: what an approved release said, kept in the lake.

When a release is approved, every rating row it published (contract and
prime, quarter, status, stars, composite) goes into the lake dataset
``published_ratings``, one immutable folder per release version, so that the
warehouse can show each quarter's rating *as published* and never silently
restate it. :func:`write_published_ratings` is the one function the approval
calls, before it renames the release folder into place.

Not for: choosing which rating is in force (the dbt model
``int_published_ratings__in_force``), or the release's own files.

Notes:
    Order matters. This folder is written first and the release folder
    renamed into place second; the warehouse counts a folder only while its
    release folder exists, so a crash in between publishes nothing. A folder
    left by such a crash is replaced by the next approval of that version; a
    folder whose release exists is never rewritten.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import polars as pl

from contracts_schema import published_ratings as dataset
from core.periods import PERIOD_PATTERN, is_period
from core.settings import Paths
from core.settings import paths as default_paths
from ingest.lake import published_ratings_schema, write_parquet_atomically

#: Columns the caller supplies; the release's period, version and approval time are added here.
RATING_COLUMNS = (
    "rated_unit_type",
    "rated_unit_id",
    "contract_id",
    "prime_ukprn",
    "rating_quarter",
    "rating_status",
    "stars",
    "composite",
)


class PublishedRatingsError(ValueError):
    """The rows cannot be published as they are; the message says which row and why."""


def published_ratings_folder(period: str, version: int, paths: Paths | None = None) -> Path:
    """``MI_HOME/lake/published_ratings/release={period}-v{version}``."""
    paths = paths or default_paths()
    return paths.lake / dataset.FOLDER / dataset.folder_name(period, version)


def write_published_ratings(
    period: str,
    version: int,
    ratings: pl.DataFrame | Iterable[Mapping[str, Any]],
    *,
    approved_at: str,
    paths: Paths | None = None,
) -> Path:
    """Write the rating rows of release ``period`` v``version`` to the lake, atomically.

    Args:
        period: the release's period, ``YYYYQn``.
        version: the release's version, 1 for the first.
        ratings: one row per rated unit and quarter the release published, with
            the columns of :data:`RATING_COLUMNS` (``contract_id`` null for a
            prime's rating; ``stars`` and ``composite`` null when not rated).
        approved_at: when the release was approved, UTC, ISO 8601.
        paths: the MI_HOME layout.

    Returns:
        The Parquet file written.

    Raises:
        PublishedRatingsError: a missing column, an unknown unit type or
            status, stars outside 1-5, a rated row without stars, or a unit
            and quarter given twice. Nothing is written.
        FileExistsError: this release version is already published.
    """
    paths = paths or default_paths()
    if not is_period(period):
        raise PublishedRatingsError(f"release period {period!r} is not YYYYQn")
    if not isinstance(version, int) or version < 1:
        raise PublishedRatingsError(f"release version {version!r} is not a whole number from 1")
    frame = ratings if isinstance(ratings, pl.DataFrame) else pl.DataFrame(list(ratings))
    missing = [c for c in RATING_COLUMNS if c not in frame.columns]
    if missing:
        raise PublishedRatingsError(f"published ratings lack the column(s) {', '.join(missing)}")
    schema = published_ratings_schema()
    rows = (
        frame.select(RATING_COLUMNS)
        .with_columns(
            release_period=pl.lit(period), release_version=pl.lit(version), approved_at=pl.lit(approved_at)
        )
        .select([pl.col(name).cast(kind) for name, kind in schema.items()])
    )
    _check(rows)

    folder = published_ratings_folder(period, version, paths)
    if (paths.releases / period / f"v{version}").exists():
        raise FileExistsError(f"{period} v{version} is published; its published ratings are never rewritten")
    if folder.exists():
        # debris of an approval that stopped before renaming its release into place
        shutil.rmtree(folder)
    return write_parquet_atomically(rows.sort("rated_unit_type", "rated_unit_id", "rating_quarter"), folder)


def _check(rows: pl.DataFrame) -> None:
    def fail(condition: pl.Expr, why: str) -> None:
        bad = rows.with_row_index("row", offset=1).filter(condition)
        if bad.height:
            first = bad.row(0, named=True)
            raise PublishedRatingsError(
                f"{bad.height} published rating row(s) {why}, first row {first['row']}: "
                f"{first['rated_unit_type']} {first['rated_unit_id']} {first['rating_quarter']}"
            )

    fail(
        ~pl.col("rated_unit_type").is_in(dataset.UNIT_TYPES) | pl.col("rated_unit_type").is_null(),
        f"have a rated_unit_type other than {' or '.join(dataset.UNIT_TYPES)}",
    )
    fail(
        pl.col("rated_unit_id").is_null() | pl.col("prime_ukprn").is_null(),
        "lack a rated_unit_id or prime_ukprn",
    )
    fail(
        ~pl.col("rating_quarter").str.contains(PERIOD_PATTERN.pattern).fill_null(False),
        "have a rating_quarter not YYYYQn",
    )
    fail(
        ~pl.col("rating_status").is_in(["RATED", "NOT_RATED"]).fill_null(False),
        "have a rating_status other than RATED or NOT_RATED",
    )
    fail(
        (pl.col("rating_status") == "RATED") & ~pl.col("stars").is_between(1, 5).fill_null(False),
        "are RATED without stars from 1 to 5",
    )
    fail(
        (pl.col("rating_status") == "NOT_RATED") & pl.col("stars").is_not_null(),
        "are NOT_RATED but carry stars",
    )
    fail(
        pl.struct("rated_unit_type", "rated_unit_id", "rating_quarter").is_duplicated(),
        "give the same unit and quarter twice",
    )
