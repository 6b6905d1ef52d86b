"""Community groups: their profiles, members and documents."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from grantsfund import policy
from grantsfund.accounts.forms import ButtonForm
from grantsfund.common.dates import london_today, utcnow
from grantsfund.common.errors import DomainError
from grantsfund.common.transactions import commits
from grantsfund.common.web import current_actor, page_number, safe_next_url
from grantsfund.organisations import current_group, forms, services
from grantsfund.organisations.models import DocumentKind, Organisation

bp = Blueprint("organisations", __name__)


def _load(organisation_id: int, action: str = "manage_organisation") -> Organisation:
    organisation = services.get_organisation(organisation_id)
    policy.authorize(current_user, action, organisation)
    return organisation


def _back_to(organisation: Organisation, anchor: str | None = None) -> ResponseReturnValue:
    return redirect(url_for(".show_organisation", organisation_id=organisation.id, _anchor=anchor))


@bp.route("/organisations")
@policy.requires("view_organisations")
def list_organisations() -> ResponseReturnValue:
    mine = services.list_member_organisations(current_user) if policy.can(current_user, "manage_organisation") else []
    everyone = (
        services.list_organisations(page=page_number()) if policy.can(current_user, "view_all_organisations") else None
    )
    return render_template(
        "organisations/list_organisations.html",
        mine=mine,
        everyone=everyone,
        current_id=current_group.current_organisation_id() if mine else None,
        pending=services.list_pending_join_requests(current_user),
        button=ButtonForm(),
    )


@bp.route("/your-group")
@policy.requires("manage_organisation")
def current_organisation() -> ResponseReturnValue:
    organisation_id = current_group.current_organisation_id()
    if organisation_id is None:
        return redirect(url_for(".list_organisations"))
    return redirect(url_for(".show_organisation", organisation_id=organisation_id))


@bp.route("/organisations/new", methods=["GET", "POST"])
@policy.requires("manage_organisation")
@commits
def create_organisation() -> ResponseReturnValue:
    form = forms.OrganisationForm(wards=services.list_wards())
    form.submit.label.text = "Create group profile"
    if form.validate_on_submit():
        try:
            organisation = services.create_organisation(form.details(), actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            current_group.choose(organisation.id)
            flash(f"{organisation.name} has been created. You are its first member.", "success")
            return _back_to(organisation)
    return render_template("organisations/organisation_form.html", form=form, organisation=None)


@bp.route("/organisations/<int:organisation_id>")
@policy.requires("view_organisations")
def show_organisation(organisation_id: int) -> ResponseReturnValue:
    organisation = _load(organisation_id, "view_organisations")
    return render_template(
        "organisations/show_organisation.html",
        organisation=organisation,
        checks=services.check_documents(organisation, today=london_today()),
        rules=services.DOCUMENT_RULES,
        is_current=current_group.is_current(organisation.id),
        button=ButtonForm(),
        now=utcnow(),
    )


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@policy.requires("manage_organisation")
@commits
def edit_organisation(organisation_id: int) -> ResponseReturnValue:
    organisation = _load(organisation_id)
    wards = services.list_wards()
    form = (
        forms.OrganisationForm(wards=wards)
        if request.method == "POST"
        else forms.OrganisationForm.for_organisation(organisation, wards=wards)
    )
    if form.validate_on_submit():
        try:
            services.update_organisation(organisation, form.details(), actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash("Your group’s details have been saved.", "success")
            return _back_to(organisation)
    return render_template("organisations/organisation_form.html", form=form, organisation=organisation)


@bp.route("/organisations/<int:organisation_id>/switch", methods=["POST"])
@policy.requires("manage_organisation")
def switch_organisation(organisation_id: int) -> ResponseReturnValue:
    organisation = _load(organisation_id)
    if ButtonForm().validate_on_submit():
        current_group.choose(organisation.id)
        flash(f"You are now working on {organisation.name}.", "success")
    return _back_to(organisation)


@bp.route("/organisations/join")
@policy.requires("manage_organisation")
def find_organisation() -> ResponseReturnValue:
    search = "".join(c for c in request.args.get("name", "") if c.isprintable()).strip()[:200]
    return render_template(
        "organisations/find_organisation.html",
        search=search,
        results=services.find_organisations(search) if search else [],
        form=forms.JoinRequestForm(),
    )


@bp.route("/organisations/join", methods=["POST"])
@policy.requires("manage_organisation")
@commits
def request_to_join() -> ResponseReturnValue:
    form = forms.JoinRequestForm()
    if not form.validate_on_submit():
        flash("Select a group to join.", "error")
        return redirect(url_for(".find_organisation"))
    # Anyone may ask to join a group they have found by name; they see nothing more of it until a member agrees.
    organisation = services.find_organisation(int(form.organisation_id.data))
    if organisation is None:
        flash("Select a group to join.", "error")
        return redirect(url_for(".find_organisation"))
    try:
        services.request_to_join(organisation, actor=current_actor())
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for(".find_organisation"))
    flash(
        f"We have asked the members of {organisation.name} to let you join. We will email you their answer.", "success"
    )
    return redirect(url_for(".list_organisations"))


@bp.route("/organisations/<int:organisation_id>/join-requests/<int:join_request_id>", methods=["POST"])
@policy.requires("manage_organisation")
@commits
def decide_join_request(organisation_id: int, join_request_id: int) -> ResponseReturnValue:
    organisation = _load(organisation_id)
    join_request = services.get_join_request(organisation, join_request_id)
    policy.authorize(current_user, "manage_organisation", join_request)
    form = forms.JoinDecisionForm()
    if form.validate_on_submit():
        approve = form.decision.data == "approve"
        try:
            services.decide_join_request(join_request, approve=approve, actor=current_actor())
        except DomainError as error:
            flash(error.message, "error")
        else:
            verb = "is now a member" if approve else "has been told they cannot join"
            flash(f"{join_request.user.full_name} {verb}.", "success")
    return _back_to(organisation, "members")


@bp.route("/organisations/<int:organisation_id>/members/invite", methods=["GET", "POST"])
@policy.requires("manage_organisation")
@commits
def invite_member(organisation_id: int) -> ResponseReturnValue:
    organisation = _load(organisation_id)
    form = forms.InviteMemberForm()
    if form.validate_on_submit():
        try:
            services.invite_member(organisation, email=form.email.data, actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash(f"Invitation sent to {form.email.data.strip().lower()}.", "success")
            return _back_to(organisation, "members")
    return render_template("organisations/invite_member.html", form=form, organisation=organisation)


@bp.route("/organisations/<int:organisation_id>/members/<int:user_id>/remove", methods=["POST"])
@policy.requires("manage_organisation")
@commits
def remove_member(organisation_id: int, user_id: int) -> ResponseReturnValue:
    organisation = _load(organisation_id)
    if not ButtonForm().validate_on_submit():
        return _back_to(organisation, "members")
    try:
        removed = services.remove_member(organisation, user_id, actor=current_actor())
    except DomainError as error:
        flash(error.message, "error")
        return _back_to(organisation, "members")
    if removed.id == current_user.id:
        current_group.forget(organisation.id)
        flash(f"You have left {organisation.name}.", "success")
        return redirect(url_for(".list_organisations"))
    flash(f"{removed.full_name} is no longer a member of {organisation.name}.", "success")
    return _back_to(organisation, "members")


@bp.route("/organisation-invitation/<token>", methods=["GET", "POST"])
@policy.public
@commits
def accept_invitation(token: str) -> ResponseReturnValue:
    invitation = services.find_invitation(token)
    if invitation is None:
        return render_template("organisations/invitation_expired.html")
    form = ButtonForm()
    if current_user.is_authenticated and form.validate_on_submit():
        try:
            organisation = services.accept_invitation(token, actor=current_actor())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            current_group.choose(organisation.id)
            flash(f"You are now a member of {organisation.name}.", "success")
            return _back_to(organisation)
    return render_template("organisations/accept_invitation.html", invitation=invitation, form=form)


@bp.route("/organisations/<int:organisation_id>/documents/new", methods=["GET", "POST"])
@policy.requires("manage_organisation")
@commits
def upload_document(organisation_id: int) -> ResponseReturnValue:
    organisation = _load(organisation_id)
    kind = request.args.get("kind", "")
    form = forms.UploadDocumentForm(kind=kind if kind in set(DocumentKind) else None)
    if form.validate_on_submit():
        upload = form.file.data
        try:
            document = services.upload_document(
                organisation,
                kind=form.selected_kind(),
                filename=upload.filename or "",
                data=upload.read(),
                dated=form.dated.data,
                actor=current_actor(),
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash(f"{document.kind.label} uploaded.", "success")
            # From an application's attachments, the group goes back there.
            if (back := safe_next_url(request.args.get("next"))) is not None:
                return redirect(back)
            return _back_to(organisation, "documents")
    return render_template("organisations/upload_document.html", form=form, organisation=organisation)


@bp.route("/organisations/<int:organisation_id>/documents/<int:document_id>")
@policy.requires("view_organisations")
def download_document(organisation_id: int, document_id: int) -> ResponseReturnValue:
    organisation = _load(organisation_id, "view_organisations")
    document = services.get_document(organisation, document_id)
    policy.authorize(current_user, "view_organisations", document)
    try:
        content = services.read_document(document)
    except FileNotFoundError:
        abort(404)
    return send_file(
        io.BytesIO(content),
        mimetype=document.content_type,
        as_attachment=True,
        download_name=document.filename,
        max_age=0,
    )
