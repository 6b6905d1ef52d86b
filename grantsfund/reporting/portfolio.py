"""The outcomes portfolio: what the funded projects set out to achieve and what their accepted monitoring returns
say they achieved, rolled up across a round, a fund or every fund, with the money awarded and paid and the people
reached. This is the page the council shows its committee.

What counts:
- A grant is an agreement the group accepted: in force, closed, or terminated early. A terminated grant still
  counts for the money awarded and paid and for what its accepted returns reported.
- Its targets are those of the version in force (the latest the group accepted). A grant's figure against a target
  comes from its accepted returns only, by monitoring.outcomes.grant_actual (counts add up over the returns; a
  percentage is the latest return's). Returns in progress, submitted or sent back for changes never count. Once a
  grant is closed, the figure the officer recorded as achieved in the closure record stands instead: it starts as
  the returns' figure and is corrected there when the returns got it wrong, so the two pages never disagree.
- People reached are the beneficiaries of the accepted returns, by community and by the ward the returns give.
- Paid is the sum of the grant's instalments recorded as paid, less what the group has repaid since its grant was
  terminated: the money the grant has cost so far. Repaid is shown on its own as well.

Loading is a fixed number of statements however many grants and returns there are: six after the four that read
the filter form's choices (whose indicator library it shares), seven on its own. All are plain rows: the grants
(with what was paid and repaid and how many returns were accepted), the indicator library, the accepted returns'
figures, the closed grants' recorded figures, their beneficiaries, and the grants' themes and wards. They are added
up in Python by grantsfund/reporting/rollup.py."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, func, select

from grantsfund.agreements.models import (
    Agreement,
    AgreementStatus,
    AgreementVersion,
    MonitoringPeriod,
    Termination,
    VersionStatus,
)
from grantsfund.applications.models import Application, application_themes, application_wards
from grantsfund.extensions import db
from grantsfund.monitoring.models import Closure, MonitoringReturn, ReturnBeneficiary, ReturnOutcome, ReturnStatus
from grantsfund.monitoring.outcomes import grant_actual
from grantsfund.organisations.models import Ward
from grantsfund.payments.models import Instalment, InstalmentStatus
from grantsfund.reporting.filters import Filters, IndicatorInfo
from grantsfund.reporting.rollup import HEADER, Grant, GrantTarget, Portfolio, Reached, add_up
from grantsfund.rounds.models import Fund, Indicator, Round, RoundStatus, Theme

__all__ = ["HEADER", "FilterOptions", "Filters", "Portfolio", "filter_options", "portfolio"]

# The agreements that are grants: accepted by the group, whether still running, closed or ended early.
GRANT_STATUSES = (AgreementStatus.ACCEPTED, AgreementStatus.CLOSED, AgreementStatus.TERMINATED)
UNKNOWN_HEADING = "Not in the indicator library"


@dataclass(frozen=True)
class FilterOptions:
    """The choices the filter form offers: (id, label) for funds, rounds, themes and wards; the headings, and
    (heading, domain) for the domains, in the framework's order."""

    funds: list[tuple[int, str]]
    rounds: list[tuple[int, str]]
    round_funds: dict[int, int]  # each round's fund
    themes: list[tuple[int, str]]
    wards: list[tuple[int, str]]
    headings: list[str]
    domains: list[tuple[str, str]]
    library: list[IndicatorInfo]  # the indicators themselves, for portfolio() to file targets under


def filter_options() -> FilterOptions:
    """Every round that took bids (and so the funds with one), every theme, ward and indicator: four statements."""
    rounds = db.session.execute(
        select(Round.id, Round.name, Fund.id, Fund.name)
        .join(Fund, Round.fund_id == Fund.id)
        .where(Round.status != RoundStatus.DRAFT)
        .order_by(Fund.name, Fund.id, Round.id.desc())
    ).all()
    themes = db.session.execute(select(Theme.id, Theme.name).order_by(Theme.position, Theme.id)).all()
    wards = db.session.execute(select(Ward.id, Ward.name).order_by(Ward.name)).all()
    library = indicator_library()
    return FilterOptions(
        funds=list({fund_id: fund_name for _, _, fund_id, fund_name in rounds}.items()),
        rounds=[(round_id, f"{fund_name}: {round_name}") for round_id, round_name, _, fund_name in rounds],
        round_funds={round_id: fund_id for round_id, _, fund_id, _ in rounds},
        themes=[(theme_id, name) for theme_id, name in themes],
        wards=[(ward_id, name) for ward_id, name in wards],
        headings=list(dict.fromkeys(indicator.heading for indicator in library)),
        domains=list(dict.fromkeys((indicator.heading, indicator.domain) for indicator in library)),
        library=library,
    )


def indicator_library() -> list[IndicatorInfo]:
    """The Indicators of Integration measures, in the framework's order: one statement."""
    rows = db.session.execute(
        select(Indicator.id, Indicator.heading, Indicator.domain, Indicator.measure, Indicator.unit).order_by(
            Indicator.position, Indicator.id
        )
    )
    return [IndicatorInfo(*row) for row in rows]


def portfolio(filters: Filters | None = None, *, library: list[IndicatorInfo] | None = None) -> Portfolio:
    """The portfolio of the grants `filters` choose (every grant when none): seven statements however many there
    are, or six when the caller has read the indicator `library` already (the filter form's options have)."""
    filters = filters or Filters()
    chosen = _chosen_grants(filters)
    library = indicator_library() if library is None else library
    indicators = {indicator.id: indicator for indicator in library}
    actuals = _load_actuals(chosen)
    closed = _load_closed_figures(chosen)
    grants: dict[int, Grant] = {}
    for grant_id, status, awarded, targets, paid, repaid, accepted in _load_grants(chosen):
        grant = Grant(grant_id, status, awarded, paid - repaid, accepted, repaid_pence=repaid)
        chosen_targets = (_target(grant_id, target, indicators, actuals, closed) for target in targets)
        grant.targets = [target for target in chosen_targets if filters.covers(target.indicator)]
        if grant.targets or not filters.by_indicator:
            grants[grant_id] = grant
    theme_order: dict[int, int] = {}  # the themes in their own order, as the statement gives them
    for grant_id, theme_id, name in _load_links(chosen, application_themes, Theme, Theme.position, Theme.id):
        theme_order.setdefault(theme_id, len(theme_order))
        if grant_id in grants:
            grants[grant_id].themes.append((theme_id, name))
    for grant_id, ward_id, name in _load_links(chosen, application_wards, Ward, Ward.name, Ward.id):
        if grant_id in grants:
            grants[grant_id].wards.append((ward_id, name))
    reached = [row for row in _load_reached(chosen) if row.grant_id in grants]
    for row in reached:
        grants[row.grant_id].people += row.people
    return add_up(filters, list(grants.values()), library, reached, theme_order)


def _indicator(target: dict[str, Any], indicators: dict[int, IndicatorInfo]) -> IndicatorInfo:
    """The target's indicator from the library; one no longer in it keeps the name and domain the agreement gave."""
    found = indicators.get(int(target["indicator_id"]))
    if found is not None:
        return found
    return IndicatorInfo(
        int(target["indicator_id"]),
        UNKNOWN_HEADING,
        str(target.get("domain") or ""),
        str(target.get("indicator") or ""),
        str(target.get("unit") or ""),
    )


def _target(
    grant_id: int,
    target: dict[str, Any],
    indicators: dict[int, IndicatorInfo],
    actuals: dict[tuple[int, int], list[int | None]],
    closed: dict[tuple[int, int], int],
) -> GrantTarget:
    indicator = _indicator(target, indicators)
    unit = str(target.get("unit") or indicator.unit)
    figure = closed.get((grant_id, indicator.id))
    if figure is None:
        figure = grant_actual(indicator.unit, actuals.get((grant_id, indicator.id), []))
    return GrantTarget(grant_id, indicator, unit, int(target["target"]), figure)


# The statements -------------------------------------------------------------------------------------------------


def _chosen_grants(filters: Filters) -> Select[int]:
    """The ids of the grants the fund, round, theme and ward filters choose, as a subquery for the other statements
    (the heading and domain filters need the targets, so they apply once the targets are loaded)."""
    conditions: list[ColumnElement[bool]] = [Agreement.status.in_(GRANT_STATUSES)]
    if filters.round_id is not None:
        conditions.append(Application.round_id == filters.round_id)
    if filters.fund_id is not None:
        conditions.append(Application.round_id.in_(select(Round.id).where(Round.fund_id == filters.fund_id)))
    for table, column, chosen in (
        (application_themes, application_themes.c.theme_id, filters.theme_id),
        (application_wards, application_wards.c.ward_id, filters.ward_id),
    ):
        if chosen is not None:
            conditions.append(Application.id.in_(select(table.c.application_id).where(column == chosen)))
    return select(Agreement.id).join(Application, Application.id == Agreement.application_id).where(*conditions)


def _load_grants(
    chosen: Select[int],
) -> list[tuple[int, AgreementStatus, int, list[dict[str, Any]], int, int, int]]:
    """Each grant: its status, its award, the targets of the version in force, what has been paid, what the group
    has repaid after a termination, and how many of its returns were accepted. One statement."""
    in_force = (
        select(AgreementVersion.agreement_id, func.max(AgreementVersion.number).label("number"))
        .where(AgreementVersion.status == VersionStatus.ACCEPTED)
        .group_by(AgreementVersion.agreement_id)
        .subquery()
    )
    paid = (
        select(func.coalesce(func.sum(Instalment.amount_pence), 0))
        .where(Instalment.agreement_id == Agreement.id, Instalment.status == InstalmentStatus.PAID)
        .correlate(Agreement)
        .scalar_subquery()
    )
    repaid = (
        select(func.coalesce(func.sum(Termination.amount_repaid_pence), 0))
        .where(Termination.agreement_id == Agreement.id)
        .correlate(Agreement)
        .scalar_subquery()
    )
    accepted = (
        select(func.count(MonitoringReturn.id))
        .where(MonitoringReturn.agreement_id == Agreement.id, MonitoringReturn.status == ReturnStatus.ACCEPTED)
        .correlate(Agreement)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Agreement.id, Agreement.status, Agreement.amount_pence, AgreementVersion.targets, paid, repaid, accepted)
        .join(in_force, in_force.c.agreement_id == Agreement.id)
        .join(
            AgreementVersion,
            (AgreementVersion.agreement_id == Agreement.id) & (AgreementVersion.number == in_force.c.number),
        )
        .where(Agreement.id.in_(chosen))
        .order_by(Agreement.id)
    )
    return [
        (grant_id, status, int(awarded), list(targets or []), int(paid_pence), int(repaid_pence), int(returns))
        for grant_id, status, awarded, targets, paid_pence, repaid_pence, returns in rows
    ]


def _load_actuals(chosen: Select[int]) -> dict[tuple[int, int], list[int | None]]:
    """Each (grant, indicator)'s figures in its accepted returns, oldest period first. One statement."""
    actuals: dict[tuple[int, int], list[int | None]] = defaultdict(list)
    rows = db.session.execute(
        select(MonitoringReturn.agreement_id, ReturnOutcome.indicator_id, ReturnOutcome.actual)
        .join(MonitoringReturn, MonitoringReturn.id == ReturnOutcome.return_id)
        .join(MonitoringPeriod, MonitoringPeriod.id == MonitoringReturn.period_id)
        .where(MonitoringReturn.status == ReturnStatus.ACCEPTED, MonitoringReturn.agreement_id.in_(chosen))
        .order_by(MonitoringReturn.agreement_id, ReturnOutcome.indicator_id, MonitoringPeriod.number)
    )
    for grant_id, indicator_id, actual in rows:
        actuals[(grant_id, indicator_id)].append(actual)
    return actuals


def _load_closed_figures(chosen: Select[int]) -> dict[tuple[int, int], int]:
    """Each closed grant's figure against each target as its closure record gives it, by (grant, indicator). One
    statement."""
    figures: dict[tuple[int, int], int] = {}
    rows = db.session.execute(
        select(Closure.agreement_id, Closure.achievements).where(Closure.agreement_id.in_(chosen))
    )
    for grant_id, entries in rows:
        for entry in entries or []:
            if entry.get("achieved") is not None:
                figures[(grant_id, int(entry["indicator_id"]))] = int(entry["achieved"])
    return figures


def _load_reached(chosen: Select[int]) -> list[Reached]:
    """People reached in the accepted returns, by grant, community and ward (with its name). One statement."""
    rows = db.session.execute(
        select(
            MonitoringReturn.agreement_id,
            ReturnBeneficiary.community,
            ReturnBeneficiary.ward_id,
            Ward.name,
            func.sum(ReturnBeneficiary.people),
        )
        .join(MonitoringReturn, MonitoringReturn.id == ReturnBeneficiary.return_id)
        .outerjoin(Ward, Ward.id == ReturnBeneficiary.ward_id)
        .where(MonitoringReturn.status == ReturnStatus.ACCEPTED, MonitoringReturn.agreement_id.in_(chosen))
        .group_by(MonitoringReturn.agreement_id, ReturnBeneficiary.community, ReturnBeneficiary.ward_id, Ward.name)
    )
    return [
        Reached(grant_id, community, ward_id, name, int(people)) for grant_id, community, ward_id, name, people in rows
    ]


def _load_links(
    chosen: Select[int], table: Table, model: type[Theme] | type[Ward], *order: Any
) -> list[tuple[int, int, str]]:
    """(grant, theme or ward, its name) for the themes or wards on the grants' applications. One statement."""
    key = table.c.theme_id if model is Theme else table.c.ward_id
    rows = db.session.execute(
        select(Agreement.id, model.id, model.name)
        .select_from(table)
        .join(model, model.id == key)
        .join(Agreement, Agreement.application_id == table.c.application_id)
        .where(Agreement.id.in_(chosen))
        .order_by(*order, Agreement.id)
    )
    return [(grant_id, id_, name) for grant_id, id_, name in rows]
