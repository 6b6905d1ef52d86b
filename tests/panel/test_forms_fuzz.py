"""Whatever is sent to any panel form, the answer is a page, never a server error."""

import pytest

from grantsfund.panel import meetings
from tests.applications import factories
from tests.conftest import sign_in_as
from tests.fuzzing import assert_no_server_error
from tests.panel.factories import all_present, meeting, panel, ranked
from tests.rounds.factories import officer_actor


@pytest.fixture
def world(app, make_user):
    officer = officer_actor(make_user)
    round_ = factories.open_round(make_user)
    round_.assessors_per_bid = 1
    round_.budget_pence = 1_200_000
    people = panel(make_user)
    bids = ranked(round_, officer, make_user, 2)
    scheduled = meeting(round_, officer, people)
    running = meeting(round_, officer, people)
    [item] = meetings.add_to_agenda(running, [bids[0].id], actor=officer)
    all_present(running, people[0])
    return {
        "officer": sign_in_as(app.test_client(), officer.user),
        "chair": sign_in_as(app.test_client(), people[0]),
        "member": sign_in_as(app.test_client(), people[2]),
        "round": round_,
        "people": people,
        "scheduled": scheduled,
        "running": running,
        "item": item,
    }


MEETING_FIELDS = ["title", "day", "time", "location", "chair_id", "deputy_id", "quorum", "quorum_roles",
                  "delegates_allowed"]  # fmt: skip


def test_the_meeting_forms(world):
    seats = [f"seat_{person.id}" for person in world["people"]]
    extra = [str(person.id) for person in world["people"]] + ["elected_member", "community", "yes", "no"]
    officer = world["officer"]
    new = f"/funds/rounds/{world['round'].id}/panels/new"
    assert_no_server_error(officer, new, MEETING_FIELDS + seats, extra_values=extra)
    assert_no_server_error(officer, f"/panels/{world['scheduled'].id}/edit", MEETING_FIELDS + seats, extra_values=extra)
    assert_no_server_error(officer, f"/panels/{world['scheduled'].id}/agenda", ["application_ids"])
    assert_no_server_error(officer, f"/panels/{world['running'].id}/minutes", ["minutes"])


def test_the_chairs_forms(world):
    chair, running, item = world["chair"], world["running"], world["item"]
    people = [str(person.id) for person in world["people"]]
    fields = [f"attendance_{p.id}" for p in world["people"]] + [f"delegate_{p.id}" for p in world["people"]]
    assert_no_server_error(
        chair, f"/panels/{running.id}/attendance", fields, extra_values=["present", "delegate", *people]
    )
    assert_no_server_error(
        chair,
        f"/panels/{running.id}/conflicts",
        ["user_id", "item_ids", "reason"],
        extra_values=[str(item.id), *people],
    )
    assert_no_server_error(
        chair,
        f"/panels/{running.id}/items/{item.id}/decision",
        ["outcome", "amount", "conditions", "reasons", "feedback", "correction_reason"],
        extra_values=["approved", "approved_reduced", "declined", "deferred", "approved_with_conditions"],
    )


def test_the_members_declaration(world):
    url = f"/panels/{world['running'].id}/items/{world['item'].id}/conflict"
    assert_no_server_error(world["member"], url, ["reason"])
