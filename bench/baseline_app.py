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

Same database file, same engine options, the same statements, and equivalent HTML rendered with plain Jinja.
Nothing else: no GOV.UK macros or layout, no sign-in, no CSRF, no policy, no forms, no security headers, no
extensions.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, Response, abort, render_template, request
from jinja2 import DictLoader
from markupsafe import Markup, escape
from sqlalchemy import JSON, Column, ForeignKey, String, Table, cast, create_engine, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, contains_eager, mapped_column, relationship, selectinload

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

    fund: Mapped[Fund] = relationship()
    themes: Mapped[list[Theme]] = relationship(secondary=round_themes, order_by=(Theme.position, Theme.id))
    indicators: Mapped[list[Indicator]] = relationship(
        secondary=round_indicators, order_by=(Indicator.position, Indicator.id)
    )
    questions: Mapped[list[EligibilityQuestion]] = relationship(order_by=EligibilityQuestion.position)


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
        {"users.html": USERS_HTML, "applications.html": APPLICATIONS_HTML, "application.html": APPLICATION_HTML}
    )
    app.add_template_filter(lambda value: ROLE_LABELS[value], "role_label")
    app.add_template_filter(_money, "money")
    app.add_template_filter(_london_date, "london_date")
    app.add_template_filter(lambda value: STATUS_LABELS[value], "status_label")
    app.add_template_filter(_london_datetime, "london_datetime")
    app.add_template_filter(lambda text: _london_datetime(datetime.fromisoformat(text)), "iso_london_datetime")
    app.add_template_filter(_lines, "lines")

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

    return app, engine


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
