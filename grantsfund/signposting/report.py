"""The signposting report: how many groups were signposted, to how many funders, how many applied, how many
were funded and how much they raised elsewhere, by round, funder and theme. The success rate counts only the
applications whose result is known (funded or not successful)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grantsfund.applications.models import Application
from grantsfund.common.downloads import safe_cell
from grantsfund.common.money import plain_pounds
from grantsfund.extensions import db
from grantsfund.signposting.models import Signpost, SignpostOutcome, SignpostStatus, Suggestion

NO_THEME = "No theme given"
HEADINGS = [
    "By",
    "Name",
    "Groups signposted",
    "Funders suggested",
    "Applications made",
    "Funded",
    "Not successful",
    "Success rate (%)",
    "Raised elsewhere (£)",
]


@dataclass
class Tally:
    name: str
    # Organisations, not bids: a group signposted in two rounds is one group.
    groups: set[int] = field(default_factory=set)
    suggested: int = 0
    applied: int = 0
    funded: int = 0
    unsuccessful: int = 0
    raised_pence: int = 0

    def add(self, suggestion: Suggestion) -> None:
        self.groups.add(suggestion.signpost.application.organisation_id)
        self.suggested += 1
        outcome = suggestion.outcome
        if outcome is not None and outcome.applied:
            self.applied += 1
        if outcome is SignpostOutcome.FUNDED:
            self.funded += 1
            self.raised_pence += suggestion.amount_raised_pence or 0
        if outcome is SignpostOutcome.UNSUCCESSFUL:
            self.unsuccessful += 1

    @property
    def signposted(self) -> int:
        return len(self.groups)

    @property
    def success_rate(self) -> int | None:
        """Whole per cent of the applications with a known result that were funded, rounded half up."""
        known = self.funded + self.unsuccessful
        return None if not known else (200 * self.funded + known) // (2 * known)


@dataclass
class Report:
    total: Tally
    by_round: list[Tally]
    by_funder: list[Tally]
    by_theme: list[Tally]

    def rows(self) -> Iterator[list[str]]:
        for by, tallies in (
            ("All", [self.total]),
            ("Round", self.by_round),
            ("Funder", self.by_funder),
            ("Theme", self.by_theme),
        ):
            for tally in tallies:
                rate = "" if tally.success_rate is None else str(tally.success_rate)
                counts = (tally.signposted, tally.suggested, tally.applied, tally.funded, tally.unsuccessful)
                yield [by, safe_cell(tally.name), *map(str, counts), rate, plain_pounds(tally.raised_pence)]


def _tally(
    suggestions: Iterable[Suggestion], keys: Callable[[Suggestion], Iterable[tuple[object, str]]]
) -> list[Tally]:
    """Add up the suggestions under each (key, name) they belong to: keyed by id where names may repeat."""
    tallies: dict[object, Tally] = {}
    for suggestion in suggestions:
        for key, name in keys(suggestion):
            tallies.setdefault(key, Tally(name)).add(suggestion)
    return sorted(tallies.values(), key=lambda tally: (-tally.raised_pence, -tally.signposted, tally.name.casefold()))


def build(*, round_id: int | None = None) -> Report:
    query = (
        select(Signpost)
        .join(Signpost.application)
        .where(Signpost.status == SignpostStatus.SENT)
        .options(
            selectinload(Signpost.suggestions),
            selectinload(Signpost.application).selectinload(Application.themes),
            selectinload(Signpost.application).joinedload(Application.round),
        )
    )
    if round_id is not None:
        query = query.where(Application.round_id == round_id)
    suggestions = [suggestion for signpost in db.session.scalars(query).unique() for suggestion in signpost.suggestions]
    total = Tally("All signposts")
    for suggestion in suggestions:
        total.add(suggestion)

    def themes(suggestion: Suggestion) -> list[tuple[object, str]]:
        return [(theme.id, theme.name) for theme in suggestion.signpost.application.themes] or [(None, NO_THEME)]

    def round_of(suggestion: Suggestion) -> list[tuple[object, str]]:
        round_ = suggestion.signpost.application.round
        return [(round_.id, round_.name)]

    def funder_of(suggestion: Suggestion) -> list[tuple[object, str]]:
        funder = suggestion.programme.funder
        return [(funder.id, funder.name)]

    return Report(
        total=total,
        by_round=_tally(suggestions, round_of),
        by_funder=_tally(suggestions, funder_of),
        by_theme=_tally(suggestions, themes),
    )
