"""What the benchmark's servers and client share: the page, the app settings and the SQL query counter.

The counter lives only here, in the benchmark's own WSGI wrapper: the service's code is not changed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

PAGE = "/admin/users"  # the same path, and the same first page of 50 users, on both apps
QUERIES_HEADER = "X-Bench-Queries"
CPU_HEADER = "X-Bench-CPU-Microseconds"  # CPU time the app's thread spent on the request, up to its response
EXPLAIN_HEADER = "X-Bench-Explain"  # ask for the statements themselves (used once, outside the timing)
STATEMENTS_HEADER = "X-Bench-Statements"


def grantsfund_overrides(database_path: Path, scratch_dir: Path) -> dict[str, Any]:
    """Settings for create_app(..., env_name="development"): plain HTTP, no rate limits, files kept in scratch_dir."""
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database_path}",
        "SESSION_COOKIE_SECURE": False,  # the benchmark speaks plain HTTP to 127.0.0.1
        "RATELIMIT_ENABLED": False,
        "MAIL_FILE_DIR": str(scratch_dir / "mail"),
        "UPLOAD_DIR": str(scratch_dir / "uploads"),
    }


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


class BenchHeaders:
    """WSGI middleware: puts the number of SQL statements the request issued, and the CPU time the app
    spent on it, in response headers.

    Flask builds the whole response before it calls start_response, so both are complete by then. CPU time
    is the handling thread's own, so it hardly moves when other processes compete for the machine.
    """

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        cpu_started = time.thread_time()
        tally = _Tally(explain="HTTP_" + EXPLAIN_HEADER.upper().replace("-", "_") in environ)
        token = _tally.set(tally)

        def counted_start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            headers.append((QUERIES_HEADER, str(tally.count)))
            headers.append((CPU_HEADER, str(round((time.thread_time() - cpu_started) * 1_000_000))))
            if tally.statements is not None:
                headers.append((STATEMENTS_HEADER, json.dumps(tally.statements)))
            return start_response(status, headers, exc_info)

        try:
            return self.app(environ, counted_start_response)
        finally:
            _tally.reset(token)
