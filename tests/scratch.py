"""A PostgreSQL database of a test's own, for races whose work commits for real (and whose append-only rows
the shared test database could never get rid of): created and migrated for the test, dropped after it."""

import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from grantsfund import create_app
from grantsfund.common.errors import DomainError
from grantsfund.extensions import db


@contextmanager
def scratch_database(tmp_path: Path, *, connections: int) -> Iterator[Flask]:
    """The app on a fresh, migrated database beside the test database, with a pool of `connections` (each
    racer holds one while it waits for the others)."""
    main_url = make_url(str(db.engine.url))
    name = f"race_{uuid.uuid4().hex[:12]}"
    admin = create_engine(main_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    scratch = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": main_url.set(database=name).render_as_string(hide_password=False),
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            "MAIL_FILE_DIR": str(tmp_path / "mail"),
            "SERVER_NAME": None,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "pool_size": connections},
        },
        env_name="test",
    )
    try:
        with scratch.app_context():
            upgrade()
        yield scratch
    finally:
        with scratch.app_context():
            db.engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def race(scratch_app: Flask, moves: list[Callable[[], None]]) -> tuple[int, list[Exception]]:
    """Each move runs in its own app context at the same moment; how many went through, and what was refused."""
    start = threading.Barrier(len(moves))
    done: list[int] = []
    refused: list[Exception] = []
    errors: list[BaseException] = []

    def run(move: Callable[[], None]) -> None:
        with scratch_app.app_context():
            try:
                start.wait(60)
                try:
                    move()
                    db.session.commit()
                    done.append(1)
                except DomainError as error:
                    db.session.rollback()
                    refused.append(error)
            except Exception as error:  # noqa: BLE001 - the assertion below reports it
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(move,)) for move in moves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    return len(done), refused
