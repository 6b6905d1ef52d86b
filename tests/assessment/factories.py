"""Eligible bids and assessors for assessment tests, made through the services."""

from __future__ import annotations

from grantsfund.accounts.models import Role, User
from grantsfund.applications.models import Application
from grantsfund.assessment import eligibility
from grantsfund.assessment.eligibility import Decision
from grantsfund.assessment.models import EligibilityResult
from grantsfund.common.actor import Actor
from grantsfund.rounds.models import Round
from tests.applications import factories


def eligible(round_: Round, officer: Actor, make_user, *, name: str) -> Application:
    member = make_user(full_name=f"{name} Member")
    application = factories.submitted(round_, factories.group(member, name=name), member)
    eligibility.record_decision(application, Decision(EligibilityResult.ELIGIBLE, "All in order"), actor=officer)
    return application


def assessors(make_user, *names: str) -> list[User]:
    return [make_user(full_name=name, roles={Role.ASSESSOR}) for name in names]
