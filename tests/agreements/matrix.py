"""Permission matrix rows for grant agreements (see tests/matrix.py).

Grants officers draft, change, send, vary and end agreements; finance officers read them (never change them);
a group's members (applicants) read their own agreement once it has been offered, and accept it; administrators
keep the standard terms. The applicant's groups have a draft agreement ("draft", a 404 to them until it is sent),
an offered one ("offered"), one in force ("accepted") and one in force with a variation being prepared ("varied");
another group has an offered one ("theirs", a 404 to them). One approved bid has no agreement yet ("unstarted").
Assessors and the panel see none of it."""

from grantsfund.agreements import services
from grantsfund.common.actor import Actor
from grantsfund.extensions import db
from tests.agreements import factories
from tests.applications import factories as applications
from tests.matrix import ANON, OFFICER, Row, admin_only, everyone, only
from tests.panel.factories import join_group, panel
from tests.rounds.factories import officer_actor

APPLICANT = "applicant_client"
FINANCE = "finance_client"


def readers(status: int = 200, group: int | None = None) -> dict[str, int]:
    """Officers and finance get `status`; the group's member `group` (`status` unless told); others 403."""
    return {
        **everyone(403),
        ANON: 302,
        OFFICER: status,
        FINANCE: status,
        APPLICANT: status if group is None else group,
    }


def signatories(status: int = 200, group: int | None = None) -> dict[str, int]:
    """Only a member of the group accepts; staff may not (403)."""
    return {**everyone(403), ANON: 302, APPLICANT: status if group is None else group}


def _agreement(key: str, tail: str = ""):
    return lambda o: f"/agreements/{o[key]}{tail}"


def _version(key: str, number: int, tail: str):
    return lambda o: f"/agreements/{o[key]}/versions/{number}{tail}"


PAST = ["1", "1", "2000"]

ROWS = [
    # The officers' list and drafting.
    Row("agreements.list_agreements", lambda o: "/agreements", only(OFFICER)),
    Row(
        "agreements.draft_agreement",
        lambda o: f"/agreements/applications/{o['unstarted']}/draft",
        only(OFFICER, 302),
        "POST",
    ),
    # The staff page: officers and finance; a member of the group is sent on to their copy.
    Row("agreements.show_agreement", _agreement("offered"), readers(group=302)),
    Row("agreements.show_agreement", _agreement("draft"), readers(group=404)),
    Row("agreements.show_agreement", _agreement("theirs"), readers(group=404)),
    # Changing a draft version: officers only.
    Row("agreements.edit_details", _version("draft", 1, "/details"), only(OFFICER)),
    Row("agreements.edit_details", _version("draft", 1, "/details"), only(OFFICER), "POST", {"signatory_role": ""}),
    Row("agreements.reset_schedules", _version("draft", 1, "/reset-schedules"), only(OFFICER, 302), "POST"),
    Row("agreements.edit_payments", _version("draft", 1, "/payments"), only(OFFICER)),
    Row(
        "agreements.edit_payments",
        _version("draft", 1, "/payments"),
        only(OFFICER),
        "POST",
        {"payments-0-amount": "lots"},
    ),
    Row("agreements.edit_monitoring", _version("draft", 1, "/monitoring"), only(OFFICER)),
    Row(
        "agreements.edit_monitoring",
        _version("draft", 1, "/monitoring"),
        only(OFFICER),
        "POST",
        {"periods-0-starts_on": ["31", "2", "2027"]},
    ),
    Row("agreements.edit_targets", _version("draft", 1, "/targets"), only(OFFICER)),
    Row("agreements.edit_targets", _version("draft", 1, "/targets"), only(OFFICER), "POST", {"target_1": "-1"}),
    # Sending and withdrawing the offer.
    Row("agreements.issue_offer", _agreement("draft", "/issue"), only(OFFICER)),
    Row("agreements.issue_offer", _agreement("draft", "/issue"), only(OFFICER), "POST", {"accept_by": PAST}),
    Row("agreements.withdraw_offer", _agreement("offered", "/withdraw"), only(OFFICER)),
    Row("agreements.withdraw_offer", _agreement("offered", "/withdraw"), only(OFFICER), "POST", {"reason": ""}),
    # Giving the group more time to accept (a past date is refused on the page).
    Row("agreements.extend_offer", _agreement("offered", "/extend"), only(OFFICER)),
    Row("agreements.extend_offer", _agreement("offered", "/extend"), only(OFFICER), "POST", {"accept_by": PAST}),
    # Variations.
    Row("agreements.propose_variation", _agreement("accepted", "/variations/new"), only(OFFICER)),
    Row(
        "agreements.propose_variation", _agreement("accepted", "/variations/new"), only(OFFICER), "POST", {"reason": ""}
    ),
    Row("agreements.offer_variation", _version("varied", 2, "/send"), only(OFFICER, 302), "POST"),
    Row("agreements.withdraw_variation", _version("varied", 2, "/withdraw"), only(OFFICER)),
    Row("agreements.withdraw_variation", _version("varied", 2, "/withdraw"), only(OFFICER), "POST", {"reason": ""}),
    # Comparing versions: staff, and the group for versions offered to it.
    Row("agreements.compare_versions", _version("offered", 1, "/compare/1"), readers()),
    Row("agreements.compare_versions", _version("varied", 1, "/compare/2"), readers(group=404)),
    Row("agreements.compare_versions", _version("theirs", 1, "/compare/1"), readers(group=404)),
    # Ending an agreement.
    Row("agreements.terminate_agreement", _agreement("accepted", "/terminate"), only(OFFICER)),
    Row("agreements.terminate_agreement", _agreement("accepted", "/terminate"), only(OFFICER), "POST", {"reason": ""}),
    # The group's copy: staff read it; the group once it is sent.
    Row("agreements.show_offer", _agreement("offered", "/offer"), readers()),
    Row("agreements.show_offer", _agreement("draft", "/offer"), readers(group=404)),
    Row("agreements.show_offer", _agreement("theirs", "/offer"), readers(group=404)),
    # Accepting: the group's members only (a nameless acceptance is refused on the page).
    Row("agreements.accept_version", _version("offered", 1, "/accept"), signatories(), "POST", {"name": ""}),
    Row("agreements.accept_version", _version("draft", 1, "/accept"), signatories(group=404), "POST", {"name": ""}),
    Row("agreements.accept_version", _version("theirs", 1, "/accept"), signatories(group=404), "POST", {"name": ""}),
    Row("agreements.accept_version", _version("varied", 2, "/accept"), signatories(group=404), "POST", {"name": ""}),
    # The standard terms: administrators.
    Row("agreements.list_terms", lambda o: "/agreements/terms", admin_only()),
    Row("agreements.new_terms", lambda o: "/agreements/terms/new", admin_only()),
    Row("agreements.new_terms", lambda o: "/agreements/terms/new", admin_only(), "POST", {"title": ""}),
    Row("agreements.show_terms", lambda o: f"/agreements/terms/{o['terms']}", admin_only()),
]


def make_objects(make_user, applicant):
    """Six bids approved at one meeting: an agreement in each state the rows need."""
    round_ = applications.open_round(make_user, name="Agreements matrix round")
    round_.assessors_per_bid = 1
    round_.budget_pence = 10_000_000
    officer = officer_actor(make_user)
    standard = factories.standard_terms(officer)
    bids = dict(
        zip(
            ("unstarted", "draft", "offered", "accepted", "varied", "theirs"),
            factories.approved(round_, officer, make_user, panel(make_user), count=6),
            strict=True,
        )
    )
    for key in ("draft", "offered", "accepted", "varied"):
        join_group(bids[key], applicant)
    made = {"unstarted": bids["unstarted"].id, "terms": standard.id}
    made["draft"] = factories.drafted(bids["draft"], officer).id
    made["offered"] = factories.offered(bids["offered"], officer).id
    made["theirs"] = factories.offered(bids["theirs"], officer).id
    made["accepted"] = factories.accepted(bids["accepted"], officer).id
    varied = factories.accepted(bids["varied"], officer)
    services.propose_variation(varied, reason="A later end date", actor=Actor(officer.user))
    made["varied"] = varied.id
    db.session.flush()
    return made
