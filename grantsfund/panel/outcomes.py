"""After the meeting: the officer confirms the minutes (which closes the decisions log), then publishes the
outcomes, which moves each bid on and sends its group a letter through the outbox: an offer with the amount
and conditions, a decline with the panel's feedback, or a deferral."""

from __future__ import annotations

from datetime import datetime

from grantsfund.applications import services as applications
from grantsfund.applications.models import ApplicationStatus
from grantsfund.audit import services as audit
from grantsfund.common.actor import Actor
from grantsfund.common.dates import format_date, utcnow
from grantsfund.common.errors import DomainError
from grantsfund.common.money import format_pence
from grantsfund.extensions import db
from grantsfund.notifications.services import queue_email
from grantsfund.panel.decisions import standing
from grantsfund.panel.meetings import require_status
from grantsfund.panel.models import MeetingStatus, Outcome, PanelDecision, PanelItem, PanelMeeting

MAX_MINUTES = 20000
LETTERS = {
    ApplicationStatus.APPROVED: "panel/offer",
    ApplicationStatus.DECLINED: "panel/declined",
    ApplicationStatus.DEFERRED: "panel/deferred",
}


def _live(meeting: PanelMeeting) -> list[PanelItem]:
    """The items still to be decided on: a bid the group withdrew has dropped out."""
    return [item for item in meeting.items if item.application.status is not ApplicationStatus.WITHDRAWN]


def undecided(meeting: PanelMeeting) -> list[PanelItem]:
    decided = standing(meeting.items)
    return [item for item in _live(meeting) if item.id not in decided]


def confirm_minutes(meeting: PanelMeeting, *, minutes: str, actor: Actor, now: datetime | None = None) -> None:
    now = now or utcnow()
    minutes = minutes.strip()
    require_status(meeting, MeetingStatus.IN_PROGRESS, "its minutes cannot be confirmed")
    if not minutes:
        raise DomainError("Enter the minutes of the meeting", field="minutes")
    if len(minutes) > MAX_MINUTES:
        raise DomainError(f"Enter {MAX_MINUTES:,} characters or fewer", field="minutes")
    waiting = undecided(meeting)
    if waiting:
        references = ", ".join(item.application.reference or "" for item in waiting)
        raise DomainError(f"The panel has not decided on every item yet: {references}", field="minutes")
    meeting.minutes = minutes
    meeting.minutes_confirmed_at = now
    meeting.minutes_confirmed_by_id = actor.user_id
    meeting.status = MeetingStatus.MINUTES_CONFIRMED
    audit.record(actor=actor, action="panel.minutes_confirmed", obj=meeting, after={"minutes": minutes}, now=now)
    db.session.flush()


def publish(meeting: PanelMeeting, *, actor: Actor, now: datetime | None = None) -> int:
    """Move each decided bid on and queue its group's letter; returns how many letters went."""
    now = now or utcnow()
    require_status(meeting, MeetingStatus.MINUTES_CONFIRMED, "its outcomes cannot be published")
    decided = standing(meeting.items)
    sent = 0
    for item in _live(meeting):
        decision = decided[item.id]
        application = item.application
        applications.lock(application)
        applications.move(application, decision.outcome.status)
        audit.record(
            actor=actor,
            action="application.decided",
            obj=application,
            after=_public(decision),
            now=now,
        )
        for address in applications.group_addresses(application):
            queue_email(to=address, template=LETTERS[application.status], context=_letter(item, decision), now=now)
            sent += 1
    meeting.status = MeetingStatus.PUBLISHED
    meeting.published_at = now
    audit.record(actor=actor, action="panel.outcomes_published", obj=meeting, after={"letters": sent}, now=now)
    db.session.flush()
    return sent


def _public(decision: PanelDecision) -> dict[str, object]:
    """What the group is told: never the panel's private reasons or who took part."""
    amount = f": {format_pence(decision.amount_pence)}" if decision.amount_pence is not None else ""
    return {
        "outcome": decision.outcome.value,
        "outcome_label": decision.outcome.recorded,
        "summary": decision.outcome.recorded + amount,
        "amount": format_pence(decision.amount_pence) if decision.amount_pence is not None else "",
        "amount_pence": decision.amount_pence,
        "conditions": decision.conditions,
        "feedback": decision.feedback,
    }


def _letter(item: PanelItem, decision: PanelDecision) -> dict[str, object]:
    application = item.application
    return {
        **_public(decision),
        "reference": application.reference,
        "title": application.title,
        "organisation": application.organisation.name,
        "application_id": application.id,
        "requested": format_pence(application.amount_requested_pence or 0),
        "reduced": decision.outcome is Outcome.APPROVED_REDUCED,
        "meeting_date": format_date(item.meeting.starts_at),
    }
