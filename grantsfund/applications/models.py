"""A group's application to a round: its eligibility answers, the task-list sections and their answers."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grantsfund.accounts.models import User
from grantsfund.common.columns import enum_column
from grantsfund.common.dates import UTCDateTime, utcnow
from grantsfund.extensions import db
from grantsfund.organisations.models import Organisation, Ward
from grantsfund.rounds.models import EligibilityQuestion, Round, Theme


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
# point before a decision. (Only DRAFT -> WITHDRAWN is used so far: a disqualifying eligibility answer.)
APPLICATION_TRANSITIONS: dict[ApplicationStatus, frozenset[ApplicationStatus]] = {
    ApplicationStatus.DRAFT: frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN}),
    ApplicationStatus.SUBMITTED: frozenset(
        {ApplicationStatus.ELIGIBLE, ApplicationStatus.INELIGIBLE, ApplicationStatus.WITHDRAWN}
    ),
    ApplicationStatus.ELIGIBLE: frozenset({ApplicationStatus.IN_ASSESSMENT, ApplicationStatus.WITHDRAWN}),
    ApplicationStatus.INELIGIBLE: frozenset(),
    ApplicationStatus.IN_ASSESSMENT: frozenset({ApplicationStatus.AT_PANEL, ApplicationStatus.WITHDRAWN}),
    ApplicationStatus.AT_PANEL: frozenset(
        {
            ApplicationStatus.APPROVED,
            ApplicationStatus.DECLINED,
            ApplicationStatus.DEFERRED,
            ApplicationStatus.WITHDRAWN,
        }
    ),
    ApplicationStatus.DEFERRED: frozenset({ApplicationStatus.AT_PANEL, ApplicationStatus.WITHDRAWN}),
    ApplicationStatus.APPROVED: frozenset(),
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
    # Optimistic concurrency: each save checks the version the person loaded, then adds one.
    version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    round: Mapped[Round] = relationship()
    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
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

    @property
    def is_draft(self) -> bool:
        return self.status is ApplicationStatus.DRAFT

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
