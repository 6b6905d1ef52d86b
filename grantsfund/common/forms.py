"""The base form every form in the service builds on."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import Field, FieldList, FileField, PasswordField

SUBMIT_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# Control characters never mean anything in a form, PostgreSQL refuses NUL in text, and HTML has
# no way to show the rest (a refused value is shown back to the person), so they are dropped on the way in.
_CONTROL_CHARACTERS = dict.fromkeys(c for c in [*range(32), *range(127, 160)] if chr(c) not in "\t\n\r")


def _clean(value: Any, *, strip: bool) -> Any:
    if not isinstance(value, str):
        return value  # an uploaded file, for a file field
    value = value.translate(_CONTROL_CHARACTERS)
    return value.strip() if strip else value


class BaseForm(FlaskForm):
    """Drops control characters from everything sent, and surrounding spaces (as people paste them in)
    from everything but passwords, before any validator looks: so "   " is a missing answer."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            if has_request_context() and request.is_json and request.method in SUBMIT_METHODS:
                # Browsers post forms, never JSON; Flask-WTF would read a JSON body as the form and fail on any
                # body that is not an object of strings, so a JSON body counts as a form with no answers.
                formdata = request.form
            formdata = super().wrap_formdata(form, formdata)
            if formdata is None:
                return None
            passwords = {field.name for field in form if isinstance(field, PasswordField)}
            # A file sent under a text field's name would reach validators that expect text; only file fields
            # take uploads.
            files = {field.name for field in form if isinstance(field, FileField)}
            return MultiDict(
                [
                    (key, _clean(value, strip=key not in passwords))
                    for key, value in formdata.items(multi=True)
                    if isinstance(value, str) or key in files
                ]
            )

    def add_error(self, field_name: str | None, message: str) -> None:
        """Attach a service's refusal to a field, or to the first field when it names none,
        so the error summary always links somewhere on the page."""
        field = getattr(self, field_name, None) if field_name else None
        if not isinstance(field, Field):
            field = next(iter(self))
        field.errors = [*field.errors, message]


def row_errors(rows: FieldList, message: str, field_name: str | None = None, *, index: int = 0) -> None:
    """A message about a list of rows, shown at one row (the first, unless `index` says which): at the named field
    (the first amount, for a total), or else at the row's first field, so the error summary links to it."""
    row = rows.entries[index].form
    field = row[field_name] if field_name else next(iter(row))
    field.errors = [*field.errors, message]
    rows.errors = [entry.errors for entry in rows.entries]  # the list keeps its own copy from validation
