"""Queueing email in the outbox, and the worker that delivers it with retries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from flask import current_app
from flask_mail import Message
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select

from grantsfund.audit import services as audit
from grantsfund.common.actor import Actor
from grantsfund.common.dates import utcnow
from grantsfund.common.errors import DomainError
from grantsfund.common.pagination import PER_PAGE
from grantsfund.extensions import db
from grantsfund.notifications.models import OutboxMessage, OutboxStatus
from grantsfund.notifications.rendering import render_email


class Sender(Protocol):
    def send(self, message: Message) -> None: ...


def queue_email(*, to: str, template: str, context: dict[str, Any], now: datetime | None = None) -> OutboxMessage:
    """Add an email to the outbox in the caller's transaction; the worker sends it after commit."""
    now = now or utcnow()
    message = OutboxMessage(
        recipient=to,
        template=template,
        context=context,
        status=OutboxStatus.PENDING,
        created_at=now,
        next_attempt_at=now,
        give_up_at=now + timedelta(hours=current_app.config["OUTBOX_RETRY_HOURS"]),
    )
    db.session.add(message)
    return message


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        return self.sent + self.retrying + self.failed


def _claim_next(now: datetime) -> OutboxMessage | None:
    # SKIP LOCKED lets several workers share the queue on PostgreSQL: a row another worker is
    # sending stays locked until it commits, so no two workers send the same message.
    return db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()


def backoff(attempts: int) -> timedelta:
    base = current_app.config["OUTBOX_BACKOFF_SECONDS"]
    ceiling = current_app.config["OUTBOX_MAX_BACKOFF_SECONDS"]
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), ceiling))


def _build(message: OutboxMessage) -> Message:
    rendered = render_email(message.template, message.context)
    return Message(subject=rendered.subject, recipients=[message.recipient], body=rendered.text, html=rendered.html)


def deliver_one(message: OutboxMessage, *, sender: Sender, now: datetime, report: DeliveryReport) -> None:
    message.attempts += 1
    try:
        sender.send(_build(message))
    except Exception as error:  # an SMTP outage or a bad template must not stop the queue
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
        retry_at = now + backoff(message.attempts)
        if retry_at > message.give_up_at:
            message.status = OutboxStatus.FAILED
            report.failed += 1
        else:
            message.next_attempt_at = retry_at
            report.retrying += 1
        report.errors.append(f"message {message.id} to {message.recipient}: {message.last_error}")
        return
    message.status = OutboxStatus.SENT
    message.sent_at = now
    message.last_error = None
    report.sent += 1


def deliver_due(*, sender: Sender, batch: int = 100, now: datetime | None = None) -> DeliveryReport:
    """Send up to `batch` due messages, one transaction each.

    A worker killed mid-send leaves its message pending (the transaction never commits), so it
    is sent again later: a message may go twice, but is never lost.
    """
    report = DeliveryReport()
    for _ in range(batch):
        moment = now or utcnow()
        message = _claim_next(moment)
        if message is None:
            break
        deliver_one(message, sender=sender, now=moment, report=report)
        db.session.commit()
    return report


def retry_message(message: OutboxMessage, *, actor: Actor, now: datetime | None = None) -> None:
    """An administrator sends a failed message again, with a fresh retry window."""
    now = now or utcnow()
    if message.status is not OutboxStatus.FAILED:
        raise DomainError("Only emails that failed can be sent again")
    before = {"status": message.status, "attempts": message.attempts}
    message.status = OutboxStatus.PENDING
    message.next_attempt_at = now
    message.give_up_at = now + timedelta(hours=current_app.config["OUTBOX_RETRY_HOURS"])
    audit.record(actor=actor, action="outbox.retried", obj=message, before=before, after={"status": message.status})


def get_message(message_id: int) -> OutboxMessage:
    return db.session.execute(select(OutboxMessage).where(OutboxMessage.id == message_id)).scalar_one()


def count_by_status() -> dict[OutboxStatus, int]:
    rows = db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
    counts = dict.fromkeys(OutboxStatus, 0)
    counts.update(dict(rows.all()))  # Result has .keys(), so dict() would take it for a mapping
    return counts


def list_messages(status: OutboxStatus, *, page: int = 1) -> Pagination:
    query = select(OutboxMessage).where(OutboxMessage.status == status).order_by(OutboxMessage.id.desc())
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)
