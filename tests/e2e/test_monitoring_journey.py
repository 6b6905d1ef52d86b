"""A monitoring return from start to the payment it releases: the group's first return is late, so the payment
waiting on it is held; the group starts the return from its application, fills in each section (putting right
what the page points out), adds a photo and sends it; the grants officer asks for a change to the spending; the
group sees the comment, changes it and sends version 2; the officer accepts it, the held payment is released and
finance can approve it, and sees on the outcomes portfolio what the return adds up to. Every page is checked with
axe-core and photographed (screenshots/mr*.png).

The data is made through the services, with its own round, group and people, named for this journey only; the
grant is then moved back in time so that its first return was due two days ago."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from grantsfund.accounts.models import Role
from grantsfund.common.actor import Actor
from grantsfund.notifications.models import OutboxMessage
from grantsfund.payments import holds
from grantsfund.payments import services as payments
from tests.e2e import builders
from tests.e2e.conftest import check_page
from tests.e2e.test_journeys import PASSWORD, sign_in, success_banner
from tests.monitoring.factories import PNG, running
from tests.organisations import factories as organisations

DOMAIN = "heron-grants.example.org"
ROUND = "Heron Ward Grants 2033"
OFFICER = f"hamid.oyelaran@{DOMAIN}"
FINANCE = f"freya.lindqvist@{DOMAIN}"
MEMBER = f"maryam.costa@{DOMAIN}"
MEMBER_NAME = "Maryam Costa"
GROUP = "Heron Ward Allotment Circle"
TITLE = "Heron Ward Shared Allotment"


def set_up_a_grant_whose_first_return_is_late() -> dict[str, Any]:
    """£8,000 over a year, paid half on acceptance and half once the first return is accepted; accepted by the
    group and moved back so that the first return was due two days ago, and the payment waiting on it held."""
    make = builders.make_people(DOMAIN)
    officer = Actor(make(full_name="Hamid Oyelaran", email=OFFICER, roles={Role.GRANTS_OFFICER}))
    make(full_name="Freya Lindqvist", email=FINANCE, roles={Role.FINANCE_OFFICER})
    member = make(full_name=MEMBER_NAME, email=MEMBER)
    group = organisations.organisation(member, name=GROUP, contact_email=f"allotment@{DOMAIN}")
    agreement = builders.accepted_grant(
        make, officer, people="Heron", round_name=ROUND, group=group, member=member, title=TITLE
    )
    period = agreement.periods[0]
    running(agreement, days_in=(period.due_on - period.starts_on).days + 2)
    assert holds.hold_waiting() == 1
    [_, waiting] = payments.instalments_for(agreement)
    return {
        "reference": agreement.reference,
        "agreement_id": agreement.id,
        "waiting": waiting.number,
        "round_id": agreement.application.round_id,
    }


def completed(page: Page) -> None:
    page.get_by_role("group", name="Have you completed this section?").get_by_label("Yes").check()


def save(page: Page) -> None:
    page.get_by_role("button", name="Save and continue").click()


def test_a_group_sends_a_late_return_the_officer_asks_for_a_change_then_accepts_it_and_the_payment_is_released(
    page: Page, new_page: Callable[[], Page], live_db: Callable[..., Any], newest_email: Callable[..., OutboxMessage]
) -> None:
    world = live_db(set_up_a_grant_whose_first_return_is_late)
    reference = world["reference"]

    # 1. The group finds its returns from its application: the first is overdue.
    sign_in(page, MEMBER, PASSWORD, screenshot_prefix="mr01")
    page.get_by_role("link", name="Your applications").click()
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Send your monitoring returns").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Monitoring returns")
    first = page.get_by_role("table", name="A return for each period of the grant").get_by_role("row").nth(1)
    expect(first).to_contain_text("Not started")
    expect(first).to_contain_text("Overdue")
    check_page(page, "mr02-returns")
    first.get_by_role("button", name="Start the return for period 1").click()

    # 2. The task list, and each section in turn.
    expect(page.get_by_role("heading", level=1)).to_have_text("Return for period 1")
    expect(page.locator(".govuk-task-list__item")).to_have_count(10)
    check_page(page, "mr03-task-list")

    page.get_by_role("link", name="Progress").click()
    page.get_by_label("How has the project gone in this period?").fill("Twenty plots are dug and planted.")
    save(page)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Select yes if you have completed this section")
    expect(page).to_have_title(re.compile(r"^Error: Progress"))
    expect(page.get_by_label("How has the project gone in this period?")).to_have_value(
        "Twenty plots are dug and planted."
    )
    check_page(page, "mr04-progress-error")
    completed(page)
    save(page)
    assert "‘Progress’ saved." in success_banner(page)

    page.get_by_role("link", name="Activities delivered").click()
    check_page(page, "mr05-activities")
    page.get_by_label("What did you do?").first.fill("An open day for neighbours")
    completed(page)
    save(page)

    page.get_by_role("link", name="People who took part").click()
    page.get_by_label("Community or group").first.select_option(label="Newcomers to the area")
    page.get_by_label("Ward").first.select_option(label="Ward not known")
    page.get_by_label("Number of people").first.fill("18")
    check_page(page, "mr06-people")
    completed(page)
    save(page)

    page.get_by_role("link", name="Outcomes against targets").click()
    page.get_by_label("Number in this period").fill("9")
    check_page(page, "mr07-outcomes")
    completed(page)
    save(page)

    page.get_by_role("link", name="Spending").click()
    page.get_by_label("Spent so far").first.fill("0")
    page.get_by_label("Spent so far").nth(1).fill("0")
    completed(page)
    save(page)
    expect(summary).to_contain_text("Explain why you have spent less than expected on Item 1")
    expect(page.get_by_label("Spent so far").first).to_have_value("0")
    check_page(page, "mr08-spend-explain")
    page.get_by_label("Why is it different from the plan?").first.fill("The shed is not built yet")
    page.get_by_label("Why is it different from the plan?").nth(1).fill("Seeds were donated")
    save(page)
    assert "‘Spending’ saved." in success_banner(page)

    page.get_by_role("link", name="A story from the project").click()
    check_page(page, "mr09-story")
    completed(page)
    save(page)
    for link, label, answer in (
        ("Risks and issues", "Are there any risks or problems we should know about?", "None"),
        ("Keeping the work going", "How are you getting on with keeping the work going after the grant?", "Plot fees"),
    ):
        page.get_by_role("link", name=link).click()
        page.get_by_label(label).fill(answer)
        completed(page)
        save(page)

    page.get_by_role("link", name="Evidence").click()
    page.get_by_label("What does the file show?").fill("The plots in spring")
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "plots.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.get_by_role("button", name="Upload file").click()
    assert "plots.png uploaded." in success_banner(page)
    check_page(page, "mr10-evidence")
    completed(page)
    save(page)

    # 3. Check and send.
    page.get_by_role("link", name="Check your answers and send the return").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending your return")
    check_page(page, "mr11-check-answers")
    page.get_by_role("button", name="Send the return").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Return sent")
    check_page(page, "mr12-sent")
    assert newest_email(OFFICER, "monitoring/submitted").context["reference"] == reference

    # 4. The officer asks for a change to the spending.
    officer = new_page()
    sign_in(officer, OFFICER, PASSWORD, screenshot_prefix="mr13")
    officer.get_by_role("link", name="Returns", exact=True).click()
    to_review = officer.get_by_role("table", name=re.compile("waiting for review")).get_by_role("row")
    check_page(officer, "mr14-officer-returns")
    to_review.filter(has_text=reference).get_by_role("link", name=re.compile("^Review")).click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("Review the return for period 1")
    check_page(officer, "mr15-review")
    officer.get_by_label("Comment on ‘Spending’ (optional)").fill("Please send the receipt for the seeds.")
    officer.get_by_label("Ask the group for changes").check()
    officer.get_by_role("button", name="Send your decision").click()
    assert "Changes requested" in success_banner(officer)

    # 5. The group sees the comment, changes the spending and sends version 2.
    page.get_by_role("link", name="Back to your grant’s returns").click()  # from the confirmation page
    page.get_by_role("link", name="Continue the return for period 1").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("asked for some changes")
    expect(page.locator(".govuk-task-list")).to_contain_text("Please send the receipt for the seeds.")
    check_page(page, "mr16-changes-requested")
    page.get_by_role("link", name="Spending").click()
    expect(page.locator("#officer-comment")).to_contain_text("Please send the receipt for the seeds.")
    page.get_by_label("Why is it different from the plan?").nth(1).fill("Seeds were donated: receipt sent by post")
    completed(page)
    save(page)
    page.get_by_role("link", name="Check your answers and send the return").click()
    page.get_by_role("button", name="Send the return").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Version 2")

    # 6. The officer accepts version 2: the held payment is released, and finance can approve it.
    officer.get_by_role("link", name="Returns", exact=True).click()
    officer.get_by_role("table", name=re.compile("waiting for review")).get_by_role(
        "link", name=re.compile("^Review")
    ).click()
    officer.get_by_label("Accept the return").check()
    officer.get_by_role("button", name="Send your decision").click()
    assert "1 held payment released for finance to approve" in success_banner(officer)
    check_page(officer, "mr17-accepted")
    assert newest_email(MEMBER, "monitoring/accepted").context["released"][0]["number"] == world["waiting"]

    finance = new_page()
    sign_in(finance, FINANCE, PASSWORD, screenshot_prefix="mr18")
    finance.goto(f"/payments/agreements/{world['agreement_id']}")
    expect(finance.get_by_role("button", name=f"Approve instalment {world['waiting']} of {reference}")).to_be_visible()
    check_page(finance, "mr19-finance")

    # 7. What the return adds up to, on the outcomes portfolio for the journey's round: charts beside their tables.
    finance.get_by_role("link", name="Reports").click()
    finance.get_by_role("link", name="Outcomes portfolio").click()
    expect(finance.get_by_role("heading", level=1)).to_have_text("Outcomes portfolio")
    finance.get_by_label("Round").select_option(value=str(world["round_id"]))
    finance.get_by_role("button", name="Apply filters").click()
    glance = finance.locator(".app-stats")
    expect(glance).to_contain_text("1 grant")
    expect(glance).to_contain_text("1 monitoring return accepted")
    expect(finance.locator("figure.app-chart")).to_have_count(3)
    by_indicator = finance.get_by_role("table", name="By indicator")
    expect(by_indicator).to_contain_text("Participants moving into paid work or volunteering")
    expect(by_indicator).to_contain_text("80")
    check_page(finance, "mr20-outcomes")
