"""Ending an agreement early: unpaid instalments cancelled, and any grant to be paid back tracked until it is
repaid or written off."""

from datetime import timedelta

import pytest

from grantsfund.agreements import services, termination
from grantsfund.agreements.models import AgreementStatus, RepaymentStatus, VersionStatus
from grantsfund.common.dates import london_today
from grantsfund.common.errors import DomainError, InvalidTransition
from grantsfund.payments import services as payments
from grantsfund.payments.models import InstalmentStatus
from tests.agreements import factories
from tests.agreements.factories import events
from tests.conftest import queued_emails

PAID = 166_850  # the first instalment of the default plan for the factories' £5,000.50 award


@pytest.fixture
def bid(round_, officer, make_user, people):
    [made] = factories.approved(round_, officer, make_user, people)
    return made


@pytest.fixture
def finance(make_user):
    return factories.finance_actor(make_user)


@pytest.fixture
def agreement(bid, officer, finance):
    """Accepted, the first instalment paid and the second held."""
    made = factories.accepted(bid, officer)
    first, second, _ = payments.instalments_for(made)
    payments.approve(first, actor=finance)
    payments.record_paid(first, paid_on=london_today(), reference="BACS-1", actor=finance)
    payments.hold(second, reason="Query on the accounts", actor=finance)
    return made


def end(agreement, officer, owed=100_000, **changes):
    values = {"reason": "The group has closed", "terminated_on": london_today(), "amount_owed_pence": owed}
    values.update(changes)
    return termination.terminate(agreement, actor=officer, **values)


def test_terminating_cancels_what_is_unpaid_and_records_what_is_owed(bid, agreement, officer):
    ended = end(agreement, officer, reason="  The group has closed ")

    assert agreement.status is AgreementStatus.TERMINATED
    assert agreement.termination is ended
    assert (ended.reason, ended.amount_owed_pence, ended.repayment_status) == (
        "The group has closed",
        100_000,
        RepaymentStatus.OWED,
    )
    assert ended.outstanding_pence == 100_000
    made = payments.instalments_for(agreement)
    assert [i.status for i in made] == [InstalmentStatus.PAID, InstalmentStatus.CANCELLED, InstalmentStatus.CANCELLED]
    assert {i.cancel_reason for i in made[1:]} == {"The agreement was terminated"}
    assert payments.paid_pence(agreement) == PAID
    [event] = events("agreement.terminated", agreement)
    assert event.after["instalments_cancelled"] == [2, 3]
    assert event.after["amount_owed_pence"] == 100_000
    messages = queued_emails(template="agreements/terminated")
    assert [message.recipient for message in messages] == [bid.organisation.contact_email, bid.submitted_by.email]
    assert messages[0].context["owed"] == "£1,000.00"
    assert messages[0].context["reason"] == "The group has closed"


def test_an_approved_instalment_not_yet_paid_is_cancelled_and_nothing_can_be_owed(bid, officer, finance):
    agreement = factories.accepted(bid, officer)
    first = payments.instalments_for(agreement)[0]
    payments.approve(first, actor=finance)
    with pytest.raises(DomainError, match="cannot be more than the £0.00 paid") as raised:
        end(agreement, officer, owed=1)
    assert raised.value.field == "amount_owed"

    ended = end(agreement, officer, owed=0)

    assert ended.repayment_status is RepaymentStatus.NONE_DUE
    assert first.status is InstalmentStatus.CANCELLED
    assert payments.committed_pence(agreement) == 0
    assert queued_emails(template="agreements/terminated")[0].context["owed"] == ""
    with pytest.raises(InvalidTransition, match="nothing to repay"):
        termination.record_repayment(ended, repaid_pence=0, note="", actor=finance)


def test_nothing_more_is_paid_on_a_terminated_agreement(agreement, officer, finance):
    end(agreement, officer)
    with pytest.raises(InvalidTransition, match="The agreement is terminated"):
        payments.release(payments.instalments_for(agreement)[1], actor=finance)


def test_a_variation_in_preparation_is_withdrawn_by_the_termination(agreement, officer):
    variation = services.propose_variation(agreement, reason="Longer project", actor=officer)
    end(agreement, officer)
    assert variation.status is VersionStatus.WITHDRAWN
    assert variation.withdrawn_reason == "The agreement was terminated"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"reason": "  "}, "reason", "Enter why the agreement is being terminated"),
        ({"terminated_on": london_today() + timedelta(days=1)}, "terminated_on", "cannot be in the future"),
        ({"amount_owed_pence": -1}, "amount_owed", "cannot be negative"),
        ({"amount_owed_pence": PAID + 1}, "amount_owed", "cannot be more than the £1,668.50 paid"),
    ],
    ids=["no-reason", "future", "negative", "more-than-paid"],
)
def test_a_termination_breaking_a_rule_is_refused_and_nothing_changes(agreement, officer, changes, field, message):
    with pytest.raises(DomainError, match=message) as raised:
        end(agreement, officer, **changes)
    assert raised.value.field == field
    assert agreement.status is AgreementStatus.ACCEPTED
    assert agreement.termination is None
    assert [i.status for i in payments.instalments_for(agreement)][1:] == [InstalmentStatus.HELD, InstalmentStatus.DUE]
    assert events("agreement.terminated", agreement) == []


def test_all_that_was_paid_can_be_owed(agreement, officer):
    assert end(agreement, officer, owed=PAID).outstanding_pence == PAID


def test_only_an_agreement_in_force_can_be_terminated(bid, agreement, officer, round_, make_user, people):
    end(agreement, officer)
    with pytest.raises(InvalidTransition, match="only one in force can be terminated"):
        end(agreement, officer)
    [other] = factories.approved(round_, officer, make_user, people)
    offered = factories.offered(other, officer)
    with pytest.raises(InvalidTransition, match="This agreement is offer sent: only one in force"):
        end(offered, officer, owed=0)


def test_repayments_move_the_debt_from_owed_to_part_repaid_to_repaid(agreement, officer, finance):
    ended = end(agreement, officer)

    termination.record_repayment(ended, repaid_pence=40_000, note=" First cheque ", actor=finance)
    assert (ended.repayment_status, ended.outstanding_pence, ended.repayment_note) == (
        RepaymentStatus.PART_REPAID,
        60_000,
        "First cheque",
    )
    termination.record_repayment(ended, repaid_pence=100_000, note="Second cheque", actor=finance)
    assert (ended.repayment_status, ended.outstanding_pence) == (RepaymentStatus.REPAID, 0)
    termination.record_repayment(ended, repaid_pence=0, note="The cheques bounced", actor=finance)
    assert (ended.repayment_status, ended.outstanding_pence) == (RepaymentStatus.OWED, 100_000)

    recorded = events("termination.repayment_recorded", ended)
    assert [(e.before["status"], e.after["status"], e.after["repaid_pence"]) for e in recorded] == [
        ("owed", "part_repaid", 40_000),
        ("part_repaid", "repaid", 100_000),
        ("repaid", "owed", 0),
    ]
    assert recorded[0].actor_id == finance.user_id


@pytest.mark.parametrize("repaid", [-1, 100_001])
def test_a_repayment_outside_what_is_owed_is_refused(agreement, officer, finance, repaid):
    ended = end(agreement, officer)
    with pytest.raises(DomainError, match="between £0 and the £1,000.00 owed") as raised:
        termination.record_repayment(ended, repaid_pence=repaid, note="", actor=finance)
    assert raised.value.field == "repaid"
    assert (ended.amount_repaid_pence, ended.repayment_status) == (0, RepaymentStatus.OWED)


def test_the_rest_of_a_debt_is_written_off_with_a_note_and_then_closed(agreement, officer, finance):
    ended = end(agreement, officer)
    termination.record_repayment(ended, repaid_pence=25_000, note="", actor=finance)
    with pytest.raises(DomainError, match="Enter why the rest is being written off"):
        termination.write_off(ended, note=" ", actor=finance)

    termination.write_off(ended, note="The group has no assets", actor=finance)

    assert (ended.repayment_status, ended.outstanding_pence, ended.repayment_note) == (
        RepaymentStatus.WRITTEN_OFF,
        0,
        "The group has no assets",
    )
    [event] = events("termination.written_off", ended)
    assert event.before == {"status": "part_repaid"}
    assert event.after["outstanding_pence"] == 75_000
    with pytest.raises(InvalidTransition, match="The repayment is written off"):
        termination.write_off(ended, note="Again", actor=finance)
    with pytest.raises(InvalidTransition, match="The repayment is written off"):
        termination.record_repayment(ended, repaid_pence=100_000, note="", actor=finance)


def test_a_repaid_debt_cannot_be_written_off(agreement, officer, finance):
    ended = end(agreement, officer)
    termination.record_repayment(ended, repaid_pence=100_000, note="", actor=finance)
    with pytest.raises(InvalidTransition, match="The repayment is repaid"):
        termination.write_off(ended, note="No need", actor=finance)
    assert ended.repayment_status is RepaymentStatus.REPAID
