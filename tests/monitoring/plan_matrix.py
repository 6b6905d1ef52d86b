"""Permission matrix rows for sustainability plans and grant closure (see tests/matrix.py).

Officers and finance list the plans and the grants at risk, and review each plan and keep its income up to date;
a group's members (applicants) read their own group's plan and closure record ("ours"), and another group's
("theirs") is a 404 to them. Only grants officers close grants. Nobody else sees any of it."""

from grantsfund.extensions import db
from tests.agreements import factories
from tests.agreements.factories import finance_actor
from tests.applications import factories as applications
from tests.matrix import ANON, OFFICER, Row, everyone, fixed, only
from tests.monitoring import plan_factories
from tests.panel.factories import join_group, panel
from tests.rounds.factories import officer_actor

APPLICANT = "applicant_client"
FINANCE = "finance_client"


def staff(status: int = 200) -> dict[str, int]:
    """Officers and finance; everyone else signed in is refused; visitors are sent to sign in."""
    return {**everyone(403), ANON: 302, OFFICER: status, FINANCE: status}


def readers(group: int = 200) -> dict[str, int]:
    """Staff read any plan or closure record; the group's member gets `group`; everyone else 403."""
    return {**staff(), APPLICANT: group}


def _plan(key, tail=""):
    return lambda o: f"/sustainability/plans/{o[key]}{tail}"


def _grant(key, tail):
    return lambda o: f"/grants/{o[key]}/{tail}"


ROWS = [
    Row("sustainability.list_plans", fixed("/sustainability"), staff()),
    Row("sustainability.show_at_risk", fixed("/sustainability/at-risk"), staff()),
    Row("sustainability.show_plan", _plan("ours_plan"), readers()),
    Row("sustainability.show_plan", _plan("theirs_plan"), readers(group=404)),
    # Changing a plan (of a grant in force): staff only, whichever group's. A form sent wrong is shown again.
    Row("sustainability.edit_income", _plan("open_plan", "/income"), staff()),
    Row("sustainability.edit_income", _plan("open_plan", "/income"), staff(), "POST", {"income-0-source": "Lottery"}),
    Row("sustainability.review_plan", _plan("open_plan", "/review"), staff()),
    Row("sustainability.review_plan", _plan("open_plan", "/review"), staff(), "POST", {"note": ""}),
    # Closing: grants officers only. The grant is not ready, so the page says what stands in the way.
    Row("sustainability.list_ready_to_close", fixed("/grants/ready-to-close"), only(OFFICER)),
    Row("sustainability.close_grant", _grant("open", "close"), only(OFFICER)),
    Row("sustainability.close_grant", _grant("open", "close"), only(OFFICER), "POST", {"lessons": ""}),
    Row("sustainability.show_closure", _grant("ours", "closure"), readers()),
    Row("sustainability.show_closure", _grant("theirs_closed", "closure"), readers(group=404)),
]


def make_objects(make_user, applicant):
    """Three grants: the applicant's group's, closed; another group's in force; and another group's closed."""
    officer = officer_actor(make_user)
    finance = finance_actor(make_user)
    round_ = applications.open_round(make_user, name="Sustainability matrix round")
    round_.assessors_per_bid = 1
    round_.budget_pence = 5_000_000
    bids = factories.approved(round_, officer, make_user, panel(make_user), 3)
    join_group(bids[0], applicant)
    ours, open_, theirs_closed = (factories.accepted(bid, officer) for bid in bids)
    plan_factories.closed(ours, officer, finance)
    plan_factories.closed(theirs_closed, officer, finance)
    db.session.flush()
    return {
        "ours": ours.id,
        "open": open_.id,
        "theirs_closed": theirs_closed.id,
        "ours_plan": plan_factories.plan_of(ours).id,
        "theirs_plan": plan_factories.plan_of(theirs_closed).id,
        "open_plan": plan_factories.plan_of(open_).id,
    }
