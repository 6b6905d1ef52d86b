"""Directory entries, profiles and signposted bids for the signposting tests.

`programme` and `profile` make transient objects for the pure matching functions (no database); `listed`
adds a funder's programme to the directory through the services; `ineligible` and `declined` make bids
that may be signposted, through screening and the panel as in real life."""

from __future__ import annotations

from datetime import date, datetime

from grantsfund.accounts.models import User
from grantsfund.applications.models import Application
from grantsfund.assessment import eligibility
from grantsfund.assessment.eligibility import Decision
from grantsfund.assessment.models import EligibilityResult
from grantsfund.common.actor import Actor
from grantsfund.organisations.models import LegalForm, Ward
from grantsfund.panel import decisions, meetings, outcomes
from grantsfund.panel.decisions import DecisionAnswers
from grantsfund.panel.models import Outcome
from grantsfund.rounds.models import Round
from grantsfund.signposting import directory
from grantsfund.signposting.directory import FunderDetails, ProgrammeDetails
from grantsfund.signposting.matching import Place, Profile
from grantsfund.signposting.models import Funder, Programme, ProgrammeStatus, Reach
from tests.applications import factories as applications
from tests.panel.factories import all_present, meeting, ranked

PLACE = Place(council="Northbrook Council", nation="England")
VERIFIED = date(2025, 6, 1)


# Transient, for the pure functions -------------------------------------------------------------------------


def programme(
    name: str = "Small grants",
    *,
    funder: str | Funder = "Test Foundation",
    id: int | None = None,
    status: ProgrammeStatus = ProgrammeStatus.ROLLING,
    reach: Reach = Reach.NATIONAL,
    area: str = "England",
    legal_forms: list[LegalForm] | None = None,
    themes: list[str] | None = None,
    min_award: int | None = None,
    max_award: int | None = None,
    min_income: int | None = None,
    max_income: int | None = None,
    next_deadline: date | None = None,
    wards: list[Ward] | None = None,
) -> Programme:
    """A programme that is not in the database; money in pence."""
    return Programme(
        id=id,
        funder=funder if isinstance(funder, Funder) else Funder(name=funder, website="https://example.org"),
        name=name,
        status=status,
        reach=reach,
        area=area,
        legal_forms=[form.value for form in legal_forms or []],
        themes=list(themes or []),
        min_award_pence=min_award,
        max_award_pence=max_award,
        min_income_pence=min_income,
        max_income_pence=max_income,
        next_deadline=next_deadline,
        wards=list(wards or []),
        notes="",
        source_url="",
        last_verified_on=VERIFIED,
    )


def profile(
    *,
    legal_form: LegalForm = LegalForm.UNINCORPORATED_GROUP,
    income: int | None = 1_250_000,
    wards: dict[int, str] | None = None,
    amount: int | None = 1_200_000,
    interests: set[str] | None = None,
) -> Profile:
    """A group and its project as the matching sees them; interests in the fund's words (any case)."""
    return Profile(
        legal_form=legal_form,
        income_pence=income,
        wards=frozenset((wards if wards is not None else {1: "Riverside"}).items()),
        amount_pence=amount,
        interests=frozenset(word.casefold() for word in (interests if interests is not None else {"Young people"})),
    )


def reasons_by_topic(match) -> dict[str, tuple[bool | None, str]]:
    return {reason.topic.value: (reason.fits, reason.text) for reason in match.reasons}


# In the directory ------------------------------------------------------------------------------------------


def listed(
    funder: str = "Test Foundation",
    name: str = "Small grants",
    *,
    actor: Actor | None = None,
    now: datetime | None = None,
    **overrides: object,
) -> Programme:
    """A programme in the directory, added as an officer would (its funder too, if new)."""
    actor = actor or Actor.system()
    found = directory.find_funder(funder)
    if found is None:
        found = directory.create_funder(FunderDetails(name=funder, website="https://example.org"), actor=actor, now=now)
    return directory.create_programme(found, programme_details(name, **overrides), actor=actor, now=now)


def programme_details(name: str = "Small grants", **overrides: object) -> ProgrammeDetails:
    values: dict[str, object] = {
        "name": name,
        "reach": Reach.NATIONAL,
        "area": "England",
        "status": ProgrammeStatus.ROLLING,
        "last_verified_on": VERIFIED,
        "source_url": f"https://example.org/{name.lower().replace(' ', '-')}",
    }
    values.update(overrides)
    return ProgrammeDetails(**values)  # type: ignore[arg-type]


# Bids that may be signposted -------------------------------------------------------------------------------


def ineligible(round_: Round, officer: Actor, make_user, *, name: str) -> Application:
    """A bid screening found not eligible."""
    member = make_user(full_name=f"{name} Member")
    application = applications.submitted(round_, applications.group(member, name=name), member)
    eligibility.record_decision(
        application,
        Decision(EligibilityResult.INELIGIBLE, "Outside the borough", feedback="The fund is for groups in the borough"),
        actor=officer,
    )
    return application


def decided(round_: Round, officer: Actor, make_user, people: list[User], *verdicts: Outcome) -> list[Application]:
    """Bids the panel decided, one for each outcome given, with the decisions published."""
    bids = ranked(round_, officer, make_user, len(verdicts))
    held = meeting(round_, officer, people)
    items = meetings.add_to_agenda(held, [bid.id for bid in bids], actor=officer)
    all_present(held, people[0])
    for item, verdict in zip(items, verdicts, strict=True):
        decisions.record(
            item, DecisionAnswers(verdict, reasons="Decided", feedback="Thank you"), actor=Actor(people[0])
        )
    outcomes.confirm_minutes(held, minutes="Decided.", actor=officer)
    outcomes.publish(held, actor=officer)
    return bids
