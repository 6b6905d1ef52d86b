"""Fifty approvals recorded at the same moment on PostgreSQL, in a round whose budget fits exactly ten: ten are
recorded, forty are refused as over budget, and the round's approvals add up to exactly its budget.

The decisions commit for real, and the database refuses to delete a decision or an audit event, so the race
runs in a scratch database of its own, created for the test and dropped after it."""

import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import text

from grantsfund.accounts.models import User
from grantsfund.common.actor import Actor
from grantsfund.extensions import db
from grantsfund.panel import decisions, meetings
from grantsfund.panel.decisions import DecisionAnswers, OverBudget
from grantsfund.panel.models import Outcome, PanelItem
from grantsfund.rounds.models import Round
from tests.applications import factories
from tests.panel.factories import all_present, meeting, panel, ranked
from tests.rounds.factories import officer_actor
from tests.scratch import scratch_database

BIDS = 50
FITS = 10
REQUESTED = 500_050  # what each bid from the application factories asks for: £5,000.50


@pytest.fixture
def scratch_app(app: Flask, tmp_path) -> Iterator[Flask]:
    with scratch_database(tmp_path, connections=BIDS + 2) as scratch:
        yield scratch


@pytest.mark.postgresql_only
@pytest.mark.real_commits
def test_fifty_simultaneous_approvals_never_take_the_round_over_its_budget(scratch_app, make_user):
    with scratch_app.app_context():
        officer = officer_actor(make_user)
        round_ = factories.open_round(make_user, name="Race round")
        round_.assessors_per_bid = 1
        round_.budget_pence = FITS * REQUESTED
        people = panel(make_user)
        bids = ranked(round_, officer, make_user, BIDS)
        assert {bid.amount_requested_pence for bid in bids} == {REQUESTED}
        held = meeting(round_, officer, people)
        items = meetings.add_to_agenda(held, [bid.id for bid in bids], actor=officer)
        all_present(held, people[0])
        item_ids, chair_id, round_id = [item.id for item in items], people[0].id, round_.id
        db.session.commit()
        db.session.remove()

    start = threading.Barrier(BIDS)
    recorded: list[int] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def approve(item_id: int) -> None:
        with scratch_app.app_context():
            try:
                item = db.session.get_one(PanelItem, item_id)
                chair = db.session.get_one(User, chair_id)
                answers = DecisionAnswers(Outcome.APPROVED, reasons="A strong bid")
                start.wait(120)
                try:
                    decision = decisions.record(item, answers, actor=Actor(chair))
                    db.session.commit()
                    recorded.append(decision.id)
                except OverBudget as error:
                    db.session.rollback()
                    refused.append(str(error))
            except Exception as error:  # noqa: BLE001 - the assertion below reports it
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=approve, args=(item_id,)) for item_id in item_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    assert errors == []
    assert len(recorded) == FITS
    assert refused == [
        "Approving £5,000.50 would take the round over its budget of £50,005.00: £0.00 remains. "
        "Approve a reduced amount, or defer or decline the bid."
    ] * (BIDS - FITS)
    with scratch_app.app_context():
        round_ = db.session.get_one(Round, round_id)
        assert decisions.committed_pence(round_) == round_.budget_pence == FITS * REQUESTED
        logged = db.session.scalar(text("SELECT count(*) FROM panel_decisions WHERE round_id = :id"), {"id": round_id})
        assert logged == FITS
        db.session.remove()
