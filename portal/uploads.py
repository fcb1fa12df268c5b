"""Receiving an uploaded file safely: streamed to a private temp file, size-capped, typed by content.

The request body is parsed as it arrives (``python_multipart``'s push parser
over ``request.stream()``); the ``file`` part goes chunk by chunk into a file
with a random name under ``MI_HOME/ops/uploads`` (mode 0600), and reading
stops the moment it passes the limit: the partial file is deleted and the
caller answers 413. Nothing holds the whole body in memory, and Starlette's
own form parser (which spools to the system temp folder and reads the whole
body first) is never used for uploads.

The client's file name is kept only as text (:func:`client_file_name`); no
path is ever built from it. Whether the file is CSV text or an XLSX workbook
is decided by its bytes (:func:`classify_content`), and a workbook passes
ingest's zip-bomb and XML-entity guard before anything parses it.

Not for: deciding who may upload what (``portal/returns.py``) or validation
(``ingest``).
"""

from __future__ import annotations

import codecs
import contextlib
import os
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from contracts_schema.checks import mask_nino_runs
from ingest.read import ZIP_MAGIC, FileRejected, guard_xlsx
from portal.ratelimit import Slots

FILE_FIELD = "file"
#: Form fields other than the file are short (a return name, a period, a CSRF token).
MAX_FIELD_BYTES = 4096
MAX_FIELDS = 16
#: Room for multipart boundaries and part headers on top of the file itself.
ENVELOPE_BYTES = 64 * 1024
#: How much of the file decides its type.
SNIFF_BYTES = 64 * 1024
#: Temp files older than this are debris from a crash (they hold clear NINOs: remove them).
STALE_AFTER_SECONDS = 3600
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13)) + b"\x7f"


class UploadRefused(Exception):
    """The upload cannot be taken; carries the HTTP status, a stable code and a message for people."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        field: str | None = FILE_FIELD,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        #: The form field the problem is about (the web form links its error message there).
        self.field = field
        #: Headers the answer must carry (``Retry-After`` on 503, ``Connection: close`` on 413).
        self.headers = dict(headers or {})
        if status == 413:
            self.headers.setdefault("Connection", "close")


#: Seconds a client is asked to wait when every validation slot is taken (one validation's time).
BUSY_RETRY_AFTER = 5


@contextlib.contextmanager
def validation_slot(slots: Slots) -> Iterator[None]:
    """Hold one of the portal's validation slots for the block, or refuse at once.

    Validation holds the file and its frames in memory, so the number running
    at once bounds the portal's memory. Past the cap the upload is refused
    (503, ``Retry-After``) rather than queued; the caller discards the file.

    Raises:
        UploadRefused: 503 ``busy`` when no slot is free.
    """
    if not slots.try_acquire():
        raise UploadRefused(
            503,
            "busy",
            "The portal is checking as many files as it can at once. Nothing of this upload "
            f"has been kept: send it again in {BUSY_RETRY_AFTER} seconds or so.",
            headers={"Retry-After": str(BUSY_RETRY_AFTER)},
        )
    try:
        yield
    finally:
        slots.release()


def too_large(limit: int) -> UploadRefused:
    return UploadRefused(
        413,
        "payload_too_large",
        f"The file is larger than the upload limit of {limit / (1024 * 1024):g} MB. "
        "Nothing of it has been kept.",
    )


@dataclass
class ReceivedUpload:
    """A parsed upload: the small form fields, and the file spooled to a private temp file."""

    fields: dict[str, str] = field(default_factory=dict)
    temp_path: Path | None = None
    file_name: str = ""
    size: int = 0

    @property
    def has_file(self) -> bool:
        return self.temp_path is not None and (self.size > 0 or bool(self.file_name))

    def field(self, name: str) -> str | None:
        value = self.fields.get(name, "").strip()
        return value or None

    def discard(self) -> None:
        """Delete the temp file (it holds clear personal data); safe to call twice."""
        if self.temp_path is not None:
            self.temp_path.unlink(missing_ok=True)
            self.temp_path = None


def client_file_name(raw: bytes | None) -> str:
    """The sender's file name as harmless text: last path segment, printable, at most 255 characters.

    Both ``/`` and ``\\`` count as separators (old browsers send a Windows
    path); the result is only ever recorded and shown, never opened. A run
    shaped like a NINO in it (a clerk naming the file after a person) is masked.
    """
    if not raw:
        return ""
    text = raw.decode("utf-8", errors="replace").replace("\\", "/").rsplit("/", 1)[-1]
    text = mask_nino_runs("".join(ch for ch in text if ch.isprintable()).strip())
    return "" if text in (".", "..") else text[:255]


def sweep_stale(folder: Path) -> None:
    """Remove temp files a crashed process left behind."""
    if not folder.is_dir():
        return
    cutoff = time.time() - STALE_AFTER_SECONDS
    for leftover in folder.glob("*.part"):
        try:
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()
        except FileNotFoundError:
            pass


class _Receiver:
    """Callbacks for the push parser: fields into memory (small), the file onto disk (capped)."""

    def __init__(self, folder: Path, limit: int, before_file: Callable[[dict[str, str]], None] | None):
        self.folder = folder
        self.before_file = before_file
        self.limit = limit
        self.upload = ReceivedUpload()
        self._handle: IO[bytes] | None = None
        self._header_name = b""
        self._header_value = b""
        self._disposition = b""
        self._part_name: str | None = None
        self._part_is_file = False
        self._value = bytearray()
        self.complete = False

    def on_part_begin(self) -> None:
        self._disposition = b""
        self._part_name = None
        self._part_is_file = False
        self._value = bytearray()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        if self._header_name.strip().lower() == b"content-disposition":
            self._disposition = self._header_value
        self._header_name = b""
        self._header_value = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        name = options.get(b"name")
        if name is None:
            raise UploadRefused(422, "invalid_request", "A part of the form has no name.")
        self._part_name = name.decode("utf-8", errors="replace")
        # The part named "file" is the file, whether or not the client sent a file name.
        if self._part_name == FILE_FIELD:
            if self.upload.temp_path is not None:
                raise UploadRefused(422, "invalid_request", "Send one file per upload.")
            if self.before_file is not None:
                # Fields sent ahead of the file (a browser sends them in form order) can
                # refuse the upload before a byte of it touches the disk.
                self.before_file(self.upload.fields)
            self._part_is_file = True
            self.upload.file_name = client_file_name(options.get(b"filename"))
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            path = self.folder / f"{secrets.token_hex(16)}.part"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            self.upload.temp_path = path
            self._handle = os.fdopen(fd, "wb")
        elif b"filename" in options:
            raise UploadRefused(422, "invalid_request", f"Send the file in the field named {FILE_FIELD!r}.")
        elif len(self.upload.fields) >= MAX_FIELDS:
            raise UploadRefused(422, "invalid_request", "The form has too many fields.")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._part_is_file:
            self.upload.size += end - start
            if self.upload.size > self.limit:
                raise too_large(self.limit)
            self._file().write(data[start:end])
        else:
            self._value += data[start:end]
            if len(self._value) > MAX_FIELD_BYTES:
                raise UploadRefused(
                    422, "invalid_request", f"The form field {self._part_name!r} is too long."
                )

    def on_part_end(self) -> None:
        if self._part_is_file:
            self._file().close()
            self._handle = None
        elif self._part_name is not None:
            self.upload.fields[self._part_name] = self._value.decode("utf-8", errors="replace")

    def on_end(self) -> None:
        self.complete = True

    def _file(self) -> IO[bytes]:
        """The open file of the file part (opened once its headers are read)."""
        if self._handle is None:
            raise RuntimeError("the file part's data came before its headers")
        return self._handle

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


async def receive_upload(
    request: Request, *, folder: Path, limit: int, before_file: Callable[[dict[str, str]], None] | None = None
) -> ReceivedUpload:
    """Read a ``multipart/form-data`` request into a :class:`ReceivedUpload`.

    The caller owns the result and must call :meth:`ReceivedUpload.discard`
    when done (in a ``finally``). On any refusal or error the temp file is
    already gone.

    Args:
        folder: where the temp file goes (created private if missing).
        limit: the most bytes the file may have.
        before_file: called with the fields received so far when the file
            part begins; it may raise :class:`UploadRefused` to stop there.

    Raises:
        UploadRefused: 413 past the limit (reading stops there), 415 when the
            request is not multipart, 422 for a malformed form.
    """
    content_type = request.headers.get("content-type", "")
    media_type, params = parse_options_header(content_type.encode("latin-1", errors="replace"))
    if media_type.lower() != b"multipart/form-data":
        raise UploadRefused(
            415,
            "unsupported_media_type",
            f"Send the upload as multipart/form-data with the file in a field named {FILE_FIELD!r}.",
        )
    boundary = params.get(b"boundary")
    if not boundary or len(boundary) > 200:
        raise UploadRefused(422, "invalid_request", "The multipart form has no valid boundary.")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit + ENVELOPE_BYTES:
        # Refuse before reading a byte when the sender says up front that it is too big.
        raise too_large(limit)
    sweep_stale(folder)
    receiver = _Receiver(folder, limit, before_file)
    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": receiver.on_part_begin,
            "on_part_data": receiver.on_part_data,
            "on_part_end": receiver.on_part_end,
            "on_header_field": receiver.on_header_field,
            "on_header_value": receiver.on_header_value,
            "on_header_end": receiver.on_header_end,
            "on_headers_finished": receiver.on_headers_finished,
            "on_end": receiver.on_end,
        },
    )
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > limit + ENVELOPE_BYTES:
                raise too_large(limit)
            parser.write(chunk)
        parser.finalize()
        if not receiver.complete:
            # No closing boundary: a truncated body must not pass for a whole file.
            raise FormParserError("incomplete")
    except FormParserError:
        receiver.close()
        receiver.upload.discard()
        raise UploadRefused(422, "invalid_request", "The multipart form could not be read.") from None
    except BaseException:
        # Too large, a client that went away, a cancelled task: keep nothing.
        receiver.close()
        receiver.upload.discard()
        raise
    receiver.close()
    return receiver.upload


def classify_content(path: Path, *, limit: int) -> str:
    """``"csv"`` or ``"xlsx"``, decided by the file's bytes; refuses anything else.

    CSV means text: no NUL or other binary control bytes at the start. A
    text file in a legacy encoding (Windows-1252, say) still counts as CSV, so
    that ingest rejects it with the specification's ``FILE_ENCODING`` finding
    and the clerk gets a proper feedback report. XLSX means a zip that is a
    workbook and passes ingest's guard against zip bombs and XML entities.

    Raises:
        UploadRefused: 415 for neither CSV text nor a workbook (or a workbook
            declaring XML entities), 413 for a zip bomb.
    """
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if head.startswith(ZIP_MAGIC):
        try:
            guard_xlsx(path.read_bytes(), limit)
        except FileRejected as exc:
            if exc.rule_id == "FILE_TOO_LARGE":
                raise UploadRefused(
                    413,
                    "payload_too_large",
                    "The workbook expands far beyond its size (a zip bomb?), so it was not opened. "
                    "Nothing of it has been kept.",
                ) from None
            raise UploadRefused(
                415,
                "unsupported_media_type",
                f"The file is not an Excel workbook that can be accepted: {exc.detail}.",
            ) from None
        return "xlsx"
    not_text = UploadRefused(
        415,
        "unsupported_media_type",
        "The file is neither CSV text nor an Excel workbook (.xlsx). "
        "Save it as 'CSV UTF-8' or as .xlsx and upload it again.",
    )
    if b"\x00" in head:
        raise not_text
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=len(head) < SNIFF_BYTES)
    except UnicodeDecodeError:
        if any(b in _CONTROL_BYTES for b in head):
            raise not_text from None
    return "csv"
