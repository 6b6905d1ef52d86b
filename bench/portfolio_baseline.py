"""The baseline's outcomes portfolio (GET /reports/portfolio), added to bench/baseline_app.py's bare Flask app.

The same statements as grantsfund/reporting/portfolio.py: the filter form's rounds (with their funds), themes,
wards and indicators; then, with the indicator library the form read, the accepted returns' figures in period
order, the closed grants' recorded figures, the grants with the targets of the version in force, what was paid
(less what was repaid after a termination) and how many returns were accepted, the grants' themes and wards, and
the people reached by grant, community and ward.
The same rules applied to the rows in plain Python (a count adds up over the accepted returns, a percentage is the
latest one's, a closed grant's closure record stands over both; counts roll up as totals, percentages as averages
over the targets with a figure) and the same tables, headline figures and bar charts, rendered with a plain Jinja
template: no GOV.UK layout or macros, no sign-in, no form objects, no policy."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from flask import Flask, render_template
from jinja2 import DictLoader
from sqlalchemy import JSON, BigInteger, Column, Integer, MetaData, String, Table, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

GRANT_STATUSES = ("accepted", "closed", "terminated")
COMMUNITY_LABELS = {
    "newcomers": "Newcomers to the area",
    "women_not_in_work": "Women not in work",
    "older_people": "Older people",
    "young_people": "Young people",
    "rural_residents": "Rural residents",
    "disabled_people": "Disabled people",
    "other": "Other groups",
}
NO_THEME, NO_WARD = "No theme given", "Ward not given"

metadata = MetaData()


def _table(name: str, *columns: Column[Any]) -> Table:
    return Table(name, metadata, Column("id", Integer, primary_key=True), *columns)


funds = _table("funds", Column("name", String))
rounds = _table("rounds", Column("fund_id", Integer), Column("name", String), Column("status", String))
themes = _table("themes", Column("name", String), Column("position", Integer))
wards = _table("wards", Column("name", String))
indicators = _table(
    "indicators",
    Column("heading", String),
    Column("domain", String),
    Column("measure", String),
    Column("unit", String),
    Column("position", Integer),
)
applications = _table("applications", Column("round_id", Integer))
application_themes = Table(
    "application_themes", metadata, Column("application_id", Integer), Column("theme_id", Integer)
)
application_wards = Table("application_wards", metadata, Column("application_id", Integer), Column("ward_id", Integer))
agreements = _table(
    "grant_agreements", Column("application_id", Integer), Column("status", String), Column("amount_pence", BigInteger)
)
terminations = _table("grant_terminations", Column("agreement_id", Integer), Column("amount_repaid_pence", BigInteger))
versions = _table(
    "grant_agreement_versions",
    Column("agreement_id", Integer),
    Column("number", Integer),
    Column("status", String),
    Column("targets", JSON),
)
instalments = _table(
    "payment_instalments", Column("agreement_id", Integer), Column("amount_pence", BigInteger), Column("status", String)
)
periods = _table("monitoring_periods", Column("agreement_id", Integer), Column("number", Integer))
returns = _table(
    "monitoring_returns", Column("period_id", Integer), Column("agreement_id", Integer), Column("status", String)
)
outcomes = _table(
    "monitoring_return_outcomes",
    Column("return_id", Integer),
    Column("indicator_id", Integer),
    Column("actual", Integer),
)
closures = _table("grant_closures", Column("agreement_id", Integer), Column("achievements", JSON))
beneficiaries = _table(
    "monitoring_return_beneficiaries",
    Column("return_id", Integer),
    Column("community", String),
    Column("ward_id", Integer),
    Column("people", Integer),
)


def _money(pence: int) -> str:
    pounds, remainder = divmod(pence, 100)
    return f"£{pounds:,}.{remainder:02d}"


def _one_decimal(value: Fraction | None) -> str:
    if value is None:
        return ""
    tenths = int((value * 20 + 1) // 2)
    return str(tenths // 10) if tenths % 10 == 0 else f"{tenths // 10}.{tenths % 10}"


def _share(value: Any, scale: Any) -> str:
    if not value or not scale or value <= 0 or scale <= 0:
        return "0%"
    tenths = min(1000, int(Fraction(value) * 1000 / Fraction(scale)))
    return f"{tenths // 10}.{tenths % 10}%"


@dataclass
class Row:
    """One heading, domain or indicator: count targets as totals, percentage targets as averages."""

    name: str
    heading: str = ""
    domain: str = ""
    grants: set[int] = field(default_factory=set)
    units: set[str] = field(default_factory=set)
    count_targets: int = 0
    count_target: int = 0
    count_achieved: int = 0
    percent_targets: int = 0
    percent_grants: set[int] = field(default_factory=set)
    percent_reported: int = 0
    percent_target_sum: int = 0
    percent_figure_sum: int = 0

    def add(self, grant_id: int, unit: str, target: int, figure: int | None) -> None:
        self.grants.add(grant_id)
        if unit == "percent":
            self.percent_targets += 1
            if figure is not None:
                self.percent_grants.add(grant_id)
                self.percent_reported += 1
                self.percent_target_sum += target
                self.percent_figure_sum += figure
        else:
            self.units.add(unit)
            self.count_targets += 1
            self.count_target += target
            self.count_achieved += figure or 0

    @property
    def achieved(self) -> int | None:
        if not self.count_targets or self.count_target <= 0:
            return None
        return (200 * self.count_achieved + self.count_target) // (2 * self.count_target)

    @property
    def average_target(self) -> Fraction | None:
        return Fraction(self.percent_target_sum, self.percent_reported) if self.percent_reported else None

    @property
    def average_figure(self) -> Fraction | None:
        return Fraction(self.percent_figure_sum, self.percent_reported) if self.percent_reported else None


@dataclass
class Reach:
    name: str
    grants: set[int] = field(default_factory=set)
    awarded: int = 0
    paid: int = 0
    people: int = 0


def _options(session: Session) -> dict[str, Any]:
    """The filter form's choices: four statements, as grantsfund's filter_options."""
    listed = session.execute(
        select(rounds.c.id, rounds.c.name, funds.c.id, funds.c.name)
        .join(funds, rounds.c.fund_id == funds.c.id)
        .where(rounds.c.status != "draft")
        .order_by(funds.c.name, funds.c.id, rounds.c.id.desc())
    ).all()
    theme_rows = session.execute(select(themes.c.id, themes.c.name).order_by(themes.c.position, themes.c.id)).all()
    ward_rows = session.execute(select(wards.c.id, wards.c.name).order_by(wards.c.name)).all()
    library = _library(session)
    return {
        "funds": list({fund_id: name for _, _, fund_id, name in listed}.items()),
        "rounds": [(round_id, f"{fund}: {name}") for round_id, name, _, fund in listed],
        "themes": theme_rows,
        "wards": ward_rows,
        "headings": list(dict.fromkeys(row.heading for row in library)),
        "domains": list(dict.fromkeys((row.heading, row.domain) for row in library)),
        "library": library,
    }


def _library(session: Session) -> list[Any]:
    return session.execute(
        select(
            indicators.c.id, indicators.c.heading, indicators.c.domain, indicators.c.measure, indicators.c.unit
        ).order_by(indicators.c.position, indicators.c.id)
    ).all()


def _chosen() -> Any:
    return (
        select(agreements.c.id)
        .join(applications, applications.c.id == agreements.c.application_id)
        .where(agreements.c.status.in_(GRANT_STATUSES))
    )


def _grants(session: Session, chosen: Any) -> list[Any]:
    in_force = (
        select(versions.c.agreement_id, func.max(versions.c.number).label("number"))
        .where(versions.c.status == "accepted")
        .group_by(versions.c.agreement_id)
        .subquery()
    )
    paid = (
        select(func.coalesce(func.sum(instalments.c.amount_pence), 0))
        .where(instalments.c.agreement_id == agreements.c.id, instalments.c.status == "paid")
        .correlate(agreements)
        .scalar_subquery()
    )
    repaid = (
        select(func.coalesce(func.sum(terminations.c.amount_repaid_pence), 0))
        .where(terminations.c.agreement_id == agreements.c.id)
        .correlate(agreements)
        .scalar_subquery()
    )
    accepted = (
        select(func.count(returns.c.id))
        .where(returns.c.agreement_id == agreements.c.id, returns.c.status == "accepted")
        .correlate(agreements)
        .scalar_subquery()
    )
    return session.execute(
        select(
            agreements.c.id, agreements.c.status, agreements.c.amount_pence, versions.c.targets, paid, repaid, accepted
        )
        .join(in_force, in_force.c.agreement_id == agreements.c.id)
        .join(versions, (versions.c.agreement_id == agreements.c.id) & (versions.c.number == in_force.c.number))
        .where(agreements.c.id.in_(chosen))
        .order_by(agreements.c.id)
    ).all()


def _actuals(session: Session, chosen: Any) -> dict[tuple[int, int], list[int | None]]:
    found: dict[tuple[int, int], list[int | None]] = defaultdict(list)
    for grant_id, indicator_id, actual in session.execute(
        select(returns.c.agreement_id, outcomes.c.indicator_id, outcomes.c.actual)
        .join(returns, returns.c.id == outcomes.c.return_id)
        .join(periods, periods.c.id == returns.c.period_id)
        .where(returns.c.status == "accepted", returns.c.agreement_id.in_(chosen))
        .order_by(returns.c.agreement_id, outcomes.c.indicator_id, periods.c.number)
    ):
        found[(grant_id, indicator_id)].append(actual)
    return found


def _closed_figures(session: Session, chosen: Any) -> dict[tuple[int, int], int]:
    found: dict[tuple[int, int], int] = {}
    for grant_id, entries in session.execute(
        select(closures.c.agreement_id, closures.c.achievements).where(closures.c.agreement_id.in_(chosen))
    ):
        for entry in entries or []:
            if entry.get("achieved") is not None:
                found[(grant_id, int(entry["indicator_id"]))] = int(entry["achieved"])
    return found


def _links(session: Session, chosen: Any, table: Table, named: Table, key: Any, *order: Any) -> list[Any]:
    return session.execute(
        select(agreements.c.id, named.c.id, named.c.name)
        .select_from(table)
        .join(named, named.c.id == key)
        .join(agreements, agreements.c.application_id == table.c.application_id)
        .where(agreements.c.id.in_(chosen))
        .order_by(*order, agreements.c.id)
    ).all()


def _reached(session: Session, chosen: Any) -> list[Any]:
    return session.execute(
        select(
            returns.c.agreement_id,
            beneficiaries.c.community,
            beneficiaries.c.ward_id,
            wards.c.name,
            func.sum(beneficiaries.c.people),
        )
        .join(returns, returns.c.id == beneficiaries.c.return_id)
        .outerjoin(wards, wards.c.id == beneficiaries.c.ward_id)
        .where(returns.c.status == "accepted", returns.c.agreement_id.in_(chosen))
        .group_by(returns.c.agreement_id, beneficiaries.c.community, beneficiaries.c.ward_id, wards.c.name)
    ).all()


def _figure(unit: str, actuals: list[int | None]) -> int | None:
    reported = [actual for actual in actuals if actual is not None]
    if not reported:
        return None
    return reported[-1] if unit == "percent" else sum(reported)


def _portfolio(session: Session, library: list[Any]) -> dict[str, Any]:
    """Every grant's portfolio: six statements (the filter form has read the indicator library), then the adding
    up."""
    chosen = _chosen()
    by_id = {row.id: row for row in library}
    order = {row.id: position for position, row in enumerate(library)}
    actuals = _actuals(session, chosen)
    closed = _closed_figures(session, chosen)
    grants: dict[int, dict[str, Any]] = {}
    targets: list[tuple[int, Any, str, int, int | None]] = []
    for grant_id, status, awarded, version_targets, paid, repaid, accepted in _grants(session, chosen):
        grants[grant_id] = {"status": status, "awarded": int(awarded), "paid": int(paid) - int(repaid),
                            "repaid": int(repaid), "returns": int(accepted),
                            "themes": [], "wards": [], "people": 0}  # fmt: skip
        for target in version_targets or []:
            indicator = by_id[int(target["indicator_id"])]
            unit = str(target.get("unit") or indicator.unit)
            figure = closed.get((grant_id, indicator.id))
            if figure is None:
                figure = _figure(unit, actuals.get((grant_id, indicator.id), []))
            targets.append((grant_id, indicator, unit, int(target["target"]), figure))
    theme_order: dict[int, int] = {}
    for grant_id, theme_id, name in _links(
        session, chosen, application_themes, themes, application_themes.c.theme_id, themes.c.position, themes.c.id
    ):
        theme_order.setdefault(theme_id, len(theme_order))
        grants[grant_id]["themes"].append((theme_id, name))
    for grant_id, ward_id, name in _links(
        session, chosen, application_wards, wards, application_wards.c.ward_id, wards.c.name, wards.c.id
    ):
        grants[grant_id]["wards"].append((ward_id, name))
    reached = [row for row in _reached(session, chosen) if row[0] in grants]
    for row in reached:
        grants[row[0]]["people"] += int(row[4])
    return _add_up(grants, targets, order, reached, theme_order)


def _add_up(
    grants: dict[int, dict[str, Any]],
    targets: list[tuple[int, Any, str, int, int | None]],
    order: dict[int, int],
    reached: list[Any],
    theme_order: dict[int, int],
) -> dict[str, Any]:
    with_figures = [target for target in targets if target[4] is not None]
    headline = {
        "grants": len(grants),
        "terminated": sum(1 for grant in grants.values() if grant["status"] == "terminated"),
        "awarded": sum(grant["awarded"] for grant in grants.values()),
        "paid": sum(grant["paid"] for grant in grants.values()),
        "repaid": sum(grant["repaid"] for grant in grants.values()),
        "people": sum(grant["people"] for grant in grants.values()),
        "returns": sum(grant["returns"] for grant in grants.values()),
        "targets": len(targets),
        "with_figures": len(with_figures),
        "met": sum(1 for target in with_figures if target[4] >= target[3]),
    }
    headings: dict[str, Row] = {}
    domains: dict[tuple[str, str], Row] = {}
    measures: dict[tuple[int, bool], Row] = {}
    for grant_id, indicator, unit, target, figure in sorted(targets, key=lambda t: (order[t[1].id], t[1].id)):
        heading, domain = indicator.heading, indicator.domain
        headings.setdefault(heading, Row(heading, heading)).add(grant_id, unit, target, figure)
        domains.setdefault((heading, domain), Row(domain, heading, domain)).add(grant_id, unit, target, figure)
        key = (indicator.id, unit == "percent")
        measures.setdefault(key, Row(indicator.measure, heading, domain)).add(grant_id, unit, target, figure)
    by_theme: dict[int | None, Reach] = {}
    by_ward: dict[int | None, Reach] = {}
    for grant_id, grant in grants.items():
        for theme_id, name in grant["themes"] or [(None, NO_THEME)]:
            _count(by_theme.setdefault(theme_id, Reach(name)), grant_id, grant, grant["people"])
        for ward_id, name in grant["wards"] or [(None, NO_WARD)]:
            _count(by_ward.setdefault(ward_id, Reach(name)), grant_id, grant, 0)
    by_community: dict[str, Reach] = {}
    for grant_id, community, ward_id, ward_name, people in reached:
        by_ward.setdefault(ward_id, Reach(ward_name or NO_WARD)).people += int(people)
        reach = by_community.setdefault(community, Reach(COMMUNITY_LABELS.get(community, community)))
        reach.grants.add(grant_id)
        reach.people += int(people)
    community_order = list(COMMUNITY_LABELS)
    domain_rows = list(domains.values())
    highest = max((row.achieved or 0 for row in domain_rows), default=0)
    return {
        "headline": headline,
        "by_heading": list(headings.values()),
        "by_domain": domain_rows,
        "by_indicator": list(measures.values()),
        "by_theme": [by_theme[key] for key in sorted((k for k in by_theme if k is not None), key=theme_order.get)]
        + ([by_theme[None]] if None in by_theme else []),
        "by_ward": [
            by_ward[key] for key in sorted((k for k in by_ward if k is not None), key=lambda k: (by_ward[k].name, k))
        ]
        + ([by_ward[None]] if None in by_ward else []),
        "by_community": [
            by_community[key] for key in sorted(by_community, key=lambda k: (community_order.index(k), k))
        ],
        "percent_scale": min(200, max(100, -(-highest // 50) * 50)),
        "money_scale": max((reach.awarded for reach in by_theme.values()), default=0),
    }


def _count(reach: Reach, grant_id: int, grant: dict[str, Any], people: int) -> None:
    reach.grants.add(grant_id)
    reach.awarded += grant["awarded"]
    reach.paid += grant["paid"]
    reach.people += people


PORTFOLIO_HTML = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Outcomes portfolio</title></head>
<body>
{%- macro n(value) %}{{ "{:,}".format(value) }}{% endmacro -%}
{%- macro avg(value) %}{{ (value | one_decimal ~ "%") if value is not none else "None reported" }}{% endmacro -%}
{%- macro achieved(row) %}{{ (n(row.achieved) ~ "%") if row.achieved is not none else "Target of 0" }}
{%- endmacro -%}
{%- macro plural(count, one, many) %}{{ n(count) }} {{ one if count == 1 else many }}{% endmacro -%}
{%- macro cells(row) -%}
  <td>{{ n(row.grants | length) }}</td>
  {%- if row.count_targets %}<td>{{ n(row.count_target) }}</td><td>{{ n(row.count_achieved) }}</td>
    <td>{{ achieved(row) }}</td>
  {%- else %}<td></td><td></td><td>No count targets</td>{% endif %}
  {%- if row.percent_targets %}<td>{{ n(row.percent_grants | length) }}</td>
    <td>{{ avg(row.average_target) }}</td><td>{{ avg(row.average_figure) }}</td>
  {%- else %}<td></td><td></td><td>No percentage targets</td>{% endif %}
{%- endmacro -%}
{%- macro bar(value, scale, y, height) -%}
  <rect x="0" y="{{ y }}" width="{{ value | share(scale) }}" height="{{ height }}"/>
{%- endmacro -%}
{%- macro achievement_head(first) -%}
  <thead><tr><th>{{ first }}</th><th>Grants</th><th>Target</th><th>Achieved</th><th>%</th><th>Reporting</th>
    <th>Average target</th><th>Average reported</th></tr></thead>
{%- endmacro -%}
<h1>Outcomes portfolio</h1>
<form method="get">
  <label>Fund <select name="fund"><option value="">All funds</option>
    {% for id, label in options.funds %}<option value="{{ id }}">{{ label }}</option>{% endfor %}</select></label>
  <label>Round <select name="round"><option value="">All rounds</option>
    {% for id, label in options.rounds %}<option value="{{ id }}">{{ label }}</option>{% endfor %}</select></label>
  <label>Theme <select name="theme"><option value="">Any theme</option>
    {% for id, name in options.themes %}<option value="{{ id }}">{{ name }}</option>{% endfor %}</select></label>
  <label>Ward <select name="ward"><option value="">Any ward</option>
    {% for id, name in options.wards %}<option value="{{ id }}">{{ name }}</option>{% endfor %}</select></label>
  <label>Heading <select name="heading"><option value="">Every heading</option>
    {% for heading in options.headings %}<option>{{ heading }}</option>{% endfor %}</select></label>
  <label>Domain <select name="domain"><option value="">Every domain</option>
    {% for heading, domain in options.domains -%}
      <option value="{{ domain }}">{{ domain }} ({{ heading }})</option>
    {%- endfor %}</select></label>
  <button>Apply filters</button>
</form>
{% set h = p.headline %}
<ul id="headline">
  <li>{{ plural(h.grants, "grant", "grants") }}</li>
  <li>{{ h.awarded | money }} awarded</li>
  <li>{{ h.paid | money }} paid{% if h.repaid %}, after {{ h.repaid | money }} repaid{% endif %}</li>
  <li>{{ plural(h.people, "person", "people") }} reached</li>
  <li>{{ n(h.returns) }} monitoring {{ "return" if h.returns == 1 else "returns" }} accepted</li>
  <li>{{ n(h.met) }} of {{ n(h.with_figures) }} targets with figures met so far
    ({{ plural(h.targets, "target", "targets") }} in all)</li>
</ul>
<p>{{ n(h.terminated) }} ended early. Only accepted returns count.</p>
<p><a href="/reports/portfolio.csv">Download these tables (CSV)</a></p>
<h2>By domain</h2>
<div>{% for row in p.by_domain if row.count_targets %}
  <p>{{ row.name }} <svg width="100%" height="28">{{ bar(row.achieved, p.percent_scale, 4, 20) }}
    {%- set hundred = 100 | share(p.percent_scale) %}
    <line x1="{{ hundred }}" x2="{{ hundred }}" y1="0" y2="28"/></svg>
    {{ achieved(row) }}</p>{% endfor %}</div>
<table id="by-domain">
  {{ achievement_head("Domain") }}
  <tbody>{% set ns = namespace(heading=none) %}{% for row in p.by_domain %}
    {%- if row.heading != ns.heading %}{% set ns.heading = row.heading %}
      <tr><th colspan="8">{{ row.heading }}</th></tr>
    {%- endif %}
    <tr><th>{{ row.name }}</th>{{ cells(row) }}</tr>{% endfor %}
  </tbody>
</table>
<table id="by-heading">
  {{ achievement_head("Heading") }}
  <tbody>{% for row in p.by_heading %}<tr><th>{{ row.name }}</th>{{ cells(row) }}</tr>{% endfor %}</tbody>
</table>
<h2>By indicator</h2>
<div>{% for row in p.by_indicator %}
  {%- if row.count_targets %}{% set outline, solid = row.count_target, row.count_achieved %}
  {%- else %}{% set outline, solid = row.average_target or 0, row.average_figure or 0 %}{% endif %}
  {%- set scale = [outline, solid] | max %}
  <p>{{ row.name }} <svg width="100%" height="32">{{ bar(outline, scale, 2, 28) }}{{ bar(solid, scale, 9, 14) }}</svg>
  </p>{% endfor %}</div>
<table id="by-indicator">
  <thead><tr><th>Indicator</th><th>Domain</th><th>Measured in</th><th>Grants</th><th>Target</th><th>Achieved</th>
    <th>%</th></tr></thead>
  <tbody>{% for row in p.by_indicator %}
    <tr><th>{{ row.name }}</th><td>{{ row.domain }}</td>
    {%- if row.count_targets %}<td>{{ row.units | sort | join(", ") }}</td><td>{{ n(row.grants | length) }}</td>
      <td>{{ n(row.count_target) }}</td><td>{{ n(row.count_achieved) }}</td><td>{{ achieved(row) }}</td>
    {%- else %}
      <td>Percentage (average of {{ plural(row.percent_grants | length, "grant", "grants") }} reporting)</td>
      <td>{{ n(row.grants | length) }}</td><td>{{ avg(row.average_target) }}</td>
      <td>{{ avg(row.average_figure) }}</td><td></td>
    {%- endif %}</tr>{% endfor %}
  </tbody>
</table>
<h2>Money by theme</h2>
<div>{% for reach in p.by_theme %}
  <p>{{ reach.name }} <svg width="100%" height="32">{{ bar(reach.awarded, p.money_scale, 2, 28) }}
    {{- bar(reach.paid, p.money_scale, 9, 14) }}</svg>
    {{ reach.awarded | money }} awarded, {{ reach.paid | money }} paid</p>{% endfor %}</div>
{% for id, rows in (("by-theme", p.by_theme), ("by-ward", p.by_ward)) %}
<table id="{{ id }}">
  <thead><tr><th>Name</th><th>Grants</th><th>Awarded</th><th>Paid</th><th>People reached</th></tr></thead>
  <tbody>{% for reach in rows %}
    <tr><th>{{ reach.name }}</th><td>{{ n(reach.grants | length) }}</td><td>{{ reach.awarded | money }}</td>
      <td>{{ reach.paid | money }}</td><td>{{ n(reach.people) }}</td></tr>{% endfor %}
  </tbody>
</table>
{% endfor %}
<table id="by-community">
  <thead><tr><th>Community</th><th>Grants reporting</th><th>People reached</th></tr></thead>
  <tbody>{% for reach in p.by_community %}
    <tr><th>{{ reach.name }}</th><td>{{ n(reach.grants | length) }}</td><td>{{ n(reach.people) }}</td></tr>
  {%- endfor %}</tbody>
</table>
</body>
</html>
"""


def register(app: Flask, engine: Engine) -> None:
    """Add the portfolio page and its template to the baseline app."""
    loader = app.jinja_loader
    assert isinstance(loader, DictLoader)
    loader.mapping["portfolio.html"] = PORTFOLIO_HTML
    app.add_template_filter(_one_decimal, "one_decimal")
    app.add_template_filter(_share, "share")
    if "money" not in app.jinja_env.filters:
        app.add_template_filter(_money, "money")

    @app.get("/reports/portfolio")
    def show_portfolio() -> str:
        with Session(engine) as session:
            options = _options(session)
            return render_template("portfolio.html", options=options, p=_portfolio(session, options["library"]))
