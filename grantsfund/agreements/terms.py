"""The fund's standard terms and conditions: administrators publish a new version; each agreement keeps the
version it was drafted with, so a change never rewrites what a group already signed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from grantsfund.agreements.models import StandardTerms
from grantsfund.audit import services as audit
from grantsfund.common.actor import Actor
from grantsfund.common.dates import utcnow
from grantsfund.common.errors import DomainError
from grantsfund.extensions import db

MAX_TITLE = 200
MAX_BODY = 50_000


def current() -> StandardTerms | None:
    return db.session.scalars(select(StandardTerms).order_by(StandardTerms.version.desc())).first()


def all_versions() -> list[StandardTerms]:
    return list(db.session.scalars(select(StandardTerms).order_by(StandardTerms.version.desc())))


def get(terms_id: int) -> StandardTerms | None:
    return db.session.get(StandardTerms, terms_id)


def publish(*, title: str, body: str, summary: str = "", actor: Actor, now: datetime | None = None) -> StandardTerms:
    """A new version of the terms; agreements drafted from now on use it."""
    now = now or utcnow()
    title, body, summary = title.strip(), body.strip(), summary.strip()
    if not title:
        raise DomainError("Enter a title for the terms", field="title")
    if len(title) > MAX_TITLE:
        raise DomainError(f"The title must be {MAX_TITLE} characters or fewer", field="title")
    if not body:
        raise DomainError("Enter the text of the terms", field="body")
    if len(body) > MAX_BODY:
        raise DomainError(f"The terms must be {MAX_BODY:,} characters or fewer", field="body")
    latest = current()
    if latest is not None and latest.title == title and latest.body == body:
        raise DomainError(f"Nothing has changed since version {latest.version}", field="body")
    number = (db.session.scalar(select(func.max(StandardTerms.version))) or 0) + 1
    terms = StandardTerms(
        version=number, title=title, body=body, summary_of_changes=summary, created_at=now, created_by_id=actor.user_id
    )
    db.session.add(terms)
    audit.record(
        actor=actor, action="standard_terms.published", obj=terms, after={"version": number, "title": title}, now=now
    )
    return terms
