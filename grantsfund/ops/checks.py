"""The checks `flask check` runs on a configuration before it serves the public.

A problem is either a refusal (the service is not safe to run like this: a known secret key, cookies sent over
plain HTTP, links in emails that point at a developer's machine) or a warning (it runs, but a council would want
to know: SQLite rather than PostgreSQL, rate limits kept per process, no virus scanner). Each says what to set."""

from __future__ import annotations

import enum
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from config import DEV_SECRET_KEY
from grantsfund.reporting.opendata import identifiers

# Long enough that it cannot be guessed: 32 random bytes written as hex is 64 characters.
SECRET_KEY_MIN_LENGTH = 32
EXAMPLE_DOMAINS = ("example.gov.uk", "example.org", "example.com")


class Severity(enum.StrEnum):
    REFUSED = "refused"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    severity: Severity
    setting: str
    message: str


Config = Mapping[str, Any]


def _refused(setting: str, message: str) -> Problem:
    return Problem(Severity.REFUSED, setting, message)


def _warning(setting: str, message: str) -> Problem:
    return Problem(Severity.WARNING, setting, message)


def _placeholder(value: str) -> bool:
    """Still the example file's text ("CHANGE …"), not a real value."""
    return "CHANGE" in value or any(character.isspace() for character in value)


def _secret_key(config: Config) -> Iterator[Problem]:
    key = config.get("SECRET_KEY") or ""
    if key == DEV_SECRET_KEY or len(key) < SECRET_KEY_MIN_LENGTH or _placeholder(key):
        yield _refused(
            "SECRET_KEY",
            f"Set SECRET_KEY to a random value of at least {SECRET_KEY_MIN_LENGTH} characters, for example the "
            'output of python -c "import secrets; print(secrets.token_hex(32))"',
        )


def _transport(config: Config) -> Iterator[Problem]:
    if not config.get("SESSION_COOKIE_SECURE"):
        yield _refused("SESSION_COOKIE_SECURE", "Session cookies must only travel over HTTPS: unset it or set it true")
    if not config.get("HSTS"):
        yield _refused("APP_ENV", "Run with APP_ENV=production, which tells browsers to use HTTPS only (HSTS)")
    if config.get("DEBUG"):
        yield _refused("FLASK_DEBUG", "Turn the debugger off: it lets anyone who sees an error page run code")
    base = urlsplit(config.get("BASE_URL") or "")
    if base.scheme != "https" or base.hostname in {None, "localhost", "127.0.0.1"}:
        yield _refused("BASE_URL", "Set BASE_URL to the service's public https:// address: emails link to it")


def _database(config: Config) -> Iterator[Problem]:
    if str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
        yield _warning(
            "DATABASE_URL",
            "The database is SQLite: fine for trying the service, but use PostgreSQL for a council's real data "
            "(backups with pg_dump, several workers, reports on a replica)",
        )


def _several_workers(config: Config) -> Iterator[Problem]:
    if str(config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory://"):
        yield _warning(
            "RATELIMIT_STORAGE_URI",
            "Rate limits are kept in each process's memory, so with several workers or servers each counts "
            "apart: set it to redis://… (one Redis that every worker shares)",
        )
    if not config.get("TRUSTED_PROXY_COUNT"):
        yield _warning(
            "TRUSTED_PROXY_COUNT",
            "Behind nginx or a load balancer, set this to the number of proxies, or every visitor shares the "
            "proxy's address for rate limits and the audit trail",
        )


def _mail(config: Config) -> Iterator[Problem]:
    if config.get("MAIL_BACKEND") != "smtp":
        yield _refused("MAIL_BACKEND", "Set MAIL_BACKEND=smtp: the file backend only writes emails to a folder")
    sender = str(config.get("MAIL_DEFAULT_SENDER") or "")
    if any(domain in sender for domain in EXAMPLE_DOMAINS):
        yield _refused("MAIL_DEFAULT_SENDER", "Set the address emails come from to one of the council's own")
    if _placeholder(str(config.get("MAIL_PASSWORD") or "")):
        yield _refused("MAIL_PASSWORD", "Set the mail password: it is still the example file's placeholder")
    if config.get("MAIL_USERNAME") and not (config.get("MAIL_USE_TLS") or config.get("MAIL_USE_SSL")):
        yield _refused("MAIL_USE_TLS", "The mail password would cross the network in clear: set MAIL_USE_TLS=true")


def _uploads(config: Config) -> Iterator[Problem]:
    folder = str(config.get("UPLOAD_DIR") or "")
    if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
        yield _refused(
            "UPLOAD_DIR", f"Groups' documents are kept in {folder or 'UPLOAD_DIR'}: make it a writable folder"
        )
    if not config.get("CLAMD_SOCKET"):
        yield _warning("CLAMD_SOCKET", "No virus scanner: uploads are kept unscanned. Set the ClamAV daemon's socket")


def _identity(config: Config) -> Iterator[Problem]:
    for setting in ("SUPPORT_EMAIL", "COUNCIL_WEBSITE", "FUNDING_ADVICE_URL", "OPEN_DATA_SOURCE_URL"):
        if any(domain in str(config.get(setting) or "") for domain in EXAMPLE_DOMAINS):
            yield _warning(setting, "Still the example value: set the council's own")
    if config.get("COUNCIL_ORG_ID") == "GB-LAE-NBK":
        yield _warning("COUNCIL_ORG_ID", "Set the council's org-id (GB-LAE- and its code) for 360Giving data")


def _open_data(config: Config) -> Iterator[Problem]:
    prefix = str(config.get("OPEN_DATA_PREFIX") or "").strip().removeprefix("360G-")
    if not identifiers.PREFIX.fullmatch(prefix):
        yield _refused(
            "OPEN_DATA_PREFIX",
            "Set the prefix 360Giving gave the council (letters, digits and hyphens, such as 360G-northbrook): every "
            "published grant's identifier starts with it",
        )
    elif prefix == "northbrook":
        yield _warning("OPEN_DATA_PREFIX", "Still the example prefix: set the one 360Giving gave the council")


CHECKS: list[Callable[[Config], Iterator[Problem]]] = [
    _secret_key,
    _transport,
    _database,
    _several_workers,
    _mail,
    _uploads,
    _identity,
    _open_data,
]


def problems(config: Config) -> list[Problem]:
    """Everything about `config` that makes it unsafe (refused) or unwise (warning) for real use, refusals first."""
    found = [problem for check in CHECKS for problem in check(config)]
    return sorted(found, key=lambda problem: problem.severity != Severity.REFUSED)
