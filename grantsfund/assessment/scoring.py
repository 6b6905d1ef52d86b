"""An assessor's scores for a bid: a score from 0 to 5 and a comment for each of the round's criteria (a
comment is required for the extremes, 0 and 5), a recommendation and a summary. Saved as a draft as often as
the assessor likes; submitted once, after which nothing changes. Reminders for scores due soon or overdue."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grantsfund.applications.models import ApplicationStatus
from grantsfund.assessment.models import (
    Assignment,
    AssignmentStatus,
    CriterionScore,
    Recommendation,
    ScoreSheet,
)
from grantsfund.audit import services as audit
from grantsfund.common.actor import Actor
from grantsfund.common.dates import format_date, london_today, utcnow
from grantsfund.common.errors import DomainError
from grantsfund.extensions import db
from grantsfund.notifications.services import queue_email
from grantsfund.rounds.models import SCORES, Criterion

EXTREMES = {min(SCORES), max(SCORES)}
MAX_COMMENT = 2000
MAX_SUMMARY = 5000
REMIND_DAYS_BEFORE = 3


@dataclass
class ScoreAnswer:
    criterion_id: int
    score: int | None
    comment: str = ""


@dataclass
class SheetAnswers:
    scores: list[ScoreAnswer] = field(default_factory=list)
    recommendation: Recommendation | None = None
    summary: str | None = None


def sheet_for(assignment: Assignment) -> ScoreSheet | None:
    return db.session.scalars(
        select(ScoreSheet).options(selectinload(ScoreSheet.scores)).where(ScoreSheet.assignment_id == assignment.id)
    ).first()


def submitted_ids(assignments: Iterable[Assignment]) -> set[int]:
    """Which of these assignments have their scores in, in one query."""
    ids = [assignment.id for assignment in assignments]
    return set(
        db.session.scalars(
            select(ScoreSheet.assignment_id).where(
                ScoreSheet.assignment_id.in_(ids), ScoreSheet.submitted_at.is_not(None)
            )
        )
    )


def scores_by_criterion(sheet: ScoreSheet | None) -> dict[int, CriterionScore]:
    return {score.criterion_id: score for score in sheet.scores} if sheet else {}


def failed_essentials(criteria: Iterable[Criterion], scores: dict[int, int | None], threshold: int) -> list[Criterion]:
    """The essential criteria scored below the round's pass mark."""
    return [
        criterion
        for criterion in criteria
        if criterion.essential and (score := scores.get(criterion.id)) is not None and score < threshold
    ]


def _check_score(criterion: Criterion, answer: ScoreAnswer | None, *, submit: bool) -> None:
    name = f"score_{criterion.id}"
    if answer is None or answer.score is None:
        if submit:
            raise DomainError(f"Score ‘{criterion.name}’", field=name)
        return
    if answer.score not in SCORES:
        raise DomainError(f"Score ‘{criterion.name}’ from 0 to 5", field=name)
    if len(answer.comment) > MAX_COMMENT:
        raise DomainError(f"Comments must be {MAX_COMMENT:,} characters or fewer", field=f"comment_{criterion.id}")
    if submit and answer.score in EXTREMES and not answer.comment.strip():
        raise DomainError(
            f"Explain a score of {answer.score} for ‘{criterion.name}’ in a comment", field=f"comment_{criterion.id}"
        )


def _check(criteria: list[Criterion], answers: SheetAnswers, *, submit: bool) -> None:
    given = {answer.criterion_id: answer for answer in answers.scores}
    if not set(given) <= {criterion.id for criterion in criteria}:
        raise DomainError("Score the round’s own criteria")
    for criterion in criteria:
        _check_score(criterion, given.get(criterion.id), submit=submit)
    if len(answers.summary or "") > MAX_SUMMARY:
        raise DomainError(f"The summary must be {MAX_SUMMARY:,} characters or fewer", field="summary")
    if submit and answers.recommendation is None:
        raise DomainError("Select your recommendation", field="recommendation")
    if submit and not (answers.summary or "").strip():
        raise DomainError("Enter a summary of your assessment", field="summary")


def save_sheet(
    assignment: Assignment,
    answers: SheetAnswers,
    *,
    submit: bool,
    actor: Actor,
    now: datetime | None = None,
) -> ScoreSheet:
    now = now or utcnow()
    # The assignment's row lock makes two submissions at once queue, so the second sees the first.
    db.session.refresh(assignment, attribute_names=["status"], with_for_update=True)
    if actor.user_id != assignment.assessor_id or assignment.status is not AssignmentStatus.ACCEPTED:
        raise DomainError("Only the assigned assessor, having declared no conflict, can score this bid")
    if assignment.application.status is not ApplicationStatus.IN_ASSESSMENT:
        raise DomainError(f"This bid is {assignment.application.status.label.lower()}: it can no longer be scored")
    sheet = sheet_for(assignment)
    if sheet is not None and sheet.submitted:
        raise DomainError("You have already submitted your scores for this bid")
    criteria = list(assignment.application.round.criteria)
    _check(criteria, answers, submit=submit)
    if sheet is None:
        sheet = ScoreSheet(assignment=assignment, updated_at=now)
        db.session.add(sheet)
    given = {answer.criterion_id: answer for answer in answers.scores}
    existing = scores_by_criterion(sheet)
    for criterion in criteria:
        answer = given.get(criterion.id) or ScoreAnswer(criterion.id, None)
        row = existing.get(criterion.id)
        if row is None:
            row = CriterionScore(criterion_id=criterion.id, criterion=criterion)
            sheet.scores.append(row)
        row.score, row.comment = answer.score, answer.comment.strip()
    sheet.recommendation = answers.recommendation
    sheet.summary = (answers.summary or "").strip() or None
    sheet.updated_at = now
    if submit:
        sheet.submitted_at = now
    audit.record(
        actor=actor,
        action="assessment.scores_submitted" if submit else "assessment.scores_saved",
        obj=assignment,
        after={
            "scores": {str(answer.criterion_id): answer.score for answer in answers.scores},
            "recommendation": answers.recommendation.value if answers.recommendation else None,
        },
        now=now,
    )
    db.session.flush()
    return sheet


# Reminders ------------------------------------------------------------------------------------------------------


def remind(*, today: date | None = None, days_before: int = REMIND_DAYS_BEFORE, now: datetime | None = None) -> int:
    """Queue a reminder for each assignment due within `days_before` days or overdue whose scores are not in,
    at most one a day each. Returns how many were queued."""
    now = now or utcnow()
    today = today or london_today(now)
    pending = db.session.scalars(
        select(Assignment)
        .options(selectinload(Assignment.assessor), selectinload(Assignment.application))
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(
            Assignment.status != AssignmentStatus.CONFLICTED,
            Assignment.due_on <= today + timedelta(days=days_before),
            ScoreSheet.submitted_at.is_(None),
            (Assignment.reminded_on.is_(None)) | (Assignment.reminded_on < today),
        )
        .order_by(Assignment.due_on, Assignment.id)
    ).all()
    queued = 0
    for assignment in pending:
        if assignment.application.status is not ApplicationStatus.IN_ASSESSMENT:
            continue
        overdue = assignment.due_on < today
        queue_email(
            to=assignment.assessor.email,
            template="assessment/reminder",
            context={
                "full_name": assignment.assessor.full_name,
                "reference": assignment.application.reference,
                "due_on": format_date(assignment.due_on),
                "overdue": overdue,
                "assignment_id": assignment.id,
            },
            now=now,
        )
        assignment.reminded_on = today
        audit.record(
            actor=Actor.system(),
            action="assessment.reminded",
            obj=assignment,
            after={"overdue": overdue, "due_on": assignment.due_on},
            now=now,
        )
        queued += 1
    db.session.flush()
    return queued
