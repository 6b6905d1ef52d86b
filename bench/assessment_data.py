"""The benchmark's assessment: this year's round (the closed one bench/application_data.py makes) with `count` of
its bids in assessment, each scored by three assessors from a pool of about thirty, and the moderators' agreed
scores where the assessors differed widely. All bulk-inserted in batches, as the applications are. Called inside
build_database's app context, after add_applications; the caller commits.

- The round asks for three assessors per bid and has a budget that about an eighth of the bids fit.
- `count` of the round's bids (chosen at random) are in assessment; any other bid of the round in a status the
  ranking shows (at panel, deferred) goes back to eligible, so the ranking lists exactly these.
- Each bid has three accepted assignments (with due date, who assigned it, when and why), each with a submitted
  score sheet (recommendation, summary) and a score with a comment for each of the round's seven criteria.
- The scores follow each bid's merit on each criterion, each assessor's habit (one harsh, one generous, the rest
  close to the middle) and some noise, so about one (bid, criterion) pair in eleven has a spread that needs
  moderation (on one in twenty-five, one assessor is far from the others), and about one bid in eight fails an
  essential criterion. A moderator has agreed a score on three pairs in a hundred, chosen among the wide spreads,
  a tenth of them twice (the later one stands); the rest still need moderation.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from application_data import ROUNDS, _insert
from sqlalchemy import select, update

from grantsfund.applications.models import Application, ApplicationStatus
from grantsfund.assessment.models import (
    Assignment,
    AssignmentStatus,
    CriterionScore,
    ModeratedScore,
    Recommendation,
    ScoreSheet,
)
from grantsfund.assessment.ranking import RANKED_STATUSES
from grantsfund.extensions import db
from grantsfund.rounds.models import Criterion, Round

ASSESSORS_PER_BID = 3
POOL = 30  # assessors
WIDE = 0.04  # the share of (bid, criterion) pairs where one assessor is far from the others
MODERATED = 0.03  # the share of (bid, criterion) pairs with an agreed score, chosen among the wide spreads
SPREAD = 2  # the round's moderation spread (its default): scores this far apart need moderation
ASSIGNED = datetime(2026, 6, 10, 9, tzinfo=UTC)  # a week and a half after the round closed

SUMMARIES = (
    "A well-evidenced project from a group with a good track record; the plan is realistic.",
    "Strong on bringing people together, weaker on how the work will continue after the grant.",
    "The need is clear but the budget needs more detail and the outcomes are hard to measure.",
    "An experienced group with good links across the ward; the reach to newcomers is convincing.",
    "Ambitious for the size of the group; I would want to see the volunteers’ capacity confirmed.",
    "A modest, deliverable project that would reach people who are not reached now.",
)
COMMENTS = (
    "Clear evidence in the application and the attachments.",
    "Some evidence, but the answer is general rather than about this ward.",
    "The group gives examples from its pilot sessions.",
    "Little detail; I could not tell how this would work in practice.",
    "Good, with realistic numbers.",
    "Convincing, and backed by the residents’ survey.",
    "Partly addressed; the budget does not show the costs for this.",
)
REASONS = (
    "Agreed at moderation: the evidence supports the middle score",
    "The panel read the attachments again and agreed the higher score",
    "One assessor missed the safeguarding policy; agreed after discussion",
    "Agreed the lower score: the outcomes have no baseline",
)


@dataclass(frozen=True)
class Wide:
    """A (bid, criterion) pair whose assessors differ by the moderation spread or more."""

    bid_id: int
    criterion_id: int
    middle: int  # the middle of the three scores: what the moderator agrees
    last_in: datetime  # when the bid's last score sheet was submitted


@dataclass(frozen=True)
class Assessed:
    round_id: int
    bids: int
    assessors: int
    sheets: int
    scores: int
    moderated: int  # agreed scores, the superseded ones included


def _clamp(value: float) -> int:
    return max(0, min(5, round(value)))


def add_assessments(
    count: int, *, officer_id: int, assessors: Sequence[tuple[int, str]], rng: random.Random
) -> Assessed:
    """Put `count` of this year's bids in assessment and score them. `assessors` are (user id, full name) of
    people with the assessor role; up to POOL of them (with different names) are chosen."""
    name = ROUNDS[-1][0]
    round_ = db.session.execute(select(Round).where(Round.name == name)).scalar_one()
    criteria = list(
        db.session.scalars(select(Criterion).where(Criterion.round_id == round_.id).order_by(Criterion.position))
    )
    bids = sorted(
        db.session.execute(
            select(Application.id, Application.status, Application.amount_requested_pence).where(
                Application.round_id == round_.id
            )
        ),
        key=lambda row: row.id,
    )
    chosen = sorted(rng.sample(bids, min(count, len(bids))), key=lambda row: row.id)
    chosen_ids = {row.id for row in chosen}
    back = [row.id for row in bids if row.status in RANKED_STATUSES and row.id not in chosen_ids]
    for ids, status in ((sorted(chosen_ids), ApplicationStatus.IN_ASSESSMENT), (back, ApplicationStatus.ELIGIBLE)):
        for start in range(0, len(ids), 500):
            db.session.execute(
                update(Application).where(Application.id.in_(ids[start : start + 500])).values(status=status),
                execution_options={"synchronize_session": False},
            )
    total = sum(row.amount_requested_pence for row in chosen)
    db.session.execute(
        update(Round)
        .where(Round.id == round_.id)
        .values(assessors_per_bid=ASSESSORS_PER_BID, budget_pence=total // 8 // 100_000 * 100_000)
    )

    by_name: dict[str, int] = {}
    for user_id, full_name in assessors:
        by_name.setdefault(full_name, user_id)  # calibration names assessors by name: keep them distinct
    pool = rng.sample(sorted(by_name.values()), min(POOL, len(by_name)))
    if len(pool) < ASSESSORS_PER_BID:
        raise SystemExit(f"only {len(pool)} assessors with different names: use more --users")
    habit = {user_id: rng.gauss(0, 0.2) for user_id in pool}
    habit[pool[0]], habit[pool[1]] = 0.9, -0.9  # one generous marker, one harsh

    tables: dict[Any, list[dict[str, Any]]] = {
        table: [] for table in (Assignment, ScoreSheet, CriterionScore, ModeratedScore)
    }
    wide: list[Wide] = []
    for bid in chosen:
        _score_bid(bid.id, pool, habit, criteria, officer_id, tables, wide, rng)
    agreed = rng.sample(wide, min(len(wide), round(MODERATED * len(chosen) * len(criteria))))
    for spread in sorted(agreed, key=lambda spread: (spread.bid_id, spread.criterion_id)):
        _moderate(spread, officer_id, tables[ModeratedScore], rng)
    for table, rows in tables.items():
        _insert(table, rows)
    return Assessed(
        round_id=round_.id,
        bids=len(chosen),
        assessors=len(pool),
        sheets=len(tables[ScoreSheet]),
        scores=len(tables[CriterionScore]),
        moderated=len(tables[ModeratedScore]),
    )


def _score_bid(
    bid_id: int,
    pool: list[int],
    habit: dict[int, float],
    criteria: list[Criterion],
    officer_id: int,
    tables: dict[Any, list[dict[str, Any]]],
    wide: list[Wide],
    rng: random.Random,
) -> None:
    """One bid's three assignments, sheets and scores; its spreads that need moderation go on `wide`."""
    merit = rng.gauss(3.0, 0.7)
    assigned = ASSIGNED + timedelta(minutes=rng.randrange(0, 3 * 24 * 60))
    marks: dict[int, list[int]] = {assessor_id: [] for assessor_id in rng.sample(pool, ASSESSORS_PER_BID)}
    for _ in criteria:  # each criterion's scores, in the criteria's order
        level = merit + rng.gauss(0, 0.5)
        scores = [_clamp(level + habit[assessor_id] + rng.gauss(0, 0.3)) for assessor_id in marks]
        if rng.random() < WIDE:  # one assessor saw it quite differently
            odd = rng.randrange(len(scores))
            scores[odd] = _clamp(scores[odd] + (3 if scores[odd] < 3 else -3))
        for assessor_id, score in zip(marks, scores, strict=True):
            marks[assessor_id].append(score)
    last_in = assigned
    for assessor_id, scores in marks.items():
        assignment_id = len(tables[Assignment]) + 1
        declared = assigned + timedelta(hours=rng.randrange(2, 72))
        submitted = declared + timedelta(days=rng.randrange(1, 18), minutes=rng.randrange(0, 600))
        last_in = max(last_in, submitted)
        tables[Assignment].append(
            {
                "id": assignment_id,
                "application_id": bid_id,
                "assessor_id": assessor_id,
                "status": AssignmentStatus.ACCEPTED,
                "due_on": (assigned + timedelta(days=21)).date(),
                "reason": "Fewest bids in the round so far; no declared interest in the group",
                "assigned_by_id": officer_id,
                "assigned_at": assigned,
                "declared_at": declared,
            }
        )
        mean = sum(scores) / len(scores)
        tables[ScoreSheet].append(
            {
                "id": assignment_id,
                "assignment_id": assignment_id,
                "recommendation": Recommendation.FUND
                if mean >= 3.5
                else Recommendation.FUND_WITH_CONDITIONS
                if mean >= 2.5
                else Recommendation.DO_NOT_FUND,
                "summary": rng.choice(SUMMARIES),
                "updated_at": submitted,
                "submitted_at": submitted,
            }
        )
        tables[CriterionScore] += [
            {"sheet_id": assignment_id, "criterion_id": criterion.id, "score": score, "comment": rng.choice(COMMENTS)}
            for criterion, score in zip(criteria, scores, strict=True)
        ]
    for position, criterion in enumerate(criteria):
        scores = [scores[position] for scores in marks.values()]
        if max(scores) - min(scores) >= SPREAD:
            wide.append(Wide(bid_id, criterion.id, sorted(scores)[1], last_in))


def _moderate(wide: Wide, officer_id: int, rows: list[dict[str, Any]], rng: random.Random) -> None:
    """The moderator's agreed score (the middle one) on a wide spread; one time in ten an earlier, different one
    too, which the later replaces."""
    moments = [wide.last_in + timedelta(days=rng.randrange(1, 10))]
    if rng.random() < 0.1:
        moments.insert(0, moments[0] - timedelta(hours=rng.randrange(1, 20)))
    for number, moment in enumerate(moments, start=1 - len(moments)):
        rows.append(
            {
                "application_id": wide.bid_id,
                "criterion_id": wide.criterion_id,
                "score": wide.middle if number == 0 else _clamp(wide.middle + rng.choice((-1, 1))),
                "reason": rng.choice(REASONS),
                "moderator_id": officer_id,
                "moderated_at": moment,
            }
        )
