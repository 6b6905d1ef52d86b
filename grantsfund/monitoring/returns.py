"""Monitoring returns: a group writes one for each period of its agreement, section by section, and submits it; an
officer accepts it (which releases the payments waiting on it) or asks for changes section by section, and the
group resubmits. Every submitted version is frozen with the officer's review of it.

A return starts from the agreement and the application: one outcome per target, the budget lines scaled to the
award (with last period's spend), and the plan's activities for the period. Each section is saved with "Have you
completed this section?"; a section marked complete must pass its checks, and the return is submitted only when
every section is complete. The same checks give `problems`, which says what stops submission."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from grantsfund.accounts.models import Role
from grantsfund.accounts.services import active_users_with
from grantsfund.agreements.models import Agreement, AgreementStatus, MonitoringPeriod
from grantsfund.applications.answers import format_target
from grantsfund.applications.models import Application, BudgetCategory, Community
from grantsfund.applications.services import group_addresses
from grantsfund.audit import services as audit
from grantsfund.common.actor import Actor
from grantsfund.common.dates import format_date, format_datetime, london_today, utcnow
from grantsfund.common.errors import DomainError, InvalidTransition
from grantsfund.common.money import format_pence
from grantsfund.extensions import db
from grantsfund.monitoring import variance
from grantsfund.monitoring.models import (
    Delivery,
    MonitoringReturn,
    ReturnBeneficiary,
    ReturnEvidence,
    ReturnOutcome,
    ReturnReminder,
    ReturnSection,
    ReturnSpend,
    ReturnStatus,
    ReturnSubmission,
    ReviewOutcome,
    send_by,
)
from grantsfund.monitoring.outcomes import grant_actual

# The sections' answers and rules live in `sections`; these are part of this module's interface too.
from grantsfund.monitoring.sections import MAX_COMMENT as MAX_COMMENT
from grantsfund.monitoring.sections import RULES as RULES
from grantsfund.monitoring.sections import WARD_NOT_KNOWN as WARD_NOT_KNOWN
from grantsfund.monitoring.sections import Activities as Activities
from grantsfund.monitoring.sections import AddedActivity as AddedActivity
from grantsfund.monitoring.sections import Beneficiaries as Beneficiaries
from grantsfund.monitoring.sections import Incomplete as Incomplete
from grantsfund.monitoring.sections import OutcomeActual as OutcomeActual
from grantsfund.monitoring.sections import PlannedActivity as PlannedActivity
from grantsfund.monitoring.sections import Problem as Problem
from grantsfund.monitoring.sections import SectionAnswers as SectionAnswers
from grantsfund.monitoring.sections import Spent as Spent
from grantsfund.monitoring.sections import Story as Story
from grantsfund.monitoring.sections import spend_variance as spend_variance
from grantsfund.monitoring.sections import variance_percent as variance_percent
from grantsfund.monitoring.sections import wards_for as wards_for
from grantsfund.notifications.services import queue_email
from grantsfund.organisations import services as organisations
from grantsfund.organisations import storage
from grantsfund.organisations.scanning import Scanner
from grantsfund.payments import holds
from grantsfund.payments import services as payments
from grantsfund.payments.models import Instalment

MAX_EVIDENCE = 20
MAX_EVIDENCE_DESCRIPTION = 500


class NotReady(DomainError):
    """The return cannot be submitted until these problems are put right."""

    def __init__(self, problems: Sequence[tuple[ReturnSection, str]]) -> None:
        super().__init__(problems[0][1], field=problems[0][0].value)
        self.problems = list(problems)


# Finding returns ---------------------------------------------------------------------------------------------


def _loaded() -> Any:
    return (
        selectinload(MonitoringReturn.outcomes).joinedload(ReturnOutcome.indicator),
        selectinload(MonitoringReturn.beneficiaries).joinedload(ReturnBeneficiary.ward),
        selectinload(MonitoringReturn.spend),
        selectinload(MonitoringReturn.evidence),
        selectinload(MonitoringReturn.submissions),
        joinedload(MonitoringReturn.period),
        joinedload(MonitoringReturn.agreement),
    )


def get_return(return_id: int) -> MonitoringReturn | None:
    return db.session.scalar(select(MonitoringReturn).where(MonitoringReturn.id == return_id).options(*_loaded()))


def return_for(period: MonitoringPeriod) -> MonitoringReturn | None:
    return db.session.scalar(
        select(MonitoringReturn).where(MonitoringReturn.period_id == period.id).options(*_loaded())
    )


def returns_for(agreement: Agreement) -> dict[int, MonitoringReturn]:
    """The agreement's returns by period id."""
    found = db.session.scalars(select(MonitoringReturn).where(MonitoringReturn.agreement_id == agreement.id))
    return {ret.period_id: ret for ret in found}


def get_evidence(evidence_id: int) -> ReturnEvidence | None:
    return db.session.scalar(
        select(ReturnEvidence)
        .where(ReturnEvidence.id == evidence_id)
        .options(joinedload(ReturnEvidence.return_).joinedload(MonitoringReturn.agreement))
    )


def read_evidence(evidence: ReturnEvidence) -> bytes:
    """The stored bytes (at most UPLOAD_MAX_MB), read as the group's documents are."""
    return storage.path_of(current_app.config["UPLOAD_DIR"], evidence.stored_name).read_bytes()


def submission(ret: MonitoringReturn, number: int) -> ReturnSubmission | None:
    return next((item for item in ret.submissions if item.number == number), None)


# Status as people read it ------------------------------------------------------------------------------------


class PeriodStatus(NamedTuple):
    label: str
    colour: str  # a govuk-tag modifier, or "" for the default
    overdue: bool


def period_status(period: MonitoringPeriod, ret: MonitoringReturn | None, today: date) -> PeriodStatus:
    """Not started, In progress, Submitted, Changes requested or Accepted; late ones are also overdue (one sent back
    for changes only once its resubmission date has passed)."""
    if ret is not None and ret.status is ReturnStatus.ACCEPTED:
        return PeriodStatus("Accepted", "green", overdue=False)
    if ret is not None and ret.status is ReturnStatus.SUBMITTED:
        return PeriodStatus("Submitted", "blue", overdue=False)
    overdue = period.overdue(today, resubmit_by=ret.resubmit_by if ret is not None else None) and (
        period.agreement.status is AgreementStatus.ACCEPTED
    )
    if ret is None:
        return PeriodStatus("Not started", "grey", overdue)
    if ret.status is ReturnStatus.CHANGES_REQUESTED:
        return PeriodStatus("Changes requested", "orange", overdue)
    return PeriodStatus("In progress", "light-blue", overdue)


def period_rows(
    agreement: Agreement, today: date
) -> list[tuple[MonitoringPeriod, MonitoringReturn | None, PeriodStatus]]:
    """Each period of the agreement with its return (if started) and where that stands."""
    found = returns_for(agreement)
    return [
        (period, found.get(period.id), period_status(period, found.get(period.id), today))
        for period in agreement.periods
    ]


# Starting a return -------------------------------------------------------------------------------------------


def _require_in_force(agreement: Agreement) -> None:
    if agreement.status in (AgreementStatus.DRAFT, AgreementStatus.OFFERED):
        raise InvalidTransition("Returns start once the grant agreement is accepted")
    if agreement.status is not AgreementStatus.ACCEPTED:
        raise InvalidTransition(
            f"This grant is {agreement.status.label.lower()}: its returns can no longer be started or changed"
        )


def _application_data(application: Application) -> dict[str, Any]:
    """The frozen application's structured answers."""
    snapshot = application.snapshot
    data = snapshot.data.get("data", {}) if snapshot is not None else {}
    return data if isinstance(data, dict) else {}


def _in_period(month: date, period: MonitoringPeriod) -> bool:
    """Whether a timetable month's activities belong to the period's return: the period holding the month's first
    day, with months before the grant in the first return and months after it in the final one, so that each
    planned activity is asked about in exactly one return (the grant often starts later than the bid planned)."""
    begun = period.number == 1 or period.starts_on <= month
    ended = period.final or month <= period.ends_on
    return begun and ended


def planned_activities(application: Application, period: MonitoringPeriod) -> list[dict[str, Any]]:
    """The timetable's activities whose month falls within the period, ready for the group to say how each went."""
    planned = []
    for activity in _application_data(application).get("activities", []):
        month = date.fromisoformat(activity["month"])
        if _in_period(month, period):
            planned.append(
                {"month": month.isoformat(), "planned": activity["description"], "delivery": None, "comment": ""}
            )
    return planned


def _previous_spend(period: MonitoringPeriod) -> list[ReturnSpend]:
    earlier = period.agreement.period(period.number - 1)
    previous = return_for(earlier) if earlier is not None else None
    return list(previous.spend) if previous is not None else []


def _budget_lines(agreement: Agreement) -> tuple[list[dict[str, Any]], list[int]]:
    """The application's budget lines, and their amounts scaled to the award when it differs from what was asked."""
    lines = _application_data(agreement.application).get("budget_lines", [])
    amounts = [int(line["amount_pence"]) for line in lines]
    budgets = amounts if sum(amounts) == agreement.amount_pence else variance.scale_to(amounts, agreement.amount_pence)
    return lines, budgets


def _spend_lines(agreement: Agreement, period: MonitoringPeriod) -> list[ReturnSpend]:
    """The application's budget lines, scaled to the award, with what the previous period's return said had been
    spent."""
    lines, budgets = _budget_lines(agreement)
    previous = _previous_spend(period)
    made = []
    for position, (line, budget) in enumerate(zip(lines, budgets, strict=True)):
        before = next(
            (old for old in previous if (old.position, old.item) == (position, line["item"])),
            next((old for old in previous if old.item == line["item"]), None),
        )
        made.append(
            ReturnSpend(
                position=position,
                item=line["item"],
                category=BudgetCategory(line["category"]),
                budget_pence=budget,
                spent_pence=before.spent_pence if before is not None else None,
            )
        )
    return made


def _outcome_lines(agreement: Agreement, kept: list[ReturnOutcome] | None = None) -> list[ReturnOutcome]:
    """A line per target of the agreement in force; the `kept` lines' figures stay with their indicators."""
    version = agreement.in_force
    targets = version.targets if version is not None else []
    earlier = {outcome.indicator_id: outcome for outcome in kept or []}
    made: list[ReturnOutcome] = []
    for target in targets:
        if any(outcome.indicator_id == target["indicator_id"] for outcome in made):
            continue
        line = earlier.get(target["indicator_id"]) or ReturnOutcome(indicator_id=target["indicator_id"])
        line.position, line.target, line.unit = len(made), target["target"], target["unit"]
        made.append(line)
    return made


def _terms(ret: MonitoringReturn) -> dict[str, Any]:
    return {
        "targets": [(outcome.indicator_id, outcome.target) for outcome in ret.outcomes],
        "budgets": [line.budget_pence for line in ret.spend],
    }


def _follow_agreement(ret: MonitoringReturn, *, actor: Actor, now: datetime) -> None:
    """The return takes the targets of the agreement in force (figures already entered stay with their
    indicators; a target it drops goes) and its budget lines are scaled to the award as it now stands."""
    agreement = ret.agreement
    before = _terms(ret)
    ret.outcomes = _outcome_lines(agreement, ret.outcomes)
    _lines, budgets = _budget_lines(agreement)
    for line in ret.spend:
        line.budget_pence = budgets[line.position]
    after = _terms(ret)
    if after != before:
        ret.version += 1  # a page opened before the change matches figures to targets by position: refuse it
        audit.record(
            actor=actor, action="monitoring_return.targets_changed", obj=ret, before=before, after=after, now=now
        )


def reset_reminders(periods: Iterable[MonitoringPeriod]) -> None:
    """These periods' returns have a new date to be sent by (a variation moved it, or the council sent the return
    back): the reminders sent for the old date no longer count, so each kind goes again when the new date calls."""
    ids = [period.id for period in periods]
    if ids:
        db.session.execute(delete(ReturnReminder).where(ReturnReminder.period_id.in_(ids)))


def follow_targets(agreement: Agreement, *, actor: Actor, now: datetime) -> None:
    """After a variation is accepted: the returns the group can still change follow it. One already sent follows
    it if the council sends it back for changes (`request_changes`); an accepted one, and every version sent,
    stays as it was."""
    for ret in returns_for(agreement).values():
        if ret.editable:
            _follow_agreement(ret, actor=actor, now=now)


def start(period: MonitoringPeriod, *, actor: Actor, now: datetime | None = None) -> MonitoringReturn:
    """Start the period's return (or give back the one already started) once the period has begun."""
    now = now or utcnow()
    agreement = period.agreement
    _require_in_force(agreement)
    existing = return_for(period)
    if existing is not None:
        return existing
    if london_today(now) < period.starts_on:
        raise DomainError(
            f"You can start the {period.title.lower()} from {format_date(period.starts_on)}, when the period begins"
        )
    ret = MonitoringReturn(
        period=period,
        agreement=agreement,
        status=ReturnStatus.IN_PROGRESS,
        activities=planned_activities(agreement.application, period),
        completed_sections=[],
        created_at=now,
        updated_at=now,
        updated_by_id=actor.user_id,
    )
    ret.outcomes = _outcome_lines(agreement)
    ret.spend = _spend_lines(agreement, period)
    try:
        with db.session.begin_nested():
            db.session.add(ret)
            db.session.flush()
    except IntegrityError:  # someone else in the group started it at the same moment
        started = return_for(period)
        if started is None:
            raise
        return started
    audit.record(
        actor=actor,
        action="monitoring_return.started",
        obj=ret,
        after={"period": period.number, "outcomes": len(ret.outcomes), "spend_lines": len(ret.spend)},
        now=now,
    )
    return ret


# Saving ------------------------------------------------------------------------------------------------------


def _require_editable(ret: MonitoringReturn) -> None:
    _require_in_force(ret.agreement)
    if not ret.editable:
        raise InvalidTransition(f"This return is {ret.status.label.lower()}: it cannot be changed now")


def is_completed(ret: MonitoringReturn, section: ReturnSection) -> bool:
    return section.value in (ret.completed_sections or [])


def section_started(ret: MonitoringReturn, section: ReturnSection) -> bool:
    """Whether the section has any answer yet (for the task list's "In progress")."""
    begun: dict[ReturnSection, Callable[[], bool]] = {
        ReturnSection.PROGRESS: lambda: bool(ret.progress),
        ReturnSection.ACTIVITIES: lambda: any(entry.get("delivery") for entry in ret.activities),
        ReturnSection.BENEFICIARIES: lambda: bool(ret.beneficiaries),
        ReturnSection.OUTCOMES: lambda: any(outcome.actual is not None for outcome in ret.outcomes),
        ReturnSection.SPEND: lambda: any(line.spent_pence is not None for line in ret.spend),
        ReturnSection.STORY: lambda: bool(ret.story_title or ret.story or ret.story_consent or ret.story_consent_note),
        ReturnSection.RISKS: lambda: bool(ret.risks),
        ReturnSection.SUSTAINABILITY: lambda: bool(ret.sustainability_progress),
        ReturnSection.EVIDENCE: lambda: bool(ret.evidence),
    }
    return begun[section]()


def _mark(ret: MonitoringReturn, section: ReturnSection, completed: bool) -> None:
    done = set(ret.completed_sections or [])
    done = done | {section.value} if completed else done - {section.value}
    ret.completed_sections = [item.value for item in ReturnSection if item.value in done]


def _touched(ret: MonitoringReturn, actor: Actor, now: datetime) -> None:
    ret.updated_at = now
    ret.updated_by_id = actor.user_id


def current_answers(ret: MonitoringReturn, section: ReturnSection) -> Any:
    """The section's answers as saved, in the shape `save_section` takes."""
    return RULES[section].current(ret)


def save_section(
    ret: MonitoringReturn,
    section: ReturnSection,
    answers: SectionAnswers,
    *,
    completed: bool,
    actor: Actor,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> None:
    """Save a section's answers and whether the group has completed it. Nothing is saved if any answer breaks a
    rule, or if it is marked complete without everything it needs, or if the return changed after the page showing
    `expected_version` was opened (so one member's save never silently wipes another's)."""
    now = now or utcnow()
    _lock(ret)  # so a save never lands in a return another member has just sent
    _require_editable(ret)
    if expected_version is not None and expected_version != ret.version:
        raise DomainError("This return was changed after you opened this page: check your answers and save again")
    rule = RULES[section]
    found = rule.check(ret, answers, completed)
    if found:
        raise Incomplete(found)
    after = rule.apply(ret, answers)
    _mark(ret, section, completed)
    _touched(ret, actor, now)
    ret.version += 1  # explicitly: a save may change only the section's own rows, not the return's
    audit.record(
        actor=actor,
        action="monitoring_return.saved",
        obj=ret,
        after={"section": section, "completed": completed, **after},
        now=now,
    )
    db.session.flush()


def add_evidence(
    ret: MonitoringReturn,
    *,
    filename: str,
    data: bytes,
    description: str,
    actor: Actor,
    now: datetime | None = None,
    scanner: Scanner | None = None,
) -> ReturnEvidence:
    """Check a file as the group's documents are checked (size, real type, viruses) and keep it with the return."""
    now = now or utcnow()
    _lock(ret)  # so a save never lands in a return another member has just sent
    _require_editable(ret)
    description = description.strip()
    if len(description) > MAX_EVIDENCE_DESCRIPTION:
        raise DomainError(
            f"The description must be {MAX_EVIDENCE_DESCRIPTION} characters or fewer", field="description"
        )
    if not description:
        raise DomainError("Say what the file shows", field="description")
    if len(ret.evidence) >= MAX_EVIDENCE:
        raise DomainError(
            f"A return can have at most {MAX_EVIDENCE} files: remove one added since the return was last sent "
            "(files sent with it cannot be removed), or put several into one PDF",
            field="file",
        )
    file_type = organisations.check_size_and_type(data)
    stored = organisations.store_upload(
        data, filename, file_type, organisation=ret.organisation, actor=actor, now=now, scanner=scanner
    )
    evidence = ReturnEvidence(description=description, **asdict(stored), uploaded_at=now, uploaded_by_id=actor.user_id)
    ret.evidence.append(evidence)
    _touched(ret, actor, now)
    db.session.flush()
    audit.record(
        actor=actor,
        action="monitoring_return.evidence_added",
        obj=ret,
        after={"evidence_id": evidence.id, "filename": evidence.filename, "size_bytes": evidence.size_bytes},
        now=now,
    )
    return evidence


def sent_with(evidence: ReturnEvidence) -> ReturnSubmission | None:
    """The first submitted version the file went with, if any: such a file stays, so that version stays whole."""
    return next(
        (
            version
            for version in evidence.return_.submissions
            if any(item.get("id") == evidence.id for item in version.data.get("evidence", []))
        ),
        None,
    )


def remove_evidence(evidence: ReturnEvidence, *, actor: Actor, now: datetime | None = None) -> None:
    """Take a file added since the return was last sent off it, while the group can still change it."""
    now = now or utcnow()
    ret = evidence.return_
    _lock(ret)
    _require_editable(ret)
    version = sent_with(evidence)
    if version is not None:
        raise DomainError(
            f"{evidence.filename} was sent with version {version.number} of the return, so it is kept with it."
            " If it needs replacing, upload the new file and say so in its description",
            field="file",
        )
    audit.record(
        actor=actor,
        action="monitoring_return.evidence_removed",
        obj=ret,
        before={"evidence_id": evidence.id, "filename": evidence.filename},
        now=now,
    )
    ret.evidence.remove(evidence)
    _touched(ret, actor, now)
    db.session.flush()


# Submitting --------------------------------------------------------------------------------------------------


def problems(ret: MonitoringReturn) -> list[tuple[ReturnSection, str]]:
    """What stops the return being submitted, section by section, in the order of the task list."""
    found: list[tuple[ReturnSection, str]] = []
    for section, rule in RULES.items():
        if not is_completed(ret, section):
            found.append((section, f"Complete ‘{section.heading}’"))
            continue
        found += [(section, problem.message) for problem in rule.check(ret, rule.current(ret), True)]
    return found


def _lock(ret: MonitoringReturn) -> None:
    """Lock the return's row and re-read it: a second submission or review waits for the first, then sees it."""
    db.session.execute(select(MonitoringReturn.id).where(MonitoringReturn.id == ret.id).with_for_update())
    db.session.refresh(ret)


def accepted_actuals(agreement_id: int, *, before: int | None = None) -> dict[int, list[int | None]]:
    """Each indicator's figures in the agreement's accepted returns (for periods before `before`, if given), oldest
    period first: what `outcomes.grant_actual` adds up."""
    query = (
        select(ReturnOutcome.indicator_id, ReturnOutcome.actual)
        .join(MonitoringReturn, MonitoringReturn.id == ReturnOutcome.return_id)
        .join(MonitoringPeriod, MonitoringPeriod.id == MonitoringReturn.period_id)
        .where(MonitoringReturn.agreement_id == agreement_id, MonitoringReturn.status == ReturnStatus.ACCEPTED)
        .order_by(MonitoringPeriod.number, ReturnOutcome.position)
    )
    if before is not None:
        query = query.where(MonitoringPeriod.number < before)
    found: dict[int, list[int | None]] = defaultdict(list)
    for indicator_id, actual in db.session.execute(query):
        found[indicator_id].append(actual)
    return found


def earlier_actuals(ret: MonitoringReturn) -> dict[int, list[int | None]]:
    """Each indicator's figures in the accepted returns for periods before this one's."""
    return accepted_actuals(ret.agreement_id, before=ret.period.number)


def _figure(value: int | None, unit: str) -> str:
    return "Not given" if value is None else format_target(value, unit)


def describe_outcomes(ret: MonitoringReturn) -> list[dict[str, Any]]:
    """Each outcome: its target, this period's figure, and the grant's figure from the accepted returns of earlier
    periods, without and with this one."""
    earlier = earlier_actuals(ret)
    described = []
    for outcome in ret.outcomes:
        before = earlier.get(outcome.indicator_id, [])
        so_far = grant_actual(outcome.indicator.unit, before)
        with_this = grant_actual(outcome.indicator.unit, [*before, outcome.actual])
        described.append(
            {
                "indicator_id": outcome.indicator_id,
                "indicator": outcome.indicator.measure,
                "domain": outcome.indicator.domain,
                "heading": outcome.indicator.heading,
                "unit": outcome.unit,
                "target": outcome.target,
                "target_label": format_target(outcome.target, outcome.unit),
                "actual": outcome.actual,
                "actual_label": _figure(outcome.actual, outcome.unit),
                "earlier": so_far,
                "earlier_label": _figure(so_far, outcome.unit) if so_far is not None else "None reported yet",
                "grant_total": with_this,
                "grant_total_label": _figure(with_this, outcome.unit),
                "comment": outcome.comment,
            }
        )
    return described


def _spend_data(ret: MonitoringReturn) -> list[dict[str, Any]]:
    described = []
    for line in ret.spend:
        checked = spend_variance(ret, line, line.spent_pence)
        described.append(
            {
                "item": line.item,
                "category": line.category.value,
                "category_label": line.category.label,
                "budget_pence": line.budget_pence,
                "expected_pence": checked.expected_pence,
                "spent_pence": line.spent_pence,
                "difference_percent": checked.difference_percent,
                "varies": checked.needs_explanation,
                "explanation": line.explanation,
            }
        )
    return described


def _activities_data(ret: MonitoringReturn) -> list[dict[str, Any]]:
    return [
        {
            "month": entry.get("month"),
            "month_label": f"{date.fromisoformat(entry['month']):%B %Y}" if entry.get("month") else "",
            "description": entry["planned"],
            "added": bool(entry.get("added")),
            "delivery": entry.get("delivery"),
            "delivery_label": Delivery(entry["delivery"]).label if entry.get("delivery") else "Not answered",
            "comment": entry.get("comment", ""),
        }
        for entry in ret.activities
    ]


def _beneficiaries_data(ret: MonitoringReturn) -> list[dict[str, Any]]:
    return [
        {
            "community": row.community,
            "community_label": Community(row.community).label,
            "ward_id": row.ward_id,
            "ward": row.ward.name if row.ward is not None else WARD_NOT_KNOWN,
            "people": row.people,
        }
        for row in ret.beneficiaries
    ]


def _evidence_data(ret: MonitoringReturn) -> list[dict[str, Any]]:
    return [
        {
            "id": item.id,
            "filename": item.filename,
            "description": item.description,
            "content_type": item.content_type,
            "size_bytes": item.size_bytes,
            "sha256": item.sha256,
            "uploaded_at": item.uploaded_at.isoformat(),
        }
        for item in ret.evidence
    ]


def describe(ret: MonitoringReturn) -> dict[str, Any]:
    """Every answer of the return as JSON-ready values: what "Check your answers" shows, what a submission freezes
    and what an officer reviews."""
    period, agreement = ret.period, ret.agreement
    beneficiaries = _beneficiaries_data(ret)
    return {
        "reference": agreement.reference,
        "organisation": agreement.organisation.name,
        "project": agreement.application.title or "",
        "period": {
            "number": period.number,
            "title": period.title,
            "starts_on": period.starts_on.isoformat(),
            "ends_on": period.ends_on.isoformat(),
            "due_on": period.due_on.isoformat(),
            "final": period.final,
        },
        "progress": ret.progress,
        "activities": _activities_data(ret),
        "beneficiaries": beneficiaries,
        "people_total": sum(row["people"] for row in beneficiaries),
        "outcomes": describe_outcomes(ret),
        "spend": _spend_data(ret),
        "variance_percent": variance_percent(),
        "story": {
            "title": ret.story_title,
            "story": ret.story,
            "consent": ret.story_consent,
            "consent_note": ret.story_consent_note,
        },
        "risks": ret.risks,
        "sustainability_progress": ret.sustainability_progress,
        "evidence": _evidence_data(ret),
    }


def submit(ret: MonitoringReturn, *, actor: Actor, now: datetime | None = None) -> ReturnSubmission:
    """Freeze every answer as a new version and send it to the grants officer for review."""
    now = now or utcnow()
    _lock(ret)
    _require_editable(ret)
    found = problems(ret)
    if found:
        raise NotReady(found)
    before = ret.status
    version = ReturnSubmission(
        number=len(ret.submissions) + 1,
        data=describe(ret),
        submitted_at=now,
        submitted_by_id=actor.user_id,
        comments={},
    )
    ret.submissions.append(version)
    ret.status = ReturnStatus.SUBMITTED
    ret.submitted_at = now
    _touched(ret, actor, now)
    db.session.flush()
    holds.reword_holds(ret.period, actor=actor, now=now)
    audit.record(
        actor=actor,
        action="monitoring_return.submitted",
        obj=ret,
        before={"status": before},
        after={"status": ret.status, "version": version.number},
        now=now,
    )
    for address in _officer_addresses(ret.agreement):
        queue_email(
            to=address,
            template="monitoring/submitted",
            context=_context(ret) | {"version": version.number, "submitted_at": format_datetime(now)},
            now=now,
        )
    return version


def _officer_addresses(agreement: Agreement) -> list[str]:
    """Who hears that a return was sent: the officer who issued the agreement, or, if that account is gone or
    disabled, every active grants officer, so that a return never waits unseen."""
    officer = agreement.issued_by
    if officer is not None and officer.is_active:
        return [officer.email]
    return [user.email for user in active_users_with({Role.GRANTS_OFFICER})]


# Reviewing ---------------------------------------------------------------------------------------------------


def _context(ret: MonitoringReturn) -> dict[str, Any]:
    agreement = ret.agreement
    return {
        "return_id": ret.id,
        "agreement_id": agreement.id,
        "reference": agreement.reference,
        "project": agreement.application.title or "",
        "group": agreement.organisation.name,
        "title": ret.period.title,
    }


def _tell_group(ret: MonitoringReturn, template: str, context: dict[str, Any], now: datetime) -> None:
    for address in group_addresses(ret.agreement.application):
        queue_email(to=address, template=template, context=_context(ret) | context, now=now)


def _start_review(ret: MonitoringReturn) -> ReturnSubmission:
    _lock(ret)
    _require_in_force(ret.agreement)
    latest = ret.latest_submission
    if ret.status is not ReturnStatus.SUBMITTED or latest is None:
        raise InvalidTransition(f"This return is {ret.status.label.lower()}: there is nothing to review")
    return latest


def _check_note(note: str, field_name: str = "note") -> str:
    note = note.strip()
    if len(note) > MAX_COMMENT:
        raise DomainError(f"The note must be {MAX_COMMENT:,} characters or fewer", field=field_name)
    return note


def accept(ret: MonitoringReturn, *, actor: Actor, note: str = "", now: datetime | None = None) -> list[Instalment]:
    """Accept the submitted version: payments held waiting for it are released for finance to approve."""
    now = now or utcnow()
    # Agreement first, as a variation's acceptance locks it: the reopened return follows the terms in force.
    payments.lock_agreement(ret.agreement)
    latest = _start_review(ret)
    note = _check_note(note)
    latest.outcome = ReviewOutcome.ACCEPTED
    latest.reviewed_at = now
    latest.reviewed_by_id = actor.user_id
    latest.review_note = note
    ret.status = ReturnStatus.ACCEPTED
    ret.accepted_at = now
    ret.accepted_by_id = actor.user_id
    released = holds.return_accepted(ret.period, actor=actor, now=now)
    audit.record(
        actor=actor,
        action="monitoring_return.accepted",
        obj=ret,
        before={"status": ReturnStatus.SUBMITTED},
        after={"status": ret.status, "version": latest.number, "released": [item.number for item in released]},
        now=now,
    )
    db.session.flush()
    _tell_group(
        ret,
        "monitoring/accepted",
        {
            "note": note,
            "released": [{"number": item.number, "amount": format_pence(item.amount_pence)} for item in released],
        },
        now,
    )
    return released


def request_changes(
    ret: MonitoringReturn,
    *,
    comments: dict[ReturnSection, str],
    note: str,
    actor: Actor,
    now: datetime | None = None,
) -> ReturnSubmission:
    """Send the return back with a comment on each section that needs changing (those sections are no longer marked
    complete, so the group revisits them) and an overall note."""
    now = now or utcnow()
    latest = _start_review(ret)
    note = _check_note(note)
    kept: dict[str, str] = {}
    for section in ReturnSection:
        text = comments.get(section, "").strip()
        if len(text) > MAX_COMMENT:
            raise DomainError(
                f"The comment on ‘{section.heading}’ must be {MAX_COMMENT:,} characters or fewer",
                field=f"comment_{section.value}",
            )
        if text:
            kept[section.value] = text
    if not kept and not note:
        raise DomainError("Write what needs to change: a comment on a section, or a note to the group", field="note")
    latest.outcome = ReviewOutcome.CHANGES_REQUESTED
    latest.comments = kept
    latest.review_note = note
    latest.reviewed_at = now
    latest.reviewed_by_id = actor.user_id
    ret.status = ReturnStatus.CHANGES_REQUESTED
    ret.completed_sections = [value for value in ret.completed_sections if value not in kept]
    audit.record(
        actor=actor,
        action="monitoring_return.changes_requested",
        obj=ret,
        before={"status": ReturnStatus.SUBMITTED},
        after={"status": ret.status, "version": latest.number, "sections": sorted(kept)},
        now=now,
    )
    # The agreement may have been varied while the council had the return: the group corrects it against the new.
    _follow_agreement(ret, actor=actor, now=now)
    db.session.flush()
    holds.reword_holds(ret.period, actor=actor, now=now)
    # The group has a new date to send it by: reminders sent for the old one no longer count.
    reset_reminders([ret.period])
    _tell_group(
        ret,
        "monitoring/changes_requested",
        {
            "note": note,
            "comments": [
                {"heading": section.heading, "comment": kept[section.value]}
                for section in ReturnSection
                if section.value in kept
            ],
        },
        now,
    )
    return latest


def officer_comments(ret: MonitoringReturn) -> dict[str, str]:
    """While changes are requested: the officer's comment on each section, by section value."""
    latest = ret.latest_submission
    if ret.status is not ReturnStatus.CHANGES_REQUESTED or latest is None:
        return {}
    return dict(latest.comments or {})


# What officers follow ----------------------------------------------------------------------------------------

LIMIT = 50  # the most rows each list of the officers' page shows; its heading gives the full count


@dataclass(frozen=True)
class Waiting:
    """A period whose return is late or due soon: its return (if started), the date the group must send it by,
    and days late or left."""

    period: MonitoringPeriod
    ret: MonitoringReturn | None
    send_by: date
    days: int


@dataclass(frozen=True)
class Queue:
    today: date
    to_review: list[MonitoringReturn]
    to_review_count: int
    overdue: list[Waiting]
    overdue_count: int
    due_soon: list[Waiting]
    due_soon_count: int
    changes_requested: list[MonitoringReturn]
    changes_requested_count: int
    due_soon_days: int


def _returns_with(status: ReturnStatus, round_id: int | None) -> tuple[list[MonitoringReturn], int]:
    query = (
        select(MonitoringReturn)
        .join(Agreement, Agreement.id == MonitoringReturn.agreement_id)
        .join(Application, Application.id == Agreement.application_id)
        .where(MonitoringReturn.status == status, Agreement.status == AgreementStatus.ACCEPTED)
    )
    if round_id is not None:
        query = query.where(Application.round_id == round_id)
    found = list(
        db.session.scalars(
            query.options(
                joinedload(MonitoringReturn.period),
                joinedload(MonitoringReturn.agreement)
                .joinedload(Agreement.application)
                .joinedload(Application.organisation),
            )
            .order_by(MonitoringReturn.submitted_at, MonitoringReturn.id)
            .limit(LIMIT)
        )
    )
    count = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    return found, int(count)


def awaiting_periods(
    *, due_by: date, round_id: int | None = None
) -> list[tuple[MonitoringPeriod, MonitoringReturn | None]]:
    """Periods of agreements in force whose return the group has still to send (not started, in progress, or sent
    back for changes) by `due_by` at the latest (see `send_by`). Soonest first, with their returns."""
    query = (
        select(MonitoringPeriod, MonitoringReturn)
        .join(Agreement, Agreement.id == MonitoringPeriod.agreement_id)
        .join(Application, Application.id == Agreement.application_id)
        .outerjoin(MonitoringReturn, MonitoringReturn.period_id == MonitoringPeriod.id)
        .where(
            Agreement.status == AgreementStatus.ACCEPTED,
            MonitoringPeriod.return_accepted_at.is_(None),
            MonitoringPeriod.due_on <= due_by,
            (MonitoringReturn.id.is_(None))
            | MonitoringReturn.status.in_((ReturnStatus.IN_PROGRESS, ReturnStatus.CHANGES_REQUESTED)),
        )
        .options(
            joinedload(MonitoringPeriod.agreement)
            .joinedload(Agreement.application)
            .joinedload(Application.organisation),
            selectinload(MonitoringReturn.submissions),
        )
        .order_by(MonitoringPeriod.due_on, MonitoringPeriod.id)
    )
    if round_id is not None:
        query = query.where(Application.round_id == round_id)
    # A return sent back for changes may be due again later than its period's due date: no SQL for that.
    found = [(period, ret) for period, ret in db.session.execute(query).unique() if send_by(period, ret) <= due_by]
    return sorted(found, key=lambda row: (send_by(*row), row[0].id))


def queue(*, round_id: int | None = None, now: datetime | None = None) -> Queue:
    """The officers' page: returns to review (oldest first), late ones, ones due soon, and ones sent back."""
    today = london_today(now)
    days = current_app.config["RETURN_REMINDER_DAYS"]
    to_review, to_review_count = _returns_with(ReturnStatus.SUBMITTED, round_id)
    changes, changes_count = _returns_with(ReturnStatus.CHANGES_REQUESTED, round_id)
    waiting = awaiting_periods(due_by=today + timedelta(days=days), round_id=round_id)
    dated = [(period, ret, send_by(period, ret)) for period, ret in waiting]
    overdue = [Waiting(period, ret, by, (today - by).days) for period, ret, by in dated if by < today]
    overdue.sort(key=lambda item: (-item.days, item.period.id))
    due_soon = [Waiting(period, ret, by, (by - today).days) for period, ret, by in dated if by >= today]
    return Queue(
        today=today,
        to_review=to_review,
        to_review_count=to_review_count,
        overdue=overdue[:LIMIT],
        overdue_count=len(overdue),
        due_soon=due_soon[:LIMIT],
        due_soon_count=len(due_soon),
        changes_requested=changes,
        changes_requested_count=changes_count,
        due_soon_days=days,
    )
