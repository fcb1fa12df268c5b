"""File-level rules (MI spec §1): each rejects the whole file with a clear finding, or warns."""

from __future__ import annotations

import io
import zipfile

import polars as pl
import pytest
import xlsxwriter

from ingest.submit import check_file, submit_file
from tests.support.mi_files import BASE_ROWS, PRIME_B, csv_bytes, file_name, filler_rows

HEADER = list(BASE_ROWS["participants"])


def _check(tmp_path, data: bytes, name: str | None = None, **kwargs):
    path = tmp_path / (name or file_name("participants"))
    path.write_bytes(data)
    return check_file(path, **kwargs)


def _file_rule(result, rule_id: str) -> pl.DataFrame:
    return result.findings.filter(pl.col("rule_id") == rule_id)


def test_a_file_that_is_not_utf8_is_rejected_with_file_encoding(tmp_path):
    data = (
        csv_bytes(filler_rows("participants", 2))
        + b"FND00012,P-9,AB123456C,2026-04-14,,JSA_25_PLUS,1990-02-17,F,WHITE,N,,E08000025,10004567,,,"
        + b"caf\xe9\n"
    )
    result = _check(tmp_path, data)
    assert result.status == "REJECTED"
    assert _file_rule(result, "FILE_ENCODING")["row"].to_list() == [None]


def test_utf8_with_bom_and_crlf_and_mixed_case_headers_is_read(tmp_path):
    rows = filler_rows("participants", 2)
    data = csv_bytes(rows, bom=True, newline="\r\n")
    data = data.replace(b"contract_id", b" Contract_ID ", 1)
    result = _check(tmp_path, data)
    assert result.status == "ACCEPTED", result.findings
    assert result.summary["rows_read"] == 2


def test_a_missing_required_column_rejects_the_file(tmp_path):
    rows = [{k: v for k, v in r.items() if k != "nino"} for r in filler_rows("participants", 2)]
    result = _check(tmp_path, csv_bytes(rows))
    assert result.status == "REJECTED"
    hit = _file_rule(result, "FILE_COLUMNS")
    assert hit["field"].to_list() == ["nino"] and hit["severity"].to_list() == ["error"]


def test_a_missing_optional_column_is_fine(tmp_path):
    rows = [
        {k: v for k, v in r.items() if k not in ("leave_date", "leave_reason")}
        for r in filler_rows("participants", 2)
    ]
    assert _check(tmp_path, csv_bytes(rows)).status == "ACCEPTED"


def test_an_unknown_column_is_a_warning_and_ignored(tmp_path):
    rows = [{**r, "case_notes": "=HYPERLINK(1)"} for r in filler_rows("participants", 2)]
    result = _check(tmp_path, csv_bytes(rows))
    assert result.status == "ACCEPTED"
    hit = _file_rule(result, "FILE_EXTRA_COLUMN")
    assert hit["field"].to_list() == ["case_notes"] and hit["severity"].to_list() == ["warning"]


def test_a_repeated_column_rejects_the_file(tmp_path):
    data = csv_bytes(filler_rows("participants", 2)).replace(b"leave_reason", b"sex", 1)
    result = _check(tmp_path, data)
    assert _file_rule(result, "FILE_DUPLICATE_COLUMN").height == 1 and result.status == "REJECTED"


@pytest.mark.parametrize("data", [b"", b"\n\n", b"\xef\xbb\xbf"])
def test_an_empty_file_is_rejected(tmp_path, data):
    result = _check(tmp_path, data)
    assert result.status == "REJECTED"
    assert result.findings["rule_id"].to_list() == ["FILE_EMPTY"]


def test_a_header_without_rows_is_a_nil_return_not_an_error(tmp_path):
    result = _check(tmp_path, (",".join(HEADER) + "\n").encode())
    assert result.status == "ACCEPTED"
    assert (result.summary["rows_read"], result.summary["rows_accepted"]) == (0, 0)


def test_a_ragged_csv_is_rejected_without_echoing_its_content(tmp_path):
    data = csv_bytes(filler_rows("participants", 1)) + b"a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,AB123456C\n"
    result = _check(tmp_path, data)
    assert _file_rule(result, "FILE_FORMAT").height == 1
    assert "AB123456C" not in result.findings.write_csv()


@pytest.mark.parametrize(
    "name",
    [
        "participants.csv",
        "10004567_participants_2026Q2.csv",
        "10004567_participants_2026Q5_20260705T101500.csv",
        "10004567_claims_2026Q2_20260705T101500.csv",
    ],
)
def test_a_badly_named_file_is_rejected_with_file_name(tmp_path, name):
    result = _check(tmp_path, csv_bytes(filler_rows("participants", 2)), name=name)
    assert result.status == "REJECTED"
    assert _file_rule(result, "FILE_NAME").height == 1


def test_a_name_that_disagrees_with_the_submitter_is_rejected(tmp_path):
    result = _check(tmp_path, csv_bytes(filler_rows("participants", 2)), ukprn=PRIME_B)
    assert _file_rule(result, "FILE_NAME").height == 1


def test_explicit_ukprn_return_and_period_free_the_name(tmp_path):
    result = _check(
        tmp_path,
        csv_bytes(filler_rows("participants", 2)),
        name="my file.csv",
        ukprn="10004567",
        dataset="participants",
        period="2026Q2",
    )
    assert result.status == "ACCEPTED"


def test_an_oversize_file_is_rejected_before_it_is_parsed(tmp_path, monkeypatch):
    monkeypatch.setenv("MI_UPLOAD_LIMIT_MB", "0.001")  # about 1 KB
    rows = filler_rows("participants", 6) * 3
    for i, row in enumerate(rows):
        row["participant_ref"] = f"R-{i}"
    result = _check(tmp_path, csv_bytes(rows))
    assert result.status == "REJECTED"
    assert _file_rule(result, "FILE_TOO_LARGE").height == 1
    assert result.summary["rows_read"] == 0


def test_more_than_half_the_rows_in_error_rejects_the_whole_file(tmp_path):
    rows = filler_rows("participants", 3)
    rows[0]["sex"] = rows[1]["sex"] = "X"
    result = _check(tmp_path, csv_bytes(rows))
    assert result.status == "REJECTED"
    assert _file_rule(result, "FILE_ERROR_RATE")["severity"].to_list() == ["error"]
    assert result.summary["rows_accepted"] == 0


def test_exactly_half_the_rows_in_error_keeps_the_good_half(tmp_path):
    rows = filler_rows("participants", 4)
    rows[0]["sex"] = rows[1]["sex"] = "X"
    result = _check(tmp_path, csv_bytes(rows))
    assert result.status == "ACCEPTED_WITH_ERRORS"
    assert result.summary["rows_accepted"] == 2


def _xlsx(rows: list[dict]) -> bytes:
    import datetime as dt

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    header = list(rows[0])
    sheet.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        for c, key in enumerate(header):
            value = row[key]
            if key.endswith("date") or key == "date_of_birth":
                if value:  # a real Excel date cell, as clerks' spreadsheets hold them
                    sheet.write_datetime(r, c, dt.datetime.fromisoformat(value), date_format)
            elif value != "":
                sheet.write_string(r, c, value)
    book.close()
    return buffer.getvalue()


def test_an_xlsx_with_excel_date_cells_is_read_like_csv(tmp_path):
    result = _check(
        tmp_path, _xlsx(filler_rows("participants", 3)), name=file_name("participants", ext="xlsx")
    )
    assert result.status == "ACCEPTED", result.findings
    assert result.outcome.prepared["referral_date"].cast(pl.Utf8).to_list() == ["2026-04-14"] * 3


def test_an_xlsx_zip_bomb_is_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<a>" + b"0" * 50_000_000 + b"</a>")
    result = _check(tmp_path, buffer.getvalue(), name=file_name("participants", ext="xlsx"))
    assert result.status == "REJECTED"
    assert _file_rule(result, "FILE_TOO_LARGE").height == 1


def test_an_xlsx_declaring_xml_entities_is_refused(tmp_path):
    data = _xlsx(filler_rows("participants", 1))
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/sharedStrings.xml":
                content = content.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY a "aaaa">]>', 1)
            archive.writestr(info, content)
    result = _check(tmp_path, buffer.getvalue(), name=file_name("participants", ext="xlsx"))
    assert _file_rule(result, "FILE_FORMAT").height == 1


def test_a_file_older_than_the_current_submission_is_rejected_as_stale(mi_home, tmp_path):
    newer = tmp_path / file_name("participants", stamp="20260706T090000")
    older = tmp_path / file_name("participants", stamp="20260705T090000")
    newer.write_bytes(csv_bytes(filler_rows("participants", 2)))
    older.write_bytes(csv_bytes(filler_rows("participants", 3)))
    assert submit_file(newer).status == "ACCEPTED"
    stale = submit_file(older)
    assert stale.status == "REJECTED"
    assert _file_rule(stale, "FILE_STALE")["severity"].to_list() == ["error"]
