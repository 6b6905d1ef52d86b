"""The outcomes portfolio page and its CSV: officers and finance see the figures as charts with a table beside each,
filter them, and download them; a bad filter is explained, never a server error."""

from __future__ import annotations

import csv
import io

import pytest

from grantsfund.monitoring.models import ReturnStatus
from tests.conftest import error_messages, page
from tests.queries import statement_count
from tests.reporting import factories
from tests.reporting.factories import TargetSpec

URL = "/reports/portfolio"


@pytest.fixture
def grants(world, library):
    """Two grants in different funds: one in Abbey on "Young people" with a count and a percentage target and two
    accepted returns (and one waiting for review), one in Castle Hill on "English language" with a count target
    and nothing accepted yet."""
    abbey, castle = factories.ward("Abbey"), factories.ward("Castle Hill")
    young, english = factories.theme("Young people"), factories.theme("English language")
    work, friends, sessions = library["work"], library["friends"], library["sessions"]
    first = factories.grant(
        world,
        [TargetSpec(work, 80, "people"), TargetSpec(friends, 60, "percent")],
        amount_pence=1_200_000,
        themes=[young],
        wards=[abbey],
    )
    factories.monitoring_return(first, 1, actuals={work.id: 30, friends.id: 50}, reached=[("newcomers", abbey, 20)])
    factories.monitoring_return(first, 2, actuals={work.id: 70, friends.id: 65}, reached=[("older_people", abbey, 7)])
    factories.monitoring_return(first, 3, status=ReturnStatus.SUBMITTED, actuals={work.id: 1000})
    factories.instalment(first, 600_000)
    other_round = factories.round_in(factories.fund("Second fund"), name="Round 2026/27")
    second = factories.grant(
        world,
        [TargetSpec(sessions, 40, "sessions")],
        round_=other_round,
        amount_pence=800_000,
        themes=[english],
        wards=[castle],
    )
    return {
        "first": first,
        "second": second,
        "round": other_round,
        "wards": (abbey, castle),
        "themes": (young, english),
    }


def table(response, table_id):
    """A table's body rows, as the text of their cells (the row's heading first)."""
    found = page(response).select_one(f"table#{table_id}")
    assert found is not None, table_id
    return [
        [cell.get_text(" ", strip=True) for cell in row.select("th, td")]
        for row in found.select("tbody tr")
        if not row.select("th[scope=rowgroup]")
    ]


def headline(response):
    return [item.get_text(" ", strip=True) for item in page(response).select("#headline li")]


@pytest.mark.parametrize("role", ["officer_client", "finance_client"])
def test_officers_and_finance_see_the_charts_and_tables(role, client_for, grants):
    response = client_for(role).get(URL)

    assert response.status_code == 200
    html = page(response)
    assert html.select_one("h1").get_text(strip=True) == "Outcomes portfolio"
    assert headline(response) == [
        "2 grants",
        "£20,000.00 awarded",
        "£6,000.00 paid",
        "27 people reached",
        "2 monitoring returns accepted",
        "2 of 2 targets with figures met so far (3 targets in all)",
    ]
    charts = html.select("figure.app-chart")
    assert len(charts) == 3
    assert all(chart["aria-hidden"] == "true" for chart in charts)
    # Each chart is followed by a table with the same figures.
    for chart, table_id in zip(charts, ["by-domain", "by-indicator", "by-theme"], strict=True):
        assert chart.find_next("table")["id"] == table_id
    assert table(response, "by-domain") == [
        ["Work", "1", "80", "100", "125%", "", "", "No percentage targets"],
        ["Social Bridges", "2", "40", "0", "0%", "1", "60%", "65%"],
    ]
    assert table(response, "by-indicator") == [
        ["Participants moving into paid work or volunteering", "Work", "people", "1", "80", "100", "125%"],
        [
            "Participants reporting friends from different backgrounds",
            "Social Bridges",
            "Percentage (average of 1 grant reporting)",
            "1",
            "60%",
            "65%",
            "",
        ],
        ["Mixed-background sessions or events held", "Social Bridges", "sessions", "1", "40", "0", "0%"],
    ]
    young, english = grants["themes"]
    assert table(response, "by-theme") == [
        [young.name, "1", "£12,000.00", "£6,000.00", "27"],
        [english.name, "1", "£8,000.00", "£0.00", "0"],
    ]
    assert table(response, "by-ward") == [
        ["Abbey", "1", "£12,000.00", "£6,000.00", "27"],
        ["Castle Hill", "1", "£8,000.00", "£0.00", "0"],
    ]
    assert table(response, "by-community") == [["Newcomers to the area", "1", "20"], ["Older people", "1", "7"]]
    # Numbers line up on the right, and every table says what it is.
    for table_id in ("by-domain", "by-heading", "by-indicator", "by-theme", "by-ward", "by-community"):
        found = html.select_one(f"table#{table_id}")
        assert found.select_one("caption").get_text(strip=True)
        assert found.select("td.govuk-table__cell--numeric")


def test_the_achievement_chart_draws_each_domain_against_a_100_per_cent_line(officer_client, grants):
    chart = page(officer_client.get(URL)).select("figure.app-chart")[0]
    rows = chart.select(".app-chart__row:not(.app-chart__row--axis)")
    assert [row.select_one(".app-chart__label").get_text(strip=True) for row in rows] == ["Work", "Social Bridges"]
    assert [row.select_one(".app-chart__value").get_text(strip=True) for row in rows] == ["125%", "0%"]
    # 125% on a scale to 150%: the bar is five sixths of the way, the 100% line two thirds.
    assert rows[0].select_one("rect.app-chart__bar")["width"] == "83.3%"
    assert {row.select_one("line.app-chart__marker")["x1"] for row in rows} == {"66.6%"}
    assert rows[1].select_one("rect.app-chart__bar") is None


def test_filtering_by_round_shows_only_its_grants(officer_client, grants):
    response = officer_client.get(URL, query_string={"round": grants["round"].id})

    assert headline(response)[:2] == ["1 grant", "£8,000.00 awarded"]
    assert [row[0] for row in table(response, "by-indicator")] == ["Mixed-background sessions or events held"]
    assert page(response).select_one(f"#round option[value='{grants['round'].id}']").has_attr("selected")
    assert page(response).find("a", string="Clear filters")["href"] == URL


def test_filtering_by_ward_theme_and_domain(officer_client, grants):
    abbey, _ = grants["wards"]
    _, english = grants["themes"]
    by_ward = officer_client.get(URL, query_string={"ward": abbey.id})
    by_theme = officer_client.get(URL, query_string={"theme": english.id})
    by_domain = officer_client.get(URL, query_string={"domain": "Social Bridges"})

    assert headline(by_ward)[:2] == ["1 grant", "£12,000.00 awarded"]
    assert headline(by_theme)[:2] == ["1 grant", "£8,000.00 awarded"]
    # Both grants have a Social Bridges target; only those targets are added up.
    assert headline(by_domain)[:2] == ["2 grants", "£20,000.00 awarded"]
    assert [row[0] for row in table(by_domain, "by-domain")] == ["Social Bridges"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"round": "abc"}, "Select a round from the list"),
        ({"fund": "99999"}, "Select a fund from the list"),
        ({"theme": "-1"}, "Select a theme from the list"),
        ({"ward": "1.5"}, "Select a ward from the list"),
        ({"heading": "Nonsense"}, "Select a heading from the list"),
        ({"domain": "<script>"}, "Select a domain from the list"),
        ({"heading": "Foundation", "domain": "Work"}, "Select a domain under the heading you chose, or every domain"),
    ],
)
def test_a_bad_filter_is_explained_and_the_whole_portfolio_shown(officer_client, grants, query, message):
    response = officer_client.get(URL, query_string=query)

    assert response.status_code == 200
    assert error_messages(response) == [message]
    assert page(response).title.get_text(strip=True).startswith("Error: ")
    assert headline(response)[0] == "2 grants"


def test_a_round_from_another_fund_is_explained(officer_client, grants, world):
    response = officer_client.get(URL, query_string={"fund": grants["round"].fund_id, "round": world.round.id})
    assert error_messages(response) == ["Select a round in the fund you chose, or all rounds"]


def test_with_no_grants_the_page_says_so(officer_client, world):
    response = officer_client.get(URL)

    assert response.status_code == 200
    assert "There are no grants yet" in page(response).select_one("#empty").get_text()
    assert not page(response).select("figure.app-chart")


def test_with_no_grants_matching_the_filters_the_page_says_so(officer_client, grants, library):
    _, castle = grants["wards"]
    response = officer_client.get(URL, query_string={"ward": castle.id, "heading": "Markers and Means"})
    assert page(response).select_one("#empty").get_text(strip=True).startswith("No grants match these filters.")


def test_before_any_return_is_accepted_the_page_says_there_are_no_figures(officer_client, world, library):
    factories.grant(world, [TargetSpec(library["work"], 80, "people")])

    response = officer_client.get(URL)

    assert "No monitoring returns have been accepted yet" in page(response).select_one("#not-reported").get_text()
    assert table(response, "by-indicator")[0][3:] == ["1", "80", "0", "0%"]


def test_the_page_runs_the_same_statements_for_two_grants_or_six(officer_client, world, library):
    ward = factories.ward("Abbey")
    counts = []
    for more in (2, 4):
        for _ in range(more):
            grant = factories.grant(world, [TargetSpec(library["work"], 10, "people")], wards=[ward])
            factories.instalment(grant, 500)
            for period in (1, 2, 3):
                factories.monitoring_return(
                    grant, period, actuals={library["work"].id: 2}, reached=[("other", ward, 1)]
                )
        counts.append(statement_count(officer_client, URL))
        counts.append(statement_count(officer_client, f"{URL}.csv?ward={ward.id}"))
    assert counts[:2] == counts[2:]


def test_the_csv_has_the_tables(officer_client, grants):
    response = officer_client.get(f"{URL}.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="outcomes-portfolio-')
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))
    assert rows[0][:5] == ["Table", "Heading", "Domain", "Name", "Grants"]
    assert rows[1] == ["All grants", "", "", "All", "2", "", "", "", "", "", "", "20000.00", "6000.00", "27"]
    by_table = {(row[0], row[3]): row for row in rows[2:]}
    assert by_table[("By domain", "Work")][4:8] == ["1", "80", "100", "125"]
    assert by_table[("By domain", "Social Bridges")][4:11] == ["2", "40", "0", "0", "1", "60", "65"]
    assert by_table[("By community", "Newcomers to the area")][-1] == "20"
    assert {len(row) for row in rows} == {14}


def test_the_csv_follows_the_filters_and_sends_a_bad_filter_back_to_the_page(officer_client, grants):
    filtered = officer_client.get(f"{URL}.csv", query_string={"round": grants["round"].id})
    rows = list(csv.reader(io.StringIO(filtered.get_data(as_text=True).removeprefix("\ufeff"))))
    assert rows[1][4] == "1"

    refused = officer_client.get(f"{URL}.csv", query_string={"round": "abc"})
    assert refused.status_code == 302
    assert refused.headers["Location"] == f"{URL}?round=abc"


def test_the_download_link_keeps_the_filters(officer_client, grants):
    response = officer_client.get(URL, query_string={"round": grants["round"].id})
    link = page(response).find("a", string="Download these tables as a spreadsheet (CSV)")
    assert link["href"] == f"{URL}.csv?round={grants['round'].id}"


def test_the_navigation_shows_reports_to_officers_and_finance_only(officer_client, finance_client, applicant_client):
    def navigation(client):
        return [
            link.get_text(strip=True) for link in page(client.get("/account")).select(".govuk-service-navigation a")
        ]

    assert "Reports" in navigation(officer_client)
    assert "Reports" in navigation(finance_client)
    assert "Reports" not in navigation(applicant_client)


def test_the_csv_never_turns_a_name_into_a_formula(officer_client, world):
    factories.grant(world, themes=[factories.theme("=HYPERLINK(evil)")])
    rows = list(csv.reader(io.StringIO(officer_client.get(f"{URL}.csv").get_data(as_text=True))))
    [theme_row] = [row for row in rows if row[0] == "By theme"]
    assert theme_row[3].startswith("'=HYPERLINK(evil)")


def test_a_target_of_zero_is_shown_without_a_percentage(officer_client, world, library):
    grant = factories.grant(world, [TargetSpec(library["work"], 0, "people")])
    factories.monitoring_return(grant, 1, actuals={library["work"].id: 4})

    response = officer_client.get(URL)

    assert response.status_code == 200
    assert table(response, "by-domain") == [["Work", "1", "0", "4", "Target of 0", "", "", "No percentage targets"]]
    chart = page(response).select_one("figure.app-chart")
    assert chart.select_one(".app-chart__row:not(.app-chart__row--axis) .app-chart__value").get_text() == "Target of 0"
