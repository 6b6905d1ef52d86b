"""Permission matrix rows for applications (see tests/matrix.py).

Application A belongs to a group the applicant is a member of; application B to a group they are not in,
and every URL of B's answers them 404. Only applicants use these pages; other staff get 403 (officers will
read applications through their own pages, in a later part), and visitors are sent to sign in."""

from grantsfund.applications import services
from grantsfund.common.actor import Actor
from tests.applications import factories
from tests.matrix import Row, fixed, only

APPLICANT = "applicant_client"


def members(status: int) -> dict[str, int]:
    return only(APPLICANT, status)


def both(endpoint, path, method="GET", data=None, status=200):
    """The same route on application A (the applicant's group: allowed) and B (another group's: 404)."""
    return [
        Row(endpoint, lambda o: path.format(**o["applications_a"]), members(status), method, data),
        Row(endpoint, lambda o: path.format(**o["applications_b"]), members(404), method, data),
    ]


SECTIONS = [("applications.edit_section", section.slug) for section in services.Section]
OFFICER = "officer_client"

ROWS = [
    Row("applications.list_applications", fixed("/applications"), members(200)),
    Row("applications.start_application", lambda o: f"/funding/{o['applications_round'].id}/apply", members(200)),
    Row(
        "applications.start_application",
        lambda o: f"/funding/{o['applications_round'].id}/apply",
        members(200),  # several groups and none chosen yet: the person is asked which
        method="POST",
    ),
    *both("applications.show_application", "/applications/{application}"),
    *both("applications.answer_eligibility", "/applications/{application}/eligibility/{question}"),
    *both(
        "applications.answer_eligibility",
        "/applications/{application}/eligibility/{question}",
        "POST",
        {"answer": "yes"},
        status=302,
    ),
    *both("applications.show_not_eligible", "/applications/{withdrawn}/not-eligible"),
    *[row for endpoint, slug in SECTIONS for row in both(endpoint, f"/applications/{{application}}/{slug}")],
    *[
        row
        for endpoint, slug in SECTIONS
        for row in both(
            endpoint, f"/applications/{{application}}/{slug}", "POST", {"version": "1", "save_later": "y"}, 302
        )
    ],
    *both("applications.edit_equality", "/applications/{application}/equality-monitoring"),
    *both(
        "applications.edit_equality",
        "/applications/{application}/equality-monitoring",
        "POST",
        {"led_by_communities": "yes"},
        status=302,
    ),
    *both("applications.check_answers", "/applications/{application}/check-your-answers"),
    # Not every section is complete: the page says so rather than submitting.
    *both("applications.check_answers", "/applications/{application}/check-your-answers", "POST", {}, status=200),
    *both("applications.show_submitted_confirmation", "/applications/{submitted}/confirmation"),
    *both("applications.show_copy", "/applications/{submitted}/copy"),
    *both("applications.withdraw", "/applications/{submitted}/withdraw"),
    *both(
        "applications.withdraw", "/applications/{submitted}/withdraw", "POST", {"reason": "Found other funding"}, 302
    ),
    # Officers read any submitted application; nobody else reaches the officers' page.
    Row(
        "applications.show_submitted",
        lambda o: f"/funds/applications/{o['applications_a']['submitted']}",
        only(OFFICER, 200),
    ),
]


def make_objects(make_user, applicant):
    round_ = factories.open_round(make_user, name="Applications matrix round")
    made = {"applications_round": round_}
    for key, members_ in (("a", [applicant]), ("b", [make_user(full_name="B Applicant")])):
        group = factories.group(*members_, name=f"Applications Group {key.upper()}")
        application = factories.draft(round_, group, members_[0])
        made[f"applications_{key}"] = {"application": application.id, "question": round_.questions[0].id}
    for key in ("a", "b"):
        group = factories.group(*([applicant] if key == "a" else [make_user()]), name=f"Withdrawn Group {key.upper()}")
        member = group.memberships[0].user
        withdrawn = factories.draft(round_, group, member, eligible=False)
        services.answer_eligibility(withdrawn, round_.questions[0], answer=False, actor=Actor(member))
        made[f"applications_{key}"]["withdrawn"] = withdrawn.id
    for key in ("a", "b"):
        member = applicant if key == "a" else make_user()
        group = factories.group(member, name=f"Submitted Group {key.upper()}")
        made[f"applications_{key}"]["submitted"] = factories.submitted(round_, group, member).id
    return made
