"""The later sections and submission over HTTP, with CSRF: budget rows that keep what was typed, check your
answers, submitting (and submitting too late), the confirmation, the email, the copy, the timeline, withdrawing,
and the officers' view of the frozen application."""

from datetime import timedelta

import pytest

from grantsfund.applications import services
from grantsfund.applications.models import ApplicationStatus
from grantsfund.applications.services import Section
from grantsfund.common.actor import Actor
from grantsfund.common.dates import utcnow
from grantsfund.extensions import db
from grantsfund.notifications.rendering import render_email
from tests.applications import factories
from tests.conftest import error_messages, page, queued_emails


@pytest.fixture
def round_(make_user):
    return factories.open_round(make_user)


@pytest.fixture
def application(round_, applicant_client):
    return factories.draft(round_, factories.group(applicant_client.user), applicant_client.user)


def field_values(response, *names):
    shown = page(response)
    return [shown.select_one(f"[name='{name}']").get("value") for name in names]


def test_the_budget_keeps_every_row_typed_and_names_the_row_with_a_problem(applicant_client, application):
    url = f"/applications/{application.id}/budget"
    typed = {
        "version": "1",
        "budget_lines-0-item": "Hall hire",
        "budget_lines-0-category": "venue",
        "budget_lines-0-amount": "1,200.50",
        "budget_lines-1-amount": "£300",
        "match_funding-0-source": "Our own funds",
        "match_funding-0-amount": "twelve",
        "match_funding-0-status": "secured",
    }
    response = applicant_client.submit(url, typed)
    assert error_messages(response) == [
        "Enter the item of budget line 2",
        "Select the category of budget line 2",
        "Enter an amount in pounds and pence, like 1,234.50",
    ]
    assert field_values(response, "budget_lines-0-item", "budget_lines-0-amount", "budget_lines-1-amount") == [
        "Hall hire",
        "1,200.50",
        "£300",
    ]
    assert field_values(response, "match_funding-0-amount") == ["twelve"]
    assert application.budget_lines == []


def test_a_budget_outside_the_limits_can_be_saved_for_later_but_not_continued(applicant_client, application):
    url = f"/applications/{application.id}/budget"
    line = {"budget_lines-0-item": "Tea", "budget_lines-0-category": "materials", "budget_lines-0-amount": "20"}
    response = applicant_client.submit(url, {"version": "1", **line})
    assert error_messages(response) == [
        "Your budget adds up to £20.00. The amount you ask for must be between £1,000.00 and £25,000.00."
    ]
    response = applicant_client.submit(url, {"version": "1", "save_later": "y", **line})
    assert response.headers["Location"] == f"/applications/{application.id}"
    assert application.amount_requested_pence == 2_000
    assert services.section_status(application, Section.BUDGET).value == "in_progress"
    assert "Your budget adds up to £20.00" in page(applicant_client.get(url)).get_text()


def test_check_your_answers_shows_everything_escaped_with_change_links(applicant_client, application):
    factories.complete(application, applicant_client.user)
    application.need = "<script>alert('need')</script>\nSecond line"
    db.session.flush()
    response = applicant_client.get(f"/applications/{application.id}/check-your-answers")
    shown = page(response)
    assert "<script>alert" not in response.get_data(as_text=True)
    assert "<script>alert('need')</script>" in shown.get_text()
    change_links = [a["href"] for a in shown.select(".govuk-summary-card__actions a")]
    assert change_links == [f"/applications/{application.id}/{section.slug}" for section in Section]
    assert "£5,000.50" in shown.get_text()
    assert shown.select_one("main button[type=submit]").get_text(strip=True) == "Submit application"
    assert "&lt;/script&gt;<br>Second line" in response.get_data(as_text=True)  # line breaks kept, nothing run


def test_an_incomplete_application_cannot_be_submitted(applicant_client, application):
    factories.complete(application, applicant_client.user, skip=(Section.DECLARATIONS,))
    shown = page(applicant_client.get(f"/applications/{application.id}/check-your-answers"))
    assert shown.select_one("main button[type=submit]") is None
    response = applicant_client.submit(f"/applications/{application.id}/check-your-answers")
    assert error_messages(response) == ["Complete ‘Declarations’ before you submit"]
    assert page(response).select_one(".govuk-error-summary__list a")["href"] == "#section-declarations"
    assert application.is_draft


def test_submitting_confirms_with_the_reference_and_emails_the_answers(applicant_client, application):
    factories.complete(application, applicant_client.user)
    response = applicant_client.submit(f"/applications/{application.id}/check-your-answers")
    assert response.headers["Location"] == f"/applications/{application.id}/confirmation"
    panel = page(applicant_client.get(response.headers["Location"])).select_one(".govuk-panel")
    assert application.reference in panel.get_text()
    message = queued_emails(to=applicant_client.user.email, template="applications/submitted")[0]
    email = render_email(message.template, message.context)
    assert email.subject == f"Application submitted: {application.reference}"
    assert "Tuesday Welcome Café" in email.text
    assert "Item 2 (venue):\n£1,000.50" in email.text
    assert "Tuesday Welcome Café" in email.html
    # Frozen: the sections send the group back to the application's page.
    response = applicant_client.get(f"/applications/{application.id}/budget")
    assert response.headers["Location"] == f"/applications/{application.id}"


def test_a_submission_after_the_deadline_is_refused_with_a_clear_message(applicant_client, application):
    factories.complete(application, applicant_client.user)
    application.round.closes_at = utcnow() - timedelta(minutes=1)
    db.session.flush()
    response = applicant_client.submit(f"/applications/{application.id}/check-your-answers")
    [message] = error_messages(response)
    assert message.startswith("This round closed on ")
    assert message.endswith("Applications can no longer be submitted.")
    assert application.reference is None


def test_after_submission_the_group_sees_progress_a_copy_and_can_withdraw(applicant_client, round_):
    member = applicant_client.user
    application = factories.submitted(round_, factories.group(member, name="Copy Group"), member)
    progress = page(applicant_client.get(f"/applications/{application.id}"))
    assert [h.get_text() for h in progress.select(".app-timeline__title")] == ["Submitted", "Application started"]
    copy = page(applicant_client.get(f"/applications/{application.id}/copy"))
    assert copy.select_one("h1").get_text(strip=True) == "Tuesday Welcome Café"
    assert application.reference in copy.get_text()
    assert "Sign-in sheets" in copy.get_text()

    response = applicant_client.submit(f"/applications/{application.id}/withdraw", {"reason": ""})
    assert error_messages(response) == ["Enter why you are withdrawing the application"]
    response = applicant_client.submit(f"/applications/{application.id}/withdraw", {"reason": "A partner funds us"})
    assert response.headers["Location"] == f"/applications/{application.id}"
    assert application.status is ApplicationStatus.WITHDRAWN
    progress = page(applicant_client.get(f"/applications/{application.id}"))
    assert "A partner funds us" in progress.select_one(".app-timeline").get_text()
    assert progress.find("a", string="Withdraw this application") is None
    response = applicant_client.get(f"/applications/{application.id}/withdraw")
    assert response.headers["Location"] == f"/applications/{application.id}"


def test_officers_read_the_frozen_application_not_later_changes(officer_client, make_user, round_):
    member = make_user(full_name="Asha Member")
    application = factories.submitted(round_, factories.group(member, name="Frozen Group"), member)
    application.title = "Changed after submission"  # cannot happen through the service; the snapshot stands
    db.session.flush()
    shown = page(officer_client.get(f"/funds/applications/{application.id}"))
    assert shown.select_one("h1").get_text(strip=True) == "Tuesday Welcome Café"
    assert "Frozen Group" in shown.get_text()
    draft = factories.draft(round_, factories.group(member, name="Draft Group"), member)
    assert officer_client.get(f"/funds/applications/{draft.id}").status_code == 404


def test_equality_monitoring_is_optional_and_shown_as_answered(applicant_client, application):
    url = f"/applications/{application.id}/equality-monitoring"
    assert applicant_client.submit(url, {}).status_code == 302
    response = applicant_client.submit(url, {"leadership": ["women", "made-up"]})
    assert error_messages(response) == ["Select answers from the list"]
    applicant_client.submit(url, {"led_by_communities": "yes", "leadership": ["women"]})
    task_list = page(applicant_client.get(f"/applications/{application.id}"))
    assert "Answered" in task_list.select("#optional-1-status")[0].get_text()


def test_a_conflicting_budget_save_shows_the_saved_lines(applicant_client, application, make_user):
    colleague = make_user(full_name="Ben Colleague")
    application.organisation.memberships.append(factories.organisations.Membership(user=colleague))
    services.save_section(
        application,
        Section.BUDGET,
        factories.budget(300_000),
        expected_version=1,
        complete=True,
        actor=Actor(colleague),
    )
    line = {"budget_lines-0-item": "Tea", "budget_lines-0-category": "materials", "budget_lines-0-amount": "2,000"}
    response = applicant_client.submit(f"/applications/{application.id}/budget", {"version": "1", **line})
    shown = page(response)
    assert "Ben Colleague saved changes" in shown.select_one(".govuk-error-summary").get_text()
    assert "Item 1 (Venue): £3,000.00" in shown.select_one("#saved-answers + .govuk-summary-list").get_text()
    assert field_values(response, "budget_lines-0-item") == ["Tea"]


def test_a_draft_in_a_closed_round_says_it_can_no_longer_be_submitted(applicant_client, application):
    application.round.closes_at = utcnow() - timedelta(days=1)
    db.session.flush()
    shown = page(applicant_client.get(f"/applications/{application.id}"))
    assert "You can no longer submit this application" in shown.select_one(".govuk-warning-text").get_text()
    listed = page(applicant_client.get("/applications"))
    assert "Not submitted" in listed.select_one("tbody").get_text()


def test_none_of_these_cannot_be_chosen_with_groups(applicant_client, application):
    url = f"/applications/{application.id}/equality-monitoring"
    response = applicant_client.submit(url, {"leadership": ["women", "none"]})
    assert error_messages(response) == ["Select ‘None of these’ on its own, or select the groups that apply"]
    exclusive = page(response).select("input[data-behaviour=exclusive]")
    assert [box["value"] for box in exclusive] == ["none", "prefer_not_to_say"]


def test_the_budgets_total_is_reported_at_the_first_amount(applicant_client, application):
    line = {"budget_lines-0-item": "Tea", "budget_lines-0-category": "materials", "budget_lines-0-amount": "20"}
    response = applicant_client.submit(f"/applications/{application.id}/budget", {"version": "1", **line})
    assert page(response).select_one(".govuk-error-summary__list a")["href"] == "#budget_lines-0-amount"
