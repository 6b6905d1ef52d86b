"""Permission matrix rows for eligibility screening (see tests/matrix.py).

Only grants officers check eligibility; everyone else gets 403 and visitors are sent to sign in. A group
answers only its own questions: another group's question is a 404, even to a member of some group."""

from grantsfund.assessment import eligibility
from grantsfund.assessment.eligibility import Decision
from grantsfund.assessment.models import EligibilityResult
from tests.applications import factories
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
    return made
