"""Signposting: the directory of other funders and their programmes, and the signposts sent to groups whose
bids were declined or found ineligible, with what each group later reports happened."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grantsfund.accounts.models import User
from grantsfund.applications.models import Application
from grantsfund.common.columns import enum_column
from grantsfund.common.dates import UTCDateTime, utcnow
from grantsfund.extensions import db
from grantsfund.organisations.models import Organisation, Ward


class ProgrammeStatus(enum.StrEnum):
    OPEN = "open"  # taking applications until a deadline
    ROLLING = "rolling"  # taking applications at any time
    ROUND_BASED = "round_based"  # opens for rounds with deadlines
    CLOSED = "closed"  # kept so that officers know not to send anyone there

    @property
    def label(self) -> str:
        return {"open": "Open", "rolling": "Rolling", "round_based": "Round-based", "closed": "Closed"}[self.value]


class Reach(enum.StrEnum):
    NATIONAL = "national"  # one or more of the UK's nations, named in the area
    REGIONAL = "regional"  # a region, named in the area
    LOCAL = "local"  # this council's area, or some of its wards

    @property
    def label(self) -> str:
        return self.value.capitalize()


programme_wards = Table(
    "funder_programme_wards",
    db.metadata,
    Column("programme_id", ForeignKey("funder_programmes.id", ondelete="CASCADE"), primary_key=True),
    Column("ward_id", ForeignKey("wards.id"), primary_key=True),
)


class Funder(db.Model):  # type: ignore[name-defined]
    __tablename__ = "funders"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    website: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    programmes: Mapped[list[Programme]] = relationship(
        back_populates="funder", order_by="Programme.name", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Funder {self.id} {self.name}>"


class Programme(db.Model):  # type: ignore[name-defined]
    """One funder's grant programme: what the matching compares a group and its project against."""

    __tablename__ = "funder_programmes"
    __table_args__ = (
        UniqueConstraint("funder_id", "name", name="uq_funder_programmes_funder_name"),
        CheckConstraint(
            "min_award_pence IS NULL OR max_award_pence IS NULL OR min_award_pence <= max_award_pence",
            name="award_range_in_order",
        ),
        CheckConstraint(
            "min_income_pence IS NULL OR max_income_pence IS NULL OR min_income_pence <= max_income_pence",
            name="income_range_in_order",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    funder_id: Mapped[int] = mapped_column(ForeignKey("funders.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # Either end of a range may be unknown (no limit).
    min_award_pence: Mapped[int | None] = mapped_column(BigInteger)
    max_award_pence: Mapped[int | None] = mapped_column(BigInteger)
    # The group's annual income the programme is for, where the funder sets limits.
    min_income_pence: Mapped[int | None] = mapped_column(BigInteger)
    max_income_pence: Mapped[int | None] = mapped_column(BigInteger)
    # LegalForm values; empty means any kind of organisation.
    legal_forms: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Tags in the funder's words or the fund's (themes, Indicators of Integration domains, communities).
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    reach: Mapped[Reach] = mapped_column(enum_column(Reach))
    area: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[ProgrammeStatus] = mapped_column(enum_column(ProgrammeStatus), index=True)
    next_deadline: Mapped[date | None]
    contact: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(500), default="")
    source_url: Mapped[str] = mapped_column(String(500), default="")
    last_verified_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    funder: Mapped[Funder] = relationship(back_populates="programmes", lazy="joined")
    # A local programme with no wards covers the whole council area.
    wards: Mapped[list[Ward]] = relationship(secondary=programme_wards, order_by="Ward.name", lazy="selectin")

    @property
    def title(self) -> str:
        return f"{self.funder.name}: {self.name}"

    def __repr__(self) -> str:
        return f"<Programme {self.id} {self.name}>"


class SignpostStatus(enum.StrEnum):
    DRAFT = "draft"  # the officer is reviewing the suggestions
    SENT = "sent"  # the letter has gone to the group

    @property
    def label(self) -> str:
        return self.value.capitalize()


class SignpostOutcome(enum.StrEnum):
    APPLIED = "applied"
    FUNDED = "funded"
    UNSUCCESSFUL = "unsuccessful"
    NOT_PURSUED = "not_pursued"

    @property
    def label(self) -> str:
        return {
            "applied": "Applied, waiting to hear",
            "funded": "Funded",
            "unsuccessful": "Applied, not successful",
            "not_pursued": "Did not apply",
        }[self.value]

    @property
    def applied(self) -> bool:
        return self is not SignpostOutcome.NOT_PURSUED


class Signpost(db.Model):  # type: ignore[name-defined]
    """The funders suggested to one declined or ineligible application, the officer's note, and the letter."""

    __tablename__ = "signposts"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    status: Mapped[SignpostStatus] = mapped_column(enum_column(SignpostStatus), default=SignpostStatus.DRAFT)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    follow_up_due_on: Mapped[date | None] = mapped_column(index=True)
    follow_up_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    application: Mapped[Application] = relationship(lazy="joined")
    sent_by: Mapped[User | None] = relationship(foreign_keys=[sent_by_id])
    suggestions: Mapped[list[Suggestion]] = relationship(
        back_populates="signpost", order_by="Suggestion.position, Suggestion.id", cascade="all, delete-orphan"
    )

    @property
    def organisation(self) -> Organisation:
        return self.application.organisation

    @property
    def is_sent(self) -> bool:
        return self.status is SignpostStatus.SENT

    @property
    def outcomes_recorded(self) -> int:
        return sum(1 for suggestion in self.suggestions if suggestion.outcome is not None)


class Suggestion(db.Model):  # type: ignore[name-defined]
    """One programme on a signpost, with the reasons it was (or was not quite) a match, and what happened."""

    __tablename__ = "signpost_suggestions"
    __table_args__ = (
        UniqueConstraint("signpost_id", "programme_id", name="uq_signpost_suggestions_programme"),
        CheckConstraint("amount_raised_pence IS NULL OR amount_raised_pence >= 0", name="amount_raised_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    signpost_id: Mapped[int] = mapped_column(ForeignKey("signposts.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("funder_programmes.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    # Added by the officer rather than suggested by the matching.
    added_by_officer: Mapped[bool] = mapped_column(default=False)
    # The matching's reasons as they stood when suggested and again when the letter went:
    # [{"topic": ..., "fits": true | false | null, "text": ...}]
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    outcome: Mapped[SignpostOutcome | None] = mapped_column(enum_column(SignpostOutcome))
    amount_raised_pence: Mapped[int | None] = mapped_column(BigInteger)
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    outcome_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    signpost: Mapped[Signpost] = relationship(back_populates="suggestions")
    programme: Mapped[Programme] = relationship(lazy="joined")

    @property
    def organisation(self) -> Organisation:
        return self.signpost.organisation
