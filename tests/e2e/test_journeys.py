"""Whole journeys in Chromium, as a person takes them: by labels, buttons and links, not by URLs or ids
(apart from the emailed links, which a person would click in their email).

Every page on the way is checked with axe-core and photographed into screenshots/ (see
conftest.check_page), and any console error or Content-Security-Policy violation fails the test."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from grantsfund.accounts.models import Role
from grantsfund.notifications.models import OutboxMessage
from tests.e2e.conftest import check_page, enter_code_if_asked, set_up_authenticator

PASSWORD = "kettle river orange 42"
ADMIN_PASSWORD = "copper lantern meadow 17"


def sign_in(page: Page, email: str, password: str, *, screenshot_prefix: str) -> None:
    page.goto("/sign-in")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    check_page(page, f"{screenshot_prefix}-sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    enter_code_if_asked(page, email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    check_page(page, f"{screenshot_prefix}-your-account")


def success_banner(page: Page) -> str:
    banner = page.get_by_role("alert").filter(has_text="Success")
    expect(banner).to_be_visible()
    return banner.inner_text()


def test_a_person_registers_confirms_their_email_signs_in_and_out(
    page: Page, newest_email: Callable[..., OutboxMessage]
) -> None:
    email = "sam.okafor@example.org"

    page.goto("/")
    check_page(page, "a01-home")
    page.get_by_role("button", name="Start now").click()  # a link styled, and announced, as a button
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    check_page(page, "a02-register")

    # Nothing filled in: the error summary comes first, takes the focus and links to each field.
    page.get_by_role("button", name="Create account").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page).to_have_title(re.compile(r"^Error: Create an account"))
    check_page(page, "a03-register-errors")
    summary.get_by_role("link", name="Enter your full name").click()
    expect(page.get_by_label("Full name")).to_be_focused()

    page.get_by_label("Full name").fill("Sam Okafor")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    check_page(page, "a04-check-your-email")

    token = newest_email(email, "accounts/verify_email").context["token"]
    page.goto(f"/verify-email/{token}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your email address")
    check_page(page, "a05-confirm-email")
    page.get_by_role("button", name="Confirm email address").click()
    assert "Your email address is confirmed" in success_banner(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    check_page(page, "a06-sign-in-email-confirmed")

    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Sam Okafor")
    expect(main).to_contain_text("Applicant")
    check_page(page, "a07-your-account")

    main.get_by_role("button", name="Sign out").click()
    assert "You have signed out" in success_banner(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Apply to the Communities Fund")
    check_page(page, "a08-signed-out")

    page.goto("/account")
    expect(page).to_have_url(re.compile(r"/sign-in\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_role("region", name="Important")).to_contain_text("Sign in to see this page")
    check_page(page, "a09-account-needs-sign-in")


def test_an_administrator_gives_a_role_and_invites_staff_who_accept(
    page: Page,
    new_page: Callable[[], Page],
    make_live_user: Callable[..., str],
    newest_email: Callable[..., OutboxMessage],
) -> None:
    admin = make_live_user(
        email="ada.admin@example.gov.uk", full_name="Ada Admin", password=ADMIN_PASSWORD, roles={Role.ADMINISTRATOR}
    )
    make_live_user(
        email="leila.haddad@example.org", full_name="Leila Haddad", password=PASSWORD, roles={Role.APPLICANT}
    )

    sign_in(page, admin, ADMIN_PASSWORD, screenshot_prefix="b01")
    page.get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Users")
    check_page(page, "b02-users")

    page.get_by_role("link", name="Leila Haddad").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leila Haddad")
    check_page(page, "b03-user")
    page.get_by_label("Assessor").check()
    page.get_by_role("button", name="Save roles").click()
    assert "Roles for Leila Haddad saved" in success_banner(page)
    expect(page.get_by_label("Assessor")).to_be_checked()
    expect(page.get_by_label("Applicant")).to_be_checked()
    check_page(page, "b04-user-roles-saved")

    page.get_by_role("link", name="Back to users").click()
    leila = page.get_by_role("row").filter(has=page.get_by_role("link", name="Leila Haddad"))
    expect(leila).to_contain_text("Applicant, Assessor")
    check_page(page, "b05-users-after-roles")

    page.get_by_role("button", name="Invite a member of staff").click()  # a link styled, and announced, as a button
    expect(page.get_by_role("heading", level=1)).to_have_text("Invite a member of staff")
    check_page(page, "b06-invite")
    page.get_by_label("Full name").fill("Tom Reyes")
    page.get_by_label("Email address").fill("tom.reyes@example.gov.uk")
    page.get_by_label("Grants officer").check()
    page.get_by_role("button", name="Send invitation").click()
    assert "Invitation sent to tom.reyes@example.gov.uk" in success_banner(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Tom Reyes")
    expect(page.get_by_role("main")).to_contain_text("Invited")
    check_page(page, "b07-invited")

    # The invitee, in their own browser.
    invitee = new_page()
    token = newest_email("tom.reyes@example.gov.uk", "accounts/invitation").context["token"]
    invitee.goto(f"/invitation/{token}")
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Set up your account")
    check_page(invitee, "b08-invitation")
    invitee.get_by_label("Create a password").fill("violet harbour window 8")
    invitee.get_by_label("Confirm your password").fill("violet harbour window 8")
    invitee.get_by_role("button", name="Save password").click()
    assert "Your account is ready" in success_banner(invitee)
    # A grants officer sets up two-step verification before anything else.
    set_up_authenticator(invitee, "tom.reyes@example.gov.uk", screenshot_prefix="b09")
    expect(invitee.get_by_role("main")).to_contain_text("Grants officer")
    check_page(invitee, "b09-invitee-account")


def test_the_audit_log_works_for_an_administrator(page: Page, make_live_user: Callable[..., str]) -> None:
    admin = make_live_user(
        email="grace.admin@example.gov.uk", full_name="Grace Admin", password=ADMIN_PASSWORD, roles={Role.ADMINISTRATOR}
    )
    sign_in(page, admin, ADMIN_PASSWORD, screenshot_prefix="c01")

    page.get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    signed_in = page.get_by_role("row").filter(has_text=admin).filter(has_text="user.signed_in").first
    expect(signed_in).to_be_visible()
    check_page(page, "c02-audit-log")

    signed_in.get_by_role("link", name="user.signed_in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Audit event \d+$"))
    expect(page.get_by_role("main")).to_contain_text(admin)
    check_page(page, "c03-audit-event")


def test_the_outbox_works_for_an_administrator(page: Page, make_live_user: Callable[..., str]) -> None:
    admin = make_live_user(
        email="omar.admin@example.gov.uk", full_name="Omar Admin", password=ADMIN_PASSWORD, roles={Role.ADMINISTRATOR}
    )
    sign_in(page, admin, ADMIN_PASSWORD, screenshot_prefix="c04")

    page.get_by_role("link", name="Outbox").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Outbox")
    expect(page.get_by_role("table")).to_contain_text("Failed")  # its caption: failures are shown first
    check_page(page, "c05-outbox-failed")

    page.get_by_role("navigation", name="Email status").get_by_role(
        "link", name=re.compile(r"^Waiting to send")
    ).click()
    expect(page.get_by_role("table")).to_contain_text("Waiting to send")
    check_page(page, "c06-outbox-waiting")
