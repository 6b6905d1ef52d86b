"""Grant agreements: the standard terms (versioned by administrators), each agreement and the versions of it (the
original offer and every variation, kept side by side), the monitoring periods in force, and termination with
any money to be paid back.

A version is a complete, frozen statement of the deal: amount, grant period, special conditions, the payment
and monitoring schedules, outcome targets and sustainability commitments. The agreement carries the figures of
the version in force so that payments and reports read them without unpacking versions."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grantsfund.accounts.models import User
from grantsfund.applications.models import Application
from grantsfund.common.columns import enum_column
from grantsfund.common.dates import UTCDateTime, utcnow
from grantsfund.extensions import db
from grantsfund.organisations.models import Organisation
from grantsfund.panel.models import PanelDecision


class StandardTerms(db.Model):  # type: ignore[name-defined]
    """One version of the fund's standard terms and conditions. Never edited: a change is a new version, and
    each agreement names the version it was issued with."""

    __tablename__ = "standard_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)  # plain text; paragraphs separated by blank lines
    summary_of_changes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    created_by: Mapped[User | None] = relationship()

    @property
    def paragraphs(self) -> list[str]:
        return [part.strip() for part in self.body.split("\n\n") if part.strip()]


class AgreementStatus(enum.StrEnum):
    DRAFT = "draft"  # the officer is preparing it; the group cannot see it
    OFFERED = "offered"  # issued to the group, waiting for acceptance
    ACCEPTED = "accepted"  # in force: payments and monitoring run from it
    WITHDRAWN = "withdrawn"  # the offer was withdrawn before acceptance
    TERMINATED = "terminated"  # ended early; see its termination
    CLOSED = "closed"  # finished: final return accepted, final payment made, closure recorded; read-only

    @property
    def label(self) -> str:
        return {
            "draft": "Draft",
            "offered": "Offer sent",
            "accepted": "Accepted",
            "withdrawn": "Offer withdrawn",
            "terminated": "Terminated",
            "closed": "Closed",
        }[self.value]


class Agreement(db.Model):  # type: ignore[name-defined]
    __tablename__ = "grant_agreements"
    __table_args__ = (CheckConstraint("amount_pence > 0", name="agreement_amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("panel_decisions.id"))
    terms_id: Mapped[int] = mapped_column(ForeignKey("standard_terms.id"))
    status: Mapped[AgreementStatus] = mapped_column(
        enum_column(AgreementStatus), default=AgreementStatus.DRAFT, index=True
    )
    # The figures of the version in force (of the offer, before acceptance). Payments lock this row.
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    starts_on: Mapped[date]
    ends_on: Mapped[date] = mapped_column(index=True)
    accept_by: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)

    application: Mapped[Application] = relationship(lazy="joined")
    decision: Mapped[PanelDecision] = relationship()
    terms: Mapped[StandardTerms] = relationship()
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
    versions: Mapped[list[AgreementVersion]] = relationship(
        back_populates="agreement", order_by="AgreementVersion.number", cascade="all, delete-orphan"
    )
    periods: Mapped[list[MonitoringPeriod]] = relationship(
        back_populates="agreement", order_by="MonitoringPeriod.number", cascade="all, delete-orphan"
    )
    termination: Mapped[Termination | None] = relationship(back_populates="agreement")

    @property
    def organisation(self) -> Organisation:
        return self.application.organisation

    @property
    def offered(self) -> bool:
        """Whether the group has been sent it (a withdrawn draft never was)."""
        return self.issued_at is not None

    @property
    def reference(self) -> str:
        return self.application.reference or f"agreement {self.id}"

    @property
    def in_force(self) -> AgreementVersion | None:
        """The version the group accepted most recently."""
        return next((v for v in reversed(self.versions) if v.status is VersionStatus.ACCEPTED), None)

    @property
    def pending(self) -> AgreementVersion | None:
        """The version being drafted or waiting for the group: the offer, or a variation."""
        return next((v for v in self.versions if v.status in (VersionStatus.DRAFT, VersionStatus.OFFERED)), None)

    @property
    def latest(self) -> AgreementVersion:
        return self.versions[-1]

    @property
    def offer(self) -> AgreementVersion:
        return self.versions[0]

    def period(self, number: int) -> MonitoringPeriod | None:
        return next((period for period in self.periods if period.number == number), None)


class VersionStatus(enum.StrEnum):
    DRAFT = "draft"
    OFFERED = "offered"  # sent to the group to accept
    ACCEPTED = "accepted"  # the group accepted it; the latest accepted one is in force
    SUPERSEDED = "superseded"  # a later variation replaced it
    WITHDRAWN = "withdrawn"  # the offer or variation was withdrawn before acceptance

    @property
    def label(self) -> str:
        return {
            "draft": "Draft",
            "offered": "Waiting for acceptance",
            "accepted": "In force",
            "superseded": "Replaced by a variation",
            "withdrawn": "Withdrawn",
        }[self.value]


class AgreementVersion(db.Model):  # type: ignore[name-defined]
    """The whole deal as one version states it. Version 1 is the original offer; each later one is a
    variation with its reason. Once offered a version never changes."""

    __tablename__ = "grant_agreement_versions"
    __table_args__ = (
        UniqueConstraint("agreement_id", "number", name="uq_grant_agreement_versions_number"),
        CheckConstraint("amount_pence > 0", name="version_amount_positive"),
        CheckConstraint("starts_on <= ends_on", name="version_period_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("grant_agreements.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    status: Mapped[VersionStatus] = mapped_column(enum_column(VersionStatus), default=VersionStatus.DRAFT)
    reason: Mapped[str] = mapped_column(Text, default="")  # why the variation is made; empty on the offer
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    signatory_role: Mapped[str] = mapped_column(String(200))
    special_conditions: Mapped[str] = mapped_column(Text, default="")
    sustainability_commitments: Mapped[str] = mapped_column(Text, default="")
    # [{"number", "due_on", "amount_pence", "condition", "period", "note"}]; see agreements.schedules
    payments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # [{"number", "starts_on", "ends_on", "due_on", "final"}]
    monitoring: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # [{"indicator_id", "indicator", "domain", "target", "unit", "measurement"}]
    targets: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    offered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The acceptance: who, in what capacity, the name they typed, when and from where.
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    accepted_name: Mapped[str | None] = mapped_column(String(200))
    accepted_position: Mapped[str | None] = mapped_column(String(200))
    accepted_ip: Mapped[str | None] = mapped_column(String(64))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)

    agreement: Mapped[Agreement] = relationship(back_populates="versions")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])

    @property
    def organisation(self) -> Organisation:
        return self.agreement.organisation

    @property
    def is_variation(self) -> bool:
        return self.number > 1

    @property
    def editable(self) -> bool:
        return self.status is VersionStatus.DRAFT


def return_title(number: int, *, final: bool) -> str:
    return f"Final return (period {number})" if final else f"Return for period {number}"


class MonitoringPeriod(db.Model):  # type: ignore[name-defined]
    """A period of the monitoring schedule in force, for which the group sends a return. Monitoring records
    the return's acceptance here; payments whose release waits on the return read it."""

    __tablename__ = "monitoring_periods"
    __table_args__ = (
        UniqueConstraint("agreement_id", "number", name="uq_monitoring_periods_number"),
        CheckConstraint("starts_on <= ends_on", name="monitoring_period_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("grant_agreements.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    due_on: Mapped[date] = mapped_column(index=True)
    final: Mapped[bool] = mapped_column(default=False)
    return_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    agreement: Mapped[Agreement] = relationship(back_populates="periods")

    @property
    def organisation(self) -> Organisation:
        return self.agreement.organisation

    @property
    def title(self) -> str:
        return return_title(self.number, final=self.final)

    def send_by(self, resubmit_by: date | None = None) -> date:
        """When the group must send the return: its due date, unless the council sent it back for changes and gave
        the group until `resubmit_by` (`MonitoringReturn.resubmit_by`) to send it again."""
        return self.due_on if resubmit_by is None else max(self.due_on, resubmit_by)

    def overdue(self, today: date, *, resubmit_by: date | None = None) -> bool:
        return self.return_accepted_at is None and self.send_by(resubmit_by) < today


class RepaymentStatus(enum.StrEnum):
    NONE_DUE = "none_due"
    OWED = "owed"
    PART_REPAID = "part_repaid"
    REPAID = "repaid"
    WRITTEN_OFF = "written_off"

    @property
    def label(self) -> str:
        return {
            "none_due": "Nothing to repay",
            "owed": "Owed",
            "part_repaid": "Partly repaid",
            "repaid": "Repaid",
            "written_off": "Written off",
        }[self.value]


class Termination(db.Model):  # type: ignore[name-defined]
    """An agreement ended early: why, from when, and any grant to be paid back (clawback) and how that stands."""

    __tablename__ = "grant_terminations"
    __table_args__ = (
        CheckConstraint("amount_owed_pence >= 0", name="owed_not_negative"),
        CheckConstraint(
            "amount_repaid_pence >= 0 AND amount_repaid_pence <= amount_owed_pence", name="repaid_in_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("grant_agreements.id"), unique=True)
    reason: Mapped[str] = mapped_column(Text)
    terminated_on: Mapped[date]
    amount_owed_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    amount_repaid_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    repayment_status: Mapped[RepaymentStatus] = mapped_column(enum_column(RepaymentStatus))
    repayment_note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    agreement: Mapped[Agreement] = relationship(back_populates="termination")
    recorded_by: Mapped[User | None] = relationship()

    @property
    def organisation(self) -> Organisation:
        return self.agreement.organisation

    @property
    def outstanding_pence(self) -> int:
        if self.repayment_status is RepaymentStatus.WRITTEN_OFF:
            return 0
        return self.amount_owed_pence - self.amount_repaid_pence
