"""Two-step verification in Chromium: an officer's first sign-in sets up an authenticator app, later sign-ins ask
for its code, and a recovery code works when the phone is not to hand."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from grantsfund.accounts.models import Role
from grantsfund.notifications.models import OutboxMessage
from tests.e2e.conftest import CODE_HEADING, authenticator_code, check_page, set_up_authenticator
from tests.e2e.test_journeys import PASSWORD, success_banner

OFFICER = "ruth.ellis@example.gov.uk"


def give_password(page: Page) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(OFFICER)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page: Page) -> None:
    page.get_by_role("main").get_by_role("button", name="Sign out").click()
    assert "You have signed out" in success_banner(page)


def test_an_officer_sets_up_an_app_then_signs_in_with_a_code_and_with_a_recovery_code(
    page: Page, make_live_user: Callable[..., str], newest_email: Callable[..., OutboxMessage]
) -> None:
    make_live_user(
        email=OFFICER, full_name="Ruth Ellis", password=PASSWORD, roles={Role.GRANTS_OFFICER}, authenticator=False
    )

    # First sign-in: the role needs two-step verification, so setting it up comes before anything else.
    give_password(page)
    expect(page.get_by_role("main")).to_contain_text("Your role needs two-step verification")
    expect(page.get_by_role("img", name="QR code")).to_be_visible()
    secret, codes = set_up_authenticator(page, OFFICER, screenshot_prefix="tf01")
    assert len(codes) == 10
    summary = page.get_by_role("main")
    expect(summary).to_contain_text("On: you enter a code from your authenticator app after your password")
    expect(summary).to_contain_text("10 of 10")
    expect(summary).not_to_contain_text("Turn off")
    check_page(page, "tf02-account-two-step-on")
    assert newest_email(OFFICER, "accounts/two_step_changed").context["change"] == "enabled"
    sign_out(page)

    # Next time: password, then the code from the app; a wrong code is explained first.
    give_password(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(CODE_HEADING)
    check_page(page, "tf03-enter-code")
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    summary_box = page.locator(".govuk-error-summary")
    expect(summary_box).to_be_focused()
    expect(summary_box).to_contain_text("The code is not right, or it has expired")
    check_page(page, "tf04-enter-code-wrong")
    page.get_by_label("Code").fill(authenticator_code(OFFICER, secret))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    sign_out(page)

    # The phone is not to hand: a recovery code instead, once.
    give_password(page)
    page.get_by_role("link", name="Use a recovery code instead").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter a recovery code")
    check_page(page, "tf05-enter-recovery-code")
    page.get_by_label("Recovery code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.get_by_role("main")).to_contain_text("9 of 10")
    check_page(page, "tf06-account-after-recovery-code")
    assert newest_email(OFFICER, "accounts/two_step_changed").context["change"] == "recovery_code_used"
