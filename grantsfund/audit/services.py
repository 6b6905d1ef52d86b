"""Recording and reading the audit trail."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from grantsfund.accounts.models import User
from grantsfund.audit.models import AuditEvent
from grantsfund.common.actor import Actor
from grantsfund.common.dates import london_to_utc, utcnow
from grantsfund.common.pagination import PER_PAGE
from grantsfund.extensions import db


def _jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_jsonable(item) for item in value]
        return sorted(items) if isinstance(value, set | frozenset) else items
    return value


def record(
    *,
    actor: Actor,
    action: str,
    obj: Any,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction, so it lands (or not) with the change it describes."""
    if getattr(obj, "id", None) is None:
        db.session.flush()
    event = AuditEvent(
        occurred_at=now or utcnow(),
        actor_id=actor.user_id,
        action=action,
        object_type=obj.__tablename__.removesuffix("s"),
        object_id=str(obj.id),
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        ip_address=actor.ip_address,
    )
    db.session.add(event)
    return event


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    actor_email: str = ""
    date_from: date | None = None
    date_to: date | None = None


def list_events(criteria: AuditFilter, *, page: int = 1) -> Pagination:
    return db.paginate(events_query(criteria), page=page, per_page=PER_PAGE, error_out=False)


def events_query(criteria: AuditFilter) -> Select[tuple[AuditEvent]]:
    query = (
        select(AuditEvent)
        .options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    )
    if criteria.action:
        query = query.where(AuditEvent.action.startswith(criteria.action))
    if criteria.object_type:
        query = query.where(AuditEvent.object_type == criteria.object_type)
    if criteria.object_id:
        query = query.where(AuditEvent.object_id == criteria.object_id)
    if criteria.actor_email:
        query = query.join(User, AuditEvent.actor_id == User.id).where(
            User.email.contains(criteria.actor_email.lower())
        )
    if criteria.date_from:
        query = query.where(AuditEvent.occurred_at >= london_to_utc(criteria.date_from, time.min))
    if criteria.date_to:
        next_day = criteria.date_to + timedelta(days=1)
        query = query.where(AuditEvent.occurred_at < london_to_utc(next_day, time.min))
    return query


def list_object_types() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)))


def get_event(event_id: int) -> AuditEvent:
    return db.session.execute(
        select(AuditEvent).options(joinedload(AuditEvent.actor)).where(AuditEvent.id == event_id)
    ).scalar_one()
