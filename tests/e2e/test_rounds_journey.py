"""An officer sets up next year's round by copying last year's, opens it, and the public sees it under
'Funding available'. Every page is checked with axe-core and photographed (screenshots/r*.png)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from playwright.sync_api import Page, expect

from grantsfund.accounts.models import Role
from grantsfund.common.dates import to_london, utcnow
from grantsfund.demo import rounds as demo_rounds
from tests.e2e.conftest import check_page, enter_code_if_asked

PASSWORD = "harbour lantern seven 31"
NEW_ROUND = "Communities Fund 2027/28"


def success_banner(page: Page) -> str:
    banner = page.get_by_role("alert").filter(has_text="Success")
    expect(banner).to_be_visible()
    return banner.inner_text()


def fill_date(page: Page, legend: str, day: int, month: int, year: int) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day))
    group.get_by_label("Month").fill(str(month))
    group.get_by_label("Year").fill(str(year))


def test_an_officer_copies_last_years_round_opens_it_and_the_public_sees_it(
    page: Page,
    new_page: Callable[[], Page],
    make_live_user: Callable[..., str],
    live_db: Callable[..., object],
) -> None:
    live_db(demo_rounds.seed)
    officer = make_live_user(
        email="gareth.officer@example.gov.uk", full_name="Gareth Owen", password=PASSWORD, roles={Role.GRANTS_OFFICER}
    )

    page.goto("/sign-in")
    page.get_by_label("Email address").fill(officer)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    enter_code_if_asked(page, officer)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")

    page.get_by_role("link", name="Funds", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Funds")
    check_page(page, "r01-funds")

    page.get_by_role("main").get_by_role("link", name="Communities Fund", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Communities Fund")
    check_page(page, "r02-fund")

    page.get_by_role("button", name="Copy a previous round").click()  # a link styled as a button
    expect(page.get_by_role("heading", level=1)).to_have_text("Copy a previous round")
    page.get_by_role("button", name="Copy round").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    check_page(page, "r03-copy-errors")
    page.get_by_label("Communities Fund 2025/26").check()
    page.get_by_label("Name of the new round").fill(NEW_ROUND)
    page.get_by_role("button", name="Copy round").click()
    assert "created from Communities Fund 2025/26" in success_banner(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(NEW_ROUND)
    expect(page.locator("#problems")).to_contain_text("Enter the opening and closing dates")
    check_page(page, "r04-copied-round")

    page.get_by_role("link", name="Details, dates and money").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Details, dates and money")
    expect(page.get_by_label("Total budget")).to_have_value("300000.00")  # copied
    check_page(page, "r05-details")
    today = to_london(utcnow()).date()
    closes = today + timedelta(days=60)
    fill_date(page, "Date the round opens", today.day, today.month, today.year)
    page.get_by_label("Time the round opens").fill("12:01am")
    fill_date(page, "Date the round closes", closes.day, closes.month, closes.year)
    page.get_by_label("Time the round closes").fill("11:45pm")
    page.get_by_role("button", name="Save and continue").click()
    assert "Details, dates and money saved" in success_banner(page)
    expect(page.get_by_role("main")).to_contain_text(f"{closes.day} {closes:%B %Y} at 11:45pm")

    page.get_by_role("link", name="Criteria and scoring").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Criteria and scoring")
    expect(page.get_by_role("main")).to_contain_text("Brings people together")
    check_page(page, "r06-criteria")
    page.get_by_role("link", name=f"Back to {NEW_ROUND}").click()

    check_page(page, "r07-ready-to-open")
    page.get_by_role("button", name="Open round").click()
    assert f"{NEW_ROUND} is open" in success_banner(page)
    expect(page.get_by_role("main")).to_contain_text("Open")
    check_page(page, "r08-opened")

    # Anyone, without signing in.
    visitor = new_page()
    visitor.goto("/")
    visitor.get_by_role("link", name="Funding available").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Funding available")
    expect(visitor.get_by_role("main")).to_contain_text(NEW_ROUND)
    expect(visitor.get_by_role("main")).not_to_contain_text("Communities Fund 2025/26")
    check_page(visitor, "r09-funding-available")
    visitor.get_by_role("link", name=NEW_ROUND, exact=True).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(NEW_ROUND)
    main = visitor.get_by_role("main")
    expect(main).to_contain_text("£1,000.00 to £25,000.00")
    expect(main).to_contain_text(f"{closes.day} {closes:%B %Y} at 11:45pm")
    expect(main).to_contain_text("Reach to isolated or seldom-heard people")
    check_page(visitor, "r10-round-public")
