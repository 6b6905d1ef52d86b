"""Counting the SQL a page runs, for tests that a page's queries do not grow with the data."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from grantsfund.extensions import db


@contextmanager
def counted_statements() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(connection, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def statement_count(client, url: str) -> int:
    """The statements one GET of `url` runs, reading a streamed body to its end."""
    with counted_statements() as statements:
        response = client.get(url)
        assert response.status_code == 200
        response.get_data()  # a streamed body runs its queries as it is read
    return len(statements)
