"""A grant at its end: finance finds it among the grants at risk (its plan never reviewed), reads the plan, forgets
the rating and the note at the first try, then reviews it amber; the officer finds the grant ready to close (every
return accepted, everything paid), misses the lessons at the first try, then closes it with what it achieved; the
group reads the closure record. Every page is checked with axe-core and photographed (screenshots/sc*.png).

The data is made through the services, with its own round, group and people, named for this journey only; the
grant is moved back in time so that it ended a month ago, and its returns are accepted and its instalments paid."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from grantsfund.accounts.models import Role
from grantsfund.common.actor import Actor
from grantsfund.common.dates import london_today
from grantsfund.notifications.models import OutboxMessage
from tests.e2e import builders
from tests.e2e.conftest import check_page
from tests.e2e.test_journeys import PASSWORD, sign_in, success_banner
from tests.monitoring.factories import running
from tests.monitoring.plan_factories import ready
from tests.organisations import factories as organisations

DOMAIN = "plover-grants.example.org"
ROUND = "Plover Ward Grants 2034"
OFFICER = f"petra.nwosu@{DOMAIN}"
FINANCE = f"felix.ramaswamy@{DOMAIN}"
MEMBER = f"ines.fairweather@{DOMAIN}"
GROUP = "Plover Ward Tool Library"
TITLE = "Plover Ward Lending Shelf"


def set_up_a_grant_that_has_ended() -> dict[str, Any]:
    make = builders.make_people(DOMAIN)
    officer = Actor(make(full_name="Petra Nwosu", email=OFFICER, roles={Role.GRANTS_OFFICER}))
    finance = Actor(make(full_name="Felix Ramaswamy", email=FINANCE, roles={Role.FINANCE_OFFICER}))
    member = make(full_name="Ines Fairweather", email=MEMBER)
    group = organisations.organisation(member, name=GROUP, contact_email=f"tools@{DOMAIN}")
    agreement = builders.accepted_grant(
        make, officer, people="Plover", round_name=ROUND, group=group, member=member, title=TITLE
    )
    length = (agreement.ends_on - agreement.starts_on).days
    running(agreement, days_in=length + 30)
    ready(agreement, officer, finance, actual=70)
    return {"reference": agreement.reference, "agreement_id": agreement.id}


def test_finance_reviews_a_plan_at_risk_and_the_officer_closes_the_grant(
    page: Page, new_page: Callable[[], Page], live_db: Callable[..., Any], newest_email: Callable[..., OutboxMessage]
) -> None:
    world = live_db(set_up_a_grant_that_has_ended)
    reference = world["reference"]

    # 1. Finance finds the grant at risk: it has ended and nobody has reviewed its plan.
    sign_in(page, FINANCE, PASSWORD, screenshot_prefix="sc01")
    page.get_by_role("link", name="Sustainability").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sustainability plans")
    check_page(page, "sc02-plans")
    page.get_by_role("link", name="Grants at risk as their funding ends").click()
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text("Ended, not closed")
    expect(row).to_contain_text("No review yet")
    check_page(page, "sc03-at-risk")
    row.get_by_role("link", name=re.compile(reference)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Sustainability plan for {reference}")
    check_page(page, "sc04-plan")

    # 2. The review: nothing chosen at first, then amber with a note.
    page.get_by_role("button", name="Review the plan").click()  # a link styled as a button
    page.get_by_role("button", name="Save review").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Select a rating: red, amber or green")
    expect(summary).to_contain_text("Enter what the review found")
    expect(page).to_have_title(re.compile(r"^Error: "))
    check_page(page, "sc05-review-errors")
    page.get_by_label("Amber: at risk").check()
    page.get_by_label("What did the review find?").fill(
        "The lending shelf carries on with volunteers; the landlord's offer of free space is not yet in writing."
    )
    today = london_today()
    dated = page.get_by_role("group", name="Date of the review")
    dated.get_by_label("Day").fill(str(today.day))
    dated.get_by_label("Month").fill(str(today.month))
    dated.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Save review").click()
    assert "review" in success_banner(page).lower()
    expect(page.locator("main")).to_contain_text("Amber")
    expect(page.locator("main")).to_contain_text("not yet in writing")
    check_page(page, "sc06-plan-reviewed")

    # 3. The officer closes the grant: every return accepted and every instalment paid.
    officer = new_page()
    sign_in(officer, OFFICER, PASSWORD, screenshot_prefix="sc07")
    officer.get_by_role("link", name="Sustainability").click()
    officer.get_by_role("link", name="Grants ready to close").click()
    check_page(officer, "sc08-ready-to-close")
    officer.get_by_role("link", name=f"Close grant {reference}").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("Close the grant")
    check_page(officer, "sc09-close")
    officer.get_by_role("button", name="Close the grant").click()
    summary = officer.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    check_page(officer, "sc10-close-errors")
    officer.get_by_label("What lessons were learned?").fill("Lend the big tools by the weekend, not by the day.")
    officer.get_by_label("Yes, it continues").check()
    officer.get_by_role("button", name="Close the grant").click()
    assert f"Grant {reference} closed" in success_banner(officer)
    check_page(officer, "sc11-closed")
    assert newest_email(MEMBER, "monitoring/closed").context

    # 4. The group reads the closure record.
    group = new_page()
    sign_in(group, MEMBER, PASSWORD, screenshot_prefix="sc12")
    group.goto(f"/grants/{world['agreement_id']}/closure")
    expect(group.get_by_role("heading", level=1)).to_have_text(f"Closure of grant {reference}")
    expect(group.locator("main")).to_contain_text("Lend the big tools")
    check_page(group, "sc13-closure")
