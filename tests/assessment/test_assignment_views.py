"""Assigning assessors and declaring interests over HTTP, with CSRF."""

from datetime import timedelta

import pytest

from grantsfund.assessment import assignment, scoring
from grantsfund.assessment.models import Assignment, AssignmentStatus, Recommendation
from grantsfund.common.actor import Actor
from grantsfund.common.dates import london_today
from grantsfund.extensions import db
from grantsfund.organisations.models import Membership
from tests.applications import factories
from tests.assessment.factories import assessors, eligible
from tests.conftest import error_messages, page, sign_in_as
from tests.fuzzing import assert_no_server_error
from tests.rounds.factories import officer_actor


@pytest.fixture
def round_(make_user):
    return factories.open_round(make_user)


@pytest.fixture
def bid(round_, make_user):
    return eligible(round_, officer_actor(make_user), make_user, name="Harbour Choir")


def test_an_officer_confirms_the_suggestion_it_showed(officer_client, round_, bid, make_user):
    ann, ben, cat = assessors(make_user, "Ann Assessor", "Ben Assessor", "Cat Assessor")
    bid.organisation.memberships.append(Membership(user=ann))
    db.session.flush()
    url = f"/funds/rounds/{round_.id}/assessors/suggestion"
    shown = page(officer_client.get(url))
    rows = [[cell.get_text(strip=True) for cell in row.select("td")] for row in shown.select("tbody tr")]
    assert [row[:2] for row in rows] == [[bid.reference, "Ben Assessor"], [bid.reference, "Cat Assessor"]]
    assert "not Ann Assessor (a member of the group)" in rows[0][2]
    pairs = shown.select_one("input[name=pairs]")["value"]
    response = officer_client.submit(url, {"pairs": pairs, "due_on": ["1", "2", "2099"]})
    assert response.headers["Location"] == f"/funds/rounds/{round_.id}/assessors"
    made = db.session.query(Assignment).filter_by(application_id=bid.id).all()
    assert sorted(a.assessor.full_name for a in made) == ["Ben Assessor", "Cat Assessor"]
    listed = page(officer_client.get(f"/funds/rounds/{round_.id}/assessors"))
    assert "2 of 2" in listed.select_one("tbody").get_text()


def test_a_stale_suggestion_is_not_confirmed(officer_client, round_, bid, make_user):
    assessors(make_user, "Ann Assessor")
    response = officer_client.submit(
        f"/funds/rounds/{round_.id}/assessors/suggestion", {"pairs": "999-999", "due_on": ["1", "2", "2099"]}
    )
    assert response.headers["Location"] == f"/funds/rounds/{round_.id}/assessors/suggestion"
    assert db.session.query(Assignment).count() == 0


def test_assigning_by_hand_offers_only_those_without_a_conflict(officer_client, bid, make_user):
    ann, ben = assessors(make_user, "Ann Assessor", "Ben Assessor")
    bid.organisation.memberships.append(Membership(user=ann))
    db.session.flush()
    url = f"/funds/applications/{bid.id}/assessors"
    shown = page(officer_client.get(url))
    assert [label.get_text(strip=True) for label in shown.select(".govuk-radios__label")] == ["Ben Assessor"]
    assert "Ann Assessor: a member of the group" in shown.select_one(".govuk-list").get_text()
    response = officer_client.submit(url, {"assessor": str(ann.id), "due_on": ["1", "2", "2099"]})
    assert error_messages(response) == ["Select an assessor from the list"]
    response = officer_client.submit(url, {"assessor": str(ben.id), "due_on": ["1", "2", "2099"]})
    assert response.status_code == 302


def test_an_assessor_declares_before_the_bid_opens(assessor_client, officer_client, bid, make_user):
    me = assessor_client.user
    mine = assignment.assign(bid, me, due_on=assignment.default_due_on(), actor=officer_actor(make_user))
    response = assessor_client.get(f"/assessments/{mine.id}")
    assert response.headers["Location"] == f"/assessments/{mine.id}/declaration"
    response = assessor_client.submit(f"/assessments/{mine.id}/declaration", {"conflict": "yes"})
    assert error_messages(response) == ["Enter the reason for your conflict of interest"]
    response = assessor_client.submit(f"/assessments/{mine.id}/declaration", {"conflict": "no"})
    assert response.headers["Location"] == f"/assessments/{mine.id}"
    shown = page(assessor_client.get(f"/assessments/{mine.id}"))
    assert shown.select_one("h1").get_text(strip=True) == f"Score {bid.reference}"
    assert shown.select_one("[role=region] h2").get_text(strip=True) == "Tuesday Welcome Café"
    assert mine.status is AssignmentStatus.ACCEPTED


def test_a_conflict_hides_the_bid_from_its_assessor(assessor_client, bid, make_user):
    me = assessor_client.user
    mine = assignment.assign(bid, me, due_on=assignment.default_due_on(), actor=officer_actor(make_user))
    response = assessor_client.submit(
        f"/assessments/{mine.id}/declaration", {"conflict": "yes", "reason": "I sing in the choir"}
    )
    assert response.headers["Location"] == "/assessments"
    assert assessor_client.get(f"/assessments/{mine.id}").status_code == 404
    assert bid.reference not in page(assessor_client.get("/assessments")).get_text()


def test_the_forms_never_answer_with_a_server_error(officer_client, assessor_client, round_, bid, make_user):
    assessors(make_user, "Ann Assessor")
    values = ["yes", "no", "0", "1", "999999", "2099", "<script>"]
    assert_no_server_error(
        officer_client, f"/funds/applications/{bid.id}/assessors", ["assessor", "due_on"], extra_values=values
    )
    suggestion = f"/funds/rounds/{round_.id}/assessors/suggestion"
    assert_no_server_error(officer_client, suggestion, ["pairs", "due_on"], extra_values=values)
    mine = assignment.assign(
        bid, assessor_client.user, due_on=assignment.default_due_on(), actor=officer_actor(make_user)
    )
    declaration = f"/assessments/{mine.id}/declaration"
    assert_no_server_error(assessor_client, declaration, ["conflict", "reason"], extra_values=values)


def test_an_assessor_saves_a_draft_then_submits_scores(assessor_client, round_, bid, make_user):
    me = assessor_client.user
    mine = assignment.assign(bid, me, due_on=assignment.default_due_on(), actor=officer_actor(make_user))
    assignment.declare(mine, conflict=False, actor=Actor(me))
    url = f"/assessments/{mine.id}"
    shown = page(assessor_client.get(url))
    assert shown.select_one("[role=region] h2").get_text(strip=True) == "Tuesday Welcome Café"
    criteria = round_.criteria
    first = criteria[0]
    response = assessor_client.submit(url, {f"score_{first.id}": "5", "save_draft": "y"})
    assert response.headers["Location"] == url
    response = assessor_client.submit(url, {f"score_{first.id}": "5", "recommendation": "fund", "summary": "Good"})
    assert error_messages(response)[0] == f"Explain a score of 5 for ‘{first.name}’ in a comment"
    assert page(response).select_one(f"input[name=score_{first.id}][value='5']").has_attr("checked")
    data = {f"score_{c.id}": "3" for c in criteria} | {"recommendation": "fund_with_conditions", "summary": "Good"}
    response = assessor_client.submit(url, data)
    assert response.headers["Location"] == "/assessments"
    shown = page(assessor_client.get(url))
    assert shown.select_one("main form") is None
    assert "Fund with conditions" in shown.get_text()
    response = assessor_client.submit(url, data)
    assert response.status_code == 200  # submitted already: the page shows the scores, nothing changes


def test_the_scoring_form_never_answers_with_a_server_error(assessor_client, round_, bid, make_user):
    mine = assignment.assign(
        bid, assessor_client.user, due_on=assignment.default_due_on(), actor=officer_actor(make_user)
    )
    assignment.declare(mine, conflict=False, actor=Actor(assessor_client.user))
    fields = [f"score_{c.id}" for c in round_.criteria[:2]] + [
        f"comment_{round_.criteria[0].id}",
        "recommendation",
        "summary",
        "save_draft",
    ]
    assert_no_server_error(
        assessor_client, f"/assessments/{mine.id}", fields, extra_values=["0", "5", "6", "fund", "y"]
    )


def test_an_officer_reads_the_ranking_and_records_an_agreed_score(officer_client, round_, bid, make_user):
    officer = officer_actor(make_user)
    criteria = round_.criteria
    for marks in (1, 4):
        [person] = assessors(make_user, f"Assessor {marks}")
        made = assignment.assign(bid, person, due_on=assignment.default_due_on(), actor=officer)
        assignment.declare(made, conflict=False, actor=Actor(person))
        answers = scoring.SheetAnswers(
            scores=[scoring.ScoreAnswer(c.id, marks, "Why") for c in criteria],
            recommendation=Recommendation.FUND,
            summary="Summary",
        )
        scoring.save_sheet(made, answers, submit=True, actor=Actor(person))
    shown = page(officer_client.get(f"/funds/rounds/{round_.id}/ranking"))
    first_row = shown.select_one("tbody tr")
    assert bid.reference in first_row.get_text()
    assert "Needs moderation" in first_row.get_text()
    url = f"/funds/applications/{bid.id}/moderation"
    response = officer_client.submit(url, {"criterion": str(criteria[0].id), "score": "3"})
    assert error_messages(response) == ["Enter the reason for the agreed score"]
    response = officer_client.submit(url, {"criterion": str(criteria[0].id), "score": "3", "reason": "Agreed"})
    assert response.headers["Location"] == url
    shown = page(officer_client.get(url))
    assert "Agreed" in shown.select("tbody tr")[0].get_text()


def test_the_moderation_form_never_answers_with_a_server_error(officer_client, round_, bid):
    url = f"/funds/applications/{bid.id}/moderation"
    values = [str(round_.criteria[0].id), "0", "5", "6", "-1", "Agreed"]
    assert_no_server_error(officer_client, url, ["criterion", "score", "reason"], extra_values=values)


def test_an_officer_records_an_interest_before_assigning(officer_client, round_, bid, make_user):
    [ann] = assessors(make_user, "Ann Assessor")
    url = f"/funds/rounds/{round_.id}/assessors/interests"
    response = officer_client.submit(url, {"assessor": str(ann.id), "organisation": str(bid.organisation_id)})
    assert error_messages(response) == ["Enter the interest"]
    response = officer_client.submit(
        url, {"assessor": str(ann.id), "organisation": str(bid.organisation_id), "reason": "A trustee"}
    )
    assert response.headers["Location"] == f"/funds/rounds/{round_.id}/assessors"
    shown = page(officer_client.get(f"/funds/applications/{bid.id}/assessors"))
    assert "Ann Assessor: declared an interest: A trustee" in shown.get_text()
    assert_no_server_error(officer_client, url, ["assessor", "organisation", "reason"], extra_values=[str(ann.id)])


def test_an_assessors_list_says_which_scores_are_in_and_never_calls_them_overdue(app, round_, bid, make_user):
    [person] = assessors(make_user, "Dee Assessor")
    made = assignment.assign(bid, person, due_on=london_today(), actor=officer_actor(make_user))
    assignment.declare(made, conflict=False, actor=Actor(person))
    answers = scoring.SheetAnswers(
        scores=[scoring.ScoreAnswer(c.id, 3, "") for c in round_.criteria],
        recommendation=Recommendation.FUND,
        summary="Fine",
    )
    scoring.save_sheet(made, answers, submit=True, actor=Actor(person))
    made.due_on = london_today() - timedelta(days=3)  # now long past
    db.session.flush()
    row = page(sign_in_as(app.test_client(), person).get("/assessments")).select_one("tbody tr").get_text()
    assert "Scores submitted" in row
    assert "Overdue" not in row
