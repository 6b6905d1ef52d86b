"""Two members removed at the same moment from a group of two: the row lock leaves one, never none."""

import threading

import pytest
from sqlalchemy import delete, exists, func, select

from grantsfund.common.actor import Actor
from grantsfund.common.errors import DomainError
from grantsfund.extensions import db
from grantsfund.notifications.models import OutboxMessage
from grantsfund.organisations import services
from grantsfund.organisations.models import Membership, Organisation, Ward
from tests.organisations import factories


@pytest.mark.postgresql_only
@pytest.mark.real_commits
def test_concurrent_removals_never_leave_a_group_without_members(app, make_user):
    first = make_user(email="race-first@example.org")
    second = make_user(email="race-second@example.org")
    group = factories.organisation(first, second, name="Race Condition Choir")
    db.session.commit()
    group_id, ids, ward_code = group.id, [first.id, second.id], group.ward.ons_code
    db.session.remove()

    a_has_lock, release_a = threading.Event(), threading.Event()
    outcomes = {}

    def remove(user_id, *, hold):
        with app.app_context():
            try:
                organisation = services.get_organisation(group_id)
                if not hold:
                    a_has_lock.wait(5)
                services.remove_member(organisation, user_id, actor=Actor.system())
                if hold:
                    a_has_lock.set()
                    release_a.wait(5)
                db.session.commit()
                outcomes[user_id] = "removed"
            except DomainError as error:
                db.session.rollback()
                outcomes[user_id] = error.message
            finally:
                db.session.remove()

    a = threading.Thread(target=remove, args=(ids[0],), kwargs={"hold": True})
    b = threading.Thread(target=remove, args=(ids[1],), kwargs={"hold": False})
    a.start()
    b.start()
    a_has_lock.wait(5)
    b.join(0.5)  # B is waiting for A's lock
    assert b.is_alive()
    release_a.set()
    a.join(10)
    b.join(10)

    try:
        assert outcomes[ids[0]] == "removed"
        assert outcomes[ids[1]] == "Race Condition Choir must keep at least one member"
        remaining = db.session.scalar(
            select(func.count()).select_from(Membership).where(Membership.organisation_id == group_id)
        )
        assert remaining == 1
    finally:
        db.session.execute(delete(Organisation).where(Organisation.id == group_id))
        db.session.execute(delete(OutboxMessage).where(OutboxMessage.recipient.like("race-%")))
        for user in (db.session.get(type(first), user_id) for user_id in ids):
            db.session.delete(user)
        # The factory's ward, unless a group outside this test uses it: later tests expect a clean list.
        db.session.execute(
            delete(Ward).where(~exists().where(Organisation.ward_id == Ward.id), Ward.ons_code == ward_code)
        )
        db.session.commit()
