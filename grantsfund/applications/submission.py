"""Submitting an application (references, the frozen snapshot, the confirmation email), withdrawing one, and
the status timeline a group sees.

Submission checks everything again on the server, whatever the task list said: every section complete,
the rules each section keeps, the group's documents still current, the declarations made by the person
submitting, and the round's deadline at the moment of submission."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from grantsfund.applications import answers, services
from grantsfund.applications.models import (
    Application,
    ApplicationStatus,
    ReferenceCounter,
    SectionStatus,
    Snapshot,
    can_move,
)
from grantsfund.audit import services as audit
from grantsfund.audit.models import AuditEvent
from grantsfund.common.actor import Actor
from grantsfund.common.dates import format_datetime, london_today, to_london, utcnow
from grantsfund.common.errors import DomainError, InvalidTransition
from grantsfund.extensions import db
from grantsfund.notifications.services import queue_email
from grantsfund.rounds.models import Fund, Round

MAX_REASON = 1000


class DeadlinePassed(DomainError):
    pass


def allocate_reference(fund: Fund, *, now: datetime) -> str:
    """The next reference in the fund and London year, in one atomic statement: concurrent submissions wait
    on the counter's row, so each gets the next number and none is shared or skipped."""
    year = to_london(now).year
    table = ReferenceCounter.__table__
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(table)
        .values(fund_id=fund.id, year=year, last_number=1)
        .on_conflict_do_update(index_elements=["fund_id", "year"], set_={"last_number": table.c.last_number + 1})
        .returning(table.c.last_number)
    )
    number = db.session.execute(statement).scalar_one()
    return f"{fund.code}-{year}-{number:04d}"


def check_deadline(round_: Round, now: datetime) -> None:
    closes = round_.closes_at
    if closes is None or closes <= now:
        when = f" on {format_datetime(closes)}" if closes else ""
        raise DeadlinePassed(f"This round closed{when}. Applications can no longer be submitted.")
    try:
        services.check_open(round_, now)
    except services.RoundNotOpen:
        raise DeadlinePassed("This round is not open for applications. Applications cannot be submitted.") from None


def _check_complete(application: Application, *, actor: Actor, now: datetime) -> None:
    for section, status in services.section_statuses(application).items():
        if status is not SectionStatus.COMPLETED:
            raise DomainError(f"Complete ‘{section.title}’ before you submit", field=section.name.lower())
    window = services.project_window(application.round)
    services.check_dates(window, application.start_date, application.end_date)
    if (problem := services.amount_problem(application.round, application.amount_requested_pence)) is not None:
        raise DomainError(problem, field="budget")
    problems = services.attachment_problems(application, today=london_today(now))
    if problems:
        kind = next(iter(problems))
        raise DomainError(f"Your group’s {kind.label.lower()} is missing or out of date", field="attachments")
    if application.declared_by_id != actor.user_id:
        raise DomainError(
            "The person who submits the application makes the declarations. Confirm them yourself, then submit.",
            field="declarations",
        )


def _recipients(application: Application, actor: Actor) -> list[str]:
    addresses = [actor.user.email] if actor.user is not None else []
    contact = application.organisation.contact_email
    if contact.lower() not in {address.lower() for address in addresses}:
        addresses.append(contact)
    return addresses


def submit_application(application: Application, *, actor: Actor, now: datetime | None = None) -> Application:
    """Freeze the application: a reference, a snapshot the later stages read, and a confirmation by email."""
    now = now or utcnow()
    services.require_draft(application)
    services.lock(application)
    check_deadline(application.round, now)
    _check_complete(application, actor=actor, now=now)
    application.reference = allocate_reference(application.round.fund, now=now)
    services.move(application, ApplicationStatus.SUBMITTED)
    application.submitted_at = now
    application.submitted_by_id = actor.user_id
    application.submitted_by = actor.user
    application.updated_at = now
    snapshot = answers.describe(application)
    db.session.add(Snapshot(application=application, taken_at=now, data=snapshot))
    audit.record(
        actor=actor,
        action="application.submitted",
        obj=application,
        after={"reference": application.reference, "amount_requested_pence": application.amount_requested_pence},
        now=now,
    )
    for address in _recipients(application, actor):
        queue_email(
            to=address,
            template="applications/submitted",
            context={"application_id": application.id, "snapshot": snapshot},
            now=now,
        )
    db.session.flush()
    return application


def can_withdraw(application: Application) -> bool:
    """A group withdraws its bid until a decision is made; an approved bid is withdrawn with its grant offer."""
    return application.status is not ApplicationStatus.APPROVED and can_move(
        application.status, ApplicationStatus.WITHDRAWN
    )


def withdraw_application(
    application: Application, *, reason: str, actor: Actor, now: datetime | None = None
) -> Application:
    now = now or utcnow()
    reason = reason.strip()
    if not reason:
        raise DomainError("Enter why you are withdrawing the application", field="reason")
    if len(reason) > MAX_REASON:
        raise DomainError(f"The reason must be {MAX_REASON:,} characters or fewer", field="reason")
    if not can_withdraw(application):
        raise InvalidTransition(f"This application is {application.status.label.lower()} and cannot be withdrawn")
    services.lock(application)
    before = application.status
    services.move(application, ApplicationStatus.WITHDRAWN)
    application.withdrawn_reason = reason
    application.withdrawn_at = now
    application.updated_at = now
    audit.record(
        actor=actor,
        action="application.withdrawn",
        obj=application,
        before={"status": before.value},
        after={"status": application.status.value, "reason": reason},
        now=now,
    )
    if application.reference is not None and actor.user is not None:
        queue_email(
            to=actor.user.email,
            template="applications/withdrawn",
            context={
                "application_id": application.id,
                "reference": application.reference,
                "title": application.title,
                "organisation_name": application.organisation.name,
                "reason": reason,
            },
            now=now,
        )
    db.session.flush()
    return application


# The timeline -----------------------------------------------------------------------------------------------

# What the group is told about each step of its application, and the detail it sees (from the audit event's
# `after`; never the officers' own reasons). Later stages add theirs.
TIMELINE: dict[str, tuple[str, str | None]] = {
    "application.started": ("Application started", None),
    "application.submitted": ("Submitted", "Reference {reference}"),
    "application.withdrawn": ("Withdrawn", "{reason}"),
    "application.information_requested": ("We asked for more information", "{question}"),
    "application.information_given": ("More information sent", None),
    "application.found_eligible": ("Eligible: going on to assessment", None),
    "application.found_ineligible": ("Not eligible", "{feedback}"),
    "application.decided": ("The panel’s decision", "{summary}"),
}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    title: str
    by: str | None
    detail: str | None


def _detail(event: AuditEvent) -> str | None:
    shown = TIMELINE[event.action][1]
    if shown is None:
        return None
    return shown.format_map(defaultdict(str, event.after or {})) or None


def timeline(application: Application) -> list[TimelineEntry]:
    """The application's steps, newest first, from its audit trail."""
    events = db.session.scalars(
        select(AuditEvent)
        .options(selectinload(AuditEvent.actor))
        .where(
            AuditEvent.object_type == "application",
            AuditEvent.object_id == str(application.id),
            AuditEvent.action.in_(TIMELINE),
        )
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    )
    return [
        TimelineEntry(
            at=event.occurred_at,
            title=TIMELINE[event.action][0],
            by=event.actor.full_name if event.actor else None,
            detail=_detail(event),
        )
        for event in events
    ]
