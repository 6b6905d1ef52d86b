"""Signposting: officers keep the directory of other funders, review the matching's suggestions for a declined
or ineligible bid and send the letter; the group reads it and says what happened; the report adds it up."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from grantsfund import policy
from grantsfund.accounts.forms import ButtonForm
from grantsfund.applications import services as applications
from grantsfund.common.dates import london_today
from grantsfund.common.downloads import csv_response
from grantsfund.common.errors import DomainError
from grantsfund.common.transactions import commits
from grantsfund.common.web import current_actor
from grantsfund.organisations import services as organisations
from grantsfund.organisations.models import LegalForm
from grantsfund.rounds import queries as rounds
from grantsfund.signposting import directory, forms, report, signposts
from grantsfund.signposting.matching import DEAL_BREAKERS, Match
from grantsfund.signposting.models import Funder, Programme, ProgrammeStatus, Signpost, Suggestion

bp = Blueprint("signposting", __name__)


def _chosen_round(choices: list[tuple[int, str]]) -> int | None:
    """The round filter, if it names one of the rounds offered; anything else shows every round."""
    round_id = request.args.get("round", type=int)
    return round_id if round_id in {value for value, _label in choices} else None


def _funder(funder_id: int) -> Funder:
    return policy.found(directory.get_funder(funder_id), "manage_funders")


def _programme(programme_id: int) -> Programme:
    return policy.found(directory.get_programme(programme_id), "manage_funders")


def _signpost(signpost_id: int, action: str = "signpost") -> Signpost:
    return policy.found(signposts.get_signpost(signpost_id), action)


def _suggestion(signpost: Signpost, suggestion_id: int, action: str) -> Suggestion:
    return policy.found(signposts.get_suggestion(signpost, suggestion_id), action)


# The directory ---------------------------------------------------------------------------------------------


@bp.route("/funders")
@policy.requires("manage_funders")
def list_funders() -> ResponseReturnValue:
    status = request.args.get("status", "")
    chosen = ProgrammeStatus(status) if status in set(ProgrammeStatus) else None
    stale_only = request.args.get("stale") == "1"
    # Only printable characters go back into the search box: a control character would break the page.
    search = "".join(character for character in request.args.get("q", "") if character.isprintable()).strip()[:200]
    return render_template(
        "signposting/list_funders.html",
        programmes=directory.list_programmes(search=search, status=chosen, stale_only=stale_only),
        stale_before=directory.stale_before(),
        search=search,
        status=chosen,
        stale_only=stale_only,
        statuses=list(ProgrammeStatus),
    )


@bp.route("/funders/new", methods=["GET", "POST"])
@policy.requires("manage_funders")
@commits
def new_funder() -> ResponseReturnValue:
    form = forms.FunderForm()
    if form.validate_on_submit():
        try:
            funder = directory.create_funder(form.details(), actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash("Funder added. Now add its programmes.", "success")
            return redirect(url_for(".show_funder", funder_id=funder.id))
    return render_template("signposting/funder_form.html", form=form, funder=None)


@bp.route("/funders/<int:funder_id>")
@policy.requires("manage_funders")
def show_funder(funder_id: int) -> ResponseReturnValue:
    return render_template(
        "signposting/show_funder.html", funder=_funder(funder_id), stale_before=directory.stale_before()
    )


@bp.route("/funders/<int:funder_id>/edit", methods=["GET", "POST"])
@policy.requires("manage_funders")
@commits
def edit_funder(funder_id: int) -> ResponseReturnValue:
    funder = _funder(funder_id)
    form = forms.FunderForm(obj=funder if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            directory.update_funder(funder, form.details(), actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash("Funder saved.", "success")
            return redirect(url_for(".show_funder", funder_id=funder.id))
    return render_template("signposting/funder_form.html", form=form, funder=funder)


def _programme_form(programme: Programme | None) -> forms.ProgrammeForm:
    form = forms.ProgrammeForm(wards=organisations.list_wards())
    if request.method == "GET":
        if programme is not None:
            form.fill(directory.details_of(programme))
        else:
            form.last_verified_on.data = london_today()
    return form


@bp.route("/funders/<int:funder_id>/programmes/new", methods=["GET", "POST"])
@policy.requires("manage_funders")
@commits
def new_programme(funder_id: int) -> ResponseReturnValue:
    funder = _funder(funder_id)
    form = _programme_form(None)
    if form.validate_on_submit():
        try:
            programme = directory.create_programme(funder, form.details(), actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash("Programme added.", "success")
            return redirect(url_for(".show_programme", programme_id=programme.id))
    return render_template("signposting/programme_form.html", form=form, funder=funder, programme=None)


@bp.route("/funders/programmes/<int:programme_id>")
@policy.requires("manage_funders")
def show_programme(programme_id: int) -> ResponseReturnValue:
    return render_template(
        "signposting/show_programme.html",
        programme=_programme(programme_id),
        stale_before=directory.stale_before(),
        button=ButtonForm(),
        legal_form_labels={form.value: form.label for form in LegalForm},
    )


@bp.route("/funders/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
@policy.requires("manage_funders")
@commits
def edit_programme(programme_id: int) -> ResponseReturnValue:
    programme = _programme(programme_id)
    form = _programme_form(programme)
    if form.validate_on_submit():
        try:
            directory.update_programme(programme, form.details(), actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash("Programme saved.", "success")
            return redirect(url_for(".show_programme", programme_id=programme.id))
    return render_template("signposting/programme_form.html", form=form, funder=programme.funder, programme=programme)


@bp.route("/funders/programmes/<int:programme_id>/verify", methods=["POST"])
@policy.requires("manage_funders")
@commits
def verify_programme(programme_id: int) -> ResponseReturnValue:
    programme = _programme(programme_id)
    if ButtonForm().validate_on_submit():
        try:
            directory.verify(programme, actor=current_actor())
        except DomainError as error:
            flash(f"{error.message}. Change the programme to put it right.", "error")
        else:
            flash("Marked as checked today.", "success")
    return redirect(url_for(".show_programme", programme_id=programme.id))


@bp.route("/funders/programmes/<int:programme_id>/close", methods=["GET", "POST"])
@policy.requires("manage_funders")
@commits
def close_programme(programme_id: int) -> ResponseReturnValue:
    programme = _programme(programme_id)
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            directory.close_programme(programme, actor=current_actor())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash("Programme closed: it will not be suggested to any group.", "success")
        return redirect(url_for(".show_programme", programme_id=programme.id))
    return render_template("signposting/close_programme.html", programme=programme, form=form)


# Signposting a bid -----------------------------------------------------------------------------------------


@bp.route("/signposting")
@policy.requires("signpost")
def list_candidates() -> ResponseReturnValue:
    choices = rounds.round_choices()
    round_id = _chosen_round(choices)
    return render_template(
        "signposting/list_candidates.html",
        candidates=signposts.candidates(round_id=round_id),
        rounds=choices,
        round_id=round_id,
        button=ButtonForm(),
    )


@bp.route("/signposting/applications/<int:application_id>/start", methods=["POST"])
@policy.requires("signpost")
@commits
def start_signpost(application_id: int) -> ResponseReturnValue:
    application = policy.found(applications.get_application(application_id), "signpost")
    if not ButtonForm().validate_on_submit():
        return redirect(url_for(".list_candidates"))
    try:
        signpost = signposts.start(application, actor=current_actor())
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for(".list_candidates"))
    return redirect(url_for(".show_signpost", signpost_id=signpost.id))


def _review(
    signpost: Signpost,
    *,
    send_form: forms.SendForm | None = None,
    add_form: forms.AddProgrammeForm | None = None,
    funders_error: str = "",
) -> ResponseReturnValue:
    return render_template(
        "signposting/show_signpost.html",
        signpost=signpost,
        application=signpost.application,
        send_form=send_form or forms.SendForm(note=signpost.note),
        add_form=add_form or forms.AddProgrammeForm(formdata=None, choices=_addable(signpost)),
        button=ButtonForm(),
        stale_before=directory.stale_before(),
        # A draft shows what the letter would say if sent now, not what was true when it was started.
        current=signposts.current_matches(signpost) if not signpost.is_sent else {},
        funders_error=funders_error,
    )


def _addable(signpost: Signpost) -> list[tuple[int, str]]:
    return [(match.programme.id, _choice_label(match)) for match in signposts.addable(signpost)]


def _choice_label(match: Match) -> str:
    """A programme that cannot fund the group says why, so that an officer adds it knowingly."""
    if match.suggestible:
        return match.programme.title
    why = ", ".join(DEAL_BREAKERS[reason.topic] for reason in match.misfits if reason.topic in DEAL_BREAKERS)
    return f"{match.programme.title} (does not fit: {why})"


def _already_sent(signpost: Signpost) -> ResponseReturnValue:
    """Once the letter has gone its form is no longer on the page, so a late change is refused with a flash."""
    flash("The letter has been sent, so its funders cannot change", "error")
    return redirect(url_for(".show_signpost", signpost_id=signpost.id))


@bp.route("/signposting/<int:signpost_id>")
@policy.requires("signpost")
def show_signpost(signpost_id: int) -> ResponseReturnValue:
    return _review(_signpost(signpost_id))


@bp.route("/signposting/<int:signpost_id>/add", methods=["POST"])
@policy.requires("signpost")
@commits
def add_programme(signpost_id: int) -> ResponseReturnValue:
    signpost = _signpost(signpost_id)
    if signpost.is_sent:
        return _already_sent(signpost)
    form = forms.AddProgrammeForm(choices=_addable(signpost))
    if form.validate_on_submit():
        programme = directory.get_programme(form.programme_id.data)
        try:
            if programme is None:
                raise DomainError("Choose a funder from the list", field="programme_id")
            signposts.add(signpost, programme, actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash(f"{programme.title} added.", "success")
            return redirect(url_for(".show_signpost", signpost_id=signpost.id))
    return _review(signpost, add_form=form)


@bp.route("/signposting/<int:signpost_id>/suggestions/<int:suggestion_id>/remove", methods=["POST"])
@policy.requires("signpost")
@commits
def remove_suggestion(signpost_id: int, suggestion_id: int) -> ResponseReturnValue:
    signpost = _signpost(signpost_id)
    suggestion = _suggestion(signpost, suggestion_id, "signpost")
    if ButtonForm().validate_on_submit():
        try:
            signposts.remove(suggestion, actor=current_actor())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(f"{suggestion.programme.title} removed.", "success")
    return redirect(url_for(".show_signpost", signpost_id=signpost.id))


@bp.route("/signposting/<int:signpost_id>/send", methods=["POST"])
@policy.requires("signpost")
@commits
def send_letter(signpost_id: int) -> ResponseReturnValue:
    signpost = _signpost(signpost_id)
    if signpost.is_sent:
        return _already_sent(signpost)
    form = forms.SendForm()
    if form.validate_on_submit():
        try:
            if form.save.data:
                signposts.save_note(signpost, note=form.note.data or "", actor=current_actor())
                flash("Note saved. It goes in the letter when you send it.", "success")
                return redirect(url_for(".show_signpost", signpost_id=signpost.id))
            sent = signposts.send(signpost, note=form.note.data or "", actor=current_actor())
        except DomainError as error:
            if error.field == "funders":  # about the list of funders, not the note
                return _review(signpost, send_form=form, funders_error=error.message)
            form.add_error(error.field, error.message)
        else:
            flash(f"Letter sent to {sent} {'address' if sent == 1 else 'addresses'}.", "success")
            return redirect(url_for(".show_signpost", signpost_id=signpost.id))
    return _review(signpost, send_form=form)


# The letter and what happened --------------------------------------------------------------------------------


@bp.route("/signposting/<int:signpost_id>/letter")
@policy.requires("read_signposts")
def show_letter(signpost_id: int) -> ResponseReturnValue:
    signpost = _signpost(signpost_id, "read_signposts")
    return render_template(
        "signposting/letter.html",
        signpost=signpost,
        letter=signposts.letter(signpost),
        officer=policy.can(current_user, "signpost"),
    )


@bp.route("/signposting/<int:signpost_id>/suggestions/<int:suggestion_id>/outcome", methods=["GET", "POST"])
@policy.requires("record_signpost_outcomes")
@commits
def record_outcome(signpost_id: int, suggestion_id: int) -> ResponseReturnValue:
    signpost = _signpost(signpost_id, "record_signpost_outcomes")
    suggestion = _suggestion(signpost, suggestion_id, "record_signpost_outcomes")
    if not signpost.is_sent:  # only an officer sees a draft
        flash("Outcomes are recorded once the letter has been sent", "error")
        return redirect(url_for(".show_signpost", signpost_id=signpost.id))
    form = forms.OutcomeForm()
    if request.method == "GET" and suggestion.outcome is not None:
        form.outcome.data = suggestion.outcome.value
        form.amount.data = suggestion.amount_raised_pence
        form.note.data = suggestion.outcome_note
    if form.validate_on_submit():
        try:
            signposts.record_outcome(
                suggestion,
                outcome=form.chosen(),
                amount_pence=form.amount.data,
                note=form.note.data or "",
                actor=current_actor(),
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash(f"Thank you: saved what happened with {suggestion.programme.title}.", "success")
            return redirect(_outcomes_page(signpost))
    return render_template(
        "signposting/outcome_form.html",
        form=form,
        signpost=signpost,
        suggestion=suggestion,
        back=_outcomes_page(signpost),
    )


def _outcomes_page(signpost: Signpost) -> str:
    """Where each reader sees the outcomes: an officer on the signposting page, the group on its letter."""
    if policy.can(current_user, "signpost"):
        return url_for(".show_signpost", signpost_id=signpost.id)
    return url_for(".show_letter", signpost_id=signpost.id)


# The report ------------------------------------------------------------------------------------------------


@bp.route("/signposting/report")
@policy.requires("view_signposting_report")
def show_report() -> ResponseReturnValue:
    choices = rounds.round_choices()
    round_id = _chosen_round(choices)
    return render_template(
        "signposting/report.html", report=report.build(round_id=round_id), rounds=choices, round_id=round_id
    )


@bp.route("/signposting/report.csv")
@policy.requires("view_signposting_report")
def download_report() -> ResponseReturnValue:
    built = report.build(round_id=_chosen_round(rounds.round_choices()))
    return csv_response(report.HEADINGS, built.rows(), filename="signposting-report.csv")
