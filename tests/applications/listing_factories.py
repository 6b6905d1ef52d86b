"""Submitted applications for the officers' list, made directly in the database: many of them, fast, with the
fields the list filters and sorts on set exactly (the submission journey has its own tests)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from grantsfund.accounts.models import User
from grantsfund.applications.models import Application, ApplicationStatus
from grantsfund.extensions import db
from grantsfund.organisations.models import Organisation, Ward
from grantsfund.rounds.models import Round, Theme

# A Monday morning in British Summer Time.
SUBMITTED = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def submitted(
    round_: Round,
    organisation: Organisation,
    member: User,
    *,
    reference: str,
    title: str = "Tuesday Welcome Café",
    amount_pence: int | None = 250_000,
    submitted_at: datetime = SUBMITTED,
    status: ApplicationStatus = ApplicationStatus.SUBMITTED,
    themes: Iterable[Theme] = (),
    wards: Iterable[Ward] = (),
) -> Application:
    application = Application(
        round=round_,
        organisation=organisation,
        created_by=member,
        status=status,
        reference=reference,
        title=title,
        amount_requested_pence=amount_pence,
        submitted_at=submitted_at,
        submitted_by=member,
        themes=list(themes),
        wards=list(wards),
        created_at=submitted_at - timedelta(days=3),
        updated_at=submitted_at,
    )
    db.session.add(application)
    db.session.flush()
    return application


def many(round_: Round, organisation: Organisation, member: User, count: int, *, start: int = 1) -> list[Application]:
    """`count` submitted applications, an hour apart, each with the round's themes."""
    return [
        submitted(
            round_,
            organisation,
            member,
            reference=f"BULK-2026-{number:04d}",
            title=f"Project {number:04d}",
            amount_pence=100_000 + number,
            submitted_at=SUBMITTED + timedelta(hours=number),
            themes=round_.themes,
        )
        for number in range(start, start + count)
    ]
