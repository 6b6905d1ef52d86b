"""Scoring on the database: drafts, submission once, the rules for comments and recommendations, essential
criteria flags, and reminders."""

from datetime import timedelta

import pytest

from grantsfund.applications.models import ApplicationStatus
from grantsfund.assessment import assignment, scoring
from grantsfund.assessment.models import Recommendation
from grantsfund.assessment.scoring import ScoreAnswer, SheetAnswers
from grantsfund.common.actor import Actor
from grantsfund.common.dates import london_today
from grantsfund.common.errors import DomainError
from tests.applications import factories
from tests.assessment.factories import assessors, eligible
from tests.conftest import queued_emails
from tests.rounds.factories import officer_actor


@pytest.fixture
def officer(make_user):
    return officer_actor(make_user)


@pytest.fixture
def round_(make_user):
    return factories.open_round(make_user)


@pytest.fixture
def ann(make_user):
    return assessors(make_user, "Ann Assessor")[0]


@pytest.fixture
def mine(round_, officer, make_user, ann):
    bid = eligible(round_, officer, make_user, name="Harbour Choir")
    made = assignment.assign(bid, ann, due_on=london_today() + timedelta(days=10), actor=officer)
    assignment.declare(made, conflict=False, actor=Actor(ann))
    return made


def full(round_, score=3, comment="", **overrides):
    values = {
        "scores": [ScoreAnswer(c.id, score, comment) for c in round_.criteria],
        "recommendation": Recommendation.FUND,
        "summary": "Strong local need; a clear plan.",
    }
    values.update(overrides)
    return SheetAnswers(**values)


def test_a_draft_keeps_partial_scores_and_submission_needs_everything(round_, mine, ann):
    first = round_.criteria[0]
    draft = SheetAnswers(scores=[ScoreAnswer(first.id, 4, "Good mixing")])
    sheet = scoring.save_sheet(mine, draft, submit=False, actor=Actor(ann))
    assert not sheet.submitted
    assert scoring.scores_by_criterion(sheet)[first.id].score == 4
    with pytest.raises(DomainError, match=f"Score ‘{round_.criteria[1].name}’"):
        scoring.save_sheet(mine, draft, submit=True, actor=Actor(ann))
    with pytest.raises(DomainError, match="Select your recommendation"):
        scoring.save_sheet(mine, full(round_, recommendation=None), submit=True, actor=Actor(ann))
    with pytest.raises(DomainError, match="Enter a summary"):
        scoring.save_sheet(mine, full(round_, summary="  "), submit=True, actor=Actor(ann))
    assert not scoring.sheet_for(mine).submitted


@pytest.mark.parametrize("extreme", [0, 5])
def test_the_extremes_need_a_comment(round_, mine, ann, extreme):
    with pytest.raises(DomainError, match=f"Explain a score of {extreme}"):
        scoring.save_sheet(mine, full(round_, score=extreme), submit=True, actor=Actor(ann))
    scoring.save_sheet(mine, full(round_, score=extreme, comment="Because"), submit=True, actor=Actor(ann))


def test_scores_outside_the_scale_and_strange_criteria_are_refused(round_, mine, ann):
    with pytest.raises(DomainError, match="from 0 to 5"):
        scoring.save_sheet(mine, full(round_, score=6), submit=False, actor=Actor(ann))
    with pytest.raises(DomainError, match="round’s own criteria"):
        scoring.save_sheet(mine, SheetAnswers(scores=[ScoreAnswer(10**6, 3)]), submit=False, actor=Actor(ann))
    assert scoring.sheet_for(mine) is None


def test_submitted_scores_are_final(round_, mine, ann):
    scoring.save_sheet(mine, full(round_), submit=True, actor=Actor(ann))
    with pytest.raises(DomainError, match="already submitted"):
        scoring.save_sheet(mine, full(round_, score=4), submit=True, actor=Actor(ann))
    assert {row.score for row in scoring.sheet_for(mine).scores} == {3}


def test_only_the_assessor_without_a_conflict_scores_an_assigned_bid(round_, mine, make_user, officer):
    [ben] = assessors(make_user, "Ben Assessor")
    with pytest.raises(DomainError, match="Only the assigned assessor"):
        scoring.save_sheet(mine, full(round_), submit=False, actor=Actor(ben))
    waiting = assignment.assign(mine.application, ben, due_on=london_today(), actor=officer)
    with pytest.raises(DomainError, match="Only the assigned assessor"):
        scoring.save_sheet(waiting, full(round_), submit=False, actor=Actor(ben))


def test_essential_criteria_below_the_pass_mark_are_flagged(round_):
    essential = round_.criteria[0]
    essential.essential = True
    flagged = scoring.failed_essentials(round_.criteria, {essential.id: 1}, round_.essential_threshold)
    assert flagged == [essential]
    assert scoring.failed_essentials(round_.criteria, {essential.id: 2}, round_.essential_threshold) == []
    assert scoring.failed_essentials(round_.criteria, {}, round_.essential_threshold) == []


def test_reminders_go_once_a_day_for_scores_due_soon_or_overdue(round_, mine, ann):
    today = london_today()
    assert scoring.remind(today=today - timedelta(days=30)) == 0  # not due for a long while
    assert scoring.remind(today=today + timedelta(days=8)) == 1
    assert scoring.remind(today=today + timedelta(days=8)) == 0  # once a day
    assert scoring.remind(today=today + timedelta(days=11)) == 1
    emails = queued_emails(to=ann.email, template="assessment/reminder")
    assert [email.context["overdue"] for email in emails] == [False, True]
    scoring.save_sheet(mine, full(round_), submit=True, actor=Actor(ann))
    assert scoring.remind(today=today + timedelta(days=12)) == 0
    assert mine.application.status is ApplicationStatus.IN_ASSESSMENT


def test_the_remind_command_reports_what_it_queued(app, mine):
    result = app.test_cli_runner().invoke(args=["assessment", "remind", "--days", "30"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Reminders: 1 queued."
