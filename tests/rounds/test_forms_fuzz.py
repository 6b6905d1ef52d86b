"""Whatever is typed or sent into any rounds form, the answer is a page, never a server error."""

import pytest

from grantsfund.rounds.models import RoundStatus
from tests.fuzzing import assert_no_server_error
from tests.rounds.factories import make_round

EXTRA_VALUES = ["up", "down", "count", "Foundation", "Young people", "0", "11:45pm", "25:99", "١٢", "99999999999"]


DETAILS = [
    "name",
    "description",
    "opens_date",
    "opens_time",
    "closes_date",
    "closes_time",
    "budget",
    "minimum_grant",
    "maximum_grant",
    "assessors_per_bid",
    "moderation_spread",
    "essential_threshold",
    "panel_date",
]
CRITERION = ["name", "guidance", "weight", "essential", *(f"descriptor_{n}" for n in range(6))]
QUESTION = ["text", "qualifying_answer", "explanation"]

FORMS = [
    ("/funds/new", ["name", "description"]),
    ("/funds/{fund}/edit", ["name", "description"]),
    ("/funds/{fund}/rounds/new", ["name", "description"]),
    ("/funds/{fund}/rounds/copy", ["source", "name"]),
    ("/funds/rounds/{draft}/details", DETAILS),
    ("/funds/rounds/{open}/details", DETAILS),
    ("/funds/rounds/{draft}/themes", ["themes", "legal_forms"]),
    ("/funds/rounds/{open}/themes", ["themes", "legal_forms"]),
    ("/funds/rounds/{draft}/indicators", ["indicators"]),
    ("/funds/rounds/{draft}/scale", [f"label_{n}" for n in range(6)]),
    ("/funds/rounds/{draft}/questions/new", QUESTION),
    ("/funds/rounds/{draft}/questions/{question}", QUESTION),
    ("/funds/rounds/{draft}/questions/{question}/move", ["direction"]),
    ("/funds/rounds/{draft}/criteria/new", CRITERION),
    ("/funds/rounds/{draft}/criteria/{criterion}", CRITERION),
    ("/funds/rounds/{draft}/open", ["submit"]),
    ("/funds/rounds/{open}/close", ["submit"]),
    ("/funds/indicators/new", ["heading", "domain", "measure", "unit"]),
    ("/funds/indicators/{indicator}", ["heading", "domain", "measure", "unit"]),
    ("/funds/themes/new", ["name", "description", "position"]),
    ("/funds/themes/{theme}/edit", ["name", "description", "position"]),
]


@pytest.fixture
def urls(actor, fund):
    from grantsfund.rounds import services

    draft = make_round(actor, fund, name="Draft")
    question = services.add_question(draft, text="Local?", qualifying_answer=True, explanation="e", actor=actor)
    opened = make_round(actor, fund, name="Open", status=RoundStatus.OPEN)
    return {
        "fund": fund.id,
        "draft": draft.id,
        "open": opened.id,
        "question": question.id,
        "criterion": draft.criteria[0].id,
        "indicator": draft.indicators[0].id,
        "theme": draft.themes[0].id,
    }


@pytest.mark.parametrize(("url", "fields"), FORMS, ids=[url for url, _ in FORMS])
def test_no_form_input_causes_a_server_error(url, fields, officer_client, urls):
    assert_no_server_error(officer_client, url.format(**urls), fields, extra_values=EXTRA_VALUES)
