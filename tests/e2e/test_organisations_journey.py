"""An applicant sets up their group: creates its profile, uploads a document and invites a member,
and the invitee accepts in their own browser. Every page is checked with axe-core and photographed."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from grantsfund.accounts.models import Role
from grantsfund.notifications.models import OutboxMessage
from grantsfund.organisations import services
from tests.e2e.conftest import check_page
from tests.e2e.test_journeys import PASSWORD, sign_in, success_banner
from tests.organisations import files


def test_an_applicant_creates_a_group_uploads_a_document_and_invites_a_member(
    page: Page,
    new_page: Callable[[], Page],
    make_live_user: Callable[..., str],
    newest_email: Callable[..., OutboxMessage],
    live_db: Callable[..., object],
) -> None:
    live_db(services.load_wards)
    applicant = make_live_user(
        email="nadia.hassan@example.org", full_name="Nadia Hassan", password=PASSWORD, roles={Role.APPLICANT}
    )
    invitee = make_live_user(
        email="owen.price@example.org", full_name="Owen Price", password=PASSWORD, roles={Role.APPLICANT}
    )
    sign_in(page, applicant, PASSWORD, screenshot_prefix="o01")

    page.get_by_role("link", name="Your group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your groups")
    check_page(page, "o02-your-groups-empty")
    page.get_by_role("button", name="Create a group profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create a group profile")
    check_page(page, "o03-create-group")

    # A registered charity without its number: the rule is explained, and what was typed is kept.
    page.get_by_label("Name of your group").fill("Fernlea Friendship Club")
    page.get_by_label("Registered charity").check()
    page.get_by_label("Year your group was set up").fill("2011")
    page.get_by_label("Annual income").fill("8,450")
    page.get_by_label("Address line 1").fill("Fernlea Community Centre")
    page.get_by_label("Town or city").fill("Northbrook")
    page.get_by_label("Postcode").fill("nb7 1fx")
    page.get_by_label("Ward").select_option(label="Fernlea")
    page.get_by_role("group", name="Does your group have a safeguarding policy?").get_by_label("Yes").check()
    page.get_by_role("group", name="Does your group have an equality policy?").get_by_label("No").check()
    page.get_by_label("Contact name").fill("Nadia Hassan")
    page.get_by_label("Contact email address").fill("nadia.hassan@example.org")
    page.get_by_label("Contact telephone number").fill("01632 960 123")
    page.get_by_role("button", name="Create group profile").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter your charity number")
    expect(page.get_by_label("Postcode")).to_have_value("nb7 1fx")
    check_page(page, "o04-create-group-errors")

    page.get_by_label("Charity number (if you have one)").fill("1123456")
    page.get_by_role("button", name="Create group profile").click()
    assert "Fernlea Friendship Club has been created" in success_banner(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Fernlea Friendship Club")
    main = page.get_by_role("main")
    expect(main).to_contain_text("NB7 1FX")
    expect(main).to_contain_text("£8,450.00")
    expect(main).to_contain_text("Missing")
    check_page(page, "o05-group-created")

    page.get_by_role("link", name="Upload governing document (constitution)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload a document")
    expect(page.get_by_label("Governing document (constitution)")).to_be_checked()
    check_page(page, "o06-upload")
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "constitution.exe.pdf", "mimeType": "application/pdf", "buffer": files.windows_exe()}]
    )
    page.get_by_role("button", name="Upload document").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The selected file is a program, not a document")
    check_page(page, "o07-upload-refused")
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "Our constitution.pdf", "mimeType": "application/pdf", "buffer": files.pdf()}]
    )
    page.get_by_role("button", name="Upload document").click()
    assert "Governing document (constitution) uploaded" in success_banner(page)
    expect(page.get_by_role("link", name="Our-constitution.pdf").first).to_be_visible()
    check_page(page, "o08-document-uploaded")

    page.get_by_role("button", name="Invite a member").click()  # a link styled as a button
    expect(page.get_by_role("heading", level=1)).to_have_text("Invite a member")
    check_page(page, "o09-invite")
    page.get_by_label("Email address").fill(invitee)
    page.get_by_role("button", name="Send invitation").click()
    assert f"Invitation sent to {invitee}" in success_banner(page)
    expect(page.get_by_role("main")).to_contain_text("Invitations waiting for an answer")
    check_page(page, "o10-invited")

    # The invitee opens the emailed link in their own browser, signs in, and accepts.
    other = new_page()
    token = newest_email(invitee, "organisations/member_invitation").context["token"]
    other.goto(f"/organisation-invitation/{token}")
    expect(other.get_by_role("heading", level=1)).to_have_text("Join Fernlea Friendship Club")
    check_page(other, "o11-invitation-signed-out")
    other.get_by_role("main").get_by_role("link", name="sign in").click()
    other.get_by_label("Email address").fill(invitee)
    other.get_by_label("Password", exact=True).fill(PASSWORD)
    other.get_by_role("button", name="Sign in").click()
    expect(other.get_by_role("heading", level=1)).to_have_text("Join Fernlea Friendship Club")
    check_page(other, "o12-invitation-signed-in")
    other.get_by_role("button", name="Join Fernlea Friendship Club").click()
    assert "You are now a member of Fernlea Friendship Club" in success_banner(other)
    expect(other.get_by_role("main")).to_contain_text("Owen Price")
    check_page(other, "o13-invitee-joined")
