"""What the portfolio's tests start from: the grants' common parts (tests/reporting/factories.py) and four
indicators of the library, two counted and two percentages, two of them in the same domain."""

import pytest
from sqlalchemy import select

from grantsfund.extensions import db
from grantsfund.rounds.models import Indicator
from tests.agreements import conftest as agreements
from tests.reporting import factories

# The agreements tests' fixtures (an officer, a round with a panel), for a grant made through the services.
officer, round_, people = agreements.officer, agreements.round_, agreements.people

MEASURES = {
    "work": "Participants moving into paid work or volunteering",  # Markers and Means: Work (count)
    "sessions": "Mixed-background sessions or events held",  # Social Connections: Social Bridges (count)
    "friends": "Participants reporting friends from different backgrounds",  # Social Bridges (percent)
    "wellbeing": "Participants reporting improved wellbeing",  # Markers and Means: Health and Social Care (percent)
}


@pytest.fixture
def world(make_user):
    return factories.world(make_user)


@pytest.fixture
def library(world):
    """The four indicators by short name."""
    found = {
        indicator.measure: indicator
        for indicator in db.session.scalars(select(Indicator).where(Indicator.measure.in_(MEASURES.values())))
    }
    return {name: found[measure] for name, measure in MEASURES.items()}
