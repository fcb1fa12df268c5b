"""Reading a submitted file into a table of text cells, with the file-level rules.

Takes bytes or a path, decides CSV or XLSX by content (never by extension
alone), checks encoding, size and header, and returns one text column per
specification field, trimmed, with empty cells as null. DWP reference data may
also come as Parquet (:func:`read_parquet`, chosen by the caller from the file's
extension). Every failure is a :class:`FileRejected` carrying a ``FILE_*`` rule
id, never a stack trace.

Not for: row rules (``ingest/validate.py``), and nothing here writes anything.

Notes:
    Error messages never echo file content: a parser's own message can quote a
    whole line, NINO and all, so it is replaced by the registry's wording.
"""

from __future__ import annotations

import csv
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import polars as pl

from contracts_schema.registry import Dataset

ZIP_MAGIC = b"PK\x03\x04"
#: The row's number in the file as the clerk sees it (header = row 1).
SOURCE_ROW = "source_row"
#: An XLSX whose parts expand more than this many times over is treated as a zip bomb.
MAX_XLSX_EXPANSION = 200
#: The most rows a sheet can hold, header included (Excel's own limit): the reader never loads more.
XLSX_MAX_ROWS = 1_048_576
#: Decompressed bytes produced per step while a workbook's real size is counted.
_INFLATE_CHUNK = 64 * 1024
#: A zip entry's local file header (signature, versions, flags, method, time, CRC, sizes, name and
#: extra field lengths), as the zip format defines it.
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
#: How much of each XML part is searched for entity declarations (they come before the content).
_XML_HEAD = 4096
#: Any byte that is not ASCII whitespace: found in place, without copying the body.
_NOT_WHITESPACE = re.compile(rb"[^ \t\n\r\x0b\x0c]")
_EXCEL_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]00:00:00(\.0+)?$")


class FileRejected(Exception):
    """The file as a whole breaks a ``FILE_*`` rule."""

    def __init__(self, rule_id: str, detail: str = "", field: str = ""):
        super().__init__(f"{rule_id}: {detail}")
        self.rule_id = rule_id
        self.detail = detail
        self.field = field


@dataclass
class RawTable:
    """The file's data rows as text, one column per known field present."""

    frame: pl.DataFrame
    file_format: str
    extra_columns: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.frame.height


def sniff_format(head: bytes) -> str:
    return "xlsx" if head.startswith(ZIP_MAGIC) else "csv"


def read_table(data: bytes, dataset: Dataset, *, byte_limit: int, xlsx_row_limit: int) -> RawTable:
    """Read a file's bytes into a :class:`RawTable` for ``dataset``.

    Raises:
        FileRejected: for any file-level problem, with its rule id.
    """
    if len(data) > byte_limit:
        raise FileRejected("FILE_TOO_LARGE", f"{len(data)} bytes; the limit is {byte_limit} bytes")
    if sniff_format(data[:4]) == "xlsx":
        header, sheet = _read_xlsx(data, byte_limit=byte_limit, row_limit=xlsx_row_limit)
        return _conform(header, sheet, dataset, "xlsx")
    header, rows = _read_csv(data)
    return _conform(header, rows, dataset, "csv")


def _read_csv(data: bytes) -> tuple[list[str], pl.LazyFrame]:
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    newline = body.find(b"\n")
    first_line = body if newline < 0 else body[:newline]
    try:
        header_text = first_line.decode("utf-8")
    except UnicodeDecodeError:
        raise FileRejected("FILE_ENCODING", "the header row is not UTF-8") from None
    if not header_text.strip():
        raise FileRejected("FILE_EMPTY", "no header row")
    header = next(csv.reader([header_text.rstrip("\r")]))
    if newline < 0 or _NOT_WHITESPACE.search(body, newline + 1) is None:
        # A header and no rows is a nil return (nothing new this quarter), not an error.
        return header, pl.LazyFrame(schema={f"c{i}": pl.Utf8 for i in range(len(header))})
    # Lazy: the text is parsed, trimmed and nulled in one pass (see _conform), so the
    # untrimmed copy of a large file is never held beside the trimmed one.
    frame = pl.scan_csv(
        body,
        has_header=False,
        skip_rows=1,
        infer_schema=False,
        new_columns=[f"c{i}" for i in range(len(header))],
        encoding="utf8",
        quote_char='"',
        raise_if_empty=False,
    )
    return header, frame


def _collect_csv(frame: pl.LazyFrame) -> pl.DataFrame:
    """Run the lazy read; a parser failure becomes the file's rule, never an echo of its content."""
    try:
        return frame.collect()
    except pl.exceptions.ComputeError as exc:
        if "utf-8" in str(exc).lower() or "utf8" in str(exc).lower():
            raise FileRejected("FILE_ENCODING", "the file contains bytes that are not UTF-8") from None
        if "more fields" in str(exc).lower():
            raise FileRejected("FILE_FORMAT", "a row has more fields than the header") from None
        raise FileRejected("FILE_FORMAT", "the CSV could not be parsed") from None
    except Exception:
        raise FileRejected("FILE_FORMAT", "the CSV could not be parsed") from None


def _local_data_start(data: bytes, info: zipfile.ZipInfo) -> int:
    """Where a part's compressed bytes begin: after its local header, name and extra field."""
    offset = info.header_offset
    if offset < 0 or offset + _LOCAL_HEADER.size > len(data):
        raise FileRejected("FILE_FORMAT", "the workbook is not a valid .xlsx file")
    fields = _LOCAL_HEADER.unpack_from(data, offset)
    if fields[0] != ZIP_MAGIC:
        raise FileRejected("FILE_FORMAT", "the workbook is not a valid .xlsx file")
    return offset + _LOCAL_HEADER.size + fields[10] + fields[11]  # + name length + extra field length


def _inflate(data: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A part's real bytes, a chunk at a time, read from its own data.

    The deflate stream says where it ends, so the archive's size fields are
    not used to decide how much there is: a crafted zip can claim anything.
    """
    if info.flag_bits & 0x1:
        raise FileRejected("FILE_FORMAT", "the workbook is encrypted")
    start = _local_data_start(data, info)
    if info.compress_type == zipfile.ZIP_STORED:
        stored = data[start : start + info.compress_size]
        for offset in range(0, len(stored), _INFLATE_CHUNK):
            yield stored[offset : offset + _INFLATE_CHUNK]
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise FileRejected("FILE_FORMAT", "the workbook uses a compression that is not accepted")
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    position = start
    while not inflater.eof:
        if inflater.unconsumed_tail:
            source = inflater.unconsumed_tail
        else:
            source = data[position : position + _INFLATE_CHUNK]
            position += len(source)
        try:
            out = inflater.decompress(source, _INFLATE_CHUNK)
        except zlib.error:
            raise FileRejected("FILE_FORMAT", "the workbook is not a valid .xlsx file") from None
        if not out and not source:
            raise FileRejected("FILE_FORMAT", "the workbook is cut short")
        if out:
            yield out


def guard_xlsx(data: bytes, byte_limit: int) -> None:
    """Refuse what is not a workbook, a zip bomb, and XML entity tricks, before any parser sees it.

    Every part is decompressed here, a chunk at a time, and the real bytes
    counted: reading stops the moment the total passes ``byte_limit`` or
    :data:`MAX_XLSX_EXPANSION` times the file's own size, whatever the archive
    claims. A part whose real size differs from its entry's claim is refused
    too, since the reader that follows would trust the claim.

    Raises:
        FileRejected: ``FILE_TOO_LARGE`` for a bomb, ``FILE_FORMAT`` otherwise.
    """
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise FileRejected("FILE_FORMAT", "the workbook is not a valid .xlsx file") from None
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise FileRejected("FILE_FORMAT", "the zip file is not an .xlsx workbook")
    cap = min(byte_limit, MAX_XLSX_EXPANSION * len(data))
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        real = 0
        head = b""
        for chunk in _inflate(data, info):
            real += len(chunk)
            total += len(chunk)
            if total > cap:
                raise FileRejected("FILE_TOO_LARGE", "the workbook expands far beyond its size (a zip bomb?)")
            if len(head) < _XML_HEAD:
                head += chunk[: _XML_HEAD - len(head)]
        if real != info.file_size:
            raise FileRejected("FILE_FORMAT", "the workbook's parts are not the sizes it says they are")
        if (info.filename.endswith(".xml") or info.filename.endswith(".rels")) and (
            b"<!DOCTYPE" in head or b"<!ENTITY" in head
        ):
            raise FileRejected("FILE_FORMAT", "the workbook declares XML entities, which are not accepted")


def xlsx_rows_to_read(row_limit: int) -> int:
    """The rows the reader is told to load: the header, the data rows allowed, and one more to
    tell a sheet at the limit from one past it; never more than a sheet can hold."""
    return min(row_limit, XLSX_MAX_ROWS - 1) + 2


def _read_xlsx(data: bytes, *, byte_limit: int, row_limit: int) -> tuple[list[str], pl.DataFrame]:
    import fastexcel  # imported here: only XLSX submissions pay for it

    guard_xlsx(data, byte_limit)
    allowed = min(row_limit, XLSX_MAX_ROWS - 1)
    try:
        reader = fastexcel.read_excel(data)
        sheet = reader.load_sheet(0, header_row=None, dtypes="string", n_rows=xlsx_rows_to_read(row_limit))
    except Exception:
        raise FileRejected("FILE_FORMAT", "the workbook could not be read") from None
    if max(sheet.total_height, sheet.height) - 1 > allowed:
        raise FileRejected("FILE_TOO_LARGE", f"more than {allowed} data rows")
    frame = sheet.to_polars()
    if frame.height == 0:
        raise FileRejected("FILE_EMPTY", "no header row")
    header = ["" if v is None else str(v) for v in frame.row(0)]
    if not any(h.strip() for h in header):
        raise FileRejected("FILE_EMPTY", "no header row")
    frame = frame.slice(1)
    frame.columns = [f"c{i}" for i in range(len(header))]
    # Excel date cells arrive as "YYYY-MM-DD 00:00:00": they are dates, as the MI specification allows.
    frame = frame.with_columns(pl.all().str.replace(_EXCEL_MIDNIGHT.pattern, "$1"))
    return header, frame


def _conform(
    header: list[str], frame: pl.DataFrame | pl.LazyFrame, dataset: Dataset, file_format: str
) -> RawTable:
    names = [h.replace("\ufeff", "").strip().lower() for h in header]
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            raise FileRejected("FILE_DUPLICATE_COLUMN", f"column {name!r} appears twice", field=name)
        seen.add(name)
    known = set(dataset.field_names)
    missing = [f for f in dataset.required_fields if f not in seen]
    if missing:
        raise FileRejected("FILE_COLUMNS", "missing: " + ", ".join(missing), field=",".join(missing))
    extra = [n for n in names if n not in known]
    keep = [(f"c{i}", n) for i, n in enumerate(names) if n in known]
    # Strip spaces and treat empty as null once, here, so every rule sees the same value.
    # Columns that are not fields are never read past the parser.
    cells = [pl.col(src).cast(pl.Utf8).str.strip_chars().alias(name) for src, name in keep]
    table = (
        frame.lazy()
        .with_row_index(SOURCE_ROW, offset=2)
        .select(
            pl.col(SOURCE_ROW).cast(pl.Int64),
            *(
                pl.when(cell.str.len_bytes() > 0).then(cell).alias(name)
                for cell, (_src, name) in zip(cells, keep, strict=False)
            ),
        )
    )
    # Rows that are wholly empty (a trailing blank line, a spreadsheet's formatted-but-empty
    # rows) are not records; counting them would inflate rows read and rejected.
    if keep:
        table = table.filter(~pl.all_horizontal(pl.exclude(SOURCE_ROW).is_null()))
    collected = _collect_csv(table) if file_format == "csv" else table.collect()
    return RawTable(frame=collected, file_format=file_format, extra_columns=[e for e in extra if e])


def read_parquet(data: bytes, dataset: Dataset) -> RawTable:
    """Read a Parquet reference file into the same text cells as a CSV, so the same rules apply.

    Raises:
        FileRejected: ``FILE_FORMAT`` when it is not readable Parquet, ``FILE_COLUMNS``
            when a required column is missing.
    """
    try:
        frame = pl.read_parquet(io.BytesIO(data))
    except Exception:
        raise FileRejected("FILE_FORMAT", "not a readable Parquet file") from None
    frame = frame.rename({c: c.strip().lower() for c in frame.columns})
    missing = [f for f in dataset.required_fields if f not in frame.columns]
    if missing:
        raise FileRejected("FILE_COLUMNS", "missing: " + ", ".join(missing), field=",".join(missing))
    known = [c for c in frame.columns if c in dataset.field_names]
    text = frame.select(pl.col(c).cast(pl.Utf8).str.strip_chars().replace("", None) for c in known)
    text = text.with_row_index(SOURCE_ROW, offset=2).with_columns(pl.col(SOURCE_ROW).cast(pl.Int64))
    extra = [c for c in frame.columns if c not in dataset.field_names]
    return RawTable(text, "parquet", extra)
