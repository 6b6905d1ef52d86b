"""The base form every form in the service builds on."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    """Strips surrounding spaces from every text field, as people paste them in."""

    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Field:
            filters = unbound_field.kwargs.get("filters", [])
            if _strip not in filters:
                unbound_field.kwargs["filters"] = [*filters, _strip]
            return unbound_field.bind(form=form, **options)

    def add_error(self, field_name: str | None, message: str) -> None:
        """Attach a service's refusal to a field, or to the first field when it names none,
        so the error summary always links somewhere on the page."""
        field = getattr(self, field_name, None) if field_name else None
        if not isinstance(field, Field):
            field = next(iter(self))
        field.errors = [*field.errors, message]
