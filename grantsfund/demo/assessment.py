"""Demo assessment: two of the submitted bids found eligible and assigned to the demo assessor (one waiting
for their declaration, one declared and half scored); the third left for an officer to check. Safe to run
again; the caller commits."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from grantsfund.accounts.services import find_user_by_email
from grantsfund.applications.models import Application, ApplicationStatus
from grantsfund.assessment import assignment, eligibility, scoring
from grantsfund.assessment.eligibility import Decision
from grantsfund.assessment.models import EligibilityResult
from grantsfund.common.actor import Actor
from grantsfund.common.dates import london_today
from grantsfund.extensions import db

OFFICER_EMAIL = "officer@example.gov.uk"
ASSESSOR_EMAIL = "assessor@example.gov.uk"
ELIGIBLE = ("Castle Hill Young Leaders", "Open Tables")


def seed() -> str:
    officer, assessor = find_user_by_email(OFFICER_EMAIL), find_user_by_email(ASSESSOR_EMAIL)
    if officer is None or assessor is None:
        return "Assessment: nothing added (no demo officer or assessor)"
    bids = db.session.scalars(
        select(Application)
        .where(Application.title.in_(ELIGIBLE), Application.status == ApplicationStatus.SUBMITTED)
        .order_by(Application.title)
    ).all()
    as_officer = Actor(user=officer)
    for bid in bids:
        eligibility.record_decision(
            bid, Decision(EligibilityResult.ELIGIBLE, "Every item met; no warning signs."), actor=as_officer
        )
        assignment.assign(bid, assessor, due_on=london_today() + timedelta(days=14), actor=as_officer)
    if bids:
        started = assignment.assignments_of(assessor)[-1]
        assignment.declare(started, conflict=False, actor=Actor(user=assessor))
        first = bids[-1].round.criteria[0]
        draft = scoring.SheetAnswers(scores=[scoring.ScoreAnswer(first.id, 4, "Mixed tables at every meal.")])
        scoring.save_sheet(started, draft, submit=False, actor=Actor(user=assessor))
    db.session.flush()
    return f"Assessment: {len(bids)} bids found eligible and assigned"
