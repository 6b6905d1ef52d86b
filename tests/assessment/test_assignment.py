"""Assigning assessors on the database: conflicts are never assigned, suggestions keep loads even and say why,
and an assessor's declaration opens the bid or frees its place."""

from collections import Counter
from datetime import timedelta
from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grantsfund.applications.models import ApplicationStatus
from grantsfund.assessment import assignment
from grantsfund.assessment.models import AssignmentStatus
from grantsfund.common.actor import Actor
from grantsfund.common.dates import london_today
from grantsfund.common.errors import DomainError
from grantsfund.organisations.models import Membership
from tests.applications import factories
from tests.assessment.factories import assessors, eligible
from tests.conftest import queued_emails
from tests.rounds.factories import officer_actor


@pytest.fixture
def officer(make_user):
    return officer_actor(make_user)


@pytest.fixture
def round_(make_user):
    return factories.open_round(make_user)


def due():
    return london_today() + timedelta(days=14)


def test_assigning_checks_role_conflict_duplicates_and_places(round_, officer, make_user):
    bid = eligible(round_, officer, make_user, name="Harbour Choir")
    ann, ben, cat = assessors(make_user, "Ann Assessor", "Ben Assessor", "Cat Assessor")
    outsider = make_user(full_name="Not An Assessor")
    with pytest.raises(DomainError, match="is not an assessor"):
        assignment.assign(bid, outsider, due_on=due(), actor=officer)
    bid.organisation.memberships.append(Membership(user=cat))
    with pytest.raises(DomainError, match="Cat Assessor has a conflict: a member of the group"):
        assignment.assign(bid, cat, due_on=due(), actor=officer)
    with pytest.raises(DomainError, match="today or later"):
        assignment.assign(bid, ann, due_on=london_today() - timedelta(days=1), actor=officer)
    assignment.assign(bid, ann, due_on=due(), actor=officer)
    assert bid.status is ApplicationStatus.IN_ASSESSMENT
    with pytest.raises(DomainError, match="already assigned"):
        assignment.assign(bid, ann, due_on=due(), actor=officer)
    assignment.assign(bid, ben, due_on=due(), actor=officer)
    dan = assessors(make_user, "Dan Assessor")[0]
    with pytest.raises(DomainError, match="already has its 2 assessors"):
        assignment.assign(bid, dan, due_on=due(), actor=officer)
    assert [m.recipient for m in queued_emails(template="assessment/assigned")] == [ann.email, ben.email]


def test_a_declared_conflict_frees_the_place_and_is_remembered_for_the_group(round_, officer, make_user):
    bid = eligible(round_, officer, make_user, name="Harbour Choir")
    ann, ben = assessors(make_user, "Ann Assessor", "Ben Assessor")
    mine = assignment.assign(bid, ann, due_on=due(), actor=officer)
    with pytest.raises(DomainError, match="Only the assigned assessor"):
        assignment.declare(mine, conflict=False, actor=Actor(ben))
    with pytest.raises(DomainError, match="Enter the reason"):
        assignment.declare(mine, conflict=True, actor=Actor(ann))
    assignment.declare(mine, conflict=True, reason="My sister chairs the choir", actor=Actor(ann))
    assert mine.status is AssignmentStatus.CONFLICTED
    assert [m.template for m in queued_emails(to=officer.user.email)] == ["assessment/conflict_declared"]
    with pytest.raises(DomainError, match="declared an interest: My sister chairs the choir"):
        assignment.assign(bid, ann, due_on=due(), actor=officer)
    second_bid = eligible(round_, officer, make_user, name="Harbour Choir Youth")
    second_bid.organisation_id = bid.organisation_id  # another bid from the same group
    proposals = assignment.suggest(round_)
    assert all(p.assessor != ann for p in proposals if p.application.organisation_id == bid.organisation_id)
    with pytest.raises(DomainError, match="already made your declaration"):
        assignment.declare(mine, conflict=False, actor=Actor(ann))


def test_no_conflict_opens_the_bid(round_, officer, make_user):
    bid = eligible(round_, officer, make_user, name="Harbour Choir")
    [ann] = assessors(make_user, "Ann Assessor")
    mine = assignment.assign(bid, ann, due_on=due(), actor=officer)
    assignment.declare(mine, conflict=False, actor=Actor(ann))
    assert mine.status is AssignmentStatus.ACCEPTED
    assert mine.declared_at is not None


def test_the_suggestion_explains_each_choice(round_, officer, make_user):
    bid = eligible(round_, officer, make_user, name="Harbour Choir")
    ann, ben, cat = assessors(make_user, "Ann Assessor", "Ben Assessor", "Cat Assessor")
    bid.organisation.memberships.append(Membership(user=ann))
    proposals = assignment.suggest(round_)
    assert [(p.assessor.full_name, p.reason) for p in proposals] == [
        (
            "Ben Assessor",
            "Fewest bids to assess (0) among those free of conflict; not Ann Assessor (a member of the group)",
        ),
        (
            "Cat Assessor",
            "Fewest bids to assess (0) among those free of conflict; not Ann Assessor (a member of the group)",
        ),
    ]
    assert assignment.confirm(proposals, due_on=due(), actor=officer) == 2
    assert assignment.suggest(round_) == []


# Hypothesis runs every example in one test's transaction: each needs its own names, and sees the assessors
# earlier examples made.
EXAMPLES = count()


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bids=st.integers(1, 4), people=st.integers(1, 4), per_bid=st.integers(1, 3), members=st.data())
def test_suggestions_never_conflict_and_keep_loads_within_one(make_user, bids, people, per_bid, members):
    example = next(EXAMPLES)
    officer = officer_actor(make_user)
    round_ = factories.open_round(make_user, name=f"Load round {example}")
    round_.assessors_per_bid = per_bid
    pool = assessors(make_user, *[f"Assessor {example}-{n}" for n in range(people)])
    applications = [eligible(round_, officer, make_user, name=f"Load group {example}-{n}") for n in range(bids)]
    conflicted = {}
    for application in applications:
        member = members.draw(st.sampled_from([None, *pool]))
        if member is not None:
            application.organisation.memberships.append(Membership(user=member))
            conflicted[application.id] = member.id
    everyone = assignment.list_assessors()
    proposals = assignment.suggest(round_)
    assert all(conflicted.get(p.application.id) != p.assessor.id for p in proposals)
    placed = Counter(p.application.id for p in proposals)
    for application in applications:
        possible = len(everyone) - (1 if application.id in conflicted else 0)
        assert placed[application.id] == min(per_bid, possible)
    if not conflicted:
        load = Counter(p.assessor.id for p in proposals)
        counts = [load[person.id] for person in everyone]
        assert max(counts) - min(counts) <= 1


def test_an_interest_recorded_in_advance_keeps_the_assessor_off_the_groups_bids(round_, officer, make_user):
    bid = eligible(round_, officer, make_user, name="Harbour Choir")
    ann, ben = assessors(make_user, "Ann Assessor", "Ben Assessor")
    with pytest.raises(DomainError, match="Enter the interest"):
        assignment.record_interest(ann, bid.organisation_id, reason=" ", actor=officer)
    assignment.record_interest(ann, bid.organisation_id, reason="A trustee of the choir", actor=officer)
    with pytest.raises(DomainError, match="already has a conflict"):
        assignment.record_interest(ann, bid.organisation_id, reason="Again", actor=officer)
    assert [p.assessor for p in assignment.suggest(round_)] == [ben]
    with pytest.raises(DomainError, match="declared an interest: A trustee of the choir"):
        assignment.assign(bid, ann, due_on=due(), actor=officer)
