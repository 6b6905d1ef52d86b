"""Grants officers' list of submitted applications, and the same list as a CSV file."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from grantsfund import policy
from grantsfund.applications import listing
from grantsfund.applications.officer_forms import ApplicationFilterForm
from grantsfund.common.dates import to_london, utcnow
from grantsfund.common.downloads import csv_response
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
    return csv_response(listing.EXPORT_HEADER, rows, filename=filename, batch=listing.EXPORT_BATCH)
