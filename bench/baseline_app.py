"""The baseline: bare Flask + SQLAlchemy serving the same page as grantsfund's /admin/users.

Same database file, same engine options, same queries (a count, the first 50 users ordered by full name,
their roles selectin-loaded) and an equivalent HTML table rendered with plain Jinja. Nothing else: no
GOV.UK macros or layout, no sign-in, no CSRF, no policy, no security headers, no extensions.
"""

from __future__ import annotations

import math
from datetime import datetime

from flask import Flask, render_template, request
from jinja2 import DictLoader
from sqlalchemy import ForeignKey, String, create_engine, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, selectinload

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


def create_app(database_uri: str) -> tuple[Flask, Engine]:
    # pool_pre_ping as grantsfund's Config sets it, so the database side is the same for both apps.
    engine = create_engine(database_uri, pool_pre_ping=True)
    app = Flask(__name__)
    app.jinja_loader = DictLoader({"users.html": USERS_HTML})
    app.add_template_filter(lambda value: ROLE_LABELS[value], "role_label")

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

    return app, engine
