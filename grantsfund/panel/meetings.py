"""Setting up a panel meeting (members, chair, quorum), its agenda of ranked bids with the pack frozen for
each, and, on the day, attendance, conflicts and whether the meeting is quorate for an item.

A conflict keeps a person out of an item: they cannot see it and take no part in its decision. Conflicts are
declared (at the start of the meeting or at the item) or found: membership of the applying group, or an
interest in it on the register of interests, recorded against the item as soon as the two meet."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grantsfund.accounts.models import Role, User
from grantsfund.accounts.services import active_users_with
from grantsfund.applications import services as applications
from grantsfund.applications.models import Application, ApplicationStatus
from grantsfund.assessment import assignment as assessment_assignment
from grantsfund.assessment.models import EligibilityCheck, EligibilityResult
from grantsfund.assessment.ranking import BidResult, percent, ranking, score_text, submitted_sheets_of_all
from grantsfund.audit import services as audit
from grantsfund.common.actor import Actor
from grantsfund.common.dates import utcnow
from grantsfund.common.errors import DomainError
from grantsfund.extensions import db
from grantsfund.panel.models import (
    Attendance,
    MeetingStatus,
    PanelConflict,
    PanelItem,
    PanelMeeting,
    PanelMember,
    PanelRole,
)
from grantsfund.rounds.models import Round

PANEL_ROLES = frozenset({Role.PANEL_MEMBER, Role.PANEL_CHAIR})
READY_FOR_PANEL = (ApplicationStatus.IN_ASSESSMENT, ApplicationStatus.DEFERRED)
MAX_TITLE = 200
MAX_REASON = 2000


def panel_people() -> list[User]:
    """Everyone who may sit on a panel (or be a delegate on one)."""
    return active_users_with(PANEL_ROLES)


def get_meeting(meeting_id: int) -> PanelMeeting | None:
    return db.session.get(
        PanelMeeting,
        meeting_id,
        options=[
            selectinload(PanelMeeting.members).selectinload(PanelMember.user),
            selectinload(PanelMeeting.members).selectinload(PanelMember.delegate),
            selectinload(PanelMeeting.items).selectinload(PanelItem.conflicts).selectinload(PanelConflict.user),
            selectinload(PanelMeeting.items).selectinload(PanelItem.application).selectinload(Application.organisation),
        ],
    )


def meetings_for(user: User) -> list[PanelMeeting]:
    """The meetings this person sits on (or attends as a delegate), soonest first; every meeting for officers."""
    query = select(PanelMeeting).options(selectinload(PanelMeeting.round)).order_by(PanelMeeting.starts_at.desc())
    if not user.has_role(Role.GRANTS_OFFICER):
        seats = select(PanelMember.meeting_id).where(
            (PanelMember.user_id == user.id) | (PanelMember.delegate_id == user.id)
        )
        query = query.where(PanelMeeting.id.in_(seats))
    return list(db.session.scalars(query))


# Setting up ----------------------------------------------------------------------------------------------------


@dataclass
class MeetingDetails:
    title: str
    starts_at: datetime
    location: str
    chair_id: int
    deputy_id: int | None
    members: dict[int, PanelRole]  # user id -> the capacity they sit in; the chair and deputy among them
    quorum: int
    quorum_roles: set[PanelRole] = field(default_factory=set)
    delegates_allowed: bool = True


def _check_details(details: MeetingDetails) -> None:
    title = details.title.strip()
    if not title:
        raise DomainError("Enter the meeting’s title", field="title")
    if len(title) > MAX_TITLE:
        raise DomainError(f"Title must be {MAX_TITLE} characters or fewer", field="title")
    people = {person.id: person for person in panel_people()}
    if not details.members:
        raise DomainError("Choose the panel’s members", field="members")
    if any(user_id not in people for user_id in details.members):
        raise DomainError("Members must be people with a panel role", field="members")
    _check_chairs(details, people)
    if not 1 <= details.quorum <= len(details.members):
        raise DomainError(
            f"The quorum must be between 1 and the number of members ({len(details.members)})", field="quorum"
        )
    missing = sorted(role.label for role in details.quorum_roles if role not in details.members.values())
    if missing:
        raise DomainError(
            f"The quorum needs someone sitting as {', '.join(missing)}, but no member does", field="quorum_roles"
        )


def _check_chairs(details: MeetingDetails, people: dict[int, User]) -> None:
    chair = people.get(details.chair_id)
    if chair is None or details.chair_id not in details.members:
        raise DomainError("Choose a chair from the panel’s members", field="chair_id")
    if not chair.has_role(Role.PANEL_CHAIR):
        raise DomainError(f"{chair.full_name} is not a panel chair", field="chair_id")
    if details.deputy_id is not None and details.deputy_id not in details.members:
        raise DomainError("Choose a deputy from the panel’s members", field="deputy_id")
    if details.deputy_id == details.chair_id:
        raise DomainError("The deputy must be someone other than the chair", field="deputy_id")


def _describe(meeting: PanelMeeting) -> dict[str, Any]:
    return {
        "title": meeting.title,
        "starts_at": meeting.starts_at,
        "location": meeting.location,
        "chair_id": meeting.chair_id,
        "deputy_id": meeting.deputy_id,
        "members": {str(member.user_id): member.role.value for member in meeting.members},
        "quorum": meeting.quorum,
        "quorum_roles": sorted(meeting.quorum_roles),
        "delegates_allowed": meeting.delegates_allowed,
    }


def _apply(meeting: PanelMeeting, details: MeetingDetails) -> None:
    meeting.title = details.title.strip()
    meeting.starts_at = details.starts_at
    meeting.location = details.location.strip()
    meeting.chair_id = details.chair_id
    meeting.deputy_id = details.deputy_id
    meeting.quorum = details.quorum
    meeting.quorum_roles = sorted(role.value for role in details.quorum_roles)
    meeting.delegates_allowed = details.delegates_allowed
    existing = {member.user_id: member for member in meeting.members}
    for user_id, member in existing.items():
        if user_id not in details.members:
            meeting.members.remove(member)
    for user_id, role in details.members.items():
        if user_id in existing:
            existing[user_id].role = role
        else:
            meeting.members.append(PanelMember(user_id=user_id, role=role))


def create_meeting(
    round_: Round, details: MeetingDetails, *, actor: Actor, now: datetime | None = None
) -> PanelMeeting:
    now = now or utcnow()
    if round_.is_draft:
        raise DomainError("Open the round before setting up its panel")
    _check_details(details)
    meeting = PanelMeeting(round=round_, created_at=now, members=[], items=[])
    _apply(meeting, details)
    db.session.add(meeting)
    db.session.flush()
    audit.record(actor=actor, action="panel.meeting_created", obj=meeting, after=_describe(meeting), now=now)
    return meeting


def update_meeting(
    meeting: PanelMeeting, details: MeetingDetails, *, actor: Actor, now: datetime | None = None
) -> None:
    now = now or utcnow()
    require_status(meeting, MeetingStatus.SCHEDULED, "its members and quorum can no longer change")
    _check_details(details)
    before = _describe(meeting)
    _apply(meeting, details)
    db.session.flush()
    _find_conflicts(meeting, meeting.items, now=now)
    audit.record(
        actor=actor, action="panel.meeting_changed", obj=meeting, before=before, after=_describe(meeting), now=now
    )


def require_status(meeting: PanelMeeting, status: MeetingStatus, consequence: str) -> None:
    if meeting.status is not status:
        raise DomainError(f"This meeting is {meeting.status.label.lower()}: {consequence}")


# The agenda and the pack ---------------------------------------------------------------------------------------


def candidates(meeting: PanelMeeting) -> list[BidResult]:
    """The round's ranked bids not yet on an agenda (deferred ones included), best first."""
    return [
        result
        for result in ranking(meeting.round)
        if result.rank is not None and result.application.status in READY_FOR_PANEL
    ]


def add_to_agenda(
    meeting: PanelMeeting, application_ids: list[int], *, actor: Actor, now: datetime | None = None
) -> list[PanelItem]:
    """Put ranked bids on the agenda in rank order, each with its part of the pack."""
    now = now or utcnow()
    require_status(meeting, MeetingStatus.SCHEDULED, "its agenda can no longer change")
    if not application_ids:
        raise DomainError("Choose at least one bid", field="application_ids")
    chosen = [result for result in candidates(meeting) if result.application.id in set(application_ids)]
    if len(chosen) != len(set(application_ids)):
        raise DomainError("Choose ranked bids that are not on an agenda already", field="application_ids")
    packs = _packs(chosen)
    items = []
    for result in chosen:
        application = result.application
        applications.lock(application)
        previous = application.status
        applications.move(application, ApplicationStatus.AT_PANEL)
        item = PanelItem(
            application=application,
            position=result.rank or 0,
            previous_status=previous,
            pack=packs[application.id],
            added_at=now,
            conflicts=[],
        )
        meeting.items.append(item)
        items.append(item)
        audit.record(
            actor=actor,
            action="panel.item_added",
            obj=meeting,
            after={"application": application.reference, "rank": result.rank},
            now=now,
        )
    db.session.flush()
    _find_conflicts(meeting, items, now=now)
    return items


def remove_from_agenda(item: PanelItem, *, actor: Actor, now: datetime | None = None) -> None:
    now = now or utcnow()
    meeting = item.meeting
    require_status(meeting, MeetingStatus.SCHEDULED, "its agenda can no longer change")
    application = item.application
    applications.lock(application)
    if application.status is ApplicationStatus.AT_PANEL:
        applications.move(application, item.previous_status)
    meeting.items.remove(item)
    audit.record(
        actor=actor, action="panel.item_removed", obj=meeting, before={"application": application.reference}, now=now
    )
    db.session.flush()


def _packs(results: list[BidResult]) -> dict[int, dict[str, Any]]:
    """Each bid's part of the pack, in a fixed number of queries however many bids."""
    ids = [result.application.id for result in results]
    sheets = submitted_sheets_of_all(ids)
    notes = _eligibility_notes(ids)
    return {
        result.application.id: {
            "reference": result.application.reference,
            "title": result.application.title,
            "organisation": result.application.organisation.name,
            "summary": result.application.summary,
            "amount_requested_pence": result.application.amount_requested_pence,
            "rank": result.rank,
            "score": percent(result.weighted),
            "explanation": result.explanation(),
            "criteria": [
                {"name": row.criterion.name, "weight": row.criterion.weight, "score": score_text(row.score)}
                for row in result.criteria
            ],
            "flags": _flags(result) + notes.get(result.application.id, []),
            "assessments": [
                {
                    "assessor": f"Assessor {number}",
                    "recommendation": sheet.recommendation.label if sheet.recommendation else None,
                    "summary": sheet.summary or "",
                    "comments": [
                        {"criterion": score.criterion.name, "score": score.score, "comment": score.comment}
                        for score in sheet.scores
                        if score.comment
                    ],
                }
                for number, sheet in enumerate(sheets.get(result.application.id, []), start=1)
            ],
        }
        for result in results
    }


def _flags(result: BidResult) -> list[str]:
    flags = [
        f"Failed essential criterion: {row.criterion.name} (below {result.threshold})"
        for row in result.failed_essentials
    ]
    flags += [f"Moderated: {row.criterion.name}" for row in result.moderated]
    return flags


def _eligibility_notes(application_ids: list[int]) -> dict[int, list[str]]:
    """The officer's reasons, and any warning signs, from each bid's latest eligibility check."""
    latest: dict[int, EligibilityCheck] = {}
    for check in db.session.scalars(
        select(EligibilityCheck)
        .where(
            EligibilityCheck.application_id.in_(application_ids), EligibilityCheck.result == EligibilityResult.ELIGIBLE
        )
        .order_by(EligibilityCheck.checked_at, EligibilityCheck.id)
    ):
        latest[check.application_id] = check
    return {
        application_id: [f"Eligibility: {check.reasons}"]
        + [f"Eligibility warning: {flag.get('detail', '')}" for flag in check.flags]
        for application_id, check in latest.items()
    }


# Conflicts -----------------------------------------------------------------------------------------------------


def _find_conflicts(meeting: PanelMeeting, items: list[PanelItem], *, now: datetime) -> None:
    """Record, against each item, the people taking part whose group it is or who declared an interest in it."""
    people = meeting.people_ids
    found = assessment_assignment.conflicts(sorted(people), sorted({i.application.organisation_id for i in items}))
    for item in items:
        recorded = {conflict.user_id for conflict in item.conflicts}
        for user_id in sorted(people - recorded):
            reason = found.get((user_id, item.application.organisation_id))
            if reason:  # the first letter up, the rest (names from the register) as written
                reason = reason[:1].upper() + reason[1:]
                item.conflicts.append(PanelConflict(user_id=user_id, reason=reason, declared_at=now))
    db.session.flush()


def declare_conflict(
    item: PanelItem, person: User, *, reason: str, actor: Actor, now: datetime | None = None
) -> PanelConflict:
    """Someone taking part declares (or the chair records for them) a conflict on an item: from now they cannot
    see it or take part in its decision."""
    now = now or utcnow()
    reason = reason.strip()
    meeting = item.meeting
    if meeting.status not in (MeetingStatus.SCHEDULED, MeetingStatus.IN_PROGRESS):
        raise DomainError(f"This meeting is {meeting.status.label.lower()}: conflicts can no longer be declared")
    if not meeting.takes_part(person.id):
        raise DomainError(f"{person.full_name} is not taking part in this meeting", field="user_id")
    if not reason:
        raise DomainError("Enter the nature of the interest", field="reason")
    if len(reason) > MAX_REASON:
        raise DomainError(f"Enter {MAX_REASON:,} characters or fewer", field="reason")
    if any(conflict.user_id == person.id for conflict in item.conflicts):
        raise DomainError(f"{person.full_name} has already declared a conflict on this item", field="user_id")
    conflict = PanelConflict(user_id=person.id, reason=reason, declared_at=now, recorded_by_id=actor.user_id)
    item.conflicts.append(conflict)
    audit.record(
        actor=actor,
        action="panel.conflict_declared",
        obj=meeting,
        after={"application": item.application.reference, "person": person.full_name, "reason": reason},
        now=now,
    )
    db.session.flush()
    return conflict


# Attendance and quorum -----------------------------------------------------------------------------------------


@dataclass
class AttendanceAnswer:
    attendance: Attendance
    delegate_id: int | None = None


def record_attendance(
    meeting: PanelMeeting, answers: dict[int, AttendanceAnswer], *, actor: Actor, now: datetime | None = None
) -> None:
    """The chair records who came (and who sent a delegate); the first time opens the meeting for decisions.
    It can be corrected during the meeting, when someone arrives late or leaves."""
    now = now or utcnow()
    if meeting.status not in (MeetingStatus.SCHEDULED, MeetingStatus.IN_PROGRESS):
        raise DomainError(f"This meeting is {meeting.status.label.lower()}: attendance can no longer change")
    delegates = _checked_delegates(meeting, answers)
    before = _attendance(meeting)
    for member in meeting.members:
        member.attendance = answers[member.user_id].attendance
        member.delegate = delegates.get(member.user_id)
    if meeting.status is MeetingStatus.SCHEDULED:
        meeting.status = MeetingStatus.IN_PROGRESS
        meeting.started_at = now
    db.session.flush()
    _find_conflicts(meeting, meeting.items, now=now)
    audit.record(
        actor=actor, action="panel.attendance_recorded", obj=meeting, before=before, after=_attendance(meeting), now=now
    )


def _checked_delegates(meeting: PanelMeeting, answers: dict[int, AttendanceAnswer]) -> dict[int, User]:
    """Member -> their delegate, each checked: allowed, a panel person, not a member, attending for one only."""
    people = {person.id: person for person in panel_people()}
    members = {member.user_id for member in meeting.members}
    delegates: dict[int, User] = {}
    for member in meeting.members:
        answer = answers.get(member.user_id)
        name, here = member.user.full_name, f"attendance_{member.user_id}"
        if answer is None or answer.attendance is Attendance.NOT_RECORDED:
            raise DomainError(f"Say whether {name} is present", field=here)
        if answer.attendance is not Attendance.DELEGATE:
            continue
        if not meeting.delegates_allowed:
            raise DomainError("This panel’s terms of reference do not allow delegates", field=here)
        delegate = people.get(answer.delegate_id) if answer.delegate_id is not None else None
        field = f"delegate_{member.user_id}"
        if delegate is None:
            raise DomainError(f"Choose who attends for {name}", field=field)
        if delegate.id in members:
            raise DomainError(
                f"{delegate.full_name} is a member already: choose someone else to attend for {name}", field=field
            )
        if delegate in delegates.values():
            raise DomainError(f"{delegate.full_name} can attend for one member only", field=field)
        delegates[member.user_id] = delegate
    return delegates


def _attendance(meeting: PanelMeeting) -> dict[str, str]:
    return {
        member.user.full_name: member.attendance.label
        + (f" ({member.delegate.full_name})" if member.delegate is not None else "")
        for member in meeting.members
    }


@dataclass(frozen=True)
class Quorum:
    """Whether the meeting may decide an item, who takes part, who is kept out, and if not quorate, why."""

    taking_part: list[User]
    excluded: list[tuple[User, str]]
    needed: int
    problems: list[str]

    @property
    def quorate(self) -> bool:
        return not self.problems


def quorum_for(item: PanelItem) -> Quorum:
    meeting = item.meeting
    reasons = {conflict.user_id: conflict.reason for conflict in item.conflicts}
    taking_part: list[User] = []
    excluded: list[tuple[User, str]] = []
    roles_present: set[str] = set()
    for member in meeting.members:
        person = member.attendee
        if person is None:
            continue
        if item.conflicted(person.id):
            excluded.append((person, reasons.get(person.id, "A member of the group")))
        else:
            taking_part.append(person)
            roles_present.add(member.role.value)
    problems = []
    if meeting.status is MeetingStatus.SCHEDULED:
        problems.append("The chair has not recorded attendance yet")
    elif meeting.status is not MeetingStatus.IN_PROGRESS:
        problems.append(f"The meeting is over ({meeting.status.label.lower()})")
    elif len(taking_part) < meeting.quorum:
        conflicted = f", and {len(excluded)} conflicted on this item" if excluded else ""
        problems.append(
            f"{len(taking_part)} of the {meeting.quorum} members needed are present and free of conflict{conflicted}"
        )
    problems += [
        f"No {PanelRole(role).label.lower()} is present and free of conflict"
        for role in meeting.quorum_roles
        if meeting.status is MeetingStatus.IN_PROGRESS and role not in roles_present
    ]
    return Quorum(taking_part=taking_part, excluded=excluded, needed=meeting.quorum, problems=problems)


def presiding(item: PanelItem) -> User | None:
    """Who records the item's decision: the chair, or the deputy when the chair is away or conflicted."""
    meeting = item.meeting
    for person_id in (meeting.chair_id, meeting.deputy_id):
        member = meeting.member(person_id) if person_id is not None else None
        if member is not None and member.attendance is Attendance.PRESENT and not item.conflicted(member.user_id):
            return member.user
    return None


def running_totals(meeting: PanelMeeting) -> dict[int, int]:
    """Item -> the amounts requested by it and every item above it on the agenda, to set against the budget."""
    totals, total = {}, 0
    for item in meeting.items:
        total += item.pack.get("amount_requested_pence") or 0
        totals[item.id] = total
    return totals
