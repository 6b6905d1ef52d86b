"""Holding payments while the monitoring return they wait on is outstanding, and releasing them when it is accepted.

An instalment released by an accepted return is held automatically once its date comes while that return is not
yet accepted (overdue or not yet in), and as soon as the return is overdue whatever its date (unless the group
has sent it and it waits for the council's review); `hold_waiting` does this daily (`flask payments hold`, and
`flask monitoring remind`). Monitoring calls `return_accepted` when it accepts a period's return: the period
records it and its held instalments go back to due, ready for finance to approve."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from grantsfund.agreements.models import Agreement, AgreementStatus, MonitoringPeriod
from grantsfund.audit import services as audit
from grantsfund.common.actor import Actor
from grantsfund.common.dates import format_date, london_today, utcnow
from grantsfund.extensions import db
from grantsfund.monitoring.models import MonitoringReturn, ReturnStatus
from grantsfund.payments import services
from grantsfund.payments.models import Instalment, InstalmentStatus, ReleaseCondition


def _sent(period: MonitoringPeriod) -> bool:
    """Whether the group has sent the period's return and it waits for an officer's review."""
    return db.session.scalar(select(MonitoringReturn.status).where(MonitoringReturn.period_id == period.id)) is (
        ReturnStatus.SUBMITTED
    )


def waiting_reason(period: MonitoringPeriod, now: datetime | None = None) -> str:
    title = period.title.lower()
    if _sent(period):
        return f"Waiting for the council to review the {title}, which the group has sent"
    late = "overdue since" if period.overdue(london_today(now)) else "due"
    return f"Waiting for the {title} ({late} {format_date(period.due_on)}) to be accepted"


def _hold(instalment: Instalment, actor: Actor, now: datetime) -> None:
    assert instalment.period is not None  # a return condition always names its period
    reason = waiting_reason(instalment.period, now)
    services.put_on_hold(instalment, reason=reason, automatic=True, now=now)
    audit.record(
        actor=actor,
        action="payment.held",
        obj=instalment,
        before={"status": InstalmentStatus.DUE},
        after={"status": instalment.status, "reason": reason, "automatic": True},
        now=now,
    )
    services.tell_group(instalment, "payments/held", now)


def _release(instalment: Instalment, actor: Actor, now: datetime) -> None:
    services.take_off_hold(instalment)
    audit.record(
        actor=actor,
        action="payment.released",
        obj=instalment,
        before={"status": InstalmentStatus.HELD},
        after={"status": instalment.status, "automatic": True},
        now=now,
    )


def hold_waiting(*, now: datetime | None = None, actor: Actor | None = None) -> int:
    """Hold every instalment whose date has come while the return it waits on is not accepted, and every one
    waiting on an overdue return."""
    now = now or utcnow()
    actor = actor or Actor.system()
    today = london_today(now)
    sent = (
        select(MonitoringReturn.id)
        .where(MonitoringReturn.period_id == MonitoringPeriod.id, MonitoringReturn.status == ReturnStatus.SUBMITTED)
        .exists()
    )
    waiting = db.session.scalars(
        select(Instalment)
        .join(MonitoringPeriod, MonitoringPeriod.id == Instalment.period_id)
        .join(Agreement, Agreement.id == Instalment.agreement_id)
        .where(
            Instalment.status == InstalmentStatus.DUE,
            Instalment.condition == ReleaseCondition.RETURN_ACCEPTED,
            or_(Instalment.due_on <= today, and_(MonitoringPeriod.due_on < today, ~sent)),
            MonitoringPeriod.return_accepted_at.is_(None),
            Agreement.status == AgreementStatus.ACCEPTED,
        )
        .options(selectinload(Instalment.period))
        .with_for_update(of=(Instalment, MonitoringPeriod))
    ).all()
    for instalment in waiting:
        _hold(instalment, actor, now)
    return len(waiting)


def return_accepted(period: MonitoringPeriod, *, actor: Actor, now: datetime | None = None) -> list[Instalment]:
    """Record that the period's return was accepted and release what waited on it."""
    now = now or utcnow()
    if period.return_accepted_at is None:
        period.return_accepted_at = now
        audit.record(
            actor=actor, action="monitoring_period.return_accepted", obj=period, after={"accepted_at": now}, now=now
        )
    released = list(
        db.session.scalars(
            select(Instalment).where(
                Instalment.period_id == period.id,
                Instalment.status == InstalmentStatus.HELD,
                Instalment.held_automatically.is_(True),
            )
        )
    )
    for instalment in released:
        _release(instalment, actor, now)
    return released


def refresh(agreement: Agreement, *, actor: Actor, now: datetime) -> None:
    """After the schedule changes (a variation): lift automatic holds whose condition is now met, and hold what is
    due and still waiting."""
    today = london_today(now)
    for instalment in services.instalments_for(agreement):
        if instalment.status is InstalmentStatus.HELD and instalment.held_automatically and instalment.condition_met:
            _release(instalment, actor, now)
        elif (
            instalment.status is InstalmentStatus.DUE
            and instalment.period is not None
            and (instalment.due_on <= today or (instalment.period.overdue(today) and not _sent(instalment.period)))
            and not instalment.condition_met
        ):
            _hold(instalment, actor, now)
