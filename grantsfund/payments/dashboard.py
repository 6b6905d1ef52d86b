"""What finance reads: the dashboard's lists (due now, approved, held, paid recently) and its totals by round, an
agreement's payments, and the repayments owed on terminated agreements. Read-only; each page is a fixed number of
queries however many instalments there are, and the long lists are cut at `LIMIT` (the export has the rest)."""

from __future__ import annotations

import calendar
import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import joinedload, selectinload

from grantsfund.agreements.models import Agreement, AgreementStatus, RepaymentStatus, Termination
from grantsfund.applications.models import Application
from grantsfund.common.dates import london_today
from grantsfund.common.pagination import PER_PAGE
from grantsfund.extensions import db
from grantsfund.payments.models import UNPAID, Instalment, InstalmentStatus
from grantsfund.rounds.models import Fund, Round

# The most rows a dashboard list shows; its heading gives the full count and amount.
LIMIT = 50

# Agreements whose award counts: in force, closed, or ended early (what was paid on them still counts).
AWARDED = (AgreementStatus.ACCEPTED, AgreementStatus.CLOSED, AgreementStatus.TERMINATED)


@dataclass(frozen=True)
class Listed:
    """One of the dashboard's lists: the first `LIMIT` instalments, and how many there are in all and for how much."""

    instalments: list[Instalment]
    count: int
    amount_pence: int

    @property
    def cut(self) -> bool:
        return self.count > len(self.instalments)


@dataclass
class RoundTotals:
    round_id: int
    name: str
    awarded_pence: int = 0
    approved_pence: int = 0
    paid_pence: int = 0
    held_pence: int = 0
    to_pay_pence: int = 0  # scheduled, approved or held: everything not yet paid and not cancelled

    def add(self, other: RoundTotals) -> None:
        self.awarded_pence += other.awarded_pence
        self.approved_pence += other.approved_pence
        self.paid_pence += other.paid_pence
        self.held_pence += other.held_pence
        self.to_pay_pence += other.to_pay_pence


@dataclass(frozen=True)
class Dashboard:
    today: date
    month_ends: date
    paid_since: date
    due: Listed
    approved: Listed
    held: Listed
    paid: Listed
    rounds: list[RoundTotals]
    total: RoundTotals


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def last_month_start(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def _with_details(query: Select[Instalment]) -> Select[Instalment]:
    """Everything a row shows, loaded with the rows: the group, the round and the period a return releases."""
    return query.options(
        joinedload(Instalment.agreement)
        .joinedload(Agreement.application)
        .options(joinedload(Application.organisation), joinedload(Application.round).joinedload(Round.fund)),
        selectinload(Instalment.period),
    )


def _listed(conditions: Sequence[ColumnElement[bool]], *order: Any) -> Listed:
    count, amount = db.session.execute(
        select(func.count(Instalment.id), func.coalesce(func.sum(Instalment.amount_pence), 0)).where(*conditions)
    ).one()
    instalments = db.session.scalars(
        _with_details(select(Instalment).where(*conditions).order_by(*order, Instalment.id).limit(LIMIT))
    ).unique()
    return Listed(list(instalments), int(count), int(amount))


def build(now: datetime | None = None) -> Dashboard:
    today = london_today(now)
    ends, since = month_end(today), last_month_start(today)
    in_force = Instalment.agreement_id.in_(select(Agreement.id).where(Agreement.status == AgreementStatus.ACCEPTED))
    rounds, total = totals_by_round()
    return Dashboard(
        today=today,
        month_ends=ends,
        paid_since=since,
        due=_listed(
            [Instalment.status == InstalmentStatus.DUE, Instalment.due_on <= ends, in_force], Instalment.due_on
        ),
        approved=_listed([Instalment.status == InstalmentStatus.APPROVED], Instalment.approved_at),
        held=_listed([Instalment.status == InstalmentStatus.HELD], Instalment.held_at.desc()),
        paid=_listed(
            [Instalment.status == InstalmentStatus.PAID, Instalment.paid_on >= since], Instalment.paid_on.desc()
        ),
        rounds=rounds,
        total=total,
    )


def _sum_where(*statuses: InstalmentStatus) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((Instalment.status.in_(statuses), Instalment.amount_pence), else_=0)), 0)


def totals_by_round() -> tuple[list[RoundTotals], RoundTotals]:
    """Per round with agreements in force or terminated: the awards, and their instalments by where they stand.
    Two queries, however many rounds and agreements."""
    rounds: dict[int, RoundTotals] = {}
    awarded = db.session.execute(
        select(Round.id, Fund.name, Round.name, func.sum(Agreement.amount_pence))
        .select_from(Agreement)
        .join(Application, Application.id == Agreement.application_id)
        .join(Round, Round.id == Application.round_id)
        .join(Fund, Fund.id == Round.fund_id)
        .where(Agreement.status.in_(AWARDED))
        .group_by(Round.id, Fund.name, Round.name)
        .order_by(Fund.name, Round.name, Round.id)
    )
    for round_id, fund_name, round_name, amount in awarded:
        rounds[round_id] = RoundTotals(round_id, f"{fund_name}: {round_name}", awarded_pence=int(amount or 0))
    money = db.session.execute(
        select(
            Application.round_id,
            _sum_where(InstalmentStatus.APPROVED),
            _sum_where(InstalmentStatus.PAID),
            _sum_where(InstalmentStatus.HELD),
            _sum_where(*UNPAID),
        )
        .select_from(Instalment)
        .join(Agreement, Agreement.id == Instalment.agreement_id)
        .join(Application, Application.id == Agreement.application_id)
        .where(Agreement.status.in_(AWARDED))
        .group_by(Application.round_id)
    )
    for round_id, approved, paid, held, to_pay in money:
        if round_id in rounds:
            line = rounds[round_id]
            line.approved_pence, line.paid_pence = int(approved), int(paid)
            line.held_pence, line.to_pay_pence = int(held), int(to_pay)
    total = RoundTotals(0, "All rounds")
    for line in rounds.values():
        total.add(line)
    return list(rounds.values()), total


# One agreement's payments ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgreementPayments:
    agreement: Agreement
    instalments: list[Instalment] = field(default_factory=list)

    def _sum(self, *statuses: InstalmentStatus) -> int:
        return sum(instalment.amount_pence for instalment in self.instalments if instalment.status in statuses)

    @property
    def award_pence(self) -> int:
        return self.agreement.amount_pence

    @property
    def committed_pence(self) -> int:
        """Approved and paid: what counts against the award."""
        return self._sum(InstalmentStatus.APPROVED, InstalmentStatus.PAID)

    @property
    def paid_pence(self) -> int:
        return self._sum(InstalmentStatus.PAID)

    @property
    def to_pay_pence(self) -> int:
        return self._sum(*UNPAID)


def agreement_payments(agreement_id: int) -> AgreementPayments | None:
    """An agreement's instalments, or None when there is no such agreement or it was never accepted (so has none)."""
    agreement = db.session.scalars(
        select(Agreement)
        .where(Agreement.id == agreement_id)
        .options(
            joinedload(Agreement.application).options(
                joinedload(Application.organisation), joinedload(Application.round).joinedload(Round.fund)
            ),
            selectinload(Agreement.periods),
            selectinload(Agreement.termination),
        )
    ).first()
    if agreement is None or agreement.accepted_at is None:
        return None
    instalments = db.session.scalars(
        select(Instalment)
        .where(Instalment.agreement_id == agreement.id)
        .options(selectinload(Instalment.period))
        .order_by(Instalment.number)
    )
    return AgreementPayments(agreement, list(instalments))


# Repayments ----------------------------------------------------------------------------------------------------

# Money still to come back first, then what is settled.
_REPAYMENT_ORDER = case(
    (Termination.repayment_status.in_((RepaymentStatus.OWED, RepaymentStatus.PART_REPAID)), 0), else_=1
)


@dataclass(frozen=True)
class RepaymentTotals:
    owed_pence: int
    repaid_pence: int
    outstanding_pence: int


def repayments(page: int) -> Pagination:
    """Terminated agreements with money to be paid back, those still owing first."""
    query = (
        select(Termination)
        .where(Termination.amount_owed_pence > 0)
        .options(
            joinedload(Termination.agreement)
            .joinedload(Agreement.application)
            .options(joinedload(Application.organisation), joinedload(Application.round).joinedload(Round.fund))
        )
        .order_by(_REPAYMENT_ORDER, Termination.terminated_on.desc(), Termination.id.desc())
    )
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def repayment_totals() -> RepaymentTotals:
    outstanding = case(
        (
            Termination.repayment_status == RepaymentStatus.WRITTEN_OFF,
            0,
        ),
        else_=Termination.amount_owed_pence - Termination.amount_repaid_pence,
    )
    owed, repaid, still = db.session.execute(
        select(
            func.coalesce(func.sum(Termination.amount_owed_pence), 0),
            func.coalesce(func.sum(Termination.amount_repaid_pence), 0),
            func.coalesce(func.sum(outstanding), 0),
        ).where(Termination.amount_owed_pence > 0)
    ).one()
    return RepaymentTotals(int(owed), int(repaid), int(still))


def get_termination(termination_id: int) -> Termination | None:
    return db.session.scalars(
        select(Termination)
        .where(Termination.id == termination_id)
        .options(
            joinedload(Termination.agreement)
            .joinedload(Agreement.application)
            .options(joinedload(Application.organisation), joinedload(Application.round).joinedload(Round.fund))
        )
    ).first()


# What finance can do next --------------------------------------------------------------------------------------


class Step(enum.StrEnum):
    APPROVE = "approve"
    RECORD = "record"
    HOLD = "hold"
    RELEASE = "release"
    CANCEL = "cancel"

    @property
    def doing(self) -> str:
        return {
            "approve": "approved",
            "record": "recorded as paid",
            "hold": "held",
            "release": "released",
            "cancel": "cancelled",
        }[self.value]


def steps(instalment: Instalment) -> frozenset[Step]:
    """What may be done to the instalment now (the services check it again): nothing once its agreement is no
    longer in force; approval and release only once its condition is met."""
    if instalment.agreement.status is not AgreementStatus.ACCEPTED:
        return frozenset()
    met = instalment.condition_met
    return frozenset(
        {
            InstalmentStatus.DUE: {Step.HOLD, Step.CANCEL, *([Step.APPROVE] if met else [])},
            InstalmentStatus.APPROVED: {Step.RECORD, Step.HOLD, Step.CANCEL},
            InstalmentStatus.HELD: {Step.CANCEL, *([Step.RELEASE] if met else [])},
        }.get(instalment.status, set())
    )
