"""Monitoring returns through the services: starting one (and what it is prefilled with), each section's rules,
what stops submission, submitting a frozen version, the officer's review (changes requested and a new version, or
acceptance releasing the payments held for it), evidence, and grants that have ended being read-only."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from grantsfund.agreements import termination
from grantsfund.agreements.models import AgreementStatus
from grantsfund.applications.models import Community
from grantsfund.common.dates import london_today
from grantsfund.common.errors import DomainError, InvalidTransition
from grantsfund.extensions import db
from grantsfund.monitoring import returns
from grantsfund.monitoring.models import Delivery, ReturnSection, ReturnStatus, ReviewOutcome
from grantsfund.monitoring.returns import Incomplete, NotReady
from grantsfund.panel.decisions import DecisionAnswers
from grantsfund.panel.models import Outcome
from grantsfund.payments import holds
from grantsfund.payments import services as payments
from grantsfund.payments.models import InstalmentStatus
from tests.agreements import factories as agreements
from tests.agreements.factories import events
from tests.conftest import queued_emails
from tests.monitoring.factories import (
    PNG,
    complete_answers,
    filled,
    member_of,
    noon,
    period_of,
    started,
)
from tests.organisations import factories as organisations


@pytest.fixture
def first(unmoved):
    """Period 1's return, started on the period's first day."""
    return started(unmoved)


def save(ret, section, answers, *, completed=True):
    returns.save_section(ret, section, answers, completed=completed, actor=member_of(ret.agreement))


def messages(error: Incomplete) -> list[str]:
    return [problem.message for problem in error.problems]


# Starting ------------------------------------------------------------------------------------------------------


def test_a_return_starts_with_the_targets_the_budget_and_the_periods_planned_activities(unmoved, first):
    period = period_of(unmoved, 1)
    assert (first.period, first.status, first.completed_sections) == (period, ReturnStatus.IN_PROGRESS, [])
    [target] = unmoved.in_force.targets
    [outcome] = first.outcomes
    assert (outcome.indicator_id, outcome.target, outcome.unit, outcome.actual) == (
        target["indicator_id"],
        80,
        "people",
        None,
    )
    # The bid asked for what it was awarded: the lines are as asked, with nothing spent yet.
    assert [(line.item, line.budget_pence, line.spent_pence) for line in first.spend] == [
        ("Item 1", 400_000, None),
        ("Item 2", 100_050, None),
    ]
    # The timetable's activity for the month the period starts in; none planned for later periods.
    assert first.activities == [
        {"month": period.starts_on.replace(day=1).isoformat(), "planned": "First café", "delivery": None, "comment": ""}
    ]
    [event] = events("monitoring_return.started", first)
    assert event.after == {"period": 1, "outcomes": 1, "spend_lines": 2}
    assert started(unmoved, 2).activities == []


def test_each_planned_activity_is_asked_about_in_exactly_one_return():
    # The grant started later than the bid planned, and ends before its last planned month.
    periods = [
        SimpleNamespace(number=1, starts_on=date(2026, 4, 25), ends_on=date(2026, 10, 23), final=False),
        SimpleNamespace(number=2, starts_on=date(2026, 10, 24), ends_on=date(2027, 4, 24), final=True),
    ]
    months = ["2026-02-01", "2026-04-01", "2026-10-01", "2026-11-01", "2027-04-01", "2027-06-01"]
    timetable = [{"month": month, "description": f"Session in {month}"} for month in months]
    application = SimpleNamespace(snapshot=SimpleNamespace(data={"data": {"activities": timetable}}))

    asked = [[entry["month"] for entry in returns.planned_activities(application, period)] for period in periods]

    assert asked == [months[:3], months[3:]]


def test_a_return_cannot_start_before_its_period_and_starting_again_gives_the_same_one(unmoved):
    period = period_of(unmoved, 2)
    with pytest.raises(DomainError) as refused:
        returns.start(period, actor=member_of(unmoved), now=noon(period.starts_on - timedelta(days=1)))
    assert refused.value.message == (
        f"You can start the return for period 2 from {period.starts_on.day} {period.starts_on:%B %Y}, when the"
        " period begins"
    )
    assert returns.return_for(period) is None
    made = returns.start(period, actor=member_of(unmoved), now=noon(period.starts_on))
    again = returns.start(period, actor=member_of(unmoved), now=noon(period.starts_on))
    assert again.id == made.id
    assert len(events("monitoring_return.started", made)) == 1


def test_the_budget_is_scaled_to_a_reduced_award_in_whole_pence_adding_up_to_it(round_, officer, make_user, people):
    reduced = DecisionAnswers(Outcome.APPROVED_REDUCED, amount_pence=450_000, reasons="Venue costs less")
    agreement = agreements.accepted(agreements.awarded(round_, officer, make_user, people, reduced), officer)
    ret = started(agreement)
    # £4,000 and £1,000.50 asked, £4,500 awarded: shares of 359,964.0036p and 90,035.9964p.
    assert [line.budget_pence for line in ret.spend] == [359_964, 90_036]
    assert sum(line.budget_pence for line in ret.spend) == agreement.amount_pence


def test_spend_so_far_is_carried_over_from_the_previous_periods_return(unmoved, first):
    filled(first)
    save(first, ReturnSection.SPEND, [returns.Spent(150_000, "New kitchen early"), returns.Spent(30_000)])
    second = started(unmoved, 2)
    assert [(line.spent_pence, line.explanation) for line in second.spend] == [(150_000, ""), (30_000, "")]


def test_a_return_cannot_start_once_the_grant_has_ended(unmoved, officer):
    termination.terminate(unmoved, reason="Stopped", terminated_on=london_today(), amount_owed_pence=0, actor=officer)
    with pytest.raises(InvalidTransition, match="This grant is terminated"):
        started(unmoved)


# Each section --------------------------------------------------------------------------------------------------


def test_a_section_is_saved_and_marked_complete_or_not_with_an_audit_event(first):
    save(first, ReturnSection.PROGRESS, "  Twelve families came.  ", completed=False)
    assert (first.progress, returns.is_completed(first, ReturnSection.PROGRESS)) == ("Twelve families came.", False)
    save(first, ReturnSection.PROGRESS, "Twelve families came.")
    assert first.completed_sections == ["progress"]
    save(first, ReturnSection.RISKS, "None")
    save(first, ReturnSection.PROGRESS, "Thirteen families came.", completed=False)
    assert first.completed_sections == ["risks"]
    saved = events("monitoring_return.saved", first)
    assert [(event.after["section"], event.after["completed"]) for event in saved] == [
        ("progress", False),
        ("progress", True),
        ("risks", True),
        ("progress", False),
    ]
    assert saved[0].actor_id == first.agreement.application.created_by_id


@pytest.mark.parametrize(
    ("section", "message"),
    [
        (ReturnSection.PROGRESS, "Tell us how the project has gone in this period"),
        (ReturnSection.RISKS, "Tell us about any risks or problems, or write ‘None’"),
        (ReturnSection.SUSTAINABILITY, "Tell us how you are getting on with keeping the work going after the grant"),
    ],
)
def test_a_text_section_needs_an_answer_to_be_complete_but_not_to_be_saved(first, section, message):
    with pytest.raises(Incomplete) as refused:
        save(first, section, "  ")
    assert messages(refused.value) == [message]
    assert not returns.is_completed(first, section)
    save(first, section, "", completed=False)
    with pytest.raises(Incomplete, match="10,000 characters or fewer"):
        save(first, section, "x" * 10_001, completed=False)


def test_each_planned_activity_needs_how_much_was_done_and_why_if_not_all(first):
    partly = returns.Activities(planned=[returns.PlannedActivity(Delivery.PARTLY)])
    with pytest.raises(Incomplete) as refused:
        save(first, ReturnSection.ACTIVITIES, returns.Activities(planned=[returns.PlannedActivity(None)]))
    assert messages(refused.value) == ["Select how far activity 1 was delivered"]
    with pytest.raises(Incomplete) as refused:
        save(first, ReturnSection.ACTIVITIES, partly)
    assert [(p.field, p.message) for p in refused.value.problems] == [
        ("activity_comment_1", "Say why activity 1 was not fully delivered")
    ]
    assert first.activities[0]["delivery"] is None  # nothing saved
    answers = returns.Activities(
        planned=[returns.PlannedActivity(Delivery.PARTLY, "Only two of four sessions: the hall flooded")],
        added=[returns.AddedActivity("A trip to the coast", "Forty came")],
    )
    save(first, ReturnSection.ACTIVITIES, answers)
    assert [(entry["planned"], entry["delivery"], entry.get("added", False)) for entry in first.activities] == [
        ("First café", "partly", False),
        ("A trip to the coast", "delivered", True),
    ]
    assert returns.current_answers(first, ReturnSection.ACTIVITIES) == answers


def test_people_are_counted_by_community_and_one_of_the_applications_wards_or_none(first):
    [ward] = returns.wards_for(first)
    other_ward = organisations.ward("Hillside", "E05099012")
    with pytest.raises(Incomplete) as refused:
        save(first, ReturnSection.BENEFICIARIES, [])
    assert messages(refused.value) == ["Enter the people who took part, by community and ward"]
    with pytest.raises(Incomplete) as refused:
        save(first, ReturnSection.BENEFICIARIES, [returns.Beneficiaries(Community.NEWCOMERS, other_ward.id, 3)])
    assert messages(refused.value) == ["Select a ward from the list"]
    twice = [
        returns.Beneficiaries(Community.NEWCOMERS, ward.id, 3),
        returns.Beneficiaries(Community.NEWCOMERS, ward.id, 4),
    ]
    with pytest.raises(Incomplete) as refused:
        save(first, ReturnSection.BENEFICIARIES, twice)
    assert messages(refused.value) == [
        f"Newcomers to the area in {ward.name} is entered twice: add the numbers together in one row"
    ]
    rows = [
        returns.Beneficiaries(Community.NEWCOMERS, ward.id, 12),
        returns.Beneficiaries(Community.OLDER_PEOPLE, None, 0),
    ]
    save(first, ReturnSection.BENEFICIARIES, rows)
    assert [(row.community, row.ward_id, row.people) for row in first.beneficiaries] == [
        ("newcomers", ward.id, 12),
        ("older_people", None, 0),
    ]
    assert returns.describe(first)["people_total"] == 12
    assert returns.describe(first)["beneficiaries"][1]["ward"] == "Ward not known"


def test_each_outcome_needs_a_figure_and_a_percentage_is_at_most_100(first):
    [outcome] = first.outcomes
    measure = outcome.indicator.measure
    with pytest.raises(Incomplete) as refused:
        save(first, ReturnSection.OUTCOMES, [returns.OutcomeActual(None)])
    assert [(p.field, p.message) for p in refused.value.problems] == [("actual_1", f"Enter the figure for ‘{measure}’")]
    save(first, ReturnSection.OUTCOMES, [returns.OutcomeActual(None, "Counting next month")], completed=False)
    save(first, ReturnSection.OUTCOMES, [returns.OutcomeActual(500)])
    assert outcome.actual == 500
    outcome.indicator.unit = "percent"  # a percentage by the library, whatever unit the group typed
    with pytest.raises(Incomplete) as refused:
        save(first, ReturnSection.OUTCOMES, [returns.OutcomeActual(101)], completed=False)
    assert messages(refused.value) == [f"Enter a figure between 0 and 100 for ‘{measure}’"]
    assert outcome.actual == 500


def test_spending_far_from_what_was_expected_needs_an_explanation(first):
    expected = [returns.spend_variance(first, line, 0).expected_pence for line in first.spend]
    assert expected == [132_847, 33_228]  # 182 of the grant's 548 days have passed by the period's end
    over = expected[0] + expected[0] // 10 + 1  # more than 10% above
    at_threshold = expected[1] - expected[1] // 10  # 10% below, to the penny rounded down: within it
    with pytest.raises(Incomplete) as refused:
        save(first, ReturnSection.SPEND, [returns.Spent(over), returns.Spent(at_threshold)])
    assert [(p.field, p.message) for p in refused.value.problems] == [
        ("explanation_1", "Explain why you have spent more than expected on Item 1")
    ]
    with pytest.raises(Incomplete) as refused:
        save(first, ReturnSection.SPEND, [returns.Spent(None), returns.Spent(0)])
    assert messages(refused.value) == [
        "Enter what you have spent on Item 1 so far",
        "Explain why you have spent less than expected on Item 2",
    ]
    # Not complete yet: kept as typed, explanations or not.
    save(first, ReturnSection.SPEND, [returns.Spent(over), returns.Spent(None)], completed=False)
    assert [line.spent_pence for line in first.spend] == [over, None]
    save(first, ReturnSection.SPEND, [returns.Spent(over, "We bought the oven early"), returns.Spent(at_threshold)])
    described = returns.describe(first)["spend"]
    assert [(line["varies"], line["difference_percent"]) for line in described] == [(True, 10), (False, -10)]


def test_a_story_needs_its_title_and_the_consent_of_the_people_in_it(first):
    save(first, ReturnSection.STORY, returns.Story())
    assert returns.is_completed(first, ReturnSection.STORY)  # a story is optional
    with pytest.raises(Incomplete) as refused:
        save(first, ReturnSection.STORY, returns.Story(story="Amira found work through the café."))
    assert messages(refused.value) == [
        "Enter a title for the story",
        "Confirm that the people in the story agreed to the council using it",
        "Say how and when they gave their consent",
    ]
    assert first.story == ""
    story = returns.Story("Amira’s new job", "Amira found work through the café.", True, "Signed form, 3 March")
    save(first, ReturnSection.STORY, story)
    assert (first.story_title, first.story_consent, first.story_consent_note) == (
        "Amira’s new job",
        True,
        "Signed form, 3 March",
    )


# Submitting ----------------------------------------------------------------------------------------------------


def test_what_stops_submission_is_listed_section_by_section(first):
    assert returns.problems(first) == [(section, f"Complete ‘{section.heading}’") for section in ReturnSection]
    filled(first, skip=(ReturnSection.STORY, ReturnSection.EVIDENCE))
    assert returns.problems(first) == [
        (ReturnSection.STORY, "Complete ‘A story from the project’"),
        (ReturnSection.EVIDENCE, "Complete ‘Evidence’"),
    ]
    with pytest.raises(NotReady) as refused:
        returns.submit(first, actor=member_of(first.agreement))
    assert refused.value.problems == returns.problems(first)
    assert (first.status, first.submissions) == (ReturnStatus.IN_PROGRESS, [])


def test_submitting_freezes_every_answer_and_tells_the_officer_who_issued_the_agreement(unmoved, first):
    filled(first)
    member = member_of(unmoved)
    version = returns.submit(first, actor=member, now=noon(period_of(unmoved, 1).ends_on))
    assert (version.number, version.submitted_by_id, version.outcome) == (1, member.user_id, None)
    assert (first.status, first.submitted_at) == (ReturnStatus.SUBMITTED, version.submitted_at)
    assert version.data == returns.describe(first)
    assert version.data["outcomes"][0]["actual_label"] == "10 people"
    assert version.data["period"]["number"] == 1
    [event] = events("monitoring_return.submitted", first)
    assert (event.before, event.after) == ({"status": "in_progress"}, {"status": "submitted", "version": 1})
    [email] = queued_emails(template="monitoring/submitted")
    assert email.recipient == unmoved.issued_by.email
    assert email.context["return_id"] == first.id
    # Sent: no more changes, and no second submission.
    with pytest.raises(InvalidTransition, match="This return is submitted"):
        save(first, ReturnSection.RISKS, "A new risk")
    with pytest.raises(InvalidTransition):
        returns.submit(first, actor=member)


def test_changes_requested_reopen_the_sections_and_the_resubmission_is_a_new_version(unmoved, first, officer):
    filled(first)
    returns.submit(first, actor=member_of(unmoved))
    with pytest.raises(DomainError, match="Write what needs to change"):
        returns.request_changes(first, comments={ReturnSection.SPEND: "  "}, note=" ", actor=officer)
    returns.request_changes(
        first,
        comments={ReturnSection.SPEND: "Item 2 looks low: is a receipt missing?", ReturnSection.RISKS: ""},
        note="Nearly there.",
        actor=officer,
    )
    [version] = first.submissions
    assert (version.outcome, version.comments, version.review_note, version.reviewed_by_id) == (
        ReviewOutcome.CHANGES_REQUESTED,
        {"spend": "Item 2 looks low: is a receipt missing?"},
        "Nearly there.",
        officer.user_id,
    )
    assert first.status is ReturnStatus.CHANGES_REQUESTED
    assert "spend" not in first.completed_sections
    assert returns.problems(first) == [(ReturnSection.SPEND, "Complete ‘Spending’")]
    assert returns.officer_comments(first) == {"spend": "Item 2 looks low: is a receipt missing?"}
    emails = queued_emails(template="monitoring/changes_requested")
    assert [email.recipient for email in emails] == [
        unmoved.organisation.contact_email,
        unmoved.application.submitted_by.email,
    ]
    assert emails[0].context["comments"] == [
        {"heading": "Spending", "comment": "Item 2 looks low: is a receipt missing?"}
    ]
    [event] = events("monitoring_return.changes_requested", first)
    assert event.after["sections"] == ["spend"]

    first_data = dict(version.data)
    answers = complete_answers(first)[ReturnSection.SPEND]
    save(first, ReturnSection.SPEND, [answers[0], returns.Spent(answers[1].spent_pence + 500)])
    second = returns.submit(first, actor=member_of(unmoved))
    assert [item.number for item in first.submissions] == [1, 2]
    assert second.data["spend"][1]["spent_pence"] == first_data["spend"][1]["spent_pence"] + 500
    db.session.refresh(version)
    assert version.data == first_data  # the first version as it was reviewed
    assert returns.officer_comments(first) == {}


def test_accepting_releases_the_payment_held_for_the_return(unmoved, first, officer):
    second_instalment = payments.instalments_for(unmoved)[1]
    assert holds.hold_waiting(now=noon(second_instalment.due_on)) == 1
    assert second_instalment.status is InstalmentStatus.HELD
    filled(first)
    returns.submit(first, actor=member_of(unmoved))
    with pytest.raises(DomainError, match="characters or fewer"):
        returns.accept(first, note="x" * 2001, actor=officer)

    released = returns.accept(first, note="Thank you: a clear return.", actor=officer)

    assert released == [second_instalment]
    assert (second_instalment.status, second_instalment.held_automatically) == (InstalmentStatus.DUE, False)
    assert (first.status, first.accepted_by_id) == (ReturnStatus.ACCEPTED, officer.user_id)
    assert period_of(unmoved, 1).return_accepted_at == first.accepted_at
    [version] = first.submissions
    assert (version.outcome, version.review_note) == (ReviewOutcome.ACCEPTED, "Thank you: a clear return.")
    [event] = events("monitoring_return.accepted", first)
    assert event.after == {"status": "accepted", "version": 1, "released": [2]}
    assert len(events("payment.released", second_instalment)) == 1
    [email, *_] = queued_emails(template="monitoring/accepted")
    assert email.context["released"] == [{"number": 2, "amount": "£1,666.00"}]
    # Only once.
    with pytest.raises(InvalidTransition, match="This return is accepted: there is nothing to review"):
        returns.accept(first, actor=officer)


def test_figures_accepted_earlier_show_as_the_grant_so_far(unmoved, first, officer):
    filled(first)
    returns.submit(first, actor=member_of(unmoved))
    returns.accept(first, actor=officer)
    second = started(unmoved, 2)
    save(second, ReturnSection.OUTCOMES, [returns.OutcomeActual(15)])
    [outcome] = returns.describe_outcomes(second)
    assert (outcome["earlier"], outcome["grant_total"], outcome["grant_total_label"]) == (10, 25, "25 people")


# Evidence ------------------------------------------------------------------------------------------------------


def test_evidence_is_checked_like_a_document_and_removed_only_until_it_is_sent(
    app, unmoved, first, officer, monkeypatch
):
    member = member_of(unmoved)
    with pytest.raises(DomainError) as refused:
        returns.add_evidence(
            first, filename="run.exe", data=b"MZ\x90\x00" + b"\x00" * 50, description="x", actor=member
        )
    assert refused.value.field == "file"
    monkeypatch.setitem(app.config, "UPLOAD_MAX_MB", 1)
    with pytest.raises(DomainError, match="The selected file must be smaller than 1MB"):
        returns.add_evidence(first, filename="big.png", data=PNG + b"\x00" * 1024 * 1024, description="x", actor=member)
    with pytest.raises(DomainError, match="Say what the file shows"):
        returns.add_evidence(first, filename="photo.png", data=PNG, description=" ", actor=member)
    assert first.evidence == []

    kept = returns.add_evidence(first, filename="photo.png", data=PNG, description="The summer trip", actor=member)
    assert (kept.filename, kept.content_type, kept.size_bytes) == ("photo.png", "image/png", len(PNG))
    assert returns.read_evidence(kept) == PNG
    extra = returns.add_evidence(first, filename="extra.png", data=PNG, description="Another", actor=member)
    returns.remove_evidence(extra, actor=member)
    assert [item.filename for item in first.evidence] == ["photo.png"]
    assert [event.after["filename"] for event in events("monitoring_return.evidence_added", first)] == [
        "photo.png",
        "extra.png",
    ]
    assert events("monitoring_return.evidence_removed", first)[0].before["filename"] == "extra.png"

    filled(first)
    returns.submit(first, actor=member)
    returns.request_changes(first, comments={ReturnSection.EVIDENCE: "Add the register"}, note="", actor=officer)
    with pytest.raises(DomainError, match="photo.png was sent with version 1 of the return, so it is kept with it"):
        returns.remove_evidence(kept, actor=member)
    assert first.submissions[0].data["evidence"][0]["id"] == kept.id
    monkeypatch.setattr(returns, "MAX_EVIDENCE", 1)
    with pytest.raises(DomainError, match="at most 1 files: remove one added since the return was last sent") as full:
        returns.add_evidence(first, filename="register.png", data=PNG, description="The register", actor=member)
    assert full.value.field == "file"


# Ended grants --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("ending", ["terminated", "closed"])
def test_returns_of_a_grant_that_has_ended_are_read_only(unmoved, first, officer, ending):
    filled(first, skip=(ReturnSection.RISKS,))
    if ending == "terminated":
        termination.terminate(
            unmoved, reason="Stopped", terminated_on=london_today(), amount_owed_pence=0, actor=officer
        )
    else:
        unmoved.status = AgreementStatus.CLOSED  # as the closure does, once everything is done
    with pytest.raises(
        InvalidTransition, match=f"This grant is {ending}: its returns can no longer be started or changed"
    ):
        save(first, ReturnSection.RISKS, "None")
    with pytest.raises(InvalidTransition):
        returns.add_evidence(first, filename="photo.png", data=PNG, description="Trip", actor=member_of(unmoved))
    with pytest.raises(InvalidTransition):
        returns.submit(first, actor=member_of(unmoved))
    assert first.status is ReturnStatus.IN_PROGRESS


@pytest.mark.parametrize("issuer", ["disabled", "gone"])
def test_a_return_sent_when_the_issuing_officer_cannot_hear_goes_to_every_active_grants_officer(
    unmoved, first, make_user, issuer
):
    from grantsfund.accounts.models import Role
    from grantsfund.common.dates import utcnow

    other = make_user(roles={Role.GRANTS_OFFICER}, full_name="Another Officer")
    finance = make_user(roles={Role.FINANCE_OFFICER})
    away = make_user(roles={Role.GRANTS_OFFICER}, full_name="Away Officer")
    away.disabled_at = utcnow()
    issuing = unmoved.issued_by
    if issuer == "disabled":
        issuing.disabled_at = utcnow()
    else:
        unmoved.issued_by = None
    filled(first)
    returns.submit(first, actor=member_of(unmoved))

    told = {email.recipient for email in queued_emails(template="monitoring/submitted")}
    assert other.email in told
    assert away.email not in told
    assert finance.email not in told
    assert (issuing.email in told) is (issuer == "gone")  # an issuer merely unlinked is still an active officer
