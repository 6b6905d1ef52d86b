"""One person's browser, for drills and the benchmark: a keep-alive connection, a cookie jar, the forms' CSRF
token, the sign-in (with the authenticator code step when it comes), and a record of every request it made.

    visitor = Visitor("http://127.0.0.1:8000")
    visitor.sign_in("officer@example.gov.uk", password, totp_secret=secret)
    page = visitor.get("/funds/applications")
    saved = visitor.post_form("/applications/12/sections/project", {"title": "..."})
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.client import HTTPConnection, HTTPException, RemoteDisconnected
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

# A connection the server closed while idle fails on its next use in one of these ways; the request never
# reached the app, so sending it again on a new connection is safe.
_STALE = (RemoteDisconnected, BrokenPipeError, ConnectionResetError)


class SignInFailed(Exception):
    pass


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    location: str  # the Location header's path, "" if none

    @property
    def text(self) -> str:
        return self.body.decode()


@dataclass(frozen=True)
class Record:
    method: str
    path: str  # the path with its numbers as <id>, e.g. /funds/applications/<id>, or the name the caller gave
    status: int
    seconds: float


class _CsrfField(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.token: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "input" and values.get("name") == "csrf_token":
            self.token = values.get("value")


def csrf_token(body: bytes) -> str | None:
    """The value of the page's first csrf_token field, if it has one."""
    parser = _CsrfField()
    parser.feed(body.decode(errors="replace"))
    return parser.token


class _FormFields(HTMLParser):
    """The fields of the page's forms as a browser would send them unchanged: text and hidden inputs, checked
    radios and checkboxes, textareas and each select's chosen option; and every radio's possible values."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.radios: dict[str, list[str]] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        name, kind = values.get("name"), values.get("type", "text")
        if tag == "textarea" and name:
            self._textarea = name
            self.fields.append((name, ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in values:
            self.fields.append((self._select, values.get("value", "")))
        elif tag == "input" and name and kind not in {"submit", "button", "file"}:
            if kind == "radio":
                self.radios.setdefault(name, []).append(values.get("value", ""))
            if kind not in {"radio", "checkbox"} or "checked" in values:
                self.fields.append((name, values.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            name, text = self.fields[-1]
            self.fields[-1] = (name, text + data)


def form_fields(body: bytes) -> tuple[list[tuple[str, str]], dict[str, list[str]]]:
    """The page's form fields as they stand (csrf_token left out: post_form adds it), and each radio's choices."""
    parser = _FormFields()
    parser.feed(body.decode(errors="replace"))
    return [(name, value) for name, value in parser.fields if name != "csrf_token"], parser.radios


def template(path: str) -> str:
    """The path without its query, numbers as <id>: how requests are grouped in a report."""
    return re.sub(r"/\d+(?=/|$)", "/<id>", urlsplit(path).path)


@dataclass
class Visitor:
    base_url: str
    timeout: float = 60
    cookies: dict[str, str] = field(default_factory=dict)
    records: list[Record] = field(default_factory=list)
    token: str | None = None  # the last CSRF token seen: one session's token serves all its forms
    _connection: HTTPConnection | None = None

    def get(self, path: str, name: str | None = None) -> Response:
        return self.request("GET", path, name=name)

    def post_form(self, path: str, data: dict[str, str] | list[tuple[str, str]], name: str | None = None) -> Response:
        """POST the form's fields with the session's CSRF token, read from the form's page first if no page seen
        so far had one."""
        if self.token is None:
            self.get(path, name=name)
        if self.token is None:
            raise RuntimeError(f"no CSRF token on {path} nor any page before it")
        fields = list(data.items()) if isinstance(data, dict) else list(data)
        body = urlencode([("csrf_token", self.token), *fields])
        return self.request(
            "POST", path, body=body, headers={"Content-Type": "application/x-www-form-urlencoded"}, name=name
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        body: str | None = None,
        headers: dict[str, str] | None = None,
        name: str | None = None,
    ) -> Response:
        """Send one request on the keep-alive connection (a new one if the server had closed it), record it, keep
        the cookies it sets and the CSRF token of an HTML page."""
        sent = {**(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{key}={value}" for key, value in self.cookies.items())
        started = time.perf_counter()
        for attempt in (1, 2):
            reused = self._connection is not None
            connection = self._connect()
            try:
                connection.request(method, path, body=body, headers=sent)
                answer = connection.getresponse()
                payload = answer.read()
                break
            except (HTTPException, OSError) as error:
                self.close()
                if not (reused and attempt == 1 and isinstance(error, _STALE)):
                    self.records.append(Record(method, name or template(path), 0, time.perf_counter() - started))
                    raise
        seconds = time.perf_counter() - started
        if answer.will_close:
            self.close()
        for header in answer.msg.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for key, morsel in jar.items():
                self.cookies[key] = morsel.value
        if "html" in (answer.getheader("Content-Type") or "") and (token := csrf_token(payload)):
            self.token = token
        response = Response(answer.status, payload, urlsplit(answer.getheader("Location") or "").path)
        self.records.append(Record(method, name or template(path), answer.status, seconds))
        return response

    def sign_in(self, email: str, password: str, totp_secret: str | None = None) -> Response:
        """Sign in through the forms as a browser does, with the authenticator's current code if the service asks
        for one; returns the final answer (a redirect to the account page). Raises SignInFailed otherwise."""
        self.cookies.clear()
        self.token = None
        page = self.get("/sign-in")
        if page.status != 200 or self.token is None:
            raise SignInFailed(f"GET /sign-in gave {page.status} without a CSRF token")
        answer = self.post_form("/sign-in", {"email": email, "password": password})
        if answer.status == 302 and answer.location == "/sign-in/code":
            if totp_secret is None:
                raise SignInFailed(f"{email} is asked for an authenticator code and has no secret")
            import pyotp  # only staff signing in need it

            self.get("/sign-in/code")
            answer = self.post_form("/sign-in/code", {"code": pyotp.TOTP(totp_secret).now()})
        if answer.status != 302 or answer.location != "/account":
            raise SignInFailed(
                f"signing in as {email} ended with {answer.status} to {answer.location!r}\n{answer.text[:2000]}"
            )
        return answer

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _connect(self) -> HTTPConnection:
        if self._connection is None:
            address = urlsplit(self.base_url)
            self._connection = HTTPConnection(address.hostname or "127.0.0.1", address.port, timeout=self.timeout)
        return self._connection
