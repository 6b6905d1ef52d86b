"""Error pages in the service's own style, for every status a person may meet."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError, NoResultFound
from werkzeug.exceptions import HTTPException, NotFound

from grantsfund.extensions import db

PAGES = {
    400: "errors/400.html",
    403: "errors/403.html",
    404: "errors/404.html",
    405: "errors/405.html",
    409: "errors/409.html",
    413: "errors/413.html",
    429: "errors/429.html",
    500: "errors/500.html",
}


def _duplicate(error: IntegrityError) -> bool:
    """Whether the database refused a row because one like it already exists (PostgreSQL's unique_violation)."""
    sqlstate = getattr(error.orig, "sqlstate", None)
    return sqlstate == "23505" if sqlstate else "UNIQUE constraint failed" in str(error.orig)


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        code = error.code or 500
        template = PAGES.get(code, "errors/500.html" if code >= 500 else "errors/400.html")
        return render_template(template, error=error), code

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return render_template("errors/csrf.html", error=error), 400

    @app.errorhandler(NoResultFound)
    def missing_object(error: NoResultFound) -> tuple[str, int]:
        return http_error(NotFound())

    @app.errorhandler(IntegrityError)
    def integrity_error(error: IntegrityError) -> tuple[str, int]:
        db.session.rollback()
        if not _duplicate(error):
            raise error  # a broken rule other than uniqueness is a fault: the 500 page, and it is logged
        # Two people adding the same thing at once (the next version number, a second agreement for one bid):
        # the database kept one; the other person is told, not shown a fault.
        app.logger.warning("Concurrent change refused by a unique constraint: %s", error.orig)
        return render_template("errors/409.html"), 409

    @app.errorhandler(500)
    def server_error(error: Exception) -> tuple[str, int]:
        db.session.rollback()
        return render_template("errors/500.html"), 500
