"""Permission matrix rows for the round summary and the equality monitoring report (see tests/matrix.py).

The pages, their CSV files and their spreadsheets are for grants officers and finance; every other signed-in person
gets a 403, and a visitor is sent to sign in. The rows need no objects of their own: the reports read whatever
exists. A bad filter on a download sends officers and finance back to the page (a 302); everyone else still gets
a 403."""

from tests.matrix import ANON, OFFICER, Row, everyone, fixed

FINANCE = "finance_client"


def staff(status: int = 200) -> dict[str, int]:
    return {**everyone(403), ANON: 302, OFFICER: status, FINANCE: status}


ROWS = [
    Row("report_rounds.show_round_summary", fixed("/reports/rounds"), staff()),
    Row("report_rounds.show_round_summary", fixed("/reports/rounds?fund=&round=abc"), staff()),
    Row("report_rounds.download_round_summary", fixed("/reports/rounds.xlsx"), staff()),
    Row("report_rounds.download_round_summary", fixed("/reports/rounds.xlsx?round=x"), staff(302)),
    Row("report_rounds.download_round_table", fixed("/reports/rounds/by-theme.csv"), staff()),
    Row("report_rounds.download_round_table", fixed("/reports/rounds/criteria.csv?fund=&round="), staff()),
    Row("report_rounds.show_equality", fixed("/reports/equality"), staff()),
    Row("report_rounds.show_equality", fixed("/reports/equality?fund=-1"), staff()),
    Row("report_rounds.download_equality", fixed("/reports/equality.xlsx"), staff()),
    Row("report_rounds.download_equality_table", fixed("/reports/equality/led-by.csv"), staff()),
    Row("report_rounds.download_equality_table", fixed("/reports/equality/leadership.csv?round=0"), staff(302)),
]


def make_objects(make_user, applicant):
    return {}
