"""Grants officers' list of submitted applications, and the same list as a CSV file."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, stream_with_context, url_for
from flask.typing import ResponseReturnValue

from grantsfund import policy
from grantsfund.applications import listing
from grantsfund.applications.officer_forms import ApplicationFilterForm
from grantsfund.common.dates import to_london, utcnow
from grantsfund.common.web import page_number

bp = Blueprint("officer_applications", __name__)

VIEW = "view_applications"


def _filter_form(options: listing.FilterOptions) -> ApplicationFilterForm:
    form = ApplicationFilterForm(request.args, options=options)
    form.validate()
    return form


@bp.route("/funds/applications")
@policy.requires(VIEW)
def list_applications() -> ResponseReturnValue:
    form = _filter_form(listing.filter_options())
    filters = form.filters(page=page_number())
    return render_template(
        "applications/officer_list.html",
        form=form,
        page=listing.list_applications(filters),
        filters=filters,
        sort_keys=listing.SortKey,
        filtered=form.filtering(),
    )


@bp.route("/funds/applications.csv")
@policy.requires(VIEW)
def export_applications() -> ResponseReturnValue:
    options = listing.filter_options()
    form = _filter_form(options)
    if form.errors:
        # The list page explains what is wrong with the filters, with what was typed kept.
        typed: dict[str, Any] = request.args.to_dict()
        return redirect(url_for(".list_applications", **typed))
    rows = listing.export_rows(form.filters(page=1), options)
    filename = f"applications-{to_london(utcnow()).date().isoformat()}.csv"
    return Response(
        stream_with_context(_csv(rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


def _csv(rows: Iterator[list[str]]) -> Iterator[str]:
    """The file a batch of rows at a time, so it starts at once and memory stays flat however long it is."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # The byte order mark tells Excel the file is UTF-8, so names like "Women’s Centre" open intact.
    buffer.write("\ufeff")
    writer.writerow(listing.EXPORT_HEADER)
    for number, row in enumerate(rows):
        if number % listing.EXPORT_BATCH == 0:  # the heading goes at once, so the download starts at once
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        writer.writerow(row)
    yield buffer.getvalue()
