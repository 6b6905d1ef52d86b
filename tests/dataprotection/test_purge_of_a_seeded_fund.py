"""The purge over a fund made through the services (the demo data: groups, documents, drafts, submitted bids, a
decided round with declines, signposting, grants and payments), run as if decades had passed: the reports add up
exactly as before, no removed name or address is left anywhere but the audit trail, and every page still reads."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import JSON, String, Text, func, select

from grantsfund.accounts.models import User
from grantsfund.applications.models import Application
from grantsfund.audit.models import AuditEvent
from grantsfund.common.actor import Actor
from grantsfund.common.dates import format_date, utcnow
from grantsfund.dataprotection import services
from grantsfund.dataprotection.services import MARKER, Retention
from grantsfund.extensions import db
from grantsfund.organisations.models import Organisation
from tests.conftest import page, sign_in_as

DECADES_ON = timedelta(days=365 * 40)
RETENTION = Retention(decided_months=24, draft_months=12, account_months=36, outbox_days=90)
# The append-only audit trail keeps what it recorded (docs/data-protection.md), so the search leaves it out.
KEPT_AS_RECORDED = {"audit_events"}


@pytest.fixture
def seeded(app):
    runner = app.test_cli_runner()
    for command in (["demo", "seed"], ["outbox", "deliver", "--batch", "1000"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, result.output


def report_text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    main = page(response).select_one("main")
    assert main is not None
    return main.get_text(" ", strip=True)


def open_data(app, tmp_path, name: str) -> list[dict[str, Any]]:
    out = tmp_path / name
    result = app.test_cli_runner().invoke(args=["publish", "360giving", "--out", str(out)])
    assert result.exit_code == 0, result.output
    grants: list[dict[str, Any]] = json.loads(out.read_text())["grants"]
    return grants


def personal_strings() -> dict[tuple[str, int], set[str]]:
    """Every name, address and piece of free text the purge may remove, by the record that holds it."""
    found: dict[tuple[str, int], set[str]] = {}
    for user in db.session.scalars(select(User)):
        found[("user", user.id)] = {user.email, user.full_name}
    for group in db.session.scalars(select(Organisation)):
        found[("organisation", group.id)] = {
            group.contact_name,
            group.contact_email,
            group.contact_phone,
            group.address_line_1,
        }
    for application in db.session.scalars(select(Application)):
        texts = {application.summary, application.need, application.mixing, application.declared_name}
        found[("application", application.id)] = {text for text in texts if text}
    return found


def removed(kind: str) -> set[int]:
    model = {"user": User, "organisation": Organisation, "application": Application}[kind]
    return set(db.session.scalars(select(model.id).where(model.personal_data_removed_at.is_not(None))))


def every_text_value() -> list[tuple[str, str, str]]:
    """(table, column, value) for every text and JSON value in the database."""
    values = []
    for table in db.metadata.sorted_tables:
        if table.name in KEPT_AS_RECORDED:
            continue
        columns = [column for column in table.columns if isinstance(column.type, String | Text | JSON)]
        for column in columns:
            for value in db.session.scalars(select(column).where(column.is_not(None))):
                values.append((table.name, column.name, value if isinstance(value, str) else json.dumps(value)))
    return values


def test_the_reports_add_up_the_same_and_no_removed_personal_data_is_left(
    app, seeded, officer_client, finance_client, tmp_path
):
    everything = "?fund=&round="
    reports = [f"/reports/rounds{everything}", "/reports/finance", f"/reports/portfolio{everything}"]
    before = {url: report_text(finance_client if "finance" in url else officer_client, url) for url in reports}
    published = open_data(app, tmp_path, "before.json")
    originals = personal_strings()

    report = services.purge(RETENTION, actor=Actor.system(), now=utcnow() + DECADES_ON)
    db.session.flush()

    for category, count in report.counts().items():
        assert count, f"the seeded fund has {category} past retention"
    after = {url: report_text(finance_client if "finance" in url else officer_client, url) for url in reports}
    for url in reports:
        assert after[url] == before[url], url
    assert open_data(app, tmp_path, "after.json") == published

    gone = {(kind, id_) for kind in ("user", "organisation", "application") for id_ in removed(kind)}
    kept = set().union(*(strings for key, strings in originals.items() if key not in gone))
    searched = set().union(*(originals[key] for key in gone)) - kept - {MARKER}
    assert searched, "the purge removed someone's data"
    left = [(table, column) for table, column, value in every_text_value() for text in searched if text in value]
    assert left == []


def test_pages_showing_anonymised_records_read_sensibly(app, seeded, officer_client, admin_client):
    purged_on = utcnow() + DECADES_ON
    report = services.purge(RETENTION, actor=Actor.system(), now=purged_on)
    db.session.flush()

    notice = f"Personal data removed on {format_date(purged_on)}, at the end of its retention period"
    for application_id in report.decided_applications:
        assert notice in report_text(officer_client, f"/funds/applications/{application_id}")
    for organisation_id in report.organisations:
        assert notice in report_text(officer_client, f"/organisations/{organisation_id}")
    assert report_text(officer_client, "/funds/applications")
    assert report_text(admin_client, "/admin/audit")


def test_flask_data_purge_prints_what_it_removed_and_a_dry_run_changes_nothing(app, seeded, monkeypatch):
    runner = app.test_cli_runner()
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    monkeypatch.setitem(app.config, "RETENTION_OUTBOX_DAYS", 0)
    monkeypatch.setitem(app.config, "RETENTION_DRAFT_MONTHS", 0)

    dry = runner.invoke(args=["data", "purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "nothing changed" in dry.output
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events
    drafts = next(line for line in dry.output.splitlines() if "Abandoned draft applications" in line)
    assert not drafts.endswith(": 0")

    done = runner.invoke(args=["data", "purge"])
    assert done.exit_code == 0, done.output
    assert "Personal data removed:" in done.output
    assert drafts in done.output
    again = runner.invoke(args=["data", "purge"])
    assert "Abandoned draft applications: 0" in again.output
    assert "Sent or failed emails: 0" in again.output


def test_flask_data_retention_prints_the_settings(app, monkeypatch):
    monkeypatch.setitem(app.config, "RETENTION_DECIDED_MONTHS", 30)

    output = app.test_cli_runner().invoke(args=["data", "retention"]).output

    assert "Declined, ineligible and withdrawn applications: 30 months after the last change" in output
    assert "Emails: 90 days after sending" in output


def test_a_group_still_kept_reads_its_anonymised_applications(app, seeded, make_user):
    report = services.purge(RETENTION, actor=Actor.system(), now=utcnow() + DECADES_ON)
    db.session.flush()
    purged = db.session.scalars(
        select(Application).where(Application.id.in_(report.decided_applications + report.abandoned_drafts))
    ).all()
    read = 0
    for application in purged:
        members = [m.user for m in application.organisation.memberships if m.user.personal_data_removed_at is None]
        if not members:
            continue
        client = sign_in_as(app.test_client(), members[0])
        for url in (f"/applications/{application.id}", "/applications"):
            response = client.get(url)
            assert response.status_code in {200, 302}, url
        read += 1
    assert read, "some anonymised application belongs to a group still kept"
