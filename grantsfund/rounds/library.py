"""The library rounds draw on: themes, outcome indicators (Indicators of Integration), and the default
criteria and scoring scale a new round starts with. All of it is data from data/, editable afterwards."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select

from grantsfund.audit import services as audit
from grantsfund.common.actor import Actor
from grantsfund.common.dates import utcnow
from grantsfund.common.errors import DomainError
from grantsfund.common.uniqueness import unique
from grantsfund.extensions import db
from grantsfund.rounds.models import Criterion, Indicator, Theme, round_themes

DATA = Path(__file__).resolve().parent / "data"
INDICATOR_HEADINGS = ["Markers and Means", "Social Connections", "Facilitators", "Foundation"]
INDICATOR_UNITS = {"count": "Number", "percent": "Percentage"}


# Reference data -------------------------------------------------------------------------------------------


def _read_csv(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def default_score_labels() -> list[str]:
    rows = sorted(_read_csv("score-scale.csv"), key=lambda row: int(row["score"]))
    return [row["label"] for row in rows]


def default_criteria() -> list[Criterion]:
    labels = default_score_labels()
    criteria = []
    for position, row in enumerate(_read_csv("default-criteria.csv")):
        subject = row["evidence_of"]
        descriptors = [f"{labels[0]} of {subject}"] + [f"{label} evidence of {subject}" for label in labels[1:]]
        criteria.append(
            Criterion(
                position=position,
                name=row["name"],
                guidance=row["guidance"],
                weight=int(row["weight"]),
                essential=row["essential"] == "yes",
                descriptors=descriptors,
            )
        )
    return criteria


@dataclass
class ReferenceReport:
    themes_added: int = 0
    indicators_added: int = 0


def load_reference_data(*, actor: Actor, now: datetime | None = None) -> ReferenceReport:
    """Fill the theme and indicator tables from data/ when they are empty. Safe to call again:
    once officers have the library, it is theirs to edit and this adds nothing."""
    now = now or utcnow()
    report = ReferenceReport()
    if not db.session.scalar(select(func.count()).select_from(Theme)):
        for position, row in enumerate(_read_csv("themes.csv")):
            theme = Theme(name=row["name"], description=row["description"], position=position)
            db.session.add(theme)
            audit.record(actor=actor, action="theme.added", obj=theme, after=_theme_state(theme), now=now)
            report.themes_added += 1
    if not db.session.scalar(select(func.count()).select_from(Indicator)):
        for position, row in enumerate(_read_csv("indicators-of-integration.csv")):
            indicator = Indicator(
                heading=row["heading"],
                domain=row["domain"],
                measure=row["example_measure"],
                unit=row["unit"],
                position=position,
            )
            db.session.add(indicator)
            audit.record(
                actor=actor, action="indicator.added", obj=indicator, after=_indicator_state(indicator), now=now
            )
            report.indicators_added += 1
    db.session.flush()
    return report


# The indicator library -------------------------------------------------------------------------------------


def _indicator_state(indicator: Indicator) -> dict[str, Any]:
    return {
        "heading": indicator.heading,
        "domain": indicator.domain,
        "measure": indicator.measure,
        "unit": indicator.unit,
    }


def _check_indicator(heading: str, domain: str, measure: str, unit: str, *, exclude_id: int | None) -> None:
    if heading not in INDICATOR_HEADINGS:
        raise DomainError("Select a heading", field="heading")
    if unit not in INDICATOR_UNITS:
        raise DomainError("Select how the measure is counted", field="unit")
    query = select(Indicator.id).where(Indicator.domain == domain, Indicator.measure == measure)
    if exclude_id is not None:
        query = query.where(Indicator.id != exclude_id)
    if db.session.scalar(query) is not None:
        raise DomainError("The library already has this measure in this domain", field="measure")


def add_indicator(
    *, heading: str, domain: str, measure: str, unit: str, actor: Actor, now: datetime | None = None
) -> Indicator:
    _check_indicator(heading, domain, measure, unit, exclude_id=None)
    position = (db.session.scalar(select(func.max(Indicator.position))) or 0) + 1
    indicator = Indicator(heading=heading, domain=domain, measure=measure, unit=unit, position=position)
    db.session.add(indicator)
    audit.record(actor=actor, action="indicator.added", obj=indicator, after=_indicator_state(indicator), now=now)
    db.session.flush()
    return indicator


def update_indicator(
    indicator: Indicator,
    *,
    heading: str,
    domain: str,
    measure: str,
    unit: str,
    actor: Actor,
    now: datetime | None = None,
) -> Indicator:
    _check_indicator(heading, domain, measure, unit, exclude_id=indicator.id)
    before = _indicator_state(indicator)
    indicator.heading, indicator.domain, indicator.measure, indicator.unit = heading, domain, measure, unit
    audit.record(
        actor=actor,
        action="indicator.changed",
        obj=indicator,
        before=before,
        after=_indicator_state(indicator),
        now=now,
    )
    db.session.flush()
    return indicator


# The themes ------------------------------------------------------------------------------------------------
# Officers add and change themes; none is ever removed, as rounds (and the bids written against them) refer
# to them. A theme's name and description are labels, so changing them is allowed even while an open round
# offers the theme: every round that offers it shows the change.


@dataclass(frozen=True)
class ThemeInUse:
    theme: Theme
    rounds: int


def list_themes_in_use() -> list[ThemeInUse]:
    """Every theme in order, with how many rounds (of any status) offer it. One query."""
    query = (
        select(Theme, func.count(round_themes.c.round_id))
        .outerjoin(round_themes, round_themes.c.theme_id == Theme.id)
        .group_by(Theme.id)
        .order_by(Theme.position, Theme.id)
    )
    return [ThemeInUse(theme, count) for theme, count in db.session.execute(query)]


def get_theme(theme_id: int) -> Theme:
    """The theme, or NoResultFound (a 404)."""
    return db.session.execute(select(Theme).where(Theme.id == theme_id)).scalar_one()


def duplicate_theme(name: str) -> str:
    return f"There is already a theme called {name}"


def _theme_state(theme: Theme) -> dict[str, Any]:
    return {"name": theme.name, "description": theme.description, "position": theme.position}


def _check_theme(name: str, description: str, *, exclude_id: int | None) -> None:
    if not name.strip():
        raise DomainError("Enter the name of the theme", field="name")
    if not description.strip():
        raise DomainError("Enter a description of the theme", field="description")
    # Exact as well as case-blind: the database's lower() may not fold every letter Python's does.
    query = select(Theme.name).where(or_(Theme.name == name, func.lower(Theme.name) == name.lower()))
    if exclude_id is not None:
        query = query.where(Theme.id != exclude_id)
    existing = db.session.scalar(query)
    if existing is not None:
        raise DomainError(duplicate_theme(existing), field="name")


def add_theme(
    *, name: str, description: str, position: int | None = None, actor: Actor, now: datetime | None = None
) -> Theme:
    """A new theme, after the last unless given a position. The standard themes are loaded first if the
    library is still empty, so adding one before the first fund exists does not lose them."""
    now = now or utcnow()
    load_reference_data(actor=actor, now=now)
    _check_theme(name, description, exclude_id=None)
    if position is None:
        last = db.session.scalar(select(func.max(Theme.position)))
        position = 0 if last is None else last + 1
    theme = Theme(name=name, description=description, position=position)
    with unique(duplicate_theme(name), field="name"):
        db.session.add(theme)
    audit.record(actor=actor, action="theme.added", obj=theme, after=_theme_state(theme), now=now)
    db.session.flush()
    return theme


def update_theme(
    theme: Theme,
    *,
    name: str,
    description: str,
    position: int | None = None,
    actor: Actor,
    now: datetime | None = None,
) -> Theme:
    """Rename, redescribe or move a theme (`position` None keeps its place). Allowed whatever the state
    of the rounds that offer it. Saving it unchanged records nothing."""
    _check_theme(name, description, exclude_id=theme.id)
    before = _theme_state(theme)
    position = theme.position if position is None else position
    if before == {"name": name, "description": description, "position": position}:
        return theme
    with unique(duplicate_theme(name), field="name"):
        theme.name, theme.description, theme.position = name, description, position
    audit.record(actor=actor, action="theme.changed", obj=theme, before=before, after=_theme_state(theme), now=now)
    db.session.flush()
    return theme
