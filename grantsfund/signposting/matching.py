"""Which other funders' programmes might suit a group, and why: each programme is compared with the group and
its project on six points, each giving a reason that fits, does not fit, or cannot be told. A programme that is
closed, or that cannot fund this group (its kind, area or income), is never suggested; the rest are ranked by
themes in common, then amount, then timing, then name, so the same directory and application always give the
same list. This is a suggestion, never a promise: the letter tells the group to check the funder's criteria."""

from __future__ import annotations

import csv
import enum
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from grantsfund.applications.models import Application
from grantsfund.common.dates import format_date
from grantsfund.common.money import format_pence
from grantsfund.organisations.models import LegalForm
from grantsfund.signposting.models import Programme, ProgrammeStatus, Reach

SYNONYMS_CSV = Path(__file__).parent / "data" / "theme-synonyms.csv"

# Which of the UK's nations each national area covers.
NATIONS: dict[str, frozenset[str]] = {
    "uk": frozenset({"england", "wales", "scotland", "northern ireland"}),
    "united kingdom": frozenset({"england", "wales", "scotland", "northern ireland"}),
    "great britain": frozenset({"england", "wales", "scotland"}),
    "england and wales": frozenset({"england", "wales"}),
    "england": frozenset({"england"}),
    "wales": frozenset({"wales"}),
    "scotland": frozenset({"scotland"}),
    "northern ireland": frozenset({"northern ireland"}),
}


class Topic(enum.StrEnum):
    THEMES = "themes"
    KIND = "kind"
    AMOUNT = "amount"
    AREA = "area"
    TIMING = "timing"
    INCOME = "income"


# A programme that does not fit on one of these cannot fund the group at all; each as an officer's list names it.
DEAL_BREAKERS: dict[Topic, str] = {Topic.KIND: "kind of group", Topic.AREA: "area", Topic.INCOME: "income"}


@dataclass(frozen=True)
class Reason:
    topic: Topic
    fits: bool | None  # None: cannot be told from what we know
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {"topic": self.topic.value, "fits": self.fits, "text": self.text}


@dataclass(frozen=True)
class Place:
    """Where the council is, from its configuration."""

    council: str
    nation: str
    region: str = ""


@dataclass(frozen=True)
class Profile:
    """What the matching knows about a group and its project."""

    legal_form: LegalForm
    income_pence: int | None
    wards: frozenset[tuple[int, str]]
    amount_pence: int | None
    # What the project is about, in the fund's words: its themes, its outcomes' domains, who it is for.
    interests: frozenset[str]


@dataclass(frozen=True)
class Match:
    programme: Programme
    reasons: tuple[Reason, ...]
    interests: frozenset[str] = frozenset()

    def reason(self, topic: Topic) -> Reason | None:
        return next((reason for reason in self.reasons if reason.topic is topic), None)

    @property
    def suggestible(self) -> bool:
        if self.programme.status is ProgrammeStatus.CLOSED:
            return False
        return not any(reason.fits is False and reason.topic in DEAL_BREAKERS for reason in self.reasons)

    @property
    def themes_in_common(self) -> tuple[str, ...]:
        return _shared_tags(self.programme.themes, self.interests)

    @property
    def misfits(self) -> tuple[Reason, ...]:
        return tuple(reason for reason in self.reasons if reason.fits is False)

    def rank(self) -> tuple[Any, ...]:
        amount, timing = self.reason(Topic.AMOUNT), self.reason(Topic.TIMING)
        return (
            -len(self.themes_in_common),
            _fit_order(amount),
            _fit_order(timing),
            self.programme.funder.name.casefold(),
            self.programme.name.casefold(),
            self.programme.id or 0,
        )


def _fit_order(reason: Reason | None) -> int:
    return {True: 0, None: 1, False: 2}[reason.fits if reason else None]


@functools.cache
def synonyms() -> dict[str, frozenset[str]]:
    with SYNONYMS_CSV.open(newline="", encoding="utf-8") as handle:
        return {
            row["tag"].strip().casefold(): frozenset(term.strip().casefold() for term in row["matches"].split(";"))
            for row in csv.DictReader(handle)
        }


def _meanings(tag: str) -> frozenset[str]:
    word = tag.strip().casefold()
    return frozenset({word}) | synonyms().get(word, frozenset())


def _shared_tags(tags: Iterable[str], interests: frozenset[str]) -> tuple[str, ...]:
    return tuple(tag for tag in tags if _meanings(tag) & interests)


def profile_for(application: Application) -> Profile:
    organisation = application.organisation
    wards = application.wards or [organisation.ward]
    interests = {theme.name for theme in application.themes}
    interests |= {outcome.indicator.domain for outcome in application.outcomes}
    interests |= {community.label for community in application.community_values}
    return Profile(
        legal_form=organisation.legal_form,
        income_pence=organisation.annual_income_pence,
        wards=frozenset((ward.id, ward.name) for ward in wards),
        amount_pence=application.amount_requested_pence,
        interests=frozenset(interest.casefold() for interest in interests),
    )


def evaluate(programme: Programme, profile: Profile, place: Place, today: date) -> Match:
    reasons = [
        _themes(programme, profile),
        _kind(programme, profile),
        _amount(programme, profile),
        _area(programme, profile, place),
        _timing(programme, today),
        _income(programme, profile),
    ]
    return Match(programme, tuple(reason for reason in reasons if reason is not None), profile.interests)


def suggest(
    programmes: Iterable[Programme], profile: Profile, place: Place, today: date, *, limit: int | None = None
) -> list[Match]:
    """The programmes that could fund this group, best first; at most `limit` of them."""
    matches = [evaluate(programme, profile, place, today) for programme in programmes]
    ranked = sorted((match for match in matches if match.suggestible), key=Match.rank)
    return ranked if limit is None else ranked[:limit]


# The six points --------------------------------------------------------------------------------------------


def _pounds(pence: int) -> str:
    return format_pence(pence).removesuffix(".00")


def _listed(items: Iterable[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _themes(programme: Programme, profile: Profile) -> Reason:
    if not programme.themes:
        return Reason(Topic.THEMES, None, "The funder names no themes: read what it funds on its website")
    shared = _shared_tags(programme.themes, profile.interests)
    if shared:
        return Reason(Topic.THEMES, True, f"Funds work on {_listed(shared)}, as your project is")
    if not profile.interests:
        return Reason(Topic.THEMES, None, f"Funds work on {_listed(programme.themes)}")
    return Reason(Topic.THEMES, False, f"No themes in common with your project: it funds {_listed(programme.themes)}")


def _kind(programme: Programme, profile: Profile) -> Reason:
    label = profile.legal_form.label
    if not programme.legal_forms:
        # An empty list is missing data, not a promise: the directory does not say who may apply.
        return Reason(Topic.KIND, None, "Check who can apply on the funder's website")
    if profile.legal_form.value in programme.legal_forms:
        return Reason(Topic.KIND, True, f"Open to your kind of group ({label})")
    allowed = [LegalForm(value).label for value in programme.legal_forms]
    return Reason(Topic.KIND, False, f"Not open to your kind of group ({label}); open to: {'; '.join(allowed)}")


def _range(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"from {_pounds(low)} to {_pounds(high)}"
    if low is not None:
        return f"from {_pounds(low)}"
    return f"up to {_pounds(high)}" if high is not None else ""


def _amount(programme: Programme, profile: Profile) -> Reason:
    low, high = programme.min_award_pence, programme.max_award_pence
    if low is None and high is None:
        return Reason(Topic.AMOUNT, None, "No grant sizes published: check with the funder")
    grants = f"Grants {_range(low, high)}"
    asked = profile.amount_pence
    if asked is None:
        return Reason(Topic.AMOUNT, None, grants)
    if high is not None and asked > high:
        return Reason(
            Topic.AMOUNT,
            False,
            f"{grants}; you asked for {_pounds(asked)}: you could scale the project down or ask for part of the cost",
        )
    if low is not None and asked < low:
        return Reason(Topic.AMOUNT, False, f"{grants}; you asked for {_pounds(asked)}: it suits a larger project")
    return Reason(Topic.AMOUNT, True, f"{grants}, which covers the {_pounds(asked)} you asked for")


def _area(programme: Programme, profile: Profile, place: Place) -> Reason:
    area = programme.area.strip()
    if programme.reach is Reach.NATIONAL:
        nations = NATIONS.get(area.casefold())
        if nations is None:
            return Reason(Topic.AREA, None, f"Works in {area or 'an area not recorded'}: check it covers yours")
        if place.nation.casefold() in nations:
            return Reason(Topic.AREA, True, f"Works across {area}, including {place.council}")
        return Reason(Topic.AREA, False, f"Works in {area} only")
    if programme.reach is Reach.REGIONAL:
        if not place.region:
            return Reason(Topic.AREA, None, f"Works in {area}: check it covers yours")
        if same_place(area, place.region):
            return Reason(Topic.AREA, True, f"Works in {area}, where your group is")
        return Reason(Topic.AREA, False, f"Works in {area} only")
    if not programme.wards:
        return Reason(Topic.AREA, True, f"Works across {place.council}")
    covered = {ward.id for ward in programme.wards}
    yours = sorted(name for ward_id, name in profile.wards if ward_id in covered)
    if yours:
        return Reason(Topic.AREA, True, f"Works in {_listed(yours)}, where your project is")
    return Reason(Topic.AREA, False, f"Works only in {_listed([ward.name for ward in programme.wards])}")


def same_place(one: str, other: str) -> bool:
    """Whether two names are the same area however typed: "Yorkshire & the Humber" is "yorkshire and the humber"."""
    return _place_words(one) == _place_words(other)


def _place_words(name: str) -> list[str]:
    return name.casefold().replace("&", " and ").split()


def _timing(programme: Programme, today: date) -> Reason:
    deadline = programme.next_deadline
    match programme.status:
        case ProgrammeStatus.CLOSED:
            return Reason(Topic.TIMING, False, "Closed to new applications")
        case ProgrammeStatus.ROLLING:
            return Reason(Topic.TIMING, True, "Takes applications at any time")
        case ProgrammeStatus.ROUND_BASED if deadline is not None and deadline >= today:
            # A round may not be open yet: the deadline is all we know.
            return Reason(Topic.TIMING, True, f"Next deadline: {format_date(deadline)}")
        case _ if deadline is not None and deadline >= today:
            return Reason(Topic.TIMING, True, f"Open now: the next deadline is {format_date(deadline)}")
        case ProgrammeStatus.OPEN if deadline is None:
            return Reason(Topic.TIMING, True, "Open now")
        case ProgrammeStatus.OPEN:
            return Reason(
                Topic.TIMING,
                False,
                f"The deadline we know of ({format_date(deadline)}) has passed: check for a new one",
            )
        case _:
            return Reason(Topic.TIMING, None, "Opens in rounds: check the funder's website for the next deadline")


def _income(programme: Programme, profile: Profile) -> Reason | None:
    low, high = programme.min_income_pence, programme.max_income_pence
    if low is None and high is None:
        return None
    limits = f"For groups with a yearly income {_range(low, high)}"
    income = profile.income_pence
    if income is None:
        return Reason(Topic.INCOME, None, limits)
    within = (low is None or income >= low) and (high is None or income <= high)
    verdict = "yours fits" if within else "yours does not"
    return Reason(Topic.INCOME, within, f"{limits}: {verdict} ({_pounds(income)})")
