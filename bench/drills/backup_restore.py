"""Backup and restore drill: fill a PostgreSQL database, pg_dump it, pg_restore it into a fresh database on the same
server and check that the copy is the same, table by table.

    scripts/with-postgres.sh .venv/bin/python bench/drills/backup_restore.py          # the drill (make drill-backup)
    .venv/bin/python bench/drills/backup_restore.py --compare SOURCE_URL RESTORED_URL  # check a restore you made

For every table: the row count and an MD5 of every row in primary-key order; the audit trail compared on its own;
the append-only triggers still refusing UPDATE and DELETE on the restored audit trail; and every sequence set past
the largest id in its column, so new rows cannot reuse an id. --compare only reads, so it is safe against a
production copy (the trigger check runs in a transaction that is rolled back). Exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess  # noqa: S404 -- pg_dump and pg_restore are the tools under test
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "bench" / "drills")]

from bench.drills.stack import database_url, migrate  # noqa: E402

PGBIN = Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"))
APPLICATIONS = 3000


def libpq_url(url: str) -> str:
    """The SQLAlchemy URL without its driver name, as libpq (psql, pg_dump, psycopg) reads it."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def with_database(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + name


@dataclass
class TableCheck:
    table: str
    rows: int
    digest: str


def populate(url: str) -> str:
    """Migrate, add a few thousand applications and then the demo data; say what went in."""
    from application_data import add_applications
    from sqlalchemy import update

    from grantsfund import create_app
    from grantsfund.accounts.models import Role, User, UserRole
    from grantsfund.common.dates import utcnow
    from grantsfund.extensions import db
    from grantsfund.rounds.models import Fund

    migrate(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False}, env_name="development")
    with app.app_context():
        now = utcnow()
        people = [
            User(
                full_name=f"Volume Person {n}",
                email=f"volume.{n}@example.org",
                created_at=now,
                role_grants=[UserRole(role=Role.GRANTS_OFFICER if n == 0 else Role.APPLICANT, granted_at=now)],
            )
            for n in range(60)
        ]
        db.session.add_all(people)
        db.session.flush()
        applicants = [(user.id, user.full_name) for user in people[1:]]
        add_applications(APPLICATIONS, officer_id=people[0].id, applicants=applicants, rng=random.Random(12))
        # Fund names are unique and the demo brings its own "Communities Fund".
        db.session.execute(update(Fund).values(name=Fund.name + " (volume)"))
        db.session.commit()
        seeded = app.test_cli_runner().invoke(args=["demo", "seed"])
        if seeded.exit_code != 0:
            raise SystemExit(f"flask demo seed failed:\n{seeded.output}") from seeded.exception
        db.engine.dispose()
    return f"{APPLICATIONS:,} submitted applications and the demo data"


def tables(conn: psycopg.Connection) -> dict[str, list[str]]:
    """Every table in the public schema with its primary-key columns (empty when it has none)."""
    rows = conn.execute(
        """
        SELECT c.relname, coalesce(array_agg(a.attname ORDER BY array_position(i.indkey, a.attnum))
                                   FILTER (WHERE a.attname IS NOT NULL), '{}')
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
        LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
        LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey)
        WHERE c.relkind = 'r'
        GROUP BY c.relname ORDER BY c.relname
        """
    ).fetchall()
    return {name: list(keys) for name, keys in rows}


def check_table(conn: psycopg.Connection, table: str, keys: list[str]) -> TableCheck:
    # Without a primary key (the link tables), the row's own text orders it: still one order on both sides.
    order = sql.SQL(", ").join(sql.Identifier(key) for key in keys) if keys else sql.SQL("t::text")
    query = sql.SQL("SELECT count(*), coalesce(md5(string_agg(t::text, E'\\n' ORDER BY {order})), '') FROM {table} t")
    count, digest = conn.execute(query.format(order=order, table=sql.Identifier(table))).fetchone() or (0, "")
    return TableCheck(table, count, digest)


def owned_sequences(conn: psycopg.Connection) -> list[tuple[str, str, str, int, int]]:
    """Each sequence with the table and column it numbers, the next value it gives and the column's largest id."""
    owned = conn.execute(
        """
        SELECT s.relname, t.relname, a.attname
        FROM pg_class s
        JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i')
        JOIN pg_class t ON t.oid = d.refobjid
        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
        WHERE s.relkind = 'S'
        """
    ).fetchall()
    found = []
    for sequence, table, column in owned:
        last, called = conn.execute(
            sql.SQL("SELECT last_value, is_called FROM {}").format(sql.Identifier(sequence))
        ).fetchone() or (0, False)
        (largest,) = conn.execute(
            sql.SQL("SELECT coalesce(max({}), 0) FROM {}").format(sql.Identifier(column), sql.Identifier(table))
        ).fetchone() or (0,)
        found.append((sequence, table, column, last + 1 if called else last, largest))
    return found


def sequence_problems(conn: psycopg.Connection) -> tuple[int, list[str]]:
    """Sequences whose next value is not past the largest id already in their column."""
    owned = owned_sequences(conn)
    problems = [
        f"{sequence}: next value {next_value} would reuse {table}.{column} {largest}"
        for sequence, table, column, next_value, largest in owned
        if next_value <= largest
    ]
    return len(owned), problems


class _Undo(Exception):
    """Rolls back a change the database should have refused."""


def append_only_refusals(conn: psycopg.Connection) -> list[str]:
    """Try to change and remove an audit event; each attempt must be refused. Nothing is kept either way."""
    failures = []
    for statement in (
        "UPDATE audit_events SET action = 'tampered' WHERE id = (SELECT min(id) FROM audit_events)",
        "DELETE FROM audit_events WHERE id = (SELECT min(id) FROM audit_events)",
    ):
        try:
            with conn.transaction():
                rows = conn.execute(statement).rowcount
                raise _Undo(f"not refused ({rows} rows): {statement}")
        except _Undo as undone:
            failures.append(str(undone))
        except psycopg.errors.RaiseException as error:
            if "append-only" not in str(error):
                failures.append(f"refused for another reason: {error}")
    return failures


def compare(source_url: str, restored_url: str) -> bool:
    with psycopg.connect(libpq_url(source_url)) as source, psycopg.connect(libpq_url(restored_url)) as restored:
        source_tables, restored_tables = tables(source), tables(restored)
        ok = True
        for missing in sorted(set(source_tables) ^ set(restored_tables)):
            print(f"  {missing}: only in one of the two databases")
            ok = False
        print(f"  {'table':<34} {'rows':>9}  checksum                          result")
        total = 0
        for table, keys in source_tables.items():
            if table not in restored_tables:
                continue
            before, after = check_table(source, table, keys), check_table(restored, table, keys)
            same = before == after
            ok &= same
            total += before.rows
            result = "same" if same else f"DIFFERENT (restored: {after.rows} rows, {after.digest})"
            print(f"  {table:<34} {before.rows:>9}  {before.digest or '-':<32}  {result}")
        print(f"  {len(source_tables)} tables, {total:,} rows")

        events = check_table(source, "audit_events", ["id"]) == check_table(restored, "audit_events", ["id"])
        print(f"Audit trail identical: {'yes' if events else 'NO'}")
        refusals = append_only_refusals(restored)
        print(f"Restored audit trail refuses UPDATE and DELETE: {'yes' if not refusals else 'NO'}")
        sequences, problems = sequence_problems(restored)
        print(f"Sequences past their largest id: {sequences - len(problems)} of {sequences}")
        for line in refusals + problems:
            print(f"  {line}")
        return ok and events and not refusals and not problems


def run(command: list[str]) -> float:
    started = time.monotonic()
    subprocess.run(command, check=True)  # noqa: S603 -- fixed PostgreSQL tools, our own arguments
    return time.monotonic() - started


def drill(url: str) -> bool:
    started = time.monotonic()
    print(f"Filled the database with {populate(url)} in {time.monotonic() - started:.1f} s")
    restored_url = with_database(url, "grantsfund_restored")
    with tempfile.TemporaryDirectory() as scratch:
        dump = Path(scratch) / "grantsfund.dump"
        dumped = run([str(PGBIN / "pg_dump"), "--format=custom", f"--file={dump}", libpq_url(url)])
        print(f"pg_dump --format=custom: {dump.stat().st_size / 1e6:.1f} MB in {dumped:.1f} s")
        with psycopg.connect(libpq_url(with_database(url, "postgres")), autocommit=True) as admin:
            admin.execute("DROP DATABASE IF EXISTS grantsfund_restored")
            admin.execute("CREATE DATABASE grantsfund_restored")
        restored = run(
            [
                str(PGBIN / "pg_restore"),
                "--no-owner",
                "--exit-on-error",
                f"--dbname={libpq_url(restored_url)}",
                str(dump),
            ]
        )
        print(f"pg_restore into a fresh database: {restored:.1f} s")
    checking = time.monotonic()
    ok = compare(url, restored_url)
    print(f"Compared in {time.monotonic() - checking:.1f} s")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--compare", nargs=2, metavar=("SOURCE_URL", "RESTORED_URL"), help="only compare two databases")
    args = parser.parse_args()
    ok = compare(*args.compare) if args.compare else drill(database_url())
    print("Backup and restore: PASSED" if ok else "Backup and restore: FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
