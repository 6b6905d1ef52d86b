"""Small helpers for views: who is acting, where to go next, which page of a list."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request
from flask_login import current_user

from grantsfund.common.actor import Actor


def current_actor() -> Actor:
    user = current_user._get_current_object() if current_user.is_authenticated else None
    return Actor(user=user, ip_address=request.remote_addr)


def safe_next_url(target: str | None) -> str | None:
    """Only a path on this site, so a crafted sign-in link cannot send people elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def page_number() -> int:
    page = request.args.get("page", default=1, type=int)
    return page if page and 0 < page < 100_000 else 1
