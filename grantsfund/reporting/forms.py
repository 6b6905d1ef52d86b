"""The outcomes portfolio's filters: a GET form (filtering changes nothing, so it needs no CSRF token)."""

from __future__ import annotations

from typing import Any

from wtforms import SelectField
from wtforms.validators import ValidationError

from grantsfund.reporting.filter_fields import FilterButton, FundAndRoundFilters, choices, filter_select
from grantsfund.reporting.portfolio import FilterOptions, Filters


class PortfolioFilterForm(FundAndRoundFilters):
    theme = filter_select("Theme", "Select a theme from the list")
    ward = filter_select("Ward", "Select a ward from the list")
    heading = filter_select("Indicators of Integration heading", "Select a heading from the list")
    domain = filter_select("Indicators of Integration domain", "Select a domain from the list")
    submit = FilterButton("Apply filters")

    def __init__(self, formdata: Any, *, options: FilterOptions) -> None:
        super().__init__(formdata)
        self.options = options
        self.round_funds = options.round_funds
        self.fund.choices = choices("All funds", options.funds)
        self.round.choices = choices("All rounds", options.rounds)
        self.theme.choices = choices("Any theme", options.themes)
        self.ward.choices = choices("Any ward", options.wards)
        self.heading.choices = choices("Every heading", [(heading, heading) for heading in options.headings])
        self.domain.choices = choices(
            "Every domain", [(domain, f"{domain} ({heading})") for heading, domain in options.domains]
        )

    def validate_domain(self, field: SelectField) -> None:
        heading = self.heading.data
        if field.data and heading and (heading, field.data) not in self.options.domains:
            raise ValidationError("Select a domain under the heading you chose, or every domain")

    def filtering(self) -> bool:
        """Whether anything was chosen (an empty form sent as it came does not count)."""
        return any(field.data for field in (self.fund, self.round, self.theme, self.ward, self.heading, self.domain))

    def filters(self) -> Filters:
        """What the portfolio covers: call after validate(); a form with errors filters nothing."""
        if self.errors:
            return Filters()
        return Filters(
            fund_id=int(self.fund.data) if self.fund.data else None,
            round_id=int(self.round.data) if self.round.data else None,
            theme_id=int(self.theme.data) if self.theme.data else None,
            ward_id=int(self.ward.data) if self.ward.data else None,
            heading=self.heading.data or None,
            domain=self.domain.data or None,
        )
