"""The list of reports; the outcomes portfolio for officers and finance, as a page with its charts and tables
and as a CSV file of the same tables. Both take the same filters in the query string."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from grantsfund import policy
from grantsfund.common.dates import to_london, utcnow
from grantsfund.common.downloads import csv_response
from grantsfund.common.web import back_to_the_filters
from grantsfund.reporting import charts, portfolio
from grantsfund.reporting.forms import PortfolioFilterForm
from grantsfund.reporting.rollup import one_decimal

bp = Blueprint("reporting", __name__)

VIEW = "view_portfolio"


@bp.route("/reports")
@policy.requires("view_reports")
def list_reports() -> ResponseReturnValue:
    return render_template("reporting/index.html")


def _filter_form() -> PortfolioFilterForm:
    form = PortfolioFilterForm(request.args, options=portfolio.filter_options())
    form.validate()
    return form


def _portfolio(form: PortfolioFilterForm) -> portfolio.Portfolio:
    return portfolio.portfolio(form.filters(), library=form.options.library)


@bp.route("/reports/portfolio")
@policy.requires(VIEW)
def show_portfolio() -> ResponseReturnValue:
    form = _filter_form()
    return render_template(
        "reporting/portfolio.html",
        form=form,
        portfolio=_portfolio(form),
        filtered=form.filtering(),
        share=charts.share,
        one_decimal=one_decimal,
    )


@bp.route("/reports/portfolio.csv")
@policy.requires(VIEW)
def download_portfolio() -> ResponseReturnValue:
    form = _filter_form()
    if form.errors:
        return back_to_the_filters(".show_portfolio", form)
    built = _portfolio(form)
    filename = f"outcomes-portfolio-{to_london(utcnow()).date().isoformat()}.csv"
    return csv_response(portfolio.HEADER, built.rows(), filename=filename)
