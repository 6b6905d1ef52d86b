"""Eligibility screening over HTTP, with CSRF: the officer's check page, the result form's messages, and the
group's answer page."""

import pytest

from grantsfund.applications.models import ApplicationStatus
from grantsfund.assessment import eligibility
from grantsfund.assessment.eligibility import Decision
from grantsfund.assessment.models import EligibilityResult
from tests.applications import factories
from tests.conftest import error_messages, page
from tests.fuzzing import assert_no_server_error
from tests.rounds.factories import officer_actor


@pytest.fixture
def application(make_user, applicant_client):
    round_ = factories.open_round(make_user)
    member = applicant_client.user
    return factories.submitted(round_, factories.group(member, name="Screened Group"), member)


def url(application):
    return f"/funds/applications/{application.id}/eligibility"


def test_the_check_page_shows_the_checklist_and_no_warning_signs(officer_client, application):
    shown = page(officer_client.get(url(application)))
    keys = [key.get_text(strip=True) for key in shown.select(".govuk-summary-list__key")]
    assert keys == [
        "Kind of organisation can apply",
        "Amount within the round’s limits",
        "Documents present and current",
        "Eligibility questions answered to qualify",
        "Project dates within the round’s period",
    ]
    assert [tag.get_text(strip=True) for tag in shown.select(".govuk-summary-list .govuk-tag")] == ["Met"] * 5
    assert "None found" in shown.get_text()


def test_each_result_asks_for_what_it_needs_keeping_what_was_typed(officer_client, application):
    response = officer_client.submit(url(application), {"result": "ineligible", "question": "Ignored"})
    assert error_messages(response) == [
        "Enter the reasons for your decision",
        "Enter feedback for the group explaining why it is not eligible",
    ]
    assert page(response).select_one("textarea[name=question]").get_text() == "Ignored"
    response = officer_client.submit(url(application), {"result": "more_information", "reasons": "Unclear"})
    assert error_messages(response) == ["Enter what you need the group to tell you"]
    response = officer_client.submit(url(application), {"reasons": "x"})
    assert error_messages(response) == ["Select whether the application is eligible"]
    assert application.status is ApplicationStatus.SUBMITTED


def test_finding_eligible_settles_the_page(officer_client, application):
    response = officer_client.submit(url(application), {"result": "eligible", "reasons": "All in order"})
    assert response.headers["Location"] == f"/funds/applications/{application.id}"
    shown = page(officer_client.get(url(application)))
    assert shown.select_one("main form") is None
    assert "its eligibility is settled" in shown.select_one(".govuk-warning-text").get_text()
    assert "All in order" in shown.get_text()


def test_the_group_answers_the_question_from_its_application_page(applicant_client, application, make_user):
    question = Decision(EligibilityResult.MORE_INFORMATION, "Unclear", question="Who runs the <b>sessions</b>?")
    eligibility.record_decision(application, question, actor=officer_actor(make_user))
    request = eligibility.open_request(application)
    progress = page(applicant_client.get(f"/applications/{application.id}"))
    link = progress.select_one(".govuk-notification-banner a")
    assert link["href"] == f"/applications/{application.id}/questions/{request.id}"
    answer_page = applicant_client.get(link["href"])
    assert "Who runs the <b>sessions</b>?" in page(answer_page).select_one(".govuk-inset-text").get_text()
    response = applicant_client.submit(link["href"], {"answer": ""})
    assert error_messages(response) == ["Enter your answer"]
    response = applicant_client.submit(link["href"], {"answer": "Two volunteers"})
    assert response.headers["Location"] == f"/applications/{application.id}"
    assert request.answer == "Two volunteers"
    shown = page(applicant_client.get(link["href"]))
    assert shown.select_one("main form") is None
    assert "Two volunteers" in shown.get_text()


def test_the_forms_never_answer_with_a_server_error(officer_client, applicant_client, application, make_user):
    values = ["eligible", "ineligible", "more_information", "<script>", "x" * 6000]
    assert_no_server_error(
        officer_client, url(application), ["result", "reasons", "feedback", "question"], extra_values=values
    )
    question = Decision(EligibilityResult.MORE_INFORMATION, "Unclear", question="Who?")
    eligibility.record_decision(application, question, actor=officer_actor(make_user))
    request = eligibility.open_request(application)
    answer_url = f"/applications/{application.id}/questions/{request.id}"
    assert_no_server_error(applicant_client, answer_url, ["answer"], extra_values=values)
