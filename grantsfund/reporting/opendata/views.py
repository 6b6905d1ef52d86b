"""The 360Giving publication page, for grants officers and finance: which awarded grants a file would hold, whether
every one is valid against the standard (or which grant and field is wrong), a preview, and the files themselves.

The downloads are buttons (POST, with the CSRF token): each publication is recorded in the audit trail, which is a
change, so it is never a GET. They take the page's filters from the query string, check every grant first, and
send the file only when all are valid; otherwise they go back to the page, which lists the problems."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from openpyxl import Workbook

from grantsfund import policy
from grantsfund.common.dates import format_date, london_today
from grantsfund.common.downloads import csv_response
from grantsfund.common.transactions import commits
from grantsfund.common.web import current_actor
from grantsfund.reporting.opendata import publication, records, standard, writers
from grantsfund.reporting.opendata.forms import PublicationFilterForm
from grantsfund.reporting.opendata.publication import Check, FileFormat
from grantsfund.reporting.opendata.records import Publisher, Selection
from grantsfund.reporting.spreadsheets import workbook_response
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


def _file(file_format: FileFormat, selection: Selection, publisher: Publisher, name: str) -> Response:
    """The file, streamed from the first grant (JSON, CSV) or written to a temporary file and sent (XLSX)."""
    today = london_today()
    grants = records.grants(selection, publisher)
    if file_format is FileFormat.JSON:
        chunks = writers.json_chunks(grants, publication.package(publisher, today))
        return Response(
            stream_with_context(chunks),
            mimetype="application/json",
            headers=_attachment(name),
        )
    chosen = writers.columns(records.widest_locations(selection))
    if file_format is FileFormat.CSV:
        rows = writers.text_rows(grants, chosen)
        return csv_response(writers.headings(chosen), rows, filename=name, batch=writers.CSV_ROWS)

    def fill(workbook: Workbook) -> None:
        writers.fill_workbook(workbook, grants, chosen, publication.meta(publisher, selection, today))

    return workbook_response(fill, filename=name)


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


@bp.route("/<any(json, xlsx, csv):file_format>", methods=["POST"])
@policy.requires(ACTION)
@commits
def download(file_format: str) -> ResponseReturnValue:
    form = _form()
    args: dict[str, Any] = request.args.to_dict(flat=False)
    if form.errors:
        return redirect(url_for(".show_publication", **args), code=303)
    chosen, publisher, fmt = form.selection(), _publisher(), FileFormat(file_format)
    found = publication.check(chosen, publisher)
    if not found.publishable:
        flash(
            "There are no awarded grants to publish for these filters"
            if found.valid
            else "The file was not made: correct the problems listed below, then download it again",
            "error",
        )
        return redirect(url_for(".show_publication", **args), code=303)
    name = publication.filename(publisher, chosen, fmt, london_today())
    publication.record_publication(found, chosen, fmt, name, actor=current_actor())
    return _file(fmt, chosen, publisher, name)
