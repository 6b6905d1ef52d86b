"""The email outbox: queued with the change that causes it, delivered by a worker that retries
an outage with back-off, gives up after the retry window, and never loses or double-sends a message."""

from __future__ import annotations

import email
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask_mail import Message
from sqlalchemy import delete, select

from config import BASE_DIR
from grantsfund.accounts.models import Role
from grantsfund.audit.models import AuditEvent
from grantsfund.common.actor import Actor
from grantsfund.common.errors import DomainError
from grantsfund.extensions import db, mail
from grantsfund.notifications.models import OutboxMessage, OutboxStatus
from grantsfund.notifications.senders import FileSender, SmtpSender
from grantsfund.notifications.services import backoff, count_by_status, deliver_due, queue_email, retry_message
from tests.conftest import queued_emails

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BASE_URL = "https://grants.northbrook.example"
DEFAULT_SENDER = "Communities Fund <no-reply@example.gov.uk>"


@pytest.fixture(autouse=True)
def outbox_settings(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pin the settings these tests count with, whatever the environment running them says."""
    for key, value in {
        "BASE_URL": BASE_URL,
        "OUTBOX_RETRY_HOURS": 72,
        "OUTBOX_BACKOFF_SECONDS": 30,
        "OUTBOX_MAX_BACKOFF_SECONDS": 3600,
    }.items():
        monkeypatch.setitem(app.config, key, value)


class FakeSender:
    """Stands in for the mail server: records each Flask-Mail message, or fails as an outage does."""

    def __init__(self) -> None:
        self.sent: list[Message] = []
        self.failure: BaseException | None = None

    def send(self, message: Message) -> None:
        if self.failure is not None:
            raise self.failure
        self.sent.append(message)

    @property
    def recipients(self) -> list[str]:
        return [message.recipients[0] for message in self.sent]


class KilledMidSend(FakeSender):
    """A worker process killed while talking to the mail server: the send starts, then the process stops."""

    def __init__(self, kill_on: int, error: BaseException) -> None:
        super().__init__()
        self.kill_on = kill_on
        self.error = error

    def send(self, message: Message) -> None:
        self.sent.append(message)
        if len(self.sent) == self.kill_on:
            raise self.error


class WorkerKilled(BaseException):
    """What a SIGTERM handler might raise: not an Exception, so nothing should swallow it."""


def queue(to: str = "ada@example.org", *, now: datetime = T0, name: str = "Ada Lovelace") -> OutboxMessage:
    message = queue_email(to=to, template="accounts/password_changed", context={"full_name": name}, now=now)
    db.session.commit()
    return message


def refreshed(message: OutboxMessage) -> OutboxMessage:
    db.session.refresh(message)
    return message


def make_failed(to: str = "gone@example.org") -> OutboxMessage:
    """A message that failed for good: its one attempt came too near the end of the retry window."""
    message = queue(to)
    report = deliver_due(sender=down_sender(), now=message.give_up_at - timedelta(seconds=1))
    assert report.failed == 1
    return refreshed(message)


def down_sender(error: Exception | None = None) -> FakeSender:
    sender = FakeSender()
    sender.failure = error or ConnectionRefusedError(111, "Connection refused")
    return sender


def alternatives(message: EmailMessage) -> list[str]:
    """The content types a mail client chooses between (Flask-Mail nests them in multipart/mixed)."""
    [alternative] = [part for part in message.walk() if part.get_content_type() == "multipart/alternative"]
    return [part.get_content_type() for part in alternative.iter_parts()]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# Queueing


def test_queued_email_waits_in_the_callers_transaction_and_rolls_back_with_it() -> None:
    message = queue_email(
        to="ada@example.org", template="accounts/password_changed", context={"full_name": "Ada"}, now=T0
    )
    db.session.flush()

    [waiting] = queued_emails(to="ada@example.org")
    assert waiting is message
    assert waiting.status is OutboxStatus.PENDING
    assert waiting.attempts == 0
    assert waiting.next_attempt_at == T0
    assert waiting.give_up_at == T0 + timedelta(hours=72)

    db.session.rollback()  # the change that wanted the email did not happen

    assert queued_emails() == []


def test_queued_email_survives_once_the_callers_transaction_commits() -> None:
    queue_email(to="ada@example.org", template="accounts/password_changed", context={"full_name": "Ada"}, now=T0)
    db.session.commit()
    db.session.rollback()  # a later failure in the same request does not take the email with it

    assert [m.recipient for m in queued_emails()] == ["ada@example.org"]


def test_retry_window_follows_the_setting(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "OUTBOX_RETRY_HOURS", 6)

    message = queue(now=T0)

    assert message.give_up_at == T0 + timedelta(hours=6)


def test_shipped_defaults_retry_for_three_days_backing_off_from_30_seconds_to_an_hour() -> None:
    names = ("OUTBOX_RETRY_HOURS", "OUTBOX_BACKOFF_SECONDS", "OUTBOX_MAX_BACKOFF_SECONDS")
    env = {key: value for key, value in os.environ.items() if key not in names}
    script = f"from config import TestConfig; print(*(getattr(TestConfig, name) for name in {names!r}))"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=True
    )

    assert result.stdout.split() == ["72", "30", "3600"]


# Delivering


def test_delivery_sends_subject_text_and_html_rendered_from_the_template() -> None:
    message = queue_email(
        to="grace@example.org",
        template="accounts/verify_email",
        context={"full_name": "Grace Hopper", "token": "tok_abc123"},
        now=T0,
    )
    db.session.commit()
    sender = FakeSender()

    report = deliver_due(sender=sender, now=T0 + timedelta(seconds=5))

    assert (report.sent, report.retrying, report.failed, report.errors) == (1, 0, 0, [])
    [sent] = sender.sent
    assert sent.recipients == ["grace@example.org"]
    assert sent.sender == DEFAULT_SENDER
    assert sent.subject == "Confirm your email address"
    link = f"{BASE_URL}/verify-email/tok_abc123"
    assert "Dear Grace Hopper," in sent.body
    assert link in sent.body
    assert "<html" not in sent.body
    assert "Dear Grace Hopper," in sent.html
    assert f'href="{link}"' in sent.html
    assert alternatives(email.message_from_bytes(sent.as_bytes(), policy=policy.default)) == [
        "text/plain",
        "text/html",
    ]

    refreshed(message)
    assert message.status is OutboxStatus.SENT
    assert message.sent_at == T0 + timedelta(seconds=5)
    assert message.attempts == 1
    assert message.last_error is None


def test_sent_message_is_not_sent_again() -> None:
    queue()
    sender = FakeSender()

    deliver_due(sender=sender, now=T0)
    second = deliver_due(sender=sender, now=T0 + timedelta(days=1))

    assert second.attempted == 0
    assert sender.recipients == ["ada@example.org"]


def test_message_not_yet_due_is_left_for_later() -> None:
    message = queue(now=T0 + timedelta(hours=1))
    sender = FakeSender()

    early = deliver_due(sender=sender, now=T0 + timedelta(minutes=59))

    assert early.attempted == 0
    assert sender.sent == []
    assert refreshed(message).status is OutboxStatus.PENDING
    assert message.attempts == 0

    on_time = deliver_due(sender=sender, now=T0 + timedelta(hours=1))

    assert on_time.sent == 1
    assert sender.recipients == ["ada@example.org"]


def test_batch_limit_sends_the_oldest_first_and_leaves_the_rest_pending() -> None:
    for minute in (4, 0, 3, 1, 2):
        queue(f"person{minute}@example.org", now=T0 + timedelta(minutes=minute))
    sender = FakeSender()
    later = T0 + timedelta(hours=1)

    first = deliver_due(sender=sender, batch=2, now=later)

    assert first.sent == 2
    assert sender.recipients == ["person0@example.org", "person1@example.org"]
    assert len(queued_emails()) == 5
    assert sum(m.status is OutboxStatus.PENDING for m in queued_emails()) == 3

    second = deliver_due(sender=sender, batch=2, now=later)
    third = deliver_due(sender=sender, batch=2, now=later)

    assert (second.sent, third.sent) == (2, 1)
    assert sender.recipients == [f"person{minute}@example.org" for minute in range(5)]


def test_a_broken_message_does_not_hold_up_the_rest_of_the_queue() -> None:
    broken = queue_email(to="first@example.org", template="accounts/no_such_email", context={}, now=T0)
    db.session.commit()
    queue("second@example.org", now=T0 + timedelta(seconds=1))
    sender = FakeSender()

    report = deliver_due(sender=sender, now=T0 + timedelta(minutes=1))

    assert (report.sent, report.retrying) == (1, 1)
    assert sender.recipients == ["second@example.org"]
    assert refreshed(broken).status is OutboxStatus.PENDING
    assert "TemplateNotFound" in (broken.last_error or "")


# Failing and retrying


def test_backoff_doubles_from_the_base_up_to_the_ceiling(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    assert [backoff(n) for n in (1, 2, 3)] == [timedelta(seconds=s) for s in (30, 60, 120)]
    assert backoff(8) == timedelta(seconds=3600)  # 30 * 2**7 = 3840 seconds, capped at an hour
    assert backoff(500) == timedelta(seconds=3600)

    monkeypatch.setitem(app.config, "OUTBOX_BACKOFF_SECONDS", 10)
    monkeypatch.setitem(app.config, "OUTBOX_MAX_BACKOFF_SECONDS", 45)

    assert [backoff(n) for n in (1, 2, 3, 4)] == [timedelta(seconds=s) for s in (10, 20, 40, 45)]


def test_failed_send_stays_pending_and_is_retried_later_and_later() -> None:
    message = queue("ada@example.org")
    sender = down_sender()
    moment = T0

    for attempt, wait in enumerate((30, 60, 120), start=1):
        report = deliver_due(sender=sender, now=moment)

        assert (report.sent, report.retrying, report.failed) == (0, 1, 0)
        assert report.errors == [
            f"message {message.id} to ada@example.org: ConnectionRefusedError: [Errno 111] Connection refused"
        ]
        refreshed(message)
        assert message.status is OutboxStatus.PENDING
        assert message.attempts == attempt
        assert message.last_error == "ConnectionRefusedError: [Errno 111] Connection refused"
        assert message.next_attempt_at == moment + timedelta(seconds=wait)
        # Not tried again before then.
        assert deliver_due(sender=sender, now=message.next_attempt_at - timedelta(seconds=1)).attempted == 0
        moment = message.next_attempt_at


def test_very_long_error_is_truncated() -> None:
    message = queue()

    deliver_due(sender=down_sender(RuntimeError("x" * 5000)), now=T0)

    assert refreshed(message).last_error is not None
    assert message.last_error.startswith("RuntimeError: xxx")
    assert len(message.last_error) == 2000


def test_message_fails_for_good_when_its_next_retry_would_pass_the_retry_window() -> None:
    message = queue("gone@example.org")
    give_up_at = T0 + timedelta(hours=72)
    sender = down_sender()

    # 31 seconds before the end, a 30-second back-off still fits in the window.
    deliver_due(sender=sender, now=give_up_at - timedelta(seconds=31))
    assert refreshed(message).status is OutboxStatus.PENDING
    assert message.next_attempt_at == give_up_at - timedelta(seconds=1)

    # The next back-off (60 seconds) would end after it.
    report = deliver_due(sender=sender, now=give_up_at - timedelta(seconds=1))

    assert (report.sent, report.retrying, report.failed) == (0, 0, 1)
    assert refreshed(message).status is OutboxStatus.FAILED
    assert message.attempts == 2
    assert message.last_error == "ConnectionRefusedError: [Errno 111] Connection refused"
    assert message.sent_at is None

    # A failed message is left alone, even once the mail server is back.
    sender.failure = None
    assert deliver_due(sender=sender, now=give_up_at + timedelta(days=1)).attempted == 0
    assert sender.sent == []


def test_an_outage_of_hours_loses_nothing() -> None:
    early = queue("early@example.org", now=T0)
    during = queue("during@example.org", now=T0 + timedelta(hours=3))
    sender = down_sender()
    outage = timedelta(hours=8)

    moment = T0
    while moment < T0 + outage:
        report = deliver_due(sender=sender, now=moment)
        assert report.sent == report.failed == 0
        moment += timedelta(minutes=5)

    for message in (early, during):
        assert refreshed(message).status is OutboxStatus.PENDING
    assert early.attempts > 8  # it kept trying through the outage, backing off to hourly
    assert early.next_attempt_at - T0 < outage + timedelta(hours=1)

    sender.failure = None  # the mail server is back
    while moment < T0 + outage + timedelta(hours=1, minutes=5):
        deliver_due(sender=sender, now=moment)
        moment += timedelta(minutes=5)

    assert sorted(sender.recipients) == ["during@example.org", "early@example.org"]
    for message in (early, during):
        assert refreshed(message).status is OutboxStatus.SENT


# An administrator retrying a failed message


def test_administrator_retry_resets_a_failed_message_and_audits_it(make_user) -> None:
    message = make_failed("gone@example.org")
    admin = make_user(roles={Role.ADMINISTRATOR})
    retried_at = T0 + timedelta(days=5)

    retry_message(message, actor=Actor(admin, "203.0.113.7"), now=retried_at)
    db.session.flush()

    assert message.status is OutboxStatus.PENDING
    assert message.next_attempt_at == retried_at
    assert message.give_up_at == retried_at + timedelta(hours=72)
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "outbox.retried"))
    assert event.actor_id == admin.id
    assert event.ip_address == "203.0.113.7"
    assert (event.object_type, event.object_id) == ("outbox_message", str(message.id))
    assert event.before == {"status": "failed", "attempts": 1}
    assert event.after == {"status": "pending"}

    sender = FakeSender()
    assert deliver_due(sender=sender, now=retried_at).sent == 1
    assert sender.recipients == ["gone@example.org"]


def test_administrator_retry_and_its_audit_event_roll_back_together(make_user) -> None:
    message = make_failed()
    admin = make_user(roles={Role.ADMINISTRATOR})
    db.session.commit()

    retry_message(message, actor=Actor(admin), now=T0 + timedelta(days=5))
    db.session.rollback()

    assert refreshed(message).status is OutboxStatus.FAILED
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "outbox.retried")).all() == []


@pytest.mark.parametrize("status", [OutboxStatus.PENDING, OutboxStatus.SENT])
def test_only_failed_messages_can_be_retried(make_user, status: OutboxStatus) -> None:
    message = queue()
    if status is OutboxStatus.SENT:
        deliver_due(sender=FakeSender(), now=T0)
    assert refreshed(message).status is status
    before = (message.next_attempt_at, message.give_up_at)

    with pytest.raises(DomainError, match="Only emails that failed can be sent again"):
        retry_message(message, actor=Actor(make_user(roles={Role.ADMINISTRATOR})), now=T0 + timedelta(days=1))

    assert message.status is status
    assert (message.next_attempt_at, message.give_up_at) == before
    db.session.flush()
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "outbox.retried")).all() == []


# A worker killed mid-send


@pytest.mark.parametrize("error", [KeyboardInterrupt(), WorkerKilled()], ids=["ctrl-c", "killed"])
def test_worker_killed_mid_send_leaves_the_message_pending_for_the_next_run(error: BaseException) -> None:
    for name in ("one", "two", "three"):
        queue(f"{name}@example.org")
    dying = KilledMidSend(kill_on=2, error=error)

    with pytest.raises(type(error)):
        deliver_due(sender=dying, now=T0)
    db.session.rollback()  # the dead worker's open transaction never commits

    assert dying.recipients == ["one@example.org", "two@example.org"]
    statuses = {m.recipient: (m.status, m.attempts) for m in queued_emails()}
    assert statuses == {
        "one@example.org": (OutboxStatus.SENT, 1),
        "two@example.org": (OutboxStatus.PENDING, 0),
        "three@example.org": (OutboxStatus.PENDING, 0),
    }

    next_run = FakeSender()
    report = deliver_due(sender=next_run, now=T0 + timedelta(seconds=10))

    # The interrupted message goes again (it may arrive twice); the finished one does not.
    assert report.sent == 2
    assert next_run.recipients == ["two@example.org", "three@example.org"]
    assert all(m.status is OutboxStatus.SENT for m in queued_emails())


# Real senders


class SmtpSink:
    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_port(app: Flask, monkeypatch: pytest.MonkeyPatch) -> int:
    """Point Flask-Mail at 127.0.0.1 on a free port, really sending.

    Flask-Mail copies its settings into app.extensions['mail'] in init_app, so changing app.config
    alone does nothing: the state is rebuilt from the changed settings, and restored afterwards.
    """
    port = free_port()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_SUPPRESS_SEND", False)
    monkeypatch.setitem(app.extensions, "mail", mail.init_mail(app.config, app.debug, app.testing))
    return port


@pytest.fixture
def start_smtp_server(smtp_port: int):
    controllers: list[Controller] = []

    def start() -> SmtpSink:
        sink = SmtpSink()
        controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        controllers.append(controller)
        return sink

    yield start
    for controller in controllers:
        controller.stop()


def test_smtp_round_trip_delivers_a_multipart_email(start_smtp_server) -> None:
    sink = start_smtp_server()
    message = queue_email(
        to="grace@example.org",
        template="accounts/reset_password",
        context={"full_name": "Grace Hopper", "token": "tok_reset_42", "hours": 1},
        now=T0,
    )
    db.session.commit()

    report = deliver_due(sender=SmtpSender(), now=T0)

    assert report.sent == 1, report.errors
    assert refreshed(message).status is OutboxStatus.SENT
    [envelope] = sink.envelopes
    assert envelope.rcpt_tos == ["grace@example.org"]
    assert envelope.mail_from == "no-reply@example.gov.uk"
    received = email.message_from_bytes(envelope.content, policy=policy.default)
    assert received["To"] == "grace@example.org"
    assert received["Subject"] == "Reset your password"
    assert alternatives(received) == ["text/plain", "text/html"]
    text = received.get_body(preferencelist=("plain",))
    html = received.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    link = f"{BASE_URL}/reset-password/tok_reset_42"
    assert link in text.get_content()
    assert "for 1 hour." in text.get_content()
    assert f'href="{link}"' in html.get_content()


def test_smtp_server_down_then_back_delivers_on_a_later_run(start_smtp_server) -> None:
    message = queue("ada@example.org")

    down = deliver_due(sender=SmtpSender(), now=T0)

    assert down.retrying == 1
    assert refreshed(message).status is OutboxStatus.PENDING
    assert message.last_error is not None
    assert message.last_error.startswith("ConnectionRefusedError")

    sink = start_smtp_server()
    back = deliver_due(sender=SmtpSender(), now=message.next_attempt_at)

    assert back.sent == 1, back.errors
    assert [envelope.rcpt_tos for envelope in sink.envelopes] == [["ada@example.org"]]


def test_file_sender_writes_a_readable_eml_file(tmp_path: Path) -> None:
    queue_email(
        to="grace@example.org",
        template="accounts/verify_email",
        context={"full_name": "Grace Hopper", "token": "tok_file_1"},
        now=T0,
    )
    db.session.commit()
    folder = tmp_path / "mail"

    assert deliver_due(sender=FileSender(folder), now=T0).sent == 1

    [path] = folder.iterdir()
    assert path.suffix == ".eml"
    assert "grace_at_example.org" in path.name
    written = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert written["To"] == "grace@example.org"
    assert written["From"] == DEFAULT_SENDER
    assert written["Subject"] == "Confirm your email address"
    plain = written.get_body(preferencelist=("plain",))
    assert plain is not None
    assert f"{BASE_URL}/verify-email/tok_file_1" in plain.get_content()
    assert written.get_body(preferencelist=("html",)) is not None


def test_file_sender_copes_with_a_slash_in_the_address(tmp_path: Path) -> None:
    # Valid (RFC 5321 allows "/" before the @) and accepted by the sign-up form's validator.
    queue("team/finance@example.org")

    assert deliver_due(sender=FileSender(tmp_path), now=T0).sent == 1

    [path] = tmp_path.iterdir()
    assert path.name.endswith("-team_finance_at_example.org.eml")
    assert email.message_from_bytes(path.read_bytes(), policy=policy.default)["To"] == "team/finance@example.org"


# What the administrator's outbox page counts


def test_count_by_status_counts_each_kind_of_message() -> None:
    assert count_by_status() == {OutboxStatus.PENDING: 0, OutboxStatus.SENT: 0, OutboxStatus.FAILED: 0}

    make_failed("gone@example.org")
    queue("sent@example.org")
    deliver_due(sender=FakeSender(), now=T0)
    queue("waiting1@example.org", now=T0 + timedelta(hours=1))
    queue("waiting2@example.org", now=T0 + timedelta(hours=1))

    assert count_by_status() == {OutboxStatus.PENDING: 2, OutboxStatus.SENT: 1, OutboxStatus.FAILED: 1}


# The command-line worker


def test_cli_delivers_one_batch_and_reports(app: Flask) -> None:
    for name in ("one", "two", "three"):
        queue_email(to=f"{name}@example.org", template="accounts/password_changed", context={"full_name": name})
    db.session.commit()

    with mail.record_messages() as outbox:
        result = app.test_cli_runner().invoke(args=["outbox", "deliver", "--batch", "2"])

    assert result.exit_code == 0, result.output
    assert result.stdout == "Sent 2, retrying later 0, failed 0.\n"
    assert [message.recipients for message in outbox] == [["one@example.org"], ["two@example.org"]]
    assert [m.status for m in queued_emails()] == [OutboxStatus.SENT, OutboxStatus.SENT, OutboxStatus.PENDING]


def test_cli_with_the_file_backend_writes_eml_files(
    app: Flask, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "file")
    monkeypatch.setitem(app.config, "MAIL_FILE_DIR", str(tmp_path))
    queue_email(to="ada@example.org", template="accounts/password_changed", context={"full_name": "Ada"})
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["outbox", "deliver"])

    assert result.stdout == "Sent 1, retrying later 0, failed 0.\n"
    assert [path.name.endswith("-ada_at_example.org.eml") for path in tmp_path.iterdir()] == [True]


def test_cli_reports_failures_on_stderr(app: Flask, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    not_a_folder = tmp_path / "mail"
    not_a_folder.write_text("a file where the mail folder should be")
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "file")
    monkeypatch.setitem(app.config, "MAIL_FILE_DIR", str(not_a_folder))
    message = queue_email(to="ada@example.org", template="accounts/password_changed", context={"full_name": "Ada"})
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["outbox", "deliver"])

    assert result.exit_code == 0
    assert result.stdout == "Sent 0, retrying later 1, failed 0.\n"
    assert result.stderr.startswith(f"  message {message.id} to ada@example.org: FileExistsError")
    assert refreshed(message).status is OutboxStatus.PENDING


# Several workers on PostgreSQL


class SlowSender(FakeSender):
    """A mail server that takes a while to accept each message, noting which worker sent it."""

    def __init__(self) -> None:
        super().__init__()
        self.workers: list[str] = []

    def send(self, message: Message) -> None:
        time.sleep(0.05)
        self.sent.append(message)
        self.workers.append(threading.current_thread().name)


@pytest.mark.postgresql_only
@pytest.mark.real_commits
def test_two_workers_never_send_the_same_message_twice(app: Flask) -> None:
    recipients = [f"race-{n}@outbox-race.example" for n in range(12)]
    moment = datetime.now(UTC)
    sender = SlowSender()
    start = threading.Barrier(2)
    reports = {}
    crashes: list[BaseException] = []

    def worker() -> None:
        try:
            with app.app_context():  # its own database session and connection
                start.wait(timeout=10)
                reports[threading.current_thread().name] = deliver_due(sender=sender, now=moment)
        except BaseException as error:
            crashes.append(error)

    try:
        for to in recipients:
            queue_email(to=to, template="accounts/password_changed", context={"full_name": to}, now=moment)
        db.session.commit()

        threads = [threading.Thread(target=worker, name=name) for name in ("worker-a", "worker-b")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

        assert crashes == []
        assert Counter(sender.recipients) == Counter(recipients)  # each exactly once
        assert sum(report.sent for report in reports.values()) == len(recipients)
        assert set(sender.workers) == {"worker-a", "worker-b"}  # they really shared the queue
        statuses = db.session.scalars(select(OutboxMessage.status).where(OutboxMessage.recipient.in_(recipients))).all()
        assert statuses == [OutboxStatus.SENT] * len(recipients)
    finally:
        db.session.rollback()
        db.session.execute(delete(OutboxMessage).where(OutboxMessage.recipient.in_(recipients)))
        db.session.commit()
