"""Finance's work on instalments: approve one whose condition is met, record it paid (date and reference), hold
it with a reason, release it, or cancel it. Every change is audited; the group hears when money is paid or held.

The money rule: what is approved and paid on an agreement never exceeds its award. Approval locks the agreement's
row before adding up, so approvals made at the same moment on PostgreSQL queue one behind another and each sees
the ones before it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from grantsfund.agreements.models import Agreement, AgreementStatus
from grantsfund.applications.services import group_addresses
from grantsfund.audit import services as audit
from grantsfund.common.actor import Actor
from grantsfund.common.dates import format_date, london_today, utcnow
from grantsfund.common.errors import DomainError, InvalidTransition
from grantsfund.common.money import format_pence
from grantsfund.extensions import db
from grantsfund.notifications.services import queue_email
from grantsfund.payments.models import COMMITTED, Instalment, InstalmentStatus

MAX_REASON = 2000
MAX_REFERENCE = 100


class OverAward(DomainError):
    pass


def get_instalment(instalment_id: int) -> Instalment | None:
    return db.session.get(Instalment, instalment_id)


def instalments_for(agreement: Agreement) -> list[Instalment]:
    return list(
        db.session.scalars(
            select(Instalment).where(Instalment.agreement_id == agreement.id).order_by(Instalment.number)
        )
    )


def released_by_return(agreement: Agreement) -> dict[int, list[Instalment]]:
    """The instalments (not cancelled) each monitoring period's accepted return releases, by period id."""
    found: dict[int, list[Instalment]] = {}
    for instalment in instalments_for(agreement):
        if instalment.period_id is not None and instalment.status is not InstalmentStatus.CANCELLED:
            found.setdefault(instalment.period_id, []).append(instalment)
    return found


def committed_pence(agreement: Agreement) -> int:
    """Approved and paid on this agreement: what counts against the award."""
    return _total(agreement, COMMITTED)


def paid_pence(agreement: Agreement) -> int:
    return _total(agreement, (InstalmentStatus.PAID,))


def _total(agreement: Agreement, statuses: tuple[InstalmentStatus, ...]) -> int:
    total = db.session.scalar(
        select(func.coalesce(func.sum(Instalment.amount_pence), 0)).where(
            Instalment.agreement_id == agreement.id, Instalment.status.in_(statuses)
        )
    )
    return int(total or 0)


def lock_agreement(agreement: Agreement) -> None:
    """Lock the agreement's row and re-read it: anything that changes what may be paid on it (an approval, a
    variation accepted, a termination) queues behind the one before and sees what it did."""
    db.session.execute(select(Agreement.id).where(Agreement.id == agreement.id).with_for_update())
    db.session.refresh(agreement)


def lock(instalment: Instalment) -> None:
    """Lock the agreement's row, then re-read the instalment: whoever waited sees what the one before did."""
    lock_agreement(instalment.agreement)
    # Only the instalment's own row: PostgreSQL refuses FOR UPDATE on the outer-joined agreement it eager-loads.
    db.session.refresh(instalment, with_for_update={"of": Instalment})


def _change(instalment: Instalment, allowed: tuple[InstalmentStatus, ...], doing: str) -> InstalmentStatus:
    lock(instalment)
    if instalment.agreement.status is not AgreementStatus.ACCEPTED:
        raise InvalidTransition(f"The agreement is {instalment.agreement.status.label.lower()}: nothing can be {doing}")
    if instalment.status not in allowed:
        raise InvalidTransition(
            f"Instalment {instalment.number} is {instalment.status.label.lower()} and cannot be {doing}"
        )
    return instalment.status


def _audit(
    instalment: Instalment, action: str, before: InstalmentStatus, actor: Actor, now: datetime, **after: object
) -> None:
    audit.record(
        actor=actor,
        action=f"payment.{action}",
        obj=instalment,
        before={"status": before},
        after={"status": instalment.status, **after},
        now=now,
    )


def tell_group(instalment: Instalment, template: str, now: datetime) -> None:
    application = instalment.agreement.application
    for address in group_addresses(application):
        queue_email(
            to=address,
            template=template,
            context={
                "agreement_id": instalment.agreement_id,
                "reference": instalment.agreement.reference,
                "title": application.title or "",
                "group": application.organisation.name,
                "number": instalment.number,
                "amount": format_pence(instalment.amount_pence),
                "paid_on": format_date(instalment.paid_on) if instalment.paid_on else "",
                "payment_reference": instalment.payment_reference or "",
                "reason": instalment.hold_reason or "",
            },
            now=now,
        )


def approve(instalment: Instalment, *, actor: Actor, now: datetime | None = None) -> None:
    now = now or utcnow()
    before = _change(instalment, (InstalmentStatus.DUE,), "approved")
    if not instalment.condition_met:
        raise DomainError(f"Instalment {instalment.number} is released only when: {instalment.condition_text.lower()}")
    committed = committed_pence(instalment.agreement)
    award = instalment.agreement.amount_pence
    if committed + instalment.amount_pence > award:
        raise OverAward(
            f"Approving {format_pence(instalment.amount_pence)} would take approved and paid to"
            f" {format_pence(committed + instalment.amount_pence)}, over the grant of {format_pence(award)}"
        )
    instalment.status = InstalmentStatus.APPROVED
    instalment.approved_at = now
    instalment.approved_by_id = actor.user_id
    _audit(instalment, "approved", before, actor, now, amount_pence=instalment.amount_pence)


def record_paid(
    instalment: Instalment, *, paid_on: date, reference: str, actor: Actor, now: datetime | None = None
) -> None:
    now = now or utcnow()
    reference = reference.strip()
    if paid_on > london_today(now):
        raise DomainError("The date paid cannot be in the future", field="paid_on")
    if not reference:
        raise DomainError("Enter the payment reference from the finance system", field="reference")
    if len(reference) > MAX_REFERENCE:
        raise DomainError(f"The payment reference must be {MAX_REFERENCE} characters or fewer", field="reference")
    before = _change(instalment, (InstalmentStatus.APPROVED,), "recorded as paid")
    instalment.status = InstalmentStatus.PAID
    instalment.paid_on = paid_on
    instalment.payment_reference = reference
    instalment.paid_recorded_at = now
    instalment.paid_recorded_by_id = actor.user_id
    _audit(instalment, "paid", before, actor, now, paid_on=paid_on, payment_reference=reference)
    tell_group(instalment, "payments/paid", now)


def _reason(reason: str, missing: str) -> str:
    reason = reason.strip()
    if not reason:
        raise DomainError(missing, field="reason")
    if len(reason) > MAX_REASON:
        raise DomainError(f"The reason must be {MAX_REASON:,} characters or fewer", field="reason")
    return reason


def hold(instalment: Instalment, *, reason: str, actor: Actor, now: datetime | None = None) -> None:
    now = now or utcnow()
    reason = _reason(reason, "Enter why the payment is being held")
    before = _change(instalment, (InstalmentStatus.DUE, InstalmentStatus.APPROVED), "held")
    put_on_hold(instalment, reason=reason, automatic=False, now=now)
    _audit(instalment, "held", before, actor, now, reason=reason)
    tell_group(instalment, "payments/held", now)


def put_on_hold(instalment: Instalment, *, reason: str, automatic: bool, now: datetime) -> None:
    instalment.status = InstalmentStatus.HELD
    instalment.held_at = now
    instalment.hold_reason = reason
    instalment.held_automatically = automatic
    instalment.approved_at = None
    instalment.approved_by_id = None


def release(instalment: Instalment, *, actor: Actor, now: datetime | None = None) -> None:
    """Finance lifts a hold; one waiting on a return lifts itself when the return is accepted."""
    now = now or utcnow()
    before = _change(instalment, (InstalmentStatus.HELD,), "released")
    if not instalment.condition_met:
        raise DomainError(f"Instalment {instalment.number} waits until: {instalment.condition_text.lower()}")
    take_off_hold(instalment)
    _audit(instalment, "released", before, actor, now)


def take_off_hold(instalment: Instalment) -> None:
    instalment.status = InstalmentStatus.DUE
    instalment.held_at = None
    instalment.hold_reason = None
    instalment.held_automatically = False


def cancel(instalment: Instalment, *, reason: str, actor: Actor, now: datetime | None = None) -> None:
    now = now or utcnow()
    reason = _reason(reason, "Enter why the payment is being cancelled")
    before = _change(instalment, (InstalmentStatus.DUE, InstalmentStatus.HELD, InstalmentStatus.APPROVED), "cancelled")
    instalment.status = InstalmentStatus.CANCELLED
    instalment.cancelled_at = now
    instalment.cancel_reason = reason
    _audit(instalment, "cancelled", before, actor, now, reason=reason)
