"""Monitoring returns: a group starts, writes (section by section, with evidence) and submits its return for each
period of its grant; officers see what is waiting, late or due soon, and review each return; finance reads them."""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from grantsfund import policy
from grantsfund.accounts.forms import ButtonForm
from grantsfund.agreements import services as agreements
from grantsfund.agreements.models import Agreement, AgreementStatus
from grantsfund.common.dates import london_today
from grantsfund.common.errors import DomainError
from grantsfund.common.transactions import commits
from grantsfund.common.web import current_actor
from grantsfund.monitoring import forms, returns
from grantsfund.monitoring.models import MonitoringReturn, ReturnSection, ReturnStatus
from grantsfund.payments import services as payments
from grantsfund.rounds import queries as rounds

bp = Blueprint("monitoring", __name__)

# Every section but the evidence has a form page of its own; the evidence page also takes uploads.
FORM_SECTIONS = [section for section in ReturnSection if section is not ReturnSection.EVIDENCE]
SLUGS = ", ".join(f'"{section.value}"' for section in FORM_SECTIONS)


def _agreement(agreement_id: int, action: str = "view_returns") -> Agreement:
    return policy.found(agreements.get_agreement(agreement_id), action)


def _return(return_id: int, action: str = "view_returns") -> MonitoringReturn:
    return policy.found(returns.get_return(return_id), action)


def _to_return(ret: MonitoringReturn, message: str | None = None, category: str = "error") -> ResponseReturnValue:
    if message:
        flash(message, category)
    return redirect(url_for(".show_return", return_id=ret.id))


def _not_editable(ret: MonitoringReturn) -> ResponseReturnValue | None:
    """Where to send the group when the return can no longer be changed: back to it, saying why."""
    status = ret.agreement.status
    if status is not AgreementStatus.ACCEPTED:
        return _to_return(ret, f"This grant is {status.label.lower()}: its returns can no longer be changed")
    if not ret.editable:
        return _to_return(ret, f"This return is {ret.status.label.lower()}: it cannot be changed now")
    return None


def _section_url(ret: MonitoringReturn, section: ReturnSection) -> str:
    if section is ReturnSection.EVIDENCE:
        return url_for(".edit_evidence", return_id=ret.id)
    return url_for(".edit_section", return_id=ret.id, section=section.value)


@bp.context_processor
def _sections() -> dict[str, Any]:
    return {"return_sections": list(ReturnSection)}


# The officers' list ------------------------------------------------------------------------------------------


@bp.route("/monitoring")
@policy.requires("review_returns")
def list_returns() -> ResponseReturnValue:
    choices = rounds.round_choices()
    round_id = request.args.get("round", type=int)
    round_id = round_id if round_id in {value for value, _label in choices} else None
    return render_template(
        "monitoring/list_returns.html", queue=returns.queue(round_id=round_id), rounds=choices, round_id=round_id
    )


# A grant's returns, and starting one -------------------------------------------------------------------------


@bp.route("/monitoring/agreements/<int:agreement_id>")
@policy.requires("view_returns")
def agreement_returns(agreement_id: int) -> ResponseReturnValue:
    agreement = _agreement(agreement_id)
    today = london_today()
    return render_template(
        "monitoring/agreement_returns.html",
        agreement=agreement,
        rows=returns.period_rows(agreement, today),
        payments=payments.released_by_return(agreement),
        today=today,
        may_submit=policy.can(current_user, "submit_returns", agreement),
        may_review=policy.can(current_user, "review_returns", agreement),
        button=ButtonForm(),
    )


@bp.route("/monitoring/agreements/<int:agreement_id>/periods/<int:number>/start", methods=["POST"])
@policy.requires("submit_returns")
@commits
def start_return(agreement_id: int, number: int) -> ResponseReturnValue:
    agreement = _agreement(agreement_id, "submit_returns")
    period = policy.found(agreement.period(number), "submit_returns")
    back = url_for(".agreement_returns", agreement_id=agreement.id)
    if not ButtonForm().validate_on_submit():
        return redirect(back)
    try:
        ret = returns.start(period, actor=current_actor())
    except DomainError as error:
        flash(error.message, "error")
        return redirect(back)
    return redirect(url_for(".show_return", return_id=ret.id))


# A return: its task list, and each section ---------------------------------------------------------------------


def _task_status(ret: MonitoringReturn, section: ReturnSection, comments: dict[str, str]) -> dict[str, Any]:
    if returns.is_completed(ret, section):
        return {"text": "Completed"}
    if section.value in comments:
        return {"tag": {"text": "Changes requested", "classes": "govuk-tag--orange"}}
    if returns.section_started(ret, section):
        return {"tag": {"text": "In progress", "classes": "govuk-tag--light-blue"}}
    return {"tag": {"text": "Not yet started", "classes": "govuk-tag--blue"}}


@bp.route("/monitoring/returns/<int:return_id>")
@policy.requires("view_returns")
def show_return(return_id: int) -> ResponseReturnValue:
    ret = _return(return_id)
    comments = returns.officer_comments(ret)
    may_edit = (
        policy.can(current_user, "submit_returns", ret)
        and ret.editable
        and ret.agreement.status is AgreementStatus.ACCEPTED
    )
    return render_template(
        "monitoring/show_return.html",
        ret=ret,
        tasks=[
            (section, _section_url(ret, section), _task_status(ret, section, comments), comments.get(section.value))
            for section in ReturnSection
        ],
        done=sum(returns.is_completed(ret, section) for section in ReturnSection),
        ready=not returns.problems(ret) if may_edit else False,
        may_edit=may_edit,
        may_review=policy.can(current_user, "review_returns", ret) and ret.status is ReturnStatus.SUBMITTED,
        status=returns.period_status(ret.period, ret, london_today()),
        note=ret.latest_submission.review_note if ret.latest_submission else "",
    )


def _section_page(
    ret: MonitoringReturn, section: ReturnSection, form: forms.SectionForm, **context: Any
) -> ResponseReturnValue:
    return render_template(
        f"monitoring/edit_{section.value}.html",
        ret=ret,
        section=section,
        form=form,
        comment=returns.officer_comments(ret).get(section.value),
        **context,
    )


def _extras(ret: MonitoringReturn, section: ReturnSection, form: forms.SectionForm) -> dict[str, Any]:
    """What a section's page shows beside its form: the grant's figures so far, or each line against the plan."""
    if section is ReturnSection.OUTCOMES:
        return {"described": returns.describe_outcomes(ret)}
    if section is ReturnSection.SPEND and isinstance(form, forms.SpendForm):
        return {
            "checked": [returns.spend_variance(ret, line, spent.data) for line, spent, _explanation in form.rows()],
            "percent": returns.variance_percent(),
        }
    return {}


@bp.route(f"/monitoring/returns/<int:return_id>/<any({SLUGS}):section>", methods=["GET", "POST"])
@policy.requires("submit_returns")
@commits
def edit_section(return_id: int, section: str) -> ResponseReturnValue:
    chosen = ReturnSection(section)
    ret = _return(return_id, "submit_returns")
    if (refused := _not_editable(ret)) is not None:
        return refused
    form = forms.section_form(chosen, ret, prefill=request.method == "GET")
    if form.validate_on_submit():
        try:
            returns.save_section(
                ret,
                chosen,
                form.answers(),
                completed=form.is_completed(),
                expected_version=form.expected_version(),
                actor=current_actor(),
            )
        except returns.Incomplete as error:
            for problem in error.problems:
                form.add_error(problem.field, problem.message)
        except DomainError as error:
            form.add_error(error.field, error.message)
            form.set_version(ret)  # what they typed stays on the page; saving it again, after checking, is allowed
        else:
            return _to_return(ret, f"‘{chosen.heading}’ saved.", "success")
    return _section_page(ret, chosen, form, **_extras(ret, chosen, form))


# Evidence ------------------------------------------------------------------------------------------------------


def _evidence_page(ret: MonitoringReturn, form: forms.SectionForm, upload: forms.EvidenceForm) -> ResponseReturnValue:
    return _section_page(
        ret,
        ReturnSection.EVIDENCE,
        form,
        upload=upload,
        button=ButtonForm(),
        kept={item.id: returns.sent_with(item) for item in ret.evidence},
    )


@bp.route("/monitoring/returns/<int:return_id>/evidence", methods=["GET", "POST"])
@policy.requires("submit_returns")
@commits
def edit_evidence(return_id: int) -> ResponseReturnValue:
    ret = _return(return_id, "submit_returns")
    if (refused := _not_editable(ret)) is not None:
        return refused
    form = forms.EvidenceDoneForm.build(ret, prefill=request.method == "GET")
    if form.validate_on_submit():
        try:
            returns.save_section(
                ret,
                ReturnSection.EVIDENCE,
                None,
                completed=form.is_completed(),
                expected_version=form.expected_version(),
                actor=current_actor(),
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
            form.set_version(ret)
        else:
            return _to_return(ret, f"‘{ReturnSection.EVIDENCE.heading}’ saved.", "success")
    return _evidence_page(ret, form, forms.EvidenceForm(formdata=None))


@bp.route("/monitoring/returns/<int:return_id>/evidence/upload", methods=["POST"])
@policy.requires("submit_returns")
@commits
def upload_evidence(return_id: int) -> ResponseReturnValue:
    ret = _return(return_id, "submit_returns")
    if (refused := _not_editable(ret)) is not None:
        return refused
    upload = forms.EvidenceForm()
    if upload.validate_on_submit():
        sent = upload.file.data
        try:
            data = sent.read()
        finally:
            sent.close()  # a large upload is spooled to a temporary file: let it go now
        try:
            added = returns.add_evidence(
                ret,
                filename=sent.filename or "",
                data=data,
                description=upload.description.data or "",
                actor=current_actor(),
            )
        except DomainError as error:
            upload.add_error(error.field, error.message)
        else:
            flash(f"{added.filename} uploaded.", "success")
            return redirect(url_for(".edit_evidence", return_id=ret.id))
    return _evidence_page(ret, forms.EvidenceDoneForm.build(ret, prefill=True), upload)


@bp.route("/monitoring/evidence/<int:evidence_id>")
@policy.requires("view_returns")
def download_evidence(evidence_id: int) -> ResponseReturnValue:
    evidence = policy.found(returns.get_evidence(evidence_id), "view_returns")
    try:
        content = returns.read_evidence(evidence)
    except FileNotFoundError:
        abort(404)
    return send_file(
        io.BytesIO(content),
        mimetype=evidence.content_type,
        as_attachment=True,
        download_name=evidence.filename,
        max_age=0,
    )


@bp.route("/monitoring/evidence/<int:evidence_id>/remove", methods=["POST"])
@policy.requires("submit_returns")
@commits
def remove_evidence(evidence_id: int) -> ResponseReturnValue:
    evidence = policy.found(returns.get_evidence(evidence_id), "submit_returns")
    ret = evidence.return_
    back = redirect(url_for(".edit_evidence", return_id=ret.id))
    if not ButtonForm().validate_on_submit():
        return back
    filename = evidence.filename
    try:
        returns.remove_evidence(evidence, actor=current_actor())
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(f"{filename} removed.", "success")
    return back


# Checking and submitting -------------------------------------------------------------------------------------


@bp.route("/monitoring/returns/<int:return_id>/submit", methods=["GET", "POST"])
@policy.requires("submit_returns")
@commits
def check_answers(return_id: int) -> ResponseReturnValue:
    ret = _return(return_id, "submit_returns")
    if (refused := _not_editable(ret)) is not None:
        return refused
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            returns.submit(ret, actor=current_actor())
        except returns.NotReady:
            pass  # the problems are listed on the page
        except DomainError as error:
            return _to_return(ret, error.message)
        else:
            return redirect(url_for(".show_confirmation", return_id=ret.id))
    return render_template(
        "monitoring/check_answers.html",
        ret=ret,
        data=returns.describe(ret),
        problems=[{"text": message, "href": _section_url(ret, section)} for section, message in returns.problems(ret)],
        change={section.value: _section_url(ret, section) for section in ReturnSection},
        form=form,
    )


@bp.route("/monitoring/returns/<int:return_id>/confirmation")
@policy.requires("submit_returns")
def show_confirmation(return_id: int) -> ResponseReturnValue:
    ret = _return(return_id, "submit_returns")
    if ret.status is not ReturnStatus.SUBMITTED or ret.latest_submission is None:
        return _to_return(ret)
    return render_template("monitoring/confirmation.html", ret=ret, version=ret.latest_submission)


@bp.route("/monitoring/returns/<int:return_id>/versions/<int:number>")
@policy.requires("view_returns")
def show_version(return_id: int, number: int) -> ResponseReturnValue:
    ret = _return(return_id)
    version = returns.submission(ret, number)
    if version is None:
        abort(404)
    return render_template("monitoring/show_version.html", ret=ret, version=version, data=version.data)


# The officer's review ------------------------------------------------------------------------------------------


def _decided(ret: MonitoringReturn, form: forms.ReviewForm) -> str:
    """Accept the return or ask for changes, as the form says; what to tell the officer."""
    note = form.note.data or ""
    if form.accepting():
        released = returns.accept(ret, note=note, actor=current_actor())
        count = len(released)
        freed = f"{count} held payment{'' if count == 1 else 's'} released for finance to approve" if count else ""
        return f"{ret.period.title} accepted. The group has been told." + (f" {freed}." if freed else "")
    returns.request_changes(ret, comments=form.comments(), note=note, actor=current_actor())
    return "Changes requested. The group has been emailed your comments."


@bp.route("/monitoring/returns/<int:return_id>/review", methods=["GET", "POST"])
@policy.requires("review_returns")
@commits
def review_return(return_id: int) -> ResponseReturnValue:
    ret = _return(return_id, "review_returns")
    version = ret.latest_submission
    if ret.status is not ReturnStatus.SUBMITTED or version is None:
        return _to_return(ret, f"This return is {ret.status.label.lower()}: there is nothing to review")
    if ret.agreement.status is not AgreementStatus.ACCEPTED:
        return _to_return(ret, f"This grant is {ret.agreement.status.label.lower()}: its returns are read-only")
    form = forms.ReviewForm()
    if form.validate_on_submit():
        try:
            message = _decided(ret, form)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            return _to_return(ret, message, "success")
    return render_template("monitoring/review.html", ret=ret, version=version, data=version.data, form=form)
