"""Security headers on every response, error pages and downloads included; the end of a session that has lasted
too long however busy it was; and the refusal of requests holding a NUL character."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from flask import Flask, Response, abort, request, session
from flask_login import current_user, logout_user, user_logged_in

from grantsfund.common.dates import utcnow

# The one inline script in govuk-frontend-jinja's template.html (it marks the page as JS-enabled
# before first paint). Allowing it by hash keeps the policy free of 'unsafe-inline' and nonces.
GOVUK_INLINE_SCRIPT = (
    "document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype "
    "? ' govuk-frontend-supported' : '');"
)
GOVUK_INLINE_SCRIPT_HASH = "sha256-" + base64.b64encode(hashlib.sha256(GOVUK_INLINE_SCRIPT.encode()).digest()).decode()

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        f"script-src 'self' '{GOVUK_INLINE_SCRIPT_HASH}'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS_VALUE = "max-age=31536000; includeSubDomains"
SIGNED_IN_AT = "signed_in_at"  # in the session: when its person signed in, as a UTC timestamp
SECOND_STEP_PENDING = "second_step"  # in the session: who gave the right password, when, and where they were going


def _note_sign_in(app: Flask, **extra: Any) -> None:
    session[SIGNED_IN_AT] = utcnow().timestamp()


def _end_long_sessions(app: Flask) -> None:
    if "_user_id" not in session:
        return
    now = utcnow().timestamp()
    # A session begun before its sign-in time was kept starts its clock now, rather than ending at once.
    started = session.setdefault(SIGNED_IN_AT, now)
    if now - started > app.config["SESSION_MAX_HOURS"] * 3600:
        logout_user()
        session.clear()


def _refuse_nul_characters() -> None:
    # PostgreSQL cannot store or compare text holding a NUL character (a search for one was a 500 in the scans),
    # and no one types one: the request is refused as malformed before any view sees it.
    fields = [*request.args.items(multi=True), *request.form.items(multi=True)]
    if "\x00" in request.path or any("\x00" in key or "\x00" in value for key, value in fields):
        abort(400)


def init_app(app: Flask) -> None:
    user_logged_in.connect(_note_sign_in, app)
    app.before_request(_refuse_nul_characters)
    app.before_request(lambda: _end_long_sessions(app))

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        response.headers.update(HEADERS)
        if app.config["HSTS"]:
            response.headers["Strict-Transport-Security"] = HSTS_VALUE
        private = current_user and current_user.is_authenticated or SECOND_STEP_PENDING in session
        if private and not request.path.startswith("/assets/"):
            # Signed-in pages hold personal data, and the second step of signing in can show an authenticator
            # secret: keep them out of shared and back-button caches.
            response.headers["Cache-Control"] = "no-store"
        return response
