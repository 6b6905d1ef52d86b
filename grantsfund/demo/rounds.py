"""Demo data for funds and rounds: the theme and indicator library, and a Communities Fund with last year's
round and this year's (open, copied from last year's). Last year's round is left open at its 2025 dates: the
decided-round stage (demo/decided.py) submits its bids inside that window, then closes it. Safe to run again;
the caller commits."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from grantsfund.common.actor import Actor
from grantsfund.common.dates import london_to_utc, utcnow
from grantsfund.extensions import db
from grantsfund.organisations.models import LegalForm
from grantsfund.rounds import library, services
from grantsfund.rounds.models import Fund, Round

FUND_NAME = "Communities Fund"
LAST_YEAR = "Communities Fund 2025/26"
THIS_YEAR = "Communities Fund 2026/27"
GUIDANCE = (
    "Grants of £1,000 to £25,000 for community, voluntary and faith groups whose projects help people from "
    "different backgrounds live, work, learn and socialise together.\n\n"
    "Tell us about the need your project meets, who will take part and how they will mix, what will change, and "
    "how the work will carry on after the grant. We will score every bid against the criteria below.\n\n"
    "If we cannot fund your project, we will tell you why and suggest other funders who might."
)
QUESTIONS = [
    (
        "Is your group based in the borough, or does your project mainly help people who live here?",
        True,
        "The fund is for projects that help people in the borough. Try the community foundation for your area.",
    ),
    (
        "Does your group have a bank account in its own name with at least two unrelated signatories?",
        True,
        "We can only pay grants into a group's own bank account. Your local council for voluntary service can help "
        "you set one up.",
    ),
    (
        "Is the project mainly to promote religious or political beliefs?",
        False,
        "We cannot fund projects whose main purpose is to promote religious or political beliefs. Faith groups are "
        "welcome to apply for projects open to everyone.",
    ),
]


def _details(round_: Round, *, opens_at: datetime, closes_at: datetime, panel: date) -> services.RoundDetails:
    return services.RoundDetails(
        name=round_.name,
        description=GUIDANCE,
        opens_at=opens_at,
        closes_at=closes_at,
        budget_pence=30_000_000,
        minimum_grant_pence=100_000,
        maximum_grant_pence=2_500_000,
        assessors_per_bid=2,
        moderation_spread=2,
        panel_date=panel,
    )


def _last_year(fund: Fund, actor: Actor) -> Round:
    opens_at = london_to_utc(date(2025, 4, 1), time(9, 0))
    closes_at = london_to_utc(date(2025, 6, 5), time(23, 45))
    round_ = services.create_round(fund, name=LAST_YEAR, description=GUIDANCE, actor=actor, now=opens_at)
    services.update_round_details(
        round_,
        _details(round_, opens_at=opens_at, closes_at=closes_at, panel=date(2025, 7, 15)),
        actor=actor,
        now=opens_at,
    )
    for text, qualifying, explanation in QUESTIONS:
        services.add_question(round_, text=text, qualifying_answer=qualifying, explanation=explanation, actor=actor)
    services.set_themes_and_legal_forms(
        round_,
        theme_ids=[theme.id for theme in round_.themes],
        legal_forms=set(LegalForm) - {LegalForm.PARISH_COUNCIL},
        actor=actor,
    )
    services.open_round(round_, actor=actor, now=opens_at)
    return round_


def _this_year(source: Round, actor: Actor, now: datetime) -> Round:
    round_ = services.copy_round(source, name=THIS_YEAR, actor=actor, now=now)
    opens_at = london_to_utc((now - timedelta(days=21)).date(), time(9, 0))
    closes_day = (now + timedelta(days=28)).date()
    closes_at = london_to_utc(closes_day, time(23, 45))
    services.update_round_details(
        round_,
        _details(round_, opens_at=opens_at, closes_at=closes_at, panel=closes_day + timedelta(days=42)),
        actor=actor,
        now=now,
    )
    services.open_round(round_, actor=actor, now=now)
    return round_


def seed() -> str:
    """Add whatever of the demo funds and rounds is missing; say what was added."""
    actor = Actor.system()
    now = utcnow()
    report = library.load_reference_data(actor=actor, now=now)
    funds_added = rounds_added = 0
    fund = db.session.scalars(select(Fund).where(Fund.name == FUND_NAME)).first()
    if fund is None:
        fund = services.create_fund(
            name=FUND_NAME,
            description="The council's grants for projects that bring people from different backgrounds together.",
            actor=actor,
            now=now,
        )
        funds_added += 1
    existing = {round_.name: round_ for round_ in db.session.scalars(select(Round).where(Round.fund_id == fund.id))}
    last_year = existing.get(LAST_YEAR)
    if last_year is None:
        last_year = _last_year(fund, actor)
        rounds_added += 1
    if THIS_YEAR not in existing:
        _this_year(last_year, actor, now)
        rounds_added += 1
    db.session.flush()
    return (
        f"Funds and rounds: {funds_added} {'fund' if funds_added == 1 else 'funds'}, "
        f"{rounds_added} {'round' if rounds_added == 1 else 'rounds'} added "
        f"({report.themes_added} themes, {report.indicators_added} indicators loaded)"
    )
