"""The outbox, for administrators: what is waiting, what failed, and sending failures again."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from grantsfund import policy
from grantsfund.accounts.forms import ButtonForm
from grantsfund.common.errors import DomainError
from grantsfund.common.transactions import commits
from grantsfund.common.web import current_actor, page_number
from grantsfund.notifications import services
from grantsfund.notifications.models import OutboxStatus

bp = Blueprint("notifications", __name__, url_prefix="/admin/outbox")


@bp.route("")
@policy.requires("manage_outbox")
def list_messages() -> ResponseReturnValue:
    value = request.args.get("status", OutboxStatus.FAILED.value)
    status = OutboxStatus(value) if value in {s.value for s in OutboxStatus} else OutboxStatus.FAILED
    return render_template(
        "notifications/list_messages.html",
        status=status,
        counts=services.count_by_status(),
        page=services.list_messages(status, page=page_number()),
        button=ButtonForm(),
    )


@bp.route("/<int:message_id>/retry", methods=["POST"])
@policy.requires("manage_outbox")
@commits
def retry_message(message_id: int) -> ResponseReturnValue:
    message = services.get_message(message_id)
    if ButtonForm().validate_on_submit():
        try:
            services.retry_message(message, actor=current_actor())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(f"The email to {message.recipient} will be sent again.", "success")
    return redirect(url_for(".list_messages", status=OutboxStatus.FAILED.value))
