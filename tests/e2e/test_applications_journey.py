"""A group member starts an application from the public round page, answers the eligibility questions,
fills in the first section (with a mistake first), saves and comes back later, and sees the task list.
Every page is checked with axe-core and photographed."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect
from sqlalchemy import select

from grantsfund.accounts.models import Role, User
from grantsfund.applications import services
from grantsfund.demo import rounds as demo_rounds
from grantsfund.extensions import db
from grantsfund.organisations import services as organisations
from grantsfund.rounds.models import Round
from tests.e2e.conftest import check_page
from tests.e2e.test_journeys import PASSWORD, sign_in, success_banner
from tests.organisations import factories


def test_a_member_starts_an_application_and_saves_the_first_section_for_later(
    page: Page, make_live_user: Callable[..., str], live_db: Callable[..., object]
) -> None:
    live_db(organisations.load_wards)
    live_db(demo_rounds.seed)
    email = make_live_user(
        email="grace.mensah@example.org", full_name="Grace Mensah", password=PASSWORD, roles={Role.APPLICANT}
    )

    def make_group() -> None:
        member = db.session.scalars(select(User).where(User.email == email)).one()
        factories.organisation(member, name="Fernlea Friendship Club")

    live_db(make_group)
    earliest = live_db(
        lambda: (
            services.project_window(
                db.session.scalars(select(Round).where(Round.name == demo_rounds.THIS_YEAR)).one()
            ).earliest_start
        )
    )

    sign_in(page, email, PASSWORD, screenshot_prefix="ap01")
    page.get_by_role("link", name="Funding available").click()
    page.get_by_role("link", name=demo_rounds.THIS_YEAR, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(demo_rounds.THIS_YEAR)
    check_page(page, "ap02-round-page")
    page.get_by_role("button", name="Start an application").click()

    # The eligibility questions, one a page; the third qualifies with "No".
    for number, answer in enumerate(["Yes", "Yes", "No"], start=1):
        expect(page.locator(".govuk-caption-l")).to_contain_text(f"Question {number} of 3")
        check_page(page, f"ap03-eligibility-{number}")
        page.get_by_label(answer, exact=True).check()
        page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your application")
    tasks = page.locator(".govuk-task-list__item")
    expect(tasks.filter(has_text="Budget")).to_contain_text("Not started")
    expect(tasks.filter(has_text="Check your answers and submit")).to_contain_text("Cannot start yet")
    check_page(page, "ap04-task-list")
    page.get_by_role("link", name="About the project").click()

    # A mistake first: no title and no end date. The summary's words are counted as they are typed.
    summary = "Friendly afternoons where newcomers and older residents share tea, games and stories."
    page.get_by_label("Summary").fill(summary)
    expect(page.locator(".govuk-character-count__status")).to_contain_text("words remaining")
    page.locator("input[name=themes]").first.check()
    page.locator("#start_date-day").fill(str(earliest.day))
    page.locator("#start_date-month").fill(str(earliest.month))
    page.locator("#start_date-year").fill(str(earliest.year))
    page.get_by_role("button", name="Save and continue").click()
    errors = page.locator(".govuk-error-summary")
    expect(errors).to_be_focused()
    expect(errors).to_contain_text("Enter a project title")
    expect(errors).to_contain_text("Enter the end date")
    expect(page.get_by_label("Summary")).to_have_value(summary)
    expect(page.locator("#start_date-year")).to_have_value(str(earliest.year))
    check_page(page, "ap05-about-errors")

    page.get_by_label("Project title").fill("Fernlea Tea Afternoons")
    page.get_by_role("button", name="Save and come back later").click()
    assert "have been saved" in success_banner(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Fernlea Tea Afternoons")
    statuses = page.locator(".govuk-task-list__status")
    expect(statuses.nth(0)).to_have_text("In progress")
    expect(statuses.nth(1)).to_have_text("Not started")
    expect(statuses.nth(4)).to_have_text("Not started")  # Budget
    expect(statuses.nth(9)).to_have_text("Cannot start yet")  # Check your answers and submit
    check_page(page, "ap06-task-list-in-progress")

    # Coming back later: everything saved is there.
    page.get_by_role("link", name="Your applications", exact=True).click()
    expect(page.locator("tbody")).to_contain_text("Fernlea Tea Afternoons")
    check_page(page, "ap07-your-applications")
    page.get_by_role("link", name="Fernlea Tea Afternoons").click()
    page.get_by_role("link", name="About the project").click()
    expect(page.get_by_label("Project title")).to_have_value("Fernlea Tea Afternoons")
    expect(page.get_by_label("Summary")).to_have_value(summary)
    check_page(page, "ap08-about-again")
