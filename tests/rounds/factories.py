"""Funds and rounds in any state, made through the services (so they are always valid)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from grantsfund.accounts.models import Role
from grantsfund.common.actor import Actor
from grantsfund.common.dates import utcnow
from grantsfund.rounds import services
from grantsfund.rounds.models import Fund, Round, RoundStatus


def officer_actor(make_user) -> Actor:
    return Actor(user=make_user(roles={Role.GRANTS_OFFICER}, full_name="Officer Olu"))


def make_fund(actor: Actor, name: str = "Communities Fund") -> Fund:
    return services.create_fund(name=name, description="Grants for projects that bring people together.", actor=actor)


def details_for(round_: Round, *, opens_at: datetime, closes_at: datetime, **overrides) -> services.RoundDetails:
    values = {
        "name": round_.name,
        "description": round_.description or "Apply for a grant for your group.",
        "opens_at": opens_at,
        "closes_at": closes_at,
        "budget_pence": 30_000_000,
        "minimum_grant_pence": 100_000,
        "maximum_grant_pence": 2_500_000,
        "assessors_per_bid": 2,
        "moderation_spread": 2,
        "panel_date": date(2030, 7, 15),
    }
    values.update(overrides)
    return services.RoundDetails(**values)


def make_round(
    actor: Actor,
    fund: Fund,
    *,
    name: str = "Round 2026/27",
    status: RoundStatus = RoundStatus.DRAFT,
    now: datetime | None = None,
    with_details: bool = True,
) -> Round:
    """A round in the given status. Open rounds close 28 days after `now` (default: the real time)."""
    now = now or utcnow()
    round_ = services.create_round(
        fund, name=name, description="Apply for a grant for your group.", actor=actor, now=now
    )
    if with_details:
        services.update_round_details(
            round_,
            details_for(round_, opens_at=now - timedelta(days=7), closes_at=now + timedelta(days=28)),
            actor=actor,
            now=now,
        )
    steps = [RoundStatus.OPEN, RoundStatus.CLOSED, RoundStatus.DECIDED, RoundStatus.COMPLETED]
    for step in steps[: steps.index(status) + 1] if status is not RoundStatus.DRAFT else []:
        assert round_.closes_at is not None
        when = now if step is RoundStatus.OPEN else round_.closes_at + timedelta(minutes=1)
        services.TRANSITIONS[step](round_, actor=actor, now=when)
    return round_


# A fixed moment in British Summer Time, for tests that pass the clock in.
NOW = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
