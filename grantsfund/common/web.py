"""Small helpers for views: who is acting, where to go next, which page of a list."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import redirect, request, url_for
from flask_login import current_user
from werkzeug.routing import IntegerConverter, Map
from werkzeug.wrappers import Response
from wtforms import Form

from grantsfund.common.actor import Actor


class IdConverter(IntegerConverter):
    """`<int:...>` in a URL, up to the largest id an integer column holds: a longer number is a page that is not
    there (404), not a database error."""

    def __init__(
        self,
        url_map: Map,
        fixed_digits: int = 0,
        min: int | None = None,  # noqa: A002 -- werkzeug's names for the converter's arguments
        max: int = 2**31 - 1,  # noqa: A002
    ) -> None:
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max)


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


def back_to_the_filters(endpoint: str, form: Form, *, code: int = 302) -> Response:
    """A download asked for with a bad filter goes back to its page, which says what is wrong, with what was chosen
    kept. Only the form's own fields are carried over: anything else in the query string is dropped, so it can never
    reach url_for as one of its own keywords (such as _method)."""
    kept: dict[str, Any] = {name: request.args.getlist(name) for name in form._fields if name in request.args}
    return redirect(url_for(endpoint, **kept), code=code)
