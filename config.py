"""Configuration, read only from environment variables, with safe development defaults.

`APP_ENV` chooses the class: development (default), production or test.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEV_SECRET_KEY = "dev-only-secret-key-do-not-use-in-production"  # noqa: S105 -- production refuses it


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def sqlalchemy_url(url: str) -> str:
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the psycopg 3 driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = sqlalchemy_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'grantsfund.sqlite'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, object] = {"pool_pre_ping": True}

    COUNCIL_NAME = os.environ.get("COUNCIL_NAME", "Northbrook Council")
    COUNCIL_LOGO_URL = os.environ.get("COUNCIL_LOGO_URL", "")
    COUNCIL_WEBSITE = os.environ.get("COUNCIL_WEBSITE", "https://www.example.gov.uk")
    SERVICE_NAME = os.environ.get("SERVICE_NAME", "Communities Fund")
    SERVICE_PHASE = os.environ.get("SERVICE_PHASE", "Beta")
    SUPPORT_EMAIL = os.environ.get("SUPPORT_EMAIL", "communities.fund@example.gov.uk")
    # Where a group that cannot apply is pointed for other funding (the council's funding advice page).
    FUNDING_ADVICE_URL = os.environ.get("FUNDING_ADVICE_URL", "https://www.example.gov.uk/funding-advice")
    # Where the council is, so that signposting knows which funders' areas cover it.
    COUNCIL_NATION = os.environ.get("COUNCIL_NATION", "England")
    COUNCIL_REGION = os.environ.get("COUNCIL_REGION", "")
    # Signposting: how many funders the matching suggests, when a group is asked what happened, and how old a
    # directory entry may get before it is flagged for checking.
    SIGNPOST_SUGGESTIONS = env_int("SIGNPOST_SUGGESTIONS", 5)
    SIGNPOST_FOLLOW_UP_WEEKS = env_int("SIGNPOST_FOLLOW_UP_WEEKS", 12)
    FUNDER_VERIFY_MONTHS = env_int("FUNDER_VERIFY_MONTHS", 12)
    # Grant agreements: who signs for the group, how long an offer stays open, how often a funded group reports
    # and how long after a period its return is due, and the largest grant paid in a single instalment.
    AGREEMENT_SIGNATORY_ROLE = os.environ.get("AGREEMENT_SIGNATORY_ROLE", "Chair, Treasurer or Secretary")
    OFFER_ACCEPT_DAYS = env_int("OFFER_ACCEPT_DAYS", 28)
    MONITORING_EVERY_MONTHS = env_int("MONITORING_EVERY_MONTHS", 6)
    RETURN_DUE_DAYS = env_int("RETURN_DUE_DAYS", 30)
    # Monitoring: a reminder this many days before a return is due (and one when it is overdue); a return sent back
    # for changes is due again this many days after (or on its due date, if later); a spending line further than
    # this percentage from its budget to date needs an explanation.
    RETURN_REMINDER_DAYS = env_int("RETURN_REMINDER_DAYS", 14)
    RESUBMIT_DAYS = env_int("RESUBMIT_DAYS", 14)
    SPEND_VARIANCE_PERCENT = env_int("SPEND_VARIANCE_PERCENT", 10)
    # Sustainability: a grant ending within this many months is at risk if its plan is red or amber or its
    # income is not all secured.
    AT_RISK_MONTHS = env_int("AT_RISK_MONTHS", 6)
    # Open data: grants are published in the 360Giving Data Standard as "360G-<prefix>-<reference>", the prefix
    # being the one 360Giving gave the council; the council is the funder under its org-id (GB-LAE- and its code
    # in the Local Authorities register), and dataSource links to the page where the council publishes the file.
    OPEN_DATA_PREFIX = os.environ.get("OPEN_DATA_PREFIX", "northbrook")
    COUNCIL_ORG_ID = os.environ.get("COUNCIL_ORG_ID", "GB-LAE-NBK")
    OPEN_DATA_SOURCE_URL = os.environ.get(
        "OPEN_DATA_SOURCE_URL", "https://www.example.gov.uk/open-data/communities-fund"
    )
    SINGLE_PAYMENT_LIMIT_PENCE = env_int("SINGLE_PAYMENT_LIMIT_PENCE", 500_000)
    # Data protection (docs/data-protection.md): how long personal data is kept before `flask data purge`
    # anonymises it. Declined, ineligible and withdrawn applications: months after the last change; drafts never
    # submitted: months after the last change; applicant accounts and groups: months unused; emails: days after
    # sending (or giving up).
    RETENTION_DECIDED_MONTHS = env_int("RETENTION_DECIDED_MONTHS", 24)
    RETENTION_DRAFT_MONTHS = env_int("RETENTION_DRAFT_MONTHS", 12)
    RETENTION_ACCOUNT_MONTHS = env_int("RETENTION_ACCOUNT_MONTHS", 36)
    RETENTION_OUTBOX_DAYS = env_int("RETENTION_OUTBOX_DAYS", 90)
    # Absolute links in emails are built from this, because the mail worker has no request.
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")

    SESSION_COOKIE_NAME = "grantsfund_session"
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=env_int("SESSION_IDLE_MINUTES", 30))
    # However busy, a session ends this long after signing in, and the person signs in again (ASVS 3.3.2).
    SESSION_MAX_HOURS = env_int("SESSION_MAX_HOURS", 12)
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the CSRF token lives as long as the session, which expires on its own

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
    SIGN_IN_RATE_LIMIT = os.environ.get("SIGN_IN_RATE_LIMIT", "20/minute;100/hour")
    ACCOUNT_RATE_LIMIT = os.environ.get("ACCOUNT_RATE_LIMIT", "10/minute")
    # Number of proxies in front of the app whose X-Forwarded-For may be trusted (0: none).
    TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

    LOCKOUT_THRESHOLD = env_int("LOCKOUT_THRESHOLD", 5)
    LOCKOUT_MINUTES = env_int("LOCKOUT_MINUTES", 15)
    # How long a person who has given the right password has to give their authenticator code.
    SECOND_STEP_MINUTES = env_int("SECOND_STEP_MINUTES", 5)
    PASSWORD_MIN_LENGTH = 12
    PASSWORD_HASH_PROFILE = "RFC_9106_LOW_MEMORY"  # noqa: S105 -- the name of an argon2 cost profile
    VERIFY_TOKEN_HOURS = 48
    RESET_TOKEN_HOURS = 1
    INVITATION_TOKEN_HOURS = 7 * 24

    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "file")  # "file" or "smtp"
    MAIL_FILE_DIR = os.environ.get("MAIL_FILE_DIR", str(BASE_DIR / "instance" / "mail"))
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = env_bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = env_bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Communities Fund <no-reply@example.gov.uk>")
    OUTBOX_RETRY_HOURS = env_int("OUTBOX_RETRY_HOURS", 72)
    OUTBOX_BACKOFF_SECONDS = env_int("OUTBOX_BACKOFF_SECONDS", 30)
    OUTBOX_MAX_BACKOFF_SECONDS = env_int("OUTBOX_MAX_BACKOFF_SECONDS", 3600)

    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(BASE_DIR / "instance" / "uploads"))
    UPLOAD_MAX_MB = env_int("UPLOAD_MAX_MB", 10)
    # Flask refuses larger request bodies before reading them (413); a little room for the form's other fields.
    MAX_CONTENT_LENGTH = (UPLOAD_MAX_MB + 1) * 1024 * 1024
    CLAMD_SOCKET = os.environ.get("CLAMD_SOCKET", "")
    HSTS = False


class DevelopmentConfig(Config):
    pass


class ProductionConfig(Config):
    ENV_NAME = "production"
    HSTS = True
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SQLALCHEMY_DATABASE_URI = sqlalchemy_url(os.environ.get("TEST_DATABASE_URL", "sqlite://"))
    PASSWORD_HASH_PROFILE = "CHEAPEST"  # noqa: S105 -- the name of an argon2 cost profile
    MAIL_BACKEND = "smtp"  # Flask-Mail suppresses sending when TESTING; tests record messages


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "test": TestConfig,
}


def config_for(env_name: str | None = None) -> type[Config]:
    name = env_name or os.environ.get("APP_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"APP_ENV must be one of {', '.join(CONFIGS)}, not {name!r}") from None
