"""Round dates across summer time and winter time: typed in UK time, kept in UTC, shown back in UK time."""

import itertools
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from grantsfund.common.dates import LONDON, format_datetime, london_to_utc, to_london
from grantsfund.common.errors import DomainError
from grantsfund.common.fields import format_time_of_day, parse_time_of_day
from grantsfund.rounds import services
from tests.rounds.factories import details_for, make_round

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

days = st.dates(min_value=date(2025, 1, 1), max_value=date(2029, 12, 31))
NAMES = itertools.count()
clocks = st.times().map(lambda t: t.replace(second=0, microsecond=0))


def exists_in_london(day: date, clock: time) -> bool:
    """False for the hour the clocks skip in March."""
    return to_london(london_to_utc(day, clock)).time() == clock


def unambiguous(day: date, clock: time) -> bool:
    """False for the hour that happens twice in October."""
    naive = datetime.combine(day, clock)
    return naive.replace(tzinfo=LONDON, fold=0).utcoffset() == naive.replace(tzinfo=LONDON, fold=1).utcoffset()


@PROPERTY
@given(opens_day=days, opens_clock=clocks, closes_day=days, closes_clock=clocks)
def test_any_london_opens_before_closes_validates_and_the_reverse_is_refused(
    actor, fund, opens_day, opens_clock, closes_day, closes_clock
):
    for day, clock in ((opens_day, opens_clock), (closes_day, closes_clock)):
        assume(exists_in_london(day, clock) and unambiguous(day, clock))
    local_opens = datetime.combine(opens_day, opens_clock)
    local_closes = datetime.combine(closes_day, closes_clock)
    assume(local_opens != local_closes)
    round_ = make_round(actor, fund, name=f"Round {next(NAMES)}", with_details=False)
    details = details_for(
        round_, opens_at=london_to_utc(opens_day, opens_clock), closes_at=london_to_utc(closes_day, closes_clock)
    )
    if local_opens < local_closes:
        services.update_round_details(round_, details, actor=actor)
        assert to_london(round_.closes_at).replace(tzinfo=None) == local_closes
    else:
        with pytest.raises(DomainError, match="The closing date must be after the opening date"):
            services.update_round_details(round_, details, actor=actor)


def test_closes_equal_to_opens_is_refused(actor, fund):
    round_ = make_round(actor, fund, with_details=False)
    moment = london_to_utc(date(2026, 6, 5), time(23, 45))
    with pytest.raises(DomainError, match="after the opening date"):
        services.update_round_details(round_, details_for(round_, opens_at=moment, closes_at=moment), actor=actor)


@given(day=st.dates(min_value=date(2025, 1, 1), max_value=date(2029, 12, 31)))
def test_2345_is_2245_utc_in_summer_and_2345_utc_in_winter_and_shows_as_1145pm(day):
    closes = london_to_utc(day, time(23, 45))
    summer = to_london(closes).utcoffset() == timedelta(hours=1)
    assert closes.time() == (time(22, 45) if summer else time(23, 45))
    assert format_datetime(closes).endswith("at 11:45pm")
    assert format_datetime(closes).startswith(f"{day.day} {day:%B %Y}")


def test_5_june_2026_at_2345_is_2245_utc():
    assert london_to_utc(date(2026, 6, 5), time(23, 45)) == datetime(2026, 6, 5, 22, 45, tzinfo=UTC)


@given(clock=clocks)
def test_times_of_day_read_back_as_typed(clock):
    assert parse_time_of_day(format_time_of_day(clock)) == clock
    assert parse_time_of_day(f"{clock:%H:%M}") == clock


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("23:45", time(23, 45)),
        ("11:45pm", time(23, 45)),
        ("9am", time(9)),
        ("9.30 a.m.", time(9, 30)),
        ("12am", time(0)),
        ("12pm", time(12)),
        ("midday", time(12)),
        ("0:05", time(0, 5)),
    ],
)
def test_times_people_type(text, expected):
    assert parse_time_of_day(text) == expected


@pytest.mark.parametrize("text", ["9", "25:00", "13pm", "0am", "9:60", "nine", "9:5", ""])
def test_times_that_are_not_times(text):
    with pytest.raises(ValueError, match="Enter a time"):
        parse_time_of_day(text)
