from datetime import UTC, date, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grantsfund.common.dates import format_date, format_datetime, london_to_utc, to_london
from grantsfund.extensions import db


def test_a_2345_close_in_british_summer_time_is_2245_utc():
    closes = london_to_utc(date(2026, 6, 5), time(23, 45))
    assert closes == datetime(2026, 6, 5, 22, 45, tzinfo=UTC)
    assert format_datetime(closes) == "5 June 2026 at 11:45pm"


def test_a_2345_close_in_winter_is_2345_utc():
    assert london_to_utc(date(2026, 12, 5), time(23, 45)) == datetime(2026, 12, 5, 23, 45, tzinfo=UTC)


def test_times_are_shown_in_gov_uk_style():
    assert format_datetime(datetime(2026, 1, 10, 9, 0, tzinfo=UTC)) == "10 January 2026 at 9am"
    assert format_datetime(datetime(2026, 1, 10, 12, 30, tzinfo=UTC)) == "10 January 2026 at 12:30pm"
    assert format_datetime(datetime(2026, 1, 10, 0, 5, tzinfo=UTC)) == "10 January 2026 at 12:05am"


def test_a_late_evening_utc_time_in_summer_shows_on_the_london_date():
    assert format_date(datetime(2026, 7, 1, 23, 30, tzinfo=UTC)) == "2 July 2026"


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="naive"):
        to_london(datetime(2026, 1, 1, 12, 0))


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)))
def test_london_wall_clock_times_convert_to_utc_and_back(moment):
    local = to_london(moment)
    wall_clock = local.replace(tzinfo=None)
    # In the hour the clocks go back a wall-clock time happens twice; either instant shows the same time.
    back = london_to_utc(wall_clock.date(), wall_clock.time())
    assert to_london(back).replace(tzinfo=None) == wall_clock
    assert abs((back - moment).total_seconds()) in {0, 3600}


def test_utc_datetimes_survive_the_database(make_user):
    user = make_user()
    user.locked_until = datetime(2026, 6, 5, 22, 45, tzinfo=UTC)
    db.session.flush()
    db.session.expire(user)
    assert user.locked_until == datetime(2026, 6, 5, 22, 45, tzinfo=UTC)
    assert user.locked_until.tzinfo is not None
