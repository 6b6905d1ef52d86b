"""References under concurrent submissions on PostgreSQL: each submission takes the fund's next number in one
statement while holding the counter's row until it commits, so twenty at once get twenty consecutive
numbers, none shared and none skipped."""

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete

from grantsfund.applications import submission
from grantsfund.applications.models import ReferenceCounter
from grantsfund.extensions import db
from grantsfund.rounds.models import Fund

SUBMISSIONS = 20


@pytest.mark.postgresql_only
@pytest.mark.real_commits
def test_twenty_concurrent_submissions_get_twenty_consecutive_references(app):
    # Made directly: the service would load the theme library and audit it, for real, for every later test.
    fund = Fund(name="Reference Race Fund", code="RRF", description="")
    db.session.add(fund)
    db.session.commit()
    fund_id, code = fund.id, fund.code
    db.session.remove()
    now = datetime(2026, 6, 1, 12, tzinfo=UTC)
    start = threading.Barrier(SUBMISSIONS)
    references: list[str] = []
    errors: list[Exception] = []

    def submit() -> None:
        with app.app_context():
            try:
                start.wait(10)
                references.append(submission.allocate_reference(db.session.get(Fund, fund_id), now=now))
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - the assertion below reports it
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit) for _ in range(SUBMISSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    try:
        assert errors == []
        assert sorted(references) == [f"{code}-2026-{number:04d}" for number in range(1, SUBMISSIONS + 1)]
    finally:
        db.session.execute(delete(ReferenceCounter).where(ReferenceCounter.fund_id == fund_id))
        db.session.execute(delete(Fund).where(Fund.id == fund_id))
        db.session.commit()
