"""Two-step verification pages: the code after the password, setting an app up, recovery codes, turning it off.

Between the password and the code the person is not signed in: the session holds only who passed the password step
and when, and nothing but these pages reads it. `login_user` runs once the second step is done.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, logout_user

from grantsfund import policy
from grantsfund.accounts import forms, second_factor, services
from grantsfund.accounts.models import User
from grantsfund.accounts.views import SECOND_STEP_PASSED, _load_user, _sign_in_limit, _start_session, admin_bp, bp
from grantsfund.common.dates import utcnow
from grantsfund.common.errors import DomainError
from grantsfund.common.transactions import commits
from grantsfund.common.web import current_actor
from grantsfund.extensions import limiter
from grantsfund.security import SECOND_STEP_PENDING

# Pages a signed-in person whose role needs a second factor may still reach before setting one up.
GUARD_EXEMPT = frozenset({"static", "accounts.set_up_authenticator", "accounts.sign_out"})


def begin(user: User, next_url: str | None) -> ResponseReturnValue:
    """After the password: ask for the code, or have the person set up an app first."""
    session.clear()
    session[SECOND_STEP_PENDING] = {"user": user.get_id(), "since": utcnow().isoformat(), "next": next_url}
    return redirect(url_for(".sign_in_code" if user.has_second_factor else ".set_up_authenticator"))


def _pending_user() -> User | None:
    pending: dict[str, Any] | None = session.get(SECOND_STEP_PENDING)
    if not pending:
        return None
    minutes = current_app.config["SECOND_STEP_MINUTES"]
    if utcnow() - datetime.fromisoformat(pending["since"]) > timedelta(minutes=minutes):
        session.pop(SECOND_STEP_PENDING)
        return None
    return services.load_session_user(str(pending["user"]))


def _finish(user: User) -> str:
    """Sign the person in now that both steps are done; returns where they go next."""
    next_url = session.get(SECOND_STEP_PENDING, {}).get("next")
    services.complete_sign_in(user, actor=current_actor())
    _start_session(user)
    session[SECOND_STEP_PASSED] = True
    return str(next_url or url_for(".account"))


def _sign_in_again() -> ResponseReturnValue:
    flash("Your sign-in timed out. Sign in again.", "info")
    return redirect(url_for(".sign_in", next=url_for(".account")))


def _code_step(
    form: forms.CodeForm | forms.RecoveryCodeForm, template: str, check: Callable[..., None]
) -> ResponseReturnValue:
    user = _pending_user()
    if user is None or not user.has_second_factor:
        return _sign_in_again()
    if form.validate_on_submit():
        try:
            check(user, form.code.data, actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            return redirect(_finish(user))
    return render_template(template, form=form)


@bp.route("/sign-in/code", methods=["GET", "POST"])
@policy.public
@limiter.limit(_sign_in_limit, methods=["POST"])
@commits
def sign_in_code() -> ResponseReturnValue:
    return _code_step(forms.CodeForm(), "accounts/sign_in_code.html", second_factor.verify_sign_in_code)


@bp.route("/sign-in/recovery-code", methods=["GET", "POST"])
@policy.public
@limiter.limit(_sign_in_limit, methods=["POST"])
@commits
def sign_in_recovery_code() -> ResponseReturnValue:
    return _code_step(forms.RecoveryCodeForm(), "accounts/sign_in_recovery_code.html", second_factor.use_recovery_code)


@bp.route("/sign-in/set-up-authenticator", methods=["GET", "POST"])
@policy.public
@limiter.limit(_sign_in_limit, methods=["POST"])
@commits
def set_up_authenticator() -> ResponseReturnValue:
    """Setting up an app: during sign-in (when a role needs it), or from the account page (when the person wants it)."""
    signed_in = current_user.is_authenticated
    user = current_user._get_current_object() if signed_in else _pending_user()
    if user is None:
        return _sign_in_again()
    if user.has_second_factor:
        return redirect(url_for(".account" if signed_in else ".sign_in_code"))
    if request.method == "GET" or user.totp_secret is None:
        # A new secret at each visit: one shown earlier (perhaps to someone else who had the password) stops working.
        second_factor.start_set_up(user)
    form = forms.CodeForm()
    if form.validate_on_submit():
        try:
            codes = second_factor.confirm_set_up(user, form.code.data, actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            if signed_in:
                session[SECOND_STEP_PASSED] = True
                next_url = url_for(".account")
            else:
                next_url = _finish(user)
            # Shown in this response only: the codes are never stored or sent anywhere readable.
            return render_template("accounts/recovery_codes.html", codes=codes, next_url=next_url)
    return render_template(
        "accounts/set_up_authenticator.html",
        form=form,
        qr_code=second_factor.qr_code_data_uri(user),
        secret=second_factor.secret_in_groups(user.totp_secret or ""),
        signed_in=signed_in,
    )


@bp.route("/account/two-step-verification/recovery-codes", methods=["GET", "POST"])
@policy.requires("use_account")
@limiter.limit(_sign_in_limit, methods=["POST"])
@commits
def new_recovery_codes() -> ResponseReturnValue:
    if not current_user.has_second_factor:
        return redirect(url_for(".account"))
    form = forms.CodeForm()
    form.submit.label.text = "Make new recovery codes"
    if form.validate_on_submit():
        try:
            codes = second_factor.replace_recovery_codes(current_user, form.code.data, actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            return render_template("accounts/recovery_codes.html", codes=codes, next_url=url_for(".account"))
    return render_template("accounts/new_recovery_codes.html", form=form)


@bp.route("/account/two-step-verification/turn-off", methods=["GET", "POST"])
@policy.requires("use_account")
@limiter.limit(_sign_in_limit, methods=["POST"])
@commits
def turn_off_two_step() -> ResponseReturnValue:
    if not current_user.has_second_factor or policy.requires_second_factor(current_user):
        return redirect(url_for(".account"))
    form = forms.CodeForm()
    form.submit.label.text = "Turn off two-step verification"
    if form.validate_on_submit():
        try:
            second_factor.turn_off(current_user, form.code.data, actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash("Two-step verification is off.", "success")
            return redirect(url_for(".account"))
    return render_template("accounts/turn_off_two_step.html", form=form)


@admin_bp.route("/users/<int:user_id>/reset-two-step-verification", methods=["POST"])
@policy.requires("manage_users")
@commits
def reset_two_step(user_id: int) -> ResponseReturnValue:
    user = _load_user(user_id)
    if forms.ButtonForm().validate_on_submit():
        try:
            second_factor.reset(user, actor=current_actor())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(
                f"Two-step verification for {user.full_name} is reset. They will set it up when they next sign in.",
                "success",
            )
    return redirect(url_for(".show_user", user_id=user.id))


@bp.before_app_request
def _second_step_guard() -> ResponseReturnValue | None:
    """Someone whose role needs a second factor, signed in without one (a role given mid-session, an invitation
    just accepted), may only set one up, sign out, or read the public pages."""
    if (
        not current_user.is_authenticated
        or session.get(SECOND_STEP_PASSED)
        or not policy.requires_second_factor(current_user)
    ):
        return None
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or request.endpoint in GUARD_EXEMPT or getattr(view, "policy", None) == policy.PUBLIC:
        return None
    if current_user.has_second_factor:
        # Their app is set up, but this session never asked for it: sign in again, properly.
        logout_user()
        session.clear()
        return redirect(url_for("accounts.sign_in"))
    return redirect(url_for("accounts.set_up_authenticator"))
