"""The plans an agreement version states, as plain values: the payment schedule, the monitoring schedule and the
outcome targets. Pure functions build the default plan for a grant and check a plan; the service stores plans in
a version as JSON and makes the one in force real (monitoring periods and instalments).

A plan is sound when the instalments add up to the grant exactly, each instalment waits on something that exists
(the acceptance, or the return for a period of this schedule), and the monitoring periods follow one another
within the grant period, the last one ending with it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from grantsfund.common.dates import add_months, format_date
from grantsfund.common.money import format_pence

ON_ACCEPTANCE = "agreement_accepted"
ON_RETURN = "return_accepted"
MAX_INSTALMENTS = 8
MAX_PERIODS = 12


@dataclass(frozen=True)
class PlannedInstalment:
    number: int
    due_on: date
    amount_pence: int
    condition: str = ON_ACCEPTANCE
    period: int | None = None  # the monitoring period whose return must be accepted first
    note: str = ""

    @property
    def condition_text(self) -> str:
        if self.condition == ON_RETURN:
            return f"Monitoring return for period {self.period} accepted"
        return "Agreement accepted"


@dataclass(frozen=True)
class PlannedPeriod:
    number: int
    starts_on: date
    ends_on: date
    due_on: date
    final: bool = False


@dataclass(frozen=True)
class Target:
    indicator_id: int
    indicator: str
    domain: str
    target: int
    unit: str
    measurement: str = ""


@dataclass(frozen=True)
class Problem:
    """What is wrong with a plan, and which part of the form to point at."""

    field: str
    message: str


# Storing plans in a version --------------------------------------------------------------------------------


def dump(items: list[PlannedInstalment] | list[PlannedPeriod] | list[Target]) -> list[dict[str, Any]]:
    return [
        {key: value.isoformat() if isinstance(value, date) else value for key, value in asdict(item).items()}
        for item in items
    ]


def load_payments(rows: list[dict[str, Any]]) -> list[PlannedInstalment]:
    return [
        PlannedInstalment(
            number=row["number"],
            due_on=date.fromisoformat(row["due_on"]),
            amount_pence=row["amount_pence"],
            condition=row["condition"],
            period=row.get("period"),
            note=row.get("note", ""),
        )
        for row in rows
    ]


def load_periods(rows: list[dict[str, Any]]) -> list[PlannedPeriod]:
    return [
        PlannedPeriod(
            number=row["number"],
            starts_on=date.fromisoformat(row["starts_on"]),
            ends_on=date.fromisoformat(row["ends_on"]),
            due_on=date.fromisoformat(row["due_on"]),
            final=row["final"],
        )
        for row in rows
    ]


def load_targets(rows: list[dict[str, Any]]) -> list[Target]:
    return [Target(**row) for row in rows]


# The default plan ------------------------------------------------------------------------------------------


def split(amount_pence: int, parts: int) -> list[int]:
    """`parts` amounts in whole pounds where the grant allows, adding up to the grant exactly; the first carries
    what does not divide."""
    if parts < 1 or amount_pence < parts:
        return [amount_pence]
    unit = 100 if amount_pence >= parts * 100 else 1
    each = amount_pence // parts // unit * unit
    return [amount_pence - each * (parts - 1)] + [each] * (parts - 1)


def default_periods(starts_on: date, ends_on: date, *, every_months: int, due_after_days: int) -> list[PlannedPeriod]:
    """A return every `every_months` from the start, and a final one for the rest of the grant (a remainder of a
    month or less joins the final period rather than standing alone)."""
    due = timedelta(days=due_after_days)
    periods: list[PlannedPeriod] = []
    start = starts_on
    while len(periods) < MAX_PERIODS - 1:
        end = add_months(start, every_months) - timedelta(days=1)
        if add_months(end, 1) >= ends_on:
            break
        periods.append(PlannedPeriod(len(periods) + 1, start, end, end + due))
        start = end + timedelta(days=1)
    return [*periods, PlannedPeriod(len(periods) + 1, start, ends_on, ends_on + due, final=True)]


def default_payments(
    amount_pence: int, starts_on: date, periods: list[PlannedPeriod], *, single_payment_limit_pence: int
) -> list[PlannedInstalment]:
    """Small grants are paid in one go on acceptance. Larger ones: the first part on acceptance, and one more after
    each interim return is accepted, so money follows progress. (A grant of fewer pence than parts is paid in one
    go too.)"""
    interim = [period for period in periods if not period.final]
    if amount_pence <= single_payment_limit_pence or not interim or amount_pence <= len(interim):
        return [PlannedInstalment(1, starts_on, amount_pence)]
    amounts = split(amount_pence, len(interim) + 1)
    first = PlannedInstalment(1, starts_on, amounts[0])
    return [first] + [
        PlannedInstalment(number, period.due_on, amount, ON_RETURN, period.number)
        for number, (period, amount) in enumerate(zip(interim, amounts[1:], strict=True), start=2)
    ]


# Checking a plan -------------------------------------------------------------------------------------------


def payment_problems(
    amount_pence: int, payments: list[PlannedInstalment], periods: list[PlannedPeriod]
) -> list[Problem]:
    if not payments:
        return [Problem("payments", "Add at least one instalment")]
    problems = []
    period_numbers = {period.number for period in periods}
    for item in payments:
        if item.amount_pence <= 0:
            problems.append(Problem(f"payments-{item.number}", f"Instalment {item.number} must be more than £0"))
        if item.condition == ON_RETURN and item.period not in period_numbers:
            problems.append(
                Problem(
                    f"payments-{item.number}",
                    f"Instalment {item.number} waits on a monitoring period that is not in the schedule",
                )
            )
    total = sum(item.amount_pence for item in payments)
    if total != amount_pence:
        problems.append(
            Problem(
                "payments",
                f"The instalments add up to {format_pence(total)};"
                f" they must add up to the grant of {format_pence(amount_pence)}",
            )
        )
    return problems


def period_problems(starts_on: date, ends_on: date, periods: list[PlannedPeriod]) -> list[Problem]:
    if not periods:
        return [Problem("monitoring", "Add at least one monitoring period")]
    problems = []
    expected_start = starts_on
    for period in periods:
        where = f"monitoring-{period.number}"
        if period.starts_on != expected_start:
            problems.append(
                Problem(
                    where,
                    f"Period {period.number} must start on {format_date(expected_start)}, the day after the one before",
                )
            )
        if period.ends_on < period.starts_on:
            problems.append(Problem(where, f"Period {period.number} must end after it starts"))
        if period.due_on < period.ends_on:
            problems.append(
                Problem(where, f"The return for period {period.number} cannot be due before the period ends")
            )
        expected_start = period.ends_on + timedelta(days=1)
    if periods[-1].ends_on != ends_on:
        problems.append(
            Problem("monitoring", f"The last period must end when the grant ends, on {format_date(ends_on)}")
        )
    return problems


def target_problems(targets: list[Target]) -> list[Problem]:
    return [
        Problem(f"targets-{position}", f"The target for {target.indicator} must be 0 or more")
        for position, target in enumerate(targets, start=1)
        if target.target < 0
    ]


def numbered_periods(periods: list[PlannedPeriod]) -> list[PlannedPeriod]:
    """Periods numbered from 1 in date order, the last one final."""
    ordered = sorted(periods, key=lambda period: period.starts_on)
    return [
        PlannedPeriod(number, period.starts_on, period.ends_on, period.due_on, final=number == len(ordered))
        for number, period in enumerate(ordered, start=1)
    ]
