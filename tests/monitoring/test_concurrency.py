"""Two officers reviewing the same return at the same moment, on PostgreSQL: one decision stands, the other is told
the return has been reviewed; and a group's member saving a section while another sends the return: the save either
lands before the version is frozen or is refused after, never changing a sent return.

The work commits for real, and audit events can never be deleted, so each race runs in a scratch database of its
own, created for the test and dropped after it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import text

from grantsfund.accounts.models import User
from grantsfund.common.actor import Actor
from grantsfund.extensions import db
from grantsfund.monitoring import returns
from grantsfund.monitoring.models import MonitoringReturn, ReturnSection, ReturnStatus
from tests.agreements import factories
from tests.applications import factories as applications
from tests.monitoring.factories import filled, member_of, started, submitted
from tests.panel.factories import panel
from tests.rounds.factories import officer_actor
from tests.scratch import race, scratch_database


@pytest.fixture
def scratch_app(app: Flask, tmp_path) -> Iterator[Flask]:
    with scratch_database(tmp_path, connections=4) as scratch:
        yield scratch


def a_grant(make_user) -> tuple[object, Actor]:
    officer = officer_actor(make_user)
    round_ = applications.open_round(make_user, name="Race round")
    round_.assessors_per_bid = 1
    round_.budget_pence = 5_000_000
    bid = factories.awarded(round_, officer, make_user, panel(make_user))
    return factories.accepted(bid, officer), officer


def loaded(return_id: int) -> MonitoringReturn:
    return db.session.get_one(MonitoringReturn, return_id)


@pytest.mark.postgresql_only
@pytest.mark.real_commits
def test_two_officers_reviewing_at_once_make_one_decision(scratch_app, make_user):
    with scratch_app.app_context():
        agreement, officer = a_grant(make_user)
        return_id = submitted(agreement, 1).id
        other_id = officer_actor(make_user).user_id
        first_id = officer.user_id
        db.session.commit()
        db.session.remove()

    def accept() -> None:
        returns.accept(loaded(return_id), actor=Actor(db.session.get_one(User, first_id)))

    def send_back() -> None:
        ret = loaded(return_id)
        actor = Actor(db.session.get_one(User, other_id))
        returns.request_changes(ret, comments={ReturnSection.RISKS: "Say more"}, note="", actor=actor)

    decided, refused = race(scratch_app, [accept, send_back])

    assert decided == 1
    assert [str(error) for error in refused] in (
        ["This return is accepted: there is nothing to review"],
        ["This return is changes requested: there is nothing to review"],
    )
    with scratch_app.app_context():
        ret = loaded(return_id)
        [version] = ret.submissions
        assert ret.status in (ReturnStatus.ACCEPTED, ReturnStatus.CHANGES_REQUESTED)
        assert version.outcome is not None
        assert version.outcome.value == ret.status.value
        reviews = db.session.scalar(
            text(
                "SELECT count(*) FROM audit_events WHERE action IN"
                " ('monitoring_return.accepted', 'monitoring_return.changes_requested')"
            )
        )
        db.session.remove()
    assert reviews == 1


@pytest.mark.postgresql_only
@pytest.mark.real_commits
def test_a_save_and_a_submission_at_once_never_change_the_sent_version(scratch_app, make_user):
    with scratch_app.app_context():
        agreement, _officer = a_grant(make_user)
        ret = filled(started(agreement, 1))
        return_id, member_id = ret.id, member_of(agreement).user_id
        db.session.commit()
        db.session.remove()

    def send() -> None:
        returns.submit(loaded(return_id), actor=Actor(db.session.get_one(User, member_id)))

    def save() -> None:
        returns.save_section(
            loaded(return_id),
            ReturnSection.RISKS,
            "A late change of heart",
            completed=True,
            actor=Actor(db.session.get_one(User, member_id)),
        )

    race(scratch_app, [send, save])

    with scratch_app.app_context():
        ret = loaded(return_id)
        [version] = ret.submissions
        # Whichever came first, what was sent is what the return says now.
        assert ret.status is ReturnStatus.SUBMITTED
        assert version.data["risks"] == ret.risks
        db.session.remove()
