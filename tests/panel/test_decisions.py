"""Recording the panel's decisions: what each outcome needs, one decision per item unless corrected, the round's
budget never exceeded, and a log the database will not let anyone change."""

import re

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from grantsfund.applications import submission
from grantsfund.applications.models import ApplicationStatus
from grantsfund.audit.models import AuditEvent
from grantsfund.common.actor import Actor
from grantsfund.common.errors import DomainError
from grantsfund.extensions import db
from grantsfund.panel import decisions, meetings
from grantsfund.panel.decisions import DecisionAnswers, OverBudget
from grantsfund.panel.models import Outcome, PanelDecision
from tests.applications import factories
from tests.panel.factories import all_present, meeting, ranked

REQUESTED = 500_050  # what each bid from the application factories asks for: £5,000.50


def at_panel(round_, officer, make_user, people, count):
    """`count` ranked bids on one meeting's agenda, everyone present: the meeting is open for decisions."""
    bids = ranked(round_, officer, make_user, count)
    held = meeting(round_, officer, people)
    items = meetings.add_to_agenda(held, [bid.id for bid in bids], actor=officer)
    all_present(held, people[0])
    return held, items


@pytest.fixture
def item(round_, officer, make_user, people):
    _, [made] = at_panel(round_, officer, make_user, people, 1)
    return made


# What each outcome needs ---------------------------------------------------------------------------------------


def test_an_approval_is_for_the_full_amount_asked_for(item, chair):
    assert item.application.amount_requested_pence == REQUESTED
    decision = decisions.record(item, DecisionAnswers(Outcome.APPROVED, amount_pence=1, reasons="Strong"), actor=chair)
    assert decision.amount_pence == REQUESTED
    assert decision.reasons == "Strong"
    assert decisions.decision_for(item.application) == decision


def test_a_reduced_award_is_the_amount_given(item, chair):
    answers = DecisionAnswers(Outcome.APPROVED_REDUCED, amount_pence=300_000, reasons="Venue costs are high")
    decision = decisions.record(item, answers, actor=chair)
    assert decision.outcome is Outcome.APPROVED_REDUCED
    assert decision.amount_pence == 300_000


def test_conditions_are_kept_only_with_an_approval(round_, officer, make_user, people, chair):
    _, [conditional, declined] = at_panel(round_, officer, make_user, people, 2)
    answers = DecisionAnswers(
        Outcome.APPROVED_WITH_CONDITIONS, conditions=" Safeguarding training first ", reasons="Good"
    )
    assert decisions.record(conditional, answers, actor=chair).conditions == "Safeguarding training first"
    answers = DecisionAnswers(Outcome.DECLINED, conditions="Ignored", reasons="Weak", feedback="Show the need")
    decision = decisions.record(declined, answers, actor=chair)
    assert decision.conditions == ""
    assert decision.amount_pence is None
    assert decision.feedback == "Show the need"


INVALID = {
    "reduced-without-an-amount": (
        DecisionAnswers(Outcome.APPROVED_REDUCED, reasons="Costs"),
        "amount",
        "Enter the reduced amount",
    ),
    "reduced-to-nothing": (
        DecisionAnswers(Outcome.APPROVED_REDUCED, amount_pence=0, reasons="Costs"),
        "amount",
        "The reduced amount must be more than £0 and less than the £5,000.50 asked for",
    ),
    "reduced-to-the-full-amount": (
        DecisionAnswers(Outcome.APPROVED_REDUCED, amount_pence=REQUESTED, reasons="Costs"),
        "amount",
        "The reduced amount must be more than £0 and less than the £5,000.50 asked for",
    ),
    "conditions-missing": (
        DecisionAnswers(Outcome.APPROVED_WITH_CONDITIONS, conditions="  ", reasons="Good"),
        "conditions",
        "Enter the conditions of the award",
    ),
    "decline-without-feedback": (
        DecisionAnswers(Outcome.DECLINED, reasons="Weak"),
        "feedback",
        "Enter the feedback for the group",
    ),
    "approve-without-reasons": (DecisionAnswers(Outcome.APPROVED, reasons=" "), "reasons", "Enter the panel’s reasons"),
    "decline-without-reasons": (
        DecisionAnswers(Outcome.DECLINED, feedback="Show the need"),
        "reasons",
        "Enter the panel’s reasons",
    ),
    "defer-without-reasons": (DecisionAnswers(Outcome.DEFERRED), "reasons", "Enter the panel’s reasons"),
    "reasons-too-long": (DecisionAnswers(Outcome.DEFERRED, reasons="x" * 5001), "reasons", "5,000 characters"),
}


@pytest.mark.parametrize(("answers", "field", "message"), INVALID.values(), ids=INVALID.keys())
def test_each_outcome_is_refused_without_what_it_needs(item, chair, answers, field, message):
    with pytest.raises(DomainError, match=re.escape(message)) as refused:
        decisions.record(item, answers, actor=chair)
    assert refused.value.field == field
    assert decisions.log(item.meeting.items) == []


# One decision per item, and corrections ------------------------------------------------------------------------


def test_a_second_decision_is_refused_unless_it_corrects_the_standing_one_with_a_reason(item, chair):
    first = decisions.record(item, DecisionAnswers(Outcome.DEFERRED, reasons="Need a venue"), actor=chair)
    with pytest.raises(DomainError, match="This item already has a decision: record a correction instead"):
        decisions.record(item, DecisionAnswers(Outcome.APPROVED, reasons="Venue found"), actor=chair)
    with pytest.raises(DomainError, match="Enter why the decision is being corrected") as refused:
        decisions.record(item, DecisionAnswers(Outcome.APPROVED, reasons="Venue found"), actor=chair, correcting=first)
    assert refused.value.field == "correction_reason"
    assert decisions.log(item.meeting.items) == [first]


def test_a_correction_names_the_entry_it_corrects_and_stands_in_its_place(item, chair):
    first = decisions.record(item, DecisionAnswers(Outcome.DEFERRED, reasons="Need a venue"), actor=chair)
    second = decisions.record(
        item,
        DecisionAnswers(Outcome.APPROVED, reasons="The venue was confirmed during the meeting"),
        actor=chair,
        correcting=first,
        correction_reason=" Recorded before the venue letter was read ",
    )
    assert second.corrects == first
    assert second.correction_reason == "Recorded before the venue letter was read"
    assert decisions.standing([item]) == {item.id: second}
    assert decisions.decision_for(item.application) == second
    assert decisions.log(item.meeting.items) == [first, second]
    assert first.outcome is Outcome.DEFERRED  # the original entry is kept as it was
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "panel.decision_corrected")).one()
    assert event.before == {"outcome": "deferred", "amount_pence": None}
    assert event.after["correction_reason"] == "Recorded before the venue letter was read"
    with pytest.raises(DomainError, match="Only the item’s standing decision can be corrected"):
        decisions.record(
            item,
            DecisionAnswers(Outcome.DEFERRED, reasons="Again"),
            actor=chair,
            correcting=first,
            correction_reason="x",
        )
    third = decisions.record(
        item,
        DecisionAnswers(Outcome.APPROVED_REDUCED, amount_pence=400_000, reasons="Reduced"),
        actor=chair,
        correcting=second,
        correction_reason="The panel agreed a lower amount",
    )
    assert decisions.standing([item]) == {item.id: third}


def test_a_correction_of_another_items_decision_is_refused(round_, officer, make_user, people, chair):
    _, [item, other] = at_panel(round_, officer, make_user, people, 2)
    theirs = decisions.record(other, DecisionAnswers(Outcome.DEFERRED, reasons="Later"), actor=chair)
    with pytest.raises(DomainError, match="Only the item’s standing decision can be corrected"):
        decisions.record(
            item,
            DecisionAnswers(Outcome.DEFERRED, reasons="Later"),
            actor=chair,
            correcting=theirs,
            correction_reason="x",
        )


def test_decisions_wait_for_the_meeting_and_stop_when_the_bid_is_withdrawn(item, chair, people):
    application = item.application
    submission.withdraw_application(application, reason="We found other funding", actor=Actor(application.created_by))
    with pytest.raises(DomainError, match="This bid is withdrawn: the panel cannot decide on it"):
        decisions.record(item, DecisionAnswers(Outcome.APPROVED, reasons="Strong"), actor=chair)


# The budget ----------------------------------------------------------------------------------------------------


def test_approvals_stop_at_the_budget_and_say_what_remains(round_, officer, make_user, people, chair):
    _, [first, second, third] = at_panel(round_, officer, make_user, people, 3)
    approve = DecisionAnswers(Outcome.APPROVED, reasons="Strong")
    decisions.record(first, approve, actor=chair)
    decisions.record(second, approve, actor=chair)
    assert decisions.committed_pence(round_) == 2 * REQUESTED
    with pytest.raises(OverBudget) as refused:
        decisions.record(third, approve, actor=chair)
    assert str(refused.value) == (
        "Approving £5,000.50 would take the round over its budget of £12,000.00: £1,999.00 remains. "
        "Approve a reduced amount, or defer or decline the bid."
    )
    assert refused.value.field == "amount"
    assert decisions.standing([third]) == {}
    # What remains can still be given, to the penny; a decline needs no budget.
    exact = DecisionAnswers(Outcome.APPROVED_REDUCED, amount_pence=199_900, reasons="What is left")
    decisions.record(third, exact, actor=chair)
    assert decisions.committed_pence(round_) == round_.budget_pence


def test_a_correction_that_lowers_or_removes_an_approval_frees_its_budget(round_, officer, make_user, people, chair):
    _, [first, second, third] = at_panel(round_, officer, make_user, people, 3)
    approve = DecisionAnswers(Outcome.APPROVED, reasons="Strong")
    decided = decisions.record(first, approve, actor=chair)
    decisions.record(second, approve, actor=chair)
    with pytest.raises(OverBudget, match="£1,999.00 remains"):
        decisions.record(third, approve, actor=chair)
    decisions.record(
        second,
        DecisionAnswers(Outcome.DECLINED, reasons="Double funded", feedback="You have other funding"),
        actor=chair,
        correcting=decisions.standing([second])[second.id],
        correction_reason="The group told us of other funding",
    )
    assert decisions.committed_pence(round_) == REQUESTED
    decisions.record(third, approve, actor=chair)
    assert decisions.committed_pence(round_) == 2 * REQUESTED
    lowered = decisions.record(
        first,
        DecisionAnswers(Outcome.APPROVED_REDUCED, amount_pence=100_000, reasons="Only the venue"),
        actor=chair,
        correcting=decided,
        correction_reason="Agreed to fund the venue only",
    )
    assert decisions.committed_pence(round_) == REQUESTED + 100_000
    # Raising it again counts the new amount in place of the old, not on top of it.
    decisions.record(
        first, approve, actor=chair, correcting=lowered, correction_reason="The panel reversed the reduction"
    )
    assert decisions.committed_pence(round_) == 2 * REQUESTED


def test_a_correction_of_an_approval_at_the_full_budget_is_not_refused_for_its_own_amount(
    round_, officer, make_user, people, chair
):
    round_.budget_pence = 2 * REQUESTED
    _, [first, second] = at_panel(round_, officer, make_user, people, 2)
    decided = decisions.record(first, DecisionAnswers(Outcome.APPROVED, reasons="Strong"), actor=chair)
    decisions.record(second, DecisionAnswers(Outcome.APPROVED, reasons="Strong"), actor=chair)
    corrected = decisions.record(
        first,
        DecisionAnswers(Outcome.APPROVED_WITH_CONDITIONS, conditions="DBS checks", reasons="Strong"),
        actor=chair,
        correcting=decided,
        correction_reason="The panel added a condition",
    )
    assert corrected.amount_pence == REQUESTED
    assert decisions.committed_pence(round_) == round_.budget_pence


def test_a_round_without_a_budget_refuses_approvals_but_not_declines(round_, officer, make_user, people, chair):
    round_.budget_pence = None
    _, [first, second] = at_panel(round_, officer, make_user, people, 2)
    with pytest.raises(OverBudget, match="The round has no budget set"):
        decisions.record(first, DecisionAnswers(Outcome.APPROVED, reasons="Strong"), actor=chair)
    with pytest.raises(OverBudget, match="The round has no budget set"):
        decisions.record(
            first, DecisionAnswers(Outcome.APPROVED_REDUCED, amount_pence=1, reasons="Strong"), actor=chair
        )
    declined = DecisionAnswers(Outcome.DECLINED, reasons="Weak", feedback="Show the need")
    assert decisions.record(second, declined, actor=chair).outcome is Outcome.DECLINED


def test_a_withdrawn_bids_approval_no_longer_counts_against_the_budget(round_, officer, make_user, people, chair):
    round_.budget_pence = REQUESTED
    _, [first, second] = at_panel(round_, officer, make_user, people, 2)
    decisions.record(first, DecisionAnswers(Outcome.APPROVED, reasons="Strong"), actor=chair)
    with pytest.raises(OverBudget, match="£0.00 remains"):
        decisions.record(second, DecisionAnswers(Outcome.APPROVED, reasons="Strong"), actor=chair)
    application = first.application
    submission.withdraw_application(
        application, reason="We merged with another group", actor=Actor(application.created_by)
    )
    assert application.status is ApplicationStatus.WITHDRAWN
    assert decisions.committed_pence(round_) == 0
    decisions.record(second, DecisionAnswers(Outcome.APPROVED, reasons="Strong"), actor=chair)
    assert decisions.committed_pence(round_) == REQUESTED


def test_approvals_in_another_round_do_not_count(round_, officer, make_user, people, chair):
    round_.budget_pence = REQUESTED
    other_round = factories.open_round(make_user, name="Round 2027/28")
    other_round.assessors_per_bid = 1
    other_round.budget_pence = REQUESTED
    _, [item] = at_panel(round_, officer, make_user, people, 1)
    _, [elsewhere] = at_panel(other_round, officer, make_user, people, 1)
    decisions.record(item, DecisionAnswers(Outcome.APPROVED, reasons="Strong"), actor=chair)
    decisions.record(elsewhere, DecisionAnswers(Outcome.APPROVED, reasons="Strong"), actor=chair)
    assert decisions.committed_pence(round_) == REQUESTED
    assert decisions.committed_pence(other_round) == REQUESTED


# The log -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE panel_decisions SET reasons = 'Rewritten later' WHERE id = :id",
        "UPDATE panel_decisions SET amount_pence = 1 WHERE id = :id",
        "DELETE FROM panel_decisions WHERE id = :id",
    ],
    ids=["update-reasons", "update-amount", "delete"],
)
def test_the_database_refuses_to_change_or_delete_a_logged_decision(item, chair, statement):
    decision = decisions.record(item, DecisionAnswers(Outcome.APPROVED, reasons="Strong"), actor=chair)
    with pytest.raises(DatabaseError, match="append-only"), db.session.begin_nested():
        db.session.execute(text(statement), {"id": decision.id})
    row = db.session.execute(
        text("SELECT reasons, amount_pence FROM panel_decisions WHERE id = :id"), {"id": decision.id}
    ).one()
    assert tuple(row) == ("Strong", REQUESTED)


@pytest.mark.postgresql_only
def test_postgresql_refuses_to_truncate_the_log(item, chair):
    decisions.record(item, DecisionAnswers(Outcome.APPROVED, reasons="Strong"), actor=chair)
    with pytest.raises(DatabaseError, match="append-only"), db.session.begin_nested():
        db.session.execute(text("TRUNCATE panel_decisions CASCADE"))
    assert db.session.scalar(select(PanelDecision.reasons)) == "Strong"


def test_the_log_exports_one_row_per_entry_under_its_headings_in_plain_pounds(
    round_, officer, make_user, people, chair
):
    held, [first, second] = at_panel(round_, officer, make_user, people, 2)
    meetings.declare_conflict(second, people[3], reason="Trustee", actor=Actor(people[3]))
    approved = decisions.record(first, DecisionAnswers(Outcome.APPROVED, reasons="Strong"), actor=chair)
    declined = decisions.record(
        second,
        DecisionAnswers(Outcome.DECLINED, reasons='=HYPERLINK("http://example.com")', feedback="Show the need"),
        actor=chair,
    )
    corrected = decisions.record(
        first,
        DecisionAnswers(Outcome.APPROVED_REDUCED, amount_pence=123_456, reasons="Venue only"),
        actor=chair,
        correcting=approved,
        correction_reason="Agreed to fund the venue only",
    )
    rows = list(decisions.log_rows(held.items))
    assert decisions.LOG_HEADINGS[5] == "Amount (£)"
    assert all(len(row) == len(decisions.LOG_HEADINGS) for row in rows)
    assert [row[0] for row in rows] == [str(approved.id), str(declined.id), str(corrected.id)]
    entries = [dict(zip(decisions.LOG_HEADINGS, row, strict=True)) for row in rows]
    assert entries[0]["Reference"] == first.application.reference
    assert entries[0]["Group"] == first.application.organisation.name
    assert entries[0]["Decision"] == "Approved"
    assert entries[0]["Amount (£)"] == "5000.50"
    assert entries[0]["Taking part"] == "Chair Chidi; Member 1; Member 2; Member 3"
    assert entries[0]["Recorded by"] == "Chair Chidi"
    assert entries[0]["Corrects entry"] == ""
    assert entries[1]["Decision"] == "Declined"
    assert entries[1]["Amount (£)"] == ""
    assert entries[1]["Feedback for the group"] == "Show the need"
    assert entries[1]["Taking part"] == "Chair Chidi; Member 1; Member 2"  # Member 3 declared a conflict
    assert entries[1]["Reasons"] == '\'=HYPERLINK("http://example.com")'  # shown as typed, never run as a formula
    assert entries[2]["Decision"] == "Approved a reduced amount"
    assert entries[2]["Amount (£)"] == "1234.56"
    assert entries[2]["Corrects entry"] == str(approved.id)
    assert entries[2]["Reason for correction"] == "Agreed to fund the venue only"
