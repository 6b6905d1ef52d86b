"""Permission matrix rows for rounds (see tests/matrix.py): officers' set-up pages, and the public
'Funding available' pages (open rounds for everyone, drafts for no one)."""

from grantsfund.rounds import library, services
from grantsfund.rounds.models import RoundStatus
from tests.matrix import OFFICER, Row, everyone, fixed, only
from tests.rounds.factories import make_fund, make_round, officer_actor


def officer(status: int = 200) -> dict[str, int]:
    return only(OFFICER, status)


def _draft(path: str):
    return lambda o: f"/funds/rounds/{o['draft'].id}{path}"


ROWS = [
    Row("rounds.funding_available", fixed("/funding"), everyone(200)),
    Row("rounds.show_funding", lambda o: f"/funding/{o['open'].id}", everyone(200)),
    Row("rounds.show_funding", lambda o: f"/funding/{o['draft'].id}", everyone(404)),
    Row("rounds.show_funding", lambda o: f"/funding/{o['closed'].id}", everyone(404)),
    Row("rounds.list_funds", fixed("/funds"), officer()),
    Row("rounds.create_fund", fixed("/funds/new"), officer()),
    Row("rounds.create_fund", fixed("/funds/new"), officer(), method="POST", data={"name": ""}),
    Row("rounds.show_fund", lambda o: f"/funds/{o['fund'].id}", officer()),
    Row("rounds.edit_fund", lambda o: f"/funds/{o['fund'].id}/edit", officer()),
    Row("rounds.create_round", lambda o: f"/funds/{o['fund'].id}/rounds/new", officer()),
    Row("rounds.copy_round", lambda o: f"/funds/{o['fund'].id}/rounds/copy", officer()),
    Row("rounds.show_round", _draft(""), officer()),
    Row("rounds.show_round", lambda o: f"/funds/rounds/{o['open'].id}", officer()),
    Row("rounds.edit_details", _draft("/details"), officer()),
    Row("rounds.edit_themes", _draft("/themes"), officer()),
    Row("rounds.edit_indicators", _draft("/indicators"), officer()),
    Row("rounds.edit_scale", _draft("/scale"), officer()),
    Row("rounds.list_questions", _draft("/questions"), officer()),
    Row("rounds.add_question", _draft("/questions/new"), officer()),
    Row("rounds.edit_question", lambda o: f"/funds/rounds/{o['draft'].id}/questions/{o['question'].id}", officer()),
    Row(
        "rounds.edit_question",
        lambda o: f"/funds/rounds/{o['open'].id}/questions/{o['question'].id}",  # another round's question
        officer(404),
    ),
    Row(
        "rounds.remove_question",
        lambda o: f"/funds/rounds/{o['draft'].id}/questions/{o['question'].id}/remove",
        officer(302),
        method="POST",
    ),
    Row(
        "rounds.move_question",
        lambda o: f"/funds/rounds/{o['draft'].id}/questions/{o['question'].id}/move",
        officer(302),
        method="POST",
        data={"direction": "down"},
    ),
    Row("rounds.list_criteria", _draft("/criteria"), officer()),
    Row("rounds.add_criterion", _draft("/criteria/new"), officer()),
    Row("rounds.edit_criterion", lambda o: f"/funds/rounds/{o['draft'].id}/criteria/{o['criterion'].id}", officer()),
    Row(
        "rounds.remove_criterion",
        lambda o: f"/funds/rounds/{o['draft'].id}/criteria/{o['criterion'].id}/remove",
        officer(302),
        method="POST",
    ),
    Row("rounds.open_round", _draft("/open"), officer(302), method="POST"),
    Row("rounds.close_round", lambda o: f"/funds/rounds/{o['open'].id}/close", officer(302), method="POST"),
    Row("rounds.decide_round", lambda o: f"/funds/rounds/{o['closed'].id}/decide", officer(302), method="POST"),
    Row("rounds.complete_round", lambda o: f"/funds/rounds/{o['decided'].id}/complete", officer(302), method="POST"),
    Row("rounds.list_indicators", fixed("/funds/indicators"), officer()),
    Row("rounds.add_indicator", fixed("/funds/indicators/new"), officer()),
    Row("rounds.edit_indicator", lambda o: f"/funds/indicators/{o['indicator'].id}", officer()),
    Row("rounds.list_themes", fixed("/funds/themes"), officer()),
    Row("rounds.add_theme", fixed("/funds/themes/new"), officer()),
    Row(
        "rounds.add_theme",
        fixed("/funds/themes/new"),
        officer(302),
        method="POST",
        data={"name": "Another matrix theme", "description": "Added by the matrix."},
    ),
    Row("rounds.edit_theme", lambda o: f"/funds/themes/{o['theme'].id}/edit", officer()),
    Row(
        "rounds.edit_theme",
        lambda o: f"/funds/themes/{o['theme'].id}/edit",
        officer(302),
        method="POST",
        data={"name": "Matrix theme", "description": "Changed by the matrix.", "position": "3"},
    ),
    Row("rounds.edit_theme", fixed("/funds/themes/999999/edit"), officer(404)),  # no such theme
]


def make_objects(make_user, applicant):
    actor = officer_actor(make_user)
    fund = make_fund(actor, name="Matrix Fund")
    draft = make_round(actor, fund, name="Draft round")
    question = services.add_question(
        draft, text="Is your group based here?", qualifying_answer=True, explanation="Local groups only.", actor=actor
    )
    services.add_question(
        draft, text="Do you have a bank account?", qualifying_answer=True, explanation="x", actor=actor
    )
    return {
        "fund": fund,
        "draft": draft,
        "question": question,
        "criterion": draft.criteria[0],
        "open": make_round(actor, fund, name="Open round", status=RoundStatus.OPEN),
        "closed": make_round(actor, fund, name="Closed round", status=RoundStatus.CLOSED),
        "decided": make_round(actor, fund, name="Decided round", status=RoundStatus.DECIDED),
        "indicator": library.add_indicator(
            heading="Social Connections", domain="Social Bridges", measure="Matrix measure", unit="count", actor=actor
        ),
        "theme": library.add_theme(name="Matrix theme", description="A theme for the matrix.", actor=actor),
    }
