"""Security headers on every response, error pages and downloads included."""

from __future__ import annotations

import base64
import hashlib

from flask import Flask, Response, request
from flask_login import current_user

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


def init_app(app: Flask) -> None:
    @app.after_request
    def add_security_headers(response: Response) -> Response:
        response.headers.update(HEADERS)
        if app.config["HSTS"]:
            response.headers["Strict-Transport-Security"] = HSTS_VALUE
        if current_user and current_user.is_authenticated and not request.path.startswith("/assets/"):
            # Signed-in pages hold personal data: keep them out of shared and back-button caches.
            response.headers["Cache-Control"] = "no-store"
        return response
