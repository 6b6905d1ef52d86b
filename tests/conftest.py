"""The test harness: one app per run, a database built by the migrations, a rolled-back
transaction around every test, and a test client per role with CSRF switched on."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from typing import Any

import html5lib
import pyotp
import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import select, text
from werkzeug.test import TestResponse

from grantsfund import create_app
from grantsfund.accounts.models import Role, User, UserRole
from grantsfund.accounts.passwords import hash_password
from grantsfund.accounts.views import SECOND_STEP_PASSED
from grantsfund.common.dates import utcnow
from grantsfund.extensions import db, limiter
from grantsfund.notifications.models import OutboxMessage

PASSWORD = "kettle-river-orange-42"
ROLE_FIXTURES = {
    "applicant_client": Role.APPLICANT,
    "officer_client": Role.GRANTS_OFFICER,
    "assessor_client": Role.ASSESSOR,
    "panel_member_client": Role.PANEL_MEMBER,
    "panel_chair_client": Role.PANEL_CHAIR,
    "finance_client": Role.FINANCE_OFFICER,
    "admin_client": Role.ADMINISTRATOR,
}
ALL_CLIENTS = ["anonymous_client", *ROLE_FIXTURES]


def page(response: TestResponse) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def error_messages(response: TestResponse) -> list[str]:
    """The messages in the GOV.UK error summary, as a person reads them."""
    return [link.get_text(strip=True) for link in page(response).select(".govuk-error-summary__list a")]


class Client(FlaskClient):
    """Speaks HTTPS (the session cookie is Secure) and checks every HTML page for well-formed markup and a title."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.environ_base["wsgi.url_scheme"] = "https"

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        # Each request gets its own app context, as in production: a fresh `g` and a fresh database
        # session (on the test's connection). Afterwards the test's own objects are re-read.
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        if response.mimetype == "text/html" and response.status_code != 302:
            html5lib.HTMLParser(strict=True).parse(response.get_data(as_text=True))
            title = page(response).title
            assert title is not None, "every page needs a title"
            assert title.get_text(strip=True), "every page needs a title"
        return response

    def csrf_token(self) -> str:
        """A CSRF token for this client's session, read from a page, as a browser would."""
        for url in ("/sign-in", "/account"):
            response = self.get(url)
            if response.status_code == 200:
                field = page(response).select_one("input[name=csrf_token]")
                assert field is not None
                return str(field["value"])
        raise AssertionError("no page with a CSRF token")

    def submit(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> TestResponse:
        """POST a form the way the browser does: with the session's CSRF token."""
        return self.post(url, data={"csrf_token": self.csrf_token(), **(data or {})}, **kwargs)


class _ConnectionBoundSession(FlaskSession):
    """Flask-SQLAlchemy's session picks an engine per model; in a test it must use the test's connection."""

    def get_bind(self, *args: Any, **kwargs: Any) -> Any:
        return self.bind


def _empty_postgresql() -> None:
    with db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = create_app(
        {
            "MAIL_FILE_DIR": str(tmp_path_factory.mktemp("mail")),
            "UPLOAD_DIR": str(tmp_path_factory.mktemp("uploads")),
            "SERVER_NAME": None,
        },
        env_name="test",
    )
    app.test_client_class = Client
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            _empty_postgresql()
        upgrade()
        yield app
        # Close the pooled connections, or psycopg warns (an error here) when they are garbage-collected.
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _isolated(app: Flask, request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test runs in a transaction that is rolled back; commits inside it are savepoints."""
    limiter.reset()
    if request.node.get_closest_marker("real_commits"):
        yield
        db.session.remove()
        return
    connection = db.engine.connect()
    outer = connection.begin()
    original = db.session
    db.session = db._make_scoped_session(
        {"bind": connection, "join_transaction_mode": "create_savepoint", "class_": _ConnectionBoundSession}
    )
    try:
        yield
    finally:
        db.session.remove()
        outer.rollback()
        connection.close()
        db.session = original


@pytest.fixture
def is_postgresql(app: Flask) -> bool:
    return db.engine.dialect.name == "postgresql"


@pytest.fixture
def make_user() -> Callable[..., User]:
    counter = iter(range(1, 1_000_000))

    def make(
        *,
        roles: set[Role] | frozenset[Role] = frozenset({Role.APPLICANT}),
        email: str | None = None,
        full_name: str = "Test Person",
        password: str | None = PASSWORD,
        verified: bool = True,
        totp: bool = False,
    ) -> User:
        now = utcnow()
        user = User(
            email=email or f"person{next(counter)}@example.org",
            full_name=full_name,
            password_hash=hash_password(password) if password else None,
            email_verified_at=now if verified else None,
            created_at=now,
            role_grants=[UserRole(role=role, granted_at=now) for role in sorted(roles)],
            totp_secret=pyotp.random_base32() if totp else None,
            totp_enabled_at=now if totp else None,
        )
        db.session.add(user)
        db.session.flush()
        return user

    return make


def sign_in_as(client: Client, user: User) -> Client:
    """Put the user in the client's session, as a successful sign-in does."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session[SECOND_STEP_PASSED] = True
    client.user = user  # type: ignore[attr-defined]
    return client


@pytest.fixture
def client(app: Flask) -> Client:
    return app.test_client()  # type: ignore[return-value]


@pytest.fixture
def anonymous_client(app: Flask) -> Client:
    client = app.test_client()
    client.user = None  # type: ignore[attr-defined]
    return client  # type: ignore[return-value]


def _role_client_fixture(role: Role) -> Callable[..., Client]:
    @pytest.fixture
    def fixture(app: Flask, make_user: Callable[..., User]) -> Client:
        user = make_user(roles={role}, email=f"{role.value}@example.gov.uk", full_name=role.label + " Person")
        return sign_in_as(app.test_client(), user)  # type: ignore[arg-type]

    return fixture


for _name, _role in ROLE_FIXTURES.items():
    globals()[_name] = _role_client_fixture(_role)


@pytest.fixture
def client_for(request: pytest.FixtureRequest) -> Callable[[str], Client]:
    """Look up a role client by fixture name, for tests parametrised over roles."""
    return lambda name: request.getfixturevalue(name)


def queued_emails(to: str | None = None, template: str | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if to:
        query = query.where(OutboxMessage.recipient == to)
    if template:
        query = query.where(OutboxMessage.template == template)
    return list(db.session.scalars(query))


def link_token(message: OutboxMessage) -> str:
    token = message.context["token"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{40,}", token)
    return str(token)


if os.environ.get("TEST_DATABASE_URL", "").startswith("sqlite") or not os.environ.get("TEST_DATABASE_URL"):
    POSTGRESQL = False
else:
    POSTGRESQL = True


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if POSTGRESQL:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: run with TEST_DATABASE_URL (make test-postgres)")
    for item in items:
        if item.get_closest_marker("postgresql_only"):
            item.add_marker(skip)
