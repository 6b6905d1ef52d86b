"""Permission matrix rows for eligibility screening and assessors' assignments (see tests/matrix.py).

Only grants officers check eligibility; everyone else gets 403 and visitors are sent to sign in. A group
answers only its own questions: another group's question is a 404, even to a member of some group. An assessor
sees only their own assignments, and not one where they declared a conflict."""

from datetime import timedelta

from grantsfund.accounts.models import Role
from grantsfund.accounts.services import find_user_by_email
from grantsfund.assessment import assignment, eligibility
from grantsfund.assessment.eligibility import Decision
from grantsfund.assessment.models import EligibilityResult
from grantsfund.common.actor import Actor
from grantsfund.common.dates import london_today
from tests.applications import factories
from tests.assessment import factories as assessment_factories
from tests.matrix import OFFICER, Row, only
from tests.rounds.factories import officer_actor

APPLICANT = "applicant_client"


def _question(key):
    return lambda o: f"/applications/{o[key]['application']}/questions/{o[key]['request']}"


ROWS = [
    Row("assessment.check_eligibility", lambda o: f"/funds/applications/{o['fresh']}/eligibility", only(OFFICER)),
    Row(
        "assessment.check_eligibility",
        lambda o: f"/funds/applications/{o['fresh']}/eligibility",
        only(OFFICER, 302),
        "POST",
        {"result": "eligible", "reasons": "All in order"},
    ),
    Row("assessment.answer_question", _question("a"), only(APPLICANT)),
    Row("assessment.answer_question", _question("b"), only(APPLICANT, 404)),
    Row("assessment.answer_question", _question("a"), only(APPLICANT, 302), "POST", {"answer": "Volunteers run it."}),
    Row("assessment.answer_question", _question("b"), only(APPLICANT, 404), "POST", {"answer": "Volunteers run it."}),
]  # fmt: skip


def make_objects(make_user, applicant):
    """Submitted applications from the applicant's group (a) and another group (b), each with an open question;
    and one with nothing recorded yet, for an officer to find eligible."""
    round_ = factories.open_round(make_user, name="Eligibility matrix round")
    officer = officer_actor(make_user)
    made = {}
    for key in ("a", "b"):
        member = applicant if key == "a" else make_user(full_name="Other Member")
        application = factories.submitted(round_, factories.group(member, name=f"Eligibility Group {key}"), member)
        question = Decision(EligibilityResult.MORE_INFORMATION, "Unclear", question="Who runs it?")
        eligibility.record_decision(application, question, actor=officer)
        made[key] = {"application": application.id, "request": eligibility.open_request(application).id}
    other = make_user(full_name="Third Member")
    made["fresh"] = factories.submitted(round_, factories.group(other, name="Eligibility Group c"), other).id
    _assessment_objects(make_user, round_, officer, made)
    return made


ASSESSOR = "assessor_client"
ASSESSOR_EMAIL = "assessor@example.gov.uk"  # the assessor client's person (tests/conftest.py)


def _assignment(key):
    return lambda o: f"/assessments/{o['assignments'][key]}"


ASSIGNMENT_ROWS = [
    Row("assessment.list_assignments", lambda o: f"/funds/rounds/{o['round']}/assessors", only(OFFICER)),
    Row("assessment.suggest_assignments", lambda o: f"/funds/rounds/{o['round']}/assessors/suggestion", only(OFFICER)),
    # The suggestion changed (or was never seen): the officer is sent back to look again.
    Row("assessment.suggest_assignments", lambda o: f"/funds/rounds/{o['round']}/assessors/suggestion",
        only(OFFICER, 302), "POST", {"pairs": "stale", "due_on": ["1", "1", "2099"]}),
    Row("assessment.assign_assessor", lambda o: f"/funds/applications/{o['eligible']}/assessors", only(OFFICER)),
    Row("assessment.assign_assessor", lambda o: f"/funds/applications/{o['eligible']}/assessors", only(OFFICER),
        "POST", {"assessor": "0"}),
    Row("assessment.list_my_assignments", lambda o: "/assessments", only(ASSESSOR)),
    Row("assessment.declare", lambda o: f"/assessments/{o['assignments']['awaiting']}/declaration", only(ASSESSOR)),
    Row("assessment.declare", lambda o: f"/assessments/{o['assignments']['awaiting']}/declaration",
        only(ASSESSOR, 302), "POST", {"conflict": "no"}),
    Row("assessment.declare", lambda o: f"/assessments/{o['assignments']['others']}/declaration", only(ASSESSOR, 404)),
    Row("assessment.show_assignment", _assignment("accepted"), only(ASSESSOR)),
    Row("assessment.show_assignment", _assignment("accepted"), only(ASSESSOR, 302), "POST", {"save_draft": "y"}),
    Row("assessment.show_assignment", _assignment("others"), only(ASSESSOR, 404), "POST", {"save_draft": "y"}),
    Row("assessment.show_assignment", _assignment("others"), only(ASSESSOR, 404)),
    # A declared conflict: the bid is hidden from its assessor, whatever else they may see.
    Row("assessment.show_assignment", _assignment("conflicted"), only(ASSESSOR, 404)),
]  # fmt: skip
RANKING_ROWS = [
    Row("assessment.record_interest", lambda o: f"/funds/rounds/{o['round']}/assessors/interests", only(OFFICER)),
    Row("assessment.record_interest", lambda o: f"/funds/rounds/{o['round']}/assessors/interests", only(OFFICER),
        "POST", {"assessor": "0"}),
    Row("assessment.show_ranking", lambda o: f"/funds/rounds/{o['round']}/ranking", only(OFFICER)),
    Row("assessment.moderate", lambda o: f"/funds/applications/{o['assessed']}/moderation", only(OFFICER)),
    Row("assessment.moderate", lambda o: f"/funds/applications/{o['assessed']}/moderation", only(OFFICER),
        "POST", {"criterion": "0"}),
]  # fmt: skip
ROWS += ASSIGNMENT_ROWS + RANKING_ROWS


def _assessment_objects(make_user, round_, officer, made):
    """Eligible bids assigned to the assessor client's person (awaiting, accepted, conflicted) and another's."""
    me = find_user_by_email(ASSESSOR_EMAIL) or make_user(full_name="Stand-in Assessor", roles={Role.ASSESSOR})
    other = make_user(full_name="Other Assessor", roles={Role.ASSESSOR})
    bids = [assessment_factories.eligible(round_, officer, make_user, name=f"Assessed Group {n}") for n in range(5)]
    due = london_today() + timedelta(days=14)
    mine = [assignment.assign(bid, me, due_on=due, actor=officer) for bid in bids[:3]]
    assignment.declare(mine[1], conflict=False, actor=Actor(me))
    assignment.declare(mine[2], conflict=True, reason="I volunteer there", actor=Actor(me))
    others = assignment.assign(bids[3], other, due_on=due, actor=officer)
    made["round"] = round_.id
    made["eligible"] = bids[4].id
    made["assessed"] = bids[0].id
    made["assignments"] = {
        "awaiting": mine[0].id,
        "accepted": mine[1].id,
        "conflicted": mine[2].id,
        "others": others.id,
    }
