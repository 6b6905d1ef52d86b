"""The finance report page, its CSV files and its spreadsheet: officers and finance read the same figures in all
three, filter them by fund, round and financial year, and a bad filter is explained, never a server error."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from grantsfund.agreements.models import AgreementStatus
from grantsfund.common.dates import london_today
from grantsfund.payments.models import InstalmentStatus
from grantsfund.reporting.finance import financial_year
from grantsfund.reporting.tables import PERCENT_FORMAT, POUNDS_FORMAT
from tests.conftest import error_messages, page
from tests.queries import counted_statements, statement_count
from tests.reporting.test_finance import agreement, approval, clawback, instalment, setting

URL = "/reports/finance"
YEAR = {"year": 2026}  # April 2026 to March 2027


@pytest.fixture
def money(make_user):
    """Round 1 of the first fund (£50,000 budget): an award of £1,000 waiting for its agreement, and a grant of
    £3,000 in force (£1,000 paid in May 2026, £1,000 held and due in August, £1,000 due in January 2027). The
    second fund's round (£20,000): a grant of £3,000 ended early after £1,000 was paid in April 2026, with £500 to
    be paid back and £100 repaid. The first fund's Round 2 (£30,000) has nothing yet."""
    where = setting(make_user)
    first, _, other = where.rounds
    approval(where, first, 100_000)
    running = agreement(where, first, 300_000, AgreementStatus.ACCEPTED)
    instalment(running, 100_000, InstalmentStatus.PAID, due_on=date(2026, 5, 1), paid_on=date(2026, 5, 12))
    instalment(running, 100_000, InstalmentStatus.HELD, due_on=date(2026, 8, 1))
    instalment(running, 100_000, due_on=date(2027, 1, 4))
    ended = agreement(where, other, 300_000, AgreementStatus.TERMINATED)
    instalment(ended, 100_000, InstalmentStatus.PAID, due_on=date(2026, 4, 1))
    instalment(ended, 200_000, InstalmentStatus.CANCELLED, due_on=date(2026, 10, 1))
    clawback(ended, 50_000, 10_000)
    return where


def table(response, slug):
    """A report table's body rows, as the text of their cells (the row's heading first)."""
    found = page(response).select_one(f"table#table-{slug}")
    assert found is not None, slug
    return [[cell.get_text(" ", strip=True) for cell in row.select("th, td")] for row in found.select("tbody tr")]


def headline(response):
    return [item.get_text(" ", strip=True) for item in page(response).select("#headline li")]


def names(money_):
    first_fund, second_fund = (fund.name for fund in money_.funds)
    return f"{first_fund}: Round 1", f"{first_fund}: Round 2", f"{second_fund}: Round 1"


@pytest.mark.parametrize("role", ["officer_client", "finance_client"])
def test_officers_and_finance_see_where_the_money_stands(role, client_for, money):
    response = client_for(role).get(URL, query_string=YEAR)

    assert response.status_code == 200
    html = page(response)
    assert html.select_one("h1").get_text(strip=True) == "Finance report"
    assert html.select_one(".govuk-caption-l").get_text(strip=True) == "Financial year 2026 to 2027"
    assert html.select_one("#how-counted summary").get_text(strip=True) == "How these figures are counted"
    assert headline(response)[:6] == [
        "£100,000.00 budget",
        "£5,000.00 committed (5.0% of the budget)",
        "£2,000.00 paid",
        "£3,000.00 still to pay (£1,000.00 of it held)",
        "£95,000.00 of the budget not yet committed",
        "£2,000.00 paid in 2026 to 2027",
    ]
    first, second, other = names(money)
    assert table(response, "by-round") == [
        [second, "£30,000.00", "£0.00", "0.0%", "£0.00", "£0.00", "£0.00", "£30,000.00"],
        [first, "£50,000.00", "£4,000.00", "8.0%", "£1,000.00", "£1,000.00", "£3,000.00", "£46,000.00"],
        [other, "£20,000.00", "£1,000.00", "5.0%", "£1,000.00", "£0.00", "£0.00", "£19,000.00"],
        ["All rounds", "£100,000.00", "£5,000.00", "5.0%", "£2,000.00", "£1,000.00", "£3,000.00", "£95,000.00"],
    ]
    assert [row[0] for row in table(response, "by-fund")] == [fund.name for fund in money.funds] + ["All funds"]
    assert table(response, "by-state") == [
        ["Approved, agreement not yet accepted", "1", "£1,000.00", "£1,000.00", "£0.00", "£1,000.00", "£0.00"],
        ["In force", "1", "£3,000.00", "£3,000.00", "£1,000.00", "£2,000.00", "£0.00"],
        ["Ended early (terminated)", "1", "£3,000.00", "£1,000.00", "£1,000.00", "£0.00", "£2,000.00"],
        ["All grants", "3", "£7,000.00", "£5,000.00", "£2,000.00", "£3,000.00", "£2,000.00"],
    ]
    assert table(response, "clawback") == [
        [other, "1", "£500.00", "£100.00", "£0.00", "£400.00"],
        ["All rounds", "1", "£500.00", "£100.00", "£0.00", "£400.00"],
    ]
    months = {row[0]: row[1:] for row in table(response, "by-month")}
    assert list(months)[0] == "April 2026"
    assert list(months)[-1] == "Total, 2026 to 2027"
    assert months["April 2026"] == ["£1,000.00", "£0.00", "£0.00", "£1,000.00"]
    assert months["May 2026"] == ["£1,000.00", "£0.00", "£0.00", "£1,000.00"]
    assert months["August 2026"] == ["£0.00", "£0.00", "£1,000.00", "£1,000.00"]
    assert months["January 2027"] == ["£0.00", "£1,000.00", "£0.00", "£1,000.00"]
    assert months["October 2026"] == ["£0.00", "£0.00", "£0.00", "£0.00"]  # the cancelled instalment
    assert months["Total, 2026 to 2027"] == ["£2,000.00", "£1,000.00", "£1,000.00", "£4,000.00"]
    # Numbers line up on the right, and every table says what it is and offers its CSV file.
    for found in html.select("table.govuk-table"):
        assert found.select_one("caption").get_text(strip=True)
        assert found.select("td.govuk-table__cell--numeric")
        link = found.find_next("a", string=re.compile(r"\(CSV\)$"))
        assert link["href"].startswith(f"{URL}/{found['id'].removeprefix('table-')}.csv?")


def test_each_chart_is_hidden_from_screen_readers_and_followed_by_its_table(officer_client, money):
    response = officer_client.get(URL, query_string=YEAR)

    charts = page(response).select("figure.app-chart")
    assert len(charts) == 2
    assert all(chart["aria-hidden"] == "true" for chart in charts)
    assert [chart.find_next("table")["id"] for chart in charts] == ["table-by-round", "table-by-month"]
    first, _, _ = names(money)
    rows = {
        row.select_one(".app-chart__label").get_text(strip=True): row for row in charts[0].select(".app-chart__row")
    }
    # Round 1 committed £4,000 of which £1,000 paid: the paid bar is a quarter as long as the committed box.
    assert rows[first].select_one(".app-chart__value").get_text(strip=True) == "£4,000.00 committed, £1,000.00 paid"
    assert rows[first].select_one("rect.app-chart__outline")["width"] == "100.0%"
    assert rows[first].select_one("rect.app-chart__bar")["width"] == "25.0%"
    months = [row.select_one(".app-chart__label").get_text(strip=True) for row in charts[1].select(".app-chart__row")]
    assert months[0] == "April 2026"
    assert len(months) == 12


def test_the_payments_dashboard_link_is_for_finance_who_use_it(officer_client, finance_client, money):
    def links(client):
        return [link.get_text(strip=True) for link in page(client.get(URL)).select("#downloads a")]

    assert "Payments dashboard: what is due, approved and held now" in links(finance_client)
    assert "Repayments on terminated agreements" in links(finance_client)
    assert links(officer_client) == ["Download every table as a spreadsheet (XLSX)"]


def test_filtering_by_fund_round_and_year(officer_client, money):
    first, second, other = names(money)
    by_fund = officer_client.get(URL, query_string={"fund": money.funds[1].id, **YEAR})
    by_round = officer_client.get(URL, query_string={"round": money.rounds[0].id, **YEAR})
    earlier = officer_client.get(URL, query_string={"year": 2025})

    assert [row[0] for row in table(by_fund, "by-round")] == [other, "All rounds"]
    assert headline(by_fund)[1] == "£1,000.00 committed (5.0% of the budget)"
    assert [row[0] for row in table(by_round, "by-round")] == [first, "All rounds"]
    assert "clawback" not in {found["id"].removeprefix("table-") for found in page(by_round).select("table")}
    assert page(by_round).select_one(f"#round option[value='{money.rounds[0].id}']").has_attr("selected")
    assert page(by_round).find("a", string="Clear filters")["href"] == URL
    # Another year changes the months, not where the money stands today.
    assert table(earlier, "by-round") == table(officer_client.get(URL, query_string=YEAR), "by-round")
    assert table(earlier, "by-month")[0][0] == "April 2025"
    assert table(earlier, "by-month")[-1] == ["Total, 2025 to 2026", "£0.00", "£0.00", "£0.00", "£0.00"]
    assert page(earlier).select_one(".govuk-caption-l").get_text(strip=True) == "Financial year 2025 to 2026"
    notes = [note.get_text(strip=True) for note in page(earlier).select("#table-by-month ~ p.govuk-body-s")]
    assert "Not in the table: £2,000.00 due after 31 March 2026 (£1,000.00 of it held)." in notes


def test_the_current_financial_year_is_chosen_until_another_is(officer_client, money):
    current = financial_year(london_today())

    html = page(officer_client.get(URL))

    assert html.select_one("#year option[selected]")["value"] == str(current.first)
    assert html.select_one(".govuk-caption-l").get_text(strip=True) == f"Financial year {current.label}"
    assert html.find("a", string="Clear filters") is None


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"round": "abc"}, "Select a round from the list"),
        ({"fund": "99999"}, "Select a fund from the list"),
        ({"year": "1066"}, "Select a financial year from the list"),
        ({"year": "2026-27"}, "Select a financial year from the list"),
        ({"year": "<script>"}, "Select a financial year from the list"),
    ],
)
def test_a_bad_filter_is_explained_and_every_round_shown(officer_client, money, query, message):
    response = officer_client.get(URL, query_string=query)

    assert response.status_code == 200
    assert error_messages(response) == [message]
    assert page(response).title.get_text(strip=True).startswith("Error: ")
    assert table(response, "by-round")[-1][:3] == ["All rounds", "£100,000.00", "£5,000.00"]


def test_a_round_from_another_fund_is_explained(officer_client, money):
    response = officer_client.get(URL, query_string={"fund": money.funds[1].id, "round": money.rounds[0].id})

    assert error_messages(response) == ["Select a round in the fund you chose, or all rounds"]
    assert page(response).select_one(f"#fund option[value='{money.funds[1].id}']").has_attr("selected")


def test_with_no_rounds_the_page_says_so(officer_client):
    response = officer_client.get(URL)

    assert response.status_code == 200
    assert page(response).select_one("#empty").get_text(strip=True).startswith("No round has opened yet.")
    assert not page(response).select("figure.app-chart, table")


def test_the_reports_page_lists_the_finance_report(officer_client):
    link = page(officer_client.get("/reports")).find("a", string="Finance")
    assert link["href"] == URL


# Downloads --------------------------------------------------------------------------------------------------------


def plain(text: str) -> str:
    """A figure as the page shows it, as a file gives it: '£1,234.50' -> '1234.50', '8.0%' -> '8.0'."""
    return re.sub(r"^(-?)£", r"\1", text).replace(",", "").removesuffix("%") if re.match(r"^-?[£\d]", text) else text


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))


def test_each_tables_csv_has_the_figures_on_the_page(officer_client, money):
    response = officer_client.get(URL, query_string={"fund": money.funds[0].id, **YEAR})
    html = page(response)

    slugs = [found["id"].removeprefix("table-") for found in html.select("table.govuk-table")]
    assert slugs == ["by-round", "by-fund", "by-state", "still-to-pay", "by-month"]
    for slug in slugs:
        link = html.find("a", href=re.compile(rf"^{URL}/{slug}\.csv\?"))
        download = officer_client.get(link["href"])
        assert download.status_code == 200
        assert download.mimetype == "text/csv"
        assert re.fullmatch(
            rf'attachment; filename="finance-{slug}-2026-2027-\d{{4}}-\d{{2}}-\d{{2}}\.csv"',
            download.headers["Content-Disposition"],
        )
        rows = csv_rows(download)
        headings = [cell.get_text(strip=True) for cell in html.select(f"table#table-{slug} thead th")]
        assert rows[0] == headings
        assert rows[1:] == [[plain(cell) for cell in row] for row in table(response, slug)]


def test_the_clawback_csv_is_there_even_when_nothing_is_to_be_paid_back(officer_client, money):
    rows = csv_rows(officer_client.get(f"{URL}/clawback.csv", query_string={"round": money.rounds[0].id}))
    assert rows == [["Round", "Grants ended early", "To be paid back", "Repaid", "Written off", "Outstanding"]]


def xlsx_figure(value, number_format) -> str:
    if number_format == POUNDS_FORMAT:
        return f"{value:.2f}"
    if number_format == PERCENT_FORMAT:
        return f"{Decimal(value) * 100:.1f}"
    return "" if value is None else str(value)


def test_the_spreadsheet_has_every_table_on_the_page_as_a_sheet(officer_client, money):
    response = officer_client.get(URL, query_string=YEAR)
    link = page(response).find("a", string="Download every table as a spreadsheet (XLSX)")
    assert link["href"] == f"{URL}.xlsx?year=2026"

    with officer_client.get(link["href"]) as download:
        assert download.status_code == 200
        assert download.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        assert re.fullmatch(
            r"attachment; filename=\"finance-report-2026-2027-\d{4}-\d{2}-\d{2}\.xlsx\"",
            download.headers["Content-Disposition"],
        )
        workbook = load_workbook(io.BytesIO(download.get_data()))

    captions = [caption.get_text(strip=True) for caption in page(response).select("table caption")]
    assert workbook.sheetnames == captions
    slugs = [found["id"].removeprefix("table-") for found in page(response).select("table.govuk-table")]
    for sheet_name, slug in zip(workbook.sheetnames, slugs, strict=True):
        sheet = workbook[sheet_name]
        on_page = table(response, slug)
        cells = list(sheet.iter_rows())
        rows = [[xlsx_figure(cell.value, cell.number_format) for cell in row] for row in cells[1 : 1 + len(on_page)]]
        assert rows == [[plain(cell) for cell in row] for row in on_page], slug
    money_cell = workbook[captions[0]]["C3"]
    assert (money_cell.value, money_cell.number_format) == (4000, POUNDS_FORMAT)  # a number, not text


def test_a_download_with_a_bad_filter_goes_back_to_the_page_with_the_filter_kept(officer_client, money):
    for url in (f"{URL}/by-round.csv", f"{URL}.xlsx"):
        refused = officer_client.get(url, query_string={"year": "abc"})
        assert refused.status_code == 302
        assert refused.headers["Location"] == f"{URL}?year=abc"


def test_downloads_follow_the_filters(officer_client, money):
    rows = csv_rows(officer_client.get(f"{URL}/by-round.csv", query_string={"round": money.rounds[2].id}))
    assert [row[0] for row in rows[1:]] == [names(money)[2], "All rounds"]


# Statements -------------------------------------------------------------------------------------------------------


def test_the_page_and_downloads_run_the_same_statements_however_many_grants(officer_client, money):
    where = money
    urls = [f"{URL}?year=2026", f"{URL}/by-month.csv?year=2026&fund={where.funds[0].id}"]
    counts = []
    for more in (0, 5):
        for number in range(more):
            round_ = where.rounds[number % 3]
            approval(where, round_, 10_000)
            grant = agreement(where, round_, 30_000, AgreementStatus.ACCEPTED)
            instalment(grant, 10_000, InstalmentStatus.PAID, due_on=date(2026, 4 + number, 1))
            instalment(grant, 20_000, InstalmentStatus.HELD, due_on=date(2027, 1, 1))
            ended = agreement(where, round_, 30_000, AgreementStatus.TERMINATED)
            instalment(ended, 10_000, InstalmentStatus.PAID)
            clawback(ended, 5_000)
        counts.append([*(statement_count(officer_client, url) for url in urls), _workbook_statements(officer_client)])
    assert counts[0] == counts[1]


def _workbook_statements(client) -> int:
    with counted_statements() as statements, client.get(f"{URL}.xlsx?year=2026") as response:
        assert response.status_code == 200
        response.get_data()
    return len(statements)


def test_the_demo_data_reads_as_a_report_whose_totals_agree(app, finance_client):
    seeded = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert seeded.exit_code == 0, seeded.output

    response = finance_client.get(URL)

    assert response.status_code == 200
    by_round, by_fund = table(response, "by-round")[-1], table(response, "by-fund")[-1]
    assert by_round[1:] == by_fund[1:]
    committed, paid, to_pay = (int(plain(by_round[index]).replace(".", "")) for index in (2, 4, 6))
    assert committed > 0
    assert committed == paid + to_pay
    assert table(response, "by-state")[-1][3] == by_round[2]
