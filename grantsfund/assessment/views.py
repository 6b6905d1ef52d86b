"""Eligibility screening (the officer's check, the group's answer to a question), assigning assessors (by hand
or from a suggestion), and the assessor's own list, declaration and view of a bid."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from grantsfund import policy
from grantsfund.applications import services as applications
from grantsfund.applications.models import Application
from grantsfund.assessment import assignment, eligibility, forms, ranking, scoring
from grantsfund.assessment.models import Assignment, AssignmentStatus
from grantsfund.common.dates import london_today
from grantsfund.common.errors import DomainError
from grantsfund.common.transactions import commits
from grantsfund.common.web import current_actor
from grantsfund.rounds import queries as rounds

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


# Assigning assessors (officers) -------------------------------------------------------------------------------


@bp.route("/funds/rounds/<int:round_id>/assessors")
@policy.requires("assign_assessors")
def list_assignments(round_id: int) -> ResponseReturnValue:
    round_ = rounds.get_round(round_id)
    policy.authorize(current_user, "assign_assessors", round_)
    bids = assignment.bids_to_assess(round_)
    return render_template(
        "assessment/list_assignments.html",
        round=round_,
        bids=bids,
        assignments=assignment.assignments_for(bids),
        assessors=assignment.list_assessors(),
    )


@bp.route("/funds/rounds/<int:round_id>/assessors/interests", methods=["GET", "POST"])
@policy.requires("assign_assessors")
@commits
def record_interest(round_id: int) -> ResponseReturnValue:
    """An officer records an assessor's interest in a group with a bid in the round, before assigning."""
    round_ = rounds.get_round(round_id)
    policy.authorize(current_user, "assign_assessors", round_)
    people = assignment.list_assessors()
    groups = sorted({bid.organisation for bid in assignment.bids_to_assess(round_)}, key=lambda group: group.name)
    form = forms.InterestForm(assessors=people, groups=groups)
    if form.validate_on_submit():
        person = next(a for a in people if str(a.id) == form.assessor.data)
        try:
            assignment.record_interest(
                person, int(form.organisation.data), reason=form.reason.data, actor=current_actor()
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash(f"{person.full_name}’s interest recorded: they will not be assigned that group’s bids.", "success")
            return redirect(url_for(".list_assignments", round_id=round_.id))
    return render_template("assessment/record_interest.html", round=round_, form=form)


def _pairs(proposals: list[assignment.Proposal]) -> str:
    return ",".join(f"{p.application.id}-{p.assessor.id}" for p in proposals)


@bp.route("/funds/rounds/<int:round_id>/assessors/suggestion", methods=["GET", "POST"])
@policy.requires("assign_assessors")
@commits
def suggest_assignments(round_id: int) -> ResponseReturnValue:
    round_ = rounds.get_round(round_id)
    policy.authorize(current_user, "assign_assessors", round_)
    proposals = assignment.suggest(round_)
    form = forms.ConfirmSuggestionForm(
        data=None if request.method == "POST" else {"due_on": assignment.default_due_on()}
    )
    if form.validate_on_submit():
        if request.form.get("pairs") != _pairs(proposals):
            flash("Assignments changed while you were looking. Check the new suggestion before you confirm it.", "info")
            return redirect(url_for(".suggest_assignments", round_id=round_.id))
        try:
            made = assignment.confirm(proposals, due_on=form.due_on.data, actor=current_actor())
        except DomainError as error:
            form.add_error(error.field if error.field == "due_on" else None, error.message)
        else:
            flash(f"{made} assignments made. Each assessor has been emailed.", "success")
            return redirect(url_for(".list_assignments", round_id=round_.id))
    return render_template(
        "assessment/suggest_assignments.html", round=round_, proposals=proposals, pairs=_pairs(proposals), form=form
    )


@bp.route("/funds/applications/<int:application_id>/assessors", methods=["GET", "POST"])
@policy.requires("assign_assessors")
@commits
def assign_assessor(application_id: int) -> ResponseReturnValue:
    application = _submitted(application_id, "assign_assessors")
    candidates = assignment.list_assessors()
    blocked = assignment.conflicts([a.id for a in candidates], [application.organisation_id])
    free = [a for a in candidates if (a.id, application.organisation_id) not in blocked]
    form = forms.AssignForm(
        assessors=free, data=None if request.method == "POST" else {"due_on": assignment.default_due_on()}
    )
    if form.validate_on_submit():
        chosen = next(a for a in free if a.id == form.assessor_id())
        try:
            assignment.assign(application, chosen, due_on=form.due_on.data, actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash(f"{chosen.full_name} assigned to {application.reference}.", "success")
            return redirect(url_for(".list_assignments", round_id=application.round_id))
    return render_template(
        "assessment/assign_assessor.html",
        application=application,
        form=form,
        current=assignment.assignments_for([application])[application.id],
        conflicted=[(a, blocked[(a.id, application.organisation_id)]) for a in candidates if a not in free],
    )


# Assessors -----------------------------------------------------------------------------------------------------


def _assignment(assignment_id: int) -> Assignment:
    found = assignment.get_assignment(assignment_id)
    policy.authorize(current_user, "assess", found)
    return found


@bp.route("/assessments")
@policy.requires("assess")
def list_my_assignments() -> ResponseReturnValue:
    mine = [a for a in assignment.assignments_of(current_user) if policy.can_see(current_user, a)]
    return render_template(
        "assessment/my_assignments.html", assignments=mine, submitted=scoring.submitted_ids(mine), today=london_today()
    )


@bp.route("/assessments/<int:assignment_id>/declaration", methods=["GET", "POST"])
@policy.requires("assess")
@commits
def declare(assignment_id: int) -> ResponseReturnValue:
    found = _assignment(assignment_id)
    if found.status is not AssignmentStatus.AWAITING_DECLARATION:
        return redirect(url_for(".show_assignment", assignment_id=found.id))
    form = forms.DeclarationForm()
    if form.validate_on_submit():
        try:
            assignment.declare(
                found, conflict=form.has_conflict(), reason=form.reason.data or "", actor=current_actor()
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            if form.has_conflict():
                flash("Thank you. You will not assess this bid, and the grants officer has been told.", "success")
                return redirect(url_for(".list_my_assignments"))
            return redirect(url_for(".show_assignment", assignment_id=found.id))
    return render_template("assessment/declare.html", assignment=found, form=form)


@bp.route("/assessments/<int:assignment_id>", methods=["GET", "POST"])
@policy.requires("assess")
@commits
def show_assignment(assignment_id: int) -> ResponseReturnValue:
    """The scoring page: the bid as submitted beside the round's criteria, once the assessor has declared no
    conflict; after the scores are submitted, what was submitted."""
    found = _assignment(assignment_id)
    if found.status is AssignmentStatus.AWAITING_DECLARATION:
        return redirect(url_for(".declare", assignment_id=found.id))
    application = applications.get_submitted(found.application_id)
    if application.snapshot is None:  # pragma: no cover - only submitted bids are assigned
        abort(404)
    round_ = rounds.get_round(application.round_id)
    sheet = scoring.sheet_for(found)
    form = forms.ScoreSheetForm.for_criteria(
        round_.criteria,
        round_.score_labels,
        data=None if request.method == "POST" else forms.ScoreSheetForm.saved(sheet),
    )
    if not (sheet and sheet.submitted) and form.validate_on_submit():
        try:
            scoring.save_sheet(found, form.answers(), submit=form.submitting, actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            if form.submitting:
                flash(f"Your scores for {application.reference} have been submitted. Thank you.", "success")
                return redirect(url_for(".list_my_assignments"))
            flash("Your scores have been saved as a draft.", "success")
            return redirect(url_for(".show_assignment", assignment_id=found.id))
    return render_template(
        "assessment/score.html",
        assignment=found,
        application=application,
        snapshot=application.snapshot.data,
        round=round_,
        form=form,
        sheet=sheet,
        scores=scoring.scores_by_criterion(sheet),
    )


# Ranking and moderation (officers) --------------------------------------------------------------------------


@bp.route("/funds/rounds/<int:round_id>/ranking")
@policy.requires("assign_assessors")
def show_ranking(round_id: int) -> ResponseReturnValue:
    round_ = rounds.get_round(round_id)
    policy.authorize(current_user, "assign_assessors", round_)
    sheets = ranking.load_sheets(round_)  # read once, for the ranking and the calibration
    return render_template(
        "assessment/ranking.html",
        round=round_,
        results=ranking.ranking(round_, sheets),
        calibration=ranking.calibration(round_, sheets),
        percent=ranking.percent,
    )


@bp.route("/funds/applications/<int:application_id>/moderation", methods=["GET", "POST"])
@policy.requires("assign_assessors")
@commits
def moderate(application_id: int) -> ResponseReturnValue:
    application = _submitted(application_id, "assign_assessors")
    round_ = rounds.get_round(application.round_id)
    form = forms.ModerationForm(criteria=round_.criteria)
    if form.validate_on_submit():
        try:
            ranking.moderate(
                application,
                form.chosen_criterion(),
                score=int(form.score.data),
                reason=form.reason.data,
                actor=current_actor(),
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash("Agreed score recorded. The assessors’ own scores are kept.", "success")
            return redirect(url_for(".moderate", application_id=application.id))
    return render_template(
        "assessment/moderate.html",
        application=application,
        round=round_,
        result=ranking.results_for(round_, [application])[0],
        sheets=ranking.submitted_sheets_of(application),
        form=form,
        percent=ranking.percent,
    )
