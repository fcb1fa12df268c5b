"""Upload safety: size cut off while streaming, types by content, zip bombs, XML entities, hostile names."""

from __future__ import annotations

import asyncio
import io
import os
import socket
import zipfile
from urllib.parse import urlsplit

import pytest

from ingest.ledger import Ledger
from portal.uploads import client_file_name
from tests.portal.conftest import (
    MB,
    PERIOD,
    PRIME_A,
    api_upload,
    file_name,
    ledger_ids,
    participants_csv,
    signed_in,
    upload,
    uploads_left,
)


def _oversize_csv(size: int) -> bytes:
    """A CSV of ``size`` bytes: a valid header, then filler rows."""
    body = participants_csv()
    row = body.splitlines()[1] + b"\n"
    return body + row * ((size - len(body)) // len(row) + 1)


def _workbook(sheet_xml: bytes, *, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal .xlsx-shaped zip around a given sheet."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(
            "[Content_Types].xml",
            b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
            b'package/2006/content-types"/>',
        )
        z.writestr("xl/workbook.xml", b'<?xml version="1.0"?><workbook/>')
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buffer.getvalue()


def _zip_bomb(expanded: int) -> bytes:
    return _workbook(
        b'<?xml version="1.0"?><worksheet><sheetData>' + b" " * expanded + b"</sheetData></worksheet>"
    )


def test_an_oversize_upload_is_cut_off_with_413_and_nothing_kept(world):
    big = _oversize_csv(3 * MB)  # the world's limit is 1 MB
    client = signed_in(world, "alice")
    page = upload(client, big, file_name())
    assert page.status_code == 413 and "larger than the upload limit of 1 MB" in page.text
    api = api_upload(world.client(), world.token_a, big, file_name())
    assert api.status_code == 413 and api.json()["error"] == "payload_too_large"
    assert ledger_ids(world.paths) == set() and uploads_left(world.paths) == []


def test_an_oversize_upload_without_content_length_is_cut_off_while_streaming(world):
    big = _oversize_csv(3 * MB)
    boundary = "b0undary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name()}"\r\n'
            f"Content-Type: text/csv\r\n\r\n"
        ).encode()
        + big
        + f"\r\n--{boundary}--\r\n".encode()
    )

    def chunks():  # a generator body is sent chunked, with no Content-Length to refuse up front
        for start in range(0, len(body), 64 * 1024):
            yield body[start : start + 64 * 1024]

    response = world.client().post(
        "/api/v1/submissions",
        content=chunks(),
        headers={
            "Authorization": f"Bearer {world.token_a}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    assert response.status_code == 413 and response.json()["error"] == "payload_too_large"
    assert ledger_ids(world.paths) == set() and uploads_left(world.paths) == []


def test_the_server_stops_reading_the_body_at_the_limit(world):
    """Drive the ASGI app by hand and count what it pulls: it must stop soon after 1 MB of 20 MB."""
    boundary = "b0undary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name()}"\r\n'
        f"Content-Type: text/csv\r\n\r\n"
    ).encode()
    chunk = 64 * 1024
    total_chunks = 20 * MB // chunk
    pulled = 0
    written_peak = 0
    sent: list[dict] = []

    async def receive():
        nonlocal pulled, written_peak
        files = uploads_left(world.paths)
        written_peak = max([written_peak] + [f.stat().st_size for f in files])
        pulled += 1
        if pulled == 1:
            return {"type": "http.request", "body": head, "more_body": True}
        if pulled <= total_chunks:
            return {"type": "http.request", "body": b"a,b,c\n" * (chunk // 6), "more_body": True}
        return {"type": "http.request", "body": f"\r\n--{boundary}--\r\n".encode(), "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/submissions",
        "raw_path": b"/api/v1/submissions",
        "query_string": b"",
        "root_path": "",
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "headers": [
            (b"host", b"testserver"),
            (b"authorization", f"Bearer {world.token_a}".encode()),
            (b"content-type", f"multipart/form-data; boundary={boundary}".encode()),
        ],
    }
    asyncio.run(world.app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    assert start["status"] == 413
    assert pulled * chunk <= 1 * MB + 3 * chunk, f"read {pulled} chunks of {total_chunks}"
    assert written_peak <= 1 * MB  # never more than the limit on disk either
    assert uploads_left(world.paths) == [] and ledger_ids(world.paths) == set()


def test_over_real_http_the_server_hangs_up_soon_after_the_limit(world, live_portal):
    """A client streaming 50 MB to a 1 MB limit is stopped: uvicorn closes once the app stops reading."""
    address = urlsplit(live_portal)
    boundary = "b0undary"
    part = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name()}"\r\n\r\n'
    ).encode()
    payload = b"a,b,c\n" * 10_000
    sent, answer, stopped = 0, b"", None
    with socket.create_connection((address.hostname, address.port), timeout=5) as conn:
        conn.sendall(
            (
                f"POST /api/v1/submissions HTTP/1.1\r\nHost: {address.netloc}\r\n"
                f"Authorization: Bearer {world.token_a}\r\nTransfer-Encoding: chunked\r\n"
                f"Content-Type: multipart/form-data; boundary={boundary}\r\n\r\n"
            ).encode()
        )
        conn.sendall(f"{len(part):x}\r\n".encode() + part + b"\r\n")
        try:
            while sent < 50 * MB:
                conn.sendall(f"{len(payload):x}\r\n".encode() + payload + b"\r\n")
                sent += len(payload)
        except OSError as exc:  # reset or broken pipe: the server hung up
            stopped = exc
        try:
            answer = conn.recv(4096)
        except OSError:
            pass  # a reset may discard the answer; the hang-up itself is what matters here
    assert stopped is not None and sent < 25 * MB, f"the server took {sent // MB} MB"
    assert answer == b"" or answer.startswith(b"HTTP/1.1 413 ")
    assert uploads_left(world.paths) == [] and ledger_ids(world.paths) == set()


def test_an_xlsx_zip_bomb_is_refused_before_it_is_opened(world):
    bomb = _zip_bomb(40 * MB)
    assert len(bomb) < 200 * 1024  # small on the wire, 40 times the limit inside
    client = signed_in(world, "alice")
    page = upload(client, bomb, file_name().replace(".csv", ".xlsx"))
    assert page.status_code == 413 and "zip bomb" in page.text
    api = api_upload(
        world.client(), world.token_a, bomb, "book.xlsx", **{"return": "participants", "period": PERIOD}
    )
    assert api.status_code == 413 and api.json()["error"] == "payload_too_large"
    assert ledger_ids(world.paths) == set() and uploads_left(world.paths) == []


def test_a_workbook_declaring_xml_entities_is_refused(world):
    billion_laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        b'<worksheet><sheetData><row><c t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData>'
        b"</worksheet>"
    )
    response = api_upload(
        world.client(),
        world.token_a,
        _workbook(billion_laughs),
        "book.xlsx",
        **{"return": "participants", "period": PERIOD},
    )
    assert response.status_code == 415 and "XML entities" in response.json()["message"]
    assert ledger_ids(world.paths) == set() and uploads_left(world.paths) == []


def test_a_real_workbook_passes_the_guard_and_is_validated(world):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    for line in participants_csv().decode().splitlines():
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    response = api_upload(
        world.client(), world.token_a, buffer.getvalue(), file_name().replace(".csv", ".xlsx")
    )
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "ACCEPTED" and response.json()["rows_read"] == 4


@pytest.mark.parametrize(
    "content",
    [
        b"\x7fELF\x02\x01\x01\x00\x00\x00" + os.urandom(2048),  # an executable
        "contract_id,nino\n".encode("utf-16"),  # UTF-16 text: NUL bytes
        b"PK\x03\x04" + b"\x00" * 64,  # zip magic, but no zip
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",  # an image
    ],
    ids=["binary", "utf16", "broken-zip", "png"],
)
def test_content_that_is_neither_csv_text_nor_a_workbook_is_415(world, content):
    response = api_upload(world.client(), world.token_a, content, file_name())
    assert response.status_code == 415, response.text
    assert response.json()["error"] == "unsupported_media_type"
    assert ledger_ids(world.paths) == set() and uploads_left(world.paths) == []


def test_a_zip_that_is_not_a_workbook_is_415(world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("notes.txt", "hello")
    response = api_upload(
        world.client(), world.token_a, buffer.getvalue(), file_name().replace(".csv", ".xlsx")
    )
    assert response.status_code == 415


def test_csv_text_in_a_legacy_encoding_gets_the_specifications_feedback(world):
    """Text, but not UTF-8: ingest rejects it with FILE_ENCODING, so the clerk gets a proper report."""
    latin1 = participants_csv().decode().replace("P001", "Pé01").encode("latin-1")
    response = api_upload(world.client(), world.token_a, latin1, file_name())
    assert response.status_code == 201
    assert response.json()["status"] == "REJECTED"
    csv = world.client().get(
        response.json()["findings_url"], headers={"Authorization": f"Bearer {world.token_a}"}
    )
    assert "FILE_ENCODING" in csv.text


@pytest.mark.parametrize(
    "hostile, recorded",
    [
        ("../../etc/passwd.csv", "passwd.csv"),
        ("..\\..\\x.csv", "x.csv"),
        ("/etc/passwd", "passwd"),
        ("C:\\Windows\\win.ini", "win.ini"),
        ("..", "upload"),
    ],
)
def test_a_hostile_file_name_is_recorded_as_text_and_never_used_as_a_path(world, tmp_path, hostile, recorded):
    before = {p for p in tmp_path.rglob("*") if world.paths.home not in p.parents}
    client = signed_in(world, "alice")
    response = upload(client, participants_csv(), hostile, dataset="participants", period=PERIOD)
    assert response.status_code == 303, response.text
    after = {p for p in tmp_path.rglob("*") if world.paths.home not in p.parents}
    assert after == before  # nothing written outside MI_HOME
    with Ledger(world.paths) as ledger:
        (entry,) = ledger.list(ukprn=PRIME_A)
    assert entry.file_name == recorded
    assert not (world.paths.home / "etc").exists() and not any(world.paths.home.rglob(recorded))
    assert uploads_left(world.paths) == []


def test_client_file_names_are_reduced_to_printable_last_segments():
    assert client_file_name(b"../../etc/passwd.csv") == "passwd.csv"
    assert client_file_name(b"..\\..\\x.csv") == "x.csv"
    assert client_file_name(b"..") == "" and client_file_name(None) == ""
    assert client_file_name(b"a\x00b\r\n.csv") == "ab.csv"
    assert client_file_name("r\u00e9sum\u00e9.csv".encode()) == "r\u00e9sum\u00e9.csv"
    assert len(client_file_name(b"x" * 1000)) == 255


def test_small_forms_elsewhere_cannot_carry_big_bodies(world):
    form = {"content-type": "application/x-www-form-urlencoded"}
    response = world.client().post("/sign-in", content=b"username=" + b"a" * (200 * 1024), headers=form)
    assert response.status_code == 413

    def chunked():  # no Content-Length: cut off while streaming
        yield b"username="
        for _ in range(10):
            yield b"a" * 20_000

    assert world.client().post("/sign-in", content=chunked(), headers=form).status_code == 413
