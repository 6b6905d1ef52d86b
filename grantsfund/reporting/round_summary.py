"""The round summary: what a round (or all of a fund's rounds, or every fund's) was asked for and what it gave,
who applied, how screening and assessment went. The fund manager's end-of-round report.

What counts:
- An application is a bid that was submitted (it has a submission time). Drafts are not applications, and nor are
  drafts a group withdrew when an eligibility question ruled them out: those are counted on their own, by question.
- Decided means approved, declined by the panel, or found not eligible. Success rate = approved ÷ decided.
- Awarded is the amount of the panel's standing decision at the bid's latest meeting, for approved bids. A grant
  offer withdrawn before the group accepted it withdraws the bid: it is no longer approved.
- The budget line is the panel's own: what the standing approvals in the rounds add up to (decisions recorded but
  not yet published included, bids since withdrawn left out), against the rounds' budgets.
- A bid with several themes or wards counts once under each. Legal form and annual income are the group's as its
  profile says now; amount bands are those of the officers' application list.
- Assessment figures come from submitted score sheets of assessors who declared no conflict; a bid's score for a
  criterion is the moderator's agreed score where there is one, otherwise its assessors' mean (as in the ranking).

Loading is a fixed number of statements however many applications, themes, wards and scores there are: three for
the filter's choices (shared with the equality report), then twelve, nearly all grouped in SQL.

This module adds up applications and money and puts the report together. Screening (round_eligibility.py) and
assessment (round_assessment.py) are counted from records of their own, so each is in a module of its own; what a
report covers (round_scope.py) is shared by all of them and by the equality report."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any, NamedTuple

from sqlalchemy import Subquery, case, func, select
from sqlalchemy.orm import aliased

from grantsfund.applications.listing import AMOUNT_BANDS, AmountBand
from grantsfund.applications.models import Application, ApplicationStatus, application_themes, application_wards
from grantsfund.common.money import format_pence
from grantsfund.extensions import db
from grantsfund.organisations.models import LegalForm, Organisation, Ward
from grantsfund.panel.models import APPROVALS, PanelDecision
from grantsfund.reporting import round_assessment, round_eligibility
from grantsfund.reporting.round_scope import ALL_APPLICATIONS, ReportOptions, Scope, applications_in, rounds_in
from grantsfund.reporting.tables import Cell, Column, Money, Percent, Table, one_decimal_percent
from grantsfund.rounds.models import Round, Theme, round_themes

S = ApplicationStatus
# Where a submitted application can be, in the order it gets there.
STATUS_LABELS: dict[ApplicationStatus, str] = {
    S.SUBMITTED: "Submitted, not yet screened",
    S.ELIGIBLE: "Found eligible, waiting for assessors",
    S.IN_ASSESSMENT: "Being assessed",
    S.AT_PANEL: "With the panel",
    S.DEFERRED: "Deferred by the panel",
    S.APPROVED: "Approved",
    S.DECLINED: "Declined by the panel",
    S.INELIGIBLE: "Found not eligible",
    S.WITHDRAWN: "Withdrawn",
}
DECIDED = frozenset({S.APPROVED, S.DECLINED, S.INELIGIBLE})

# The group's annual income, in the size bands the NCVO Civil Society Almanac uses (micro, small, medium, large).
INCOME_BANDS = (
    AmountBand("micro", None, 1_000_000),
    AmountBand("small", 1_000_000, 10_000_000),
    AmountBand("medium", 10_000_000, 100_000_000),
    AmountBand("large", 100_000_000, None),
)
INCOME_SIZES = {"micro": "Micro", "small": "Small", "medium": "Medium", "large": "Large"}

NO_THEME = "No theme given"
NO_WARD = "Ward not given"
SEVERAL = "A bid with several {} counts once under each, so the rows add up to more than the round’s totals."
RATE_NOTE = "Success rate is approved ÷ decided (approved, declined or found not eligible); blank until one is."

# Every table the report has, in the order of the page: the CSV download of each is named by its slug.
SLUGS = (
    "headline",
    "progress",
    "eligibility",
    "screening-checks",
    "eligibility-questions",
    "by-theme",
    "by-ward",
    "by-legal-form",
    "by-amount",
    "by-income",
    "assessment",
    "criteria",
    "recommendations",
)


# Adding up ---------------------------------------------------------------------------------------------------------


@dataclass
class Tally:
    """Applications, money asked for and given, and decisions, for one row of a breakdown."""

    name: str
    applications: int = 0
    requested_pence: int = 0
    decided: int = 0
    approved: int = 0
    awarded_pence: int = 0

    def add(self, status: ApplicationStatus, count: int, requested: int, awarded: int) -> None:
        self.applications += count
        self.requested_pence += requested
        self.awarded_pence += awarded
        if status in DECIDED:
            self.decided += count
        if status is S.APPROVED:
            self.approved += count

    @property
    def success_rate(self) -> Fraction | None:
        return Fraction(self.approved, self.decided) if self.decided else None

    def row(self) -> list[Cell]:
        rate = self.success_rate
        return [
            self.name,
            self.applications,
            Money(self.requested_pence),
            self.decided,
            self.approved,
            Money(self.awarded_pence),
            None if rate is None else Percent(rate),
        ]


def breakdown_columns(first: str) -> list[Column]:
    return [
        Column(first),
        Column("Applications", numeric=True),
        Column("Requested", numeric=True),
        Column("Decided", numeric=True),
        Column("Approved", numeric=True),
        Column("Awarded", numeric=True),
        Column("Success rate", numeric=True),
    ]


# (key, status, applications, requested, awarded) from a grouped statement.
Grouped = tuple[Any, ApplicationStatus, int, int, int]


class Profile(NamedTuple):
    """Applications of one status, legal form, amount band and income band, added up."""

    status: ApplicationStatus
    legal_form: LegalForm
    amount_band: int
    income_band: int
    applications: int
    requested: int
    awarded: int


def by(rows: Iterable[Profile], key: Callable[[Profile], Any]) -> Iterator[Grouped]:
    """The rows as Grouped under `key` (the tallies add up those that share one)."""
    for row in rows:
        yield key(row), row.status, row.applications, row.requested, row.awarded


def tallies(rows: Iterable[Grouped], names: dict[Any, str]) -> dict[Any, Tally]:
    """A tally for each key in `names` (in its order, even with nothing in it), and for any other key met."""
    found = {key: Tally(name) for key, name in names.items()}
    for key, status, count, requested, awarded in rows:
        found.setdefault(key, Tally(str(key))).add(status, count, requested, awarded)
    return found


def total_of(parts: Iterable[Tally], name: str = ALL_APPLICATIONS) -> Tally:
    total = Tally(name)
    for part in parts:
        total.applications += part.applications
        total.requested_pence += part.requested_pence
        total.decided += part.decided
        total.approved += part.approved
        total.awarded_pence += part.awarded_pence
    return total


@dataclass(frozen=True)
class Headline:
    applications: int
    requested_pence: int
    decided: int
    approved: int
    awarded_pence: int
    approved_requested_pence: int  # what the approved bids had asked for
    budget_pence: int | None  # the rounds' budgets added up; None when no round has one
    committed_pence: int  # the panel's standing approvals, published or not

    @property
    def success_rate(self) -> Fraction | None:
        return Fraction(self.approved, self.decided) if self.decided else None

    @property
    def success_rate_text(self) -> str:
        rate = self.success_rate
        return "" if rate is None else one_decimal_percent(rate) + "%"

    @property
    def remaining_pence(self) -> int | None:
        return None if self.budget_pence is None else self.budget_pence - self.committed_pence


@dataclass(frozen=True)
class ChartRow:
    label: str
    requested_pence: int
    awarded_pence: int

    @property
    def text(self) -> str:
        return f"{format_pence(self.requested_pence)} requested, {format_pence(self.awarded_pence)} awarded"


@dataclass(frozen=True)
class RoundSummary:
    scope: Scope
    label: str
    slug: str
    headline: Headline
    tables: list[Table]
    theme_chart: list[ChartRow]

    def table(self, slug: str) -> Table:
        return next(table for table in self.tables if table.slug == slug)

    @property
    def chart_scale(self) -> int:
        return max((row.requested_pence for row in self.theme_chart), default=0)

    def filename(self, extension: str, today: date, table: str | None = None) -> str:
        parts = ["round-summary", self.slug, *([table] if table else []), today.isoformat()]
        return "-".join(parts) + f".{extension}"


def round_summary(scope: Scope, options: ReportOptions) -> RoundSummary:
    """The report for `scope`: twelve statements however much is in it."""
    covered = options.covered(scope)
    bids = _bids(scope)
    grouped = _load_grouped(bids)
    by_status = tallies(by(grouped, lambda row: row.status), dict(STATUS_LABELS))
    headline = _headline(by_status, covered, _load_committed(scope))
    themes = _theme_tallies(bids, scope)
    tables = [
        _headline_table(headline, len(covered)),
        _progress_table(by_status),
        *round_eligibility.eligibility_tables(
            {status: tally.applications for status, tally in by_status.items()},
            round_eligibility.load_latest_checks(scope),
            round_eligibility.load_ruled_out(scope),
        ),
        _breakdown("by-theme", "By theme", "Theme", list(themes.values()), [SEVERAL.format("themes"), RATE_NOTE]),
        _breakdown("by-ward", "By ward", "Ward", _ward_tallies(bids), [_WARD_NOTE, SEVERAL.format("wards"), RATE_NOTE]),
        *_profile_tables(grouped),
        *round_assessment.assessment_tables(
            round_assessment.load_sheets(scope),
            round_assessment.load_scores(scope),
            round_assessment.load_agreed(scope),
            round_assessment.load_criteria(scope),
            options.by_id,
        ),
    ]
    chart = [ChartRow(tally.name, tally.requested_pence, tally.awarded_pence) for tally in themes.values()]
    return RoundSummary(scope, options.label(scope), options.slug(scope), headline, tables, chart)


_WARD_NOTE = "Every ward is listed, so those with no applications show too."


def _headline(by_status: dict[Any, Tally], covered: Sequence[Round], committed: int) -> Headline:
    total = total_of(by_status.values())
    budgets = [round_.budget_pence for round_ in covered if round_.budget_pence is not None]
    return Headline(
        applications=total.applications,
        requested_pence=total.requested_pence,
        decided=total.decided,
        approved=total.approved,
        awarded_pence=total.awarded_pence,
        approved_requested_pence=by_status[S.APPROVED].requested_pence,
        budget_pence=sum(budgets) if budgets else None,
        committed_pence=committed,
    )


def _money_or(pence: int | None, otherwise: str) -> Cell:
    return otherwise if pence is None else Money(pence)


def _headline_table(headline: Headline, rounds_covered: int) -> Table:
    rate = headline.success_rate
    average = (2 * headline.awarded_pence + headline.approved) // (2 * headline.approved) if headline.approved else None
    rows: list[list[Cell]] = [
        ["Applications submitted", headline.applications],
        ["Amount requested", Money(headline.requested_pence)],
        ["Decided (approved, declined or found not eligible)", headline.decided],
        ["Awards made", headline.approved],
        ["Amount awarded", Money(headline.awarded_pence)],
        ["What the approved bids asked for", Money(headline.approved_requested_pence)],
        ["Average award", _money_or(average, "No awards yet")],
        ["Success rate (approved ÷ decided)", "No decisions yet" if rate is None else Percent(rate)],
        ["Budget", _money_or(headline.budget_pence, "No budget set")],
        ["Approved by the panel against the budget", Money(headline.committed_pence)],
        ["Budget remaining", _money_or(headline.remaining_pence, "No budget set")],
    ]
    notes = [
        "Approved by the panel counts every standing approval, including decisions not yet published to the "
        "groups, as the panel’s budget check does; bids withdrawn since are left out."
    ]
    if rounds_covered > 1:
        notes.append(f"The budget is the {rounds_covered} rounds’ budgets added up (those that have one).")
    return Table("headline", "At a glance", [Column("Measure"), Column("Figure", numeric=True)], rows, notes)


def _progress_table(by_status: dict[Any, Tally]) -> Table:
    rows: list[list[Cell]] = [
        [tally.name, tally.applications, Money(tally.requested_pence)]
        for status, tally in by_status.items()
        if status in STATUS_LABELS
    ]
    total = total_of(by_status.values())
    rows.append([ALL_APPLICATIONS, total.applications, Money(total.requested_pence)])
    columns = [Column("Where the application is now"), Column("Applications", True), Column("Requested", True)]
    return Table("progress", "Where the applications are now", columns, rows)


def _breakdown(
    slug: str, title: str, first: str, rows: Sequence[Tally], notes: Sequence[str], total: bool = False
) -> Table:
    body: list[list[Cell]] = [tally.row() for tally in rows]
    if total:
        body.append(total_of(rows).row())
    return Table(slug, title, breakdown_columns(first), body, tuple(notes))


# Theme, ward, legal form and size ----------------------------------------------------------------------------------


def _profile_tables(grouped: Sequence[Profile]) -> list[Table]:
    forms = {form: form.label for form in LegalForm}
    by_form = tallies(by(grouped, lambda row: row.legal_form), forms)
    by_amount = tallies(by(grouped, lambda row: row.amount_band), _band_names(AMOUNT_BANDS))
    by_income = tallies(by(grouped, lambda row: row.income_band), _income_names())
    return [
        _breakdown(
            "by-legal-form",
            "By legal form",
            "Legal form",
            [tally for tally in by_form.values() if tally.applications],
            ["The group’s legal form as its profile gives it now.", RATE_NOTE],
            total=True,
        ),
        _breakdown(
            "by-amount",
            "By amount requested",
            "Amount requested",
            list(by_amount.values()),
            ["The same bands as the officers’ list of applications.", RATE_NOTE],
            total=True,
        ),
        _breakdown(
            "by-income",
            "By the group’s annual income",
            "Annual income",
            list(by_income.values()),
            [
                "Size bands as the NCVO Civil Society Almanac uses them, from the annual income on the group’s "
                "profile now.",
                RATE_NOTE,
            ],
            total=True,
        ),
    ]


def _band_names(bands: Sequence[AmountBand]) -> dict[Any, str]:
    return {index: band.label for index, band in enumerate(bands)}


def _income_names() -> dict[Any, str]:
    return {index: f"{INCOME_SIZES[band.key]}: {band.label.lower()}" for index, band in enumerate(INCOME_BANDS)}


def _theme_tallies(bids: Subquery, scope: Scope) -> dict[Any, Tally]:
    """Every theme the rounds offered (even with no bids), then any other theme on a bid, then bids with none; each
    group in the themes' own order."""
    offered = Theme.id.in_(select(round_themes.c.theme_id).where(*rounds_in(scope, round_themes.c.round_id)))
    themes = db.session.execute(
        select(Theme.id, Theme.name, offered.label("offered")).order_by(Theme.position, Theme.id)
    ).all()
    found = tallies(
        _load_linked(bids, application_themes, application_themes.c.theme_id),
        {theme_id: name for theme_id, name, on_offer in themes if on_offer},
    )
    ordered: dict[Any, Tally] = {theme_id: found[theme_id] for theme_id, _, _ in themes if theme_id in found}
    for theme_id, name, _ in themes:
        if theme_id in ordered:
            ordered[theme_id].name = name
    if None in found:
        ordered[None] = found[None]
        ordered[None].name = NO_THEME
    return ordered


def _ward_tallies(bids: Subquery) -> list[Tally]:
    wards: dict[Any, str] = {}
    for ward_id, name in db.session.execute(select(Ward.id, Ward.name).order_by(Ward.name)):
        wards[ward_id] = name
    found = tallies(_load_linked(bids, application_wards, application_wards.c.ward_id), wards)
    if None in found:
        found[None].name = NO_WARD
    return list(found.values())


# The statements ----------------------------------------------------------------------------------------------------


def _award() -> Any:
    """For the bid in the outer statement: the amount of the standing approval at its latest meeting."""
    later = aliased(PanelDecision)
    return (
        select(PanelDecision.amount_pence)
        .where(
            PanelDecision.application_id == Application.id,
            PanelDecision.outcome.in_(APPROVALS),
            ~select(later.id).where(later.corrects_id == PanelDecision.id).exists(),
        )
        .order_by(PanelDecision.recorded_at.desc(), PanelDecision.id.desc())
        .limit(1)
        .correlate(Application)
        .scalar_subquery()
    )


def _bids(scope: Scope) -> Subquery:
    """The scope's applications, each with what it asked for and was awarded and its group's legal form and income:
    a subquery the grouped statements add up."""
    awarded = case((Application.status == S.APPROVED, func.coalesce(_award(), 0)), else_=0)
    return (
        select(
            Application.id.label("id"),
            Application.status.label("status"),
            func.coalesce(Application.amount_requested_pence, 0).label("requested"),
            awarded.label("awarded"),
            Organisation.legal_form.label("legal_form"),
            Organisation.annual_income_pence.label("income"),
        )
        .join(Organisation, Organisation.id == Application.organisation_id)
        .where(*applications_in(scope))
        .subquery("bids")
    )


def _band_of(column: Any, bands: Sequence[AmountBand]) -> Any:
    """Which of `bands` (in order, the last open-ended) a number falls in, as its index."""
    whens = [(column < band.below_pence, index) for index, band in enumerate(bands) if band.below_pence is not None]
    return case(*whens, else_=len(bands) - 1)


def _load_grouped(bids: Subquery) -> list[Profile]:
    """Applications, requested and awarded by status, legal form, amount band and income band. One statement."""
    amount, income = _band_of(bids.c.requested, AMOUNT_BANDS), _band_of(bids.c.income, INCOME_BANDS)
    rows = db.session.execute(
        select(
            bids.c.status,
            bids.c.legal_form,
            amount,
            income,
            func.count(),
            func.coalesce(func.sum(bids.c.requested), 0),
            func.coalesce(func.sum(bids.c.awarded), 0),
        ).group_by(bids.c.status, bids.c.legal_form, amount, income)
    )
    return [
        Profile(status, form, int(band), int(size), int(count), int(requested), int(awarded))
        for status, form, band, size, count, requested, awarded in rows
    ]


def _load_linked(bids: Subquery, table: Any, key: Any) -> list[Grouped]:
    """Applications, requested and awarded by theme or ward (None: the bid named none) and status. One statement."""
    rows = db.session.execute(
        select(
            key,
            bids.c.status,
            func.count(),
            func.coalesce(func.sum(bids.c.requested), 0),
            func.coalesce(func.sum(bids.c.awarded), 0),
        )
        .select_from(bids)
        .outerjoin(table, table.c.application_id == bids.c.id)
        .group_by(key, bids.c.status)
    )
    return [(id_, status, int(count), int(requested), int(awarded)) for id_, status, count, requested, awarded in rows]


def _load_committed(scope: Scope) -> int:
    """The standing approvals in the scope's rounds, bids since withdrawn left out (as the panel's budget check adds
    them up: panel.decisions.committed_pence). One statement."""
    later = aliased(PanelDecision)
    total = db.session.scalar(
        select(func.coalesce(func.sum(PanelDecision.amount_pence), 0))
        .join(Application, Application.id == PanelDecision.application_id)
        .where(
            *rounds_in(scope, PanelDecision.round_id),
            PanelDecision.outcome.in_(APPROVALS),
            Application.status != S.WITHDRAWN,
            ~select(later.id).where(later.corrects_id == PanelDecision.id).exists(),
        )
    )
    return int(total or 0)
