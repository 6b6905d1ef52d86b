"""A report's spreadsheet: a sheet per table with its notes under it; money and shares are numbers people can add
up, and text anyone typed is kept exactly as typed but stored as text, so it can never run as a formula."""

from __future__ import annotations

import io
from fractions import Fraction

from openpyxl import load_workbook

from grantsfund.reporting.spreadsheets import tables_response
from grantsfund.reporting.tables import SUPPRESSED, Column, Money, Percent, Table


def test_each_table_is_a_sheet_with_typed_cells_and_its_notes(app):
    table = Table(
        "by-theme",
        "By theme: requested/awarded",
        [Column("Theme"), Column("Awarded", numeric=True), Column("Share", numeric=True), Column("Groups", True)],
        [["=HYPERLINK(evil)", Money(1_234_550), Percent(Fraction(1, 8)), SUPPRESSED]],
        notes=["Counts under 5 are not shown."],
    )
    with app.test_request_context():
        response = tables_response([table], filename="report.xlsx")
        response.direct_passthrough = False
        workbook = load_workbook(io.BytesIO(response.get_data()))
        response.close()

    [sheet] = workbook.worksheets
    assert sheet.title == "By theme  requested awarded"  # the characters Excel refuses in a sheet name go
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows == [
        ["Theme", "Awarded", "Share", "Groups"],
        ["=HYPERLINK(evil)", 12345.5, 0.125, "Fewer than 5"],
        [None, None, None, None],
        ["Counts under 5 are not shown.", None, None, None],
    ]
    assert sheet["A2"].data_type == "s"  # text, not a formula
    assert sheet["B2"].number_format == "£#,##0.00"
    assert sheet["C2"].number_format == "0.0%"
