"""Assigning assessors to eligible bids: by hand or from a suggestion, never to someone with a conflict, with
each assessor's load kept even; and the assessor's declaration before a bid opens to them.

A conflict is membership of the applying group, or an interest in it the assessor has declared. Declaring a
conflict on an assignment voids it (its place is free again for the officer to fill) and records the interest,
so the suggestion never proposes that assessor for the group's bids again."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from grantsfund.accounts.models import Role, User
from grantsfund.accounts.services import active_users_with
from grantsfund.applications import services as applications
from grantsfund.applications.models import Application, ApplicationStatus
from grantsfund.assessment.models import Assignment, AssignmentStatus, DeclaredInterest
from grantsfund.audit import services as audit
from grantsfund.common.actor import Actor
from grantsfund.common.dates import format_date, london_today, utcnow
from grantsfund.common.errors import DomainError
from grantsfund.extensions import db
from grantsfund.notifications.services import queue_email
from grantsfund.organisations.models import Membership
from grantsfund.rounds.models import Round

DEFAULT_DAYS_TO_SCORE = 14
MAX_REASON = 2000
OPEN_FOR_ASSIGNMENT = (ApplicationStatus.ELIGIBLE, ApplicationStatus.IN_ASSESSMENT)


def list_assessors() -> list[User]:
    return active_users_with({Role.ASSESSOR})


def bids_to_assess(round_: Round) -> list[Application]:
    return list(
        db.session.scalars(
            select(Application)
            .options(selectinload(Application.organisation))
            .where(Application.round_id == round_.id, Application.status.in_(OPEN_FOR_ASSIGNMENT))
            .order_by(Application.reference)
        )
    )


def assignments_for(applications_: list[Application]) -> dict[int, list[Assignment]]:
    ids = [application.id for application in applications_]
    found: dict[int, list[Assignment]] = {application_id: [] for application_id in ids}
    if ids:
        for assignment in db.session.scalars(
            select(Assignment)
            .options(selectinload(Assignment.assessor))
            .where(Assignment.application_id.in_(ids))
            .order_by(Assignment.assigned_at, Assignment.id)
        ):
            found[assignment.application_id].append(assignment)
    return found


def assignments_of(assessor: User) -> list[Assignment]:
    return list(
        db.session.scalars(
            select(Assignment)
            .options(selectinload(Assignment.application).selectinload(Application.organisation))
            .where(Assignment.assessor_id == assessor.id)
            .order_by(Assignment.due_on, Assignment.id)
        )
    )


def get_assignment(assignment_id: int) -> Assignment:
    return db.session.execute(select(Assignment).where(Assignment.id == assignment_id)).scalar_one()


# Conflicts and loads ----------------------------------------------------------------------------------------


def conflicts(assessor_ids: list[int], organisation_ids: list[int]) -> dict[tuple[int, int], str]:
    """(assessor, group) -> why the assessor may not assess the group's bids, in two queries."""
    found: dict[tuple[int, int], str] = {}
    if not assessor_ids or not organisation_ids:
        return found
    for user_id, organisation_id in db.session.execute(
        select(Membership.user_id, Membership.organisation_id).where(
            Membership.user_id.in_(assessor_ids), Membership.organisation_id.in_(organisation_ids)
        )
    ):
        found[(user_id, organisation_id)] = "a member of the group"
    for interest in db.session.scalars(
        select(DeclaredInterest).where(
            DeclaredInterest.assessor_id.in_(assessor_ids), DeclaredInterest.organisation_id.in_(organisation_ids)
        )
    ):
        found.setdefault((interest.assessor_id, interest.organisation_id), f"declared an interest: {interest.reason}")
    return found


def loads(assessor_ids: list[int]) -> Counter[int]:
    """How many bids each assessor has to assess now (declared conflicts do not count)."""
    rows = db.session.execute(
        select(Assignment.assessor_id, func.count())
        .where(Assignment.assessor_id.in_(assessor_ids), Assignment.status != AssignmentStatus.CONFLICTED)
        .group_by(Assignment.assessor_id)
    )
    return Counter({assessor_id: count for assessor_id, count in rows.all()})  # noqa: C416 - rows, not pairs


# Suggesting ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    application: Application
    assessor: User
    reason: str


def suggest(round_: Round) -> list[Proposal]:
    """Fill every bid's free places: for each, the least-loaded assessor without a conflict (ties by name), so
    loads stay within one of each other wherever conflicts allow. Deterministic, and each choice explained."""
    bids = bids_to_assess(round_)
    assessors = list_assessors()
    ids = [assessor.id for assessor in assessors]
    current = assignments_for(bids)
    blocked = conflicts(ids, sorted({bid.organisation_id for bid in bids}))
    load = loads(ids)
    proposals: list[Proposal] = []
    for bid in bids:
        taken = {assignment.assessor_id for assignment in current[bid.id]}
        places = round_.assessors_per_bid - sum(assignment.counts for assignment in current[bid.id])
        for _ in range(max(places, 0)):
            free = [a for a in assessors if a.id not in taken and (a.id, bid.organisation_id) not in blocked]
            if not free:
                break
            chosen = min(free, key=lambda a: (load[a.id], a.full_name, a.id))
            skipped = [
                f"{a.full_name} ({blocked[(a.id, bid.organisation_id)]})"
                for a in assessors
                if (a.id, bid.organisation_id) in blocked
            ]
            reason = f"Fewest bids to assess ({load[chosen.id]}) among those free of conflict"
            if skipped:
                reason += f"; not {', '.join(skipped)}"
            proposals.append(Proposal(bid, chosen, reason))
            taken.add(chosen.id)
            load[chosen.id] += 1
    return proposals


# Assigning ----------------------------------------------------------------------------------------------------


def default_due_on(now: datetime | None = None) -> date:
    return london_today(now) + timedelta(days=DEFAULT_DAYS_TO_SCORE)


def assign(
    application: Application,
    assessor: User,
    *,
    due_on: date,
    reason: str = "Chosen by the officer",
    actor: Actor,
    now: datetime | None = None,
) -> Assignment:
    now = now or utcnow()
    applications.lock(application)
    if application.status not in OPEN_FOR_ASSIGNMENT:
        raise DomainError(f"This application is {application.status.label.lower()}: it cannot be assigned")
    if not assessor.has_role(Role.ASSESSOR) or assessor.disabled_at is not None:
        raise DomainError(f"{assessor.full_name} is not an assessor", field="assessor")
    if due_on < london_today(now):
        raise DomainError("The due date must be today or later", field="due_on")
    blocked = conflicts([assessor.id], [application.organisation_id]).get((assessor.id, application.organisation_id))
    if blocked:
        raise DomainError(f"{assessor.full_name} has a conflict: {blocked}", field="assessor")
    current = assignments_for([application])[application.id]
    if any(assignment.assessor_id == assessor.id for assignment in current):
        raise DomainError(f"{assessor.full_name} is already assigned to this bid", field="assessor")
    if sum(assignment.counts for assignment in current) >= application.round.assessors_per_bid:
        raise DomainError(f"This bid already has its {application.round.assessors_per_bid} assessors", field="assessor")
    assignment = Assignment(
        application=application,
        assessor=assessor,
        due_on=due_on,
        reason=reason,
        assigned_by_id=actor.user_id,
        assigned_at=now,
    )
    db.session.add(assignment)
    if application.status is ApplicationStatus.ELIGIBLE:
        applications.move(application, ApplicationStatus.IN_ASSESSMENT)
    audit.record(
        actor=actor,
        action="assessment.assigned",
        obj=assignment,
        after={"application": application.reference, "assessor": assessor.email, "due_on": due_on, "reason": reason},
        now=now,
    )
    queue_email(
        to=assessor.email,
        template="assessment/assigned",
        context={"reference": application.reference, "due_on": format_date(due_on), "full_name": assessor.full_name},
        now=now,
    )
    db.session.flush()
    return assignment


def confirm(proposals: list[Proposal], *, due_on: date, actor: Actor, now: datetime | None = None) -> int:
    """Make the suggested assignments, each checked again as it is made."""
    for proposal in proposals:
        assign(proposal.application, proposal.assessor, due_on=due_on, reason=proposal.reason, actor=actor, now=now)
    return len(proposals)


# Declaring ----------------------------------------------------------------------------------------------------


def declare(
    assignment: Assignment,
    *,
    conflict: bool,
    reason: str = "",
    actor: Actor,
    now: datetime | None = None,
) -> Assignment:
    """The assessor says, before the bid opens, whether they have a conflict of interest."""
    now = now or utcnow()
    reason = reason.strip()
    if actor.user_id != assignment.assessor_id:
        raise DomainError("Only the assigned assessor can declare their interests")
    if assignment.status is not AssignmentStatus.AWAITING_DECLARATION:
        raise DomainError("You have already made your declaration for this bid")
    if conflict and not reason:
        raise DomainError("Enter the reason for your conflict of interest", field="reason")
    if len(reason) > MAX_REASON:
        raise DomainError(f"Enter {MAX_REASON:,} characters or fewer", field="reason")
    assignment.declared_at = now
    application = assignment.application
    if not conflict:
        assignment.status = AssignmentStatus.ACCEPTED
        audit.record(actor=actor, action="assessment.no_conflict_declared", obj=assignment, now=now)
        db.session.flush()
        return assignment
    assignment.status = AssignmentStatus.CONFLICTED
    assignment.conflict_reason = reason
    existing = db.session.scalars(
        select(DeclaredInterest).where(
            DeclaredInterest.assessor_id == assignment.assessor_id,
            DeclaredInterest.organisation_id == application.organisation_id,
        )
    ).first()
    if existing is None:
        db.session.add(
            DeclaredInterest(
                assessor_id=assignment.assessor_id,
                organisation_id=application.organisation_id,
                reason=reason,
                declared_at=now,
            )
        )
    audit.record(actor=actor, action="assessment.conflict_declared", obj=assignment, after={"reason": reason}, now=now)
    queue_email(
        to=assignment.assigned_by.email,
        template="assessment/conflict_declared",
        context={
            "reference": application.reference,
            "application_id": application.id,
            "round_id": application.round_id,
            "assessor": assignment.assessor.full_name,
            "reason": reason,
        },
        now=now,
    )
    db.session.flush()
    return assignment


def record_interest(
    assessor: User,
    organisation_id: int,
    *,
    reason: str,
    actor: Actor,
    now: datetime | None = None,
) -> DeclaredInterest:
    """An interest known before any assignment (from the council's register of interests): the suggestion
    never proposes the assessor for the group's bids, and assigning them by hand is refused."""
    now = now or utcnow()
    reason = reason.strip()
    if not assessor.has_role(Role.ASSESSOR):
        raise DomainError(f"{assessor.full_name} is not an assessor", field="assessor")
    if not reason:
        raise DomainError("Enter the interest", field="reason")
    if len(reason) > MAX_REASON:
        raise DomainError(f"Enter {MAX_REASON:,} characters or fewer", field="reason")
    if conflicts([assessor.id], [organisation_id]):
        raise DomainError(f"{assessor.full_name} already has a conflict with this group", field="organisation")
    interest = DeclaredInterest(
        assessor_id=assessor.id, organisation_id=organisation_id, reason=reason, declared_at=now
    )
    db.session.add(interest)
    audit.record(
        actor=actor,
        action="assessment.interest_recorded",
        obj=interest,
        after={"assessor": assessor.email, "organisation_id": organisation_id, "reason": reason},
        now=now,
    )
    db.session.flush()
    return interest
