"""The stack a drill runs against: a PostgreSQL database (from scripts/with-postgres.sh) and gunicorn serving
`wsgi:app` on 127.0.0.1, configured as in production with deploy/gunicorn.conf.py, except for what plain HTTP on
the loopback and one client sending every request from one address need.

    with serve(migrated_url) as base_url:
        ...  # http://127.0.0.1:<port>
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
# Every visitor of a drill comes from 127.0.0.1, so the per-address limits on signing in and on account pages
# would refuse a crowd that is really one client; the drill raises them rather than switching limiting off.
DRILL_RATE_LIMIT = "100000/minute"

_masters: dict[str, subprocess.Popen[bytes]] = {}  # each serving base URL's gunicorn master


def database_url() -> str:
    """The drill's PostgreSQL database, as scripts/with-postgres.sh sets it."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        raise SystemExit(
            "TEST_DATABASE_URL is not a PostgreSQL URL: run the drill through scripts/with-postgres.sh "
            "(every `make drill-...` target does), which starts a throwaway PostgreSQL cluster and sets it"
        )
    return url


def migrate(url: str) -> None:
    """`flask db upgrade` on the database: from an empty schema to the current one."""
    env = {**os.environ, "DATABASE_URL": url, "APP_ENV": "development"}
    command = [sys.executable, "-m", "flask", "--app", "wsgi:app", "db", "upgrade"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"flask db upgrade failed:\n{done.stdout}{done.stderr}")


def free_listener() -> socket.socket:
    """A socket listening on a free port of 127.0.0.1, to hand to gunicorn (fd://), so no other process can take
    the port between choosing it and gunicorn binding it."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((HOST, 0))
    listener.listen(1024)
    return listener


def start_gunicorn(
    app: str, options: list[str], env: dict[str, str], pythonpath: list[Path] | None = None
) -> tuple[subprocess.Popen[bytes], int]:
    """gunicorn serving `app` with `options`, on a free port; returns the master process and the port."""
    listener = free_listener()
    port = listener.getsockname()[1]
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        *options,
        "--bind",
        f"fd://{listener.fileno()}",
        "--no-control-socket",
        "--chdir",
        str(ROOT),
        "--pythonpath",
        ",".join(str(path) for path in pythonpath or [ROOT]),
        app,
    ]
    try:
        process = subprocess.Popen(
            command,
            env={**os.environ, **env, "PYTHONDONTWRITEBYTECODE": "1"},
            pass_fds=[listener.fileno()],
            stdin=subprocess.DEVNULL,
        )
    finally:
        listener.close()  # gunicorn has its own copy
    return process, port


def stop_gunicorn(process: subprocess.Popen[bytes]) -> None:
    """Stop the master, which stops its workers; kill it if it takes too long."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_ready(process: subprocess.Popen[bytes], port: int, path: str, seconds: float = 60) -> None:
    """Until the server answers `path` at all (any status), or fail if it exits or takes longer than `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise SystemExit(f"the server on port {port} exited with status {process.returncode}")
        connection = HTTPConnection(HOST, port, timeout=30)
        try:
            connection.request("GET", path)
            connection.getresponse().read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"the server on port {port} did not answer within {seconds:.0f}s") from None
            time.sleep(0.2)
        finally:
            connection.close()


def app_environment(url: str, scratch: Path) -> dict[str, str]:
    """What the app reads from its environment in a drill: production, on the drill's database, with a random
    secret key, cookies over plain HTTP, rate limits raised above what a drill sends, and mail and uploads kept in
    a scratch directory."""
    return {
        "APP_ENV": "production",
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_hex(32),
        "SESSION_COOKIE_SECURE": "false",  # plain HTTP on the loopback
        "SIGN_IN_RATE_LIMIT": DRILL_RATE_LIMIT,
        "ACCOUNT_RATE_LIMIT": DRILL_RATE_LIMIT,
        "MAIL_BACKEND": "file",
        "MAIL_FILE_DIR": str(scratch / "mail"),
        "UPLOAD_DIR": str(scratch / "uploads"),
    }


@contextlib.contextmanager
def serve(
    url: str,
    *,
    workers: int = 2,
    threads: int = 4,
    env: dict[str, str] | None = None,
    max_requests: int | None = None,
) -> Iterator[str]:
    """gunicorn serving `wsgi:app` on the database at `url` with deploy/gunicorn.conf.py's settings, `workers`
    workers of `threads` threads each (gthread; sync when `threads` is 1), on a free port of 127.0.0.1; yields the
    base URL once it answers, and stops it and its workers on exit. `env` adds to or overrides the app's
    environment (app_environment). `max_requests` overrides the config's worker recycling (0: never recycle, so
    a soak sees any leak). The access log goes to a file in a scratch directory; errors to stderr."""
    with tempfile.TemporaryDirectory(prefix="grantsfund-drill-") as scratch_name:
        scratch = Path(scratch_name)
        options = [
            "--config",
            str(GUNICORN_CONF),
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            "gthread" if threads > 1 else "sync",
            "--access-logfile",
            str(scratch / "access.log"),
            "--log-level",
            "warning",
        ]
        if max_requests is not None:
            options += ["--max-requests", str(max_requests)]
        process, port = start_gunicorn("wsgi:app", options, {**app_environment(url, scratch), **(env or {})})
        base_url = f"http://{HOST}:{port}"
        _masters[base_url] = process
        try:
            wait_until_ready(process, port, "/sign-in")
            yield base_url
        finally:
            _masters.pop(base_url, None)
            stop_gunicorn(process)


def worker_pids(base_url: str) -> list[int]:
    """The process ids of the workers of the gunicorn serving `base_url` (from serve()), in ascending order."""
    master = _masters[base_url].pid
    children: list[int] = []
    for task in Path(f"/proc/{master}/task").iterdir():
        with contextlib.suppress(OSError):
            children += [int(pid) for pid in (task / "children").read_text().split()]
    return sorted(children)


def rss_kib(pid: int) -> int | None:
    """A process's resident memory in KiB (VmRSS), or None if it has gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return None


def worker_rss(base_url: str) -> dict[int, int]:
    """Each worker's resident memory in KiB, by process id."""
    return {pid: rss for pid in worker_pids(base_url) if (rss := rss_kib(pid)) is not None}
