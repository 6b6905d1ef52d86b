"""Demo applications to this year's open round: two drafts from the demo applicant's groups (one with its
first sections done, one just started) and three submitted bids from other groups, so officers have a list to
work with. Safe to run again; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from grantsfund.accounts.models import User
from grantsfund.accounts.services import find_user_by_email
from grantsfund.applications import equality, services, submission
from grantsfund.applications.models import Application, BudgetCategory, Community, FundingStatus
from grantsfund.applications.services import (
    ActivityAnswer,
    BudgetLineAnswer,
    FundingAnswer,
    OutcomeAnswer,
    Section,
    SectionAnswers,
)
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


@dataclass(frozen=True)
class SubmittedBid:
    member_email: str
    title: str
    summary: str
    need: str
    mixing: str
    wards: tuple[str, ...]
    communities: tuple[Community, ...]
    people: int
    activities: tuple[str, ...]
    budget: tuple[tuple[str, BudgetCategory, int], ...]  # item, category, pence
    target: int
    continuation: str


SUBMITTED = {
    "Castle Hill Youth Trust": SubmittedBid(
        "dev.patel@example.org",
        "Castle Hill Young Leaders",
        "Young people from the estate and newly arrived families train as youth leaders and run a summer "
        "programme of sport and trips together.",
        "Youth club attendance splits along community lines; parents told us their children have no friends "
        "outside their own school.",
        "Mixed leadership teams plan every session; trips pair young people who do not already know each other.",
        ("Castle Hill", "Northbrook Central"),
        (Community.YOUNG_PEOPLE, Community.NEWCOMERS),
        85,
        ("Leader training weekend", "Summer sports programme", "Celebration event for families"),
        (("Youth worker sessions", BudgetCategory.STAFF, 720_000), ("Minibus hire", BudgetCategory.OTHER, 180_000),
         ("Kit and equipment", BudgetCategory.EQUIPMENT, 95_000)),
        40,
        "Trained young leaders run the programme with our volunteers; the club's fees cover the venue.",
    ),
    "Orchard Park Faith Forum": SubmittedBid(
        "samuel.adeyemi@example.org",
        "Open Tables",
        "Monthly shared meals hosted in turn by the churches, mosque and gurdwara of Orchard Park, open to "
        "everyone, with a walking tour of each venue.",
        "Many residents have never been inside a place of worship other than their own; older residents "
        "told us they feel cut off from newer neighbours.",
        "Hosts seat guests at mixed tables and each meal ends with a conversation game in small groups.",
        ("Orchard Park",),
        (Community.OLDER_PEOPLE, Community.NEWCOMERS, Community.WOMEN_NOT_IN_WORK),
        300,
        ("First shared meal", "Venue walking tour", "Summer picnic in the park"),
        (("Food and drink", BudgetCategory.MATERIALS, 240_000),
         ("Publicity in four languages", BudgetCategory.PUBLICITY, 60_000),
         ("Volunteer travel", BudgetCategory.VOLUNTEER_EXPENSES, 45_000)),
        150,
        "Each venue takes its turn at no cost; donations at the meals pay for food after the first year.",
    ),
    "Harbour Languages Cafe Ltd": SubmittedBid(
        "fatima.noor@example.org",
        "Harbour Conversation Club",
        "Twice-weekly English conversation sessions pairing volunteers with people learning English, with "
        "childcare, in the harbour café.",
        "The college's ESOL waiting list is eight months long; women with young children cannot attend "
        "daytime classes without childcare.",
        "Volunteers from the harbour's long-standing community lead the conversations and bring their families "
        "to the monthly social.",
        ("Harbour",),
        (Community.NEWCOMERS, Community.WOMEN_NOT_IN_WORK),
        120,
        ("Volunteer training", "Conversation sessions begin", "Monthly family social"),
        (("Session coordinator", BudgetCategory.STAFF, 960_000), ("Crèche workers", BudgetCategory.STAFF, 480_000),
         ("Room hire", BudgetCategory.VENUE, 156_000)),
        90,
        "Volunteers take over coordination; the café's community fund pays for the room.",
    ),
}  # fmt: skip


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
    submitted = sum(_submit(round_, name, bid, now=now) for name, bid in SUBMITTED.items())
    db.session.flush()
    return f"Applications: {added} drafts and {submitted} submitted added"


def bid_answers(round_: Round, bid: SubmittedBid) -> dict[Section, SectionAnswers]:
    window = services.project_window(round_)
    months = window.months()
    wards = db.session.scalars(select(Ward.id).where(Ward.name.in_(bid.wards)))
    return {
        Section.ABOUT: SectionAnswers(
            title=bid.title,
            summary=bid.summary,
            theme_ids={theme.id for theme in round_.themes[:2]},
            start_date=window.earliest_start,
            end_date=months[11],
        ),
        Section.NEED: SectionAnswers(need=bid.need, community_involvement="We asked the people who would come."),
        Section.BENEFITS: SectionAnswers(
            ward_ids=set(wards), communities=list(bid.communities), estimated_people=bid.people, mixing=bid.mixing
        ),
        Section.ACTIVITIES: SectionAnswers(
            activities=[ActivityAnswer(month=months[3 * i], description=text) for i, text in enumerate(bid.activities)]
        ),
        Section.BUDGET: SectionAnswers(
            budget_lines=[BudgetLineAnswer(item, category, pence) for item, category, pence in bid.budget],
            match_funding=[FundingAnswer("Our own reserves", 50_000, FundingStatus.SECURED)],
        ),
        Section.OUTCOMES: SectionAnswers(
            outcomes=[
                OutcomeAnswer(indicator.id, bid.target, indicator.unit, "Attendance registers and a short survey")
                for indicator in round_.indicators[:2]
            ]
        ),
        Section.SUSTAINABILITY: SectionAnswers(
            continuation=bid.continuation,
            continuation_fallback="We would keep the core sessions going with volunteers and run fewer events.",
            continuation_income=[FundingAnswer("Local business sponsorship", 150_000, FundingStatus.HOPED)],
        ),
        Section.ATTACHMENTS: SectionAnswers(),
    }


def _submit(round_: Round, name: str, bid: SubmittedBid, *, now: datetime) -> bool:
    """Fill in and submit the group's bid as its member would; False if it is there already or cannot be."""
    group = db.session.scalars(select(Organisation).where(Organisation.name == name)).first()
    member = find_user_by_email(bid.member_email)
    if group is None or member is None:
        return False
    if db.session.scalars(
        select(Application.id).where(Application.round_id == round_.id, Application.organisation_id == group.id)
    ).first():
        return False
    submit_bid(round_, group, member, bid, position="Chair", started=now, submitted_at=now)
    return True


NO_GAP = timedelta(0)

# Who leads the demo groups (the voluntary equality questions), alike enough across the bids that the equality
# report shows some figures and its small-number rule hides the rest.
LEADERSHIP = [
    {"led_by_communities": "yes", "leadership": ["women", "ethnic_minority"]},
    {"led_by_communities": "yes", "leadership": ["women", "refugees"]},
    {"led_by_communities": "yes", "leadership": ["women"]},
    {"led_by_communities": "no", "leadership": ["older"]},
    {"led_by_communities": "yes", "leadership": ["ethnic_minority", "young"]},
    {"led_by_communities": "unsure", "leadership": ["prefer_not_to_say"]},
]


def submit_bid(
    round_: Round,
    group: Organisation,
    member: User,
    bid: SubmittedBid,
    *,
    position: str,
    started: datetime,
    submitted_at: datetime,
    gap: timedelta = NO_GAP,
) -> Application:
    """Fill in and submit the group's bid as its member would: started at `started`, a section every `gap`."""
    actor = Actor(user=member)
    application = services.start_application(round_, group, actor=actor, now=started)
    for question in round_.questions:
        services.answer_eligibility(application, question, answer=question.qualifying_answer, actor=actor, now=started)
    declaration = SectionAnswers(
        declared_name=member.full_name, declared_position=position, confirmations=set(services.CONFIRMATIONS)
    )
    equality.save_response(application, LEADERSHIP[group.id % len(LEADERSHIP)], actor=actor, now=started)
    sections = {**bid_answers(round_, bid), Section.DECLARATIONS: declaration}
    for number, (section, answers) in enumerate(sections.items(), start=1):
        services.save_section(
            application,
            section,
            answers,
            expected_version=application.version,
            complete=True,
            actor=actor,
            now=started + gap * number,
        )
    return submission.submit_application(application, actor=actor, now=submitted_at)


def _save(application: Application, section: Section, answers: SectionAnswers, *, actor: Actor, complete: bool) -> None:
    services.save_section(
        application, section, answers, expected_version=application.version, complete=complete, actor=actor
    )
