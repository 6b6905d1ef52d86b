"""The baseline: bare Flask + SQLAlchemy serving the same pages as grantsfund, doing the same database work.

- /admin/users: a count, the first 50 users ordered by full name, their roles selectin-loaded.
- /funds/applications: the filter form's rounds, themes and wards; a count and the first 50 submitted
  applications, newest first, with their group, round and fund joined in.
- /funds/applications.csv: every submitted application as CSV, streamed, from the same single query (themes
  and wards aggregated into it), written with csv.writer; byte for byte the file grantsfund sends.
- /funds/applications/<id>: one application as grantsfund's services.get_application loads it (the same
  selectinloads, so the same statements: its round with the fund, themes, indicators and eligibility questions,
  its group with the ward, members and documents, every answer table and the snapshot), then the timeline's
  audit events with their actors; the snapshot's heading facts and sections and the timeline rendered as plain
  HTML.
- /funds/rounds/<id>/ranking: the round with its criteria, its bids in a ranked status with their groups, their
  submitted score sheets with the assignments and assessors, the sheets' scores and the agreed scores, one
  statement each however many bids; grantsfund/assessment/ranking.py's rules applied to them (weighted scores as
  exact fractions, agreed scores in place of the assessors' mean, the tie rule, the running total against the
  budget, each bid's explanation) and the assessors' calibration from the same rows; a plain table of each.
- /reports/portfolio: the outcomes portfolio of 2,000 grants, from the same statements as grantsfund's (the filter
  form's choices, then six for the grants, their returns' figures, people, themes and wards), added up by the same
  rules and rendered as plain tables and SVG bars: see bench/portfolio_baseline.py.

Same database file, same engine options, the same statements (for the ranking, the same rows in a constant
number of statements: see bench/README.md), and equivalent HTML rendered with plain Jinja.
Nothing else: no GOV.UK macros or layout, no sign-in, no CSRF, no policy, no forms, no security headers, no
extensions.
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, Response, abort, render_template, request
from jinja2 import DictLoader
from markupsafe import Markup, escape
from portfolio_baseline import register as register_portfolio
from sqlalchemy import JSON, Column, ForeignKey, String, Table, cast, create_engine, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    contains_eager,
    mapped_column,
    relationship,
    selectinload,
    undefer_group,
)

PER_PAGE = 50
ROLE_LABELS = {
    "applicant": "Applicant",
    "grants_officer": "Grants officer",
    "assessor": "Assessor",
    "panel_member": "Panel member",
    "panel_chair": "Panel chair",
    "finance_officer": "Finance officer",
    "administrator": "Administrator",
}

USERS_HTML = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Users</title></head>
<body>
<h1>Users</h1>
<table>
  <caption>{{ total }} {{ "user" if total == 1 else "users" }}</caption>
  <thead><tr><th>Name</th><th>Email address</th><th>Roles</th><th>Status</th></tr></thead>
  <tbody>
  {% for user in users %}
    <tr>
      <td><a href="{{ url_for('show_user', user_id=user.id) }}">{{ user.full_name }}</a></td>
      <td>{{ user.email }}</td>
      <td>{{ user.role_grants | map(attribute="role") | map("role_label") | sort | join(", ") }}</td>
      <td>{% if user.disabled_at %}Disabled{% elif not user.password_hash %}Invited
          {%- elif not user.email_verified_at %}Email not confirmed{% else %}Active{% endif %}</td>
    </tr>
  {% endfor %}
  </tbody>
</table>
{% if pages > 1 %}
<nav><ul>
  {% for number in range(1, pages + 1) %}
    <li>{% if number == page %}{{ number }}
        {%- else %}<a href="{{ url_for('list_users', page=number) }}">{{ number }}</a>{% endif %}</li>
  {% endfor %}
</ul></nav>
{% endif %}
</body>
</html>
"""


APPLICATIONS_HTML = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Applications</title></head>
<body>
<h1>Applications</h1>
<form method="get">
  <label>Search <input name="q"></label>
  <label>Round <select name="round"><option value="">All rounds</option>
    {% for id, label in rounds %}<option value="{{ id }}">{{ label }}</option>{% endfor %}</select></label>
  <label>Status <select name="status"><option value="">Any status</option>
    {% for value, label in statuses %}<option value="{{ value }}">{{ label }}</option>{% endfor %}</select></label>
  <label>Theme <select name="theme"><option value="">Any theme</option>
    {% for id, name in themes %}<option value="{{ id }}">{{ name }}</option>{% endfor %}</select></label>
  <label>Ward <select name="ward"><option value="">Any ward</option>
    {% for id, name in wards %}<option value="{{ id }}">{{ name }}</option>{% endfor %}</select></label>
  <button>Apply filters</button>
</form>
<p><a href="{{ url_for('export_applications') }}">Download these applications as a spreadsheet (CSV)</a></p>
<table>
  <caption>{{ "{:,}".format(total) }} {{ "application" if total == 1 else "applications" }}</caption>
  <thead><tr><th>Reference</th><th>Project</th><th>Group</th><th>Round</th><th>Amount requested</th>
    <th>Submitted</th><th>Status</th></tr></thead>
  <tbody>
  {% for application in applications %}
    <tr>
      <td><a href="{{ url_for('show_application', application_id=application.id) }}">
        {{- application.reference }}</a></td>
      <td>{{ application.title }}</td>
      <td>{{ application.organisation.name }}</td>
      <td>{{ application.round.name }}</td>
      <td>{{ application.amount_requested_pence | money }}</td>
      <td>{{ application.submitted_at | london_date }}</td>
      <td>{{ application.status | status_label }}</td>
    </tr>
  {% endfor %}
  </tbody>
</table>
<nav><ul>
  {% for number in range([1, page - 2] | max, [pages, page + 2] | min + 1) %}
    <li>{% if number == page %}{{ number }}
        {%- else %}<a href="{{ url_for('list_applications', page=number) }}">{{ number }}</a>{% endif %}</li>
  {% endfor %}
  {% if page < pages %}<li><a href="{{ url_for('list_applications', page=page + 1) }}">Next</a></li>{% endif %}
</ul></nav>
</body>
</html>
"""

APPLICATION_HTML = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Application {{ snapshot.reference }}</title></head>
<body>
<p><a href="{{ url_for('list_applications') }}">Back to applications</a></p>
<p>Status: {{ application.status | status_label }}</p>
{% set round_name = snapshot.round.name %}
<p>{{ round_name if round_name.startswith(snapshot.round.fund) else snapshot.round.fund ~ " – " ~ round_name }}</p>
<h1>{{ snapshot.data.title }}</h1>
<p>This is the application as it was submitted.</p>
<dl>
  <dt>Reference</dt><dd>{{ snapshot.reference }}</dd>
  <dt>Group</dt><dd>{{ snapshot.organisation.name }}</dd>
  <dt>Kind of organisation</dt><dd>{{ snapshot.organisation.legal_form_label }}</dd>
  <dt>Address</dt><dd>{{ snapshot.organisation.address }}</dd>
  <dt>Amount requested</dt><dd>{{ snapshot.amount_requested_pence | money }}</dd>
  <dt>Submitted</dt><dd>{{ snapshot.submitted_at | iso_london_datetime }} by {{ snapshot.submitted_by }}</dd>
</dl>
{% for section in snapshot.sections %}
<h2 id="section-{{ section.slug }}">{{ section.title }}</h2>
<dl>
  {% for row in section.rows %}<dt>{{ row.key }}</dt><dd>{{ row.value | lines }}</dd>
  {% endfor %}
</dl>
{% endfor %}
<h2>Progress</h2>
<ol>
  {% for entry in timeline %}
  <li>
    <h3>{{ entry.title }}</h3>
    <p>{{ entry.at | london_datetime }}{% if entry.by %} by {{ entry.by }}{% endif %}</p>
    {% if entry.detail %}<p>{{ entry.detail }}</p>{% endif %}
  </li>
  {% endfor %}
</ol>
</body>
</html>
"""

RANKING_HTML = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Ranking</title></head>
<body>
<p>{{ round.name }}</p>
<h1>Ranking</h1>
<p>Budget: {{ (round.budget_pence or 0) | money }}.</p>
<table>
  <thead><tr><th>Rank</th><th>Bid</th><th>Score</th><th>Requested</th><th>Running total</th><th>Why</th></tr></thead>
  <tbody>
  {% for result in results %}
    {% set bid = result.application %}
    <tr>
      <td>{{ result.rank or "–" }}</td>
      <td><a href="{{ url_for('moderate', application_id=bid.id) }}">{{ bid.reference }}</a><br>
        {{- bid.organisation.name }}
        {%- if result.failed %}<br><strong>Essential failed</strong>{% endif %}
        {%- if result.needs_moderation %}<br><strong>Needs moderation</strong>{% endif %}</td>
      <td>{{ result.weighted | percent }}</td>
      <td>{{ (bid.amount_requested_pence or 0) | money }}</td>
      <td>{% if result.rank %}{{ result.running_total_pence | money }}<br>
        {%- if result.within_budget %}<strong>Within budget</strong>{% else %}<strong>Over budget</strong>{% endif %}
        {%- endif %}</td>
      <td><details><summary>Explanation</summary><ul>
        {%- for line in result.explanation %}<li>{{ line }}</li>{% endfor %}</ul></details></td>
    </tr>
  {% endfor %}
  </tbody>
</table>
<h2>Assessor calibration</h2>
<table>
  <thead><tr><th>Assessor</th><th>Scores given</th><th>Mean score</th><th>Difference from others</th></tr></thead>
  <tbody>
  {% for row in calibration %}
    <tr><td>{{ row.assessor }}</td><td>{{ row.scores }}</td><td>{{ "%.2f" | format(row.mean) }}</td>
      <td>{{ "%+.2f" | format(row.difference) if row.difference is not none else "–" }}</td></tr>
  {% endfor %}
  </tbody>
</table>
</body>
</html>
"""

LONDON = ZoneInfo("Europe/London")
STATUSES = ("draft", "submitted", "eligible", "ineligible", "in_assessment", "at_panel", "approved", "declined",
            "deferred", "withdrawn")  # fmt: skip
STATUS_LABELS = {status: status.replace("_", " ").capitalize() for status in STATUSES}
LEGAL_FORM_LABELS = {
    "registered_charity": "Registered charity",
    "cio": "Charitable incorporated organisation (CIO)",
    "cic": "Community interest company (CIC)",
    "company_limited_by_guarantee": "Company limited by guarantee",
    "unincorporated_group": "Unincorporated community group",
    "faith_group": "Faith group",
    "parish_council": "Parish or town council",
    "school": "School",
    "community_benefit_society": "Community benefit society",
    "other": "Other",
}
EXPORT_HEADER = ("Reference", "Project title", "Organisation", "Legal form", "Round", "Fund", "Status",
                 "Amount requested (£)", "Submitted at (UK time)", "Themes", "Wards")  # fmt: skip
EXPORT_BATCH = 1000
TIMELINE = {
    "application.started": "Application started",
    "application.submitted": "Submitted",
    "application.withdrawn": "Withdrawn",
    "application.information_requested": "We asked for more information",
    "application.information_given": "More information sent",
    "application.found_eligible": "Eligible: going on to assessment",
    "application.found_ineligible": "Not eligible",
}


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    email_verified_at: Mapped[datetime | None]
    disabled_at: Mapped[datetime | None]

    role_grants: Mapped[list[UserRole]] = relationship(lazy="selectin")


class UserRole(Base):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(40), primary_key=True)


application_themes = Table(
    "application_themes",
    Base.metadata,
    Column("application_id", ForeignKey("applications.id"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id"), primary_key=True),
)
application_wards = Table(
    "application_wards",
    Base.metadata,
    Column("application_id", ForeignKey("applications.id"), primary_key=True),
    Column("ward_id", ForeignKey("wards.id"), primary_key=True),
)


round_themes = Table(
    "round_themes",
    Base.metadata,
    Column("round_id", ForeignKey("rounds.id"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id"), primary_key=True),
)
round_indicators = Table(
    "round_indicators",
    Base.metadata,
    Column("round_id", ForeignKey("rounds.id"), primary_key=True),
    Column("indicator_id", ForeignKey("indicators.id"), primary_key=True),
)


class Fund(Base):
    __tablename__ = "funds"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class Theme(Base):
    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int]


class Indicator(Base):
    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str] = mapped_column(String(100))
    measure: Mapped[str] = mapped_column(String(300))
    position: Mapped[int]


class EligibilityQuestion(Base):
    __tablename__ = "eligibility_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"))
    position: Mapped[int]
    text: Mapped[str]


class Round(Base):
    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"))
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(40))
    # What the ranking needs; deferred, so the other pages' statements are as they were.
    budget_pence: Mapped[int | None] = mapped_column(deferred=True, deferred_group="assessment")
    assessors_per_bid: Mapped[int] = mapped_column(deferred=True, deferred_group="assessment")
    moderation_spread: Mapped[int] = mapped_column(deferred=True, deferred_group="assessment")
    essential_threshold: Mapped[int] = mapped_column(deferred=True, deferred_group="assessment")

    fund: Mapped[Fund] = relationship()
    themes: Mapped[list[Theme]] = relationship(secondary=round_themes, order_by=(Theme.position, Theme.id))
    indicators: Mapped[list[Indicator]] = relationship(
        secondary=round_indicators, order_by=(Indicator.position, Indicator.id)
    )
    questions: Mapped[list[EligibilityQuestion]] = relationship(order_by=EligibilityQuestion.position)
    criteria: Mapped[list[Criterion]] = relationship(order_by="Criterion.position")


class Criterion(Base):
    __tablename__ = "criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    weight: Mapped[int]
    essential: Mapped[bool]


class Ward(Base):
    __tablename__ = "wards"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))


class Membership(Base):
    __tablename__ = "organisation_members"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    joined_at: Mapped[datetime]


class Document(Base):
    __tablename__ = "organisation_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    kind: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(200))
    uploaded_at: Mapped[datetime]


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    legal_form: Mapped[str] = mapped_column(String(40))
    ward_id: Mapped[int] = mapped_column(ForeignKey("wards.id"))

    # grantsfund's model loads these two with every group (the ward joined in, the members selectin-loaded) unless
    # a query says otherwise, as its list of applications does; here the application's page asks for them.
    ward: Mapped[Ward] = relationship()
    memberships: Mapped[list[Membership]] = relationship(order_by=Membership.joined_at)
    documents: Mapped[list[Document]] = relationship(order_by=(Document.uploaded_at.desc(), Document.id.desc()))


class Application(Base):
    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    status: Mapped[str] = mapped_column(String(40))
    reference: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str | None] = mapped_column(String(200))
    amount_requested_pence: Mapped[int | None]
    submitted_at: Mapped[datetime | None]

    round: Mapped[Round] = relationship()
    organisation: Mapped[Organisation] = relationship()
    themes: Mapped[list[Theme]] = relationship(secondary=application_themes, order_by=(Theme.position, Theme.id))
    wards: Mapped[list[Ward]] = relationship(secondary=application_wards, order_by=Ward.name)
    activities: Mapped[list[Activity]] = relationship(order_by="Activity.position")
    eligibility_answers: Mapped[list[EligibilityAnswer]] = relationship()
    budget_lines: Mapped[list[BudgetLine]] = relationship(order_by="BudgetLine.position")
    funding_sources: Mapped[list[FundingSource]] = relationship(order_by="FundingSource.position")
    outcomes: Mapped[list[Outcome]] = relationship(order_by="Outcome.position")
    attachments: Mapped[list[Attachment]] = relationship(order_by="Attachment.kind")
    snapshot: Mapped[Snapshot | None] = relationship()


class Activity(Base):
    __tablename__ = "application_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    position: Mapped[int]
    description: Mapped[str] = mapped_column(String(500))


class EligibilityAnswer(Base):
    __tablename__ = "application_eligibility_answers"

    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("eligibility_questions.id"), primary_key=True)
    answer: Mapped[bool]


class BudgetLine(Base):
    __tablename__ = "application_budget_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    position: Mapped[int]
    amount_pence: Mapped[int]


class FundingSource(Base):
    __tablename__ = "application_funding_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    position: Mapped[int]
    amount_pence: Mapped[int]


class Outcome(Base):
    __tablename__ = "application_outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    position: Mapped[int]
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"))

    indicator: Mapped[Indicator] = relationship()


class Attachment(Base):
    __tablename__ = "application_attachments"

    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("organisation_documents.id"))

    document: Mapped[Document] = relationship()


class Snapshot(Base):
    __tablename__ = "application_snapshots"

    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(100))
    object_type: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[str | None] = mapped_column(String(64))
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    actor: Mapped[User | None] = relationship()


# What grantsfund's services.get_submitted loads: the snapshot, and the group's members for the policy (with
# what its models load by default).
SUBMITTED_PAGE = (
    selectinload(Application.snapshot),
    selectinload(Application.organisation).joinedload(Organisation.ward),
    selectinload(Application.organisation).selectinload(Organisation.memberships),
)


class InformationRequest(Base):
    __tablename__ = "information_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    answered_at: Mapped[datetime | None]


class Assignment(Base):
    __tablename__ = "assessment_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    assessor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(40))
    due_on: Mapped[date]
    reason: Mapped[str]
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime]
    declared_at: Mapped[datetime | None]

    assessor: Mapped[User] = relationship(foreign_keys=[assessor_id])


class ScoreSheet(Base):
    __tablename__ = "assessment_score_sheets"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assessment_assignments.id"))
    recommendation: Mapped[str | None] = mapped_column(String(40))
    summary: Mapped[str | None]
    updated_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]

    assignment: Mapped[Assignment] = relationship()


class CriterionScore(Base):
    __tablename__ = "assessment_criterion_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("assessment_score_sheets.id"))
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id"))
    score: Mapped[int | None]
    comment: Mapped[str]


class ModeratedScore(Base):
    __tablename__ = "assessment_moderated_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id"))
    score: Mapped[int]
    reason: Mapped[str]
    moderator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    moderated_at: Mapped[datetime]


def _money(pence: int) -> str:
    pounds, remainder = divmod(pence, 100)
    return f"£{pounds:,}.{remainder:02d}"


def _london(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC).astimezone(LONDON)


def _london_date(moment: datetime) -> str:
    day: date = _london(moment).date()
    return f"{day.day} {day:%B %Y}"


def _london_datetime(moment: datetime) -> str:
    """'5 June 2026 at 11:45pm', in London time, as grantsfund writes it."""
    local = _london(moment)
    clock = f"{local.hour % 12 or 12}{'' if local.minute == 0 else f':{local.minute:02d}'}"
    return f"{local.day} {local:%B %Y} at {clock}{'am' if local.hour < 12 else 'pm'}"


def _lines(text: str) -> Markup:
    return Markup("<br>").join(escape(line) for line in text.split("\n"))


def _timeline(session: Session, application_id: int) -> list[dict[str, Any]]:
    events = session.scalars(
        select(AuditEvent)
        .options(selectinload(AuditEvent.actor))
        .where(
            AuditEvent.object_type == "application",
            AuditEvent.object_id == str(application_id),
            AuditEvent.action.in_(TIMELINE),
        )
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    )
    return [
        {
            "at": event.occurred_at,
            "title": TIMELINE[event.action],
            "by": event.actor.full_name if event.actor else None,
            "detail": f"Reference {(event.after or {}).get('reference')}"
            if event.action == "application.submitted"
            else None,
        }
        for event in events
    ]


# The ranking: grantsfund/assessment/ranking.py's rules, computed once per bid.

RANKED = ("in_assessment", "at_panel", "deferred")
MAX_SCORE = 5
LIFTS, LOWERS = 4, 2
RECOMMENDATIONS = {"fund": "Fund", "fund_with_conditions": "Fund with conditions", "do_not_fund": "Do not fund"}


@dataclass
class Ranked:
    application: Application
    weighted: Fraction | None
    failed: bool  # an essential criterion below the pass mark
    needs_moderation: bool
    explanation: list[str]
    rank: int | None = None
    running_total_pence: int = 0
    within_budget: bool = False


@dataclass(frozen=True)
class Calibrated:
    assessor: str
    scores: int
    mean: Fraction
    difference: Fraction | None


def _score_text(value: Fraction) -> str:
    return str(int(value)) if value.denominator == 1 else f"{float(value):.1f}"


def _percent(value: Fraction | None) -> str:
    return "–" if value is None else f"{float(value):.1f}%"


def _rank_bid(
    round_: Round, bid: Application, sheets: list[ScoreSheet], scores: dict[int, list[CriterionScore]],
    agreed: dict[tuple[int, int], ModeratedScore],
) -> Ranked:  # fmt: skip
    given: dict[int, list[int]] = defaultdict(list)  # by criterion
    for sheet in sheets:
        for row in scores[sheet.id]:
            if row.score is not None:
                given[row.criterion_id].append(row.score)
    # (criterion, the assessors' scores, the agreed score, the score that counts) for each criterion
    rows = []
    for criterion in round_.criteria:
        marks, moderator = given[criterion.id], agreed.get((bid.id, criterion.id))
        mean = Fraction(sum(marks), len(marks)) if marks else None
        rows.append((criterion, marks, moderator, Fraction(moderator.score) if moderator else mean))
    scored = [(criterion, score) for criterion, _, _, score in rows if score is not None]
    failed = [c.name for c, score in scored if c.essential and score < round_.essential_threshold]
    spreads = [(c.name, max(marks) - min(marks)) for c, marks, moderator, _ in rows if marks and moderator is None]
    differ = [(name, spread) for name, spread in spreads if spread >= round_.moderation_spread]
    lifted = "; ".join(f"{c.name} ({_score_text(score)})" for c, score in scored if score >= LIFTS)
    lowered = "; ".join(f"{c.name} ({_score_text(score)})" for c, score in scored if score <= LOWERS)
    lines = ([f"Lifted by {lifted}"] if lifted else []) + ([f"Lowered by {lowered}"] if lowered else [])
    lines += [f"Essential criterion below the pass mark of {round_.essential_threshold}: {name}" for name in failed]
    lines += [f"Assessors differ by {spread} on {name}: needs moderation" for name, spread in differ]
    lines += [f"Moderated: {c.name} agreed at {a.score} ({a.reason})" for c, _, a, _ in rows if a is not None]
    if recommendations := Counter(sheet.recommendation for sheet in sheets if sheet.recommendation):
        lines.append(
            "Recommendations: "
            + ", ".join(f"{count} {RECOMMENDATIONS[value].lower()}" for value, count in sorted(recommendations.items()))
        )
    complete = len(sheets) >= round_.assessors_per_bid
    if not complete:
        lines.append(f"{len(sheets)} of {round_.assessors_per_bid} assessments in")
    possible = sum(criterion.weight for criterion in round_.criteria) * MAX_SCORE
    return Ranked(
        application=bid,
        weighted=sum((c.weight * score for c, score in scored), Fraction(0)) * 100 / possible
        if complete and possible and scored and len(scored) == len(rows)
        else None,
        failed=bool(failed),
        needs_moderation=bool(differ),
        explanation=lines,
    )


def _tie_order(result: Ranked) -> tuple[bool, Fraction, bool, int, bool, datetime, str]:
    bid = result.application
    return (
        result.weighted is None,
        -(result.weighted or Fraction(0)),
        result.failed,
        bid.amount_requested_pence or 0,
        bid.submitted_at is None,
        bid.submitted_at or datetime.min,
        bid.reference or "",
    )


def _ranking(
    round_: Round, bids: list[Application], sheets: dict[int, list[ScoreSheet]],
    scores: dict[int, list[CriterionScore]], agreed: dict[tuple[int, int], ModeratedScore],
) -> list[Ranked]:  # fmt: skip
    ordered = sorted((_rank_bid(round_, bid, sheets[bid.id], scores, agreed) for bid in bids), key=_tie_order)
    total = 0
    for position, result in enumerate(ordered, start=1):
        if result.weighted is None:
            continue
        result.rank = position
        total += result.application.amount_requested_pence or 0
        result.running_total_pence = total
        result.within_budget = round_.budget_pence is not None and total <= round_.budget_pence
    return ordered


def _calibration(sheets: dict[int, list[ScoreSheet]], scores: dict[int, list[CriterionScore]]) -> list[Calibrated]:
    marks: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)  # (bid, criterion) -> assessor -> score
    for bid_id, bid_sheets in sheets.items():
        for sheet in bid_sheets:
            for row in scores[sheet.id]:
                if row.score is not None:
                    marks[(bid_id, row.criterion_id)][sheet.assignment.assessor.full_name] = row.score
    given: dict[str, list[int]] = defaultdict(list)
    differences: dict[str, list[Fraction]] = defaultdict(list)
    for by_assessor in marks.values():
        for name, score in by_assessor.items():
            given[name].append(score)
            others = [other for who, other in by_assessor.items() if who != name]
            if others:
                differences[name].append(score - Fraction(sum(others), len(others)))
    return [
        Calibrated(
            assessor=name,
            scores=len(scores),
            mean=Fraction(sum(scores), len(scores)),
            difference=Fraction(sum(differences[name]), len(differences[name])) if differences[name] else None,
        )
        for name, scores in sorted(given.items())
    ]


def _cell(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _names(ids: str | None, ranked: dict[str, tuple[int, str]]) -> str:
    return "; ".join(name for _, name in sorted(ranked[item] for item in ids.split(","))) if ids else ""


def _submitted() -> list[Any]:
    return [Application.status != "draft", Application.submitted_at.is_not(None)]


def _aggregated(column: Column[int], key: Column[int]) -> Any:
    ids = func.group_concat(cast(column, String), ",")
    return select(ids).where(key == Application.id).correlate(Application).scalar_subquery()


def create_app(database_uri: str) -> tuple[Flask, Engine]:
    # pool_pre_ping as grantsfund's Config sets it, so the database side is the same for both apps.
    engine = create_engine(database_uri, pool_pre_ping=True)
    app = Flask(__name__)
    app.jinja_loader = DictLoader(
        {
            "users.html": USERS_HTML,
            "applications.html": APPLICATIONS_HTML,
            "application.html": APPLICATION_HTML,
            "ranking.html": RANKING_HTML,
        }
    )
    app.add_template_filter(lambda value: ROLE_LABELS[value], "role_label")
    app.add_template_filter(_money, "money")
    app.add_template_filter(_london_date, "london_date")
    app.add_template_filter(lambda value: STATUS_LABELS[value], "status_label")
    app.add_template_filter(_london_datetime, "london_datetime")
    app.add_template_filter(lambda text: _london_datetime(datetime.fromisoformat(text)), "iso_london_datetime")
    app.add_template_filter(_lines, "lines")
    app.add_template_filter(_percent, "percent")

    @app.get("/admin/users")
    def list_users() -> str:
        page = request.args.get("page", default=1, type=int) or 1
        query = select(User).options(selectinload(User.role_grants)).order_by(User.full_name, User.id)
        with Session(engine) as session:
            total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
            users = list(session.scalars(query.limit(PER_PAGE).offset((page - 1) * PER_PAGE)))
            return render_template("users.html", users=users, total=total, page=page, pages=math.ceil(total / PER_PAGE))

    @app.get("/admin/users/<int:user_id>")
    def show_user(user_id: int) -> str:
        return ""  # only here so the table's links are built with url_for, as grantsfund's are

    @app.get("/funds/applications")
    def list_applications() -> str:
        page = request.args.get("page", default=1, type=int) or 1
        query = (
            select(Application)
            .join(Organisation, Application.organisation_id == Organisation.id)
            .join(Round, Application.round_id == Round.id)
            .join(Fund, Round.fund_id == Fund.id)
            .options(
                contains_eager(Application.organisation), contains_eager(Application.round).contains_eager(Round.fund)
            )
            .where(*_submitted())
            .order_by(Application.submitted_at.desc().nulls_last(), Application.id.desc())
        )
        with Session(engine) as session:
            rounds = session.execute(
                select(Round.id, Round.name, Fund.name)
                .join(Fund, Round.fund_id == Fund.id)
                .where(Round.status != "draft")
                .order_by(Fund.name, Round.id.desc())
            )
            themes = session.execute(select(Theme.id, Theme.name).order_by(Theme.position, Theme.id))
            wards = session.execute(select(Ward.id, Ward.name).order_by(Ward.name))
            total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
            applications = list(session.scalars(query.limit(PER_PAGE).offset((page - 1) * PER_PAGE)))
            return render_template(
                "applications.html",
                rounds=[(id_, f"{fund}: {name}") for id_, name, fund in rounds],
                statuses=[(status, STATUS_LABELS[status]) for status in STATUSES[1:]],
                themes=list(themes),
                wards=list(wards),
                applications=applications,
                total=total,
                page=page,
                pages=math.ceil(total / PER_PAGE),
            )

    @app.get("/funds/applications.csv")
    def export_applications() -> Response:
        filename = f"applications-{datetime.now(LONDON).date().isoformat()}.csv"
        return Response(
            _export(engine),
            mimetype="text/csv",
            headers={"Content-Disposition": f"attachment; filename={filename}"},
        )

    @app.get("/funds/applications/<int:application_id>")
    def show_application(application_id: int) -> str:
        with Session(engine) as session:
            application = session.execute(
                select(Application).options(*SUBMITTED_PAGE).where(Application.id == application_id)
            ).scalar_one()
            if application.snapshot is None:
                abort(404)
            # grantsfund asks whether a question to the group is open, for the page's status line.
            session.execute(
                select(InformationRequest.id).where(
                    InformationRequest.application_id == application_id, InformationRequest.answered_at.is_(None)
                )
            ).first()
            return render_template(
                "application.html",
                application=application,
                snapshot=application.snapshot.data,
                timeline=_timeline(session, application_id),
            )

    @app.get("/funds/rounds/<int:round_id>/ranking")
    def show_ranking(round_id: int) -> str:
        with Session(engine) as session:
            rows = _load_ranking(session, round_id)
            return render_template(
                "ranking.html",
                round=rows.round,
                results=_ranking(rows.round, rows.bids, rows.sheets, rows.scores, rows.agreed),
                calibration=_calibration(rows.sheets, rows.scores),
            )

    @app.get("/funds/applications/<int:application_id>/moderation")
    def moderate(application_id: int) -> str:
        return ""  # only here so the ranking's links are built with url_for, as grantsfund's are

    register_portfolio(app, engine)  # /reports/portfolio: see bench/portfolio_baseline.py
    return app, engine


@dataclass
class RankingRows:
    round: Round  # with its criteria
    bids: list[Application]  # with their groups
    sheets: dict[int, list[ScoreSheet]]  # each bid's submitted ones, with the assignment and assessor
    scores: dict[int, list[CriterionScore]]  # by sheet
    agreed: dict[tuple[int, int], ModeratedScore]  # the latest by (bid, criterion)


def _load_ranking(session: Session, round_id: int) -> RankingRows:
    """What the ranking reads, in one statement each (two for the round and its criteria), however many bids:
    the round's bids in a ranked status with their groups joined in; their submitted score sheets with the
    assignment and assessor joined in; those sheets' scores; the agreed scores."""
    round_ = session.execute(
        select(Round).options(undefer_group("assessment"), selectinload(Round.criteria)).where(Round.id == round_id)
    ).scalar_one()
    in_round = (Application.round_id == round_id, Application.status.in_(RANKED))
    bids = list(
        session.scalars(
            select(Application)
            .join(Organisation, Application.organisation_id == Organisation.id)
            .options(contains_eager(Application.organisation))
            .where(*in_round)
        )
    )
    submitted = (Assignment.status == "accepted", ScoreSheet.submitted_at.is_not(None), *in_round)
    sheets: dict[int, list[ScoreSheet]] = defaultdict(list)
    for sheet in session.scalars(
        select(ScoreSheet)
        .join(Assignment, ScoreSheet.assignment_id == Assignment.id)
        .join(User, Assignment.assessor_id == User.id)
        .join(Application, Assignment.application_id == Application.id)
        .options(contains_eager(ScoreSheet.assignment).contains_eager(Assignment.assessor).lazyload("*"))
        .where(*submitted)
        .order_by(ScoreSheet.id)
    ):
        sheets[sheet.assignment.application_id].append(sheet)
    scores: dict[int, list[CriterionScore]] = defaultdict(list)
    for row in session.scalars(
        select(CriterionScore)
        .join(ScoreSheet, CriterionScore.sheet_id == ScoreSheet.id)
        .join(Assignment, ScoreSheet.assignment_id == Assignment.id)
        .join(Application, Assignment.application_id == Application.id)
        .where(*submitted)
    ):
        scores[row.sheet_id].append(row)
    agreed = {
        (row.application_id, row.criterion_id): row  # later ones replace earlier
        for row in session.scalars(
            select(ModeratedScore)
            .join(Application, ModeratedScore.application_id == Application.id)
            .where(*in_round)
            .order_by(ModeratedScore.moderated_at, ModeratedScore.id)
        )
    }
    return RankingRows(round_, bids, sheets, scores, agreed)


def _export(engine: Engine) -> Iterator[str]:
    query = (
        select(
            Application.reference,
            Application.title,
            Organisation.name,
            Organisation.legal_form,
            Round.name,
            Fund.name,
            Application.status,
            Application.amount_requested_pence,
            Application.submitted_at,
            _aggregated(application_themes.c.theme_id, application_themes.c.application_id),
            _aggregated(application_wards.c.ward_id, application_wards.c.application_id),
        )
        .select_from(Application)
        .join(Organisation, Application.organisation_id == Organisation.id)
        .join(Round, Application.round_id == Round.id)
        .join(Fund, Round.fund_id == Fund.id)
        .where(*_submitted())
        .order_by(Application.submitted_at.desc().nulls_last(), Application.id.desc())
    )
    with Session(engine) as session:
        themes = session.execute(select(Theme.id, Theme.name).order_by(Theme.position, Theme.id))
        theme_names = {str(id_): (rank, name) for rank, (id_, name) in enumerate(themes)}
        wards = session.execute(select(Ward.id, Ward.name).order_by(Ward.name))
        ward_names = {str(id_): (rank, name) for rank, (id_, name) in enumerate(wards)}
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")
        writer.writerow(EXPORT_HEADER)
        rows = session.execute(query.execution_options(yield_per=EXPORT_BATCH))
        for number, row in enumerate(rows):
            if number % EXPORT_BATCH == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
            writer.writerow(_cells(row, theme_names, ward_names))
        yield buffer.getvalue()


def _cells(row: Any, theme_names: dict[str, tuple[int, str]], ward_names: dict[str, tuple[int, str]]) -> list[str]:
    reference, title, group, legal_form, round_, fund, status, pence, submitted, theme_ids, ward_ids = row
    return [
        _cell(reference),
        _cell(title),
        _cell(group),
        LEGAL_FORM_LABELS[legal_form],
        _cell(round_),
        _cell(fund),
        STATUS_LABELS[status],
        f"{pence // 100}.{pence % 100:02d}" if pence is not None else "",
        _london(submitted).isoformat(timespec="seconds"),
        _cell(_names(theme_ids, theme_names)),
        _cell(_names(ward_ids, ward_names)),
    ]
