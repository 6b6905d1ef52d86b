"""Downloads: CSV files that stream from the first byte and open intact in Excel; spreadsheets (XLSX) written to a
temporary file and sent a chunk at a time; `safe_cell` for the text in them that people typed, so it never runs as
a formula."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from flask import Response, stream_with_context
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK_BYTES = 64 * 1024
# A workbook up to this size stays in memory; a larger one spills to a temporary file.
IN_MEMORY_BYTES = 4 * 1024 * 1024

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """Text a spreadsheet shows as typed: a leading quote stops it being run as a formula."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _lines(header: Sequence[str], rows: Iterable[Sequence[str]], batch: int) -> Iterator[str]:
    """The file a batch of rows at a time, so it starts at once and memory stays flat however long it is."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # The byte order mark tells Excel the file is UTF-8, so names like "Women’s Centre" open intact.
    buffer.write("\ufeff")
    writer.writerow(header)
    for number, row in enumerate(rows):
        if number % batch == 0:  # the heading goes at once, so the download starts at once
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        writer.writerow(row)
    yield buffer.getvalue()


def csv_response(header: Sequence[str], rows: Iterable[Sequence[str]], *, filename: str, batch: int = 1000) -> Response:
    return Response(
        stream_with_context(_lines(header, rows, batch)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def sheet_cell(sheet: Any, value: Any, number_format: str | None = None, *, bold: bool = False) -> Any:
    """A cell for a write-only sheet; text is always stored as text. `Any`: openpyxl writes dates and Decimals
    (exact pounds) too, which its type stubs leave out."""
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # Text stays text exactly as typed: openpyxl would otherwise write "=…" as a formula. (Unlike a CSV file,
        # a workbook says what each cell is, so no leading quote is needed.)
        cell.data_type = "s"
    if number_format and value is not None:
        cell.number_format = number_format
    if bold:
        cell.font = Font(bold=True)
    return cell


def file_chunks(handle: IO[bytes]) -> Iterator[bytes]:
    """The file's bytes a chunk at a time for a streamed response; the file is closed when they have all gone
    (or the download is abandoned)."""
    try:
        while chunk := handle.read(CHUNK_BYTES):
            yield chunk
    finally:
        handle.close()


def workbook_file(workbook: Workbook) -> IO[bytes]:
    """The finished workbook in a temporary file (in memory while small), rewound for reading. The caller closes
    it, as `xlsx_response` does."""
    handle = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES)  # noqa: SIM115  (the response closes it)
    workbook.save(handle)
    handle.seek(0)
    return handle


def xlsx_response(handle: IO[bytes], *, filename: str) -> Response:
    """A workbook's file as a download. A zip cannot be streamed as it is made, so the workbook is written whole
    first (openpyxl's write-only mode keeps that flat in memory) and then sent a chunk at a time."""
    return Response(
        file_chunks(handle),
        mimetype=XLSX_MIMETYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
