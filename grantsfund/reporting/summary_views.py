"""The round summary and the equality monitoring report, for officers and finance: each a page with its tables,
each table as a CSV file, and every table as one spreadsheet. All take the same filter in the query string."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask.typing import ResponseReturnValue

from grantsfund import policy
from grantsfund.common.dates import london_today
from grantsfund.common.downloads import csv_response
from grantsfund.common.web import back_to_the_filters
from grantsfund.reporting import charts, equality, round_scope, round_summary
from grantsfund.reporting.spreadsheets import tables_response
from grantsfund.reporting.summary_forms import RoundReportForm
from grantsfund.reporting.tables import Table

bp = Blueprint("report_rounds", __name__)

VIEW = "view_reports"
# The tables' slugs, quoted for the route's `any` converter (a slug has hyphens).
ROUND_TABLES = ", ".join(f"'{slug}'" for slug in round_summary.SLUGS)
EQUALITY_TABLES = ", ".join(f"'{slug}'" for slug in equality.SLUGS)


def _form() -> RoundReportForm:
    form = RoundReportForm(request.args, options=round_scope.report_options())
    form.validate()
    return form


def _csv(table: Table, filename: str) -> Response:
    return csv_response(table.headings, table.text_rows(), filename=filename)


# Round summary -------------------------------------------------------------------------------------------------------


def _summary(form: RoundReportForm) -> round_summary.RoundSummary:
    return round_summary.round_summary(form.scope(), form.options)


@bp.route("/reports/rounds")
@policy.requires(VIEW)
def show_round_summary() -> ResponseReturnValue:
    form = _form()
    return render_template("reporting/round_summary.html", form=form, summary=_summary(form), share=charts.share)


@bp.route("/reports/rounds.xlsx")
@policy.requires(VIEW)
def download_round_summary() -> ResponseReturnValue:
    form = _form()
    if form.errors:
        return back_to_the_filters(".show_round_summary", form)
    summary = _summary(form)
    return tables_response(summary.tables, filename=summary.filename("xlsx", london_today()))


@bp.route(f"/reports/rounds/<any({ROUND_TABLES}):slug>.csv")
@policy.requires(VIEW)
def download_round_table(slug: str) -> ResponseReturnValue:
    form = _form()
    if form.errors:
        return back_to_the_filters(".show_round_summary", form)
    summary = _summary(form)
    return _csv(summary.table(slug), summary.filename("csv", london_today(), slug))


# Equality monitoring -------------------------------------------------------------------------------------------------


def _equality(form: RoundReportForm) -> equality.EqualityReport:
    return equality.equality_report(form.scope(), form.options)


@bp.route("/reports/equality")
@policy.requires(VIEW)
def show_equality() -> ResponseReturnValue:
    form = _form()
    return render_template("reporting/equality.html", form=form, report=_equality(form))


@bp.route("/reports/equality.xlsx")
@policy.requires(VIEW)
def download_equality() -> ResponseReturnValue:
    form = _form()
    if form.errors:
        return back_to_the_filters(".show_equality", form)
    report = _equality(form)
    return tables_response(report.tables, filename=report.filename("xlsx", london_today()))


@bp.route(f"/reports/equality/<any({EQUALITY_TABLES}):slug>.csv")
@policy.requires(VIEW)
def download_equality_table(slug: str) -> ResponseReturnValue:
    form = _form()
    if form.errors:
        return back_to_the_filters(".show_equality", form)
    report = _equality(form)
    return _csv(report.table(slug), report.filename("csv", london_today(), slug))
