"""Whatever is typed or sent into any form, the answer is a page, never a server error."""

import pytest

from grantsfund.accounts import services
from grantsfund.accounts.models import Role, TokenPurpose
from grantsfund.common.dates import utcnow
from tests.fuzzing import assert_no_server_error


@pytest.fixture
def urls(make_user):
    person = make_user(email="reset@example.org")
    invited = make_user(email="invited@example.gov.uk", password=None, roles={Role.ASSESSOR})
    return {
        "person": person.id,
        "reset_token": services.issue_token(person, TokenPurpose.RESET_PASSWORD, now=utcnow()),
        "invite_token": services.issue_token(invited, TokenPurpose.INVITATION, now=utcnow()),
    }


FORMS = [
    ("anonymous_client", "/register", ["full_name", "email", "password"]),
    ("anonymous_client", "/sign-in", ["email", "password"]),
    ("anonymous_client", "/forgot-password", ["email"]),
    ("anonymous_client", "/confirm-your-email", ["email"]),
    ("anonymous_client", "/reset-password/{reset_token}", ["password", "confirm"]),
    ("anonymous_client", "/invitation/{invite_token}", ["password", "confirm"]),
    ("applicant_client", "/account/password", ["current_password", "password", "confirm"]),
    ("admin_client", "/admin/users/invite", ["full_name", "email", "roles"]),
    ("admin_client", "/admin/users/{person}/roles", ["roles"]),
]


@pytest.mark.parametrize(("role", "url", "fields"), FORMS, ids=[url for _, url, _ in FORMS])
def test_no_form_input_causes_a_server_error(role, url, fields, client_for, urls):
    assert_no_server_error(client_for(role), url.format(**urls), fields)


def test_no_audit_filter_causes_a_server_error(admin_client):
    fields = ["action", "object_type", "object_id", "actor_email", "date_from", "date_to", "page"]
    assert_no_server_error(admin_client, "/admin/audit", fields, method="GET")
