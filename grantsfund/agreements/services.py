"""Grant agreements from offer to acceptance, and variations after.

An officer drafts the agreement from the panel's published approval: the current standard terms, the panel's
conditions, the amount, the grant period, and default payment and monitoring schedules and outcome targets taken
from the application, all editable while the draft lasts. Issuing sends the offer; a member of the group accepts
it by typing their name, confirming they hold the signatory role. Acceptance makes the plan real: monitoring
periods, and instalments for finance. A variation is a new version proposed with a reason, edited the same way,
and in force once the group accepts it; every version is kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grantsfund.agreements import schedules, terms
from grantsfund.agreements.models import (
    Agreement,
    AgreementStatus,
    AgreementVersion,
    MonitoringPeriod,
    VersionStatus,
)
from grantsfund.agreements.schedules import PlannedInstalment, PlannedPeriod, Problem, Target
from grantsfund.applications import services as applications
from grantsfund.applications.models import Application, ApplicationStatus
from grantsfund.audit import services as audit
from grantsfund.common.actor import Actor
from grantsfund.common.dates import add_months, format_date, london_today, utcnow
from grantsfund.common.errors import DomainError, InvalidTransition
from grantsfund.common.money import format_pence
from grantsfund.extensions import db
from grantsfund.monitoring import returns, sustainability
from grantsfund.monitoring.models import MonitoringReturn
from grantsfund.notifications.services import queue_email
from grantsfund.panel.decisions import published_decision
from grantsfund.payments import holds
from grantsfund.payments import services as payments
from grantsfund.payments.models import COMMITTED, Instalment, InstalmentStatus, ReleaseCondition

MAX_TEXT = 10_000
MAX_ROLE = 200


class PlanNotReady(DomainError):
    """The version cannot be offered until these problems are put right."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[0].message, field=problems[0].field)
        self.problems = problems


# Finding agreements ----------------------------------------------------------------------------------------


def get_agreement(agreement_id: int) -> Agreement | None:
    return db.session.get(Agreement, agreement_id)


def agreement_for(application: Application) -> Agreement | None:
    return db.session.scalar(select(Agreement).where(Agreement.application_id == application.id))


def version(agreement: Agreement, number: int) -> AgreementVersion | None:
    return next((item for item in agreement.versions if item.number == number), None)


def list_agreements(*, status: AgreementStatus | None = None, round_id: int | None = None) -> list[Agreement]:
    query = (
        select(Agreement)
        .join(Application, Application.id == Agreement.application_id)
        .options(
            selectinload(Agreement.versions), selectinload(Agreement.application).selectinload(Application.organisation)
        )
        .order_by(Application.reference)
    )
    if status is not None:
        query = query.where(Agreement.status == status)
    if round_id is not None:
        query = query.where(Application.round_id == round_id)
    return list(db.session.scalars(query))


def awaiting_agreement(*, round_id: int | None = None) -> list[Application]:
    """Approved bids with no agreement drafted yet."""
    query = (
        select(Application)
        .where(
            Application.status == ApplicationStatus.APPROVED,
            ~select(Agreement.id).where(Agreement.application_id == Application.id).exists(),
        )
        .options(selectinload(Application.organisation))
        .order_by(Application.reference)
    )
    if round_id is not None:
        query = query.where(Application.round_id == round_id)
    return list(db.session.scalars(query))


# Drafting --------------------------------------------------------------------------------------------------


def _default_dates(application: Application, today: date) -> tuple[date, date]:
    starts_on = application.start_date or today
    ends_on = application.end_date or add_months(starts_on, 12) - timedelta(days=1)
    return starts_on, max(ends_on, starts_on)


def default_targets(application: Application) -> list[Target]:
    return [
        Target(
            indicator_id=outcome.indicator_id,
            indicator=outcome.indicator.measure,
            domain=outcome.indicator.domain,
            target=outcome.target,
            unit=outcome.unit,
            measurement=outcome.measurement,
        )
        for outcome in application.outcomes
    ]


def default_plan(
    amount_pence: int, starts_on: date, ends_on: date
) -> tuple[list[PlannedPeriod], list[PlannedInstalment]]:
    config = current_app.config
    periods = schedules.default_periods(
        starts_on, ends_on, every_months=config["MONITORING_EVERY_MONTHS"], due_after_days=config["RETURN_DUE_DAYS"]
    )
    payments_plan = schedules.default_payments(
        amount_pence, starts_on, periods, single_payment_limit_pence=config["SINGLE_PAYMENT_LIMIT_PENCE"]
    )
    return periods, payments_plan


def draft(application: Application, *, actor: Actor, now: datetime | None = None) -> Agreement:
    """Start the agreement for an approved bid, or return the one already started."""
    now = now or utcnow()
    existing = agreement_for(application)
    if existing is not None:
        return existing
    decision = published_decision(application)
    if decision is None or application.status is not ApplicationStatus.APPROVED or decision.amount_pence is None:
        raise DomainError("An agreement is drafted only once the panel's approval has been published")
    standard = terms.current()
    if standard is None:
        raise DomainError("An administrator must publish the standard terms before agreements can be drafted")
    starts_on, ends_on = _default_dates(application, london_today(now))
    periods, payments_plan = default_plan(decision.amount_pence, starts_on, ends_on)
    agreement = Agreement(
        application=application,
        decision=decision,
        terms=standard,
        status=AgreementStatus.DRAFT,
        amount_pence=decision.amount_pence,
        starts_on=starts_on,
        ends_on=ends_on,
        created_at=now,
        created_by_id=actor.user_id,
    )
    agreement.versions = [
        AgreementVersion(
            number=1,
            status=VersionStatus.DRAFT,
            amount_pence=decision.amount_pence,
            starts_on=starts_on,
            ends_on=ends_on,
            signatory_role=current_app.config["AGREEMENT_SIGNATORY_ROLE"],
            special_conditions=decision.conditions,
            sustainability_commitments=application.continuation or "",
            payments=schedules.dump(payments_plan),
            monitoring=schedules.dump(periods),
            targets=schedules.dump(default_targets(application)),
            created_at=now,
            created_by_id=actor.user_id,
        )
    ]
    db.session.add(agreement)
    audit.record(
        actor=actor,
        action="agreement.drafted",
        obj=agreement,
        after={"application": application.reference, "amount_pence": decision.amount_pence, "terms": standard.version},
        now=now,
    )
    return agreement


@dataclass(frozen=True)
class Details:
    amount_pence: int
    starts_on: date
    ends_on: date
    signatory_role: str
    special_conditions: str
    sustainability_commitments: str


def _require_draft(item: AgreementVersion) -> None:
    if not item.editable:
        raise InvalidTransition(f"Version {item.number} is {item.status.label.lower()} and cannot be changed")


def _check_text(value: str, *, field: str, label: str, most: int = MAX_TEXT) -> str:
    value = value.strip()
    if len(value) > most:
        raise DomainError(f"{label} must be {most:,} characters or fewer", field=field)
    return value


def _check_amount(item: AgreementVersion, amount_pence: int) -> None:
    agreement = item.agreement
    award = agreement.decision.amount_pence or 0
    if amount_pence <= 0:
        raise DomainError("The grant must be more than £0", field="amount")
    if amount_pence > award:
        raise DomainError(
            f"The grant cannot be more than the panel's award of {format_pence(award)}: an increase needs a new"
            " panel decision",
            field="amount",
        )
    if not item.is_variation and amount_pence != award:
        raise DomainError(f"The offer is for the panel's award of {format_pence(award)}", field="amount")
    committed = payments.committed_pence(agreement)
    if amount_pence < committed:
        raise DomainError(
            f"The grant cannot be less than the {format_pence(committed)} already approved or paid", field="amount"
        )


def update_details(item: AgreementVersion, details: Details, *, actor: Actor, now: datetime | None = None) -> None:
    now = now or utcnow()
    _require_draft(item)
    _check_amount(item, details.amount_pence)
    if details.ends_on < details.starts_on:
        raise DomainError("The grant must end on or after the day it starts", field="ends_on")
    role = _check_text(details.signatory_role, field="signatory_role", label="The signatory role", most=MAX_ROLE)
    if not role:
        raise DomainError("Enter who may sign for the group, for example Chair or Treasurer", field="signatory_role")
    before = _details_of(item)
    item.amount_pence = details.amount_pence
    item.starts_on = details.starts_on
    item.ends_on = details.ends_on
    item.signatory_role = role
    item.special_conditions = _check_text(
        details.special_conditions, field="special_conditions", label="Special conditions"
    )
    item.sustainability_commitments = _check_text(
        details.sustainability_commitments, field="sustainability_commitments", label="Sustainability commitments"
    )
    _record_edit(item, "details", before, _details_of(item), actor, now)


def _details_of(item: AgreementVersion) -> dict[str, Any]:
    return {
        "amount_pence": item.amount_pence,
        "starts_on": item.starts_on,
        "ends_on": item.ends_on,
        "signatory_role": item.signatory_role,
        "special_conditions": item.special_conditions,
        "sustainability_commitments": item.sustainability_commitments,
    }


def _record_edit(item: AgreementVersion, part: str, before: Any, after: Any, actor: Actor, now: datetime) -> None:
    audit.record(
        actor=actor,
        action=f"agreement.{part}_changed",
        obj=item.agreement,
        before={"version": item.number, part: before},
        after={"version": item.number, part: after},
        now=now,
    )


def update_payments(
    item: AgreementVersion, planned: list[PlannedInstalment], *, actor: Actor, now: datetime | None = None
) -> None:
    now = now or utcnow()
    _require_draft(item)
    numbered = [
        PlannedInstalment(number, entry.due_on, entry.amount_pence, entry.condition, entry.period, entry.note.strip())
        for number, entry in enumerate(sorted(planned, key=lambda entry: entry.due_on), start=1)
    ]
    found = schedules.payment_problems(item.amount_pence, numbered, schedules.load_periods(item.monitoring))
    if found:
        raise PlanNotReady(found)
    before, item.payments = item.payments, schedules.dump(numbered)
    _record_edit(item, "payments", before, item.payments, actor, now)


def update_monitoring(
    item: AgreementVersion, planned: list[PlannedPeriod], *, actor: Actor, now: datetime | None = None
) -> None:
    now = now or utcnow()
    _require_draft(item)
    numbered = schedules.numbered_periods(planned)
    found = schedules.period_problems(item.starts_on, item.ends_on, numbered)
    if found:
        raise PlanNotReady(found)
    before, item.monitoring = item.monitoring, schedules.dump(numbered)
    _record_edit(item, "monitoring", before, item.monitoring, actor, now)


def update_targets(item: AgreementVersion, targets: list[Target], *, actor: Actor, now: datetime | None = None) -> None:
    now = now or utcnow()
    _require_draft(item)
    found = schedules.target_problems(targets)
    if found:
        raise PlanNotReady(found)
    before, item.targets = item.targets, schedules.dump(targets)
    _record_edit(item, "targets", before, item.targets, actor, now)


def problems(item: AgreementVersion) -> list[Problem]:
    """Everything that stops this version being offered, in the order of the page."""
    periods = schedules.load_periods(item.monitoring)
    planned = schedules.load_payments(item.payments)
    found = [
        *schedules.period_problems(item.starts_on, item.ends_on, periods),
        *schedules.payment_problems(item.amount_pence, planned, periods),
        *schedules.target_problems(schedules.load_targets(item.targets)),
    ]
    if item.is_variation:
        found += _kept_problems(item.agreement, planned, periods)
    return found


def _kept_problems(
    agreement: Agreement, planned: list[PlannedInstalment], periods: list[PlannedPeriod]
) -> list[Problem]:
    """A variation cannot rewrite history: instalments approved or paid stay as they are (a cancelled one stays as
    it was, or is left out), and so do periods whose return was accepted or that such an instalment waits on."""
    by_number = {entry.number: entry for entry in planned}
    period_numbers = {period.number for period in periods}
    found = []
    for instalment in payments.instalments_for(agreement):
        if instalment.status not in (*COMMITTED, InstalmentStatus.CANCELLED):
            continue
        entry = by_number.get(instalment.number)
        dropped = entry is None and instalment.status is InstalmentStatus.CANCELLED
        if not dropped and (
            entry is None or (entry.amount_pence, entry.due_on) != (instalment.amount_pence, instalment.due_on)
        ):
            found.append(
                Problem(
                    "payments",
                    f"Instalment {instalment.number} is {instalment.status.label.lower()}: keep it as"
                    f" {format_pence(instalment.amount_pence)} due {format_date(instalment.due_on)}"
                    + (", or leave it out" if instalment.status is InstalmentStatus.CANCELLED else ""),
                )
            )
    planned_periods = {(period.number, period.starts_on, period.ends_on) for period in periods}
    for period in agreement.periods:
        if (
            period.return_accepted_at is not None
            and (period.number, period.starts_on, period.ends_on) not in planned_periods
        ):
            found.append(
                Problem(
                    "monitoring",
                    f"Period {period.number}'s return has been accepted: keep the period as"
                    f" {format_date(period.starts_on)} to {format_date(period.ends_on)}",
                )
            )
    return found + _cancelled_problems(agreement, period_numbers) + _started_problems(agreement, period_numbers)


def _started_problems(agreement: Agreement, period_numbers: set[int]) -> list[Problem]:
    """A period whose return the group has started stays, so the return keeps its period."""
    started = set(
        db.session.scalars(select(MonitoringReturn.period_id).where(MonitoringReturn.agreement_id == agreement.id))
    )
    return [
        Problem("monitoring", f"The group has started the return for period {period.number}: keep the period")
        for period in agreement.periods
        if period.id in started and period.number not in period_numbers
    ]


def _cancelled_problems(agreement: Agreement, period_numbers: set[int]) -> list[Problem]:
    """A cancelled instalment stays as it was, still naming the period it waited on: that period stays too."""
    return [
        Problem(
            "monitoring",
            f"Instalment {instalment.number} was cancelled while waiting on period {instalment.period.number}'s"
            " return: keep the period",
        )
        for instalment in payments.instalments_for(agreement)
        if instalment.status is InstalmentStatus.CANCELLED
        and instalment.period is not None
        and instalment.period.return_accepted_at is None
        and instalment.period.number not in period_numbers
    ]


# The offer -------------------------------------------------------------------------------------------------


def _ready(item: AgreementVersion) -> None:
    found = problems(item)
    if found:
        raise PlanNotReady(found)


def _group_context(agreement: Agreement, item: AgreementVersion) -> dict[str, Any]:
    application = agreement.application
    return {
        "agreement_id": agreement.id,
        "version": item.number,
        "reference": agreement.reference,
        "title": application.title or "",
        "group": application.organisation.name,
        "amount": format_pence(item.amount_pence),
        "accept_by": format_date(agreement.accept_by) if agreement.accept_by else "",
        # A variation's reason, or why the offer or variation was withdrawn.
        "reason": item.withdrawn_reason or item.reason,
    }


def _tell_group(agreement: Agreement, item: AgreementVersion, template: str, now: datetime) -> None:
    for address in applications.group_addresses(agreement.application):
        queue_email(to=address, template=template, context=_group_context(agreement, item), now=now)


def issue(agreement: Agreement, *, accept_by: date | None = None, actor: Actor, now: datetime | None = None) -> None:
    """Send the offer to the group."""
    now = now or utcnow()
    offer = agreement.offer
    if agreement.status is not AgreementStatus.DRAFT:
        raise InvalidTransition(f"This agreement is {agreement.status.label.lower()}: it has already been issued")
    _ready(offer)
    today = london_today(now)
    accept_by = accept_by or today + timedelta(days=current_app.config["OFFER_ACCEPT_DAYS"])
    if accept_by < today:
        raise DomainError("The date to accept by cannot be in the past", field="accept_by")
    agreement.status = AgreementStatus.OFFERED
    agreement.accept_by = accept_by
    agreement.issued_at = now
    agreement.issued_by_id = actor.user_id
    _sync_figures(agreement, offer)
    offer.status = VersionStatus.OFFERED
    offer.offered_at = now
    offer.offered_by_id = actor.user_id
    audit.record(
        actor=actor,
        action="agreement.issued",
        obj=agreement,
        before={"status": AgreementStatus.DRAFT},
        after={"status": agreement.status, "accept_by": accept_by, "amount_pence": offer.amount_pence},
        now=now,
    )
    _tell_group(agreement, offer, "agreements/offer", now)


def _sync_figures(agreement: Agreement, item: AgreementVersion) -> None:
    agreement.amount_pence = item.amount_pence
    agreement.starts_on = item.starts_on
    agreement.ends_on = item.ends_on


def withdraw_offer(agreement: Agreement, *, reason: str, actor: Actor, now: datetime | None = None) -> None:
    """Withdraw an offer the group has not accepted: the bid is withdrawn too, which frees the round's budget."""
    now = now or utcnow()
    reason = _check_text(reason, field="reason", label="The reason")
    if not reason:
        raise DomainError("Enter why the offer is being withdrawn", field="reason")
    payments.lock_agreement(agreement)
    if agreement.status not in (AgreementStatus.DRAFT, AgreementStatus.OFFERED):
        raise InvalidTransition(
            f"This agreement is {agreement.status.label.lower()}: only an offer not yet accepted can be withdrawn"
        )
    before = agreement.status
    agreement.status = AgreementStatus.WITHDRAWN
    agreement.withdrawn_at = now
    agreement.withdrawn_by_id = actor.user_id
    agreement.withdrawn_reason = reason
    offer = agreement.offer
    offer.status = VersionStatus.WITHDRAWN
    offer.withdrawn_at = now
    offer.withdrawn_reason = reason
    _withdraw_application(agreement.application, reason, actor, now)
    audit.record(
        actor=actor,
        action="agreement.withdrawn",
        obj=agreement,
        before={"status": before},
        after={"status": agreement.status, "reason": reason},
        now=now,
    )
    # The group knows its bid was approved (the panel's letter), so it hears of the withdrawal even of a draft.
    _tell_group(agreement, offer, "agreements/withdrawn", now)


def _withdraw_application(application: Application, reason: str, actor: Actor, now: datetime) -> None:
    applications.lock(application)
    before = application.status
    applications.move(application, ApplicationStatus.WITHDRAWN)
    application.withdrawn_reason = reason
    application.withdrawn_at = now
    audit.record(
        actor=actor,
        action="application.withdrawn",
        obj=application,
        before={"status": before},
        after={"status": application.status, "reason": reason},
        now=now,
    )


def extend_offer(agreement: Agreement, *, accept_by: date, actor: Actor, now: datetime | None = None) -> None:
    """Give the group more time to accept the offer (before or after the date passed)."""
    now = now or utcnow()
    if agreement.status is not AgreementStatus.OFFERED:
        raise InvalidTransition(f"This agreement is {agreement.status.label.lower()}: only an offer can be extended")
    if accept_by < london_today(now):
        raise DomainError("The date to accept by cannot be in the past", field="accept_by")
    before = agreement.accept_by
    agreement.accept_by = accept_by
    audit.record(
        actor=actor,
        action="agreement.offer_extended",
        obj=agreement,
        before={"accept_by": before},
        after={"accept_by": accept_by},
        now=now,
    )
    _tell_group(agreement, agreement.offer, "agreements/offer", now)


def offer_expired(agreement: Agreement, now: datetime | None = None) -> bool:
    """The offer's date to accept by has passed: the group must ask for more time."""
    return (
        agreement.status is AgreementStatus.OFFERED
        and agreement.accept_by is not None
        and london_today(now) > agreement.accept_by
    )


# Acceptance ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Acceptance:
    name: str
    position: str
    confirmed: bool


def _same_name(typed: str, name: str) -> bool:
    return " ".join(typed.split()).casefold() == " ".join(name.split()).casefold()


def _check_acceptance(item: AgreementVersion, acceptance: Acceptance, actor: Actor, now: datetime) -> None:
    agreement = item.agreement
    if item.status is not VersionStatus.OFFERED:
        raise InvalidTransition(f"Version {item.number} is {item.status.label.lower()} and cannot be accepted")
    if actor.user is None or not agreement.organisation.has_member(actor.user.id):
        raise DomainError("Only a member of the group can accept its agreement")
    if not item.is_variation and offer_expired(agreement, now):
        raise DomainError(
            f"This offer had to be accepted by {format_date(agreement.accept_by)}. Contact the grants team to ask"
            " for more time"
        )
    if not acceptance.position.strip():
        raise DomainError("Enter your role in the group, for example Treasurer", field="position")
    if len(acceptance.position.strip()) > MAX_ROLE:
        raise DomainError(f"Your role must be {MAX_ROLE} characters or fewer", field="position")
    if not _same_name(acceptance.name, actor.user.full_name):
        raise DomainError(f"Type your full name as it is on your account: {actor.user.full_name}", field="name")
    if not acceptance.confirmed:
        raise DomainError(
            f"Confirm that you are the group’s {item.signatory_role} and may accept on its behalf", field="confirmed"
        )


def accept(item: AgreementVersion, acceptance: Acceptance, *, actor: Actor, now: datetime | None = None) -> None:
    """The group accepts the offer or a variation. It comes into force: its plan replaces the one before."""
    now = now or utcnow()
    agreement = item.agreement
    payments.lock_agreement(agreement)
    _check_acceptance(item, acceptance, actor, now)
    if item.is_variation:
        # Finance may have approved or paid more since the variation was sent.
        _ready(item)
    replaced = agreement.in_force
    item.status = VersionStatus.ACCEPTED
    item.accepted_at = now
    item.accepted_by_id = actor.user_id
    item.accepted_name = " ".join(acceptance.name.split())
    item.accepted_position = acceptance.position.strip()
    item.accepted_ip = actor.ip_address
    if replaced is not None:
        replaced.status = VersionStatus.SUPERSEDED
    before = agreement.status
    agreement.status = AgreementStatus.ACCEPTED
    agreement.accepted_at = agreement.accepted_at or now
    _sync_figures(agreement, item)
    moved = _bring_into_force(agreement, item, actor, now)
    sustainability.start_plan(agreement, actor=actor, now=now)
    returns.follow_targets(agreement, actor=actor, now=now)
    audit.record(
        actor=actor,
        action="agreement.variation_accepted" if item.is_variation else "agreement.accepted",
        obj=agreement,
        before={"status": before, "version": replaced.number if replaced else None},
        after={
            "status": agreement.status,
            "version": item.number,
            "amount_pence": item.amount_pence,
            "name": item.accepted_name,
            "position": item.accepted_position,
            "ip_address": actor.ip_address,
            "reminders_reset": moved,
        },
        now=now,
    )
    _tell_officers(agreement, item, now)


def _tell_officers(agreement: Agreement, item: AgreementVersion, now: datetime) -> None:
    officer = agreement.issued_by
    if officer is not None:
        context = _group_context(agreement, item) | {
            "accepted_name": item.accepted_name,
            "position": item.accepted_position,
        }
        queue_email(to=officer.email, template="agreements/accepted", context=context, now=now)


def _bring_into_force(agreement: Agreement, item: AgreementVersion, actor: Actor, now: datetime) -> list[int]:
    """Make the version's plan real: its monitoring periods, then its instalments (which may wait on them). Gives
    the numbers of the periods whose due date moved: their reminders go again, as the new date calls for them."""
    planned = schedules.load_periods(item.monitoring)
    moved = [
        period
        for period in agreement.periods
        if any(entry.number == period.number and entry.due_on != period.due_on for entry in planned)
    ]
    periods, dropped = _apply_periods(agreement, planned)
    returns.reset_reminders(moved)
    db.session.flush()
    _apply_instalments(agreement, schedules.load_payments(item.payments), periods)
    db.session.flush()
    # Only now that no instalment waits on them can the periods the version drops go.
    for gone in dropped:
        agreement.periods.remove(gone)
    db.session.flush()
    holds.refresh(agreement, actor=actor, now=now)
    return [period.number for period in moved]


def _apply_periods(
    agreement: Agreement, planned: list[PlannedPeriod]
) -> tuple[dict[int, MonitoringPeriod], list[MonitoringPeriod]]:
    """Update the periods the version keeps and add its new ones; return them, and the ones it drops."""
    existing = {period.number: period for period in agreement.periods}
    kept: dict[int, MonitoringPeriod] = {}
    for entry in planned:
        period = existing.pop(entry.number, None)
        if period is None:
            period = MonitoringPeriod(number=entry.number)
            agreement.periods.append(period)
        period.starts_on, period.ends_on, period.due_on, period.final = (
            entry.starts_on,
            entry.ends_on,
            entry.due_on,
            entry.final,
        )
        kept[entry.number] = period
    return kept, list(existing.values())


def _apply_instalments(
    agreement: Agreement, planned: list[PlannedInstalment], periods: dict[int, MonitoringPeriod]
) -> None:
    existing = {instalment.number: instalment for instalment in payments.instalments_for(agreement)}
    for entry in planned:
        instalment = existing.pop(entry.number, None)
        if instalment is None:
            instalment = Instalment(agreement=agreement, number=entry.number, status=InstalmentStatus.DUE)
            db.session.add(instalment)
        elif instalment.status not in (InstalmentStatus.DUE, InstalmentStatus.HELD):
            continue  # approved, paid or cancelled: history, which a variation cannot change
        instalment.due_on = entry.due_on
        instalment.amount_pence = entry.amount_pence
        instalment.condition = ReleaseCondition(entry.condition)
        instalment.period = periods[entry.period] if entry.period is not None else None
        instalment.note = entry.note
    for dropped in existing.values():
        if dropped.status in (InstalmentStatus.DUE, InstalmentStatus.HELD):
            db.session.delete(dropped)


# Variations ------------------------------------------------------------------------------------------------


def propose_variation(
    agreement: Agreement, *, reason: str, actor: Actor, now: datetime | None = None
) -> AgreementVersion:
    """A new draft version, copied from the one in force, to be changed and offered to the group."""
    now = now or utcnow()
    reason = _check_text(reason, field="reason", label="The reason")
    if not reason:
        raise DomainError("Enter why the agreement needs to change", field="reason")
    current = agreement.in_force
    if agreement.status is not AgreementStatus.ACCEPTED or current is None:
        raise InvalidTransition("Only an agreement in force can be varied")
    if agreement.pending is not None:
        raise InvalidTransition(f"Version {agreement.pending.number} is already being prepared")
    variation = AgreementVersion(
        agreement=agreement,
        number=agreement.latest.number + 1,
        status=VersionStatus.DRAFT,
        reason=reason,
        amount_pence=current.amount_pence,
        starts_on=current.starts_on,
        ends_on=current.ends_on,
        signatory_role=current.signatory_role,
        special_conditions=current.special_conditions,
        sustainability_commitments=current.sustainability_commitments,
        payments=list(current.payments),
        monitoring=list(current.monitoring),
        targets=list(current.targets),
        created_at=now,
        created_by_id=actor.user_id,
    )
    db.session.add(variation)
    audit.record(
        actor=actor,
        action="agreement.variation_proposed",
        obj=agreement,
        after={"version": variation.number, "reason": reason},
        now=now,
    )
    return variation


def offer_variation(item: AgreementVersion, *, actor: Actor, now: datetime | None = None) -> None:
    now = now or utcnow()
    if not item.is_variation or item.status is not VersionStatus.DRAFT:
        raise InvalidTransition(f"Version {item.number} is {item.status.label.lower()} and cannot be sent")
    if item.agreement.status is not AgreementStatus.ACCEPTED:
        raise InvalidTransition("Only an agreement in force can be varied")
    _ready(item)
    item.status = VersionStatus.OFFERED
    item.offered_at = now
    item.offered_by_id = actor.user_id
    audit.record(
        actor=actor, action="agreement.variation_offered", obj=item.agreement, after={"version": item.number}, now=now
    )
    _tell_group(item.agreement, item, "agreements/variation", now)


def withdraw_variation(item: AgreementVersion, *, reason: str, actor: Actor, now: datetime | None = None) -> None:
    now = now or utcnow()
    reason = _check_text(reason, field="reason", label="The reason")
    if not reason:
        raise DomainError("Enter why the variation is being withdrawn", field="reason")
    if not item.is_variation or item.status not in (VersionStatus.DRAFT, VersionStatus.OFFERED):
        raise InvalidTransition(f"Version {item.number} is {item.status.label.lower()} and cannot be withdrawn")
    before = item.status
    item.status = VersionStatus.WITHDRAWN
    item.withdrawn_at = now
    item.withdrawn_reason = reason
    if before is VersionStatus.OFFERED:
        _tell_group(item.agreement, item, "agreements/variation_withdrawn", now)
    audit.record(
        actor=actor,
        action="agreement.variation_withdrawn",
        obj=item.agreement,
        before={"version": item.number, "status": before},
        after={"version": item.number, "status": item.status, "reason": reason},
        now=now,
    )


def reset_plan(item: AgreementVersion, *, actor: Actor, now: datetime | None = None) -> None:
    """Replace the version's schedules with the defaults for its amount and dates (after the dates change)."""
    now = now or utcnow()
    _require_draft(item)
    periods, planned = default_plan(item.amount_pence, item.starts_on, item.ends_on)
    before = {"payments": item.payments, "monitoring": item.monitoring}
    item.monitoring, item.payments = schedules.dump(periods), schedules.dump(planned)
    _record_edit(item, "plan", before, {"payments": item.payments, "monitoring": item.monitoring}, actor, now)
