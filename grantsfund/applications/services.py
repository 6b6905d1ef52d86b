"""Starting an application, checking eligibility, and saving the task-list sections.

Section statuses are derived from the answers, not stored: a section with every required answer is
Completed, one with some is In progress, one with none is Not started. "Save and come back later" keeps
whatever was typed that breaks no rule (word limits, dates); "Save and continue" also needs every answer.
So a stored status can never disagree with what is on the page.

Every save carries the `version` the person loaded. If someone else in the group saved in between, the
save is refused with `EditConflict` (naming who and when), so nobody's answers are silently overwritten.
"""

from __future__ import annotations

import calendar
import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grantsfund.accounts.models import User
from grantsfund.applications.models import (
    Application,
    ApplicationActivity,
    ApplicationStatus,
    Community,
    EligibilityAnswer,
    SectionStatus,
    can_move,
)
from grantsfund.audit import services as audit
from grantsfund.common.actor import Actor
from grantsfund.common.dates import format_date, format_datetime, to_london, utcnow
from grantsfund.common.errors import DomainError, InvalidTransition
from grantsfund.extensions import db
from grantsfund.organisations.models import Organisation, Ward
from grantsfund.rounds.models import EligibilityQuestion, Round, RoundStatus

SUMMARY_WORDS = 150
LONG_ANSWER_WORDS = 500
PROJECT_MONTHS = 18  # a project ends within this many months of the round closing
MAX_PEOPLE = 1_000_000
MAX_ACTIVITIES = 20


class RoundNotOpen(DomainError):
    pass


class EditConflict(DomainError):
    """Someone else saved the application after this person loaded the page."""

    def __init__(self, application: Application, *, who: str | None) -> None:
        who = who or "Someone in your group"
        super().__init__(
            f"{who} saved changes to this application on {format_datetime(application.updated_at)}, after you "
            "opened this page. Your answers have not been saved yet. Check their answers, shown below, then save "
            "again to keep yours."
        )
        self.application = application


class Section(enum.Enum):
    """The task list's sections that can be filled in so far: slug, title, and the answers each needs."""

    ABOUT = ("about-the-project", "About the project", ("title", "summary", "themes", "start_date", "end_date"))
    NEED = ("need-and-evidence", "Need and evidence", ("need", "community_involvement"))
    BENEFITS = ("who-benefits", "Who benefits", ("wards", "communities", "estimated_people", "mixing"))
    ACTIVITIES = ("activities-and-timetable", "Activities and timetable", ("activities",))

    def __init__(self, slug: str, title: str, answers: tuple[str, ...]) -> None:
        self.slug = slug
        self.title = title
        self.answers = answers


# The sections still to come, shown on the task list as "Cannot start yet".
SECTIONS_TO_COME = ("Budget", "Outcomes", "Sustainability", "Attachments", "Declarations")

# Long answers and their word limits.
WORD_LIMITS = {
    "summary": SUMMARY_WORDS,
    "need": LONG_ANSWER_WORDS,
    "community_involvement": LONG_ANSWER_WORDS,
    "mixing": LONG_ANSWER_WORDS,
}

_WORD = re.compile(r"\S+")


def count_words(text: str | None) -> int:
    """Words as GOV.UK's character count counts them: runs of non-space characters."""
    return len(_WORD.findall(text or ""))


# Loading ----------------------------------------------------------------------------------------------------

_APPLICATION_PAGE = (
    selectinload(Application.round).selectinload(Round.questions),
    selectinload(Application.round).selectinload(Round.themes),
    selectinload(Application.round).selectinload(Round.fund),
    selectinload(Application.organisation),
    selectinload(Application.themes),
    selectinload(Application.wards),
    selectinload(Application.activities),
    selectinload(Application.eligibility_answers),
)


def get_application(application_id: int) -> Application:
    """An application with everything its pages show, or NoResultFound (the 404 page)."""
    return db.session.execute(
        select(Application).options(*_APPLICATION_PAGE).where(Application.id == application_id)
    ).scalar_one()


def list_applications_for(organisation_ids: Iterable[int]) -> list[Application]:
    ids = list(organisation_ids)
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Application)
            .options(selectinload(Application.round).selectinload(Round.fund), selectinload(Application.organisation))
            .where(Application.organisation_id.in_(ids))
            .order_by(Application.created_at.desc(), Application.id.desc())
        )
    )


def find_draft(round_: Round, organisation: Organisation) -> Application | None:
    return db.session.scalars(
        select(Application).where(
            Application.round_id == round_.id,
            Application.organisation_id == organisation.id,
            Application.status == ApplicationStatus.DRAFT,
        )
    ).first()


def _lock(application: Application) -> None:
    """Re-read the application's row under a row lock (PostgreSQL), so two saves queue rather than race."""
    db.session.refresh(application, attribute_names=["version", "updated_at", "updated_by_id"], with_for_update=True)


# Starting and eligibility --------------------------------------------------------------------------------------


def _check_open(round_: Round, now: datetime) -> None:
    if round_.status is not RoundStatus.OPEN or round_.closes_at is None or round_.closes_at <= now:
        raise RoundNotOpen("This round is not open for applications")


def start_application(
    round_: Round, organisation: Organisation, *, actor: Actor, now: datetime | None = None
) -> Application:
    """The group's draft for this round: the one it already has, or a new one."""
    now = now or utcnow()
    _check_open(round_, now)
    if actor.user is None or not organisation.has_member(actor.user.id):
        raise DomainError("Only a member of the group can start its application", field="organisation_id")
    existing = find_draft(round_, organisation)
    if existing is not None:
        return existing
    application = Application(
        round=round_,
        organisation=organisation,
        status=ApplicationStatus.DRAFT,
        communities=[],
        created_by_id=actor.user.id,
        updated_by_id=actor.user.id,
        created_at=now,
        updated_at=now,
        eligible_at=None if round_.questions else now,
    )
    db.session.add(application)
    db.session.flush()
    audit.record(
        actor=actor,
        action="application.started",
        obj=application,
        after={"round": round_.name, "organisation": organisation.name},
        now=now,
    )
    return application


def answers_by_question(application: Application) -> dict[int, bool]:
    return {answer.question_id: answer.answer for answer in application.eligibility_answers}


def next_question(application: Application) -> EligibilityQuestion | None:
    """The first question without its qualifying answer, or None when the group may go on."""
    answers = answers_by_question(application)
    for question in application.round.questions:
        if answers.get(question.id) is not question.qualifying_answer:
            return question
    return None


def failed_question(application: Application) -> EligibilityQuestion | None:
    """The question whose answer ruled the group out, if one did."""
    answers = answers_by_question(application)
    for question in application.round.questions:
        if question.id in answers and answers[question.id] is not question.qualifying_answer:
            return question
    return None


def _require_draft(application: Application) -> None:
    if not application.is_draft:
        raise InvalidTransition(f"This application is {application.status.label.lower()} and cannot be changed")


def _move(application: Application, target: ApplicationStatus) -> None:
    if not can_move(application.status, target):
        raise InvalidTransition(
            f"An application cannot go from {application.status.label.lower()} to {target.label.lower()}"
        )
    application.status = target


def answer_eligibility(
    application: Application,
    question: EligibilityQuestion,
    *,
    answer: bool,
    actor: Actor,
    now: datetime | None = None,
) -> bool:
    """Record an answer; True if the group may go on. A disqualifying answer withdraws the draft, with the
    question's explanation as the reason: the group can start again if they answered by mistake."""
    now = now or utcnow()
    _require_draft(application)
    if question.round_id != application.round_id:
        raise DomainError("This question is not part of this round", field="answer")
    existing = next((a for a in application.eligibility_answers if a.question_id == question.id), None)
    if existing is None:
        application.eligibility_answers.append(
            EligibilityAnswer(question_id=question.id, question=question, answer=answer, answered_at=now)
        )
    else:
        existing.answer, existing.answered_at = answer, now
    qualifies = answer is question.qualifying_answer
    audit.record(
        actor=actor,
        action="application.eligibility_answered",
        obj=application,
        after={"question": question.text, "answer": "yes" if answer else "no", "qualifies": qualifies},
        now=now,
    )
    if not qualifies:
        _move(application, ApplicationStatus.WITHDRAWN)
        application.withdrawn_reason = f"Not eligible: {question.explanation}"
        audit.record(
            actor=actor,
            action="application.withdrawn",
            obj=application,
            after={"reason": application.withdrawn_reason},
            now=now,
        )
    elif next_question(application) is None and application.eligible_at is None:
        application.eligible_at = now
    application.updated_at = now
    db.session.flush()
    return qualifies


# Project dates ----------------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class ProjectWindow:
    earliest_start: date
    latest_end: date

    @property
    def rule(self) -> str:
        return (
            f"Your project must start on or after {format_date(self.earliest_start)} (the day after the round "
            f"closes) and end by {format_date(self.latest_end)} ({PROJECT_MONTHS} months after that)."
        )

    def months(self) -> list[date]:
        first, months = self.earliest_start.replace(day=1), []
        while first <= self.latest_end:
            months.append(first)
            first = add_months(first, 1)
        return months


def project_window(round_: Round) -> ProjectWindow:
    closes = to_london(round_.closes_at).date() if round_.closes_at else to_london(utcnow()).date()
    earliest = closes + timedelta(days=1)
    return ProjectWindow(earliest_start=earliest, latest_end=add_months(earliest, PROJECT_MONTHS) - timedelta(days=1))


# Sections ---------------------------------------------------------------------------------------------------


@dataclass
class ActivityAnswer:
    month: date
    description: str


@dataclass
class SectionAnswers:
    """What a section's form sends; only the section's own answers are read."""

    title: str | None = None
    summary: str | None = None
    theme_ids: set[int] = field(default_factory=set)
    start_date: date | None = None
    end_date: date | None = None
    need: str | None = None
    community_involvement: str | None = None
    ward_ids: set[int] = field(default_factory=set)
    communities: list[Community] = field(default_factory=list)
    estimated_people: int | None = None
    mixing: str | None = None
    activities: list[ActivityAnswer] = field(default_factory=list)


def _answered(value: Any) -> bool:
    return value not in (None, "", [], set())


def _answer_value(application: Application, name: str) -> Any:
    return getattr(application, name)


# Where each answer is in what a form sends.
_SENT = {"themes": "theme_ids", "wards": "ward_ids"}


def missing_answers(section: Section, answers: SectionAnswers) -> list[str]:
    return [name for name in section.answers if not _answered(getattr(answers, _SENT.get(name, name)))]


def section_status(application: Application, section: Section) -> SectionStatus:
    answered = [_answered(_answer_value(application, name)) for name in section.answers]
    if all(answered):
        return SectionStatus.COMPLETED
    return SectionStatus.IN_PROGRESS if any(answered) else SectionStatus.NOT_STARTED


def section_statuses(application: Application) -> dict[Section, SectionStatus]:
    return {section: section_status(application, section) for section in Section}


def check_words(name: str, text: str | None, label: str) -> None:
    limit = WORD_LIMITS[name]
    words = count_words(text)
    if words > limit:
        raise DomainError(f"{label} must be {limit} words or fewer (you have {words})", field=name)


def check_dates(window: ProjectWindow, start: date | None, end: date | None) -> None:
    if start is not None and not window.earliest_start <= start <= window.latest_end:
        raise DomainError(
            f"The start date must be between {format_date(window.earliest_start)} and {format_date(window.latest_end)}",
            field="start_date",
        )
    if end is not None and not window.earliest_start <= end <= window.latest_end:
        raise DomainError(
            f"The end date must be between {format_date(window.earliest_start)} and {format_date(window.latest_end)}",
            field="end_date",
        )
    if start is not None and end is not None and end < start:
        raise DomainError("The end date must be the same as or after the start date", field="end_date")


def check_activity_months(window: ProjectWindow, start: date | None, end: date | None, months: Sequence[date]) -> None:
    first = (start or window.earliest_start).replace(day=1)
    last = (end or window.latest_end).replace(day=1)
    for month in months:
        if not first <= month <= last:
            raise DomainError(
                f"Each activity’s month must be between {first:%B %Y} and {last:%B %Y}, during the project",
                field="activities",
            )


_LABELS = {
    "summary": "The summary",
    "need": "Your answer",
    "community_involvement": "Your answer",
    "mixing": "Your answer",
}


def _apply_about(application: Application, answers: SectionAnswers) -> None:
    check_words("summary", answers.summary, _LABELS["summary"])
    check_dates(project_window(application.round), answers.start_date, answers.end_date)
    offered = {theme.id: theme for theme in application.round.themes}
    if not answers.theme_ids <= set(offered):
        raise DomainError("Select themes from the list", field="themes")
    application.title = answers.title or None
    application.summary = answers.summary or None
    application.themes = [offered[theme_id] for theme_id in sorted(answers.theme_ids)]
    application.start_date, application.end_date = answers.start_date, answers.end_date


def _apply_need(application: Application, answers: SectionAnswers) -> None:
    check_words("need", answers.need, "Your answer about the need")
    check_words("community_involvement", answers.community_involvement, "Your answer about the community’s part")
    application.need = answers.need or None
    application.community_involvement = answers.community_involvement or None


def _apply_benefits(application: Application, answers: SectionAnswers) -> None:
    check_words("mixing", answers.mixing, "Your answer about how people will mix")
    if answers.estimated_people is not None and not 1 <= answers.estimated_people <= MAX_PEOPLE:
        raise DomainError(f"Enter a number of people between 1 and {MAX_PEOPLE:,}", field="estimated_people")
    wards = list(db.session.scalars(select(Ward).where(Ward.id.in_(answers.ward_ids)))) if answers.ward_ids else []
    if len(wards) != len(answers.ward_ids):
        raise DomainError("Select wards from the list", field="wards")
    application.wards = sorted(wards, key=lambda ward: ward.name)
    application.communities = [community.value for community in Community if community in answers.communities]
    application.estimated_people = answers.estimated_people
    application.mixing = answers.mixing or None


def _apply_activities(application: Application, answers: SectionAnswers) -> None:
    if len(answers.activities) > MAX_ACTIVITIES:
        raise DomainError(f"Enter {MAX_ACTIVITIES} activities or fewer", field="activities")
    check_activity_months(
        project_window(application.round),
        application.start_date,
        application.end_date,
        [activity.month for activity in answers.activities],
    )
    application.activities = [
        ApplicationActivity(position=position, month=activity.month.replace(day=1), description=activity.description)
        for position, activity in enumerate(answers.activities)
    ]


_APPLY = {
    Section.ABOUT: _apply_about,
    Section.NEED: _apply_need,
    Section.BENEFITS: _apply_benefits,
    Section.ACTIVITIES: _apply_activities,
}


def section_state(application: Application, section: Section) -> dict[str, Any]:
    """A section's answers as plain values, for the audit trail."""
    state: dict[str, Any] = {}
    for name in section.answers:
        value = _answer_value(application, name)
        if name == "themes":
            value = [theme.name for theme in value]
        elif name == "wards":
            value = [ward.name for ward in value]
        elif name == "activities":
            value = [f"{activity.month:%B %Y}: {activity.description}" for activity in value]
        elif isinstance(value, date):
            value = value.isoformat()
        state[name] = value
    return state


def save_section(
    application: Application,
    section: Section,
    answers: SectionAnswers,
    *,
    expected_version: int | None,
    complete: bool,
    actor: Actor,
    now: datetime | None = None,
) -> Application:
    """Save one section's answers. With `complete` (Save and continue) every answer is needed."""
    now = now or utcnow()
    _require_draft(application)
    if application.eligible_at is None:
        raise DomainError("Answer the eligibility questions first")
    _lock(application)
    if expected_version != application.version:
        other = db.session.get(User, application.updated_by_id) if application.updated_by_id else None
        raise EditConflict(application, who=other.full_name if other else None)
    if complete:
        missing = missing_answers(section, answers)
        if missing:
            raise DomainError("Answer every question in this section, or save and come back later", field=missing[0])
    before = section_state(application, section)
    _APPLY[section](application, answers)  # each checks its rules before changing anything
    after = section_state(application, section)
    application.version += 1
    application.updated_at = now
    application.updated_by_id = actor.user_id
    if before != after:
        audit.record(
            actor=actor,
            action="application.section_saved",
            obj=application,
            before={"section": section.title, **before},
            after={"section": section.title, **after},
            now=now,
        )
    db.session.flush()
    return application
