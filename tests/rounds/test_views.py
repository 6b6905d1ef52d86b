"""The funds and rounds pages over HTTP, with CSRF on, as officers and the public use them."""

from datetime import UTC, datetime, timedelta

import pytest

from grantsfund.rounds import queries
from grantsfund.rounds.models import RoundStatus
from tests.conftest import error_messages, page
from tests.queries import counted_statements
from tests.rounds.factories import make_fund, make_round

DETAILS = {
    "name": "Communities Fund 2026/27",
    "description": "What we fund.\n\nHow to apply.",
    "opens_date": ["1", "4", "2026"],
    "opens_time": "9am",
    "closes_date": ["5", "6", "2026"],
    "closes_time": "11:45pm",
    "budget": "300,000",
    "minimum_grant": "1,000",
    "maximum_grant": "£25,000",
    "assessors_per_bid": "2",
    "moderation_spread": "2",
    "essential_threshold": "2",
    "panel_date": ["", "", ""],
}


def flash_text(response):
    return " ".join(b.get_text(" ", strip=True) for b in page(response).select(".govuk-notification-banner"))


class TestSettingUpARound:
    def test_an_officer_creates_a_fund_and_a_round_and_sets_its_dates_in_uk_time(self, officer_client):
        created = officer_client.submit("/funds/new", {"name": "Communities Fund", "description": "Grants"})
        assert created.status_code == 302
        fund_page = officer_client.get(created.headers["Location"])
        assert page(fund_page).h1.get_text(strip=True) == "Communities Fund"

        fund_id = int(created.headers["Location"].rsplit("/", 1)[1])
        new_round = officer_client.submit(f"/funds/{fund_id}/rounds/new", {"name": "2026/27", "description": ""})
        assert new_round.status_code == 302
        round_url = new_round.headers["Location"]
        round_id = int(round_url.rsplit("/", 1)[1])

        saved = officer_client.submit(f"{round_url}/details", DETAILS)
        assert saved.status_code == 302, error_messages(saved)
        round_ = queries.get_round(round_id)
        assert round_.closes_at == datetime(2026, 6, 5, 22, 45, tzinfo=UTC)  # 23:45 BST
        assert round_.opens_at == datetime(2026, 4, 1, 8, 0, tzinfo=UTC)  # 9am BST
        assert (round_.budget_pence, round_.minimum_grant_pence, round_.maximum_grant_pence) == (
            30_000_000,
            100_000,
            2_500_000,
        )
        shown = page(officer_client.get(round_url)).select_one(".govuk-summary-list").get_text(" ", strip=True)
        assert "5 June 2026 at 11:45pm" in shown
        assert "£300,000.00" in shown

        again = page(officer_client.get(f"{round_url}/details"))
        assert again.select_one("#closes_time")["value"] == "11:45pm"
        assert again.select_one("#closes_date-day")["value"] == "05"
        assert again.select_one("#budget")["value"] == "300000.00"

    def test_mistakes_are_summarised_and_the_input_is_kept(self, officer_client, actor, fund):
        round_ = make_round(actor, fund, with_details=False)
        response = officer_client.submit(
            f"/funds/rounds/{round_.id}/details",
            {
                **DETAILS,
                "opens_date": ["31", "2", "2026"],
                "opens_time": "9",
                "closes_date": ["5", "", "2026"],
                "budget": "lots",
                "assessors_per_bid": "9",
            },
        )
        assert response.status_code == 200
        assert error_messages(response) == [
            "Date the round opens must be a real date",
            "Enter a time, like 9am, 5:30pm or 17:30",
            "Date the round closes must include a month",
            "Enter an amount in pounds and pence, like 1,234.50",
            "Enter the number of assessors for each bid between 1 and 5",
        ]
        kept = page(response)
        assert kept.select_one("#opens_date-day")["value"] == "31"
        assert kept.select_one("#budget")["value"] == "lots"
        assert kept.select_one("#opens_time")["value"] == "9"

    def test_missing_fields_and_service_refusals_are_shown_on_the_page(self, officer_client, actor, fund):
        round_ = make_round(actor, fund, with_details=False)
        bare = officer_client.submit(f"/funds/rounds/{round_.id}/details", {})
        assert bare.status_code == 200
        assert "Enter the date the round opens" in error_messages(bare)
        refused = officer_client.submit(f"/funds/rounds/{round_.id}/details", {**DETAILS, "minimum_grant": "30,000"})
        assert error_messages(refused) == ["The minimum grant must be the same as or less than the maximum grant"]

    def test_a_time_that_does_not_exist_in_the_uk_is_refused(self, officer_client, actor, fund):
        round_ = make_round(actor, fund, with_details=False)
        response = officer_client.submit(
            f"/funds/rounds/{round_.id}/details", {**DETAILS, "opens_date": ["29", "3", "2026"], "opens_time": "1:30am"}
        )
        assert error_messages(response) == [
            "1:30am does not exist on 29 March 2026 because the clocks go forward. Enter a time before 1am or from 2am"
        ]

    def test_themes_questions_criteria_scale_and_indicators(self, officer_client, actor, fund):
        round_ = make_round(actor, fund)
        base = f"/funds/rounds/{round_.id}"
        theme = round_.themes[1]
        themes = officer_client.submit(f"{base}/themes", {"themes": [str(theme.id)], "legal_forms": ["cio", "cic"]})
        assert themes.status_code == 302
        none = officer_client.submit(f"{base}/themes", {"legal_forms": ["made-up"]})
        assert error_messages(none) == ["Select at least one theme", "Select kinds of organisation from the list"]

        added = officer_client.submit(
            f"{base}/questions/new",
            {"text": "Is your group based in the borough?", "qualifying_answer": "yes", "explanation": "Local only."},
        )
        assert added.status_code == 302
        listed = page(officer_client.get(f"{base}/questions"))
        assert "Is your group based in the borough?" in listed.get_text()
        blank = officer_client.submit(f"{base}/questions/new", {"qualifying_answer": "maybe"})
        assert error_messages(blank) == [
            "Enter the question",
            "Select the answer that means the group can apply",
            "Enter what to tell a group that cannot apply",
        ]

        criterion = round_.criteria[0]
        weight = officer_client.submit(
            f"{base}/criteria/{criterion.id}",
            {"name": "Mixing", "guidance": "g", "weight": "0", "essential": "yes"}
            | {f"descriptor_{n}": f"d{n}" for n in range(6)},
        )
        assert error_messages(weight) == ["Enter the weight between 1 and 100"]
        saved = officer_client.submit(
            f"{base}/criteria/{criterion.id}",
            {"name": "Mixing", "guidance": "g", "weight": "4", "essential": "no"}
            | {f"descriptor_{n}": f"d{n}" for n in range(6)},
        )
        assert saved.status_code == 302
        assert (criterion.name, criterion.weight, criterion.essential) == ("Mixing", 4, False)

        scale = officer_client.submit(f"{base}/scale", {f"label_{n}": f"L{n}" for n in range(6)})
        assert scale.status_code == 302
        assert round_.score_labels == [f"L{n}" for n in range(6)]

        indicator = round_.indicators[0]
        kept = officer_client.submit(f"{base}/indicators", {"indicators": [str(indicator.id)]})
        assert kept.status_code == 302
        assert round_.indicators == [indicator]


class TestLifecycle:
    def test_opening_publishes_the_round_and_locks_its_criteria(self, officer_client, anonymous_client, actor, fund):
        round_ = make_round(actor, fund)
        assert anonymous_client.get(f"/funding/{round_.id}").status_code == 404
        opened = officer_client.submit(f"/funds/rounds/{round_.id}/open", follow_redirects=True)
        assert "is open" in flash_text(opened)
        assert round_.status is RoundStatus.OPEN

        public = anonymous_client.get(f"/funding/{round_.id}")
        assert public.status_code == 200
        text = page(public).get_text(" ", strip=True)
        assert round_.name in text
        assert "Brings people together" in text
        listing = page(anonymous_client.get("/funding")).get_text(" ", strip=True)
        assert round_.name in listing

        criterion = round_.criteria[0]
        refused = officer_client.submit(
            f"/funds/rounds/{round_.id}/criteria/{criterion.id}",
            {"name": "Changed", "guidance": "g", "weight": "9", "essential": "no"}
            | {f"descriptor_{n}": f"d{n}" for n in range(6)},
        )
        assert error_messages(refused) == [
            "You cannot change the criteria or their weights while the round is open: "
            "groups may already have started bids against them"
        ]
        assert criterion.weight != 9
        earlier = officer_client.submit(
            f"/funds/rounds/{round_.id}/details",
            {**DETAILS, "name": round_.name, "opens_date": [], "closes_date": []},
        )
        assert earlier.status_code == 200
        listed = page(officer_client.get(f"/funds/rounds/{round_.id}/criteria"))
        assert "This round is open, so its criteria" in listed.get_text()

    def test_a_round_that_is_not_ready_says_what_to_fix(self, officer_client, actor, fund):
        round_ = make_round(actor, fund, with_details=False)
        response = officer_client.submit(f"/funds/rounds/{round_.id}/open", follow_redirects=True)
        assert "cannot open yet" in flash_text(response)
        problems = [li.get_text(strip=True) for li in page(response).select("#problems li")]
        assert problems == ["Enter the opening and closing dates", "Enter the budget and the minimum and maximum grant"]
        assert round_.status is RoundStatus.DRAFT

    def test_closing_early_is_refused_with_a_reason(self, officer_client, actor, fund):
        round_ = make_round(actor, fund, status=RoundStatus.OPEN)
        response = officer_client.submit(f"/funds/rounds/{round_.id}/close", follow_redirects=True)
        assert "You cannot close the round before its closing time" in flash_text(response)
        assert round_.status is RoundStatus.OPEN

    @pytest.mark.parametrize("status", [RoundStatus.DRAFT, RoundStatus.CLOSED, RoundStatus.DECIDED])
    def test_rounds_that_are_not_open_are_not_public(self, status, anonymous_client, applicant_client, actor, fund):
        round_ = make_round(actor, fund, status=status)
        for client in (anonymous_client, applicant_client):
            assert client.get(f"/funding/{round_.id}").status_code == 404
            assert round_.name not in page(client.get("/funding")).get_text()

    def test_an_open_round_past_its_closing_time_is_not_public(self, anonymous_client, actor, fund):
        round_ = make_round(actor, fund, status=RoundStatus.OPEN, now=datetime.now(UTC) - timedelta(days=60))
        assert anonymous_client.get(f"/funding/{round_.id}").status_code == 404


def test_copying_a_round_from_the_fund_page(officer_client, actor, fund):
    source = make_round(actor, fund, status=RoundStatus.OPEN)
    response = officer_client.submit(
        f"/funds/{fund.id}/rounds/copy", {"source": str(source.id), "name": "Communities Fund 2027/28"}
    )
    assert response.status_code == 302
    copy = queries.get_round(int(response.headers["Location"].rsplit("/", 1)[1]))
    assert (copy.status, copy.opens_at, copy.copied_from_id) == (RoundStatus.DRAFT, None, source.id)
    other_fund = make_fund(actor, name="Another Fund")
    other = make_round(actor, other_fund, name="Elsewhere")
    stranger = officer_client.submit(f"/funds/{fund.id}/rounds/copy", {"source": str(other.id), "name": "X"})
    assert error_messages(stranger) == ["Select the round to copy"]


def test_the_indicator_library_can_be_added_to(officer_client, fund):
    response = officer_client.submit(
        "/funds/indicators/new",
        {"heading": "Social Connections", "domain": "Social Bridges", "measure": "Shared meals held", "unit": "count"},
    )
    assert response.status_code == 302
    listed = page(officer_client.get("/funds/indicators")).get_text()
    assert "Shared meals held" in listed
    duplicate = officer_client.submit(
        "/funds/indicators/new",
        {"heading": "Social Connections", "domain": "Social Bridges", "measure": "Shared meals held", "unit": "count"},
    )
    assert error_messages(duplicate) == ["The library already has this measure in this domain"]


class TestThemes:
    def test_an_officer_adds_and_changes_a_theme_from_the_funds_page(self, officer_client, actor, fund):
        round_ = make_round(actor, fund, status=RoundStatus.OPEN)
        funds = page(officer_client.get("/funds"))
        assert funds.find("a", string="Themes")["href"] == "/funds/themes"
        listed = page(officer_client.get("/funds/themes"))
        assert "cannot be removed" in listed.get_text()
        rows = [[cell.get_text(" ", strip=True) for cell in tr.select("td")] for tr in listed.select("tbody tr")]
        assert [row[0] for row in rows][:2] == ["Increasing economic opportunity", "Bringing communities together"]
        assert {row[2] for row in rows} == {"1"}  # every theme offered by the one round
        button = listed.select_one("a.govuk-button")
        assert (button.get_text(strip=True), button["href"]) == ("Add a theme", "/funds/themes/new")

        added = officer_client.submit(
            "/funds/themes/new", {"name": "Older people", "description": "Later life, together.", "position": ""}
        )
        assert added.status_code == 302
        assert added.headers["Location"] == "/funds/themes"
        shown = officer_client.get("/funds/themes")
        assert "Older people added to the themes." in flash_text(shown)
        rows = [[cell.get_text(" ", strip=True) for cell in tr.select("td")] for tr in page(shown).select("tbody tr")]
        assert rows[-1][:3] == ["Older people", "Later life, together.", "0"]

        theme = round_.themes[0]
        edit_url = f"/funds/themes/{theme.id}/edit"
        assert edit_url in [a["href"] for a in page(shown).find_all("a", href=True)]
        form = page(officer_client.get(edit_url))
        assert form.select_one("#name")["value"] == theme.name
        assert form.select_one("#position")["value"] == "0"
        saved = officer_client.submit(
            edit_url, {"name": "Work and enterprise", "description": "Jobs, skills and business.", "position": "9"}
        )
        assert saved.status_code == 302
        assert (theme.name, theme.description, theme.position) == (
            "Work and enterprise",
            "Jobs, skills and business.",
            9,
        )
        public = page(officer_client.get(f"/funding/{round_.id}")).get_text(" ", strip=True)
        assert "Work and enterprise" in public

    def test_mistakes_are_summarised_and_the_input_is_kept(self, officer_client, fund):
        blank = officer_client.submit("/funds/themes/new", {"name": "", "description": "", "position": "first"})
        assert blank.status_code == 200
        assert error_messages(blank) == [
            "Enter the name of the theme",
            "Enter a description of the theme",
            "Enter the position as a whole number, like 1",
        ]
        assert page(blank).select_one("#position")["value"] == "first"

        spaces = officer_client.submit("/funds/themes/new", {"name": "   ", "description": "d"})
        assert error_messages(spaces) == ["Enter the name of the theme"]

        long = officer_client.submit("/funds/themes/new", {"name": "x" * 201, "description": "y" * 1001})
        assert error_messages(long) == [
            "Name must be 200 characters or fewer",
            "Description must be 1,000 characters or fewer",
        ]

        duplicate = officer_client.submit(
            "/funds/themes/new", {"name": "young people", "description": "Kept description", "position": "2"}
        )
        assert error_messages(duplicate) == ["There is already a theme called Young people"]
        kept = page(duplicate)
        assert kept.select_one("#name")["value"] == "young people"
        assert kept.select_one("#description").get_text() == "Kept description"
        assert kept.select_one("#position")["value"] == "2"

    def test_renaming_onto_another_theme_is_refused_and_the_theme_is_unchanged(self, officer_client, actor, fund):
        round_ = make_round(actor, fund)
        theme = round_.themes[0]
        refused = officer_client.submit(
            f"/funds/themes/{theme.id}/edit", {"name": "YOUNG PEOPLE", "description": "d", "position": ""}
        )
        assert error_messages(refused) == ["There is already a theme called Young people"]
        assert page(refused).select_one("#name")["value"] == "YOUNG PEOPLE"
        assert theme.name == "Increasing economic opportunity"

    def test_an_unknown_theme_is_not_found(self, officer_client, fund):
        assert officer_client.get("/funds/themes/999999/edit").status_code == 404

    def test_the_round_themes_page_links_to_the_themes(self, officer_client, actor, fund):
        round_ = make_round(actor, fund)
        links = [a["href"] for a in page(officer_client.get(f"/funds/rounds/{round_.id}/themes")).select("main a")]
        assert "/funds/themes" in links


def test_navigation_shows_funding_to_everyone_and_funds_to_officers(anonymous_client, officer_client, applicant_client):
    def nav(client):
        return [a.get_text(strip=True) for a in page(client.get("/")).select(".govuk-service-navigation__link")]

    assert "Funding available" in nav(anonymous_client)
    assert "Funds" in nav(officer_client)
    assert "Funds" not in nav(applicant_client)


@pytest.mark.parametrize(
    ("client_name", "url"),
    [
        ("anonymous_client", "/funding"),
        ("anonymous_client", "/funding/{open}"),
        ("officer_client", "/funds"),
        ("officer_client", "/funds/themes"),
        ("officer_client", "/funds/{fund}"),
        ("officer_client", "/funds/rounds/{open}"),
        ("officer_client", "/funds/rounds/{open}/criteria"),
        ("officer_client", "/funds/rounds/{open}/questions"),
    ],
)
def test_pages_run_the_same_number_of_queries_however_many_rounds(client_name, url, client_for, actor, fund):
    client = client_for(client_name)
    first = make_round(actor, fund, name="Round 1", status=RoundStatus.OPEN)
    target = url.format(open=first.id, fund=fund.id)
    client.get(target)  # warm up: the signed-in user, the session
    with counted_statements() as few:
        assert client.get(target).status_code == 200
    for number in range(2, 6):
        make_round(actor, fund, name=f"Round {number}", status=RoundStatus.OPEN)
    make_fund(actor, name="Second Fund")
    with counted_statements() as many:
        assert client.get(target).status_code == 200
    assert len(many) == len(few), many
