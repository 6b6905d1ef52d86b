"""Load drill: a realistic mix of people using grantsfund at once, from a second process, against gunicorn on
PostgreSQL holding 10,000 submitted applications; then the officers' pages against the bare Flask baseline.

Run it through `make drill-load` (scripts/with-postgres.sh gives it a throwaway PostgreSQL database). Each visitor is
one person with their own session, signed in through the real forms (staff with their authenticator code):
applicants open their draft and save a section, assessors open a bid they are scoring and save their draft scores,
grants officers list applications with filters and open one. Every answer is checked (status, and that a save
really saved). It prints throughput, p50/p95 per kind of request and overall and the error count, and exits 1 if
any request failed. See bench/README.md and docs/operations.md.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = ROOT / "bench"
sys.path[:0] = [str(ROOT), str(BENCH_DIR)]

import run as bench  # noqa: E402  (bench/run.py: the benchmark's database and its report helpers)

from bench.drills import stack  # noqa: E402
from bench.drills.visitor import Record, Visitor, form_fields  # noqa: E402

FILTERS = ("", "?status=submitted", "?status=eligible", "?q=kitchen", "?page=3", "?status=in_assessment&page=2")
NEED_WORDS = ("isolated", "newcomers", "older", "neighbours", "lonely", "young", "families", "shared", "meals")


class Failed(Exception):
    """An answer that was not what the person should have seen."""


# The people and their data


@dataclass
class People:
    applicants: list[tuple[str, int]]  # email, their draft application's id
    assessors: list[tuple[str, list[int]]]  # email, ids of their assignments with a draft sheet
    officers: list[str]
    application_ids: list[int]  # submitted applications, for officers to open
    data: bench.Data


def populate(url: str, args: argparse.Namespace) -> People:
    """The benchmark's data (bench/run.py build_database) on PostgreSQL, plus the drill's people: applicants each
    with a draft in an open round, assessors each with draft score sheets, and grants officers."""
    with tempfile.TemporaryDirectory(prefix="grantsfund-drill-data-") as scratch:
        data = bench.build_database(
            url, Path(scratch), args.users, args.applications, args.bids, args.seed, args.grants
        )
        return _add_people(url, Path(scratch), data, args)


def _add_people(url: str, scratch: Path, data: bench.Data, args: argparse.Namespace) -> People:
    from sqlalchemy import select, update

    from grantsfund import create_app
    from grantsfund.accounts.models import Role, User, UserRole
    from grantsfund.accounts.passwords import hash_password
    from grantsfund.applications.models import Application
    from grantsfund.common.dates import utcnow
    from grantsfund.extensions import db

    # The tests' factories make an open round and drafts through the services, as a person would.
    from tests.applications import factories as applications
    from tests.organisations import factories as organisations

    app = create_app(bench.grantsfund_overrides(url, scratch), env_name="development")
    with app.app_context():
        now = utcnow()
        password_hash = hash_password(bench.PASSWORD)

        def person(email: str, role: Role) -> User:
            user = User(
                full_name=email.split("@")[0].replace(".", " ").title(),
                email=email,
                password_hash=password_hash,
                email_verified_at=now,
                created_at=now,
                role_grants=[UserRole(role=role, granted_at=now)],
            )
            db.session.add(user)
            return user

        officers = [person(f"drill.officer.{n}@example.gov.uk", Role.GRANTS_OFFICER) for n in range(args.officers)]
        db.session.flush()
        round_ = applications.open_round(lambda **_: officers[0], name="Round 2027/28")
        applicants = []
        for number in range(args.applicants):
            user = person(f"drill.applicant.{number}@example.org", Role.APPLICANT)
            group = organisations.organisation(user, name=f"Drill Group {number}")
            applicants.append((user.email, applications.draft(round_, group, user).id))
        assessors = _draft_sheets(args.assessors, args.sheets)
        # Every account gets this run's authenticator secret, so staff can answer the code step if asked.
        db.session.execute(
            update(User)
            .where(User.totp_secret.is_(None))
            .values(totp_secret=bench.STAFF_TOTP_SECRET, totp_enabled_at=now)
        )
        application_ids = list(db.session.scalars(select(Application.id).where(Application.submitted_at.is_not(None))))
        db.session.commit()
        people = People(applicants, assessors, [user.email for user in officers], application_ids, data)
        db.session.remove()
        db.engine.dispose()
    return people


def _draft_sheets(count: int, sheets: int) -> list[tuple[str, list[int]]]:
    """`count` of the ranked round's assessors, each with `sheets` of their submitted sheets made drafts again,
    to score."""
    from sqlalchemy import select, update

    from grantsfund.accounts.models import User
    from grantsfund.assessment.models import Assignment, ScoreSheet
    from grantsfund.extensions import db

    rows = db.session.execute(
        select(User.email, Assignment.id)
        .join(Assignment, Assignment.assessor_id == User.id)
        .join(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .order_by(User.id, Assignment.id)
    ).all()
    by_assessor: dict[str, list[int]] = defaultdict(list)
    for email, assignment_id in rows:
        by_assessor[email].append(assignment_id)
    chosen = [(email, ids[:sheets]) for email, ids in list(by_assessor.items())[:count]]
    ids = [assignment_id for _, mine in chosen for assignment_id in mine]
    db.session.execute(update(ScoreSheet).where(ScoreSheet.assignment_id.in_(ids)).values(submitted_at=None))
    return chosen


# The journeys: one step each call; each raises Failed if an answer is wrong


def expect(answer_status: int, wanted: int, what: str) -> None:
    if answer_status != wanted:
        raise Failed(f"{what}: {answer_status}, not {wanted}")


def applicant_step(visitor: Visitor, application_id: int, rng: random.Random) -> None:
    """Open the draft's task list and the need section, change the answer and save it for later."""
    base = f"/applications/{application_id}"
    expect(visitor.get(base).status, 200, "task list")
    page = visitor.get(f"{base}/need-and-evidence")
    expect(page.status, 200, "need section")
    fields, _ = form_fields(page.body)
    need = " ".join(rng.choice(NEED_WORDS) for _ in range(rng.randint(20, 60)))
    values = dict(fields) | {"need": need, "community_involvement": "We asked our members at three meetings."}
    saved = visitor.post_form(
        f"{base}/need-and-evidence", [*values.items(), ("save_later", "Save and come back later")]
    )
    if saved.status != 302 or saved.location != base:
        raise Failed(f"saving the need section gave {saved.status} to {saved.location!r}")
    shown = visitor.get(base)
    if shown.status != 200 or "have been saved" not in shown.text:
        raise Failed("the task list does not say the answers were saved")


def assessor_step(visitor: Visitor, assignment_id: int, rng: random.Random) -> None:
    """Open the list of bids to assess and one of them, change a score and a comment, save the draft."""
    expect(visitor.get("/assessments").status, 200, "assessments")
    path = f"/assessments/{assignment_id}"
    page = visitor.get(path)
    expect(page.status, 200, "scoring page")
    fields, radios = form_fields(page.body)
    values = dict(fields)
    scores = sorted(name for name in radios if name.startswith("score_"))
    if not scores:
        raise Failed(f"{path} has no scores to give")
    score = rng.choice(scores)
    values[score] = rng.choice(radios[score])
    values["comment_" + score.removeprefix("score_")] = f"Reviewed again at {time.strftime('%H:%M:%S')}."
    saved = visitor.post_form(path, [*values.items(), ("save_draft", "Save as draft")])
    if saved.status != 302 or saved.location != path:
        raise Failed(f"saving draft scores gave {saved.status} to {saved.location!r}")
    shown = visitor.get(path)
    if shown.status != 200 or "saved as a draft" not in shown.text:
        raise Failed("the scoring page does not say the scores were saved")


def officer_step(visitor: Visitor, application_ids: list[int], rng: random.Random) -> None:
    """List applications with a filter, then open one."""
    listed = visitor.get("/funds/applications" + rng.choice(FILTERS), name="/funds/applications?filters")
    if listed.status != 200 or "applications" not in listed.text:
        raise Failed(f"the applications list gave {listed.status}")
    shown = visitor.get(f"/funds/applications/{rng.choice(application_ids)}")
    if shown.status != 200 or "Application started" not in shown.text:
        raise Failed(f"an application's page gave {shown.status} without its timeline")


# Running the mix


@dataclass
class Tally:
    """What every visitor did, shared between their threads."""

    records: list[Record] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, records: list[Record], error: str | None) -> None:
        with self.lock:
            self.records += records
            if error is not None:
                self.errors.append(error)


Step = Callable[[Visitor, random.Random], None]


def journeys(people: People, concurrency: int) -> list[tuple[str, str, Step]]:
    """`concurrency` people, a third each applicants, assessors and officers (as near as it divides): each with
    their email and the step they repeat."""
    chosen: list[tuple[str, str, Step]] = []
    for number in range(concurrency):
        kind = ("applicant", "assessor", "officer")[number % 3]
        index = number // 3
        if kind == "applicant":
            email, draft = people.applicants[index % len(people.applicants)]
            chosen.append((kind, email, lambda v, r, draft=draft: applicant_step(v, draft, r)))
        elif kind == "assessor":
            email, ids = people.assessors[index % len(people.assessors)]
            chosen.append((kind, email, lambda v, r, ids=ids: assessor_step(v, r.choice(ids), r)))
        else:
            email = people.officers[index % len(people.officers)]
            chosen.append((kind, email, lambda v, r: officer_step(v, people.application_ids, r)))
    return chosen


def run_mix(
    base_url: str,
    people: People,
    concurrency: int,
    seconds: float,
    seed: int,
    think: float = 0.0,
    tally: Tally | None = None,
) -> tuple[Tally, float]:
    """Every visitor signs in, then repeats their step until `seconds` have passed (pausing `think` seconds between
    steps); returns what they did and the wall-clock seconds of the mix after signing in."""
    tally = tally or Tally()
    ready = threading.Barrier(concurrency + 1)
    stop = threading.Event()

    def visit(number: int, email: str, step: Step) -> None:
        rng = random.Random(seed * 1000 + number)
        visitor = Visitor(base_url)
        try:
            visitor.sign_in(email, bench.PASSWORD, totp_secret=bench.STAFF_TOTP_SECRET)
        except Exception as error:  # a sign-in that fails is an error like any other
            tally.add([], f"{email} could not sign in: {error}")
        visitor.records.clear()  # the mix is measured, not the signing in
        with contextlib.suppress(threading.BrokenBarrierError):
            ready.wait()
        while not stop.is_set():
            error = None
            try:
                step(visitor, rng)
            except Exception as problem:  # Failed, or the connection
                error = f"{email}: {problem!r}"[:500]
            records, visitor.records = visitor.records, []
            tally.add(records, error)
            if think:
                stop.wait(rng.uniform(0, 2 * think))
        visitor.close()

    threads = [
        threading.Thread(target=visit, args=(number, email, step), daemon=True)
        for number, (_, email, step) in enumerate(journeys(people, concurrency))
    ]
    for thread in threads:
        thread.start()
    ready.wait()
    started = time.perf_counter()
    stop.wait(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    return tally, time.perf_counter() - started


def report_mix(tally: Tally, elapsed: float) -> None:
    kinds: dict[str, list[float]] = defaultdict(list)
    for record in tally.records:
        kinds[f"{record.method} {record.path}"].append(record.seconds)
    kinds["all"] = [record.seconds for record in tally.records]
    print(f"{'request':52}{'count':>8}{'per s':>8}{'p50 ms':>9}{'p95 ms':>9}")
    for kind, seconds in sorted(kinds.items(), key=lambda item: (item[0] == "all", item[0])):
        print(f"{kind:52}{len(seconds):8}{len(seconds) / elapsed:8.1f}{_ms(seconds, 50):9.0f}{_ms(seconds, 95):9.0f}")
    print(f"errors: {len(tally.errors)}")
    for error in tally.errors[:10]:
        print(f"  {error}")


def _ms(seconds: list[float], percent: float) -> float:
    return bench.percentile(seconds, percent) * 1000 if seconds else 0.0


# Against the baseline


@contextlib.contextmanager
def baseline(url: str, workers: int, threads: int) -> Iterator[str]:
    """bench/baseline_app.py on the same database, under gunicorn with the same workers and threads."""
    options = [
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--log-level",
        "warning",
    ]
    env = {"BENCH_APP": "baseline", "BENCH_DATABASE": url, "BENCH_SCRATCH": tempfile.gettempdir()}
    process, port = stack.start_gunicorn("serve:application", options, env, pythonpath=[ROOT, BENCH_DIR])
    try:
        stack.wait_until_ready(process, port, "/funds/applications")
        yield f"http://{stack.HOST}:{port}"
    finally:
        stack.stop_gunicorn(process)


def throughput(base_url: str, paths: list[str], concurrency: int, seconds: float, cookie: dict[str, str]) -> float:
    """Requests per second for GETs of `paths`, taken in turn, from `concurrency` keep-alive visitors."""
    counts = [0] * concurrency
    stop = threading.Event()
    failures: list[str] = []

    def visit(number: int) -> None:
        visitor = Visitor(base_url, cookies=dict(cookie))
        position = number
        while not stop.is_set():
            answer = visitor.get(paths[position % len(paths)])
            if answer.status != 200:
                failures.append(f"{paths[position % len(paths)]} gave {answer.status}")
                break
            counts[number] += 1
            position += concurrency
        visitor.close()

    threads = [threading.Thread(target=visit, args=(number,), daemon=True) for number in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    stop.wait(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    if failures:
        raise Failed(failures[0])
    return sum(counts) / (time.perf_counter() - started)


def compare(ours: str, theirs: str, people: People, args: argparse.Namespace) -> list[tuple[str, float, float]]:
    """Each target's throughput on both apps, in alternating rounds; one officer's session for grantsfund."""
    officer = Visitor(ours)
    officer.sign_in(people.officers[0], bench.PASSWORD, totp_secret=bench.STAFF_TOTP_SECRET)
    officer.close()
    ids = random.Random(args.seed).sample(people.application_ids, min(500, len(people.application_ids)))
    targets = {
        "applications page": ["/funds/applications"],
        "application page": [f"/funds/applications/{id_}" for id_ in ids],
    }
    results = []
    for name, paths in targets.items():
        rates: dict[str, list[float]] = {"grantsfund": [], "baseline": []}
        throughput(ours, paths, args.concurrency, 3, officer.cookies)  # warm-up
        throughput(theirs, paths, args.concurrency, 3, {})
        for number in range(args.baseline_rounds):
            order = [("grantsfund", ours, officer.cookies), ("baseline", theirs, {})]
            for app, base_url, cookie in order if number % 2 == 0 else reversed(order):
                rates[app].append(throughput(base_url, paths, args.concurrency, args.baseline_seconds, cookie))
        results.append((name, statistics.mean(rates["grantsfund"]), statistics.mean(rates["baseline"])))
    return results


def parse_args(argv: list[str] | None = None, minutes: float = 2.0) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=minutes, help=f"how long the mix runs ({minutes:g})")
    parser.add_argument("--concurrency", type=int, default=12, help="visitors at once (12)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (4)")
    parser.add_argument("--applications", type=int, default=10_000, help="submitted applications (10,000)")
    parser.add_argument("--users", type=int, default=500, help="other users, as in make bench (500)")
    parser.add_argument("--bids", type=int, default=2000, help="bids in assessment (2,000)")
    parser.add_argument("--grants", type=int, default=2000, help="last year's grants (2,000)")
    parser.add_argument("--applicants", type=int, default=40, help="applicants with a draft (40)")
    parser.add_argument("--assessors", type=int, default=20, help="assessors with draft sheets (20)")
    parser.add_argument("--sheets", type=int, default=20, help="draft sheets per assessor (20)")
    parser.add_argument("--officers", type=int, default=20, help="grants officers (20)")
    parser.add_argument("--baseline-rounds", type=int, default=4, help="alternating rounds against the baseline (4)")
    parser.add_argument("--baseline-seconds", type=float, default=8, help="seconds per app per round (8)")
    parser.add_argument("--seed", type=int, default=2024)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    url = stack.database_url()
    began = time.monotonic()
    print("Populating PostgreSQL ...", flush=True)
    people = populate(url, args)
    print(
        f"  populated in {time.monotonic() - began:.0f}s: {people.data.applications:,} submitted applications, "
        f"{len(people.applicants)} drafts, {sum(len(ids) for _, ids in people.assessors)} draft score sheets of "
        f"{len(people.assessors)} assessors, {len(people.officers)} officers",
        flush=True,
    )
    with stack.serve(url, workers=args.workers, threads=args.threads) as base_url:
        print(f"Mix: {args.concurrency} visitors for {args.minutes:g} minutes against {base_url} ...", flush=True)
        tally, elapsed = run_mix(base_url, people, args.concurrency, args.minutes * 60, args.seed)
        report_mix(tally, elapsed)
        print("Against the baseline ...", flush=True)
        with baseline(url, args.workers, args.threads) as theirs:
            compared = compare(base_url, theirs, people, args)
    print(f"{'throughput (requests/s)':28}{'grantsfund':>12}{'baseline':>12}{'ratio':>8}")
    for name, ours, theirs_rate in compared:
        print(f"{name:28}{ours:12.1f}{theirs_rate:12.1f}{ours / theirs_rate:8.2f}")
    print(
        f"Servers: gunicorn, {args.workers} workers x {args.threads} threads each, on PostgreSQL; the client "
        f"shares the machine's {os.cpu_count()} CPUs. Finished in {time.monotonic() - began:.0f}s"
    )
    return 1 if tally.errors else 0


if __name__ == "__main__":
    sys.exit(main())
