"""What the monitoring tests start from: the payments fixtures (an officer, a round with a panel, grants accepted
by their groups), and a grant of the applicant client's group whose first period has begun."""

from __future__ import annotations

import pytest

from grantsfund.agreements.models import Agreement
from tests.agreements import factories
from tests.applications import factories as applications
from tests.conftest import sign_in_as
from tests.monitoring.factories import running
from tests.payments import conftest as payments

officer, round_, people, chair = payments.officer, payments.round_, payments.people, payments.chair
grants = payments.grants


@pytest.fixture
def grant(round_, officer, make_user, people, applicant_client) -> Agreement:
    """An agreement in force of the applicant client's group, moved back so that period 1 began ten days ago:
    three instalments, the first released by the acceptance, the others by the returns for periods 1 and 2."""
    [agreement] = grants(round_, officer, make_user, people, member=applicant_client.user)
    return running(agreement)


@pytest.fixture
def unmoved(round_, officer, make_user, people) -> Agreement:
    """An agreement in force with its own dates (its first period starts after the round), for services given
    the time."""
    [agreement] = grants(round_, officer, make_user, people)
    return agreement


@pytest.fixture
def finance(make_user):
    """A finance officer, as an actor."""
    return factories.finance_actor(make_user)


@pytest.fixture
def other_member(app, make_user):
    """Signed in, a member of another group."""
    person = make_user(full_name="Other Group Member")
    applications.group(person, name="Hillside Allotment Society")
    return sign_in_as(app.test_client(), person)
