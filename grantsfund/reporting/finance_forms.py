"""The finance report's filters: a GET form (filtering changes nothing, so it needs no CSRF token)."""

from __future__ import annotations

from typing import Any

from wtforms import SelectChoice

from grantsfund.reporting.filter_fields import FilterButton, FundAndRoundFilters, choices, filter_select
from grantsfund.reporting.finance import FinanceFilters, FinanceOptions, FinancialYear


class FinanceFilterForm(FundAndRoundFilters):
    year = filter_select(
        "Financial year", "Select a financial year from the list", description="For the payments month by month"
    )
    submit = FilterButton("Apply filters")

    def __init__(self, formdata: Any, *, options: FinanceOptions) -> None:
        super().__init__(formdata)
        self.options = options
        self.round_funds = options.round_funds
        self.fund.choices = choices("All funds", options.funds)
        self.round.choices = choices("All rounds", options.rounds)
        self.year.choices = [
            SelectChoice(str(year.first), f"April {year.first} to March {year.first + 1}") for year in options.years
        ]
        if not self.year.data:
            self.year.data = str(options.current.first)  # the current year is chosen until another is

    def filtering(self) -> bool:
        """Whether anything but the current year was chosen."""
        return bool(self.fund.data or self.round.data or self.year.data != str(self.options.current.first))

    def filters(self) -> FinanceFilters:
        """What the report covers: call after validate(); a form with errors covers every round this year."""
        if self.errors:
            return FinanceFilters(year=self.options.current)
        return FinanceFilters(
            year=FinancialYear(int(self.year.data)),
            fund_id=int(self.fund.data) if self.fund.data else None,
            round_id=int(self.round.data) if self.round.data else None,
        )
