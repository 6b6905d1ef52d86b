"""Time is stored in UTC and shown in Europe/London."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

LONDON = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_london(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; store and pass UTC-aware ones")
    return moment.astimezone(LONDON)


def london_today(now: datetime | None = None) -> date:
    """The date on the council's calendar: just after midnight in summer, it is already tomorrow in London."""
    return to_london(now or utcnow()).date()


def london_to_utc(day: date, clock: time) -> datetime:
    """A date and time as people in the council read them, as a UTC instant."""
    return datetime.combine(day, clock, tzinfo=LONDON).astimezone(UTC)


def format_datetime(moment: datetime | None) -> str:
    """GOV.UK style: '5 June 2026 at 11:45pm', in London time."""
    if moment is None:
        return ""
    local = to_london(moment)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    clock = f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"
    return f"{format_date(local.date())} at {clock}"


def format_date(day: date | datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = to_london(day).date()
    return f"{day.day} {day:%B %Y}"


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as naive UTC and gives them back aware, on SQLite and PostgreSQL alike."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("refusing to store a naive datetime; use an aware UTC one")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has fewer (31 January + 1: 28 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
