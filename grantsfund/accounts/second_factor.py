"""Two-step verification: an authenticator app (TOTP) after the password, with single-use recovery codes.

The app's secret is kept in the person's record from the moment they start setting it up, and only counts once they
have typed a code from it. It never goes into logs, audit events or emails.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from grantsfund import policy
from grantsfund.accounts.models import RecoveryCode, User
from grantsfund.accounts.services import _end_sessions, _record_failed_sign_in
from grantsfund.audit import services as audit
from grantsfund.common.actor import Actor
from grantsfund.common.dates import utcnow
from grantsfund.common.errors import DomainError
from grantsfund.extensions import db
from grantsfund.notifications.services import queue_email

RECOVERY_CODE_COUNT = 10
# 12 characters from 32 letters and digits (no 0/o, 1/l): 60 bits each, written as three groups of four.
RECOVERY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
RECOVERY_GROUP = 4
RECOVERY_GROUPS = 3
# How many 30-second steps either side of the server's clock a code may come from (a phone's clock drifts).
DRIFT_STEPS = 1


class CodeRefused(DomainError):
    def __init__(self) -> None:
        super().__init__(
            "The code is not right, or it has expired. Enter the current 6-digit code from your authenticator app",
            field="code",
        )


class RecoveryCodeRefused(DomainError):
    def __init__(self) -> None:
        super().__init__("The recovery code is not right, or it has already been used", field="code")


class Locked(DomainError):
    def __init__(self) -> None:
        minutes = current_app.config["LOCKOUT_MINUTES"]
        super().__init__(f"Too many wrong codes. Wait {minutes} minutes, then sign in again", field="code")


def normalise_code(typed: str) -> str:
    """What a person typed, as the service compares it: spaces and hyphens (as codes are shown) ignored."""
    return "".join(typed.split()).replace("-", "").lower()


def _hash_recovery_code(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def secret_in_groups(secret: str) -> str:
    """The secret as a person types it into an app: groups of four."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(user: User) -> str:
    """The set-up QR code as an SVG data: URI, so no inline style or extra request is needed."""
    assert user.totp_secret is not None  # noqa: S101 -- only called while setting up
    uri = pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=current_app.config["SERVICE_NAME"])
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=2))


def start_set_up(user: User) -> None:
    """Give the person a new secret to add to their app; any earlier one not yet confirmed stops working."""
    if user.has_second_factor:
        raise DomainError("Two-step verification is already set up")
    user.totp_secret = pyotp.random_base32()


def _accept_code(user: User, typed: str, *, now: datetime) -> bool:
    """True, once only, for a code from the person's app within the drift window; remembers its step."""
    code = normalise_code(typed)
    if user.totp_secret is None or not code.isdecimal() or len(code) != 6:
        return False
    totp = pyotp.TOTP(user.totp_secret)
    current = totp.timecode(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            return _claim_step(user, step)
    return False


def _claim_step(user: User, step: int) -> bool:
    """Record the step as used, unless it or a later one already is: a replay, even one sent at the same moment
    (the second update waits for the first's row lock, then finds the step taken)."""
    claimed = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return False
    set_committed_value(user, "totp_last_step", step)
    return True


def _check_code(user: User, typed: str, *, actor: Actor, now: datetime) -> None:
    """A current code from the person's app; wrong ones count towards the sign-in lock."""
    if user.locked_until is not None and user.locked_until > now:
        raise Locked
    if not _accept_code(user, typed, now=now):
        _record_failed_sign_in(user, actor=actor, now=now)
        raise Locked if user.locked_until is not None and user.locked_until > now else CodeRefused


def _tell(user: User, change: str, *, now: datetime, **context: object) -> None:
    queue_email(
        to=user.email,
        template="accounts/two_step_changed",
        context={"full_name": user.full_name, "change": change, **context},
        now=now,
    )


def _new_recovery_codes(user: User, *, now: datetime) -> list[str]:
    """A fresh set of recovery codes; any earlier ones stop working. Returned once, to show the person."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUP * RECOVERY_GROUPS))
        code = "-".join(raw[i : i + RECOVERY_GROUP] for i in range(0, len(raw), RECOVERY_GROUP))
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash_recovery_code(code), created_at=now))
        codes.append(code)
    return codes


def confirm_set_up(user: User, code: str, *, actor: Actor, now: datetime | None = None) -> list[str]:
    """Switch two-step verification on once the person proves their app works; returns their recovery codes."""
    now = now or utcnow()
    if user.has_second_factor or user.totp_secret is None:
        raise DomainError("Start setting up two-step verification again", field="code")
    user.totp_last_step = None
    _check_code(user, code, actor=actor, now=now)
    user.totp_enabled_at = now
    codes = _new_recovery_codes(user, now=now)
    audit.record(actor=actor, action="user.second_factor_enabled", obj=user, after={"enabled_at": now}, now=now)
    _tell(user, "enabled", now=now)
    return codes


def verify_sign_in_code(user: User, code: str, *, actor: Actor, now: datetime | None = None) -> None:
    _check_code(user, code, actor=actor, now=now or utcnow())


def recovery_codes_left(user: User) -> int:
    query = select(func.count()).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    return int(db.session.scalar(query) or 0)


def use_recovery_code(user: User, code: str, *, actor: Actor, now: datetime | None = None) -> None:
    """Sign in with a recovery code instead of the app. Each works once; the person is told by email."""
    now = now or utcnow()
    if user.locked_until is not None and user.locked_until > now:
        raise Locked
    # One conditional update, so a code sent twice at the same moment is used once.
    used = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash_recovery_code(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if not user.has_second_factor or used.rowcount != 1:  # type: ignore[attr-defined]
        _record_failed_sign_in(user, actor=actor, now=now)
        raise RecoveryCodeRefused
    left = recovery_codes_left(user)
    audit.record(actor=actor, action="user.recovery_code_used", obj=user, after={"recovery_codes_left": left}, now=now)
    _tell(user, "recovery_code_used", now=now, left=left)


def replace_recovery_codes(user: User, code: str, *, actor: Actor, now: datetime | None = None) -> list[str]:
    now = now or utcnow()
    _check_code(user, code, actor=actor, now=now)
    codes = _new_recovery_codes(user, now=now)
    audit.record(actor=actor, action="user.recovery_codes_replaced", obj=user, now=now)
    _tell(user, "recovery_codes_replaced", now=now)
    return codes


def _switch_off(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def turn_off(user: User, code: str, *, actor: Actor, now: datetime | None = None) -> None:
    """The person switches it off themselves: only when none of their roles needs it, and with a current code."""
    now = now or utcnow()
    if policy.requires_second_factor(user):
        raise DomainError("Your role needs two-step verification, so it cannot be turned off", field="code")
    _check_code(user, code, actor=actor, now=now)
    before = {"enabled_at": user.totp_enabled_at}
    _switch_off(user)
    audit.record(actor=actor, action="user.second_factor_disabled", obj=user, before=before, now=now)
    _tell(user, "disabled", now=now)


def reset(user: User, *, actor: Actor, now: datetime | None = None) -> None:
    """An administrator's reset (a lost phone): the person is signed out and sets up again when they next sign in."""
    now = now or utcnow()
    if actor.user_id == user.id:
        raise DomainError("You cannot reset your own two-step verification. Ask another administrator.")
    before = {"enabled_at": user.totp_enabled_at}
    _switch_off(user)
    _end_sessions(user)
    audit.record(actor=actor, action="user.second_factor_reset", obj=user, before=before, now=now)
    _tell(user, "reset", now=now)
