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
the filter's choices (shared with the equality report), then twelve, nearly all grouped in SQL."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Subquery, case, func, select
from sqlalchemy.orm import aliased

from grantsfund.applications.listing import AMOUNT_BANDS, AmountBand
from grantsfund.applications.models import (
    Application,
    ApplicationStatus,
    EligibilityAnswer,
    application_themes,
    application_wards,
)
from grantsfund.assessment.models import (
    Assignment,
    AssignmentStatus,
    CriterionScore,
    EligibilityCheck,
    EligibilityResult,
    ModeratedScore,
    Recommendation,
    ScoreSheet,
)
from grantsfund.assessment.ranking import weighted_percent
from grantsfund.common.money import format_pence
from grantsfund.extensions import db
from grantsfund.organisations.models import LegalForm, Organisation, Ward
from grantsfund.panel.models import APPROVALS, PanelDecision
from grantsfund.reporting.tables import Cell, Column, Money, Percent, Table, one_decimal_percent
from grantsfund.rounds import queries as rounds
from grantsfund.rounds.models import Criterion, EligibilityQuestion, Round, Theme, round_themes

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
FOUND_ELIGIBLE = frozenset({S.ELIGIBLE, S.IN_ASSESSMENT, S.AT_PANEL, S.DEFERRED, S.APPROVED, S.DECLINED})

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
ALL_APPLICATIONS = "All applications"
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


# What the report covers ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """A round, all of a fund's rounds, or (neither) every round."""

    fund_id: int | None = None
    round_id: int | None = None

    def query_args(self) -> dict[str, Any]:
        """The scope as the page's query string. Both are always given, so "every round" ("" for both) is not
        mistaken for the page opened without a choice (which shows the latest round)."""
        return {"fund": self.fund_id or "", "round": self.round_id or ""}


@dataclass(frozen=True)
class ReportOptions:
    """The rounds and funds a report can cover, and the round it shows when nothing is chosen: the most recent one
    (by when it opened) that has applications."""

    funds: list[tuple[int, str]]
    rounds: list[tuple[int, str]]  # (id, "Fund: Round"), as rounds.queries.round_choices() gives them
    round_funds: dict[int, int]
    by_id: dict[int, Round]
    default_round_id: int | None

    @property
    def default(self) -> Scope:
        return Scope(round_id=self.default_round_id) if self.default_round_id is not None else Scope()

    def covered(self, scope: Scope) -> list[Round]:
        if scope.round_id is not None:
            return [self.by_id[scope.round_id]]
        return [round_ for round_ in self.by_id.values() if scope.fund_id in (None, round_.fund_id)]

    def label(self, scope: Scope) -> str:
        if scope.round_id is not None:
            return dict(self.rounds)[scope.round_id]
        if scope.fund_id is not None:
            return f"{dict(self.funds)[scope.fund_id]}: all rounds"
        return "Every fund and round"

    def slug(self, scope: Scope) -> str:
        """The scope in a file name: 'communities-fund-round-2025-26'."""
        return re.sub(r"[^a-z0-9]+", "-", self.label(scope).lower()).strip("-") or "report"


def report_options() -> ReportOptions:
    """Every fund and round (three statements: the funds with their rounds, and which rounds have applications)."""
    funds = rounds.list_funds()
    with_bids = set(
        db.session.scalars(select(Application.round_id).where(Application.submitted_at.is_not(None)).distinct())
    )
    by_id = {round_.id: round_ for fund in funds for round_ in fund.rounds}
    candidates = [round_ for round_ in by_id.values() if round_.id in with_bids]
    latest = max(candidates, key=lambda round_: (round_.opens_at or round_.created_at, round_.id), default=None)
    return ReportOptions(
        funds=[(fund.id, fund.name) for fund in funds],
        rounds=[(round_.id, f"{fund.name}: {round_.name}") for fund in funds for round_ in fund.rounds],
        round_funds={round_.id: round_.fund_id for round_ in by_id.values()},
        by_id=by_id,
        default_round_id=latest.id if latest else None,
    )


def applications_in(scope: Scope) -> list[ColumnElement[bool]]:
    """The conditions on Application for the submitted applications a scope covers."""
    conditions: list[ColumnElement[bool]] = [Application.submitted_at.is_not(None)]
    if scope.round_id is not None:
        conditions.append(Application.round_id == scope.round_id)
    elif scope.fund_id is not None:
        conditions.append(Application.round_id.in_(select(Round.id).where(Round.fund_id == scope.fund_id)))
    return conditions


def rounds_in(scope: Scope, column: Any) -> list[ColumnElement[bool]]:
    """The conditions on a round id column for the rounds a scope covers."""
    if scope.round_id is not None:
        return [column == scope.round_id]
    if scope.fund_id is not None:
        return [column.in_(select(Round.id).where(Round.fund_id == scope.fund_id))]
    return []


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
        *_eligibility_tables(by_status, _load_latest_checks(scope), _load_ruled_out(scope)),
        _breakdown("by-theme", "By theme", "Theme", list(themes.values()), [SEVERAL.format("themes"), RATE_NOTE]),
        _breakdown("by-ward", "By ward", "Ward", _ward_tallies(bids), [_WARD_NOTE, SEVERAL.format("wards"), RATE_NOTE]),
        *_profile_tables(grouped),
        *assessment_tables(
            _load_sheets(scope), _load_scores(scope), _load_agreed(scope), _load_criteria(scope), options.by_id
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


# Eligibility -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LatestCheck:
    """An application's most recent screening by an officer."""

    status: ApplicationStatus
    result: EligibilityResult
    checklist: list[dict[str, Any]]


def _eligibility_tables(
    by_status: dict[Any, Tally], checks: Sequence[LatestCheck], ruled_out: Sequence[tuple[str, int]]
) -> list[Table]:
    count = {status: tally.applications for status, tally in by_status.items()}
    total = sum(count.values())
    waiting = sum(
        1 for check in checks if check.status is S.SUBMITTED and check.result is EligibilityResult.MORE_INFORMATION
    )
    outcomes = [
        ("Found eligible", sum(count.get(status, 0) for status in FOUND_ELIGIBLE)),
        ("Found not eligible", count.get(S.INELIGIBLE, 0)),
        ("Waiting for more information from the group", waiting),
        ("Still to screen", count.get(S.SUBMITTED, 0) - waiting),
        ("Withdrawn", count.get(S.WITHDRAWN, 0)),
        (ALL_APPLICATIONS, total),
    ]
    rows: list[list[Cell]] = [
        [name, number, Percent(Fraction(number, total)) if total else None] for name, number in outcomes
    ]
    columns = [Column("Outcome of screening"), Column("Applications", True), Column("Share of applications", True)]
    notes = ["A bid withdrawn by the group, before or after screening, counts as withdrawn."]
    return [
        Table("eligibility", "Eligibility outcomes", columns, rows, notes),
        _screening_checks(checks),
        _ruled_out_table(ruled_out),
    ]


def _screening_checks(checks: Sequence[LatestCheck]) -> Table:
    """Each checklist item the officers' latest screening found unmet: among the bids found not eligible, and
    among every bid screened."""
    labels: dict[str, str] = {}
    unmet_ineligible: Counter[str] = Counter()
    unmet_any: Counter[str] = Counter()
    for check in checks:
        for item in check.checklist:
            key = str(item.get("key"))
            labels.setdefault(key, str(item.get("label") or key))
            if not item.get("passed"):
                unmet_any[key] += 1
                if check.result is EligibilityResult.INELIGIBLE:
                    unmet_ineligible[key] += 1
    ineligible = sum(1 for check in checks if check.result is EligibilityResult.INELIGIBLE)
    rows: list[list[Cell]] = [
        [labels[key], unmet_ineligible[key], unmet_any[key]]
        for key in sorted(unmet_any, key=lambda key: (-unmet_ineligible[key], -unmet_any[key], labels[key]))
    ]
    columns = [
        Column("Check"),
        Column("Not met: bids found not eligible", True),
        Column("Not met: every bid screened", True),
    ]
    notes = [
        f"From each bid’s latest screening: {len(checks):,} screened, {ineligible:,} found not eligible. "
        "A bid can miss more than one check, and an officer can still find a bid eligible that missed one.",
    ]
    return Table("screening-checks", "Screening checks not met", columns, rows, notes)


def _ruled_out_table(ruled_out: Sequence[tuple[str, int]]) -> Table:
    rows: list[list[Cell]] = [[question, groups] for question, groups in ruled_out]
    columns = [Column("Eligibility question"), Column("Groups ruled out", True)]
    notes = [
        "Groups who started an application and answered an eligibility question so that they could not apply. "
        "They are not counted as applications."
    ]
    return Table("eligibility-questions", "Eligibility questions that stopped groups applying", columns, rows, notes)


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


# Assessment --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionScores:
    """A bid's submitted scores for one criterion, added up in SQL."""

    application_id: int
    criterion_id: int
    count: int
    total: int
    lowest: int
    highest: int

    @property
    def spread(self) -> int:
        return self.highest - self.lowest


@dataclass
class CriterionStats:
    name: str
    essential: bool = False
    bids: int = 0
    score_sum: Fraction = Fraction(0)
    lowest: int | None = None
    highest: int | None = None
    compared: int = 0  # bids with two or more assessors' scores
    spread_sum: int = 0
    differed: int = 0  # of those, assessors differing by the round's moderation spread or more
    moderated: int = 0
    below_pass_mark: int = 0

    def add(
        self, scores: CriterionScores, score: Fraction, *, moderated: bool, criterion: Criterion, round_: Round
    ) -> None:
        self.essential = self.essential or criterion.essential
        self.bids += 1
        self.score_sum += score
        self.lowest = scores.lowest if self.lowest is None else min(self.lowest, scores.lowest)
        self.highest = scores.highest if self.highest is None else max(self.highest, scores.highest)
        if scores.count > 1:
            self.compared += 1
            self.spread_sum += scores.spread
            self.differed += scores.spread >= round_.moderation_spread
        self.moderated += moderated
        self.below_pass_mark += criterion.essential and score < round_.essential_threshold

    def row(self) -> list[Cell]:
        return [
            self.name,
            self.bids,
            score_text(Fraction(self.score_sum, self.bids) if self.bids else None),
            self.lowest,
            self.highest,
            score_text(Fraction(self.spread_sum, self.compared) if self.compared else None),
            self.differed,
            self.moderated,
            self.below_pass_mark if self.essential else "Not essential",
        ]


def score_text(value: Fraction | None) -> str:
    """A score out of 5 to one decimal place ('3.5'), or '' when there is none."""
    return "" if value is None else one_decimal_percent(value / 100)


@dataclass
class BidScores:
    round_id: int
    sheets: int = 0
    scores: dict[int, Fraction] = field(default_factory=dict)  # criterion -> the bid's score
    failed_essential: bool = False


def assessment_tables(
    sheets: Sequence[tuple[int, int, Recommendation | None, int]],
    scores: Sequence[CriterionScores],
    agreed: dict[tuple[int, int], int],
    criteria: Sequence[Criterion],
    round_by_id: dict[int, Round],
) -> list[Table]:
    """The assessment summary, the statistics for each criterion (criteria of the same name in different rounds
    together), and the assessors' recommendations."""
    bids: dict[int, BidScores] = {}
    recommendations: Counter[Recommendation | None] = Counter()
    for application_id, round_id, recommendation, count in sheets:
        bids.setdefault(application_id, BidScores(round_id)).sheets += count
        recommendations[recommendation] += count
    by_id = {criterion.id: criterion for criterion in criteria}
    stats: dict[str, CriterionStats] = {criterion.name: CriterionStats(criterion.name) for criterion in criteria}
    for row in scores:
        criterion, bid = by_id.get(row.criterion_id), bids.get(row.application_id)
        if criterion is None or bid is None:
            continue
        round_ = round_by_id[criterion.round_id]
        moderated = (row.application_id, row.criterion_id) in agreed
        score = (
            Fraction(agreed[(row.application_id, row.criterion_id)]) if moderated else Fraction(row.total, row.count)
        )
        bid.scores[row.criterion_id] = score
        bid.failed_essential |= criterion.essential and score < round_.essential_threshold
        stats[criterion.name].add(row, score, moderated=moderated, criterion=criterion, round_=round_)
    return [
        _assessment_summary(bids, list(stats.values()), criteria, round_by_id),
        _criteria_table([stat for stat in stats.values() if stat.bids] or list(stats.values())),
        _recommendations_table(recommendations),
    ]


def _weighted(
    bids: dict[int, BidScores], criteria: Sequence[Criterion], round_by_id: dict[int, Round]
) -> list[Fraction]:
    """The weighted score (a share of the most possible) of each bid with all its assessments in."""
    of_round: dict[int, list[Criterion]] = defaultdict(list)
    for criterion in criteria:
        of_round[criterion.round_id].append(criterion)
    found = []
    for bid in bids.values():
        if bid.sheets >= round_by_id[bid.round_id].assessors_per_bid:
            weighted = weighted_percent(of_round[bid.round_id], bid.scores)
            if weighted is not None:
                found.append(weighted / 100)
    return found


def _assessment_summary(
    bids: dict[int, BidScores],
    stats: list[CriterionStats],
    criteria: Sequence[Criterion],
    round_by_id: dict[int, Round],
) -> Table:
    weighted = _weighted(bids, criteria, round_by_id)
    compared = sum(stat.compared for stat in stats)
    differed = sum(stat.differed for stat in stats)
    rows: list[list[Cell]] = [
        ["Bids with at least one assessment", len(bids)],
        ["Assessments submitted", sum(bid.sheets for bid in bids.values())],
        ["Bids with every assessment in", len(weighted)],
        ["Average overall score", Percent(sum(weighted, Fraction(0)) / len(weighted)) if weighted else None],
        ["Lowest overall score", Percent(min(weighted)) if weighted else None],
        ["Highest overall score", Percent(max(weighted)) if weighted else None],
        [
            "Assessors agreed (within the moderation spread)",
            Percent(Fraction(compared - differed, compared)) if compared else None,
        ],
        ["Criterion scores where assessors differed by the spread or more", differed],
        ["Criterion scores moderated", sum(stat.moderated for stat in stats)],
        [
            "Bids with an essential criterion below the pass mark",
            sum(1 for bid in bids.values() if bid.failed_essential),
        ],
    ]
    notes = [
        "The overall score is weighted by the criteria’s weights, as a percentage of the most a bid could score, "
        "for bids whose assessments are all in.",
        "Agreement is over each criterion of each bid that two or more assessors scored.",
    ]
    return Table("assessment", "Assessment", [Column("Measure"), Column("Figure", numeric=True)], rows, notes)


def _criteria_table(stats: Sequence[CriterionStats]) -> Table:
    columns = [
        Column("Criterion"),
        Column("Bids scored", True),
        Column("Average score", True),
        Column("Lowest score given", True),
        Column("Highest score given", True),
        Column("Average difference between assessors", True),
        Column("Assessors differed by the spread or more", True),
        Column("Moderated", True),
        Column("Below the pass mark", True),
    ]
    notes = [
        "Scores are out of 5. A bid’s score for a criterion is the moderator’s agreed score where there is one, "
        "otherwise the mean of its assessors’ scores; the lowest and highest are single assessors’ scores.",
        "Below the pass mark counts bids scoring under the round’s pass mark on an essential criterion.",
    ]
    return Table("criteria", "Scores by criterion", columns, [stat.row() for stat in stats], notes)


def _recommendations_table(counted: Counter[Recommendation | None]) -> Table:
    rows: list[list[Cell]] = [[recommendation.label, counted[recommendation]] for recommendation in Recommendation]
    if counted[None]:
        rows.append(["None given", counted[None]])
    rows.append(["All assessments", sum(counted.values())])
    columns = [Column("Assessor’s recommendation"), Column("Assessments", True)]
    return Table("recommendations", "Assessors’ recommendations", columns, rows)


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


def _load_latest_checks(scope: Scope) -> list[LatestCheck]:
    """Each screened application's latest check, with its checklist. One statement."""
    latest = select(func.max(EligibilityCheck.id)).group_by(EligibilityCheck.application_id)
    rows = db.session.execute(
        select(Application.status, EligibilityCheck.result, EligibilityCheck.checklist)
        .join(Application, Application.id == EligibilityCheck.application_id)
        .where(*applications_in(scope), EligibilityCheck.id.in_(latest))
    )
    return [LatestCheck(status, result, list(checklist or [])) for status, result, checklist in rows]


def _load_ruled_out(scope: Scope) -> list[tuple[str, int]]:
    """How many withdrawn drafts each eligibility question ruled out, most first. One statement."""
    count = func.count(func.distinct(Application.id))
    rows = db.session.execute(
        select(EligibilityQuestion.text, count)
        .select_from(EligibilityAnswer)
        .join(EligibilityQuestion, EligibilityQuestion.id == EligibilityAnswer.question_id)
        .join(Application, Application.id == EligibilityAnswer.application_id)
        .where(
            *rounds_in(scope, Application.round_id),
            Application.status == S.WITHDRAWN,
            Application.submitted_at.is_(None),
            EligibilityAnswer.answer != EligibilityQuestion.qualifying_answer,
        )
        .group_by(EligibilityQuestion.id, EligibilityQuestion.text, EligibilityQuestion.position)
        .order_by(count.desc(), EligibilityQuestion.position, EligibilityQuestion.id)
    )
    return [(text, int(groups)) for text, groups in rows]


def _scored(scope: Scope) -> list[ColumnElement[bool]]:
    """Submitted score sheets of assessors who declared no conflict, on the scope's applications."""
    return [
        *applications_in(scope),
        Assignment.status == AssignmentStatus.ACCEPTED,
        ScoreSheet.submitted_at.is_not(None),
    ]


def _load_sheets(scope: Scope) -> list[tuple[int, int, Recommendation | None, int]]:
    """(bid, its round, recommendation, submitted sheets). One statement."""
    rows = db.session.execute(
        select(Application.id, Application.round_id, ScoreSheet.recommendation, func.count(ScoreSheet.id))
        .select_from(ScoreSheet)
        .join(Assignment, Assignment.id == ScoreSheet.assignment_id)
        .join(Application, Application.id == Assignment.application_id)
        .where(*_scored(scope))
        .group_by(Application.id, Application.round_id, ScoreSheet.recommendation)
    )
    return [(bid, round_id, recommendation, int(count)) for bid, round_id, recommendation, count in rows]


def _load_scores(scope: Scope) -> list[CriterionScores]:
    """Each bid's submitted scores for each criterion: how many, their total, lowest and highest. One statement."""
    rows = db.session.execute(
        select(
            Application.id,
            CriterionScore.criterion_id,
            func.count(CriterionScore.score),
            func.sum(CriterionScore.score),
            func.min(CriterionScore.score),
            func.max(CriterionScore.score),
        )
        .select_from(CriterionScore)
        .join(ScoreSheet, ScoreSheet.id == CriterionScore.sheet_id)
        .join(Assignment, Assignment.id == ScoreSheet.assignment_id)
        .join(Application, Application.id == Assignment.application_id)
        .where(*_scored(scope), CriterionScore.score.is_not(None))
        .group_by(Application.id, CriterionScore.criterion_id)
    )
    return [CriterionScores(*(int(value) for value in row)) for row in rows]


def _load_agreed(scope: Scope) -> dict[tuple[int, int], int]:
    """The moderators' latest agreed score for each (bid, criterion). One statement."""
    agreed: dict[tuple[int, int], int] = {}
    rows = db.session.execute(
        select(ModeratedScore.application_id, ModeratedScore.criterion_id, ModeratedScore.score)
        .join(Application, Application.id == ModeratedScore.application_id)
        .where(*applications_in(scope))
        .order_by(ModeratedScore.moderated_at, ModeratedScore.id)
    )
    for application_id, criterion_id, score in rows:
        agreed[(application_id, criterion_id)] = score  # later ones replace earlier
    return agreed


def _load_criteria(scope: Scope) -> list[Criterion]:
    """The scope's rounds' criteria, in the rounds' order. One statement."""
    return list(
        db.session.scalars(
            select(Criterion)
            .where(*rounds_in(scope, Criterion.round_id))
            .order_by(Criterion.position, Criterion.round_id.desc(), Criterion.id)
        )
    )
