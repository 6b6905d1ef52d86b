"""Benchmark: what grantsfund's framework layers cost on its pages, against a bare Flask baseline.

One run builds a temporary SQLite database (users, and 10,000 submitted applications with their answers, snapshots
and audit events, 2,000 of this year's in assessment with their assessors' scores), serves grantsfund and
bench/baseline_app.py from it with gunicorn (one worker each), signs in to grantsfund through the real sign-in
form, then drives each target on both apps with the same client, in alternating rounds: the administrators' list
of users, the grants officers' list of applications, the CSV export of every application, one application's page
(a different application each request), and the ranking of the round in assessment. It prints throughput,
latency, CPU time and SQL queries per request for each, with the ratios grantsfund / baseline.

There are no thresholds: it exits 0 whenever the measurement completed. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import io
import itertools
import json
import math
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.client import HTTPConnection, HTTPResponse
from importlib.metadata import version
from pathlib import Path
from types import FrameType
from typing import Any

import pyotp

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path[:0] = [str(ROOT), str(BENCH_DIR)]

from harness import EXPLAIN_HEADER, MEASUREMENTS_PATH, TAG_HEADER, grantsfund_overrides  # noqa: E402

from bench.drills import stack  # noqa: E402
from bench.drills.visitor import SignInFailed, Visitor  # noqa: E402

HOST = "127.0.0.1"
ADMIN_EMAIL = "bench.admin@example.gov.uk"
OFFICER_EMAIL = "bench.officer@example.gov.uk"
PASSWORD = "bench-kettle-river-orange-42"
# Staff sign in with an authenticator code too; both staff share this run's secret.
STAFF_TOTP_SECRET = pyotp.random_base32()
SESSION_COOKIE = "grantsfund_session"
PER_PAGE = 50
FIRST_NAMES = ("Aisha", "Ben", "Chloe", "Dev", "Eleanor", "Farah", "Gareth", "Imran", "Kwame", "Niamh", "Priya", "Zara")
LAST_NAMES = ("Adeyemi", "Brown", "Davies", "Evans", "Hughes", "Iqbal", "Jones", "Nowak", "Patel", "Singh", "Young")


# The database


@dataclass(frozen=True)
class Data:
    users: int  # staff included
    grants: int  # role grants
    applications: int
    links: int  # application-theme and application-ward rows
    answers: int  # activities, budget lines, other funding, outcomes and attachments
    snapshots: int
    events: int  # audit events about the applications
    members: int  # group memberships
    ranked_round: int  # the round whose ranking is measured
    bids: int  # its bids in assessment
    assessors: int
    sheets: int  # submitted score sheets
    scores: int  # criterion scores on them
    moderated: int  # agreed scores
    assessing_seconds: float  # how long adding the assessment took, of the whole build
    portfolio_grants: int = 0  # last year's bids made grants, for the outcomes portfolio (bench/portfolio_data.py)
    grant_versions: int = 0
    grant_returns: int = 0
    returns_accepted: int = 0
    return_outcomes: int = 0  # figures against targets, in all the returns
    return_beneficiaries: int = 0
    grant_instalments: int = 0
    granting_seconds: float = 0.0


def build_database(
    database: Path | str,
    scratch: Path,
    user_count: int,
    application_count: int,
    bid_count: int,
    seed: int,
    grant_count: int = 2000,
) -> Data:
    """Migrate a fresh database and fill it: an administrator, a grants officer, `user_count` other people,
    `application_count` submitted applications (bench/application_data.py), `bid_count` of this year's in
    assessment, scored and partly moderated (bench/assessment_data.py), and `grant_count` of last year's made grants
    with their returns and payments (bench/portfolio_data.py)."""
    from application_data import add_applications
    from assessment_data import add_assessments
    from flask_migrate import upgrade
    from portfolio_data import add_portfolio

    from grantsfund import create_app
    from grantsfund.accounts.models import Role, User, UserRole
    from grantsfund.accounts.passwords import hash_password
    from grantsfund.common.dates import utcnow
    from grantsfund.extensions import db

    app = create_app(grantsfund_overrides(database, scratch), env_name="development")
    with app.app_context():
        alembic_log = io.StringIO()
        try:
            with contextlib.redirect_stderr(alembic_log):
                upgrade()
        except Exception:
            sys.stderr.write(alembic_log.getvalue())
            raise

        rng = random.Random(seed)
        now = utcnow()
        password_hash = hash_password(PASSWORD)  # hashed once, shared by everyone
        staff_roles = [role for role in Role if role not in {Role.APPLICANT, Role.ADMINISTRATOR}]
        users = [
            User(
                full_name=full_name,
                email=email,
                password_hash=password_hash,
                email_verified_at=now,
                created_at=now,
                totp_secret=STAFF_TOTP_SECRET,
                totp_enabled_at=now,
                role_grants=[UserRole(role=role, granted_at=now)],
            )
            for full_name, email, role in (
                ("Bench Administrator", ADMIN_EMAIL, Role.ADMINISTRATOR),
                ("Bench Officer", OFFICER_EMAIL, Role.GRANTS_OFFICER),
            )
        ]
        for number in range(user_count):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            roles = {Role.APPLICANT} if rng.random() < 0.7 else set(rng.sample(staff_roles, rng.randint(1, 3)))
            invited = rng.random() < 0.05
            users.append(
                User(
                    full_name=f"{first} {last}",
                    email=f"{first}.{last}.{number}@example.org".lower(),
                    password_hash=None if invited else password_hash,
                    email_verified_at=None if invited or rng.random() < 0.05 else now,
                    disabled_at=now if rng.random() < 0.05 else None,
                    created_at=now,
                    role_grants=[UserRole(role=role, granted_at=now) for role in sorted(roles)],
                )
            )
        db.session.add_all(users)
        db.session.flush()
        added = add_applications(
            application_count,
            officer_id=users[1].id,
            applicants=[(user.id, user.full_name) for user in users if user.has_role(Role.APPLICANT)],
            rng=rng,
        )
        assessing = time.monotonic()
        assessed = add_assessments(
            bid_count,
            officer_id=users[1].id,
            assessors=[
                (user.id, user.full_name)
                for user in users
                if user.has_role(Role.ASSESSOR) and user.password_hash and not user.disabled_at
            ],
            rng=rng,
        )
        assessing = time.monotonic() - assessing
        granting = time.monotonic()
        granted = add_portfolio(grant_count, officer_id=users[1].id, rng=rng)
        db.session.commit()
        granting = time.monotonic() - granting
        grants = sum(len(user.role_grants) for user in users)
        db.session.remove()
        db.engine.dispose()
    return Data(
        users=len(users),
        grants=grants,
        applications=application_count,
        links=added.links,
        answers=added.answers,
        snapshots=added.snapshots,
        events=added.events,
        members=added.members,
        ranked_round=assessed.round_id,
        bids=assessed.bids,
        assessors=assessed.assessors,
        sheets=assessed.sheets,
        scores=assessed.scores,
        moderated=assessed.moderated,
        assessing_seconds=assessing,
        portfolio_grants=granted.grants,
        grant_versions=granted.versions,
        grant_returns=granted.returns,
        returns_accepted=granted.accepted,
        return_outcomes=granted.outcomes,
        return_beneficiaries=granted.beneficiaries,
        grant_instalments=granted.instalments,
        granting_seconds=granting,
    )


# What is measured


@dataclass(frozen=True)
class Target:
    name: str
    paths: tuple[str, ...]  # requested in turn, the same sequence on both apps; most targets have one
    who: str  # whose session grantsfund's requests carry
    requests: int  # per app per round
    warmup: int  # per app, before measuring
    description: str
    # Both apps' bodies, by app name: a problem with them (they must show the same thing), or None.
    check: Callable[[dict[str, bytes]], str | None]
    checked: int = 1  # how many of the paths, from the first, are checked before measuring

    @property
    def path(self) -> str:
        """The first path: the one checked first and whose SQL is shown."""
        return self.paths[0]


def _same_rows(pattern: str, caption: str) -> Callable[[dict[str, bytes]], str | None]:
    """Both pages say `caption` and list the same first page of rows (by `pattern`), in the same order."""

    def check(bodies: dict[str, bytes]) -> str | None:
        listed = {}
        for name, body in bodies.items():
            text = body.decode()
            if caption not in text:
                return f"{name} does not say {caption!r}"
            listed[name] = re.findall(pattern, text)
        first, *others = listed.values()
        if len(first) != PER_PAGE or any(rows != first for rows in others):
            return f"the pages list different rows: {listed}"
        return None

    return check


def _identical(lines: int) -> Callable[[dict[str, bytes]], str | None]:
    def check(bodies: dict[str, bytes]) -> str | None:
        first, *others = bodies.values()
        if any(body != first for body in others):
            return "the files differ"
        if (found := first.count(b"\r\n")) != lines:
            return f"the file has {found} lines, not {lines}"
        return None

    return check


def _same_application(sections: int) -> Callable[[dict[str, bytes]], str | None]:
    """Both pages show the same application: its title as the heading, one reference throughout, the snapshot's
    sections in the same order, and the timeline's two steps."""

    def check(bodies: dict[str, bytes]) -> str | None:
        shown = {}
        for name, body in bodies.items():
            text = html.unescape(body.decode())
            title = re.search(r"<h1[^>]*>\s*(.*?)\s*</h1>", text, re.DOTALL)
            references = set(re.findall(r"\b[A-Z]{2,}-\d{4}-\d{4,}\b", text))
            slugs = re.findall(r'id="section-([a-z-]+)"', text)
            if title is None or len(references) != 1 or len(slugs) != sections:
                return f"{name} shows title {title and title.group(1)!r}, references {references}, sections {slugs}"
            (reference,) = references
            if f"Reference {reference}" not in text or "Application started" not in text:
                return f"{name} does not show the timeline (Application started; Submitted, Reference {reference})"
            shown[name] = (reference, title.group(1), slugs)
        first, *others = shown.values()
        if any(seen != first for seen in others):
            return f"the pages show different applications: {shown}"
        return None

    return check


def _table_rows(text: str) -> list[list[str]]:
    """Each table row with cells, as its cells' text: tags as spaces, entities decoded, whitespace collapsed."""
    return [
        [" ".join(html.unescape(re.sub(r"<[^>]*>", " ", cell)).split()) for cell in cells]
        for row in re.findall(r"<tr\b[^>]*>(.*?)</tr>", text, re.DOTALL)
        if (cells := re.findall(r"<td\b[^>]*>(.*?)</td>", row, re.DOTALL))
    ]


def _same_ranking(bids: int, assessors: int) -> Callable[[dict[str, bytes]], str | None]:
    """Both pages rank the same bids in the same order and say the same about each (rank, reference and group,
    the tags, the score, the amount, the running total and whether it is within budget, the explanation), and
    give the same calibration for each assessor."""

    def check(bodies: dict[str, bytes]) -> str | None:
        shown = {}
        for name, body in bodies.items():
            rows = _table_rows(body.decode())
            ranked, calibrated = [row for row in rows if len(row) == 6], [row for row in rows if len(row) == 4]
            references = [re.match(r"[A-Z0-9]+-\d{4}-\d{4,}", row[1]) for row in ranked]
            if len(ranked) != bids or not all(references) or len(calibrated) != assessors:
                return f"{name} shows {len(ranked)} bids (not {bids}) or {len(calibrated)} assessors (not {assessors})"
            shown[name] = (ranked, calibrated)
        (first_ranked, first_calibrated), *others = shown.values()
        for other_ranked, other_calibrated in others:
            for number, (mine, theirs) in enumerate(zip(first_ranked, other_ranked, strict=True), start=1):
                if mine != theirs:
                    return f"the pages differ at bid {number} of the ranking: {mine} and {theirs}"
            if first_calibrated != other_calibrated:
                return f"the pages calibrate differently: {first_calibrated} and {other_calibrated}"
        return None

    return check


PORTFOLIO_TABLES = ("by-domain", "by-heading", "by-indicator", "by-theme", "by-ward", "by-community")


def _text(html_part: str) -> str:
    """What a reader sees of some HTML: tags as spaces, entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", html_part)).split())


def _portfolio_figures(text: str) -> dict[str, list[list[str]]]:
    """The portfolio page's figures: the headline's items, and each table's body rows, cell by cell."""
    found: dict[str, list[list[str]]] = {}
    headline = re.search(r'<ul\b[^>]*\bid="headline"[^>]*>(.*?)</ul>', text, re.DOTALL)
    found["headline"] = [
        [_text(item)] for item in re.findall(r"<li\b[^>]*>(.*?)</li>", headline.group(1) if headline else "", re.DOTALL)
    ]
    for table_id in PORTFOLIO_TABLES:
        table = re.search(rf'<table\b[^>]*\bid="{table_id}"[^>]*>.*?<tbody\b[^>]*>(.*?)</tbody>', text, re.DOTALL)
        rows = re.findall(r"<tr\b[^>]*>(.*?)</tr>", table.group(1) if table else "", re.DOTALL)
        found[table_id] = [
            [_text(cell) for cell in re.findall(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", row, re.DOTALL)] for row in rows
        ]
    return found


def _same_portfolio(grants: int) -> Callable[[dict[str, bytes]], str | None]:
    """Both pages show the same figures: the headline (grants, money, people, returns, targets met) and every row
    of the six tables (by domain with its headings' rows, by heading, by indicator, theme, ward and community),
    cell by cell as text."""

    def check(bodies: dict[str, bytes]) -> str | None:
        shown = {name: _portfolio_figures(body.decode()) for name, body in bodies.items()}
        for name, figures in shown.items():
            if not figures["headline"] or figures["headline"][0] != [f"{grants:,} grants"]:
                return f"{name} does not show {grants:,} grants: {figures['headline'][:1]}"
            if empty := [table_id for table_id in PORTFOLIO_TABLES if not figures[table_id]]:
                return f"{name} shows no rows in {empty}"
        (first_name, first), *others = shown.items()
        for name, figures in others:
            for part, rows in first.items():
                if rows != figures[part]:
                    return f"{first_name} and {name} differ in {part}: {rows} and {figures[part]}"
        return None

    return check


def application_paths(data: Data, seed: int, count: int = 1000) -> tuple[str, ...]:
    """`count` different applications in a random order, fixed by the seed: the page target's requests."""
    ids = random.Random(seed).sample(range(1, data.applications + 1), min(count, data.applications))
    return tuple(f"/funds/applications/{id_}" for id_ in ids)


def targets(args: argparse.Namespace, data: Data) -> list[Target]:
    paths = application_paths(data, args.seed)
    return [
        Target(
            name="users page",
            paths=("/admin/users",),
            who=ADMIN_EMAIL,
            requests=args.requests,
            warmup=args.warmup,
            description=f"GET /admin/users: the first {PER_PAGE} of {data.users} users by full name, roles "
            "selectin-loaded, with the total count",
            check=_same_rows(r'href="/admin/users/(\d+)"', f"{data.users} users"),
        ),
        Target(
            name="applications page",
            paths=("/funds/applications",),
            who=OFFICER_EMAIL,
            requests=args.requests,
            warmup=args.warmup,
            description=f"GET /funds/applications: the first {PER_PAGE} of {data.applications:,} submitted "
            "applications, newest first, with group, round and fund joined, the count, and the filter form's "
            "rounds, themes and wards",
            check=_same_rows(
                r"<td[^>]*><a [^>]*>([A-Z0-9]+-\d{4}-\d{4,})</a></td>", f"{data.applications:,} applications"
            ),
        ),
        Target(
            name="CSV export",
            paths=("/funds/applications.csv",),
            who=OFFICER_EMAIL,
            requests=args.export_requests,
            warmup=2,
            description=f"GET /funds/applications.csv: all {data.applications:,} applications streamed, themes and "
            "wards aggregated in the one query",
            check=_identical(data.applications + 1),
        ),
        Target(
            name="application page",
            paths=paths,
            who=OFFICER_EMAIL,
            requests=args.requests,
            warmup=args.warmup,
            description=f"GET /funds/applications/<id>: one of {data.applications:,} applications, a different one "
            f"each request ({len(paths):,} in a random order, the same for both apps): the application with "
            "everything get_application loads, its frozen snapshot rendered section by section, and its timeline "
            "from the audit log",
            check=_same_application(sections=9),
            checked=5,
        ),
        Target(
            name="ranking page",
            paths=(f"/funds/rounds/{data.ranked_round}/ranking",),
            who=OFFICER_EMAIL,
            requests=args.ranking_requests,
            warmup=2,
            description=f"GET /funds/rounds/<id>/ranking: a round's {data.bids:,} bids in assessment, each scored by "
            f"{data.sheets // max(data.bids, 1)} of {data.assessors} assessors on "
            f"{data.scores // max(data.sheets, 1)} criteria ({data.scores:,} scores, {data.moderated:,} agreed by a "
            "moderator), ranked by weighted score with the tie rule, the running total against the budget and each "
            "bid's explanation; and the assessors' calibration",
            check=_same_ranking(data.bids, data.assessors),
        ),
        Target(
            name="portfolio page",
            paths=("/reports/portfolio",),
            who=OFFICER_EMAIL,
            requests=args.portfolio_requests,
            warmup=4,
            description=f"GET /reports/portfolio: the outcomes portfolio of {data.portfolio_grants:,} grants, each "
            f"with its targets and {data.grant_returns // max(data.portfolio_grants, 1)} returns "
            f"({data.returns_accepted:,} accepted; {data.return_outcomes:,} figures against targets and "
            f"{data.return_beneficiaries:,} rows of people reached in all) and {data.grant_instalments:,} instalments: "
            "rolled up by Indicators of Integration heading, domain and indicator, theme, ward and community, with the "
            "headline figures, three bar charts and the filter form",
            check=_same_portfolio(data.portfolio_grants),
        ),
    ]


# The servers


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    sessions: dict[str, dict[str, str]] = field(default_factory=dict)  # request headers by email
    # Where each target's next batch starts in its paths: both apps run the same batches, so they request the
    # same sequence.
    cursors: Counter[str] = field(default_factory=Counter)

    def headers(self, who: str) -> dict[str, str]:
        return self.sessions.get(who, {})


def start_server(name: str, database: Path, scratch: Path, threads: int) -> Server:
    """gunicorn, one worker with `threads` threads, on a socket bound here to a free port and handed over."""
    options = ["--workers", "1", "--worker-class", "gthread", "--threads", str(threads), "--keep-alive", "30"]
    options += ["--timeout", "60", "--graceful-timeout", "3", "--log-level", "warning"]
    env = {"BENCH_APP": name, "BENCH_DATABASE": str(database), "BENCH_SCRATCH": str(scratch)}
    process, port = stack.start_gunicorn("serve:application", options, env, pythonpath=[ROOT, BENCH_DIR])
    return Server(name, process, port)


def stop_server(server: Server) -> None:
    stack.stop_gunicorn(server.process)


def request(
    server: Server, method: str, path: str, headers: dict[str, str] | None = None, body: str | None = None
) -> tuple[HTTPResponse, bytes]:
    connection = HTTPConnection(HOST, server.port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response, response.read()
    finally:
        connection.close()


def wait_until_ready(server: Server, path: str, seconds: float) -> None:
    stack.wait_until_ready(server.process, server.port, path, seconds)


def sign_in(server: Server, email: str) -> None:
    """Sign in the way a browser does (bench/drills/visitor.py): the form, its CSRF token, the authenticator code
    and the session cookie, which the measured requests then carry."""
    visitor = Visitor(f"http://{HOST}:{server.port}")
    try:
        visitor.sign_in(email, PASSWORD, totp_secret=STAFF_TOTP_SECRET)
    except SignInFailed as error:
        raise SystemExit(str(error)) from None
    finally:
        visitor.close()
    server.sessions[email] = {"Cookie": f"{SESSION_COOKIE}={visitor.cookies[SESSION_COOKIE]}"}


def check_target(servers: list[Server], target: Target) -> dict[str, int]:
    """Both apps answer the target's first `checked` paths with the same content; returns each app's body size in
    bytes (the mean, if more than one path was checked)."""
    sizes: dict[str, list[int]] = {server.name: [] for server in servers}
    for path in target.paths[: target.checked]:
        bodies = {}
        for server in servers:
            response, body = request(server, "GET", path, server.headers(target.who))
            if response.status != 200:
                raise SystemExit(f"GET {path} on {server.name} gave {response.status}")
            bodies[server.name] = body
            sizes[server.name].append(len(body))
        if (problem := target.check(bodies)) is not None:
            raise SystemExit(f"GET {path}: {problem}")
    return {name: round(statistics.mean(lengths)) for name, lengths in sizes.items()}


def measurements(server: Server) -> list[dict[str, Any]]:
    """What the server's meter recorded since it was last asked (bench/harness.py)."""
    response, body = request(server, "GET", MEASUREMENTS_PATH)
    if response.status != 200:
        raise SystemExit(f"GET {MEASUREMENTS_PATH} on {server.name} gave {response.status}")
    return list(json.loads(body))


_tags = itertools.count(1)


def new_tag() -> dict[str, str]:
    """A header that names the next batch of requests, so their measurements can be told from any others."""
    return {TAG_HEADER: str(next(_tags))}


def collect(server: Server, tag: dict[str, str], count: int) -> list[dict[str, Any]]:
    """The measurements of the `count` requests sent with `tag`. The server records a request when it closes
    the body, which may be a moment after the client has read all of it, so this waits for them."""
    wanted = tag[TAG_HEADER]
    measured: list[dict[str, Any]] = []
    deadline = time.monotonic() + 10
    while True:
        measured += [item for item in measurements(server) if item["tag"] == wanted]
        if len(measured) >= count or time.monotonic() > deadline:
            break
        time.sleep(0.005)
    if len(measured) != count:
        raise SystemExit(f"the {server.name} meter recorded {len(measured)} requests, not {count}")
    return measured


def statements(server: Server, target: Target) -> list[str]:
    tag = new_tag()
    request(server, "GET", target.path, {**server.headers(target.who), **tag, EXPLAIN_HEADER: "1"})
    (measured,) = collect(server, tag, 1)
    return list(measured["statements"])


# The client


@dataclass
class Batch:
    latencies: list[float]  # seconds, one per request: until the whole body has arrived
    cpu: list[float]  # seconds of the app's CPU time, one per request
    elapsed: float  # wall-clock seconds for the whole batch
    queries: Counter[int]
    closed_connections: int


def run_batch(server: Server, target: Target, count: int, concurrency: int) -> Batch:
    """`count` GETs of the target from `concurrency` threads, each on its own keep-alive connection, taking the
    target's paths in turn from where this server's previous batch of it stopped."""
    lock = threading.Lock()
    paths = target.paths
    start = server.cursors[target.name]
    server.cursors[target.name] += count
    taken = [0]
    latencies: list[float] = []
    closed = [0]
    ends: list[float] = []
    errors: list[BaseException] = []
    ready = threading.Barrier(concurrency + 1)
    tag = new_tag()
    headers = {**server.headers(target.who), **tag}

    def take() -> str | None:
        with lock:
            if taken[0] == count:
                return None
            taken[0] += 1
            return paths[(start + taken[0] - 1) % len(paths)]

    def worker() -> None:
        connection = HTTPConnection(HOST, server.port, timeout=60)
        mine: list[float] = []
        will_close = 0
        try:
            connection.connect()
            ready.wait()
            while (path := take()) is not None:
                started = time.perf_counter()
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                mine.append(time.perf_counter() - started)
                if response.status != 200:
                    raise RuntimeError(f"GET {path} on {server.name} gave {response.status}")
                will_close += response.will_close
        except BaseException as error:  # reported by the main thread
            ready.abort()
            errors.append(error)
        finally:
            connection.close()
            with lock:
                ends.append(time.perf_counter())
                latencies.extend(mine)
                closed[0] += will_close

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    with contextlib.suppress(threading.BrokenBarrierError):
        ready.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    if errors:
        causes = [error for error in errors if not isinstance(error, threading.BrokenBarrierError)] or errors
        raise SystemExit(f"the {server.name} batch of {target.name} failed: {causes[0]!r}")
    measured = collect(server, tag, count)
    return Batch(
        latencies,
        [item["cpu_microseconds"] / 1_000_000 for item in measured],
        max(ends) - started,
        Counter(item["queries"] for item in measured),
        closed[0],
    )


def percentile(values: list[float], percent: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


# The report


def _ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}x" if theirs else "n/a"


def throughput_ratio(batches: dict[str, list[Batch]], ours: str, theirs: str) -> float:
    def rps(runs: list[Batch]) -> float:
        return sum(len(batch.latencies) for batch in runs) / sum(batch.elapsed for batch in runs)

    return rps(batches[ours]) / rps(batches[theirs])


def report(
    target: Target,
    servers: list[Server],
    batches: dict[str, list[Batch]],
    sizes: dict[str, int],
    sql: dict[str, list[str]],
) -> None:
    ours, theirs = (server.name for server in servers)
    summary: dict[str, dict[str, float]] = {}
    for name, runs in batches.items():
        latencies = [latency for batch in runs for latency in batch.latencies]
        summary[name] = {
            "rps": len(latencies) / sum(batch.elapsed for batch in runs),
            "p50": percentile(latencies, 50) * 1000,
            "p95": percentile(latencies, 95) * 1000,
            "cpu": statistics.median([cpu for batch in runs for cpu in batch.cpu]) * 1000,
        }
    slow = min(summary[name]["rps"] for name in (ours, theirs)) < 10
    rows = [
        ("requests/second", "rps", "{:.3f}" if slow else "{:.1f}"),  # three decimals when a request takes a while
        ("p50 latency (ms)", "p50", "{:.2f}"),
        ("p95 latency (ms)", "p95", "{:.2f}"),
        ("app CPU p50 (ms)", "cpu", "{:.2f}"),
    ]
    print(f"== {target.name}: {target.description}")
    print(f"{'':22}{ours:>12}{theirs:>12}   ratio {ours} / {theirs}")
    for label, key, number in rows:
        a, b = summary[ours][key], summary[theirs][key]
        print(f"{label:22}{number.format(a):>12}{number.format(b):>12}   {_ratio(a, b)}")

    def queries(name: str) -> str:
        seen: Counter[int] = sum((batch.queries for batch in batches[name]), Counter())
        return "/".join(str(count) for count in sorted(seen))  # more than one number if it varied

    print(f"{'SQL queries/request':22}{queries(ours):>12}{queries(theirs):>12}")
    size = "body size (bytes)" if target.checked == 1 else f"body bytes, mean of {target.checked}"
    print(f"{size:22}{sizes[ours]:>12}{sizes[theirs]:>12}   {_ratio(sizes[ours], sizes[theirs])}")

    per_round = [
        (len(mine.latencies) / mine.elapsed) / (len(base.latencies) / base.elapsed)
        for mine, base in zip(batches[ours], batches[theirs], strict=True)
    ]
    print(
        "Throughput ratio round by round (its spread is the noise of this run): "
        + ", ".join(f"{ratio:.2f}" for ratio in per_round)
        + f"; median {statistics.median(per_round):.2f}"
    )
    closed = {name: sum(batch.closed_connections for batch in runs) for name, runs in batches.items()}
    if any(closed.values()):
        print(f"Note: the server closed keep-alive connections mid-batch: {closed}")
    for name in (ours, theirs):
        print(f"SQL for one {name} request ({len(sql[name])} statements):")
        for number, statement in enumerate(sql[name], 1):
            print(f"  {number}. {_shorten(statement)}")
    print()


def _shorten(statement: str) -> str:
    """SELECT's column lists and IN's placeholders left out, so each statement fits a line."""
    statement = re.sub(
        r"SELECT ((?:(?!SELECT |FROM ).)+?) FROM ",
        lambda match: f"SELECT {match.group(1) if len(match.group(1)) < 30 else '...'} FROM ",
        statement,
    )
    statement = re.sub(r"\((\?(?:, \?)+)\)", lambda match: f"({match.group(1).count('?')} values)", statement)
    return statement if len(statement) <= 150 else statement[:147] + "..."


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # so the finally blocks stop the servers and remove the files


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=500, help="users besides the two staff who sign in (500)")
    parser.add_argument("--applications", type=int, default=10_000, help="submitted applications (10,000)")
    parser.add_argument("--bids", type=int, default=2000, help="this year's bids in assessment, ranked (2,000)")
    parser.add_argument("--rounds", type=int, default=10, help="measured rounds (default 10)")
    parser.add_argument("--requests", type=int, default=50, help="page requests per app per round (default 50)")
    parser.add_argument("--ranking-requests", type=int, default=2, help="rankings per app per round (default 2)")
    parser.add_argument("--export-requests", type=int, default=4, help="exports per app per round (default 4)")
    parser.add_argument("--grants", type=int, default=2000, help="last year's bids made grants (2,000)")
    parser.add_argument(
        "--portfolio-requests", type=int, default=20, help="portfolio pages per app per round (default 20)"
    )
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="WORD",
        help="measure only the targets whose name has one of these words (--only portfolio); the data is built whole. "
        "--only open-data runs bench/open_data.py (the 360Giving publication's memory at 1,000 and 100,000 grants)",
    )
    parser.add_argument("--concurrency", type=int, default=2, help="client threads (default 2)")
    parser.add_argument("--warmup", type=int, default=40, help="unmeasured page requests per app first (default 40)")
    parser.add_argument("--seed", type=int, default=2024, help="seed for the generated users and applications")
    return parser.parse_args()


@contextlib.contextmanager
def running(servers: list[Server]) -> Iterator[list[Server]]:
    try:
        yield servers
    finally:
        for server in servers:
            stop_server(server)


def measure(servers: list[Server], target: Target, args: argparse.Namespace) -> dict[str, list[Batch]]:
    for _ in range(2):  # warm-up, alternating, not measured
        for server in servers:
            run_batch(server, target, max(1, target.warmup // 2), args.concurrency)
    batches: dict[str, list[Batch]] = {server.name: [] for server in servers}
    for number in range(args.rounds):
        for server in servers if number % 2 == 0 else reversed(servers):
            batches[server.name].append(run_batch(server, target, target.requests, args.concurrency))
    return batches


def main() -> int:
    args = parse_args()
    if args.only and "open-data" in args.only:
        import open_data  # its own database and measurements: memory, not requests

        open_data.main([])
        args.only = [word for word in args.only if word != "open-data"]
        if not args.only:
            return 0
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="grantsfund-bench-") as scratch_name:
        scratch = Path(scratch_name)
        database = scratch / "bench.sqlite"
        print(f"Building a SQLite database in {scratch} ...", flush=True)
        data = build_database(database, scratch, args.users, args.applications, args.bids, args.seed, args.grants)
        print(
            f"  built in {time.monotonic() - began:.1f}s (the ranking's assessment in {data.assessing_seconds:.1f}s, "
            f"the portfolio's grants in {data.granting_seconds:.1f}s)",
            flush=True,
        )
        measured = [
            target
            for target in targets(args, data)
            if not args.only or any(word.lower() in target.name.split() for word in args.only)
        ]
        if not measured:
            raise SystemExit(f"no target is named by --only {' '.join(args.only)}")

        servers: list[Server] = []
        results = []
        with running(servers):
            servers.append(start_server("grantsfund", database, scratch, args.concurrency))
            servers.append(start_server("baseline", database, scratch, args.concurrency))
            grantsfund, baseline = servers
            wait_until_ready(grantsfund, "/sign-in", 45)
            wait_until_ready(baseline, measured[0].path, 45)
            for email in sorted({target.who for target in measured}):
                sign_in(grantsfund, email)
            for target in measured:
                print(f"Measuring the {target.name} ...", flush=True)
                sizes = check_target(servers, target)
                batches = measure(servers, target, args)
                sql = {server.name: statements(server, target) for server in servers}
                results.append((target, batches, sizes, sql))

        print()
        print("  grantsfund: signed in through the sign-in form (CSRF token, session cookie): an administrator for the")
        print("              users page, a grants officer for the applications, the ranking and the portfolio")
        print("  baseline:   bench/baseline_app.py, bare Flask + SQLAlchemy + plain Jinja, no sign-in")
        print(
            f"Data: temporary SQLite file, {data.users} users ({args.users} + 2 staff), {data.grants} role grants, "
            f"{data.applications:,} submitted applications with {data.links:,} theme and ward links, {data.answers:,} "
            f"rows of answers, {data.snapshots:,} snapshots and {data.events:,} audit events; {data.members:,} group "
            f"memberships; {data.bids:,} of this year's bids in assessment with {data.sheets:,} submitted score sheets "
            f"from {data.assessors} assessors, {data.scores:,} criterion scores and {data.moderated} agreed scores; "
            f"{data.portfolio_grants:,} of last year's bids made grants, with {data.grant_versions:,} agreement "
            f"versions, {data.grant_returns:,} monitoring returns ({data.returns_accepted:,} accepted) holding "
            f"{data.return_outcomes:,} figures against targets and {data.return_beneficiaries:,} rows of people "
            f"reached, and {data.grant_instalments:,} instalments"
        )
        print(
            f"Servers: gunicorn {version('gunicorn')}, 1 worker, gthread with {args.concurrency} threads, "
            f"keep-alive; grantsfund in its development configuration (HTTP cookies, no rate limits)"
        )
        print(
            f"Client: {args.concurrency} threads, http.client keep-alive connections; warm-up requests per app, then "
            f"{args.rounds} rounds per target ({args.requests} page requests, {args.export_requests} exports, "
            f"{args.ranking_requests} rankings or {args.portfolio_requests} portfolios per app each), alternating "
            "which app goes first"
        )
        print(f"Machine: {os.cpu_count()} CPUs, shared with the client; compare ratios, not absolute numbers\n")
        for target, batches, sizes, sql in results:
            report(target, servers, batches, sizes, sql)
        print("Throughput, grantsfund / baseline:")
        for target, batches, _, _ in results:
            print(f"  {target.name:20} {throughput_ratio(batches, 'grantsfund', 'baseline'):.2f}x")
        print(f"\nFinished in {time.monotonic() - began:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
