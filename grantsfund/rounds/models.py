"""Funds and their rounds, the themes and outcome indicators a round offers, and how bids are scored."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grantsfund.common.columns import enum_column
from grantsfund.common.dates import UTCDateTime, utcnow
from grantsfund.extensions import db
from grantsfund.organisations.models import LegalForm

SCORES = range(6)  # every round scores 0–5; what each score means is the round's own


class RoundStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    DECIDED = "decided"
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        return self.value.capitalize()


# The lifecycle of a round, as data: each status and the statuses it may move to.
ROUND_TRANSITIONS: dict[RoundStatus, frozenset[RoundStatus]] = {
    RoundStatus.DRAFT: frozenset({RoundStatus.OPEN}),
    RoundStatus.OPEN: frozenset({RoundStatus.CLOSED}),
    RoundStatus.CLOSED: frozenset({RoundStatus.DECIDED}),
    RoundStatus.DECIDED: frozenset({RoundStatus.COMPLETED}),
    RoundStatus.COMPLETED: frozenset(),
}


def can_move(current: RoundStatus, target: RoundStatus) -> bool:
    return target in ROUND_TRANSITIONS[current]


round_themes = Table(
    "round_themes",
    db.metadata,
    Column("round_id", ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id"), primary_key=True),
)

round_indicators = Table(
    "round_indicators",
    db.metadata,
    Column("round_id", ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True),
    Column("indicator_id", ForeignKey("indicators.id"), primary_key=True),
)


class Theme(db.Model):  # type: ignore[name-defined]
    """A theme of the fund (seeded from data/themes.csv); a round selects several."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)


class Indicator(db.Model):  # type: ignore[name-defined]
    """An outcome measure in the library, under an Indicators of Integration heading and domain."""

    __tablename__ = "indicators"
    __table_args__ = (UniqueConstraint("domain", "measure", name="uq_indicators_domain_measure"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    heading: Mapped[str] = mapped_column(String(100))
    domain: Mapped[str] = mapped_column(String(100))
    measure: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(default=0)

    @property
    def label(self) -> str:
        return f"{self.domain}: {self.measure}"


class Fund(db.Model):  # type: ignore[name-defined]
    __tablename__ = "funds"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # The start of every application reference in this fund (CF-2026-0042); set once, since references
    # already given out must stay true.
    code: Mapped[str] = mapped_column(String(8), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    rounds: Mapped[list[Round]] = relationship(back_populates="fund", order_by="Round.id.desc()")


class Round(db.Model):  # type: ignore[name-defined]
    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[RoundStatus] = mapped_column(enum_column(RoundStatus), default=RoundStatus.DRAFT)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    budget_pence: Mapped[int | None] = mapped_column(BigInteger)
    minimum_grant_pence: Mapped[int | None] = mapped_column(BigInteger)
    maximum_grant_pence: Mapped[int | None] = mapped_column(BigInteger)
    assessors_per_bid: Mapped[int] = mapped_column(default=2)
    moderation_spread: Mapped[int] = mapped_column(default=2)
    # A score below this on an essential criterion flags the bid for the panel.
    essential_threshold: Mapped[int] = mapped_column(default=2)
    panel_date: Mapped[date | None]
    # The 0–5 scale's labels, index = score ("No evidence" … "Excellent").
    score_labels: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The kinds of the group's documents (DocumentKind values) an application must attach.
    required_documents: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"))

    fund: Mapped[Fund] = relationship(back_populates="rounds")
    themes: Mapped[list[Theme]] = relationship(secondary=round_themes, order_by="Theme.position, Theme.id")
    indicators: Mapped[list[Indicator]] = relationship(
        secondary=round_indicators, order_by="Indicator.position, Indicator.id"
    )
    legal_form_grants: Mapped[list[RoundLegalForm]] = relationship(cascade="all, delete-orphan")
    questions: Mapped[list[EligibilityQuestion]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="EligibilityQuestion.position"
    )
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="Criterion.position"
    )

    @property
    def legal_forms(self) -> list[LegalForm]:
        chosen = {grant.legal_form for grant in self.legal_form_grants}
        return [form for form in LegalForm if form in chosen]

    @property
    def total_weight(self) -> int:
        return sum(criterion.weight for criterion in self.criteria)

    @property
    def is_draft(self) -> bool:
        return self.status is RoundStatus.DRAFT

    def __repr__(self) -> str:
        return f"<Round {self.id} {self.name} {self.status}>"


class RoundLegalForm(db.Model):  # type: ignore[name-defined]
    """A legal form of organisation the round accepts bids from."""

    __tablename__ = "round_legal_forms"

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True)
    legal_form: Mapped[LegalForm] = mapped_column(enum_column(LegalForm), primary_key=True)


class EligibilityQuestion(db.Model):  # type: ignore[name-defined]
    """A yes/no question every bid answers; the other answer makes the group ineligible, with the explanation."""

    __tablename__ = "eligibility_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)
    qualifying_answer: Mapped[bool] = mapped_column(default=True)
    explanation: Mapped[str] = mapped_column(Text)

    round: Mapped[Round] = relationship(back_populates="questions")


class Criterion(db.Model):  # type: ignore[name-defined]
    __tablename__ = "criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(200))
    guidance: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[int] = mapped_column(default=1)
    essential: Mapped[bool] = mapped_column(default=False)
    # What each score means for this criterion, index = score.
    descriptors: Mapped[list[str]] = mapped_column(JSON, default=list)

    round: Mapped[Round] = relationship(back_populates="criteria")
