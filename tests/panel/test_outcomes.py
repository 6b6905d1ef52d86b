"""After the meeting: confirming the minutes closes the log; publishing moves each bid on, records the outcome
without the panel's private reasons, and sends each group its letter. A deferred bid can go to a later panel."""

import json

import pytest
from sqlalchemy import select

from grantsfund.applications import submission
from grantsfund.applications.models import ApplicationStatus
from grantsfund.audit.models import AuditEvent
from grantsfund.common.actor import Actor
from grantsfund.common.errors import DomainError
from grantsfund.extensions import db
from grantsfund.notifications.rendering import render_email
from grantsfund.panel import decisions, meetings, outcomes
from grantsfund.panel.decisions import DecisionAnswers
from grantsfund.panel.models import MeetingStatus, Outcome
from tests.conftest import queued_emails
from tests.panel.factories import all_present, meeting, ranked

PRIVATE = "Private: the treasurer seemed evasive"
LETTERS = ("panel/offer", "panel/declined", "panel/deferred")


@pytest.fixture
def round_(round_):
    round_.budget_pence = 5_000_000
    return round_


def at_panel(round_, officer, people, bids):
    held = meeting(round_, officer, people)
    items = meetings.add_to_agenda(held, [bid.id for bid in bids], actor=officer)
    all_present(held, people[0])
    return held, items


def letters_about(application):
    return [m for m in queued_emails() if m.template in LETTERS and m.context.get("reference") == application.reference]


# Confirming the minutes ----------------------------------------------------------------------------------------


def test_the_minutes_wait_for_every_item_and_name_those_undecided(round_, officer, make_user, people, chair):
    bids = ranked(round_, officer, make_user, 3)
    held, items = at_panel(round_, officer, people, bids)
    decisions.record(items[0], DecisionAnswers(Outcome.DEFERRED, reasons="Need a venue"), actor=chair)
    with pytest.raises(DomainError) as refused:
        outcomes.confirm_minutes(held, minutes="Met and decided.", actor=officer)
    assert str(refused.value) == (
        f"The panel has not decided on every item yet: {items[1].application.reference}, "
        f"{items[2].application.reference}"
    )
    assert held.status is MeetingStatus.IN_PROGRESS
    for item in items[1:]:
        decisions.record(item, DecisionAnswers(Outcome.DEFERRED, reasons="Need a venue"), actor=chair)
    with pytest.raises(DomainError, match="Enter the minutes of the meeting") as refused:
        outcomes.confirm_minutes(held, minutes="   ", actor=officer)
    assert refused.value.field == "minutes"
    outcomes.confirm_minutes(held, minutes="  Met and deferred three bids.  ", actor=officer)
    assert held.status is MeetingStatus.MINUTES_CONFIRMED
    assert held.minutes == "Met and deferred three bids."
    assert held.minutes_confirmed_by_id == officer.user_id


def test_confirmed_minutes_close_the_log_and_the_attendance(round_, officer, make_user, people, chair):
    [bid] = ranked(round_, officer, make_user, 1)
    held, [item] = at_panel(round_, officer, people, [bid])
    decided = decisions.record(item, DecisionAnswers(Outcome.DEFERRED, reasons="Need a venue"), actor=chair)
    outcomes.confirm_minutes(held, minutes="Deferred one bid.", actor=officer)
    with pytest.raises(DomainError, match="This meeting is minutes confirmed: decisions cannot be recorded"):
        decisions.record(
            item,
            DecisionAnswers(Outcome.APPROVED, reasons="Changed our minds"),
            actor=chair,
            correcting=decided,
            correction_reason="Afterthought",
        )
    with pytest.raises(DomainError, match="attendance can no longer change"):
        all_present(held, people[0])
    with pytest.raises(DomainError, match="conflicts can no longer be declared"):
        meetings.declare_conflict(item, people[2], reason="Late declaration", actor=Actor(people[2]))
    with pytest.raises(DomainError, match="its minutes cannot be confirmed"):
        outcomes.confirm_minutes(held, minutes="Again", actor=officer)
    assert decisions.log(held.items) == [decided]


def test_the_minutes_cannot_be_confirmed_before_the_meeting_starts(round_, officer, people):
    held = meeting(round_, officer, people)
    with pytest.raises(DomainError, match="This meeting is scheduled: its minutes cannot be confirmed"):
        outcomes.confirm_minutes(held, minutes="Nothing happened", actor=officer)


# Publishing ----------------------------------------------------------------------------------------------------


def test_outcomes_are_published_only_after_the_minutes_are_confirmed(round_, officer, make_user, people, chair):
    [bid] = ranked(round_, officer, make_user, 1)
    held, [item] = at_panel(round_, officer, people, [bid])
    decisions.record(item, DecisionAnswers(Outcome.APPROVED, reasons="Strong"), actor=chair)
    with pytest.raises(DomainError, match="This meeting is in progress: its outcomes cannot be published"):
        outcomes.publish(held, actor=officer)
    assert bid.status is ApplicationStatus.AT_PANEL
    assert letters_about(bid) == []
    outcomes.confirm_minutes(held, minutes="Approved one bid.", actor=officer)
    assert outcomes.publish(held, actor=officer) == 2
    assert held.status is MeetingStatus.PUBLISHED
    with pytest.raises(DomainError, match="its outcomes cannot be published"):
        outcomes.publish(held, actor=officer)
    assert len(letters_about(bid)) == 2  # not sent twice


def test_publishing_moves_each_bid_on_and_sends_each_address_its_letter(round_, officer, make_user, people, chair):
    approved, conditional, reduced, declined, deferred = bids = ranked(round_, officer, make_user, 5)
    held, items = at_panel(round_, officer, people, bids)
    answers = [
        DecisionAnswers(Outcome.APPROVED, reasons=PRIVATE, feedback="A model application"),
        DecisionAnswers(Outcome.APPROVED_WITH_CONDITIONS, conditions="Share a safeguarding policy", reasons=PRIVATE),
        DecisionAnswers(Outcome.APPROVED_REDUCED, amount_pence=250_000, reasons=PRIVATE),
        DecisionAnswers(Outcome.DECLINED, reasons=PRIVATE, feedback="Show how residents will mix"),
        DecisionAnswers(Outcome.DEFERRED, reasons=PRIVATE, feedback="Confirm the venue"),
    ]
    for item, answer in zip(items, answers, strict=True):
        decisions.record(item, answer, actor=chair)
    outcomes.confirm_minutes(held, minutes="Decided five bids.", actor=officer)

    assert outcomes.publish(held, actor=officer) == 10
    assert [bid.status for bid in bids] == [
        ApplicationStatus.APPROVED,
        ApplicationStatus.APPROVED,
        ApplicationStatus.APPROVED,
        ApplicationStatus.DECLINED,
        ApplicationStatus.DEFERRED,
    ]

    events = {event.object_id: event for event in decided_events()}
    assert set(events) == {str(bid.id) for bid in bids}
    for event in events.values():
        assert PRIVATE not in json.dumps(event.after)
        assert "taking_part" not in event.after
        assert "Chair Chidi" not in json.dumps(event.after)
    assert events[str(reduced.id)].after["amount"] == "£2,500.00"
    assert events[str(declined.id)].after["feedback"] == "Show how residents will mix"

    for bid in bids:
        sent = letters_about(bid)
        assert sorted(m.recipient for m in sent) == sorted([bid.organisation.contact_email, bid.submitted_by.email])
        for message in sent:
            assert PRIVATE not in json.dumps(message.context)
            assert PRIVATE not in render_email(message.template, message.context).text

    offer = letter_text(approved)
    assert "Award offered: £5,000.50" in offer.text
    assert "A model application" in offer.text
    assert offer.subject == f"Good news: an award for {approved.reference}"
    assert "Share a safeguarding policy" in letter_text(conditional).text
    assert "Award offered: £2,500.00 (you asked for £5,000.50: the panel has offered a reduced amount)" in (
        letter_text(reduced).text
    )
    decline = letter_text(declined)
    assert decline.subject == f"The panel's decision on {declined.reference}"
    assert "Show how residents will mix" in decline.text
    deferral = letter_text(deferred)
    assert "deferred its decision" in deferral.text
    assert "Confirm the venue" in deferral.text
    assert [m.template for m in letters_about(declined)] == ["panel/declined", "panel/declined"]


def decided_events():
    return list(
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == "application.decided").order_by(AuditEvent.id))
    )


def letter_text(application):
    message = letters_about(application)[0]
    return render_email(message.template, message.context)


def test_a_submitter_who_is_the_groups_contact_gets_one_letter(round_, officer, make_user, people, chair):
    [bid] = ranked(round_, officer, make_user, 1)
    bid.organisation.contact_email = bid.submitted_by.email.upper()
    held, [item] = at_panel(round_, officer, people, [bid])
    decisions.record(item, DecisionAnswers(Outcome.APPROVED, reasons="Strong"), actor=chair)
    outcomes.confirm_minutes(held, minutes="Approved one bid.", actor=officer)
    assert outcomes.publish(held, actor=officer) == 1
    [letter] = letters_about(bid)
    assert letter.recipient == bid.organisation.contact_email


def test_a_bid_withdrawn_at_panel_needs_no_decision_and_gets_no_letter(round_, officer, make_user, people, chair):
    kept, withdrawn = ranked(round_, officer, make_user, 2)
    held, [item, _] = at_panel(round_, officer, people, [kept, withdrawn])
    submission.withdraw_application(withdrawn, reason="We closed", actor=Actor(withdrawn.created_by))
    decisions.record(item, DecisionAnswers(Outcome.APPROVED, reasons="Strong"), actor=chair)
    outcomes.confirm_minutes(held, minutes="One approved; one withdrawn.", actor=officer)
    assert outcomes.publish(held, actor=officer) == 2
    assert withdrawn.status is ApplicationStatus.WITHDRAWN
    assert letters_about(withdrawn) == []
    assert kept.status is ApplicationStatus.APPROVED


# A deferred bid at a later meeting -----------------------------------------------------------------------------


def test_a_deferred_bid_goes_on_a_later_agenda_and_back_to_deferred_if_taken_off(
    round_, officer, make_user, people, chair
):
    [bid] = ranked(round_, officer, make_user, 1)
    first, [item] = at_panel(round_, officer, people, [bid])
    deferral = decisions.record(item, DecisionAnswers(Outcome.DEFERRED, reasons="Need a venue"), actor=chair)
    outcomes.confirm_minutes(first, minutes="Deferred one bid.", actor=officer)
    outcomes.publish(first, actor=officer)
    assert bid.status is ApplicationStatus.DEFERRED

    later = meeting(round_, officer, people)
    assert [r.application for r in meetings.candidates(later)] == [bid]
    [again] = meetings.add_to_agenda(later, [bid.id], actor=officer)
    assert bid.status is ApplicationStatus.AT_PANEL
    assert again.previous_status is ApplicationStatus.DEFERRED
    meetings.remove_from_agenda(again, actor=officer)
    assert bid.status is ApplicationStatus.DEFERRED

    [again] = meetings.add_to_agenda(later, [bid.id], actor=officer)
    all_present(later, people[0])
    assert decisions.decision_for(bid) == deferral
    approval = decisions.record(again, DecisionAnswers(Outcome.APPROVED, reasons="Venue confirmed"), actor=chair)
    assert decisions.decision_for(bid) == approval
    assert decisions.committed_pence(round_) == bid.amount_requested_pence
    outcomes.confirm_minutes(later, minutes="Approved the deferred bid.", actor=officer)
    outcomes.publish(later, actor=officer)
    assert bid.status is ApplicationStatus.APPROVED
    assert sorted(m.template for m in letters_about(bid)) == ["panel/deferred"] * 2 + ["panel/offer"] * 2
