"""Permission matrix rows for panel meetings (see tests/matrix.py).

Officers prepare meetings and may read every one. A panel member or chair reads the meetings they sit on and
nothing of the others (a 404); an item they are conflicted on is a 404 to them too. Only the meeting's chair (or
deputy) runs it. Applicants, assessors, finance officers and administrators never see a pack."""

from grantsfund.accounts.models import Role
from grantsfund.accounts.services import find_user_by_email
from grantsfund.common.actor import Actor
from grantsfund.panel import meetings
from tests.applications import factories
from tests.matrix import ANON, OFFICER, Row, everyone, only
from tests.panel.factories import meeting, ranked
from tests.rounds.factories import officer_actor

MEMBER, CHAIR = "panel_member_client", "panel_chair_client"


def panel(status: int = 200, member: int | None = None, chair: int | None = None) -> dict[str, int]:
    """Officers, the member and the chair get `status` unless told otherwise; everyone else 403."""
    return {
        **everyone(403),
        ANON: 302,
        OFFICER: status,
        MEMBER: status if member is None else member,
        CHAIR: status if chair is None else chair,
    }


def chair_only(status: int = 200, *, elsewhere: bool = False) -> dict[str, int]:
    """The chair of the meeting may; a member of it may not (403); at a meeting neither sits on, both 404."""
    return {**everyone(403), ANON: 302, CHAIR: 404 if elsewhere else status, MEMBER: 404 if elsewhere else 403}


def _meeting(key, tail=""):
    return lambda o: f"/panels/{o[key]}{tail}"


def _item(key, tail=""):
    return lambda o: f"/panels/{o['ours']}/items/{o[key]}{tail}"


ROWS = [
    Row("panel.list_meetings", lambda o: "/panels", panel()),
    Row("panel.new_meeting", lambda o: f"/funds/rounds/{o['round']}/panels/new", only(OFFICER)),
    Row("panel.new_meeting", lambda o: f"/funds/rounds/{o['round']}/panels/new", only(OFFICER), "POST", {"title": ""}),
    Row("panel.edit_meeting", _meeting("ours", "/edit"), only(OFFICER)),
    Row("panel.edit_meeting", _meeting("ours", "/edit"), only(OFFICER), "POST", {"title": ""}),
    Row("panel.edit_agenda", _meeting("ours", "/agenda"), only(OFFICER)),
    Row("panel.edit_agenda", _meeting("ours", "/agenda"), only(OFFICER), "POST", {"application_ids": ["0"]}),
    Row("panel.remove_item", _item("open", "/remove"), only(OFFICER, 302), "POST"),
    Row("panel.show_meeting", _meeting("ours"), panel()),
    Row("panel.show_meeting", _meeting("theirs"), panel(member=404, chair=404)),
    Row("panel.show_pack", _meeting("ours", "/pack"), panel()),
    Row("panel.show_pack", _meeting("theirs", "/pack"), panel(member=404, chair=404)),
    Row("panel.show_item", _item("open"), panel()),
    Row("panel.show_item", _item("conflicted"), panel(member=404)),
    Row("panel.export_log", _meeting("ours", "/decisions.csv"), panel()),
    Row("panel.export_log", _meeting("theirs", "/decisions.csv"), panel(member=404, chair=404)),
    Row("panel.record_attendance", _meeting("ours", "/attendance"), chair_only()),
    Row("panel.record_attendance", _meeting("theirs", "/attendance"), chair_only(elsewhere=True)),
    Row("panel.record_attendance", _meeting("ours", "/attendance"), chair_only(), "POST", {}),
    Row("panel.record_conflicts", _meeting("ours", "/conflicts"), chair_only()),
    Row("panel.record_conflicts", _meeting("ours", "/conflicts"), chair_only(), "POST", {"reason": ""}),
    Row("panel.record_decision", _item("open", "/decision"), chair_only()),
    Row("panel.record_decision", _item("open", "/decision"), chair_only(), "POST", {"outcome": "approved"}),
    Row("panel.declare_conflict", _item("open", "/conflict"), {**panel(), OFFICER: 403}),
    Row("panel.declare_conflict", _item("conflicted", "/conflict"), {**panel(member=404), OFFICER: 403}),
    Row("panel.declare_conflict", _item("open", "/conflict"), {**panel(), OFFICER: 403}, "POST", {"reason": ""}),
    Row("panel.confirm_minutes", _meeting("ours", "/minutes"), only(OFFICER)),
    Row("panel.confirm_minutes", _meeting("ours", "/minutes"), only(OFFICER), "POST", {"minutes": ""}),
    Row("panel.publish", _meeting("ours", "/publish"), only(OFFICER, 302), "POST"),
]


def _person(email, make_user, role, name):
    return find_user_by_email(email) or make_user(email=email, roles={role}, full_name=name)


def make_objects(make_user, applicant):
    """Our meeting (the member and chair clients' people sit on it; the member is conflicted on one item) and
    their meeting, on which neither sits."""
    round_ = factories.open_round(make_user, name="Panel matrix round")
    round_.assessors_per_bid = 1
    round_.budget_pence = 10_000_000
    officer = officer_actor(make_user)
    chair = _person("panel_chair@example.gov.uk", make_user, Role.PANEL_CHAIR, "Panel Chair Person")
    member = _person("panel_member@example.gov.uk", make_user, Role.PANEL_MEMBER, "Panel Member Person")
    other = make_user(full_name="Third Member", roles={Role.PANEL_MEMBER})
    ours = meeting(round_, officer, [chair, member, other], quorum=2, deputy=False)
    open_bid, conflicted_bid = ranked(round_, officer, make_user, 2)
    items = meetings.add_to_agenda(ours, [open_bid.id, conflicted_bid.id], actor=officer)
    by_bid = {item.application_id: item for item in items}
    meetings.declare_conflict(by_bid[conflicted_bid.id], member, reason="A trustee", actor=Actor(member))
    other_chair = make_user(full_name="Other Chair", roles={Role.PANEL_CHAIR})
    theirs = meeting(
        round_, officer, [other_chair, make_user(full_name="Other Member", roles={Role.PANEL_MEMBER})], quorum=1
    )
    return {
        "round": round_.id,
        "ours": ours.id,
        "theirs": theirs.id,
        "open": by_bid[open_bid.id].id,
        "conflicted": by_bid[conflicted_bid.id].id,
    }
