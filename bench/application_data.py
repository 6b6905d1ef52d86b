"""The benchmark's applications: a fund with two rounds, groups in every ward, and submitted applications with
themes and wards, bulk-inserted in batches (10,000 take a few seconds). Called inside build_database's app
context; the caller commits."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update

from grantsfund.accounts.models import User
from grantsfund.applications.models import Application, ApplicationStatus, application_themes, application_wards
from grantsfund.common.actor import Actor
from grantsfund.extensions import db
from grantsfund.organisations import services as organisations
from grantsfund.organisations.models import LegalForm, Organisation, Ward
from grantsfund.rounds import services as rounds
from grantsfund.rounds.models import Round, RoundStatus, Theme

BATCH = 1000
GROUP_COUNT = 600
# Last year's round is decided, this year's closed: (name, status, submissions open from, for days).
ROUNDS = (
    ("Round 2025/26", RoundStatus.DECIDED, datetime(2025, 4, 1, 8, tzinfo=UTC), 60),
    ("Round 2026/27", RoundStatus.CLOSED, datetime(2026, 4, 1, 8, tzinfo=UTC), 60),
)
GROUP_WORDS = (
    ("Riverside", "Northbrook", "Castle Hill", "Eastgate", "Abbey", "Millbrook", "St Anne’s", "Old Town", "Parkside"),
    ("Community", "Women’s", "Youth", "Refugee", "Faith", "Families", "Neighbours", "Allotment", "Arts"),
    ("Kitchen", "Network", "Club", "Forum", "Trust", "Centre", "Collective", "Association", "Project"),
)
TITLE_WORDS = (
    ("Cook,", "Walk,", "Sing,", "Grow,", "Stitch,", "Play,", "Learn,", "Build,", "Dance,"),
    ("Share,", "Talk,", "Meet,", "Mix,", "Make,", "Read,"),
    ("Belong", "Together", "Connect", "Welcome", "Thrive", "Unite"),
)
# Later statuses are rarer, as in a real fund.
STATUSES = (
    [ApplicationStatus.SUBMITTED] * 3
    + [ApplicationStatus.ELIGIBLE] * 2
    + [ApplicationStatus.INELIGIBLE, ApplicationStatus.IN_ASSESSMENT, ApplicationStatus.AT_PANEL]
    + [ApplicationStatus.APPROVED, ApplicationStatus.DECLINED, ApplicationStatus.DEFERRED, ApplicationStatus.WITHDRAWN]
)


def _batches(rows: Sequence[dict[str, Any]]) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]


def _insert(target: Any, rows: Sequence[dict[str, Any]]) -> None:
    for batch in _batches(rows):
        db.session.execute(insert(target), batch)


def add_applications(count: int, *, officer_id: int, applicant_ids: Sequence[int], rng: random.Random) -> int:
    """A fund, its two rounds, GROUP_COUNT groups and `count` submitted applications; returns how many theme and
    ward links were made."""
    actor = Actor(user=db.session.get_one(User, officer_id))
    fund = rounds.create_fund(name="Communities Fund", description="Grants that bring people together.", actor=actor)
    organisations.load_wards()
    ward_ids = list(db.session.scalars(select(Ward.id).order_by(Ward.id)))
    theme_ids = list(db.session.scalars(select(Theme.id).order_by(Theme.id)))
    round_ids = []
    for name, status, _, _ in ROUNDS:
        round_ = rounds.create_round(fund, name=name, description="Apply for a grant for your group.", actor=actor)
        round_ids.append(round_.id)
        # Straight to its status: the benchmark needs the rows, not the journey the services check.
        db.session.execute(update(Round).where(Round.id == round_.id).values(status=status))

    group_ids = _add_groups(ward_ids, rng)
    applications, themes, wards = [], [], []
    per_round = -(-count // len(ROUNDS))
    for number in range(count):
        which, sequence = divmod(number, per_round)
        _, _, opens, days = ROUNDS[which]
        submitted = opens + timedelta(seconds=rng.randrange(days * 24 * 3600))
        created_by = rng.choice(applicant_ids)
        applications.append(
            {
                "id": number + 1,
                "round_id": round_ids[which],
                "organisation_id": rng.choice(group_ids),
                "status": rng.choice(STATUSES),
                "reference": f"{fund.code}-{opens.year}-{sequence + 1:04d}",
                "title": " ".join(rng.choice(words) for words in TITLE_WORDS),
                "summary": "A weekly session where neighbours from different backgrounds meet and make things.",
                "amount_requested_pence": rng.randrange(50_000, 2_500_001),
                "communities": [],
                "submitted_at": submitted,
                "submitted_by_id": created_by,
                "created_by_id": created_by,
                "created_at": submitted - timedelta(days=rng.randrange(1, 30)),
                "updated_at": submitted,
                "version": 1,
            }
        )
        themes += [{"application_id": number + 1, "theme_id": t} for t in rng.sample(theme_ids, rng.randint(1, 3))]
        wards += [{"application_id": number + 1, "ward_id": w} for w in rng.sample(ward_ids, rng.randint(1, 3))]
    _insert(Application, applications)
    _insert(application_themes, themes)
    _insert(application_wards, wards)
    return len(themes) + len(wards)


def _add_groups(ward_ids: list[int], rng: random.Random) -> list[int]:
    now = datetime.now(UTC)
    groups = []
    for number in range(GROUP_COUNT):
        name = " ".join(rng.choice(words) for words in GROUP_WORDS)
        groups.append(
            {
                "id": number + 1,
                "name": f"{name} {number + 1}",
                "legal_form": rng.choice(list(LegalForm)),
                "address_line_1": f"{number + 1} High Street",
                "town": "Northbrook",
                "postcode": "NB1 2AB",
                "ward_id": rng.choice(ward_ids),
                "annual_income_pence": rng.randrange(100_000, 50_000_000),
                "year_established": rng.randrange(1950, 2025),
                "has_safeguarding_policy": True,
                "has_equality_policy": rng.random() < 0.8,
                "contact_name": "Amira Khan",
                "contact_email": f"group{number + 1}@example.org",
                "contact_phone": "01632 960 001",
                "created_at": now,
                "updated_at": now,
            }
        )
    _insert(Organisation, groups)
    return [group["id"] for group in groups]
