"""Outbox fault drill: 1,000 emails, two `flask outbox deliver --loop` workers, an SMTP server that refuses every
message for a while and then accepts, and workers killed with SIGKILL at random moments and started again.

    scripts/with-postgres.sh .venv/bin/python bench/drills/outbox_faults.py      (make drill-outbox)

Each email goes to its own address (drill-0001@example.org, ...), so the SMTP sink can tell which arrived and how
often. Afterwards every email must have arrived at least once and the outbox must show every one as sent; emails
that arrived twice (a worker killed after the server accepted but before it recorded the send) are counted, as the
outbox promises at least once, not exactly once. Exits 1 if any email is lost or left unsent.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess  # noqa: S404 -- the drill starts and kills the app's own workers
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

sys.path[:0] = [str(Path(__file__).resolve().parents[2]), str(Path(__file__).resolve().parent)]

from bench.drills.stack import ROOT, app_environment, database_url, migrate  # noqa: E402

TEMPLATE = "accounts/account_locked"


def address(number: int) -> str:
    return f"drill-{number:04d}@example.org"


class RefusingSink:
    """An SMTP server's DATA handler that answers 451 (try again later) for `refuse_seconds` from the first email
    it is sent (workers take a while to start on a busy machine), then keeps each email."""

    def __init__(self, refuse_seconds: float) -> None:
        self.refuse_seconds = refuse_seconds
        self.accept_from = float("inf")
        self.first_attempt = threading.Event()
        self.received: Counter[str] = Counter()
        self.refused = 0
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 -- aiosmtpd's name
        with self._lock:
            if not self.first_attempt.is_set():
                self.accept_from = time.monotonic() + self.refuse_seconds
                self.first_attempt.set()
            if time.monotonic() < self.accept_from:
                self.refused += 1
                return "451 4.3.0 Mail server temporarily unavailable, try again later"
            self.received.update(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


def free_port() -> int:
    # aiosmtpd's Controller connects back to the port it was given, so port 0 cannot be used.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def queue(url: str, count: int) -> None:
    from grantsfund import create_app
    from grantsfund.extensions import db
    from grantsfund.notifications.services import queue_email

    app = create_app({"SQLALCHEMY_DATABASE_URI": url}, env_name="development")
    with app.app_context():
        for number in range(count):
            context = {"full_name": f"Drill Person {number}", "minutes": 15}
            queue_email(to=address(number), template=TEMPLATE, context=context)
        db.session.commit()
        db.engine.dispose()


def outbox_counts(url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1)) as conn:
        return dict(conn.execute("SELECT status, count(*) FROM outbox_messages GROUP BY status").fetchall())


class Workers:
    """The two mail workers, each started again as soon as it is killed."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log.open("ab")
        self.processes = [self._start() for _ in range(2)]
        self.kills: list[float] = []

    def _start(self) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "flask", "--app", "wsgi:app", "outbox", "deliver", "--loop"]
        command += ["--batch", "20", "--interval", "0.5"]
        return subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=self.log, stderr=self.log)  # noqa: S603

    def kill_one(self, rng: random.Random) -> None:
        index = rng.randrange(len(self.processes))
        self.processes[index].kill()  # SIGKILL: no chance to finish the email or the transaction
        self.processes[index].wait()
        self.kills.append(time.monotonic())
        self.processes[index] = self._start()

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(timeout=30)
        self.log.close()


def drill(count: int, refuse_seconds: float, kills: int, deadline_seconds: float, seed: int) -> bool:
    url = database_url()
    migrate(url)
    queue(url, count)
    rng = random.Random(seed)
    sink = RefusingSink(refuse_seconds)
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="grantsfund-drill-") as scratch:
        env = {
            **os.environ,
            **app_environment(url, Path(scratch)),
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(port),
            # Retries a second or two apart rather than the production 30 s doubling, so the drill ends in minutes.
            "OUTBOX_BACKOFF_SECONDS": "1",
            "OUTBOX_MAX_BACKOFF_SECONDS": "2",
        }
        workers = Workers(env, Path(scratch) / "workers.log")
        try:
            if not sink.first_attempt.wait(120):
                raise SystemExit("no worker tried to send an email within 2 minutes; see workers.log")
            # The kills fall both while the server refuses and while it accepts, at random moments.
            for _ in range(kills):
                time.sleep(rng.uniform(0.5, 2 * refuse_seconds / kills + 1.5))
                workers.kill_one(rng)
            while time.monotonic() - started < deadline_seconds:
                counts = outbox_counts(url)
                if counts.get("pending", 0) == 0:
                    break
                time.sleep(1)
        finally:
            workers.stop()
            controller.stop()
    elapsed = time.monotonic() - started
    while_accepting = sum(moment >= sink.accept_from for moment in workers.kills)
    print(f"Workers killed with SIGKILL: {len(workers.kills)} ({while_accepting} while the server was accepting)")
    return report(url, sink, count, elapsed)


def report(url: str, sink: RefusingSink, count: int, elapsed: float) -> bool:
    expected = {address(number) for number in range(count)}
    lost = sorted(expected - set(sink.received))
    strangers = sorted(set(sink.received) - expected)
    duplicates = {to: times for to, times in sink.received.items() if times > 1}
    counts = outbox_counts(url)
    print(f"Emails queued: {count:,}; all sent after {elapsed:.1f} s")
    print(f"SMTP server refused {sink.refused:,} deliveries (451) in its first {sink.refuse_seconds:.0f} s")
    print(f"Emails received: {len(set(sink.received)):,} distinct, {sum(sink.received.values()):,} in all")
    print(f"Lost: {len(lost)}; arrived twice or more (at least once, not exactly once): {len(duplicates)}")
    print(f"Outbox: {', '.join(f'{status} {number}' for status, number in sorted(counts.items()))}")
    for to in lost[:10]:
        print(f"  never arrived: {to}")
    for to in strangers[:10]:
        print(f"  not queued by the drill: {to}")
    # A server that never refused would not have tested the retries.
    return not lost and not strangers and counts == {"sent": count} and sink.refused > 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--refuse", type=float, default=15.0, help="seconds the SMTP server refuses at first")
    parser.add_argument("--kills", type=int, default=8, help="how many times a worker is killed")
    parser.add_argument("--deadline", type=float, default=240.0, help="seconds to wait for the outbox to empty")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    ok = drill(args.messages, args.refuse, args.kills, args.deadline, args.seed)
    print("Outbox fault drill: PASSED" if ok else "Outbox fault drill: FAILED")
    sys.exit(0 if ok else 1)
