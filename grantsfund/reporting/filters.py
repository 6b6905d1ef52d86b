"""What the outcomes portfolio may be narrowed to, and the indicator library its targets are filed under."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class IndicatorInfo:
    """An Indicators of Integration measure, as the portfolio files targets under it."""

    id: int
    heading: str
    domain: str
    measure: str
    unit: str  # the library's: "count" or "percent"


@dataclass(frozen=True)
class Filters:
    """Which grants: those of a fund or round, with a theme or ward on their application, or with a target under an
    Indicators of Integration heading or domain (then only those targets are added up). All optional."""

    fund_id: int | None = None
    round_id: int | None = None
    theme_id: int | None = None
    ward_id: int | None = None
    heading: str | None = None
    domain: str | None = None

    @property
    def chosen(self) -> bool:
        return bool(self.query_args())

    @property
    def by_indicator(self) -> bool:
        """Whether the heading or domain filter is on, so only some of each grant's targets count."""
        return self.heading is not None or self.domain is not None

    def query_args(self) -> dict[str, Any]:
        """The filters as the page's query string (the names of the form's fields)."""
        values = {
            "fund": self.fund_id,
            "round": self.round_id,
            "theme": self.theme_id,
            "ward": self.ward_id,
            "heading": self.heading,
            "domain": self.domain,
        }
        return {name: value for name, value in values.items() if value is not None}

    def covers(self, indicator: IndicatorInfo) -> bool:
        """Whether a target on this indicator is one the heading and domain filters let through."""
        return (self.heading is None or indicator.heading == self.heading) and (
            self.domain is None or indicator.domain == self.domain
        )
