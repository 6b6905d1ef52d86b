"""Demo signposting: the directory of other funders, and last year's unsuccessful bids signposted to them.

The directory is loaded from signposting/data/funders-seed.csv as it stood on 1 July 2025, and the officer adds
the council's own ward councillors' community chest (in three wards) the next day. In the last few weeks (counted
back from today) the officer has re-verified five programmes and filled in the local CVS's details, so the rest of
the directory shows as needing checking.

After the panel's outcomes were published on 17 July 2025 (demo/decided.py), the officer signposted both declined
bids and one of the ineligible ones: each letter starts from the matching's suggestions, loses one the officer
thought a poor fit (two also gain one the officer knows suits the group), and goes with a short personal note.
The other ineligible bid's signpost was started but is still a draft, for an officer to review. Twelve weeks on,
the groups were asked what happened; two replied themselves and the officer recorded what a third said on the
phone.

Safe to run again: the import changes nothing the second time (and keeps the officer's more recent checks),
re-verifies only programmes that need checking, and leaves alone any bid that has a signpost already. The caller
commits."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from grantsfund.accounts.models import User
from grantsfund.accounts.services import find_user_by_email
from grantsfund.applications.models import Application
from grantsfund.common.actor import Actor
from grantsfund.common.dates import london_to_utc, london_today, utcnow
from grantsfund.demo.decided import OFFICER_EMAIL, at
from grantsfund.demo.rounds import LAST_YEAR
from grantsfund.extensions import db
from grantsfund.organisations.models import Ward
from grantsfund.rounds.models import Round
from grantsfund.signposting import directory, signposts
from grantsfund.signposting.directory import FunderDetails, ProgrammeDetails
from grantsfund.signposting.models import Funder, Programme, ProgrammeStatus, Reach, SignpostOutcome

SEED_CSV = Path(directory.__file__).parent / "data" / "funders-seed.csv"
LOADED_AT = at(7, 1, 8)  # the directory as it stood when signposting began, before last year's panel

# The directory --------------------------------------------------------------------------------------------------

CHEST = "Ward councillors' community chest"
CHEST_WARDS = ("Abbey Fields", "Fernlea", "Westfield")  # the pilot's wards
CHEST_ADDED_AT = at(7, 2, 11)
CVS = "Local Council for Voluntary Service"
# The programmes the officer has re-verified lately, and how many days ago.
VERIFIED = {
    "National Lottery Awards for All England": 4,
    "Reaching Communities England": 4,
    "Movement Fund": 11,
    "Funding advice (not a grant)": 18,
    CHEST: 25,
}


def _chest_details(wards: list[int], website: str) -> ProgrammeDetails:
    return ProgrammeDetails(
        name=CHEST,
        reach=Reach.LOCAL,
        area="Local",
        status=ProgrammeStatus.ROLLING,
        last_verified_on=london_today(CHEST_ADDED_AT),
        description=(
            "Small grants from the ward councillors' budgets for things that make a difference on your doorstep: "
            "a street party, kit for a new group, planters or a bench, room hire to get started."
        ),
        min_award_pence=10_000,
        max_award_pence=100_000,
        themes=["local need", "green spaces", "arts"],
        ward_ids=wards,
        contact="Community development team: 01632 960 300, community.chest@example.gov.uk",
        notes=(
            "A pilot in three wards. Any kind of group can apply, constituted or not; the ward's councillors decide "
            "together, usually within four weeks. One grant per group a year; send a quote for anything you buy."
        ),
        source="The council's community development team",
        source_url=f"{website.rstrip('/')}/community-chest",
    )


def _cvs_details(funder: Funder, council: str) -> FunderDetails:
    return FunderDetails(
        name=funder.name,
        website="https://northbrook-cvs.example.org",
        description=(
            f"Northbrook CVS: free help for voluntary, community and faith groups across the {council} area. "
            "It finds funders with you, reads draft bids, and helps new groups write a constitution and open a "
            f"bank account. Funded by {council}."
        ),
        contact=(
            "Hannah Kowalski, funding adviser: 01632 960 450, funding@northbrook-cvs.example.org. Drop-in every "
            "Tuesday, 10am to 1pm, at the Volunteer Centre, 22 Market Street, Northbrook."
        ),
    )


@dataclass
class DirectoryReport:
    loaded: int = 0
    existing: int = 0
    own_added: int = 0
    verified: int = 0
    rejected: list[str] = field(default_factory=list)


def _programme(name: str) -> Programme | None:
    return db.session.scalars(select(Programme).where(Programme.name == name).order_by(Programme.id)).first()


def _load(report: DirectoryReport) -> None:
    """Import the seed; a second run changes nothing, and keeps the officer's more recent checks."""
    with SEED_CSV.open(newline="", encoding="utf-8-sig") as handle:
        imported = directory.import_rows(csv.DictReader(handle), actor=Actor.system(), now=LOADED_AT)
    report.loaded = imported.added
    report.existing = imported.updated + imported.unchanged + imported.kept
    report.rejected = imported.rejected


def _add_chest(officer: Actor, report: DirectoryReport) -> None:
    """The council's own small grants, which the seed cannot know about."""
    config = current_app.config
    council, website = config["COUNCIL_NAME"], config["COUNCIL_WEBSITE"]
    funder = directory.find_funder(council)
    if funder is None:
        details = FunderDetails(council, website, f"The council's own small grants for groups in {council}'s area.")
        funder = directory.create_funder(details, actor=officer, now=CHEST_ADDED_AT)
        db.session.flush()
    if any(programme.name == CHEST for programme in funder.programmes):
        return
    wards = list(db.session.scalars(select(Ward.id).where(Ward.name.in_(CHEST_WARDS)).order_by(Ward.name)))
    directory.create_programme(funder, _chest_details(wards, website), actor=officer, now=CHEST_ADDED_AT)
    db.session.flush()
    report.own_added += 1


def _recently(days: int) -> datetime:
    """10am London time, `days` days before today."""
    return london_to_utc(london_today() - timedelta(days=days), time(10, 0))


def _check_entries(officer: Actor, report: DirectoryReport) -> None:
    """The officer re-verifies the entries that need it, and fills in the local CVS."""
    stale = directory.stale_before()
    for name, days in VERIFIED.items():
        programme = _programme(name)
        if programme is not None and programme.last_verified_on < stale:
            directory.verify(programme, actor=officer, now=_recently(days))
            report.verified += 1
    cvs = db.session.scalar(select(Funder).where(Funder.name == CVS))
    if cvs is not None:
        details = _cvs_details(cvs, current_app.config["COUNCIL_NAME"])
        directory.update_funder(cvs, details, actor=officer, now=_recently(VERIFIED["Funding advice (not a grant)"]))


# The signposts --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Letter:
    """The officer's signpost for one of last year's bids; with no `sent`, it is left a draft."""

    title: str
    started: datetime
    remove: str | None = None  # a programme the officer takes off the matching's list
    add: str | None = None  # and one the officer adds
    sent: datetime | None = None
    note: str = ""


# The officer swaps Children in Need (the league's players are adults) for the ward councillors' community chest on
# the league's list, takes Sport England off the murals' list, swaps Reaching Communities (too big) for the CVS's
# help on the allotment society's, and leaves the twinning association's list as the matching made it.
LETTERS = [
    Letter(
        "Westfield Fives", at(7, 21, 10, 30), remove="Project and Core grants", add=CHEST, sent=at(7, 21, 11, 20),
        note="The panel could see how much the league means to your players, and I think the funders below are "
        "worth a look. Awards for All is the one I'd start with: it funds projects your size, and you can apply at "
        "any time. Whoever you try, show how you'll bring in new players from Westfield's newer communities and mix "
        "up the teams, as the panel suggested. I've added the ward councillors' community chest, which could help "
        "with a set of kit in the meantime. I'm happy to read a draft before you send it: just email or ring me.",
    ),
    Letter(
        "Fernlea Murals", at(7, 21, 13, 40), remove="Movement Fund", sent=at(7, 21, 14, 5),
        note="Thank you for all the work you put into Fernlea Murals. The panel loved the idea of children "
        "designing the murals, and so did I. Before you apply anywhere else, it's worth sorting out the two things "
        "the panel raised: a breakdown of the artists' fees, and a safeguarding plan for the school workshops. The "
        "council's arts development team will help with both. Awards for All gives up to £20,000, so you may need "
        "to trim the budget a little. The ward councillors' community chest could pay for the design workshops on "
        "their own.",
    ),
    Letter(
        "New Polytunnel and Fencing", at(7, 22, 10, 15), remove="Reaching Communities England",
        add="Funding advice (not a grant)", sent=at(7, 22, 10, 40),
        note="The Communities Fund can't pay for building work on its own, but other funders are happy to pay for "
        "things like a polytunnel and new fencing, especially if the whole neighbourhood can use the site. Hannah "
        "at Northbrook CVS helps small groups write bids for free, so do give her a ring. And if you'd like to run "
        "open growing sessions for your neighbours, we'd love to see a bid for next year's round.",
    ),
    Letter("Exchange Visit to Saint-Aubin", at(7, 22, 15, 10)),
]  # fmt: skip


@dataclass(frozen=True)
class Reported:
    """What a group said happened with one funder, `days` after it was asked; recorded by the group's member who
    submitted the bid, or by the officer from a phone call."""

    title: str
    programme: str
    outcome: SignpostOutcome
    days: int
    note: str
    by_member: bool
    amount_pence: int | None = None


REPORTED = [
    Reported(
        "New Polytunnel and Fencing", "Postcode Community Trust", SignpostOutcome.APPLIED, 3,
        "Graham rang: the society applied in the autumn round for the polytunnel and monthly open growing "
        "sessions, and expects to hear in the new year.", by_member=False,
    ),
    Reported(
        "New Polytunnel and Fencing", "Movement Fund", SignpostOutcome.NOT_PURSUED, 3,
        "Not a fit after all: the society isn't planning sport or exercise sessions.", by_member=False,
    ),
    Reported(
        "Fernlea Murals", "National Lottery Awards for All England", SignpostOutcome.UNSUCCESSFUL, 9,
        "Turned down in October. They wanted the underpass owner's permission in place first, so we're asking "
        "highways and will try again in the spring.", by_member=True,
    ),
    Reported(
        "Westfield Fives", "National Lottery Awards for All England", SignpostOutcome.FUNDED, 27,
        "Awarded £8,500 for a mixed league! We're recruiting new players through the Westfield welcome hub, and "
        "every team has players from at least three communities.", by_member=True, amount_pence=850_000,
    ),
]  # fmt: skip


@dataclass
class SignpostReport:
    sent: int = 0
    drafts: int = 0
    outcomes: int = 0
    existing: int = 0
    made: dict[str, Application] = field(default_factory=dict)


def _bids() -> dict[str, Application]:
    """Last year's signpostable bids, by title."""
    round_ = db.session.scalars(select(Round).where(Round.name == LAST_YEAR)).first()
    if round_ is None:
        return {}
    found = db.session.scalars(
        select(Application).where(Application.round_id == round_.id, Application.status.in_(signposts.SIGNPOSTABLE))
    )
    return {application.title or "": application for application in found}


def _signpost(application: Application, spec: Letter, officer: Actor, report: SignpostReport) -> None:
    signpost = signposts.start(application, actor=officer, now=spec.started)
    edited = spec.started + timedelta(minutes=10)
    unwanted = next((s for s in signpost.suggestions if s.programme.name == spec.remove), None)
    if unwanted is not None:
        signposts.remove(unwanted, actor=officer, now=edited)
    wanted = _programme(spec.add) if spec.add else None
    if wanted is not None and all(s.programme_id != wanted.id for s in signpost.suggestions):
        signposts.add(signpost, wanted, actor=officer, now=edited + timedelta(minutes=5))
    if spec.sent is None:
        report.drafts += 1
        return
    signposts.send(signpost, note=spec.note, actor=officer, now=spec.sent)
    report.sent += 1
    report.made[spec.title] = application


def _follow_up(report: SignpostReport) -> datetime | None:
    """The daily follow-up run on the day the last of the letters fell due; None if that is still to come."""
    due = [signposts.signpost_for(application) for application in report.made.values()]
    days = [signpost.follow_up_due_on for signpost in due if signpost is not None and signpost.follow_up_due_on]
    if not days or max(days) > london_today():
        return None
    asked_at = london_to_utc(max(days), time(7, 0))
    signposts.send_follow_ups(now=asked_at)
    return asked_at


def _record(report: SignpostReport, officer: Actor, asked_at: datetime) -> None:
    for spec in REPORTED:
        application = report.made.get(spec.title)
        signpost = signposts.signpost_for(application) if application is not None else None
        if application is None or signpost is None:
            continue
        suggestion = next((s for s in signpost.suggestions if s.programme.name == spec.programme), None)
        member: User | None = application.submitted_by
        if suggestion is None or (spec.by_member and member is None):
            continue
        signposts.record_outcome(
            suggestion,
            outcome=spec.outcome,
            amount_pence=spec.amount_pence,
            note=spec.note,
            actor=Actor(user=member) if spec.by_member else officer,
            now=min(asked_at + timedelta(days=spec.days, hours=3), utcnow()),
        )
        report.outcomes += 1


def _signpost_all(officer: Actor) -> SignpostReport:
    report = SignpostReport()
    bids = _bids()
    for spec in LETTERS:
        application = bids.get(spec.title)
        if application is None:
            continue
        if signposts.signpost_for(application) is not None:
            report.existing += 1
            continue
        _signpost(application, spec, officer, report)
    asked_at = _follow_up(report)
    if asked_at is not None:
        _record(report, officer, asked_at)
    return report


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def seed() -> str:
    """Load the directory, make it look used, and signpost last year's unsuccessful bids; say what was added."""
    report = DirectoryReport()
    _load(report)
    user = find_user_by_email(OFFICER_EMAIL)
    rejected = f", {len(report.rejected)} rejected ({'; '.join(report.rejected)})" if report.rejected else ""
    loaded = f"Signposting: {report.loaded} funders' programmes loaded ({report.existing} already there{rejected})"
    if user is None:
        return f"{loaded}; nothing else added (no demo officer)"
    officer = Actor(user=user)
    _add_chest(officer, report)
    _check_entries(officer, report)
    letters = _signpost_all(officer)
    db.session.flush()
    return (
        f"{loaded}, {_plural(report.own_added, 'council programme', 'council programmes')} added, "
        f"{report.verified} re-verified; {_plural(letters.sent, 'letter', 'letters')} sent, "
        f"{_plural(letters.drafts, 'draft', 'drafts')}, "
        f"{_plural(letters.outcomes, 'outcome', 'outcomes')} recorded ({letters.existing} signposts already there)"
    )
