"""What a report covers: a round, all of a fund's rounds, or every round, with the choices the filter offers and
the conditions that pick out the applications and rounds in it.

It sits apart from round_summary.py so that the summary's parts (round_eligibility.py, round_assessment.py) and the
equality report can all share it: they are imported by the summary, so they could not import it from there."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, select

from grantsfund.applications.models import Application
from grantsfund.extensions import db
from grantsfund.rounds import queries as rounds
from grantsfund.rounds.models import Round

# The name of the row that adds up every application, the same in every table of the round summary.
ALL_APPLICATIONS = "All applications"


@dataclass(frozen=True)
class Scope:
    """A round, all of a fund's rounds, or (neither) every round."""

    fund_id: int | None = None
    round_id: int | None = None

    def query_args(self) -> dict[str, Any]:
        """The scope as the page's query string. Both are always given, so "every round" ("" for both) is not
        mistaken for the page opened without a choice (which shows the latest round)."""
        return {"fund": self.fund_id or "", "round": self.round_id or ""}


@dataclass(frozen=True)
class ReportOptions:
    """The rounds and funds a report can cover, and the round it shows when nothing is chosen: the most recent one
    (by when it opened) that has applications."""

    funds: list[tuple[int, str]]
    rounds: list[tuple[int, str]]  # (id, "Fund: Round"), as rounds.queries.round_choices() gives them
    round_funds: dict[int, int]
    by_id: dict[int, Round]
    default_round_id: int | None

    @property
    def default(self) -> Scope:
        return Scope(round_id=self.default_round_id) if self.default_round_id is not None else Scope()

    def covered(self, scope: Scope) -> list[Round]:
        if scope.round_id is not None:
            return [self.by_id[scope.round_id]]
        return [round_ for round_ in self.by_id.values() if scope.fund_id in (None, round_.fund_id)]

    def label(self, scope: Scope) -> str:
        if scope.round_id is not None:
            return dict(self.rounds)[scope.round_id]
        if scope.fund_id is not None:
            return f"{dict(self.funds)[scope.fund_id]}: all rounds"
        return "Every fund and round"

    def slug(self, scope: Scope) -> str:
        """The scope in a file name: 'communities-fund-round-2025-26'."""
        return re.sub(r"[^a-z0-9]+", "-", self.label(scope).lower()).strip("-") or "report"


def report_options() -> ReportOptions:
    """Every fund and round (three statements: the funds with their rounds, and which rounds have applications)."""
    funds = rounds.list_funds()
    with_bids = set(
        db.session.scalars(select(Application.round_id).where(Application.submitted_at.is_not(None)).distinct())
    )
    by_id = {round_.id: round_ for fund in funds for round_ in fund.rounds}
    candidates = [round_ for round_ in by_id.values() if round_.id in with_bids]
    latest = max(candidates, key=lambda round_: (round_.opens_at or round_.created_at, round_.id), default=None)
    return ReportOptions(
        funds=[(fund.id, fund.name) for fund in funds],
        rounds=[(round_.id, f"{fund.name}: {round_.name}") for fund in funds for round_ in fund.rounds],
        round_funds={round_.id: round_.fund_id for round_ in by_id.values()},
        by_id=by_id,
        default_round_id=latest.id if latest else None,
    )


def applications_in(scope: Scope) -> list[ColumnElement[bool]]:
    """The conditions on Application for the submitted applications a scope covers."""
    conditions: list[ColumnElement[bool]] = [Application.submitted_at.is_not(None)]
    if scope.round_id is not None:
        conditions.append(Application.round_id == scope.round_id)
    elif scope.fund_id is not None:
        conditions.append(Application.round_id.in_(select(Round.id).where(Round.fund_id == scope.fund_id)))
    return conditions


def rounds_in(scope: Scope, column: Any) -> list[ColumnElement[bool]]:
    """The conditions on a round id column for the rounds a scope covers."""
    if scope.round_id is not None:
        return [column == scope.round_id]
    if scope.fund_id is not None:
        return [column.in_(select(Round.id).where(Round.fund_id == scope.fund_id))]
    return []
