"""The select boxes every report's filters are made of, and the fund-and-round pair most of them start with.
Reports filter with GET forms, so a value typed into the query string by hand is checked against the choices here
(with the GOV.UK error summary), never trusted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import Field, SelectChoice, SelectField, SubmitField
from wtforms.validators import Optional, ValidationError

from grantsfund.common.forms import BaseForm


def one_of_the_choices(message: str) -> Callable[[Any, Field], None]:
    def check(form: Any, field: Field) -> None:
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(message)

    return check


def filter_select(label: str, message: str, *, description: str | None = None) -> SelectField:
    """An optional select whose value must be one of its choices; `choices` are set when the form is made."""
    return SelectField(
        label,
        description=description or "",
        widget=GovSelect(),
        validators=[Optional(), one_of_the_choices(message)],
        validate_choice=False,
    )


class FilterButton(SubmitField):
    """The button that applies a GET form's filters. Its value is its own, never whatever the query string said:
    anything can be typed there, and it would otherwise be written back into the page."""

    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(label, widget=GovSubmitInput(), **kwargs)

    def _value(self) -> str:
        return "y"


def choices(anything: str, options: list[tuple[Any, str]]) -> list[SelectChoice]:
    """The options, after a first choice of everything (`anything`: "All funds")."""
    return [SelectChoice("", anything), *(SelectChoice(str(value), label) for value, label in options)]


class FundAndRoundFilters(BaseForm):
    """A report's filters (a GET form: filtering changes nothing, so it needs no CSRF token) starting with a fund and
    a round; a round chosen with a fund must be one of the fund's. Subclasses set `round_funds` and the choices."""

    class Meta:
        csrf = False

    fund = filter_select("Fund", "Select a fund from the list")
    round = filter_select("Round", "Select a round from the list")
    round_funds: dict[int, int]  # each round's fund

    def validate_round(self, field: SelectField) -> None:
        # Only once both are among the choices (the field's own validator has said so otherwise).
        fund_of_round = {str(round_id): str(fund_id) for round_id, fund_id in self.round_funds.items()}
        if field.data in fund_of_round and self.fund.data and fund_of_round[field.data] != self.fund.data:
            raise ValidationError("Select a round in the fund you chose, or all rounds")
