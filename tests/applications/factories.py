"""Open rounds with questions and themes, groups and draft applications for tests, made through the services."""

from __future__ import annotations

from datetime import date, datetime

from grantsfund.accounts.models import User
from grantsfund.applications import services
from grantsfund.applications.models import Application
from grantsfund.common.actor import Actor
from grantsfund.common.dates import utcnow
from grantsfund.organisations.models import LegalForm, Organisation
from grantsfund.rounds import queries
from grantsfund.rounds import services as rounds
from grantsfund.rounds.models import Round, RoundStatus
from tests.organisations import factories as organisations
from tests.rounds.factories import make_fund, make_round, officer_actor

QUESTIONS = [
    ("Is your group based in the borough?", True, "The fund is for groups in the borough."),
    ("Is the project mainly to promote religious or political beliefs?", False, "We cannot fund that."),
]


def open_round(make_user, *, name: str = "Round 2026/27", questions=QUESTIONS, now: datetime | None = None) -> Round:
    """An open round closing in 28 days, with two eligibility questions and two themes."""
    actor = officer_actor(make_user)
    fund = make_fund(actor, name=f"{name} fund")
    round_ = make_round(actor, fund, name=name, now=now)
    for text, qualifying, explanation in questions:
        rounds.add_question(round_, text=text, qualifying_answer=qualifying, explanation=explanation, actor=actor)
    themes = queries.list_themes()[:2]
    rounds.set_themes_and_legal_forms(
        round_, theme_ids=[theme.id for theme in themes], legal_forms=list(LegalForm), actor=actor
    )
    rounds.TRANSITIONS[RoundStatus.OPEN](round_, actor=actor, now=now or utcnow())
    return round_


def group(*members: User, name: str = "Riverside Community Kitchen") -> Organisation:
    return organisations.organisation(*members, name=name)


def draft(round_: Round, organisation: Organisation, member: User, *, eligible: bool = True) -> Application:
    actor = Actor(user=member)
    application = services.start_application(round_, organisation, actor=actor)
    if eligible:
        for question in round_.questions:
            services.answer_eligibility(application, question, answer=question.qualifying_answer, actor=actor)
    return application


def about(round_: Round, **overrides) -> services.SectionAnswers:
    window = services.project_window(round_)
    values = {
        "title": "Tuesday Welcome Café",
        "summary": "A weekly café where newcomers and long-standing residents cook and eat together.",
        "theme_ids": {round_.themes[0].id},
        "start_date": window.earliest_start,
        "end_date": window.latest_end,
    }
    values.update(overrides)
    return services.SectionAnswers(**values)


def first_of(month: date) -> date:
    return month.replace(day=1)
