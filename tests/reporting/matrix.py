"""Permission matrix rows for reporting (see tests/matrix.py).

The outcomes portfolio and its CSV are for grants officers and finance; every other signed-in person gets a 403,
and a visitor is sent to sign in. The rows need no objects of their own: the pages read whatever grants exist."""

from tests.matrix import ANON, OFFICER, Row, everyone, fixed

FINANCE = "finance_client"


def staff() -> dict[str, int]:
    return {**everyone(403), ANON: 302, OFFICER: 200, FINANCE: 200}


ROWS = [
    Row("reporting.list_reports", fixed("/reports"), staff()),
    Row("reporting.show_portfolio", fixed("/reports/portfolio"), staff()),
    Row("reporting.show_portfolio", fixed("/reports/portfolio?round=abc"), staff()),
    Row("reporting.download_portfolio", fixed("/reports/portfolio.csv"), staff()),
]


def make_objects(make_user, applicant):
    return {}
