"""Open rounds with questions and themes, groups and draft applications for tests, made through the services."""

from __future__ import annotations

from datetime import date, datetime

from grantsfund.accounts.models import User
from grantsfund.applications import services, submission
from grantsfund.applications.models import Application, BudgetCategory, Community, FundingStatus
from grantsfund.common.actor import Actor
from grantsfund.common.dates import utcnow
from grantsfund.organisations.models import DocumentKind, LegalForm, Organisation
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


def documents_for(organisation: Organisation, *, today: date | None = None) -> None:
    """A current document of every kind a new round asks for."""
    today = today or date.today()
    for kind in rounds.DEFAULT_DOCUMENTS:
        dated = today if kind is not DocumentKind.SAFEGUARDING_POLICY else today.replace(year=today.year + 1)
        organisations.document(organisation, kind, dated=dated, filename=f"{kind.value}.pdf")


def budget(*amounts_pence: int) -> services.SectionAnswers:
    return services.SectionAnswers(
        budget_lines=[
            services.BudgetLineAnswer(item=f"Item {number}", category=BudgetCategory.VENUE, amount_pence=amount)
            for number, amount in enumerate(amounts_pence, start=1)
        ],
        match_funding=[
            services.FundingAnswer(source="Parish council", amount_pence=50_000, status=FundingStatus.SECURED)
        ],
    )


def section_answers(application: Application) -> dict[services.Section, services.SectionAnswers]:
    """Complete answers for every section of the application's round."""
    round_ = application.round
    window = services.project_window(round_)
    Section = services.Section
    return {
        Section.ABOUT: about(round_),
        Section.NEED: services.SectionAnswers(need="Newcomers are isolated.", community_involvement="We asked them."),
        Section.BENEFITS: services.SectionAnswers(
            ward_ids={organisations.ward().id},
            communities=[Community.NEWCOMERS, Community.OLDER_PEOPLE],
            estimated_people=120,
            mixing="Shared cooking at mixed tables.",
        ),
        Section.ACTIVITIES: services.SectionAnswers(
            activities=[services.ActivityAnswer(month=first_of(window.earliest_start), description="First café")]
        ),
        Section.BUDGET: budget(400_000, 100_050),
        Section.OUTCOMES: services.SectionAnswers(
            outcomes=[
                services.OutcomeAnswer(
                    indicator_id=round_.indicators[0].id, target=80, unit="people", measurement="Sign-in sheets"
                )
            ]
        ),
        Section.SUSTAINABILITY: services.SectionAnswers(
            continuation="Volunteers run it.",
            continuation_fallback="We run it monthly instead.",
            continuation_income=[
                services.FundingAnswer(source="Café takings", amount_pence=120_000, status=FundingStatus.HOPED)
            ],
        ),
        Section.ATTACHMENTS: services.SectionAnswers(),
        Section.DECLARATIONS: services.SectionAnswers(
            declared_name="Asha Member", declared_position="Chair", confirmations=set(services.CONFIRMATIONS)
        ),
    }


def complete(application: Application, member: User, *, skip: tuple[services.Section, ...] = ()) -> Application:
    """Every section saved with "Save and continue", as `member` (who therefore makes the declarations)."""
    if not application.organisation.documents:
        documents_for(application.organisation)
    for section, answers in section_answers(application).items():
        if section in skip:
            continue
        services.save_section(
            application, section, answers, expected_version=application.version, complete=True, actor=Actor(member)
        )
    return application


def submitted(round_: Round, organisation: Organisation, member: User, *, now: datetime | None = None) -> Application:
    application = complete(draft(round_, organisation, member), member)
    return submission.submit_application(application, actor=Actor(member), now=now)
