"""What the signposting tests start from: an officer, an open round that needs one assessment a bid, a panel."""

from pathlib import Path

import pytest

from grantsfund.common.actor import Actor
from tests.applications import factories
from tests.panel.factories import panel
from tests.rounds.factories import officer_actor

SEED_CSV = Path(__file__).resolve().parents[2] / "grantsfund" / "signposting" / "data" / "funders-seed.csv"


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
    """Chair Chidi first, then three members."""
    return panel(make_user)


@pytest.fixture
def chair(people):
    return Actor(people[0])


@pytest.fixture
def seed_csv() -> Path:
    return SEED_CSV
