"""Small numbers: every count rounded to the nearest 5, and none under 5 shown.

The properties are the ones a reader cares about, and each fails on the scheme this replaced (which showed counts
of 5 or more exactly, and held back extra cells depending on their neighbours): a shown count is a multiple of 5,
at least 5 and within 2 of the truth; and two counts that differ by a little (a round and its fund, one fund and
all funds) never show a difference that gives the small one away."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grantsfund.reporting.suppression import rounded_share, shown
from grantsfund.reporting.tables import SUPPRESSED

# Small counts are where it matters; larger ones check the rounding holds up.
COUNTS = st.one_of(st.integers(0, 30), st.integers(0, 100_000))


@given(count=COUNTS)
def test_a_shown_count_is_a_multiple_of_5_at_least_5_and_within_2_of_the_truth(count):
    showing = shown(count)

    if count < 5:
        assert showing is SUPPRESSED
    else:
        assert isinstance(showing, int)
        assert showing >= 5
        assert showing % 5 == 0
        assert abs(showing - count) <= 2


@pytest.mark.parametrize(
    ("count", "showing"),
    [(0, SUPPRESSED), (4, SUPPRESSED), (5, 5), (7, 5), (8, 10), (12, 10), (13, 15), (17, 15), (18, 20), (1002, 1000)],
)
def test_counts_read_fewer_than_5_or_to_the_nearest_5(count, showing):
    assert shown(count) == showing


def differences_that_fit(first, second) -> set[int]:
    """Every difference d between two true counts a and a + d that a reader of these two shown values cannot rule
    out (the search is wide enough: a shown value is within 2 of its count, or from 0 to 4)."""
    low = 0 if first is SUPPRESSED else first - 2
    return {
        after - before
        for before in range(max(0, low - 5), low + 10)
        for after in range(before, before + 10)
        if shown(before) == first and shown(after) == second
    }


@given(count=COUNTS, difference=st.integers(1, 4))
def test_a_small_difference_between_two_counts_is_never_given_away(count, difference):
    """A round shows `count` where its fund shows `count + difference` (a fund's other rounds add a few): the two
    shown values fit some other difference too, so the few cannot be worked out by subtracting."""
    first, second = shown(count), shown(count + difference)

    fits = differences_that_fit(first, second)

    assert difference in fits  # the reader's reasoning is sound
    assert fits - {0, difference}  # and another difference of one or more fits as well


def test_for_instance_a_fund_and_its_round():
    # A round with 6 applications from one group of answers, its fund with 7: before, "6" and "7" gave the
    # round's fund-mates away as exactly 1. Now both read 5, which fits anything from no difference to 2.
    assert shown(6) == shown(7) == 5
    assert differences_that_fit(5, 5) == {0, 1, 2}


@given(part=COUNTS, rest=COUNTS)
def test_a_rate_comes_only_from_counts_shown_and_from_their_rounded_values(part, rest):
    share = rounded_share(part, rest)

    if part < 5 or rest < 5:
        assert share is None
    else:
        assert share == Fraction(shown(part), shown(part) + shown(rest))


def test_a_rate_is_worked_out_from_the_rounded_counts():
    # 7 funded and 8 not: 5 ÷ (5 + 10), not 7 ÷ 15, which would tell the true counts apart from the others that
    # read 5 and 10.
    assert rounded_share(7, 8) == Fraction(5, 15)
    assert rounded_share(4, 100) is None
    assert rounded_share(100, 0) is None


def test_a_count_cannot_be_negative():
    with pytest.raises(ValueError, match="negative"):
        shown(-1)
