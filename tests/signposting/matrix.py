"""Permission matrix rows for signposting (see tests/matrix.py).

The directory of other funders, and preparing and sending a letter, are the grants officers' alone. A group's
members (applicants) read the letter and say what happened once it has been sent: the applicant's group has a
sent signpost ("ours") and a draft one ("draft", which is a 404 to them until it is sent); another group's sent
signpost ("theirs") is a 404 to them too. Officers and finance officers read the report; nobody else does."""

from grantsfund.signposting import signposts
from tests.applications import factories as applications
from tests.matrix import ANON, OFFICER, Row, everyone, only
from tests.panel.factories import join_group
from tests.rounds.factories import officer_actor
from tests.signposting.factories import ineligible, listed

APPLICANT = "applicant_client"
FINANCE = "finance_client"


def readers(status: int = 200, group: int | None = None) -> dict[str, int]:
    """Officers get `status`; the group's member gets `group` (`status` unless told); everyone else 403."""
    return {**everyone(403), ANON: 302, OFFICER: status, APPLICANT: status if group is None else group}


def report() -> dict[str, int]:
    return {**only(OFFICER), FINANCE: 200}


def _funder(tail=""):
    return lambda o: f"/funders/{o['funder']}{tail}"


def _programme(tail=""):
    return lambda o: f"/funders/programmes/{o['programme']}{tail}"


def _signpost(key, tail=""):
    return lambda o: f"/signposting/{o[key]['signpost']}{tail}"


def _suggestion(key, tail=""):
    return lambda o: f"/signposting/{o[key]['signpost']}/suggestions/{o[key]['suggestion']}{tail}"


ROWS = [
    # The directory: officers only.
    Row("signposting.list_funders", lambda o: "/funders", only(OFFICER)),
    Row("signposting.new_funder", lambda o: "/funders/new", only(OFFICER)),
    Row("signposting.new_funder", lambda o: "/funders/new", only(OFFICER), "POST", {"name": ""}),
    Row("signposting.show_funder", _funder(), only(OFFICER)),
    Row("signposting.edit_funder", _funder("/edit"), only(OFFICER)),
    Row("signposting.edit_funder", _funder("/edit"), only(OFFICER), "POST", {"name": ""}),
    Row("signposting.new_programme", _funder("/programmes/new"), only(OFFICER)),
    Row("signposting.new_programme", _funder("/programmes/new"), only(OFFICER), "POST", {"name": ""}),
    Row("signposting.show_programme", _programme(), only(OFFICER)),
    Row("signposting.edit_programme", _programme("/edit"), only(OFFICER)),
    Row("signposting.edit_programme", _programme("/edit"), only(OFFICER), "POST", {"name": ""}),
    Row("signposting.verify_programme", _programme("/verify"), only(OFFICER, 302), "POST"),
    Row("signposting.close_programme", _programme("/close"), only(OFFICER)),
    Row("signposting.close_programme", _programme("/close"), only(OFFICER, 302), "POST"),
    # Preparing and sending a letter: officers only, whichever group's bid it is.
    Row("signposting.list_candidates", lambda o: "/signposting", only(OFFICER)),
    Row(
        "signposting.start_signpost",
        lambda o: f"/signposting/applications/{o['unstarted']}/start",
        only(OFFICER, 302),
        "POST",
    ),
    Row("signposting.show_signpost", _signpost("ours"), only(OFFICER)),
    Row("signposting.show_signpost", _signpost("draft"), only(OFFICER)),
    Row("signposting.show_signpost", _signpost("theirs"), only(OFFICER)),
    Row("signposting.add_programme", _signpost("draft", "/add"), only(OFFICER), "POST", {"programme_id": ""}),
    Row("signposting.remove_suggestion", _suggestion("draft", "/remove"), only(OFFICER, 302), "POST"),
    Row("signposting.send_letter", _signpost("draft", "/send"), only(OFFICER, 302), "POST", {"note": ""}),
    # The letter and what happened: officers, and the group's members once the letter has gone.
    Row("signposting.show_letter", _signpost("ours", "/letter"), readers()),
    Row("signposting.show_letter", _signpost("draft", "/letter"), readers(group=404)),
    Row("signposting.show_letter", _signpost("theirs", "/letter"), readers(group=404)),
    Row("signposting.record_outcome", _suggestion("ours", "/outcome"), readers()),
    # Nothing to record on a draft: the officer is sent back to it.
    Row("signposting.record_outcome", _suggestion("draft", "/outcome"), readers(302, group=404)),
    Row("signposting.record_outcome", _suggestion("theirs", "/outcome"), readers(group=404)),
    Row(
        "signposting.record_outcome",
        _suggestion("ours", "/outcome"),
        readers(302),
        "POST",
        {"outcome": "not_pursued"},
    ),
    Row(
        "signposting.record_outcome",
        _suggestion("theirs", "/outcome"),
        readers(302, group=404),
        "POST",
        {"outcome": "not_pursued"},
    ),
    # The report: officers and finance.
    Row("signposting.show_report", lambda o: "/signposting/report", report()),
    Row("signposting.download_report", lambda o: "/signposting/report.csv", report()),
]


def make_objects(make_user, applicant):
    """One programme in the directory; ineligible bids with a sent signpost and a draft one for the applicant's
    groups, a sent one for another group, and one bid not signposted yet."""
    officer = officer_actor(make_user)
    programme = listed("Matrix Foundation", "Small grants", actor=officer)
    round_ = applications.open_round(make_user, name="Signposting matrix round")
    made = {"funder": programme.funder_id, "programme": programme.id}
    for key, members, sent in (("ours", [applicant], True), ("draft", [applicant], False), ("theirs", [], True)):
        bid = ineligible(round_, officer, make_user, name=f"Signposting Group {key.capitalize()}")
        for member in members:
            join_group(bid, member)
        signpost = signposts.start(bid, actor=officer)
        if sent:
            signposts.send(signpost, note="", actor=officer)
        made[key] = {"signpost": signpost.id, "suggestion": signpost.suggestions[0].id}
    made["unstarted"] = ineligible(round_, officer, make_user, name="Signposting Group Unstarted").id
    return made
