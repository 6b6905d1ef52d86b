"""Setting up a meeting, its agenda and pack, attendance, conflicts and quorum."""

import pytest

from grantsfund.applications.models import ApplicationStatus
from grantsfund.common.actor import Actor
from grantsfund.common.errors import DomainError
from grantsfund.panel import decisions, meetings, outcomes
from grantsfund.panel.decisions import DecisionAnswers
from grantsfund.panel.models import MeetingStatus, Outcome
from tests.conftest import queued_emails
from tests.panel.factories import all_present, meeting, panel, ranked
from tests.rounds.factories import make_fund, make_round


def test_a_meeting_runs_from_agenda_to_published_outcomes(round_, officer, make_user):
    people = panel(make_user)
    bids = ranked(round_, officer, make_user, 3)
    held = meeting(round_, officer, people)
    assert [r.application for r in meetings.candidates(held)] == sorted(bids, key=lambda b: b.submitted_at)
    items = meetings.add_to_agenda(held, [b.id for b in bids], actor=officer)
    assert {b.status for b in bids} == {ApplicationStatus.AT_PANEL}
    assert items[0].pack["rank"] == 1
    assert items[0].pack["assessments"]
    all_present(held, people[0])
    assert held.status is MeetingStatus.IN_PROGRESS
    chair = Actor(people[0])
    decisions.record(items[0], DecisionAnswers(Outcome.APPROVED, reasons="Strong"), actor=chair)
    decisions.record(items[1], DecisionAnswers(Outcome.DECLINED, reasons="Weak", feedback="Tell us more"), actor=chair)
    decisions.record(items[2], DecisionAnswers(Outcome.DEFERRED, reasons="Need a venue"), actor=chair)
    outcomes.confirm_minutes(held, minutes="Met; decided three bids.", actor=officer)
    assert outcomes.publish(held, actor=officer) >= 3
    assert [b.status for b in (items[0].application, items[1].application, items[2].application)] == [
        ApplicationStatus.APPROVED,
        ApplicationStatus.DECLINED,
        ApplicationStatus.DEFERRED,
    ]
    assert {m.template for m in queued_emails()} >= {"panel/offer", "panel/declined", "panel/deferred"}


def test_decisions_wait_for_a_quorum_and_say_why(round_, officer, make_user):
    people = panel(make_user)
    [bid] = ranked(round_, officer, make_user, 1)
    held = meeting(round_, officer, people, quorum=4)
    [item] = meetings.add_to_agenda(held, [bid.id], actor=officer)
    with pytest.raises(DomainError, match="records attendance first"):
        decisions.record(item, DecisionAnswers(Outcome.APPROVED, reasons="Strong"), actor=Actor(people[0]))
    meetings.declare_conflict(item, people[2], reason="Trustee of the group", actor=Actor(people[2]))
    all_present(held, people[0])
    with pytest.raises(DomainError, match="3 of the 4 members needed"):
        decisions.record(item, DecisionAnswers(Outcome.APPROVED, reasons="Strong"), actor=Actor(people[0]))


def test_a_draft_round_has_no_panel_yet(officer, make_user):
    draft = make_round(officer, make_fund(officer))
    with pytest.raises(DomainError, match="Open the round before setting up its panel"):
        meeting(draft, officer, panel(make_user))
