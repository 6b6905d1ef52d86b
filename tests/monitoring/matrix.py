"""Permission matrix rows for monitoring returns (see tests/matrix.py).

A group's members (applicants) start, write and send their own group's returns ("ours"); another group's ("theirs")
is a 404 to them at every URL. Grants officers read every return and review them; finance reads them (never
reviews); nobody else sees returns. Each grant has period 1's return sent (waiting for review) and period 2's in
progress with a file of evidence."""

from grantsfund.extensions import db
from grantsfund.monitoring import returns
from tests.applications import factories as applications
from tests.matrix import ANON, OFFICER, Row, everyone, only
from tests.monitoring.factories import PNG, member_of, running, started, submitted
from tests.panel.factories import panel
from tests.payments.conftest import grants
from tests.rounds.factories import officer_actor

APPLICANT = "applicant_client"
FINANCE = "finance_client"


def readers(group: int = 200, staff: int = 200) -> dict[str, int]:
    """Officers and finance read any grant's returns; the group's member gets `group`; everyone else 403."""
    return {**everyone(403), ANON: 302, OFFICER: staff, FINANCE: staff, APPLICANT: group}


def writers(group: int = 200) -> dict[str, int]:
    """Only the group's members write and send its returns; staff may not (403)."""
    return {**everyone(403), ANON: 302, APPLICANT: group}


def _grant(key, tail=""):
    return lambda o: f"/monitoring/agreements/{o[key + '_grant']}{tail}"


def _return(key, tail=""):
    return lambda o: f"/monitoring/returns/{o[key]}{tail}"


def _evidence(key, tail=""):
    return lambda o: f"/monitoring/evidence/{o[key]}{tail}"


ROWS = [
    # The officers' list.
    Row("monitoring.list_returns", lambda o: "/monitoring", only(OFFICER)),
    # A grant's returns.
    Row("monitoring.agreement_returns", _grant("ours"), readers()),
    Row("monitoring.agreement_returns", _grant("theirs"), readers(group=404)),
    # Starting one (period 2's is started already: the group is taken to it); a period the grant lacks is a 404.
    Row("monitoring.start_return", _grant("ours", "/periods/2/start"), writers(302), "POST"),
    Row("monitoring.start_return", _grant("ours", "/periods/99/start"), writers(404), "POST"),
    Row("monitoring.start_return", _grant("theirs", "/periods/2/start"), writers(404), "POST"),
    # A return's task list.
    Row("monitoring.show_return", _return("ours"), readers()),
    Row("monitoring.show_return", _return("theirs"), readers(group=404)),
    # Its sections (an answer missing is shown on the page).
    Row("monitoring.edit_section", _return("ours", "/progress"), writers()),
    Row("monitoring.edit_section", _return("ours", "/spend"), writers(), "POST", {"completed": "yes"}),
    Row("monitoring.edit_section", _return("theirs", "/progress"), writers(404)),
    Row("monitoring.edit_section", _return("theirs", "/progress"), writers(404), "POST", {"completed": ""}),
    # A return sent for review is not changed: the group is taken back to it.
    Row("monitoring.edit_section", _return("ours_sent", "/risks"), writers(302)),
    Row("monitoring.edit_evidence", _return("ours", "/evidence"), writers()),
    Row("monitoring.edit_evidence", _return("ours", "/evidence"), writers(), "POST", {"completed": ""}),
    Row("monitoring.edit_evidence", _return("theirs", "/evidence"), writers(404)),
    Row("monitoring.upload_evidence", _return("ours", "/evidence/upload"), writers(), "POST", {"description": ""}),
    Row("monitoring.upload_evidence", _return("theirs", "/evidence/upload"), writers(404), "POST"),
    # Evidence: read by staff and the group; removed by the group.
    Row("monitoring.download_evidence", _evidence("ours_file"), readers()),
    Row("monitoring.download_evidence", _evidence("theirs_file"), readers(group=404)),
    Row("monitoring.remove_evidence", _evidence("ours_file", "/remove"), writers(302), "POST"),
    Row("monitoring.remove_evidence", _evidence("theirs_file", "/remove"), writers(404), "POST"),
    # Checking and sending (sections still to complete are listed on the page).
    Row("monitoring.check_answers", _return("ours", "/submit"), writers()),
    Row("monitoring.check_answers", _return("ours", "/submit"), writers(), "POST"),
    Row("monitoring.check_answers", _return("theirs", "/submit"), writers(404), "POST"),
    Row("monitoring.show_confirmation", _return("ours_sent", "/confirmation"), writers()),
    Row("monitoring.show_confirmation", _return("theirs_sent", "/confirmation"), writers(404)),
    # Versions sent: read by staff and the group; a version not sent is a 404.
    Row("monitoring.show_version", _return("ours_sent", "/versions/1"), readers()),
    Row("monitoring.show_version", _return("ours_sent", "/versions/2"), readers(group=404, staff=404)),
    Row("monitoring.show_version", _return("theirs_sent", "/versions/1"), readers(group=404)),
    # The review: grants officers (a decision missing is shown on the page).
    Row("monitoring.review_return", _return("ours_sent", "/review"), only(OFFICER)),
    Row("monitoring.review_return", _return("theirs_sent", "/review"), only(OFFICER), "POST", {"decision": ""}),
]


def make_objects(make_user, applicant):
    """Two grants in force, the applicant's group's and another's, 200 days in: period 1's return sent, period
    2's started with a file."""
    officer = officer_actor(make_user)
    round_ = applications.open_round(make_user, name="Monitoring matrix round")
    round_.assessors_per_bid = 1
    round_.budget_pence = 5_000_000
    made = {}
    for key, agreement in zip(
        ("ours", "theirs"), grants(round_, officer, make_user, panel(make_user), 2, member=applicant), strict=True
    ):
        running(agreement, days_in=200)
        made[f"{key}_grant"] = agreement.id
        made[f"{key}_sent"] = submitted(agreement, 1).id
        ret = started(agreement, 2)
        made[key] = ret.id
        evidence = returns.add_evidence(
            ret, filename="register.png", data=PNG, description="The register", actor=member_of(agreement)
        )
        made[f"{key}_file"] = evidence.id
    db.session.flush()
    return made
