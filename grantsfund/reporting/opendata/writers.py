"""The files: a 360Giving JSON package, and the same grants flattened into the standard's spreadsheet columns as CSV
and XLSX (a "grants" sheet and a "Meta" sheet). Each writer takes the grants as they come, one at a time, so a file
of any size is written with one batch of grants in memory.

- JSON: `{"title", "license", "publisher", "issued", "grants": [...]}`, the package 360Giving's package schema
  describes. Amounts are exact numbers with two decimals (1234.50), written from Decimals, never through a float.
- CSV and XLSX: one row per grant, the columns titled as the schema titles its fields, joined with colons as
  360Giving's templates and flatten-tool do ("Recipient Org:Identifier"); one group of "Beneficiary Location:<n>:..."
  columns for each ward of the grant naming the most. Text is kept from running as a spreadsheet formula: in CSV
  by a leading quote (grantsfund.common.downloads.safe_cell), in XLSX by storing it as text, exactly as typed;
  amounts in XLSX are numbers."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook

from grantsfund.common.downloads import safe_cell
from grantsfund.reporting.opendata import standard
from grantsfund.reporting.opendata.records import PublishedGrant
from grantsfund.reporting.spreadsheets import Formatted, add_sheet

NUMBER_FORMAT = "#,##0.00"
CSV_ROWS = 200  # rows of a CSV file held before they are written out
GRANTS_SHEET = "grants"
META_SHEET = "Meta"

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Column:
    path: Path  # keys and item numbers into the record: ("recipientOrganization", 0, "id")
    title: str


def _column(*path: str | int, numbered: bool = False) -> Column:
    """A column titled from the schema. Lists the standard rolls up (one recipient, one funder, one programme, one
    planned period) are titled without their item number; `numbered` lists (locations) with it."""
    names = [part for part in path if isinstance(part, str)]
    title = standard.title(*names)
    if numbered:
        first, rest = title.split(":", 1)
        title = f"{first}:{path[1]}:{rest}"
    return Column(path, title)


LOCATION_FIELDS = ("name", "geoCode", "geoCodeType", "countryCode")


def columns(locations: int) -> list[Column]:
    """The flat file's columns, with `locations` groups of beneficiary location columns."""
    return [
        *(_column(name) for name in ("id", "title", "description", "currency")),
        *(_column(name) for name in ("amountAppliedFor", "amountAwarded", "amountDisbursed", "awardDate")),
        *(_column("plannedDates", 0, name) for name in ("startDate", "endDate", "duration")),
        *(
            _column("recipientOrganization", 0, name)
            for name in ("id", "name", "charityNumber", "companyNumber", "addressLocality", "postalCode")
        ),
        *(
            _column("beneficiaryLocation", number, name, numbered=True)
            for number in range(locations)
            for name in LOCATION_FIELDS
        ),
        _column("locationScope"),
        *(_column("fundingOrganization", 0, name) for name in ("id", "name")),
        *(_column("grantProgramme", 0, name) for name in ("code", "title")),
        *(_column(name) for name in ("fromOpenCall", "dateModified", "dataSource")),
    ]


def headings(chosen: Sequence[Column]) -> list[str]:
    return [column.title for column in chosen]


def value_at(record: dict[str, Any], path: Path) -> Any:
    """The value at `path` in the record, or None where the record has nothing there."""
    found: Any = record
    for step in path:
        if isinstance(step, int):
            found = found[step] if isinstance(found, list) and len(found) > step else None
        else:
            found = found.get(step) if isinstance(found, dict) else None
        if found is None:
            return None
    return found


@dataclass
class Tally:
    """What went into a file, counted as the grants go by."""

    grants: int = 0
    awarded_pence: int = 0
    disbursed_pence: int = 0

    def counted(self, grants: Iterable[PublishedGrant]) -> Iterator[PublishedGrant]:
        for grant in grants:
            self.grants += 1
            self.awarded_pence += grant.awarded_pence
            self.disbursed_pence += grant.disbursed_pence
            yield grant


# JSON -----------------------------------------------------------------------------------------------------------


def encode(value: Any) -> str:
    """JSON text for a record: as json.dumps, except that a Decimal is written as the number it is (1234.50)."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(key))}: {encode(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(encode(item) for item in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def json_chunks(grants: Iterable[PublishedGrant], package: dict[str, Any]) -> Iterator[str]:
    """The package's text a piece at a time: its metadata, then one grant to a line."""
    yield "{\n"
    for key, value in package.items():
        yield f"  {json.dumps(key)}: {encode(value)},\n"
    yield '  "grants": ['
    separator = "\n    "
    for grant in grants:
        yield separator + encode(grant.record)
        separator = ",\n    "
    yield "\n  ]\n}\n"


# CSV ------------------------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, str):
        return safe_cell(value)
    return str(value)


def text_rows(grants: Iterable[PublishedGrant], chosen: Sequence[Column]) -> Iterator[list[str]]:
    for grant in grants:
        yield [_text(value_at(grant.record, column.path)) for column in chosen]


def csv_chunks(
    grants: Iterable[PublishedGrant], chosen: Sequence[Column], *, batch: int | None = None
) -> Iterator[str]:
    """The CSV file's text, a batch of rows at a time: a byte order mark (so Excel reads it as UTF-8), the titles,
    then a row per grant."""
    batch = batch or CSV_ROWS
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(headings(chosen))
    for number, row in enumerate(text_rows(grants, chosen), start=1):
        writer.writerow(row)
        if number % batch == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


# XLSX -----------------------------------------------------------------------------------------------------------


def _cell(value: Any) -> Formatted:
    if isinstance(value, Decimal):
        return value, NUMBER_FORMAT
    return value, None  # text is stored as text (common.downloads.sheet_cell), exactly as validated


def sheet_rows(grants: Iterable[PublishedGrant], chosen: Sequence[Column]) -> Iterator[list[Formatted]]:
    for grant in grants:
        yield [_cell(value_at(grant.record, column.path)) for column in chosen]


@dataclass
class Meta:
    """What the Meta sheet says about the file; the counts come from the grants as they are written."""

    title: str
    publisher: str
    publisher_id: str
    prefix: str
    licence: str
    data_source: str
    published_on: str  # YYYY-MM-DD
    filters: str
    tally: Tally = field(default_factory=Tally)

    def rows(self) -> list[list[Formatted]]:
        pairs: list[tuple[str, Any, str | None]] = [
            ("Title", self.title, None),
            ("Publisher", self.publisher, None),
            ("Publisher identifier", self.publisher_id, None),
            ("360Giving prefix", self.prefix, None),
            ("Licence", self.licence, None),
            ("Data source", self.data_source, None),
            ("Date of publication", self.published_on, None),
            ("Schema", f"{standard.NAME} ({standard.SCHEMA_URL})", None),
            ("Grants included", self.filters, None),
            ("Number of grants", self.tally.grants, None),
            ("Currency", "GBP", None),
            ("Total amount awarded", Decimal(self.tally.awarded_pence).scaleb(-2), NUMBER_FORMAT),
            ("Total amount disbursed", Decimal(self.tally.disbursed_pence).scaleb(-2), NUMBER_FORMAT),
        ]
        return [
            [(label, None), _cell(value) if number_format is None else (value, number_format)]
            for label, value, number_format in pairs
        ]


def fill_workbook(workbook: Workbook, grants: Iterable[PublishedGrant], chosen: Sequence[Column], meta: Meta) -> None:
    """The grants sheet (written as the grants come), then the Meta sheet with what went into it."""
    add_sheet(workbook, GRANTS_SHEET, headings(chosen), sheet_rows(meta.tally.counted(grants), chosen))
    add_sheet(workbook, META_SHEET, ["Field", "Value"], meta.rows())


def write_xlsx(out: IO[bytes], grants: Iterable[PublishedGrant], chosen: Sequence[Column], meta: Meta) -> None:
    workbook = Workbook(write_only=True)
    fill_workbook(workbook, grants, chosen, meta)
    workbook.save(out)
