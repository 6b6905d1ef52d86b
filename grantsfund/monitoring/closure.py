"""Closing a grant: once the final return is accepted, the final payment made and no variation is under way, an
officer records what was achieved against each target, the lessons, and whether the work carries on. The
agreement is then closed, and every part of the grant is read-only.

What was achieved is prefilled from the accepted returns (`outcomes.grant_actual`: counts add up, a percentage is
the latest); the officer may correct a figure, and explains any that differ from the returns or miss the target."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grantsfund.agreements.models import Agreement, AgreementStatus, AgreementVersion, MonitoringPeriod, VersionStatus
from grantsfund.applications.answers import format_target
from grantsfund.applications.models import Application
from grantsfund.applications.services import group_addresses
from grantsfund.audit import services as audit
from grantsfund.common.actor import Actor
from grantsfund.common.dates import format_date, london_today, utcnow
from grantsfund.common.errors import DomainError
from grantsfund.common.money import format_pence
from grantsfund.common.pagination import PER_PAGE
from grantsfund.extensions import db
from grantsfund.monitoring import returns
from grantsfund.monitoring.models import Closure, Continuation
from grantsfund.monitoring.outcomes import PERCENT, grant_actual
from grantsfund.notifications.services import queue_email
from grantsfund.payments import services as payments
from grantsfund.payments.models import UNPAID, Instalment
from grantsfund.rounds.models import Indicator

MAX_LESSONS = 10_000
MAX_NOTE = 5000
MAX_COMMENT = 2000
MAX_ACHIEVED = 999_999
MAX_PERCENT = 100


# What stands in the way --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Blocker:
    """Something that stops the grant being closed, and what it is about: "agreement", "return", "payments" or
    "variation" (so a page can link to where it is put right)."""

    message: str
    about: str


def blockers(agreement: Agreement, *, now: datetime | None = None) -> list[Blocker]:
    if agreement.status is AgreementStatus.CLOSED:
        return [Blocker("This grant is already closed", "agreement")]
    if agreement.status is not AgreementStatus.ACCEPTED:
        return [
            Blocker(
                f"The agreement is {agreement.status.label.lower()}: only a grant in force can be closed", "agreement"
            )
        ]
    found = []
    if london_today(now) <= agreement.ends_on:
        # A project that finishes early brings its end date forward by a variation first.
        found.append(
            Blocker(
                f"The grant runs until {format_date(agreement.ends_on)}: it can be closed after it ends", "agreement"
            )
        )
    final = next((period for period in agreement.periods if period.final), None)
    if final is None:
        found.append(Blocker("The monitoring schedule has no final return", "return"))
    elif final.return_accepted_at is None:
        found.append(Blocker(f"The final return (due {format_date(final.due_on)}) has not been accepted yet", "return"))
    found += [
        Blocker(f"The {period.title.lower()} (due {format_date(period.due_on)}) has not been accepted yet", "return")
        for period in agreement.periods
        if not period.final and period.return_accepted_at is None
    ]
    unpaid = [instalment for instalment in payments.instalments_for(agreement) if instalment.status in UNPAID]
    if unpaid:
        found.append(Blocker(_unpaid_message(unpaid), "payments"))
    pending = agreement.pending
    if pending is not None:
        found.append(
            Blocker(
                f"Version {pending.number}, a variation, is {pending.status.label.lower()}: it must be accepted or"
                " withdrawn first",
                "variation",
            )
        )
    return found


def _unpaid_message(unpaid: list[Instalment]) -> str:
    listed = "; ".join(
        f"instalment {instalment.number}, {format_pence(instalment.amount_pence)}, is {instalment.status.label.lower()}"
        for instalment in unpaid
    )
    return f"The final payment has not been made: {listed}. Each must be paid or cancelled"


def ready_to_close(*, page: int = 1) -> Pagination:
    """Grants in force that have ended, whose returns are all accepted (the final one too), with nothing left to
    pay and no variation under way: the ones an officer can close now, the soonest ended first."""
    final_accepted = (
        select(MonitoringPeriod.id)
        .where(
            MonitoringPeriod.agreement_id == Agreement.id,
            MonitoringPeriod.final.is_(True),
            MonitoringPeriod.return_accepted_at.is_not(None),
        )
        .exists()
    )
    return_outstanding = (
        select(MonitoringPeriod.id)
        .where(MonitoringPeriod.agreement_id == Agreement.id, MonitoringPeriod.return_accepted_at.is_(None))
        .exists()
    )
    unpaid = (
        select(Instalment.id).where(Instalment.agreement_id == Agreement.id, Instalment.status.in_(UNPAID)).exists()
    )
    pending = (
        select(AgreementVersion.id)
        .where(
            AgreementVersion.agreement_id == Agreement.id,
            AgreementVersion.status.in_((VersionStatus.DRAFT, VersionStatus.OFFERED)),
        )
        .exists()
    )
    query = (
        select(Agreement)
        .join(Application, Application.id == Agreement.application_id)
        .where(
            Agreement.status == AgreementStatus.ACCEPTED,
            Agreement.ends_on < london_today(),
            final_accepted,
            ~return_outstanding,
            ~unpaid,
            ~pending,
        )
        .options(selectinload(Agreement.application).selectinload(Application.organisation))
        .order_by(Agreement.ends_on, Application.reference, Agreement.id)
    )
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


# What was achieved -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Achievement:
    indicator_id: int
    indicator: str
    domain: str
    unit: str  # as the agreement shows it
    target: int
    achieved: int | None  # from the accepted returns; None when none reported it
    percent: bool  # the indicator is a percentage (from the library), so the latest return's figure stands

    @property
    def target_text(self) -> str:
        return format_target(self.target, self.unit)

    @property
    def achieved_text(self) -> str:
        return "Not reported" if self.achieved is None else format_target(self.achieved, self.unit)


def achievements(agreement: Agreement) -> list[Achievement]:
    """Each target of the agreement in force, with the grant's figure from its accepted returns."""
    in_force = agreement.in_force
    targets = in_force.targets if in_force is not None else []
    reported = returns.accepted_actuals(agreement.id)
    ids = [int(target["indicator_id"]) for target in targets]
    kinds = {
        row.id: row.unit
        for row in db.session.execute(select(Indicator.id, Indicator.unit).where(Indicator.id.in_(ids)))
    }
    made = []
    for target in targets:
        indicator_id = int(target["indicator_id"])
        kind = kinds.get(indicator_id, str(target["unit"]))
        made.append(
            Achievement(
                indicator_id=indicator_id,
                indicator=str(target["indicator"]),
                domain=str(target["domain"]),
                unit=str(target["unit"]),
                target=int(target["target"]),
                achieved=grant_actual(kind, reported.get(indicator_id, [])),
                percent=kind == PERCENT,
            )
        )
    return made


# Closing -----------------------------------------------------------------------------------------------------


class NotReady(DomainError):
    def __init__(self, found: list[Blocker]) -> None:
        super().__init__(found[0].message)
        self.blockers = found


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str


class ClosureRefused(DomainError):
    """The closure record is not complete: every problem, each at its field."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__(problems[0].message, field=problems[0].field)
        self.problems = problems


def _text(value: str, *, field: str, most: int, missing: str | None, problems: list[FieldProblem]) -> str:
    value = value.strip()
    if missing and not value:
        problems.append(FieldProblem(field, missing))
    elif len(value) > most:
        problems.append(FieldProblem(field, f"Enter {most:,} characters or fewer"))
    return value


def _achieved_entry(
    achievement: Achievement, given: tuple[int | None, str] | None, problems: list[FieldProblem]
) -> dict[str, Any]:
    figure, comment = given if given is not None else (None, "")
    about = f"{achievement.domain}: {achievement.indicator}"
    field = f"achieved_{achievement.indicator_id}"
    most = MAX_PERCENT if achievement.percent else MAX_ACHIEVED
    if figure is None:
        problems.append(FieldProblem(field, f"Enter what was achieved for {about}"))
    elif not 0 <= figure <= most:
        problems.append(FieldProblem(field, f"Enter what was achieved for {about} between 0 and {most:,}"))
    explain = figure is not None and (figure != achievement.achieved or figure < achievement.target)
    comment = _text(
        comment,
        field=f"comment_{achievement.indicator_id}",
        most=MAX_COMMENT,
        missing=_why_missing(achievement, figure, about) if explain else None,
        problems=problems,
    )
    recorded = {key: value for key, value in asdict(achievement).items() if key != "percent"}
    return recorded | {"reported": achievement.achieved, "achieved": figure, "comment": comment}


def _why_missing(achievement: Achievement, figure: int | None, about: str) -> str:
    if figure is not None and figure < achievement.target:
        return f"Explain why the target for {about} was not met"
    return f"Explain why the figure for {about} differs from the returns"


@dataclass(frozen=True)
class Checked:
    entries: list[dict[str, Any]]
    lessons: str
    continuation_note: str
    problems: list[FieldProblem]


def check_record(
    items: Sequence[Achievement],
    *,
    achieved: dict[int, tuple[int | None, str]],
    lessons: str,
    continues: Continuation | None,
    continuation_note: str,
) -> Checked:
    """The closure record as it would be written, and every problem with it, each at its field (in the order of
    the form: the targets, then the lessons and whether the work continues)."""
    problems: list[FieldProblem] = []
    entries = [_achieved_entry(item, achieved.get(item.indicator_id), problems) for item in items]
    lessons = _text(lessons, field="lessons", most=MAX_LESSONS, missing="Enter the lessons learned", problems=problems)
    if continues is None:
        problems.append(FieldProblem("continues", "Select whether the work continues after the grant"))
    note = _text(continuation_note, field="continuation_note", most=MAX_NOTE, missing=None, problems=problems)
    return Checked(entries, lessons, note, problems)


def close(
    agreement: Agreement,
    *,
    achieved: dict[int, tuple[int | None, str]],
    lessons: str,
    continues: Continuation | None,
    continuation_note: str = "",
    actor: Actor,
    now: datetime | None = None,
) -> Closure:
    """Record the closure and close the grant; `achieved` maps each target's indicator to the figure achieved and
    a comment."""
    now = now or utcnow()
    payments.lock_agreement(agreement)
    found = blockers(agreement, now=now)
    if found:
        raise NotReady(found)
    checked = check_record(
        achievements(agreement),
        achieved=achieved,
        lessons=lessons,
        continues=continues,
        continuation_note=continuation_note,
    )
    if checked.problems:
        raise ClosureRefused(checked.problems)
    assert continues is not None
    closure = Closure(
        agreement=agreement,
        achievements=checked.entries,
        lessons=checked.lessons,
        continues=continues,
        continuation_note=checked.continuation_note,
        closed_at=now,
        closed_by_id=actor.user_id,
    )
    db.session.add(closure)
    agreement.status = AgreementStatus.CLOSED
    audit.record(
        actor=actor,
        action="agreement.closed",
        obj=agreement,
        before={"status": AgreementStatus.ACCEPTED},
        after={"status": agreement.status, "continues": continues, "achievements": checked.entries},
        now=now,
    )
    _tell_group(agreement, closure, now)
    return closure


def _tell_group(agreement: Agreement, closure: Closure, now: datetime) -> None:
    application = agreement.application
    context = {
        "agreement_id": agreement.id,
        "reference": agreement.reference,
        "title": application.title or "",
        "group": agreement.organisation.name,
        "continues": closure.continues.label,
        "achievements": [
            {
                "outcome": f"{entry['domain']}: {entry['indicator']}",
                "target": format_target(entry["target"], entry["unit"]),
                "achieved": format_target(entry["achieved"], entry["unit"]),
            }
            for entry in closure.achievements
        ],
    }
    for address in group_addresses(application):
        queue_email(to=address, template="monitoring/closed", context=context, now=now)


# Reading the record ------------------------------------------------------------------------------------------


def closure_for(agreement: Agreement) -> Closure | None:
    return db.session.scalar(select(Closure).where(Closure.agreement_id == agreement.id))


def get_closure(agreement_id: int) -> Closure | None:
    """The closure of the grant with its agreement, group and who closed it."""
    return db.session.scalar(
        select(Closure)
        .where(Closure.agreement_id == agreement_id)
        .options(
            selectinload(Closure.agreement).selectinload(Agreement.application).selectinload(Application.organisation),
            selectinload(Closure.closed_by),
        )
    )
