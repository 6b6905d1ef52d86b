"""Permission matrix rows for the 360Giving publication (see tests/matrix.py).

The page and its three downloads are for grants officers and finance (the policy's `publish_open_data`); every
other signed-in person gets a 403, and a visitor is sent to sign in. The downloads are POSTs (each is recorded in
the audit trail): with one valid awarded grant in the database, officers and finance get the file."""

from tests.matrix import ANON, OFFICER, Row, everyone, fixed
from tests.reporting.opendata import factories

FINANCE = "finance_client"


def staff(status: int = 200) -> dict[str, int]:
    return {**everyone(403), ANON: 302, OFFICER: status, FINANCE: status}


ROWS = [
    Row("report_opendata.show_publication", fixed("/reports/360giving"), staff()),
    Row("report_opendata.show_publication", fixed("/reports/360giving?round=abc&since=31&since=2&since=2025"), staff()),
    Row("report_opendata.download", fixed("/reports/360giving/json"), staff(), method="POST"),
    Row("report_opendata.download", fixed("/reports/360giving/xlsx"), staff(), method="POST"),
    Row("report_opendata.download", fixed("/reports/360giving/csv"), staff(), method="POST"),
]


def make_objects(make_user, applicant):
    made = factories.scene(make_user)
    factories.award(made, factories.group())
    return {}
