"""Byte-stable file writers: the same rows always give the same bytes, so a release is reproducible.

CSV: UTF-8 without BOM, ``\\n`` line endings, minimal quoting, header first.
Parquet: written with pyarrow from the *published* cells (so it can never say
more than the CSV): counts and other whole numbers as ``int64``, rates and
indices as decimals of fixed scale (exactly the CSV's digits, no float noise),
text as strings; a cell that holds a GSS symbol is null in Parquet and its
``<column>_marker`` column holds the symbol (qualifiers such as ``[r]`` are in
the marker column of both copies). No timestamps and no pandas metadata.
JSON: sorted keys, two-space indent, final newline.

Not for: deciding any cell's content (``publish.release_tables``) or what a
release folder holds (``publish.release``).

Notes:
    pyarrow writes ``created_by`` (its own version) into every Parquet
    footer. That is stable for a pinned environment, which is what
    "byte-identical" means here; an upgrade of pyarrow may change those
    bytes, and the content digest (used to decide "unchanged") would then see
    a change and a new version would list no revisions.
"""

from __future__ import annotations

import csv
import io
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

from publish.definitions import ReleaseTable
from publish.parameters import ReleaseParameters


def write_bytes(path: Path, data: bytes) -> None:
    """Write and fsync: a release file is on disk before anything records it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def csv_bytes(table: ReleaseTable, rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(table.column_names)
    for row in rows:
        writer.writerow([row[name] for name in table.column_names])
    return buffer.getvalue().encode("utf-8")


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    """Rows of a published CSV exactly as written (every cell a string)."""
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _arrow_type(kind_parquet: str, parameters: ReleaseParameters):
    import pyarrow as pa

    if kind_parquet == "int64":
        return pa.int64()
    if kind_parquet == "rate":
        places = parameters.formats.rate_decimal_places
        return pa.decimal128(places + 3, places)  # a percentage, 0 to 100
    if kind_parquet == "index":
        return pa.decimal128(12, parameters.formats.index_decimal_places)
    return pa.string()


def _typed(cell: str, kind_parquet: str, symbols: tuple[str, ...]) -> Any:
    if cell in symbols or cell == "":
        return None
    if kind_parquet == "string":
        return cell
    return int(cell) if kind_parquet == "int64" else Decimal(cell)


def parquet_columns(table: ReleaseTable) -> list[tuple[str, str, str]]:
    """(Parquet column, its value column in the CSV, role) in file order.

    Every column that can carry a symbol is followed by its ``<column>_marker``
    text column (role ``marker``), whatever the data, so a file's columns never
    depend on its contents; a marker column the CSV itself has (a qualifier
    such as ``[r]``) is that same column, holding the symbol too where the
    value is replaced.
    """
    names = set(table.column_names)
    out: list[tuple[str, str, str]] = []
    for column in table.columns:
        if column.kind == "marker":
            continue
        out.append((column.name, column.name, "value"))
        if column.spec.symbols or f"{column.name}_marker" in names:
            out.append((f"{column.name}_marker", column.name, "marker"))
    return out


def marker_cell(row: dict[str, str], value_column: str, symbols: tuple[str, ...]) -> str | None:
    """A Parquet marker: the symbol that replaced the value, else the CSV's own qualifier, else null."""
    cell = row[value_column]
    if cell in symbols:
        return cell
    return row.get(f"{value_column}_marker") or None


def parquet_bytes(table: ReleaseTable, rows: list[dict[str, str]], parameters: ReleaseParameters) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    symbols = parameters.symbols.all
    arrays, fields = [], []
    for name, source, role in parquet_columns(table):
        if role == "marker":
            arrow_type = pa.string()
            values = [marker_cell(r, source, symbols) for r in rows]
        else:
            kind = table.column(source).spec.parquet
            arrow_type = _arrow_type(kind, parameters)
            values = [_typed(r[source], kind, symbols) for r in rows]
        arrays.append(pa.array(values, type=arrow_type))
        fields.append(pa.field(name, arrow_type, nullable=True))
    arrow_table = pa.Table.from_arrays(arrays, schema=pa.schema(fields))
    sink = pa.BufferOutputStream()
    # store_schema=False: no ARROW:schema blob; the Parquet types say everything needed.
    pq.write_table(
        arrow_table,
        sink,
        compression="zstd",
        compression_level=9,
        store_schema=False,
        write_statistics=True,
        use_dictionary=True,
        version="2.6",
    )
    return sink.getvalue().to_pybytes()


def json_bytes(document: Any) -> bytes:
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def text_bytes(text: str) -> bytes:
    """UTF-8, no BOM, ``\\n`` endings, exactly one final newline."""
    return (text.replace("\r\n", "\n").rstrip("\n") + "\n").encode("utf-8")
