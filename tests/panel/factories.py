"""Panels, meetings and ranked bids on their agendas, made through the services."""

from __future__ import annotations

from datetime import UTC, datetime

from grantsfund.accounts.models import Role, User
from grantsfund.applications.models import Application
from grantsfund.assessment.models import DeclaredInterest
from grantsfund.common.actor import Actor
from grantsfund.common.dates import utcnow
from grantsfund.extensions import db
from grantsfund.organisations.models import Membership
from grantsfund.panel import meetings
from grantsfund.panel.meetings import AttendanceAnswer, MeetingDetails
from grantsfund.panel.models import Attendance, PanelMeeting, PanelRole
from grantsfund.rounds.models import Round
from tests.assessment.factories import scored

CAPACITIES = [PanelRole.ELECTED_MEMBER, PanelRole.COMMUNITY, PanelRole.OFFICER, PanelRole.PARTNER]


def panel(make_user, size: int = 4) -> list[User]:
    """A chair first, then members."""
    chair = make_user(full_name="Chair Chidi", roles={Role.PANEL_CHAIR, Role.PANEL_MEMBER})
    return [chair] + [make_user(full_name=f"Member {n}", roles={Role.PANEL_MEMBER}) for n in range(1, size)]


def meeting(
    round_: Round,
    officer: Actor,
    people: list[User],
    *,
    quorum: int = 3,
    quorum_roles: set[PanelRole] | None = None,
    deputy: bool = True,
    delegates_allowed: bool = True,
) -> PanelMeeting:
    details = MeetingDetails(
        title="Communities Fund panel",
        starts_at=datetime(2030, 7, 15, 9, 30, tzinfo=UTC),
        location="Committee Room 2, Town Hall",
        chair_id=people[0].id,
        deputy_id=people[1].id if deputy else None,
        members={person.id: CAPACITIES[n % len(CAPACITIES)] for n, person in enumerate(people)},
        quorum=quorum,
        quorum_roles=quorum_roles or set(),
        delegates_allowed=delegates_allowed,
    )
    return meetings.create_meeting(round_, details, actor=officer)


def ranked(round_: Round, officer: Actor, make_user, count: int, *, score: int = 4) -> list[Application]:
    """Bids each scored by as many assessors as the round needs, so each has a rank."""
    marks = [[score] * len(round_.criteria)] * round_.assessors_per_bid
    return [scored(round_, officer, make_user, marks) for _ in range(count)]


def all_present(meeting_: PanelMeeting, chair: User, **exceptions: AttendanceAnswer) -> None:
    answers = {member.user_id: AttendanceAnswer(Attendance.PRESENT) for member in meeting_.members}
    for user_id, answer in exceptions.items():
        answers[int(user_id)] = answer
    meetings.record_attendance(meeting_, answers, actor=Actor(chair))


def meeting_details(people: list[User], **overrides: object) -> MeetingDetails:
    """The details `meeting` uses (chair people[0], deputy people[1], capacities in turn), with overrides."""
    values: dict[str, object] = {
        "title": "Communities Fund panel",
        "starts_at": datetime(2030, 7, 15, 9, 30, tzinfo=UTC),
        "location": "Committee Room 2, Town Hall",
        "chair_id": people[0].id,
        "deputy_id": people[1].id,
        "members": {person.id: CAPACITIES[n % len(CAPACITIES)] for n, person in enumerate(people)},
        "quorum": 3,
        "quorum_roles": set(),
        "delegates_allowed": True,
    }
    values.update(overrides)
    return MeetingDetails(**values)  # type: ignore[arg-type]


def join_group(application: Application, person: User) -> None:
    """Make a panel person a member of the group that made the bid."""
    group = application.organisation
    group.memberships.append(Membership(user=person, joined_at=utcnow()))
    db.session.flush()


def register_interest(application: Application, person: User, reason: str) -> DeclaredInterest:
    """An entry in the register of interests: the person has an interest in the bid's group."""
    interest = DeclaredInterest(
        assessor_id=person.id, organisation_id=application.organisation_id, reason=reason, declared_at=utcnow()
    )
    db.session.add(interest)
    db.session.flush()
    return interest


def delegate(make_user, name: str = "Delegate Dana") -> User:
    """A panel person who is not a member of the meeting, to attend for one who is."""
    return make_user(full_name=name, roles={Role.PANEL_MEMBER})


def attendance(
    meeting_: PanelMeeting, changes: dict[int, AttendanceAnswer] | None = None
) -> dict[int, AttendanceAnswer]:
    """Attendance answers: everyone present, except the members (by user id) in `changes`."""
    answers = {member.user_id: AttendanceAnswer(Attendance.PRESENT) for member in meeting_.members}
    answers.update(changes or {})
    return answers
