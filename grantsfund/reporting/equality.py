"""Equality monitoring: who leads the groups that applied, and how their bids fared, from the voluntary questions
in grantsfund/applications/equality.py. Only ever in aggregate, with small numbers suppressed.

What counts:
- Every submitted application in the round (or fund) counts once, with the answers its group gave; an application
  whose group skipped a question, or answered none, counts under "Not answered".
- Funded: approved. Not funded: declined by the panel or found not eligible. The rest are still being decided or
  were withdrawn. Success rate = funded ÷ (funded + not funded), as in the round summary.
- Suppression (grantsfund/reporting/suppression.py): any count under 5 reads "Fewer than 5"; a count that would let
  one be worked out from a total is "Not shown"; a rate from either is not shown. The two tables are suppressed
  together, with their shared total row taken as known (the round summary and the open data publish how many
  applied and how many were funded), so it is never the one held back.

Nothing about a single application ever leaves this module: it reads each application's status and answers, and
returns only counts. One statement, after the filter's choices."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from sqlalchemy import select

from grantsfund.applications.equality import LEADERSHIP_ANSWERS, LEADERSHIP_QUESTION, LED_BY_ANSWERS, LED_BY_QUESTION
from grantsfund.applications.models import Application, ApplicationStatus, EqualityResponse
from grantsfund.extensions import db
from grantsfund.reporting.round_scope import ReportOptions, Scope, applications_in
from grantsfund.reporting.suppression import WITHHELD_TEXT, Mark, Sum, suppress
from grantsfund.reporting.tables import SUPPRESSED, SUPPRESSED_TEXT, Cell, Column, Percent, Table

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
LEGEND = (
    f"“{SUPPRESSED_TEXT}”: a count from 0 to 4, not shown so that no group can be identified. "
    f"“{WITHHELD_TEXT}”: a count of 5 or more, or a rate, held back so that a count under 5 cannot be worked out "
    "from the totals."
)
RATE = "Success rate is funded ÷ (funded + not funded): bids still being decided or withdrawn are left out."


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


WIDTH = 4  # each row's counts: funded, not funded, open, and its applications


def _row_sums(first_row: int, rows: int) -> list[Sum]:
    """Each row's outcomes add up to its applications."""
    return [
        Sum((start, start + 1, start + 2), start + 3)
        for start in range(first_row * WIDTH, (first_row + rows) * WIDTH, WIDTH)
    ]


def _column_sums(first_row: int, rows: int, total_row: int) -> list[Sum]:
    """Each column of `rows` rows adds up to the total row's."""
    return [
        Sum(tuple((first_row + row) * WIDTH + column for row in range(rows)), total_row * WIDTH + column)
        for column in range(WIDTH)
    ]


def suppressed(counted: Counted) -> tuple[list[list[Mark]], list[list[Mark]], list[Mark]]:
    """How each count of the two tables may be shown: [funded, not funded, open, applications] for each answer of
    each question, and for the total row the tables share. Suppressed together, so the shared row reads the same
    in both, and with the total row known (the round summary and the open data publish how many applied and how
    many were funded). Each answer to the first question is one application's, so its columns add up to the
    total; in the second a group may choose several, but "not answered" and the groups that answered at least
    one (never shown, but a reader can subtract) add up to the total."""
    led_by, leadership = list(counted.led_by.values()), list(counted.leadership.values())
    answered = [total - skipped for total, skipped in zip(counted.total, leadership[-1], strict=True)]
    rows = [*led_by, *leadership, counted.total, answered]
    counts = [count for parts in rows for count in (*parts, sum(parts))]
    total_row, answered_row = len(led_by) + len(leadership), len(rows) - 1
    sums = [
        *_row_sums(0, len(rows)),
        *_column_sums(0, len(led_by), total_row),
        *(
            Sum((skipped, other), total)
            for skipped, other, total in zip(
                range((total_row - 1) * WIDTH, total_row * WIDTH),
                range(answered_row * WIDTH, (answered_row + 1) * WIDTH),
                range(total_row * WIDTH, (total_row + 1) * WIDTH),
                strict=True,
            )
        ),
    ]
    known = range(total_row * WIDTH, (total_row + 1) * WIDTH)
    marks = suppress(counts, sums, known)
    by_row = [marks[start : start + WIDTH] for start in range(0, len(marks), WIDTH)]
    return by_row[: len(led_by)], by_row[len(led_by) : total_row], by_row[total_row]


def _table(
    slug: str,
    title: str,
    named: Sequence[tuple[str, Sequence[int]]],
    marks: Sequence[Sequence[Mark]],
    notes: Sequence[str],
) -> Table:
    body = [_row(name, [*parts, sum(parts)], row_marks) for (name, parts), row_marks in zip(named, marks, strict=True)]
    hidden = any(mark is not Mark.SHOWN for row_marks in marks for mark in row_marks)
    return Table(slug, title, COLUMNS, body, (*notes, RATE, *([LEGEND] if hidden else [])))


def _cell(count: int, mark: Mark) -> Cell:
    if mark is Mark.SMALL:
        return SUPPRESSED
    return WITHHELD_TEXT if mark is Mark.WITHHELD else count


def _row(name: str, counts: Sequence[int], marks: Sequence[Mark]) -> list[Cell]:
    funded, not_funded = counts[FUNDED], counts[NOT_FUNDED]
    rate: Cell
    if marks[FUNDED] is not Mark.SHOWN or marks[NOT_FUNDED] is not Mark.SHOWN:
        rate = WITHHELD_TEXT
    else:
        rate = Percent(Fraction(funded, funded + not_funded)) if funded + not_funded else None
    cells = [_cell(count, mark) for count, mark in zip(counts, marks, strict=True)]
    return [name, cells[3], cells[FUNDED], cells[NOT_FUNDED], cells[OPEN], rate]


def equality_tables(counted: Counted) -> list[Table]:
    led_by_marks, leadership_marks, total_marks = suppressed(counted)
    total = (ALL_APPLICATIONS, counted.total)
    led_by = [(LED_BY_ANSWERS.get(key, key), parts) for key, parts in counted.led_by.items()]
    leadership = [(LEADERSHIP_ANSWERS.get(key, key), parts) for key, parts in counted.leadership.items()]
    return [
        _table(
            "led-by",
            "Led by the communities it serves",
            [*led_by, total],
            [*led_by_marks, total_marks],
            [f"The question: “{LED_BY_QUESTION}”"],
        ),
        _table(
            "leadership",
            "Who leads the group",
            [*leadership, total],
            [*leadership_marks, total_marks],
            [
                f"The question: “{LEADERSHIP_QUESTION}”",
                "A group could choose more than one answer, so the rows add up to more than the total.",
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
