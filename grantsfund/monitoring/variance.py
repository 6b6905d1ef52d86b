"""The spend rule of a monitoring return, as pure functions of pence and dates (no Flask, no database).

By the end of a period a budget line is expected to have spent its budget pro rata to the days of the grant period
that have passed (by the end of the final period, the whole budget). A line "varies", and the group explains why,
when what it has spent differs from that by more than a set percentage of it; with nothing expected yet, any
spend varies. Everything is whole pence and exact integer arithmetic: no floats."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


def _divide_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator to the nearest whole number, halves away from zero (denominator > 0)."""
    quotient, remainder = divmod(abs(numerator) * 2 + denominator, denominator * 2)
    return quotient if numerator >= 0 else -quotient


def expected_pence(budget_pence: int, *, grant_starts_on: date, grant_ends_on: date, period_ends_on: date) -> int:
    """What a line should have spent by `period_ends_on`: its budget times the share of the grant's days passed."""
    total_days = (grant_ends_on - grant_starts_on).days + 1
    if total_days <= 0:
        return budget_pence
    elapsed = min(max((period_ends_on - grant_starts_on).days + 1, 0), total_days)
    return _divide_half_up(budget_pence * elapsed, total_days)


def expected_by_period_end(
    budget_pence: int, *, grant_starts_on: date, grant_ends_on: date, period_ends_on: date, final: bool
) -> int:
    """As `expected_pence`, except that by the end of the final period the whole budget is expected."""
    if final:
        return budget_pence
    return expected_pence(
        budget_pence, grant_starts_on=grant_starts_on, grant_ends_on=grant_ends_on, period_ends_on=period_ends_on
    )


def varies(spent_pence: int, expected: int, percent: int) -> bool:
    """Whether spend differs from what was expected by more than `percent` % of it (exactly at it does not)."""
    if expected <= 0:
        return spent_pence > 0
    return abs(spent_pence - expected) * 100 > percent * expected


def difference_percent(spent_pence: int, expected: int) -> int | None:
    """How far spend is above (positive) or below (negative) what was expected, as a whole percentage; None when
    nothing was expected."""
    if expected <= 0:
        return None
    return _divide_half_up((spent_pence - expected) * 100, expected)


@dataclass(frozen=True)
class LineVariance:
    budget_pence: int
    expected_pence: int
    spent_pence: int | None
    difference_percent: int | None
    needs_explanation: bool


def line_variance(budget_pence: int, spent_pence: int | None, *, expected: int, percent: int) -> LineVariance:
    """One budget line against the rule; a line with no spend entered needs no explanation yet."""
    if spent_pence is None:
        return LineVariance(budget_pence, expected, None, None, needs_explanation=False)
    return LineVariance(
        budget_pence,
        expected,
        spent_pence,
        difference_percent(spent_pence, expected),
        needs_explanation=varies(spent_pence, expected, percent),
    )


def scale_to(amounts_pence: Sequence[int], total_pence: int) -> list[int]:
    """Share `total_pence` among lines in proportion to `amounts_pence`, in whole pence adding up exactly to it
    (largest remainder: each line gets its share rounded down, and the pence left over go one each to the lines
    with the largest remainders, earlier lines first on a tie). Lines with nothing share equally."""
    if not amounts_pence:
        return []
    weights = list(amounts_pence) if sum(amounts_pence) > 0 else [1] * len(amounts_pence)
    whole = sum(weights)
    shares = [divmod(weight * total_pence, whole) for weight in weights]
    scaled = [share for share, _remainder in shares]
    left_over = total_pence - sum(scaled)
    by_remainder = sorted(range(len(shares)), key=lambda index: (-shares[index][1], index))
    for index in by_remainder[:left_over]:
        scaled[index] += 1
    return scaled
