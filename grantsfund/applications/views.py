"""A group's applications: starting one from an open round, the eligibility questions, and the task list."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from grantsfund import policy
from grantsfund.accounts.forms import ButtonForm
from grantsfund.applications import forms, services
from grantsfund.applications.models import Application, ApplicationStatus
from grantsfund.applications.services import SECTIONS_TO_COME, Section
from grantsfund.common.errors import DomainError
from grantsfund.common.transactions import commits
from grantsfund.common.web import current_actor
from grantsfund.organisations import services as organisations
from grantsfund.organisations.current_group import current_organisation_id
from grantsfund.rounds import queries as rounds

bp = Blueprint("applications", __name__)


def _load(application_id: int) -> Application:
    application = services.get_application(application_id)
    policy.authorize(current_user, "apply", application)
    return application


def _task_list(application: Application) -> ResponseReturnValue:
    return redirect(url_for(".show_application", application_id=application.id))


def _not_ready(application: Application) -> ResponseReturnValue | None:
    """Where to send someone who cannot use the task list yet: the next eligibility question, or the
    page explaining why the group cannot apply."""
    if application.status is ApplicationStatus.WITHDRAWN and services.failed_question(application):
        return redirect(url_for(".show_not_eligible", application_id=application.id))
    question = services.next_question(application) if application.is_draft else None
    if question is not None:
        return redirect(url_for(".answer_eligibility", application_id=application.id, question_id=question.id))
    return None


# Starting ---------------------------------------------------------------------------------------------------


@bp.route("/funding/<int:round_id>/apply", methods=["GET", "POST"])
@policy.requires("apply")
@commits
def start_application(round_id: int) -> ResponseReturnValue:
    round_ = rounds.get_open_round(round_id)
    groups = organisations.list_member_organisations(current_user)
    if not groups:
        flash("Create your group’s profile, or ask to join your group, before you apply.", "info")
        return redirect(url_for("organisations.list_organisations"))
    current = current_organisation_id()
    from_round_page = request.method == "POST" and "organisation_id" not in request.form
    form = forms.ChooseGroupForm(formdata=None if from_round_page else request.form or None, groups=groups)
    if from_round_page and current is not None and ButtonForm().validate_on_submit():
        chosen = current
    elif not from_round_page and form.validate_on_submit():
        chosen = form.chosen_id()
    else:
        form.organisation_id.data = form.organisation_id.data or (str(current) if current else None)
        return render_template("applications/choose_group.html", form=form, round=round_)
    organisation = organisations.get_organisation(chosen)
    policy.authorize(current_user, "apply", organisation)
    try:
        application = services.start_application(round_, organisation, actor=current_actor())
    except DomainError as error:
        form.add_error("organisation_id", error.message)
        return render_template("applications/choose_group.html", form=form, round=round_)
    return _task_list(application)


@bp.route("/applications")
@policy.requires("apply")
def list_applications() -> ResponseReturnValue:
    groups = organisations.list_member_organisations(current_user)
    return render_template(
        "applications/list_applications.html",
        applications=services.list_applications_for(group.id for group in groups),
        groups=groups,
    )


# Eligibility ------------------------------------------------------------------------------------------------


@bp.route("/applications/<int:application_id>/eligibility/<int:question_id>", methods=["GET", "POST"])
@policy.requires("apply")
@commits
def answer_eligibility(application_id: int, question_id: int) -> ResponseReturnValue:
    application = _load(application_id)
    question = rounds.get_question(application.round, question_id)
    if not application.is_draft:
        return _task_list(application)
    form = forms.EligibilityForm(question=question)
    if request.method == "GET" and question.id in (answers := services.answers_by_question(application)):
        form.answer.data = "yes" if answers[question.id] else "no"
    if form.validate_on_submit():
        try:
            qualifies = services.answer_eligibility(
                application, question, answer=form.answered_yes(), actor=current_actor()
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            if not qualifies:
                return redirect(url_for(".show_not_eligible", application_id=application.id))
            return _not_ready(application) or _task_list(application)
    questions = application.round.questions
    number = questions.index(question) + 1
    return render_template(
        "applications/answer_eligibility.html",
        application=application,
        form=form,
        number=number,
        total=len(questions),
        previous=questions[number - 2] if number > 1 else None,
    )


@bp.route("/applications/<int:application_id>/not-eligible")
@policy.requires("apply")
def show_not_eligible(application_id: int) -> ResponseReturnValue:
    application = _load(application_id)
    question = services.failed_question(application)
    if question is None:
        return _task_list(application)
    return render_template(
        "applications/not_eligible.html",
        application=application,
        question=question,
        funding_advice_url=current_app.config["FUNDING_ADVICE_URL"],
    )


# The task list and its sections -----------------------------------------------------------------------------


@bp.route("/applications/<int:application_id>")
@policy.requires("apply")
def show_application(application_id: int) -> ResponseReturnValue:
    application = _load(application_id)
    if (elsewhere := _not_ready(application)) is not None:
        return elsewhere
    return render_template(
        "applications/show_application.html",
        application=application,
        statuses=services.section_statuses(application),
        to_come=SECTIONS_TO_COME,
        window=services.project_window(application.round),
    )


def _form(application: Application, section: Section) -> forms.SectionForm:
    """The section's form: what was posted, or else the saved answers."""
    window = services.project_window(application.round)
    posted = request.method == "POST"
    if section is Section.ABOUT:
        if posted:
            return forms.AboutForm(themes=application.round.themes, window=window)
        return forms.AboutForm.for_application(application, window=window)
    if section is Section.NEED:
        return forms.NeedForm() if posted else forms.NeedForm.for_application(application)
    if section is Section.BENEFITS:
        wards = organisations.list_wards()
        return (
            forms.BenefitsForm(wards=wards) if posted else forms.BenefitsForm.for_application(application, wards=wards)
        )
    months = window.months()
    return (
        forms.ActivitiesForm(months=months)
        if posted
        else forms.ActivitiesForm.for_application(application, months=months)
    )


def _after_saving(application: Application, section: Section, form: forms.SectionForm) -> ResponseReturnValue:
    sections = list(Section)
    position = sections.index(section)
    if form.complete and position + 1 < len(sections):
        return redirect(url_for(f".edit_{sections[position + 1].name.lower()}", application_id=application.id))
    if not form.complete:
        flash(f"Your answers to ‘{section.title}’ have been saved. You can come back to them at any time.", "success")
    return _task_list(application)


def _edit(application_id: int, section: Section) -> ResponseReturnValue:
    application = _load(application_id)
    if (elsewhere := _not_ready(application)) is not None:
        return elsewhere
    if not application.is_draft:
        return _task_list(application)
    form = _form(application, section)
    conflict = None
    if form.validate_on_submit():
        try:
            services.save_section(
                application,
                section,
                form.answers(),
                expected_version=form.expected_version(),
                complete=form.complete,
                actor=current_actor(),
            )
        except services.EditConflict as error:
            conflict = error.message
            form.set_version(application)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            return _after_saving(application, section, form)
    return render_template(
        f"applications/edit_{section.name.lower()}.html",
        application=application,
        section=section,
        form=form,
        conflict=conflict,
        saved=services.section_state(application, section) if conflict else None,
        window=services.project_window(application.round),
    )


@bp.route("/applications/<int:application_id>/about-the-project", methods=["GET", "POST"])
@policy.requires("apply")
@commits
def edit_about(application_id: int) -> ResponseReturnValue:
    return _edit(application_id, Section.ABOUT)


@bp.route("/applications/<int:application_id>/need-and-evidence", methods=["GET", "POST"])
@policy.requires("apply")
@commits
def edit_need(application_id: int) -> ResponseReturnValue:
    return _edit(application_id, Section.NEED)


@bp.route("/applications/<int:application_id>/who-benefits", methods=["GET", "POST"])
@policy.requires("apply")
@commits
def edit_benefits(application_id: int) -> ResponseReturnValue:
    return _edit(application_id, Section.BENEFITS)


@bp.route("/applications/<int:application_id>/activities-and-timetable", methods=["GET", "POST"])
@policy.requires("apply")
@commits
def edit_activities(application_id: int) -> ResponseReturnValue:
    return _edit(application_id, Section.ACTIVITIES)
