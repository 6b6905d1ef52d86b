"""The applicant's pages over HTTP, with CSRF: starting from the round page, eligibility, the task list,
saving sections (and keeping what was typed when something is wrong), and two members saving at once."""

import pytest

from grantsfund.applications import services
from grantsfund.applications.models import Application, ApplicationStatus
from grantsfund.common.actor import Actor
from grantsfund.extensions import db
from grantsfund.organisations.models import Membership
from tests.applications import factories
from tests.conftest import error_messages, page


@pytest.fixture
def round_(make_user):
    return factories.open_round(make_user)


@pytest.fixture
def group(applicant_client):
    return factories.group(applicant_client.user)


@pytest.fixture
def application(round_, group, applicant_client):
    return factories.draft(round_, group, applicant_client.user)


def test_the_round_page_offers_a_member_the_start_button(applicant_client, round_, group):
    form = page(applicant_client.get(f"/funding/{round_.id}")).select_one(f"form[action='/funding/{round_.id}/apply']")
    assert form is not None
    assert "Start an application" in form.get_text()


def test_starting_with_one_group_goes_to_the_first_eligibility_question(applicant_client, round_, group):
    response = applicant_client.submit(f"/funding/{round_.id}/apply")
    application = db.session.query(Application).one()
    first = round_.questions[0]
    assert response.headers["Location"] == f"/applications/{application.id}"
    response = applicant_client.get(response.headers["Location"])
    assert response.headers["Location"] == f"/applications/{application.id}/eligibility/{first.id}"
    question = page(applicant_client.get(response.headers["Location"]))
    assert question.select_one("h1").get_text(strip=True) == first.text
    assert "Question 1 of 2" in question.select_one(".govuk-caption-l").get_text()


def test_someone_in_several_groups_is_asked_which(applicant_client, round_, group):
    other = factories.group(applicant_client.user, name="Northbrook Welcome Network")
    response = applicant_client.submit(f"/funding/{round_.id}/apply")
    assert response.status_code == 200
    assert not error_messages(response)
    response = applicant_client.submit(f"/funding/{round_.id}/apply", {"organisation_id": "999999"})
    assert error_messages(response) == ["Select the group this application is for"]
    response = applicant_client.submit(f"/funding/{round_.id}/apply", {"organisation_id": str(other.id)})
    assert response.status_code == 302
    assert db.session.query(Application).one().organisation_id == other.id


def test_someone_without_a_group_is_sent_to_set_one_up(applicant_client, round_):
    response = applicant_client.submit(f"/funding/{round_.id}/apply")
    assert response.headers["Location"] == "/organisations"


def test_a_disqualifying_answer_explains_why_and_points_to_funding_advice(app, applicant_client, round_, group):
    application = factories.draft(round_, group, applicant_client.user, eligible=False)
    second = round_.questions[1]
    response = applicant_client.submit(f"/applications/{application.id}/eligibility/{second.id}", {"answer": "yes"})
    assert response.headers["Location"] == f"/applications/{application.id}/not-eligible"
    shown = page(applicant_client.get(response.headers["Location"]))
    assert shown.select_one("h1").get_text(strip=True) == "Your group cannot apply to this round"
    assert "We cannot fund that." in shown.get_text()
    assert shown.select_one(f"a[href='{app.config['FUNDING_ADVICE_URL']}']") is not None
    assert applicant_client.get(f"/applications/{application.id}").headers["Location"].endswith("/not-eligible")
    assert applicant_client.get(f"/applications/{application.id}/need-and-evidence").status_code == 302


def test_an_eligibility_page_without_an_answer_says_so(applicant_client, round_, group):
    application = factories.draft(round_, group, applicant_client.user, eligible=False)
    response = applicant_client.submit(f"/applications/{application.id}/eligibility/{round_.questions[0].id}")
    assert error_messages(response) == ["Select yes or no"]


def test_the_task_list_shows_every_section(applicant_client, application):
    shown = page(applicant_client.get(f"/applications/{application.id}"))
    items = [
        (item.select_one(".govuk-task-list__name-and-hint").get_text(" ", strip=True),
         item.select_one(".govuk-task-list__status").get_text(strip=True))
        for item in shown.select(".govuk-task-list__item")
    ]  # fmt: skip
    assert items == [
        ("About the project", "Not started"),
        ("Need and evidence", "Not started"),
        ("Who benefits", "Not started"),
        ("Activities and timetable", "Not started"),
        ("Budget", "Not started"),
        ("Outcomes", "Not started"),
        ("Sustainability", "Not started"),
        ("Attachments", "Not started"),
        ("Declarations", "Not started"),
        ("Check your answers and submit Complete every section first", "Cannot start yet"),
        ("Equality monitoring Kept apart from your application and never seen by assessors", "Optional"),
    ]
    assert len(shown.select(".govuk-task-list__item a")) == 10


def about_form(round_, **overrides):
    window = services.project_window(round_)
    start, end = window.earliest_start, window.latest_end
    data = {
        "version": "1",
        "title": "Tuesday Welcome Café",
        "summary": "Newcomers and neighbours cook together.",
        "themes": [str(round_.themes[0].id)],
        "start_date": [str(start.day), str(start.month), str(start.year)],
        "end_date": [str(end.day), str(end.month), str(end.year)],
    }
    data.update(overrides)
    return data


def test_a_mistake_keeps_everything_typed(applicant_client, application, round_):
    url = f"/applications/{application.id}/about-the-project"
    response = applicant_client.submit(url, about_form(round_, title="", summary="word " * 151 + "<script>x</script>"))
    assert error_messages(response) == [
        "Enter a project title",
        "Summary must be 150 words or fewer (you have 152)",
    ]
    shown = page(response)
    assert shown.select_one("textarea[name=summary]").get_text().startswith("word word")
    assert "<script>x</script>" in shown.select_one("textarea[name=summary]").get_text()
    assert shown.select_one("input[name=themes][checked]") is not None
    assert (
        shown.select_one("textarea[name=summary]").find_parent(attrs={"data-module": "govuk-character-count"})[
            "data-maxwords"
        ]
        == "150"
    )
    assert db.session.get(Application, application.id).summary is None


def test_save_and_continue_goes_to_the_next_section(applicant_client, application, round_):
    response = applicant_client.submit(f"/applications/{application.id}/about-the-project", about_form(round_))
    assert response.headers["Location"] == f"/applications/{application.id}/need-and-evidence"
    saved = db.session.get(Application, application.id)
    assert saved.title == "Tuesday Welcome Café"
    assert saved.version == 2


def test_save_and_come_back_later_keeps_a_partial_section(applicant_client, application):
    response = applicant_client.submit(
        f"/applications/{application.id}/need-and-evidence", {"version": "1", "need": "Lonely", "save_later": "y"}
    )
    assert response.headers["Location"] == f"/applications/{application.id}"
    statuses = page(applicant_client.get(f"/applications/{application.id}")).select(".govuk-task-list__status")
    assert statuses[1].get_text(strip=True) == "In progress"


def test_dates_outside_the_window_are_explained(applicant_client, application, round_):
    response = applicant_client.submit(
        f"/applications/{application.id}/about-the-project",
        about_form(round_, start_date=["1", "1", "2020"], save_later="y"),
    )
    assert error_messages(response)[0].startswith("The start date must be between")
    assert "must start on or after" in page(response).get_text()


def test_a_second_member_saving_over_a_change_is_shown_what_happened(applicant_client, application, make_user):
    other = make_user(full_name="Joe Bright")
    application.organisation.memberships.append(Membership(user=other, joined_at=application.created_at))
    services.save_section(
        application,
        services.Section.NEED,
        services.SectionAnswers(need="Joe's answer"),
        expected_version=1,
        complete=False,
        actor=Actor(other),
    )
    response = applicant_client.submit(
        f"/applications/{application.id}/need-and-evidence", {"version": "1", "need": "My answer", "save_later": "y"}
    )
    shown = page(response)
    assert "Joe Bright saved changes" in error_messages(response)[0]
    assert shown.select_one("textarea[name=need]").get_text() == "My answer"
    assert "Joe's answer" in shown.select_one("#saved-answers").find_next("dl").get_text()
    assert shown.select_one("input[name=version]")["value"] == "2"
    assert db.session.get(Application, application.id).need == "Joe's answer"
    response = applicant_client.submit(
        f"/applications/{application.id}/need-and-evidence", {"version": "2", "need": "My answer", "save_later": "y"}
    )
    assert response.status_code == 302
    assert db.session.get(Application, application.id).need == "My answer"


def test_activities_keep_rows_and_check_months(applicant_client, application, round_):
    month = services.project_window(round_).months()[1]
    url = f"/applications/{application.id}/activities-and-timetable"
    response = applicant_client.submit(
        url,
        {
            "version": "1",
            "activities-0-month": f"{month:%Y-%m}",
            "activities-0-description": "Launch event",
            "activities-1-description": "Cooking sessions",
        },
    )
    assert error_messages(response) == ["Select the month of activity 2"]
    assert page(response).select_one("input[name=activities-1-description]")["value"] == "Cooking sessions"
    response = applicant_client.submit(url, {"version": "1"})
    assert error_messages(response) == ["Enter at least one activity"]
    response = applicant_client.submit(
        url, {"version": "1", "activities-0-month": f"{month:%Y-%m}", "activities-0-description": "Launch event"}
    )
    assert response.headers["Location"] == f"/applications/{application.id}/budget"
    assert [a.description for a in db.session.get(Application, application.id).activities] == ["Launch event"]


def test_your_applications_lists_the_groups_applications(applicant_client, application):
    shown = page(applicant_client.get("/applications"))
    assert shown.select_one("tbody .govuk-tag").get_text(strip=True) == "Draft"
    assert application.status is ApplicationStatus.DRAFT
