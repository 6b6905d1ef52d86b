"""Weighted scores, moderation and the round's ranking, each explained; and assessor calibration.

A bid's score for a criterion is the moderator's agreed score where there is one, otherwise the mean of its
assessors' submitted scores. Its weighted score is Σ weight × score ÷ Σ weight × 5, as a percentage, computed
with exact fractions so equal bids really are equal. A criterion whose assessors' scores differ by the round's
moderation spread or more needs moderation until a moderator agrees a score.

Ties are ordered by a published rule: a bid without a failed essential criterion first, then the smaller
amount requested (more bids fit the budget), then the earlier submission, then the reference.

Everything for a round is read in a fixed number of queries, however many bids, assessors and criteria."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from functools import cached_property

from sqlalchemy import Select, select
from sqlalchemy.orm import contains_eager, load_only, selectinload

from grantsfund.accounts.models import User
from grantsfund.applications import services as applications
from grantsfund.applications.models import Application, ApplicationStatus
from grantsfund.assessment.models import (
    Assignment,
    AssignmentStatus,
    CriterionScore,
    ModeratedScore,
    Recommendation,
    ScoreSheet,
)
from grantsfund.audit import services as audit
from grantsfund.common.actor import Actor
from grantsfund.common.dates import utcnow
from grantsfund.common.errors import DomainError
from grantsfund.extensions import db
from grantsfund.organisations.models import Organisation
from grantsfund.rounds.models import SCORES, Criterion, Round

MAX_SCORE = max(SCORES)
RANKED_STATUSES = (ApplicationStatus.IN_ASSESSMENT, ApplicationStatus.AT_PANEL, ApplicationStatus.DEFERRED)
LIFTS, LOWERS = 4, 2  # a criterion scored at least 4 lifted a bid; at most 2, lowered it
MAX_REASON = 2000


def weighted_percent(criteria: list[Criterion], scores: dict[int, Fraction]) -> Fraction | None:
    """Σ weight × score ÷ Σ weight × 5 × 100 over the criteria; None until every criterion has a score."""
    if not criteria or any(criterion.id not in scores for criterion in criteria):
        return None
    possible = sum(criterion.weight for criterion in criteria) * MAX_SCORE
    if possible == 0:
        return None
    achieved = sum(criterion.weight * scores[criterion.id] for criterion in criteria)
    return Fraction(achieved) * 100 / possible


@dataclass
class CriterionResult:
    criterion: Criterion
    scores: list[int]  # each submitted assessor's
    agreed: ModeratedScore | None

    @property
    def spread(self) -> int:
        return max(self.scores) - min(self.scores) if self.scores else 0

    @property
    def score(self) -> Fraction | None:
        if self.agreed is not None:
            return Fraction(self.agreed.score)
        return Fraction(sum(self.scores), len(self.scores)) if self.scores else None


@dataclass
class BidResult:
    application: Application
    criteria: list[CriterionResult]
    recommendations: Counter[Recommendation]
    sheets_in: int
    sheets_needed: int
    threshold: int
    spread_limit: int
    rank: int | None = None
    running_total_pence: int = 0
    within_budget: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.sheets_in >= self.sheets_needed

    @cached_property
    def weighted(self) -> Fraction | None:
        if not self.complete:
            return None
        scores = {r.criterion.id: r.score for r in self.criteria if r.score is not None}
        return weighted_percent([r.criterion for r in self.criteria], scores)

    @cached_property
    def needs_moderation(self) -> list[CriterionResult]:
        return [r for r in self.criteria if r.agreed is None and r.spread >= self.spread_limit]

    @property
    def moderated(self) -> list[CriterionResult]:
        return [r for r in self.criteria if r.agreed is not None]

    @cached_property
    def failed_essentials(self) -> list[CriterionResult]:
        return [r for r in self.criteria if r.criterion.essential and r.score is not None and r.score < self.threshold]

    def explanation(self) -> list[str]:
        """Why the bid stands where it does, in sentences a panel chair can read out."""
        lines = []
        lifted = [r for r in self.criteria if r.score is not None and r.score >= LIFTS]
        lowered = [r for r in self.criteria if r.score is not None and r.score <= LOWERS]
        if lifted:
            lines.append("Lifted by " + "; ".join(f"{r.criterion.name} ({score_text(r.score)})" for r in lifted))
        if lowered:
            lines.append("Lowered by " + "; ".join(f"{r.criterion.name} ({score_text(r.score)})" for r in lowered))
        for r in self.failed_essentials:
            lines.append(f"Essential criterion below the pass mark of {self.threshold}: {r.criterion.name}")
        for r in self.needs_moderation:
            lines.append(f"Assessors differ by {r.spread} on {r.criterion.name}: needs moderation")
        lines.extend(
            f"Moderated: {r.criterion.name} agreed at {agreed.score} ({agreed.reason})"
            for r in self.criteria
            if (agreed := r.agreed) is not None
        )
        if self.recommendations:
            lines.append(
                "Recommendations: "
                + ", ".join(f"{count} {label.label.lower()}" for label, count in sorted(self.recommendations.items()))
            )
        if not self.complete:
            lines.append(f"{self.sheets_in} of {self.sheets_needed} assessments in")
        return lines


def score_text(value: Fraction | None) -> str:
    """A criterion's score as people read it: whole when it is, otherwise to one decimal place."""
    if value is None:
        return "–"
    return str(int(value)) if value.denominator == 1 else f"{float(value):.1f}"


def percent(value: Fraction | None) -> str:
    return "–" if value is None else f"{float(value):.1f}%"


def _latest_agreed(round_id: int, application_ids: list[int] | None) -> dict[tuple[int, int], ModeratedScore]:
    query = (
        select(ModeratedScore)
        .options(selectinload(ModeratedScore.moderator))
        .join(Application, Application.id == ModeratedScore.application_id)
        .where(Application.round_id == round_id)
        .order_by(ModeratedScore.moderated_at, ModeratedScore.id)
    )
    if application_ids is not None:
        query = query.where(Application.id.in_(application_ids))
    agreed: dict[tuple[int, int], ModeratedScore] = {}
    for row in db.session.scalars(query):
        agreed[(row.application_id, row.criterion_id)] = row  # later ones replace earlier
    return agreed


@dataclass(frozen=True)
class Sheet:
    """A submitted score sheet, as the ranking needs it: who, their recommendation, their scores."""

    application_id: int
    assessor_id: int
    assessor: str
    recommendation: Recommendation | None
    scores: dict[int, int]  # criterion -> score


def _submitted(round_id: int, application_ids: list[int] | None) -> Select[int, int, str, int, Recommendation | None]:
    query = (
        select(
            Assignment.application_id, Assignment.assessor_id, User.full_name, ScoreSheet.id, ScoreSheet.recommendation
        )
        .join(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .join(User, User.id == Assignment.assessor_id)
        .join(Application, Application.id == Assignment.application_id)
        .where(
            Application.round_id == round_id,
            Application.status.in_(RANKED_STATUSES),
            Assignment.status == AssignmentStatus.ACCEPTED,
            ScoreSheet.submitted_at.is_not(None),
        )
    )
    if application_ids is not None:
        query = query.where(Application.id.in_(application_ids))
    return query


def load_sheets(round_: Round, application_ids: list[int] | None = None) -> dict[int, list[Sheet]]:
    """Every submitted sheet in the round (or for the given bids), by bid: two statements of plain rows,
    however many bids, assessors and criteria."""
    heads = db.session.execute(_submitted(round_.id, application_ids).order_by(ScoreSheet.id)).all()
    sheet_ids = _submitted(round_.id, application_ids).with_only_columns(ScoreSheet.id).scalar_subquery()
    scores: dict[int, dict[int, int]] = defaultdict(dict)
    for sheet_id, criterion_id, score in db.session.execute(
        select(CriterionScore.sheet_id, CriterionScore.criterion_id, CriterionScore.score).where(
            CriterionScore.sheet_id.in_(sheet_ids), CriterionScore.score.is_not(None)
        )
    ):
        if score is not None:
            scores[sheet_id][criterion_id] = score
    sheets: dict[int, list[Sheet]] = defaultdict(list)
    for application_id, assessor_id, name, sheet_id, recommendation in heads:
        sheets[application_id].append(Sheet(application_id, assessor_id, name, recommendation, scores[sheet_id]))
    return sheets


def submitted_sheets_of(application: Application) -> list[ScoreSheet]:
    """The bid's submitted sheets in full (scores with comments), for the moderation page."""
    return submitted_sheets_of_all([application.id]).get(application.id, [])


def submitted_sheets_of_all(application_ids: list[int]) -> dict[int, list[ScoreSheet]]:
    """The bids' submitted sheets in full, by bid, in three queries however many bids."""
    found: dict[int, list[ScoreSheet]] = defaultdict(list)
    for sheet in db.session.scalars(
        select(ScoreSheet)
        .join(Assignment, Assignment.id == ScoreSheet.assignment_id)
        .options(
            selectinload(ScoreSheet.scores).joinedload(CriterionScore.criterion),
            contains_eager(ScoreSheet.assignment).joinedload(Assignment.assessor),
        )
        .where(
            Assignment.application_id.in_(application_ids),
            Assignment.status == AssignmentStatus.ACCEPTED,
            ScoreSheet.submitted_at.is_not(None),
        )
        .order_by(ScoreSheet.id)
    ):
        found[sheet.assignment.application_id].append(sheet)
    return found


def results_for(
    round_: Round, bids: list[Application], sheets: dict[int, list[Sheet]] | None = None
) -> list[BidResult]:
    ids = [bid.id for bid in bids]
    if sheets is None:
        sheets = load_sheets(round_, ids)
    agreed = _latest_agreed(round_.id, None if len(ids) > 1 else ids)
    results = []
    for bid in bids:
        by_criterion: dict[int, list[int]] = defaultdict(list)
        for sheet in sheets.get(bid.id, []):
            for criterion_id, score in sheet.scores.items():
                by_criterion[criterion_id].append(score)
        bid_sheets = sheets.get(bid.id, [])
        results.append(
            BidResult(
                application=bid,
                criteria=[CriterionResult(c, by_criterion[c.id], agreed.get((bid.id, c.id))) for c in round_.criteria],
                recommendations=Counter(s.recommendation for s in bid_sheets if s.recommendation),
                sheets_in=len(bid_sheets),
                sheets_needed=round_.assessors_per_bid,
                threshold=round_.essential_threshold,
                spread_limit=round_.moderation_spread,
            )
        )
    return results


def _tie_order(result: BidResult) -> tuple[bool, Fraction, bool, int, float, str]:
    weighted = result.weighted
    application = result.application
    return (
        weighted is None,
        -(weighted or Fraction(0)),
        bool(result.failed_essentials),
        application.amount_requested_pence or 0,
        application.submitted_at.timestamp() if application.submitted_at else float("inf"),
        application.reference or "",
    )


def ranking(round_: Round, sheets: dict[int, list[Sheet]] | None = None) -> list[BidResult]:
    """The round's assessed bids, best first, with ranks, the running total of amounts against the budget,
    and each one's explanation. Bids still waiting for scores come last, unranked."""
    bids = list(
        db.session.scalars(
            select(Application)
            .join(Application.organisation)
            .options(
                load_only(
                    Application.id,
                    Application.reference,
                    Application.status,
                    Application.amount_requested_pence,
                    Application.submitted_at,
                    Application.organisation_id,
                ),
                contains_eager(Application.organisation)
                .load_only(Organisation.name)
                .lazyload(Organisation.memberships),
            )
            .where(Application.round_id == round_.id, Application.status.in_(RANKED_STATUSES))
        )
    )
    if sheets is None:
        sheets = load_sheets(round_)
    ordered = sorted(results_for(round_, bids, sheets), key=_tie_order)
    total = 0
    for position, result in enumerate(ordered, start=1):
        if result.weighted is None:
            continue
        result.rank = position
        total += result.application.amount_requested_pence or 0
        result.running_total_pence = total
        result.within_budget = round_.budget_pence is not None and total <= round_.budget_pence
    return ordered


def bid_result(application: Application) -> BidResult:
    return results_for(application.round, [application])[0]


# Moderation -------------------------------------------------------------------------------------------------


def moderate(
    application: Application,
    criterion: Criterion,
    *,
    score: int,
    reason: str,
    actor: Actor,
    now: datetime | None = None,
) -> ModeratedScore:
    """Record the agreed score for a criterion; the assessors' own scores stay as they were."""
    now = now or utcnow()
    reason = reason.strip()
    if criterion.round_id != application.round_id:
        raise DomainError("Moderate the round’s own criteria", field="criterion")
    if score not in SCORES:
        raise DomainError("Enter an agreed score from 0 to 5", field="score")
    if not reason:
        raise DomainError("Enter the reason for the agreed score", field="reason")
    if len(reason) > MAX_REASON:
        raise DomainError(f"Enter {MAX_REASON:,} characters or fewer", field="reason")
    applications.lock(application)
    if application.status is not ApplicationStatus.IN_ASSESSMENT:
        raise DomainError(f"This bid is {application.status.label.lower()}: its scores can no longer be moderated")
    before = bid_result(application)
    row = next(r for r in before.criteria if r.criterion.id == criterion.id)
    if not row.scores:
        raise DomainError("No assessor has scored this criterion yet", field="criterion")
    moderated = ModeratedScore(
        application_id=application.id,
        criterion_id=criterion.id,
        score=score,
        reason=reason,
        moderator_id=actor.user_id,
        moderated_at=now,
    )
    db.session.add(moderated)
    audit.record(
        actor=actor,
        action="assessment.moderated",
        obj=application,
        before={"criterion": criterion.name, "scores": row.scores},
        after={"criterion": criterion.name, "agreed": score, "reason": reason},
        now=now,
    )
    db.session.flush()
    return moderated


# Calibration ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Calibration:
    assessor: str
    scores: int
    mean: Fraction
    difference: Fraction | None  # their score minus the mean of the others' on the same bid and criterion


def calibration(round_: Round, sheets: dict[int, list[Sheet]] | None = None) -> list[Calibration]:
    """For each assessor in the round: their mean score, and how far above (+) or below (−) the other
    assessors of the same bids they score on average: a harsh or generous marker shows at a glance."""
    if sheets is None:
        sheets = load_sheets(round_)
    names: dict[int, str] = {}
    given: dict[int, list[int]] = defaultdict(list)
    differences: dict[int, list[Fraction]] = defaultdict(list)
    for bid_sheets in sheets.values():
        for sheet in bid_sheets:
            names[sheet.assessor_id] = sheet.assessor
            for criterion_id, score in sheet.scores.items():
                given[sheet.assessor_id].append(score)
                others = [o.scores[criterion_id] for o in bid_sheets if o is not sheet and criterion_id in o.scores]
                if others:
                    differences[sheet.assessor_id].append(Fraction(score * len(others) - sum(others), len(others)))
    return [
        Calibration(
            assessor=names[assessor_id],
            scores=len(scores),
            mean=Fraction(sum(scores), len(scores)),
            difference=sum(differences[assessor_id], Fraction(0)) / len(differences[assessor_id])
            if differences[assessor_id]
            else None,
        )
        for assessor_id, scores in sorted(given.items(), key=lambda item: (names[item[0]], item[0]))
    ]
