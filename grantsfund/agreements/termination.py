"""Ending an agreement early: the reason, the date, the unpaid instalments cancelled, and any grant to be paid
back (clawback), whose repayment finance then tracks until it is repaid or written off."""

from __future__ import annotations

from datetime import date, datetime

from grantsfund.agreements.models import Agreement, AgreementStatus, RepaymentStatus, Termination, VersionStatus
from grantsfund.applications.services import group_addresses
from grantsfund.audit import services as audit
from grantsfund.common.actor import Actor
from grantsfund.common.dates import format_date, london_today, utcnow
from grantsfund.common.errors import DomainError, InvalidTransition
from grantsfund.common.money import format_pence
from grantsfund.extensions import db
from grantsfund.notifications.services import queue_email
from grantsfund.payments import services as payments
from grantsfund.payments.models import UNPAID, InstalmentStatus

MAX_TEXT = 5000


def _text(value: str, *, field: str, missing: str | None) -> str:
    value = value.strip()
    if missing and not value:
        raise DomainError(missing, field=field)
    if len(value) > MAX_TEXT:
        raise DomainError(f"This must be {MAX_TEXT:,} characters or fewer", field=field)
    return value


def terminate(
    agreement: Agreement,
    *,
    reason: str,
    terminated_on: date,
    amount_owed_pence: int,
    actor: Actor,
    now: datetime | None = None,
) -> Termination:
    now = now or utcnow()
    reason = _text(reason, field="reason", missing="Enter why the agreement is being terminated")
    payments.lock_agreement(agreement)
    if agreement.status is not AgreementStatus.ACCEPTED:
        raise InvalidTransition(
            f"This agreement is {agreement.status.label.lower()}: only one in force can be terminated"
        )
    if terminated_on > london_today(now):
        raise DomainError("The termination date cannot be in the future", field="terminated_on")
    paid = payments.paid_pence(agreement)
    if amount_owed_pence < 0:
        raise DomainError("The amount to repay cannot be negative", field="amount_owed")
    if amount_owed_pence > paid:
        raise DomainError(f"The amount to repay cannot be more than the {format_pence(paid)} paid", field="amount_owed")
    cancelled = []
    for instalment in payments.instalments_for(agreement):
        if instalment.status in UNPAID:
            instalment.status = InstalmentStatus.CANCELLED
            instalment.cancelled_at = now
            instalment.cancel_reason = "The agreement was terminated"
            cancelled.append(instalment.number)
    pending = agreement.pending
    withdrawn_version = pending.number if pending is not None else None
    if pending is not None:
        pending.status = VersionStatus.WITHDRAWN
        pending.withdrawn_at = now
        pending.withdrawn_reason = "The agreement was terminated"
    termination = Termination(
        agreement=agreement,
        reason=reason,
        terminated_on=terminated_on,
        amount_owed_pence=amount_owed_pence,
        amount_repaid_pence=0,
        repayment_status=RepaymentStatus.OWED if amount_owed_pence else RepaymentStatus.NONE_DUE,
        recorded_at=now,
        recorded_by_id=actor.user_id,
    )
    db.session.add(termination)
    agreement.status = AgreementStatus.TERMINATED
    audit.record(
        actor=actor,
        action="agreement.terminated",
        obj=agreement,
        before={"status": AgreementStatus.ACCEPTED},
        after={
            "status": agreement.status,
            "reason": reason,
            "terminated_on": terminated_on,
            "amount_owed_pence": amount_owed_pence,
            "instalments_cancelled": cancelled,
            "version_withdrawn": withdrawn_version,
        },
        now=now,
    )
    for address in group_addresses(agreement.application):
        queue_email(
            to=address,
            template="agreements/terminated",
            context={
                "agreement_id": agreement.id,
                "reference": agreement.reference,
                "title": agreement.application.title or "",
                "group": agreement.organisation.name,
                "reason": reason,
                "terminated_on": format_date(terminated_on),
                "owed": format_pence(amount_owed_pence) if amount_owed_pence else "",
            },
            now=now,
        )
    return termination


def record_repayment(
    termination: Termination, *, repaid_pence: int, note: str, actor: Actor, now: datetime | None = None
) -> None:
    """Record the total repaid so far; the status follows from it."""
    now = now or utcnow()
    note = _text(note, field="note", missing=None)
    if termination.repayment_status in (RepaymentStatus.NONE_DUE, RepaymentStatus.WRITTEN_OFF):
        raise InvalidTransition(f"The repayment is {termination.repayment_status.label.lower()}")
    if not 0 <= repaid_pence <= termination.amount_owed_pence:
        raise DomainError(
            f"The amount repaid must be between £0 and the {format_pence(termination.amount_owed_pence)} owed",
            field="repaid",
        )
    before = {"repaid_pence": termination.amount_repaid_pence, "status": termination.repayment_status}
    termination.amount_repaid_pence = repaid_pence
    termination.repayment_status = (
        RepaymentStatus.REPAID
        if repaid_pence == termination.amount_owed_pence
        else RepaymentStatus.PART_REPAID
        if repaid_pence
        else RepaymentStatus.OWED
    )
    termination.repayment_note = note
    termination.updated_at = now
    audit.record(
        actor=actor,
        action="termination.repayment_recorded",
        obj=termination,
        before=before,
        after={"repaid_pence": repaid_pence, "status": termination.repayment_status, "note": note},
        now=now,
    )


def write_off(termination: Termination, *, note: str, actor: Actor, now: datetime | None = None) -> None:
    now = now or utcnow()
    note = _text(note, field="note", missing="Enter why the rest is being written off")
    if termination.repayment_status not in (RepaymentStatus.OWED, RepaymentStatus.PART_REPAID):
        raise InvalidTransition(f"The repayment is {termination.repayment_status.label.lower()}")
    before = termination.repayment_status
    termination.repayment_status = RepaymentStatus.WRITTEN_OFF
    termination.repayment_note = note
    termination.updated_at = now
    audit.record(
        actor=actor,
        action="termination.written_off",
        obj=termination,
        before={"status": before},
        after={
            "status": termination.repayment_status,
            "outstanding_pence": termination.amount_owed_pence - termination.amount_repaid_pence,
            "note": note,
        },
        now=now,
    )
