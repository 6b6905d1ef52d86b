"""Approvals made at the same moment on PostgreSQL: never more approved than the grant, and one instalment never
approved twice.

A schedule gone wrong (three instalments of £5,000 on a £10,000 grant) is approved by three people at once:
two approvals go through and the third is refused as over the grant. Two people approving the same instalment:
one does, the other is told it is already approved. Approvals commit for real, and audit events can never be
deleted, so each race runs in a scratch database of its own, created for the test and dropped after it."""

import threading
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from sqlalchemy import text

from grantsfund.accounts.models import User
from grantsfund.agreements import services
from grantsfund.agreements.models import Agreement
from grantsfund.agreements.schedules import PlannedInstalment
from grantsfund.common.actor import Actor
from grantsfund.common.errors import InvalidTransition
from grantsfund.extensions import db
from grantsfund.payments import services as payments
from grantsfund.payments.models import Instalment, InstalmentStatus, ReleaseCondition
from grantsfund.payments.services import OverAward
from tests.agreements import factories
from tests.applications import factories as applications
from tests.panel.factories import panel
from tests.rounds.factories import officer_actor
from tests.scratch import scratch_database

GRANT = 1_000_000  # £10,000
EACH = 500_000  # £5,000


@pytest.fixture
def scratch_app(app: Flask, tmp_path) -> Iterator[Flask]:
    with scratch_database(tmp_path, connections=6) as scratch:
        yield scratch


def grant_with_three_instalments(make_user) -> tuple[int, list[int], list[int]]:
    """A £10,000 grant in force whose schedule went wrong: three £5,000 instalments, all released by the
    acceptance. Returns the agreement's id, the instalments' ids and three finance officers' ids."""
    officer = officer_actor(make_user)
    round_ = applications.open_round(make_user, name="Race round")
    round_.assessors_per_bid = 1
    round_.budget_pence = 5_000_000
    bid = factories.awarded(round_, officer, make_user, panel(make_user), asks_pence=GRANT)
    agreement = factories.drafted(bid, officer)
    assert agreement.amount_pence == GRANT
    services.update_payments(
        agreement.offer,
        [PlannedInstalment(1, agreement.starts_on, EACH), PlannedInstalment(2, agreement.starts_on, EACH)],
        actor=officer,
    )
    services.issue(agreement, actor=officer)
    member = factories.signatory(bid)
    services.accept(agreement.offer, factories.acceptance(member), actor=member)
    db.session.add(
        Instalment(
            agreement=agreement,
            number=3,
            due_on=agreement.starts_on,
            amount_pence=EACH,
            condition=ReleaseCondition.AGREEMENT_ACCEPTED,
            status=InstalmentStatus.DUE,
        )
    )
    db.session.flush()
    made = payments.instalments_for(agreement)
    assert [i.amount_pence for i in made] == [EACH] * 3
    people = [factories.finance_actor(make_user).user_id for _ in range(3)]
    db.session.commit()
    return agreement.id, [i.id for i in made], people


def race(scratch_app: Flask, attempts: list[tuple[int, int]]) -> tuple[list[int], list[Exception]]:
    """Each (instalment id, user id) approves at the same moment; the ids approved, and what was refused."""
    start = threading.Barrier(len(attempts))
    approved: list[int] = []
    refused: list[Exception] = []
    errors: list[BaseException] = []

    def approve(instalment_id: int, user_id: int) -> None:
        with scratch_app.app_context():
            try:
                instalment = db.session.get_one(Instalment, instalment_id)
                actor = Actor(db.session.get_one(User, user_id))
                start.wait(60)
                try:
                    payments.approve(instalment, actor=actor)
                    db.session.commit()
                    approved.append(instalment_id)
                except (OverAward, InvalidTransition) as error:
                    db.session.rollback()
                    refused.append(error)
            except Exception as error:  # noqa: BLE001 - the assertion below reports it
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=approve, args=attempt) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    return approved, refused


def in_database(scratch_app: Flask, read: Callable[[Agreement], object], agreement_id: int) -> object:
    with scratch_app.app_context():
        try:
            return read(db.session.get_one(Agreement, agreement_id))
        finally:
            db.session.remove()


@pytest.mark.postgresql_only
@pytest.mark.real_commits
def test_three_simultaneous_approvals_never_take_the_payments_over_the_grant(scratch_app, make_user):
    with scratch_app.app_context():
        agreement_id, instalment_ids, people = grant_with_three_instalments(make_user)
        db.session.remove()

    approved, refused = race(scratch_app, list(zip(instalment_ids, people, strict=True)))

    assert len(approved) == 2
    assert [type(error) for error in refused] == [OverAward]
    assert str(refused[0]) == (
        "Approving £5,000.00 would take approved and paid to £15,000.00, over the grant of £10,000.00"
    )
    assert in_database(scratch_app, payments.committed_pence, agreement_id) == GRANT
    statuses = in_database(scratch_app, lambda a: sorted(i.status for i in payments.instalments_for(a)), agreement_id)
    assert statuses == [InstalmentStatus.APPROVED, InstalmentStatus.APPROVED, InstalmentStatus.DUE]
    with scratch_app.app_context():
        logged = db.session.scalar(
            text("SELECT count(*) FROM audit_events WHERE action = 'payment.approved'"),
        )
        db.session.remove()
    assert logged == 2


@pytest.mark.postgresql_only
@pytest.mark.real_commits
def test_two_people_approving_the_same_instalment_approve_it_once(scratch_app, make_user):
    with scratch_app.app_context():
        agreement_id, [first, *_], people = grant_with_three_instalments(make_user)
        db.session.remove()

    approved, refused = race(scratch_app, [(first, people[0]), (first, people[1])])

    assert approved == [first]
    assert [type(error) for error in refused] == [InvalidTransition]
    assert str(refused[0]) == "Instalment 1 is approved and cannot be approved"
    assert in_database(scratch_app, payments.committed_pence, agreement_id) == EACH
    with scratch_app.app_context():
        approver = db.session.get_one(Instalment, first).approved_by_id
        logged = db.session.scalar(text("SELECT count(*) FROM audit_events WHERE action = 'payment.approved'"))
        db.session.remove()
    assert approver in people[:2]
    assert logged == 1


def test_the_race_setup_is_a_valid_grant_gone_wrong_on_any_database(make_user):
    """The same setup, checked on SQLite: the extra instalment is the only thing wrong, and approving all three
    one after another stops at the grant."""
    agreement_id, instalment_ids, people = grant_with_three_instalments(make_user)
    agreement = db.session.get_one(Agreement, agreement_id)
    assert services.problems(agreement.offer) == []
    outcomes = []
    for instalment_id, user_id in zip(instalment_ids, people, strict=True):
        try:
            payments.approve(
                db.session.get_one(Instalment, instalment_id), actor=Actor(db.session.get_one(User, user_id))
            )
            outcomes.append("approved")
        except OverAward:
            outcomes.append("over the grant")
    assert outcomes == ["approved", "approved", "over the grant"]
    assert payments.committed_pence(agreement) == GRANT
