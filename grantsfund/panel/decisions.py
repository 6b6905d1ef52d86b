"""The panel's decisions: recorded by whoever presides over the item, only while the meeting is quorate for it,
never taking the round's approvals over its budget, and kept in an append-only log where a correction is a new
entry naming the one it corrects.

The budget guard locks the round's row before it adds up what is already approved, so decisions recorded at
the same moment on PostgreSQL queue one behind another and each sees the ones before it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import aliased, selectinload

from grantsfund.applications import services as applications
from grantsfund.applications.models import Application, ApplicationStatus
from grantsfund.audit import services as audit
from grantsfund.common.actor import Actor
from grantsfund.common.dates import format_datetime, utcnow
from grantsfund.common.downloads import safe_cell
from grantsfund.common.errors import DomainError
from grantsfund.common.money import format_pence, plain_pounds
from grantsfund.extensions import db
from grantsfund.panel.meetings import Quorum, presiding, quorum_for
from grantsfund.panel.models import APPROVALS, MeetingStatus, Outcome, PanelDecision, PanelItem
from grantsfund.rounds.models import Round

MAX_TEXT = 5000
PUBLISHED_STATUSES = (ApplicationStatus.APPROVED, ApplicationStatus.DECLINED, ApplicationStatus.DEFERRED)


class OverBudget(DomainError):
    pass


@dataclass
class DecisionAnswers:
    outcome: Outcome
    amount_pence: int | None = None
    conditions: str = ""
    reasons: str = ""
    feedback: str = ""


def not_corrected() -> ColumnElement[bool]:
    """The entry is standing: no later entry corrects it."""
    later = aliased(PanelDecision)
    return ~select(later.id).where(later.corrects_id == PanelDecision.id).exists()


def committed_pence(round_: Round) -> int:
    """What the panel has approved in the round so far: each item's standing decision, bids since withdrawn
    left out."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(PanelDecision.amount_pence), 0))
        .join(Application, Application.id == PanelDecision.application_id)
        .where(
            PanelDecision.round_id == round_.id,
            PanelDecision.outcome.in_(APPROVALS),
            Application.status != ApplicationStatus.WITHDRAWN,
            not_corrected(),
        )
    )
    return int(total or 0)


def standing(items: list[PanelItem]) -> dict[int, PanelDecision]:
    """Each item's standing decision (the entry nobody corrected), by item id."""
    ids = [item.id for item in items]
    if not ids:
        return {}
    return {
        decision.item_id: decision
        for decision in db.session.scalars(select(PanelDecision).where(PanelDecision.item_id.in_(ids), not_corrected()))
    }


def decision_for(application: Application) -> PanelDecision | None:
    """The standing decision on the bid at its latest meeting."""
    return db.session.scalars(
        select(PanelDecision)
        .where(PanelDecision.application_id == application.id, not_corrected())
        .order_by(PanelDecision.recorded_at.desc(), PanelDecision.id.desc())
    ).first()


def decisions_for(applications: list[Application]) -> dict[int, PanelDecision]:
    """Each application's standing decision at its latest meeting, by application id, in one query."""
    found: dict[int, PanelDecision] = {}
    for decision in db.session.scalars(
        select(PanelDecision)
        .where(PanelDecision.application_id.in_([application.id for application in applications]), not_corrected())
        .order_by(PanelDecision.recorded_at, PanelDecision.id)
    ):
        found[decision.application_id] = decision  # the later meeting's decision replaces the earlier one
    return found


def published_decision(application: Application) -> PanelDecision | None:
    """The decision the group has been told of: none while the panel's outcome is not yet published."""
    if application.status not in PUBLISHED_STATUSES:
        return None
    return decision_for(application)


def log(items: list[PanelItem]) -> list[PanelDecision]:
    """Every entry on these items (a meeting's, or those of it a reader may see), in the order recorded."""
    return list(
        db.session.scalars(
            select(PanelDecision)
            .options(selectinload(PanelDecision.recorded_by), selectinload(PanelDecision.application))
            .where(PanelDecision.item_id.in_([item.id for item in items]))
            .order_by(PanelDecision.recorded_at, PanelDecision.id)
        )
    )


def _checked(answers: DecisionAnswers, requested: int) -> DecisionAnswers:
    text = {name: getattr(answers, name).strip() for name in ("conditions", "reasons", "feedback")}
    for name, value in text.items():
        if len(value) > MAX_TEXT:
            raise DomainError(f"Enter {MAX_TEXT:,} characters or fewer", field=name)
    outcome, amount = answers.outcome, answers.amount_pence
    if outcome is Outcome.APPROVED_REDUCED:
        if amount is None:
            raise DomainError("Enter the reduced amount", field="amount")
        if not 0 < amount < requested:
            raise DomainError(
                f"The reduced amount must be more than £0 and less than the {format_pence(requested)} asked for",
                field="amount",
            )
    elif outcome.approves:
        amount = requested
    else:
        amount = None
    if outcome is Outcome.APPROVED_WITH_CONDITIONS and not text["conditions"]:
        raise DomainError("Enter the conditions of the award", field="conditions")
    if not text["reasons"]:
        raise DomainError("Enter the panel’s reasons", field="reasons")
    if outcome is Outcome.DECLINED and not text["feedback"]:
        raise DomainError("Enter the feedback for the group", field="feedback")
    return DecisionAnswers(
        outcome, amount, text["conditions"] if outcome.approves else "", text["reasons"], text["feedback"]
    )


def may_decide(item: PanelItem, actor: Actor) -> Quorum:
    """Refuse, saying why, unless the meeting can decide the item now and the actor is chairing it."""
    meeting, application = item.meeting, item.application
    if meeting.status is MeetingStatus.SCHEDULED:
        raise DomainError("The meeting has not started: the chair records attendance first")
    if not meeting.open_for_decisions:
        raise DomainError(f"This meeting is {meeting.status.label.lower()}: decisions cannot be recorded")
    if application.status is not ApplicationStatus.AT_PANEL:
        raise DomainError(f"This bid is {application.status.label.lower()}: the panel cannot decide on it")
    quorum = quorum_for(item)
    if not quorum.quorate:
        raise DomainError("The meeting is not quorate for this item: " + "; ".join(quorum.problems) + ".")
    chair = presiding(item)
    if chair is None or chair.id != actor.user_id:
        who = f"{chair.full_name} is chairing" if chair else "No chair or deputy free of conflict is present"
        raise DomainError(f"Only the person chairing this item can record its decision: {who}")
    return quorum


def record(
    item: PanelItem,
    answers: DecisionAnswers,
    *,
    actor: Actor,
    correcting: PanelDecision | None = None,
    correction_reason: str = "",
    now: datetime | None = None,
) -> PanelDecision:
    """Record the panel's decision on an item, or a correction of its standing decision."""
    now = now or utcnow()
    meeting = item.meeting
    application = item.application
    round_ = db.session.execute(
        select(Round).where(Round.id == meeting.round_id).with_for_update().execution_options(populate_existing=True)
    ).scalar_one()
    applications.lock(application)
    quorum = may_decide(item, actor)
    current = standing([item]).get(item.id)
    correction_reason = correction_reason.strip()
    if correcting is None and current is not None:
        raise DomainError("This item already has a decision: record a correction instead")
    if correcting is not None:
        if current is None or correcting.id != current.id:
            raise DomainError("Only the item’s standing decision can be corrected")
        if not correction_reason:
            raise DomainError("Enter why the decision is being corrected", field="correction_reason")
    answers = _checked(answers, application.amount_requested_pence or 0)
    if answers.amount_pence is not None:
        _check_budget(round_, answers.amount_pence, release=(current.amount_pence or 0) if current else 0)
    decision = PanelDecision(
        meeting_id=meeting.id,
        item_id=item.id,
        round_id=round_.id,
        application_id=application.id,
        outcome=answers.outcome,
        amount_pence=answers.amount_pence,
        conditions=answers.conditions,
        reasons=answers.reasons,
        feedback=answers.feedback,
        taking_part=[{"id": person.id, "name": person.full_name} for person in quorum.taking_part],
        recorded_by_id=actor.user_id,
        recorded_at=now,
        corrects_id=correcting.id if correcting else None,
        correction_reason=correction_reason if correcting else None,
    )
    db.session.add(decision)
    db.session.flush()
    audit.record(
        actor=actor,
        action="panel.decision_corrected" if correcting else "panel.decision_recorded",
        obj=decision,
        before={"outcome": current.outcome.value, "amount_pence": current.amount_pence} if current else None,
        after={
            "application": application.reference,
            "outcome": decision.outcome.value,
            "amount_pence": decision.amount_pence,
            "correction_reason": decision.correction_reason,
        },
        now=now,
    )
    return decision


def _check_budget(round_: Round, amount: int, *, release: int) -> None:
    if round_.budget_pence is None:
        raise OverBudget("The round has no budget set: an officer must set one before anything is approved")
    committed = committed_pence(round_) - release
    remaining = round_.budget_pence - committed
    if amount > remaining:
        raise OverBudget(
            f"Approving {format_pence(amount)} would take the round over its budget of "
            f"{format_pence(round_.budget_pence)}: {format_pence(max(remaining, 0))} remains. "
            "Approve a reduced amount, or defer or decline the bid.",
            field="amount",
        )


# Export ---------------------------------------------------------------------------------------------------------

LOG_HEADINGS = [
    "Entry",
    "Recorded",
    "Reference",
    "Group",
    "Decision",
    "Amount (£)",
    "Conditions",
    "Reasons",
    "Feedback for the group",
    "Taking part",
    "Recorded by",
    "Corrects entry",
    "Reason for correction",
]


def log_rows(items: list[PanelItem]) -> Iterator[list[str]]:
    groups = {item.id: item.pack.get("organisation", "") for item in items}
    for entry in log(items):
        yield [
            str(entry.id),
            format_datetime(entry.recorded_at),
            entry.application.reference or "",
            safe_cell(groups[entry.item_id]),
            entry.outcome.recorded,
            plain_pounds(entry.amount_pence) if entry.amount_pence is not None else "",
            safe_cell(entry.conditions),
            safe_cell(entry.reasons),
            safe_cell(entry.feedback),
            safe_cell("; ".join(person["name"] for person in entry.taking_part)),
            safe_cell(entry.recorded_by.full_name),
            str(entry.corrects_id or ""),
            safe_cell(entry.correction_reason or ""),
        ]
