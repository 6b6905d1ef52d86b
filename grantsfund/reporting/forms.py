"""The outcomes portfolio's filters: a GET form (filtering changes nothing, so it needs no CSRF token)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import Field, SelectChoice, SelectField, SubmitField
from wtforms.validators import Optional, ValidationError

from grantsfund.common.forms import BaseForm
from grantsfund.reporting.portfolio import FilterOptions, Filters


def _one_of_the_choices(message: str) -> Callable[[Any, Field], None]:
    def check(form: Any, field: Field) -> None:
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(message)

    return check


def _select(label: str, message: str) -> SelectField:
    return SelectField(
        label, widget=GovSelect(), validators=[Optional(), _one_of_the_choices(message)], validate_choice=False
    )


def _choices(anything: str, options: list[tuple[Any, str]]) -> list[SelectChoice]:
    return [SelectChoice("", anything), *(SelectChoice(str(value), label) for value, label in options)]


class PortfolioFilterForm(BaseForm):
    class Meta:
        csrf = False

    fund = _select("Fund", "Select a fund from the list")
    round = _select("Round", "Select a round from the list")
    theme = _select("Theme", "Select a theme from the list")
    ward = _select("Ward", "Select a ward from the list")
    heading = _select("Indicators of Integration heading", "Select a heading from the list")
    domain = _select("Indicators of Integration domain", "Select a domain from the list")
    submit = SubmitField("Apply filters", widget=GovSubmitInput())

    def __init__(self, formdata: Any, *, options: FilterOptions) -> None:
        super().__init__(formdata)
        self.options = options
        self.fund.choices = _choices("All funds", options.funds)
        self.round.choices = _choices("All rounds", options.rounds)
        self.theme.choices = _choices("Any theme", options.themes)
        self.ward.choices = _choices("Any ward", options.wards)
        self.heading.choices = _choices("Every heading", [(heading, heading) for heading in options.headings])
        self.domain.choices = _choices(
            "Every domain", [(domain, f"{domain} ({heading})") for heading, domain in options.domains]
        )

    def validate_round(self, field: SelectField) -> None:
        # Only once both are among the choices (the field's own validator has said so otherwise).
        fund_of_round = {str(round_id): str(fund_id) for round_id, fund_id in self.options.round_funds.items()}
        if field.data in fund_of_round and self.fund.data and fund_of_round[field.data] != self.fund.data:
            raise ValidationError("Select a round in the fund you chose, or all rounds")

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
