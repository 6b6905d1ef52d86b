"""A PostgreSQL database of a test's own, for races whose work commits for real (and whose append-only rows
the shared test database could never get rid of): created and migrated for the test, dropped after it."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from grantsfund import create_app
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
