"""What the 360Giving tests start from: a decided round with its panel (tests/reporting/opendata/factories.py),
and the council as the publisher, from the test configuration."""

from __future__ import annotations

import pytest
from flask import current_app

from grantsfund.reporting.opendata.records import Publisher
from tests.reporting.opendata import factories


@pytest.fixture
def made(make_user):
    return factories.scene(make_user)


@pytest.fixture
def publisher(app) -> Publisher:
    return Publisher.from_config(current_app.config)
