"""Two-step verification: the codes themselves, and the pages around them over HTTP."""

from datetime import timedelta

import pyotp
import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from grantsfund.accounts import second_factor, services
from grantsfund.accounts.models import Role, User
from grantsfund.audit.models import AuditEvent
from grantsfund.common.actor import Actor
from grantsfund.common.dates import utcnow
from grantsfund.common.errors import DomainError
from grantsfund.extensions import db
from grantsfund.notifications.rendering import render_email
from tests.conftest import PASSWORD, error_messages, page, queued_emails, sign_in_as

SYSTEM = Actor.system()


def code_at(user, when):
    return pyotp.TOTP(user.totp_secret).at(when)


class TestCodes:
    @given(code=st.text(alphabet="0123456789", min_size=6, max_size=6), spacing=st.sampled_from(["", " ", "-", "  "]))
    def test_spaces_and_hyphens_are_ignored(self, code, spacing):
        typed = f" {code[:3]}{spacing}{code[3:]} "
        assert second_factor.normalise_code(typed) == code

    def test_a_code_works_once(self, make_user):
        user = make_user(totp=True)
        now = utcnow()
        second_factor.verify_sign_in_code(user, code_at(user, now), actor=SYSTEM, now=now)
        with pytest.raises(second_factor.CodeRefused):
            second_factor.verify_sign_in_code(user, code_at(user, now), actor=SYSTEM, now=now + timedelta(seconds=5))

    def test_a_code_used_by_another_request_at_the_same_moment_is_refused(self, make_user):
        user = make_user(totp=True)
        now = utcnow()
        step = pyotp.TOTP(user.totp_secret).timecode(now)
        # Another request has just used this code: the database knows, this request's copy of the person does not.
        db.session.execute(
            sa.update(User)
            .where(User.id == user.id)
            .values(totp_last_step=step)
            .execution_options(synchronize_session=False)
        )
        assert user.totp_last_step is None
        with pytest.raises(second_factor.CodeRefused):
            second_factor.verify_sign_in_code(user, code_at(user, now), actor=SYSTEM, now=now)

    def test_an_older_code_is_refused_after_a_newer_one(self, make_user):
        user = make_user(totp=True)
        now = utcnow()
        second_factor.verify_sign_in_code(user, code_at(user, now), actor=SYSTEM, now=now)
        with pytest.raises(second_factor.CodeRefused):
            second_factor.verify_sign_in_code(user, code_at(user, now - timedelta(seconds=30)), actor=SYSTEM, now=now)

    @pytest.mark.parametrize("seconds", [-30, 0, 30])
    def test_one_step_of_clock_drift_either_side_is_allowed(self, make_user, seconds):
        user = make_user(totp=True)
        now = utcnow()
        second_factor.verify_sign_in_code(user, code_at(user, now + timedelta(seconds=seconds)), actor=SYSTEM, now=now)

    @pytest.mark.parametrize("seconds", [-90, 90])
    def test_codes_further_off_are_refused(self, make_user, seconds):
        user = make_user(totp=True)
        now = utcnow()
        with pytest.raises(second_factor.CodeRefused):
            second_factor.verify_sign_in_code(
                user, code_at(user, now + timedelta(seconds=seconds)), actor=SYSTEM, now=now
            )
        assert user.failed_sign_ins == 1

    def test_wrong_codes_lock_the_account(self, app, make_user):
        user = make_user(totp=True)
        for _ in range(app.config["LOCKOUT_THRESHOLD"]):
            with pytest.raises(DomainError):
                second_factor.verify_sign_in_code(user, "000000", actor=SYSTEM)
        assert user.locked_until is not None
        with pytest.raises(second_factor.Locked):
            second_factor.verify_sign_in_code(user, code_at(user, utcnow()), actor=SYSTEM)
        assert queued_emails(to=user.email, template="accounts/account_locked")


class TestSettingUpAndRecoveryCodes:
    def test_set_up_needs_a_working_code_then_gives_ten_single_use_recovery_codes(self, make_user):
        user = make_user(roles={Role.GRANTS_OFFICER})
        second_factor.start_set_up(user)
        with pytest.raises(second_factor.CodeRefused):
            second_factor.confirm_set_up(user, f"{(int(code_at(user, utcnow())) + 1) % 1_000_000:06d}", actor=SYSTEM)
        assert not user.has_second_factor

        codes = second_factor.confirm_set_up(user, code_at(user, utcnow()), actor=SYSTEM)
        assert user.has_second_factor
        assert len(set(codes)) == 10
        assert all(len(code) == 14 and code.count("-") == 2 for code in codes)
        assert second_factor.recovery_codes_left(user) == 10
        assert queued_emails(to=user.email, template="accounts/two_step_changed")[-1].context["change"] == "enabled"

        second_factor.use_recovery_code(user, codes[0].upper().replace("-", " "), actor=SYSTEM)
        assert second_factor.recovery_codes_left(user) == 9
        with pytest.raises(second_factor.RecoveryCodeRefused):
            second_factor.use_recovery_code(user, codes[0], actor=SYSTEM)
        used = queued_emails(to=user.email, template="accounts/two_step_changed")[-1]
        assert used.context == {"full_name": user.full_name, "change": "recovery_code_used", "left": 9}

    def test_new_recovery_codes_replace_the_old_ones(self, make_user):
        user = make_user(totp=True)
        old = second_factor._new_recovery_codes(user, now=utcnow())
        new = second_factor.replace_recovery_codes(user, code_at(user, utcnow()), actor=SYSTEM)
        assert not set(old) & set(new)
        with pytest.raises(second_factor.RecoveryCodeRefused):
            second_factor.use_recovery_code(user, old[0], actor=SYSTEM)
        second_factor.use_recovery_code(user, new[0], actor=SYSTEM)

    def test_the_secret_is_in_no_audit_event_or_email(self, make_user):
        user = make_user(roles={Role.APPLICANT})
        second_factor.start_set_up(user)
        secret = user.totp_secret
        codes = second_factor.confirm_set_up(user, code_at(user, utcnow()), actor=SYSTEM)
        second_factor.use_recovery_code(user, codes[1], actor=SYSTEM)
        db.session.flush()
        events = db.session.query(AuditEvent).all()
        written = repr([(e.before, e.after) for e in events]) + repr([m.context for m in queued_emails()])
        assert secret not in written
        assert not any(code in written or code.replace("-", "") in written for code in codes)

    def test_staff_cannot_turn_it_off_but_applicants_can(self, make_user):
        officer = make_user(roles={Role.GRANTS_OFFICER}, totp=True)
        with pytest.raises(DomainError, match="Your role needs"):
            second_factor.turn_off(officer, code_at(officer, utcnow()), actor=SYSTEM)
        applicant = make_user(totp=True)
        second_factor.turn_off(applicant, code_at(applicant, utcnow()), actor=SYSTEM)
        assert not applicant.has_second_factor
        assert applicant.totp_secret is None


def start_sign_in(client, user, **kwargs):
    return client.submit("/sign-in", {"email": user.email, "password": PASSWORD}, **kwargs)


class TestSigningIn:
    def test_an_officer_with_an_app_enters_a_code_then_is_signed_in(self, client, make_user):
        officer = make_user(roles={Role.GRANTS_OFFICER}, totp=True)
        response = start_sign_in(client, officer)
        assert response.headers["Location"] == "/sign-in/code"

        # Password alone is not a signed-in session: nothing else opens.
        assert client.get("/account").headers["Location"].startswith("/sign-in?next=")
        assert page(client.get("/sign-in/code")).h1.get_text(strip=True) == (
            "Enter the 6-digit code from your authenticator app"
        )

        response = client.submit("/sign-in/code", {"code": "000000"})
        assert error_messages(response) == [second_factor.CodeRefused().message]
        response = client.submit("/sign-in/code", {"code": ""})
        assert error_messages(response) == ["Enter the 6-digit code from your authenticator app"]

        code = pyotp.TOTP(officer.totp_secret).now()
        response = client.submit("/sign-in/code", {"code": f"{code[:3]} {code[3:]}"})
        assert response.headers["Location"] == "/account"
        assert client.get("/account").status_code == 200

    def test_the_next_page_is_kept_through_the_second_step(self, client, make_user):
        officer = make_user(roles={Role.GRANTS_OFFICER}, totp=True)
        client.submit("/sign-in?next=/admin/audit", {"email": officer.email, "password": PASSWORD})
        response = client.submit("/sign-in/code", {"code": pyotp.TOTP(officer.totp_secret).now()})
        assert response.headers["Location"] == "/admin/audit"

    def test_the_password_step_expires(self, app, client, make_user):
        officer = make_user(roles={Role.GRANTS_OFFICER}, totp=True)
        start_sign_in(client, officer)
        with client.session_transaction() as session:
            since = utcnow() - timedelta(minutes=app.config["SECOND_STEP_MINUTES"] + 1)
            session["second_step"] = {**session["second_step"], "since": since.isoformat()}
        response = client.submit("/sign-in/code", {"code": pyotp.TOTP(officer.totp_secret).now()})
        assert response.headers["Location"].startswith("/sign-in?")
        assert client.get("/account").status_code == 302

    def test_wrong_codes_lock_the_account_like_wrong_passwords(self, app, client, make_user):
        officer = make_user(roles={Role.GRANTS_OFFICER}, totp=True)
        start_sign_in(client, officer)
        for _ in range(app.config["LOCKOUT_THRESHOLD"]):
            client.submit("/sign-in/code", {"code": "000000"})
        response = client.submit("/sign-in/code", {"code": pyotp.TOTP(officer.totp_secret).now()})
        assert error_messages(response) == [second_factor.Locked().message]
        assert client.get("/account").status_code == 302

    def test_entering_the_password_again_between_wrong_codes_does_not_reset_the_count(self, app, client, make_user):
        officer = make_user(roles={Role.GRANTS_OFFICER}, totp=True)
        for _ in range(app.config["LOCKOUT_THRESHOLD"]):
            start_sign_in(client, officer)
            client.submit("/sign-in/code", {"code": "000000"})
        start_sign_in(client, officer)
        response = client.submit("/sign-in/code", {"code": pyotp.TOTP(officer.totp_secret).now()})
        assert error_messages(response) == [second_factor.Locked().message]
        assert client.get("/account").status_code == 302

    def test_the_sign_in_is_recorded_once_both_steps_are_done(self, client, make_user):
        officer = make_user(roles={Role.GRANTS_OFFICER}, totp=True)
        start_sign_in(client, officer)
        assert officer.last_signed_in_at is None
        client.submit("/sign-in/code", {"code": pyotp.TOTP(officer.totp_secret).now()})
        assert officer.last_signed_in_at is not None
        actions = db.session.scalars(
            db.select(AuditEvent.action).where(
                AuditEvent.object_type == "user", AuditEvent.object_id == str(officer.id)
            )
        ).all()
        assert actions.count("user.signed_in") == 1

    def test_the_code_page_is_rate_limited(self, app, client, make_user):
        officer = make_user(roles={Role.GRANTS_OFFICER}, totp=True, email="rate@example.gov.uk")
        start_sign_in(client, officer)
        limit = int(app.config["SIGN_IN_RATE_LIMIT"].split("/")[0])
        statuses = [client.submit("/sign-in/code", {"code": "12345"}).status_code for _ in range(limit + 1)]
        assert statuses[0] == 200
        assert statuses[-1] == 429

    def test_a_recovery_code_signs_in_once_and_emails_the_person(self, client, make_user):
        officer = make_user(roles={Role.FINANCE_OFFICER}, totp=True)
        codes = second_factor._new_recovery_codes(officer, now=utcnow())
        db.session.flush()
        start_sign_in(client, officer)
        assert "Use a recovery code instead" in page(client.get("/sign-in/code")).get_text()
        response = client.submit("/sign-in/recovery-code", {"code": codes[0]})
        assert response.headers["Location"] == "/account"
        account = page(client.get("/account")).get_text()
        assert "9 of 10" in account
        assert queued_emails(to=officer.email, template="accounts/two_step_changed")[-1].context["left"] == 9

        other = client.application.test_client()
        start_sign_in(other, officer)
        response = other.submit("/sign-in/recovery-code", {"code": codes[0]})
        assert error_messages(response) == ["The recovery code is not right, or it has already been used"]

    def test_an_applicant_without_an_app_signs_in_with_a_password_only(self, client, make_user):
        applicant = make_user()
        assert start_sign_in(client, applicant).headers["Location"] == "/account"

    def test_an_applicant_with_an_app_is_asked_for_a_code(self, client, make_user):
        applicant = make_user(totp=True)
        assert start_sign_in(client, applicant).headers["Location"] == "/sign-in/code"


class TestSettingUpAtFirstSignIn:
    def test_each_visit_shows_a_new_secret_and_the_earlier_one_stops_working(self, client, make_user):
        officer = make_user(roles={Role.GRANTS_OFFICER})
        start_sign_in(client, officer)
        first = client.get("/sign-in/set-up-authenticator")
        assert first.headers["Cache-Control"] == "no-store", "the page shows a secret"
        db.session.refresh(officer)
        earlier = officer.totp_secret
        client.get("/sign-in/set-up-authenticator")
        db.session.refresh(officer)
        assert officer.totp_secret != earlier
        response = client.submit("/sign-in/set-up-authenticator", {"code": pyotp.TOTP(earlier).now()})
        assert error_messages(response) == [second_factor.CodeRefused().message]

    def test_staff_without_an_app_set_one_up_before_they_get_in(self, client, make_user):
        officer = make_user(roles={Role.ADMINISTRATOR})
        assert start_sign_in(client, officer).headers["Location"] == "/sign-in/set-up-authenticator"
        set_up = page(client.get("/sign-in/set-up-authenticator"))
        db.session.refresh(officer)
        secret = officer.totp_secret
        assert set_up.select_one("img")["src"].startswith("data:image/svg+xml")
        assert set_up.select_one("img")["alt"].startswith("QR code")
        assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in set_up.get_text()
        assert client.get("/admin/users").status_code == 302, "not signed in yet"

        response = client.submit("/sign-in/set-up-authenticator", {"code": pyotp.TOTP(secret).now()})
        assert response.status_code == 200
        shown = page(response)
        assert shown.h1.get_text(strip=True) == "Save your recovery codes"
        assert len(shown.select(".app-recovery-codes li")) == 10
        button = shown.select_one("main a.govuk-button")
        assert button.get_text(strip=True) == "I have saved my recovery codes"
        assert button["href"] == "/account"
        assert client.get("/admin/users").status_code == 200
        assert "Two-step verification" in page(client.get("/account")).get_text()


class TestGuard:
    def test_a_role_given_mid_session_sends_the_person_to_set_up(self, client, make_user):
        person = make_user()
        start_sign_in(client, person)  # an applicant: password only
        assert client.get("/account").status_code == 200
        services.set_roles(person, {Role.GRANTS_OFFICER}, actor=SYSTEM)
        db.session.flush()
        assert client.get("/account").headers["Location"] == "/sign-in/set-up-authenticator"
        assert client.get("/").status_code == 200, "public pages stay open"
        set_up = page(client.get("/sign-in/set-up-authenticator"))
        db.session.refresh(person)
        csrf_token = set_up.select_one("input[name=csrf_token]")["value"]  # the only page open to them
        code = pyotp.TOTP(person.totp_secret).now()
        client.post("/sign-in/set-up-authenticator", data={"csrf_token": csrf_token, "code": code})
        assert client.get("/account").status_code == 200

    def test_an_invited_officer_sets_up_after_accepting(self, app, make_user):
        officer = make_user(roles={Role.GRANTS_OFFICER})
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = officer.get_id()  # signed in without the second step
        assert client.get("/account").headers["Location"] == "/sign-in/set-up-authenticator"

    def test_a_session_that_skipped_the_code_is_ended(self, app, make_user):
        officer = make_user(roles={Role.GRANTS_OFFICER}, totp=True)
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = officer.get_id()  # a session from before the second step was asked for
        assert client.get("/account").headers["Location"] == "/sign-in"
        assert client.get("/account").headers["Location"].startswith("/sign-in?next=")


class TestAccountPage:
    def test_an_applicant_turns_it_on_and_off(self, applicant_client):
        user = applicant_client.user
        assert "Set up two-step verification" in page(applicant_client.get("/account")).get_text()
        applicant_client.get("/sign-in/set-up-authenticator")
        db.session.refresh(user)
        now = utcnow()
        applicant_client.submit("/sign-in/set-up-authenticator", {"code": code_at(user, now)})
        assert "Recovery codes left" in page(applicant_client.get("/account")).get_text()

        response = applicant_client.submit(
            "/account/two-step-verification/turn-off", {"code": code_at(user, now + timedelta(seconds=30))}
        )
        assert response.headers["Location"] == "/account"
        db.session.refresh(user)
        assert not user.has_second_factor
        changes = [m.context["change"] for m in queued_emails(to=user.email, template="accounts/two_step_changed")]
        assert changes == ["enabled", "disabled"]

    def test_staff_are_not_offered_turning_it_off(self, app, make_user):
        officer = make_user(roles={Role.GRANTS_OFFICER}, totp=True)
        client = sign_in_as(app.test_client(), officer)
        assert "Turn off" not in page(client.get("/account")).get_text()
        assert client.get("/account/two-step-verification/turn-off").headers["Location"] == "/account"

    def test_new_recovery_codes_need_a_current_code(self, app, make_user):
        officer = make_user(roles={Role.GRANTS_OFFICER}, totp=True)
        second_factor._new_recovery_codes(officer, now=utcnow())
        client = sign_in_as(app.test_client(), officer)
        response = client.submit("/account/two-step-verification/recovery-codes", {"code": "000000"})
        assert error_messages(response) == [second_factor.CodeRefused().message]
        response = client.submit("/account/two-step-verification/recovery-codes", {"code": code_at(officer, utcnow())})
        assert len(page(response).select(".app-recovery-codes li")) == 10


class TestAdministratorReset:
    def test_reset_ends_sessions_emails_and_makes_them_set_up_again(self, app, admin_client, make_user):
        officer = make_user(roles={Role.GRANTS_OFFICER}, totp=True)
        officer_client = sign_in_as(app.test_client(), officer)
        assert "Reset two-step verification" in page(admin_client.get(f"/admin/users/{officer.id}")).get_text()

        admin_client.submit(f"/admin/users/{officer.id}/reset-two-step-verification")
        db.session.refresh(officer)
        assert not officer.has_second_factor
        assert officer_client.get("/account").status_code == 302, "their session has ended"
        assert queued_emails(to=officer.email, template="accounts/two_step_changed")[-1].context["change"] == "reset"
        event = db.session.query(AuditEvent).filter_by(action="user.second_factor_reset").one()
        assert event.actor_id == admin_client.user.id

        fresh = app.test_client()
        assert start_sign_in(fresh, officer).headers["Location"] == "/sign-in/set-up-authenticator"


@pytest.mark.parametrize(
    ("change", "subject", "says"),
    [
        ("enabled", "Two-step verification is on", "is now on"),
        ("disabled", "Two-step verification is off", "is now off"),
        ("reset", "Your two-step verification has been reset", "An administrator has reset"),
        ("recovery_code_used", "A recovery code was used to sign in", "You have 3 recovery codes left"),
        ("recovery_codes_replaced", "You have new recovery codes", "Your old codes no longer work"),
    ],
)
def test_each_change_has_its_own_email(app, change, subject, says):
    with app.app_context():
        email = render_email("accounts/two_step_changed", {"full_name": "Ruth Ellis", "change": change, "left": 3})
    assert email.subject == subject
    assert says in email.text
    assert says in email.html
