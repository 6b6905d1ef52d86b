"""Permission matrix rows for payments (see tests/matrix.py).

Finance works the payments: the dashboard, each instalment's approval, payment, hold, release and cancellation,
the export and the repayments. Grants officers read any agreement's payments; a group's members (applicants) read
their own group's ("ours"), and another group's ("theirs") is a 404 to them. Nobody else sees payments."""

from grantsfund.agreements import termination
from grantsfund.common.dates import london_today
from grantsfund.extensions import db
from grantsfund.payments import services as payments
from tests.agreements.factories import finance_actor
from tests.applications import factories as applications
from tests.matrix import ANON, OFFICER, Row, everyone, fixed, only
from tests.panel.factories import panel
from tests.payments.conftest import grants, instalments, paid
from tests.rounds.factories import officer_actor

APPLICANT = "applicant_client"
FINANCE = "finance_client"
# A date range the export accepts, as its query string.
RANGE = "which=paid&date_from=1&date_from=4&date_from=2026&date_to=31&date_to=3&date_to=2027"


def readers(group: int = 200) -> dict[str, int]:
    """Finance and officers read any agreement's payments; the group's member gets `group`; everyone else 403."""
    return {**everyone(403), ANON: 302, OFFICER: 200, FINANCE: 200, APPLICANT: group}


def _agreement(key):
    return lambda o: f"/payments/agreements/{o[key]}"


def _instalment(tail):
    return lambda o: f"/payments/instalments/{o['instalment']}/{tail}"


def _repayment(o):
    return f"/payments/repayments/{o['termination']}"


ROWS = [
    Row("payments.show_dashboard", fixed("/payments"), only(FINANCE)),
    Row("payments.show_agreement", _agreement("ours"), readers()),
    Row("payments.show_agreement", _agreement("theirs"), readers(group=404)),
    # Working on an (approved) instalment: finance only, whichever group's.
    Row("payments.approve", _instalment("approve"), only(FINANCE, 302), "POST"),
    Row("payments.release", _instalment("release"), only(FINANCE, 302), "POST"),
    Row("payments.record_payment", _instalment("record"), only(FINANCE)),
    Row("payments.record_payment", _instalment("record"), only(FINANCE), "POST", {"reference": ""}),
    Row("payments.hold", _instalment("hold"), only(FINANCE)),
    Row("payments.hold", _instalment("hold"), only(FINANCE), "POST", {"reason": ""}),
    Row("payments.cancel", _instalment("cancel"), only(FINANCE)),
    Row("payments.cancel", _instalment("cancel"), only(FINANCE), "POST", {"reason": ""}),
    # The export.
    Row("payments.export_payments", fixed("/payments/export"), only(FINANCE)),
    Row("payments.download_csv", fixed(f"/payments/export.csv?{RANGE}"), only(FINANCE)),
    Row("payments.download_xlsx", fixed(f"/payments/export.xlsx?{RANGE}"), only(FINANCE)),
    # Repayments.
    Row("payments.list_repayments", fixed("/payments/repayments"), only(FINANCE)),
    Row("payments.show_repayment", _repayment, only(FINANCE)),
    Row("payments.show_repayment", _repayment, only(FINANCE), "POST", {"repaid": ""}),
]


def make_objects(make_user, applicant):
    """Three grants in force: the applicant's group's (its first instalment approved), another group's, and one
    terminated after its first payment with £100 to be paid back."""
    officer = officer_actor(make_user)
    finance = finance_actor(make_user)
    round_ = applications.open_round(make_user, name="Payments matrix round")
    round_.assessors_per_bid = 1
    round_.budget_pence = 5_000_000
    ours, theirs, ended = grants(round_, officer, make_user, panel(make_user), 3, member=applicant)
    first = instalments(ours)[0]
    payments.approve(first, actor=finance)
    paid(instalments(ended)[0], finance)
    stopped = termination.terminate(
        ended, reason="Stopped", terminated_on=london_today(), amount_owed_pence=10_000, actor=officer
    )
    db.session.flush()
    return {"ours": ours.id, "theirs": theirs.id, "instalment": first.id, "termination": stopped.id}
