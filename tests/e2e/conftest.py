"""The browser layer: a live server on its own SQLite file, Debian's Chromium driven by Playwright,
axe-core on every page, a screenshot of every page, and no console errors or CSP violations allowed.

Run with `make test-browser` (or `pytest -m browser`)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask_migrate import upgrade
from playwright.sync_api import BrowserContext, ConsoleMessage, Error, Page, expect
from sqlalchemy import select
from werkzeug.serving import make_server

from grantsfund import create_app, policy
from grantsfund.accounts.models import Role, User, UserRole
from grantsfund.accounts.passwords import hash_password
from grantsfund.common.dates import utcnow
from grantsfund.demo.services import DEMO_TOTP_SECRET
from grantsfund.extensions import db
from grantsfund.notifications.models import OutboxMessage

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM = "/usr/bin/chromium"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
HERE = Path(__file__).resolve().parent
# Staff in the journeys have the demo logins' published authenticator secret, so one sign-in helper serves the
# journeys' own people and the demo's alike.
TOTP_SECRET = DEMO_TOTP_SECRET
CODE_HEADING = "Enter the 6-digit code from your authenticator app"

# Content-Security-Policy violations also reach the console, but this catches every one of them
# (report-only and blocked alike), because an init script runs before the page's own scripts and the CSP.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
                + ` at ${event.sourceFile || document.location.href}:${event.lineNumber}`);
});
"""

# Werkzeug's development server leaves a static file open when the browser drops the connection
# mid-transfer (navigating on before an asset finishes); the file is closed when collected, and
# that warning says nothing about the app. Only static files are excused.
DEV_SERVER_LEAKS = (
    "ignore:unclosed file <_io.BufferedReader name='[^']*/static/:ResourceWarning",
    "ignore:Exception ignored in. <_io.\\w+ name='[^']*/static/:pytest.PytestUnraisableExceptionWarning",
)


@pytest.hookimpl(tryfirst=True)  # before `-m` selects by marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Collection hooks see every test in the run, so mark only the ones in this folder.
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            for ignored in DEV_SERVER_LEAKS:
                item.add_marker(pytest.mark.filterwarnings(ignored))


@pytest.fixture(autouse=True)
def _isolated() -> None:
    """Overrides the root conftest's rolled-back transaction for these tests.

    That fixture swaps `db.session` (a module-level global) for one bound to the in-memory test
    database, and the live server's request threads would then read and write that database instead
    of their own. The live server commits for real to its own throwaway file, so nothing needs undoing.
    """


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    tmp = tmp_path_factory.mktemp("e2e")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'e2e.sqlite'}",
            "MAIL_FILE_DIR": str(tmp / "mail"),
            "UPLOAD_DIR": str(tmp / "uploads"),
            "SERVER_NAME": None,
            # SESSION_COOKIE_SECURE stays True: Chromium treats http://127.0.0.1 as a secure context
            # and keeps Secure cookies for it, so the journeys run with the production cookie flags.
        },
        env_name="test",
    )
    with app.app_context():
        upgrade()
    return app


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    """pytest-playwright's base URL: `page.goto("/register")` goes to the live server."""
    return live_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


class BrowserProblems:
    """Console errors, uncaught script errors and CSP violations seen on any page of one test."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def watch(self, page: Page) -> Page:
        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                where = message.location.get("url") or page.url
                self.seen.append(f"console error on {page.url}: {message.text} ({where})")

        def on_page_error(error: Error) -> None:
            self.seen.append(f"uncaught error on {page.url}: {error}")

        page.add_init_script(CSP_LISTENER)
        page.on("console", on_console)
        page.on("pageerror", on_page_error)
        page.set_default_timeout(5_000)
        return page


@pytest.fixture
def browser_problems(request: pytest.FixtureRequest) -> Iterator[BrowserProblems]:
    problems = BrowserProblems()
    yield problems
    report = "The browser reported errors:\n" + "\n".join(problems.seen)
    call = getattr(request.node, "rep_call", None)  # set by pytest-playwright's report hook
    if call is not None and call.failed:
        if problems.seen:
            print(report)  # the test has failed already: say why here, without a second failure
        return
    assert not problems.seen, report


@pytest.fixture
def page(page: Page, browser_problems: BrowserProblems) -> Page:
    """pytest-playwright's page, failing the test on any console error, script error or CSP violation."""
    return browser_problems.watch(page)


@pytest.fixture
def new_page(new_context: Callable[..., BrowserContext], browser_problems: BrowserProblems) -> Callable[[], Page]:
    """Another person's browser: a fresh context (no shared cookies), watched like `page`."""
    return lambda: browser_problems.watch(new_context().new_page())


def _axe_report(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            lines.append(f"    at {', '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:200]}")
            summary = node.get("failureSummary") or ""
            lines.extend(f"       {line}" for line in summary.splitlines())
    return "\n".join(lines)


def check_page(page: Page, name: str) -> None:
    """Check the page as it is now with axe-core (WCAG 2.2 AA) and keep a full-page screenshot of it."""
    page.wait_for_load_state("load")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # page.add_script_tag(path=...) injects an inline <script>, which the app's CSP rightly blocks (and
        # which would then fail the test as a CSP violation). Evaluating the file through the DevTools
        # protocol is not subject to the page's CSP, so the policy stays on for everything else.
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS
    )
    blocking = [v for v in result["violations"] if v["impact"] in BLOCKING_IMPACTS]
    others = [v for v in result["violations"] if v["impact"] not in BLOCKING_IMPACTS]
    if others:
        print(f"axe on {name} ({page.url}), minor or moderate:\n{_axe_report(others)}")
    assert not blocking, f"axe found serious or critical problems on {name} ({page.url}):\n{_axe_report(blocking)}"


@pytest.fixture
def live_db(live_app: Flask) -> Callable[..., Any]:
    """Run a function inside the live app's app context, against its database; commits if it returns normally."""

    def run(function: Callable[[], Any]) -> Any:
        with live_app.app_context():
            try:
                result = function()
                db.session.commit()
                return result
            finally:
                db.session.remove()

    return run


@pytest.fixture
def newest_email(live_db: Callable[..., Any]) -> Callable[..., OutboxMessage]:
    """The newest message in the live server's outbox for an address (detached, with its context)."""

    def newest(recipient: str, template: str | None = None) -> OutboxMessage:
        def query() -> OutboxMessage:
            statement = select(OutboxMessage).where(OutboxMessage.recipient == recipient)
            if template:
                statement = statement.where(OutboxMessage.template == template)
            message = db.session.scalars(statement.order_by(OutboxMessage.id.desc()).limit(1)).first()
            assert message is not None, f"no email queued for {recipient}"
            db.session.expunge(message)
            return message

        return live_db(query)  # type: ignore[no-any-return]

    return newest


def enrol_if_required(user: User) -> User:
    """Staff whose role needs two-step verification come with their authenticator app already set up."""
    if policy.requires_second_factor(user):
        user.totp_secret = TOTP_SECRET
        user.totp_enabled_at = utcnow()
    return user


# The last 30-second step whose code each person used: the service accepts a code once per person.
_last_steps: dict[str, int] = {}


def authenticator_code(email: str, secret: str = TOTP_SECRET) -> str:
    """The code the person's app shows. Signing the same person in again within one step takes the next step's
    code (the service allows one step of clock drift), or waits for it."""
    totp = pyotp.TOTP(secret)
    current = int(time.time()) // totp.interval
    step = max(current, _last_steps.get(email, current - 1) + 1)
    if step > current + 1:
        time.sleep((step - 1) * totp.interval - time.time() + 1)
    _last_steps[email] = step
    return totp.generate_otp(step)


def enter_code_if_asked(page: Page, email: str) -> None:
    """After the password: staff (and anyone who has set up an app) are asked for a code; others are already in."""
    heading = page.get_by_role("heading", level=1)
    expect(heading).not_to_have_text("Sign in")
    if heading.inner_text() == CODE_HEADING:
        page.get_by_label("Code").fill(authenticator_code(email))
        page.get_by_role("button", name="Continue").click()


def set_up_authenticator(page: Page, email: str, *, screenshot_prefix: str) -> tuple[str, list[str]]:
    """On the set-up page: add the key to an 'app' (as typed from the page), confirm a code, keep the recovery
    codes. Returns the secret and the recovery codes."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-step verification")
    check_page(page, f"{screenshot_prefix}-set-up-authenticator")
    secret = page.locator(".app-totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Code").fill(authenticator_code(email, secret))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Save your recovery codes")
    check_page(page, f"{screenshot_prefix}-recovery-codes")
    codes = page.locator(".app-recovery-codes li").all_inner_texts()
    page.get_by_role("button", name="I have saved my recovery codes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    return secret, codes


@pytest.fixture
def make_live_user(live_db: Callable[..., Any]) -> Callable[..., str]:
    """Create a verified user with a password directly in the live database; returns their email address.
    Staff come with an authenticator app set up (see `enter_code_if_asked`) unless `authenticator=False`."""

    def make(*, email: str, full_name: str, password: str, roles: set[Role], authenticator: bool = True) -> str:
        def create() -> str:
            now = utcnow()
            user = User(
                email=email,
                full_name=full_name,
                password_hash=hash_password(password),
                email_verified_at=now,
                created_at=now,
                role_grants=[UserRole(role=role, granted_at=now) for role in sorted(roles)],
            )
            db.session.add(enrol_if_required(user) if authenticator else user)
            return email

        return live_db(create)  # type: ignore[no-any-return]

    return make
