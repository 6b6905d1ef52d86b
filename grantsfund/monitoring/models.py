"""Monitoring: the group's return for each period of the agreement in force (every submitted version kept, with
the officer's review of it), the sustainability plan tracked through the grant, and the record that closes it.

A return's answers live in rows while the group writes them (so the outcomes portfolio can add up accepted
returns in SQL); each submission freezes a complete copy of them, so what an officer reviewed never changes."""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, String, Text, UniqueConstraint, literal_column
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grantsfund.accounts.models import User
from grantsfund.agreements.models import Agreement, MonitoringPeriod
from grantsfund.applications.models import BudgetCategory, FundingStatus
from grantsfund.common.columns import enum_column
from grantsfund.common.dates import UTCDateTime, london_today, utcnow
from grantsfund.extensions import db
from grantsfund.organisations.models import Organisation, ScanStatus, Ward
from grantsfund.rounds.models import Indicator


class ReturnStatus(enum.StrEnum):
    IN_PROGRESS = "in_progress"  # the group is writing it; nothing submitted yet
    SUBMITTED = "submitted"  # waiting for an officer's review
    CHANGES_REQUESTED = "changes_requested"  # the officer asked for changes; the group edits and resubmits
    ACCEPTED = "accepted"  # final: payments waiting on it are released

    @property
    def label(self) -> str:
        return {
            "in_progress": "In progress",
            "submitted": "Submitted",
            "changes_requested": "Changes requested",
            "accepted": "Accepted",
        }[self.value]


class ReturnSection(enum.StrEnum):
    """The parts of a return, in the order the group fills them in; an officer may comment on each."""

    PROGRESS = "progress"
    ACTIVITIES = "activities"
    BENEFICIARIES = "beneficiaries"
    OUTCOMES = "outcomes"
    SPEND = "spend"
    STORY = "story"
    RISKS = "risks"
    SUSTAINABILITY = "sustainability"
    EVIDENCE = "evidence"

    @property
    def heading(self) -> str:
        return {
            "progress": "Progress",
            "activities": "Activities delivered",
            "beneficiaries": "People who took part",
            "outcomes": "Outcomes against targets",
            "spend": "Spending",
            "story": "A story from the project",
            "risks": "Risks and issues",
            "sustainability": "Keeping the work going",
            "evidence": "Evidence",
        }[self.value]


class Delivery(enum.StrEnum):
    """How far a planned activity was delivered in the period."""

    DELIVERED = "delivered"
    PARTLY = "partly"
    NOT_DELIVERED = "not_delivered"

    @property
    def label(self) -> str:
        return {"delivered": "Delivered", "partly": "Partly delivered", "not_delivered": "Not delivered"}[self.value]


class MonitoringReturn(db.Model):  # type: ignore[name-defined]
    __tablename__ = "monitoring_returns"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("monitoring_periods.id"), unique=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("grant_agreements.id"), index=True)
    status: Mapped[ReturnStatus] = mapped_column(
        enum_column(ReturnStatus), default=ReturnStatus.IN_PROGRESS, index=True
    )
    progress: Mapped[str] = mapped_column(Text, default="")
    # The plan's activities for the period and how each went: [{"month", "planned", "delivery", "comment"}]
    activities: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    story_title: Mapped[str] = mapped_column(String(200), default="")
    story: Mapped[str] = mapped_column(Text, default="")
    # The person in the story agreed to the council using it; how and when that consent was given.
    story_consent: Mapped[bool] = mapped_column(default=False)
    story_consent_note: Mapped[str] = mapped_column(String(500), default="")
    risks: Mapped[str] = mapped_column(Text, default="")
    sustainability_progress: Mapped[str] = mapped_column(Text, default="")
    # The ReturnSection values the group has marked as completed.
    completed_sections: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the latest submission
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Optimistic concurrency: a section's form carries the version it showed, and a save from an older one is
    # refused. Every change to the row (a save, evidence added or removed, a submission) adds one.
    version: Mapped[int] = mapped_column(default=1, server_default="1", onupdate=literal_column("version + 1"))

    period: Mapped[MonitoringPeriod] = relationship()
    agreement: Mapped[Agreement] = relationship()
    outcomes: Mapped[list[ReturnOutcome]] = relationship(
        back_populates="return_", cascade="all, delete-orphan", order_by="ReturnOutcome.position"
    )
    beneficiaries: Mapped[list[ReturnBeneficiary]] = relationship(
        back_populates="return_", cascade="all, delete-orphan", order_by="ReturnBeneficiary.position"
    )
    spend: Mapped[list[ReturnSpend]] = relationship(
        back_populates="return_", cascade="all, delete-orphan", order_by="ReturnSpend.position"
    )
    evidence: Mapped[list[ReturnEvidence]] = relationship(
        back_populates="return_", cascade="all, delete-orphan", order_by="ReturnEvidence.uploaded_at"
    )
    submissions: Mapped[list[ReturnSubmission]] = relationship(
        back_populates="return_", cascade="all, delete-orphan", order_by="ReturnSubmission.number"
    )

    @property
    def organisation(self) -> Organisation:
        return self.agreement.organisation

    @property
    def editable(self) -> bool:
        """Whether the group may change it: before it is first submitted, and while changes are requested."""
        return self.status in (ReturnStatus.IN_PROGRESS, ReturnStatus.CHANGES_REQUESTED)

    @property
    def latest_submission(self) -> ReturnSubmission | None:
        return self.submissions[-1] if self.submissions else None

    @property
    def resubmit_by(self) -> date | None:
        """While the group makes the changes the council asked for: the date it has until to send the return again,
        RESUBMIT_DAYS after the (London) day the council asked, so a return sent back late is not overdue at once."""
        latest = self.latest_submission
        if self.status is not ReturnStatus.CHANGES_REQUESTED or latest is None or latest.reviewed_at is None:
            return None
        return london_today(latest.reviewed_at) + timedelta(days=current_app.config["RESUBMIT_DAYS"])


class ReturnOutcome(db.Model):  # type: ignore[name-defined]
    """One outcome target of the agreement and what the period achieved against it. For a count, the period's
    own number (the grant's total is the sum over its returns); for a percentage, the figure at the period's end."""

    __tablename__ = "monitoring_return_outcomes"
    __table_args__ = (
        UniqueConstraint("return_id", "indicator_id", name="uq_monitoring_return_outcomes_indicator"),
        CheckConstraint("actual IS NULL OR actual >= 0", name="return_outcome_actual_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("monitoring_returns.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"), index=True)
    target: Mapped[int]  # the agreement's target for the whole grant, copied when the return starts
    unit: Mapped[str] = mapped_column(String(40))
    actual: Mapped[int | None]
    comment: Mapped[str] = mapped_column(Text, default="")

    return_: Mapped[MonitoringReturn] = relationship(back_populates="outcomes")
    indicator: Mapped[Indicator] = relationship()


class ReturnBeneficiary(db.Model):  # type: ignore[name-defined]
    """People reached for the first time in the period, from one community in one ward (or a ward not known)."""

    __tablename__ = "monitoring_return_beneficiaries"
    __table_args__ = (CheckConstraint("people >= 0", name="return_beneficiaries_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("monitoring_returns.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    community: Mapped[str] = mapped_column(String(40))  # an applications.models.Community value
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id"), index=True)
    people: Mapped[int]

    return_: Mapped[MonitoringReturn] = relationship(back_populates="beneficiaries")
    ward: Mapped[Ward | None] = relationship()


class ReturnSpend(db.Model):  # type: ignore[name-defined]
    """A budget line of the grant, what it allows, and what has been spent on it by the end of the period."""

    __tablename__ = "monitoring_return_spend"
    __table_args__ = (
        CheckConstraint("budget_pence >= 0", name="return_spend_budget_not_negative"),
        CheckConstraint("spent_pence IS NULL OR spent_pence >= 0", name="return_spend_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("monitoring_returns.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    item: Mapped[str] = mapped_column(String(200))
    category: Mapped[BudgetCategory] = mapped_column(enum_column(BudgetCategory))
    budget_pence: Mapped[int] = mapped_column(BigInteger)
    spent_pence: Mapped[int | None] = mapped_column(BigInteger)  # to date, since the grant started
    explanation: Mapped[str] = mapped_column(Text, default="")

    return_: Mapped[MonitoringReturn] = relationship(back_populates="spend")


class ReturnEvidence(db.Model):  # type: ignore[name-defined]
    """A file the group uploaded with the return, checked as the group's documents are (size, real type, viruses)
    and stored under a random name in UPLOAD_DIR."""

    __tablename__ = "monitoring_return_evidence"
    __table_args__ = (UniqueConstraint("stored_name", name="uq_monitoring_return_evidence_stored_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("monitoring_returns.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(String(500), default="")
    filename: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    scan_status: Mapped[ScanStatus] = mapped_column(enum_column(ScanStatus))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    return_: Mapped[MonitoringReturn] = relationship(back_populates="evidence")
    uploaded_by: Mapped[User | None] = relationship()

    @property
    def organisation(self) -> Organisation:
        return self.return_.organisation


class ReviewOutcome(enum.StrEnum):
    ACCEPTED = "accepted"
    CHANGES_REQUESTED = "changes_requested"

    @property
    def label(self) -> str:
        return {"accepted": "Accepted", "changes_requested": "Changes requested"}[self.value]


class ReturnSubmission(db.Model):  # type: ignore[name-defined]
    """One submitted version of a return, frozen, and the officer's review of it. Never changed once reviewed."""

    __tablename__ = "monitoring_return_submissions"
    __table_args__ = (UniqueConstraint("return_id", "number", name="uq_monitoring_return_submissions_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("monitoring_returns.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # every answer as submitted
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[ReviewOutcome | None] = mapped_column(enum_column(ReviewOutcome))
    # {ReturnSection value: the officer's comment}; only sections commented on
    comments: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    review_note: Mapped[str] = mapped_column(Text, default="")  # the officer's overall message to the group
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    return_: Mapped[MonitoringReturn] = relationship(back_populates="submissions")
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])


class Rag(enum.StrEnum):
    """Red, amber, green: how likely the work is to carry on after the grant."""

    RED = "red"
    AMBER = "amber"
    GREEN = "green"

    @property
    def label(self) -> str:
        return {"red": "Red: unlikely to continue", "amber": "Amber: at risk", "green": "Green: on track"}[self.value]


class SustainabilityPlan(db.Model):  # type: ignore[name-defined]
    """How a funded project means to carry on after the grant, tracked from acceptance to closure: started from
    the application's plan and the agreement's commitments, with the income it relies on and dated reviews."""

    __tablename__ = "sustainability_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("grant_agreements.id"), unique=True)
    continuation: Mapped[str] = mapped_column(Text, default="")  # how the work continues, from the application
    fallback: Mapped[str] = mapped_column(Text, default="")  # what happens if the income does not come
    commitments: Mapped[str] = mapped_column(Text, default="")  # from the agreement in force
    rag: Mapped[Rag | None] = mapped_column(enum_column(Rag), index=True)  # the latest review's; none before one
    reviewed_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agreement: Mapped[Agreement] = relationship()
    income: Mapped[list[IncomeSource]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="IncomeSource.position"
    )
    reviews: Mapped[list[SustainabilityReview]] = relationship(
        back_populates="plan",
        cascade="all, delete-orphan",
        order_by="(SustainabilityReview.reviewed_on.desc(), SustainabilityReview.id.desc())",
    )

    @property
    def organisation(self) -> Organisation:
        return self.agreement.organisation


class IncomeSource(db.Model):  # type: ignore[name-defined]
    __tablename__ = "sustainability_income"
    __table_args__ = (CheckConstraint("amount_pence >= 0", name="income_amount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("sustainability_plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    source: Mapped[str] = mapped_column(String(200))
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[FundingStatus] = mapped_column(enum_column(FundingStatus))
    expected_on: Mapped[date | None]  # when a decision or the money is expected
    note: Mapped[str] = mapped_column(Text, default="")

    plan: Mapped[SustainabilityPlan] = relationship(back_populates="income")


class SustainabilityReview(db.Model):  # type: ignore[name-defined]
    """A dated review of the plan by an officer or finance, with the rating it gave."""

    __tablename__ = "sustainability_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("sustainability_plans.id", ondelete="CASCADE"), index=True)
    rag: Mapped[Rag] = mapped_column(enum_column(Rag))
    note: Mapped[str] = mapped_column(Text)
    reviewed_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    plan: Mapped[SustainabilityPlan] = relationship(back_populates="reviews")
    created_by: Mapped[User | None] = relationship()


class Continuation(enum.StrEnum):
    YES = "yes"
    PARTLY = "partly"
    NO = "no"

    @property
    def label(self) -> str:
        return {"yes": "Yes, it continues", "partly": "Partly, or on a smaller scale", "no": "No, it has ended"}[
            self.value
        ]


class Closure(db.Model):  # type: ignore[name-defined]
    """The record that closes a grant: what was achieved against each target, the lessons, and whether the work
    continues. Once it exists the grant is read-only."""

    __tablename__ = "grant_closures"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("grant_agreements.id"), unique=True)
    # [{"indicator_id", "indicator", "domain", "unit", "target", "achieved", "comment"}]
    achievements: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    lessons: Mapped[str] = mapped_column(Text)
    continues: Mapped[Continuation] = mapped_column(enum_column(Continuation))
    continuation_note: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    agreement: Mapped[Agreement] = relationship()
    closed_by: Mapped[User | None] = relationship()

    @property
    def organisation(self) -> Organisation:
        return self.agreement.organisation


class ReminderKind(enum.StrEnum):
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


class ReturnReminder(db.Model):  # type: ignore[name-defined]
    """A reminder sent about a period's return: each kind goes once per period, however often the command runs."""

    __tablename__ = "monitoring_reminders"
    __table_args__ = (UniqueConstraint("period_id", "kind", name="uq_monitoring_reminders_period_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("monitoring_periods.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ReminderKind] = mapped_column(enum_column(ReminderKind))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


def send_by(period: MonitoringPeriod, ret: MonitoringReturn | None) -> date:
    """When the group must send the period's return (`ret`, if started): see `MonitoringPeriod.send_by`."""
    return period.send_by(ret.resubmit_by if ret is not None else None)
