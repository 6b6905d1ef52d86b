"""The base form every form in the service builds on."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import Field

# Control characters never mean anything in a form, PostgreSQL refuses NUL in text, and HTML has
# no way to show the rest (a refused value is shown back to the person), so they are dropped on the way in.
_CONTROL_CHARACTERS = dict.fromkeys(c for c in [*range(32), *range(127, 160)] if chr(c) not in "\t\n\r")


def _clean(value: Any) -> Any:
    return value.translate(_CONTROL_CHARACTERS) if isinstance(value, str) else value


def _strip(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return [_strip(item) for item in value]
    return value


class BaseForm(FlaskForm):
    """Drops control characters from everything sent, and strips surrounding spaces (as people paste
    them in) from every field's value."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            formdata = super().wrap_formdata(form, formdata)
            if formdata is None:
                return None
            return MultiDict([(key, _clean(value)) for key, value in formdata.items(multi=True)])

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
