"""Whatever is sent to any signposting form, the answer is a page or a redirect, never a server error."""

import pytest

from grantsfund.organisations.models import LegalForm
from grantsfund.signposting import signposts
from grantsfund.signposting.models import ProgrammeStatus, Reach, SignpostOutcome
from tests.conftest import error_messages, sign_in_as
from tests.fuzzing import assert_no_server_error
from tests.organisations.factories import ward
from tests.panel.factories import join_group
from tests.signposting.factories import ineligible, listed

PROGRAMME_FIELDS = ["name", "description", "status", "next_deadline", "min_award", "max_award", "legal_forms",
                    "min_income", "max_income", "themes", "reach", "area", "ward_ids", "contact", "notes", "source",
                    "source_url", "last_verified_on"]  # fmt: skip
PROGRAMME_VALUES = [
    *(status.value for status in ProgrammeStatus),
    *(reach.value for reach in Reach),
    *(form.value for form in LegalForm),
    "England",
    "UK",
    "https://example.org",
]


@pytest.fixture
def world(app, round_, officer, make_user, applicant_client):
    programme = listed("Fuzz Foundation", "Small grants", actor=officer, themes=["Older people"])
    closed = listed("Fuzz Trust", "Closed fund", actor=officer, status=ProgrammeStatus.CLOSED)
    draft_bid = ineligible(round_, officer, make_user, name="Fuzz Draft Group")
    sent_bid = ineligible(round_, officer, make_user, name="Fuzz Sent Group")
    join_group(sent_bid, applicant_client.user)
    draft = signposts.start(draft_bid, actor=officer)
    sent = signposts.start(sent_bid, actor=officer)
    signposts.send(sent, note="", actor=officer)
    return {
        "officer": sign_in_as(app.test_client(), officer.user),
        "applicant": applicant_client,
        "programme": programme,
        "closed": closed,
        "ward": ward(),
        "unstarted": ineligible(round_, officer, make_user, name="Fuzz Unstarted Group"),
        "draft": draft,
        "sent": sent,
        "round": round_,
    }


FUNDER_FIELDS = ["name", "website", "description", "contact"]


def test_editing_a_funder(world):
    programme = world["programme"]
    assert_no_server_error(world["officer"], f"/funders/{programme.funder_id}/edit", FUNDER_FIELDS)


def test_adding_funders(world):
    assert_no_server_error(world["officer"], "/funders/new", FUNDER_FIELDS)


def test_a_funder_name_that_differs_only_in_non_ascii_case_is_refused(world):
    """What the fuzzing found: the same name with a capital letter outside ASCII, added twice."""
    officer = world["officer"]
    assert officer.submit("/funders/new", {"name": "Ørsted Foundation"}).status_code == 302
    response = officer.submit("/funders/new", {"name": "Ørsted Foundation"})
    assert response.status_code == 200
    assert error_messages(response) == ["There is already a funder with this name"]


def test_the_programme_forms(world):
    officer, programme = world["officer"], world["programme"]
    values = [*PROGRAMME_VALUES, str(world["ward"].id)]
    assert_no_server_error(
        officer, f"/funders/{programme.funder_id}/programmes/new", PROGRAMME_FIELDS, extra_values=values
    )
    assert_no_server_error(officer, f"/funders/programmes/{programme.id}/edit", PROGRAMME_FIELDS, extra_values=values)
    assert_no_server_error(officer, f"/funders/programmes/{programme.id}/verify", ["submit"])


def test_filtering_the_directory(world):
    values = [status.value for status in ProgrammeStatus]
    assert_no_server_error(world["officer"], "/funders", ["status", "stale"], method="GET", extra_values=values)


def test_searching_the_directory(world):
    assert_no_server_error(world["officer"], "/funders", ["q"], method="GET")


def test_a_search_with_a_control_character_gives_a_valid_page(world):
    """What the fuzzing found: the search box echoes a control character, which is not allowed in HTML."""
    response = world["officer"].get("/funders", query_string={"q": "Lottery\x1f"})
    assert response.status_code == 200


def test_preparing_and_sending_a_letter(world):
    officer, draft = world["officer"], world["draft"]
    ids = [str(world["programme"].id), str(world["closed"].id), "0", "-1", "2147483648"]
    assert_no_server_error(officer, f"/signposting/applications/{world['unstarted'].id}/start", ["submit"])
    assert_no_server_error(officer, f"/signposting/{draft.id}/add", ["programme_id"], extra_values=ids)
    suggestion = draft.suggestions[0]
    assert_no_server_error(officer, f"/signposting/{draft.id}/suggestions/{suggestion.id}/remove", ["submit"])
    # Sent at the first acceptable note; from then on every further try is refused.
    assert_no_server_error(officer, f"/signposting/{draft.id}/send", ["note"])
    rounds = [str(world["round"].id), "99999999999999999999", "-1"]
    for url in ("/signposting", "/signposting/report", "/signposting/report.csv"):
        assert_no_server_error(officer, url, ["round"], method="GET", extra_values=rounds)


@pytest.mark.parametrize("who", ["applicant", "officer"])
def test_recording_what_happened(world, who):
    sent = world["sent"]
    url = f"/signposting/{sent.id}/suggestions/{sent.suggestions[0].id}/outcome"
    outcomes = [outcome.value for outcome in SignpostOutcome]
    assert_no_server_error(world[who], url, ["outcome", "amount", "note"], extra_values=[*outcomes, "8500", "0"])


def test_closing_a_programme(world):
    assert_no_server_error(world["officer"], f"/funders/programmes/{world['programme'].id}/close", ["submit"])
