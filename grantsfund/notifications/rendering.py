"""Turning an outbox message's template and context into a subject, a plain-text and an HTML part."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_email(template: str, context: dict[str, Any]) -> RenderedEmail:
    """Render `templates/<stage>/emails/<name>.txt` and `.html` for template '<stage>/<name>'.

    The text template sets `subject`. Rendering happens in a request context built from BASE_URL,
    so templates can use url_for(..., _external=True) even in the mail worker.
    """
    stage, name = template.split("/", 1)
    env = current_app.jinja_env
    values = {
        **context,
        "council_name": current_app.config["COUNCIL_NAME"],
        "service_name": current_app.config["SERVICE_NAME"],
        "support_email": current_app.config["SUPPORT_EMAIL"],
    }
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        text_module = env.get_template(f"{stage}/emails/{name}.txt").make_module(values)
        html = env.get_template(f"{stage}/emails/{name}.html").render(values)
    subject = getattr(text_module, "subject", None)
    if not subject:
        raise ValueError(f"email template {template} does not set a subject")
    return RenderedEmail(subject=subject, text=str(text_module).strip() + "\n", html=html)
