"""Holding payments while the monitoring return they wait on is outstanding, and releasing them when it is accepted.

An instalment released by an accepted return is held automatically once its date comes while that return is not
yet accepted (overdue or not yet in), and as soon as the return is overdue whatever its date (unless the group
has sent it and it waits for the council's review, or the council sent it back for changes and the group's
resubmission date has not passed); `hold_waiting` does this daily (`flask payments hold`, and
`flask monitoring remind`). Monitoring calls `return_accepted` when it accepts a period's return: the period
records it and its held instalments go back to due, ready for finance to approve; and `reword_holds` when the group
sends a return or the council sends it back for changes, so the holds say what they now wait for."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import selectinload

from grantsfund.agreements.models import Agreement, AgreementStatus, MonitoringPeriod
from grantsfund.audit import services as audit
from grantsfund.common.actor import Actor
from grantsfund.common.dates import format_date, london_to_utc, london_today, utcnow
from grantsfund.extensions import db
from grantsfund.monitoring.models import MonitoringReturn, ReturnStatus, ReturnSubmission, ReviewOutcome, send_by
from grantsfund.payments import services
from grantsfund.payments.models import Instalment, InstalmentStatus, ReleaseCondition


def _return_of(period: MonitoringPeriod) -> MonitoringReturn | None:
    return db.session.scalar(select(MonitoringReturn).where(MonitoringReturn.period_id == period.id))


def _sent(ret: MonitoringReturn | None) -> bool:
    """Whether the group has sent the return and it waits for an officer's review."""
    return ret is not None and ret.status is ReturnStatus.SUBMITTED


def _late(period: MonitoringPeriod, ret: MonitoringReturn | None, today: date) -> bool:
    """Whether the return is overdue and not with the council: the group has still to send it."""
    return not _sent(ret) and period.overdue(today, resubmit_by=ret.resubmit_by if ret is not None else None)


def waiting_reason(period: MonitoringPeriod, now: datetime | None = None) -> str:
    title = period.title.lower()
    ret = _return_of(period)
    if _sent(ret):
        return f"Waiting for the council to review the {title}, which the group has sent"
    late = "overdue since" if _late(period, ret, london_today(now)) else "due"
    if ret is not None and ret.resubmit_by is not None:
        by = format_date(send_by(period, ret))
        return (
            f"Waiting for the group to make the changes the council asked for in the {title} and send it again"
            f" ({late} {by})"
        )
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


def _with_council_or_in_time(today: date) -> ColumnElement[bool]:
    """SQL for `not _late`, given the period's due date has passed: the group has sent the return, or the council
    sent it back for changes and the resubmission date (`MonitoringReturn.resubmit_by`) is today or later, that
    is, the council asked on or after the London day RESUBMIT_DAYS before today."""
    asked_since = london_to_utc(today - timedelta(days=current_app.config["RESUBMIT_DAYS"]), time(0))
    asked_in_time = (
        select(ReturnSubmission.id)
        .where(
            ReturnSubmission.return_id == MonitoringReturn.id,
            ReturnSubmission.outcome == ReviewOutcome.CHANGES_REQUESTED,
            ReturnSubmission.reviewed_at >= asked_since,
        )
        .exists()
    )
    return (
        select(MonitoringReturn.id)
        .where(
            MonitoringReturn.period_id == MonitoringPeriod.id,
            or_(
                MonitoringReturn.status == ReturnStatus.SUBMITTED,
                and_(MonitoringReturn.status == ReturnStatus.CHANGES_REQUESTED, asked_in_time),
            ),
        )
        .exists()
    )


def hold_waiting(*, now: datetime | None = None, actor: Actor | None = None) -> int:
    """Hold every instalment whose date has come while the return it waits on is not accepted, and every one
    waiting on an overdue return."""
    now = now or utcnow()
    actor = actor or Actor.system()
    today = london_today(now)
    waiting = db.session.scalars(
        select(Instalment)
        .join(MonitoringPeriod, MonitoringPeriod.id == Instalment.period_id)
        .join(Agreement, Agreement.id == Instalment.agreement_id)
        .where(
            Instalment.status == InstalmentStatus.DUE,
            Instalment.condition == ReleaseCondition.RETURN_ACCEPTED,
            or_(Instalment.due_on <= today, and_(MonitoringPeriod.due_on < today, ~_with_council_or_in_time(today))),
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
            and (instalment.due_on <= today or _late(instalment.period, _return_of(instalment.period), today))
            and not instalment.condition_met
        ):
            _hold(instalment, actor, now)


def reword_holds(period: MonitoringPeriod, *, actor: Actor, now: datetime) -> None:
    """The period's return changed hands (the group sent it, or the council sent it back for changes): its
    automatic holds say what they now wait for."""
    reason = waiting_reason(period, now)
    held = db.session.scalars(
        select(Instalment).where(
            Instalment.period_id == period.id,
            Instalment.status == InstalmentStatus.HELD,
            Instalment.held_automatically.is_(True),
            Instalment.hold_reason != reason,
        )
    ).all()
    for instalment in held:
        audit.record(
            actor=actor,
            action="payment.hold_reason_changed",
            obj=instalment,
            before={"reason": instalment.hold_reason},
            after={"reason": reason},
            now=now,
        )
        instalment.hold_reason = reason
