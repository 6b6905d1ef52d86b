"""Assessment: the officer's eligibility check of a submitted application, the questions the group is asked
when more information is needed, and the assessors assigned to score eligible bids."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grantsfund.accounts.models import User
from grantsfund.applications.models import Application
from grantsfund.common.columns import enum_column
from grantsfund.common.dates import UTCDateTime, utcnow
from grantsfund.extensions import db
from grantsfund.rounds.models import Criterion


class EligibilityResult(enum.StrEnum):
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    MORE_INFORMATION = "more_information"

    @property
    def label(self) -> str:
        return {"eligible": "Eligible", "ineligible": "Not eligible", "more_information": "More information needed"}[
            self.value
        ]


class EligibilityCheck(db.Model):  # type: ignore[name-defined]
    """One officer's judgement on an application, with the checklist and warning signs as they stood then.
    An application has a check for each time an officer recorded a result."""

    __tablename__ = "eligibility_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    result: Mapped[EligibilityResult] = mapped_column(enum_column(EligibilityResult))
    # The computed checklist and warning signs the officer saw: [{key, label, passed, detail}], [{kind, detail}].
    checklist: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    flags: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    reasons: Mapped[str] = mapped_column(Text)  # for the record; staff only
    feedback: Mapped[str | None] = mapped_column(Text)  # written for the group, when not eligible
    checked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship()
    checked_by: Mapped[User] = relationship()


class InformationRequest(db.Model):  # type: ignore[name-defined]
    """What an officer asked the group, and the group's answer: added to the record, the bid stays frozen."""

    __tablename__ = "information_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("eligibility_checks.id"))
    question: Mapped[str] = mapped_column(Text)
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    application: Mapped[Application] = relationship()
    asked_by: Mapped[User] = relationship(foreign_keys=[asked_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])

    @property
    def is_open(self) -> bool:
        return self.answered_at is None


class AssignmentStatus(enum.StrEnum):
    AWAITING_DECLARATION = "awaiting_declaration"  # the assessor has not yet said whether they are conflicted
    ACCEPTED = "accepted"  # no conflict declared: the bid is open to them
    CONFLICTED = "conflicted"  # a conflict declared: the assignment is void and the bid needs someone else

    @property
    def label(self) -> str:
        return {
            "awaiting_declaration": "Declare interests",
            "accepted": "To score",
            "conflicted": "Conflict declared",
        }[self.value]


class Assignment(db.Model):  # type: ignore[name-defined]
    """An assessor asked to score an eligible bid by a date."""

    __tablename__ = "assessment_assignments"
    __table_args__ = (UniqueConstraint("application_id", "assessor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    assessor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[AssignmentStatus] = mapped_column(
        enum_column(AssignmentStatus), default=AssignmentStatus.AWAITING_DECLARATION
    )
    due_on: Mapped[date]
    # Why the system (or the officer) chose this assessor, as shown when it was confirmed.
    reason: Mapped[str] = mapped_column(Text, default="")
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    conflict_reason: Mapped[str | None] = mapped_column(Text)
    reminded_on: Mapped[date | None]  # the last reminder, so `flask assessment remind` sends one a day at most

    application: Mapped[Application] = relationship()
    assessor: Mapped[User] = relationship(foreign_keys=[assessor_id])
    assigned_by: Mapped[User] = relationship(foreign_keys=[assigned_by_id])

    @property
    def counts(self) -> bool:
        """Whether it fills one of the bid's places (a declared conflict frees its place)."""
        return self.status is not AssignmentStatus.CONFLICTED


class DeclaredInterest(db.Model):  # type: ignore[name-defined]
    """An assessor's interest in a group (recorded when they declare a conflict on one of its bids): they are
    never assigned that group's bids again."""

    __tablename__ = "assessor_interests"
    __table_args__ = (UniqueConstraint("assessor_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    reason: Mapped[str] = mapped_column(Text)
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Recommendation(enum.StrEnum):
    FUND = "fund"
    FUND_WITH_CONDITIONS = "fund_with_conditions"
    DO_NOT_FUND = "do_not_fund"

    @property
    def label(self) -> str:
        return {"fund": "Fund", "fund_with_conditions": "Fund with conditions", "do_not_fund": "Do not fund"}[
            self.value
        ]


class ScoreSheet(db.Model):  # type: ignore[name-defined]
    """An assessor's scores for one bid: saved as a draft as often as they like, then submitted once."""

    __tablename__ = "assessment_score_sheets"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assessment_assignments.id"), unique=True)
    recommendation: Mapped[Recommendation | None] = mapped_column(enum_column(Recommendation))
    summary: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    assignment: Mapped[Assignment] = relationship()
    scores: Mapped[list[CriterionScore]] = relationship(back_populates="sheet", cascade="all, delete-orphan")

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None


class CriterionScore(db.Model):  # type: ignore[name-defined]
    __tablename__ = "assessment_criterion_scores"
    __table_args__ = (
        UniqueConstraint("sheet_id", "criterion_id"),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 5)", name="score_on_the_scale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("assessment_score_sheets.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id"))
    score: Mapped[int | None]
    comment: Mapped[str] = mapped_column(Text, default="")

    sheet: Mapped[ScoreSheet] = relationship(back_populates="scores")
    criterion: Mapped[Criterion] = relationship()


class ModeratedScore(db.Model):  # type: ignore[name-defined]
    """A moderator's agreed score for one criterion of a bid, with the reason; it stands in for the assessors'
    average, whose own scores are kept as they were. A later one for the same criterion replaces it."""

    __tablename__ = "assessment_moderated_scores"
    __table_args__ = (CheckConstraint("score >= 0 AND score <= 5", name="agreed_score_on_the_scale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id"))
    score: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    moderator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    moderated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    moderator: Mapped[User] = relationship()
