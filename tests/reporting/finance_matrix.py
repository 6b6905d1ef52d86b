"""Permission matrix rows for the finance report (see tests/matrix.py).

The page, its CSV files and its spreadsheet are for grants officers and finance; every other signed-in person gets
a 403, and a visitor is sent to sign in. The rows need no objects of their own: the report reads whatever exists.
A bad filter on a download sends officers and finance back to the page (a 302) and everyone else still gets a 403."""

from tests.matrix import ANON, OFFICER, Row, everyone, fixed

FINANCE = "finance_client"


def staff(status: int = 200) -> dict[str, int]:
    return {**everyone(403), ANON: 302, OFFICER: status, FINANCE: status}


ROWS = [
    Row("report_finance.show_finance", fixed("/reports/finance"), staff()),
    Row("report_finance.show_finance", fixed("/reports/finance?year=1066&round=abc"), staff()),
    Row("report_finance.download_table", fixed("/reports/finance/by-round.csv"), staff()),
    Row("report_finance.download_table", fixed("/reports/finance/by-month.csv?year=2026"), staff()),
    Row("report_finance.download_table", fixed("/reports/finance/clawback.csv?fund=x"), staff(302)),
    Row("report_finance.download_workbook", fixed("/reports/finance.xlsx"), staff()),
]


def make_objects(make_user, applicant):
    return {}
