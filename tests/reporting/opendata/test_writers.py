"""The files: a JSON package whose every grant validates against the standard's schema, and CSV and XLSX files with
the standard's column titles (and a Meta sheet)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from grantsfund.organisations.models import LegalForm
from grantsfund.reporting.opendata import publication, records, standard
from grantsfund.reporting.opendata.publication import FileFormat
from grantsfund.reporting.opendata.records import Selection
from tests.reporting.opendata import factories

TODAY = date(2026, 5, 1)


def titles(locations: int) -> list[str]:
    return [
        "Identifier",
        "Title",
        "Description",
        "Currency",
        "Amount Applied For",
        "Amount Awarded",
        "Amount Disbursed",
        "Award Date",
        "Planned Dates:Start Date",
        "Planned Dates:End Date",
        "Planned Dates:Duration (months)",
        "Recipient Org:Identifier",
        "Recipient Org:Name",
        "Recipient Org:Charity Number",
        "Recipient Org:Company Number",
        "Recipient Org:City",
        "Recipient Org:Postal Code",
        *(
            f"Beneficiary Location:{number}:{field}"
            for number in range(locations)
            for field in ("Name", "Geographic Code", "Geographic Code Type", "Country Code")
        ),
        "Location Scope",
        "Funding Org:Identifier",
        "Funding Org:Name",
        "Grant Programme:Code",
        "Grant Programme:Title",
        "From An Open Call?",
        "Last Modified",
        "Data Source",
    ]


@pytest.fixture
def grants(made):
    """Two grants: one to a charity in two wards with a payment, one to a group in no ward whose title a
    spreadsheet would run as a formula."""
    abbey, castle = factories.ward("Abbey Fields", "E05099001"), factories.ward("Castle Hill", "E05099003")
    charity = factories.group(
        "Northbrook Youth Radio", legal_form=LegalForm.REGISTERED_CHARITY, charity_number="1123456"
    )
    first = factories.award(made, charity, amount_pence=1_250_050, wards=[abbey, castle])
    factories.instalment(factories.agreement(made, first), 625_025)
    second = factories.award(made, factories.group("Eastgate Elders"), amount_pence=300_000, title="=SUM(A1:A9)")
    return first, second


def written(file_format, publisher, selection=None) -> bytes:
    selection = selection or Selection()
    out = io.BytesIO()
    publication.write(
        out, file_format, records.grants(selection, publisher), selection=selection, publisher=publisher, today=TODAY
    )
    return out.getvalue()


def test_the_json_package_parses_and_every_grant_validates(grants, publisher):
    text = written(FileFormat.JSON, publisher).decode("utf-8")
    package = json.loads(text, parse_float=Decimal)

    assert package["license"] == "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
    assert package["publisher"] == {
        "identifier": "GB-LAE-NBK",
        "name": "Northbrook Council",
        "prefix": "360G-northbrook",
        "website": "https://www.example.gov.uk",
    }
    assert package["issued"] == "2026-05-01"
    assert [grant["id"] for grant in package["grants"]] == [f"360G-northbrook-{award.reference}" for award in grants]
    for grant in json.loads(text)["grants"]:  # as anyone reads it: amounts as plain JSON numbers
        assert list(standard.validator().iter_errors(grant)) == []
    # Amounts are written exactly, always with pence.
    assert '"amountAwarded": 12500.50' in text
    assert '"amountAwarded": 3000.00' in text
    assert package["grants"][0]["amountDisbursed"] == Decimal("6250.25")


def test_the_csv_file_has_the_standards_column_titles(grants, publisher):
    text = written(FileFormat.CSV, publisher).decode("utf-8")

    assert text.startswith("\ufeff")  # so that Excel reads it as UTF-8
    header, *rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert header == titles(2)  # two location groups: the most wards any grant names
    first = dict(zip(header, rows[0], strict=True))
    assert first["Amount Awarded"] == "12500.50"
    assert first["Recipient Org:Identifier"] == "GB-CHC-1123456"
    assert first["Beneficiary Location:1:Name"] == "Castle Hill"
    assert first["Beneficiary Location:1:Geographic Code Type"] == "WD"
    second = dict(zip(header, rows[1], strict=True))
    assert second["Beneficiary Location:0:Name"] == ""
    assert second["Title"] == "'=SUM(A1:A9)"  # never run as a formula
    assert second["Location Scope"] == "GLS050"


def test_the_csv_file_has_no_location_columns_when_no_grant_names_a_ward(made, publisher):
    factories.award(made, factories.group())

    header = next(csv.reader(io.StringIO(written(FileFormat.CSV, publisher).decode("utf-8").removeprefix("\ufeff"))))

    assert header == titles(0)


def test_the_spreadsheet_has_a_grants_sheet_and_a_meta_sheet(grants, publisher):
    workbook = load_workbook(io.BytesIO(written(FileFormat.XLSX, publisher)))

    assert workbook.sheetnames == ["grants", "Meta"]
    sheet = workbook["grants"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == titles(2)
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Amount Awarded"] == pytest.approx(12500.50)  # a number people can add up
    assert sheet.cell(row=2, column=titles(2).index("Amount Awarded") + 1).number_format == "#,##0.00"
    assert first["Planned Dates:Duration (months)"] == 12
    second = dict(zip(rows[0], rows[2], strict=True))
    assert second["Title"] == "=SUM(A1:A9)"  # exactly as published in the JSON
    assert sheet.cell(row=3, column=2).data_type == "s"  # text, not a formula
    meta = dict(workbook["Meta"].iter_rows(min_row=2, values_only=True))
    assert meta["Publisher"] == "Northbrook Council"
    assert meta["Publisher identifier"] == "GB-LAE-NBK"
    assert meta["360Giving prefix"] == "360G-northbrook"
    assert meta["Date of publication"] == "2026-05-01"
    assert meta["Schema"].startswith("360Giving Data Standard 1.4.3")
    assert meta["Number of grants"] == 2
    assert meta["Total amount awarded"] == pytest.approx(15500.50)
    assert meta["Total amount disbursed"] == pytest.approx(6250.25)
    assert meta["Grants included"] == "Awarded grants of every round"


def test_the_file_name_says_what_it_holds(publisher):
    assert (
        publication.filename(publisher, Selection(), FileFormat.JSON, TODAY) == "360giving-northbrook-2026-05-01.json"
    )
    chosen = Selection(round_id=3, since=date(2025, 7, 1))
    assert (
        publication.filename(publisher, chosen, FileFormat.XLSX, TODAY)
        == "360giving-northbrook-round-3-since-2025-07-01-2026-05-01.xlsx"
    )
