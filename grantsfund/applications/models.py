"""A group's application to a round: its eligibility answers, the task-list sections and their answers."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grantsfund.accounts.models import User
from grantsfund.common.columns import enum_column
from grantsfund.common.dates import UTCDateTime, utcnow
from grantsfund.extensions import db
from grantsfund.organisations.models import Document, DocumentKind, Organisation, Ward
from grantsfund.rounds.models import EligibilityQuestion, Indicator, Round, Theme


class ApplicationStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    IN_ASSESSMENT = "in_assessment"
    AT_PANEL = "at_panel"
    APPROVED = "approved"
    DECLINED = "declined"
    DEFERRED = "deferred"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


# The whole lifecycle, as data: each status and the statuses it may move to. A group may withdraw at any
# point before a decision.
APPLICATION_TRANSITIONS: dict[ApplicationStatus, frozenset[ApplicationStatus]] = {
    ApplicationStatus.DRAFT: frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN}),
    ApplicationStatus.SUBMITTED: frozenset(
        {ApplicationStatus.ELIGIBLE, ApplicationStatus.INELIGIBLE, ApplicationStatus.WITHDRAWN}
    ),
    ApplicationStatus.ELIGIBLE: frozenset({ApplicationStatus.IN_ASSESSMENT, ApplicationStatus.WITHDRAWN}),
    ApplicationStatus.INELIGIBLE: frozenset(),
    ApplicationStatus.IN_ASSESSMENT: frozenset({ApplicationStatus.AT_PANEL, ApplicationStatus.WITHDRAWN}),
    # Taken off a meeting's agenda before the meeting, a bid goes back to where it was.
    ApplicationStatus.AT_PANEL: frozenset(
        {
            ApplicationStatus.IN_ASSESSMENT,
            ApplicationStatus.APPROVED,
            ApplicationStatus.DECLINED,
            ApplicationStatus.DEFERRED,
            ApplicationStatus.WITHDRAWN,
        }
    ),
    ApplicationStatus.DEFERRED: frozenset({ApplicationStatus.AT_PANEL, ApplicationStatus.WITHDRAWN}),
    # A grant offer withdrawn before the group accepted it withdraws the bid, which frees the round's budget.
    ApplicationStatus.APPROVED: frozenset({ApplicationStatus.WITHDRAWN}),
    ApplicationStatus.DECLINED: frozenset(),
    ApplicationStatus.WITHDRAWN: frozenset(),
}


def can_move(current: ApplicationStatus, target: ApplicationStatus) -> bool:
    return target in APPLICATION_TRANSITIONS[current]


class Community(enum.StrEnum):
    NEWCOMERS = "newcomers"
    WOMEN_NOT_IN_WORK = "women_not_in_work"
    OLDER_PEOPLE = "older_people"
    YOUNG_PEOPLE = "young_people"
    RURAL_RESIDENTS = "rural_residents"
    DISABLED_PEOPLE = "disabled_people"
    OTHER = "other"

    @property
    def label(self) -> str:
        return COMMUNITY_LABELS[self]


COMMUNITY_LABELS = {
    Community.NEWCOMERS: "Newcomers to the area",
    Community.WOMEN_NOT_IN_WORK: "Women not in work",
    Community.OLDER_PEOPLE: "Older people",
    Community.YOUNG_PEOPLE: "Young people",
    Community.RURAL_RESIDENTS: "Rural residents",
    Community.DISABLED_PEOPLE: "Disabled people",
    Community.OTHER: "Other groups",
}


class BudgetCategory(enum.StrEnum):
    STAFF = "staff"
    VOLUNTEER_EXPENSES = "volunteer_expenses"
    VENUE = "venue"
    EQUIPMENT = "equipment"
    MATERIALS = "materials"
    PUBLICITY = "publicity"
    OTHER = "other"

    @property
    def label(self) -> str:
        return BUDGET_CATEGORY_LABELS[self]


BUDGET_CATEGORY_LABELS = {
    BudgetCategory.STAFF: "Staff",
    BudgetCategory.VOLUNTEER_EXPENSES: "Volunteers’ expenses",
    BudgetCategory.VENUE: "Venue",
    BudgetCategory.EQUIPMENT: "Equipment",
    BudgetCategory.MATERIALS: "Materials",
    BudgetCategory.PUBLICITY: "Publicity",
    BudgetCategory.OTHER: "Other",
}


class FundingStatus(enum.StrEnum):
    SECURED = "secured"
    PENDING = "pending"
    HOPED = "hoped"

    @property
    def label(self) -> str:
        return {"secured": "Secured", "pending": "Applied for, waiting to hear", "hoped": "Hoped for"}[self.value]


class FundingPurpose(enum.StrEnum):
    """Other money alongside the grant (match funding), or income that keeps the work going after it."""

    MATCH = "match"
    CONTINUATION = "continuation"


class SectionStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


application_themes = Table(
    "application_themes",
    db.metadata,
    Column("application_id", ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id"), primary_key=True),
)

application_wards = Table(
    "application_wards",
    db.metadata,
    Column("application_id", ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True),
    Column("ward_id", ForeignKey("wards.id"), primary_key=True),
)


class Application(db.Model):  # type: ignore[name-defined]
    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_column(ApplicationStatus), default=ApplicationStatus.DRAFT, index=True
    )
    # Given at submission: the fund's code, the London year, and a number in sequence (CF-2026-0042).
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    # Set once every eligibility question has its qualifying answer; the task list opens only then.
    eligible_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # 1. About the project
    title: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(Text)
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    # 2. Need and evidence
    need: Mapped[str | None] = mapped_column(Text)
    community_involvement: Mapped[str | None] = mapped_column(Text)
    # 3. Who benefits
    communities: Mapped[list[str]] = mapped_column(JSON, default=list)
    estimated_people: Mapped[int | None]
    mixing: Mapped[str | None] = mapped_column(Text)
    # 5. Budget: the total of the lines, kept with them so lists can filter and sort by amount.
    amount_requested_pence: Mapped[int | None] = mapped_column(BigInteger, index=True)
    # 7. Sustainability
    continuation: Mapped[str | None] = mapped_column(Text)
    continuation_fallback: Mapped[str | None] = mapped_column(Text)
    # 8. Attachments: the group's documents were confirmed for this application (which ones: the
    # attachments, checked again at submission).
    attachments_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # 9. Declarations, by the person who will submit
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    declared_name: Mapped[str | None] = mapped_column(String(200))
    declared_position: Mapped[str | None] = mapped_column(String(200))
    declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Optimistic concurrency: each save checks the version the person loaded, then adds one.
    version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when the answers and contact details were anonymised past retention (grantsfund.dataprotection).
    personal_data_removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    round: Mapped[Round] = relationship()
    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    declared_by: Mapped[User | None] = relationship(foreign_keys=[declared_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    themes: Mapped[list[Theme]] = relationship(secondary=application_themes, order_by="Theme.position, Theme.id")
    wards: Mapped[list[Ward]] = relationship(secondary=application_wards, order_by="Ward.name")
    activities: Mapped[list[ApplicationActivity]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        order_by="ApplicationActivity.position",
    )
    eligibility_answers: Mapped[list[EligibilityAnswer]] = relationship(
        back_populates="application", cascade="all, delete-orphan"
    )
    budget_lines: Mapped[list[BudgetLine]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="BudgetLine.position"
    )
    funding_sources: Mapped[list[FundingSource]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="FundingSource.position"
    )
    outcomes: Mapped[list[ProposedOutcome]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="ProposedOutcome.position"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="Attachment.kind"
    )
    snapshot: Mapped[Snapshot | None] = relationship(back_populates="application")

    @property
    def is_draft(self) -> bool:
        return self.status is ApplicationStatus.DRAFT

    @property
    def match_funding(self) -> list[FundingSource]:
        return [source for source in self.funding_sources if source.purpose is FundingPurpose.MATCH]

    @property
    def continuation_income(self) -> list[FundingSource]:
        return [source for source in self.funding_sources if source.purpose is FundingPurpose.CONTINUATION]

    @property
    def community_values(self) -> list[Community]:
        return [community for community in Community if community.value in (self.communities or [])]

    def __repr__(self) -> str:
        return f"<Application {self.id} {self.status}>"


class ApplicationActivity(db.Model):  # type: ignore[name-defined]
    """One line of the timetable: what happens in which month."""

    __tablename__ = "application_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    month: Mapped[date]  # the first day of the month
    description: Mapped[str] = mapped_column(String(500))

    application: Mapped[Application] = relationship(back_populates="activities")


class EligibilityAnswer(db.Model):  # type: ignore[name-defined]
    __tablename__ = "application_eligibility_answers"

    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("eligibility_questions.id"), primary_key=True)
    answer: Mapped[bool]
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship(back_populates="eligibility_answers")
    question: Mapped[EligibilityQuestion] = relationship()


class BudgetLine(db.Model):  # type: ignore[name-defined]
    __tablename__ = "application_budget_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    item: Mapped[str] = mapped_column(String(200))
    category: Mapped[BudgetCategory] = mapped_column(enum_column(BudgetCategory))
    amount_pence: Mapped[int] = mapped_column(BigInteger)

    application: Mapped[Application] = relationship(back_populates="budget_lines")


class FundingSource(db.Model):  # type: ignore[name-defined]
    """Money from elsewhere: match funding for the project, or income to continue it after the grant."""

    __tablename__ = "application_funding_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[FundingPurpose] = mapped_column(enum_column(FundingPurpose))
    position: Mapped[int] = mapped_column(default=0)
    source: Mapped[str] = mapped_column(String(200))
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[FundingStatus] = mapped_column(enum_column(FundingStatus))

    application: Mapped[Application] = relationship(back_populates="funding_sources")


class ProposedOutcome(db.Model):  # type: ignore[name-defined]
    """An outcome the group commits to: one of the round's indicators, with a target and how it is measured."""

    __tablename__ = "application_outcomes"
    __table_args__ = (UniqueConstraint("application_id", "indicator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"))
    target: Mapped[int]
    unit: Mapped[str] = mapped_column(String(40))
    measurement: Mapped[str] = mapped_column(String(500))

    application: Mapped[Application] = relationship(back_populates="outcomes")
    indicator: Mapped[Indicator] = relationship()


class Attachment(db.Model):  # type: ignore[name-defined]
    """One of the group's documents, attached for a kind the round asks for."""

    __tablename__ = "application_attachments"

    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind), primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("organisation_documents.id"))

    application: Mapped[Application] = relationship(back_populates="attachments")
    document: Mapped[Document] = relationship()


class Snapshot(db.Model):  # type: ignore[name-defined]
    """The application as submitted: what assessment, the panel and the agreement read. The database
    refuses to change or delete it."""

    __tablename__ = "application_snapshots"

    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)

    application: Mapped[Application] = relationship(back_populates="snapshot")


class ReferenceCounter(db.Model):  # type: ignore[name-defined]
    """The last reference number given in a fund and year; incremented in one statement, so concurrent
    submissions queue on its row and never share a number."""

    __tablename__ = "application_reference_counters"

    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int]


class EqualityResponse(db.Model):  # type: ignore[name-defined]
    """The voluntary equality-monitoring answers about the group's leadership: kept apart from the bid, never in
    its snapshot and never shown to assessors or the panel; reported only in aggregate."""

    __tablename__ = "equality_responses"

    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)
