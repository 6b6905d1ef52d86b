"""The permission matrix: every route, every role, the status each must get.

A new route fails `test_every_route_is_in_the_matrix` until its row is added here.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from werkzeug.routing import IntegerConverter

from grantsfund import policy
from grantsfund.accounts.models import Role
from grantsfund.extensions import db
from tests.conftest import ALL_CLIENTS

ANON = "anonymous_client"
ADMIN = "admin_client"


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ALL_CLIENTS, status)


def signed_in(status: int = 200, anonymous: int = 302) -> dict[str, int]:
    return {**everyone(status), ANON: anonymous}


def admin_only(status: int = 200) -> dict[str, int]:
    return {**everyone(403), ANON: 302, ADMIN: status}


@dataclass(frozen=True)
class Row:
    endpoint: str
    url: Callable[[dict], str]
    expected: dict[str, int]
    method: str = "GET"
    data: dict | None = None


def fixed(url: str) -> Callable[[dict], str]:
    return lambda objects: url


MATRIX = [
    Row("pages.home", fixed("/"), everyone(200)),
    Row("pages.accessibility", fixed("/accessibility"), everyone(200)),
    Row("pages.privacy", fixed("/privacy"), everyone(200)),
    Row("pages.cookies", fixed("/cookies"), everyone(200)),
    Row("pages.health", fixed("/health"), everyone(200)),
    Row("accounts.register", fixed("/register"), everyone(200)),
    Row("accounts.check_email", fixed("/check-your-email"), everyone(200)),
    Row("accounts.verify_email", fixed("/verify-email/expired-token"), everyone(200)),
    Row("accounts.resend_verification", fixed("/confirm-your-email"), everyone(200)),
    Row("accounts.sign_in", fixed("/sign-in"), signed_in(302, anonymous=200)),
    Row("accounts.sign_out", fixed("/sign-out"), signed_in(302), method="POST"),
    Row("accounts.forgot_password", fixed("/forgot-password"), everyone(200)),
    Row("accounts.reset_password", fixed("/reset-password/expired-token"), everyone(200)),
    Row("accounts.accept_invitation", fixed("/invitation/expired-token"), everyone(200)),
    Row("accounts.account", fixed("/account"), signed_in(200)),
    Row("accounts.change_password", fixed("/account/password"), signed_in(200)),
    Row("admin.list_users", fixed("/admin/users"), admin_only()),
    Row("admin.invite_user", fixed("/admin/users/invite"), admin_only()),
    Row("admin.show_user", lambda o: f"/admin/users/{o['person'].id}", admin_only()),
    Row(
        "admin.update_roles",
        lambda o: f"/admin/users/{o['person'].id}/roles",
        admin_only(302),
        method="POST",
        data={"roles": ["applicant", "assessor"]},
    ),
    Row("admin.disable_user", lambda o: f"/admin/users/{o['person'].id}/disable", admin_only(302), method="POST"),
    Row("admin.enable_user", lambda o: f"/admin/users/{o['person'].id}/enable", admin_only(302), method="POST"),
    Row(
        "admin.resend_invitation",
        lambda o: f"/admin/users/{o['invited'].id}/resend-invitation",
        admin_only(302),
        method="POST",
    ),
    Row("audit.list_events", fixed("/admin/audit"), admin_only()),
    Row("audit.show_event", lambda o: f"/admin/audit/{o['event'].id}", admin_only()),
    Row("notifications.list_messages", fixed("/admin/outbox"), admin_only()),
    Row(
        "notifications.retry_message",
        lambda o: f"/admin/outbox/{o['message'].id}/retry",
        admin_only(302),
        method="POST",
    ),
]


@pytest.fixture
def objects(make_user):
    from grantsfund.audit.services import record
    from grantsfund.common.actor import Actor
    from grantsfund.notifications.models import OutboxStatus
    from grantsfund.notifications.services import queue_email

    person = make_user(full_name="Someone Else")
    invited = make_user(full_name="Invited Person", password=None, roles={Role.ASSESSOR})
    message = queue_email(to="someone@example.org", template="accounts/password_changed", context={"full_name": "S"})
    message.status = OutboxStatus.FAILED
    event = record(actor=Actor.system(), action="user.seeded", obj=person)
    db.session.flush()
    return {"person": person, "invited": invited, "message": message, "event": event}


@pytest.mark.parametrize("role", ALL_CLIENTS)
@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.endpoint)
def test_permission_matrix(row, role, client_for, objects):
    client = client_for(role)
    url = row.url(objects)
    response = client.get(url) if row.method == "GET" else client.submit(url, row.data)
    assert response.status_code == row.expected[role], f"{role} {row.method} {url}"
    if role == ANON and row.expected[ANON] == 302:
        assert response.headers["Location"].startswith("/sign-in?next=")


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - {"static"}
    assert endpoints == {row.endpoint for row in MATRIX}


def test_every_row_names_every_role():
    for row in MATRIX:
        assert set(row.expected) == set(ALL_CLIENTS), row.endpoint


def test_every_view_declares_its_policy(app):
    undeclared = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and getattr(view, "policy", None) is None
    ]
    assert undeclared == []


def test_declared_policies_are_known_rules(app):
    for endpoint, view in app.view_functions.items():
        if endpoint != "static":
            assert view.policy == policy.PUBLIC or view.policy in policy.ROLE_RULES, endpoint


def test_get_only_routes_never_commit(app):
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if rule.methods <= {"GET", "HEAD", "OPTIONS"}:
            assert not getattr(view, "commits", False), f"{rule.rule} changes state on GET"


def test_paths_are_kebab_case(app):
    for rule in app.url_map.iter_rules():
        static_parts = [part for part in rule.rule.split("/") if part and not part.startswith("<")]
        for part in static_parts:
            assert part == part.lower(), rule.rule
            assert "_" not in part, rule.rule


# Emailed one-time links carry an opaque token; every other parameter is a typed id.
UNTYPED_PARAMETERS = {"token", "filename"}


def test_url_parameters_are_typed(app):
    for rule in app.url_map.iter_rules():
        for name, converter in rule._converters.items():
            assert isinstance(converter, IntegerConverter) or name in UNTYPED_PARAMETERS, rule.rule
