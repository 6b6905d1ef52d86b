"""The 360Giving page and its downloads: officers and finance see what would be published and whether it is valid,
filter it, and download the files; a bad filter is explained, an invalid grant blocks every download and says
which grant and field is wrong, and each download is recorded in the audit trail."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from grantsfund.audit.models import AuditEvent
from grantsfund.extensions import db
from grantsfund.organisations.models import LegalForm
from grantsfund.reporting.opendata import standard
from tests.conftest import error_messages, page
from tests.queries import statement_count
from tests.reporting.opendata import factories

URL = "/reports/360giving"


@pytest.fixture
def grants(made):
    """Two grants in this round (one to a charity, in Abbey Fields) and one in the next round, decided in 2026."""
    abbey = factories.ward("Abbey Fields", "E05099001")
    charity = factories.group(
        "Northbrook Youth Radio", legal_form=LegalForm.REGISTERED_CHARITY, charity_number="1123456"
    )
    first = factories.award(made, charity, amount_pence=1_250_050, wards=[abbey])
    factories.instalment(factories.agreement(made, first), 625_025)
    second = factories.award(made, factories.group("Eastgate Elders"), amount_pence=300_000, title="Tea and Talk")
    later = factories.another_round(made)
    third = factories.award(
        later,
        factories.group("Castle Hill Kids"),
        amount_pence=450_000,
        decided_at=datetime(2026, 3, 2, 10, tzinfo=UTC),
    )
    return {"first": first, "second": second, "third": third, "later": later}


def rows(response, table_id):
    found = page(response).select_one(f"table#table-{table_id}")
    assert found is not None, table_id
    return [[cell.get_text(" ", strip=True) for cell in row.select("th, td")] for row in found.select("tbody tr")]


def totals(response):
    return {
        row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(" ", strip=True)
        for row in page(response).select("#totals .govuk-summary-list__row")
    }


def events():
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "open_data.published")))


@pytest.mark.parametrize("role", ["officer_client", "finance_client"])
def test_officers_and_finance_see_what_would_be_published(role, client_for, grants):
    response = client_for(role).get(URL)

    assert response.status_code == 200
    html = page(response)
    assert html.select_one("h1").get_text(strip=True) == "Publish grants as open data (360Giving)"
    assert html.select_one(".govuk-caption-l").get_text(strip=True) == "Reports"
    assert html.select_one("#validation").get_text(" ", strip=True) == (
        "Ready to publish: 3 grants, all valid against the 360Giving Data Standard 1.4.3"
    )
    assert totals(response)["Grants"] == "3"
    assert totals(response)["Amount awarded"] == "£20,000.50"
    assert totals(response)["Amount paid so far"] == "£6,250.25"
    assert rows(response, "preview") == [
        [
            f"360G-northbrook-{grants['first'].reference}",
            "Young Voices",
            "Northbrook Youth Radio",
            "£12,500.50",
            "15 July 2025",
            "Abbey Fields",
        ],
        [
            f"360G-northbrook-{grants['second'].reference}",
            "Tea and Talk",
            "Eastgate Elders",
            "£3,000.00",
            "15 July 2025",
            "None named",
        ],
        [
            f"360G-northbrook-{grants['third'].reference}",
            "Young Voices",
            "Castle Hill Kids",
            "£4,500.00",
            "2 March 2026",
            "None named",
        ],
    ]
    assert html.select_one("#table-preview caption").get_text(strip=True) == "All 3 grants"
    buttons = [button.get_text(strip=True) for button in html.select("#download ~ form button")]
    assert buttons == ["Download JSON", "Download Excel spreadsheet (XLSX)", "Download CSV"]
    assert "contact names" in html.select_one("#what-is-published ~ div").get_text()


def test_the_reports_page_links_to_it(officer_client):
    links = [link["href"] for link in page(officer_client.get("/reports")).select(".app-report-list a")]
    assert URL in links


def test_filters_choose_the_round_and_the_first_decision_date(officer_client, grants):
    by_round = officer_client.get(URL, query_string={"round": grants["later"].round.id})
    assert totals(by_round)["Grants"] == "1"
    assert page(by_round).select_one("select#round option[selected]").get_text(strip=True).endswith("Round 2026/27")

    since = officer_client.get(f"{URL}?since=1&since=1&since=2026")
    assert totals(since)["Grants"] == "1"
    assert [box["value"] for box in page(since).select("input[name=since]")] == ["1", "1", "2026"]
    # The download buttons keep the filters.
    [button] = page(since).select("button[formaction$='/json?since=1&since=1&since=2026']")
    assert button
    # Submitted without a button (or by a tool that ignores formaction), the form downloads the JSON file.
    [download] = page(since).select("form:has(button[formaction])")
    assert download["action"].endswith("/json?since=1&since=1&since=2026")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("round=abc", "Select a round from the list"),
        ("round=999999", "Select a round from the list"),
        ("since=31&since=2&since=2025", "Decided on or after must be a real date"),
        ("since=1&since=&since=2025", "Decided on or after must include a month"),
        ("since=1&since=1&since=2999", "Decided on or after must be today or in the past"),
    ],
)
def test_a_bad_filter_is_explained_with_the_input_kept(officer_client, grants, query, message):
    response = officer_client.get(f"{URL}?{query}")

    assert response.status_code == 200
    assert error_messages(response) == [message]
    assert page(response).title.get_text().startswith("Error:")
    if query.startswith("since"):
        typed = query.replace("since=", "").split("&")
        assert [box["value"] for box in page(response).select("input[name=since]")] == typed
    # With the filter refused, the page shows every grant, and offers no download until the filter is right.
    assert totals(response)["Grants"] == "3"
    assert page(response).select("#download") == []
    assert page(response).select_one("#download-blocked ~ p").get_text(strip=True).startswith("Correct the filters")


def test_nothing_to_publish_says_so(officer_client, made):
    response = officer_client.get(URL)

    assert page(response).select_one("#empty").get_text(" ", strip=True).startswith("There are no awarded grants yet")
    assert page(response).select("#download") == []


def test_the_json_download_is_the_package_and_is_recorded(officer_client, grants):
    response = officer_client.submit(f"{URL}/json")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    filename = response.headers["Content-Disposition"]
    assert filename.startswith('attachment; filename="360giving-northbrook-')
    assert filename.endswith('.json"')
    package = json.loads(response.get_data(as_text=True))
    assert len(package["grants"]) == 3
    for grant in package["grants"]:
        assert list(standard.validator().iter_errors(grant)) == []
    [event] = events()
    assert event.actor_id == officer_client.user.id
    assert event.object_type == "open_data_publication"
    assert event.after["format"] == "json"
    assert event.after["grants"] == 3
    assert event.after["amount_awarded_pence"] == 2_000_050
    assert event.after["filters"] == {"round_id": None, "since": None}


def test_the_csv_and_xlsx_downloads_keep_the_filters(finance_client, grants):
    round_id = grants["later"].round.id
    csv_response = finance_client.submit(f"{URL}/csv?round={round_id}")
    text = csv_response.get_data(as_text=True)  # read through, as a browser does, before the next request
    xlsx_response = finance_client.submit(f"{URL}/xlsx?round={round_id}")

    assert csv_response.mimetype == "text/csv"
    assert f'filename="360giving-northbrook-round-{round_id}-' in csv_response.headers["Content-Disposition"]
    header, *lines = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert header[0] == "Identifier"
    assert [line[0] for line in lines] == [f"360G-northbrook-{grants['third'].reference}"]
    assert xlsx_response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert xlsx_response.headers["Content-Disposition"].endswith('.xlsx"')
    workbook = load_workbook(io.BytesIO(xlsx_response.get_data()))
    assert workbook.sheetnames == ["grants", "Meta"]
    assert workbook["grants"].max_row == 2
    assert [event.after["format"] for event in events()] == ["csv", "xlsx"]
    assert all(event.after["filters"]["round_id"] == round_id for event in events())


def test_an_invalid_grant_blocks_every_download_and_names_the_grant_and_field(officer_client, grants, made):
    broken = factories.award(made, factories.group("Westbrook Youth"), wards=[factories.ward("Old Ward", "OLD-1")])

    response = officer_client.get(URL)

    warning = page(response).select_one("#validation").get_text(" ", strip=True)
    assert "Not ready to publish: 1 grant is not valid against the 360Giving Data Standard 1.4.3 (1 problem)" in warning
    assert rows(response, "problems") == [
        [f"360G-northbrook-{broken.reference}", "beneficiaryLocation › 0 › geoCode", "'OLD-1' is not an ONS ward code"]
    ]
    assert page(response).select("#download") == []
    for file_format in ("json", "xlsx", "csv"):
        refused = officer_client.submit(f"{URL}/{file_format}?round={made.round.id}")
        assert refused.status_code == 303
        assert refused.headers["Location"] == f"{URL}?round={made.round.id}"
    shown = officer_client.get(f"{URL}?round={made.round.id}")
    assert "The file was not made" in page(shown).select_one(".govuk-notification-banner").get_text()
    assert events() == []


def test_a_download_with_a_bad_filter_goes_back_to_the_page(officer_client, grants):
    response = officer_client.submit(f"{URL}/json?round=abc&_method=GET&_external=1")

    assert response.status_code == 303
    assert response.headers["Location"] == f"{URL}?round=abc"  # only the filters go back
    assert error_messages(officer_client.get(response.headers["Location"])) == ["Select a round from the list"]


def test_a_download_of_nothing_goes_back_to_the_page(officer_client, made):
    response = officer_client.submit(f"{URL}/csv")

    assert response.status_code == 303
    assert "no awarded grants" in page(officer_client.get(URL)).select_one(".govuk-notification-banner").get_text()


def test_the_page_and_downloads_read_a_constant_number_of_statements(officer_client, made):
    group = factories.group()
    abbey = factories.ward("Abbey Fields", "E05099001")
    factories.award(made, group, wards=[abbey])
    factories.award(made, group)
    few = statement_count(officer_client, URL)
    for _ in range(4):
        factories.award(made, group, wards=[abbey])

    assert statement_count(officer_client, URL) == few
