"""The payments file for the council's finance system, as CSV or Excel: the instalments paid, approved or due in
a date range, one row each. Both are fed by one query read in batches, so memory stays flat however many rows
there are; text people typed is neutralised so that a spreadsheet never runs it as a formula."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook
from sqlalchemy import Select, select

from grantsfund.agreements.models import Agreement, MonitoringPeriod
from grantsfund.applications.models import Application
from grantsfund.common.dates import london_to_utc, to_london
from grantsfund.common.downloads import safe_cell, sheet_cell, workbook_file
from grantsfund.common.money import plain_pounds
from grantsfund.extensions import db
from grantsfund.organisations.models import Organisation
from grantsfund.payments.models import Instalment, InstalmentStatus, condition_text
from grantsfund.rounds.models import Fund, Round

BATCH = 1000
POUNDS_FORMAT = '"£"#,##0.00'
DATE_FORMAT = "dd/mm/yyyy"


class Which(enum.StrEnum):
    PAID = "paid"
    APPROVED = "approved"
    SCHEDULED = "scheduled"

    @property
    def label(self) -> str:
        return {
            "paid": "Paid (by date paid)",
            "approved": "Approved, awaiting payment (by date approved)",
            "scheduled": "Scheduled (by due date, any status)",
        }[self.value]


class FileFormat(enum.StrEnum):
    CSV = "csv"
    XLSX = "xlsx"

    @property
    def label(self) -> str:
        return {"csv": "CSV (comma-separated values)", "xlsx": "Excel (.xlsx)"}[self.value]


@dataclass(frozen=True)
class Criteria:
    which: Which
    date_from: date
    date_to: date

    def filename(self, file_format: FileFormat) -> str:
        return f"payments-{self.which.value}-{self.date_from.isoformat()}-to-{self.date_to.isoformat()}.{file_format}"


HEADER = (
    "Payment reference",
    "Date paid",
    "Date due",
    "Status",
    "Amount (£)",
    "Grant reference",
    "Group",
    "Charity number",
    "Company number",
    "Round",
    "Fund",
    "Instalment",
    "Condition",
    "Date approved",
)


@dataclass(frozen=True)
class Row:
    payment_reference: str
    paid_on: date | None
    due_on: date
    status: InstalmentStatus
    amount_pence: int
    grant_reference: str
    group: str
    charity_number: str
    company_number: str
    round: str
    fund: str
    number: int
    condition: str
    approved_on: date | None


def _between(criteria: Criteria) -> Any:
    if criteria.which is Which.PAID:
        return (
            Instalment.status == InstalmentStatus.PAID,
            Instalment.paid_on >= criteria.date_from,
            Instalment.paid_on <= criteria.date_to,
        )
    if criteria.which is Which.APPROVED:
        # Approved on a day in London: from its first moment to the first moment of the day after the last.
        return (
            Instalment.status == InstalmentStatus.APPROVED,
            Instalment.approved_at >= london_to_utc(criteria.date_from, time()),
            Instalment.approved_at < london_to_utc(criteria.date_to + timedelta(days=1), time()),
        )
    return (Instalment.due_on >= criteria.date_from, Instalment.due_on <= criteria.date_to)


_ORDER = {
    Which.PAID: (Instalment.paid_on, Instalment.payment_reference),
    Which.APPROVED: (Instalment.approved_at,),
    Which.SCHEDULED: (Instalment.due_on,),
}


def _query(criteria: Criteria) -> Select[*tuple[Any, ...]]:
    return (
        select(
            Instalment.payment_reference,
            Instalment.paid_on,
            Instalment.due_on,
            Instalment.status,
            Instalment.amount_pence,
            Application.reference,
            Organisation.name,
            Organisation.charity_number,
            Organisation.company_number,
            Round.name,
            Fund.name,
            Instalment.number,
            Instalment.condition,
            MonitoringPeriod.number,
            MonitoringPeriod.final,
            Instalment.approved_at,
        )
        .select_from(Instalment)
        .join(Agreement, Agreement.id == Instalment.agreement_id)
        .join(Application, Application.id == Agreement.application_id)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .join(Round, Round.id == Application.round_id)
        .join(Fund, Fund.id == Round.fund_id)
        .outerjoin(MonitoringPeriod, MonitoringPeriod.id == Instalment.period_id)
        .where(*_between(criteria))
        .order_by(*_ORDER[criteria.which], Application.reference, Instalment.number, Instalment.id)
    )


def rows(criteria: Criteria) -> Iterator[Row]:
    """The rows in order, read `BATCH` at a time by one query."""
    result = db.session.execute(_query(criteria).execution_options(yield_per=BATCH))
    for (
        reference,
        paid_on,
        due_on,
        status,
        pence,
        grant_reference,
        group,
        charity,
        company,
        round_name,
        fund,
        number,
        condition,
        period_number,
        final,
        approved_at,
    ) in result:
        yield Row(
            payment_reference=reference or "",
            paid_on=paid_on,
            due_on=due_on,
            status=status,
            amount_pence=pence,
            grant_reference=grant_reference or "",
            group=group,
            charity_number=charity or "",
            company_number=company or "",
            round=round_name,
            fund=fund,
            number=number,
            condition=condition_text(condition, period_number, final=bool(final)),
            approved_on=_london_day(approved_at),
        )


def _london_day(moment: datetime | None) -> date | None:
    return None if moment is None else to_london(moment).date()


def _texts(row: Row) -> list[str]:
    """The row's text cells, each made safe to open in a spreadsheet."""
    return [
        safe_cell(text)
        for text in (
            row.grant_reference,
            row.group,
            row.charity_number,
            row.company_number,
            row.round,
            row.fund,
            row.condition,
        )
    ]


def csv_rows(criteria: Criteria) -> Iterator[list[str]]:
    for row in rows(criteria):
        reference, group, charity, company, round_name, fund, condition = _texts(row)
        yield [
            safe_cell(row.payment_reference),
            row.paid_on.isoformat() if row.paid_on else "",
            row.due_on.isoformat(),
            row.status.label,
            plain_pounds(row.amount_pence),
            reference,
            group,
            charity,
            company,
            round_name,
            fund,
            str(row.number),
            condition,
            row.approved_on.isoformat() if row.approved_on else "",
        ]


def xlsx_file(criteria: Criteria) -> IO[bytes]:
    """The workbook, written a row at a time and kept in a temporary file (in memory while small), rewound to
    its start for reading. The caller closes it."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Payments")
    for column, width in zip("ABCDEFGHIJKLMN", (20, 12, 12, 10, 14, 16, 36, 14, 14, 24, 24, 11, 30, 14), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.append([sheet_cell(sheet, heading, bold=True) for heading in HEADER])
    for row in rows(criteria):
        reference, group, charity, company, round_name, fund, condition = _texts(row)
        sheet.append(
            [
                row.payment_reference or None,
                sheet_cell(sheet, row.paid_on, DATE_FORMAT),
                sheet_cell(sheet, row.due_on, DATE_FORMAT),
                row.status.label,
                sheet_cell(sheet, Decimal(row.amount_pence).scaleb(-2), POUNDS_FORMAT),
                reference,
                group,
                charity or None,
                company or None,
                round_name,
                fund,
                row.number,
                condition,
                sheet_cell(sheet, row.approved_on, DATE_FORMAT),
            ]
        )
    return workbook_file(workbook)
