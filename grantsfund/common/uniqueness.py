"""Turning a unique-constraint clash into a message on the form, not a server error."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError

from grantsfund.common.errors import DomainError
from grantsfund.extensions import db


class DuplicateValue(DomainError):
    pass


@contextmanager
def unique(message: str, *, field: str) -> Iterator[None]:
    """Flush the block's changes in a savepoint. A services' own check usually catches a duplicate
    first; this catches the one that slips in between that check and the insert (two people saving
    the same name at once), leaving the rest of the transaction intact."""
    try:
        with db.session.begin_nested():
            yield
            db.session.flush()
    except IntegrityError as error:
        raise DuplicateValue(message, field=field) from error
