"""The start page and the pages every public service has: accessibility, privacy, cookies."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template
from flask.typing import ResponseReturnValue

from grantsfund import policy
from grantsfund.dataprotection.services import Retention

bp = Blueprint("pages", __name__)


@bp.route("/")
@policy.public
def home() -> ResponseReturnValue:
    return render_template("pages/home.html")


@bp.route("/accessibility")
@policy.public
def accessibility() -> ResponseReturnValue:
    return render_template("pages/accessibility.html")


@bp.route("/privacy")
@policy.public
def privacy() -> ResponseReturnValue:
    return render_template("pages/privacy.html", retention=Retention.from_config(current_app.config))


@bp.route("/cookies")
@policy.public
def cookies() -> ResponseReturnValue:
    return render_template("pages/cookies.html")


@bp.route("/health")
@policy.public
def health() -> ResponseReturnValue:
    """For load balancers: the app is up."""
    return jsonify(status="ok")
