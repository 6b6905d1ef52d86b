"""Read-only loaders for funds and rounds. Each eager-loads what its pages show, so a page runs a fixed
number of queries whatever the number of rounds, criteria or indicators."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.exc import NoResultFound
from sqlalchemy.orm import selectinload

from grantsfund.common.dates import utcnow
from grantsfund.extensions import db
from grantsfund.rounds.models import (
    Criterion,
    EligibilityQuestion,
    Fund,
    Indicator,
    Round,
    RoundStatus,
    Theme,
)

_ROUND_SETUP = (
    selectinload(Round.fund),
    selectinload(Round.themes),
    selectinload(Round.indicators),
    selectinload(Round.legal_form_grants),
    selectinload(Round.questions),
    selectinload(Round.criteria),
)


def list_funds() -> list[Fund]:
    return list(db.session.scalars(select(Fund).options(selectinload(Fund.rounds)).order_by(Fund.name)))


def round_choices() -> list[tuple[int, str]]:
    """Every round as (id, "Fund: Round"), for a filter's select."""
    return [(round_.id, f"{fund.name}: {round_.name}") for fund in list_funds() for round_ in fund.rounds]


def get_fund(fund_id: int) -> Fund:
    return db.session.execute(select(Fund).options(selectinload(Fund.rounds)).where(Fund.id == fund_id)).scalar_one()


def get_round(round_id: int) -> Round:
    return db.session.execute(select(Round).options(*_ROUND_SETUP).where(Round.id == round_id)).scalar_one()


def _open_rounds(now: datetime) -> Select[Round]:
    return (
        select(Round)
        .options(*_ROUND_SETUP)
        .where(Round.status == RoundStatus.OPEN, Round.closes_at > now)
        .order_by(Round.closes_at, Round.id)
    )


def list_open_rounds(now: datetime | None = None) -> list[Round]:
    """Rounds the public may see: open, and not yet past their closing time."""
    return list(db.session.scalars(_open_rounds(now or utcnow())))


def get_open_round(round_id: int, now: datetime | None = None) -> Round:
    """An open round, or NoResultFound (a 404) for drafts, closed rounds and ones past their closing time."""
    return db.session.execute(_open_rounds(now or utcnow()).where(Round.id == round_id)).scalar_one()


def list_themes() -> list[Theme]:
    return list(db.session.scalars(select(Theme).order_by(Theme.position, Theme.id)))


def list_indicators() -> list[Indicator]:
    return list(db.session.scalars(select(Indicator).order_by(Indicator.position, Indicator.id)))


def get_indicator(indicator_id: int) -> Indicator:
    return db.session.execute(select(Indicator).where(Indicator.id == indicator_id)).scalar_one()


def get_question(round_: Round, question_id: int) -> EligibilityQuestion:
    """One of the round's questions (already loaded with it), or NoResultFound."""
    for question in round_.questions:
        if question.id == question_id:
            return question
    raise NoResultFound


def get_criterion(round_: Round, criterion_id: int) -> Criterion:
    for criterion in round_.criteria:
        if criterion.id == criterion_id:
            return criterion
    raise NoResultFound
