"""Eligibility screening on the database: the computed checklist, the warning signs, the officer's result and
its effects, and the group's answer to a question."""

from datetime import date

import pytest
from sqlalchemy import select

from grantsfund.applications import services
from grantsfund.applications.models import ApplicationStatus
from grantsfund.applications.submission import timeline
from grantsfund.assessment import eligibility, signals
from grantsfund.assessment.eligibility import Decision
from grantsfund.assessment.models import EligibilityResult
from grantsfund.audit.models import AuditEvent
from grantsfund.common.actor import Actor
from grantsfund.common.errors import DomainError, InvalidTransition
from grantsfund.extensions import db
from grantsfund.organisations.models import DocumentKind, LegalForm
from grantsfund.rounds import services as rounds
from tests.applications import factories
from tests.conftest import queued_emails
from tests.rounds.factories import officer_actor


@pytest.fixture
def officer(make_user):
    return officer_actor(make_user)


@pytest.fixture
def round_(make_user):
    return factories.open_round(make_user)


@pytest.fixture
def member(make_user):
    return make_user(full_name="Asha Member", email="asha@example.org")


@pytest.fixture
def application(round_, member):
    return factories.submitted(round_, factories.group(member, name="Riverside Kitchen"), member)


def outcomes(items):
    return {item.key: item.passed for item in items}


def test_a_sound_application_meets_every_item(application):
    assert outcomes(eligibility.checklist(application)) == {
        "legal_form": True,
        "amount": True,
        "documents": True,
        "eligibility_answers": True,
        "dates": True,
    }
    assert eligibility.flags(application) == []


def test_the_checklist_reads_the_round_and_the_snapshot(application, officer):
    round_ = application.round
    keep = {"theme_ids": [t.id for t in round_.themes], "actor": officer, "documents": []}
    others = [form for form in LegalForm if form is not application.organisation.legal_form]
    round_.status = round_.status.DRAFT  # an officer's later change, as if made before opening
    rounds.set_themes_and_legal_forms(round_, legal_forms=others, **keep)
    round_.maximum_grant_pence = 200_000
    for attachment in application.attachments:
        if attachment.kind is DocumentKind.ACCOUNTS:
            attachment.document.dated = date(2001, 3, 31)
    items = {item.key: item for item in eligibility.checklist(application)}
    assert not items["legal_form"].passed
    assert not items["amount"].passed
    assert "£5,000.50" in items["amount"].detail
    assert items["documents"].passed  # the round now asks for none
    round_.required_documents = ["accounts"]
    items = {item.key: item for item in eligibility.checklist(application)}
    assert not items["documents"].passed
    assert "Latest accounts out of date" in items["documents"].detail


def test_warning_signs_name_shared_details_and_copied_wording(round_, application, make_user):
    other_member = make_user(full_name="Ola Other")
    twin = factories.group(other_member, name="Riverside Kitchen Too")
    twin.postcode = application.organisation.postcode
    twin.contact_email = application.organisation.contact_email.upper()
    copy = factories.submitted(round_, twin, other_member)  # the factories write the same words
    kinds = [flag.kind for flag in eligibility.flags(application)]
    assert kinds == ["same_contact_email", "same_postcode", "copied_text"]
    details = [flag.detail for flag in eligibility.flags(application)]
    assert details[0] == "The same contact email as Riverside Kitchen Too"
    assert details[2] == f"100% of the wording is also in {copy.reference} (Riverside Kitchen Too)"


def test_copied_share_ignores_case_and_punctuation_but_not_rewording():
    first = signals.shingles("We run a weekly café where neighbours cook and eat together every Tuesday.")
    same = signals.shingles("we run a WEEKLY café, where neighbours cook and eat together every tuesday")
    reworded = signals.shingles("Every Tuesday neighbours meet at our café to prepare and share a meal.")
    assert signals.copied_share(first, same) == 1
    assert signals.copied_share(first, reworded) == 0
    assert signals.copied_share(first, set()) == 0


def test_a_second_bid_from_the_same_group_is_flagged(round_, application, member):
    second = factories.submitted(round_, application.organisation, member)
    assert "second_bid" in [flag.kind for flag in eligibility.flags(second)]


def test_eligible_moves_the_application_on_and_tells_the_group(application, officer):
    check = eligibility.record_decision(
        application, Decision(EligibilityResult.ELIGIBLE, "All in order"), actor=officer
    )
    assert application.status is ApplicationStatus.ELIGIBLE
    assert check.checklist[0]["key"] == "legal_form"
    assert [m.recipient for m in queued_emails(template="assessment/eligible")] == [
        application.organisation.contact_email,
        "asha@example.org",
    ]
    assert timeline(application)[0].title == "Eligible: going on to assessment"
    with pytest.raises(DomainError, match="eligibility is settled"):
        eligibility.record_decision(application, Decision(EligibilityResult.INELIGIBLE, "No", "No"), actor=officer)


def test_ineligible_needs_feedback_which_the_group_sees_but_not_the_reasons(application, officer):
    with pytest.raises(DomainError, match="Enter feedback"):
        eligibility.record_decision(application, Decision(EligibilityResult.INELIGIBLE, "Outside area"), actor=officer)
    assert application.status is ApplicationStatus.SUBMITTED
    decision = Decision(EligibilityResult.INELIGIBLE, "Internal: outside area", "Your group is outside the borough.")
    eligibility.record_decision(application, decision, actor=officer)
    assert application.status is ApplicationStatus.INELIGIBLE
    latest = timeline(application)[0]
    assert (latest.title, latest.detail) == ("Not eligible", "Your group is outside the borough.")
    assert "Internal" not in str([entry.detail for entry in timeline(application)])
    assert len(queued_emails(template="assessment/ineligible")) == 2
    with pytest.raises(InvalidTransition):
        services.move(application, ApplicationStatus.ELIGIBLE)


def test_more_information_keeps_the_bid_frozen_and_adds_the_answer(application, officer, member, make_user):
    question = Decision(EligibilityResult.MORE_INFORMATION, "Unclear", question="Who runs the sessions?")
    eligibility.record_decision(application, question, actor=officer)
    assert application.status is ApplicationStatus.SUBMITTED
    request = eligibility.open_request(application)
    assert request.question == "Who runs the sessions?"
    with pytest.raises(DomainError, match="not answered the last question"):
        eligibility.record_decision(application, question, actor=officer)
    outsider = make_user(full_name="Not A Member")
    with pytest.raises(DomainError, match="Only a member"):
        eligibility.answer_request(request, answer="Me", actor=Actor(outsider))
    with pytest.raises(DomainError, match="Enter your answer"):
        eligibility.answer_request(request, answer="  ", actor=Actor(member))
    eligibility.answer_request(request, answer="Two trained volunteers.", actor=Actor(member))
    assert eligibility.open_request(application) is None
    with pytest.raises(DomainError, match="already been answered"):
        eligibility.answer_request(request, answer="Again", actor=Actor(member))
    assert application.snapshot.data["data"]["title"] == "Tuesday Welcome Café"
    assert [m.template for m in queued_emails(to=officer.user.email)] == ["assessment/information_given"]
    titles = [entry.title for entry in timeline(application)]
    assert titles[:2] == ["More information sent", "We asked for more information"]


def test_every_result_is_audited_with_the_checklist_kept(application, officer):
    eligibility.record_decision(application, Decision(EligibilityResult.ELIGIBLE, "Fine"), actor=officer)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "application.found_eligible")).one()
    assert event.after == {"status": "eligible", "reasons": "Fine", "feedback": None}
    assert len(eligibility.checks_for(application)) == 1
