"""Two officers (or one double click) acting on the same signpost at the same moment, on PostgreSQL: one letter
goes to each address and one signpost is started, whoever clicks second is told what the first did.

The work commits for real, and audit events can never be deleted, so each race runs in a scratch database of its
own, created for the test and dropped after it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import text

from grantsfund.accounts.models import User
from grantsfund.applications.models import Application
from grantsfund.common.actor import Actor
from grantsfund.extensions import db
from grantsfund.signposting import signposts
from grantsfund.signposting.models import Signpost
from tests.applications import factories as applications
from tests.rounds.factories import officer_actor
from tests.scratch import race, scratch_database
from tests.signposting.factories import ineligible, listed


@pytest.fixture
def scratch_app(app: Flask, tmp_path) -> Iterator[Flask]:
    with scratch_database(tmp_path, connections=4) as scratch:
        yield scratch


def count(sql: str) -> int:
    return int(db.session.scalar(text(sql)) or 0)


def a_bid(scratch_app: Flask, make_user) -> tuple[int, int]:
    """An ineligible bid and a directory with a funder for it; the bid's id and an officer's user id."""
    with scratch_app.app_context():
        officer = officer_actor(make_user)
        round_ = applications.open_round(make_user, name="Race round")
        round_.assessors_per_bid = 1
        listed("Race Trust", "Small grants", actor=officer)
        bid = ineligible(round_, officer, make_user, name="Race Group")
        ids = bid.id, officer.user_id
        db.session.commit()
        db.session.remove()
    return ids


@pytest.mark.postgresql_only
@pytest.mark.real_commits
def test_two_sends_at_once_send_one_letter_to_each_address(scratch_app, make_user):
    bid_id, officer_id = a_bid(scratch_app, make_user)
    with scratch_app.app_context():
        officer = Actor(db.session.get_one(User, officer_id))
        signpost_id = signposts.start(db.session.get_one(Application, bid_id), actor=officer).id
        db.session.commit()
        db.session.remove()

    def send() -> None:
        signpost = db.session.get_one(Signpost, signpost_id)
        assert not signpost.is_sent  # both read the draft before either sends
        signposts.send(signpost, note="", actor=Actor(db.session.get_one(User, officer_id)))

    sent, refused = race(scratch_app, [send, send])

    assert sent == 1
    assert [str(error) for error in refused] == ["The letter has been sent, so its funders cannot change"]
    with scratch_app.app_context():
        addresses = count("SELECT count(DISTINCT recipient) FROM outbox_messages")
        letters = count("SELECT count(*) FROM outbox_messages WHERE template = 'signposting/letter'")
        events = count("SELECT count(*) FROM audit_events WHERE action = 'signpost.sent'")
        db.session.remove()
    assert letters == addresses >= 1
    assert events == 1


@pytest.mark.postgresql_only
@pytest.mark.real_commits
def test_two_officers_starting_at_once_share_one_signpost(scratch_app, make_user):
    bid_id, officer_id = a_bid(scratch_app, make_user)
    started: list[int] = []

    def begin() -> None:
        bid = db.session.get_one(Application, bid_id)
        assert signposts.signpost_for(bid) is None  # both find none before either starts
        started.append(signposts.start(bid, actor=Actor(db.session.get_one(User, officer_id))).id)

    done, refused = race(scratch_app, [begin, begin])

    assert (done, refused) == (2, [])
    assert len(set(started)) == 1
    with scratch_app.app_context():
        events = count("SELECT count(*) FROM audit_events WHERE action = 'signpost.started'")
        db.session.remove()
    assert events == 1
