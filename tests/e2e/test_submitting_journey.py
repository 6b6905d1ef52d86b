"""A group member whose group's documents are up to date applies from the round page to the end: eligibility,
every section of the task list (with a budget mistake on the way), the optional equality monitoring, check
your answers and submit. Then the confirmation email, the progress timeline, the printable copy, and
withdrawing. Every page is checked with axe-core and photographed."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from playwright.sync_api import Page, expect
from sqlalchemy import select

from grantsfund.accounts.models import Role, User
from grantsfund.applications import services
from grantsfund.demo import rounds as demo_rounds
from grantsfund.extensions import db
from grantsfund.notifications.models import OutboxMessage
from grantsfund.notifications.rendering import render_email
from grantsfund.organisations import services as organisations
from grantsfund.rounds.models import Round
from tests.applications.factories import documents_for
from tests.e2e.conftest import check_page
from tests.e2e.test_journeys import PASSWORD, sign_in, success_banner
from tests.organisations import factories

TITLE = "Eastgate Supper Swap"
GROUP = "Eastgate Neighbours Network"
SECTIONS = [
    "About the project",
    "Need and evidence",
    "Who benefits",
    "Activities and timetable",
    "Budget",
    "Outcomes",
    "Sustainability",
    "Attachments",
    "Declarations",
]


def fill_date(page: Page, name: str, day: date) -> None:
    page.locator(f"#{name}-day").fill(str(day.day))
    page.locator(f"#{name}-month").fill(str(day.month))
    page.locator(f"#{name}-year").fill(str(day.year))


def save_and_continue(page: Page, next_heading: str) -> None:
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(next_heading)


def test_a_member_fills_in_every_section_submits_and_then_withdraws(
    page: Page,
    make_live_user: Callable[..., str],
    live_db: Callable[..., Any],
    newest_email: Callable[..., OutboxMessage],
) -> None:
    live_db(organisations.load_wards)
    live_db(demo_rounds.seed)
    email = make_live_user(
        email="kofi.boateng@example.org", full_name="Kofi Boateng", password=PASSWORD, roles={Role.APPLICANT}
    )

    def make_group() -> None:
        member = db.session.scalars(select(User).where(User.email == email)).one()
        group = factories.organisation(member, name=GROUP, contact_email="hello@eastgate-neighbours.example.org")
        documents_for(group)

    live_db(make_group)

    def round_facts() -> tuple[services.ProjectWindow, str]:
        round_ = db.session.scalars(select(Round).where(Round.name == demo_rounds.THIS_YEAR)).one()
        return services.project_window(round_), round_.indicators[0].label

    window, indicator = live_db(round_facts)
    end = services.add_months(window.earliest_start, 6)

    sign_in(page, email, PASSWORD, screenshot_prefix="sb01")
    page.get_by_role("link", name="Funding available").click()
    page.get_by_role("link", name=demo_rounds.THIS_YEAR, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(demo_rounds.THIS_YEAR)
    check_page(page, "sb02-round-page")
    page.get_by_role("button", name="Start an application").click()
    for answer in ["Yes", "Yes", "No"]:
        page.get_by_label(answer, exact=True).check()
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your application")
    check_page(page, "sb03-task-list")

    # Each "Save and continue" goes on to the next section, so one link starts the whole run.
    page.get_by_role("link", name="About the project").click()
    page.get_by_label("Project title").fill(TITLE)
    page.get_by_label("Summary").fill("Monthly suppers where neighbours from different countries cook for each other.")
    page.locator("input[name=themes]").first.check()
    fill_date(page, "start_date", window.earliest_start)
    fill_date(page, "end_date", end)
    check_page(page, "sb04-about")
    save_and_continue(page, "Need and evidence")

    page.get_by_label("What is the local need for your project?").fill(
        "Our survey of 80 households found most newer residents had never shared a meal with a neighbour."
    )
    page.get_by_label("How has the community shaped your project?").fill(
        "Residents chose the venue, the day and the first menus at two open meetings."
    )
    check_page(page, "sb05-need")
    save_and_continue(page, "Who benefits")

    for choice in ["Abbey Fields", "Eastgate", "Newcomers to the area", "Older people"]:
        page.get_by_label(choice, exact=True).check()
    page.get_by_label("Roughly how many people will take part?").fill("60")
    page.get_by_label("How will people from different backgrounds mix?").fill(
        "Every table mixes cooks and guests from different streets, and each supper is cooked by a new pair."
    )
    check_page(page, "sb06-who-benefits")
    save_and_continue(page, "Activities and timetable")

    first_month = f"{window.earliest_start:%B %Y}"
    page.get_by_label("Month (activity 1)", exact=True).select_option(label=first_month)
    page.get_by_label("What will happen (activity 1)", exact=True).fill("First supper and a planning meeting")
    page.get_by_label("Month (activity 2)", exact=True).select_option(label=f"{end:%B %Y}")
    page.get_by_label("What will happen (activity 2)", exact=True).fill("Closing supper and feedback survey")
    check_page(page, "sb07-activities")
    save_and_continue(page, "Budget")

    # Two mistakes in turn: a line with an amount but no item, then a total below the round's minimum.
    page.get_by_label("Item (budget line 1)", exact=True).fill("Hall hire")
    page.get_by_label("Category (budget line 1)", exact=True).select_option(label="Venue")
    page.get_by_label("Amount (budget line 1)", exact=True).fill("400")
    page.get_by_label("Amount (budget line 2)", exact=True).fill("250")
    page.get_by_label("Where the money comes from (other source 1)", exact=True).fill("Eastgate Parish Council")
    page.get_by_label("Amount (other source 1)", exact=True).fill("500")
    page.get_by_label("Status (other source 1)", exact=True).select_option(label="Secured")
    page.get_by_role("button", name="Save and continue").click()
    errors = page.locator(".govuk-error-summary")
    expect(errors).to_be_focused()
    expect(errors).to_contain_text("Enter the item of budget line 2")
    expect(errors).to_contain_text("Select the category of budget line 2")
    expect(page.get_by_label("Item (budget line 1)", exact=True)).to_have_value("Hall hire")
    expect(page.get_by_label("Amount (budget line 2)", exact=True)).to_have_value("250")
    expect(page.get_by_label("Where the money comes from (other source 1)", exact=True)).to_have_value(
        "Eastgate Parish Council"
    )
    check_page(page, "sb08-budget-errors")

    page.get_by_label("Item (budget line 2)", exact=True).fill("Ingredients")
    page.get_by_label("Category (budget line 2)", exact=True).select_option(label="Materials")
    page.get_by_role("button", name="Save and continue").click()
    expect(errors).to_be_focused()
    expect(errors).to_contain_text(
        "Your budget adds up to £650.00. The amount you ask for must be between £1,000.00 and £25,000.00."
    )
    expect(page.get_by_label("Item (budget line 2)", exact=True)).to_have_value("Ingredients")
    check_page(page, "sb09-budget-below-minimum")

    page.get_by_label("Amount (budget line 1)", exact=True).fill("3,500")
    save_and_continue(page, "Outcomes")

    page.get_by_label("Indicator (outcome 1)", exact=True).select_option(label=indicator)
    page.get_by_label("Target (outcome 1)", exact=True).fill("45")
    page.get_by_label("How you will measure it (outcome 1)", exact=True).fill(
        "A short survey at the first and last supper"
    )
    check_page(page, "sb10-outcomes")
    save_and_continue(page, "Sustainability")

    page.get_by_label("How will the work continue after the grant ends?").fill(
        "Guests pay what they can, and the volunteer cooks will keep the suppers going."
    )
    page.get_by_label("Where the money comes from (income source 1)", exact=True).fill("Pay-what-you-can suppers")
    page.get_by_label("Amount (income source 1)", exact=True).fill("900")
    page.get_by_label("Status (income source 1)", exact=True).select_option(label="Hoped for")
    page.get_by_label("What will happen if that income does not come through?").fill(
        "We would meet every other month instead."
    )
    check_page(page, "sb11-sustainability")
    save_and_continue(page, "Attachments")

    documents = page.get_by_role("table")
    for kind in ["Governing document (constitution)", "Latest accounts", "Safeguarding policy", "Bank statement"]:
        expect(documents.get_by_role("row").filter(has_text=kind)).to_contain_text("Up to date")
    expect(documents.get_by_role("link", name=re.compile("^Upload"))).to_have_count(0)
    check_page(page, "sb12-attachments")
    save_and_continue(page, "Declarations")

    page.get_by_label("Your full name").fill("Kofi Boateng")
    page.get_by_label("Your position in the group").fill("Treasurer")
    for statement in services.CONFIRMATIONS.values():
        page.get_by_label(statement).check()
    check_page(page, "sb13-declarations")
    save_and_continue(page, "Check your answers before submitting your application")

    # Every section is complete, so the task list offers the last step; first the optional monitoring.
    page.get_by_role("link", name="Back to your application").click()
    tasks = page.locator(".govuk-task-list__item")
    for section in SECTIONS:
        expect(tasks.filter(has_text=section)).to_contain_text("Completed")
    expect(tasks.filter(has_text="Check your answers and submit").get_by_role("link")).to_be_visible()
    check_page(page, "sb14-task-list-complete")
    page.get_by_role("link", name="Equality monitoring").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Equality monitoring (optional)")
    page.get_by_role("group", name=re.compile("led by people from the communities")).get_by_label("Yes").check()
    page.get_by_label("Women", exact=True).check()
    check_page(page, "sb15-equality")
    page.get_by_role("button", name="Save answers").click()
    assert "equality monitoring answers have been saved" in success_banner(page)
    expect(tasks.filter(has_text="Equality monitoring")).to_contain_text("Answered")

    page.get_by_role("link", name="Check your answers and submit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before submitting your application")
    main = page.get_by_role("main")
    expect(main).to_contain_text(TITLE)
    expect(main).to_contain_text("Hall hire (venue)")
    expect(main).to_contain_text("£3,750.00")
    expect(main).to_contain_text("Eastgate Parish Council: £500.00 (secured)")
    expect(main).to_contain_text(indicator.split(": ", 1)[1])
    expect(main).to_contain_text("Treasurer")
    expect(main.get_by_role("link", name=re.compile("^Change "))).to_have_count(len(SECTIONS))
    expect(main.get_by_role("link", name="Change (Budget)")).to_have_attribute("href", re.compile("/budget$"))
    check_page(page, "sb16-check-your-answers")

    page.get_by_role("button", name="Submit application").click()
    panel = page.locator(".govuk-panel")
    expect(panel).to_contain_text("Application submitted")
    reference = panel.locator("strong").inner_text()
    assert re.fullmatch(r"[A-Z0-9]+-\d{4}-\d{4}", reference), reference
    expect(main).to_contain_text(f"to {email} and to your group’s contact address")
    check_page(page, "sb17-confirmation")

    message = newest_email(email, "applications/submitted")
    text = live_db(lambda: render_email(message.template, message.context).text)
    assert reference in text
    assert "A copy of your answers follows." in text
    for answer in [TITLE, "Hall hire (venue)", "£3,750.00", "Treasurer"]:
        assert answer in text, f"{answer!r} not in the email"
    newest_email("hello@eastgate-neighbours.example.org", "applications/submitted")  # the group's address too

    page.get_by_role("link", name="your application’s page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    facts = page.locator(".govuk-summary-list")
    expect(facts).to_contain_text(reference)
    expect(facts).to_contain_text("Submitted")
    timeline = page.locator(".app-timeline")
    expect(timeline.locator(".app-timeline__title")).to_have_text(["Submitted", "Application started"])
    expect(timeline.locator(".app-timeline__item").first).to_contain_text(f"Reference {reference}")
    check_page(page, "sb18-progress")

    page.get_by_role("link", name="View or print a copy of your application").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(main).to_contain_text(reference)
    expect(main).to_contain_text("Kofi Boateng")
    check_page(page, "sb19-copy")
    page.emulate_media(media="print")
    check_page(page, "sb20-copy-printed")
    page.emulate_media(media="screen")

    page.get_by_role("link", name="Back to your application").click()
    page.get_by_role("link", name="Withdraw this application").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw your application")
    page.get_by_label("Why are you withdrawing this application?").fill("Our venue has closed for repairs.")
    check_page(page, "sb21-withdraw")
    page.get_by_role("button", name="Withdraw application").click()
    assert "Your application has been withdrawn" in success_banner(page)
    expect(facts).to_contain_text("Withdrawn")
    expect(timeline.locator(".app-timeline__title").first).to_have_text("Withdrawn")
    expect(timeline.locator(".app-timeline__item").first).to_contain_text("Our venue has closed for repairs.")
    expect(page.get_by_role("link", name="Withdraw this application")).to_have_count(0)
    check_page(page, "sb22-withdrawn")
