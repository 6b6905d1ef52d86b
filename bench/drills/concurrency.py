"""Concurrency drill: the budget and payment guards under 50 simultaneous requests through real HTTP, gunicorn
with several workers and threads, on PostgreSQL.

    scripts/with-postgres.sh .venv/bin/python bench/drills/concurrency.py      (make drill-concurrency)

Panel: a round whose budget fits exactly ten of its bids, a meeting with its quorum present and fifty bids on the
agenda; the chair's browser sends fifty "approve" decisions at the same moment (one per bid, fifty tabs of one
session). Exactly ten must be recorded, forty refused with the page saying the round would go over its budget, and
the approvals must add up to exactly the budget.

Payments: a £10,000 grant whose schedule went wrong, three instalments of £5,000; finance sends fifty approvals at
the same moment, spread over the three instalments. Exactly two may be approved (the grant), each instalment at
most once, every other request told why on the page it lands on.

The state is built with the services in the database; the requests are the ones a browser sends. Prints the
outcome counts; exits 1 on any breach of a guard, any 5xx or any answer it cannot account for.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyotp

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from bench.drills.stack import database_url, migrate, serve  # noqa: E402
from bench.drills.visitor import Response, Visitor  # noqa: E402

PASSWORD = "correct horse battery staple"  # noqa: S105 -- the drill's own throwaway people
REQUESTS = 50
FITS = 10
STAFF = {"grants_officer", "finance_officer", "panel_chair", "administrator", "panel_member", "assessor"}


@dataclass
class Setup:
    chair_email: str
    meeting_id: int
    item_ids: list[int]
    round_id: int
    finance_email: str
    agreement_id: int
    instalment_ids: list[int]
    secrets: dict[str, str]


def people_maker(secrets: dict[str, str]) -> Callable[..., Any]:
    """What the test factories call `make_user`: people who can sign in over HTTP, staff with an authenticator."""
    from grantsfund.accounts.models import Role, User, UserRole
    from grantsfund.accounts.passwords import hash_password
    from grantsfund.common.dates import utcnow
    from grantsfund.extensions import db

    password_hash = hash_password(PASSWORD)
    numbers = iter(range(1, 1_000_000))

    def make(*, roles: Any = frozenset({Role.APPLICANT}), full_name: str = "Drill Person", **_: Any) -> User:
        now, email = utcnow(), f"drill{next(numbers)}@example.org"
        secret = pyotp.random_base32() if {role.value for role in roles} & STAFF else None
        user = User(
            email=email,
            full_name=full_name,
            password_hash=password_hash,
            email_verified_at=now,
            created_at=now,
            role_grants=[UserRole(role=role, granted_at=now) for role in sorted(roles)],
            totp_secret=secret,
            totp_enabled_at=now if secret else None,
        )
        db.session.add(user)
        db.session.flush()
        if secret:
            secrets[email] = secret
        return user

    return make


def build(url: str) -> Setup:
    """The panel race's and the payment race's state, made with the services as the tests make it."""
    from sqlalchemy import update

    from grantsfund import create_app
    from grantsfund.extensions import db
    from grantsfund.panel import meetings
    from grantsfund.rounds.models import Fund
    from tests.applications import factories
    from tests.panel.factories import all_present, meeting, panel, ranked
    from tests.payments.test_concurrency import grant_with_three_instalments
    from tests.rounds.factories import officer_actor

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_PROFILE": "CHEAPEST"}, env_name="development")
    secrets: dict[str, str] = {}
    with app.app_context():
        make_user = people_maker(secrets)
        officer = officer_actor(make_user)
        round_ = factories.open_round(make_user, name="Budget race round")
        round_.assessors_per_bid = 1
        bids = ranked(round_, officer, make_user, REQUESTS)
        round_.budget_pence = FITS * bids[0].amount_requested_pence
        people = panel(make_user)
        held = meeting(round_, officer, people)
        items = meetings.add_to_agenda(held, [bid.id for bid in bids], actor=officer)
        all_present(held, people[0])
        # The payment race makes a fund of its own, with the same name: fund names are unique.
        db.session.execute(update(Fund).values(name=Fund.name + " (budget race)"))
        agreement_id, instalment_ids, finance = grant_with_three_instalments(make_user)
        setup = Setup(
            chair_email=people[0].email,
            meeting_id=held.id,
            item_ids=[item.id for item in items],
            round_id=round_.id,
            finance_email=db.session.get_one(type(people[0]), finance[0]).email,
            agreement_id=agreement_id,
            instalment_ids=instalment_ids,
            secrets=secrets,
        )
        db.session.commit()
        db.engine.dispose()
    return setup


def at_once(signed_in: Visitor, requests: list[Callable[[Visitor], Any]]) -> list[Any]:
    """Each request from its own connection of the same browser session, all released together by a barrier."""
    start = threading.Barrier(len(requests))
    results: list[Any] = [None] * len(requests)

    def run(index: int) -> None:
        tab = Visitor(signed_in.base_url)
        tab.cookies, tab.token = dict(signed_in.cookies), signed_in.token
        start.wait(60)
        try:
            results[index] = requests[index](tab)
        except Exception as error:  # noqa: BLE001 -- reported with the outcomes
            results[index] = error
        finally:
            tab.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(requests))]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    for thread in threads:
        thread.join(180)
    print(f"  {len(requests)} answers within {time.monotonic() - started:.1f} s")
    return results


def panel_race(base_url: str, setup: Setup) -> tuple[Counter[str], list[str]]:
    chair = Visitor(base_url)
    chair.sign_in(setup.chair_email, PASSWORD, totp_secret=setup.secrets[setup.chair_email])
    chair.get(f"/panels/{setup.meeting_id}/items/{setup.item_ids[0]}/decision")

    def approve(item_id: int) -> Callable[[Visitor], Response]:
        path = f"/panels/{setup.meeting_id}/items/{item_id}/decision"
        return lambda tab: tab.post_form(path, {"outcome": "approved", "reasons": "A strong bid"})

    outcomes: Counter[str] = Counter()
    for answer in at_once(chair, [approve(item_id) for item_id in setup.item_ids]):
        if isinstance(answer, Exception):
            outcomes[f"no answer: {type(answer).__name__}: {answer}"] += 1
        elif answer.status == 302:
            outcomes["recorded"] += 1
        elif answer.status == 200 and "over its budget" in answer.text:
            outcomes["refused: the page says the round would go over its budget"] += 1
        else:
            outcomes[f"unexpected {answer.status}"] += 1
    return outcomes, breaches_after_panel(setup)


def payments_race(base_url: str, setup: Setup) -> tuple[Counter[str], list[str]]:
    finance = Visitor(base_url)
    finance.sign_in(setup.finance_email, PASSWORD, totp_secret=setup.secrets[setup.finance_email])
    finance.get(f"/payments/agreements/{setup.agreement_id}")

    def approve(instalment_id: int) -> Callable[[Visitor], tuple[Response, str]]:
        def press(tab: Visitor) -> tuple[Response, str]:
            answer = tab.post_form(f"/payments/instalments/{instalment_id}/approve", {})
            # The outcome is told on the page the button leads back to.
            landed = tab.get(answer.location).text if answer.status == 302 and answer.location else ""
            return answer, landed

        return press

    attempts = [approve(setup.instalment_ids[n % len(setup.instalment_ids)]) for n in range(REQUESTS)]
    outcomes: Counter[str] = Counter()
    for result in at_once(finance, attempts):
        if isinstance(result, Exception):
            outcomes[f"no answer: {type(result).__name__}: {result}"] += 1
            continue
        answer, landed = result
        if answer.status != 302:
            outcomes[f"unexpected {answer.status}"] += 1
        elif "approved for payment." in landed:
            outcomes["approved"] += 1
        elif "over the grant" in landed:
            outcomes["refused: the page says it would go over the grant"] += 1
        elif "cannot be approved" in landed:
            outcomes["refused: the page says the instalment is already approved"] += 1
        else:
            outcomes["302 to a page that says neither"] += 1
    return outcomes, breaches_after_payments(setup)


def breaches_after_panel(setup: Setup) -> list[str]:
    import psycopg

    with psycopg.connect(database_url().replace("postgresql+psycopg://", "postgresql://", 1)) as conn:
        decided, total, budget = conn.execute(
            """
            SELECT count(d.id), coalesce(sum(d.amount_pence), 0), r.budget_pence
            FROM rounds r LEFT JOIN panel_decisions d ON d.round_id = r.id AND d.outcome = 'approved'
            WHERE r.id = %s GROUP BY r.budget_pence
            """,
            [setup.round_id],
        ).fetchone() or (0, 0, 0)
    print(f"  Panel decisions logged: {decided}; approved £{total / 100:,.2f} of a £{budget / 100:,.2f} budget")
    breaches = []
    if decided != FITS:
        breaches.append(f"{decided} approvals logged, not {FITS}")
    if total != budget:
        breaches.append(f"approvals add up to {total}p, the budget is {budget}p")
    return breaches


def breaches_after_payments(setup: Setup) -> list[str]:
    import psycopg

    with psycopg.connect(database_url().replace("postgresql+psycopg://", "postgresql://", 1)) as conn:
        statuses = dict(
            conn.execute(
                "SELECT status, count(*) FROM payment_instalments WHERE agreement_id = %s GROUP BY status",
                [setup.agreement_id],
            ).fetchall()
        )
        committed, grant = conn.execute(
            """
            SELECT coalesce(sum(i.amount_pence) FILTER (WHERE i.status IN ('approved', 'paid')), 0), a.amount_pence
            FROM grant_agreements a JOIN payment_instalments i ON i.agreement_id = a.id
            WHERE a.id = %s GROUP BY a.amount_pence
            """,
            [setup.agreement_id],
        ).fetchone() or (0, 0)
        logged = conn.execute("SELECT count(*) FROM audit_events WHERE action = 'payment.approved'").fetchone() or (0,)
    print(f"  Instalments: {statuses}; approved £{committed / 100:,.2f} of a £{grant / 100:,.2f} grant")
    print(f"  Approvals in the audit trail: {logged[0]}")
    breaches = []
    if committed != grant:
        breaches.append(f"approved {committed}p of a {grant}p grant")
    if logged[0] != 2:
        breaches.append(f"{logged[0]} approvals audited, not 2 (one per approved instalment)")
    return breaches


def main() -> int:
    url = database_url()
    migrate(url)
    setup = build(url)
    failures: list[str] = []
    with serve(url, workers=4, threads=8) as base_url:
        for name, race, expected in (
            ("Panel: 50 approvals at once, budget fits 10", panel_race, {"recorded": FITS}),
            ("Payments: 50 approvals at once of 3 x £5,000 on a £10,000 grant", payments_race, {"approved": 2}),
        ):
            print(name)
            outcomes, breaches = race(base_url, setup)
            for outcome, count in outcomes.most_common():
                print(f"  {outcome}: {count}")
            unexplained = [o for o in outcomes if o.startswith(("unexpected", "no answer", "302 to"))]
            wrong = {key: outcomes[key] for key in expected if outcomes[key] != expected[key]}
            failures += [f"{name}: {line}" for line in breaches + unexplained] + ([f"{name}: {wrong}"] if wrong else [])
    for failure in failures:
        print(f"FAILED {failure}")
    print("Concurrency drill: PASSED" if not failures else "Concurrency drill: FAILED")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
