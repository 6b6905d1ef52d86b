"""Signposting over HTTP, CSRF on: an officer starts from the suggestions, changes the list and sends the
letter; the group reads it on its application and says what happened; the report adds it up; and a group that
cannot apply to a round is shown other funders straight away."""

import csv
import io
from datetime import timedelta

import pytest

from grantsfund.applications.models import ApplicationStatus
from grantsfund.audit.models import AuditEvent
from grantsfund.common.dates import london_today
from grantsfund.extensions import db
from grantsfund.organisations.models import LegalForm
from grantsfund.panel.models import Outcome
from grantsfund.signposting import report
from grantsfund.signposting.directory import details_of, update_programme
from grantsfund.signposting.models import ProgrammeStatus, Reach, Signpost, SignpostOutcome, SignpostStatus
from tests.applications import factories as applications
from tests.conftest import error_messages, page, queued_emails, sign_in_as
from tests.panel.factories import join_group
from tests.signposting.factories import decided, ineligible, listed

NOTE = "The panel liked your plans for the café."


@pytest.fixture
def directory(officer):
    """Three programmes the matching suggests (best first), one it never suggests because it funds charities
    only, and a closed one."""
    return {
        "local": listed(
            "Northbrook Community Foundation",
            "Neighbourhood grants",
            actor=officer,
            reach=Reach.LOCAL,
            area="",
            themes=["Older people"],
            max_award_pence=1_000_000,
        ),
        "larger": listed(
            "Heritage Trust", "Big projects", actor=officer, themes=["Older people"], min_award_pence=1_000_000
        ),
        "rounds": listed("Village Trust", "Round grants", actor=officer, status=ProgrammeStatus.ROUND_BASED),
        "charities": listed(
            "Charity Trust", "Charities only", actor=officer, legal_forms=[LegalForm.REGISTERED_CHARITY.value]
        ),
        "closed": listed("Old Trust", "Old fund", actor=officer, status=ProgrammeStatus.CLOSED),
    }


@pytest.fixture
def bid(round_, officer, make_user, applicant_client):
    """A bid screening found ineligible, made by a group the applicant client's person belongs to."""
    application = ineligible(round_, officer, make_user, name="Riverside Welcome Café")
    join_group(application, applicant_client.user)
    return application


def start(client, application) -> Signpost:
    response = client.submit(f"/signposting/applications/{application.id}/start")
    signpost = Signpost.query.filter_by(application_id=application.id).one()
    assert response.headers["Location"] == f"/signposting/{signpost.id}"
    return signpost


def sent(client, application, note=NOTE) -> Signpost:
    signpost = start(client, application)
    response = client.submit(f"/signposting/{signpost.id}/send", {"note": note})
    assert response.status_code == 302, error_messages(response)
    return signpost


def suggestion_for(signpost, programme):
    return next(item for item in signpost.suggestions if item.programme_id == programme.id)


def headings(response, selector="h3"):
    return [heading.get_text(" ", strip=True) for heading in page(response).select(selector)]


def flash(response) -> str:
    banner = page(response).select_one(".govuk-notification-banner__content")
    return banner.get_text(" ", strip=True) if banner else ""


def another_applicant(app, make_user):
    other = make_user(full_name="Other Group Member")
    applications.group(other, name="Hillside Allotment Society")
    return sign_in_as(app.test_client(), other)


# The officer's work --------------------------------------------------------------------------------------


def test_the_work_list_shows_declined_and_ineligible_bids_not_started(
    officer_client, bid, round_, officer, make_user, people
):
    [declined] = decided(round_, officer, make_user, people, Outcome.DECLINED)
    assert declined.status is ApplicationStatus.DECLINED
    shown = page(officer_client.get("/signposting"))
    rows = {
        row.select("td")[0].get_text(" ", strip=True).split()[0]: [
            cell.get_text(" ", strip=True) for cell in row.select("td")
        ]
        for row in shown.select("tbody tr")
    }
    assert set(rows) == {bid.reference, declined.reference}
    assert rows[bid.reference][1:4] == ["Riverside Welcome Café", ApplicationStatus.INELIGIBLE.label, "Not started"]
    assert rows[declined.reference][2:4] == [ApplicationStatus.DECLINED.label, "Not started"]
    assert f"Suggest funders for {bid.reference}" in rows[bid.reference][4]


def test_suggest_funders_shows_the_suggestions_with_their_reasons(officer_client, bid, directory):
    signpost = start(officer_client, bid)
    assert signpost.status is SignpostStatus.DRAFT
    response = officer_client.get(f"/signposting/{signpost.id}")
    assert headings(response, ".app-suggestion h3") == [
        "1. Northbrook Community Foundation: Neighbourhood grants (funder's website)",
        "2. Heritage Trust: Big projects (funder's website)",
        "3. Village Trust: Round grants (funder's website)",
    ]
    text = page(response).get_text(" ", strip=True)
    for heading in ("Why it may suit", "What may not fit", "To check"):
        assert heading in text
    assert "Funds work on Older people, as your project is" in text
    # The officer can see what the project is about, so each theme reason can be checked against the bid.
    facts = {
        row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(strip=True)
        for row in page(response).select(".govuk-summary-list__row")
    }
    assert "Older people" in facts["Who it is for"]
    assert facts["Integration domains"] != "None given"
    assert "Grants from £10,000; you asked for £5,000.50: it suits a larger project" in text
    assert "Opens in rounds: check the funder's website for the next deadline" in text
    # The work list now links to the draft.
    listed_row = page(officer_client.get("/signposting")).select_one("tbody tr").get_text(" ", strip=True)
    assert "Draft" in listed_row
    assert "Review signposting for" in listed_row
    # Starting again goes back to the same draft.
    assert start(officer_client, bid).id == signpost.id


def test_a_suggestion_not_checked_for_too_long_is_flagged_before_the_letter_goes(officer_client, bid, directory):
    for entry in directory.values():
        entry.last_verified_on = london_today()
    directory["larger"].last_verified_on = london_today() - timedelta(days=2 * 365)
    db.session.flush()
    signpost = start(officer_client, bid)
    shown = page(officer_client.get(f"/signposting/{signpost.id}"))
    flagged = [
        block.select_one("h3").get_text(" ", strip=True)
        for block in shown.select(".app-suggestion")
        if block.select_one(".app-needs-checking")
    ]
    assert flagged == ["2. Heritage Trust: Big projects (funder's website)"]


def test_removing_and_adding_funders(officer_client, bid, directory):
    signpost = start(officer_client, bid)
    rounds = suggestion_for(signpost, directory["rounds"])
    response = officer_client.submit(f"/signposting/{signpost.id}/suggestions/{rounds.id}/remove")
    assert response.headers["Location"] == f"/signposting/{signpost.id}"
    response = officer_client.get(response.headers["Location"])
    assert "Village Trust: Round grants removed." in flash(response)
    assert headings(response, ".app-suggestion h3") == [
        "1. Northbrook Community Foundation: Neighbourhood grants (funder's website)",
        "2. Heritage Trust: Big projects (funder's website)",
    ]

    # The select offers the open programmes not on the list, best fits first; the closed one never.
    options = [option.get_text(strip=True) for option in page(response).select("#programme_id option")]
    assert options == [
        "Choose a funder",
        "Village Trust: Round grants",
        "Charity Trust: Charities only (does not fit: kind of group)",
    ]

    url = f"/signposting/{signpost.id}/add"
    response = officer_client.submit(url, {"programme_id": str(directory["charities"].id)})
    assert response.headers["Location"] == f"/signposting/{signpost.id}"
    response = officer_client.get(response.headers["Location"])
    assert "Charity Trust: Charities only added." in flash(response)
    added = suggestion_for(signpost, directory["charities"])
    assert added.added_by_officer
    last = page(response).select(".app-suggestion")[-1].get_text(" ", strip=True)
    assert "added by an officer" in last
    assert "What may not fit" in last
    assert "Not open to your kind of group" in last


@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        ("closed", "Old Trust: Old fund is closed to new applications"),
        ("local", "Northbrook Community Foundation: Neighbourhood grants is already on the list"),
        ("999999", "Choose a funder from the list"),
        ("", "Choose a funder from the list"),
    ],
)
def test_adding_a_funder_that_cannot_be_added_says_why(officer_client, bid, directory, chosen, message):
    signpost = start(officer_client, bid)
    value = str(directory[chosen].id) if chosen in directory else chosen
    response = officer_client.submit(f"/signposting/{signpost.id}/add", {"programme_id": value})
    assert response.status_code == 200
    assert error_messages(response) == [message]
    assert len(signpost.suggestions) == 3


def test_adding_nothing_or_nonsense_is_refused_without_a_server_error(officer_client, bid, directory):
    signpost = start(officer_client, bid)
    for value in ("", "first", "-1", "0", "99999999999999999999999"):
        response = officer_client.submit(f"/signposting/{signpost.id}/add", {"programme_id": value})
        assert response.status_code == 200, value
        assert error_messages(response) == ["Choose a funder from the list"], value
    assert len(signpost.suggestions) == 3


def test_a_note_that_is_too_long_is_kept_with_the_error(officer_client, bid, directory):
    signpost = start(officer_client, bid)
    long_note = "x" * 5001
    response = officer_client.submit(f"/signposting/{signpost.id}/send", {"note": long_note})
    assert response.status_code == 200
    assert error_messages(response) == ["The note must be 5,000 characters or fewer"]
    assert page(response).select_one("textarea#note").get_text() == long_note
    assert signpost.status is SignpostStatus.DRAFT
    assert queued_emails(template="signposting/letter") == []


def test_sending_the_letter(officer_client, bid, directory):
    signpost = start(officer_client, bid)
    response = officer_client.submit(f"/signposting/{signpost.id}/send", {"note": NOTE})
    assert response.headers["Location"] == f"/signposting/{signpost.id}"
    response = officer_client.get(response.headers["Location"])
    assert "Letter sent to 2 addresses." in flash(response)
    assert signpost.status is SignpostStatus.SENT
    assert signpost.note == NOTE
    letters = queued_emails(template="signposting/letter")
    group = bid.organisation
    assert sorted(message.recipient.lower() for message in letters) == sorted(
        {group.contact_email.lower(), bid.submitted_by.email.lower()}
    )
    assert [funder["programme"] for funder in letters[0].context["funders"]] == [
        "Neighbourhood grants",
        "Big projects",
        "Round grants",
    ]
    shown = page(response)
    assert "What happened" in headings(response, "h2")
    rows = [[cell.get_text(" ", strip=True) for cell in row.select("td")] for row in shown.select("tbody tr")]
    assert [row[:2] for row in rows] == [
        ["Northbrook Community Foundation: Neighbourhood grants", "Not known yet"],
        ["Heritage Trust: Big projects", "Not known yet"],
        ["Village Trust: Round grants", "Not known yet"],
    ]
    assert NOTE in shown.get_text()
    assert shown.select("form[action$='/send']") == []
    # The work list says it has gone.
    assert "Sent" in page(officer_client.get("/signposting")).select_one("tbody tr").get_text()


def test_once_sent_the_funders_cannot_change(officer_client, bid, directory):
    signpost = sent(officer_client, bid)
    before = [(item.id, item.programme_id) for item in signpost.suggestions]
    first = signpost.suggestions[0]

    for url, data in (
        (f"/signposting/{signpost.id}/suggestions/{first.id}/remove", {}),
        (f"/signposting/{signpost.id}/add", {"programme_id": str(directory["charities"].id)}),
        (f"/signposting/{signpost.id}/send", {"note": "Again"}),
    ):
        response = officer_client.submit(url, data)
        assert response.headers["Location"] == f"/signposting/{signpost.id}", url
        shown = officer_client.get(response.headers["Location"])
        assert flash(shown) == "The letter has been sent, so its funders cannot change", url

    assert [(item.id, item.programme_id) for item in signpost.suggestions] == before
    assert signpost.note == NOTE
    assert len(queued_emails(template="signposting/letter")) == 2


def test_an_officer_previews_a_draft_letter(officer_client, bid, directory):
    signpost = start(officer_client, bid)
    letter = page(officer_client.get(f"/signposting/{signpost.id}/letter"))
    text = letter.get_text(" ", strip=True)
    assert "Not sent yet: this is how the letter will look to the group." in text
    assert "sent on" not in text
    assert letter.select("a[href$='/outcome']") == []
    # There is nothing to record until it has gone.
    url = f"/signposting/{signpost.id}/suggestions/{signpost.suggestions[0].id}/outcome"
    response = officer_client.get(url)
    assert response.headers["Location"] == f"/signposting/{signpost.id}"
    response = officer_client.submit(url, {"outcome": "not_pursued"})
    assert response.headers["Location"] == f"/signposting/{signpost.id}"
    assert "Outcomes are recorded once the letter has been sent" in flash(
        officer_client.get(f"/signposting/{signpost.id}")
    )
    assert signpost.suggestions[0].outcome is None


# The group ----------------------------------------------------------------------------------------------


def test_the_group_sees_nothing_until_the_letter_is_sent(applicant_client, officer_client, bid, directory):
    signpost = start(officer_client, bid)
    assert applicant_client.get(f"/signposting/{signpost.id}/letter").status_code == 404
    suggestion = signpost.suggestions[0]
    assert applicant_client.get(f"/signposting/{signpost.id}/suggestions/{suggestion.id}/outcome").status_code == 404
    shown = page(applicant_client.get(f"/applications/{bid.id}"))
    assert "Other funders you could try" not in shown.get_text()
    assert shown.select(f"a[href='/signposting/{signpost.id}/letter']") == []
    listed = page(applicant_client.get("/applications"))
    assert listed.select(f"a[href='/signposting/{signpost.id}/letter']") == []


def test_the_group_reads_the_letter_from_its_application(applicant_client, officer_client, bid, directory):
    signpost = sent(officer_client, bid)
    listed = page(applicant_client.get("/applications")).select_one(f"a[href='/signposting/{signpost.id}/letter']")
    assert listed.get_text(" ", strip=True) == f"Other funders we suggested for {bid.title}"
    shown = page(applicant_client.get(f"/applications/{bid.id}"))
    assert "Other funders you could try" in [heading.get_text(strip=True) for heading in shown.select("h2")]
    link = shown.select_one(f"a[href='/signposting/{signpost.id}/letter']")
    assert link is not None
    assert "Read the letter" in link.get_text()

    response = applicant_client.get(link["href"])
    assert response.status_code == 200
    letter = page(response)
    assert letter.select_one("h1").get_text(strip=True) == "Other funders you could try"
    assert headings(response, "h2")[:3] == [
        "1. Northbrook Community Foundation: Neighbourhood grants (funder's website)",
        "2. Heritage Trust: Big projects (funder's website)",
        "3. Village Trust: Round grants (funder's website)",
    ]
    text = letter.get_text(" ", strip=True)
    assert NOTE in text
    assert "Funds work on Older people, as your project is" in text
    assert "it suits a larger project" in text
    assert letter.select_one("a.govuk-back-link")["href"] == f"/applications/{bid.id}"
    assert len(letter.select("a[href$='/outcome']")) == 3


def test_the_group_records_what_happened(applicant_client, officer_client, bid, directory):
    signpost = sent(officer_client, bid)
    local = suggestion_for(signpost, directory["local"])
    url = f"/signposting/{signpost.id}/suggestions/{local.id}/outcome"
    form = page(applicant_client.get(url))
    assert form.select_one("h1").get_text(strip=True).startswith("What happened with")
    assert form.select_one("a.govuk-back-link")["href"] == f"/signposting/{signpost.id}/letter"

    response = applicant_client.submit(url, {"outcome": "funded", "amount": ""})
    assert response.status_code == 200
    assert error_messages(response) == ["Enter how much the funder gave"]
    assert local.outcome is None

    response = applicant_client.submit(url, {"outcome": "not_pursued", "amount": "100"})
    assert error_messages(response) == ["Only enter an amount if the funder gave a grant"]

    response = applicant_client.submit(url, {"outcome": "funded", "amount": "8,500", "note": "Thank you!"})
    assert response.headers["Location"] == f"/signposting/{signpost.id}/letter"
    assert local.outcome is SignpostOutcome.FUNDED
    assert local.amount_raised_pence == 850_000
    letter = applicant_client.get(response.headers["Location"])
    assert "Thank you: saved what happened with Northbrook Community Foundation: Neighbourhood grants." in flash(letter)
    assert "What happened: Funded (£8,500.00)." in page(letter).get_text(" ", strip=True)
    # The form shows the answer again, to change it.
    again = page(applicant_client.get(url))
    assert again.select_one("input[name=outcome][value=funded]").has_attr("checked")
    assert again.select_one("input[name=amount]")["value"] == "8500.00"

    # The application page counts it; the officer's page shows it.
    progress = page(applicant_client.get(f"/applications/{bid.id}")).get_text(" ", strip=True)
    assert "you have told us what happened with 1" in progress
    assert "Northbrook Community Foundation: Neighbourhood grants: funded (£8,500.00)" in progress
    officer_rows = page(officer_client.get(f"/signposting/{signpost.id}")).select("tbody tr")
    first = [cell.get_text(" ", strip=True) for cell in officer_rows[0].select("td")]
    assert first[1:3] == ["Funded Thank you!", "£8,500.00"]


def test_another_group_cannot_read_the_letter_or_record_an_outcome(app, make_user, officer_client, bid, directory):
    signpost = sent(officer_client, bid)
    suggestion = signpost.suggestions[0]
    outsider = another_applicant(app, make_user)
    url = f"/signposting/{signpost.id}/suggestions/{suggestion.id}/outcome"
    assert outsider.get(f"/signposting/{signpost.id}/letter").status_code == 404
    assert outsider.get(url).status_code == 404
    assert outsider.submit(url, {"outcome": "funded", "amount": "1"}).status_code == 404
    assert suggestion.outcome is None


def test_an_officer_records_an_outcome_too(officer_client, bid, directory):
    signpost = sent(officer_client, bid)
    larger = suggestion_for(signpost, directory["larger"])
    url = f"/signposting/{signpost.id}/suggestions/{larger.id}/outcome"
    form = page(officer_client.get(url))
    assert form.select_one("a.govuk-back-link")["href"] == f"/signposting/{signpost.id}"
    response = officer_client.submit(url, {"outcome": "unsuccessful", "note": "Heard by phone"})
    # Back to the signposting page the officer came from, with its table of outcomes.
    assert response.headers["Location"] == f"/signposting/{signpost.id}"
    assert larger.outcome is SignpostOutcome.UNSUCCESSFUL
    assert larger.outcome_note == "Heard by phone"
    row = page(officer_client.get(f"/signposting/{signpost.id}")).select("tbody tr")[1].get_text(" ", strip=True)
    assert "Applied, not successful" in row
    # The officer reads the letter as the group does, with a way back to the signposting page.
    letter = page(officer_client.get(f"/signposting/{signpost.id}/letter"))
    assert letter.select_one("a.govuk-back-link")["href"] == f"/signposting/{signpost.id}"


# The report ---------------------------------------------------------------------------------------------


@pytest.fixture
def outcomes(applicant_client, officer_client, bid, directory):
    """The group was funded £8,500 by one funder and turned down by another; it did not try the third."""
    signpost = sent(officer_client, bid)
    for programme, answers in (
        (directory["local"], {"outcome": "funded", "amount": "8500"}),
        (directory["larger"], {"outcome": "unsuccessful"}),
        (directory["rounds"], {"outcome": "not_pursued"}),
    ):
        url = f"/signposting/{signpost.id}/suggestions/{suggestion_for(signpost, programme).id}/outcome"
        assert applicant_client.submit(url, answers).status_code == 302
    return signpost


@pytest.mark.parametrize("role", ["officer_client", "finance_client"])
def test_the_report_adds_up_the_outcomes(client_for, role, outcomes, bid, round_):
    response = client_for(role).get("/signposting/report")
    assert response.status_code == 200
    shown = page(response)
    assert shown.select_one("#raised").get_text(strip=True) == "£8,500.00"
    assert "raised elsewhere by 1 group we signposted" in shown.select_one("#raised + p").get_text(" ", strip=True)
    summary = shown.get_text(" ", strip=True)
    assert "1 group was sent 3 suggestions. They made 2 applications: 1 funded and 1 not successful" in summary
    assert "a success rate of 50%" in summary
    tables = {
        table.select_one("caption").get_text(strip=True): [
            [cell.get_text(strip=True) for cell in row.select("th, td")] for row in table.select("tbody tr")
        ]
        for table in shown.select("table")
    }
    assert tables["By round"] == [[round_.name, "1", "3", "2", "1", "50%", "£8,500.00"]]
    assert tables["By funder"] == [
        ["Northbrook Community Foundation", "1", "1", "1", "1", "100%", "£8,500.00"],
        ["Heritage Trust", "1", "1", "1", "0", "0%", "£0.00"],
        ["Village Trust", "1", "1", "0", "0", "No results yet", "£0.00"],
    ]
    theme = bid.themes[0].name
    assert tables["By theme"] == [[theme, "1", "3", "2", "1", "50%", "£8,500.00"]]
    assert shown.select_one("a[href='/signposting/report.csv']") is not None


def test_the_report_downloads_as_csv(officer_client, outcomes, bid, round_):
    response = officer_client.get("/signposting/report.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert 'filename="signposting-report.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == report.HEADINGS
    theme = bid.themes[0].name
    assert rows[1:] == [
        ["All", "All signposts", "1", "3", "2", "1", "1", "50", "8500.00"],
        ["Round", round_.name, "1", "3", "2", "1", "1", "50", "8500.00"],
        ["Funder", "Northbrook Community Foundation", "1", "1", "1", "1", "0", "100", "8500.00"],
        ["Funder", "Heritage Trust", "1", "1", "1", "0", "1", "0", "0.00"],
        ["Funder", "Village Trust", "1", "1", "0", "0", "0", "", "0.00"],
        ["Theme", theme, "1", "3", "2", "1", "1", "50", "8500.00"],
    ]


def test_the_report_of_another_round_is_empty(officer_client, outcomes, make_user):
    other = applications.open_round(make_user, name="Another round")
    shown = page(officer_client.get(f"/signposting/report?round={other.id}"))
    assert shown.select_one("#raised").get_text(strip=True) == "£0.00"
    assert shown.select_one(f"a[href='/signposting/report.csv?round={other.id}']") is not None
    rows = list(
        csv.reader(io.StringIO(officer_client.get(f"/signposting/report.csv?round={other.id}").get_data(as_text=True)))
    )
    assert rows[1][-1] == "0.00"
    assert len(rows) == 2


@pytest.mark.parametrize("value", ["99999999999999999999", "999999", "-1", "abc"])
def test_a_round_that_is_not_offered_shows_every_round(officer_client, outcomes, bid, value):
    shown = page(officer_client.get("/signposting/report", query_string={"round": value}))
    assert shown.select_one("#raised").get_text(strip=True) == "£8,500.00"
    assert shown.select_one("#round option[selected]") is None
    download = officer_client.get("/signposting/report.csv", query_string={"round": value}).get_data(as_text=True)
    assert "8500.00" in download
    work_list = page(officer_client.get("/signposting", query_string={"round": value}))
    assert bid.reference in work_list.select_one("tbody").get_text()


@pytest.mark.parametrize("role", ["applicant_client", "assessor_client"])
def test_groups_and_assessors_cannot_see_the_report(client_for, role):
    assert client_for(role).get("/signposting/report").status_code == 403
    assert client_for(role).get("/signposting/report.csv").status_code == 403


# The eligibility quiz ------------------------------------------------------------------------------------


def test_a_group_that_cannot_apply_is_shown_other_funders(app, applicant_client, make_user, directory):
    round_ = applications.open_round(make_user, name="Quiz round")
    group = applications.group(applicant_client.user, name="Quiz Group")
    draft = applications.draft(round_, group, applicant_client.user, eligible=False)
    failing = round_.questions[1]  # "mainly to promote religious or political beliefs?": yes fails
    response = applicant_client.submit(f"/applications/{draft.id}/eligibility/{failing.id}", {"answer": "yes"})
    assert response.headers["Location"] == f"/applications/{draft.id}/not-eligible"
    response = applicant_client.get(response.headers["Location"])
    shown = page(response)
    assert shown.select_one("h1").get_text(strip=True) == "Your group cannot apply to this round"
    assert headings(response, ".app-suggestion h3") == [
        "Heritage Trust: Big projects (funder's website)",
        "Northbrook Community Foundation: Neighbourhood grants (funder's website)",
        "Village Trust: Round grants (funder's website)",
    ]
    text = shown.get_text(" ", strip=True)
    assert "Old Trust" not in text  # closed
    assert "Charity Trust" not in text  # cannot fund this kind of group
    assert "Works across" in text
    assert "Check the current criteria and deadlines" in text
    assert shown.select_one(f"a[href='{app.config['FUNDING_ADVICE_URL']}']") is not None


# The draft as it stands now ---------------------------------------------------------------------------------


def charities_only(programme):
    changed = details_of(programme)
    changed.legal_forms = [LegalForm.REGISTERED_CHARITY.value]
    return changed


def test_the_draft_shows_the_reasons_as_the_directory_stands_now(officer_client, officer, bid, directory):
    signpost = start(officer_client, bid)
    update_programme(directory["rounds"], charities_only(directory["rounds"]), actor=officer)

    shown = page(officer_client.get(f"/signposting/{signpost.id}")).select(".app-suggestion")[2]

    assert "Not open to your kind of group" in shown.get_text()
    assert "Check who can apply on the funder's website" not in shown.get_text()


def test_a_funder_the_group_can_no_longer_apply_to_stops_the_letter_and_is_named(
    officer_client, officer, bid, directory
):
    signpost = start(officer_client, bid)
    update_programme(directory["rounds"], charities_only(directory["rounds"]), actor=officer)

    response = officer_client.submit(f"/signposting/{signpost.id}/send", {"note": NOTE})

    assert response.status_code == 200
    message = "Village Trust: Round grants can no longer fund this group since it was suggested: remove it first"
    summary = page(response).select_one(".govuk-error-summary")
    assert summary.select_one("a")["href"] == "#funders"
    assert summary.select_one("a").get_text(strip=True) == message
    assert page(response).select_one("#funders") is not None
    assert page(response).select_one("textarea#note").get_text() == NOTE
    assert signpost.status is SignpostStatus.DRAFT
    assert queued_emails(template="signposting/letter") == []


def test_a_letter_with_no_funders_points_at_the_funder_list(officer_client, bid, directory):
    signpost = start(officer_client, bid)
    for suggestion in list(signpost.suggestions):
        officer_client.submit(f"/signposting/{signpost.id}/suggestions/{suggestion.id}/remove")

    response = officer_client.submit(f"/signposting/{signpost.id}/send", {"note": NOTE})

    link = page(response).select_one(".govuk-error-summary a")
    assert (link["href"], link.get_text(strip=True)) == (
        "#funders",
        "Add at least one funder before sending the letter",
    )
    assert page(response).select("#note-error") == []


def test_a_saved_note_survives_adding_and_removing_funders(officer_client, bid, directory):
    signpost = start(officer_client, bid)

    response = officer_client.submit(f"/signposting/{signpost.id}/send", {"note": NOTE, "save": "Save the note"})

    assert response.headers["Location"] == f"/signposting/{signpost.id}"
    assert "Note saved" in flash(officer_client.get(response.headers["Location"]))
    assert signpost.status is SignpostStatus.DRAFT
    assert queued_emails(template="signposting/letter") == []
    officer_client.submit(f"/signposting/{signpost.id}/add", {"programme_id": str(directory["charities"].id)})
    officer_client.submit(f"/signposting/{signpost.id}/suggestions/{signpost.suggestions[0].id}/remove")
    shown = page(officer_client.get(f"/signposting/{signpost.id}"))
    assert shown.select_one("textarea#note").get_text().strip() == NOTE
    [event] = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "signpost.note_saved")).all()
    assert event.after == {"note": NOTE}
