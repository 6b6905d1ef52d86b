"""Spreadsheet (XLSX) downloads. Workbooks are written in openpyxl's write-only mode to a temporary file, so a sheet
of 100,000 rows never sits in memory; the file is sent once it is complete."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from flask import Response
from openpyxl import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from grantsfund.common.downloads import XLSX_MIMETYPE, sheet_cell, workbook_file, xlsx_response
from grantsfund.reporting.tables import Cell, Table, as_xlsx, sheet_name

__all__ = ["XLSX_MIMETYPE", "Formatted", "add_sheet", "tables_response", "workbook_response"]

# A value for a spreadsheet cell (text, a number, a Decimal, a date), and its number format (None: general).
Formatted = tuple[Any, str | None]


def add_sheet(workbook: Workbook, title: str, headings: Sequence[str], rows: Iterable[Sequence[Formatted]]) -> None:
    """A sheet with a bold heading row, its header row frozen, and `rows` written as they come."""
    sheet: WriteOnlyWorksheet = workbook.create_sheet(sheet_name(title))
    sheet.freeze_panes = "A2"
    sheet.append([sheet_cell(sheet, heading, bold=True) for heading in headings])
    for row in rows:
        sheet.append([sheet_cell(sheet, value, number_format) for value, number_format in row])


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
    return xlsx_response(workbook_file(workbook), filename=filename)


def tables_response(tables: Sequence[Table], *, filename: str) -> Response:
    """A report's tables, one sheet each, with notes (such as what was suppressed) under each table's rows."""

    def fill(workbook: Workbook) -> None:
        for table in tables:
            add_sheet(workbook, table.title, table.headings, [*_formatted(table.rows), *_notes(table)])

    return workbook_response(fill, filename=filename)
