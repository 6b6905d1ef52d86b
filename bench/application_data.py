"""The benchmark's applications: a fund with two rounds, groups in every ward with their documents and members,
and submitted applications with every answer a real one has (themes, wards, activities, budget lines, other
funding, outcomes, attachments, declarations), the frozen snapshot taken at submission and the two audit events
the officers' timeline shows. All bulk-inserted in batches (10,000 applications take several seconds). Called inside
build_database's app context; the caller commits.

Each snapshot is what grantsfund/applications/answers.py `describe()` returns for the application (it is called
on plain stand-ins for the loaded rows, which is much faster than loading them), so the snapshot and the
application's own rows agree as they do in the service, and a change to describe() changes the snapshots too."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import insert, select, text, update

from grantsfund.accounts.models import User
from grantsfund.applications import answers
from grantsfund.applications.models import (
    Application,
    ApplicationActivity,
    ApplicationStatus,
    Attachment,
    BudgetCategory,
    BudgetLine,
    Community,
    FundingPurpose,
    FundingSource,
    FundingStatus,
    ProposedOutcome,
    Snapshot,
    application_themes,
    application_wards,
)
from grantsfund.audit.models import AuditEvent
from grantsfund.common.actor import Actor
from grantsfund.extensions import db
from grantsfund.organisations import services as organisations
from grantsfund.organisations.models import (
    Document,
    DocumentKind,
    LegalForm,
    Membership,
    Organisation,
    ScanStatus,
    Ward,
)
from grantsfund.rounds import services as rounds
from grantsfund.rounds.models import Indicator, Round, RoundStatus, Theme

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

# The long answers are a few sentences drawn from these, so their lengths (about 60 to 250 words, under the
# 500-word limit) and their text vary as typed answers do.
SUMMARY = (
    "A weekly session where neighbours from different backgrounds meet, cook and eat together.",
    "Newcomers and long-standing residents plan the programme together and take turns to host it.",
    "Each term ends with a community event in the park that is open to everyone in the ward.",
    "Volunteers who speak the main community languages welcome people at the door and help them join in.",
    "We provide a crèche and bus fares so that parents and people on low incomes can come.",
    "The sessions run in the evenings and on Saturdays so that people in work can take part.",
)
NEED = (
    "Our 2025 residents’ survey found that 41% of households had no contact with neighbours from another background "
    "in a typical month, and the figure was higher among people who had moved here in the last five years.",
    "Food bank regulars told us they rarely talk to anyone outside their own community, and several said they felt "
    "lonely or unwelcome in the shops and services on the high street.",
    "The college’s ESOL waiting list is eight months long, and women with young children cannot attend daytime "
    "classes without childcare.",
    "Youth club attendance splits along community lines; parents told us their children have no friends outside "
    "their own school and are nervous of the other estate.",
    "The ward has one of the highest rates of child poverty in the borough and very few free places where people "
    "can meet in the evening.",
    "Since the library’s opening hours were cut there is nowhere indoors for older residents to meet during the "
    "week, and the council’s own engagement found isolation was their first concern.",
    "Local councillors and the police safer neighbourhood team both told us that tensions between longstanding "
    "residents and newer arrivals have grown since the hostel opened.",
    "Schools report that many newly arrived families do not know how to register with a GP, find advice or "
    "take part in local activities.",
)
INVOLVEMENT = (
    "We ran three listening lunches with 60 people from across the ward and asked them what they wanted.",
    "They asked for cooking rather than classes, evening sessions for people in work, and a crèche, and all three "
    "are now in the plan.",
    "A steering group of eight residents, half of them newcomers, chose the activities and the venues.",
    "We tested the idea with a pilot session in March, which 35 people came to, and changed the timetable in the "
    "light of their feedback.",
    "Young people designed the publicity and chose the name of the project themselves.",
    "Our volunteers knocked on 400 doors on the estate and recorded what people told us on a short form.",
)
MIXING = (
    "Hosts seat guests at mixed tables and each meal ends with a conversation game in small groups.",
    "Every session is planned by a mixed team of volunteers, and we pair people who do not already know each "
    "other for the practical tasks.",
    "We deliberately publicise through the mosque, the churches, the tenants’ association and the school gates so "
    "that no one community dominates.",
    "Trips and events mix participants from the different estates, with a buddy system for people coming for the "
    "first time.",
    "Interpreters are on hand in the first weeks, but the sessions are run in English so that everyone can join the "
    "same conversation.",
)
CONTINUATION = (
    "Trained volunteers will run the sessions after the grant, with the support of our part-time coordinator.",
    "The venue has agreed to keep the room free of charge if attendance stays above twenty people a week.",
    "We will apply to the National Lottery Community Fund in the second year for a three-year grant.",
    "A small charge for the monthly feast, with free places for anyone who needs one, will cover the food.",
    "Two local businesses have offered sponsorship once the project has a track record.",
)
FALLBACK = (
    "We would keep the core weekly sessions going with volunteers and run fewer special events.",
    "The steering group would look for a cheaper venue and ask participants for small donations.",
    "We would scale back to monthly sessions rather than stop altogether.",
    "Our reserves policy allows us to cover the coordinator’s hours for six months while we look for other funding.",
)
ACTIVITIES = (
    "Recruit and train volunteers, including safeguarding and food hygiene training.",
    "Launch event at the community centre with food from the different communities in the ward.",
    "Weekly sessions begin; publicity in four languages through schools, places of worship and the GP surgery.",
    "Summer programme of trips and outdoor activities for families.",
    "Mid-point review with participants and the steering group; changes to the timetable if needed.",
    "Community feast and celebration, open to everyone in the ward.",
    "Evaluation: participant survey, attendance analysis and a report to the council.",
)
BUDGET = (
    ("Session coordinator (6 hours a week)", BudgetCategory.STAFF),
    ("Youth worker sessions", BudgetCategory.STAFF),
    ("Crèche workers", BudgetCategory.STAFF),
    ("Volunteer travel and lunches", BudgetCategory.VOLUNTEER_EXPENSES),
    ("Room hire", BudgetCategory.VENUE),
    ("Kitchen equipment", BudgetCategory.EQUIPMENT),
    ("Food and ingredients", BudgetCategory.MATERIALS),
    ("Publicity in four languages", BudgetCategory.PUBLICITY),
    ("Minibus hire for trips", BudgetCategory.OTHER),
)
FUNDING = ("Our own reserves", "Local business sponsorship", "Town council community chest", "Housing association fund")
MEASUREMENT = (
    "Attendance registers, kept at every session",
    "A short survey of participants at the start and the end of the project",
    "Volunteers’ session notes, reviewed each quarter by the steering group",
    "Case studies gathered in conversations with participants",
)
POSITIONS = ("Chair", "Secretary", "Treasurer", "Project lead", "Trustee")


@dataclass(frozen=True)
class Added:
    links: int  # application-theme and application-ward rows
    answers: int  # activities, budget lines, other funding, outcomes and attachments
    snapshots: int
    events: int  # audit events
    members: int  # group memberships


@dataclass(frozen=True)
class Context:
    """The rows the generated answers refer to, read once."""

    fund: Any
    rounds: list[Round]
    groups: dict[int, dict[str, Any]]
    documents: dict[tuple[int, DocumentKind], dict[str, Any]]  # by group and kind
    wards: dict[int, tuple[str, str]]  # id: name, ONS code
    themes: dict[int, tuple[int, str]]  # id: position, name
    indicators: dict[int, dict[str, Any]]  # by id: id, heading, domain, measure, unit
    people: dict[int, str]  # user id: full name


def _batches(rows: Sequence[dict[str, Any]]) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]


def _insert(target: Any, rows: Sequence[dict[str, Any]]) -> None:
    for batch in _batches(rows):
        db.session.execute(insert(target), batch)
    if rows and "id" in rows[0] and db.session.get_bind().dialect.name == "postgresql":
        # PostgreSQL's sequence does not see ids given in the rows: move it past them, so that the rows the
        # service adds next (in a drill, or the demo's on top of these) do not collide with them.
        table = getattr(target, "__table__", target).name
        db.session.execute(
            text(f"SELECT setval(pg_get_serial_sequence(:table, 'id'), (SELECT max(id) FROM {table}))"),
            {"table": table},
        )


def add_applications(
    count: int, *, officer_id: int, applicants: Sequence[tuple[int, str]], rng: random.Random
) -> Added:
    """A fund, its two rounds, GROUP_COUNT groups with their documents and `count` submitted applications, each
    with its answers, snapshot and audit events. `applicants` are (user id, full name)."""
    actor = Actor(user=db.session.get_one(User, officer_id))
    fund = rounds.create_fund(name="Communities Fund", description="Grants that bring people together.", actor=actor)
    organisations.load_wards()
    wards = {id_: (name, code) for id_, name, code in db.session.execute(select(Ward.id, Ward.name, Ward.ons_code))}
    themes = {
        id_: (position, name)
        for id_, position, name in db.session.execute(select(Theme.id, Theme.position, Theme.name))
    }
    indicators = {
        row.id: dict(row._mapping)
        for row in db.session.execute(
            select(Indicator.id, Indicator.heading, Indicator.domain, Indicator.measure, Indicator.unit)
        )
    }
    created = []
    for name, status, _, _ in ROUNDS:
        round_ = rounds.create_round(fund, name=name, description="Apply for a grant for your group.", actor=actor)
        created.append(round_)
        # Straight to its status: the benchmark needs the rows, not the journey the services check.
        db.session.execute(update(Round).where(Round.id == round_.id).values(status=status))

    groups = _add_groups(sorted(wards), rng)
    context = Context(
        fund=fund,
        rounds=created,
        groups=groups,
        documents=_add_documents(groups, rng),
        wards=wards,
        themes=themes,
        indicators=indicators,
        people=dict(applicants),
    )
    tables: dict[Any, list[dict[str, Any]]] = {
        table: []
        for table in (
            Application,
            application_themes,
            application_wards,
            ApplicationActivity,
            BudgetLine,
            FundingSource,
            ProposedOutcome,
            Attachment,
            Snapshot,
            AuditEvent,
            Membership,
        )
    }
    per_round = -(-count // len(ROUNDS))
    applicant_ids = [id_ for id_, _ in applicants]
    for number in range(count):
        which, sequence = divmod(number, per_round)
        _add_application(number + 1, which, sequence, rng.choice(applicant_ids), context, tables, rng)
    tables[AuditEvent].sort(key=lambda event: event["occurred_at"])  # the trail is in time order, as in use
    # Whoever applied for a group is one of its members, from their first application.
    joined: dict[tuple[int, int], datetime] = {}
    for row in sorted(tables[Application], key=lambda row: row["created_at"]):
        joined.setdefault((row["organisation_id"], row["created_by_id"]), row["created_at"])
    tables[Membership] = [
        {"organisation_id": group, "user_id": user, "joined_at": at - timedelta(days=30)}
        for (group, user), at in joined.items()
    ]
    for table, rows in tables.items():
        _insert(table, rows)
    return Added(
        links=len(tables[application_themes]) + len(tables[application_wards]),
        answers=sum(
            len(tables[t]) for t in (ApplicationActivity, BudgetLine, FundingSource, ProposedOutcome, Attachment)
        ),
        snapshots=len(tables[Snapshot]),
        events=len(tables[AuditEvent]),
        members=len(tables[Membership]),
    )


def _add_groups(ward_ids: list[int], rng: random.Random) -> dict[int, dict[str, Any]]:
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
    return {group["id"]: group for group in groups}


def _add_documents(
    groups: dict[int, dict[str, Any]], rng: random.Random
) -> dict[tuple[int, DocumentKind], dict[str, Any]]:
    """Each group's documents, one of each kind: what its applications attach."""
    uploaded = datetime(2025, 3, 1, 10, tzinfo=UTC)
    documents = {}
    for group in groups.values():
        slug = "-".join(group["name"].replace("’", "").split())
        for kind in DocumentKind:
            documents[group["id"], kind] = {
                "id": len(documents) + 1,
                "organisation_id": group["id"],
                "kind": kind,
                "filename": f"{slug}-{kind.value}.pdf",
                "stored_name": f"{rng.getrandbits(128):032x}",
                "content_type": "application/pdf",
                "size_bytes": rng.randrange(40_000, 2_000_000),
                "sha256": f"{rng.getrandbits(256):064x}",
                "scan_status": ScanStatus.CLEAN,
                "dated": date(2026, 3, 31) if kind is DocumentKind.ACCOUNTS else None,
                "uploaded_at": uploaded,
            }
    _insert(Document, list(documents.values()))
    return documents


def _text(rng: random.Random, pool: Sequence[str], low: int, high: int) -> str:
    """A few sentences from `pool`, sometimes in two paragraphs."""
    sentences = rng.sample(pool, rng.randint(low, min(high, len(pool))))
    if len(sentences) > 3 and rng.random() < 0.5:
        cut = len(sentences) // 2
        return " ".join(sentences[:cut]) + "\n\n" + " ".join(sentences[cut:])
    return " ".join(sentences)


def _add_application(
    id_: int,
    which: int,
    sequence: int,
    applicant_id: int,
    context: Context,
    tables: dict[Any, list[dict[str, Any]]],
    rng: random.Random,
) -> None:
    """One submitted application: its row, its answers' rows, its snapshot and its audit events."""
    round_ = context.rounds[which]
    _, _, opens, days = ROUNDS[which]
    submitted = opens + timedelta(seconds=rng.randrange(days * 24 * 3600))
    started = submitted - timedelta(days=rng.randrange(1, 30), seconds=rng.randrange(24 * 3600))
    declared = submitted - timedelta(seconds=rng.randrange(60, 1800))
    group = context.groups[rng.randrange(1, GROUP_COUNT + 1)]
    applicant = context.people[applicant_id]
    reference = f"{context.fund.code}-{opens.year}-{sequence + 1:04d}"
    start = (opens + timedelta(days=rng.randrange(90, 150))).date()
    end = start + timedelta(days=rng.randrange(180, 366))

    theme_ids = sorted(rng.sample(sorted(context.themes), rng.randint(1, 3)), key=lambda t: (context.themes[t][0], t))
    ward_ids = sorted(rng.sample(sorted(context.wards), rng.randint(1, 3)), key=lambda w: context.wards[w][0])
    chosen = set(rng.sample(list(Community), rng.randint(1, 3)))
    communities = [community for community in Community if community in chosen]
    months = sorted({date(start.year + (start.month - 1 + step) // 12, (start.month - 1 + step) % 12 + 1, 1)
                     for step in rng.sample(range((end - start).days // 31 + 1), rng.randint(3, 5))})  # fmt: skip
    activities = [
        {"application_id": id_, "position": position, "month": month, "description": description}
        for position, (month, description) in enumerate(zip(months, rng.sample(ACTIVITIES, len(months)), strict=True))
    ]
    budget = [
        {"application_id": id_, "position": position, "item": item, "category": category,
         "amount_pence": rng.randrange(50, 6000) * 100}
        for position, (item, category) in enumerate(rng.sample(BUDGET, rng.randint(3, 5)))
    ]  # fmt: skip
    amount = sum(line["amount_pence"] for line in budget)
    funding = [
        {"application_id": id_, "purpose": purpose, "position": position, "source": source,
         "amount_pence": rng.randrange(20, 2000) * 100, "status": rng.choice(list(FundingStatus))}
        for purpose in FundingPurpose
        for position, source in enumerate(rng.sample(FUNDING, rng.randint(0, 2)))
    ]  # fmt: skip
    outcomes = [
        {"application_id": id_, "position": position, "indicator_id": indicator["id"],
         "target": rng.randrange(10, 100) if indicator["unit"] == "percent" else rng.randrange(10, 400),
         "unit": indicator["unit"], "measurement": rng.choice(MEASUREMENT)}
        for position, indicator in enumerate(rng.sample(list(context.indicators.values()), rng.randint(2, 4)))
    ]  # fmt: skip
    kinds = [kind for kind in DocumentKind if kind.value in round_.required_documents]
    attached = [context.documents[group["id"], kind] for kind in kinds]
    typed = {
        "title": " ".join(rng.choice(words) for words in TITLE_WORDS),
        "summary": _text(rng, SUMMARY, 2, 4),
        "need": _text(rng, NEED, 2, 5),
        "community_involvement": _text(rng, INVOLVEMENT, 2, 5),
        "mixing": _text(rng, MIXING, 2, 4),
        "continuation": _text(rng, CONTINUATION, 2, 4),
        "continuation_fallback": _text(rng, FALLBACK, 1, 3),
        "estimated_people": rng.randrange(20, 500),
        "declared_position": rng.choice(POSITIONS),
    }
    tables[Application].append(
        {
            "id": id_,
            "round_id": round_.id,
            "organisation_id": group["id"],
            "status": rng.choice(STATUSES),
            "reference": reference,
            **typed,
            "start_date": start,
            "end_date": end,
            "communities": [community.value for community in communities],
            "amount_requested_pence": amount,
            "eligible_at": started,
            "attachments_confirmed_at": declared,
            "declared_by_id": applicant_id,
            "declared_name": applicant,
            "declared_at": declared,
            "submitted_at": submitted,
            "submitted_by_id": applicant_id,
            "created_by_id": applicant_id,
            "updated_by_id": applicant_id,
            "created_at": started,
            "updated_at": submitted,
            "version": 12,
        }
    )
    tables[application_themes] += [{"application_id": id_, "theme_id": theme} for theme in theme_ids]
    tables[application_wards] += [{"application_id": id_, "ward_id": ward} for ward in ward_ids]
    tables[ApplicationActivity] += activities
    tables[BudgetLine] += budget
    tables[FundingSource] += funding
    tables[ProposedOutcome] += outcomes
    tables[Attachment] += [
        {"application_id": id_, "kind": document["kind"], "document_id": document["id"]} for document in attached
    ]

    # The snapshot: answers.describe() itself, given stand-ins for the loaded application and what it refers to,
    # so it is exactly what submission freezes (and follows any change to describe()).
    ns = SimpleNamespace
    ward_name, _ = context.wards[group["ward_id"]]
    stand_in = ns(
        **tables[Application][-1],
        round=ns(
            id=round_.id,
            name=round_.name,
            fund=ns(name=context.fund.name),
            required_documents=round_.required_documents,
        ),
        organisation=ns(
            **group, charity_number=None, company_number=None, address_line_2=None, ward=ns(name=ward_name)
        ),
        submitted_by=ns(full_name=applicant),
        themes=[ns(id=theme, name=context.themes[theme][1]) for theme in theme_ids],
        wards=[ns(id=ward, name=context.wards[ward][0], ons_code=context.wards[ward][1]) for ward in ward_ids],
        community_values=communities,
        activities=[ns(**line) for line in activities],
        budget_lines=[ns(**line) for line in budget],
        match_funding=[ns(**line) for line in funding if line["purpose"] is FundingPurpose.MATCH],
        continuation_income=[ns(**line) for line in funding if line["purpose"] is FundingPurpose.CONTINUATION],
        outcomes=[ns(**line, indicator=ns(**context.indicators[line["indicator_id"]])) for line in outcomes],
        attachments=[  # in the ORM's order
            ns(kind=document["kind"], document_id=document["id"], document=ns(**document))
            for document in sorted(attached, key=lambda document: document["kind"].value)
        ],
    )
    snapshot = answers.describe(stand_in)
    tables[Snapshot].append({"application_id": id_, "taken_at": submitted, "data": snapshot})

    # The audit events the timeline reads, as audit.record() writes them (a None before is stored as JSON null).
    event = {"actor_id": applicant_id, "object_type": "application", "object_id": str(id_), "ip_address": None}
    tables[AuditEvent] += [
        {
            **event,
            "occurred_at": started,
            "action": "application.started",
            "before": None,
            "after": {"round": round_.name, "organisation": group["name"]},
        },
        {
            **event,
            "occurred_at": submitted,
            "action": "application.submitted",
            "before": None,
            "after": {"reference": reference, "amount_requested_pence": amount},
        },
    ]
