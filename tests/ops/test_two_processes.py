"""Nothing assumes one process: two gunicorn servers on one PostgreSQL database and one Redis share sessions and
the sign-in rate limit, and two mail workers on the same outbox send each message exactly once.

The test runs on a database of its own, created beside the suite's and dropped afterwards, so what the servers
commit never meets other tests' data.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
import redis
from sqlalchemy import func, select

from bench.drills.stack import ROOT, app_environment, migrate, serve
from bench.drills.visitor import Visitor
from grantsfund import create_app
from grantsfund.accounts.models import Role, User, UserRole
from grantsfund.accounts.passwords import hash_password
from grantsfund.common.dates import utcnow
from grantsfund.extensions import db
from grantsfund.notifications.models import OutboxMessage, OutboxStatus
from grantsfund.notifications.services import queue_email

pytestmark = [pytest.mark.postgresql_only, pytest.mark.real_commits]

PASSWORD = "a-long-password-for-two-servers"  # noqa: S105 -- a test login's password
SIGN_IN_LIMIT = 6  # attempts a minute from one address, across every server
MESSAGES = 40


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is not installed (make system-packages installs it)")
        pytest.skip("redis-server is not installed")
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 -- a fixed command
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    client.close()
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    """An empty database of its own on the suite's PostgreSQL server, migrated; dropped afterwards."""
    suite_url = os.environ["TEST_DATABASE_URL"]
    name = f"grantsfund_two_processes_{secrets.token_hex(4)}"
    admin = suite_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = suite_url.rsplit("/", 1)[0] + f"/{name}"
    try:
        migrate(url)
        yield url
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def their_app(database_url: str) -> Iterator[object]:
    """The app on the test's own database, for setting up data and reading what the servers did."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url}, env_name="test")
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def servers(database_url: str, redis_url: str) -> Iterator[tuple[str, str]]:
    # Both servers sign cookies with the one key, as every server of a deployment does.
    shared = {"SECRET_KEY": secrets.token_hex(32), "RATELIMIT_STORAGE_URI": redis_url}
    shared["SIGN_IN_RATE_LIMIT"] = f"{SIGN_IN_LIMIT}/minute"
    with (
        serve(database_url, workers=1, threads=2, env=shared) as first,
        serve(database_url, workers=1, threads=2, env=shared) as second,
    ):
        yield first, second


@pytest.fixture
def visitor() -> Iterator[Callable[..., Visitor]]:
    """A browser on a server, its connection closed after the test."""
    made: list[Visitor] = []

    def make(base_url: str, cookies: dict[str, str] | None = None) -> Visitor:
        made.append(Visitor(base_url, cookies=dict(cookies or {})))
        return made[-1]

    yield make
    for each in made:
        each.close()


def _add_applicant(app, email: str) -> None:
    with app.app_context():
        now = utcnow()
        db.session.add(
            User(
                email=email,
                full_name="Two Servers",
                password_hash=hash_password(PASSWORD),
                email_verified_at=now,
                created_at=now,
                role_grants=[UserRole(role=Role.APPLICANT, granted_at=now)],
            )
        )
        db.session.commit()


def test_a_session_started_on_one_server_works_on_the_other_and_signing_out_ends_it_on_both(
    their_app, servers, visitor
):
    first, second = servers
    _add_applicant(their_app, "both-servers@example.org")
    on_first = visitor(first)
    on_first.sign_in("both-servers@example.org", PASSWORD)
    on_second = visitor(second, on_first.cookies)

    assert on_second.get("/account").status == 200  # the page also gives the session's token for signing out
    assert on_second.post_form("/sign-out", {}).status == 302
    # The cookie the first server handed out is still the one the browser first had: it no longer signs anyone in.
    after = on_first.get("/account")
    assert after.status == 302
    assert after.location == "/sign-in"


def test_the_sign_in_rate_limit_counts_attempts_on_both_servers(servers, redis_url: str, visitor):
    first, second = servers
    with redis.Redis.from_url(redis_url) as limits:
        limits.flushall()  # forget other tests' sign-ins from this address
    visitors = [visitor(first), visitor(second)]
    for each in visitors:
        each.get("/sign-in")
    answers = [
        visitors[attempt % 2].post_form("/sign-in", {"email": f"nobody{attempt}@example.org", "password": "wrong"})
        for attempt in range(SIGN_IN_LIMIT)
    ]
    assert [answer.status for answer in answers] == [200] * SIGN_IN_LIMIT  # each shows "wrong email or password"

    # Each server has seen only half the limit; together they have seen all of it.
    for each in visitors:
        refused = each.post_form("/sign-in", {"email": "nobody@example.org", "password": "wrong"})
        assert refused.status == 429


def test_two_mail_workers_send_each_message_exactly_once(their_app, database_url: str, tmp_path: Path):
    recipients = [f"person{number}@example.org" for number in range(MESSAGES)]
    with their_app.app_context():
        for recipient in recipients:
            queue_email(to=recipient, template="accounts/already_registered", context={"full_name": "A Person"})
        db.session.commit()

    workers = []
    for number in (1, 2):
        env = {**os.environ, **app_environment(database_url, tmp_path / f"worker{number}")}
        command = [sys.executable, "-m", "flask", "--app", "wsgi:app", "outbox", "deliver", "--batch", "1000"]
        workers.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True))  # noqa: S603
    for worker in workers:
        worker.communicate(timeout=60)
        assert worker.returncode == 0

    sent = Counter(
        path.name.split("-", 1)[1].removesuffix(".eml").replace("_at_", "@")
        for path in tmp_path.glob("worker*/mail/*.eml")
    )
    assert sent == Counter(recipients)  # every message once: none lost, none twice
    with their_app.app_context():
        pending = db.session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status != OutboxStatus.SENT)
        )
    assert pending == 0
