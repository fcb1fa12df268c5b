"""The published-ratings dataset of the lake: what each approved release said.

Late claims and evidence move past figures, so a rating recomputed today for
an old quarter can differ from the one the public saw. When a release is
approved, every rating row it published is written to this dataset, one
immutable folder per release version; the warehouse reads it back to show a
quarter's rating *as published* (``published_stars``) and to take
``previous_stars`` from what was in force.

This module holds only the dataset's shape (columns, types, descriptions,
where its folders live): ingest creates its empty state, the release writes
it (``publish/published_ratings.py``), dbt's source definition is rendered
from it (``contracts_schema/dbt_sources.py``). Not for: writing files or
deciding which rating is in force (the dbt model
``int_published_ratings__in_force`` does that).

Notes:
    A folder counts only while its release folder ``releases/{period}/v{n}/``
    exists: approval writes this dataset first and renames the release into
    place second, so a crash between the two leaves a folder that the
    warehouse ignores (``stg_releases__approved``) and the next approval of
    that version replaces.
"""

from __future__ import annotations

#: Folder of the dataset under the lake root.
FOLDER = "published_ratings"
#: The empty, typed file that lets readers glob the dataset before any release.
SCHEMA_FOLDER = "release=_schema"
#: What a rated unit is: a contract, or a prime over all its contracts.
UNIT_TYPES = ("CONTRACT", "PRIME")

#: (name, type, description): the columns of every file, in order. Types are
#: the lake's (``string``, ``integer``, ``decimal``).
COLUMNS: tuple[tuple[str, str, str], ...] = (
    (
        "rated_unit_type",
        "string",
        "CONTRACT (a contract's rating) or PRIME (a prime's rating over all its contracts).",
    ),
    ("rated_unit_id", "string", "The contract_id of a contract's rating, the prime_ukprn of a prime's."),
    ("contract_id", "string", "The rated contract; empty for a prime's rating."),
    ("prime_ukprn", "string", "UKPRN of the prime provider."),
    ("rating_quarter", "string", "Quarter the rating is for, YYYYQn."),
    ("rating_status", "string", "RATED or NOT_RATED, as published."),
    ("stars", "integer", "Stars as published, 1 to 5; empty when not rated."),
    ("composite", "decimal", "Composite score as published; empty when not rated."),
    ("release_period", "string", "Period of the release that published the row, YYYYQn."),
    ("release_version", "integer", "Version of that release (1 for the first)."),
    ("approved_at", "string", "When the release was approved, UTC, ISO 8601."),
)


def folder_name(period: str, version: int) -> str:
    """``release={period}-v{version}``: one folder per release version."""
    return f"release={period}-v{version}"
