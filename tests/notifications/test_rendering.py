"""Every account email renders a subject, a plain-text part and a well-formed HTML part, with
absolute links built from BASE_URL (the mail worker has no request to take a host from)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import html5lib
import pytest
from bs4 import BeautifulSoup
from flask import Flask
from jinja2 import TemplateNotFound

from config import BASE_DIR
from grantsfund.notifications.rendering import RenderedEmail, render_email

BASE_URL = "https://grants.northbrook.example"
EMAILS_DIR = Path(BASE_DIR) / "templates" / "accounts" / "emails"
NAME = "Grace Hopper"

# The context each email gets from grantsfund/accounts/services.py, and the pages it links to.
EMAILS: dict[str, tuple[dict[str, Any], list[str]]] = {
    "account_locked": ({"full_name": NAME, "minutes": 15}, ["/forgot-password"]),
    "already_registered": ({"full_name": NAME}, ["/sign-in", "/forgot-password"]),
    "invitation": (
        {
            "full_name": NAME,
            "token": "tok_invite_1",
            "invited_by": "Ada Lovelace",
            "roles": ["Assessor", "Grants officer"],
            "days": 7,
        },
        ["/invitation/tok_invite_1"],
    ),
    "password_changed": ({"full_name": NAME}, ["/forgot-password"]),
    "reset_password": ({"full_name": NAME, "token": "tok_reset_1", "hours": 1}, ["/reset-password/tok_reset_1"]),
    "roles_changed": ({"full_name": NAME, "roles": ["Assessor", "Panel member"]}, ["/sign-in"]),
    "verify_email": ({"full_name": NAME, "token": "tok_verify_1", "hours": 48}, ["/verify-email/tok_verify_1"]),
    "two_step_changed": ({"full_name": NAME, "change": "recovery_code_used", "left": 9}, ["/forgot-password"]),
}


@pytest.fixture(autouse=True)
def base_url(app: Flask, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setitem(app.config, "BASE_URL", BASE_URL)
    return BASE_URL


def render(name: str, context: dict[str, Any]) -> RenderedEmail:
    return render_email(f"accounts/{name}", context)


def html_links(html: str) -> list[str]:
    return [str(a["href"]) for a in BeautifulSoup(html, "html.parser").select("a[href]")]


def test_every_email_template_has_a_case_here_and_both_parts() -> None:
    texts = {path.stem for path in EMAILS_DIR.glob("*.txt")}
    htmls = {path.stem for path in EMAILS_DIR.glob("*.html")}

    assert texts == htmls, "each email needs a .txt and a .html part"
    assert texts == set(EMAILS), "add a case to EMAILS for each new email template"


@pytest.mark.parametrize(("name", "context", "paths"), [(n, *case) for n, case in EMAILS.items()], ids=list(EMAILS))
def test_email_renders_subject_text_and_html_with_absolute_links(
    app: Flask, name: str, context: dict[str, Any], paths: list[str]
) -> None:
    rendered = render(name, context)

    assert rendered.subject.strip()
    assert "\n" not in rendered.subject  # it becomes a header

    links = [BASE_URL + path for path in paths]
    assert f"Dear {NAME}," in rendered.text
    for link in links:
        assert link in rendered.text
    # Every web address in the text is on this service's own host.
    assert all(url.startswith(BASE_URL) for url in re.findall(r"https?://\S+", rendered.text))
    assert "<" not in rendered.text

    html5lib.HTMLParser(strict=True).parse(rendered.html)
    soup = BeautifulSoup(rendered.html, "html.parser")
    assert soup.title is not None
    assert soup.title.get_text(strip=True)
    assert f"Dear {NAME}," in soup.get_text()
    assert app.config["COUNCIL_NAME"] in soup.get_text()
    hrefs = html_links(rendered.html)
    for link in links:
        assert link in hrefs
    assert f"mailto:{app.config['SUPPORT_EMAIL']}" in hrefs
    assert all(href.startswith((BASE_URL + "/", "mailto:")) for href in hrefs), hrefs


def test_invitation_names_who_invited_and_the_roles() -> None:
    context, _ = EMAILS["invitation"]

    rendered = render("invitation", context)

    assert rendered.subject == "You have been invited to the Communities Fund"
    expected = "Ada Lovelace has invited you to the Northbrook Council Communities Fund as: Assessor, Grants officer."
    assert expected in rendered.text
    assert expected in BeautifulSoup(rendered.html, "html.parser").get_text(" ", strip=True)
    assert "for 7 days" in rendered.text


@pytest.mark.parametrize(("hours", "wording"), [(1, "for 1 hour."), (2, "for 2 hours.")])
def test_reset_link_lifetime_reads_naturally(hours: int, wording: str) -> None:
    rendered = render("reset_password", {"full_name": NAME, "token": "tok", "hours": hours})

    assert wording in rendered.text
    assert wording in BeautifulSoup(rendered.html, "html.parser").get_text()


def test_names_are_escaped_in_html_but_left_alone_in_plain_text() -> None:
    name = "O'Brien & <Sons>"

    rendered = render("password_changed", {"full_name": name})

    assert f"Dear {name}," in rendered.text
    assert "<Sons>" not in rendered.html
    assert f"Dear {name}," in BeautifulSoup(rendered.html, "html.parser").get_text()


def test_links_keep_a_path_prefix_in_base_url(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "BASE_URL", "https://www.northbrook.example/communities-fund")

    rendered = render("verify_email", {"full_name": NAME, "token": "tok_verify_1", "hours": 48})

    link = "https://www.northbrook.example/communities-fund/verify-email/tok_verify_1"
    assert link in rendered.text
    assert link in html_links(rendered.html)


def test_unknown_email_template_is_an_error() -> None:
    with pytest.raises(TemplateNotFound, match="accounts/emails/no_such_email"):
        render("no_such_email", {})
