"""The grants officers' list of submitted applications: filters, sorting, a page at a time, and the rows of the
CSV export. Read-only; no request, so a CLI command or a test calls it the same way as the views.

Drafts are the group's own business: officers see an application only once it has been submitted (a draft
withdrawn before submission never has `submitted_at`)."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVarTuple

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import (
    ColumnElement,
    Select,
    SQLColumnExpression,
    String,
    UnaryExpression,
    case,
    cast,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.orm import contains_eager, lazyload

from grantsfund.applications.models import Application, ApplicationStatus, application_themes, application_wards
from grantsfund.common.dates import to_london
from grantsfund.common.downloads import safe_cell
from grantsfund.common.money import format_pence, plain_pounds
from grantsfund.common.pagination import PER_PAGE
from grantsfund.extensions import db
from grantsfund.organisations.models import Organisation, Ward
from grantsfund.rounds.models import Fund, Round, RoundStatus, Theme

# What officers may filter by; a draft is never in the list.
LISTED_STATUSES = tuple(status for status in ApplicationStatus if status is not ApplicationStatus.DRAFT)

# Rows the export fetches from the database at a time: memory stays flat however many applications match.
EXPORT_BATCH = 1000


@dataclass(frozen=True)
class AmountBand:
    """Amounts requested from `minimum_pence` (inclusive) up to `below_pence` (exclusive); None is open-ended."""

    key: str
    minimum_pence: int | None
    below_pence: int | None

    @property
    def label(self) -> str:
        low, below = self.minimum_pence, self.below_pence
        if low is not None and below is not None:
            return f"{_whole(low)} to {format_pence(below - 1)}"
        if below is not None:
            return f"Under {_whole(below)}"
        if low is not None:
            return f"{_whole(low)} and over"
        return "Any amount"


def _whole(pence: int) -> str:
    return format_pence(pence).removesuffix(".00")


AMOUNT_BANDS = (
    AmountBand("under-1000", None, 100_000),
    AmountBand("1000-4999", 100_000, 500_000),
    AmountBand("5000-9999", 500_000, 1_000_000),
    AmountBand("10000-plus", 1_000_000, None),
)
AMOUNT_BANDS_BY_KEY = {band.key: band for band in AMOUNT_BANDS}


class SortKey(enum.StrEnum):
    SUBMITTED = "submitted"
    REFERENCE = "reference"
    ORGANISATION = "organisation"
    AMOUNT = "amount"
    STATUS = "status"

    @property
    def starts_descending(self) -> bool:
        """Newest first is what officers want from dates; everything else reads A to Z, smallest first."""
        return self is SortKey.SUBMITTED


DEFAULT_SORT = SortKey.SUBMITTED


@dataclass(frozen=True)
class ApplicationFilters:
    """What the officer asked for; None and "" mean any."""

    round_id: int | None = None
    status: ApplicationStatus | None = None
    theme_id: int | None = None
    ward_id: int | None = None
    amount_band: AmountBand | None = None
    q: str = ""
    sort: SortKey = DEFAULT_SORT
    descending: bool = DEFAULT_SORT.starts_descending
    page: int = 1


@dataclass(frozen=True)
class FilterOptions:
    """The choices the filter form offers, as (id, label)."""

    rounds: list[tuple[int, str]]
    themes: list[tuple[int, str]]
    wards: list[tuple[int, str]]


def filter_options() -> FilterOptions:
    """Rounds that can hold submitted applications (not drafts), every theme and every ward: three queries."""
    rounds = db.session.execute(
        select(Round.id, Round.name, Fund.name)
        .join(Fund, Round.fund_id == Fund.id)
        .where(Round.status != RoundStatus.DRAFT)
        .order_by(Fund.name, Round.id.desc())
    )
    themes = db.session.execute(select(Theme.id, Theme.name).order_by(Theme.position, Theme.id))
    wards = db.session.execute(select(Ward.id, Ward.name).order_by(Ward.name))
    return FilterOptions(
        rounds=[(round_id, f"{fund_name}: {round_name}") for round_id, round_name, fund_name in rounds],
        themes=[(theme_id, name) for theme_id, name in themes],
        wards=[(ward_id, name) for ward_id, name in wards],
    )


def _status_order() -> ColumnElement[int]:
    """Statuses sort in lifecycle order (submitted before approved), not alphabetically."""
    return case(*((Application.status == status, position) for position, status in enumerate(ApplicationStatus)))


def _ordering(filters: ApplicationFilters) -> list[UnaryExpression[Any]]:
    columns: dict[SortKey, SQLColumnExpression[Any]] = {
        SortKey.SUBMITTED: Application.submitted_at,
        SortKey.REFERENCE: Application.reference,
        SortKey.ORGANISATION: func.lower(Organisation.name),
        SortKey.AMOUNT: Application.amount_requested_pence,
        SortKey.STATUS: _status_order(),
    }
    column = columns[filters.sort]
    # Applications without an amount go last either way; the id keeps ties in one order on every page.
    if filters.descending:
        return [column.desc().nulls_last(), Application.id.desc()]
    return [column.asc().nulls_last(), Application.id.asc()]


Columns = TypeVarTuple("Columns")


def _filtered(query: Select[*Columns], filters: ApplicationFilters) -> Select[*Columns]:
    query = query.join(Organisation, Application.organisation_id == Organisation.id).where(
        Application.status != ApplicationStatus.DRAFT, Application.submitted_at.is_not(None)
    )
    if filters.round_id is not None:
        query = query.where(Application.round_id == filters.round_id)
    if filters.status is not None:
        query = query.where(Application.status == filters.status)
    if filters.theme_id is not None:
        query = query.where(
            exists().where(
                application_themes.c.application_id == Application.id,
                application_themes.c.theme_id == filters.theme_id,
            )
        )
    if filters.ward_id is not None:
        query = query.where(
            exists().where(
                application_wards.c.application_id == Application.id, application_wards.c.ward_id == filters.ward_id
            )
        )
    if (band := filters.amount_band) is not None:
        if band.minimum_pence is not None:
            query = query.where(Application.amount_requested_pence >= band.minimum_pence)
        if band.below_pence is not None:
            query = query.where(Application.amount_requested_pence < band.below_pence)
    if filters.q:
        # autoescape: a % or _ typed in the box matches itself, not any text
        query = query.where(
            or_(
                Application.title.icontains(filters.q, autoescape=True),
                Application.reference.icontains(filters.q, autoescape=True),
                Organisation.name.icontains(filters.q, autoescape=True),
            )
        )
    return query.order_by(*_ordering(filters))


def list_applications(filters: ApplicationFilters) -> Pagination:
    """One page of applications with their group, round and fund: two queries (the page and the count),
    whatever the number of applications."""
    query = _filtered(select(Application), filters)
    query = (
        query.join(Round, Application.round_id == Round.id)
        .join(Fund, Round.fund_id == Fund.id)
        .options(
            # The page shows the group's name only: its members and ward would be extra work for nothing.
            contains_eager(Application.organisation).options(
                lazyload(Organisation.memberships), lazyload(Organisation.ward)
            ),
            contains_eager(Application.round).contains_eager(Round.fund),
        )
    )
    return db.paginate(query, page=filters.page, per_page=PER_PAGE, error_out=False)


# The export ---------------------------------------------------------------------------------------------------

EXPORT_HEADER = (
    "Reference",
    "Project title",
    "Organisation",
    "Legal form",
    "Round",
    "Fund",
    "Status",
    "Amount requested (£)",
    "Submitted at (UK time)",
    "Themes",
    "Wards",
)


def _ids(column: ColumnElement[int], key: ColumnElement[int]) -> ColumnElement[str | None]:
    """The ids linked to this application, comma-separated, in one correlated subquery: every row of the
    export comes from a single statement, however many there are."""
    return (
        select(func.aggregate_strings(cast(column, String), ","))
        .where(key == Application.id)
        .correlate(Application)
        .scalar_subquery()
    )


def _names(ids: str | None, names: dict[str, tuple[int, str]]) -> str:
    if not ids:
        return ""
    # An id missing from `names` was added after they were read, a moment ago: the next export has it.
    return "; ".join(name for _, name in sorted(names[item] for item in ids.split(",") if item in names))


def export_rows(filters: ApplicationFilters, options: FilterOptions) -> Iterator[list[str]]:
    """The export's rows, each a list of cells as they go in the file, in the list's order, fetched
    `EXPORT_BATCH` at a time by one query, however many there are. Theme and ward names come from `options`
    (short lists, already loaded for the filters, in the page's order: themes by position, wards by name)."""
    theme_names = {str(theme_id): (rank, name) for rank, (theme_id, name) in enumerate(options.themes)}
    ward_names = {str(ward_id): (rank, name) for rank, (ward_id, name) in enumerate(options.wards)}
    query = _filtered(
        select(
            Application.reference,
            Application.title,
            Organisation.name,
            Organisation.legal_form,
            Round.name,
            Fund.name,
            Application.status,
            Application.amount_requested_pence,
            Application.submitted_at,
            _ids(application_themes.c.theme_id, application_themes.c.application_id),
            _ids(application_wards.c.ward_id, application_wards.c.application_id),
        ).select_from(Application),
        filters,
    )
    query = query.join(Round, Application.round_id == Round.id).join(Fund, Round.fund_id == Fund.id)
    result = db.session.execute(query.execution_options(yield_per=EXPORT_BATCH))
    for reference, title, organisation, legal_form, round_name, fund, status, pence, submitted, themes, wards in result:
        yield [
            safe_cell(reference or ""),
            safe_cell(title or ""),
            safe_cell(organisation),
            legal_form.label,
            safe_cell(round_name),
            safe_cell(fund),
            status.label,
            "" if pence is None else plain_pounds(pence),
            _london_iso(submitted),
            safe_cell(_names(themes, theme_names)),
            safe_cell(_names(wards, ward_names)),
        ]


def _london_iso(moment: datetime | None) -> str:
    return "" if moment is None else to_london(moment).isoformat(timespec="seconds")
