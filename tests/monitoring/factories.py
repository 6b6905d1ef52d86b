"""Monitoring returns to start from, made through the services: grants in force (moved back in time so that a
period has begun), returns started, filled in, submitted and reviewed."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from grantsfund.agreements.models import Agreement, MonitoringPeriod
from grantsfund.applications.models import Community
from grantsfund.common.actor import Actor
from grantsfund.common.dates import london_to_utc, london_today
from grantsfund.extensions import db
from grantsfund.monitoring import returns
from grantsfund.monitoring.models import Delivery, MonitoringReturn, ReturnSection
from grantsfund.monitoring.outcomes import PERCENT
from grantsfund.payments import services as payments

# Enough PNG for the upload checks: the magic bytes, then anything.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def noon(day: date) -> datetime:
    """Midday in London on `day`, as the UTC moment services are given."""
    return london_to_utc(day, time(12, 0))


def member_of(agreement: Agreement) -> Actor:
    """The member of the group who made the bid, acting from a known address."""
    return Actor(agreement.application.created_by, ip_address="203.0.113.9")


def running(agreement: Agreement, *, days_in: int = 10, today: date | None = None) -> Agreement:
    """Move the grant back in time so that its first period began `days_in` days before today (London)."""
    today = today or london_today()
    return shifted(agreement, agreement.periods[0].starts_on - (today - timedelta(days=days_in)))


def shifted(agreement: Agreement, shift: timedelta) -> Agreement:
    """Move the grant back by `shift`: its dates, its periods and its instalments, by the same number of days."""
    agreement.starts_on -= shift
    agreement.ends_on -= shift
    version = agreement.in_force
    assert version is not None
    version.starts_on -= shift
    version.ends_on -= shift
    for period in agreement.periods:
        period.starts_on -= shift
        period.ends_on -= shift
        period.due_on -= shift
    for instalment in payments.instalments_for(agreement):
        instalment.due_on -= shift
    db.session.flush()
    return agreement


def started(agreement: Agreement, number: int = 1, *, now: datetime | None = None) -> MonitoringReturn:
    period = agreement.period(number)
    assert period is not None
    return returns.start(period, actor=member_of(agreement), now=now or noon(period.starts_on))


def complete_answers(ret: MonitoringReturn) -> dict[ReturnSection, returns.SectionAnswers]:
    """Answers that complete every section: every planned activity done, twelve newcomers, spending as expected."""
    wards = returns.wards_for(ret)
    return {
        ReturnSection.PROGRESS: "The café ran every Tuesday. Twelve new families came.",
        ReturnSection.ACTIVITIES: returns.Activities(
            planned=[
                returns.PlannedActivity(Delivery.DELIVERED)
                for _ in returns.current_answers(ret, ReturnSection.ACTIVITIES).planned
            ]
        ),
        ReturnSection.BENEFICIARIES: [
            returns.Beneficiaries(Community.NEWCOMERS, wards[0].id if wards else None, 12),
        ],
        ReturnSection.OUTCOMES: [
            returns.OutcomeActual(50 if outcome.unit == PERCENT else 10) for outcome in ret.outcomes
        ],
        ReturnSection.SPEND: [returns.Spent(returns.spend_variance(ret, line, 0).expected_pence) for line in ret.spend],
        ReturnSection.STORY: returns.Story(),
        ReturnSection.RISKS: "None",
        ReturnSection.SUSTAINABILITY: "We have applied to the parish council for next year.",
        ReturnSection.EVIDENCE: None,
    }


def filled(
    ret: MonitoringReturn, *, now: datetime | None = None, skip: tuple[ReturnSection, ...] = ()
) -> MonitoringReturn:
    """Every section saved as completed (but those in `skip`)."""
    actor = member_of(ret.agreement)
    for section, answers in complete_answers(ret).items():
        if section not in skip:
            returns.save_section(ret, section, answers, completed=True, actor=actor, now=now)
    return ret


def submitted(agreement: Agreement, number: int = 1, *, now: datetime | None = None) -> MonitoringReturn:
    ret = filled(started(agreement, number, now=now), now=now)
    returns.submit(ret, actor=member_of(agreement), now=now)
    return ret


def period_of(agreement: Agreement, number: int) -> MonitoringPeriod:
    period = agreement.period(number)
    assert period is not None
    return period
