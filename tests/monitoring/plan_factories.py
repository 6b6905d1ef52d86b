"""Grants to start the sustainability and closure tests from: accepted agreements (each with its plan), returns
accepted with the figures a test chooses (made as rows here, standing in for the returns work), everything paid,
grants ended and closed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from grantsfund.agreements.models import Agreement, MonitoringPeriod
from grantsfund.common.actor import Actor
from grantsfund.common.dates import london_today, utcnow
from grantsfund.extensions import db
from grantsfund.monitoring import closure, sustainability
from grantsfund.monitoring.models import (
    Closure,
    Continuation,
    MonitoringReturn,
    ReturnOutcome,
    ReturnStatus,
    SustainabilityPlan,
)
from grantsfund.payments import holds
from grantsfund.payments import services as payments
from grantsfund.payments.models import UNPAID, InstalmentStatus
from tests.agreements import factories
from tests.monitoring.factories import shifted
from tests.panel.factories import join_group


def grants(round_, officer: Actor, make_user, people, count: int = 1, *, members: Iterable = ()) -> list[Agreement]:
    """Approved bids with their agreements accepted; the n-th of `members` joins the n-th group."""
    bids = factories.approved(round_, officer, make_user, people, count)
    for bid, member in zip(bids, members, strict=False):
        join_group(bid, member)
    return [factories.accepted(bid, officer) for bid in bids]


def plan_of(agreement: Agreement) -> SustainabilityPlan:
    plan = sustainability.plan_for(agreement)
    assert plan is not None
    return plan


def targets(agreement: Agreement) -> list[dict]:
    assert agreement.in_force is not None
    return list(agreement.in_force.targets)


def accept_return(
    period: MonitoringPeriod,
    actuals: dict[int, int | None] | None = None,
    *,
    actor: Actor,
    status: ReturnStatus = ReturnStatus.ACCEPTED,
    now: datetime | None = None,
) -> MonitoringReturn:
    """The period's return with these figures (indicator id -> actual); accepted (the default), it releases what
    waited on it, as the returns work does."""
    agreement = period.agreement
    now = now or utcnow()
    made = MonitoringReturn(period_id=period.id, agreement_id=agreement.id, status=status, updated_at=now)
    figures = actuals or {}
    made.outcomes = [
        ReturnOutcome(
            position=position,
            indicator_id=target["indicator_id"],
            target=target["target"],
            unit=target["unit"],
            actual=figures.get(target["indicator_id"]),
        )
        for position, target in enumerate(targets(agreement))
    ]
    db.session.add(made)
    if status is ReturnStatus.ACCEPTED:
        made.accepted_at = now
        holds.return_accepted(period, actor=actor, now=now)
    db.session.flush()
    return made


def accept_all_returns(agreement: Agreement, actor: Actor, actual: int | None = None) -> None:
    """Every period's return accepted, each reporting `actual` for every target."""
    for period in agreement.periods:
        accept_return(period, dict.fromkeys((t["indicator_id"] for t in targets(agreement)), actual), actor=actor)


def pay_everything(agreement: Agreement, finance: Actor, *, paid_on: date | None = None) -> None:
    """Every instalment still to pay approved and recorded as paid."""
    for instalment in payments.instalments_for(agreement):
        if instalment.status in UNPAID:
            if instalment.status is InstalmentStatus.HELD:
                payments.release(instalment, actor=finance)
            payments.approve(instalment, actor=finance)
            payments.record_paid(
                instalment,
                paid_on=paid_on or london_today(),
                reference=f"BACS-{agreement.id}-{instalment.number}",
                actor=finance,
            )
    db.session.flush()


def ended(agreement: Agreement) -> Agreement:
    """The grant moved back in time, if need be, so that it ended yesterday (London)."""
    today = london_today()
    if agreement.ends_on >= today:
        shifted(agreement, agreement.ends_on - today + timedelta(days=1))
    return agreement


def ready(agreement: Agreement, officer: Actor, finance: Actor, actual: int | None = 90) -> Agreement:
    """Ended, every return accepted and every instalment paid: ready to close."""
    ended(agreement)
    accept_all_returns(agreement, officer, actual)
    pay_everything(agreement, finance)
    return agreement


def closed(agreement: Agreement, officer: Actor, finance: Actor, actual: int = 90) -> Closure:
    """Ready, then closed by the officer with the returns' figures."""
    ready(agreement, officer, finance, actual)
    made = closure.close(
        agreement,
        achieved={item.indicator_id: (item.achieved, "As reported") for item in closure.achievements(agreement)},
        lessons="Start the sessions earlier in the year.",
        continues=Continuation.YES,
        continuation_note="Volunteers run it.",
        actor=officer,
    )
    db.session.flush()
    return made
