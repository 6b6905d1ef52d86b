"""What the payments tests start from: the agreements fixtures (an officer, a round with a panel), a finance
officer to act, and grants accepted by their groups."""

from __future__ import annotations

import pytest

from grantsfund.agreements.models import Agreement
from grantsfund.common.actor import Actor
from grantsfund.common.dates import london_today
from grantsfund.extensions import db
from grantsfund.payments import services as payments
from grantsfund.payments.models import Instalment
from tests.agreements import conftest as agreements
from tests.agreements import factories
from tests.panel.factories import join_group

# The agreements tests' fixtures: an officer, a round with a panel, and its chair.
officer, round_, people, chair = agreements.officer, agreements.round_, agreements.people, agreements.chair


@pytest.fixture
def finance(finance_client) -> Actor:
    """The finance officer signed in as finance_client, for the services a test calls itself."""
    return Actor(finance_client.user)


def grants(round_, officer, make_user, people, count: int = 1, *, member=None) -> list[Agreement]:
    """Approved bids with their agreements accepted by their groups; `member` joins the first group."""
    bids = factories.approved(round_, officer, make_user, people, count)
    if member is not None:
        join_group(bids[0], member)
    return [factories.accepted(bid, officer) for bid in bids]


def instalments(agreement: Agreement) -> list[Instalment]:
    return payments.instalments_for(agreement)


def paid(instalment: Instalment, finance: Actor, *, reference: str = "BACS-0001", paid_on=None) -> Instalment:
    """Approved and recorded as paid, as finance does."""
    payments.approve(instalment, actor=finance)
    payments.record_paid(instalment, paid_on=paid_on or london_today(), reference=reference, actor=finance)
    db.session.flush()
    return instalment


@pytest.fixture
def grant(round_, officer, make_user, people, applicant_client) -> Agreement:
    """An agreement in force, of a group the applicant client's person belongs to: three instalments, the first
    released by the acceptance, the others by the returns for periods 1 and 2."""
    [agreement] = grants(round_, officer, make_user, people, member=applicant_client.user)
    return agreement
