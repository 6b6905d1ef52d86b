"""`flask check`: a configuration fit to serve the public passes (with warnings for what a council would want to
know); one that is unsafe fails, naming each setting and what to set."""

from __future__ import annotations

from typing import Any

import pytest

from config import DEV_SECRET_KEY, ProductionConfig
from grantsfund.ops import checks
from grantsfund.ops.checks import Severity


@pytest.fixture
def production(tmp_path) -> dict[str, Any]:
    """A production configuration as a council would set it up: PostgreSQL, Redis, SMTP over TLS, behind nginx."""
    config = {key: getattr(ProductionConfig, key) for key in dir(ProductionConfig) if key.isupper()}
    config.update(
        SECRET_KEY="a" * 64,
        SQLALCHEMY_DATABASE_URI="postgresql+psycopg://grantsfund@db/grantsfund",
        RATELIMIT_STORAGE_URI="redis://cache:6379/0",
        TRUSTED_PROXY_COUNT=1,
        BASE_URL="https://grants.northbrook.gov.uk",
        MAIL_DEFAULT_SENDER="Communities Fund <communities.fund@northbrook.gov.uk>",
        MAIL_USERNAME="grants",
        MAIL_USE_TLS=True,
        UPLOAD_DIR=str(tmp_path),
        CLAMD_SOCKET="/run/clamav/clamd.ctl",
        SUPPORT_EMAIL="communities.fund@northbrook.gov.uk",
        COUNCIL_WEBSITE="https://www.northbrook.gov.uk",
        FUNDING_ADVICE_URL="https://www.northbrook.gov.uk/funding",
        OPEN_DATA_SOURCE_URL="https://www.northbrook.gov.uk/open-data",
        COUNCIL_ORG_ID="GB-LAE-NRB",
        OPEN_DATA_PREFIX="360G-nrbc",
        MAIL_PASSWORD="a-long-random-relay-password",
    )
    return config


def settings(found: list[checks.Problem], severity: Severity) -> list[str]:
    return [problem.setting for problem in found if problem.severity is severity]


def test_a_council_s_production_configuration_passes_without_a_warning(production):
    assert checks.problems(production) == []


@pytest.mark.parametrize(
    ("change", "setting"),
    [
        ({"SECRET_KEY": DEV_SECRET_KEY}, "SECRET_KEY"),
        ({"SECRET_KEY": "short-but-not-default"}, "SECRET_KEY"),
        ({"SESSION_COOKIE_SECURE": False}, "SESSION_COOKIE_SECURE"),
        ({"HSTS": False}, "APP_ENV"),
        ({"DEBUG": True}, "FLASK_DEBUG"),
        ({"BASE_URL": "http://grants.northbrook.gov.uk"}, "BASE_URL"),
        ({"BASE_URL": "https://127.0.0.1:5000"}, "BASE_URL"),
        ({"MAIL_BACKEND": "file"}, "MAIL_BACKEND"),
        ({"MAIL_DEFAULT_SENDER": "Communities Fund <no-reply@example.gov.uk>"}, "MAIL_DEFAULT_SENDER"),
        ({"MAIL_USE_TLS": False}, "MAIL_USE_TLS"),
        ({"UPLOAD_DIR": "/no/such/folder"}, "UPLOAD_DIR"),
        ({"SECRET_KEY": 'CHANGE-run: python3 -c "import secrets; print(secrets.token_hex(32))"'}, "SECRET_KEY"),
        ({"MAIL_PASSWORD": "CHANGE"}, "MAIL_PASSWORD"),
        ({"OPEN_DATA_PREFIX": ""}, "OPEN_DATA_PREFIX"),
        ({"OPEN_DATA_PREFIX": "360G-"}, "OPEN_DATA_PREFIX"),
        ({"OPEN_DATA_PREFIX": "north brook"}, "OPEN_DATA_PREFIX"),
    ],
)
def test_each_unsafe_setting_is_refused_by_name(production, change, setting):
    production.update(change)
    assert settings(checks.problems(production), Severity.REFUSED) == [setting]


@pytest.mark.parametrize(
    ("change", "setting"),
    [
        ({"SQLALCHEMY_DATABASE_URI": "sqlite:////srv/grantsfund.sqlite"}, "DATABASE_URL"),
        ({"RATELIMIT_STORAGE_URI": "memory://"}, "RATELIMIT_STORAGE_URI"),
        ({"TRUSTED_PROXY_COUNT": 0}, "TRUSTED_PROXY_COUNT"),
        ({"CLAMD_SOCKET": ""}, "CLAMD_SOCKET"),
        ({"SUPPORT_EMAIL": "communities.fund@example.gov.uk"}, "SUPPORT_EMAIL"),
        ({"COUNCIL_ORG_ID": "GB-LAE-NBK"}, "COUNCIL_ORG_ID"),
        ({"OPEN_DATA_PREFIX": "northbrook"}, "OPEN_DATA_PREFIX"),
    ],
)
def test_what_runs_but_is_unwise_is_a_warning_only(production, change, setting):
    production.update(change)
    found = checks.problems(production)
    assert settings(found, Severity.WARNING) == [setting]
    assert settings(found, Severity.REFUSED) == []


def test_the_command_lists_refusals_first_and_fails(app):
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("REFUSED: SECRET_KEY")
    first_warning = next(number for number, line in enumerate(lines) if line.startswith("Warning"))
    assert all(line.startswith("REFUSED") for line in lines[:first_warning])
    assert "not ready to serve" in result.output


def test_the_command_passes_a_safe_configuration(app, production, monkeypatch):
    monkeypatch.setattr(app, "config", {**app.config, **production, "CLAMD_SOCKET": ""})
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Warning: CLAMD_SOCKET: No virus scanner: uploads are kept unscanned. Set the ClamAV daemon's socket",
        "Ready for production (1 warning).",
    ]
