"""Weighted scores, moderation, the ranking with its tie rule and running total, and assessor calibration."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grantsfund.assessment import ranking
from grantsfund.common.errors import DomainError
from grantsfund.rounds.models import Criterion
from tests.applications import factories
from tests.assessment.factories import scored
from tests.queries import statement_count
from tests.rounds.factories import officer_actor


def criteria_with(weights):
    return [Criterion(id=number, name=f"C{number}", weight=weight) for number, weight in enumerate(weights, 1)]


@given(weights=st.lists(st.integers(1, 10), min_size=1, max_size=8), data=st.data())
def test_the_weighted_score_is_the_weighted_share_of_the_most_possible(weights, data):
    criteria = criteria_with(weights)
    scores = {c.id: Fraction(data.draw(st.integers(0, 5))) for c in criteria}
    result = ranking.weighted_percent(criteria, scores)
    assert 0 <= result <= 100
    assert result == sum(c.weight * scores[c.id] for c in criteria) * 100 / (sum(weights) * 5)
    # Zero everywhere is 0%, five everywhere 100%, and equal weights make it the plain mean.
    assert ranking.weighted_percent(criteria, dict.fromkeys(scores, Fraction(0))) == 0
    assert ranking.weighted_percent(criteria, dict.fromkeys(scores, Fraction(5))) == 100
    equal = criteria_with([1] * len(weights))
    assert ranking.weighted_percent(equal, scores) == Fraction(sum(scores.values()) * 20, len(scores))


def test_the_weighted_score_waits_for_every_criterion():
    criteria = criteria_with([1, 2])
    assert ranking.weighted_percent(criteria, {1: Fraction(3)}) is None
    assert ranking.weighted_percent([], {}) is None


@pytest.fixture
def officer(make_user):
    return officer_actor(make_user)


@pytest.fixture
def round_(make_user):
    made = factories.open_round(make_user)
    made.assessors_per_bid = 2
    made.budget_pence = 1_200_000
    return made


def test_the_ranking_orders_by_score_then_the_tie_rule_with_a_running_total(round_, officer, make_user):
    n = len(round_.criteria)
    low = scored(round_, officer, make_user, [[2] * n, [2] * n])
    high = scored(round_, officer, make_user, [[4] * n, [5] * n])
    tie_big = scored(round_, officer, make_user, [[3] * n, [3] * n])
    tie_small = scored(round_, officer, make_user, [[3] * n, [3] * n])
    tie_small.amount_requested_pence = 100_000
    waiting = scored(round_, officer, make_user, [[5] * n])  # one of its two assessments in
    results = ranking.ranking(round_)
    assert [r.application for r in results] == [high, tie_small, tie_big, low, waiting]
    assert [r.rank for r in results] == [1, 2, 3, 4, None]
    assert ranking.percent(results[0].weighted) == "90.0%"
    assert [r.running_total_pence for r in results[:4]] == [500_050, 600_050, 1_100_100, 1_600_150]
    assert [r.within_budget for r in results[:4]] == [True, True, True, False]
    assert "1 of 2 assessments in" in waiting_explanation(results[-1])
    assert results[0].explanation()[0].startswith("Lifted by ")
    assert "Recommendations: 2 fund" in results[0].explanation()


def waiting_explanation(result):
    return "; ".join(result.explanation())


def test_a_wide_spread_needs_moderation_and_an_agreed_score_replaces_the_mean(round_, officer, make_user):
    n = len(round_.criteria)
    first = round_.criteria[0]
    bid = scored(round_, officer, make_user, [[1] + [3] * (n - 1), [4] + [3] * (n - 1)])
    result = ranking.bid_result(bid)
    assert [r.criterion for r in result.needs_moderation] == [first]
    assert result.criteria[0].score == Fraction(5, 2)
    with pytest.raises(DomainError, match="Enter the reason"):
        ranking.moderate(bid, first, score=3, reason=" ", actor=officer)
    ranking.moderate(bid, first, score=3, reason="Agreed after discussion", actor=officer)
    result = ranking.bid_result(bid)
    assert result.needs_moderation == []
    assert result.criteria[0].scores == [1, 4]  # the originals are kept
    assert result.weighted == 60
    assert "Moderated: " + first.name + " agreed at 3 (Agreed after discussion)" in result.explanation()
    ranking.moderate(bid, first, score=2, reason="Corrected", actor=officer)
    assert ranking.bid_result(bid).criteria[0].score == 2


def test_an_essential_criterion_below_the_pass_mark_is_flagged_and_loses_ties(round_, officer, make_user):
    n = len(round_.criteria)
    round_.criteria[1].essential = True
    round_.criteria[0].weight = round_.criteria[1].weight = 1  # so the two bids score the same
    flagged = scored(round_, officer, make_user, [[4, 1] + [3] * (n - 2), [4, 1] + [3] * (n - 2)])
    clean = scored(round_, officer, make_user, [[3, 2] + [3] * (n - 2), [3, 2] + [3] * (n - 2)])
    flagged.amount_requested_pence = clean.amount_requested_pence = 500_000
    by_bid = {r.application: r for r in ranking.ranking(round_)}
    assert [r.criterion for r in by_bid[flagged].failed_essentials] == [round_.criteria[1]]
    assert by_bid[clean].failed_essentials == []
    assert by_bid[flagged].weighted == by_bid[clean].weighted
    assert by_bid[clean].rank < by_bid[flagged].rank


def test_calibration_shows_a_generous_marker(round_, officer, make_user):
    n = len(round_.criteria)
    scored(round_, officer, make_user, [[5] * n, [3] * n])
    rows = {row.mean: row for row in ranking.calibration(round_)}
    assert rows[Fraction(5)].difference == 2
    assert rows[Fraction(3)].difference == -2


def test_the_ranking_page_runs_the_same_queries_for_two_or_six_bids(officer_client, round_, officer, make_user):
    n = len(round_.criteria)
    for _ in range(2):
        scored(round_, officer, make_user, [[3] * n, [4] * n])
    for_two = statement_count(officer_client, f"/funds/rounds/{round_.id}/ranking")
    for _ in range(4):
        scored(round_, officer, make_user, [[2] * n, [5] * n])
    assert statement_count(officer_client, f"/funds/rounds/{round_.id}/ranking") == for_two
