"""From an approved bid to the first payment: an officer drafts the grant agreement, gets the payment schedule
wrong once (the instalments do not add up) and then right, and sends the offer; the group's member reads it on
their application, mistypes their name when signing, then accepts; finance approves the first instalment and
records it paid; the group sees the payment. Every page is checked with axe-core and photographed
(screenshots/ag*.png).

The data is made through the services, independent of the demo seed and of the other journeys (which share the
live database): its own round, group, panel and people, all named for this journey only. The standard terms are
published only if none are yet (terms are shared by every agreement, as in the real service)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from playwright.sync_api import Locator, Page, expect

from grantsfund.accounts.models import Role
from grantsfund.agreements import terms
from grantsfund.applications import services
from grantsfund.assessment.models import Recommendation
from grantsfund.common.actor import Actor
from grantsfund.common.dates import add_months, london_today
from grantsfund.notifications.models import OutboxMessage
from grantsfund.panel.decisions import DecisionAnswers
from grantsfund.panel.models import Outcome
from tests.applications import factories
from tests.e2e import builders
from tests.e2e.conftest import check_page
from tests.e2e.test_journeys import PASSWORD, sign_in, success_banner
from tests.organisations import factories as organisations

DOMAIN = "kestrel-grants.example.org"
ROUND = "Kestrel Ward Grants 2032"
OFFICER = f"keziah.mbeki@{DOMAIN}"
FINANCE = f"fergus.tanaka@{DOMAIN}"
MEMBER = f"rosalind.achterberg@{DOMAIN}"
MEMBER_NAME = "Rosalind Achterberg"
GROUP = "Kestrel Ward Repair Cafe"
TITLE = "Kestrel Ward Fix-It Evenings"
PAYMENT_REFERENCE = "KWG-2032-00417"
TERMS_BODY = (
    "1. Use the grant only for the project described in your application.\n\n"
    "2. Tell us straight away about any change to the project, its costs or its dates.\n\n"
    "3. Keep receipts and records of what you spend for six years."
)


def set_up_an_approved_bid() -> dict[str, Any]:
    """A bid for £8,000 over a year that the panel approved in full and published, from a group with one member;
    a grants officer and a finance officer; the standard terms if none are published yet.

    £8,000 is over the single-payment limit (£5,000), so the draft pays the grant in two instalments: half when
    the agreement is accepted, half when the first six-monthly return is accepted."""
    make = builders.make_people(DOMAIN)
    officer = Actor(make(full_name="Keziah Mbeki", email=OFFICER, roles={Role.GRANTS_OFFICER}))
    make(full_name="Fergus Tanaka", email=FINANCE, roles={Role.FINANCE_OFFICER})
    if terms.current() is None:
        terms.publish(title="Communities Fund standard terms", body=TERMS_BODY, actor=officer)
    round_ = builders.open_round(officer, ROUND)

    member = make(full_name=MEMBER_NAME, email=MEMBER)
    group = organisations.organisation(member, name=GROUP, contact_email=f"repair-cafe@{DOMAIN}")
    window = services.project_window(round_)
    year = add_months(window.earliest_start, 12) - timedelta(days=1)
    application = builders.eligible_bid(
        round_,
        group,
        member,
        officer,
        about=factories.about(round_, title=TITLE, end_date=year),
        budget=factories.budget(500_000, 300_000),
    )
    builders.score(
        application,
        officer,
        make,
        assessors="Kestrel",
        mark=4,
        recommendation=Recommendation.FUND,
        summary="A well-planned project that many neighbours will use.",
    )

    meeting, chair = builders.three_person_meeting(
        round_,
        officer,
        make,
        people="Kestrel",
        title="Kestrel Ward grants panel",
        starts_at=datetime(2032, 3, 9, 18, 0, tzinfo=UTC),
        location="Kestrel Room, Millbrook Library",
    )
    builders.decide_and_publish(
        meeting,
        application,
        chair,
        officer,
        decision=DecisionAnswers(
            Outcome.APPROVED, reasons="Strong and well costed.", feedback="Good luck with the evenings."
        ),
        minutes="One bid approved.",
    )
    return {"reference": application.reference, "round_id": round_.id, "terms_title": terms.current().title}


def fill_date(group: Locator, day: date) -> None:
    """A GOV.UK date input (its fieldset `group`) set to `day`."""
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_an_officer_issues_an_agreement_the_group_accepts_and_finance_pays_the_first_instalment(
    page: Page, new_page: Callable[[], Page], live_db: Callable[..., Any], newest_email: Callable[..., OutboxMessage]
) -> None:
    world = live_db(set_up_an_approved_bid)
    reference = world["reference"]
    today = london_today()

    # 1. The officer finds the approved bid waiting for an agreement and drafts it.
    sign_in(page, OFFICER, PASSWORD, screenshot_prefix="ag01")
    page.get_by_role("link", name="Agreements").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Grant agreements")
    page.get_by_label("Round").select_option(value=str(world["round_id"]))
    page.get_by_role("button", name="Filter").click()
    waiting = page.get_by_role("table", name="Approved bids with no agreement drafted").get_by_role("row")
    row = waiting.filter(has_text=reference)
    expect(row).to_contain_text(GROUP)
    expect(row).to_contain_text("£8,000.00")
    check_page(page, "ag02-agreements")
    row.get_by_role("button", name=f"Draft agreement for {reference}").click()

    # The draft: the panel's award, a year from the project's start, paid in two instalments.
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Agreement {reference}")
    main = page.locator("main")
    details = main.locator(".govuk-summary-list").first
    expect(details).to_contain_text("Draft")
    expect(details).to_contain_text("£8,000.00")
    expect(details).to_contain_text(world["terms_title"])
    schedule = main.locator(".govuk-summary-card").filter(has=page.get_by_role("heading", name="Payment schedule"))
    expect(schedule.locator(".govuk-summary-list__row")).to_have_count(2)
    expect(schedule).to_contain_text("£4,000.00")
    expect(schedule).to_contain_text("Paid when: agreement accepted")
    expect(schedule).to_contain_text("Paid when: monitoring return for period 1 accepted")
    expect(page.get_by_role("button", name="Send the offer")).to_be_visible()
    check_page(page, "ag03-agreement-draft")

    # More on acceptance and less later, but the officer forgets to take it off the second instalment.
    schedule.get_by_role("link", name="Change (Payment schedule)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Payment schedule")
    expect(page.locator(".app-running-total")).to_contain_text("The instalments add up to £8,000.00")
    check_page(page, "ag04-payment-schedule")
    first_due = page.get_by_role("group", name="Due date (instalment 1)")
    fill_date(first_due, today)  # pay the first part as soon as the group accepts
    page.get_by_label("Amount (instalment 1)").fill("5000")
    page.get_by_role("button", name="Save payment schedule").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    wrong = "The instalments add up to £9,000.00; they must add up to the grant of £8,000.00"
    expect(summary).to_contain_text(wrong)
    expect(page).to_have_title(re.compile(r"^Error: Payment schedule"))
    expect(page.get_by_label("Amount (instalment 1)")).to_have_value("5000")
    expect(first_due.get_by_label("Day")).to_have_value(str(today.day))
    expect(page.locator(".app-running-total")).to_contain_text("That is £1,000.00 too much")
    check_page(page, "ag05-payments-do-not-add-up")
    target = summary.get_by_role("link", name=wrong).get_attribute("href") or ""
    assert target.startswith("#")
    expect(page.get_by_role("group", name="Instalment 1", exact=True).locator(target)).to_have_count(1)

    page.get_by_label("Amount (instalment 2)").fill("3000")
    page.get_by_role("button", name="Save payment schedule").click()
    assert "Payment schedule saved" in success_banner(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Agreement {reference}")
    expect(schedule).to_contain_text("£5,000.00")
    expect(schedule).to_contain_text("£3,000.00")
    expect(main.locator(".app-problems")).to_have_count(0)
    check_page(page, "ag06-payments-saved")

    page.get_by_role("button", name="Send the offer").click()  # a link styled as a button
    expect(page.get_by_role("heading", level=1)).to_have_text("Send the offer")
    expect(page.locator("main")).to_contain_text("a grant of £8,000.00")
    check_page(page, "ag07-send-the-offer")
    page.get_by_role("button", name="Send the offer").click()
    assert "Offer sent to the group" in success_banner(page)
    expect(details).to_contain_text("Offer sent")
    expect(details).to_contain_text("Accept by")
    expect(page.get_by_role("button", name="Send the offer")).to_have_count(0)
    check_page(page, "ag08-offer-sent")
    assert newest_email(MEMBER, "agreements/offer").context

    # 2. The group's member reads the offer from their application and accepts it, at the second try.
    group = new_page()
    sign_in(group, MEMBER, PASSWORD, screenshot_prefix="ag09")
    group.get_by_role("link", name="Your applications").click()
    group.get_by_role("link", name=TITLE).click()
    expect(group.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(group.get_by_role("heading", level=2, name="Your grant offer")).to_be_visible()
    check_page(group, "ag10-application")
    group.get_by_role("link", name="Read and accept your grant agreement").click()
    expect(group.get_by_role("heading", level=1)).to_have_text(f"Grant agreement {reference}")
    offer = group.locator("main")
    expect(offer).to_contain_text("Nothing is paid until it is accepted")
    payments_table = offer.get_by_role("table", name="When the grant is paid")
    expect(payments_table.get_by_role("row").filter(has_text="£5,000.00")).to_contain_text("Agreement accepted")
    expect(offer.get_by_role("heading", name="7. Standard terms and conditions")).to_be_visible()
    expect(offer.locator(".app-terms p").first).not_to_be_empty()
    check_page(group, "ag11-offer")

    group.get_by_label("Your full name").fill("R. Achterberg")
    group.get_by_label("Your role in the group").fill("Treasurer")
    group.get_by_role("group", name="Confirmation").get_by_role("checkbox").check()
    group.get_by_role("button", name="Accept the agreement").click()
    summary = group.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(f"Type your full name as it is on your account: {MEMBER_NAME}")
    expect(group).to_have_title(re.compile(r"^Error: Grant agreement "))
    expect(group.get_by_label("Your role in the group")).to_have_value("Treasurer")
    expect(group.get_by_label("Your full name")).to_have_value("R. Achterberg")
    expect(group.get_by_role("group", name="Confirmation").get_by_role("checkbox")).to_be_checked()
    check_page(group, "ag12-accept-wrong-name")

    group.get_by_label("Your full name").fill(MEMBER_NAME)
    group.get_by_role("button", name="Accept the agreement").click()
    assert "You have accepted the agreement" in success_banner(group)
    panel = group.locator(".govuk-panel")
    expect(panel).to_contain_text("Agreement accepted")
    expect(panel).to_contain_text(f"Accepted by {MEMBER_NAME}, Treasurer,")
    expect(panel).not_to_contain_text("<br>")  # the line break is markup, not text
    expect(group.get_by_role("button", name="Accept the agreement")).to_have_count(0)
    check_page(group, "ag13-accepted")

    # 3. Finance finds the first instalment due on the dashboard, approves it and records the payment.
    finance = new_page()
    sign_in(finance, FINANCE, PASSWORD, screenshot_prefix="ag14")
    finance.get_by_role("link", name="Payments").click()
    expect(finance.get_by_role("heading", level=1)).to_have_text("Payments")
    due = finance.locator("#due").get_by_role("row").filter(has_text=reference)
    expect(due).to_have_count(1)  # only the first: the second is due after the first return, months from now
    expect(due).to_contain_text("£5,000.00")
    expect(due).to_contain_text("Met")
    check_page(finance, "ag15-dashboard")
    due.get_by_role("button", name=f"Approve instalment 1 of {reference}").click()
    assert f"Instalment 1 of {reference} approved for payment" in success_banner(finance)
    expect(finance.locator("#due").get_by_role("row").filter(has_text=reference)).to_have_count(0)
    approved = finance.locator("#approved").get_by_role("row").filter(has_text=reference)
    expect(approved).to_contain_text("£5,000.00")
    check_page(finance, "ag16-approved")

    approved.get_by_role("link", name=f"Record payment instalment 1 of {reference}").click()
    expect(finance.get_by_role("heading", level=1)).to_have_text("Record payment of instalment 1")
    paid_on = finance.get_by_role("group", name="Date paid")
    expect(paid_on.get_by_label("Day")).to_have_value(str(today.day))  # today, unless changed
    check_page(finance, "ag17-record-payment")
    finance.get_by_label("Payment reference").fill(PAYMENT_REFERENCE)
    finance.get_by_role("button", name="Record payment").click()
    assert f"Payment of instalment 1 of {reference} recorded" in success_banner(finance)
    expect(finance.get_by_role("heading", level=1)).to_have_text("Payments")
    paid = finance.locator("#paid").get_by_role("row").filter(has_text=reference)
    expect(paid).to_contain_text(PAYMENT_REFERENCE)
    expect(paid).to_contain_text("£5,000.00")
    check_page(finance, "ag18-dashboard-paid")

    paid.get_by_role("link", name=f"{reference} payments").click()
    expect(finance.get_by_role("heading", level=1)).to_have_text(f"Payments for {reference}")
    instalments = finance.get_by_role("table", name="Instalments").get_by_role("row")
    expect(instalments.filter(has_text="£5,000.00")).to_contain_text(f"Paid on {today.day}")
    expect(instalments.filter(has_text="£5,000.00")).to_contain_text(PAYMENT_REFERENCE)
    expect(instalments.filter(has_text="£3,000.00")).to_contain_text("Scheduled")
    figures = finance.locator("main .govuk-summary-list")
    expect(figures.locator(".govuk-summary-list__row").filter(has_text="Still to pay")).to_contain_text("£3,000.00")
    check_page(finance, "ag19-agreement-payments")

    # 4. The group is emailed a remittance, and sees the payment from their application, with nothing to press.
    remittance = newest_email(MEMBER, "payments/paid")
    assert remittance.context["payment_reference"] == PAYMENT_REFERENCE
    assert remittance.context["amount"] == "£5,000.00"
    group.get_by_role("link", name="Back to your application").click()
    expect(group.get_by_role("heading", level=1)).to_have_text(TITLE)
    check_page(group, "ag20-application-accepted")
    group.get_by_role("link", name="See your grant’s payments").click()
    expect(group.get_by_role("heading", level=1)).to_have_text(f"Payments for {reference}")
    rows = group.get_by_role("table", name="Instalments").get_by_role("row")
    expect(rows.filter(has_text="£5,000.00")).to_contain_text("Paid")
    expect(rows.filter(has_text="£5,000.00")).to_contain_text(PAYMENT_REFERENCE)
    expect(rows.filter(has_text="£3,000.00")).to_contain_text("Scheduled")
    expect(group.locator("main").get_by_role("button")).to_have_count(0)
    expect(group.locator("main").get_by_role("link", name=re.compile("Approve|Record|Hold|Cancel"))).to_have_count(0)
    check_page(group, "ag21-group-payments")
    expect(group.get_by_role("link", name="Back to your application")).to_be_visible()
