"""Domain errors: a service raises one when a rule says no; the view shows its message."""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused the change. `field` names the form field the message belongs to, if any."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidTransition(DomainError):
    pass
