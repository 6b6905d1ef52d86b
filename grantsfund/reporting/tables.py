"""The tables every report is made of, and how their cells read on the page, in a CSV file and in a spreadsheet.

A report builds `Table`s once; the page, the CSV and the XLSX all render the same rows, so the figures a fund
manager downloads are the figures they read. Cells are typed so that each format shows them properly: money is
pence (a spreadsheet gets a number in pounds with a £ format, never text), a share is a fraction (shown to one
decimal place), so is a score (an average can be 3.4, and a spreadsheet should be able to average it again), and a
count too small to publish is `SUPPRESSED`."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from grantsfund.common.downloads import safe_cell
from grantsfund.common.money import format_pence, plain_pounds


@dataclass(frozen=True)
class Money:
    pence: int


@dataclass(frozen=True)
class Percent:
    """A share as a fraction of one: Percent(Fraction(1, 8)) reads 12.5%."""

    share: Fraction


@dataclass(frozen=True)
class Score:
    """A score, such as an average out of 5, to one decimal place: Score(Fraction(17, 5)) reads 3.4."""

    value: Fraction


class Suppressed(enum.Enum):
    """A count too small to publish without risk of identifying someone: it reads 'fewer than 5'."""

    CELL = "suppressed"


SUPPRESSED = Suppressed.CELL
SUPPRESSED_TEXT = "Fewer than 5"

Cell = str | int | Money | Percent | Score | Suppressed | None


@dataclass(frozen=True)
class Column:
    heading: str
    numeric: bool = False


@dataclass(frozen=True)
class Table:
    """`slug` names the table in URLs and file names; `title` is its caption and its spreadsheet sheet."""

    slug: str
    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Cell]]
    notes: Sequence[str] = field(default_factory=tuple)

    @property
    def headings(self) -> list[str]:
        return [column.heading for column in self.columns]

    def text_rows(self) -> Iterator[list[str]]:
        for row in self.rows:
            yield [as_text(cell) for cell in row]


def one_decimal_percent(share: Fraction) -> str:
    """Fraction(1, 8) -> '12.5', rounded half up at the first decimal place."""
    tenths = (share * 1000 + Fraction(1, 2)).__floor__()
    sign = "-" if tenths < 0 else ""
    whole, tenth = divmod(abs(tenths), 10)
    return f"{sign}{whole}.{tenth}"


def one_decimal(value: Fraction) -> str:
    """Fraction(7, 2) -> '3.5', rounded half up at the first decimal place, as shares are."""
    return one_decimal_percent(value / 100)


def as_text(cell: Cell) -> str:
    """The cell in a CSV file: pounds without a symbol, a percentage without its sign, typed text formula-safe."""
    match cell:
        case None:
            return ""
        case Suppressed():
            return SUPPRESSED_TEXT
        case Money(pence):
            return plain_pounds(pence)
        case Percent(share):
            return one_decimal_percent(share)
        case Score(value):
            return one_decimal(value)
        case int():
            return str(cell)
        case _:
            return safe_cell(cell)


def as_html(cell: Cell) -> str:
    """The cell on the page (autoescaped by the template)."""
    match cell:
        case None:
            return ""
        case Suppressed():
            return SUPPRESSED_TEXT
        case Money(pence):
            return format_pence(pence)
        case Percent(share):
            return one_decimal_percent(share) + "%"
        case Score(value):
            return one_decimal(value)
        case int():
            return f"{cell:,}"
        case _:
            return cell


POUNDS_FORMAT = "£#,##0.00"
PERCENT_FORMAT = "0.0%"
SCORE_FORMAT = "0.0"


def as_xlsx(cell: Cell) -> tuple[Any, str | None]:
    """The cell's value in a spreadsheet and its number format: money, shares and scores stay numbers people can
    add up."""
    match cell:
        case Money(pence):
            return Decimal(pence) / 100, POUNDS_FORMAT
        case Percent(share):
            return Decimal(share.numerator) / Decimal(share.denominator), PERCENT_FORMAT
        case Score(value):
            return Decimal(value.numerator) / Decimal(value.denominator), SCORE_FORMAT
        case Suppressed():
            return SUPPRESSED_TEXT, None
        case _:
            return cell, None  # text is stored as text (common.downloads.sheet_cell): never a formula


_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title: str) -> str:
    """A title as a spreadsheet sheet's name: at most 31 characters, none of the ones Excel refuses."""
    return _NOT_IN_SHEET_NAMES.sub(" ", title)[:31].strip() or "Sheet"
