"""The spend rule (pure functions, no app): what a budget line should have spent by the end of a period, when spend
varies enough to need explaining, and sharing an award among budget lines in whole pence."""

from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from grantsfund.monitoring import variance

GRANT_START = date(2026, 4, 1)
GRANT_END = date(2027, 3, 31)  # 365 days

budgets = st.integers(min_value=0, max_value=10_000_000_00)
spends = st.integers(min_value=0, max_value=10_000_000_00)
percents = st.integers(min_value=0, max_value=100)
lengths = st.integers(min_value=1, max_value=2000)


def test_expected_spend_is_the_budget_pro_rata_to_the_days_passed():
    half_way = GRANT_START + timedelta(days=182)  # 183 days of 365 have passed by its end
    expected = variance.expected_pence(
        365_00, grant_starts_on=GRANT_START, grant_ends_on=GRANT_END, period_ends_on=half_way
    )
    assert expected == 183_00
    # 100 pence over 3 days: a third is 33.33…p, two thirds 66.67p (to the nearest penny).
    three_days = {"grant_starts_on": GRANT_START, "grant_ends_on": GRANT_START + timedelta(days=2)}
    assert variance.expected_pence(100, **three_days, period_ends_on=GRANT_START) == 33
    assert variance.expected_pence(100, **three_days, period_ends_on=GRANT_START + timedelta(days=1)) == 67


def test_the_final_period_expects_the_whole_budget_even_if_it_ends_early():
    early = GRANT_END - timedelta(days=30)
    expected = variance.expected_by_period_end(
        1_000_00, grant_starts_on=GRANT_START, grant_ends_on=GRANT_END, period_ends_on=early, final=True
    )
    assert expected == 1_000_00
    interim = variance.expected_by_period_end(
        1_000_00, grant_starts_on=GRANT_START, grant_ends_on=GRANT_END, period_ends_on=early, final=False
    )
    assert interim < 1_000_00


@given(budget=budgets, length=lengths, data=st.data())
def test_expected_spend_grows_with_the_days_passed_and_stays_within_the_budget(budget, length, data):
    ends = GRANT_START + timedelta(days=length - 1)
    first = data.draw(st.integers(min_value=-10, max_value=length + 10))
    later = data.draw(st.integers(min_value=first, max_value=length + 10))
    at = {"grant_starts_on": GRANT_START, "grant_ends_on": ends}
    earlier_expected = variance.expected_pence(budget, **at, period_ends_on=GRANT_START + timedelta(days=first))
    later_expected = variance.expected_pence(budget, **at, period_ends_on=GRANT_START + timedelta(days=later))
    assert 0 <= earlier_expected <= later_expected <= budget
    assert variance.expected_pence(budget, **at, period_ends_on=ends) == budget


@given(expected=st.integers(min_value=1, max_value=10_000_000_00), percent=percents)
def test_spend_exactly_at_the_threshold_does_not_vary_and_a_penny_beyond_does(expected, percent):
    # Exactly `percent` % of expected, when that is a whole number of pence.
    assume(expected * percent % 100 == 0)
    allowed = expected * percent // 100
    assert not variance.varies(expected + allowed, expected, percent)
    assert variance.varies(expected + allowed + 1, expected, percent)
    if expected - allowed > 0:
        assert not variance.varies(expected - allowed, expected, percent)
        assert variance.varies(expected - allowed - 1, expected, percent)


def test_the_threshold_is_exact_arithmetic_not_floats():
    # 10% of £0.30 is 3p: 33p is at the threshold, 34p beyond it (0.1 * 30 is 3.0000000000000004 in floats).
    assert not variance.varies(33, 30, 10)
    assert variance.varies(34, 30, 10)
    assert not variance.varies(27, 30, 10)
    assert variance.varies(26, 30, 10)


@given(expected=budgets, percent=percents, near=spends, far=spends)
def test_spend_closer_to_what_was_expected_never_varies_when_spend_further_away_does_not(expected, percent, near, far):
    assume(abs(near - expected) <= abs(far - expected))
    if not variance.varies(far, expected, percent):
        assert not variance.varies(near, expected, percent)


@given(spent=spends, percent=percents)
def test_with_nothing_expected_any_spend_varies(spent, percent):
    assert variance.varies(spent, 0, percent) is (spent > 0)
    assert variance.difference_percent(spent, 0) is None


@pytest.mark.parametrize(
    ("spent", "expected", "shown"),
    [(110, 100, 10), (90, 100, -10), (100, 100, 0), (1005, 1000, 1), (995, 1000, -1), (1004, 1000, 0)],
)
def test_the_difference_is_a_whole_percentage_rounded_half_away_from_zero(spent, expected, shown):
    assert variance.difference_percent(spent, expected) == shown


def test_a_line_with_no_spend_entered_needs_no_explanation_yet():
    line = variance.line_variance(1_000_00, None, expected=500_00, percent=10)
    assert (line.spent_pence, line.difference_percent, line.needs_explanation) == (None, None, False)
    assert variance.line_variance(1_000_00, 600_00, expected=500_00, percent=10).needs_explanation


@given(amounts=st.lists(st.integers(min_value=0, max_value=10_000_000), max_size=12), total=budgets)
def test_scaling_adds_up_exactly_to_the_award_in_whole_pence(amounts, total):
    scaled = variance.scale_to(amounts, total)
    assert len(scaled) == len(amounts)
    if amounts:
        assert sum(scaled) == total
    assert all(share >= 0 for share in scaled)


@given(amounts=st.lists(st.integers(min_value=1, max_value=10_000_000), min_size=1, max_size=12), total=budgets)
def test_each_line_gets_its_exact_share_rounded_down_or_up(amounts, total):
    whole = sum(amounts)
    for amount, share in zip(amounts, variance.scale_to(amounts, total), strict=True):
        exact_floor = amount * total // whole
        assert exact_floor <= share <= exact_floor + 1


@given(amounts=st.lists(st.integers(min_value=1, max_value=10_000_000), min_size=1, max_size=12))
def test_scaling_to_the_same_total_changes_nothing(amounts):
    assert variance.scale_to(amounts, sum(amounts)) == amounts


def test_the_pence_left_over_go_to_the_largest_remainders_first():
    # £100 shared 1:1:1 is 3333p each with 1p over: it goes to the first line.
    assert variance.scale_to([1, 1, 1], 100_00) == [3334, 3333, 3333]
    # £4,000 and £1,000.50 asked, £4,500 awarded: exactly 359,964.0036p and 90,035.9964p; the penny left over goes
    # to the second line, whose remainder is the larger.
    assert variance.scale_to([400_000, 100_050], 450_000) == [359_964, 90_036]
    assert variance.scale_to([], 100) == []
    assert variance.scale_to([0, 0], 101) == [51, 50]
