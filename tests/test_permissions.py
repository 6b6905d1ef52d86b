"""The permission matrix: every route, every role, the status each must get.

Rows live with their stage in `tests/<stage>/matrix.py` (see tests/matrix.py). A new route fails
`test_every_route_is_in_the_matrix` until its row is added.
"""

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter

from grantsfund import policy
from tests.accounts import matrix as foundation
from tests.agreements import matrix as agreements
from tests.applications import matrix as applications
from tests.applications import officer_matrix as officer_applications
from tests.assessment import matrix as assessment
from tests.conftest import ALL_CLIENTS
from tests.matrix import ANON
from tests.monitoring import matrix as monitoring
from tests.monitoring import plan_matrix as sustainability
from tests.organisations import matrix as organisations
from tests.panel import matrix as panel
from tests.payments import matrix as payments
from tests.reporting import finance_matrix as report_finance
from tests.reporting import matrix as reporting
from tests.reporting import summary_matrix as report_rounds
from tests.reporting.opendata import matrix as report_opendata
from tests.rounds import matrix as rounds
from tests.signposting import matrix as signposting

STAGES = [
    foundation,
    organisations,
    rounds,
    applications,
    officer_applications,
    assessment,
    panel,
    signposting,
    agreements,
    payments,
    monitoring,
    sustainability,
    reporting,
    report_finance,
    report_rounds,
    report_opendata,
]
MATRIX = [row for stage in STAGES for row in stage.ROWS]
# Each row needs only its own stage's objects; making every stage's for every row would be slow.
STAGE_OF = {id(row): stage for stage in STAGES for row in stage.ROWS}


@pytest.mark.parametrize("role", ALL_CLIENTS)
@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.endpoint)
def test_permission_matrix(row, role, client_for, make_user, applicant_client):
    client = client_for(role)  # first, so a stage's objects can belong to the role's person (an assessor's own)
    objects = STAGE_OF[id(row)].make_objects(make_user, applicant_client.user)
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


# Emailed one-time links carry an opaque token; every other parameter is a typed id or one of a fixed set.
UNTYPED_PARAMETERS = {"token", "filename"}


def test_url_parameters_are_typed(app):
    for rule in app.url_map.iter_rules():
        for name, converter in rule._converters.items():
            typed = isinstance(converter, IntegerConverter | AnyConverter)
            assert typed or name in UNTYPED_PARAMETERS, rule.rule
