"""Demo data: one login per role, so a newcomer can see every part of the service."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from grantsfund import policy
from grantsfund.accounts.models import Role, User, UserRole
from grantsfund.accounts.passwords import hash_password
from grantsfund.accounts.services import find_user_by_email
from grantsfund.audit import services as audit
from grantsfund.common.actor import Actor
from grantsfund.common.dates import london_to_utc, london_today, utcnow
from grantsfund.extensions import db

DEMO_PASSWORD = "community-fund-demo"  # noqa: S105 -- the demo logins' published password
# The demo staff logins' published authenticator secret: `flask demo code` prints the current code, or add it to an app.
DEMO_TOTP_SECRET = "GRANTSFUNDDEMOAPPSECRET2345ABCDE"  # noqa: S105 -- published, for the demo only


def on(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A moment as the council's clocks read it."""
    return london_to_utc(date(year, month, day), time(hour, minute))


def days_ago(days: int, hour: int, minute: int = 0) -> datetime:
    """A time of day, London time, `days` days before today."""
    return london_to_utc(london_today() - timedelta(days=days), time(hour, minute))


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    roles: frozenset[Role]


DEMO_USERS = [
    DemoUser("applicant@example.org", "Amira Khan", frozenset({Role.APPLICANT})),
    DemoUser("officer@example.gov.uk", "Gareth Owen", frozenset({Role.GRANTS_OFFICER})),
    DemoUser("assessor@example.gov.uk", "Priya Shah", frozenset({Role.ASSESSOR})),
    DemoUser("panel@example.gov.uk", "Tom Brennan", frozenset({Role.PANEL_MEMBER})),
    DemoUser("chair@example.gov.uk", "Grace Adeyemi", frozenset({Role.PANEL_MEMBER, Role.PANEL_CHAIR})),
    DemoUser("finance@example.gov.uk", "Wei Chen", frozenset({Role.FINANCE_OFFICER})),
    DemoUser("admin@example.gov.uk", "Sam Taylor", frozenset({Role.ADMINISTRATOR})),
]


@dataclass
class SeedReport:
    added: int = 0
    existing: int = 0


def seed_users(demo_users: Iterable[DemoUser]) -> SeedReport:
    report = SeedReport()
    password_hash = hash_password(DEMO_PASSWORD)  # once: hashing is slow on purpose
    for demo in demo_users:
        if find_user_by_email(demo.email) is not None:
            report.existing += 1
            continue
        demo_person(demo.email, demo.full_name, demo.roles, password_hash=password_hash)
        report.added += 1
    return report


def demo_person(
    email: str,
    full_name: str,
    roles: Iterable[Role],
    *,
    password_hash: str | None = None,
    now: datetime | None = None,
) -> User:
    """The demo person with this email: found, or added (able to sign in only when given a password hash)."""
    user = find_user_by_email(email)
    if user is not None:
        return user
    now = now or utcnow()
    roles = frozenset(roles)
    enrolled = password_hash is not None and bool(roles & policy.SECOND_FACTOR_ROLES)
    user = User(
        email=email,
        full_name=full_name,
        password_hash=password_hash,
        email_verified_at=now if password_hash else None,
        created_at=now,
        role_grants=[UserRole(role=role, granted_at=now) for role in sorted(roles)],
        totp_secret=DEMO_TOTP_SECRET if enrolled else None,
        totp_enabled_at=now if enrolled else None,
    )
    db.session.add(user)
    audit.record(actor=Actor.system(), action="user.seeded", obj=user, after={"roles": user.roles}, now=now)
    return user


def commit() -> None:
    db.session.commit()
