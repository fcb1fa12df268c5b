"""``revisions.csv``: restated ratings, and every figure that differs from the previous version.

Two kinds of revision, both in every release that has any:

- ``restated_rating``: a star rating of an earlier quarter whose stars,
  recomputed now, differ from what that quarter's own release published
  (the warehouse's ``published_stars``); ``star_ratings.csv`` marks those
  stars ``[r]`` in ``stars_marker``. Listed from the release's own rows
  (:func:`restated_ratings`), so v1 lists them too.
- ``previous_version``: in v2 and later, every published figure that differs
  from the previous version of the same period.

For the second, compares the new version's published cells with the previous version's CSVs
as they were published (read back from its read-only folder, so a revision
is always against what the public actually saw), table by table and row key
by row key. A row present in only one version contributes one revision per
column, with ``[z]`` on the side where it does not exist.

Not for: deciding whether a new version is needed (``publish.release``
compares content digests) or explaining why figures changed.
"""

from __future__ import annotations

from pathlib import Path

from publish.definitions import CONTENT_TABLES, REVISIONS, STAR_RATINGS, ReleaseTable
from publish.parameters import ReleaseParameters
from publish.writers import read_csv_rows

Row = dict[str, str]


def row_key(table: ReleaseTable, row: Row) -> str:
    return "; ".join(f"{name}={row[name]}" for name in table.key)


def table_revisions(
    table: ReleaseTable, old_rows: list[Row], new_rows: list[Row], parameters: ReleaseParameters
) -> list[Row]:
    absent = parameters.symbols.not_applicable
    old = {row_key(table, r): r for r in old_rows}
    new = {row_key(table, r): r for r in new_rows}
    revisions = []
    for key in sorted(old.keys() | new.keys()):
        before, after = old.get(key), new.get(key)
        for column in table.column_names:
            if column in table.key and before is not None and after is not None:
                continue
            old_cell = before.get(column, absent) if before is not None else absent
            new_cell = after.get(column, absent) if after is not None else absent
            if old_cell != new_cell:
                revisions.append(
                    {
                        "revision": "previous_version",
                        "table": table.name,
                        "key": key,
                        "column": column,
                        "old": old_cell,
                        "new": new_cell,
                    }
                )
    return revisions


def revisions_since(
    previous_folder: Path, new_tables: dict[str, list[Row]], parameters: ReleaseParameters
) -> list[Row]:
    """Every differing cell between the previous published version and the new rows, sorted by key."""
    revisions: list[Row] = []
    for table in CONTENT_TABLES:
        old_path = previous_folder / f"{table.name}.csv"
        old_rows = read_csv_rows(old_path) if old_path.exists() else []
        revisions += table_revisions(table, old_rows, new_tables.get(table.name, []), parameters)
    return sorted(revisions, key=lambda r: tuple(r[k] for k in REVISIONS.key))


def restated_ratings(star_rows: list[Row], parameters: ReleaseParameters) -> list[Row]:
    """Every rating of an earlier quarter marked revised: published stars (old), stars now (new)."""
    revised = parameters.symbols.revised
    return [
        {
            "revision": "restated_rating",
            "table": STAR_RATINGS.name,
            "key": row_key(STAR_RATINGS, row),
            "column": "stars",
            "old": row["published_stars"],
            "new": row["stars"],
        }
        for row in star_rows
        if row.get("stars_marker") == revised
    ]


def all_revisions(
    previous_folder: Path | None, new_tables: dict[str, list[Row]], parameters: ReleaseParameters
) -> list[Row]:
    """``revisions.csv`` of a release: restated ratings, and the changes since the previous version if any."""
    rows = restated_ratings(new_tables.get(STAR_RATINGS.name, []), parameters)
    if previous_folder is not None:
        rows += revisions_since(previous_folder, new_tables, parameters)
    return sorted(rows, key=lambda r: tuple(r[k] for k in REVISIONS.key))
