"""Panel meetings: officers set them up and publish their outcomes; members read the pack; the chair records
attendance, conflicts and decisions on the day."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from grantsfund import policy
from grantsfund.accounts.forms import ButtonForm
from grantsfund.common.downloads import csv_response
from grantsfund.common.errors import DomainError
from grantsfund.common.transactions import commits
from grantsfund.common.web import current_actor
from grantsfund.panel import decisions, forms, meetings, outcomes
from grantsfund.panel.models import MeetingStatus, PanelItem, PanelMeeting
from grantsfund.rounds import queries as rounds

bp = Blueprint("panel", __name__)


def _meeting(meeting_id: int, action: str) -> PanelMeeting:
    meeting = meetings.get_meeting(meeting_id)
    if meeting is None:
        abort(404)
    policy.authorize(current_user, action, meeting)
    return meeting


def _item(meeting: PanelMeeting, item_id: int, action: str) -> PanelItem:
    item = next((item for item in meeting.items if item.id == item_id), None)
    if item is None:
        abort(404)
    policy.authorize(current_user, action, item)
    return item


def _visible_items(meeting: PanelMeeting) -> list[PanelItem]:
    return [item for item in meeting.items if policy.can_see(current_user, item)]


@bp.route("/panels")
@policy.requires("view_panels")
def list_meetings() -> ResponseReturnValue:
    return render_template("panel/list_meetings.html", meetings=meetings.meetings_for(current_user))


# Setting up (officers) -----------------------------------------------------------------------------------------


@bp.route("/funds/rounds/<int:round_id>/panels/new", methods=["GET", "POST"])
@policy.requires("prepare_panels")
@commits
def new_meeting(round_id: int) -> ResponseReturnValue:
    round_ = rounds.get_round(round_id)
    policy.authorize(current_user, "prepare_panels", round_)
    form = forms.MeetingForm.for_people(meetings.panel_people())
    if form.validate_on_submit():
        try:
            meeting = meetings.create_meeting(round_, form.details(), actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash("Meeting set up. Now add the ranked bids to its agenda.", "success")
            return redirect(url_for(".edit_agenda", meeting_id=meeting.id))
    return render_template("panel/meeting_form.html", form=form, round=round_, meeting=None)


@bp.route("/panels/<int:meeting_id>/edit", methods=["GET", "POST"])
@policy.requires("prepare_panels")
@commits
def edit_meeting(meeting_id: int) -> ResponseReturnValue:
    meeting = _meeting(meeting_id, "prepare_panels")
    form = forms.MeetingForm.for_people(meetings.panel_people(), meeting if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            meetings.update_meeting(meeting, form.details(), actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash("Meeting saved.", "success")
            return redirect(url_for(".show_meeting", meeting_id=meeting.id))
    return render_template("panel/meeting_form.html", form=form, round=meeting.round, meeting=meeting)


@bp.route("/panels/<int:meeting_id>/agenda", methods=["GET", "POST"])
@policy.requires("prepare_panels")
@commits
def edit_agenda(meeting_id: int) -> ResponseReturnValue:
    meeting = _meeting(meeting_id, "prepare_panels")
    candidates = meetings.candidates(meeting) if meeting.status is MeetingStatus.SCHEDULED else []
    form = forms.AgendaForm(candidates=candidates)
    if form.validate_on_submit():
        try:
            added = meetings.add_to_agenda(meeting, form.chosen(), actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash(f"{len(added)} bids added to the agenda.", "success")
            return redirect(url_for(".edit_agenda", meeting_id=meeting.id))
    return render_template(
        "panel/agenda.html",
        meeting=meeting,
        candidates=candidates,
        form=form,
        remove_form=ButtonForm(),
        committed=decisions.committed_pence(meeting.round),
    )


@bp.route("/panels/<int:meeting_id>/items/<int:item_id>/remove", methods=["POST"])
@policy.requires("prepare_panels")
@commits
def remove_item(meeting_id: int, item_id: int) -> ResponseReturnValue:
    meeting = _meeting(meeting_id, "prepare_panels")
    item = _item(meeting, item_id, "prepare_panels")
    if ButtonForm().validate_on_submit():
        reference = item.application.reference
        try:
            meetings.remove_from_agenda(item, actor=current_actor())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(f"{reference} taken off the agenda.", "success")
    return redirect(url_for(".edit_agenda", meeting_id=meeting.id))


# The meeting and its pack --------------------------------------------------------------------------------------


@bp.route("/panels/<int:meeting_id>")
@policy.requires("view_panels")
def show_meeting(meeting_id: int) -> ResponseReturnValue:
    meeting = _meeting(meeting_id, "view_panels")
    items = _visible_items(meeting)
    return render_template(
        "panel/meeting.html",
        meeting=meeting,
        items=items,
        withheld=len(meeting.items) - len(items),
        standing=decisions.standing(items),
        quorums={item.id: meetings.quorum_for(item) for item in items},
        log=decisions.log(items),
        committed=decisions.committed_pence(meeting.round),
        undecided=outcomes.undecided(meeting) if meeting.status is MeetingStatus.IN_PROGRESS else [],
        confirm_form=ButtonForm(),
    )


@bp.route("/panels/<int:meeting_id>/pack")
@policy.requires("view_panels")
def show_pack(meeting_id: int) -> ResponseReturnValue:
    """The whole pack on one page, to read on screen or print: items the reader is conflicted on left out."""
    meeting = _meeting(meeting_id, "view_panels")
    items = _visible_items(meeting)
    return render_template(
        "panel/pack.html",
        meeting=meeting,
        items=items,
        withheld=len(meeting.items) - len(items),
        totals=meetings.running_totals(meeting),
    )


@bp.route("/panels/<int:meeting_id>/items/<int:item_id>")
@policy.requires("view_panels")
def show_item(meeting_id: int, item_id: int) -> ResponseReturnValue:
    meeting = _meeting(meeting_id, "view_panels")
    item = _item(meeting, item_id, "view_panels")
    return render_template(
        "panel/item.html",
        meeting=meeting,
        item=item,
        totals=meetings.running_totals(meeting),
        quorum=meetings.quorum_for(item),
        presiding=meetings.presiding(item),
        entries=decisions.log([item]),
        standing=decisions.standing([item]).get(item.id),
    )


@bp.route("/panels/<int:meeting_id>/decisions.csv")
@policy.requires("view_panels")
def export_log(meeting_id: int) -> ResponseReturnValue:
    meeting = _meeting(meeting_id, "view_panels")
    rows = decisions.log_rows(_visible_items(meeting))
    return csv_response(decisions.LOG_HEADINGS, rows, filename=f"panel-{meeting.id}-decisions.csv")


# On the day (the chair) ----------------------------------------------------------------------------------------


@bp.route("/panels/<int:meeting_id>/attendance", methods=["GET", "POST"])
@policy.requires("chair_panels")
@commits
def record_attendance(meeting_id: int) -> ResponseReturnValue:
    meeting = _meeting(meeting_id, "chair_panels")
    members = {member.user_id for member in meeting.members}
    people = [person for person in meetings.panel_people() if person.id not in members]
    form = forms.AttendanceForm.for_meeting(meeting, people)
    if form.validate_on_submit():
        try:
            meetings.record_attendance(meeting, form.answers(), actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash("Attendance recorded. Now record any conflicts declared.", "success")
            return redirect(url_for(".record_conflicts", meeting_id=meeting.id))
    return render_template("panel/attendance.html", meeting=meeting, form=form)


@bp.route("/panels/<int:meeting_id>/conflicts", methods=["GET", "POST"])
@policy.requires("chair_panels")
@commits
def record_conflicts(meeting_id: int) -> ResponseReturnValue:
    meeting = _meeting(meeting_id, "chair_panels")
    people = [person for member in meeting.members if (person := member.attendee) is not None] or [
        member.user for member in meeting.members
    ]
    form = forms.ConflictForm(people=people, items=meeting.items)
    if form.validate_on_submit():
        person = next(p for p in people if str(p.id) == form.user_id.data)
        chosen = [item for item in meeting.items if str(item.id) in set(form.item_ids.data or [])]
        try:
            for item in chosen:
                meetings.declare_conflict(item, person, reason=form.reason.data, actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash(f"{person.full_name}’s conflict recorded: they take no part in those items.", "success")
            return redirect(url_for(".record_conflicts", meeting_id=meeting.id))
    return render_template("panel/conflicts.html", meeting=meeting, form=form)


@bp.route("/panels/<int:meeting_id>/items/<int:item_id>/conflict", methods=["GET", "POST"])
@policy.requires("declare_panel_conflicts")
@commits
def declare_conflict(meeting_id: int, item_id: int) -> ResponseReturnValue:
    meeting = _meeting(meeting_id, "declare_panel_conflicts")
    item = _item(meeting, item_id, "declare_panel_conflicts")
    form = forms.DeclareForm()
    if form.validate_on_submit():
        try:
            meetings.declare_conflict(item, current_user, reason=form.reason.data, actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash(f"Conflict declared. {item.application.reference} is now withheld from you.", "success")
            return redirect(url_for(".show_meeting", meeting_id=meeting.id))
    return render_template("panel/declare.html", meeting=meeting, item=item, form=form)


@bp.route("/panels/<int:meeting_id>/items/<int:item_id>/decision", methods=["GET", "POST"])
@policy.requires("chair_panels")
@commits
def record_decision(meeting_id: int, item_id: int) -> ResponseReturnValue:
    meeting = _meeting(meeting_id, "chair_panels")
    item = _item(meeting, item_id, "chair_panels")
    current = decisions.standing([item]).get(item.id)
    form = forms.DecisionForm()
    if form.validate_on_submit():
        try:
            decisions.record(
                item,
                form.answers(),
                actor=current_actor(),
                correcting=current,
                correction_reason=form.correction_reason.data or "",
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash(f"Decision on {item.application.reference} recorded in the log.", "success")
            return redirect(url_for(".show_meeting", meeting_id=meeting.id))
    return render_template(
        "panel/decision.html",
        meeting=meeting,
        item=item,
        form=form,
        current=current,
        quorum=meetings.quorum_for(item),
        presiding=meetings.presiding(item),
        committed=decisions.committed_pence(meeting.round),
    )


# After the meeting (officers) ----------------------------------------------------------------------------------


@bp.route("/panels/<int:meeting_id>/minutes", methods=["GET", "POST"])
@policy.requires("prepare_panels")
@commits
def confirm_minutes(meeting_id: int) -> ResponseReturnValue:
    meeting = _meeting(meeting_id, "prepare_panels")
    form = forms.MinutesForm()
    if form.validate_on_submit():
        try:
            outcomes.confirm_minutes(meeting, minutes=form.minutes.data, actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash("Minutes confirmed. The decisions log is closed.", "success")
            return redirect(url_for(".show_meeting", meeting_id=meeting.id))
    return render_template("panel/minutes.html", meeting=meeting, form=form)


@bp.route("/panels/<int:meeting_id>/publish", methods=["POST"])
@policy.requires("prepare_panels")
@commits
def publish(meeting_id: int) -> ResponseReturnValue:
    meeting = _meeting(meeting_id, "prepare_panels")
    if ButtonForm().validate_on_submit():
        try:
            sent = outcomes.publish(meeting, actor=current_actor())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(f"Outcomes published: {sent} letters are on their way to the groups.", "success")
    return redirect(url_for(".show_meeting", meeting_id=meeting.id))
