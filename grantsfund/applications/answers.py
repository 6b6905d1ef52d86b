"""An application's answers as the record people read: "Check your answers", the frozen snapshot taken at
submission, the confirmation email and the printable copy all show this one description, so what a group
checked is exactly what was frozen and what officers, assessors and the panel later read.

`describe` gives display rows per section (question and answer as text) and, under "data", the same answers
as structured values for the later stages (amounts in pence, ids of indicators, themes and wards)."""

from __future__ import annotations

from typing import Any

from grantsfund.applications.models import Application
from grantsfund.applications.services import CONFIRMATIONS, Section, required_kinds
from grantsfund.common.dates import format_date, format_datetime
from grantsfund.common.money import format_pence

NOT_ANSWERED = "Not answered"


def _text(value: str | None) -> str:
    return value if value else NOT_ANSWERED


def _listed(items: list[str]) -> str:
    return "\n".join(items) if items else NOT_ANSWERED


def _row(key: str, value: str) -> dict[str, str]:
    return {"key": key, "value": value}


def _about(application: Application) -> list[dict[str, str]]:
    return [
        _row("Project title", _text(application.title)),
        _row("Summary", _text(application.summary)),
        _row("Themes", _listed([theme.name for theme in application.themes])),
        _row("Start date", format_date(application.start_date) if application.start_date else NOT_ANSWERED),
        _row("End date", format_date(application.end_date) if application.end_date else NOT_ANSWERED),
    ]


def _need(application: Application) -> list[dict[str, str]]:
    return [
        _row("What is the local need for your project?", _text(application.need)),
        _row("How has the community shaped your project?", _text(application.community_involvement)),
    ]


def _benefits(application: Application) -> list[dict[str, str]]:
    people = application.estimated_people
    return [
        _row("Wards", _listed([ward.name for ward in application.wards])),
        _row("Communities and groups", _listed([community.label for community in application.community_values])),
        _row("Number of people", f"{people:,}" if people else NOT_ANSWERED),
        _row("How people from different backgrounds will mix", _text(application.mixing)),
    ]


def _activities(application: Application) -> list[dict[str, str]]:
    if not application.activities:
        return [_row("Activities", NOT_ANSWERED)]
    return [_row(f"{activity.month:%B %Y}", activity.description) for activity in application.activities]


def _funding(lines: list[Any]) -> str:
    return _listed(
        [f"{line.source}: {format_pence(line.amount_pence)} ({line.status.label.lower()})" for line in lines]
    )


def _budget(application: Application) -> list[dict[str, str]]:
    rows = [
        _row(f"{line.item} ({line.category.label.lower()})", format_pence(line.amount_pence))
        for line in application.budget_lines
    ]
    total = application.amount_requested_pence
    rows.append(_row("Total: the amount you are asking for", format_pence(total) if total else NOT_ANSWERED))
    rows.append(
        _row(
            "Other funding for this project",
            _funding(application.match_funding) if application.match_funding else "None",
        )
    )
    return rows


def format_target(target: int, unit: str) -> str:
    """45 and "percent" -> "45%"; a plain count has no unit to show; "people" and the like follow the number."""
    if unit == "percent":
        return f"{target:,}%"
    return f"{target:,}" if unit == "count" else f"{target:,} {unit}"


def _outcomes(application: Application) -> list[dict[str, str]]:
    if not application.outcomes:
        return [_row("Outcomes", NOT_ANSWERED)]
    return [
        _row(
            f"{outcome.indicator.domain}: {outcome.indicator.measure}",
            f"Target: {format_target(outcome.target, outcome.unit)}\nHow we will measure it: {outcome.measurement}",
        )
        for outcome in application.outcomes
    ]


def _sustainability(application: Application) -> list[dict[str, str]]:
    return [
        _row("How the work will continue after the grant", _text(application.continuation)),
        _row("Other income", _funding(application.continuation_income) if application.continuation_income else "None"),
        _row("If that income does not come through", _text(application.continuation_fallback)),
    ]


def _attachments(application: Application) -> list[dict[str, str]]:
    attached = {attachment.kind: attachment.document for attachment in application.attachments}
    kinds = required_kinds(application)
    if not kinds:
        return [_row("Documents", "This round does not ask for documents")]
    return [_row(kind.label, attached[kind].filename if kind in attached else NOT_ANSWERED) for kind in kinds]


def _declarations(application: Application) -> list[dict[str, str]]:
    if application.declared_at is None:
        return [_row("Declarations", NOT_ANSWERED)]
    return [
        _row("Name", _text(application.declared_name)),
        _row("Position in the group", _text(application.declared_position)),
        _row("Confirmed", "\n".join(CONFIRMATIONS.values()) + f"\n({format_datetime(application.declared_at)})"),
    ]


_ROWS = {
    Section.ABOUT: _about,
    Section.NEED: _need,
    Section.BENEFITS: _benefits,
    Section.ACTIVITIES: _activities,
    Section.BUDGET: _budget,
    Section.OUTCOMES: _outcomes,
    Section.SUSTAINABILITY: _sustainability,
    Section.ATTACHMENTS: _attachments,
    Section.DECLARATIONS: _declarations,
}


def section_rows(application: Application) -> list[dict[str, Any]]:
    return [
        {
            "slug": section.slug,
            "name": section.name.lower(),
            "title": section.title,
            "rows": _ROWS[section](application),
        }
        for section in Section
    ]


def _funding_data(lines: list[Any]) -> list[dict[str, Any]]:
    return [{"source": line.source, "amount_pence": line.amount_pence, "status": line.status.value} for line in lines]


def _data(application: Application) -> dict[str, Any]:
    """The answers as values the later stages compute with."""
    return {
        "title": application.title,
        "summary": application.summary,
        "themes": [{"id": theme.id, "name": theme.name} for theme in application.themes],
        "start_date": application.start_date.isoformat() if application.start_date else None,
        "end_date": application.end_date.isoformat() if application.end_date else None,
        "need": application.need,
        "community_involvement": application.community_involvement,
        "wards": [{"id": ward.id, "name": ward.name, "ons_code": ward.ons_code} for ward in application.wards],
        "communities": list(application.communities or []),
        "estimated_people": application.estimated_people,
        "mixing": application.mixing,
        "activities": [
            {"month": activity.month.isoformat(), "description": activity.description}
            for activity in application.activities
        ],
        "amount_requested_pence": application.amount_requested_pence,
        "budget_lines": [
            {"item": line.item, "category": line.category.value, "amount_pence": line.amount_pence}
            for line in application.budget_lines
        ],
        "match_funding": _funding_data(application.match_funding),
        "outcomes": [
            {
                "indicator_id": outcome.indicator_id,
                "domain": outcome.indicator.domain,
                "heading": outcome.indicator.heading,
                "measure": outcome.indicator.measure,
                "target": outcome.target,
                "unit": outcome.unit,
                "measurement": outcome.measurement,
            }
            for outcome in application.outcomes
        ],
        "continuation": application.continuation,
        "continuation_income": _funding_data(application.continuation_income),
        "continuation_fallback": application.continuation_fallback,
        "attachments": [
            {
                "kind": attachment.kind.value,
                "document_id": attachment.document_id,
                "filename": attachment.document.filename,
                "sha256": attachment.document.sha256,
            }
            for attachment in application.attachments
        ],
        "declaration": {
            "name": application.declared_name,
            "position": application.declared_position,
            "user_id": application.declared_by_id,
            "at": application.declared_at.isoformat() if application.declared_at else None,
        },
    }


def describe(application: Application) -> dict[str, Any]:
    """Everything a reader of the application needs, as JSON-ready values."""
    organisation = application.organisation
    return {
        "reference": application.reference,
        "submitted_at": application.submitted_at.isoformat() if application.submitted_at else None,
        "submitted_by": application.submitted_by.full_name if application.submitted_by else None,
        "organisation": {
            "id": organisation.id,
            "name": organisation.name,
            "legal_form": organisation.legal_form.value,
            "legal_form_label": organisation.legal_form.label,
            "charity_number": organisation.charity_number,
            "company_number": organisation.company_number,
            "address": ", ".join(
                part
                for part in (
                    organisation.address_line_1,
                    organisation.address_line_2,
                    organisation.town,
                    organisation.postcode,
                )
                if part
            ),
            "postcode": organisation.postcode,
            "ward": organisation.ward.name,
            "annual_income_pence": organisation.annual_income_pence,
            "contact_name": organisation.contact_name,
            "contact_email": organisation.contact_email,
        },
        "round": {"id": application.round.id, "name": application.round.name, "fund": application.round.fund.name},
        "amount_requested_pence": application.amount_requested_pence,
        "sections": section_rows(application),
        "data": _data(application),
    }
