"""The accounts pages over HTTP, with CSRF on, as a person uses them."""

import time
from types import SimpleNamespace

import pytest

from grantsfund.accounts import services
from grantsfund.accounts.models import Role
from grantsfund.common.dates import utcnow
from grantsfund.extensions import db
from grantsfund.security import SIGNED_IN_AT
from tests.conftest import PASSWORD, error_messages, link_token, page, queued_emails, sign_in_as


def register(client, **overrides):
    data = {"full_name": "Amira Khan", "email": "amira@example.org", "password": "kettle river orange 42"}
    return client.submit("/register", {**data, **overrides})


def sign_in(client, email, password=PASSWORD, **kwargs):
    return client.submit("/sign-in", {"email": email, "password": password}, **kwargs)


class TestRegistration:
    def test_the_whole_journey_from_register_to_signed_in(self, client):
        response = register(client)
        assert response.status_code == 302
        assert response.headers["Location"] == "/check-your-email?reason=register"
        token = link_token(queued_emails(to="amira@example.org")[0])

        confirm = client.get(f"/verify-email/{token}")
        assert page(confirm).h1.get_text(strip=True) == "Confirm your email address"
        assert not services.find_user_by_email("amira@example.org").is_verified, "opening the link changes nothing"

        verified = client.submit(f"/verify-email/{token}", follow_redirects=True)
        assert "Your email address is confirmed" in page(verified).select_one(".govuk-notification-banner").text

        signed_in = sign_in(client, "amira@example.org", "kettle river orange 42", follow_redirects=True)
        assert page(signed_in).h1.get_text(strip=True) == "Your account"
        assert "Amira Khan" in page(signed_in).select_one(".govuk-summary-list").text

    def test_errors_are_summarised_and_the_input_is_kept(self, client):
        response = register(client, full_name="", email="not-an-email", password="short")
        assert response.status_code == 200
        assert error_messages(response) == [
            "Enter your full name",
            "Enter an email address in the correct format, like name@example.com",
        ]
        assert page(response).title.get_text().startswith("Error: ")
        assert page(response).select_one("#email")["value"] == "not-an-email"

    def test_a_weak_password_is_explained(self, client):
        response = register(client, password="password1234")
        assert error_messages(response) == [
            "This password is too common. Try three random words, like ‘kettle river orange’"
        ]
        assert page(response).select_one("#full_name")["value"] == "Amira Khan"

    def test_registering_a_taken_address_looks_the_same_as_a_new_one(self, client, make_user):
        make_user(email="taken@example.org")
        first = register(client, email="taken@example.org")
        second = register(client, email="new@example.org")
        assert first.status_code == second.status_code == 302
        assert first.headers["Location"] == second.headers["Location"]

    def test_expired_links_offer_a_new_one(self, client):
        response = client.get("/verify-email/not-a-real-token")
        assert page(response).h1.get_text(strip=True) == "This link has expired or has already been used"
        assert client.submit("/verify-email/not-a-real-token").status_code == 200
        assert queued_emails() == []

    def test_unverified_people_are_sent_to_confirm_their_email(self, client, make_user):
        make_user(email="a@example.org", verified=False)
        response = sign_in(client, "a@example.org")
        assert response.headers["Location"] == "/confirm-your-email"
        resent = client.submit("/confirm-your-email", {"email": "a@example.org"})
        assert resent.headers["Location"] == "/check-your-email?reason=verify"
        assert [m.template for m in queued_emails(to="a@example.org")] == ["accounts/verify_email"]


class TestSignIn:
    def test_wrong_details_get_one_message_whether_or_not_the_account_exists(self, client, make_user):
        make_user(email="a@example.org")
        wrong_password = sign_in(client, "a@example.org", "not the password")
        unknown = sign_in(client, "nobody@example.org", "not the password")
        assert (
            error_messages(wrong_password) == error_messages(unknown) == ["Enter a correct email address and password"]
        )
        assert page(wrong_password).select_one("#email")["value"] == "a@example.org"

    def test_next_takes_you_back_but_never_off_site(self, client, make_user):
        make_user(email="a@example.org")
        assert client.get("/admin/users").headers["Location"] == "/sign-in?next=%2Fadmin%2Fusers"
        response = sign_in(client, "a@example.org")
        assert response.headers["Location"] == "/account"
        client.submit("/sign-out")
        back = client.post(
            "/sign-in?next=/account/password",
            data={"csrf_token": client.csrf_token(), "email": "a@example.org", "password": PASSWORD},
        )
        assert back.headers["Location"] == "/account/password"
        client.submit("/sign-out")
        evil = client.post(
            "/sign-in?next=//evil.example/steal",
            data={"csrf_token": client.csrf_token(), "email": "a@example.org", "password": PASSWORD},
        )
        assert evil.headers["Location"] == "/account"

    def test_the_session_cookie_is_secure_httponly_and_lax(self, client, make_user):
        make_user(email="a@example.org")
        response = sign_in(client, "a@example.org")
        cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("grantsfund_session="))
        assert "; Secure" in cookie
        assert "; HttpOnly" in cookie
        assert "; SameSite=Lax" in cookie

    def test_signing_out_kills_a_copied_cookie(self, app, client, make_user):
        make_user(email="a@example.org")
        sign_in(client, "a@example.org")
        stolen = app.test_client()
        stolen.set_cookie("grantsfund_session", client.get_cookie("grantsfund_session").value)
        assert stolen.get("/account").status_code == 200
        client.submit("/sign-out")
        assert stolen.get("/account").status_code == 302
        assert client.get("/account").status_code == 302

    def test_an_administrator_disabling_the_account_ends_the_session(self, client, make_user, admin_client):
        user = make_user(email="a@example.org")
        sign_in(client, "a@example.org")
        admin_client.submit(f"/admin/users/{user.id}/disable")
        assert client.get("/account").status_code == 302

    def test_sessions_expire_after_inactivity(self, app, client, make_user, monkeypatch):
        make_user(email="a@example.org")
        sign_in(client, "a@example.org")
        assert client.get("/account").status_code == 200
        idle = app.permanent_session_lifetime.total_seconds() + 60
        later = time.time() + idle
        monkeypatch.setattr("itsdangerous.timed.time", SimpleNamespace(time=lambda: later))
        assert client.get("/account").status_code == 302

    def test_sign_out_needs_a_post(self, applicant_client):
        assert applicant_client.get("/sign-out").status_code == 405
        assert applicant_client.get("/account").status_code == 200


class TestRateLimits:
    def test_sign_in_is_limited_per_client_address_however_forwarded_for_is_spoofed(self, app, client):
        limit = int(app.config["SIGN_IN_RATE_LIMIT"].split("/")[0])
        statuses = [
            sign_in(client, f"person{n}@example.org", headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code
            for n in range(limit + 1)
        ]
        assert statuses[:limit] == [200] * limit
        assert statuses[limit] == 429

    def test_too_many_attempts_shows_a_friendly_page(self, app, client):
        limit = int(app.config["ACCOUNT_RATE_LIMIT"].split("/")[0])
        for _ in range(limit):
            sign_in(client, "a@example.org", "nope")
        response = sign_in(client, "a@example.org", "nope")
        assert response.status_code == 429
        assert page(response).h1.get_text(strip=True) == "Too many attempts"

    def test_throttling_one_account_does_not_lock_out_another(self, app, client, make_user):
        make_user(email="b@example.org")
        limit = int(app.config["ACCOUNT_RATE_LIMIT"].split("/")[0])
        for _ in range(limit + 1):
            sign_in(client, "a@example.org", "nope")
        assert sign_in(client, "b@example.org").status_code == 302

    def test_password_reset_is_rate_limited(self, app, client):
        limit = int(app.config["ACCOUNT_RATE_LIMIT"].split("/")[0])
        statuses = [client.submit("/forgot-password", {"email": "a@example.org"}).status_code for _ in range(limit + 1)]
        assert statuses[-1] == 429


class TestPasswords:
    def test_forgotten_password_journey(self, client, make_user):
        make_user(email="a@example.org")
        response = client.submit("/forgot-password", {"email": "a@example.org"})
        assert response.headers["Location"] == "/check-your-email?reason=reset"
        token = link_token(queued_emails(to="a@example.org", template="accounts/reset_password")[0])
        mismatch = client.submit(f"/reset-password/{token}", {"password": "lantern-meadow-copper", "confirm": "x"})
        assert error_messages(mismatch) == ["Passwords must match"]
        done = client.submit(
            f"/reset-password/{token}", {"password": "lantern-meadow-copper", "confirm": "lantern-meadow-copper"}
        )
        assert done.headers["Location"] == "/sign-in"
        assert sign_in(client, "a@example.org", "lantern-meadow-copper").headers["Location"] == "/account"

    def test_unknown_address_gets_the_same_answer(self, client):
        response = client.submit("/forgot-password", {"email": "nobody@example.org"})
        assert response.headers["Location"] == "/check-your-email?reason=reset"
        assert queued_emails() == []

    def test_changing_the_password_keeps_this_session_and_ends_others(self, app, client, make_user):
        make_user(email="a@example.org")
        sign_in(client, "a@example.org")
        other_device = app.test_client()
        sign_in(other_device, "a@example.org")
        response = client.submit(
            "/account/password",
            {"current_password": PASSWORD, "password": "lantern-meadow-copper", "confirm": "lantern-meadow-copper"},
            follow_redirects=True,
        )
        assert "Your password has been changed" in page(response).select_one(".govuk-notification-banner").text
        assert client.get("/account").status_code == 200
        assert other_device.get("/account").status_code == 302

    def test_staff_changing_their_password_stay_signed_in_within_the_same_time_limit(self, officer_client):
        with officer_client.session_transaction() as session:
            session[SIGNED_IN_AT] = started = utcnow().timestamp() - 3600
        response = officer_client.submit(
            "/account/password",
            {"current_password": PASSWORD, "password": "lantern-meadow-copper", "confirm": "lantern-meadow-copper"},
        )
        assert response.headers["Location"] == "/account"
        assert officer_client.get("/account").status_code == 200
        assert officer_client.get("/funds/applications").status_code == 200
        with officer_client.session_transaction() as session:
            assert session[SIGNED_IN_AT] == started

    def test_wrong_current_password_is_explained(self, applicant_client):
        response = applicant_client.submit(
            "/account/password",
            {"current_password": "wrong", "password": "lantern-meadow-copper", "confirm": "lantern-meadow-copper"},
        )
        assert error_messages(response) == ["Your current password is not correct"]


class TestAdministration:
    def test_administrator_grants_a_role(self, admin_client, make_user):
        person = make_user(full_name="Priya Shah")
        response = admin_client.submit(f"/admin/users/{person.id}/roles", {"roles": ["applicant", "assessor"]})
        assert response.headers["Location"] == f"/admin/users/{person.id}"
        assert person.roles == {Role.APPLICANT, Role.ASSESSOR}
        shown = admin_client.get(f"/admin/users/{person.id}")
        checked = {box["value"] for box in page(shown).select("input[name=roles][checked]")}
        assert checked == {"applicant", "assessor"}

    def test_an_unknown_role_is_an_error_not_a_crash(self, admin_client, make_user):
        person = make_user()
        response = admin_client.submit(f"/admin/users/{person.id}/roles", {"roles": ["overlord"]})
        assert response.status_code == 200
        assert error_messages(response) == ["'overlord' is not a valid choice for this field."]

    def test_invite_staff(self, admin_client):
        response = admin_client.submit(
            "/admin/users/invite",
            {"full_name": "Wei Chen", "email": "wei@example.gov.uk", "roles": ["finance_officer"]},
        )
        invited = services.find_user_by_email("wei@example.gov.uk")
        assert response.headers["Location"] == f"/admin/users/{invited.id}"
        assert invited.roles == {Role.FINANCE_OFFICER}
        [invitation] = queued_emails(to="wei@example.gov.uk")
        invitee = admin_client.application.test_client()
        accept = invitee.get(f"/invitation/{link_token(invitation)}")
        assert "Wei Chen" in page(accept).select_one("main").text
        done = invitee.submit(
            f"/invitation/{link_token(invitation)}",
            {"password": "lantern-meadow-copper", "confirm": "lantern-meadow-copper"},
        )
        assert done.headers["Location"] == "/account"
        # Finance officers use two-step verification: setting it up comes before anything else.
        assert invitee.get("/account").headers["Location"] == "/sign-in/set-up-authenticator"

    def test_invite_without_a_role_is_explained(self, admin_client):
        response = admin_client.submit("/admin/users/invite", {"full_name": "Wei", "email": "wei@example.gov.uk"})
        assert error_messages(response) == ["Select at least one role"]
        assert page(response).select_one("#email")["value"] == "wei@example.gov.uk"

    def test_user_list_searches_and_filters(self, admin_client, make_user):
        make_user(full_name="Priya Shah", roles={Role.ASSESSOR})
        make_user(full_name="Tom Brennan", roles={Role.PANEL_MEMBER})

        def names(response):
            return [a.get_text(strip=True) for a in page(response).select("tbody a")]

        assert names(admin_client.get("/admin/users?q=priya")) == ["Priya Shah"]
        assert names(admin_client.get("/admin/users?role=panel_member")) == ["Tom Brennan"]

    def test_administrators_cannot_disable_themselves(self, admin_client):
        me = admin_client.user
        response = admin_client.submit(f"/admin/users/{me.id}/disable", follow_redirects=True)
        assert "You cannot disable your own account" in page(response).select_one(".govuk-notification-banner").text
        db.session.refresh(me)
        assert me.is_active


def test_signed_in_user_is_redirected_from_sign_in(applicant_client):
    assert applicant_client.get("/sign-in").headers["Location"] == "/account"


@pytest.mark.parametrize("url", ["/admin/users/abc", "/admin/users/-1", "/admin/users/99999999", "/admin/audit/x"])
def test_junk_ids_are_not_found(admin_client, url):
    assert admin_client.get(url).status_code == 404


def test_the_navigation_follows_the_roles(admin_client, applicant_client):
    def links(client):
        navigation = page(client.get("/account")).select(
            ".govuk-service-navigation__item .govuk-service-navigation__link"
        )
        return [a.get_text(strip=True) for a in navigation]

    assert links(admin_client) == [
        "Funding available",
        "Groups",
        "Agreement terms",
        "Users",
        "Audit log",
        "Outbox",
        "Your account",
        "Sign out",
    ]
    assert links(applicant_client) == [
        "Funding available",
        "Your group",
        "Your applications",
        "Your account",
        "Sign out",
    ]


def test_sign_in_as_helper_matches_real_sign_in(app, make_user):
    user = make_user()
    assert sign_in_as(app.test_client(), user).get("/account").status_code == 200
