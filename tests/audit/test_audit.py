"""The audit trail: written with every change, append-only in the database, browsable by administrators."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError

from grantsfund.accounts import services as accounts
from grantsfund.accounts.models import Role
from grantsfund.audit.models import AuditEvent
from grantsfund.audit.services import record
from grantsfund.common.actor import Actor
from grantsfund.extensions import db
from tests.conftest import error_messages, page


@pytest.fixture
def event(make_user):
    user = make_user()
    event = record(actor=Actor(user, "192.0.2.1"), action="user.roles_changed", obj=user, after={"roles": ["x"]})
    db.session.flush()
    return event


def test_the_database_refuses_to_change_an_event(event):
    with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
        db.session.execute(update(AuditEvent).where(AuditEvent.id == event.id).values(action="tampered"))


def test_the_database_refuses_to_delete_an_event(event):
    with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
        db.session.execute(delete(AuditEvent).where(AuditEvent.id == event.id))


def test_an_event_lands_with_its_change_or_not_at_all(make_user):
    admin = make_user(roles={Role.ADMINISTRATOR})
    person = make_user()
    savepoint = db.session.begin_nested()
    accounts.set_roles(person, {Role.ASSESSOR}, actor=Actor(admin))
    db.session.flush()
    savepoint.rollback()
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.roles_changed")).all() == []


def add_events(count, *, actor, start):
    for n in range(count):
        record(actor=actor, action=f"test.event_{n}", obj=actor.user, now=start + timedelta(minutes=n))
    db.session.flush()


class TestAuditLogPage:
    def test_shows_newest_first_paginated(self, admin_client):
        add_events(60, actor=Actor(admin_client.user, "192.0.2.7"), start=datetime(2026, 3, 1, 9, tzinfo=UTC))
        first = page(admin_client.get("/admin/audit"))
        actions = [row.select("td")[2].get_text(strip=True) for row in first.select("tbody tr")]
        assert actions[:2] == ["test.event_59", "test.event_58"]
        assert len(actions) == 50
        second = page(admin_client.get("/admin/audit?page=2"))
        assert len(second.select("tbody tr")) == 10
        assert first.select_one(".govuk-pagination__next a")["href"] == "/admin/audit?page=2"

    def test_filters_by_action_actor_and_london_dates(self, admin_client, make_user):
        other = make_user(email="other@example.gov.uk", roles={Role.GRANTS_OFFICER})
        # 23:30 UTC on 30 June is 00:30 on 1 July in London.
        record(actor=Actor(other), action="user.disabled", obj=other, now=datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
        record(actor=Actor(other), action="user.enabled", obj=other, now=datetime(2026, 6, 29, 12, 0, tzinfo=UTC))
        db.session.flush()

        def actions(query):
            rows = page(admin_client.get("/admin/audit?" + query)).select("tbody tr")
            return [cells[2].get_text(strip=True) for cells in (row.select("td") for row in rows) if len(cells) == 5]

        assert actions("action=user.dis") == ["user.disabled"]
        assert actions("actor_email=other%40example") == ["user.disabled", "user.enabled"]
        assert actions("date_from=1%2F7%2F2026&date_to=1%2F7%2F2026") == ["user.disabled"]
        assert actions("date_from=30%2F6%2F2026&date_to=30%2F6%2F2026") == []

    def test_bad_filters_are_explained_with_input_kept(self, admin_client):
        response = admin_client.get("/admin/audit?date_from=31%2F2%2F2026&date_to=1%2F1%2F2020")
        assert response.status_code == 200
        assert "Not a valid date value." in error_messages(response)
        assert page(response).select_one("#date_from")["value"] == "31/2/2026"

    def test_an_event_shows_who_what_when_and_the_change(self, admin_client, event):
        shown = page(admin_client.get(f"/admin/audit/{event.id}"))
        text = shown.select_one(".govuk-summary-list").get_text(" ", strip=True)
        assert "user.roles_changed" in text
        assert "192.0.2.1" in text
        assert '"roles"' in text


def test_a_persons_page_links_to_the_changes_to_their_account(admin_client, make_user):
    person = make_user()
    other = make_user()
    record(actor=Actor(admin_client.user), action="user.roles_changed", obj=person)
    record(actor=Actor(admin_client.user), action="user.roles_changed", obj=other)
    db.session.flush()
    link = page(admin_client.get(f"/admin/users/{person.id}")).find("a", string="See account changes in the audit log")
    rows = page(admin_client.get(link["href"])).select("tbody tr")
    assert [row.select("td")[3].get_text(" ", strip=True) for row in rows] == [f"user {person.id}"]
