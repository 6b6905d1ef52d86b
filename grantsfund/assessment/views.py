"""Eligibility screening: the officer's check of a submitted application, and the group's answer when the
officer asks for more information."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from grantsfund import policy
from grantsfund.applications import services as applications
from grantsfund.applications.models import Application
from grantsfund.assessment import eligibility, forms
from grantsfund.common.errors import DomainError
from grantsfund.common.transactions import commits
from grantsfund.common.web import current_actor

bp = Blueprint("assessment", __name__)


def _submitted(application_id: int, action: str) -> Application:
    application = applications.get_application(application_id)
    policy.authorize(current_user, action, application)
    if application.snapshot is None:
        abort(404)
    return application


@bp.route("/funds/applications/<int:application_id>/eligibility", methods=["GET", "POST"])
@policy.requires("check_eligibility")
@commits
def check_eligibility(application_id: int) -> ResponseReturnValue:
    application = _submitted(application_id, "check_eligibility")
    form = forms.EligibilityForm()
    if form.validate_on_submit():
        try:
            check = eligibility.record_decision(application, form.decision(), actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash(f"{application.reference}: {check.result.label.lower()} recorded.", "success")
            return redirect(url_for("applications.show_submitted", application_id=application.id))
    return render_template(
        "assessment/check_eligibility.html",
        application=application,
        form=form,
        checklist=eligibility.checklist(application),
        flags=eligibility.flags(application),
        checks=eligibility.checks_for(application),
        requests=eligibility.requests_for(application),
        settled=application.status.value != "submitted",
    )


@bp.route("/applications/<int:application_id>/questions/<int:request_id>", methods=["GET", "POST"])
@policy.requires("apply")
@commits
def answer_question(application_id: int, request_id: int) -> ResponseReturnValue:
    application = _submitted(application_id, "apply")
    request = eligibility.get_request(application, request_id)
    form = forms.AnswerForm()
    if request.is_open and form.validate_on_submit():
        try:
            eligibility.answer_request(request, answer=form.answer.data, actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash("Thank you. Your answer has been sent to the grants officer.", "success")
            return redirect(url_for("applications.show_application", application_id=application.id))
    return render_template("assessment/answer_question.html", application=application, request=request, form=form)
