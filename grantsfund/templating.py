"""What every template can use: money and time filters, the policy, and the council's details."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask
from govuk_frontend_wtf.main import wtforms_errors
from markupsafe import Markup, escape
from wtforms import Field, FieldList, Form, FormField

from grantsfund import policy
from grantsfund.common.dates import format_date, format_datetime
from grantsfund.common.fields import DayField
from grantsfund.common.money import format_pence
from grantsfund.reporting import tables


def line_breaks(text: str | None) -> Markup:
    """Text people typed, escaped, with its line breaks kept."""
    return Markup("<br>").join(escape(line) for line in (text or "").split("\n"))


def iso_datetime(text: str) -> datetime:
    """A moment stored as ISO text (in a snapshot), back as a datetime for the `datetime` filter."""
    return datetime.fromisoformat(text)


def _date_inputs(fields: Form | FieldList) -> set[str]:
    """The ids of the date inputs among these fields, in sub-forms and lists of rows too."""
    found: set[str] = set()
    for field in fields:
        found |= _date_inputs_in(field)
    return found


def _date_inputs_in(field: Field) -> set[str]:
    if isinstance(field, DayField):
        return {field.id}
    if isinstance(field, FormField):
        return _date_inputs(field.form)
    if isinstance(field, FieldList):
        return _date_inputs(field)
    return set()


def error_summary(form: Form) -> dict[str, Any]:
    """The error summary's parameters, each message linked to the field's input. A date's link goes to its day box,
    as GOV.UK's date input asks: its own id names the box's wrapper, which cannot take focus."""
    params: dict[str, Any] = wtforms_errors(form)
    dates = _date_inputs(form)
    for error in params["errorList"]:
        if error["href"].removeprefix("#") in dates:
            error["href"] += "-day"
    return params


def init_app(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.add_template_filter(format_pence, "money")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(line_breaks, "lines")
    app.add_template_filter(iso_datetime, "iso_datetime")
    app.add_template_filter(tables.as_html, "report_cell")
    app.add_template_global(error_summary, "error_summary_params")

    @app.context_processor
    def service_context() -> dict[str, Any]:
        return {
            "can": policy.can,
            "council_name": app.config["COUNCIL_NAME"],
            "council_logo_url": app.config["COUNCIL_LOGO_URL"],
            "council_website": app.config["COUNCIL_WEBSITE"],
            "service_name": app.config["SERVICE_NAME"],
            "service_phase": app.config["SERVICE_PHASE"],
            "support_email": app.config["SUPPORT_EMAIL"],
        }
