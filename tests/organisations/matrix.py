"""Permission matrix rows for organisations (see tests/matrix.py).

Group A has the applicant as a member; group B does not, and every URL of B's answers them 404.
Officers and administrators may look at any group, and change none."""

from grantsfund.extensions import db
from grantsfund.organisations.models import JoinRequest, JoinRequestStatus
from tests.matrix import ADMIN, ANON, OFFICER, Row, everyone, fixed, only
from tests.organisations import factories

APPLICANT = "applicant_client"


def viewers(status: int = 200, *, applicant: int | None = None) -> dict[str, int]:
    """Applicants (members), officers and administrators may look; other staff may not."""
    return {
        **everyone(403),
        ANON: 302,
        APPLICANT: status if applicant is None else applicant,
        OFFICER: status,
        ADMIN: status,
    }


def members(status: int) -> dict[str, int]:
    return only(APPLICANT, status)


def manage(endpoint, path, method="GET", data=None, status=200):
    """The same route on group A (the applicant's: allowed) and group B (not theirs: 404)."""
    return [
        Row(endpoint, lambda o: path.format(group=o["group_a"].id, **o["ids_a"]), members(status), method, data),
        Row(endpoint, lambda o: path.format(group=o["group_b"].id, **o["ids_b"]), members(404), method, data),
    ]


ROWS = [
    Row("organisations.list_organisations", fixed("/organisations"), viewers()),
    Row("organisations.current_organisation", fixed("/your-group"), members(302)),
    Row("organisations.create_organisation", fixed("/organisations/new"), members(200)),
    Row("organisations.find_organisation", fixed("/organisations/join?name=community"), members(200)),
    Row(
        "organisations.request_to_join",
        fixed("/organisations/join"),
        members(302),
        method="POST",
        data={"organisation_id": "0"},  # no such group: the person is sent back to search
    ),
    Row("organisations.show_organisation", lambda o: f"/organisations/{o['group_a'].id}", viewers()),
    Row("organisations.show_organisation", lambda o: f"/organisations/{o['group_b'].id}", viewers(applicant=404)),
    *manage("organisations.edit_organisation", "/organisations/{group}/edit"),
    *manage("organisations.switch_organisation", "/organisations/{group}/switch", "POST", status=302),
    *manage(
        "organisations.decide_join_request",
        "/organisations/{group}/join-requests/{join_request}",
        "POST",
        {"decision": "approve"},
        status=302,
    ),
    *manage("organisations.invite_member", "/organisations/{group}/members/invite"),
    *manage("organisations.remove_member", "/organisations/{group}/members/{other_member}/remove", "POST", status=302),
    *manage("organisations.upload_document", "/organisations/{group}/documents/new"),
    Row("organisations.accept_invitation", fixed("/organisation-invitation/expired-token"), everyone(200)),
    Row(
        "organisations.download_document",
        lambda o: f"/organisations/{o['group_a'].id}/documents/{o['ids_a']['document']}",
        viewers(),
    ),
    Row(
        "organisations.download_document",
        lambda o: f"/organisations/{o['group_b'].id}/documents/{o['ids_b']['document']}",
        viewers(applicant=404),
    ),
]


def make_objects(make_user, applicant):
    ids = {}
    for key, members_ in (("a", [applicant, make_user(full_name="Second Member")]), ("b", None)):
        if members_ is None:
            members_ = [make_user(full_name="B Member"), make_user(full_name="B Other")]
        group = factories.organisation(*members_, name=f"Group {key.upper()} Community Trust")
        document = factories.document(group)
        asker = make_user(full_name=f"Asks To Join {key.upper()}")
        join_request = JoinRequest(organisation=group, user=asker, status=JoinRequestStatus.PENDING)
        db.session.add(join_request)
        db.session.flush()
        ids[key] = (group, {"document": document.id, "join_request": join_request.id, "other_member": members_[1].id})
    return {"group_a": ids["a"][0], "ids_a": ids["a"][1], "group_b": ids["b"][0], "ids_b": ids["b"][1]}
