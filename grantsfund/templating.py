"""What every template can use: money and time filters, the policy, and the council's details."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask
from markupsafe import Markup, escape

from grantsfund import policy
from grantsfund.common.dates import format_date, format_datetime
from grantsfund.common.money import format_pence


def line_breaks(text: str | None) -> Markup:
    """Text people typed, escaped, with its line breaks kept."""
    return Markup("<br>").join(escape(line) for line in (text or "").split("\n"))


def iso_datetime(text: str) -> datetime:
    """A moment stored as ISO text (in a snapshot), back as a datetime for the `datetime` filter."""
    return datetime.fromisoformat(text)


def init_app(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.add_template_filter(format_pence, "money")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(line_breaks, "lines")
    app.add_template_filter(iso_datetime, "iso_datetime")

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
