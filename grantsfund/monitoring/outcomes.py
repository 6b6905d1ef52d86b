"""How a grant's returns add up against its targets: the one rule the closure record, the grant's pages and the
outcomes portfolio all use.

A count (people, sessions) is reported per period, so the grant's figure is the sum over its accepted returns. A
percentage (people reporting better wellbeing) is a level at the time of the return, so the grant's figure is the
latest accepted return's."""

from __future__ import annotations

from collections.abc import Sequence

PERCENT = "percent"


def grant_actual(kind: str, actuals_in_period_order: Sequence[int | None]) -> int | None:
    """The grant's figure for one target from its accepted returns' figures, oldest period first; None when no
    return has reported it. `kind` is the indicator's own unit in the library ("count" or "percent"), never the
    unit a group typed beside its target ("%", "people"), which is only for showing the figure."""
    reported = [actual for actual in actuals_in_period_order if actual is not None]
    if not reported:
        return None
    return reported[-1] if kind == PERCENT else sum(reported)
