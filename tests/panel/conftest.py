"""What most panel tests start from: an officer, a round that needs one assessment a bid, and a panel."""

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
    made.budget_pence = 1_200_000
    return made


@pytest.fixture
def people(make_user):
    """Chair Chidi (elected member), Member 1 (deputy, community), Member 2 (officer), Member 3 (partner)."""
    return panel(make_user)


@pytest.fixture
def chair(people):
    return Actor(people[0])
