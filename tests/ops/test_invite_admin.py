"""`flask accounts invite-admin`: a new installation's first administrator is invited by email and sets their own
password; nobody types a password on the command line."""

from __future__ import annotations

from grantsfund.accounts.models import Role
from grantsfund.accounts.services import find_user_by_email
from tests.conftest import queued_emails


def test_the_first_administrator_is_invited_by_email(app):
    result = app.test_cli_runner().invoke(args=["accounts", "invite-admin", "Ada@Northbrook.gov.uk", "Ada Okafor"])
    assert result.exit_code == 0, result.output
    assert "Ada Okafor <ada@northbrook.gov.uk> is an administrator" in result.output
    user = find_user_by_email("ada@northbrook.gov.uk")
    assert user is not None
    assert user.roles == {Role.ADMINISTRATOR}
    assert not user.has_password
    [email] = queued_emails(template="accounts/invitation")
    assert email.recipient == "ada@northbrook.gov.uk"


def test_an_existing_account_gains_the_role(app, make_user):
    officer = make_user(email="officer@northbrook.gov.uk", roles={Role.GRANTS_OFFICER})
    result = app.test_cli_runner().invoke(args=["accounts", "invite-admin", officer.email, officer.full_name])
    assert result.exit_code == 0, result.output
    assert officer.roles == {Role.GRANTS_OFFICER, Role.ADMINISTRATOR}
