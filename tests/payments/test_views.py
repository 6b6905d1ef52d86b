"""Payments over HTTP, CSRF on: finance approves, records, holds, releases and cancels instalments on an
agreement's page; officers read it; the group reads its own; the daily command holds what waits for a return;
finance tracks what a terminated agreement's group pays back; and the emails the group gets."""

from datetime import timedelta

import pytest

from grantsfund.agreements import termination as terminations
from grantsfund.agreements.models import RepaymentStatus
from grantsfund.common.dates import format_date, london_today
from grantsfund.extensions import db
from grantsfund.notifications.rendering import render_email
from grantsfund.payments import holds
from grantsfund.payments import services as payments
from grantsfund.payments.models import InstalmentStatus
from tests.agreements import factories
from tests.conftest import error_messages, page, queued_emails
from tests.fuzzing import assert_no_server_error
from tests.panel.factories import join_group
from tests.payments.conftest import grants, instalments, paid


def payments_url(agreement) -> str:
    return f"/payments/agreements/{agreement.id}"


def action_url(instalment, action: str) -> str:
    return f"/payments/instalments/{instalment.id}/{action}"


def flash(response) -> str:
    banner = page(response).select_one(".govuk-notification-banner__content")
    return banner.get_text(" ", strip=True) if banner else ""


def rows(response, table: str = "#instalments") -> list[list[str]]:
    return [
        [cell.get_text(" ", strip=True) for cell in row.select("th, td")]
        for row in page(response).select(f"{table} tbody tr")
    ]


def summary(response) -> dict[str, str]:
    return {
        row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(" ", strip=True)
        for row in page(response).select("main .govuk-summary-list__row")
    }


def date_boxes(response, name: str) -> list[str]:
    return [str(box.get("value", "")) for box in page(response).select(f"input[name={name}]")]


def boxes(day) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def changes(response) -> list[str]:
    """The buttons and links that change an instalment, as a screen reader announces them."""
    main = page(response).select_one("main")
    return [
        element.get_text(" ", strip=True)
        for element in main.select("form[action*='/payments/instalments/'] button, a[href*='/payments/instalments/']")
    ]


# Approving -----------------------------------------------------------------------------------------------------


def test_finance_approves_an_instalment_once_the_agreement_is_accepted(finance_client, grant):
    first = instalments(grant)[0]
    reference = grant.reference
    shown = finance_client.get(payments_url(grant))
    assert f"Approve instalment 1 of {reference}" in changes(shown)
    assert f"Approve instalment 2 of {reference}" not in changes(shown)  # waits for the return for period 1

    response = finance_client.submit(action_url(first, "approve"), {"next": payments_url(grant)})

    assert response.headers["Location"] == payments_url(grant)
    after = finance_client.get(response.headers["Location"])
    assert flash(after) == f"Instalment 1 of {reference} approved for payment."
    assert first.status is InstalmentStatus.APPROVED
    assert rows(after)[0][3].startswith(f"Approved Approved on {format_date(london_today())}")
    assert summary(after)["Approved and paid"] == "£1,668.50"
    assert f"Record payment instalment 1 of {reference}" in changes(after)


def test_an_instalment_waiting_for_its_return_is_not_approved(finance_client, grant):
    second = instalments(grant)[1]
    response = finance_client.submit(action_url(second, "approve"), follow_redirects=True)
    assert flash(response) == "Instalment 2 is released only when: return for period 1 accepted"
    assert second.status is InstalmentStatus.DUE


def test_an_approval_that_would_go_over_the_award_is_refused(finance_client, grant, finance):
    first, second, _third = instalments(grant)
    paid(first, finance)
    holds.return_accepted(second.period, actor=finance)
    grant.amount_pence = 200_000  # reduced since the schedule was set
    db.session.flush()

    response = finance_client.submit(action_url(second, "approve"), follow_redirects=True)

    assert flash(response) == (
        "Approving £1,666.00 would take approved and paid to £3,334.50, over the grant of £2,000.00"
    )
    assert second.status is InstalmentStatus.DUE


# Recording a payment -----------------------------------------------------------------------------------------


@pytest.fixture
def approved(grant, finance):
    first = instalments(grant)[0]
    payments.approve(first, actor=finance)
    db.session.flush()
    return first


def test_the_payment_form_starts_from_today_and_keeps_what_was_typed_when_the_reference_is_missing(
    finance_client, approved
):
    url = action_url(approved, "record")
    today = london_today()
    assert date_boxes(finance_client.get(url), "paid_on") == today.strftime("%d %m %Y").split()

    response = finance_client.submit(url, {"paid_on": ["2", "11", "2026"], "reference": "  "})

    assert response.status_code == 200
    assert error_messages(response) == ["Enter the payment reference from the finance system"]
    assert page(response).title.get_text().startswith("Error: ")
    assert date_boxes(response, "paid_on") == ["2", "11", "2026"]
    assert approved.status is InstalmentStatus.APPROVED


def test_a_payment_date_in_the_future_is_refused(finance_client, approved):
    tomorrow = london_today() + timedelta(days=1)
    response = finance_client.submit(action_url(approved, "record"), {"paid_on": boxes(tomorrow), "reference": "B-77"})
    assert error_messages(response) == ["The date paid cannot be in the future"]
    assert page(response).select_one("input[name=reference]")["value"] == "B-77"
    assert approved.status is InstalmentStatus.APPROVED


def test_recording_a_payment_sends_the_group_a_remittance(finance_client, grant, approved):
    paid_on = london_today() - timedelta(days=1)
    response = finance_client.submit(
        action_url(approved, "record") + "?next=/payments",
        {"paid_on": boxes(paid_on), "reference": "BACS-2026-0042", "next": "/payments"},
    )

    assert response.headers["Location"] == "/payments"
    assert approved.status is InstalmentStatus.PAID
    assert (approved.paid_on, approved.payment_reference) == (paid_on, "BACS-2026-0042")
    [email] = queued_emails(to=grant.organisation.contact_email, template="payments/paid")
    rendered = render_email("payments/paid", email.context)
    assert rendered.subject == f"Payment made: £1,668.50 for {grant.reference}"
    for line in ("Amount: £1,668.50", f"Date paid: {format_date(paid_on)}", "Payment reference: BACS-2026-0042"):
        assert line in rendered.text
    assert f"/payments/agreements/{grant.id}" in rendered.text
    shown = finance_client.get(payments_url(grant))
    assert f"Paid on {format_date(paid_on)}, reference BACS-2026-0042" in rows(shown)[0][3]
    assert summary(shown)["Paid"] == "£1,668.50"


def test_the_payment_form_is_not_offered_before_approval(finance_client, grant):
    first = instalments(grant)[0]
    response = finance_client.get(action_url(first, "record"), follow_redirects=True)
    assert flash(response) == "Instalment 1 is scheduled: it cannot be recorded as paid"
    assert page(response).h1.get_text(strip=True) == f"Payments for {grant.reference}"


def test_an_unsafe_next_address_is_ignored(finance_client, grant):
    first = instalments(grant)[0]
    response = finance_client.submit(action_url(first, "approve"), {"next": "https://example.com/phish"})
    assert response.headers["Location"] == payments_url(grant)


# Holding, releasing and cancelling ------------------------------------------------------------------------------


def test_a_hold_needs_a_reason_tells_the_group_and_is_released_by_finance(finance_client, grant):
    first = instalments(grant)[0]
    url = action_url(first, "hold")

    refused = finance_client.submit(url, {"reason": ""})
    assert error_messages(refused) == ["Enter why the payment is being held"]
    assert page(refused).h1.get_text(strip=True) == "Hold instalment 1"
    assert page(refused).title.get_text(strip=True).startswith("Error: Hold instalment 1")

    response = finance_client.submit(url, {"reason": "Bank details being checked", "next": payments_url(grant)})
    assert response.headers["Location"] == payments_url(grant)
    assert (first.status, first.hold_reason, first.held_automatically) == (
        InstalmentStatus.HELD,
        "Bank details being checked",
        False,
    )
    [email] = queued_emails(to=grant.organisation.contact_email, template="payments/held")
    rendered = render_email("payments/held", email.context)
    assert rendered.subject == f"A payment of your grant is on hold: {grant.reference}"
    assert "Why: Bank details being checked" in rendered.text
    shown = finance_client.get(payments_url(grant))
    assert rows(shown)[0][3] == "Held Bank details being checked"
    assert f"Release instalment 1 of {grant.reference}" in changes(shown)

    released = finance_client.submit(action_url(first, "release"), follow_redirects=True)
    assert flash(released) == f"Instalment 1 of {grant.reference} released: it can be approved for payment."
    assert first.status is InstalmentStatus.DUE


def test_cancelling_needs_a_reason_and_leaves_less_to_pay(finance_client, grant):
    third = instalments(grant)[2]
    url = action_url(third, "cancel")
    refused = finance_client.submit(url, {"reason": ""})
    assert error_messages(refused) == ["Enter why the payment is being cancelled"]
    assert page(refused).h1.get_text(strip=True) == "Cancel instalment 3"

    finance_client.submit(url, {"reason": "The project cost less than planned"})

    assert third.status is InstalmentStatus.CANCELLED
    shown = finance_client.get(payments_url(grant))
    assert rows(shown)[2][3] == "Cancelled The project cost less than planned"
    assert summary(shown)["Still to pay"] == "£3,334.50"
    assert not [text for text in changes(shown) if text.endswith(f"instalment 3 of {grant.reference}")]
    moved_on = finance_client.get(url, follow_redirects=True)
    assert flash(moved_on) == "Instalment 3 is cancelled: it cannot be cancelled"


# Who sees what -------------------------------------------------------------------------------------------------


def test_officers_read_payments_but_cannot_change_them(officer_client, grant):
    first = instalments(grant)[0]
    shown = officer_client.get(payments_url(grant))
    assert shown.status_code == 200
    assert len(rows(shown)) == 3
    assert changes(shown) == []
    for action in ("approve", "release"):
        assert officer_client.submit(action_url(first, action)).status_code == 403
    for action in ("record", "hold", "cancel"):
        assert officer_client.get(action_url(first, action)).status_code == 403
        assert officer_client.submit(action_url(first, action), {"reason": "No"}).status_code == 403
    assert first.status is InstalmentStatus.DUE


def test_a_group_member_sees_their_own_groups_payments_only(
    applicant_client, grant, round_, officer, make_user, people
):
    shown = applicant_client.get(payments_url(grant))
    assert shown.status_code == 200
    assert [row[:2] for row in rows(shown)] == [[str(i.number), format_date(i.due_on)] for i in instalments(grant)]
    assert changes(shown) == []
    # In plain words: no "approved and paid" or "released when", which are finance's terms.
    assert summary(shown)["Paid or about to be paid"] == "£0.00"
    assert "Approved and paid" not in summary(shown)
    headers = [cell.get_text(strip=True) for cell in page(shown).select("#instalments thead th")]
    assert headers[:4] == ["Instalment", "Due", "Paid when", "Status"]
    assert rows(shown)[0][3] == "Scheduled"

    [theirs] = grants(round_, officer, make_user, people)
    assert applicant_client.get(payments_url(theirs)).status_code == 404
    # An offer not yet accepted has no payments, even for the group it was offered to.
    [bid] = factories.approved(round_, officer, make_user, people)
    join_group(bid, applicant_client.user)
    offered = factories.offered(bid, officer)
    assert applicant_client.get(payments_url(offered)).status_code == 404


def test_assessors_and_the_panel_cannot_see_payments(client_for, grant):
    for role in ("assessor_client", "panel_member_client", "panel_chair_client"):
        assert client_for(role).get(payments_url(grant)).status_code == 403


# The daily hold ------------------------------------------------------------------------------------------------


def test_the_hold_command_holds_an_instalment_whose_return_is_overdue(app, grant):
    second = instalments(grant)[1]
    today = london_today()
    second.due_on = today - timedelta(days=1)
    second.period.due_on = today - timedelta(days=5)
    db.session.flush()

    result = app.test_cli_runner().invoke(args=["payments", "hold"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Payments held: 1 instalment waiting for a return."
    db.session.refresh(second)
    assert (second.status, second.held_automatically) == (InstalmentStatus.HELD, True)
    assert second.hold_reason == (
        f"Waiting for the return for period 1 (overdue since {format_date(today - timedelta(days=5))}) to be accepted"
    )
    [email] = queued_emails(template="payments/held", to=grant.organisation.contact_email)
    text = render_email("payments/held", email.context).text
    assert "If you have not sent the return yet, send it (or finish it, if you have started it)." in text
    assert "it is released once the council accepts that return" in text
    support = app.config["SUPPORT_EMAIL"]
    assert f"or anything here is wrong, contact the grants team at {support}." in text
    assert f"/monitoring/agreements/{grant.id}" in text  # where the group sends its returns
    again = app.test_cli_runner().invoke(args=["payments", "hold"])
    assert again.output.strip() == "Payments held: 0 instalments waiting for a return."


# Repayments ----------------------------------------------------------------------------------------------------


@pytest.fixture
def ended(grant, finance, officer):
    """The grant terminated after its first instalment was paid, with £500 of it to be paid back."""
    paid(instalments(grant)[0], finance)
    ended = terminations.terminate(
        grant, reason="The project stopped", terminated_on=london_today(), amount_owed_pence=50_000, actor=officer
    )
    db.session.flush()
    return ended


def test_the_repayments_list_shows_what_is_owed(finance_client, ended, grant):
    response = finance_client.get("/payments/repayments")
    assert rows(response, "main table") == [
        [f"{grant.reference} repayment {grant.organisation.name}", format_date(london_today()), "£500.00", "£0.00",
         "£500.00", "Owed"]
    ]  # fmt: skip
    assert page(response).select_one("#outstanding").get_text(" ", strip=True) == (
        "Outstanding: £500.00 of £500.00 owed (£0.00 repaid)."
    )


def test_finance_records_repayments_and_writes_off_the_rest(finance_client, ended):
    url = f"/payments/repayments/{ended.id}"
    too_much = finance_client.submit(url, {"repaid": "600", "note": "Cheque"})
    assert error_messages(too_much) == ["The amount repaid must be between £0 and the £500.00 owed"]
    assert page(too_much).select_one("input[name=repaid]")["value"] == "600"

    finance_client.submit(url, {"repaid": "200", "note": "First cheque, 3 March"})
    assert (ended.repayment_status, ended.amount_repaid_pence) == (RepaymentStatus.PART_REPAID, 20_000)

    no_reason = finance_client.submit(url, {"reason": "", "write_off": "Write off the rest"})
    assert error_messages(no_reason) == ["Enter why the rest is being written off"]
    assert page(no_reason).select_one("input[name=repaid]")["value"] == "200.00"  # the other form as it was

    response = finance_client.submit(url, {"reason": "The group has closed", "write_off": "Write off the rest"})
    shown = finance_client.get(response.headers["Location"])
    assert flash(shown) == "The rest of the repayment has been written off."
    assert ended.repayment_status is RepaymentStatus.WRITTEN_OFF
    assert summary(shown)["Outstanding"] == "£0.00"
    assert page(shown).select("main form") == []


def test_an_agreements_payments_page_says_it_was_terminated(finance_client, ended, grant):
    shown = finance_client.get(payments_url(grant))
    inset = page(shown).select_one(".govuk-inset-text").get_text(" ", strip=True)
    assert inset.startswith(f"This agreement was terminated on {format_date(london_today())}.")
    assert "£500.00 is to be paid back: owed." in inset
    assert [row[3] for row in rows(shown)[1:]] == ["Cancelled The agreement was terminated"] * 2
    assert changes(shown) == []


# Emails --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["paid", "held"])
def test_payment_emails_render_with_a_link_to_the_payments(app, name):
    context = {
        "agreement_id": 7,
        "reference": "CF-2026-0001",
        "title": "Tuesday Welcome Café",
        "group": "Riverside Kitchen",
        "number": 2,
        "amount": "£1,000.00",
        "paid_on": "1 December 2026",
        "payment_reference": "BACS-1",
        "reason": "Waiting for the return",
    }
    rendered = render_email(f"payments/{name}", context)
    assert "\n" not in rendered.subject
    assert "CF-2026-0001" in rendered.subject
    assert f"{app.config['BASE_URL']}/payments/agreements/7" in rendered.text
    assert f'href="{app.config["BASE_URL"]}/payments/agreements/7"' in rendered.html


# Bad input -----------------------------------------------------------------------------------------------------


def test_no_payment_form_input_causes_a_server_error(finance_client, approved):
    assert_no_server_error(finance_client, action_url(approved, "record"), ["paid_on", "reference", "next"])
    assert_no_server_error(finance_client, action_url(approved, "hold"), ["reason", "next"])


def test_no_repayment_form_input_causes_a_server_error(finance_client, ended):
    fields = ["repaid", "note", "reason", "write_off"]
    assert_no_server_error(finance_client, f"/payments/repayments/{ended.id}", fields)
