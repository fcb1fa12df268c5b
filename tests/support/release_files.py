"""Small readers the release tests share: files of a folder, CSV cells, the frictionless validator."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from publish.definitions import DATA_TABLES, table


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def csv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def tables_of(folder: Path) -> dict[str, list[dict[str, str]]]:
    return {t.name: csv_rows(folder / f"{t.name}.csv") for t in DATA_TABLES}


def _row_key(row: dict[str, str], key: Sequence[str]) -> str:
    return "; ".join(f"{k}={row[k]}" for k in key)


def cell_differences(old_folder: Path, new_folder: Path) -> set[tuple[str, str, str, str, str]]:
    """(table, key, column, old, new) for every cell that differs between two releases, computed here."""
    differences = set()
    for t in DATA_TABLES:
        old = {_row_key(r, t.key): r for r in csv_rows(old_folder / f"{t.name}.csv")}
        new = {_row_key(r, t.key): r for r in csv_rows(new_folder / f"{t.name}.csv")}
        for key in old.keys() | new.keys():
            for column in t.column_names:
                a = old[key][column] if key in old else "[z]"
                b = new[key][column] if key in new else "[z]"
                if a != b:
                    differences.add((t.name, key, column, a, b))
    return differences


def frictionless_validate(datapackage: Path) -> tuple[int, dict]:
    """Run the Frictionless framework's own validator (its CLI, from this venv) on a package."""
    executable = Path(sys.executable).with_name("frictionless")
    completed = subprocess.run(
        [str(executable), "validate", "--json", str(datapackage)],
        capture_output=True,
        text=True,
        cwd=datapackage.parent,
        timeout=120,
    )
    try:
        report = json.loads(completed.stdout)
    except ValueError:
        report = {"valid": False, "stdout": completed.stdout, "stderr": completed.stderr}
    return completed.returncode, report


def count_columns(table_name: str) -> list[str]:
    return table(table_name).columns_of_kind("count")
