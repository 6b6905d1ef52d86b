"""Reading the sustainability and closure pages in tests: a part's text, the flash message, a redirect followed,
and the values of a form's fields."""

from __future__ import annotations

from tests.conftest import error_messages, page


def text(response, selector: str = "main") -> str:
    found = page(response).select_one(selector)
    return found.get_text(" ", strip=True) if found else ""


def flash(response) -> str:
    return text(response, ".govuk-notification-banner__content")


def follow(client, response):
    assert response.status_code == 302, error_messages(response) or flash(response)
    return client.get(response.headers["Location"])


def values(response, name: str) -> list[str]:
    return [str(field.get("value", "")) for field in page(response).select(f"[name='{name}']")]
