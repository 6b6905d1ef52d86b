"""The plans as plain values: the default split, periods and payments for any grant, and the checks that stop a
plan that does not add up or does not cover the grant period."""

from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from grantsfund.agreements import schedules
from grantsfund.agreements.schedules import (
    MAX_PERIODS,
    ON_ACCEPTANCE,
    ON_RETURN,
    PlannedInstalment,
    PlannedPeriod,
    Target,
)
from grantsfund.common.dates import add_months, format_date

amounts = st.integers(min_value=1, max_value=100_000_000_00)
starts = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))


@st.composite
def grant_periods(draw):
    """A grant's start and end, the end on or after the start and at most five years later."""
    starts_on = draw(starts)
    ends_on = starts_on + timedelta(days=draw(st.integers(min_value=0, max_value=5 * 366)))
    return starts_on, ends_on


def fields(problems):
    return [problem.field for problem in problems]


# split --------------------------------------------------------------------------------------------------------


@given(amount=amounts, parts=st.integers(min_value=1, max_value=12))
def test_split_always_adds_up_to_the_amount_in_parts_of_more_than_nothing(amount, parts):
    shares = schedules.split(amount, parts)
    assert sum(shares) == amount
    assert all(share > 0 for share in shares)
    assert len(shares) == (parts if amount >= parts else 1)


@given(pounds=st.integers(min_value=1, max_value=100_000_000), parts=st.integers(min_value=1, max_value=12))
def test_split_of_whole_pounds_gives_whole_pounds_when_there_is_a_pound_for_each_part(pounds, parts):
    assume(pounds >= parts)
    shares = schedules.split(pounds * 100, parts)
    assert len(shares) == parts
    assert all(share % 100 == 0 for share in shares)


@given(amount=st.integers(min_value=100, max_value=100_000_000_00), parts=st.integers(min_value=2, max_value=12))
def test_split_puts_the_odd_pence_in_the_first_part_and_keeps_the_parts_even(amount, parts):
    assume(amount >= parts * 100)
    first, *rest = schedules.split(amount, parts)
    assert len(set(rest)) == 1
    assert all(share % 100 == 0 for share in rest)
    assert 0 <= first - rest[0] < parts * 100


def test_split_examples():
    assert schedules.split(500_050, 3) == [166_850, 166_600, 166_600]
    assert schedules.split(1_000_000, 4) == [250_000] * 4
    assert schedules.split(250, 3) == [84, 83, 83]  # less than £1 each: pence, still adding up
    assert schedules.split(2, 3) == [2]  # fewer pence than parts: one payment
    assert schedules.split(500, 0) == [500]


# default_periods ----------------------------------------------------------------------------------------------


@given(
    grant=grant_periods(),
    every_months=st.integers(min_value=1, max_value=12),
    due_after_days=st.integers(min_value=1, max_value=90),
)
def test_default_periods_run_without_gaps_from_the_start_to_the_end_of_any_grant(grant, every_months, due_after_days):
    starts_on, ends_on = grant
    periods = schedules.default_periods(starts_on, ends_on, every_months=every_months, due_after_days=due_after_days)

    assert schedules.period_problems(starts_on, ends_on, periods) == []
    assert 1 <= len(periods) <= MAX_PERIODS
    assert [period.number for period in periods] == list(range(1, len(periods) + 1))
    assert periods[0].starts_on == starts_on
    assert periods[-1].ends_on == ends_on
    for before, after in zip(periods, periods[1:], strict=False):
        assert after.starts_on == before.ends_on + timedelta(days=1)
    assert [period.final for period in periods] == [False] * (len(periods) - 1) + [True]
    for period in periods:
        assert period.starts_on <= period.ends_on
        assert period.due_on == period.ends_on + timedelta(days=due_after_days)
    for period in periods[:-1]:
        assert period.ends_on == add_months(period.starts_on, every_months) - timedelta(days=1)


@given(grant=grant_periods(), every_months=st.integers(min_value=1, max_value=12))
def test_a_remainder_of_a_month_or_less_joins_the_final_period(grant, every_months):
    starts_on, ends_on = grant
    periods = schedules.default_periods(starts_on, ends_on, every_months=every_months, due_after_days=30)
    assume(len(periods) > 1)
    final = periods[-1]
    assert add_months(final.starts_on - timedelta(days=1), 1) < final.ends_on


def test_default_periods_for_an_eighteen_month_grant_are_six_monthly_with_a_final_return():
    periods = schedules.default_periods(date(2027, 1, 1), date(2028, 6, 30), every_months=6, due_after_days=30)
    assert periods == [
        PlannedPeriod(1, date(2027, 1, 1), date(2027, 6, 30), date(2027, 7, 30)),
        PlannedPeriod(2, date(2027, 7, 1), date(2027, 12, 31), date(2028, 1, 30)),
        PlannedPeriod(3, date(2028, 1, 1), date(2028, 6, 30), date(2028, 7, 30), final=True),
    ]


def test_a_one_day_grant_has_one_final_period():
    day = date(2027, 3, 1)
    assert schedules.default_periods(day, day, every_months=6, due_after_days=30) == [
        PlannedPeriod(1, day, day, date(2027, 3, 31), final=True)
    ]


# default_payments ---------------------------------------------------------------------------------------------


@given(
    amount=amounts,
    grant=grant_periods(),
    every_months=st.integers(min_value=1, max_value=12),
    limit=st.integers(min_value=0, max_value=1_000_000),
)
def test_default_payments_add_up_to_the_grant_and_pass_the_checks(amount, grant, every_months, limit):
    starts_on, ends_on = grant
    periods = schedules.default_periods(starts_on, ends_on, every_months=every_months, due_after_days=30)
    planned = schedules.default_payments(amount, starts_on, periods, single_payment_limit_pence=limit)

    assert sum(item.amount_pence for item in planned) == amount
    assert schedules.payment_problems(amount, planned, periods) == []
    assert [item.number for item in planned] == list(range(1, len(planned) + 1))
    first, *later = planned
    assert (first.due_on, first.condition, first.period) == (starts_on, ON_ACCEPTANCE, None)
    by_number = {period.number: period for period in periods}
    for item in later:
        assert item.condition == ON_RETURN
        assert not by_number[item.period].final
        assert item.due_on == by_number[item.period].due_on


def test_a_small_grant_is_paid_in_one_go_on_acceptance():
    periods = schedules.default_periods(date(2027, 1, 1), date(2028, 6, 30), every_months=6, due_after_days=30)
    assert schedules.default_payments(500_000, date(2027, 1, 1), periods, single_payment_limit_pence=500_000) == [
        PlannedInstalment(1, date(2027, 1, 1), 500_000)
    ]


def test_a_larger_grant_is_paid_part_on_acceptance_and_part_after_each_interim_return():
    periods = schedules.default_periods(date(2027, 1, 1), date(2028, 6, 30), every_months=6, due_after_days=30)
    assert schedules.default_payments(900_000, date(2027, 1, 1), periods, single_payment_limit_pence=500_000) == [
        PlannedInstalment(1, date(2027, 1, 1), 300_000),
        PlannedInstalment(2, date(2027, 7, 30), 300_000, ON_RETURN, 1),
        PlannedInstalment(3, date(2028, 1, 30), 300_000, ON_RETURN, 2),
    ]


def test_a_grant_of_fewer_pence_than_instalments_is_paid_in_one_go():
    periods = schedules.default_periods(date(2027, 1, 1), date(2028, 6, 30), every_months=6, due_after_days=30)
    assert schedules.default_payments(2, date(2027, 1, 1), periods, single_payment_limit_pence=0) == [
        PlannedInstalment(1, date(2027, 1, 1), 2)
    ]


# payment_problems ---------------------------------------------------------------------------------------------

PERIODS = schedules.default_periods(date(2027, 1, 1), date(2028, 6, 30), every_months=6, due_after_days=30)


@given(
    amount=st.integers(min_value=1, max_value=10_000_000),
    error=st.integers(min_value=-1_000_000, max_value=1_000_000).filter(lambda value: value != 0),
)
def test_a_schedule_that_does_not_add_up_to_the_grant_is_caught(amount, error):
    planned = schedules.default_payments(amount, date(2027, 1, 1), PERIODS, single_payment_limit_pence=0)
    first = planned[0]
    assume(first.amount_pence + error > 0)
    wrong = [PlannedInstalment(1, first.due_on, first.amount_pence + error), *planned[1:]]
    problems = schedules.payment_problems(amount, wrong, PERIODS)
    assert fields(problems) == ["payments"]
    assert "must add up to the grant" in problems[0].message


def test_the_sum_problem_names_both_amounts():
    planned = [PlannedInstalment(1, date(2027, 1, 1), 400_000), PlannedInstalment(2, date(2027, 7, 1), 50_000)]
    [problem] = schedules.payment_problems(500_000, planned, PERIODS)
    assert problem.message == "The instalments add up to £4,500.00; they must add up to the grant of £5,000.00"


@pytest.mark.parametrize("period", [None, 0, 4, 99])
def test_an_instalment_waiting_on_a_period_not_in_the_schedule_is_caught(period):
    planned = [
        PlannedInstalment(1, date(2027, 1, 1), 300_000),
        PlannedInstalment(2, date(2027, 7, 30), 200_000, ON_RETURN, period),
    ]
    assert [(p.field, p.message) for p in schedules.payment_problems(500_000, planned, PERIODS)] == [
        ("payments-2", "Instalment 2 waits on a monitoring period that is not in the schedule")
    ]


def test_an_instalment_of_nothing_and_an_empty_schedule_are_caught():
    planned = [PlannedInstalment(1, date(2027, 1, 1), 500_000), PlannedInstalment(2, date(2027, 7, 1), 0)]
    assert fields(schedules.payment_problems(500_000, planned, PERIODS)) == ["payments-2"]
    assert [(p.field, p.message) for p in schedules.payment_problems(500_000, [], PERIODS)] == [
        ("payments", "Add at least one instalment")
    ]


# period_problems ----------------------------------------------------------------------------------------------


@given(
    grant=grant_periods(),
    every_months=st.integers(min_value=1, max_value=6),
    shift=st.integers(min_value=-20, max_value=20).filter(lambda value: value != 0),
    data=st.data(),
)
def test_a_gap_or_an_overlap_between_periods_is_caught(grant, every_months, shift, data):
    starts_on, ends_on = grant
    periods = schedules.default_periods(starts_on, ends_on, every_months=every_months, due_after_days=30)
    assume(len(periods) > 1)
    index = data.draw(st.integers(min_value=1, max_value=len(periods) - 1))
    moved = periods[index]
    periods[index] = PlannedPeriod(
        moved.number, moved.starts_on + timedelta(days=shift), moved.ends_on, moved.due_on, moved.final
    )
    assert f"monitoring-{moved.number}" in fields(schedules.period_problems(starts_on, ends_on, periods))


@given(grant=grant_periods(), shift=st.integers(min_value=-20, max_value=20).filter(lambda value: value != 0))
def test_a_last_period_not_ending_with_the_grant_is_caught(grant, shift):
    starts_on, ends_on = grant
    periods = schedules.default_periods(starts_on, ends_on, every_months=6, due_after_days=30)
    last = periods[-1]
    moved_end = last.ends_on + timedelta(days=shift)
    assume(moved_end >= last.starts_on)
    periods[-1] = PlannedPeriod(last.number, last.starts_on, moved_end, moved_end + timedelta(days=30), final=True)
    assert [(p.field, p.message) for p in schedules.period_problems(starts_on, ends_on, periods)] == [
        ("monitoring", f"The last period must end when the grant ends, on {format_date(ends_on)}")
    ]


def test_a_period_ending_before_it_starts_or_due_before_it_ends_is_caught():
    periods = [
        PlannedPeriod(1, date(2027, 1, 1), date(2026, 12, 1), date(2027, 2, 1)),
        PlannedPeriod(2, date(2026, 12, 2), date(2028, 6, 30), date(2028, 6, 29), final=True),
    ]
    assert [(p.field, p.message) for p in schedules.period_problems(date(2027, 1, 1), date(2028, 6, 30), periods)] == [
        ("monitoring-1", "Period 1 must end after it starts"),
        ("monitoring-2", "The return for period 2 cannot be due before the period ends"),
    ]


def test_an_empty_monitoring_schedule_is_caught():
    assert fields(schedules.period_problems(date(2027, 1, 1), date(2028, 6, 30), [])) == ["monitoring"]


def test_numbered_periods_are_put_in_date_order_and_the_last_made_final():
    later = PlannedPeriod(7, date(2027, 7, 1), date(2027, 12, 31), date(2028, 1, 30), final=False)
    earlier = PlannedPeriod(3, date(2027, 1, 1), date(2027, 6, 30), date(2027, 7, 30), final=True)
    assert schedules.numbered_periods([later, earlier]) == [
        PlannedPeriod(1, date(2027, 1, 1), date(2027, 6, 30), date(2027, 7, 30), final=False),
        PlannedPeriod(2, date(2027, 7, 1), date(2027, 12, 31), date(2028, 1, 30), final=True),
    ]


# targets and storage ------------------------------------------------------------------------------------------


def test_a_negative_target_is_caught_and_named():
    targets = [Target(1, "People helped", "Health", 10, "people"), Target(2, "Hours given", "Work", -1, "hours")]
    assert [(p.field, p.message) for p in schedules.target_problems(targets)] == [
        ("targets-2", "The target for Hours given must be 0 or more")
    ]


@given(amount=amounts, grant=grant_periods(), every_months=st.integers(min_value=1, max_value=12))
def test_a_plan_stored_as_json_loads_back_the_same(amount, grant, every_months):
    starts_on, ends_on = grant
    periods = schedules.default_periods(starts_on, ends_on, every_months=every_months, due_after_days=30)
    planned = schedules.default_payments(amount, starts_on, periods, single_payment_limit_pence=0)
    targets = [Target(1, "People helped", "Health", 10, "people", "Sign-in sheets")]
    assert schedules.load_periods(schedules.dump(periods)) == periods
    assert schedules.load_payments(schedules.dump(planned)) == planned
    assert schedules.load_targets(schedules.dump(targets)) == targets
