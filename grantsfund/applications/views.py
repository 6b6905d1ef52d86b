"""A group's applications: starting one from an open round, the eligibility questions, and the task list."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from grantsfund import policy
from grantsfund.accounts.forms import ButtonForm
from grantsfund.agreements import services as agreements
from grantsfund.agreements.models import Agreement
from grantsfund.applications import answers, equality, forms, services, submission
from grantsfund.applications.models import Application, ApplicationStatus
from grantsfund.applications.services import Section
from grantsfund.assessment import eligibility
from grantsfund.common.dates import london_today
from grantsfund.common.errors import DomainError
from grantsfund.common.transactions import commits
from grantsfund.common.web import current_actor
from grantsfund.organisations import services as organisations
from grantsfund.organisations.current_group import current_organisation_id
from grantsfund.panel import decisions as panel_decisions
from grantsfund.rounds import queries as rounds
from grantsfund.signposting import signposts

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
    applications = services.list_applications_for(group.id for group in groups)
    return render_template(
        "applications/list_applications.html",
        applications=applications,
        signposts=signposts.sent_signposts_for(applications),
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
        alternatives=signposts.matches_for(application),
    )


def _visible_agreement(application: Application) -> Agreement | None:
    """The bid's grant agreement, if this person may see it (its group does once it is offered)."""
    agreement = agreements.agreement_for(application)
    return agreement if agreement is not None and policy.can_see(current_user, agreement) else None


# The task list and its sections -----------------------------------------------------------------------------


@bp.route("/applications/<int:application_id>")
@policy.requires("apply")
def show_application(application_id: int) -> ResponseReturnValue:
    """A draft's task list; once submitted or withdrawn, where the application has got to."""
    application = _load(application_id)
    if (elsewhere := _not_ready(application)) is not None:
        return elsewhere
    if not application.is_draft:
        return render_template(
            "applications/show_progress.html",
            application=application,
            timeline=submission.timeline(application),
            can_withdraw=submission.can_withdraw(application),
            question=eligibility.open_request(application),
            decision=panel_decisions.published_decision(application),
            signpost=signposts.sent_signpost_for(application),
            agreement=_visible_agreement(application),
        )
    statuses = services.section_statuses(application)
    return render_template(
        "applications/show_application.html",
        application=application,
        statuses=statuses,
        ready=services.ready_to_submit(statuses),
        equality=equality.response_for(application),
        closed=not services.is_open(application.round),
    )


def _section_context(application: Application, section: Section) -> dict[str, Any]:
    """What a section's form offers beyond the saved answers: the round's choices, the months to pick from."""
    round_ = application.round
    window = services.project_window(round_)
    if section is Section.ABOUT:
        return {"themes": round_.themes, "window": window}
    if section is Section.BENEFITS:
        return {"wards": organisations.list_wards()}
    if section is Section.ACTIVITIES:
        return {"months": window.months()}
    if section is Section.OUTCOMES:
        return {"indicators": round_.indicators}
    return {}


def _form(application: Application, section: Section) -> forms.SectionForm:
    """The section's form: what was posted, or else the saved answers."""
    form_class, context = forms.SECTION_FORMS[section], _section_context(application, section)
    return form_class(**context) if request.method == "POST" else form_class.for_application(application, **context)


def _after_saving(application: Application, section: Section, form: forms.SectionForm) -> ResponseReturnValue:
    sections = list(Section)
    position = sections.index(section)
    if form.complete and position + 1 < len(sections):
        return redirect(_section_url(application, sections[position + 1]))
    if form.complete:
        return redirect(url_for(".check_answers", application_id=application.id))
    flash(f"Your answers to ‘{section.title}’ have been saved. You can come back to them at any time.", "success")
    return _task_list(application)


def _section_url(application: Application, section: Section) -> str:
    return url_for(".edit_section", application_id=application.id, slug=section.slug)


SECTIONS_BY_SLUG = {section.slug: section for section in Section}
SLUGS = ", ".join(f'"{slug}"' for slug in SECTIONS_BY_SLUG)


@bp.route(f"/applications/<int:application_id>/<any({SLUGS}):slug>", methods=["GET", "POST"])
@policy.requires("apply")
@commits
def edit_section(application_id: int, slug: str) -> ResponseReturnValue:
    section = SECTIONS_BY_SLUG[slug]
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
        documents=_documents(application) if section is Section.ATTACHMENTS else None,
    )


def _documents(application: Application) -> list[tuple[Any, Any]]:
    """Each document the round asks for, with the group's latest of that kind."""
    checks = {
        check.kind: check for check in organisations.check_documents(application.organisation, today=london_today())
    }
    return [(kind, checks[kind]) for kind in services.required_kinds(application)]


@bp.route("/applications/<int:application_id>/equality-monitoring", methods=["GET", "POST"])
@policy.requires("apply")
@commits
def edit_equality(application_id: int) -> ResponseReturnValue:
    application = _load(application_id)
    if (elsewhere := _not_ready(application)) is not None:
        return elsewhere
    if not application.is_draft:
        return _task_list(application)
    saved = equality.response_for(application)
    form = forms.EqualityForm(data=saved.answers if saved else None)
    if form.validate_on_submit():
        try:
            equality.save_response(application, form.answers(), actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash("Thank you. Your equality monitoring answers have been saved.", "success")
            return _task_list(application)
    return render_template(
        "applications/edit_equality.html", application=application, form=form, exclusive=equality.EXCLUSIVE
    )


# Checking, submitting and afterwards ------------------------------------------------------------------------


@bp.route("/applications/<int:application_id>/check-your-answers", methods=["GET", "POST"])
@policy.requires("apply")
@commits
def check_answers(application_id: int) -> ResponseReturnValue:
    application = _load(application_id)
    if (elsewhere := _not_ready(application)) is not None:
        return elsewhere
    if not application.is_draft:
        return _task_list(application)
    form = ButtonForm()
    problem = None
    if form.validate_on_submit():
        try:
            submission.submit_application(application, actor=current_actor())
        except DomainError as error:
            problem = error
        else:
            return redirect(url_for(".show_submitted_confirmation", application_id=application.id))
    statuses = services.section_statuses(application)
    return render_template(
        "applications/check_answers.html",
        application=application,
        sections=answers.section_rows(application),
        statuses={section.name.lower(): status for section, status in statuses.items()},
        ready=services.ready_to_submit(statuses),
        problem=problem,
        problem_href=_problem_href(problem),
        form=form,
    )


def _problem_href(problem: DomainError | None) -> str:
    """Where the error summary sends people: the section with the problem, or the submit button."""
    section = Section.__members__.get((problem.field or "").upper()) if problem else None
    return f"#section-{section.slug}" if section else "#submit"


@bp.route("/applications/<int:application_id>/confirmation")
@policy.requires("apply")
def show_submitted_confirmation(application_id: int) -> ResponseReturnValue:
    application = _load(application_id)
    if application.reference is None:
        return _task_list(application)
    return render_template("applications/confirmation.html", application=application)


@bp.route("/applications/<int:application_id>/copy")
@policy.requires("apply")
def show_copy(application_id: int) -> ResponseReturnValue:
    """The submitted application exactly as frozen, laid out for printing or saving as a PDF."""
    application = _load(application_id)
    if application.snapshot is None:
        return _task_list(application)
    return render_template("applications/copy.html", application=application, snapshot=application.snapshot.data)


@bp.route("/applications/<int:application_id>/withdraw", methods=["GET", "POST"])
@policy.requires("apply")
@commits
def withdraw(application_id: int) -> ResponseReturnValue:
    application = _load(application_id)
    if not submission.can_withdraw(application):
        flash(f"This application is {application.status.label.lower()} and can no longer be withdrawn.", "info")
        return _task_list(application)
    form = forms.WithdrawForm()
    if form.validate_on_submit():
        try:
            submission.withdraw_application(application, reason=form.reason.data, actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash("Your application has been withdrawn.", "success")
            return _task_list(application)
    return render_template("applications/withdraw.html", application=application, form=form)


# Officers -------------------------------------------------------------------------------------------------


@bp.route("/funds/applications/<int:application_id>")
@policy.requires("view_applications")
def show_submitted(application_id: int) -> ResponseReturnValue:
    """An officer reads the application as the group submitted it: the frozen snapshot."""
    application = services.get_submitted(application_id)
    policy.authorize(current_user, "view_applications", application)
    if application.snapshot is None:
        abort(404)
    return render_template(
        "applications/show_submitted.html",
        application=application,
        snapshot=application.snapshot.data,
        timeline=submission.timeline(application),
        question=eligibility.open_request(application),
        agreement=_visible_agreement(application),
    )
