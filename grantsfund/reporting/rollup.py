"""Adding up the outcomes portfolio, in Python, from the plain rows grantsfund/reporting/portfolio.py loads.

Counts and percentages are never added together: count targets roll up as totals (the targets added up, and the
grants' figures added up), percentage targets as the average target and the average reported figure over the
targets that have a figure. A grant's figure against one target is monitoring.outcomes.grant_actual's."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import NamedTuple

from grantsfund.agreements.models import AgreementStatus
from grantsfund.applications.models import Community
from grantsfund.common.downloads import safe_cell
from grantsfund.common.money import plain_pounds
from grantsfund.monitoring.outcomes import PERCENT
from grantsfund.reporting.filters import Filters, IndicatorInfo

NO_THEME = "No theme given"
NO_WARD = "Ward not given"
# The communities a return counts people from, in the order the return offers them.
COMMUNITY_LABELS: dict[str, str] = {community.value: community.label for community in Community}


@dataclass(frozen=True)
class GrantTarget:
    """One of a grant's targets, and the grant's figure against it from its accepted returns (None: none yet)."""

    grant_id: int
    indicator: IndicatorInfo
    unit: str  # as the agreement shows it: "percent", or what is counted ("people", "sessions", "count")
    target: int
    figure: int | None

    @property
    def percent(self) -> bool:
        return self.indicator.unit == PERCENT  # the library's kind, not what the group typed

    @property
    def met(self) -> bool:
        return self.figure is not None and self.figure >= self.target


@dataclass
class Grant:
    id: int
    status: AgreementStatus
    awarded_pence: int
    paid_pence: int  # less what was repaid
    returns_accepted: int
    repaid_pence: int = 0  # paid back after the grant was terminated
    targets: list[GrantTarget] = field(default_factory=list)
    themes: list[tuple[int, str]] = field(default_factory=list)
    wards: list[tuple[int, str]] = field(default_factory=list)
    people: int = 0  # reached, from its accepted returns


class Reached(NamedTuple):
    """People reached by one grant from one community in one ward (None: not given), over its accepted returns."""

    grant_id: int
    community: str
    ward_id: int | None
    ward_name: str | None
    people: int


def whole_percent(part: int, whole: int) -> int | None:
    """`part` as a whole per cent of `whole`, rounded half up; None when there is nothing to divide by."""
    return None if whole <= 0 else (200 * part + whole) // (2 * whole)


def one_decimal(value: Fraction | None) -> str:
    """'62.5' for 125/2 and '60' for 60: a percentage to one decimal place (rounded half up), without a '.0'."""
    if value is None:
        return ""
    tenths = int((value * 20 + 1) // 2)
    return str(tenths // 10) if tenths % 10 == 0 else f"{tenths // 10}.{tenths % 10}"


@dataclass
class Achievement:
    """Targets added up under one heading, domain or indicator: count targets as totals, percentage targets as
    averages, never the two together."""

    name: str
    heading: str = ""
    domain: str = ""
    grants: set[int] = field(default_factory=set)  # grants with a target here
    units: set[str] = field(default_factory=set)  # what the count targets count
    count_targets: int = 0
    count_target: int = 0  # the targets added up
    count_achieved: int = 0  # the grants' figures added up (a target with no figure yet adds nothing)
    count_reported: int = 0  # count targets with a figure
    percent_targets: int = 0
    percent_grants: set[int] = field(default_factory=set)  # grants that reported a percentage target here
    percent_reported: int = 0  # percentage targets with a figure: the averages are over these
    percent_target_sum: int = 0
    percent_figure_sum: int = 0

    def add(self, target: GrantTarget) -> None:
        self.grants.add(target.grant_id)
        if target.percent:
            self.percent_targets += 1
            if target.figure is not None:
                self.percent_grants.add(target.grant_id)
                self.percent_reported += 1
                self.percent_target_sum += target.target
                self.percent_figure_sum += target.figure
            return
        self.units.add(target.unit)
        self.count_targets += 1
        self.count_target += target.target
        if target.figure is not None:
            self.count_reported += 1
            self.count_achieved += target.figure

    @property
    def achieved_percent(self) -> int | None:
        """What the count targets achieved, as a whole per cent of their total."""
        return whole_percent(self.count_achieved, self.count_target) if self.count_targets else None

    @property
    def average_target(self) -> Fraction | None:
        return Fraction(self.percent_target_sum, self.percent_reported) if self.percent_reported else None

    @property
    def average_figure(self) -> Fraction | None:
        return Fraction(self.percent_figure_sum, self.percent_reported) if self.percent_reported else None

    @property
    def unit_text(self) -> str:
        return ", ".join(sorted(self.units))

    def csv_cells(self) -> list[str]:
        counted = bool(self.count_targets)
        achieved = self.achieved_percent
        return [
            str(len(self.grants)),
            str(self.count_target) if counted else "",
            str(self.count_achieved) if counted else "",
            "" if achieved is None else str(achieved),
            str(self.percent_reported) if self.percent_targets else "",
            one_decimal(self.average_target),
            one_decimal(self.average_figure),
        ]


@dataclass
class Reach:
    """Grants, money and people for one theme, ward or community."""

    name: str
    grants: set[int] = field(default_factory=set)
    awarded_pence: int = 0
    paid_pence: int = 0
    people: int = 0

    def add(self, grant: Grant, *, people: int) -> None:
        self.grants.add(grant.id)
        self.awarded_pence += grant.awarded_pence
        self.paid_pence += grant.paid_pence
        self.people += people


@dataclass(frozen=True)
class Headline:
    grants: int
    terminated: int  # of them, ended early
    closed: int
    awarded_pence: int
    paid_pence: int  # less what was repaid
    repaid_pence: int
    people: int
    returns_accepted: int
    targets: int
    targets_with_figures: int
    targets_met: int


HEADER = [
    "Table",
    "Heading",
    "Domain",
    "Name",
    "Grants",
    "Count target",
    "Count achieved",
    "Achieved (% of count target)",
    "Percentage targets reported",
    "Average percentage target",
    "Average percentage reported",
    "Awarded (£)",
    "Paid (£)",
    "People reached",
]


@dataclass(frozen=True)
class Portfolio:
    filters: Filters
    headline: Headline
    by_heading: list[Achievement]
    by_domain: list[Achievement]
    by_indicator: list[Achievement]
    by_theme: list[Reach]
    by_ward: list[Reach]
    by_community: list[Reach]

    @property
    def reported(self) -> bool:
        """Whether any return has been accepted: before then there are no figures to show."""
        return self.headline.returns_accepted > 0

    @property
    def percent_scale(self) -> int:
        """The far end of the achievement chart's scale: 100%, or further (in 50s, up to 200%) when a domain has
        done better than its target; a longer bar stops at the end and its label says how far it went."""
        highest = max((row.achieved_percent or 0 for row in self.by_domain), default=0)
        return min(200, max(100, -(-highest // 50) * 50))

    @property
    def money_scale(self) -> int:
        return max((row.awarded_pence for row in self.by_theme), default=0)

    def rows(self) -> Iterator[list[str]]:
        """The tables as CSV rows under HEADER: the totals, then by heading, domain, indicator, theme, ward and
        community. Money in plain pounds, averages to one decimal place; names a spreadsheet would run as a formula
        start with a quote."""
        headline = self.headline
        money = [plain_pounds(headline.awarded_pence), plain_pounds(headline.paid_pence), str(headline.people)]
        yield ["All grants", "", "", "All", str(headline.grants), *[""] * 6, *money]
        for table, achievements in (
            ("By heading", self.by_heading),
            ("By domain", self.by_domain),
            ("By indicator", self.by_indicator),
        ):
            for row in achievements:
                names = [safe_cell(row.heading), safe_cell(row.domain), safe_cell(row.name)]
                yield [table, *names, *row.csv_cells(), "", "", ""]
        for table, reaches in (("By theme", self.by_theme), ("By ward", self.by_ward)):
            for reach in reaches:
                money = [plain_pounds(reach.awarded_pence), plain_pounds(reach.paid_pence), str(reach.people)]
                yield [table, "", "", safe_cell(reach.name), str(len(reach.grants)), *[""] * 6, *money]
        for reach in self.by_community:
            yield ["By community", "", "", safe_cell(reach.name), str(len(reach.grants)), *[""] * 8, str(reach.people)]


def add_up(
    filters: Filters,
    grants: list[Grant],
    library: list[IndicatorInfo],
    reached: list[Reached],
    theme_order: dict[int, int],
) -> Portfolio:
    """The portfolio of `grants` (their targets, themes, wards and people already on them), with `reached` the
    people of those grants by community and ward, and the themes in `theme_order`."""
    targets = [target for grant in grants for target in grant.targets]
    with_figures = [target for target in targets if target.figure is not None]
    headline = Headline(
        grants=len(grants),
        terminated=sum(1 for grant in grants if grant.status is AgreementStatus.TERMINATED),
        closed=sum(1 for grant in grants if grant.status is AgreementStatus.CLOSED),
        awarded_pence=sum(grant.awarded_pence for grant in grants),
        paid_pence=sum(grant.paid_pence for grant in grants),
        repaid_pence=sum(grant.repaid_pence for grant in grants),
        people=sum(grant.people for grant in grants),
        returns_accepted=sum(grant.returns_accepted for grant in grants),
        targets=len(targets),
        targets_with_figures=len(with_figures),
        targets_met=sum(1 for target in with_figures if target.met),
    )
    by_heading, by_domain, by_indicator = _achievements(targets, library)
    return Portfolio(
        filters=filters,
        headline=headline,
        by_heading=by_heading,
        by_domain=by_domain,
        by_indicator=by_indicator,
        by_theme=_by_theme(grants, theme_order),
        by_ward=_by_ward(grants, reached),
        by_community=_by_community(reached),
    )


def _achievements(
    targets: list[GrantTarget], library: list[IndicatorInfo]
) -> tuple[list[Achievement], list[Achievement], list[Achievement]]:
    """By heading, by domain and by indicator (a count and a percentage on one indicator apart), in the
    framework's order; only those with a target."""
    order = {indicator.id: position for position, indicator in enumerate(library)}
    targets = sorted(targets, key=lambda target: (order.get(target.indicator.id, len(order)), target.indicator.id))
    headings: dict[str, Achievement] = {}
    domains: dict[tuple[str, str], Achievement] = {}
    indicators: dict[tuple[int, bool], Achievement] = {}
    for target in targets:
        heading, domain = target.indicator.heading, target.indicator.domain
        headings.setdefault(heading, Achievement(heading, heading=heading)).add(target)
        domains.setdefault((heading, domain), Achievement(domain, heading=heading, domain=domain)).add(target)
        measure = Achievement(target.indicator.measure, heading=heading, domain=domain)
        indicators.setdefault((target.indicator.id, target.percent), measure).add(target)
    return list(headings.values()), list(domains.values()), list(indicators.values())


def _by_theme(grants: list[Grant], order: dict[int, int]) -> list[Reach]:
    """A grant counts under each of its application's themes, with all its people; the themes in their order."""
    themes: dict[int | None, Reach] = {}
    for grant in grants:
        links: list[tuple[int | None, str]] = [*grant.themes] or [(None, NO_THEME)]
        for theme_id, name in links:
            themes.setdefault(theme_id, Reach(name)).add(grant, people=grant.people)
    named = sorted((key for key in themes if key is not None), key=lambda key: order.get(key, len(order)))
    return [themes[key] for key in named] + ([themes[None]] if None in themes else [])


def _by_ward(grants: list[Grant], reached: list[Reached]) -> list[Reach]:
    """Grants and money under each ward their application named (a grant in several counts in each); people under
    the ward the returns gave for them. Wards by name, then any not given."""
    wards: dict[int | None, Reach] = {}
    for grant in grants:
        links: list[tuple[int | None, str]] = [*grant.wards] or [(None, NO_WARD)]
        for ward_id, name in links:
            wards.setdefault(ward_id, Reach(name)).add(grant, people=0)
    for row in reached:
        wards.setdefault(row.ward_id, Reach(row.ward_name or NO_WARD)).people += row.people
    named = sorted((key for key in wards if key is not None), key=lambda key: (wards[key].name, key))
    return [wards[key] for key in named] + ([wards[None]] if None in wards else [])


def _by_community(reached: list[Reached]) -> list[Reach]:
    """People reached by community, in the order the returns offer the communities."""
    communities: dict[str, Reach] = {}
    for row in reached:
        reach = communities.get(row.community)
        if reach is None:
            reach = communities[row.community] = Reach(COMMUNITY_LABELS.get(row.community, row.community))
        reach.grants.add(row.grant_id)
        reach.people += row.people
    order = {community: position for position, community in enumerate(COMMUNITY_LABELS)}
    return [communities[key] for key in sorted(communities, key=lambda key: (order.get(key, len(order)), key))]
