"""Whatever is typed or sent into any organisations form, the answer is a page, never a server error."""

import pytest

from grantsfund.common.actor import Actor
from grantsfund.organisations import services
from tests.fuzzing import assert_no_server_error
from tests.organisations import factories

EXTRA_VALUES = ["registered_charity", "cic", "accounts", "approve", "NB1 2AB", "SC012345"]


PROFILE = [
    "name", "legal_form", "charity_number", "company_number", "address_line_1", "address_line_2", "town", "postcode",
    "ward_id", "annual_income", "year_established", "has_safeguarding_policy", "has_equality_policy", "contact_name",
    "contact_email", "contact_phone",
]  # fmt: skip


@pytest.fixture
def urls(applicant_client, make_user):
    other = make_user()
    group = factories.organisation(applicant_client.user, other)
    join_request = services.request_to_join(group, actor=Actor(make_user()))
    invited = make_user(email="invited@example.org")
    token = services.invite_member(group, email=invited.email, actor=Actor(applicant_client.user))
    return {"group": group.id, "join_request": join_request.id, "member": other.id, "token": token}


FORMS = [
    ("applicant_client", "/organisations/new", PROFILE),
    ("applicant_client", "/organisations/{group}/edit", PROFILE),
    ("applicant_client", "/organisations/join", ["organisation_id"]),
    ("applicant_client", "/organisations/{group}/join-requests/{join_request}", ["decision"]),
    ("applicant_client", "/organisations/{group}/members/invite", ["email"]),
    ("applicant_client", "/organisations/{group}/switch", ["submit"]),
    ("applicant_client", "/organisations/{group}/documents/new", ["kind", "dated", "file"]),
    ("applicant_client", "/organisation-invitation/{token}", ["submit"]),
    ("anonymous_client", "/organisation-invitation/{token}", ["submit"]),
]


@pytest.mark.parametrize(("role", "url", "fields"), FORMS, ids=[f"{role}:{url}" for role, url, _ in FORMS])
def test_no_form_input_causes_a_server_error(role, url, fields, client_for, urls):
    assert_no_server_error(client_for(role), url.format(**urls), fields, extra_values=EXTRA_VALUES)


def test_no_search_causes_a_server_error(applicant_client):
    for url in ("/organisations/join", "/organisations"):
        assert_no_server_error(applicant_client, url, ["name", "page"], method="GET")
