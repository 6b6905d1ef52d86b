"""The payments file for the finance system: the export form, CSV and Excel downloads of what was paid, approved
or scheduled in a date range, and what happens to a bad range."""

import csv
import io
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

import pytest
from openpyxl import load_workbook

from grantsfund.common.dates import london_today, to_london
from grantsfund.extensions import db
from grantsfund.payments import services as payments
from grantsfund.payments.export import HEADER
from tests.conftest import error_messages, page
from tests.fuzzing import assert_no_server_error
from tests.payments.conftest import grants, instalments, paid
from tests.queries import statement_count

# A group name a spreadsheet would run as a formula if it were written as it is.
FORMULA = '=HYPERLINK("https://example.com/steal","Click")'


def query(which: str, start: date, end: date, **extra: str) -> str:
    pairs = [("which", which)]
    pairs += [("date_from", part) for part in (str(start.day), str(start.month), str(start.year))]
    pairs += [("date_to", part) for part in (str(end.day), str(end.month), str(end.year))]
    pairs += list(extra.items())
    return urlencode(pairs)


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


@pytest.fixture
def world(round_, officer, make_user, people, finance):
    """Two grants: the first's first instalment paid on 2 November 2026 (its group has a formula-looking name and
    a charity number), the second's paid on 20 October; the first's second instalment approved on 5 November."""
    first, second = grants(round_, officer, make_user, people, 2)
    first.organisation.name = FORMULA
    first.organisation.charity_number = "1170001"
    one, two, _three = instalments(first)
    paid(one, finance, reference="BACS-0001", paid_on=date(2026, 11, 2))
    paid(instalments(second)[0], finance, reference="BACS-0002", paid_on=date(2026, 10, 20))
    two.period.return_accepted_at = datetime(2026, 11, 1, tzinfo=UTC)
    payments.approve(two, actor=finance, now=datetime(2026, 11, 5, 10, 0, tzinfo=UTC))
    db.session.flush()
    return {"first": first, "second": second}


def test_paid_as_csv_lists_the_payments_in_the_range_with_their_details(finance_client, world):
    first = world["first"]
    rows = csv_rows(finance_client.get("/payments/export.csv?" + query("paid", date(2026, 11, 1), date(2026, 11, 30))))

    assert rows[0] == list(HEADER)
    assert rows[1:] == [
        [
            "BACS-0001",
            "2026-11-02",
            instalments(first)[0].due_on.isoformat(),
            "Paid",
            "1668.50",
            first.reference,
            "'" + FORMULA,
            "1170001",
            "",
            "Round 2026/27",
            "Round 2026/27 fund",
            "1",
            "Agreement accepted",
            to_london(instalments(first)[0].approved_at).date().isoformat(),
        ]
    ]


def test_the_range_includes_both_of_its_days(finance_client, world):
    url = "/payments/export.csv?" + query("paid", date(2026, 10, 20), date(2026, 11, 2))
    assert [row[0] for row in csv_rows(finance_client.get(url))[1:]] == ["BACS-0002", "BACS-0001"]
    url = "/payments/export.csv?" + query("paid", date(2026, 10, 21), date(2026, 11, 1))
    assert csv_rows(finance_client.get(url))[1:] == []


def test_approved_goes_by_the_date_approved_and_scheduled_by_the_due_date(finance_client, world):
    first, second = world["first"], world["second"]
    approved = csv_rows(
        finance_client.get("/payments/export.csv?" + query("approved", date(2026, 11, 5), date(2026, 11, 5)))
    )
    assert [(row[3], row[5], row[11], row[12], row[13]) for row in approved[1:]] == [
        ("Approved", first.reference, "2", "Return for period 1 accepted", "2026-11-05")
    ]
    due = instalments(second)[2].due_on
    scheduled = csv_rows(finance_client.get("/payments/export.csv?" + query("scheduled", due, due)))
    assert {(row[5], row[11], row[3]) for row in scheduled[1:]} == {
        (first.reference, "3", "Scheduled"),
        (second.reference, "3", "Scheduled"),
    }


def test_excel_has_the_rows_with_real_numbers_and_dates_and_no_formulas(finance_client, world):
    first, second = world["first"], world["second"]
    response = finance_client.get("/payments/export.xlsx?" + query("paid", date(2026, 10, 1), date(2026, 11, 30)))

    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="payments-paid-2026-10-01-to-2026-11-30.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == HEADER
    assert [(row[0], row[1], row[4], row[5], row[6]) for row in rows[1:]] == [
        ("BACS-0002", datetime(2026, 10, 20), 1668.5, second.reference, second.organisation.name),
        ("BACS-0001", datetime(2026, 11, 2), 1668.5, first.reference, "'" + FORMULA),
    ]
    amount, group = sheet["E3"], sheet["G3"]
    assert "£" in amount.number_format
    assert sheet["B3"].is_date
    assert group.data_type == "s"  # text, not a formula


def test_the_export_form_starts_with_this_month_and_sends_you_to_the_download(finance_client):
    form = page(finance_client.get("/payments/export"))
    today = london_today()
    assert [box["value"] for box in form.select("input[name=date_from]")] == today.replace(day=1).strftime(
        "%d %m %Y"
    ).split()
    assert form.select_one("input[name=which][checked]")["value"] == "paid"
    assert form.select_one("input[name=file_format][checked]")["value"] == "csv"

    chosen = query("scheduled", date(2026, 4, 1), date(2027, 3, 31), file_format="xlsx")
    response = finance_client.get("/payments/export?" + chosen)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/payments/export.xlsx?")
    assert finance_client.get(response.headers["Location"]).status_code == 200


def test_a_range_that_ends_before_it_starts_is_explained_with_what_was_typed(finance_client):
    backwards = query("paid", date(2026, 11, 30), date(2026, 11, 1), file_format="csv")
    response = finance_client.get("/payments/export?" + backwards)
    assert response.status_code == 200
    assert error_messages(response) == ["The ‘to’ date must be the same as or after the ‘from’ date"]
    assert [box["value"] for box in page(response).select("input[name=date_to]")] == ["1", "11", "2026"]

    download = finance_client.get("/payments/export.csv?" + backwards)
    assert download.status_code == 302
    assert error_messages(finance_client.get(download.headers["Location"])) == [
        "The ‘to’ date must be the same as or after the ‘from’ date"
    ]


def test_missing_or_impossible_choices_are_explained(finance_client):
    response = finance_client.get("/payments/export?which=owed&date_from=31&date_from=2&date_from=2026")
    assert error_messages(response) == [
        "Not a valid choice.",
        "From must be a real date",
        "Enter the last date to include",
        "Select a format",
    ]
    far = query("paid", date(1999, 1, 1), date(9999, 12, 31))
    download = finance_client.get("/payments/export.xlsx?" + far)
    assert error_messages(finance_client.get(download.headers["Location"])) == [
        "From must be between 2000 and 2099",
        "To must be between 2000 and 2099",
    ]


def test_the_export_is_one_query_however_many_rows(finance_client, world, round_, officer, make_user, people):
    url = "/payments/export.csv?" + query("scheduled", date(2026, 1, 1), date(2029, 12, 31))
    few = statement_count(finance_client, url)
    grants(round_, officer, make_user, people, 3)
    assert statement_count(finance_client, url) == few
    assert len(csv_rows(finance_client.get(url))) == 1 + 5 * 3


def test_no_export_choice_causes_a_server_error(finance_client):
    fields = ["which", "date_from", "date_to", "file_format"]
    for url in ("/payments/export", "/payments/export.csv", "/payments/export.xlsx"):
        assert_no_server_error(finance_client, url, fields, method="GET", extra_values=["paid", "csv", "xlsx"])


def test_the_date_approved_is_the_day_in_london(finance_client, world):
    """Approved at 11:30pm UTC on 5 June is 12:30am on 6 June in London (British Summer Time)."""
    two = instalments(world["first"])[1]
    two.approved_at = datetime(2026, 6, 5, 23, 30, tzinfo=UTC)
    db.session.flush()
    day = date(2026, 6, 6)
    [_header, row] = csv_rows(finance_client.get("/payments/export.csv?" + query("approved", day, day)))
    assert row[13] == "2026-06-06"
    before = day - timedelta(days=1)
    assert csv_rows(finance_client.get("/payments/export.csv?" + query("approved", before, before)))[1:] == []
