"""Signposting a declined or ineligible bid: the officer starts from the matching's suggestions, removes or
adds programmes, writes a personal note and sends the letter (outbox, and a printable page). Weeks later the
group is asked what happened with each suggestion; the group or an officer records it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grantsfund.applications import services as applications
from grantsfund.applications.models import Application, ApplicationStatus
from grantsfund.audit import services as audit
from grantsfund.common.actor import Actor
from grantsfund.common.dates import format_date, london_today, utcnow
from grantsfund.common.errors import DomainError
from grantsfund.extensions import db
from grantsfund.notifications.services import queue_email
from grantsfund.signposting import directory
from grantsfund.signposting.matching import (
    DEAL_BREAKERS,
    Match,
    Place,
    Reason,
    Topic,
    evaluate,
    profile_for,
    suggest,
)
from grantsfund.signposting.models import (
    Programme,
    ProgrammeStatus,
    Signpost,
    SignpostOutcome,
    SignpostStatus,
    Suggestion,
)

# The bids that may be signposted: the panel declined them, or screening found them ineligible.
SIGNPOSTABLE = (ApplicationStatus.DECLINED, ApplicationStatus.INELIGIBLE)
MAX_NOTE = 5000


def place() -> Place:
    config = current_app.config
    return Place(council=config["COUNCIL_NAME"], nation=config["COUNCIL_NATION"], region=config["COUNCIL_REGION"])


def matches_for(application: Application, *, now: datetime | None = None, limit: int | None = None) -> list[Match]:
    """The directory's best programmes for this application, at most `limit` (the configured number by default)."""
    return suggest(
        directory.open_programmes(),
        profile_for(application),
        place(),
        london_today(now),
        limit=limit or current_app.config["SIGNPOST_SUGGESTIONS"],
    )


# The officer's work list ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    application: Application
    signpost: Signpost | None


def candidates(*, round_id: int | None = None) -> list[Candidate]:
    """Every declined or ineligible bid, with its signpost if one was started."""
    query = (
        select(Application)
        .where(Application.status.in_(SIGNPOSTABLE))
        .options(selectinload(Application.organisation))
        .order_by(Application.round_id.desc(), Application.reference)
    )
    if round_id is not None:
        query = query.where(Application.round_id == round_id)
    found = list(db.session.scalars(query))
    signposts = {
        signpost.application_id: signpost
        for signpost in db.session.scalars(
            select(Signpost)
            .where(Signpost.application_id.in_([application.id for application in found]))
            .options(selectinload(Signpost.suggestions))
        )
    }
    return [Candidate(application, signposts.get(application.id)) for application in found]


def get_signpost(signpost_id: int) -> Signpost | None:
    return db.session.get(Signpost, signpost_id)


def signpost_for(application: Application) -> Signpost | None:
    return db.session.scalar(select(Signpost).where(Signpost.application_id == application.id))


def sent_signpost_for(application: Application) -> Signpost | None:
    """What the group may see: a signpost only once its letter has gone."""
    signpost = signpost_for(application)
    return signpost if signpost is not None and signpost.is_sent else None


def sent_signposts_for(applications: Iterable[Application]) -> dict[int, Signpost]:
    """The letters the groups may see, by application id, for a list of their applications (one statement)."""
    ids = [application.id for application in applications]
    if not ids:
        return {}
    found = db.session.scalars(
        select(Signpost).where(Signpost.application_id.in_(ids), Signpost.status == SignpostStatus.SENT)
    )
    return {signpost.application_id: signpost for signpost in found}


def get_suggestion(signpost: Signpost, suggestion_id: int) -> Suggestion | None:
    return next((item for item in signpost.suggestions if item.id == suggestion_id), None)


# Preparing the letter --------------------------------------------------------------------------------------


def start(application: Application, *, actor: Actor, now: datetime | None = None) -> Signpost:
    """Begin a signpost with the matching's suggestions, or return the one already begun."""
    now = now or utcnow()
    # Two officers starting at once queue here, so the second finds the first's signpost instead of failing.
    applications.lock(application)
    existing = signpost_for(application)
    if existing is not None:
        return existing
    if application.status not in SIGNPOSTABLE:
        raise DomainError("Only declined or ineligible bids are signposted to other funders")
    signpost = Signpost(application=application, created_at=now, created_by_id=actor.user_id)
    signpost.suggestions = [
        Suggestion(programme=match.programme, position=position, reasons=_reasons(match))
        for position, match in enumerate(matches_for(application, now=now))
    ]
    db.session.add(signpost)
    audit.record(
        actor=actor,
        action="signpost.started",
        obj=signpost,
        after={"application": application.reference, "suggested": [s.programme.title for s in signpost.suggestions]},
        now=now,
    )
    db.session.flush()
    return signpost


def _reasons(match: Match) -> list[dict[str, object]]:
    return [reason.as_dict() for reason in match.reasons]


def _lock(signpost: Signpost) -> None:
    """Re-read the signpost under a row lock (PostgreSQL), so a double click or two officers queue: whoever waited
    sees the letter already sent rather than sending it again."""
    db.session.refresh(signpost, attribute_names=["status", "note", "sent_at", "sent_by_id"], with_for_update=True)
    db.session.expire(signpost, ["suggestions"])


def _require_draft(signpost: Signpost) -> None:
    _lock(signpost)
    if signpost.is_sent:
        raise DomainError("The letter has been sent, so its funders cannot change")


def addable(signpost: Signpost, *, now: datetime | None = None) -> list[Match]:
    """The open programmes not on the signpost yet, each with how it compares, best first; ones that could
    not fund the group come last, so an officer who knows better can still add them."""
    on_it = {suggestion.programme_id for suggestion in signpost.suggestions}
    profile, where, today = profile_for(signpost.application), place(), london_today(now)
    matches = [
        evaluate(programme, profile, where, today)
        for programme in directory.open_programmes()
        if programme.id not in on_it
    ]
    return sorted(matches, key=lambda match: (not match.suggestible, *match.rank()))


def add(signpost: Signpost, programme: Programme, *, actor: Actor, now: datetime | None = None) -> Suggestion:
    now = now or utcnow()
    _require_draft(signpost)
    if programme.status is ProgrammeStatus.CLOSED:
        raise DomainError(f"{programme.title} is closed to new applications", field="programme_id")
    if any(suggestion.programme_id == programme.id for suggestion in signpost.suggestions):
        raise DomainError(f"{programme.title} is already on the list", field="programme_id")
    match = evaluate(programme, profile_for(signpost.application), place(), london_today(now))
    suggestion = Suggestion(
        programme=programme,
        position=max((s.position for s in signpost.suggestions), default=-1) + 1,
        added_by_officer=True,
        reasons=_reasons(match),
    )
    signpost.suggestions.append(suggestion)
    audit.record(
        actor=actor, action="signpost.funder_added", obj=signpost, after={"programme": programme.title}, now=now
    )
    db.session.flush()
    return suggestion


def remove(suggestion: Suggestion, *, actor: Actor, now: datetime | None = None) -> None:
    signpost = suggestion.signpost
    _require_draft(signpost)
    if suggestion not in signpost.suggestions:  # a double click: the first removed it
        raise DomainError(f"{suggestion.programme.title} is not on the list")
    signpost.suggestions.remove(suggestion)
    audit.record(
        actor=actor,
        action="signpost.funder_removed",
        obj=signpost,
        before={"programme": suggestion.programme.title},
        now=now or utcnow(),
    )
    db.session.flush()


def current_matches(signpost: Signpost, *, now: datetime | None = None) -> dict[int, Match]:
    """How each funder on the signpost compares with the group as the directory stands now, by suggestion id:
    what the letter will say if it is sent now."""
    profile, where, today = profile_for(signpost.application), place(), london_today(now)
    return {suggestion.id: evaluate(suggestion.programme, profile, where, today) for suggestion in signpost.suggestions}


def _ruled_out(reasons: Iterable[Reason]) -> bool:
    return any(reason.fits is False and reason.topic in DEAL_BREAKERS for reason in reasons)


def _ruled_out_since(suggestion: Suggestion, match: Match) -> bool:
    """The programme could fund the group when it went on the list and cannot now. One an officer added knowing
    it did not fit stays their call."""
    then = [Reason(Topic(reason["topic"]), reason["fits"], reason["text"]) for reason in suggestion.reasons]
    return _ruled_out(match.reasons) and not _ruled_out(then)


def save_note(signpost: Signpost, *, note: str, actor: Actor, now: datetime | None = None) -> None:
    """Keep the officer's note on the draft while they change its funders."""
    note = note.strip()
    _require_draft(signpost)
    _check_note(note)
    if note == signpost.note:
        return
    audit.record(
        actor=actor,
        action="signpost.note_saved",
        obj=signpost,
        before={"note": signpost.note},
        after={"note": note},
        now=now or utcnow(),
    )
    signpost.note = note
    db.session.flush()


def _check_note(note: str) -> None:
    if len(note) > MAX_NOTE:
        raise DomainError(f"Enter a note of {MAX_NOTE:,} characters or fewer", field="note")


def send(signpost: Signpost, *, note: str, actor: Actor, now: datetime | None = None) -> int:
    """Send the letter to the group's addresses; returns how many emails were queued."""
    now = now or utcnow()
    note = note.strip()
    _require_draft(signpost)
    _check_note(note)
    if not signpost.suggestions:
        raise DomainError("Add at least one funder before sending the letter", field="funders")
    closed = [s.programme.title for s in signpost.suggestions if s.programme.status is ProgrammeStatus.CLOSED]
    if closed:
        raise DomainError(f"{'; '.join(closed)} closed since it was suggested: remove it first", field="funders")
    matches = current_matches(signpost, now=now)
    ruled_out = [s.programme.title for s in signpost.suggestions if _ruled_out_since(s, matches[s.id])]
    if ruled_out:
        raise DomainError(
            f"{'; '.join(ruled_out)} can no longer fund this group since it was suggested: remove it first",
            field="funders",
        )
    application = signpost.application
    today = london_today(now)
    for suggestion in signpost.suggestions:
        # The letter gives the reasons as the directory stands today.
        suggestion.reasons = _reasons(matches[suggestion.id])
    signpost.note = note
    signpost.status = SignpostStatus.SENT
    signpost.sent_at = now
    signpost.sent_by_id = actor.user_id
    signpost.follow_up_due_on = today + timedelta(weeks=current_app.config["SIGNPOST_FOLLOW_UP_WEEKS"])
    addresses = applications.group_addresses(application)
    for address in addresses:
        queue_email(to=address, template="signposting/letter", context=letter(signpost), now=now)
    audit.record(
        actor=actor,
        action="signpost.sent",
        obj=signpost,
        after={
            "note": note,
            "funders": [suggestion.programme.title for suggestion in signpost.suggestions],
            "letters": len(addresses),
        },
        now=now,
    )
    db.session.flush()
    return len(addresses)


def letter(signpost: Signpost) -> dict[str, object]:
    """What the letter says, for the email and the printable page alike."""
    application = signpost.application
    return {
        "application_id": application.id,
        "reference": application.reference,
        "title": application.title or "",
        "organisation": application.organisation.name,
        "round": application.round.name,
        "declined": application.status is ApplicationStatus.DECLINED,
        "note": signpost.note,
        "funders": [
            {
                "funder": suggestion.programme.funder.name,
                "programme": suggestion.programme.name,
                "link": suggestion.programme.source_url or suggestion.programme.funder.website,
                "notes": suggestion.programme.notes,
                "reasons": [reason["text"] for reason in suggestion.reasons if reason["fits"] is not False],
                "cautions": [reason["text"] for reason in suggestion.reasons if reason["fits"] is False],
            }
            for suggestion in signpost.suggestions
        ],
    }


# Closing the loop ------------------------------------------------------------------------------------------


def record_outcome(
    suggestion: Suggestion,
    *,
    outcome: SignpostOutcome,
    amount_pence: int | None,
    note: str = "",
    actor: Actor,
    now: datetime | None = None,
) -> None:
    now = now or utcnow()
    note = note.strip()
    _lock(suggestion.signpost)
    db.session.refresh(suggestion)
    if not suggestion.signpost.is_sent:
        raise DomainError("Outcomes are recorded once the letter has been sent")
    # A negative amount would break the table's check at flush time instead of being refused here.
    if outcome is SignpostOutcome.FUNDED and (amount_pence is None or amount_pence <= 0):
        raise DomainError("Enter how much the funder gave", field="amount")
    if outcome is not SignpostOutcome.FUNDED and amount_pence:
        raise DomainError("Only enter an amount if the funder gave a grant", field="amount")
    if len(note) > MAX_NOTE:
        raise DomainError(f"Enter {MAX_NOTE:,} characters or fewer", field="note")
    before = _outcome_of(suggestion)
    suggestion.outcome = outcome
    suggestion.amount_raised_pence = amount_pence if outcome is SignpostOutcome.FUNDED else None
    suggestion.outcome_note = note
    suggestion.outcome_recorded_at = now
    suggestion.outcome_recorded_by_id = actor.user_id
    audit.record(
        actor=actor,
        action="signpost.outcome_recorded",
        obj=suggestion.signpost,
        before=before,
        after=_outcome_of(suggestion),
        now=now,
    )
    db.session.flush()


def _outcome_of(suggestion: Suggestion) -> dict[str, object]:
    return {
        "programme": suggestion.programme.title,
        "outcome": suggestion.outcome.value if suggestion.outcome else None,
        "amount_pence": suggestion.amount_raised_pence,
        "note": suggestion.outcome_note,
    }


def send_follow_ups(*, now: datetime | None = None) -> int:
    """Ask each group whose follow-up is due what happened with the funders it was sent; returns how many
    groups were asked. A group that has already told us about every funder is not asked."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Signpost)
        .where(
            Signpost.status == SignpostStatus.SENT,
            Signpost.follow_up_sent_at.is_(None),
            Signpost.follow_up_due_on <= london_today(now),
        )
        .options(selectinload(Signpost.suggestions))
        .order_by(Signpost.id)
    )
    asked = 0
    for signpost in due:
        if signpost.outcomes_recorded == len(signpost.suggestions):
            continue
        for address in applications.group_addresses(signpost.application):
            queue_email(to=address, template="signposting/follow_up", context=_follow_up(signpost), now=now)
        signpost.follow_up_sent_at = now
        audit.record(actor=Actor.system(), action="signpost.follow_up_sent", obj=signpost, now=now)
        asked += 1
    db.session.flush()
    return asked


def _follow_up(signpost: Signpost) -> dict[str, object]:
    return {
        **letter(signpost),
        "signpost_id": signpost.id,
        "sent_on": format_date(signpost.sent_at),
        "waiting": [s.programme.title for s in signpost.suggestions if s.outcome is None],
    }
