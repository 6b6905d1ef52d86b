"""When two people add the same thing at the same moment the database keeps one; the other person gets a page that
says what happened (409), not a fault. Any other broken database rule is still a fault."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlalchemy.exc import IntegrityError

from grantsfund.extensions import db
from grantsfund.organisations.models import Ward


def refused(ward: Ward) -> IntegrityError:
    db.session.add(ward)
    with pytest.raises(IntegrityError) as caught:
        db.session.flush()
    return caught.value


def handled(app, error: IntegrityError):
    with app.test_request_context("/"):
        return app.make_response(app.handle_user_exception(error))


def test_a_duplicate_made_at_the_same_moment_gets_the_conflict_page(app):
    db.session.add(Ward(name="Riverside", ons_code="E05000001"))
    db.session.flush()
    response = handled(app, refused(Ward(name="Riverside", ons_code="E05000002")))
    assert response.status_code == 409
    html = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert html.select_one("h1").get_text(strip=True) == "Someone else changed this at the same moment"
    assert "try again" in html.select_one("main").get_text()


def test_any_other_broken_rule_is_still_a_fault(app):
    error = refused(Ward(name=None, ons_code="E05000003"))
    with pytest.raises(IntegrityError):
        handled(app, error)
