"""The officers' funders directory: listing, adding and changing funders and programmes, checking and closing
them — through HTTP, CSRF on."""

from datetime import date

import pytest

from grantsfund.common.dates import london_today
from grantsfund.extensions import db
from grantsfund.organisations.models import LegalForm, Ward
from grantsfund.signposting.models import Funder, Programme, ProgrammeStatus, Reach
from tests.conftest import error_messages, page
from tests.signposting.factories import listed

LONG_AGO = date(2020, 1, 15)


def rows(response) -> dict[str, str]:
    """The directory table's rows, by programme name: each row's text."""
    table = page(response).select_one("table.app-programmes")
    if table is None:
        return {}
    found = {}
    for row in table.select("tbody tr"):
        programme_link = row.select("td a")[-1] if row.select("td a") else None
        assert programme_link is not None
        found[programme_link.get_text(strip=True)] = " ".join(row.get_text(" ", strip=True).split())
    return found


def field_error(response, field_id: str) -> str:
    message = page(response).select_one(f"#{field_id}-error")
    assert message is not None, f"no error shown on {field_id}"
    return " ".join(message.get_text(" ", strip=True).split())


def programme_form(**overrides) -> dict[str, object]:
    today = london_today()
    values: dict[str, object] = {
        "name": "Awards for All",
        "description": "Small grants for community projects.",
        "status": "rolling",
        "next_deadline": ["", "", ""],
        "min_award": "300",
        "max_award": "20,000",
        "legal_forms": ["registered_charity", "unincorporated_group"],
        "min_income": "",
        "max_income": "250000",
        "themes": "Young people\nSocial bridges",
        "reach": "national",
        "area": "England",
        "contact": "advice@example.org",
        "notes": "Apply online.",
        "source": "Their website",
        "source_url": "https://example.org/awards",
        "last_verified_on": [str(today.day), str(today.month), str(today.year)],
    }
    values.update(overrides)
    return values


@pytest.fixture
def entries(officer):
    """Three programmes: one fresh with a full range, one not checked for years, one closed."""
    return {
        "fresh": listed(
            "Alpha Trust",
            "Young voices",
            actor=officer,
            last_verified_on=london_today(),
            min_award_pence=50_000,
            max_award_pence=1_000_000,
        ),
        "stale": listed("Beta Fund", "Old grants", actor=officer, last_verified_on=LONG_AGO, max_award_pence=500_000),
        "closed": listed(
            "Gamma Foundation",
            "Past programme",
            actor=officer,
            status=ProgrammeStatus.CLOSED,
            last_verified_on=london_today(),
            min_award_pence=100_000,
        ),
    }


# Listing ---------------------------------------------------------------------------------------------------


def test_an_officer_sees_every_programme_with_its_grants_and_whether_it_needs_checking(officer_client, entries):
    response = officer_client.get("/funders")
    assert response.status_code == 200
    html = page(response)
    assert html.select_one("h1").get_text(strip=True) == "Funders directory"
    assert html.select_one("caption").get_text(strip=True) == "3 programmes"
    found = rows(response)
    assert list(found) == ["Young voices", "Old grants", "Past programme"]  # by funder's name
    assert "£500.00 to £10,000.00" in found["Young voices"]
    assert "Up to £5,000.00" in found["Old grants"]
    assert "From £1,000.00" in found["Past programme"]
    assert "National: England" in found["Young voices"]
    assert "15 January 2020 Needs checking" in found["Old grants"]
    assert "Needs checking" not in found["Young voices"]
    closed_tag = html.select_one(f"#programme-{entries['closed'].id} .govuk-tag")
    assert closed_tag.get_text(strip=True) == "Closed"
    assert "govuk-tag--grey" in closed_tag["class"]
    assert html.select_one(f"a[href='/funders/programmes/{entries['fresh'].id}']") is not None
    assert html.select_one("a[href='/signposting']") is not None
    assert html.select_one("a[href='/funders/new']").get_text(strip=True) == "Add a funder"


def test_a_programme_with_no_published_grants_says_so(officer_client, officer):
    listed("Delta Trust", "Anything", actor=officer)
    assert "Not published" in rows(officer_client.get("/funders"))["Anything"]


def test_the_list_filters_by_name_status_and_staleness(officer_client, entries):
    assert list(rows(officer_client.get("/funders?q=alpha"))) == ["Young voices"]
    assert list(rows(officer_client.get("/funders?q=OLD"))) == ["Old grants"]  # a programme's name too
    response = officer_client.get("/funders?status=closed")
    assert list(rows(response)) == ["Past programme"]
    assert page(response).select_one("#status option[selected]")["value"] == "closed"
    response = officer_client.get("/funders?stale=1")
    assert list(rows(response)) == ["Old grants"]
    assert page(response).select_one("caption").get_text(strip=True) == "1 programme"
    assert page(response).select_one("#stale").has_attr("checked")
    response = officer_client.get("/funders?q=alpha&status=closed")
    assert rows(response) == {}
    assert "No programmes match" in page(response).select_one("#no-programmes").get_text()
    assert page(officer_client.get("/funders?q=alpha")).select_one("#q")["value"] == "alpha"  # the search is kept
    assert len(rows(officer_client.get("/funders?status=nonsense"))) == 3  # an unknown status is any


def test_an_empty_directory_says_so(officer_client):
    response = officer_client.get("/funders")
    assert rows(response) == {}
    assert "no funders in the directory yet" in page(response).select_one("#no-programmes").get_text()


# Funders ---------------------------------------------------------------------------------------------------


def test_an_officer_adds_a_funder_and_cannot_add_the_same_one_twice(officer_client, entries):
    assert officer_client.get("/funders/new").status_code == 200
    response = officer_client.submit("/funders/new", {"name": "alpha trust", "website": "https://alpha.example"})
    assert response.status_code == 200
    assert error_messages(response) == ["There is already a funder with this name"]
    assert page(response).select_one(".govuk-error-summary a")["href"] == "#name"
    assert page(response).select_one("#name")["value"] == "alpha trust"  # what was typed is kept
    assert page(response).select_one("#website")["value"] == "https://alpha.example"
    assert page(response).title.get_text(strip=True).startswith("Error: Add a funder")

    response = officer_client.submit(
        "/funders/new",
        {
            "name": "  Omega Community Fund ",
            "website": "https://omega.example",
            "description": "A family trust.\nFounded 1990.",
            "contact": "grants@omega.example",
        },
    )
    assert response.status_code == 302
    funder = db.session.query(Funder).filter_by(name="Omega Community Fund").one()
    assert response.headers["Location"] == f"/funders/{funder.id}"
    shown = page(officer_client.get(response.headers["Location"]))
    assert "Funder added. Now add its programmes." in shown.select_one(".govuk-notification-banner").get_text()
    assert shown.select_one("h1").get_text(strip=True) == "Omega Community Fund"
    assert shown.select_one(".govuk-summary-list a[href='https://omega.example']") is not None
    assert "No programmes yet" in shown.select_one("#no-programmes").get_text()
    assert shown.select_one(f"a[href='/funders/{funder.id}/programmes/new']").get_text(strip=True) == (
        "Add a programme"
    )


def test_an_officer_changes_a_funder(officer_client, entries):
    funder = entries["fresh"].funder
    response = officer_client.get(f"/funders/{funder.id}/edit")
    assert page(response).select_one("h1").get_text(strip=True) == "Change Alpha Trust"
    assert page(response).select_one("#name")["value"] == "Alpha Trust"
    response = officer_client.submit(f"/funders/{funder.id}/edit", {"name": "Beta Fund"})
    assert error_messages(response) == ["There is already a funder with this name"]
    response = officer_client.submit(f"/funders/{funder.id}/edit", {"name": "Alpha Trust", "website": "alpha.example"})
    assert error_messages(response) == ["Enter a web address starting https://, like https://www.example.org"]
    assert page(response).select_one("#website")["value"] == "alpha.example"
    response = officer_client.submit(
        f"/funders/{funder.id}/edit", {"name": "Alpha Trust", "website": "https://alpha.example"}
    )
    assert response.status_code == 302
    assert funder.website == "https://alpha.example"
    shown = page(officer_client.get(f"/funders/{funder.id}"))
    assert shown.select_one(".govuk-summary-list a")["href"] == "https://alpha.example"
    assert list(rows(officer_client.get(f"/funders/{funder.id}"))) == ["Young voices"]


def test_a_script_address_is_never_a_link(officer_client, officer, entries):
    funder = entries["fresh"].funder
    response = officer_client.submit(
        f"/funders/{funder.id}/edit", {"name": "Alpha Trust", "website": "javascript:alert(1)"}
    )
    assert error_messages(response) == ["Enter a web address starting https://, like https://www.example.org"]
    shown = page(officer_client.get(f"/funders/{funder.id}"))
    assert not [a for a in shown.select("a[href]") if a["href"].lower().startswith("javascript")]


# Programmes ------------------------------------------------------------------------------------------------


def test_an_officer_adds_a_programme(officer_client, officer):
    funder = listed("Lottery Fund", "Existing", actor=officer).funder
    url = f"/funders/{funder.id}/programmes/new"
    form = page(officer_client.get(url))
    assert form.select_one("h1").get_text(strip=True) == "Add a programme"
    assert form.select_one(".govuk-caption-l").get_text(strip=True) == "Lottery Fund"
    assert form.select_one("#last_verified_on-day")["value"] == str(london_today().day)  # today, to start with

    response = officer_client.submit(url, programme_form(min_award="ten pounds"))
    assert error_messages(response) == ["Enter an amount in pounds and pence, like 1,234.50"]
    assert page(response).select_one("#min_award")["value"] == "ten pounds"
    assert page(response).select_one("#name")["value"] == "Awards for All"

    response = officer_client.submit(url, programme_form(min_award="30,000"))
    assert error_messages(response) == ["The smallest grant must not be more than the largest"]
    assert field_error(response, "min_award").endswith("The smallest grant must not be more than the largest")
    assert page(response).select_one("#min_award")["value"] == "30,000"

    response = officer_client.submit(url, programme_form(area="Mars"))
    assert error_messages(response) == [
        "Enter a nation or nations: UK, Great Britain, England and Wales, or one nation"
    ]
    assert field_error(response, "area").endswith("one nation")
    assert page(response).select_one("#area")["value"] == "Mars"

    response = officer_client.submit(url, programme_form(name="existing"))
    assert error_messages(response) == ["Lottery Fund already has a programme with this name"]

    response = officer_client.submit(url, programme_form())
    assert response.status_code == 302
    programme = db.session.query(Programme).filter_by(name="Awards for All").one()
    assert response.headers["Location"] == f"/funders/programmes/{programme.id}"
    assert programme.min_award_pence == 30_000
    assert programme.max_award_pence == 2_000_000
    assert programme.themes == ["Young people", "Social bridges"]

    shown = page(officer_client.get(response.headers["Location"]))
    assert "Programme added." in shown.select_one(".govuk-notification-banner").get_text()
    summary = {
        row.select_one("dt").get_text(strip=True): " ".join(row.select_one("dd").get_text(" ", strip=True).split())
        for row in shown.select(".govuk-summary-list__row")
    }
    assert summary["Status"] == "Rolling"
    assert summary["Grants"] == "£300.00 to £20,000.00"
    assert summary["Group’s yearly income"] == "Up to £250,000.00"
    assert summary["Who can apply"] == "Registered charity Unincorporated community group"
    assert summary["Themes"] == "Young people Social bridges"
    assert summary["Where it funds"] == "National: England"
    assert summary["Next deadline"] == "None given"
    assert summary["Where this came from"] == "Their website"
    assert shown.select_one("a[href='https://example.org/awards']").get_text(strip=True) == "Their website"
    assert summary["Last verified"].startswith(f"{london_today().day} ")
    assert "Needs checking" not in summary["Last verified"]
    assert "more than 12 months ago" in summary["Last verified"]


@pytest.fixture
def wards():
    riverside = Ward(name="Riverside", ons_code="E05000001")
    hilltop = Ward(name="Hilltop", ons_code="E05000002")
    db.session.add_all([riverside, hilltop])
    db.session.flush()
    return [riverside, hilltop]


def test_a_local_programme_shows_its_wards(officer_client, officer, wards):
    riverside, hilltop = wards
    funder = listed("Town Trust", "Existing", actor=officer).funder
    url = f"/funders/{funder.id}/programmes/new"
    assert page(officer_client.get(url)).select_one(f"input[name=ward_ids][value='{hilltop.id}']") is not None
    response = officer_client.submit(url, programme_form(reach="local", area="", legal_forms=[]))
    assert response.status_code == 302
    shown = " ".join(page(officer_client.get(response.headers["Location"])).get_text(" ").split())
    assert "Local The whole council area" in shown
    assert "Any kind of group" in shown

    programme = db.session.query(Programme).filter_by(name="Awards for All").one()
    form = programme_form(reach="local", area="", legal_forms=[], ward_ids=[str(riverside.id), str(hilltop.id)])
    response = officer_client.submit(f"/funders/programmes/{programme.id}/edit", form)
    assert response.status_code == 302
    shown = " ".join(page(officer_client.get(f"/funders/programmes/{programme.id}")).get_text(" ").split())
    assert "Wards: Hilltop, Riverside" in shown
    assert "Local (2 wards)" in rows(officer_client.get("/funders?q=town"))["Awards for All"]


def test_a_local_programme_can_be_added_with_its_wards(officer_client, officer, wards):
    funder = listed("Town Trust", "Existing", actor=officer).funder
    form = programme_form(reach="local", area="", ward_ids=[str(ward.id) for ward in wards])
    response = officer_client.submit(f"/funders/{funder.id}/programmes/new", form)
    assert response.status_code == 302
    programme = db.session.query(Programme).filter_by(name="Awards for All").one()
    assert [ward.name for ward in programme.wards] == ["Hilltop", "Riverside"]
    assert programme.area == ""


def test_an_officer_changes_a_programme(officer_client, officer):
    programme = listed(
        "Alpha Trust",
        "Young voices",
        actor=officer,
        min_award_pence=50_000,
        legal_forms=[LegalForm.CIO.value],
        themes=["Sport"],
    )
    url = f"/funders/programmes/{programme.id}/edit"
    form = page(officer_client.get(url))
    assert form.select_one("h1").get_text(strip=True) == "Change Young voices"
    assert form.select_one("#name")["value"] == "Young voices"
    assert form.select_one("#min_award")["value"] == "500.00"
    assert form.select_one("input[name=legal_forms][value=cio]").has_attr("checked")
    assert form.select_one("#themes").get_text() == "Sport"
    assert form.select_one("input[name=status][value=rolling]").has_attr("checked")

    response = officer_client.submit(url, programme_form(name="Young voices", max_award="", min_award="-5"))
    assert error_messages(response) == ["Enter an amount of £0 or more"]
    response = officer_client.submit(
        url,
        programme_form(
            name="Young voices",
            status="open",
            next_deadline=["31", "3", "2030"],
            min_award="",
            max_award="",
            max_income="",
            reach="regional",
            area="North West",
            legal_forms=[],
        ),
    )
    assert response.status_code == 302
    assert programme.status is ProgrammeStatus.OPEN
    assert programme.reach is Reach.REGIONAL
    assert programme.next_deadline == date(2030, 3, 31)
    text = " ".join(page(officer_client.get(f"/funders/programmes/{programme.id}")).get_text(" ").split())
    assert "Programme saved." in text
    assert "31 March 2030" in text
    assert "Regional: North West" in text
    assert "Not published" in text
    assert "Group’s yearly income" not in text  # no limits, so no row


def test_an_officer_marks_a_programme_as_checked_today(officer_client, officer):
    programme = listed(actor=officer, last_verified_on=LONG_AGO)
    url = f"/funders/programmes/{programme.id}"
    shown = page(officer_client.get(url))
    assert shown.select_one(".app-needs-checking").get_text(strip=True) == "Needs checking"
    assert shown.select_one(f"form[action='{url}/verify'] button").get_text(strip=True) == "Mark as checked today"
    assert "Small grants" in rows(officer_client.get("/funders?stale=1"))

    response = officer_client.submit(f"{url}/verify")
    assert response.status_code == 302
    assert response.headers["Location"] == url
    assert programme.last_verified_on == london_today()
    shown = page(officer_client.get(url))
    assert "Marked as checked today." in shown.select_one(".govuk-notification-banner").get_text()
    assert shown.select_one(".app-needs-checking") is None
    assert rows(officer_client.get("/funders?stale=1")) == {}


def test_marking_as_checked_needs_the_csrf_token(officer_client, officer):
    programme = listed(actor=officer, last_verified_on=LONG_AGO)
    response = officer_client.post(f"/funders/programmes/{programme.id}/verify")
    assert response.status_code == 400
    assert programme.last_verified_on == LONG_AGO


def test_an_officer_closes_a_programme_after_confirming(officer_client, officer):
    programme = listed(actor=officer)
    url = f"/funders/programmes/{programme.id}"
    assert page(officer_client.get(url)).select_one(f"a[href='{url}/close']").get_text(strip=True) == (
        "Close this programme"
    )
    confirm = page(officer_client.get(f"{url}/close"))
    assert confirm.select_one("h1").get_text(strip=True) == "Close Test Foundation: Small grants?"
    assert "never be suggested" in confirm.get_text()
    assert confirm.select_one("button.govuk-button--warning").get_text(strip=True) == "Close programme"
    assert confirm.select_one(f"form .govuk-button-group a[href='{url}']").get_text(strip=True) == "Cancel"
    assert programme.status is ProgrammeStatus.ROLLING  # nothing changes until the officer confirms

    response = officer_client.submit(f"{url}/close")
    assert response.status_code == 302
    assert programme.status is ProgrammeStatus.CLOSED
    shown = page(officer_client.get(url))
    assert "Programme closed" in shown.select_one(".govuk-notification-banner").get_text()
    assert shown.select_one(".govuk-summary-list .govuk-tag").get_text(strip=True) == "Closed"
    assert shown.select_one(f"a[href='{url}/close']") is None
    assert list(rows(officer_client.get("/funders?status=closed"))) == ["Small grants"]

    response = officer_client.submit(f"{url}/close")  # again, from an old tab
    assert response.status_code == 302
    text = page(officer_client.get(url)).select_one(".govuk-notification-banner").get_text()
    assert "This programme is already closed" in text


# Who may ---------------------------------------------------------------------------------------------------


def _urls(programme: Programme) -> list[tuple[str, str]]:
    funder_id, programme_id = programme.funder.id, programme.id
    return [
        ("GET", "/funders"),
        ("GET", "/funders/new"),
        ("POST", "/funders/new"),
        ("GET", f"/funders/{funder_id}"),
        ("GET", f"/funders/{funder_id}/edit"),
        ("GET", f"/funders/{funder_id}/programmes/new"),
        ("GET", f"/funders/programmes/{programme_id}"),
        ("GET", f"/funders/programmes/{programme_id}/edit"),
        ("POST", f"/funders/programmes/{programme_id}/verify"),
        ("GET", f"/funders/programmes/{programme_id}/close"),
        ("POST", f"/funders/programmes/{programme_id}/close"),
    ]


@pytest.mark.parametrize(
    "role", ["applicant_client", "assessor_client", "finance_client", "panel_member_client", "panel_chair_client"]
)
def test_the_directory_is_only_for_grants_officers(role, client_for, officer):
    programme = listed(actor=officer, last_verified_on=LONG_AGO)
    client = client_for(role)
    for method, url in _urls(programme):
        response = client.get(url) if method == "GET" else client.submit(url, {"name": "Sneaky"})
        assert response.status_code == 403, f"{role} {method} {url}"
    assert programme.status is ProgrammeStatus.ROLLING
    assert programme.last_verified_on == LONG_AGO
    assert db.session.query(Funder).filter_by(name="Sneaky").count() == 0


def test_someone_signed_out_is_asked_to_sign_in(anonymous_client, officer):
    programme = listed(actor=officer)
    for method, url in _urls(programme):
        if method == "GET":
            response = anonymous_client.get(url)
            assert response.status_code == 302, url
            assert response.headers["Location"].startswith("/sign-in?next=")


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/funders/999999"),
        ("GET", "/funders/999999/edit"),
        ("GET", "/funders/999999/programmes/new"),
        ("GET", "/funders/programmes/999999"),
        ("GET", "/funders/programmes/999999/edit"),
        ("GET", "/funders/programmes/999999/close"),
        ("POST", "/funders/programmes/999999/close"),
        ("POST", "/funders/programmes/999999/verify"),
    ],
)
def test_an_unknown_funder_or_programme_is_not_found(officer_client, method, url):
    response = officer_client.get(url) if method == "GET" else officer_client.submit(url)
    assert response.status_code == 404
