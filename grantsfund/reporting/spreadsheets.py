"""Spreadsheet (XLSX) downloads. Workbooks are written in openpyxl's write-only mode to a temporary file, so a sheet
of 100,000 rows never sits in memory; the file is sent once it is complete."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from flask import Response, send_file
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from grantsfund.reporting.tables import Cell, Table, as_xlsx, sheet_name

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A value for a spreadsheet cell (text, a number, a Decimal, a date), and its number format (None: general).
Formatted = tuple[Any, str | None]

_BOLD = Font(bold=True)


def add_sheet(workbook: Workbook, title: str, headings: Sequence[str], rows: Iterable[Sequence[Formatted]]) -> None:
    """A sheet with a bold heading row, its header row frozen, and `rows` written as they come."""
    sheet: WriteOnlyWorksheet = workbook.create_sheet(sheet_name(title))
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, heading, None, bold=True) for heading in headings])
    for row in rows:
        sheet.append([_cell(sheet, value, number_format) for value, number_format in row])


def _cell(sheet: WriteOnlyWorksheet, value: Any, number_format: str | None, *, bold: bool = False) -> SheetCell:
    cell = WriteOnlyCell(sheet, value=value)
    if number_format:
        cell.number_format = number_format
    if bold:
        cell.font = _BOLD
    return cell


def _formatted(rows: Iterable[Sequence[Cell]]) -> Iterable[list[Formatted]]:
    for row in rows:
        yield [as_xlsx(cell) for cell in row]


def _notes(table: Table) -> list[list[Formatted]]:
    """The table's notes under its rows, after a blank row."""
    if not table.notes:
        return []
    rows: list[list[Formatted]] = [[("", None)]]
    rows.extend([(note, None)] for note in table.notes)
    return rows


def workbook_response(fill: Callable[[Workbook], None], *, filename: str) -> Response:
    """The workbook that `fill` writes (with `add_sheet`), sent as a download."""
    workbook = Workbook(write_only=True)
    fill(workbook)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 -- send_file closes it once the response is sent
    workbook.save(spool)
    spool.seek(0)
    return send_file(spool, mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=filename)


def tables_response(tables: Sequence[Table], *, filename: str) -> Response:
    """A report's tables, one sheet each, with notes (such as what was suppressed) under each table's rows."""

    def fill(workbook: Workbook) -> None:
        for table in tables:
            add_sheet(workbook, table.title, table.headings, [*_formatted(table.rows), *_notes(table)])

    return workbook_response(fill, filename=filename)
