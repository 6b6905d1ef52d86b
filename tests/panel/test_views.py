"""The panel's pages: setting up, the pack, the chair's day, and publishing — through HTTP, CSRF on."""

import pytest

from grantsfund.accounts.models import Role
from grantsfund.applications.models import ApplicationStatus
from grantsfund.common.actor import Actor
from grantsfund.panel import decisions, meetings
from grantsfund.panel.decisions import DecisionAnswers
from grantsfund.panel.models import MeetingStatus, Outcome, PanelMeeting
from tests.conftest import error_messages, page, queued_emails, sign_in_as
from tests.panel.factories import all_present, meeting, panel, ranked
from tests.queries import statement_count


@pytest.fixture
def world(app, round_, officer, make_user):
    people = panel(make_user)
    bids = ranked(round_, officer, make_user, 3)
    held = meeting(round_, officer, people)
    items = meetings.add_to_agenda(held, [b.id for b in bids], actor=officer)
    return {"people": people, "bids": bids, "meeting": held, "items": items}


def as_person(app, person):
    return sign_in_as(app.test_client(), person)


def test_an_officer_sets_up_a_meeting_and_its_agenda(app, round_, officer, make_user):
    people = panel(make_user)
    bids = ranked(round_, officer, make_user, 2)
    client = as_person(app, officer.user)
    form = {
        "title": "Summer panel",
        "day": ["15", "7", "2030"],
        "time": "10am",
        "location": "Town Hall",
        "chair_id": str(people[0].id),
        "deputy_id": str(people[1].id),
        "quorum": "3",
        "quorum_roles": ["elected_member"],
        "delegates_allowed": "yes",
        **{
            f"seat_{p.id}": role for p, role in zip(people, ["elected_member", "community", "officer", ""], strict=True)
        },
    }
    response = client.submit(f"/funds/rounds/{round_.id}/panels/new", {**form, "quorum": "9"})
    assert error_messages(response) == ["The quorum must be between 1 and the number of members (3)"]
    assert page(response).select_one("#title")["value"] == "Summer panel"  # what was typed is kept
    response = client.submit(f"/funds/rounds/{round_.id}/panels/new", form)
    assert response.status_code == 302
    created = PanelMeeting.query.filter_by(title="Summer panel").one()
    assert created.starts_at.hour == 9  # 10am British Summer Time
    assert {m.user_id for m in created.members} == {p.id for p in people[:3]}
    response = client.submit(f"/panels/{created.id}/agenda", {"application_ids": [str(bids[0].id)]})
    assert response.status_code == 302
    assert bids[0].status is ApplicationStatus.AT_PANEL
    agenda = page(client.get(f"/panels/{created.id}/agenda"))
    assert bids[0].reference in agenda.get_text()


def test_the_chair_runs_the_meeting_and_the_officer_publishes(app, world, officer):
    chair_client = as_person(app, world["people"][0])
    held, items = world["meeting"], world["items"]
    answers = {f"attendance_{p.id}": "present" for p in world["people"]}
    response = chair_client.submit(f"/panels/{held.id}/attendance", answers)
    assert response.status_code == 302
    assert held.status is MeetingStatus.IN_PROGRESS
    conflicted = world["people"][3]
    response = chair_client.submit(
        f"/panels/{held.id}/conflicts",
        {"user_id": str(conflicted.id), "item_ids": [str(items[0].id)], "reason": "Trustee of the group"},
    )
    assert response.status_code == 302
    assert as_person(app, conflicted).get(f"/panels/{held.id}/items/{items[0].id}").status_code == 404

    url = f"/panels/{held.id}/items/{items[0].id}/decision"
    response = chair_client.submit(url, {"outcome": "approved_reduced", "amount": "999999", "reasons": "Good"})
    assert "The reduced amount must be more than £0 and less than" in error_messages(response)[0]
    response = chair_client.submit(url, {"outcome": "approved", "reasons": "Strong bid"})
    assert response.status_code == 302
    for item in items[1:]:
        chair_client.submit(
            f"/panels/{held.id}/items/{item.id}/decision",
            {"outcome": "declined", "reasons": "Weak", "feedback": "Show more evidence of need"},
        )
    meeting_page = page(chair_client.get(f"/panels/{held.id}"))
    assert meeting_page.get_text().count("Declined") >= 2

    officer_client = as_person(app, officer.user)
    response = officer_client.submit(f"/panels/{held.id}/minutes", {"minutes": "Three bids decided."})
    assert response.status_code == 302
    response = officer_client.submit(f"/panels/{held.id}/publish")
    assert response.status_code == 302
    assert held.status is MeetingStatus.PUBLISHED
    assert world["bids"][0].status in (ApplicationStatus.APPROVED, ApplicationStatus.DECLINED)
    assert queued_emails(template="panel/offer")
    declined = world["bids"][1]
    group_member = declined.organisation.memberships[0].user
    progress = page(as_person(app, group_member).get(f"/applications/{declined.id}")).get_text()
    assert "The panel’s decision" in progress
    assert "Show more evidence of need" in progress
    assert "Weak" not in progress  # the panel's own reasons stay with the panel


def test_the_group_sees_nothing_of_a_decision_before_it_is_published(app, world):
    chair = world["people"][0]
    all_present(world["meeting"], chair)
    answers = DecisionAnswers(Outcome.DECLINED, reasons="Weak", feedback="Not this time")
    decisions.record(world["items"][0], answers, actor=Actor(chair))
    bid = world["items"][0].application
    text = page(as_person(app, bid.organisation.memberships[0].user).get(f"/applications/{bid.id}")).get_text()
    assert "Not this time" not in text
    assert "At panel" in text


def test_the_pack_leaves_out_the_items_a_reader_is_conflicted_on(app, world):
    member = world["people"][2]
    meetings.declare_conflict(world["items"][1], member, reason="My sister runs it", actor=Actor(member))
    pack = page(as_person(app, member).get(f"/panels/{world['meeting'].id}/pack"))
    assert [section["id"] for section in pack.select("section.app-pack-item")] == [
        f"item-{world['items'][0].id}",
        f"item-{world['items'][2].id}",
    ]
    text = pack.get_text()
    assert "1 item is left out of your pack because of a conflict of interest" in text


def test_someone_not_on_the_panel_cannot_know_the_meeting(app, world, make_user):
    outsider = make_user(roles={Role.PANEL_MEMBER})
    assert as_person(app, outsider).get(f"/panels/{world['meeting'].id}").status_code == 404
    applicant = make_user(roles={Role.APPLICANT})
    assert as_person(app, applicant).get(f"/panels/{world['meeting'].id}/pack").status_code == 403


def test_the_decisions_log_downloads(app, world):
    chair = world["people"][0]
    all_present(world["meeting"], chair)
    decisions.record(world["items"][0], DecisionAnswers(Outcome.APPROVED, reasons="=Strong"), actor=Actor(chair))
    response = as_person(app, chair).get(f"/panels/{world['meeting'].id}/decisions.csv")
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0].startswith("\ufeffEntry,Recorded,Reference")
    assert "'=Strong" in lines[1]


def test_the_meeting_and_pack_pages_run_the_same_queries_for_3_or_9_items(app, world, round_, officer, make_user):
    held = world["meeting"]
    client = as_person(app, world["people"][2])
    meetings.declare_conflict(world["items"][1], world["people"][3], reason="Trustee", actor=officer)
    urls = [f"/panels/{held.id}", f"/panels/{held.id}/pack", f"/panels/{held.id}/decisions.csv"]
    for_three = [statement_count(client, url) for url in urls]
    more = ranked(round_, officer, make_user, 6)
    meetings.add_to_agenda(held, [b.id for b in more], actor=officer)
    assert len(held.items) == 9
    assert [statement_count(client, url) for url in urls] == for_three
