"""CSV downloads that stream from the first byte and open intact in Excel; `safe_cell` for the text in them
that people typed, so it never runs as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from flask import Response, stream_with_context

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
