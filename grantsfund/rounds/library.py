"""The library rounds draw on: themes, outcome indicators (Indicators of Integration), and the default
criteria and scoring scale a new round starts with. All of it is data from data/, editable afterwards."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from grantsfund.audit import services as audit
from grantsfund.common.actor import Actor
from grantsfund.common.dates import utcnow
from grantsfund.common.errors import DomainError
from grantsfund.extensions import db
from grantsfund.rounds.models import Criterion, Indicator, Theme

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
            audit.record(actor=actor, action="theme.added", obj=theme, after={"name": theme.name}, now=now)
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
