"""A grants officer finds a submitted application in the list, downloads the list as a spreadsheet, reads
the application as frozen at submission and finds it eligible. Every page is checked with axe-core and
photographed (screenshots/oa*.png)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from playwright.sync_api import Page, expect

from grantsfund.demo import applications, organisations, rounds
from grantsfund.demo import services as demo
from tests.e2e.conftest import check_page
from tests.e2e.test_journeys import sign_in

OFFICER = "officer@example.gov.uk"


def test_an_officer_finds_reads_and_exports_submitted_applications(page: Page, live_db: Callable[..., object]) -> None:
    live_db(lambda: demo.seed_users(demo.DEMO_USERS))
    for seed in (organisations.seed, rounds.seed, applications.seed):
        live_db(seed)

    sign_in(page, OFFICER, demo.DEMO_PASSWORD, screenshot_prefix="oa01")
    page.get_by_role("link", name="Applications", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Applications")
    table = page.locator("table tbody")
    expect(table).to_contain_text("Open Tables")
    expect(table).not_to_contain_text("Cook, Share, Belong")  # a draft is the group's own business
    check_page(page, "oa02-list")

    page.get_by_label("Search").fill("open tables")
    page.get_by_role("button", name="Apply filters").click()
    expect(table.locator("tr")).to_have_count(1)
    expect(page.get_by_label("Search")).to_have_value("open tables")
    check_page(page, "oa03-list-searched")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download these applications as a spreadsheet (CSV)").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert len(rows) == 2
    assert "Open Tables" in rows[1]

    table.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open Tables")
    expect(page.locator("main")).to_contain_text("Orchard Park Faith Forum")
    expect(page.locator(".app-timeline")).to_contain_text("Submitted")
    check_page(page, "oa04-application")

    page.get_by_role("link", name="Check eligibility").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Eligibility check")
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Amount within the round’s limits")
    page.get_by_role("button", name="Record the result").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    check_page(page, "oa05-eligibility-errors")
    page.get_by_label("Eligible", exact=True).check()
    page.get_by_label("Your reasons").fill("Every item met; no warning signs.")
    page.get_by_role("button", name="Record the result").click()
    expect(page.get_by_role("alert").filter(has_text="eligible recorded")).to_be_visible()
    expect(page.locator(".app-timeline")).to_contain_text("Eligible: going on to assessment")
    check_page(page, "oa06-found-eligible")
