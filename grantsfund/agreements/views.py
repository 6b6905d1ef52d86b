"""Grant agreements: officers draft an agreement from an approved bid, edit its sections, send the offer, vary it
and end it; finance reads it; the group reads the offer (printable) and accepts it by typing their name;
administrators publish the standard terms."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from grantsfund import policy
from grantsfund.accounts.forms import ButtonForm
from grantsfund.agreements import compare, forms, schedules, services, termination, terms
from grantsfund.agreements.models import Agreement, AgreementStatus, AgreementVersion, VersionStatus
from grantsfund.agreements.services import PlanNotReady
from grantsfund.applications import services as applications
from grantsfund.common.dates import format_date, london_today
from grantsfund.common.errors import DomainError
from grantsfund.common.transactions import commits
from grantsfund.common.web import current_actor
from grantsfund.monitoring import returns as monitoring
from grantsfund.panel.decisions import decisions_for
from grantsfund.payments import services as payments
from grantsfund.rounds import queries as rounds

bp = Blueprint("agreements", __name__)

# Which page each part of a plan is put right on.
SECTION_PAGES = {"payments": ".edit_payments", "monitoring": ".edit_monitoring", "targets": ".edit_targets"}


def _agreement(agreement_id: int, action: str = "manage_agreements") -> Agreement:
    return policy.found(services.get_agreement(agreement_id), action)


def _version(agreement: Agreement, number: int, action: str = "manage_agreements") -> AgreementVersion:
    return policy.found(services.version(agreement, number), action)


def _staff() -> bool:
    """Council staff (who read every agreement), as opposed to a member of the group."""
    return policy.can(current_user, "manage_agreements") or policy.can(current_user, "manage_payments")


def _to_agreement(agreement: Agreement, message: str | None = None, category: str = "error") -> ResponseReturnValue:
    if message:
        flash(message, category)
    return redirect(url_for(".show_agreement", agreement_id=agreement.id))


# The officers' list ----------------------------------------------------------------------------------------


@bp.route("/agreements")
@policy.requires("manage_agreements")
def list_agreements() -> ResponseReturnValue:
    choices = rounds.round_choices()
    round_id = request.args.get("round", type=int)
    round_id = round_id if round_id in {value for value, _label in choices} else None
    status_value = request.args.get("status", "")
    status = AgreementStatus(status_value) if status_value in set(AgreementStatus) else None
    awaiting = services.awaiting_agreement(round_id=round_id)
    return render_template(
        "agreements/list_agreements.html",
        awaiting=awaiting,
        awards=decisions_for(awaiting),
        agreements=services.list_agreements(status=status, round_id=round_id),
        rounds=choices,
        round_id=round_id,
        statuses=list(AgreementStatus),
        status=status,
        terms=terms.current(),
        button=ButtonForm(),
    )


@bp.route("/agreements/applications/<int:application_id>/draft", methods=["POST"])
@policy.requires("manage_agreements")
@commits
def draft_agreement(application_id: int) -> ResponseReturnValue:
    application = policy.found(applications.get_submitted(application_id), "manage_agreements")
    if not ButtonForm().validate_on_submit():
        return redirect(url_for(".list_agreements"))
    try:
        agreement = services.draft(application, actor=current_actor())
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for(".list_agreements"))
    return redirect(url_for(".show_agreement", agreement_id=agreement.id))


# The agreement as staff see it -----------------------------------------------------------------------------


def _shown(agreement: Agreement) -> AgreementVersion:
    """The version a page is about: the one being prepared or waiting for the group, else the one in force, else
    the latest (a withdrawn offer); only versions the person may see."""
    candidates = [agreement.pending, agreement.in_force, *reversed(agreement.versions)]
    shown = next((item for item in candidates if item is not None and policy.can_see(current_user, item)), None)
    if shown is None:
        abort(404)
    return shown


def _plan(version: AgreementVersion) -> dict[str, Any]:
    return {
        "payments": schedules.load_payments(version.payments),
        "periods": schedules.load_periods(version.monitoring),
        "targets": schedules.load_targets(version.targets),
    }


def _problem_links(version: AgreementVersion) -> list[tuple[str, str]]:
    if not version.editable:
        return []
    return [
        (
            problem.message,
            url_for(
                SECTION_PAGES.get(problem.field.split("-")[0], ".edit_details"),
                agreement_id=version.agreement_id,
                number=version.number,
            ),
        )
        for problem in services.problems(version)
    ]


@bp.route("/agreements/<int:agreement_id>")
@policy.requires("view_agreements")
def show_agreement(agreement_id: int) -> ResponseReturnValue:
    agreement = _agreement(agreement_id, "view_agreements")
    if not _staff():  # a member of the group reads the agreement as it was offered to them
        return redirect(url_for(".show_offer", agreement_id=agreement.id))
    version = _shown(agreement)
    return render_template(
        "agreements/show_agreement.html",
        agreement=agreement,
        version=version,
        plan=_plan(version),
        problems=_problem_links(version),
        instalments=payments.instalments_for(agreement),
        return_rows=monitoring.period_rows(agreement, london_today()),
        manage=policy.can(current_user, "manage_agreements", agreement),
        expired=services.offer_expired(agreement),
        button=ButtonForm(),
    )


# Editing a version -----------------------------------------------------------------------------------------


def _editable(agreement_id: int, number: int) -> tuple[Agreement, AgreementVersion]:
    agreement = _agreement(agreement_id)
    return agreement, _version(agreement, number)


def _not_editable(version: AgreementVersion) -> ResponseReturnValue:
    flash(f"Version {version.number} is {version.status.label.lower()}: it can no longer be changed", "error")
    return redirect(url_for(".show_agreement", agreement_id=version.agreement_id))


def _saved(version: AgreementVersion, what: str) -> ResponseReturnValue:
    flash(f"{what} saved.", "success")
    return redirect(url_for(".show_agreement", agreement_id=version.agreement_id))


@bp.route("/agreements/<int:agreement_id>/versions/<int:number>/details", methods=["GET", "POST"])
@policy.requires("manage_agreements")
@commits
def edit_details(agreement_id: int, number: int) -> ResponseReturnValue:
    agreement, version = _editable(agreement_id, number)
    if not version.editable:
        return _not_editable(version)
    saved = forms.DetailsForm.saved(version) if request.method == "GET" else None
    form = forms.DetailsForm(data=saved, version=version)
    if form.validate_on_submit():
        try:
            services.update_details(version, form.details(), actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            return _saved(version, "Details")
    return render_template(
        "agreements/edit_details.html", agreement=agreement, version=version, form=form, button=ButtonForm()
    )


@bp.route("/agreements/<int:agreement_id>/versions/<int:number>/reset-schedules", methods=["POST"])
@policy.requires("manage_agreements")
@commits
def reset_schedules(agreement_id: int, number: int) -> ResponseReturnValue:
    _, version = _editable(agreement_id, number)
    if ButtonForm().validate_on_submit():
        try:
            services.reset_plan(version, actor=current_actor())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash("The payment and monitoring schedules are back to the defaults for the grant's dates.", "success")
    return redirect(url_for(".show_agreement", agreement_id=version.agreement_id))


@bp.route("/agreements/<int:agreement_id>/versions/<int:number>/payments", methods=["GET", "POST"])
@policy.requires("manage_agreements")
@commits
def edit_payments(agreement_id: int, number: int) -> ResponseReturnValue:
    agreement, version = _editable(agreement_id, number)
    if not version.editable:
        return _not_editable(version)
    periods = schedules.load_periods(version.monitoring)
    saved = forms.PaymentsForm.saved(version) if request.method == "GET" else None
    form = forms.PaymentsForm(data=saved, periods=periods)
    if form.validate_on_submit():
        try:
            services.update_payments(version, form.planned(), actor=current_actor())
        except PlanNotReady as error:
            form.place_problems(error.problems)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            return _saved(version, "Payment schedule")
    return render_template(
        "agreements/edit_payments.html", agreement=agreement, version=version, form=form, total=form.total_pence()
    )


@bp.route("/agreements/<int:agreement_id>/versions/<int:number>/monitoring", methods=["GET", "POST"])
@policy.requires("manage_agreements")
@commits
def edit_monitoring(agreement_id: int, number: int) -> ResponseReturnValue:
    agreement, version = _editable(agreement_id, number)
    if not version.editable:
        return _not_editable(version)
    form = forms.MonitoringForm(data=forms.MonitoringForm.saved(version) if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.update_monitoring(version, form.planned(), actor=current_actor())
        except PlanNotReady as error:
            for problem in error.problems:
                form.add_error(problem.field, problem.message)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            return _saved(version, "Monitoring schedule")
    return render_template("agreements/edit_monitoring.html", agreement=agreement, version=version, form=form)


@bp.route("/agreements/<int:agreement_id>/versions/<int:number>/targets", methods=["GET", "POST"])
@policy.requires("manage_agreements")
@commits
def edit_targets(agreement_id: int, number: int) -> ResponseReturnValue:
    agreement, version = _editable(agreement_id, number)
    if not version.editable:
        return _not_editable(version)
    targets = schedules.load_targets(version.targets)
    form = forms.TargetsForm.for_targets(targets, prefill=request.method == "GET")
    if form.validate_on_submit():
        try:
            services.update_targets(version, form.chosen(), actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            return _saved(version, "Outcome targets")
    return render_template("agreements/edit_targets.html", agreement=agreement, version=version, form=form)


# The offer: sending and withdrawing ------------------------------------------------------------------------


@bp.route("/agreements/<int:agreement_id>/issue", methods=["GET", "POST"])
@policy.requires("manage_agreements")
@commits
def issue_offer(agreement_id: int) -> ResponseReturnValue:
    agreement = _agreement(agreement_id)
    if agreement.status is not AgreementStatus.DRAFT:
        return _to_agreement(agreement, f"This agreement is {agreement.status.label.lower()}: it has been sent already")
    form = forms.IssueForm()
    if form.validate_on_submit():
        try:
            services.issue(agreement, accept_by=form.accept_by.data, actor=current_actor())
        except PlanNotReady:
            return _to_agreement(agreement, "Put the problems with the agreement right before sending the offer")
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            return _to_agreement(agreement, "Offer sent to the group.", "success")
    return render_template(
        "agreements/issue_offer.html",
        agreement=agreement,
        version=agreement.offer,
        problems=_problem_links(agreement.offer),
        accept_days=current_app.config["OFFER_ACCEPT_DAYS"],
        form=form,
    )


@bp.route("/agreements/<int:agreement_id>/withdraw", methods=["GET", "POST"])
@policy.requires("manage_agreements")
@commits
def withdraw_offer(agreement_id: int) -> ResponseReturnValue:
    agreement = _agreement(agreement_id)
    if agreement.status not in (AgreementStatus.DRAFT, AgreementStatus.OFFERED):
        return _to_agreement(agreement, f"This agreement is {agreement.status.label.lower()}: it cannot be withdrawn")
    form = forms.WithdrawOfferForm()
    if form.validate_on_submit():
        try:
            services.withdraw_offer(agreement, reason=form.reason.data or "", actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            return _to_agreement(agreement, "Offer withdrawn, and the application with it.", "success")
    return render_template("agreements/withdraw_offer.html", agreement=agreement, form=form)


@bp.route("/agreements/<int:agreement_id>/extend", methods=["GET", "POST"])
@policy.requires("manage_agreements")
@commits
def extend_offer(agreement_id: int) -> ResponseReturnValue:
    agreement = _agreement(agreement_id)
    if agreement.status is not AgreementStatus.OFFERED:
        return _to_agreement(
            agreement,
            f"This agreement is {agreement.status.label.lower()}: only an offer waiting for the group can be given"
            " more time",
        )
    form = forms.ExtendOfferForm()
    if form.validate_on_submit():
        try:
            services.extend_offer(agreement, accept_by=form.accept_by.data, actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            return _to_agreement(
                agreement,
                f"The group now has until {format_date(agreement.accept_by)} to accept. They have been emailed.",
                "success",
            )
    return render_template(
        "agreements/extend_offer.html", agreement=agreement, expired=services.offer_expired(agreement), form=form
    )


# Variations ------------------------------------------------------------------------------------------------


@bp.route("/agreements/<int:agreement_id>/variations/new", methods=["GET", "POST"])
@policy.requires("manage_agreements")
@commits
def propose_variation(agreement_id: int) -> ResponseReturnValue:
    agreement = _agreement(agreement_id)
    if agreement.status is not AgreementStatus.ACCEPTED or agreement.pending is not None:
        return _to_agreement(agreement, "Only an agreement in force, with no other change under way, can be varied")
    form = forms.VariationForm()
    if form.validate_on_submit():
        try:
            variation = services.propose_variation(agreement, reason=form.reason.data or "", actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            return _to_agreement(
                agreement, f"Version {variation.number} started. Change what needs to change, then send it.", "success"
            )
    return render_template("agreements/propose_variation.html", agreement=agreement, form=form)


@bp.route("/agreements/<int:agreement_id>/versions/<int:number>/send", methods=["POST"])
@policy.requires("manage_agreements")
@commits
def offer_variation(agreement_id: int, number: int) -> ResponseReturnValue:
    agreement, version = _editable(agreement_id, number)
    if not ButtonForm().validate_on_submit():
        return _to_agreement(agreement)
    try:
        services.offer_variation(version, actor=current_actor())
    except PlanNotReady:
        return _to_agreement(agreement, "Put the problems with the variation right before sending it")
    except DomainError as error:
        return _to_agreement(agreement, error.message)
    return _to_agreement(agreement, f"Version {version.number} sent to the group to accept.", "success")


@bp.route("/agreements/<int:agreement_id>/versions/<int:number>/withdraw", methods=["GET", "POST"])
@policy.requires("manage_agreements")
@commits
def withdraw_variation(agreement_id: int, number: int) -> ResponseReturnValue:
    agreement, version = _editable(agreement_id, number)
    if not version.is_variation or version.status not in (VersionStatus.DRAFT, VersionStatus.OFFERED):
        return _to_agreement(agreement, f"Version {version.number} is {version.status.label.lower()}")
    form = forms.WithdrawVariationForm()
    if form.validate_on_submit():
        try:
            services.withdraw_variation(version, reason=form.reason.data or "", actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            return _to_agreement(agreement, f"Version {version.number} withdrawn.", "success")
    return render_template("agreements/withdraw_variation.html", agreement=agreement, version=version, form=form)


@bp.route("/agreements/<int:agreement_id>/versions/<int:left>/compare/<int:right>")
@policy.requires("view_agreements")
def compare_versions(agreement_id: int, left: int, right: int) -> ResponseReturnValue:
    agreement = _agreement(agreement_id, "view_agreements")
    older = _version(agreement, left, "view_agreements")
    newer = _version(agreement, right, "view_agreements")
    return render_template(
        "agreements/compare.html",
        agreement=agreement,
        left=older,
        right=newer,
        sections=compare.compare(older, newer),
        staff=_staff(),
    )


# Ending an agreement ---------------------------------------------------------------------------------------


@bp.route("/agreements/<int:agreement_id>/terminate", methods=["GET", "POST"])
@policy.requires("manage_agreements")
@commits
def terminate_agreement(agreement_id: int) -> ResponseReturnValue:
    agreement = _agreement(agreement_id)
    if agreement.status is not AgreementStatus.ACCEPTED:
        return _to_agreement(agreement, "Only an agreement in force can be terminated")
    form = forms.TerminateForm(data={"amount_owed": 0} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            termination.terminate(
                agreement,
                reason=form.reason.data or "",
                terminated_on=form.terminated_on.data,
                amount_owed_pence=form.amount_owed.data,
                actor=current_actor(),
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            return _to_agreement(agreement, "Agreement terminated. The group has been told.", "success")
    return render_template(
        "agreements/terminate.html", agreement=agreement, form=form, paid=payments.paid_pence(agreement)
    )


# The group's copy, and its acceptance ----------------------------------------------------------------------


def _offer_page(agreement: Agreement, form: forms.AcceptForm | None = None) -> ResponseReturnValue:
    version = _shown(agreement)
    expired = services.offer_expired(agreement)
    may_accept = (
        version.status is VersionStatus.OFFERED
        and not expired
        and policy.can(current_user, "accept_agreements", version)
    )
    if may_accept and form is None:
        form = forms.AcceptForm(formdata=None, signatory_role=version.signatory_role)
    in_force = agreement.in_force
    return render_template(
        "agreements/offer.html",
        agreement=agreement,
        version=version,
        plan=_plan(version),
        in_force=in_force if in_force is not None and in_force is not version else None,
        versions=[item for item in agreement.versions if policy.can_see(current_user, item)],
        form=form if may_accept else None,
        expired=expired,
        staff=_staff(),
    )


@bp.route("/agreements/<int:agreement_id>/offer")
@policy.requires("view_agreements")
def show_offer(agreement_id: int) -> ResponseReturnValue:
    return _offer_page(_agreement(agreement_id, "view_agreements"))


@bp.route("/agreements/<int:agreement_id>/versions/<int:number>/accept", methods=["POST"])
@policy.requires("accept_agreements")
@commits
def accept_version(agreement_id: int, number: int) -> ResponseReturnValue:
    agreement = _agreement(agreement_id, "accept_agreements")
    version = _version(agreement, number, "accept_agreements")
    if version.status is not VersionStatus.OFFERED:
        flash(f"Version {version.number} is {version.status.label.lower()}: there is nothing to accept", "error")
        return redirect(url_for(".show_offer", agreement_id=agreement.id))
    if services.offer_expired(agreement):
        flash(
            f"This offer had to be accepted by {format_date(agreement.accept_by)}. Contact the grants team to ask for"
            " more time",
            "error",
        )
        return redirect(url_for(".show_offer", agreement_id=agreement.id))
    form = forms.AcceptForm(signatory_role=version.signatory_role)
    if form.validate_on_submit():
        try:
            services.accept(version, form.acceptance(), actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash("You have accepted the agreement. Thank you.", "success")
            return redirect(url_for(".show_offer", agreement_id=agreement.id))
    return _offer_page(agreement, form)


# The standard terms ----------------------------------------------------------------------------------------


@bp.route("/agreements/terms")
@policy.requires("manage_terms")
def list_terms() -> ResponseReturnValue:
    return render_template("agreements/list_terms.html", versions=terms.all_versions())


@bp.route("/agreements/terms/new", methods=["GET", "POST"])
@policy.requires("manage_terms")
@commits
def new_terms() -> ResponseReturnValue:
    current = terms.current()
    form = forms.TermsForm(data=forms.TermsForm.saved(current) if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            published = terms.publish(
                title=form.title.data or "",
                body=form.body.data or "",
                summary=form.summary.data or "",
                actor=current_actor(),
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash(f"Version {published.version} published: agreements drafted from now on use it.", "success")
            return redirect(url_for(".show_terms", terms_id=published.id))
    return render_template("agreements/new_terms.html", form=form, current=current)


@bp.route("/agreements/terms/<int:terms_id>")
@policy.requires("manage_terms")
def show_terms(terms_id: int) -> ResponseReturnValue:
    standard = policy.found(terms.get(terms_id), "manage_terms")
    return render_template("agreements/show_terms.html", terms=standard, current=terms.current())
