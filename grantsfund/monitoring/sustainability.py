"""Sustainability tracking: how each funded project means to carry on once the grant ends.

The plan starts when the group accepts its agreement, from the application's answers (how the work continues,
what happens if the money does not come, the income it relies on) and the agreement's commitments. Officers and
finance keep the income up to date and review the plan now and then, rating it red, amber or green; the plan's
rating is the latest review's. "Grants at risk" are those ending soon whose plan looks shaky. Once a grant is
closed or terminated its plan is a record: nothing changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from grantsfund.accounts.models import User
from grantsfund.agreements.models import Agreement, AgreementStatus
from grantsfund.applications.models import Application, FundingStatus
from grantsfund.audit import services as audit
from grantsfund.common.actor import Actor
from grantsfund.common.dates import add_months, format_date, london_today, utcnow
from grantsfund.common.errors import DomainError, InvalidTransition
from grantsfund.common.money import format_pence
from grantsfund.common.pagination import PER_PAGE
from grantsfund.extensions import db
from grantsfund.monitoring.models import IncomeSource, Rag, SustainabilityPlan, SustainabilityReview
from grantsfund.payments import services as payments

MAX_SOURCE = 200
MAX_NOTE = 2000
MAX_REVIEW = 5000
MAX_INCOME_LINES = 20


# Starting the plan -------------------------------------------------------------------------------------------


def start_plan(agreement: Agreement, *, actor: Actor, now: datetime | None = None) -> SustainabilityPlan:
    """Called when the group accepts the agreement or a variation of it: the first time, the plan is made from the
    application; afterwards only the commitments follow the version now in force."""
    now = now or utcnow()
    in_force = agreement.in_force
    commitments = in_force.sustainability_commitments if in_force is not None else ""
    plan = plan_for(agreement)
    if plan is None:
        return _new_plan(agreement, commitments, actor, now)
    if plan.commitments != commitments:
        before, plan.commitments = plan.commitments, commitments
        audit.record(
            actor=actor,
            action="sustainability_plan.commitments_changed",
            obj=plan,
            before={"commitments": before},
            after={"commitments": commitments, "version": in_force.number if in_force else None},
            now=now,
        )
    return plan


def start_missing_plans(*, actor: Actor, now: datetime | None = None) -> int:
    """Plans for grants in force that have none: those accepted before sustainability was tracked. Returns how many
    were started."""
    missing = select(Agreement).where(
        Agreement.status == AgreementStatus.ACCEPTED,
        ~select(SustainabilityPlan.id).where(SustainabilityPlan.agreement_id == Agreement.id).exists(),
    )
    agreements = db.session.scalars(missing.order_by(Agreement.id)).all()
    for agreement in agreements:
        start_plan(agreement, actor=actor, now=now)
    return len(agreements)


def _new_plan(agreement: Agreement, commitments: str, actor: Actor, now: datetime) -> SustainabilityPlan:
    application = agreement.application
    plan = SustainabilityPlan(
        agreement=agreement,
        continuation=application.continuation or "",
        fallback=application.continuation_fallback or "",
        commitments=commitments,
        created_at=now,
        income=[
            IncomeSource(
                position=position, source=source.source, amount_pence=source.amount_pence, status=source.status
            )
            for position, source in enumerate(application.continuation_income)
        ],
    )
    db.session.add(plan)
    audit.record(
        actor=actor,
        action="sustainability_plan.started",
        obj=plan,
        after={"agreement": agreement.reference, "income": _income_of(plan), "commitments": commitments},
        now=now,
    )
    return plan


# Finding plans -----------------------------------------------------------------------------------------------


def plan_for(agreement: Agreement) -> SustainabilityPlan | None:
    return db.session.scalar(select(SustainabilityPlan).where(SustainabilityPlan.agreement_id == agreement.id))


def get_plan(plan_id: int) -> SustainabilityPlan | None:
    """A plan with everything its page shows: the grant and group, the income, the reviews and who wrote them (with
    their roles, so finance's reviews and officers' can be told apart)."""
    return db.session.scalar(
        select(SustainabilityPlan)
        .where(SustainabilityPlan.id == plan_id)
        .options(
            selectinload(SustainabilityPlan.agreement)
            .selectinload(Agreement.application)
            .selectinload(Application.organisation),
            selectinload(SustainabilityPlan.income),
            selectinload(SustainabilityPlan.reviews)
            .selectinload(SustainabilityReview.created_by)
            .selectinload(User.role_grants),
        )
    )


@dataclass(frozen=True)
class IncomeTotals:
    secured_pence: int = 0
    pending_pence: int = 0
    hoped_pence: int = 0

    @property
    def not_secured_pence(self) -> int:
        return self.pending_pence + self.hoped_pence

    @property
    def total_pence(self) -> int:
        return self.secured_pence + self.not_secured_pence


def income_totals(plan: SustainabilityPlan) -> IncomeTotals:
    def total(status: FundingStatus) -> int:
        return sum(line.amount_pence for line in plan.income if line.status is status)

    return IncomeTotals(total(FundingStatus.SECURED), total(FundingStatus.PENDING), total(FundingStatus.HOPED))


@dataclass(frozen=True)
class PlanRow:
    plan: SustainabilityPlan
    totals: IncomeTotals


@dataclass(frozen=True)
class PlanPage:
    rows: list[PlanRow]
    pagination: Pagination


NOT_REVIEWED = "none"  # the rating filter's value for plans never reviewed


def _plans_query(round_id: int | None, rag: Rag | str | None) -> Select[tuple[SustainabilityPlan]]:
    query = (
        select(SustainabilityPlan)
        .join(Agreement, Agreement.id == SustainabilityPlan.agreement_id)
        .join(Application, Application.id == Agreement.application_id)
        .options(
            selectinload(SustainabilityPlan.agreement)
            .selectinload(Agreement.application)
            .selectinload(Application.organisation),
            selectinload(SustainabilityPlan.income),
        )
        .order_by(Agreement.ends_on, Application.reference, SustainabilityPlan.id)
    )
    if round_id is not None:
        query = query.where(Application.round_id == round_id)
    if isinstance(rag, Rag):
        query = query.where(SustainabilityPlan.rag == rag)
    elif rag == NOT_REVIEWED:
        query = query.where(SustainabilityPlan.rag.is_(None))
    return query


def list_plans(round_id: int | None = None, rag: Rag | str | None = None, *, page: int = 1) -> PlanPage:
    """Every plan, the grants ending soonest first, a page at a time; `rag` is a rating or NOT_REVIEWED."""
    pagination = db.paginate(_plans_query(round_id, rag), page=page, per_page=PER_PAGE, error_out=False)
    return PlanPage([PlanRow(plan, income_totals(plan)) for plan in pagination.items], pagination)


# Changing a plan ---------------------------------------------------------------------------------------------


def closed_reason(agreement: Agreement) -> str | None:
    """Why the plan of this grant can no longer be changed; None while the grant is in force."""
    status = agreement.status
    if status is AgreementStatus.ACCEPTED:
        return None
    return f"This grant is {status.label.lower()}: its sustainability plan is a record now and cannot be changed"


def _require_open(plan: SustainabilityPlan) -> None:
    """Lock the agreement's row, as closing the grant does, then the plan's, re-reading both: a change to the plan
    queues behind a closure or another change and sees what it did; then check the grant is still in force."""
    payments.lock_agreement(plan.agreement)
    db.session.execute(select(SustainabilityPlan.id).where(SustainabilityPlan.id == plan.id).with_for_update())
    db.session.refresh(plan)
    reason = closed_reason(plan.agreement)
    if reason is not None:
        raise InvalidTransition(reason)


@dataclass(frozen=True)
class IncomeLine:
    source: str
    amount_pence: int | None
    status: FundingStatus | None
    expected_on: date | None = None
    note: str = ""


def _checked_line(number: int, line: IncomeLine) -> IncomeSource:
    field = f"income-{number}"
    source = line.source.strip()
    if not source:
        raise DomainError(f"Enter where the money comes from for income source {number}", field=field)
    if len(source) > MAX_SOURCE:
        raise DomainError(f"Name income source {number} in {MAX_SOURCE} characters or fewer", field=field)
    if line.amount_pence is None:
        raise DomainError(f"Enter the amount of income source {number}", field=field)
    if line.amount_pence < 0:
        raise DomainError(f"The amount of income source {number} cannot be negative", field=field)
    if line.status is None:
        raise DomainError(f"Select the status of income source {number}", field=field)
    note = line.note.strip()
    if len(note) > MAX_NOTE:
        raise DomainError(f"The note of income source {number} must be {MAX_NOTE:,} characters or fewer", field=field)
    return IncomeSource(
        position=number - 1,
        source=source,
        amount_pence=line.amount_pence,
        status=line.status,
        expected_on=line.expected_on,
        note=note,
    )


def _line_of(line: IncomeSource) -> dict[str, object]:
    return {
        "source": line.source,
        "amount_pence": line.amount_pence,
        "status": line.status,
        "expected_on": line.expected_on,
        "note": line.note,
    }


def _income_of(plan: SustainabilityPlan) -> list[dict[str, object]]:
    return [_line_of(line) for line in plan.income]


def update_income(
    plan: SustainabilityPlan, lines: list[IncomeLine], *, actor: Actor, now: datetime | None = None
) -> None:
    """Replace the plan's income sources with `lines`, in order."""
    now = now or utcnow()
    _require_open(plan)
    if len(lines) > MAX_INCOME_LINES:
        raise DomainError(f"List up to {MAX_INCOME_LINES} income sources", field="income")
    checked = [_checked_line(number, line) for number, line in enumerate(lines, start=1)]
    before, after = _income_of(plan), [_line_of(line) for line in checked]
    if before == after:
        return  # keep the rows as they are rather than delete and re-insert the same income
    plan.income = checked
    audit.record(
        actor=actor,
        action="sustainability_plan.income_changed",
        obj=plan,
        before={"income": before},
        after={"income": after},
        now=now,
    )


def review(
    plan: SustainabilityPlan,
    *,
    rag: Rag,
    note: str,
    reviewed_on: date,
    actor: Actor,
    now: datetime | None = None,
) -> SustainabilityReview:
    """A dated review with its rating; the plan takes the rating of its latest review by date."""
    now = now or utcnow()
    _require_open(plan)
    note = note.strip()
    if not note:
        raise DomainError("Enter what the review found", field="note")
    if len(note) > MAX_REVIEW:
        raise DomainError(f"The note must be {MAX_REVIEW:,} characters or fewer", field="note")
    if reviewed_on > london_today(now):
        raise DomainError("The date of the review cannot be in the future", field="reviewed_on")
    started_on = london_today(plan.created_at)
    if reviewed_on < started_on:
        raise DomainError(
            f"The date of the review cannot be before the plan started, on {format_date(started_on)}",
            field="reviewed_on",
        )
    before = {"rag": plan.rag, "reviewed_on": plan.reviewed_on}
    added = SustainabilityReview(rag=rag, note=note, reviewed_on=reviewed_on, created_at=now, created_by=actor.user)
    plan.reviews.append(added)
    db.session.flush()
    latest = max(plan.reviews, key=lambda item: (item.reviewed_on, item.id))
    plan.rag, plan.reviewed_on = latest.rag, latest.reviewed_on
    audit.record(
        actor=actor,
        action="sustainability_plan.reviewed",
        obj=plan,
        before=before,
        after={
            "rag": plan.rag,
            "reviewed_on": plan.reviewed_on,
            "review": {"rag": rag, "on": reviewed_on, "note": note},
        },
        now=now,
    )
    return added


# Grants at risk ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AtRisk:
    agreement: Agreement
    plan: SustainabilityPlan | None
    ends_on: date
    reasons: list[str]


def risk_reasons(plan: SustainabilityPlan | None) -> list[str]:
    """Why a plan gives cause for concern, in words; none when it is rated green, reviewed and fully secured."""
    if plan is None:
        return ["No sustainability plan"]
    reasons = []
    if plan.rag is None:
        reasons.append("No review yet")
    elif plan.rag is not Rag.GREEN:
        reasons.append(f"Rated {plan.rag.label[0].lower()}{plan.rag.label[1:]}")
    totals = income_totals(plan)
    if totals.hoped_pence:
        reasons.append(f"{format_pence(totals.hoped_pence)} hoped for, not secured")
    if totals.pending_pence:
        reasons.append(f"{format_pence(totals.pending_pence)} applied for, not yet decided")
    # Help in kind (a room, volunteers) has no amount but matters as much until it is secured.
    in_kind = [
        source for source in plan.income if source.amount_pence == 0 and source.status is not FundingStatus.SECURED
    ]
    if in_kind:
        reasons.append(f"Help in kind not yet secured: {', '.join(source.source for source in in_kind)}")
    return reasons


def at_risk_horizon(today: date, months: int) -> date:
    """The last end date that counts as ending soon."""
    return add_months(today, months)


def at_risk(*, today: date, months: int) -> list[AtRisk]:
    """Grants in force ending within `months` of `today` (or already past their end but not closed) whose plan is
    red or amber, relies on income not yet secured, or has never been reviewed; the soonest ending first."""
    agreements = list(
        db.session.scalars(
            select(Agreement)
            .join(Application, Application.id == Agreement.application_id)
            .where(Agreement.status == AgreementStatus.ACCEPTED, Agreement.ends_on <= at_risk_horizon(today, months))
            .options(selectinload(Agreement.application).selectinload(Application.organisation))
            .order_by(Agreement.ends_on, Application.reference, Agreement.id)
        )
    )
    plans = {
        plan.agreement_id: plan
        for plan in db.session.scalars(
            select(SustainabilityPlan)
            .where(SustainabilityPlan.agreement_id.in_([agreement.id for agreement in agreements]))
            .options(selectinload(SustainabilityPlan.income))
        )
    }
    found = []
    for agreement in agreements:
        plan = plans.get(agreement.id)
        reasons = risk_reasons(plan)
        if reasons:
            found.append(AtRisk(agreement, plan, agreement.ends_on, reasons))
    return found
