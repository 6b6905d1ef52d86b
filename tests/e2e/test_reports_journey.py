"""A fund manager's reports: the officer opens the list of reports, reads the round summary for the journey's round
(its chart beside its table) and takes it away as a spreadsheet, sees the equality figures held back because the
round is small, and publishes the round's grant as 360Giving open data, which validates against the standard;
finance reads where the round's money stands. Every page is checked with axe-core and photographed
(screenshots/rp*.png).

The data is made through the services, with its own round, group and people, named for this journey only."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

from jsonschema import Draft202012Validator
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from grantsfund.accounts.models import Role
from grantsfund.common.actor import Actor
from grantsfund.reporting.opendata import standard
from tests.e2e import builders
from tests.e2e.conftest import check_page
from tests.e2e.test_journeys import PASSWORD, sign_in
from tests.organisations import factories as organisations

DOMAIN = "curlew-grants.example.org"
ROUND = "Curlew Ward Grants 2035"
OFFICER = f"cora.adeyemi@{DOMAIN}"
FINANCE = f"fergus.lindqvist@{DOMAIN}"
MEMBER = f"mina.hartley@{DOMAIN}"
GROUP = "Curlew Ward Repair Café"
TITLE = "Curlew Ward Fix-It Evenings"


def set_up_a_funded_round() -> dict[str, Any]:
    make = builders.make_people(DOMAIN)
    officer = Actor(make(full_name="Cora Adeyemi", email=OFFICER, roles={Role.GRANTS_OFFICER}))
    make(full_name="Fergus Lindqvist", email=FINANCE, roles={Role.FINANCE_OFFICER})
    member = make(full_name="Mina Hartley", email=MEMBER)
    group = organisations.organisation(member, name=GROUP, contact_email=f"repairs@{DOMAIN}")
    agreement = builders.accepted_grant(
        make, officer, people="Curlew", round_name=ROUND, group=group, member=member, title=TITLE
    )
    round_ = agreement.application.round
    return {"round_id": round_.id, "fund_id": round_.fund_id, "reference": agreement.reference}


def choose_round(page: Page, world: dict[str, Any], button: str) -> None:
    page.get_by_label("Round").select_option(value=str(world["round_id"]))
    page.get_by_role("button", name=button).click()


def test_an_officer_reads_the_reports_and_publishes_open_data_and_finance_reads_the_money(
    page: Page, new_page: Callable[[], Page], live_db: Callable[..., Any]
) -> None:
    world = live_db(set_up_a_funded_round)

    # 1. The list of reports.
    sign_in(page, OFFICER, PASSWORD, screenshot_prefix="rp01")
    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    check_page(page, "rp02-reports")

    # 2. The round summary for the journey's round: one bid, one award of £8,000.
    page.get_by_role("link", name="Round summary").click()
    page.get_by_label("Fund").select_option(value=str(world["fund_id"]))
    choose_round(page, world, "Show figures")
    expect(page.locator("#scope")).to_contain_text(ROUND)
    headline = page.locator("#headline")
    expect(headline).to_contain_text("1 application submitted")
    expect(headline).to_contain_text("£8,000.00 awarded")
    expect(page.locator("figure.app-chart").first).to_be_visible()
    expect(page.get_by_role("table", name="By theme")).to_be_visible()
    check_page(page, "rp03-round-summary")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download every table as a spreadsheet (XLSX)").click()
    workbook = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    captions = page.locator("table caption").all_inner_texts()
    assert len(workbook.sheetnames) == len(captions)

    # 3. Equality monitoring for one small round: everything under 5 is held back.
    page.get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="Equality monitoring").click()
    choose_round(page, world, "Show figures")
    expect(page.locator("main")).to_contain_text("Fewer than 5")
    check_page(page, "rp04-equality")

    # 4. The round's grant as 360Giving open data: checked, then downloaded and valid against the standard.
    page.get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="Open data (360Giving)").click()
    choose_round(page, world, "Apply filters")
    expect(page.locator("#validation")).to_contain_text("Ready to publish: 1 grant, all valid")
    check_page(page, "rp05-open-data")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download JSON").click()
    package = json.loads(download.value.path().read_text(encoding="utf-8"))
    [grant] = package["grants"]
    assert grant["id"] == f"360G-northbrook-{world['reference']}"
    assert grant["amountAwarded"] == 8000
    assert grant["recipientOrganization"][0]["name"] == GROUP
    assert MEMBER not in json.dumps(package)
    assert not list(
        Draft202012Validator(standard.schema(), format_checker=Draft202012Validator.FORMAT_CHECKER).iter_errors(grant)
    )

    # 5. Finance: where the round's money stands.
    finance = new_page()
    sign_in(finance, FINANCE, PASSWORD, screenshot_prefix="rp06")
    finance.get_by_role("link", name="Reports").click()
    finance.get_by_role("link", name="Finance").click()
    choose_round(finance, world, "Apply filters")
    expect(finance.get_by_role("heading", level=1)).to_have_text("Finance report")
    expect(finance.locator("main")).to_contain_text("£8,000.00")
    check_page(finance, "rp07-finance")
