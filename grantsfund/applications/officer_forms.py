"""The filter form of the officers' list of applications (a GET form: filtering changes nothing, so it needs
no CSRF token)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import Field, HiddenField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional, ValidationError

from grantsfund.applications.listing import (
    AMOUNT_BANDS,
    AMOUNT_BANDS_BY_KEY,
    DEFAULT_SORT,
    LISTED_STATUSES,
    ApplicationFilters,
    FilterOptions,
    SortKey,
)
from grantsfund.applications.models import ApplicationStatus
from grantsfund.common.forms import BaseForm

ASCENDING, DESCENDING = "asc", "desc"


def _one_of_the_choices(message: str) -> Callable[[Any, Field], None]:
    def check(form: Any, field: Field) -> None:
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(message)

    return check


def _choices(anything: str, options: list[tuple[int, str]]) -> list[SelectChoice]:
    return [SelectChoice("", anything), *(SelectChoice(str(value), label) for value, label in options)]


class ApplicationFilterForm(BaseForm):
    class Meta:
        csrf = False

    q = StringField(
        "Search",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=100, message="Enter 100 characters or fewer to search for")],
        description="Reference, project title or group name",
    )
    round = SelectField(
        "Round",
        widget=GovSelect(),
        validators=[Optional(), _one_of_the_choices("Select a round from the list")],
        validate_choice=False,
    )
    status = SelectField(
        "Status",
        widget=GovSelect(),
        choices=[
            SelectChoice("", "Any status"),
            *(SelectChoice(status.value, status.label) for status in LISTED_STATUSES),
        ],
        validators=[Optional(), _one_of_the_choices("Select a status from the list")],
        validate_choice=False,
    )
    theme = SelectField(
        "Theme",
        widget=GovSelect(),
        validators=[Optional(), _one_of_the_choices("Select a theme from the list")],
        validate_choice=False,
    )
    ward = SelectField(
        "Ward",
        widget=GovSelect(),
        validators=[Optional(), _one_of_the_choices("Select a ward from the list")],
        validate_choice=False,
    )
    amount = SelectField(
        "Amount requested",
        widget=GovSelect(),
        choices=[SelectChoice("", "Any amount"), *(SelectChoice(band.key, band.label) for band in AMOUNT_BANDS)],
        validators=[Optional(), _one_of_the_choices("Select an amount from the list")],
        validate_choice=False,
    )
    # Set by the column headings' links; kept here so filtering does not lose the order chosen.
    sort = HiddenField()
    order = HiddenField()
    submit = SubmitField("Apply filters", widget=GovSubmitInput())

    def __init__(self, formdata: Any, *, options: FilterOptions) -> None:
        super().__init__(formdata)
        self.round.choices = _choices("All rounds", options.rounds)
        self.theme.choices = _choices("Any theme", options.themes)
        self.ward.choices = _choices("Any ward", options.wards)

    def filtering(self) -> bool:
        """Whether anything was chosen or typed to filter by (an empty form sent as it came does not count)."""
        return any(field.data for field in (self.q, self.round, self.status, self.theme, self.ward, self.amount))

    def sorting(self) -> tuple[SortKey, bool]:
        """The column and direction asked for; nobody types these, so anything unknown is the default order."""
        values = {key.value for key in SortKey}
        key = SortKey(self.sort.data) if self.sort.data in values else DEFAULT_SORT
        if self.order.data in {ASCENDING, DESCENDING}:
            return key, self.order.data == DESCENDING
        return key, key.starts_descending

    def filters(self, *, page: int) -> ApplicationFilters:
        """What the list shows: call after validate(); a form that did not validate filters nothing."""
        key, descending = self.sorting()
        if self.errors:
            return ApplicationFilters(sort=key, descending=descending, page=page)
        return ApplicationFilters(
            round_id=int(self.round.data) if self.round.data else None,
            status=ApplicationStatus(self.status.data) if self.status.data else None,
            theme_id=int(self.theme.data) if self.theme.data else None,
            ward_id=int(self.ward.data) if self.ward.data else None,
            amount_band=AMOUNT_BANDS_BY_KEY.get(self.amount.data or ""),
            q=self.q.data or "",
            sort=key,
            descending=descending,
            page=page,
        )
