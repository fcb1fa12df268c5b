"""Writing the world's files: names, timestamps, CSV dialects and spreadsheets.

Provider returns are named ``{ukprn}_{return}_{period}_{YYYYMMDDTHHMMSS}.{csv,xlsx}``
(the MI specification's file names) with a timestamp derived from the period, never from
the clock, and written in the habits a real prime might have, all within the
specification: plain UTF-8 CSV; CSV with a byte-order mark and CRLF line ends;
headers in upper case or in another column order; or an XLSX workbook with
real Excel date cells. Reference data is plain CSV.

Not for: deciding what the rows say (``synth.returns``, ``synth.claims``,
``synth.survey``) or what is wrong with them (``synth.defects``).

Notes:
    Everything written must be byte-identical for the same seed. polars'
    CSV writer is deterministic; xlsxwriter stamps the workbook with the
    current time unless ``created`` is set, and is reproducible once it is.
    A value that is not a valid ISO date in a date column (a clerk's
    ``31/03/2026``) is written to XLSX as text, as Excel would keep it.
"""

from __future__ import annotations

import datetime as dt
import zlib
from pathlib import Path

import numpy as np
import polars as pl
import xlsxwriter

from synth import parameters as P
from synth.calendar import to_date

_RETURN_ORDER = {name: k for k, name in enumerate(P.RETURNS)}


def submission_time(
    period_end: int, prime_index: int, return_name: str, resubmission: bool = False
) -> dt.datetime:
    """When a prime's return for a quarter arrives: fixed by the calendar, never the clock."""
    if resubmission:
        day = to_date(period_end + P.RESUBMISSION_DELAY_DAYS)
        return dt.datetime.combine(day, dt.time(14, 30)) + dt.timedelta(minutes=prime_index % 60)
    day = to_date(period_end + P.SUBMISSION_DELAY_DAYS)
    return dt.datetime.combine(day, dt.time(10, 15)) + dt.timedelta(
        minutes=prime_index % 60, seconds=20 * _RETURN_ORDER[return_name]
    )


def submission_name(ukprn: str, return_name: str, period: str, at: dt.datetime, extension: str) -> str:
    return f"{ukprn}_{return_name}_{period}_{at:%Y%m%dT%H%M%S}.{extension}"


def stable_seed(*parts: object) -> int:
    """A seed from names, the same in every process (unlike ``hash``)."""
    return zlib.crc32("|".join(str(p) for p in parts).encode())


def styled_header(frame: pl.DataFrame, style: str, return_name: str) -> pl.DataFrame:
    """Apply a prime's header habit: ``spec``, ``upper`` case, or ``shuffled`` order."""
    if style == "upper":
        return frame.rename({c: c.upper() for c in frame.columns})
    if style == "shuffled":
        order = np.random.default_rng(stable_seed("columns", return_name)).permutation(len(frame.columns))
        return frame.select([frame.columns[i] for i in order])
    return frame


def write_csv(frame: pl.DataFrame, path: Path, dialect: str = "plain") -> None:
    if dialect == "bom_crlf":
        frame.write_csv(path, include_bom=True, line_terminator="\r\n")
    else:
        frame.write_csv(path)


def write_xlsx(frame: pl.DataFrame, path: Path, return_name: str, created: dt.datetime) -> None:
    """One sheet, header in row 1, dates as Excel date cells, scores and hours as numbers."""
    date_fields = set(P.RETURN_DATE_FIELDS[return_name])
    number_fields = set(P.RETURN_NUMBER_FIELDS[return_name])
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    workbook.set_properties({"created": created, "author": "case management system"})
    sheet = workbook.add_worksheet(return_name)
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    kinds, columns = [], []
    for name in frame.columns:
        values = frame[name]
        if name.lower() in date_fields:
            kinds.append("date")
            columns.append(
                list(
                    zip(
                        values.to_list(), values.str.to_date("%Y-%m-%d", strict=False).to_list(), strict=False
                    )
                )
            )
        elif name.lower() in number_fields:
            kinds.append("number")
            columns.append(
                list(zip(values.to_list(), values.cast(pl.Float64, strict=False).to_list(), strict=False))
            )
        else:
            kinds.append("text")
            columns.append(values.to_list())
        sheet.set_column(len(kinds) - 1, len(kinds) - 1, 14)
    for c, name in enumerate(frame.columns):
        sheet.write_string(0, c, name)
    for r in range(len(frame)):
        for c, kind in enumerate(kinds):
            value = columns[c][r]
            if kind == "text":
                if value is not None:
                    sheet.write_string(r + 1, c, value)
            else:
                text, parsed = value
                if parsed is not None:
                    if kind == "date":
                        sheet.write_datetime(r + 1, c, parsed, date_format)
                    else:
                        sheet.write_number(r + 1, c, parsed)
                elif text is not None:
                    sheet.write_string(r + 1, c, text)
    workbook.close()


class SpellsWriter:
    """Appends chunks of employment spells to one CSV, header once."""

    def __init__(self, path: Path):
        self.path = path
        self.rows = 0
        self._header_written = False
        self._handle = open(path, "wb")

    def write(self, frame: pl.DataFrame) -> None:
        frame.write_csv(self._handle, include_header=not self._header_written)
        self._header_written = True
        self.rows += len(frame)

    def close(self) -> None:
        if not self._header_written:
            fields = P.REFERENCE_FIELDS["employment_spells"]
            pl.DataFrame(schema={c: pl.String for c in fields}).write_csv(self._handle)
        self._handle.close()
