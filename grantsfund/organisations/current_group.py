"""The group a person is working on, when they belong to several: kept in their session (so this is for
views only) and checked against their memberships on every use."""

from __future__ import annotations

from flask import session
from flask_login import current_user

from grantsfund.organisations import services

SESSION_KEY = "organisation_id"


def current_organisation_id() -> int | None:
    """The signed-in person's current group: the one they chose, or their only one."""
    member_of = services.member_organisation_ids(current_user)
    chosen = session.get(SESSION_KEY)
    if isinstance(chosen, int) and chosen in member_of:
        return chosen
    session.pop(SESSION_KEY, None)
    return next(iter(member_of)) if len(member_of) == 1 else None


def is_current(organisation_id: int) -> bool:
    return bool(session.get(SESSION_KEY) == organisation_id)


def choose(organisation_id: int) -> None:
    session[SESSION_KEY] = organisation_id


def forget(organisation_id: int) -> None:
    if is_current(organisation_id):
        session.pop(SESSION_KEY)
