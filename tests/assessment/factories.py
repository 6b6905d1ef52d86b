"""Eligible bids and assessors for assessment tests, made through the services."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

from grantsfund.accounts.models import Role, User
from grantsfund.applications.models import Application
from grantsfund.assessment import assignment, eligibility, scoring
from grantsfund.assessment.eligibility import Decision
from grantsfund.assessment.models import EligibilityResult, Recommendation
from grantsfund.assessment.scoring import ScoreAnswer, SheetAnswers
from grantsfund.common.actor import Actor
from grantsfund.common.dates import london_today
from grantsfund.rounds.models import Round
from tests.applications import factories


def eligible(round_: Round, officer: Actor, make_user, *, name: str) -> Application:
    member = make_user(full_name=f"{name} Member")
    application = factories.submitted(round_, factories.group(member, name=name), member)
    eligibility.record_decision(application, Decision(EligibilityResult.ELIGIBLE, "All in order"), actor=officer)
    return application


def assessors(make_user, *names: str) -> list[User]:
    return [make_user(full_name=name, roles={Role.ASSESSOR}) for name in names]


NAMES = count()


def scored(round_, officer, make_user, marks, *, name=None, recommendation=Recommendation.FUND):
    """An eligible bid scored by one assessor per list in `marks` (a score for each criterion, in order)."""
    bid = eligible(round_, officer, make_user, name=name or f"Scored group {next(NAMES)}")
    for scores in marks:
        [person] = assessors(make_user, f"Assessor {next(NAMES)}")
        made = assignment.assign(bid, person, due_on=london_today() + timedelta(days=7), actor=officer)
        assignment.declare(made, conflict=False, actor=Actor(person))
        answers = SheetAnswers(
            scores=[ScoreAnswer(c.id, s, "Why") for c, s in zip(round_.criteria, scores, strict=True)],
            recommendation=recommendation,
            summary="Summary",
        )
        scoring.save_sheet(made, answers, submit=True, actor=Actor(person))
    return bid
