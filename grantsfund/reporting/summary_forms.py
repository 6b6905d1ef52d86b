"""The round summary's and the equality report's filter: a fund, a round, or every round. A GET form (filtering
changes nothing, so it needs no CSRF token). Opened with nothing chosen, it shows the latest round with
applications."""

from __future__ import annotations

from typing import Any

from grantsfund.reporting.filter_fields import FilterButton, FundAndRoundFilters, choices
from grantsfund.reporting.round_scope import ReportOptions, Scope


class RoundReportForm(FundAndRoundFilters):
    submit = FilterButton("Show figures")

    def __init__(self, formdata: Any, *, options: ReportOptions) -> None:
        super().__init__(formdata)
        self.options = options
        self.round_funds = options.round_funds
        self.fund.choices = choices("All funds", options.funds)
        self.round.choices = choices("All rounds", options.rounds)
        # Opened with nothing chosen (not even "all"): the latest round with applications, shown as chosen.
        self.defaulted = formdata is None or ("fund" not in formdata and "round" not in formdata)
        if self.defaulted and options.default_round_id is not None:
            self.round.data = str(options.default_round_id)

    def scope(self) -> Scope:
        """What the report covers: call after validate(). A form with errors shows the latest round."""
        if self.errors or self.defaulted:
            return self.options.default
        return Scope(
            fund_id=int(self.fund.data) if self.fund.data else None,
            round_id=int(self.round.data) if self.round.data else None,
        )
