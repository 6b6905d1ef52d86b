"""An assessor finds a bid assigned to them, declares no conflict, saves a draft, makes a mistake, and submits
their scores; then a grants officer reads the ranking and moderates a score. Every page is checked with axe-core
and photographed (screenshots/as*.png)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from playwright.sync_api import Page, expect
from sqlalchemy import select

from grantsfund.accounts.models import Role, User
from grantsfund.applications.models import Application
from grantsfund.assessment import assignment, eligibility
from grantsfund.assessment.eligibility import Decision
from grantsfund.assessment.models import EligibilityResult
from grantsfund.common.actor import Actor
from grantsfund.common.dates import london_today
from grantsfund.demo import applications, organisations, rounds
from grantsfund.demo import services as demo
from grantsfund.extensions import db
from tests.e2e.conftest import check_page
from tests.e2e.test_journeys import PASSWORD, sign_in

ASSESSOR = "nadia.assessor@example.gov.uk"
BID = "Harbour Conversation Club"


def test_an_assessor_declares_no_conflict_and_scores_a_bid(
    page: Page, make_live_user: Callable[..., str], live_db: Callable[..., object]
) -> None:
    live_db(lambda: demo.seed_users(demo.DEMO_USERS))
    for seed in (organisations.seed, rounds.seed, applications.seed):
        live_db(seed)
    make_live_user(email=ASSESSOR, full_name="Nadia Rahman", password=PASSWORD, roles={Role.ASSESSOR})

    def assign() -> str:
        officer = Actor(db_user("officer@example.gov.uk"))
        bid = db_query(select(Application).where(Application.title == BID))
        eligibility.record_decision(bid, Decision(EligibilityResult.ELIGIBLE, "All in order"), actor=officer)
        assignment.assign(bid, db_user(ASSESSOR), due_on=london_today() + timedelta(days=10), actor=officer)
        return bid.reference

    reference = live_db(assign)
    sign_in(page, ASSESSOR, PASSWORD, screenshot_prefix="as01")
    page.get_by_role("link", name="Your assessments").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your assessments")
    expect(page.locator("tbody")).to_contain_text("Declare interests")
    check_page(page, "as02-assignments")

    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Declare any conflict of interest")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    check_page(page, "as03-declare-error")
    page.get_by_label("No, I have no conflict").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Score {reference}")
    expect(page.get_by_role("region", name="The bid as submitted")).to_contain_text(BID)
    check_page(page, "as04-score")
    groups = page.locator("form .govuk-radios")
    first = groups.first
    first.get_by_label("4: Good").check()
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_role("alert").filter(has_text="saved as a draft")).to_be_visible()
    expect(first.get_by_label("4: Good")).to_be_checked()

    for index in range(groups.count() - 1):  # the last radios are the recommendation
        groups.nth(index).get_by_label("5: Excellent").check()
    page.get_by_label("Fund", exact=True).check()
    page.get_by_label("Summary of your assessment").fill("A clear need, strong mixing and a realistic budget.")
    page.get_by_role("button", name="Submit scores").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Explain a score of 5")
    check_page(page, "as05-score-errors")
    for comment in page.locator("form textarea[name^=comment_]").all():
        comment.fill("Outstanding on this criterion.")
    page.get_by_role("button", name="Submit scores").click()
    expect(page.get_by_role("alert").filter(has_text="have been submitted")).to_be_visible()
    check_page(page, "as06-submitted")
    page.get_by_role("link", name=reference).click()
    expect(page.locator("main")).to_contain_text("They can no longer be changed")
    check_page(page, "as07-scores-final")

    # A grants officer reads the ranking and records an agreed score for one criterion.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "officer@example.gov.uk", demo.DEMO_PASSWORD, screenshot_prefix="as08")
    round_id = live_db(lambda: db_query(select(Application).where(Application.title == BID)).round_id)
    page.goto(f"/funds/rounds/{round_id}/ranking")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ranking")
    expect(page.get_by_role("table", name="Bids in order")).to_contain_text(reference)
    check_page(page, "as09-ranking")
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scores and moderation")
    page.get_by_role("group", name="Which criterion?").locator("input").first.check()
    page.get_by_role("group", name="Agreed score").get_by_label("4", exact=True).check()
    page.get_by_label("Reason for the agreed score").fill("Agreed with the assessor: strong, not exceptional.")
    page.get_by_role("button", name="Record the agreed score").click()
    expect(page.get_by_role("alert").filter(has_text="Agreed score recorded")).to_be_visible()
    expect(page.get_by_role("table", name="Scores by criterion")).to_contain_text("strong, not exceptional")
    check_page(page, "as10-moderated")


def db_user(email: str) -> User:
    return db.session.scalars(select(User).where(User.email == email)).one()


def db_query(statement: Any) -> Any:
    return db.session.scalars(statement).one()
