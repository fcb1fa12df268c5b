"""Hand-made XLSX-shaped zips for tests of the workbook guard, including ones that lie about their sizes."""

from __future__ import annotations

import io
import struct
import zipfile

SHEET = "xl/worksheets/sheet1.xml"


def workbook(sheet_xml: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", b'<?xml version="1.0"?><Types/>')
        z.writestr("xl/workbook.xml", b'<?xml version="1.0"?><workbook/>')
        z.writestr(SHEET, sheet_xml)
    return buffer.getvalue()


def claim_size(blob: bytes, name: str, claimed: int) -> bytes:
    """The same zip, its entry ``name`` claiming ``claimed`` bytes (local header and directory both)."""
    data = bytearray(blob)
    encoded = name.encode()
    at = data.find(b"PK\x03\x04")
    while at >= 0:
        length = struct.unpack_from("<H", data, at + 26)[0]
        if data[at + 30 : at + 30 + length] == encoded:
            struct.pack_into("<I", data, at + 22, claimed)
        at = data.find(b"PK\x03\x04", at + 4)
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + length] == encoded:
            struct.pack_into("<I", data, at + 24, claimed)
        at = data.find(b"PK\x01\x02", at + 4)
    return bytes(data)


def padded_sheet(size: int) -> bytes:
    return b'<?xml version="1.0"?><worksheet><sheetData>' + b" " * size + b"</sheetData></worksheet>"
