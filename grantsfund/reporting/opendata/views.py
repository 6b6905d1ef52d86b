"""The 360Giving publication page, for grants officers and finance: which awarded grants a file would hold, whether
every one is valid against the standard (or which grant and field is wrong), a preview, and the files themselves.

The downloads are buttons (POST, with the CSRF token): each publication is recorded in the audit trail, which is a
change, so it is never a GET. They take the page's filters from the query string, check every grant first, and
send the file only when all are valid; otherwise they go back to the page, which lists the problems."""

from __future__ import annotations

import tempfile
from datetime import date

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    render_template,
    request,
)
from flask.typing import ResponseReturnValue

from grantsfund import policy
from grantsfund.common.dates import format_date, london_today
from grantsfund.common.downloads import IN_MEMORY_BYTES, XLSX_MIMETYPE, file_chunks
from grantsfund.common.transactions import commits
from grantsfund.common.web import back_to_the_filters, current_actor
from grantsfund.reporting.opendata import publication, standard
from grantsfund.reporting.opendata.forms import PublicationFilterForm
from grantsfund.reporting.opendata.publication import Check, FileFormat
from grantsfund.reporting.opendata.records import Publisher
from grantsfund.reporting.tables import Column, Money, Table
from grantsfund.rounds.queries import round_choices

bp = Blueprint("report_opendata", __name__, url_prefix="/reports/360giving")

ACTION = "publish_open_data"


def _form() -> PublicationFilterForm:
    form = PublicationFilterForm(request.args, rounds=round_choices())
    form.validate()
    return form


def _publisher() -> Publisher:
    return Publisher.from_config(current_app.config)


def _preview_title(shown: int, grants: int) -> str:
    if shown < grants:
        return f"The first {shown} of {grants:,} grants"
    return "The grant" if grants == 1 else f"All {grants} grants"


def preview_table(found: Check) -> Table:
    return Table(
        "preview",
        _preview_title(len(found.preview), found.grants),
        [
            Column("Identifier"),
            Column("Title"),
            Column("Recipient"),
            Column("Awarded", numeric=True),
            Column("Award date"),
            Column("Wards"),
        ],
        [
            [
                grant.label,
                str(grant.record.get("title") or ""),
                str(grant.record["recipientOrganization"][0].get("name", "")),
                Money(grant.awarded_pence),
                _day(grant.record.get("awardDate")),
                ", ".join(name for name, _ in grant.wards) or "None named",
            ]
            for grant in found.preview
        ],
    )


def _day(value: object) -> str:
    """An ISO date from a record as GOV.UK writes dates: 15 July 2025."""
    try:
        return format_date(date.fromisoformat(str(value)))
    except ValueError:
        return str(value or "")


def problems_table(found: Check) -> Table:
    notes = []
    if found.problem_count > len(found.problems):
        notes.append(f"The first {len(found.problems)} of {found.problem_count:,} problems are listed.")
    return Table(
        "problems",
        "Problems to correct before publishing",
        [Column("Grant"), Column("Field"), Column("Problem")],
        [[problem.grant, problem.field or "(the grant)", problem.message] for problem in found.problems],
        notes,
    )


@bp.route("")
@policy.requires(ACTION)
def show_publication() -> ResponseReturnValue:
    form = _form()
    found = publication.check(form.selection(), _publisher())
    return render_template(
        "reporting/opendata/publication.html",
        form=form,
        found=found,
        args=form.query_args(),
        filtered=form.filtering(),
        preview=preview_table(found),
        problems=problems_table(found),
        formats=list(FileFormat),
        standard=standard,
        publisher=_publisher(),
    )


MIMETYPES = {FileFormat.JSON: "application/json", FileFormat.XLSX: XLSX_MIMETYPE, FileFormat.CSV: "text/csv"}


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


@bp.route("/<any(json, xlsx, csv):file_format>", methods=["POST"])
@policy.requires(ACTION)
@commits
def download(file_format: str) -> ResponseReturnValue:
    form = _form()
    if form.errors:
        return back_to_the_filters(".show_publication", form, code=303)
    chosen, publisher, fmt = form.selection(), _publisher(), FileFormat(file_format)
    # Checked as it is written, in one read: the file sent holds exactly the grants that passed.
    handle = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES)  # noqa: SIM115  (the response closes it)
    found = publication.checked_file(handle, chosen, fmt, publisher=publisher, today=london_today())
    if (refused := publication.refusal(found)) is not None:
        handle.close()
        flash(
            refused.message
            if found.valid
            else "The file was not made: correct the problems listed below, then download it again",
            "error",
        )
        return back_to_the_filters(".show_publication", form, code=303)
    name = publication.filename(publisher, chosen, fmt, london_today())
    publication.record_publication(found, chosen, fmt, name, actor=current_actor())
    handle.seek(0)
    return Response(file_chunks(handle), mimetype=MIMETYPES[fmt], headers=_attachment(name))
