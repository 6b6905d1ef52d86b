"""One user action is one transaction: views that change state opt in with @commits."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import make_response
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from grantsfund.extensions import db


def commits(view: Callable[..., ResponseReturnValue]) -> Callable[..., Response]:
    """Commit when the view succeeds (status below 400); otherwise roll everything back."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        try:
            response = make_response(view(*args, **kwargs))
        except BaseException:
            db.session.rollback()
            raise
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response

    wrapper.commits = True  # type: ignore[attr-defined]
    return wrapper
