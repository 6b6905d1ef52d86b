"""Password hashing (Argon2id) and the rules a new password must meet."""

from __future__ import annotations

import functools
import gzip
from pathlib import Path

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

COMMON_PASSWORDS_FILE = Path(__file__).parent / "data" / "common-passwords.txt.gz"
MAX_LENGTH = 256  # long enough for any passphrase, short enough that hashing cannot be used to flood us


@functools.cache
def _common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def _hasher() -> PasswordHasher:
    return PasswordHasher.from_parameters(getattr(profiles, current_app.config["PASSWORD_HASH_PROFILE"]))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if password_hash is None:
        # Spend the same effort as a real check, so timing does not tell which accounts exist.
        _hasher().hash(password)
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str, *, email: str = "", full_name: str = "") -> str | None:
    """The reason a new password is not good enough, in plain English, or None if it is fine."""
    min_length = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < min_length:
        return f"Password must be {min_length} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    lowered = password.lower()
    if lowered in _common_passwords() or lowered.strip("0123456789!") in _common_passwords():
        return "This password is too common. Try three random words, like ‘kettle river orange’"
    personal = [email.split("@")[0].lower(), *full_name.lower().split()]
    if any(len(part) >= 4 and part in lowered for part in personal):
        return "Password must not contain your name or email address"
    return None
