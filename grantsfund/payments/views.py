"""Payments: finance's dashboard, the work on each instalment (approve, record paid, hold, release, cancel), the
export for the finance system, and the repayments owed on terminated agreements. Officers and the group read an
agreement's payments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from grantsfund import policy
from grantsfund.agreements import termination as terminations
from grantsfund.agreements.models import Termination
from grantsfund.common.dates import london_today
from grantsfund.common.downloads import csv_response, xlsx_response
from grantsfund.common.errors import DomainError
from grantsfund.common.transactions import commits
from grantsfund.common.web import current_actor, page_number, safe_next_url
from grantsfund.payments import dashboard, export, forms, services
from grantsfund.payments.dashboard import Step
from grantsfund.payments.models import Instalment

bp = Blueprint("payments", __name__)


def _instalment(instalment_id: int) -> Instalment:
    return policy.found(services.get_instalment(instalment_id), "manage_payments")


def _back(instalment: Instalment, target: str | None) -> str:
    """Where to go after working on an instalment: the page it was started from, or its agreement's payments."""
    return safe_next_url(target) or url_for(".show_agreement", agreement_id=instalment.agreement_id)


# The dashboard and an agreement's payments -------------------------------------------------------------------


@bp.route("/payments")
@policy.requires("manage_payments")
def show_dashboard() -> ResponseReturnValue:
    return render_template(
        "payments/dashboard.html", dashboard=dashboard.build(), steps=dashboard.steps, button=forms.ActionForm()
    )


@bp.route("/payments/agreements/<int:agreement_id>")
@policy.requires("view_payments")
def show_agreement(agreement_id: int) -> ResponseReturnValue:
    found = dashboard.agreement_payments(agreement_id)
    policy.found(found.agreement if found else None, "view_payments")
    return render_template(
        "payments/agreement.html",
        payments=found,
        agreement=found.agreement if found else None,
        steps=dashboard.steps,
        button=forms.ActionForm(),
        finance=policy.can(current_user, "manage_payments"),
    )


# Working on an instalment ------------------------------------------------------------------------------------


def _press(instalment_id: int, act: Callable[[Instalment], None], done: str) -> ResponseReturnValue:
    """A button on the dashboard or the agreement's page: do it, say how it went, go back."""
    instalment = _instalment(instalment_id)
    form = forms.ActionForm()
    if form.validate_on_submit():
        try:
            act(instalment)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(done.format(number=instalment.number, reference=instalment.agreement.reference), "success")
    return redirect(_back(instalment, form.next.data))


@bp.route("/payments/instalments/<int:instalment_id>/approve", methods=["POST"])
@policy.requires("manage_payments")
@commits
def approve(instalment_id: int) -> ResponseReturnValue:
    return _press(
        instalment_id,
        lambda instalment: services.approve(instalment, actor=current_actor()),
        "Instalment {number} of {reference} approved for payment.",
    )


@bp.route("/payments/instalments/<int:instalment_id>/release", methods=["POST"])
@policy.requires("manage_payments")
@commits
def release(instalment_id: int) -> ResponseReturnValue:
    return _press(
        instalment_id,
        lambda instalment: services.release(instalment, actor=current_actor()),
        "Instalment {number} of {reference} released: it can be approved for payment.",
    )


def _not_now(instalment: Instalment, step: Step, target: str | None) -> ResponseReturnValue | None:
    """Once an instalment has moved on, its form is no longer offered: say so and go back."""
    if step in dashboard.steps(instalment):
        return None
    flash(f"Instalment {instalment.number} is {instalment.status.label.lower()}: it cannot be {step.doing}", "error")
    return redirect(_back(instalment, target))


def _form_page(template: str, instalment: Instalment, form: Any) -> ResponseReturnValue:
    if request.method == "GET":
        form.next.data = safe_next_url(request.args.get("next"))
    return render_template(template, instalment=instalment, form=form, back=_back(instalment, form.next.data))


@bp.route("/payments/instalments/<int:instalment_id>/record", methods=["GET", "POST"])
@policy.requires("manage_payments")
@commits
def record_payment(instalment_id: int) -> ResponseReturnValue:
    instalment = _instalment(instalment_id)
    form = forms.RecordPaymentForm()
    refused = _not_now(instalment, Step.RECORD, form.next.data or request.args.get("next"))
    if refused:
        return refused
    if request.method == "GET":
        form.paid_on.data = london_today()
    if form.validate_on_submit():
        try:
            services.record_paid(
                instalment, paid_on=form.paid_on.data, reference=form.reference.data or "", actor=current_actor()
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash(f"Payment of instalment {instalment.number} of {instalment.agreement.reference} recorded.", "success")
            return redirect(_back(instalment, form.next.data))
    return _form_page("payments/record_payment.html", instalment, form)


def _with_reason(
    instalment_id: int, step: Step, form: forms.HoldForm | forms.CancelForm, act: Callable[..., None], done: str
) -> ResponseReturnValue:
    instalment = _instalment(instalment_id)
    refused = _not_now(instalment, step, form.next.data or request.args.get("next"))
    if refused:
        return refused
    if form.validate_on_submit():
        try:
            act(instalment, reason=form.reason.data or "", actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash(done.format(number=instalment.number, reference=instalment.agreement.reference), "success")
            return redirect(_back(instalment, form.next.data))
    return _form_page(f"payments/{step.value}.html", instalment, form)


@bp.route("/payments/instalments/<int:instalment_id>/hold", methods=["GET", "POST"])
@policy.requires("manage_payments")
@commits
def hold(instalment_id: int) -> ResponseReturnValue:
    return _with_reason(
        instalment_id,
        Step.HOLD,
        forms.HoldForm(),
        services.hold,
        "Instalment {number} of {reference} held. The group has been emailed the reason.",
    )


@bp.route("/payments/instalments/<int:instalment_id>/cancel", methods=["GET", "POST"])
@policy.requires("manage_payments")
@commits
def cancel(instalment_id: int) -> ResponseReturnValue:
    return _with_reason(
        instalment_id, Step.CANCEL, forms.CancelForm(), services.cancel, "Instalment {number} of {reference} cancelled."
    )


# The export ----------------------------------------------------------------------------------------------------


@bp.route("/payments/export")
@policy.requires("export_payments")
def export_payments() -> ResponseReturnValue:
    if not request.args:
        form = forms.ExportForm(formdata=None)
        today = london_today()
        form.fill(date_from=today.replace(day=1), date_to=today)
    else:
        form = forms.ExportForm(request.args)
        if form.validate():
            return redirect(url_for(f".download_{form.chosen_format()}", **form.query_args()))
    return render_template("payments/export.html", form=form)


def _download(file_format: export.FileFormat) -> tuple[forms.ExportForm | None, ResponseReturnValue | None]:
    """The export form from the query, for this format; or, if it is wrong, back to the page that says why."""
    args = MultiDict(request.args)
    args.setlist("file_format", [file_format.value])
    form = forms.ExportForm(args)
    if form.validate():
        return form, None
    typed: dict[str, Any] = args.to_dict(flat=False)
    return None, redirect(url_for(".export_payments", **typed))


@bp.route("/payments/export.csv")
@policy.requires("export_payments")
def download_csv() -> ResponseReturnValue:
    form, refused = _download(export.FileFormat.CSV)
    if form is None:
        return refused  # type: ignore[return-value]
    criteria = form.criteria()
    return csv_response(
        export.HEADER,
        export.csv_rows(criteria),
        filename=criteria.filename(export.FileFormat.CSV),
        batch=export.BATCH,
    )


@bp.route("/payments/export.xlsx")
@policy.requires("export_payments")
def download_xlsx() -> ResponseReturnValue:
    form, refused = _download(export.FileFormat.XLSX)
    if form is None:
        return refused  # type: ignore[return-value]
    criteria = form.criteria()
    return xlsx_response(export.xlsx_file(criteria), filename=criteria.filename(export.FileFormat.XLSX))


# Repayments ----------------------------------------------------------------------------------------------------


@bp.route("/payments/repayments")
@policy.requires("manage_repayments")
def list_repayments() -> ResponseReturnValue:
    return render_template(
        "payments/repayments.html",
        page=dashboard.repayments(page_number()),
        totals=dashboard.repayment_totals(),
    )


def _repayment_page(
    termination: Termination, record_form: forms.RepaymentForm, write_off_form: forms.WriteOffForm
) -> ResponseReturnValue:
    return render_template(
        "payments/repayment.html",
        termination=termination,
        agreement=termination.agreement,
        record_form=record_form,
        write_off_form=write_off_form,
        # Either form's errors make the page's title start "Error: ".
        form=record_form if record_form.errors else write_off_form,
    )


def _write_off(termination: Termination, form: forms.WriteOffForm) -> bool:
    if not form.validate_on_submit():
        return False
    try:
        terminations.write_off(termination, note=form.reason.data or "", actor=current_actor())
    except DomainError as error:
        form.add_error("reason", error.message)
        return False
    flash("The rest of the repayment has been written off.", "success")
    return True


def _record_repayment(termination: Termination, form: forms.RepaymentForm) -> bool:
    if not form.validate_on_submit():
        return False
    try:
        terminations.record_repayment(
            termination, repaid_pence=form.repaid.data, note=form.note.data or "", actor=current_actor()
        )
    except DomainError as error:
        form.add_error(error.field, error.message)
        return False
    flash("Repayment saved.", "success")
    return True


@bp.route("/payments/repayments/<int:termination_id>", methods=["GET", "POST"])
@policy.requires("manage_repayments")
@commits
def show_repayment(termination_id: int) -> ResponseReturnValue:
    termination = policy.found(dashboard.get_termination(termination_id), "manage_repayments")
    writing_off = request.method == "POST" and "write_off" in request.form
    record_form = forms.RepaymentForm(formdata=None if writing_off else request.form or None)
    write_off_form = forms.WriteOffForm(formdata=request.form if writing_off else None)
    if request.method == "GET" or writing_off:
        record_form.repaid.data = termination.amount_repaid_pence
        record_form.note.data = termination.repayment_note
    done = _write_off(termination, write_off_form) if writing_off else _record_repayment(termination, record_form)
    if done:
        return redirect(url_for(".show_repayment", termination_id=termination.id))
    return _repayment_page(termination, record_form, write_off_form)
