"""The finance report for officers and finance: a page with its charts and tables, each table as a CSV file, and
every table in one spreadsheet. All three take the same filters in the query string."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue

from grantsfund import policy
from grantsfund.common.dates import london_today
from grantsfund.common.downloads import csv_response
from grantsfund.common.web import back_to_the_filters
from grantsfund.reporting import charts, finance
from grantsfund.reporting.finance_forms import FinanceFilterForm
from grantsfund.reporting.spreadsheets import tables_response

bp = Blueprint("report_finance", __name__)

VIEW = "view_reports"
SLUGS = ", ".join(f"'{slug}'" for slug in ("by-fund", "by-round", "by-state", "still-to-pay", "clawback", "by-month"))


def _filter_form() -> FinanceFilterForm:
    form = FinanceFilterForm(request.args, options=finance.finance_options())
    form.validate()
    return form


def _filename(report: finance.FinanceReport, part: str, extension: str) -> str:
    return f"finance-{part}-{report.year.first}-{report.year.first + 1}-{london_today().isoformat()}.{extension}"


@bp.route("/reports/finance")
@policy.requires(VIEW)
def show_finance() -> ResponseReturnValue:
    form = _filter_form()
    return render_template(
        "reporting/finance.html",
        form=form,
        report=finance.finance_report(form.filters()),
        filtered=form.filtering(),
        share=charts.share,
    )


@bp.route(f"/reports/finance/<any({SLUGS}):slug>.csv")
@policy.requires(VIEW)
def download_table(slug: str) -> ResponseReturnValue:
    form = _filter_form()
    if form.errors:
        return back_to_the_filters(".show_finance", form)
    report = finance.finance_report(form.filters())
    table = report.table(slug)
    if table is None:  # pragma: no cover - the route admits only the slugs of the tables
        abort(404)
    return csv_response(table.headings, table.text_rows(), filename=_filename(report, slug, "csv"))


@bp.route("/reports/finance.xlsx")
@policy.requires(VIEW)
def download_workbook() -> ResponseReturnValue:
    form = _filter_form()
    if form.errors:
        return back_to_the_filters(".show_finance", form)
    report = finance.finance_report(form.filters())
    return tables_response(report.tables(), filename=_filename(report, "report", "xlsx"))
