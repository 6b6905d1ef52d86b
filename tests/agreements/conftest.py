"""What the agreements tests start from: an officer, a round with a panel, and the standard terms."""

import pytest

from grantsfund.common.actor import Actor
from tests.applications import factories
from tests.panel.factories import panel
from tests.rounds.factories import officer_actor


@pytest.fixture
def officer(make_user):
    return officer_actor(make_user)


@pytest.fixture
def round_(make_user):
    made = factories.open_round(make_user)
    made.assessors_per_bid = 1
    made.budget_pence = 5_000_000
    return made


@pytest.fixture
def people(make_user):
    return panel(make_user)


@pytest.fixture
def chair(people):
    return Actor(people[0])
