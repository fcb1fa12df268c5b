"""XLSX limits enforced while reading: real decompressed bytes (not the archive's claims) and a row
cap handed to the reader itself."""

from __future__ import annotations

import io
import zipfile

import pytest

from contracts_schema.registry import load_registry
from ingest import read
from ingest.read import XLSX_MAX_ROWS, FileRejected, guard_xlsx, read_table, xlsx_rows_to_read
from tests.support.mi_files import csv_bytes, filler_rows
from tests.support.workbooks import SHEET, claim_size, padded_sheet, workbook

MB = 1024 * 1024


def test_a_zip_that_understates_its_sizes_is_measured_by_its_real_bytes():
    honest = workbook(padded_sheet(5 * MB))
    liar = claim_size(honest, SHEET, 1000)
    assert (
        next(i for i in zipfile.ZipFile(io.BytesIO(liar)).infolist() if i.filename == SHEET).file_size == 1000
    )
    with pytest.raises(FileRejected) as refused:
        guard_xlsx(liar, byte_limit=1 * MB)  # 5 MB of real XML, whatever the archive says
    assert refused.value.rule_id == "FILE_TOO_LARGE"


def test_a_bomb_is_caught_by_its_real_expansion_even_under_a_generous_limit():
    liar = claim_size(workbook(padded_sheet(20 * MB)), SHEET, 2000)
    assert len(liar) < 100 * 1024
    with pytest.raises(FileRejected) as refused:
        guard_xlsx(liar, byte_limit=512 * MB)
    assert refused.value.rule_id == "FILE_TOO_LARGE"


def test_counting_stops_at_the_cap_instead_of_expanding_everything(monkeypatch):
    produced = []
    real_inflate = read._inflate

    def counting(data, info):
        for chunk in real_inflate(data, info):
            produced.append(len(chunk))
            yield chunk

    monkeypatch.setattr(read, "_inflate", counting)
    with pytest.raises(FileRejected):
        guard_xlsx(claim_size(workbook(padded_sheet(30 * MB)), SHEET, 10), byte_limit=1 * MB)
    assert sum(produced) <= 1 * MB + 64 * 1024


def test_a_part_that_overstates_its_size_is_refused():
    liar = claim_size(workbook(padded_sheet(100)), SHEET, 10 * MB)
    with pytest.raises(FileRejected) as refused:
        guard_xlsx(liar, byte_limit=512 * MB)
    assert refused.value.rule_id == "FILE_FORMAT" and "sizes" in refused.value.detail


def test_an_honest_workbook_passes():
    guard_xlsx(workbook(padded_sheet(1000)), byte_limit=1 * MB)


def _real_workbook(rows: int) -> bytes:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    for line in csv_bytes(filler_rows("participants", rows)).decode().splitlines():
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_row_cap_is_handed_to_the_reader(monkeypatch):
    import fastexcel

    asked: list[int | None] = []
    real_read_excel = fastexcel.read_excel

    class Spy:
        def __init__(self, reader):
            self.reader = reader

        def load_sheet(self, *args, **kwargs):
            asked.append(kwargs.get("n_rows"))
            return self.reader.load_sheet(*args, **kwargs)

    monkeypatch.setattr(fastexcel, "read_excel", lambda data: Spy(real_read_excel(data)))
    dataset = load_registry().dataset("participants")
    book = _real_workbook(5)
    assert read_table(book, dataset, byte_limit=10 * MB, xlsx_row_limit=3_000_000).rows == 5
    with pytest.raises(FileRejected) as refused:
        read_table(book, dataset, byte_limit=10 * MB, xlsx_row_limit=3)
    assert refused.value.rule_id == "FILE_TOO_LARGE"
    assert read_table(book, dataset, byte_limit=10 * MB, xlsx_row_limit=5).rows == 5  # exactly at the cap
    # A sheet holds at most 1,048,576 rows, header included: the reader is never asked for more.
    assert asked == [XLSX_MAX_ROWS + 1, 5, 7]
    assert xlsx_rows_to_read(2_000_000) == XLSX_MAX_ROWS + 1
