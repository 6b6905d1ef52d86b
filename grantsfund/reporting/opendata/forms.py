"""The 360Giving page's filters: a GET form (filtering changes nothing, so it needs no CSRF token). The round is one of
the rounds; "decided on or after" is GOV.UK's date input, its three boxes sharing the name `since`."""

from __future__ import annotations

from typing import Any

from wtforms.validators import ValidationError

from grantsfund.common.dates import london_today
from grantsfund.common.fields import DayField
from grantsfund.common.forms import BaseForm
from grantsfund.reporting.filter_fields import FilterButton, choices, filter_select
from grantsfund.reporting.opendata.records import Selection


class PublicationFilterForm(BaseForm):
    class Meta:
        csrf = False

    round = filter_select("Round", "Select a round from the list")
    since = DayField(
        "Decided on or after",
        required=None,
        description="For example, 1 7 2025. Leave it empty for every award, however long ago it was made.",
    )
    submit = FilterButton("Apply filters")

    def __init__(self, formdata: Any, *, rounds: list[tuple[int, str]]) -> None:
        super().__init__(formdata)
        self.round.choices = choices("Every round", rounds)

    def validate_since(self, field: DayField) -> None:
        if field.data is not None and field.data > london_today():
            raise ValidationError("Decided on or after must be today or in the past")

    def selection(self) -> Selection:
        """The grants chosen: call after validate(); a form with errors chooses every grant."""
        if self.errors:
            return Selection()
        return Selection(round_id=int(self.round.data) if self.round.data else None, since=self.since.data)

    def filtering(self) -> bool:
        return bool(self.round.data) or any(self.since.raw_data or [])

    def query_args(self) -> dict[str, Any]:
        """The filters as they came in the query string, for links that keep them (the date as its three boxes)."""
        chosen = self.selection()
        args: dict[str, Any] = {}
        if chosen.round_id is not None:
            args["round"] = str(chosen.round_id)
        if chosen.since is not None:
            args["since"] = [str(chosen.since.day), str(chosen.since.month), str(chosen.since.year)]
        return args
