"""Equality monitoring: who leads the groups that applied, and how their bids fared, from the voluntary questions
in grantsfund/applications/equality.py. Only ever in aggregate, with small numbers suppressed.

What counts:
- Every submitted application in the round (or fund) counts once, with the answers its group gave; an application
  whose group skipped a question, or answered none, counts under "Not answered".
- Funded: approved. Not funded: declined by the panel or found not eligible. The rest are still being decided or
  were withdrawn. Success rate = funded ÷ (funded + not funded), as in the round summary.
- Small numbers (grantsfund/reporting/suppression.py): any count under 5 reads "Fewer than 5"; every other count,
  totals included, is rounded to the nearest 5 from its own true value. A success rate is worked out from the
  rounded counts, and is "Not shown" when funded or not funded is under 5.

Nothing about a single application ever leaves this module: it reads each application's status and answers, and
returns only counts. One statement, after the filter's choices."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from grantsfund.applications.equality import LEADERSHIP_ANSWERS, LEADERSHIP_QUESTION, LED_BY_ANSWERS, LED_BY_QUESTION
from grantsfund.applications.models import Application, ApplicationStatus, EqualityResponse
from grantsfund.extensions import db
from grantsfund.reporting.round_scope import ReportOptions, Scope, applications_in
from grantsfund.reporting.suppression import rounded_share, shown
from grantsfund.reporting.tables import SUPPRESSED_TEXT, Cell, Column, Percent, Table

NOT_ANSWERED = "Not answered"
ALL_APPLICATIONS = "All applications"
SLUGS = ("led-by", "leadership")

FUNDED, NOT_FUNDED, OPEN = 0, 1, 2  # where each count sits in a row's counts
NOT_FUNDED_STATUSES = frozenset({ApplicationStatus.DECLINED, ApplicationStatus.INELIGIBLE})

COLUMNS = [
    Column("Answer"),
    Column("Applications", numeric=True),
    Column("Funded", numeric=True),
    Column("Not funded", numeric=True),
    Column("Still being decided or withdrawn", numeric=True),
    Column("Success rate", numeric=True),
]
NOT_SHOWN = "Not shown"
LEGEND = (
    f"Counts are rounded to the nearest 5, and a count from 0 to 4 reads “{SUPPRESSED_TEXT}”, so that no group can "
    "be identified, even by comparing rounds or funds. Rounded counts may not add up to the totals."
)
RATE = (
    "Success rate is funded ÷ (funded + not funded), from the rounded counts: bids still being decided or withdrawn "
    f"are left out. It reads “{NOT_SHOWN}” when funded or not funded is under 5."
)


def outcome_of(status: ApplicationStatus) -> int:
    if status is ApplicationStatus.APPROVED:
        return FUNDED
    return NOT_FUNDED if status in NOT_FUNDED_STATUSES else OPEN


@dataclass(frozen=True)
class Counted:
    """Applications by answer (each answer's [funded, not funded, open]), for both questions, and in all."""

    led_by: dict[str, list[int]]
    leadership: dict[str, list[int]]
    total: list[int]


def count_answers(rows: Iterable[tuple[ApplicationStatus, dict[str, Any] | None]]) -> Counted:
    """Each application's status and its group's answers (None: none given) added up by answer. Answers the
    questions do not offer count as not answered."""
    led_by = {key: [0, 0, 0] for key in [*LED_BY_ANSWERS, NOT_ANSWERED]}
    leadership = {key: [0, 0, 0] for key in [*LEADERSHIP_ANSWERS, NOT_ANSWERED]}
    total = [0, 0, 0]
    for status, answers in rows:
        outcome = outcome_of(status)
        total[outcome] += 1
        given = answers or {}
        led = given.get("led_by_communities")
        led_by[led if led in LED_BY_ANSWERS else NOT_ANSWERED][outcome] += 1
        chosen = [key for key in dict.fromkeys(given.get("leadership") or []) if key in LEADERSHIP_ANSWERS]
        for key in chosen or [NOT_ANSWERED]:
            leadership[key][outcome] += 1
    return Counted(led_by, leadership, total)


def _table(slug: str, title: str, named: Sequence[tuple[str, Sequence[int]]], notes: Sequence[str]) -> Table:
    return Table(slug, title, COLUMNS, [_row(name, parts) for name, parts in named], (*notes, RATE, LEGEND))


def _row(name: str, parts: Sequence[int]) -> list[Cell]:
    """A row of counts, each shown on its own (rounded, or "Fewer than 5"); the applications rounded from their own
    true total, not added up from the rounded outcomes; the rate from the rounded outcomes."""
    share = rounded_share(parts[FUNDED], parts[NOT_FUNDED])
    rate: Cell = NOT_SHOWN if share is None else Percent(share)
    return [name, shown(sum(parts)), shown(parts[FUNDED]), shown(parts[NOT_FUNDED]), shown(parts[OPEN]), rate]


def equality_tables(counted: Counted) -> list[Table]:
    total = (ALL_APPLICATIONS, counted.total)
    led_by = [(LED_BY_ANSWERS.get(key, key), parts) for key, parts in counted.led_by.items()]
    leadership = [(LEADERSHIP_ANSWERS.get(key, key), parts) for key, parts in counted.leadership.items()]
    return [
        _table(
            "led-by",
            "Led by the communities it serves",
            [*led_by, total],
            [f"The question: “{LED_BY_QUESTION}”"],
        ),
        _table(
            "leadership",
            "Who leads the group",
            [*leadership, total],
            [
                f"The question: “{LEADERSHIP_QUESTION}”",
                "A group could choose more than one answer, so the rows can add up to more than the total.",
            ],
        ),
    ]


@dataclass(frozen=True)
class EqualityReport:
    scope: Scope
    label: str
    slug: str
    tables: list[Table]

    def table(self, slug: str) -> Table:
        return next(table for table in self.tables if table.slug == slug)

    def filename(self, extension: str, today: date, table: str | None = None) -> str:
        parts = ["equality-monitoring", self.slug, *([table] if table else []), today.isoformat()]
        return "-".join(parts) + f".{extension}"


def equality_report(scope: Scope, options: ReportOptions) -> EqualityReport:
    """The report for `scope`: one statement, however many applications."""
    rows = db.session.execute(
        select(Application.status, EqualityResponse.answers)
        .outerjoin(EqualityResponse, EqualityResponse.application_id == Application.id)
        .where(*applications_in(scope))
    )
    counted = count_answers((status, answers) for status, answers in rows)
    return EqualityReport(scope, options.label(scope), options.slug(scope), equality_tables(counted))
