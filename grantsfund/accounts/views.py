"""Signing up, in and out, passwords; and (for administrators) staff and their roles."""

from __future__ import annotations

import hashlib

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user

from grantsfund import policy
from grantsfund.accounts import forms, second_factor, services
from grantsfund.accounts.models import Role, TokenPurpose, User
from grantsfund.common.errors import DomainError
from grantsfund.common.transactions import commits
from grantsfund.common.web import current_actor, page_number, safe_next_url
from grantsfund.extensions import limiter
from grantsfund.security import SIGNED_IN_AT

bp = Blueprint("accounts", __name__)
admin_bp = Blueprint("admin", __name__, url_prefix="/admin")

CHECK_EMAIL_REASONS = {"register", "reset", "verify"}


def _sign_in_limit() -> str:
    return str(current_app.config["SIGN_IN_RATE_LIMIT"])


def _account_limit() -> str:
    return str(current_app.config["ACCOUNT_RATE_LIMIT"])


def _account_key() -> str:
    # One bucket per address typed in, so throttling one account never slows down another.
    email = services.normalise_email(request.form.get("email", ""))
    return "account:" + hashlib.sha256(email.encode()).hexdigest()


SECOND_STEP_PASSED = "second_step_passed"  # this signed-in session was completed with a second step


def _start_session(user: User) -> None:
    session.clear()
    login_user(user)
    session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME without a request


def _renew_session(user: User) -> None:
    """The same sign-in under the person's new session token: it keeps its second step and its start time, so a
    password change neither signs staff out nor extends the session's absolute limit."""
    kept = {key: session[key] for key in (SECOND_STEP_PASSED, SIGNED_IN_AT) if key in session}
    _start_session(user)
    session.update(kept)


@bp.route("/register", methods=["GET", "POST"])
@policy.public
@limiter.limit(_sign_in_limit, methods=["POST"])
@commits
def register() -> ResponseReturnValue:
    form = forms.RegisterForm()
    if form.validate_on_submit():
        try:
            services.register(
                full_name=form.full_name.data, email=form.email.data, password=form.password.data, actor=current_actor()
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            return redirect(url_for(".check_email", reason="register"))
    return render_template("accounts/register.html", form=form)


@bp.route("/check-your-email")
@policy.public
def check_email() -> ResponseReturnValue:
    reason = request.args.get("reason", "verify")
    return render_template("accounts/check_email.html", reason=reason if reason in CHECK_EMAIL_REASONS else "verify")


@bp.route("/verify-email/<token>", methods=["GET", "POST"])
@policy.public
@commits
def verify_email(token: str) -> ResponseReturnValue:
    if services.find_valid_token(token, TokenPurpose.VERIFY_EMAIL) is None:
        return render_template("accounts/link_expired.html", form=forms.EmailOnlyForm(), resend="verify")
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        services.verify_email(token, actor=current_actor())
        flash("Your email address is confirmed. You can now sign in.", "success")
        return redirect(url_for(".sign_in"))
    return render_template("accounts/verify_email.html", form=form)


@bp.route("/confirm-your-email", methods=["GET", "POST"])
@policy.public
@limiter.limit(_account_limit, key_func=_account_key, methods=["POST"])
@commits
def resend_verification() -> ResponseReturnValue:
    form = forms.EmailOnlyForm()
    if form.validate_on_submit():
        services.resend_verification(email=form.email.data)
        return redirect(url_for(".check_email", reason="verify"))
    return render_template("accounts/resend_verification.html", form=form)


@bp.route("/sign-in", methods=["GET", "POST"])
@policy.public
@limiter.limit(_sign_in_limit, methods=["POST"])
@limiter.limit(_account_limit, key_func=_account_key, methods=["POST"])
@commits
def sign_in() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for(".account"))
    form = forms.SignInForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(email=form.email.data, password=form.password.data, actor=current_actor())
        except services.EmailNotVerified:
            return redirect(url_for(".resend_verification"))
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            next_url = safe_next_url(request.args.get("next"))
            if services.needs_second_step(user):
                return second_factor_views.begin(user, next_url)
            _start_session(user)
            return redirect(next_url or url_for(".account"))
    return render_template("accounts/sign_in.html", form=form)


@bp.route("/sign-out", methods=["POST"])
@policy.requires("use_account")
@commits
def sign_out() -> ResponseReturnValue:
    services.sign_out(current_user, actor=current_actor())
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("pages.home"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@policy.public
@limiter.limit(_sign_in_limit, methods=["POST"])
@limiter.limit(_account_limit, key_func=_account_key, methods=["POST"])
@commits
def forgot_password() -> ResponseReturnValue:
    form = forms.EmailOnlyForm()
    if form.validate_on_submit():
        services.request_password_reset(email=form.email.data)
        return redirect(url_for(".check_email", reason="reset"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@policy.public
@limiter.limit(_sign_in_limit, methods=["POST"])
@commits
def reset_password(token: str) -> ResponseReturnValue:
    if services.find_valid_token(token, TokenPurpose.RESET_PASSWORD) is None:
        return render_template("accounts/link_expired.html", form=forms.EmailOnlyForm(), resend="reset")
    form = forms.NewPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, password=form.password.data, actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash("Your password has been changed. Sign in with your new password.", "success")
            return redirect(url_for(".sign_in"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@policy.public
@limiter.limit(_sign_in_limit, methods=["POST"])
@commits
def accept_invitation(token: str) -> ResponseReturnValue:
    invitation = services.find_valid_token(token, TokenPurpose.INVITATION)
    if invitation is None:
        return render_template("accounts/invitation_expired.html")
    form = forms.NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(token, password=form.password.data, actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            _start_session(user)
            flash("Your account is ready.", "success")
            return redirect(url_for(".account"))
    return render_template("accounts/accept_invitation.html", form=form, invited=invitation.user)


@bp.route("/account")
@policy.requires("use_account")
def account() -> ResponseReturnValue:
    return render_template(
        "accounts/account.html",
        user=current_user,
        second_factor_required=policy.requires_second_factor(current_user),
        recovery_codes_left=second_factor.recovery_codes_left(current_user),
    )


@bp.route("/account/password", methods=["GET", "POST"])
@policy.requires("use_account")
@commits
def change_password() -> ResponseReturnValue:
    form = forms.ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user,
                current_password=form.current_password.data,
                new_password=form.password.data,
                actor=current_actor(),
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            _renew_session(current_user._get_current_object())  # this session goes on; all others end
            flash("Your password has been changed. You have been signed out everywhere else.", "success")
            return redirect(url_for(".account"))
    return render_template("accounts/change_password.html", form=form)


# Administrators: staff, roles and access.


def _load_user(user_id: int) -> User:
    user = services.get_user(user_id)
    policy.authorize(current_user, "manage_users", user)
    return user


@admin_bp.route("/users")
@policy.requires("manage_users")
def list_users() -> ResponseReturnValue:
    search = request.args.get("q", "").strip()[:200]
    role_value = request.args.get("role", "")
    role = Role(role_value) if role_value in {r.value for r in Role} else None
    page = services.list_users(search=search, role=role, page=page_number())
    return render_template("admin/users.html", page=page, search=search, role=role, roles=list(Role))


@admin_bp.route("/users/invite", methods=["GET", "POST"])
@policy.requires("manage_users")
@commits
def invite_user() -> ResponseReturnValue:
    form = forms.InviteStaffForm()
    if form.validate_on_submit():
        try:
            user = services.invite_staff(
                full_name=form.full_name.data, email=form.email.data, roles=form.selected_roles(), actor=current_actor()
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash(f"Invitation sent to {user.email}.", "success")
            return redirect(url_for(".show_user", user_id=user.id))
    return render_template("admin/invite_user.html", form=form)


@admin_bp.route("/users/<int:user_id>")
@policy.requires("manage_users")
def show_user(user_id: int) -> ResponseReturnValue:
    user = _load_user(user_id)
    form = forms.RolesForm(data={"roles": sorted(role.value for role in user.roles)})
    return render_template("admin/user.html", user=user, form=form, button=forms.ButtonForm())


@admin_bp.route("/users/<int:user_id>/roles", methods=["POST"])
@policy.requires("manage_users")
@commits
def update_roles(user_id: int) -> ResponseReturnValue:
    user = _load_user(user_id)
    form = forms.RolesForm()
    if form.validate_on_submit():
        try:
            services.set_roles(user, form.selected_roles(), actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash(f"Roles for {user.full_name} saved.", "success")
            return redirect(url_for(".show_user", user_id=user.id))
    return render_template("admin/user.html", user=user, form=form, button=forms.ButtonForm())


def _user_action(user_id: int, action: str, done: str) -> ResponseReturnValue:
    """Disable, enable or re-invite: a button on the user's page, then back to it."""
    user = _load_user(user_id)
    if forms.ButtonForm().validate_on_submit():
        try:
            getattr(services, action)(user, actor=current_actor())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(done.format(name=user.full_name), "success")
    return redirect(url_for(".show_user", user_id=user.id))


@admin_bp.route("/users/<int:user_id>/disable", methods=["POST"])
@policy.requires("manage_users")
@commits
def disable_user(user_id: int) -> ResponseReturnValue:
    return _user_action(user_id, "disable_user", "{name} can no longer sign in. Their sessions have ended.")


@admin_bp.route("/users/<int:user_id>/enable", methods=["POST"])
@policy.requires("manage_users")
@commits
def enable_user(user_id: int) -> ResponseReturnValue:
    return _user_action(user_id, "enable_user", "{name} can sign in again.")


@admin_bp.route("/users/<int:user_id>/resend-invitation", methods=["POST"])
@policy.requires("manage_users")
@commits
def resend_invitation(user_id: int) -> ResponseReturnValue:
    return _user_action(user_id, "resend_invitation", "Invitation sent to {name} again.")


# The second-step pages share this blueprint; they import from this module, so they load last.
from grantsfund.accounts import second_factor_views  # noqa: E402
