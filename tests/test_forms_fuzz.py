"""Whatever is typed or sent into any form, the answer is a page, never a server error."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grantsfund.accounts import services
from grantsfund.accounts.models import Role, TokenPurpose
from grantsfund.common.dates import utcnow
from grantsfund.extensions import limiter

FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

values = st.one_of(
    st.text(max_size=300),
    st.lists(st.text(max_size=30), max_size=4),
    st.sampled_from(["", " ", "applicant", "administrator", "a@example.org", "31/2/2026", "£1,000.00", "x" * 5000]),
)


def form_data(fields):
    return st.fixed_dictionaries({}, optional=dict.fromkeys(fields, values))


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
    client = client_for(role)
    target = url.format(**urls)

    @FUZZ
    @given(data=form_data(fields))
    def post(data):
        limiter.reset()
        response = client.submit(target, data)
        assert response.status_code < 500, data

    post()


def test_no_audit_filter_causes_a_server_error(admin_client):
    @FUZZ
    @given(data=form_data(["action", "object_type", "object_id", "actor_email", "date_from", "date_to", "page"]))
    def search(data):
        response = admin_client.get("/admin/audit", query_string=data)
        assert response.status_code < 500, data

    search()
