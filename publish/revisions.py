"""``revisions.csv``: every published figure that differs from the previous version of the release.

Compares the new version's published cells with the previous version's CSVs
as they were published (read back from its read-only folder, so a revision
is always against what the public actually saw), table by table and row key
by row key. A row present in only one version contributes one revision per
column, with ``[z]`` on the side where it does not exist.

Not for: deciding whether a new version is needed (``publish.release``
compares content digests) or explaining why figures changed.
"""

from __future__ import annotations

from pathlib import Path

from publish.definitions import DATA_TABLES, REVISIONS, ReleaseTable
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
                    {"table": table.name, "key": key, "column": column, "old": old_cell, "new": new_cell}
                )
    return revisions


def revisions_since(
    previous_folder: Path, new_tables: dict[str, list[Row]], parameters: ReleaseParameters
) -> list[Row]:
    """Every differing cell between the previous published version and the new rows, sorted by key."""
    revisions: list[Row] = []
    for table in DATA_TABLES:
        old_path = previous_folder / f"{table.name}.csv"
        old_rows = read_csv_rows(old_path) if old_path.exists() else []
        revisions += table_revisions(table, old_rows, new_tables.get(table.name, []), parameters)
    return sorted(revisions, key=lambda r: tuple(r[k] for k in REVISIONS.key))
