import pytest

from tests.rounds.factories import make_fund, officer_actor


@pytest.fixture
def actor(make_user):
    return officer_actor(make_user)


@pytest.fixture
def fund(actor):
    return make_fund(actor)
