"""The audit log, for administrators."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from wtforms import SelectChoice

from grantsfund import policy
from grantsfund.audit import services
from grantsfund.audit.forms import AuditFilterForm
from grantsfund.common.web import page_number

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


@bp.route("")
@policy.requires("view_audit_log")
def list_events() -> ResponseReturnValue:
    form = AuditFilterForm(request.args)
    form.object_type.choices = [SelectChoice("", "Any"), *(SelectChoice(t, t) for t in services.list_object_types())]
    criteria = services.AuditFilter()
    if request.args and form.validate():
        criteria = services.AuditFilter(
            action=form.action.data or "",
            object_type=form.object_type.data or "",
            object_id=form.object_id.data or "",
            actor_email=form.actor_email.data or "",
            date_from=form.date_from.data,
            date_to=form.date_to.data,
        )
    page = services.list_events(criteria, page=page_number())
    return render_template("audit/list_events.html", form=form, page=page)


@bp.route("/<int:event_id>")
@policy.requires("view_audit_log")
def show_event(event_id: int) -> ResponseReturnValue:
    return render_template("audit/show_event.html", event=services.get_event(event_id))
