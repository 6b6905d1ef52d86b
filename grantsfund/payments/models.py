"""Payments: the instalments of each agreement in force, as finance moves them from due to approved to paid, or
holds or cancels them. An instalment is released when its condition is met: the agreement accepted, or the
monitoring return for a period accepted."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grantsfund.accounts.models import User
from grantsfund.agreements.models import Agreement, MonitoringPeriod, return_title
from grantsfund.common.columns import enum_column
from grantsfund.common.dates import UTCDateTime
from grantsfund.extensions import db
from grantsfund.organisations.models import Organisation


class ReleaseCondition(enum.StrEnum):
    AGREEMENT_ACCEPTED = "agreement_accepted"
    RETURN_ACCEPTED = "return_accepted"  # the monitoring return for the instalment's period


class InstalmentStatus(enum.StrEnum):
    DUE = "due"  # scheduled; finance approves it once its condition is met (early, if the group needs it sooner)
    APPROVED = "approved"  # approved for payment, waiting for the money to go
    PAID = "paid"
    HELD = "held"  # stopped, with a reason: by finance, or automatically while its return is awaited
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return "Scheduled" if self is InstalmentStatus.DUE else self.value.capitalize()


# What counts against the award: the award is never exceeded by these together.
COMMITTED = (InstalmentStatus.APPROVED, InstalmentStatus.PAID)
# Still to be paid: scheduled, approved or held (not paid, not cancelled).
UNPAID = (InstalmentStatus.DUE, InstalmentStatus.APPROVED, InstalmentStatus.HELD)


class Instalment(db.Model):  # type: ignore[name-defined]
    __tablename__ = "payment_instalments"
    __table_args__ = (
        UniqueConstraint("agreement_id", "number", name="uq_payment_instalments_number"),
        CheckConstraint("amount_pence > 0", name="instalment_amount_positive"),
        CheckConstraint(
            "(condition = 'return_accepted' AND period_id IS NOT NULL)"
            " OR (condition = 'agreement_accepted' AND period_id IS NULL)",
            name="return_condition_names_a_period",
        ),
        CheckConstraint(
            "status != 'paid' OR (paid_on IS NOT NULL AND payment_reference IS NOT NULL)",
            name="paid_has_date_and_reference",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("grant_agreements.id"), index=True)
    number: Mapped[int]
    due_on: Mapped[date] = mapped_column(index=True)
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    condition: Mapped[ReleaseCondition] = mapped_column(enum_column(ReleaseCondition))
    period_id: Mapped[int | None] = mapped_column(ForeignKey("monitoring_periods.id"))
    note: Mapped[str] = mapped_column(Text, default="")  # anything else to see before release
    status: Mapped[InstalmentStatus] = mapped_column(
        enum_column(InstalmentStatus), default=InstalmentStatus.DUE, index=True
    )
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    paid_on: Mapped[date | None] = mapped_column(index=True)
    payment_reference: Mapped[str | None] = mapped_column(String(100))
    paid_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hold_reason: Mapped[str | None] = mapped_column(Text)
    # Held by the service while the return it waits on is outstanding; released when that return is accepted.
    held_automatically: Mapped[bool] = mapped_column(default=False)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(Text)

    agreement: Mapped[Agreement] = relationship(lazy="joined")
    period: Mapped[MonitoringPeriod | None] = relationship()
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])

    @property
    def organisation(self) -> Organisation:
        return self.agreement.organisation

    @property
    def condition_met(self) -> bool:
        if self.condition is ReleaseCondition.RETURN_ACCEPTED:
            return self.period is not None and self.period.return_accepted_at is not None
        return self.agreement.accepted_at is not None

    @property
    def condition_text(self) -> str:
        period = self.period
        return condition_text(self.condition, period.number if period else None, final=bool(period and period.final))


def condition_text(condition: ReleaseCondition, period_number: int | None, *, final: bool) -> str:
    """What releases an instalment, in words."""
    if condition is ReleaseCondition.RETURN_ACCEPTED and period_number is not None:
        return f"{return_title(period_number, final=final)} accepted"
    return "Agreement accepted"
