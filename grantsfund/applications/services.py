"""Starting an application, checking eligibility, and saving the task-list sections.

Section statuses are derived from the answers, not stored: a section with every required answer is
Completed, one with some is In progress, one with none is Not started. "Save and come back later" keeps
whatever was typed that breaks no rule (word limits, dates); "Save and continue" also needs every answer.
So a stored status can never disagree with what is on the page.

Every save carries the `version` the person loaded. If someone else in the group saved in between, the
save is refused with `EditConflict` (naming who and when), so nobody's answers are silently overwritten.
"""

from __future__ import annotations

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
    Attachment,
    BudgetCategory,
    BudgetLine,
    Community,
    EligibilityAnswer,
    FundingPurpose,
    FundingSource,
    FundingStatus,
    ProposedOutcome,
    SectionStatus,
    can_move,
)
from grantsfund.audit import services as audit
from grantsfund.common.actor import Actor
from grantsfund.common.dates import add_months, format_date, format_datetime, london_today, to_london, utcnow
from grantsfund.common.errors import DomainError, InvalidTransition
from grantsfund.common.money import format_pence
from grantsfund.extensions import db
from grantsfund.organisations.models import DocumentKind, Organisation, Ward
from grantsfund.organisations.services import DocumentState, check_documents
from grantsfund.rounds.models import EligibilityQuestion, Round, RoundStatus

SUMMARY_WORDS = 150
LONG_ANSWER_WORDS = 500
PROJECT_MONTHS = 18  # a project ends within this many months of the round closing
MAX_PEOPLE = 1_000_000
MAX_ACTIVITIES = 20
MAX_BUDGET_LINES = 30
MAX_FUNDING_SOURCES = 10
MAX_OUTCOMES = 10
MAX_TARGET = 100_000
MAX_LINE_PENCE = 100_000_000  # £1,000,000: far above any grant; beyond it the amount is a typo


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
    """The task list's sections: slug, title, the answers each needs, and the optional answers it also saves."""

    ABOUT = ("about-the-project", "About the project", ("title", "summary", "themes", "start_date", "end_date"))
    NEED = ("need-and-evidence", "Need and evidence", ("need", "community_involvement"))
    BENEFITS = ("who-benefits", "Who benefits", ("wards", "communities", "estimated_people", "mixing"))
    ACTIVITIES = ("activities-and-timetable", "Activities and timetable", ("activities",))
    BUDGET = ("budget", "Budget", ("budget_lines",), ("match_funding",))
    OUTCOMES = ("outcomes", "Outcomes", ("outcomes",))
    SUSTAINABILITY = (
        "sustainability",
        "Sustainability",
        ("continuation", "continuation_fallback"),
        ("continuation_income",),
    )
    ATTACHMENTS = ("attachments", "Attachments", ("attachments",))
    DECLARATIONS = ("declarations", "Declarations", ("declared_name", "declared_position", "declared_at"))

    def __init__(self, slug: str, title: str, answers: tuple[str, ...], optional: tuple[str, ...] = ()) -> None:
        self.slug = slug
        self.title = title
        self.answers = answers
        self.saved = answers + optional


# Long answers and their word limits.
WORD_LIMITS = {
    "summary": SUMMARY_WORDS,
    "need": LONG_ANSWER_WORDS,
    "community_involvement": LONG_ANSWER_WORDS,
    "mixing": LONG_ANSWER_WORDS,
    "continuation": LONG_ANSWER_WORDS,
    "continuation_fallback": LONG_ANSWER_WORDS,
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
    selectinload(Application.round).selectinload(Round.indicators),
    selectinload(Application.organisation).selectinload(Organisation.documents),
    selectinload(Application.themes),
    selectinload(Application.wards),
    selectinload(Application.activities),
    selectinload(Application.eligibility_answers),
    selectinload(Application.budget_lines),
    selectinload(Application.funding_sources),
    selectinload(Application.outcomes).selectinload(ProposedOutcome.indicator),
    selectinload(Application.attachments).selectinload(Attachment.document),
    selectinload(Application.snapshot),
)


def get_application(application_id: int) -> Application:
    """An application with everything its pages show, or NoResultFound (the 404 page)."""
    return db.session.execute(
        select(Application).options(*_APPLICATION_PAGE).where(Application.id == application_id)
    ).scalar_one()


def get_submitted(application_id: int) -> Application:
    """An application for reading as submitted: its snapshot, and its group's members for the policy. Much
    lighter than `get_application`, which loads every answer for editing."""
    return db.session.execute(
        select(Application)
        .options(
            selectinload(Application.snapshot),
            selectinload(Application.organisation).selectinload(Organisation.memberships),
        )
        .where(Application.id == application_id)
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


def lock(application: Application) -> None:
    """Re-read the application's row under a row lock (PostgreSQL), so two saves queue rather than race."""
    db.session.refresh(application, attribute_names=["version", "updated_at", "updated_by_id"], with_for_update=True)


def group_addresses(application: Application) -> list[str]:
    """Where news of a submitted application goes: the group's contact, and whoever submitted it."""
    addresses = [application.organisation.contact_email]
    submitter = application.submitted_by
    if submitter is not None and submitter.email.lower() != addresses[0].lower():
        addresses.append(submitter.email)
    return addresses


# Starting and eligibility --------------------------------------------------------------------------------------


def is_open(round_: Round, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return round_.status is RoundStatus.OPEN and round_.closes_at is not None and now < round_.closes_at


def check_open(round_: Round, now: datetime) -> None:
    if not is_open(round_, now):
        raise RoundNotOpen("This round is not open for applications")


def start_application(
    round_: Round, organisation: Organisation, *, actor: Actor, now: datetime | None = None
) -> Application:
    """The group's draft for this round: the one it already has, or a new one."""
    now = now or utcnow()
    check_open(round_, now)
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


def require_draft(application: Application) -> None:
    if not application.is_draft:
        raise InvalidTransition(f"This application is {application.status.label.lower()} and cannot be changed")


def move(application: Application, target: ApplicationStatus) -> None:
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
    require_draft(application)
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
        move(application, ApplicationStatus.WITHDRAWN)
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
class BudgetLineAnswer:
    item: str
    category: BudgetCategory
    amount_pence: int


@dataclass
class FundingAnswer:
    source: str
    amount_pence: int
    status: FundingStatus


@dataclass
class OutcomeAnswer:
    indicator_id: int
    target: int
    unit: str
    measurement: str


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
    budget_lines: list[BudgetLineAnswer] = field(default_factory=list)
    match_funding: list[FundingAnswer] = field(default_factory=list)
    outcomes: list[OutcomeAnswer] = field(default_factory=list)
    continuation: str | None = None
    continuation_fallback: str | None = None
    continuation_income: list[FundingAnswer] = field(default_factory=list)
    declared_name: str | None = None
    declared_position: str | None = None
    # The three confirmations: authority to apply, the answers are accurate, the data-use statement.
    confirmations: set[str] = field(default_factory=set)


CONFIRMATIONS = {
    "authority": "I am authorised by the group to make this application on its behalf.",
    "accurate": "The information in this application is true and complete, to the best of my knowledge.",
    "data_use": "I agree that the council will use this information to assess the application, manage any grant "
    "and publish details of grants awarded, as described in the privacy notice.",
}


def _answered(value: Any) -> bool:
    return value not in (None, "", [], set())


def required_kinds(application: Application) -> list[DocumentKind]:
    return [kind for kind in DocumentKind if kind.value in application.round.required_documents]


def attachment_problems(application: Application, *, today: date) -> dict[DocumentKind, DocumentState]:
    """Each document the round asks for that the group has not got, or has only out of date."""
    checks = {check.kind: check for check in check_documents(application.organisation, today=today)}
    return {
        kind: checks[kind].state
        for kind in required_kinds(application)
        if checks[kind].state is not DocumentState.CURRENT
    }


def _attachments_answered(application: Application) -> bool:
    """Attached and still current: a document that has gone out of date since needs replacing."""
    if application.attachments_confirmed_at is None:
        return False
    attached = {attachment.kind for attachment in application.attachments}
    today = london_today()
    return set(required_kinds(application)) <= attached and not attachment_problems(application, today=today)


def _answer_value(application: Application, name: str) -> Any:
    if name == "attachments":
        return _attachments_answered(application) or None
    return getattr(application, name)


# Where each answer is in what a form sends.
_SENT = {"themes": "theme_ids", "wards": "ward_ids", "declared_at": "confirmations"}


def missing_answers(section: Section, answers: SectionAnswers) -> list[str]:
    if section is Section.ATTACHMENTS:
        return []  # checked against the group's documents when saving
    return [name for name in section.answers if not _answered(getattr(answers, _SENT.get(name, name)))]


def section_status(application: Application, section: Section) -> SectionStatus:
    answered = [_answered(_answer_value(application, name)) for name in section.answers]
    if all(answered) and not _rule_broken(application, section):
        return SectionStatus.COMPLETED
    started = any(answered) or any(
        _answered(getattr(application, name)) for name in section.saved[len(section.answers) :]
    )
    if section is Section.ATTACHMENTS:
        started = started or application.attachments_confirmed_at is not None
    return SectionStatus.IN_PROGRESS if started else SectionStatus.NOT_STARTED


def _rule_broken(application: Application, section: Section) -> bool:
    """A section saved with "come back later" may break a rule that "continue" enforces: the budget's limits."""
    if section is Section.BUDGET:
        return amount_problem(application.round, application.amount_requested_pence) is not None
    return False


def section_statuses(application: Application) -> dict[Section, SectionStatus]:
    return {section: section_status(application, section) for section in Section}


def ready_to_submit(statuses: dict[Section, SectionStatus]) -> bool:
    return all(status is SectionStatus.COMPLETED for status in statuses.values())


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


def amount_problem(round_: Round, total: int | None) -> str | None:
    """Why the amount requested is outside the round's limits, or None when it is within them."""
    if total is None:
        return "Enter at least one budget line"
    low, high = round_.minimum_grant_pence or 0, round_.maximum_grant_pence
    if total < low or (high is not None and total > high):
        limits = (
            f"between {format_pence(low)} and {format_pence(high)}"
            if high is not None
            else f"at least {format_pence(low)}"
        )
        return f"Your budget adds up to {format_pence(total)}. The amount you ask for must be {limits}."
    return None


def _check_lines(lines: Sequence[BudgetLineAnswer | FundingAnswer], *, most: int, what: str, field: str) -> None:
    if len(lines) > most:
        raise DomainError(f"Enter {most} {what} or fewer", field=field)
    for line in lines:
        if not 1 <= line.amount_pence <= MAX_LINE_PENCE:
            raise DomainError(f"Each amount must be between £0.01 and {format_pence(MAX_LINE_PENCE)}", field=field)


def _apply_about(application: Application, answers: SectionAnswers) -> None:
    check_words("summary", answers.summary, "The summary")
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


def _funding_sources(purpose: FundingPurpose, lines: Sequence[FundingAnswer]) -> list[FundingSource]:
    return [
        FundingSource(
            purpose=purpose, position=position, source=line.source, amount_pence=line.amount_pence, status=line.status
        )
        for position, line in enumerate(lines)
    ]


def _replace_funding(application: Application, purpose: FundingPurpose, lines: Sequence[FundingAnswer]) -> None:
    kept = [source for source in application.funding_sources if source.purpose is not purpose]
    application.funding_sources = kept + _funding_sources(purpose, lines)


def _apply_budget(application: Application, answers: SectionAnswers, *, complete: bool) -> None:
    _check_lines(answers.budget_lines, most=MAX_BUDGET_LINES, what="budget lines", field="budget_lines")
    _check_lines(answers.match_funding, most=MAX_FUNDING_SOURCES, what="other sources", field="match_funding")
    total = sum(line.amount_pence for line in answers.budget_lines) if answers.budget_lines else None
    if complete and (problem := amount_problem(application.round, total)) is not None:
        raise DomainError(problem, field="budget_lines")
    application.budget_lines = [
        BudgetLine(position=position, item=line.item, category=line.category, amount_pence=line.amount_pence)
        for position, line in enumerate(answers.budget_lines)
    ]
    application.amount_requested_pence = total
    _replace_funding(application, FundingPurpose.MATCH, answers.match_funding)


def _apply_outcomes(application: Application, answers: SectionAnswers) -> None:
    if len(answers.outcomes) > MAX_OUTCOMES:
        raise DomainError(f"Enter {MAX_OUTCOMES} outcomes or fewer", field="outcomes")
    offered = {indicator.id: indicator for indicator in application.round.indicators}
    seen: set[int] = set()
    for outcome in answers.outcomes:
        indicator = offered.get(outcome.indicator_id)
        if indicator is None:
            raise DomainError("Select indicators from the list", field="outcomes")
        if outcome.indicator_id in seen:
            raise DomainError(f"You have chosen ‘{indicator.measure}’ more than once", field="outcomes")
        seen.add(outcome.indicator_id)
        if not 1 <= outcome.target <= MAX_TARGET:
            raise DomainError(f"Each target must be a whole number between 1 and {MAX_TARGET:,}", field="outcomes")
    application.outcomes = [
        ProposedOutcome(
            position=position,
            indicator_id=outcome.indicator_id,
            indicator=offered[outcome.indicator_id],
            target=outcome.target,
            unit=outcome.unit,
            measurement=outcome.measurement,
        )
        for position, outcome in enumerate(answers.outcomes)
    ]


def _apply_sustainability(application: Application, answers: SectionAnswers) -> None:
    check_words("continuation", answers.continuation, "Your answer about how the work continues")
    check_words("continuation_fallback", answers.continuation_fallback, "Your answer about what happens otherwise")
    _check_lines(
        answers.continuation_income, most=MAX_FUNDING_SOURCES, what="income sources", field="continuation_income"
    )
    application.continuation = answers.continuation or None
    application.continuation_fallback = answers.continuation_fallback or None
    _replace_funding(application, FundingPurpose.CONTINUATION, answers.continuation_income)


def _apply_attachments(application: Application, *, complete: bool, now: datetime) -> None:
    """Attach the group's current document of each kind the round asks for."""
    today = london_today(now)
    problems = attachment_problems(application, today=today)
    if complete and problems:
        kind, state = next(iter(problems.items()))
        missing = "is out of date" if state is DocumentState.OUT_OF_DATE else "is missing"
        raise DomainError(
            f"Your group’s {kind.label.lower()} {missing}. Upload a current one first.", field="attachments"
        )
    current = {
        check.kind: check.document
        for check in check_documents(application.organisation, today=today)
        if check.state is DocumentState.CURRENT and check.document is not None
    }
    application.attachments = [
        Attachment(kind=kind, document_id=current[kind].id, document=current[kind])
        for kind in required_kinds(application)
        if kind in current
    ]
    application.attachments_confirmed_at = now


def _apply_declarations(
    application: Application, answers: SectionAnswers, *, user_id: int | None, now: datetime
) -> None:
    if not answers.confirmations <= set(CONFIRMATIONS):
        raise DomainError("Select the statements from the list", field="confirmations")
    application.declared_name = answers.declared_name or None
    application.declared_position = answers.declared_position or None
    confirmed = answers.confirmations == set(CONFIRMATIONS) and bool(answers.declared_name)
    application.declared_at = now if confirmed else None
    application.declared_by_id = user_id if confirmed else None


def _apply(
    application: Application, section: Section, answers: SectionAnswers, *, complete: bool, actor: Actor, now: datetime
) -> None:
    """Each section checks its rules before changing anything."""
    if section is Section.BUDGET:
        _apply_budget(application, answers, complete=complete)
    elif section is Section.ATTACHMENTS:
        _apply_attachments(application, complete=complete, now=now)
    elif section is Section.DECLARATIONS:
        _apply_declarations(application, answers, user_id=actor.user_id, now=now)
    else:
        _SIMPLE[section](application, answers)


_SIMPLE = {
    Section.ABOUT: _apply_about,
    Section.NEED: _apply_need,
    Section.BENEFITS: _apply_benefits,
    Section.ACTIVITIES: _apply_activities,
    Section.OUTCOMES: _apply_outcomes,
    Section.SUSTAINABILITY: _apply_sustainability,
}


def _plain(name: str, value: Any) -> Any:
    """An answer as a plain value, for the audit trail and the "someone saved in between" page."""
    if name in {"themes", "wards"}:
        return [item.name for item in value]
    if name == "activities":
        return [f"{activity.month:%B %Y}: {activity.description}" for activity in value]
    if name == "budget_lines":
        return [f"{line.item} ({line.category.label}): {format_pence(line.amount_pence)}" for line in value]
    if name in {"match_funding", "continuation_income"}:
        return [f"{line.source}: {format_pence(line.amount_pence)} ({line.status.label.lower()})" for line in value]
    if name == "outcomes":
        return [f"{outcome.indicator.measure}: {outcome.target} {outcome.unit}" for outcome in value]
    if name == "attachments":
        return [f"{a.kind.label}: {a.document.filename}" for a in value]
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def section_state(application: Application, section: Section) -> dict[str, Any]:
    """A section's answers as plain values."""
    return {name: _plain(name, getattr(application, name)) for name in section.saved}


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
    require_draft(application)
    if application.eligible_at is None:
        raise DomainError("Answer the eligibility questions first")
    lock(application)
    if expected_version != application.version:
        other = db.session.get(User, application.updated_by_id) if application.updated_by_id else None
        raise EditConflict(application, who=other.full_name if other else None)
    if complete:
        missing = missing_answers(section, answers)
        if missing:
            raise DomainError("Answer every question in this section, or save and come back later", field=missing[0])
    before = section_state(application, section)
    _apply(application, section, answers, complete=complete, actor=actor, now=now)
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
