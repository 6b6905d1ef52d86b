"""The round summary's assessment statistics: how many bids were assessed, their overall scores, how each criterion
was scored and how far assessors agreed, and what the assessors recommended.

A bid's score for a criterion is the moderator's agreed score where there is one, otherwise its assessors' mean,
and the overall score is weighted as in the ranking (grantsfund/assessment/ranking.py), so that these figures agree
with what the panel saw. Only submitted score sheets of assessors who declared no conflict count. The statistics
are worked from score sheets, not from the tallies of applications the rest of the summary adds up, and have the
most rules of their own, so they are kept here, with their four statements."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from sqlalchemy import ColumnElement, func, select

from grantsfund.applications.models import Application
from grantsfund.assessment.models import (
    Assignment,
    AssignmentStatus,
    CriterionScore,
    ModeratedScore,
    Recommendation,
    ScoreSheet,
)
from grantsfund.assessment.ranking import weighted_percent
from grantsfund.extensions import db
from grantsfund.reporting.round_scope import Scope, applications_in, rounds_in
from grantsfund.reporting.tables import Cell, Column, Percent, Score, Table
from grantsfund.rounds.models import Criterion, Round


@dataclass(frozen=True)
class CriterionScores:
    """A bid's submitted scores for one criterion, added up in SQL."""

    application_id: int
    criterion_id: int
    count: int
    total: int
    lowest: int
    highest: int

    @property
    def spread(self) -> int:
        return self.highest - self.lowest


@dataclass
class CriterionStats:
    name: str
    essential: bool = False
    bids: int = 0
    score_sum: Fraction = Fraction(0)
    lowest: int | None = None
    highest: int | None = None
    compared: int = 0  # bids with two or more assessors' scores
    spread_sum: int = 0
    differed: int = 0  # of those, assessors differing by the round's moderation spread or more
    moderated: int = 0
    below_pass_mark: int = 0

    def add(
        self, scores: CriterionScores, score: Fraction, *, moderated: bool, criterion: Criterion, round_: Round
    ) -> None:
        self.essential = self.essential or criterion.essential
        self.bids += 1
        self.score_sum += score
        self.lowest = scores.lowest if self.lowest is None else min(self.lowest, scores.lowest)
        self.highest = scores.highest if self.highest is None else max(self.highest, scores.highest)
        if scores.count > 1:
            self.compared += 1
            self.spread_sum += scores.spread
            self.differed += scores.spread >= round_.moderation_spread
        self.moderated += moderated
        self.below_pass_mark += criterion.essential and score < round_.essential_threshold

    def row(self) -> list[Cell]:
        return [
            self.name,
            self.bids,
            Score(Fraction(self.score_sum, self.bids)) if self.bids else None,
            self.lowest,
            self.highest,
            Score(Fraction(self.spread_sum, self.compared)) if self.compared else None,
            self.differed,
            self.moderated,
            self.below_pass_mark if self.essential else "Not essential",
        ]


@dataclass
class BidScores:
    round_id: int
    sheets: int = 0
    scores: dict[int, Fraction] = field(default_factory=dict)  # criterion -> the bid's score
    failed_essential: bool = False


def assessment_tables(
    sheets: Sequence[tuple[int, int, Recommendation | None, int]],
    scores: Sequence[CriterionScores],
    agreed: dict[tuple[int, int], int],
    criteria: Sequence[Criterion],
    round_by_id: dict[int, Round],
) -> list[Table]:
    """The assessment summary, the statistics for each criterion (criteria of the same name in different rounds
    together), and the assessors' recommendations."""
    bids: dict[int, BidScores] = {}
    recommendations: Counter[Recommendation | None] = Counter()
    for application_id, round_id, recommendation, count in sheets:
        bids.setdefault(application_id, BidScores(round_id)).sheets += count
        recommendations[recommendation] += count
    by_id = {criterion.id: criterion for criterion in criteria}
    stats: dict[str, CriterionStats] = {criterion.name: CriterionStats(criterion.name) for criterion in criteria}
    for row in scores:
        criterion, bid = by_id.get(row.criterion_id), bids.get(row.application_id)
        if criterion is None or bid is None:
            continue
        round_ = round_by_id[criterion.round_id]
        moderated = (row.application_id, row.criterion_id) in agreed
        score = (
            Fraction(agreed[(row.application_id, row.criterion_id)]) if moderated else Fraction(row.total, row.count)
        )
        bid.scores[row.criterion_id] = score
        bid.failed_essential |= criterion.essential and score < round_.essential_threshold
        stats[criterion.name].add(row, score, moderated=moderated, criterion=criterion, round_=round_)
    return [
        _assessment_summary(bids, list(stats.values()), criteria, round_by_id),
        _criteria_table([stat for stat in stats.values() if stat.bids] or list(stats.values())),
        _recommendations_table(recommendations),
    ]


def _weighted(
    bids: dict[int, BidScores], criteria: Sequence[Criterion], round_by_id: dict[int, Round]
) -> list[Fraction]:
    """The weighted score (a share of the most possible) of each bid with all its assessments in."""
    of_round: dict[int, list[Criterion]] = defaultdict(list)
    for criterion in criteria:
        of_round[criterion.round_id].append(criterion)
    found = []
    for bid in bids.values():
        if bid.sheets >= round_by_id[bid.round_id].assessors_per_bid:
            weighted = weighted_percent(of_round[bid.round_id], bid.scores)
            if weighted is not None:
                found.append(weighted / 100)
    return found


def _assessment_summary(
    bids: dict[int, BidScores],
    stats: list[CriterionStats],
    criteria: Sequence[Criterion],
    round_by_id: dict[int, Round],
) -> Table:
    weighted = _weighted(bids, criteria, round_by_id)
    compared = sum(stat.compared for stat in stats)
    differed = sum(stat.differed for stat in stats)
    rows: list[list[Cell]] = [
        ["Bids with at least one assessment", len(bids)],
        ["Assessments submitted", sum(bid.sheets for bid in bids.values())],
        ["Bids with every assessment in", len(weighted)],
        ["Average overall score", Percent(sum(weighted, Fraction(0)) / len(weighted)) if weighted else None],
        ["Lowest overall score", Percent(min(weighted)) if weighted else None],
        ["Highest overall score", Percent(max(weighted)) if weighted else None],
        [
            "Assessors agreed (within the moderation spread)",
            Percent(Fraction(compared - differed, compared)) if compared else None,
        ],
        ["Criterion scores where assessors differed by the spread or more", differed],
        ["Criterion scores moderated", sum(stat.moderated for stat in stats)],
        [
            "Bids with an essential criterion below the pass mark",
            sum(1 for bid in bids.values() if bid.failed_essential),
        ],
    ]
    notes = [
        "The overall score is weighted by the criteria’s weights, as a percentage of the most a bid could score, "
        "for bids whose assessments are all in.",
        "Agreement is over each criterion of each bid that two or more assessors scored.",
    ]
    return Table("assessment", "Assessment", [Column("Measure"), Column("Figure", numeric=True)], rows, notes)


def _criteria_table(stats: Sequence[CriterionStats]) -> Table:
    columns = [
        Column("Criterion"),
        Column("Bids scored", True),
        Column("Average score", True),
        Column("Lowest score given", True),
        Column("Highest score given", True),
        Column("Average difference between assessors", True),
        Column("Assessors differed by the spread or more", True),
        Column("Moderated", True),
        Column("Below the pass mark", True),
    ]
    notes = [
        "Scores are out of 5. A bid’s score for a criterion is the moderator’s agreed score where there is one, "
        "otherwise the mean of its assessors’ scores; the lowest and highest are single assessors’ scores.",
        "Below the pass mark counts bids scoring under the round’s pass mark on an essential criterion.",
    ]
    return Table("criteria", "Scores by criterion", columns, [stat.row() for stat in stats], notes)


def _recommendations_table(counted: Counter[Recommendation | None]) -> Table:
    rows: list[list[Cell]] = [[recommendation.label, counted[recommendation]] for recommendation in Recommendation]
    if counted[None]:
        rows.append(["None given", counted[None]])
    rows.append(["All assessments", sum(counted.values())])
    columns = [Column("Assessor’s recommendation"), Column("Assessments", True)]
    return Table("recommendations", "Assessors’ recommendations", columns, rows)


def _scored(scope: Scope) -> list[ColumnElement[bool]]:
    """Submitted score sheets of assessors who declared no conflict, on the scope's applications."""
    return [
        *applications_in(scope),
        Assignment.status == AssignmentStatus.ACCEPTED,
        ScoreSheet.submitted_at.is_not(None),
    ]


def load_sheets(scope: Scope) -> list[tuple[int, int, Recommendation | None, int]]:
    """(bid, its round, recommendation, submitted sheets). One statement."""
    rows = db.session.execute(
        select(Application.id, Application.round_id, ScoreSheet.recommendation, func.count(ScoreSheet.id))
        .select_from(ScoreSheet)
        .join(Assignment, Assignment.id == ScoreSheet.assignment_id)
        .join(Application, Application.id == Assignment.application_id)
        .where(*_scored(scope))
        .group_by(Application.id, Application.round_id, ScoreSheet.recommendation)
    )
    return [(bid, round_id, recommendation, int(count)) for bid, round_id, recommendation, count in rows]


def load_scores(scope: Scope) -> list[CriterionScores]:
    """Each bid's submitted scores for each criterion: how many, their total, lowest and highest. One statement."""
    rows = db.session.execute(
        select(
            Application.id,
            CriterionScore.criterion_id,
            func.count(CriterionScore.score),
            func.sum(CriterionScore.score),
            func.min(CriterionScore.score),
            func.max(CriterionScore.score),
        )
        .select_from(CriterionScore)
        .join(ScoreSheet, ScoreSheet.id == CriterionScore.sheet_id)
        .join(Assignment, Assignment.id == ScoreSheet.assignment_id)
        .join(Application, Application.id == Assignment.application_id)
        .where(*_scored(scope), CriterionScore.score.is_not(None))
        .group_by(Application.id, CriterionScore.criterion_id)
    )
    return [CriterionScores(*(int(value) for value in row)) for row in rows]


def load_agreed(scope: Scope) -> dict[tuple[int, int], int]:
    """The moderators' latest agreed score for each (bid, criterion). One statement."""
    agreed: dict[tuple[int, int], int] = {}
    rows = db.session.execute(
        select(ModeratedScore.application_id, ModeratedScore.criterion_id, ModeratedScore.score)
        .join(Application, Application.id == ModeratedScore.application_id)
        .where(*applications_in(scope))
        .order_by(ModeratedScore.moderated_at, ModeratedScore.id)
    )
    for application_id, criterion_id, score in rows:
        agreed[(application_id, criterion_id)] = score  # later ones replace earlier
    return agreed


def load_criteria(scope: Scope) -> list[Criterion]:
    """The scope's rounds' criteria, in the rounds' order. One statement."""
    return list(
        db.session.scalars(
            select(Criterion)
            .where(*rounds_in(scope, Criterion.round_id))
            .order_by(Criterion.position, Criterion.round_id.desc(), Criterion.id)
        )
    )
