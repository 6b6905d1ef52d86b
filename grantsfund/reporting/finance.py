"""The finance report: for each fund and round, the budget, what is committed, paid, held and still to pay, and
what is left to commit; any money to be paid back on grants ended early; and the cash flow of a financial year
(April to March), month by month. What finance and the fund manager read to see where the money stands and to
forecast what goes out.

What counts:
- A grant is an award the panel approved and nobody withdrew: each application's standing decision (the entry no
  later one corrects), as the panel's budget guard counts it (grantsfund.panel.decisions.committed_pence).
- Until the group accepts its agreement, the award committed is the decision's amount. From then on it is the
  grant in force: the amount of the version the group accepted last (after any variations).
- A grant in force commits what it has paid and what is still to pay: its instalments approved, scheduled or held,
  and any of the award no instalment covers yet. A cancelled instalment is no longer committed.
- A grant closed or ended early (terminated) commits only what was paid: the rest is no longer committed.
- Paid is the instalments recorded as paid; held, those on hold. Still to pay is committed less paid.
- Money to be paid back (clawback) on a terminated grant is shown apart; what comes back is not added to the budget.
- Months are those of the council's calendar: an instalment counts in the month of the date it was paid (the date
  finance recorded, a London date), or, not yet paid, of the date it is due.

Loading is a fixed number of statements however many grants and instalments there are: three for the filters'
choices (finance_options) and six for the report (finance_report), each an aggregate grouped in SQL."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import Any

from sqlalchemy import ColumnElement, Subquery, case, extract, func, select

from grantsfund.agreements.models import Agreement, AgreementStatus, RepaymentStatus, Termination
from grantsfund.applications.models import Application, ApplicationStatus
from grantsfund.common.dates import format_date, london_today
from grantsfund.common.money import format_pence
from grantsfund.extensions import db
from grantsfund.panel.decisions import not_corrected
from grantsfund.panel.models import APPROVALS, PanelDecision
from grantsfund.payments.dashboard import AWARDED
from grantsfund.payments.models import UNPAID, Instalment, InstalmentStatus
from grantsfund.reporting.tables import Cell, Column, Money, Percent, Table
from grantsfund.rounds import queries as rounds
from grantsfund.rounds.models import Fund, Round, RoundStatus

# The financial year starts on 1 April, as the council's does.
YEAR_STARTS = 4


# The year and its months ----------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class FinancialYear:
    """1 April `first` to 31 March of the year after."""

    first: int

    @property
    def start(self) -> date:
        return date(self.first, YEAR_STARTS, 1)

    @property
    def end(self) -> date:
        return date(self.first + 1, YEAR_STARTS, 1) - timedelta(days=1)

    @property
    def label(self) -> str:
        """GOV.UK style: '2026 to 2027'."""
        return f"{self.first} to {self.first + 1}"

    @property
    def months(self) -> list[date]:
        """The first day of each of its twelve months, April first."""
        return [_month(self.first * 12 + YEAR_STARTS - 1 + offset) for offset in range(12)]


def _month(index: int) -> date:
    """Months counted from year 0: index year * 12 + month - 1."""
    return date(index // 12, index % 12 + 1, 1)


def financial_year(day: date) -> FinancialYear:
    return FinancialYear(day.year if day.month >= YEAR_STARTS else day.year - 1)


def month_label(month: date) -> str:
    return f"{month:%B %Y}"


# The filters ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FinanceFilters:
    """Which rounds (those of a fund, or one round; every round when neither), and the financial year whose months
    the cash flow shows (the current one when none is chosen)."""

    year: FinancialYear
    fund_id: int | None = None
    round_id: int | None = None

    def query_args(self) -> dict[str, Any]:
        """The filters as the page's query string (the names of the form's fields)."""
        values = {"fund": self.fund_id, "round": self.round_id, "year": self.year.first}
        return {name: value for name, value in values.items() if value is not None}

    def rounds_chosen(self, column: Any) -> list[ColumnElement[bool]]:
        """Conditions that `column`, a round id, is one of the rounds chosen."""
        conditions: list[ColumnElement[bool]] = []
        if self.round_id is not None:
            conditions.append(column == self.round_id)
        if self.fund_id is not None:
            conditions.append(column.in_(select(Round.id).where(Round.fund_id == self.fund_id)))
        return conditions


@dataclass(frozen=True)
class FinanceOptions:
    """The choices the filter form offers: (id, label) for funds and rounds, each round's fund, and the financial
    years from the first with an instalment to the one after the latest (the last, the current and the next year
    always), latest first."""

    funds: list[tuple[int, str]]
    rounds: list[tuple[int, str]]
    round_funds: dict[int, int]
    years: list[FinancialYear]
    current: FinancialYear


# However odd the dates typed into a schedule, the year list stays a list someone can choose from.
MOST_YEARS = 30


def finance_options(now: datetime | None = None) -> FinanceOptions:
    """Three statements: the funds and their rounds (as every report's round filter lists them), and the first and
    last dates in the payment schedules."""
    current = financial_year(london_today(now))
    funds = rounds.list_funds()
    first_due, last_due, first_paid, last_paid = db.session.execute(
        select(
            func.min(Instalment.due_on),
            func.max(Instalment.due_on),
            func.min(Instalment.paid_on),
            func.max(Instalment.paid_on),
        )
    ).one()
    days = [day for day in (first_due, last_due, first_paid, last_paid) if day is not None]
    first = min([FinancialYear(current.first - 1), *(financial_year(day) for day in days)]).first
    last = max([FinancialYear(current.first + 1), *(financial_year(day) for day in days)]).first
    # A date typed decades out must not push this year off the list: at most MOST_YEARS, centred on this one.
    first = max(first, current.first - MOST_YEARS // 2)
    last = min(last, current.first + MOST_YEARS // 2)
    return FinanceOptions(
        funds=[(fund.id, fund.name) for fund in funds],
        rounds=[(round_.id, f"{fund.name}: {round_.name}") for fund in funds for round_ in fund.rounds],
        round_funds={round_.id: fund.id for fund in funds for round_ in fund.rounds},
        years=[FinancialYear(year) for year in range(last, first - 1, -1)],
        current=current,
    )


# The figures ----------------------------------------------------------------------------------------------------


class GrantState(enum.StrEnum):
    """Where an award stands, for the table of grants by state."""

    AWAITING = "awaiting"
    IN_FORCE = "accepted"
    CLOSED = "closed"
    TERMINATED = "terminated"

    @property
    def label(self) -> str:
        return {
            "awaiting": "Approved, agreement not yet accepted",
            "accepted": "In force",
            "closed": "Closed",
            "terminated": "Ended early (terminated)",
        }[self.value]


@dataclass
class Position:
    """The money of a round, a fund, a state of grant or all of them. Committed is made of its parts (awaiting
    acceptance, paid, approved, scheduled, held, not yet scheduled), so they always add up."""

    name: str
    budget_pence: int = 0
    grants: int = 0
    awarded_pence: int = 0  # the awards as made or varied, before anything was cancelled or ended early
    awaiting_pence: int = 0  # approved by the panel; the agreement not yet accepted
    paid_pence: int = 0
    approved_pence: int = 0  # approved for payment, not yet paid
    scheduled_pence: int = 0  # scheduled, not yet approved
    held_pence: int = 0
    unscheduled_pence: int = 0  # of an award in force, what no instalment covers yet
    terminated: int = 0  # grants ended early with money to pay back
    owed_pence: int = 0
    repaid_pence: int = 0
    written_off_pence: int = 0

    @property
    def committed_pence(self) -> int:
        return self.paid_pence + self.to_pay_pence

    @property
    def to_pay_pence(self) -> int:
        """Committed and not yet paid: awaiting acceptance, approved, scheduled, held, or not yet scheduled."""
        return (
            self.awaiting_pence + self.approved_pence + self.scheduled_pence + self.held_pence + self.unscheduled_pence
        )

    @property
    def uncommitted_pence(self) -> int:
        """The budget left to commit (negative when variations took the awards past it)."""
        return self.budget_pence - self.committed_pence

    @property
    def released_pence(self) -> int:
        """Awarded but no longer committed: cancelled instalments, and the unpaid rest of grants closed or ended."""
        return self.awarded_pence - self.committed_pence

    @property
    def outstanding_pence(self) -> int:
        return self.owed_pence - self.repaid_pence - self.written_off_pence

    @property
    def committed_share(self) -> Percent | None:
        return Percent(Fraction(self.committed_pence, self.budget_pence)) if self.budget_pence > 0 else None

    def add(self, other: Position) -> Position:
        for money in fields(self):
            if money.name != "name":
                setattr(self, money.name, getattr(self, money.name) + getattr(other, money.name))
        return self


def added_up(name: str, positions: Iterable[Position]) -> Position:
    total = Position(name)
    for position in positions:
        total.add(position)
    return total


@dataclass
class MonthFlow:
    """Money out in a month: paid in it, and due in it but not yet paid (held apart)."""

    month: date | None  # None: a line that is not one month (the year's total, before or after the year)
    name: str
    paid_pence: int = 0
    due_pence: int = 0  # scheduled or approved, not paid
    held_pence: int = 0

    @property
    def total_pence(self) -> int:
        return self.paid_pence + self.due_pence + self.held_pence

    def add(self, other: MonthFlow) -> MonthFlow:
        self.paid_pence += other.paid_pence
        self.due_pence += other.due_pence
        self.held_pence += other.held_pence
        return self


@dataclass(frozen=True)
class RoundLine:
    """A round's money, and its fund's."""

    round_id: int
    fund_id: int
    fund_name: str
    position: Position


@dataclass(frozen=True)
class FinanceReport:
    filters: FinanceFilters
    today: date
    rounds: list[RoundLine]
    states: list[Position]
    months: list[MonthFlow]
    before: MonthFlow  # due before the year and still unpaid
    after: MonthFlow  # due after the year
    overdue_pence: int  # due before today, scheduled or approved and not paid (held apart)
    total: Position = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "total", added_up("All rounds", (line.position for line in self.rounds)))

    @property
    def year(self) -> FinancialYear:
        return self.filters.year

    @property
    def funds(self) -> list[Position]:
        """Each fund's rounds added up, the funds in the order of their rounds."""
        funds: dict[int, Position] = {}
        for line in self.rounds:
            funds.setdefault(line.fund_id, Position(line.fund_name)).add(line.position)
        return list(funds.values())

    @property
    def year_total(self) -> MonthFlow:
        total = MonthFlow(None, f"Total, {self.year.label}")
        for month in self.months:
            total.add(month)
        return total

    @property
    def clawback(self) -> list[Position]:
        return [line.position for line in self.rounds if line.position.owed_pence]

    @property
    def round_scale(self) -> int:
        """The far end of the committed-and-paid chart: the largest committed or paid of any round."""
        return max([0, *(max(line.position.committed_pence, line.position.paid_pence) for line in self.rounds)])

    @property
    def month_scale(self) -> int:
        return max([0, *(month.total_pence for month in self.months)])

    # The tables, as the page, the CSV files and the spreadsheet show them -------------------------------------

    def tables(self) -> list[Table]:
        """The tables the page shows, in its order: money paid back only when some is to be."""
        return [table for table in self._all_tables() if table.rows or table.slug != "clawback"]

    def table(self, slug: str) -> Table | None:
        """One table (money paid back too, empty when none is to be), or None for a slug of none."""
        return next((table for table in self._all_tables() if table.slug == slug), None)

    def _all_tables(self) -> list[Table]:
        return [
            self.by_round_table(),
            self.by_fund_table(),
            self.by_state_table(),
            self.to_pay_table(),
            self.clawback_table(),
            self.by_month_table(),
        ]

    def by_fund_table(self) -> Table:
        rows = [_position_row(fund) for fund in self.funds]
        if rows:
            rows.append(_position_row(added_up("All funds", self.funds)))
        return Table("by-fund", "Budget and spending by fund", _position_columns("Fund"), rows)

    def by_round_table(self) -> Table:
        rows = [_position_row(line.position) for line in self.rounds]
        if rows:
            rows.append(_position_row(self.total))
        return Table("by-round", "Budget and spending by round", _position_columns("Round"), rows)

    def by_state_table(self) -> Table:
        columns = [
            Column("State of the grant"),
            *(
                Column(heading, numeric=True)
                for heading in ("Grants", "Awarded", "Committed", "Paid", "Still to pay", "No longer committed")
            ),
        ]
        rows = [_state_row(state) for state in self.states]
        if rows:
            rows.append(_state_row(added_up("All grants", self.states)))
        notes = ["Awarded is committed plus no longer committed; committed is paid plus still to pay."]
        return Table("by-state", "Grants by state", columns, rows, notes)

    def to_pay_table(self) -> Table:
        columns = [
            Column("Round"),
            *(
                Column(heading, numeric=True)
                for heading in (
                    "Agreement not yet accepted",
                    "Not yet scheduled",
                    "Scheduled",
                    "Approved for payment",
                    "Held",
                    "Still to pay",
                )
            ),
        ]
        positions = [line.position for line in self.rounds]
        rows = [_to_pay_row(position) for position in positions]
        if rows:
            rows.append(_to_pay_row(self.total))
        return Table("still-to-pay", "Still to pay, by round", columns, rows)

    def clawback_table(self) -> Table:
        columns = [
            Column("Round"),
            *(
                Column(heading, numeric=True)
                for heading in ("Grants ended early", "To be paid back", "Repaid", "Written off", "Outstanding")
            ),
        ]
        rows = [_clawback_row(position) for position in self.clawback]
        if rows:
            rows.append(_clawback_row(added_up("All rounds", self.clawback)))
        notes = ["Money paid back is not added to the budget or taken off what was paid."]
        return Table("clawback", "Paid back (clawback), by round", columns, rows, notes)

    def by_month_table(self) -> Table:
        columns = [
            Column("Month"),
            *(Column(heading, numeric=True) for heading in ("Paid", "Due, not yet paid", "Held", "Paid, due and held")),
        ]
        rows = [_month_row(month) for month in [*self.months, self.year_total]]
        notes = []
        if self.before.total_pence:
            notes.append(
                f"Not in the table: {format_pence(self.before.total_pence)} due before {format_date(self.year.start)}"
                f" and still not paid ({format_pence(self.before.held_pence)} of it held)."
            )
        if self.after.total_pence:
            notes.append(
                f"Not in the table: {format_pence(self.after.total_pence)} due after {format_date(self.year.end)}"
                f" ({format_pence(self.after.held_pence)} of it held)."
            )
        return Table("by-month", f"Payments by month, {self.year.label}", columns, rows, notes)


def _position_columns(first: str) -> list[Column]:
    return [
        Column(first),
        *(
            Column(heading, numeric=True)
            for heading in (
                "Budget",
                "Committed",
                "Committed, % of budget",
                "Paid",
                "Held",
                "Still to pay",
                "Budget not yet committed",
            )
        ),
    ]


def _position_row(position: Position) -> list[Cell]:
    return [
        position.name,
        Money(position.budget_pence),
        Money(position.committed_pence),
        position.committed_share,
        Money(position.paid_pence),
        Money(position.held_pence),
        Money(position.to_pay_pence),
        Money(position.uncommitted_pence),
    ]


def _state_row(position: Position) -> list[Cell]:
    return [
        position.name,
        position.grants,
        Money(position.awarded_pence),
        Money(position.committed_pence),
        Money(position.paid_pence),
        Money(position.to_pay_pence),
        Money(position.released_pence),
    ]


def _to_pay_row(position: Position) -> list[Cell]:
    return [
        position.name,
        Money(position.awaiting_pence),
        Money(position.unscheduled_pence),
        Money(position.scheduled_pence),
        Money(position.approved_pence),
        Money(position.held_pence),
        Money(position.to_pay_pence),
    ]


def _clawback_row(position: Position) -> list[Cell]:
    return [
        position.name,
        position.terminated,
        Money(position.owed_pence),
        Money(position.repaid_pence),
        Money(position.written_off_pence),
        Money(position.outstanding_pence),
    ]


def _month_row(month: MonthFlow) -> list[Cell]:
    return [
        month.name,
        Money(month.paid_pence),
        Money(month.due_pence),
        Money(month.held_pence),
        Money(month.total_pence),
    ]


# Building the report --------------------------------------------------------------------------------------------


def finance_report(filters: FinanceFilters, *, now: datetime | None = None) -> FinanceReport:
    """The report for the rounds and year `filters` choose: six statements however many grants there are."""
    today = london_today(now)
    lines = _rounds(filters)
    by_round = {line.round_id: line.position for line in lines}
    states: dict[GrantState, Position] = {state: Position(state.label) for state in GrantState}

    def add(round_id: int, state: GrantState, position: Position) -> None:
        states[state].add(position)
        if round_id in by_round:
            by_round[round_id].add(position)

    for round_id, position in _awaiting(filters):
        add(round_id, GrantState.AWAITING, position)
    for round_id, state, position in _grants(filters):
        add(round_id, state, position)
    for round_id, position in _clawback(filters):
        if round_id in by_round:
            by_round[round_id].add(position)
    months, before, after, overdue = _cash_flow(filters, today)
    return FinanceReport(
        filters=filters,
        today=today,
        rounds=lines,
        states=[position for position in states.values() if position.grants],
        months=months,
        before=before,
        after=after,
        overdue_pence=overdue,
    )


def _rounds(filters: FinanceFilters) -> list[RoundLine]:
    """Every round that took bids, with its budget: one statement. Newest round first within each fund, as the
    filter lists them."""
    rows = db.session.execute(
        select(Round.id, Round.name, Round.budget_pence, Fund.id, Fund.name)
        .join(Fund, Fund.id == Round.fund_id)
        .where(Round.status != RoundStatus.DRAFT, *filters.rounds_chosen(Round.id))
        .order_by(Fund.name, Fund.id, Round.id.desc())
    )
    return [
        RoundLine(round_id, fund_id, fund_name, Position(f"{fund_name}: {name}", budget_pence=int(budget or 0)))
        for round_id, name, budget, fund_id, fund_name in rows
    ]


def _awaiting(filters: FinanceFilters) -> list[tuple[int, Position]]:
    """Awards the panel approved (its standing decisions, bids since withdrawn left out) whose agreement the group
    has not accepted yet, by round: one statement."""
    has_grant = (
        select(Agreement.id)
        .where(Agreement.application_id == PanelDecision.application_id, Agreement.status.in_(AWARDED))
        .exists()
    )
    rows = db.session.execute(
        select(PanelDecision.round_id, func.count(PanelDecision.id), func.sum(PanelDecision.amount_pence))
        .join(Application, Application.id == PanelDecision.application_id)
        .where(
            PanelDecision.outcome.in_(APPROVALS),
            Application.status != ApplicationStatus.WITHDRAWN,
            not_corrected(),
            ~has_grant,
            *filters.rounds_chosen(PanelDecision.round_id),
        )
        .group_by(PanelDecision.round_id)
    )
    return [
        (
            round_id,
            Position("", grants=int(count), awarded_pence=int(amount or 0), awaiting_pence=int(amount or 0)),
        )
        for round_id, count, amount in rows
    ]


def _sum_of(*statuses: InstalmentStatus) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((Instalment.status.in_(statuses), Instalment.amount_pence), else_=0)), 0)


def _instalments_by_grant() -> Subquery:
    """Each agreement's instalments added up by where they stand, and all of them (cancelled too)."""
    return (
        select(
            Instalment.agreement_id.label("agreement_id"),
            _sum_of(InstalmentStatus.PAID).label("paid"),
            _sum_of(InstalmentStatus.APPROVED).label("approved"),
            _sum_of(InstalmentStatus.DUE).label("scheduled"),
            _sum_of(InstalmentStatus.HELD).label("held"),
            func.sum(Instalment.amount_pence).label("planned"),
        )
        .group_by(Instalment.agreement_id)
        .subquery()
    )


_STATE_OF = {
    AgreementStatus.ACCEPTED: GrantState.IN_FORCE,
    AgreementStatus.CLOSED: GrantState.CLOSED,
    AgreementStatus.TERMINATED: GrantState.TERMINATED,
}


def _grants(filters: FinanceFilters) -> list[tuple[int, GrantState, Position]]:
    """The grants the groups accepted (in force, closed or ended early), by round and state, with their
    instalments added up: one statement. Of an award in force, what no instalment covers (cancelled ones count as
    covering: a variation that keeps one in its schedule keeps it in the award) is still to be scheduled."""
    money = _instalments_by_grant()
    uncovered = Agreement.amount_pence - func.coalesce(money.c.planned, 0)
    rows = db.session.execute(
        select(
            Application.round_id,
            Agreement.status,
            func.count(Agreement.id),
            func.sum(Agreement.amount_pence),
            func.sum(func.coalesce(money.c.paid, 0)),
            func.sum(func.coalesce(money.c.approved, 0)),
            func.sum(func.coalesce(money.c.scheduled, 0)),
            func.sum(func.coalesce(money.c.held, 0)),
            func.sum(case((uncovered > 0, uncovered), else_=0)),
        )
        .select_from(Agreement)
        .join(Application, Application.id == Agreement.application_id)
        .outerjoin(money, money.c.agreement_id == Agreement.id)
        .where(Agreement.status.in_(AWARDED), *filters.rounds_chosen(Application.round_id))
        .group_by(Application.round_id, Agreement.status)
    )
    found = []
    for round_id, status, count, awarded, paid, approved, scheduled, held, unscheduled in rows:
        status = AgreementStatus(status)
        position = Position("", grants=int(count), awarded_pence=int(awarded or 0), paid_pence=int(paid))
        if status is AgreementStatus.ACCEPTED:
            # Only a grant in force has money still to go: nothing more is paid on one closed or ended early.
            position.approved_pence, position.scheduled_pence = int(approved), int(scheduled)
            position.held_pence, position.unscheduled_pence = int(held), int(unscheduled or 0)
        found.append((round_id, _STATE_OF[status], position))
    return found


def _clawback(filters: FinanceFilters) -> list[tuple[int, Position]]:
    """Money to be paid back on grants ended early, by round: one statement."""
    written_off = case(
        (
            Termination.repayment_status == RepaymentStatus.WRITTEN_OFF,
            Termination.amount_owed_pence - Termination.amount_repaid_pence,
        ),
        else_=0,
    )
    rows = db.session.execute(
        select(
            Application.round_id,
            func.count(Termination.id),
            func.sum(Termination.amount_owed_pence),
            func.sum(Termination.amount_repaid_pence),
            func.sum(written_off),
        )
        .select_from(Termination)
        .join(Agreement, Agreement.id == Termination.agreement_id)
        .join(Application, Application.id == Agreement.application_id)
        .where(Termination.amount_owed_pence > 0, *filters.rounds_chosen(Application.round_id))
        .group_by(Application.round_id)
    )
    return [
        (
            round_id,
            Position(
                "",
                terminated=int(count),
                owed_pence=int(owed or 0),
                repaid_pence=int(repaid or 0),
                written_off_pence=int(off or 0),
            ),
        )
        for round_id, count, owed, repaid, off in rows
    ]


def _month_index(column: Any) -> ColumnElement[Any]:
    return extract("year", column) * 12 + extract("month", column) - 1


def _cash_flow(filters: FinanceFilters, today: date) -> tuple[list[MonthFlow], MonthFlow, MonthFlow, int]:
    """The year's months: paid in each (by the date paid), and due in each and not yet paid (by the date due, on
    grants in force), with what was due before the year or falls after it, and what is overdue. Two statements."""
    year = filters.year
    chosen = Agreement.id.in_(
        select(Agreement.id)
        .join(Application, Application.id == Agreement.application_id)
        .where(*filters.rounds_chosen(Application.round_id))
    )
    paid_month = _month_index(Instalment.paid_on)
    paid = db.session.execute(
        select(paid_month, func.sum(Instalment.amount_pence))
        .join(Agreement, Agreement.id == Instalment.agreement_id)
        .where(
            Instalment.status == InstalmentStatus.PAID,
            Instalment.paid_on >= year.start,
            Instalment.paid_on <= year.end,
            Agreement.status.in_(AWARDED),
            chosen,
        )
        .group_by(paid_month)
    )
    due_month = _month_index(Instalment.due_on)
    late = case((Instalment.due_on < today, 1), else_=0)
    unpaid = db.session.execute(
        select(due_month, Instalment.status, late, func.sum(Instalment.amount_pence))
        .join(Agreement, Agreement.id == Instalment.agreement_id)
        .where(Instalment.status.in_(UNPAID), Agreement.status == AgreementStatus.ACCEPTED, chosen)
        .group_by(due_month, Instalment.status, late)
    )
    months = {month: MonthFlow(month, month_label(month)) for month in year.months}
    before = MonthFlow(None, f"Due before {format_date(year.start)}")
    after = MonthFlow(None, f"Due after {format_date(year.end)}")
    for index, amount in paid:
        months[_month(int(index))].paid_pence += int(amount)
    overdue = 0
    for index, status, overdue_flag, amount in unpaid:
        month = _month(int(index))
        line = before if month < year.start else after if month > year.end else months[month]
        if InstalmentStatus(status) is InstalmentStatus.HELD:
            line.held_pence += int(amount)
        else:
            line.due_pence += int(amount)
            overdue += int(amount) if overdue_flag else 0
    return list(months.values()), before, after, overdue
