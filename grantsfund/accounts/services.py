"""Accounts: registering, verifying, signing in and out, passwords, staff invitations and roles."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from grantsfund import policy
from grantsfund.accounts.models import AccountToken, Role, TokenPurpose, User, UserRole, new_session_token
from grantsfund.accounts.passwords import hash_password, password_problem, verify_password
from grantsfund.audit import services as audit
from grantsfund.common.actor import Actor
from grantsfund.common.dates import utcnow
from grantsfund.common.errors import DomainError
from grantsfund.common.pagination import PER_PAGE
from grantsfund.extensions import db
from grantsfund.notifications.services import queue_email

STAFF_ROLES = frozenset(Role) - {Role.APPLICANT}
MAX_LOCKOUT_MINUTES = 24 * 60
TOKEN_HOURS_SETTING = {
    TokenPurpose.VERIFY_EMAIL: "VERIFY_TOKEN_HOURS",
    TokenPurpose.RESET_PASSWORD: "RESET_TOKEN_HOURS",
    TokenPurpose.INVITATION: "INVITATION_TOKEN_HOURS",
}


class SignInFailed(DomainError):
    def __init__(self) -> None:
        super().__init__("Enter a correct email address and password", field="email")


class EmailNotVerified(DomainError):
    def __init__(self, user: User) -> None:
        super().__init__("You need to confirm your email address before you can sign in", field="email")
        self.user = user


class InvalidToken(DomainError):
    def __init__(self) -> None:
        super().__init__("This link has expired or has already been used")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalars(select(User).where(User.email == normalise_email(email))).first()


def get_user(user_id: int) -> User:
    return db.session.execute(select(User).where(User.id == user_id)).scalar_one()


def load_session_user(session_id: str) -> User | None:
    """The signed-in user for a session, or None once their session token has changed."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdecimal() or not token:
        return None
    # One query for the person and their roles: this runs on every signed-in request.
    query = select(User).options(joinedload(User.role_grants)).where(User.id == int(user_id))
    user = db.session.scalars(query).unique().one_or_none()
    if user is None or not user.is_active or not secrets.compare_digest(user.session_token, token):
        return None
    return user


def _check_password(password: str, *, email: str, full_name: str) -> None:
    problem = password_problem(password, email=email, full_name=full_name)
    if problem:
        raise DomainError(problem, field="password")


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user: User, purpose: TokenPurpose, *, now: datetime) -> str:
    """A new single-use link token; earlier unused ones for the same purpose stop working."""
    for old in db.session.scalars(
        select(AccountToken).where(
            AccountToken.user_id == user.id, AccountToken.purpose == purpose, AccountToken.used_at.is_(None)
        )
    ):
        old.used_at = now
    raw = secrets.token_urlsafe(32)
    hours = current_app.config[TOKEN_HOURS_SETTING[purpose]]
    db.session.add(
        AccountToken(
            user=user,
            purpose=purpose,
            token_hash=_hash_token(raw),
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    return raw


def find_valid_token(raw: str, purpose: TokenPurpose, *, now: datetime | None = None) -> AccountToken | None:
    now = now or utcnow()
    token = db.session.scalars(
        select(AccountToken).where(AccountToken.token_hash == _hash_token(raw), AccountToken.purpose == purpose)
    ).first()
    if token is None or token.used_at is not None or token.expires_at <= now or not token.user.is_active:
        return None
    return token


def _use_token(raw: str, purpose: TokenPurpose, *, now: datetime) -> User:
    token = find_valid_token(raw, purpose, now=now)
    if token is None:
        raise InvalidToken
    token.used_at = now
    return token.user


def _end_sessions(user: User) -> None:
    user.session_token = new_session_token()


def _clear_lockout(user: User) -> None:
    user.failed_sign_ins = 0
    user.locked_until = None


def register(*, full_name: str, email: str, password: str, actor: Actor, now: datetime | None = None) -> None:
    """Create an applicant's account and email a confirmation link.

    If the address is already registered, its owner is emailed instead, and the caller sees the
    same outcome either way, so the form never reveals who has an account.
    """
    now = now or utcnow()
    email = normalise_email(email)
    _check_password(password, email=email, full_name=full_name)
    existing = find_user_by_email(email)
    if existing is not None:
        queue_email(
            to=email, template="accounts/already_registered", context={"full_name": existing.full_name}, now=now
        )
        return
    user = User(
        full_name=full_name,
        email=email,
        password_hash=hash_password(password),
        created_at=now,
        role_grants=[UserRole(role=Role.APPLICANT, granted_at=now)],
    )
    db.session.add(user)
    audit.record(
        actor=Actor(user, actor.ip_address),
        action="user.registered",
        obj=user,
        after={"email": email, "roles": user.roles},
        now=now,
    )
    _send_verification(user, now=now)


def _send_verification(user: User, *, now: datetime) -> None:
    token = issue_token(user, TokenPurpose.VERIFY_EMAIL, now=now)
    hours = current_app.config["VERIFY_TOKEN_HOURS"]
    queue_email(
        to=user.email,
        template="accounts/verify_email",
        context={"full_name": user.full_name, "token": token, "hours": hours},
        now=now,
    )


def resend_verification(*, email: str, now: datetime | None = None) -> None:
    now = now or utcnow()
    user = find_user_by_email(email)
    if user is not None and not user.is_verified and user.is_active and user.has_password:
        _send_verification(user, now=now)


def verify_email(raw_token: str, *, actor: Actor, now: datetime | None = None) -> User:
    now = now or utcnow()
    user = _use_token(raw_token, TokenPurpose.VERIFY_EMAIL, now=now)
    if user.email_verified_at is None:
        user.email_verified_at = now
        audit.record(actor=Actor(user, actor.ip_address), action="user.email_verified", obj=user, now=now)
    return user


def authenticate(*, email: str, password: str, actor: Actor, now: datetime | None = None) -> User:
    """Check a sign-in. Wrong passwords count towards a temporary lock, announced by email."""
    now = now or utcnow()
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        verify_password(None, password)
        raise SignInFailed
    if user.locked_until is not None and user.locked_until > now:
        raise SignInFailed
    if not verify_password(user.password_hash, password):
        _record_failed_sign_in(user, actor=actor, now=now)
        raise SignInFailed
    if not user.is_verified:
        raise EmailNotVerified(user)
    if not needs_second_step(user):
        complete_sign_in(user, actor=actor, now=now)
    return user


def needs_second_step(user: User) -> bool:
    return user.has_second_factor or policy.requires_second_factor(user)


def complete_sign_in(user: User, *, actor: Actor, now: datetime | None = None) -> None:
    """Both steps are done. Until then the failures stay counted, so entering the password again between wrong codes
    never resets the lock."""
    now = now or utcnow()
    _clear_lockout(user)
    user.last_signed_in_at = now
    audit.record(actor=Actor(user, actor.ip_address), action="user.signed_in", obj=user, now=now)


def _record_failed_sign_in(user: User, *, actor: Actor, now: datetime) -> None:
    user.failed_sign_ins += 1
    audit.record(
        actor=actor, action="user.sign_in_failed", obj=user, after={"failed_sign_ins": user.failed_sign_ins}, now=now
    )
    beyond = user.failed_sign_ins - current_app.config["LOCKOUT_THRESHOLD"]
    if beyond >= 0:
        # The failures stay counted until a sign-in succeeds: each one past the threshold pauses sign-in again, for
        # twice as long as the last time (at most a day), so guessing codes or passwords gets slower, not steady.
        minutes = min(current_app.config["LOCKOUT_MINUTES"] * 2 ** min(beyond, 10), MAX_LOCKOUT_MINUTES)
        user.locked_until = now + timedelta(minutes=minutes)
        audit.record(actor=actor, action="user.locked", obj=user, after={"locked_until": user.locked_until}, now=now)
        queue_email(
            to=user.email,
            template="accounts/account_locked",
            context={"full_name": user.full_name, "minutes": minutes},
            now=now,
        )


def sign_out(user: User, *, actor: Actor) -> None:
    """Ends this and every other session of the person's, so a copied cookie stops working."""
    _end_sessions(user)
    audit.record(actor=actor, action="user.signed_out", obj=user)


def request_password_reset(*, email: str, now: datetime | None = None) -> None:
    """Email a reset link if the address has an account; say nothing either way."""
    now = now or utcnow()
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    token = issue_token(user, TokenPurpose.RESET_PASSWORD, now=now)
    queue_email(
        to=user.email,
        template="accounts/reset_password",
        context={"full_name": user.full_name, "token": token, "hours": current_app.config["RESET_TOKEN_HOURS"]},
        now=now,
    )


def _set_password_by_link(raw_token: str, purpose: TokenPurpose, *, password: str, now: datetime) -> User:
    """Use an emailed link to set a password. Following the link proves the person controls the address.
    A refused password leaves the link usable, so the person can try another."""
    token = find_valid_token(raw_token, purpose, now=now)
    if token is None:
        raise InvalidToken
    _check_password(password, email=token.user.email, full_name=token.user.full_name)
    user = _use_token(raw_token, purpose, now=now)
    _set_password(user, password)
    user.email_verified_at = user.email_verified_at or now
    return user


def reset_password(raw_token: str, *, password: str, actor: Actor, now: datetime | None = None) -> User:
    now = now or utcnow()
    user = _set_password_by_link(raw_token, TokenPurpose.RESET_PASSWORD, password=password, now=now)
    _clear_lockout(user)
    audit.record(actor=Actor(user, actor.ip_address), action="user.password_reset", obj=user, now=now)
    queue_email(to=user.email, template="accounts/password_changed", context={"full_name": user.full_name}, now=now)
    return user


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    _end_sessions(user)


def change_password(user: User, *, current_password: str, new_password: str, actor: Actor) -> None:
    if not verify_password(user.password_hash, current_password):
        raise DomainError("Your current password is not correct", field="current_password")
    _check_password(new_password, email=user.email, full_name=user.full_name)
    _set_password(user, new_password)
    audit.record(actor=actor, action="user.password_changed", obj=user)
    queue_email(to=user.email, template="accounts/password_changed", context={"full_name": user.full_name})


def invite_staff(
    *, full_name: str, email: str, roles: Iterable[Role], actor: Actor, now: datetime | None = None
) -> User:
    """Invite a member of staff: a new account gets a link to set a password; an existing one gains the roles."""
    now = now or utcnow()
    email = normalise_email(email)
    roles = frozenset(roles)
    if not roles:
        raise DomainError("Select at least one role", field="roles")
    user = find_user_by_email(email)
    if user is not None:
        set_roles(user, roles | user.roles, actor=actor, now=now)
        queue_email(
            to=email,
            template="accounts/roles_changed",
            context={"full_name": user.full_name, "roles": sorted(role.label for role in user.roles)},
            now=now,
        )
        return user
    user = User(
        full_name=full_name,
        email=email,
        created_at=now,
        role_grants=[UserRole(role=role, granted_at=now) for role in sorted(roles)],
    )
    db.session.add(user)
    audit.record(actor=actor, action="user.invited", obj=user, after={"email": email, "roles": roles}, now=now)
    _send_invitation(user, invited_by=actor, now=now)
    return user


def _send_invitation(user: User, *, invited_by: Actor, now: datetime) -> None:
    token = issue_token(user, TokenPurpose.INVITATION, now=now)
    inviter = invited_by.user.full_name if invited_by.user else current_app.config["COUNCIL_NAME"]
    queue_email(
        to=user.email,
        template="accounts/invitation",
        context={
            "full_name": user.full_name,
            "token": token,
            "invited_by": inviter,
            "roles": sorted(role.label for role in user.roles),
            "days": current_app.config["INVITATION_TOKEN_HOURS"] // 24,
        },
        now=now,
    )


def resend_invitation(user: User, *, actor: Actor, now: datetime | None = None) -> None:
    now = now or utcnow()
    if user.has_password:
        raise DomainError(f"{user.full_name} has already accepted their invitation")
    _send_invitation(user, invited_by=actor, now=now)
    audit.record(actor=actor, action="user.invitation_resent", obj=user, now=now)


def accept_invitation(raw_token: str, *, password: str, actor: Actor, now: datetime | None = None) -> User:
    now = now or utcnow()
    user = _set_password_by_link(raw_token, TokenPurpose.INVITATION, password=password, now=now)
    audit.record(actor=Actor(user, actor.ip_address), action="user.invitation_accepted", obj=user, now=now)
    return user


def set_roles(user: User, roles: Iterable[Role], *, actor: Actor, now: datetime | None = None) -> None:
    now = now or utcnow()
    wanted = frozenset(roles)
    before = user.roles
    if wanted == before:
        return
    if actor.user_id == user.id and Role.ADMINISTRATOR in before and Role.ADMINISTRATOR not in wanted:
        raise DomainError("You cannot remove your own administrator role. Ask another administrator.", field="roles")
    user.role_grants = [grant for grant in user.role_grants if grant.role in wanted] + [
        UserRole(role=role, granted_at=now) for role in sorted(wanted - before)
    ]
    audit.record(
        actor=actor, action="user.roles_changed", obj=user, before={"roles": before}, after={"roles": wanted}, now=now
    )


def disable_user(user: User, *, actor: Actor, now: datetime | None = None) -> None:
    now = now or utcnow()
    if actor.user_id == user.id:
        raise DomainError("You cannot disable your own account")
    if not user.is_active:
        return
    user.disabled_at = now
    _end_sessions(user)
    audit.record(actor=actor, action="user.disabled", obj=user, after={"disabled_at": now}, now=now)


def enable_user(user: User, *, actor: Actor) -> None:
    if user.is_active:
        return
    before = {"disabled_at": user.disabled_at}
    user.disabled_at = None
    audit.record(actor=actor, action="user.enabled", obj=user, before=before)


def active_users_with(roles: Iterable[Role]) -> list[User]:
    """Everyone not disabled who holds any of these roles, by name."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.disabled_at.is_(None), User.role_grants.any(UserRole.role.in_(list(roles))))
            .order_by(User.full_name, User.id)
        )
    )


def list_users(*, search: str = "", role: Role | None = None, page: int = 1) -> Pagination:
    query = select(User).order_by(User.full_name, User.id)
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(User.email.like(pattern) | User.full_name.ilike(pattern))
    if role is not None:
        query = query.where(User.role_grants.any(UserRole.role == role))
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)
