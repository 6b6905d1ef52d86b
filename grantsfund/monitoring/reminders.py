"""Reminding groups about their returns: once before a return is due, and once when it is late.

`flask monitoring remind` runs this daily. Days are the council's (Europe/London): a return due on the 30th is
"due soon" from RETURN_REMINDER_DAYS days before until the end of the 30th, and overdue from the 31st. Each kind of
reminder goes once per period, however often the command runs (a unique row records it). A return the group has
sent, or that was accepted, gets none; one sent back for changes is due again on its resubmission date
(`MonitoringReturn.resubmit_by`), and its reminders count from that. Afterwards the payments waiting on a late
return are held."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from grantsfund.agreements.models import MonitoringPeriod
from grantsfund.applications.services import group_addresses
from grantsfund.audit import services as audit
from grantsfund.common.actor import Actor
from grantsfund.common.dates import format_date, london_today, utcnow
from grantsfund.extensions import db
from grantsfund.monitoring import returns
from grantsfund.monitoring.models import MonitoringReturn, ReminderKind, ReturnReminder, ReturnStatus, send_by
from grantsfund.notifications.services import queue_email
from grantsfund.payments import holds


@dataclass(frozen=True)
class Due:
    """A reminder to send: the period, its return if the group has started it, and which kind."""

    period: MonitoringPeriod
    ret: MonitoringReturn | None
    kind: ReminderKind


@dataclass(frozen=True)
class Summary:
    due_soon: int
    overdue: int
    held: int


def kind_on(due_on: date, today: date, *, days: int) -> ReminderKind | None:
    """Which reminder a return due on `due_on` calls for on `today`, if any."""
    if today > due_on:
        return ReminderKind.OVERDUE
    if due_on - timedelta(days=days) <= today:
        return ReminderKind.DUE_SOON
    return None


def due_reminders(now: datetime | None = None) -> list[Due]:
    """The reminders not yet sent that today calls for."""
    today = london_today(now)
    days = current_app.config["RETURN_REMINDER_DAYS"]
    waiting = returns.awaiting_periods(due_by=today + timedelta(days=days))
    periods = [period.id for period, _ret in waiting]
    sent = {
        (period_id, kind)
        for period_id, kind in db.session.execute(
            select(ReturnReminder.period_id, ReturnReminder.kind).where(ReturnReminder.period_id.in_(periods))
        )
    }
    found = []
    for period, ret in waiting:
        kind = kind_on(send_by(period, ret), today, days=days)
        if kind is not None and (period.id, kind) not in sent:
            found.append(Due(period, ret, kind))
    return found


def send(due: Due, *, now: datetime | None = None) -> bool:
    """Record the reminder and email the group; False when it had been sent already (another run got there first)."""
    now = now or utcnow()
    period = due.period
    try:
        with db.session.begin_nested():
            reminder = ReturnReminder(period_id=period.id, kind=due.kind, sent_at=now)
            db.session.add(reminder)
            db.session.flush()
    except IntegrityError:
        return False
    audit.record(
        actor=Actor.system(), action="monitoring_period.reminded", obj=period, after={"kind": due.kind}, now=now
    )
    agreement = period.agreement
    today = london_today(now)
    by = send_by(period, due.ret)
    context = {
        "agreement_id": agreement.id,
        "return_id": due.ret.id if due.ret is not None else None,
        "reference": agreement.reference,
        "project": agreement.application.title or "",
        "group": agreement.organisation.name,
        "title": period.title,
        "due_on": format_date(by),
        "days": abs((by - today).days),
        "started": due.ret is not None,
        # A return sent back for changes was received: the reminder asks for it again, not for the first time.
        "changes_requested": due.ret is not None and due.ret.status is ReturnStatus.CHANGES_REQUESTED,
    }
    for address in group_addresses(agreement.application):
        queue_email(to=address, template=f"monitoring/{due.kind.value}", context=context, now=now)
    return True


def hold_late_payments(now: datetime | None = None) -> int:
    """Hold the payments waiting on a late return (or whose date has come before their return was accepted)."""
    return holds.hold_waiting(now=now, actor=Actor.system())


def remind(*, now: datetime | None = None, progress: Callable[[list[Due]], Iterable[Due]] = iter) -> Summary:
    """Send today's reminders, then hold the payments waiting on late returns. `progress` wraps the reminders to
    send, so a command can show how far it has got."""
    now = now or utcnow()
    counts = {ReminderKind.DUE_SOON: 0, ReminderKind.OVERDUE: 0}
    for due in progress(due_reminders(now)):
        if send(due, now=now):
            counts[due.kind] += 1
    held = hold_late_payments(now)
    return Summary(due_soon=counts[ReminderKind.DUE_SOON], overdue=counts[ReminderKind.OVERDUE], held=held)
