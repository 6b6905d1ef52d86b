"""What the benchmark's servers and client share: the app settings and the meter that counts SQL queries and
CPU time for each request.

The meter lives only here, in the benchmark's own WSGI wrapper: the service's code is not changed.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

MEASUREMENTS_PATH = "/__bench__/measurements"  # answered by the meter itself; never reaches the app
EXPLAIN_HEADER = "X-Bench-Explain"  # ask for the statements themselves (used once, outside the timing)
TAG_HEADER = "X-Bench-Tag"  # the client's name for a batch of requests, kept with their measurements


def database_uri(database: Path | str) -> str:
    """A SQLite file's URL, or the URL itself (a drill's PostgreSQL database)."""
    return f"sqlite:///{database}" if isinstance(database, Path) or "://" not in database else database


def grantsfund_overrides(database: Path | str, scratch_dir: Path) -> dict[str, Any]:
    """Settings for create_app(..., env_name="development"): plain HTTP, no rate limits, files kept in scratch_dir.
    `database` is a SQLite file or a database URL."""
    return {
        "SQLALCHEMY_DATABASE_URI": database_uri(database),
        "SESSION_COOKIE_SECURE": False,  # the benchmark speaks plain HTTP to 127.0.0.1
        "RATELIMIT_ENABLED": False,
        "MAIL_FILE_DIR": str(scratch_dir / "mail"),
        "UPLOAD_DIR": str(scratch_dir / "uploads"),
    }


def _environ_key(header: str) -> str:
    return "HTTP_" + header.upper().replace("-", "_")


class _Tally:
    def __init__(self, explain: bool) -> None:
        self.count = 0
        self.statements: list[str] | None = [] if explain else None


_tally: ContextVar[_Tally | None] = ContextVar("bench_query_tally", default=None)


def count_queries(engine: Engine) -> None:
    """Count every statement sent to the database while a request is being handled."""

    @event.listens_for(engine, "before_cursor_execute")
    def _before_cursor_execute(*args: Any) -> None:
        tally = _tally.get()
        if tally is not None:
            tally.count += 1
            if tally.statements is not None:
                tally.statements.append(" ".join(str(args[2]).split()))


WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _Measured:
    """A response body that reports when the server has sent all of it and closed it."""

    def __init__(self, body: Iterable[bytes], finished: Callable[[], None]) -> None:
        self.body = body
        self.finished = finished

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.body)

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            self.finished()


class BenchMeter:
    """WSGI middleware: for each request, the SQL statements it issued and the CPU time the app's thread spent on
    it, from the call until the body has been sent and closed, so a streamed body (the CSV export, whose queries
    run as it is sent) counts in full. The client collects them from MEASUREMENTS_PATH after each batch.

    Gunicorn's gthread worker calls the app, sends the body and closes it in one thread, so the thread's own CPU
    clock and a context variable follow the request; CPU time hardly moves when other processes compete.
    """

    def __init__(self, app: WSGIApp) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.measurements: list[dict[str, Any]] = []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == MEASUREMENTS_PATH:
            return self._hand_over(start_response)
        cpu_started = time.thread_time()
        tally = _Tally(explain=_environ_key(EXPLAIN_HEADER) in environ)
        _tally.set(tally)
        tag = environ.get(_environ_key(TAG_HEADER))

        def finished() -> None:
            _tally.set(None)
            measurement = {
                "tag": tag,
                "queries": tally.count,
                "cpu_microseconds": round((time.thread_time() - cpu_started) * 1_000_000),
                "statements": tally.statements,
            }
            with self.lock:
                self.measurements.append(measurement)

        try:
            body = self.app(environ, start_response)
        except BaseException:
            _tally.set(None)
            raise
        return _Measured(body, finished)

    def _hand_over(self, start_response: Callable[..., Any]) -> list[bytes]:
        """The measurements since the last time they were asked for, as JSON; then forget them."""
        with self.lock:
            measurements, self.measurements = self.measurements, []
        body = json.dumps(measurements).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]
