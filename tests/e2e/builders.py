"""Builders for the journeys' own data: people who can sign in, a round, a submitted and scored bid, a small
panel that decides it and publishes the outcome, and the grant agreement the group accepts.

Each step goes through the services, as the real service would. The builders hold only what the journeys do
alike; each journey passes in its own domain, names, amounts and wording, so its data stays its own on the shared
live database. Call them inside `live_db` (they need the live app's context, and it commits)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import count

from grantsfund.accounts.models import Role, User, UserRole
from grantsfund.accounts.passwords import hash_password
from grantsfund.agreements import services as agreements
from grantsfund.agreements import terms
from grantsfund.agreements.models import Agreement
from grantsfund.agreements.services import Acceptance
from grantsfund.applications import services, submission
from grantsfund.applications.models import Application
from grantsfund.assessment import assignment, eligibility, scoring
from grantsfund.assessment.eligibility import Decision
from grantsfund.assessment.models import EligibilityResult, Recommendation
from grantsfund.assessment.scoring import ScoreAnswer, SheetAnswers
from grantsfund.common.actor import Actor
from grantsfund.common.dates import add_months, london_today, utcnow
from grantsfund.extensions import db
from grantsfund.organisations.models import Organisation
from grantsfund.panel import decisions, meetings, outcomes
from grantsfund.panel.decisions import DecisionAnswers
from grantsfund.panel.meetings import MeetingDetails
from grantsfund.panel.models import Outcome, PanelMeeting, PanelRole
from grantsfund.rounds.models import Round
from tests.applications import factories
from tests.e2e.conftest import enrol_if_required
from tests.e2e.test_journeys import PASSWORD
from tests.panel.factories import all_present


def make_people(domain: str) -> Callable[..., User]:
    """A maker of users at `domain`, each able to sign in with PASSWORD (hashed once: it is slow on purpose).

    `make(full_name=..., email=..., roles=...)`: an applicant unless given roles; without an email, the next of
    person1@domain, person2@domain and so on."""
    numbers, password_hash = count(1), hash_password(PASSWORD)

    def make(
        *, roles: set[Role] | frozenset[Role] = frozenset({Role.APPLICANT}), full_name: str, email: str = ""
    ) -> User:
        now = utcnow()
        user = User(
            email=email or f"person{next(numbers)}@{domain}",
            full_name=full_name,
            password_hash=password_hash,
            email_verified_at=now,
            created_at=now,
            role_grants=[UserRole(role=role, granted_at=now) for role in sorted(roles)],
        )
        db.session.add(enrol_if_required(user))
        db.session.flush()
        return user

    return make


def open_round(officer: Actor, name: str) -> Round:
    """An open round called `name`, set up by the journey's own officer (factories.open_round asks make_user only
    for the officer)."""
    return factories.open_round(lambda **_: officer.user, name=name)


def eligible_bid(
    round_: Round,
    group: Organisation,
    member: User,
    officer: Actor,
    *,
    about: services.SectionAnswers,
    budget: services.SectionAnswers,
) -> Application:
    """A bid from `group`, with the journey's own About and Budget answers and the factories' for every other
    section, submitted by `member` and found eligible by `officer`."""
    application = factories.draft(round_, group, member)
    own = {services.Section.ABOUT: about, services.Section.BUDGET: budget}
    for section, answers in own.items():
        services.save_section(
            application, section, answers, expected_version=application.version, complete=True, actor=Actor(member)
        )
    factories.complete(application, member, skip=tuple(own))
    submission.submit_application(application, actor=Actor(member))
    eligibility.record_decision(application, Decision(EligibilityResult.ELIGIBLE, "All in order"), actor=officer)
    return application


def score(
    application: Application,
    officer: Actor,
    make: Callable[..., User],
    *,
    assessors: str,
    mark: int,
    recommendation: Recommendation,
    summary: str,
) -> None:
    """As many assessors as the round needs ("{assessors} Assessor 1", 2, …), assigned by `officer`, each with no
    conflict, give every criterion `mark` and submit their sheet: the bid then has a rank."""
    for number in range(1, application.round.assessors_per_bid + 1):
        assessor = make(full_name=f"{assessors} Assessor {number}", roles={Role.ASSESSOR})
        made = assignment.assign(application, assessor, due_on=london_today() + timedelta(days=7), actor=officer)
        assignment.declare(made, conflict=False, actor=Actor(assessor))
        answers = SheetAnswers(
            scores=[ScoreAnswer(c.id, mark, f"Scored {mark} on this.") for c in application.round.criteria],
            recommendation=recommendation,
            summary=summary,
        )
        scoring.save_sheet(made, answers, submit=True, actor=Actor(assessor))


def three_person_meeting(
    round_: Round,
    officer: Actor,
    make: Callable[..., User],
    *,
    people: str,
    title: str,
    starts_at: datetime,
    location: str,
) -> tuple[PanelMeeting, User]:
    """A meeting of a new panel of three ("{people} Chair", "{people} Panel Member 1" as deputy, and 2), quorum 3,
    set up by `officer`; returns it and its chair."""
    chair = make(full_name=f"{people} Chair", roles={Role.PANEL_CHAIR, Role.PANEL_MEMBER})
    members = [make(full_name=f"{people} Panel Member {n}", roles={Role.PANEL_MEMBER}) for n in (1, 2)]
    meeting = meetings.create_meeting(
        round_,
        MeetingDetails(
            title=title,
            starts_at=starts_at,
            location=location,
            chair_id=chair.id,
            deputy_id=members[0].id,
            members={
                chair.id: PanelRole.ELECTED_MEMBER,
                members[0].id: PanelRole.COMMUNITY,
                members[1].id: PanelRole.OFFICER,
            },
            quorum=3,
        ),
        actor=officer,
    )
    return meeting, chair


def decide_and_publish(
    meeting: PanelMeeting,
    application: Application,
    chair: User,
    officer: Actor,
    *,
    decision: DecisionAnswers,
    minutes: str,
) -> None:
    """The one bid on the agenda, everyone present, decided by the chair; the officer confirms the minutes and
    publishes the outcome (the group's letter goes out)."""
    [item] = meetings.add_to_agenda(meeting, [application.id], actor=officer)
    all_present(meeting, chair)
    decisions.record(item, decision, actor=Actor(chair))
    outcomes.confirm_minutes(meeting, minutes=minutes, actor=officer)
    outcomes.publish(meeting, actor=officer)


def accepted_grant(
    make: Callable[..., User],
    officer: Actor,
    *,
    people: str,
    round_name: str,
    group: Organisation,
    member: User,
    title: str,
) -> Agreement:
    """A bid from `group` for £8,000 over a year (over the single-payment limit, so paid half on acceptance and half
    once the first return is accepted), scored, approved by a panel of `people`, and its agreement issued by
    `officer` and accepted by `member` (the standard terms are published first if there are none)."""
    if terms.current() is None:
        terms.publish(title="Communities Fund standard terms", body="1. Use the grant for the project.", actor=officer)
    round_ = open_round(officer, round_name)
    window = services.project_window(round_)
    application = eligible_bid(
        round_,
        group,
        member,
        officer,
        about=factories.about(round_, title=title, end_date=add_months(window.earliest_start, 12) - timedelta(days=1)),
        budget=factories.budget(500_000, 300_000),
    )
    score(application, officer, make, assessors=people, mark=4, recommendation=Recommendation.FUND, summary="Good.")
    meeting, chair = three_person_meeting(
        round_,
        officer,
        make,
        people=people,
        title=f"{people} grants panel",
        starts_at=datetime(2033, 3, 9, 18, 0, tzinfo=UTC),
        location="Millbrook Library",
    )
    decide_and_publish(
        meeting,
        application,
        chair,
        officer,
        decision=DecisionAnswers(Outcome.APPROVED, reasons="Strong.", feedback="Good luck."),
        minutes="One bid approved.",
    )
    agreement = agreements.draft(application, actor=officer)
    agreements.issue(agreement, actor=officer)
    agreements.accept(
        agreement.offer, Acceptance(name=member.full_name, position="Chair", confirmed=True), actor=Actor(member)
    )
    return agreement
