"""Demo applications: two draft bids to this year's open round from the demo applicant's groups, one with
its first two sections done and one just started. Safe to run again; the caller commits."""

from __future__ import annotations

from sqlalchemy import select

from grantsfund.accounts.services import find_user_by_email
from grantsfund.applications import services
from grantsfund.applications.models import Application, Community
from grantsfund.applications.services import Section, SectionAnswers
from grantsfund.common.actor import Actor
from grantsfund.common.dates import utcnow
from grantsfund.demo.organisations import APPLICANT_EMAIL
from grantsfund.demo.rounds import THIS_YEAR
from grantsfund.extensions import db
from grantsfund.organisations.models import Organisation, Ward
from grantsfund.rounds.models import Round

BIDS = {
    "Riverside Community Kitchen": SectionAnswers(
        title="Cook, Share, Belong",
        summary=(
            "Weekly cooking sessions where newcomers to Northbrook and long-standing Riverside residents plan, cook "
            "and eat a meal together, swapping recipes and English conversation, with a monthly community feast."
        ),
        need=(
            "Our food bank regulars told us they rarely talk to anyone outside their own community. The 2025 "
            "residents' survey found 41% of Riverside households had no contact with neighbours from other "
            "backgrounds in a typical month."
        ),
        community_involvement=(
            "We ran three listening lunches with 60 people. They asked for cooking rather than classes, evening "
            "sessions for people in work, and a crèche, and all three are now in the plan."
        ),
    ),
    "Northbrook Welcome Network": SectionAnswers(title="Welcome Walks"),
}


def seed() -> str:
    """Add whichever demo applications are missing; say how many were added."""
    now = utcnow()
    round_ = db.session.scalars(select(Round).where(Round.name == THIS_YEAR)).first()
    applicant = find_user_by_email(APPLICANT_EMAIL)
    if round_ is None or applicant is None or round_.closes_at is None or round_.closes_at <= now:
        return "Applications: none added (this year's round is not open)"
    actor = Actor(user=applicant)
    added = 0
    for name, answers in BIDS.items():
        group = db.session.scalars(select(Organisation).where(Organisation.name == name)).first()
        if (
            group is None
            or db.session.scalars(
                select(Application.id).where(Application.round_id == round_.id, Application.organisation_id == group.id)
            ).first()
        ):
            continue
        application = services.start_application(round_, group, actor=actor, now=now)
        for question in round_.questions:
            services.answer_eligibility(application, question, answer=question.qualifying_answer, actor=actor, now=now)
        window = services.project_window(round_)
        if answers.summary:
            answers.theme_ids = {round_.themes[0].id} if round_.themes else set()
            answers.start_date, answers.end_date = window.earliest_start, window.months()[12]
        _save(application, Section.ABOUT, answers, actor=actor, complete=bool(answers.summary))
        if answers.need:
            _save(application, Section.NEED, answers, actor=actor, complete=True)
            ward = db.session.scalars(select(Ward).where(Ward.name == "Riverside")).first()
            benefits = SectionAnswers(
                ward_ids={ward.id} if ward else set(), communities=[Community.NEWCOMERS, Community.OLDER_PEOPLE]
            )
            _save(application, Section.BENEFITS, benefits, actor=actor, complete=False)
        added += 1
    db.session.flush()
    return f"Applications: {added} added"


def _save(application: Application, section: Section, answers: SectionAnswers, *, actor: Actor, complete: bool) -> None:
    services.save_section(
        application, section, answers, expected_version=application.version, complete=complete, actor=actor
    )
