"""Benchmark: the 360Giving publication streams, so its memory stays flat however many grants there are.

One run builds a temporary SQLite database with two decided rounds of awarded grants, bulk-inserted: a small one
(1,000 grants) and a large one (100,000). Each grant is an approved application with its panel decision, one to
three wards (one in ten none), and nine in ten an accepted agreement with two instalments (one paid); the groups
(5,000) are charities, companies or unregistered, so every identifier rule is used. Then, for each round in turn,
it measures with tracemalloc the peak of Python memory while it checks every grant against the standard (what the
page and the downloads do first) and while it writes the JSON package, the CSV file and the XLSX workbook to
/dev/null, and prints each peak with the ratio large / small. A flat export has a ratio near 1; one that loaded
every grant would have a ratio near 100.

There are no thresholds: it exits 0 whenever the measurement completed. See bench/README.md ("Open data").
`.venv/bin/python bench/open_data.py [--sizes 1000 100000] [--seed N]`, or `bench/run.py --only open-data`.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path[:0] = [str(ROOT), str(BENCH_DIR)]

from harness import grantsfund_overrides  # noqa: E402

BATCH = 5000
GROUPS = 5000
WARDS = 24
DECIDED = datetime(2025, 7, 15, 9, 30, tzinfo=UTC)
STARTS, ENDS = date(2025, 9, 1), date(2026, 8, 31)


def _insert(target: Any, rows: Sequence[dict[str, Any]]) -> None:
    from sqlalchemy import insert

    from grantsfund.extensions import db

    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(target), rows[start : start + BATCH])


def _groups(ward_ids: list[int], rng: random.Random) -> None:
    from grantsfund.organisations.models import LegalForm, Organisation

    now = datetime.now(UTC)
    rows = []
    for number in range(1, GROUPS + 1):
        kind = rng.random()
        charity = f"{1_000_000 + number}" if kind < 0.4 else (f"SC{number:06d}" if kind < 0.45 else None)
        company = f"{number:07d}" if 0.35 < kind < 0.6 else None
        rows.append(
            {
                "id": number,
                "name": f"Community Group {number}",
                "legal_form": LegalForm.REGISTERED_CHARITY if charity else LegalForm.UNINCORPORATED_GROUP,
                "charity_number": charity,
                "company_number": company,
                "address_line_1": f"{number} High Street",
                "town": "Northbrook",
                "postcode": "NB1 2AB",
                "ward_id": rng.choice(ward_ids),
                "annual_income_pence": rng.randrange(100_000, 50_000_000),
                "year_established": 2000,
                "has_safeguarding_policy": True,
                "has_equality_policy": True,
                "contact_name": "Amira Khan",
                "contact_email": f"group{number}@example.org",
                "contact_phone": "01632 960 001",
                "created_at": now,
                "updated_at": now,
            }
        )
    _insert(Organisation, rows)


def _grants(round_id: int, meeting_id: int, count: int, first: int, ward_ids: list[int], rng: random.Random) -> None:
    """`count` awarded grants in the round, with ids from `first`."""
    from grantsfund.agreements.models import Agreement, AgreementStatus
    from grantsfund.applications.models import Application, ApplicationStatus, application_wards
    from grantsfund.panel.models import Outcome, PanelDecision, PanelItem
    from grantsfund.payments.models import Instalment, InstalmentStatus, ReleaseCondition

    applications, items, decisions, links, agreements, instalments = [], [], [], [], [], []
    for id_ in range(first, first + count):
        amount = rng.randrange(100_000, 2_500_000)
        applications.append(
            {
                "id": id_,
                "round_id": round_id,
                "organisation_id": rng.randrange(1, GROUPS + 1),
                "status": ApplicationStatus.APPROVED,
                "reference": f"CF-{round_id:02d}-{id_:06d}",
                "title": f"Project {id_}",
                "summary": "People from different backgrounds meet weekly to cook, garden and talk together.",
                "amount_requested_pence": amount + rng.randrange(0, 200_000),
                "start_date": STARTS,
                "end_date": ENDS,
                "communities": [],
                "created_by_id": 1,
                "created_at": DECIDED - timedelta(days=60),
                "updated_at": DECIDED - timedelta(days=30),
            }
        )
        items.append(
            {
                "id": id_,
                "meeting_id": meeting_id,
                "application_id": id_,
                "position": id_,
                "previous_status": ApplicationStatus.AT_PANEL,
                "pack": {},
                "added_at": DECIDED,
            }
        )
        decisions.append(
            {
                "id": id_,
                "meeting_id": meeting_id,
                "item_id": id_,
                "round_id": round_id,
                "application_id": id_,
                "outcome": Outcome.APPROVED,
                "amount_pence": amount,
                "reasons": "Strong bid",
                "taking_part": [],
                "recorded_by_id": 1,
                "recorded_at": DECIDED + timedelta(seconds=id_ % 3600),
            }
        )
        wards = 0 if rng.random() < 0.1 else rng.randint(1, 3)
        links.extend({"application_id": id_, "ward_id": ward} for ward in rng.sample(ward_ids, wards))
        if rng.random() < 0.9:
            agreements.append(
                {
                    "id": id_,
                    "application_id": id_,
                    "decision_id": id_,
                    "terms_id": 1,
                    "status": AgreementStatus.ACCEPTED,
                    "amount_pence": amount,
                    "starts_on": STARTS,
                    "ends_on": ENDS,
                    "created_at": DECIDED + timedelta(days=1),
                    "issued_at": DECIDED + timedelta(days=1),
                    "accepted_at": DECIDED + timedelta(days=20),
                }
            )
            for number, (share, status) in enumerate(
                ((amount // 2, InstalmentStatus.PAID), (amount - amount // 2, InstalmentStatus.DUE)), start=1
            ):
                paid = status is InstalmentStatus.PAID
                instalments.append(
                    {
                        "agreement_id": id_,
                        "number": number,
                        "due_on": STARTS,
                        "amount_pence": share,
                        "condition": ReleaseCondition.AGREEMENT_ACCEPTED,
                        "status": status,
                        "paid_on": STARTS if paid else None,
                        "payment_reference": f"BACS-{id_}" if paid else None,
                        "paid_recorded_at": datetime(2025, 9, 2, 11, tzinfo=UTC) if paid else None,
                    }
                )
    _insert(Application, applications)
    _insert(PanelItem, items)
    _insert(PanelDecision, decisions)
    _insert(application_wards, links)
    _insert(Agreement, agreements)
    _insert(Instalment, instalments)


def build(app: Any, sizes: Sequence[int], seed: int) -> list[int]:
    """Migrate the database and fill it; the ids of the rounds, one for each size."""
    from flask_migrate import upgrade

    from grantsfund.accounts.models import Role, User, UserRole
    from grantsfund.agreements.models import StandardTerms
    from grantsfund.extensions import db
    from grantsfund.organisations.models import Ward
    from grantsfund.panel.models import MeetingStatus, PanelMeeting
    from grantsfund.rounds.models import Fund, Round, RoundStatus

    rng = random.Random(seed)
    log = io.StringIO()
    with contextlib.redirect_stderr(log):
        upgrade()
    now = datetime.now(UTC)
    officer = User(
        id=1,
        email="bench.officer@example.gov.uk",
        full_name="Bench Officer",
        created_at=now,
        role_grants=[UserRole(role=Role.GRANTS_OFFICER, granted_at=now)],
    )
    db.session.add(officer)
    db.session.add(StandardTerms(id=1, version=1, title="Terms", body="1. Use the grant for the project."))
    fund = Fund(name="Communities Fund", code="CF", description="")
    db.session.add(fund)
    _insert(Ward, [{"id": n, "name": f"Ward {n}", "ons_code": f"E05099{n:03d}"} for n in range(1, WARDS + 1)])
    ward_ids = list(range(1, WARDS + 1))
    _groups(ward_ids, rng)
    round_ids, first = [], 1
    for size in sizes:
        round_ = Round(fund=fund, name=f"{size:,} grants", status=RoundStatus.DECIDED)
        meeting = PanelMeeting(
            round=round_, title="Panel", starts_at=DECIDED, chair_id=1, status=MeetingStatus.PUBLISHED, quorum_roles=[]
        )
        db.session.add_all([round_, meeting])
        db.session.flush()
        _grants(round_.id, meeting.id, size, first, ward_ids, rng)
        round_ids.append(round_.id)
        first += size
    db.session.commit()
    return round_ids


def _peak(work: Callable[[], Any]) -> tuple[int, float]:
    """Peak Python memory (bytes) above what was already allocated, and seconds, of `work`."""
    from grantsfund.extensions import db

    db.session.expire_all()
    tracemalloc.start()
    began_memory = tracemalloc.get_traced_memory()[0]
    began = time.perf_counter()
    work()
    elapsed = time.perf_counter() - began
    peak = tracemalloc.get_traced_memory()[1] - began_memory
    tracemalloc.stop()
    return peak, elapsed


def measurements(round_id: int) -> Iterator[tuple[str, Callable[[], Any]]]:
    from flask import current_app

    from grantsfund.reporting.opendata import publication, records
    from grantsfund.reporting.opendata.publication import FileFormat
    from grantsfund.reporting.opendata.records import Publisher, Selection

    publisher = Publisher.from_config(current_app.config)
    selection = Selection(round_id=round_id)
    today = date(2026, 5, 1)

    def check() -> None:
        found = publication.check(selection, publisher, today=today)
        assert found.valid, found.problems[:3]

    yield "check every grant", check
    for file_format in FileFormat:

        def write(file_format: FileFormat = file_format) -> None:
            with open(os.devnull, "wb") as sink:
                grants = records.grants(selection, publisher)
                publication.write(sink, file_format, grants, selection=selection, publisher=publisher, today=today)

        yield f"write {file_format.label}", write


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[1_000, 100_000], metavar="N", help="small, large")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args(argv)

    from grantsfund import create_app
    from grantsfund.extensions import db

    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="grantsfund-open-data-") as scratch_name:
        scratch = Path(scratch_name)
        app = create_app(grantsfund_overrides(scratch / "bench.sqlite", scratch), env_name="development")
        with app.app_context():
            print(f"Building a SQLite database in {scratch} ...", flush=True)
            round_ids = build(app, args.sizes, args.seed)
            print(f"  {sum(args.sizes):,} grants built in {time.monotonic() - began:.1f}s", flush=True)
            results: dict[str, list[tuple[int, float]]] = {}
            for size, round_id in zip(args.sizes, round_ids, strict=True):
                for name, work in measurements(round_id):
                    print(f"Measuring: {name}, {size:,} grants ...", flush=True)
                    results.setdefault(name, []).append(_peak(work))
            db.session.remove()
            db.engine.dispose()
    small, large = args.sizes
    print()
    print("Peak Python memory (tracemalloc) while publishing; times are under tracemalloc, which slows Python code")
    print(f"{'':32} {f'{small:,} grants':>22} {f'{large:,} grants':>22} {'ratio':>8}")
    for name, ((small_peak, small_time), (large_peak, large_time)) in results.items():
        ratio = large_peak / small_peak if small_peak else float("nan")
        print(
            f"{name:32} {small_peak / 2**20:>9.1f} MiB {small_time:>7.1f}s "
            f"{large_peak / 2**20:>9.1f} MiB {large_time:>7.1f}s {ratio:>7.2f}x"
        )
    print(f"\nGrants ratio {large / small:,.0f}x. Finished in {time.monotonic() - began:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
