"""Accounts rules, called as the views call them, on the database."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from grantsfund.accounts import services
from grantsfund.accounts.models import Role
from grantsfund.audit.models import AuditEvent
from grantsfund.common.actor import Actor
from grantsfund.common.dates import utcnow
from grantsfund.common.errors import DomainError
from grantsfund.extensions import db
from tests.conftest import PASSWORD, link_token, queued_emails

VISITOR = Actor(user=None, ip_address="203.0.113.9")


def audit_actions(user):
    return [
        event.action
        for event in db.session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == "user", AuditEvent.object_id == str(user.id))
        )
    ]


class TestRegister:
    def test_creates_an_unverified_applicant_and_emails_a_confirmation_link(self):
        services.register(full_name="Amira Khan", email=" Amira@Example.org ", password=PASSWORD, actor=VISITOR)
        user = services.find_user_by_email("amira@example.org")
        assert user.roles == {Role.APPLICANT}
        assert not user.is_verified
        assert user.password_hash.startswith("$argon2id$")
        [email] = queued_emails(to="amira@example.org")
        assert email.template == "accounts/verify_email"
        assert audit_actions(user) == ["user.registered"]
        event = db.session.scalars(select(AuditEvent)).one()
        assert event.ip_address == "203.0.113.9"

    def test_an_existing_address_is_told_by_email_and_nothing_else_changes(self, make_user):
        existing = make_user(email="taken@example.org")
        services.register(full_name="Someone", email="taken@example.org", password=PASSWORD, actor=VISITOR)
        assert [m.template for m in queued_emails(to="taken@example.org")] == ["accounts/already_registered"]
        assert existing.full_name == "Test Person"
        assert audit_actions(existing) == []

    @pytest.mark.parametrize(
        ("password", "message"),
        [
            ("short", "Password must be 12 characters or more"),
            ("password1234", "This password is too common. Try three random words, like ‘kettle river orange’"),
            ("qwertyuiop12", "This password is too common. Try three random words, like ‘kettle river orange’"),
            ("amira-khan-rocks", "Password must not contain your name or email address"),
            ("x" * 257, "Password must be 256 characters or fewer"),
        ],
    )
    def test_weak_passwords_are_refused_with_a_reason(self, password, message):
        with pytest.raises(DomainError) as error:
            services.register(full_name="Amira Khan", email="amira@example.org", password=password, actor=VISITOR)
        assert error.value.message == message
        assert error.value.field == "password"
        assert services.find_user_by_email("amira@example.org") is None


class TestVerifyEmail:
    def register(self):
        services.register(full_name="Amira Khan", email="amira@example.org", password=PASSWORD, actor=VISITOR)
        return link_token(queued_emails(to="amira@example.org")[-1])

    def test_the_emailed_link_verifies_once(self):
        token = self.register()
        user = services.verify_email(token, actor=VISITOR)
        assert user.is_verified
        with pytest.raises(services.InvalidToken):
            services.verify_email(token, actor=VISITOR)

    def test_the_link_expires_after_48_hours(self):
        token = self.register()
        with pytest.raises(services.InvalidToken):
            services.verify_email(token, actor=VISITOR, now=utcnow() + timedelta(hours=48, seconds=1))

    def test_a_new_link_replaces_the_old_one(self):
        first = self.register()
        services.resend_verification(email="amira@example.org")
        second = link_token(queued_emails(to="amira@example.org")[-1])
        assert services.find_valid_token(first, services.TokenPurpose.VERIFY_EMAIL) is None
        assert services.verify_email(second, actor=VISITOR).is_verified


class TestAuthenticate:
    def test_right_password_signs_in_and_clears_failures(self, make_user):
        user = make_user(email="a@example.org")
        user.failed_sign_ins = 3
        signed_in = services.authenticate(email="A@example.org ", password=PASSWORD, actor=VISITOR)
        assert signed_in is user
        assert user.failed_sign_ins == 0
        assert user.last_signed_in_at is not None
        assert "user.signed_in" in audit_actions(user)

    def test_unknown_email_and_wrong_password_fail_the_same_way(self, make_user):
        make_user(email="a@example.org")
        with pytest.raises(services.SignInFailed) as unknown:
            services.authenticate(email="nobody@example.org", password=PASSWORD, actor=VISITOR)
        with pytest.raises(services.SignInFailed) as wrong:
            services.authenticate(email="a@example.org", password="not the password", actor=VISITOR)
        assert unknown.value.message == wrong.value.message == "Enter a correct email address and password"

    def test_unverified_people_are_asked_to_confirm_their_email(self, make_user):
        make_user(email="a@example.org", verified=False)
        with pytest.raises(services.EmailNotVerified):
            services.authenticate(email="a@example.org", password=PASSWORD, actor=VISITOR)

    def test_repeated_failures_lock_the_account_for_a_while_and_email_the_owner(self, app, make_user):
        user = make_user(email="a@example.org")
        now = utcnow()
        for _ in range(app.config["LOCKOUT_THRESHOLD"]):
            with pytest.raises(services.SignInFailed):
                services.authenticate(email="a@example.org", password="wrong password!", actor=VISITOR, now=now)
        assert user.locked_until == now + timedelta(minutes=app.config["LOCKOUT_MINUTES"])
        assert [m.template for m in queued_emails(to="a@example.org")] == ["accounts/account_locked"]
        # Even the right password is refused while locked, with the same message.
        with pytest.raises(services.SignInFailed):
            services.authenticate(email="a@example.org", password=PASSWORD, actor=VISITOR, now=now)
        later = now + timedelta(minutes=app.config["LOCKOUT_MINUTES"], seconds=1)
        assert services.authenticate(email="a@example.org", password=PASSWORD, actor=VISITOR, now=later) is user

    def test_each_failure_after_a_lock_pauses_sign_in_twice_as_long_up_to_a_day(self, app, make_user):
        make_user(email="a@example.org")
        now = utcnow()
        for _ in range(app.config["LOCKOUT_THRESHOLD"]):
            with pytest.raises(services.SignInFailed):
                services.authenticate(email="a@example.org", password="wrong password!", actor=VISITOR, now=now)
        pauses = []
        for _ in range(8):
            user = services.find_user_by_email("a@example.org")
            now = user.locked_until + timedelta(seconds=1)
            with pytest.raises(services.SignInFailed):
                services.authenticate(email="a@example.org", password="wrong password!", actor=VISITOR, now=now)
            pauses.append(int((user.locked_until - now).total_seconds() // 60))
        minutes = app.config["LOCKOUT_MINUTES"]
        assert pauses == [min(minutes * 2**n, 24 * 60) for n in range(1, 9)]
        assert pauses[-1] == 24 * 60
        # The right password, once the pause is over, signs in and starts the count again.
        later = user.locked_until + timedelta(seconds=1)
        assert services.authenticate(email="a@example.org", password=PASSWORD, actor=VISITOR, now=later) is user
        assert user.failed_sign_ins == 0

    def test_a_lock_on_one_account_does_not_touch_another(self, app, make_user):
        make_user(email="a@example.org")
        other = make_user(email="b@example.org")
        for _ in range(app.config["LOCKOUT_THRESHOLD"]):
            with pytest.raises(services.SignInFailed):
                services.authenticate(email="a@example.org", password="wrong password!", actor=VISITOR)
        assert services.authenticate(email="b@example.org", password=PASSWORD, actor=VISITOR) is other

    def test_disabled_accounts_cannot_sign_in(self, make_user):
        admin = make_user(roles={Role.ADMINISTRATOR})
        user = make_user(email="a@example.org")
        services.disable_user(user, actor=Actor(admin))
        with pytest.raises(services.SignInFailed):
            services.authenticate(email="a@example.org", password=PASSWORD, actor=VISITOR)


class TestSessions:
    def test_signing_out_ends_every_session(self, make_user):
        user = make_user()
        session_id = user.get_id()
        assert services.load_session_user(session_id) is user
        services.sign_out(user, actor=Actor(user))
        assert services.load_session_user(session_id) is None
        assert services.load_session_user(user.get_id()) is user

    def test_changing_the_password_ends_other_sessions(self, make_user):
        user = make_user()
        old_session = user.get_id()
        services.change_password(
            user, current_password=PASSWORD, new_password="lantern-meadow-copper", actor=Actor(user)
        )
        assert services.load_session_user(old_session) is None
        assert services.authenticate(email=user.email, password="lantern-meadow-copper", actor=VISITOR) is user
        assert [m.template for m in queued_emails(to=user.email)] == ["accounts/password_changed"]

    def test_changing_the_password_needs_the_current_one(self, make_user):
        user = make_user()
        with pytest.raises(DomainError) as error:
            services.change_password(
                user, current_password="wrong", new_password="lantern-meadow-copper", actor=Actor(user)
            )
        assert error.value.field == "current_password"

    def test_disabling_ends_sessions(self, make_user):
        admin = make_user(roles={Role.ADMINISTRATOR})
        user = make_user()
        session_id = user.get_id()
        services.disable_user(user, actor=Actor(admin))
        assert services.load_session_user(session_id) is None
        services.enable_user(user, actor=Actor(admin))
        assert services.load_session_user(user.get_id()) is user
        assert audit_actions(user)[-2:] == ["user.disabled", "user.enabled"]

    def test_a_session_loads_every_role_of_the_person(self, make_user):
        user = make_user(roles={Role.PANEL_MEMBER, Role.PANEL_CHAIR, Role.ASSESSOR})
        session_id = user.get_id()
        db.session.expunge_all()
        assert services.load_session_user(session_id).roles == {Role.PANEL_MEMBER, Role.PANEL_CHAIR, Role.ASSESSOR}

    @pytest.mark.parametrize("junk", ["", "abc", "1", "1:", ":token", "999999:token", "x:y"])
    def test_junk_session_ids_are_nobody(self, junk):
        assert services.load_session_user(junk) is None


class TestPasswordReset:
    def test_reset_by_emailed_link_unlocks_and_ends_sessions(self, make_user):
        user = make_user(email="a@example.org")
        user.locked_until = utcnow() + timedelta(minutes=10)
        old_session = user.get_id()
        services.request_password_reset(email="a@example.org")
        token = link_token(queued_emails(to="a@example.org", template="accounts/reset_password")[0])
        services.reset_password(token, password="lantern-meadow-copper", actor=VISITOR)
        assert user.locked_until is None
        assert services.load_session_user(old_session) is None
        assert services.authenticate(email="a@example.org", password="lantern-meadow-copper", actor=VISITOR) is user
        with pytest.raises(services.InvalidToken):
            services.reset_password(token, password="another-good-passphrase", actor=VISITOR)

    def test_reset_links_last_an_hour(self, make_user):
        make_user(email="a@example.org")
        services.request_password_reset(email="a@example.org")
        token = link_token(queued_emails(to="a@example.org")[0])
        with pytest.raises(services.InvalidToken):
            services.reset_password(
                token, password="lantern-meadow-copper", actor=VISITOR, now=utcnow() + timedelta(hours=1, seconds=1)
            )

    def test_unknown_addresses_get_nothing(self):
        services.request_password_reset(email="nobody@example.org")
        assert queued_emails() == []

    def test_a_weak_new_password_keeps_the_link_usable(self, make_user):
        make_user(email="a@example.org")
        services.request_password_reset(email="a@example.org")
        token = link_token(queued_emails(to="a@example.org")[0])
        with pytest.raises(DomainError):
            services.reset_password(token, password="password1234", actor=VISITOR)
        assert services.find_valid_token(token, services.TokenPurpose.RESET_PASSWORD) is not None


class TestStaff:
    def test_an_invited_person_sets_a_password_and_gets_their_roles(self, make_user):
        admin = make_user(roles={Role.ADMINISTRATOR}, full_name="Sam Taylor")
        user = services.invite_staff(
            full_name="Priya Shah", email="priya@example.gov.uk", roles={Role.ASSESSOR}, actor=Actor(admin)
        )
        assert not user.has_password
        [invitation] = queued_emails(to="priya@example.gov.uk")
        assert invitation.context["invited_by"] == "Sam Taylor"
        accepted = services.accept_invitation(link_token(invitation), password="lantern-meadow-copper", actor=VISITOR)
        assert accepted is user
        assert user.is_verified
        assert user.roles == {Role.ASSESSOR}
        assert audit_actions(user) == ["user.invited", "user.invitation_accepted"]

    def test_inviting_an_existing_person_adds_roles(self, make_user):
        admin = make_user(roles={Role.ADMINISTRATOR})
        person = make_user(email="p@example.org")
        services.invite_staff(full_name="P", email="p@example.org", roles={Role.ASSESSOR}, actor=Actor(admin))
        assert person.roles == {Role.APPLICANT, Role.ASSESSOR}
        assert [m.template for m in queued_emails(to="p@example.org")] == ["accounts/roles_changed"]

    def test_roles_change_is_audited_with_before_and_after(self, make_user):
        admin = make_user(roles={Role.ADMINISTRATOR})
        person = make_user()
        services.set_roles(person, {Role.PANEL_MEMBER, Role.PANEL_CHAIR}, actor=Actor(admin, "198.51.100.4"))
        assert person.roles == {Role.PANEL_MEMBER, Role.PANEL_CHAIR}
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.roles_changed")).one()
        assert event.before == {"roles": ["applicant"]}
        assert event.after == {"roles": ["panel_chair", "panel_member"]}
        assert event.actor_id == admin.id
        assert event.ip_address == "198.51.100.4"

    def test_administrators_cannot_remove_their_own_administrator_role_or_disable_themselves(self, make_user):
        admin = make_user(roles={Role.ADMINISTRATOR})
        with pytest.raises(DomainError):
            services.set_roles(admin, {Role.ASSESSOR}, actor=Actor(admin))
        with pytest.raises(DomainError):
            services.disable_user(admin, actor=Actor(admin))
        assert admin.roles == {Role.ADMINISTRATOR}
        assert admin.is_active

    def test_an_invitation_cannot_be_accepted_twice(self, make_user):
        admin = make_user(roles={Role.ADMINISTRATOR})
        services.invite_staff(full_name="P", email="p@example.gov.uk", roles={Role.ASSESSOR}, actor=Actor(admin))
        token = link_token(queued_emails(to="p@example.gov.uk")[0])
        services.accept_invitation(token, password="lantern-meadow-copper", actor=VISITOR)
        with pytest.raises(services.InvalidToken):
            services.accept_invitation(token, password="lantern-meadow-copper", actor=VISITOR)
