"""Twenty groups submit at the same moment on PostgreSQL: twenty distinct, consecutive references.

The submissions commit for real, and a submitted application's snapshot and audit trail can never be deleted,
so the race runs in a scratch database of its own, created for the test and dropped after it."""

import threading
from collections.abc import Iterator

import pytest
from flask import Flask

from grantsfund.applications import services, submission
from grantsfund.common.actor import Actor
from grantsfund.extensions import db
from tests.applications import factories
from tests.scratch import scratch_database

SUBMISSIONS = 20


@pytest.fixture
def scratch_app(app: Flask, tmp_path) -> Iterator[Flask]:
    with scratch_database(tmp_path, connections=SUBMISSIONS + 2) as scratch:
        yield scratch


@pytest.mark.postgresql_only
@pytest.mark.real_commits
def test_twenty_concurrent_submissions_get_twenty_consecutive_references(scratch_app, make_user):
    with scratch_app.app_context():
        round_ = factories.open_round(make_user, name="Race round")
        ready = []
        for number in range(SUBMISSIONS):
            member = make_user(full_name=f"Racer {number}")
            group = factories.group(member, name=f"Race group {number}")
            ready.append((factories.complete(factories.draft(round_, group, member), member).id, member.id))
        code = round_.fund.code
        db.session.commit()
        db.session.remove()

    start = threading.Barrier(SUBMISSIONS)
    references: list[str] = []
    errors: list[Exception] = []

    def submit(application_id: int, user_id: int) -> None:
        with scratch_app.app_context():
            try:
                application = services.get_application(application_id)
                member = db.session.get(type(application.created_by), user_id)
                start.wait(120)
                submission.submit_application(application, actor=Actor(member))
                db.session.commit()
                references.append(application.reference)
            except Exception as error:  # noqa: BLE001 - the assertion below reports it
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit, args=pair) for pair in ready]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    assert errors == []
    year = references[0].split("-")[1]
    assert sorted(references) == [f"{code}-{year}-{number:04d}" for number in range(1, SUBMISSIONS + 1)]
