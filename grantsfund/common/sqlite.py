"""SQLite, made to behave like the PostgreSQL the service is designed for."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event


def make_sqlite_transactional(engine: Engine) -> None:
    """Let SQLAlchemy emit BEGIN itself (pysqlite's own handling breaks SAVEPOINT, which services use
    to turn a unique-constraint clash into a form error) and enforce foreign keys, off by default."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")
