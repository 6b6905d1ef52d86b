"""Voluntary equality monitoring about who leads the applying group.

The answers are kept apart from the bid: in their own table, never in the application's snapshot, never
shown to assessors or the panel, and reported only in aggregate. Every question may be left unanswered."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from grantsfund.applications import services
from grantsfund.applications.models import Application, EqualityResponse
from grantsfund.audit import services as audit
from grantsfund.common.actor import Actor
from grantsfund.common.dates import utcnow
from grantsfund.common.errors import DomainError
from grantsfund.extensions import db

LED_BY_QUESTION = "Is your group led by people from the communities it serves?"
LED_BY_ANSWERS = {"yes": "Yes", "no": "No", "unsure": "Not sure", "prefer_not_to_say": "Prefer not to say"}

LEADERSHIP_QUESTION = "Are at least half of your group’s committee or leaders from any of these groups?"
LEADERSHIP_ANSWERS = {
    "women": "Women",
    "disabled": "Disabled people",
    "ethnic_minority": "People from Black, Asian or other minority ethnic communities",
    "lgbt": "Lesbian, gay, bisexual or trans people",
    "young": "People aged under 25",
    "older": "People aged 65 or over",
    "refugees": "Refugees or people seeking asylum",
    "none": "None of these",
    "prefer_not_to_say": "Prefer not to say",
}
# Answers that rule out every other (GOV.UK's exclusive checkboxes, enforced here too for browsers without it).
EXCLUSIVE = {"none": "None of these", "prefer_not_to_say": "Prefer not to say"}


def leadership_problem(chosen: list[str]) -> str | None:
    if not set(chosen) <= set(LEADERSHIP_ANSWERS):
        return "Select answers from the list"
    exclusive = [key for key in chosen if key in EXCLUSIVE]
    if exclusive and len(chosen) > 1:
        return f"Select ‘{EXCLUSIVE[exclusive[0]]}’ on its own, or select the groups that apply"
    return None


def response_for(application: Application) -> EqualityResponse | None:
    return db.session.get(EqualityResponse, application.id)


def save_response(
    application: Application, answers: dict[str, Any], *, actor: Actor, now: datetime | None = None
) -> EqualityResponse:
    now = now or utcnow()
    services.require_draft(application)
    led_by, leadership = answers.get("led_by_communities"), list(answers.get("leadership") or [])
    if led_by is not None and led_by not in LED_BY_ANSWERS:
        raise DomainError("Select an answer from the list", field="led_by_communities")
    if (problem := leadership_problem(leadership)) is not None:
        raise DomainError(problem, field="leadership")
    response = response_for(application)
    if response is None:
        response = EqualityResponse(application_id=application.id, answers={}, answered_at=now)
        db.session.add(response)
    response.answers = {"led_by_communities": led_by, "leadership": leadership}
    response.answered_at = now
    # The audit trail records that the answers changed, not what they are: they stay apart from the bid.
    audit.record(actor=actor, action="application.equality_monitoring_saved", obj=application, now=now)
    db.session.flush()
    return response
