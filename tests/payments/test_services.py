"""Finance's work on instalments: approve what is released, record it paid, hold, release and cancel; never more
approved and paid than the grant, and the group told when money is paid or held."""

from datetime import timedelta

import pytest

from grantsfund.agreements import termination
from grantsfund.common.dates import format_date, london_today
from grantsfund.common.errors import DomainError, InvalidTransition
from grantsfund.extensions import db
from grantsfund.payments import services as payments
from grantsfund.payments.models import Instalment, InstalmentStatus, ReleaseCondition
from grantsfund.payments.services import OverAward
from tests.agreements import factories
from tests.agreements.conftest import officer, people, round_  # noqa: F401
from tests.agreements.factories import events
from tests.conftest import queued_emails

AWARD = 500_050
FIRST = 166_850  # the default plan: £1,668.50 on acceptance, then £1,666.00 after each of two returns


@pytest.fixture
def finance(make_user):
    return factories.finance_actor(make_user)


@pytest.fixture
def bid(round_, officer, make_user, people):  # noqa: F811
    [made] = factories.approved(round_, officer, make_user, people)
    return made


@pytest.fixture
def agreement(bid, officer):  # noqa: F811
    return factories.accepted(bid, officer)


@pytest.fixture
def first(agreement):
    return payments.instalments_for(agreement)[0]


@pytest.fixture
def second(agreement):
    """Released by the return for period 1, not yet accepted."""
    return payments.instalments_for(agreement)[1]


def extra(agreement, amount_pence: int, number: int = 4) -> Instalment:
    """An instalment the plan never had, released by the acceptance: a schedule gone wrong."""
    instalment = Instalment(
        agreement=agreement,
        number=number,
        due_on=agreement.starts_on,
        amount_pence=amount_pence,
        condition=ReleaseCondition.AGREEMENT_ACCEPTED,
        status=InstalmentStatus.DUE,
    )
    db.session.add(instalment)
    db.session.flush()
    return instalment


# Approving ----------------------------------------------------------------------------------------------------


def test_finance_approves_an_instalment_whose_condition_is_met(agreement, first, finance):
    assert first.condition_met
    assert first.condition_text == "Agreement accepted"

    payments.approve(first, actor=finance)

    assert first.status is InstalmentStatus.APPROVED
    assert first.approved_by_id == finance.user_id
    assert first.approved_at is not None
    assert payments.committed_pence(agreement) == FIRST
    assert payments.paid_pence(agreement) == 0
    [event] = events("payment.approved", first)
    assert (event.before, event.after) == ({"status": "due"}, {"status": "approved", "amount_pence": FIRST})
    assert event.ip_address == "198.51.100.4"
    assert queued_emails(template="payments/paid") == []


def test_an_instalment_waiting_on_a_return_is_not_approved(second, finance):
    assert second.condition_text == "Return for period 1 accepted"
    with pytest.raises(DomainError, match="Instalment 2 is released only when: return for period 1 accepted"):
        payments.approve(second, actor=finance)
    assert second.status is InstalmentStatus.DUE
    assert events("payment.approved", second) == []


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda i, f: payments.approve(i, actor=f), "Instalment 1 is approved and cannot be approved"),
        (lambda i, f: payments.hold(i, reason="Query", actor=f), "Instalment 1 is held and cannot be approved"),
        (lambda i, f: payments.cancel(i, reason="Error", actor=f), "Instalment 1 is cancelled and cannot be approved"),
    ],
    ids=["approved", "held", "cancelled"],
)
def test_only_a_due_instalment_is_approved(first, finance, make, message):
    make(first, finance)
    with pytest.raises(InvalidTransition, match=message):
        payments.approve(first, actor=finance)


def test_nothing_is_approved_on_an_agreement_no_longer_in_force(agreement, first, officer, finance):  # noqa: F811
    termination.terminate(agreement, reason="Closed", terminated_on=london_today(), amount_owed_pence=0, actor=officer)
    with pytest.raises(InvalidTransition, match="The agreement is terminated: nothing can be approved"):
        payments.approve(first, actor=finance)


def test_an_approval_taking_the_payments_over_the_grant_is_refused(agreement, first, finance):
    payments.approve(first, actor=finance)
    too_much = extra(agreement, AWARD - FIRST + 1)

    with pytest.raises(OverAward) as raised:
        payments.approve(too_much, actor=finance)

    assert str(raised.value) == (
        "Approving £3,332.01 would take approved and paid to £5,000.51, over the grant of £5,000.50"
    )
    assert too_much.status is InstalmentStatus.DUE
    assert payments.committed_pence(agreement) == FIRST


def test_approvals_may_take_the_payments_up_to_the_grant_exactly(agreement, first, finance):
    payments.approve(first, actor=finance)
    rest = extra(agreement, AWARD - FIRST)
    payments.approve(rest, actor=finance)
    assert payments.committed_pence(agreement) == AWARD
    with pytest.raises(OverAward, match="over the grant of £5,000.50"):
        payments.approve(extra(agreement, 1, number=5), actor=finance)


def test_paid_instalments_count_against_the_grant_and_held_or_cancelled_ones_do_not(agreement, first, finance):
    whole = extra(agreement, AWARD)
    payments.approve(whole, actor=finance)
    with pytest.raises(OverAward):
        payments.approve(first, actor=finance)
    payments.record_paid(whole, paid_on=london_today(), reference="BACS-9", actor=finance)
    with pytest.raises(OverAward):
        payments.approve(first, actor=finance)

    other = extra(agreement, AWARD, number=5)
    payments.hold(other, reason="Check", actor=finance)
    payments.cancel(extra(agreement, AWARD, number=6), reason="Error", actor=finance)
    assert payments.committed_pence(agreement) == payments.paid_pence(agreement) == AWARD


# Recording the payment ----------------------------------------------------------------------------------------


def test_recording_a_payment_marks_it_paid_and_tells_the_group(bid, agreement, first, finance):
    payments.approve(first, actor=finance)
    yesterday = london_today() - timedelta(days=1)

    payments.record_paid(first, paid_on=yesterday, reference="  BACS-0001 ", actor=finance)

    assert (first.status, first.paid_on, first.payment_reference) == (InstalmentStatus.PAID, yesterday, "BACS-0001")
    assert first.paid_recorded_by_id == finance.user_id
    assert payments.paid_pence(agreement) == payments.committed_pence(agreement) == FIRST
    [event] = events("payment.paid", first)
    assert event.after == {"status": "paid", "paid_on": yesterday.isoformat(), "payment_reference": "BACS-0001"}
    messages = queued_emails(template="payments/paid")
    assert [message.recipient for message in messages] == [bid.organisation.contact_email, bid.submitted_by.email]
    context = messages[0].context
    assert (context["amount"], context["paid_on"], context["payment_reference"], context["number"]) == (
        "£1,668.50",
        format_date(yesterday),
        "BACS-0001",
        1,
    )
    assert context["reference"] == bid.reference


@pytest.mark.parametrize(
    ("paid_on", "reference", "field", "message"),
    [
        (1, "BACS-1", "paid_on", "The date paid cannot be in the future"),
        (0, "   ", "reference", "Enter the payment reference from the finance system"),
        (0, "x" * 101, "reference", "The payment reference must be 100 characters or fewer"),
    ],
    ids=["future", "no-reference", "long-reference"],
)
def test_a_payment_record_missing_something_is_refused(first, finance, paid_on, reference, field, message):
    payments.approve(first, actor=finance)
    with pytest.raises(DomainError, match=message) as raised:
        payments.record_paid(
            first, paid_on=london_today() + timedelta(days=paid_on), reference=reference, actor=finance
        )
    assert raised.value.field == field
    assert first.status is InstalmentStatus.APPROVED
    assert queued_emails(template="payments/paid") == []


def test_only_an_approved_instalment_is_recorded_as_paid(first, finance):
    with pytest.raises(InvalidTransition, match="Instalment 1 is scheduled and cannot be recorded as paid"):
        payments.record_paid(first, paid_on=london_today(), reference="BACS-1", actor=finance)
    payments.approve(first, actor=finance)
    payments.record_paid(first, paid_on=london_today(), reference="BACS-1", actor=finance)
    with pytest.raises(InvalidTransition, match="Instalment 1 is paid and cannot be recorded as paid"):
        payments.record_paid(first, paid_on=london_today(), reference="BACS-2", actor=finance)
    assert first.payment_reference == "BACS-1"


# Holding, releasing, cancelling -------------------------------------------------------------------------------


def test_holding_a_due_instalment_records_why_and_tells_the_group(bid, first, finance):
    payments.hold(first, reason="  Bank details do not match ", actor=finance)

    assert (first.status, first.hold_reason, first.held_automatically) == (
        InstalmentStatus.HELD,
        "Bank details do not match",
        False,
    )
    [event] = events("payment.held", first)
    assert (event.before, event.after) == ({"status": "due"}, {"status": "held", "reason": "Bank details do not match"})
    messages = queued_emails(template="payments/held")
    assert [message.recipient for message in messages] == [bid.organisation.contact_email, bid.submitted_by.email]
    assert messages[0].context["reason"] == "Bank details do not match"
    assert messages[0].context["amount"] == "£1,668.50"


def test_holding_an_approved_instalment_takes_back_the_approval(agreement, first, finance):
    payments.approve(first, actor=finance)
    payments.hold(first, reason="Query on the accounts", actor=finance)
    assert first.status is InstalmentStatus.HELD
    assert (first.approved_at, first.approved_by_id) == (None, None)
    assert payments.committed_pence(agreement) == 0
    assert events("payment.held", first)[0].before == {"status": "approved"}


def test_a_hold_needs_a_reason_and_a_paid_instalment_cannot_be_held(first, finance):
    with pytest.raises(DomainError, match="Enter why the payment is being held") as raised:
        payments.hold(first, reason=" ", actor=finance)
    assert raised.value.field == "reason"
    with pytest.raises(DomainError, match="2,000 characters or fewer"):
        payments.hold(first, reason="x" * 2001, actor=finance)
    assert first.status is InstalmentStatus.DUE
    payments.approve(first, actor=finance)
    payments.record_paid(first, paid_on=london_today(), reference="BACS-1", actor=finance)
    with pytest.raises(InvalidTransition, match="Instalment 1 is paid and cannot be held"):
        payments.hold(first, reason="Too late", actor=finance)
    assert queued_emails(template="payments/held") == []


def test_releasing_a_hold_puts_the_instalment_back_to_due_to_be_approved(agreement, first, finance):
    payments.hold(first, reason="Query", actor=finance)

    payments.release(first, actor=finance)

    assert (first.status, first.hold_reason, first.held_at) == (InstalmentStatus.DUE, None, None)
    [event] = events("payment.released", first)
    assert (event.before, event.after) == ({"status": "held"}, {"status": "due"})
    payments.approve(first, actor=finance)
    assert payments.committed_pence(agreement) == FIRST
    with pytest.raises(InvalidTransition, match="Instalment 1 is approved and cannot be released"):
        payments.release(first, actor=finance)


def test_a_hold_on_an_instalment_still_waiting_for_its_return_cannot_be_released(second, finance):
    payments.hold(second, reason="Query", actor=finance)
    with pytest.raises(DomainError, match="Instalment 2 waits until: return for period 1 accepted"):
        payments.release(second, actor=finance)
    assert second.status is InstalmentStatus.HELD
    assert events("payment.released", second) == []


@pytest.mark.parametrize("before", ["due", "held", "approved"])
def test_an_unpaid_instalment_is_cancelled_with_a_reason(agreement, first, finance, before):
    if before == "held":
        payments.hold(first, reason="Query", actor=finance)
    if before == "approved":
        payments.approve(first, actor=finance)
    with pytest.raises(DomainError, match="Enter why the payment is being cancelled"):
        payments.cancel(first, reason="", actor=finance)

    payments.cancel(first, reason=" Paid by another fund ", actor=finance)

    assert (first.status, first.cancel_reason) == (InstalmentStatus.CANCELLED, "Paid by another fund")
    assert payments.committed_pence(agreement) == 0
    [event] = events("payment.cancelled", first)
    assert (event.before, event.after) == (
        {"status": before},
        {"status": "cancelled", "reason": "Paid by another fund"},
    )
    with pytest.raises(InvalidTransition, match="Instalment 1 is cancelled and cannot be cancelled"):
        payments.cancel(first, reason="Again", actor=finance)


def test_a_paid_instalment_cannot_be_cancelled(first, finance):
    payments.approve(first, actor=finance)
    payments.record_paid(first, paid_on=london_today(), reference="BACS-1", actor=finance)
    with pytest.raises(InvalidTransition, match="Instalment 1 is paid and cannot be cancelled"):
        payments.cancel(first, reason="Mistake", actor=finance)
    assert first.status is InstalmentStatus.PAID


def test_instalments_are_found_in_order(agreement, first):
    assert [i.number for i in payments.instalments_for(agreement)] == [1, 2, 3]
    assert payments.get_instalment(first.id) is first
    assert payments.get_instalment(first.id + 1000) is None
