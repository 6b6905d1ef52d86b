"""Instalments that wait on a monitoring return: held automatically once their date comes while the return is
outstanding, and released when monitoring accepts it. A hold finance put on stays until finance lifts it."""

from datetime import date, datetime, time, timedelta

import pytest

from grantsfund.agreements import schedules, services
from grantsfund.agreements.models import MonitoringPeriod
from grantsfund.common.actor import Actor
from grantsfund.common.dates import format_date, london_to_utc
from grantsfund.payments import holds
from grantsfund.payments import services as payments
from grantsfund.payments.models import Instalment, InstalmentStatus
from tests.agreements import factories
from tests.agreements.conftest import officer, people, round_  # noqa: F401
from tests.agreements.factories import events
from tests.conftest import queued_emails


def accept_return(period: MonitoringPeriod, actor: Actor, now: datetime | None = None) -> list[Instalment]:
    """Stands in for monitoring accepting the period's return: the hook the monitoring issue will call."""
    return holds.return_accepted(period, actor=actor, now=now)


def noon(day: date) -> datetime:
    return london_to_utc(day, time(12, 0))


@pytest.fixture
def finance(make_user):
    return factories.finance_actor(make_user)


@pytest.fixture
def monitoring_officer(make_user):
    return Actor(make_user(full_name="Mo Monitoring"), ip_address="192.0.2.10")


@pytest.fixture
def bid(round_, officer, make_user, people):  # noqa: F811
    [made] = factories.approved(round_, officer, make_user, people)
    return made


@pytest.fixture
def agreement(bid, officer):  # noqa: F811
    return factories.accepted(bid, officer)


@pytest.fixture
def second(agreement):
    """£1,666.00, released by the return for period 1; due on the day that return is due."""
    instalment = payments.instalments_for(agreement)[1]
    assert instalment.period is agreement.period(1)
    assert instalment.due_on == agreement.period(1).due_on
    return instalment


def test_an_instalment_is_not_held_before_its_date(second):
    assert holds.hold_waiting(now=noon(second.due_on - timedelta(days=1))) == 0
    assert second.status is InstalmentStatus.DUE
    assert events("payment.held", second) == []


def test_an_instalment_whose_return_is_not_accepted_is_held_on_its_date(bid, second):
    assert holds.hold_waiting(now=noon(second.due_on)) == 1

    assert second.status is InstalmentStatus.HELD
    assert second.held_automatically
    assert second.hold_reason == (
        f"Waiting for the return for period 1 (due {format_date(second.due_on)}) to be accepted"
    )
    [event] = events("payment.held", second)
    assert event.actor_id is None
    assert event.after["automatic"] is True
    messages = queued_emails(template="payments/held")
    assert [message.recipient for message in messages] == [bid.organisation.contact_email, bid.submitted_by.email]
    assert messages[0].context["reason"] == second.hold_reason


def test_a_hold_after_the_return_was_due_says_it_is_overdue(second):
    holds.hold_waiting(now=noon(second.due_on + timedelta(days=3)))
    assert second.hold_reason == (
        f"Waiting for the return for period 1 (overdue since {format_date(second.due_on)}) to be accepted"
    )


def test_holding_again_the_next_day_changes_nothing(second):
    holds.hold_waiting(now=noon(second.due_on))
    assert holds.hold_waiting(now=noon(second.due_on + timedelta(days=1))) == 0
    assert len(events("payment.held", second)) == 1
    assert len(queued_emails(template="payments/held")) == 2  # the group's two addresses, once


def test_an_instalment_released_by_the_acceptance_is_never_held(agreement):
    first = payments.instalments_for(agreement)[0]
    holds.hold_waiting(now=noon(agreement.ends_on + timedelta(days=365)))
    assert first.status is InstalmentStatus.DUE


def test_accepting_the_return_releases_the_held_instalment_for_finance_to_approve(
    agreement, second, finance, monitoring_officer
):
    holds.hold_waiting(now=noon(second.due_on))
    period = agreement.period(1)
    when = noon(second.due_on + timedelta(days=5))

    released = accept_return(period, monitoring_officer, when)

    assert released == [second]
    assert period.return_accepted_at == when
    assert (second.status, second.hold_reason, second.held_automatically) == (InstalmentStatus.DUE, None, False)
    assert second.condition_met
    [event] = events("payment.released", second)
    assert (event.before, event.after) == ({"status": "held"}, {"status": "due", "automatic": True})
    assert (event.actor_id, event.ip_address) == (monitoring_officer.user_id, "192.0.2.10")
    assert len(events("monitoring_period.return_accepted", period)) == 1

    payments.approve(second, actor=finance)
    assert second.status is InstalmentStatus.APPROVED
    assert holds.hold_waiting(now=noon(second.due_on + timedelta(days=30))) == 0


def test_a_return_accepted_before_the_date_means_no_hold(agreement, second, finance, monitoring_officer):
    assert accept_return(agreement.period(1), monitoring_officer) == []
    assert holds.hold_waiting(now=noon(second.due_on + timedelta(days=1))) == 0
    assert second.status is InstalmentStatus.DUE
    payments.approve(second, actor=finance)
    assert second.status is InstalmentStatus.APPROVED


def test_accepting_a_return_twice_records_it_once(agreement, monitoring_officer):
    period = agreement.period(1)
    first_time = noon(period.due_on)
    accept_return(period, monitoring_officer, first_time)
    accept_return(period, monitoring_officer, first_time + timedelta(days=1))
    assert period.return_accepted_at == first_time
    assert len(events("monitoring_period.return_accepted", period)) == 1


def test_a_hold_finance_put_on_is_not_lifted_by_the_return(agreement, second, finance, monitoring_officer):
    payments.hold(second, reason="Query on the accounts", actor=finance)

    assert accept_return(agreement.period(1), monitoring_officer) == []

    assert (second.status, second.hold_reason, second.held_automatically) == (
        InstalmentStatus.HELD,
        "Query on the accounts",
        False,
    )
    assert events("payment.released", second) == []
    payments.release(second, actor=finance)  # finance lifts it; the return is in now
    assert second.status is InstalmentStatus.DUE


def test_only_the_instalments_of_the_accepted_period_are_released(agreement, monitoring_officer):
    second, third = payments.instalments_for(agreement)[1:]
    holds.hold_waiting(now=noon(third.due_on))
    assert (second.status, third.status) == (InstalmentStatus.HELD, InstalmentStatus.HELD)

    accept_return(agreement.period(2), monitoring_officer)

    assert (second.status, third.status) == (InstalmentStatus.HELD, InstalmentStatus.DUE)


def test_a_variation_that_pays_on_acceptance_instead_lifts_the_automatic_hold(bid, agreement, second, officer):  # noqa: F811
    holds.hold_waiting(now=noon(second.due_on))
    variation = services.propose_variation(agreement, reason="Pay without waiting", actor=officer)
    planned = schedules.load_payments(variation.payments)
    on_acceptance = schedules.PlannedInstalment(2, planned[1].due_on, planned[1].amount_pence)
    services.update_payments(variation, [planned[0], on_acceptance, planned[2]], actor=officer)
    services.offer_variation(variation, actor=officer)
    member = factories.signatory(bid)

    services.accept(variation, factories.acceptance(member), actor=member, now=noon(second.due_on + timedelta(days=2)))

    assert (second.status, second.held_automatically, second.period) == (InstalmentStatus.DUE, False, None)
    assert second.condition_met
    assert events("payment.released", second)[0].after == {"status": "due", "automatic": True}


def test_a_variation_accepted_after_an_instalments_date_holds_it_at_once(bid, agreement, second, officer):  # noqa: F811
    variation = services.propose_variation(agreement, reason="New contact", actor=officer)
    services.update_details(
        variation,
        services.Details(
            amount_pence=variation.amount_pence,
            starts_on=variation.starts_on,
            ends_on=variation.ends_on,
            signatory_role="Chair",
            special_conditions="",
            sustainability_commitments="",
        ),
        actor=officer,
    )
    services.offer_variation(variation, actor=officer)
    member = factories.signatory(bid)

    services.accept(variation, factories.acceptance(member), actor=member, now=noon(second.due_on + timedelta(days=1)))

    assert (second.status, second.held_automatically) == (InstalmentStatus.HELD, True)
    assert "overdue since" in second.hold_reason
