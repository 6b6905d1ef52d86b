"""Each retention rule: what it anonymises, exactly when (a day either side of the end of the period), and what it
never touches. Rows are inserted as the earlier stages leave them; test_purge_of_a_seeded_fund.py runs the purge
over data made through the services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import current_app
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import DBAPIError

from grantsfund.accounts.models import Role
from grantsfund.applications.answers import describe
from grantsfund.applications.models import ApplicationStatus, Attachment, EqualityResponse, Snapshot
from grantsfund.assessment.models import DeclaredInterest
from grantsfund.audit import services as audit
from grantsfund.audit.models import AuditEvent
from grantsfund.common.actor import Actor
from grantsfund.common.dates import add_months
from grantsfund.dataprotection import services
from grantsfund.dataprotection.services import MARKER, Retention
from grantsfund.extensions import db
from grantsfund.notifications.models import OutboxMessage, OutboxStatus
from grantsfund.organisations import storage
from grantsfund.organisations.models import Document, DocumentKind, Membership
from tests.conftest import page
from tests.organisations import factories as organisations
from tests.reporting.test_round_summary import answers, bid, fund, round_in, table

S = ApplicationStatus
RETENTION = Retention(decided_months=24, draft_months=12, account_months=36, outbox_days=90)
CHANGED = datetime(2024, 3, 10, 14, 30, tzinfo=UTC)
DAY = timedelta(days=1)
FEWER = "Fewer than 5"


def months_after(moment: datetime, months: int) -> datetime:
    return datetime.combine(add_months(moment.date(), months), moment.timetz())


def purge(now: datetime) -> services.PurgeReport:
    return services.purge(RETENTION, actor=Actor.system(), now=now)


@pytest.fixture
def officer(make_user):
    return make_user(roles={Role.GRANTS_OFFICER}, full_name="Officer Olu")


@pytest.fixture
def applicant(make_user):
    user = make_user(email="amira.khan@example.org", full_name="Amira Khan")
    user.created_at = user.last_signed_in_at = CHANGED
    return user


@pytest.fixture
def group(applicant):
    made = organisations.organisation(applicant, name="Riverside Lunch Club")
    made.created_at = made.updated_at = CHANGED
    return made


@pytest.fixture
def round_():
    return round_in(fund())


def application(round_, group, officer, status, *, changed=CHANGED, submitted=True):
    made = bid(round_, group, officer, status, 250_000, submitted=submitted)
    made.summary = "Amira Khan runs a lunch club from her home at 12 Mill Lane."
    made.declared_name = "Amira Khan"
    made.updated_at = changed
    db.session.flush()
    return made


@pytest.mark.parametrize(
    ("status", "months", "submitted"),
    [
        (S.DECLINED, 24, True),
        (S.INELIGIBLE, 24, True),
        (S.WITHDRAWN, 24, True),
        (S.DRAFT, 12, False),
    ],
)
def test_an_application_is_anonymised_the_day_after_its_retention_ends(
    round_, group, officer, status, months, submitted
):
    made = application(round_, group, officer, status, submitted=submitted)
    ends = months_after(CHANGED, months)

    assert not any(purge(ends - DAY).counts().values())
    assert made.summary.startswith("Amira Khan")

    report = purge(ends + DAY)
    assert made.id in report.decided_applications + report.abandoned_drafts
    db.session.refresh(made)
    assert (made.summary, made.declared_name, made.title) == (MARKER, MARKER, MARKER)
    assert made.personal_data_removed_at == ends + DAY
    # What the reports add up stays.
    assert (made.status, made.amount_requested_pence, made.round_id) == (status, 250_000, round_.id)


def test_a_decision_recorded_after_the_last_edit_starts_the_period_again(round_, group, officer):
    made = application(round_, group, officer, S.DECLINED)
    decided = CHANGED + timedelta(days=40)
    audit.record(actor=Actor(officer), action="application.declined", obj=made, now=decided)

    assert purge(months_after(CHANGED, 24) + DAY).decided_applications == []
    assert purge(months_after(decided, 24) + DAY).decided_applications == [made.id]


@pytest.mark.parametrize("status", [S.SUBMITTED, S.IN_ASSESSMENT, S.AT_PANEL, S.APPROVED, S.DEFERRED])
def test_applications_still_in_play_or_funded_are_never_touched(round_, group, officer, status):
    made = application(round_, group, officer, status)

    report = purge(months_after(CHANGED, 240))

    assert report.decided_applications == report.abandoned_drafts == []
    assert made.summary.startswith("Amira Khan")
    # Their group and its people stay too, however long ago anyone signed in.
    assert report.organisations == report.accounts == []


def test_a_draft_edited_recently_is_kept(round_, group, officer):
    made = application(round_, group, officer, S.DRAFT, submitted=False, changed=CHANGED + timedelta(days=300))

    assert purge(months_after(CHANGED, 12) + DAY).abandoned_drafts == []
    assert made.summary.startswith("Amira Khan")


def test_equality_answers_and_attachments_of_a_purged_application_are_deleted(round_, group, officer):
    made = application(round_, group, officer, S.DECLINED)
    answers(made, "yes", ["women"])
    document = organisations.document(group)
    db.session.add(Attachment(application_id=made.id, kind=DocumentKind.GOVERNING_DOCUMENT, document_id=document.id))
    db.session.flush()

    purge(months_after(CHANGED, 24) + DAY)

    assert db.session.get(EqualityResponse, made.id) is None
    assert db.session.scalars(select(Attachment).where(Attachment.application_id == made.id)).all() == []


def test_the_equality_report_counts_a_purged_applications_answers_as_not_answered(officer_client, round_, officer):
    def rows():
        response = officer_client.get("/reports/equality", query_string={"fund": "", "round": ""})
        return {row[0]: row[1] for row in table(response, "led-by")}

    for status in [S.APPROVED] * 5 + [S.DECLINED] * 5:
        made = application(round_, organisations.organisation(officer, name=f"Group {status}"), officer, status)
        answers(made, "yes", ["women"])
    assert (rows()["Yes"], rows()["Not answered"], rows()["All applications"]) == ("10", FEWER, "10")

    purge(months_after(CHANGED, 24) + DAY)

    # The applications are still counted; their answers are not.
    assert (rows()["Yes"], rows()["Not answered"], rows()["All applications"]) == ("5", "5", "10")


def test_the_group_and_its_files_go_once_its_applications_and_people_are_past_retention(
    round_, group, officer, applicant
):
    made = application(round_, group, officer, S.DECLINED)
    document = organisations.document(group)
    document_id, stored_name = document.id, document.stored_name
    path = storage.path_of(current_app.config["UPLOAD_DIR"], stored_name)
    assert path.exists()

    # Two years on, the application goes; the group and its member have three years unused.
    assert purge(months_after(CHANGED, 24) + DAY).organisations == []
    report = purge(months_after(CHANGED, 36) + DAY)

    assert report.organisations == [group.id]
    assert report.accounts == [applicant.id]
    assert report.stored_files == [stored_name]
    assert path.exists(), "files go only once the purge has committed"
    assert services.delete_files(current_app.config["UPLOAD_DIR"], report.stored_files) == 1
    assert not path.exists()
    db.session.refresh(group)
    assert (group.contact_name, group.contact_email, group.contact_phone) == (MARKER, MARKER, MARKER)
    assert (group.address_line_1, group.postcode) == (MARKER, "")
    assert group.name == "Riverside Lunch Club", "a group's name is not personal data, and the reports group by it"
    assert db.session.get(Document, document_id) is None
    assert made.personal_data_removed_at is not None


def test_an_account_is_anonymised_and_disabled_the_day_after_three_years_unused(applicant, make_user):
    ends = months_after(CHANGED, 36)

    assert purge(ends - DAY).accounts == []
    assert purge(ends + DAY).accounts == [applicant.id]

    db.session.refresh(applicant)
    assert applicant.full_name == MARKER
    assert applicant.email == f"removed-{applicant.id}@personal-data-removed.invalid"
    assert applicant.password_hash is None
    assert not applicant.is_active


def test_a_recent_sign_in_keeps_the_account(applicant):
    applicant.last_signed_in_at = CHANGED + timedelta(days=200)

    assert purge(months_after(CHANGED, 36) + DAY).accounts == []


@pytest.mark.parametrize(
    "roles", [{Role.GRANTS_OFFICER}, {Role.ASSESSOR}, {Role.ADMINISTRATOR}, {Role.APPLICANT, Role.PANEL_MEMBER}]
)
def test_staff_accounts_are_never_purged(make_user, roles):
    staff = make_user(roles=roles, full_name="Sam Staff")
    staff.created_at = CHANGED

    assert purge(months_after(CHANGED, 240)).accounts == []
    assert staff.full_name == "Sam Staff"


def message(status, *, sent_at=None, give_up_at=CHANGED):
    made = OutboxMessage(
        recipient="amira.khan@example.org",
        template="emails/submitted",
        context={"name": "Amira Khan"},
        status=status,
        created_at=CHANGED - DAY,
        sent_at=sent_at,
        give_up_at=give_up_at,
        last_error="550 amira.khan@example.org unknown" if status is OutboxStatus.FAILED else None,
    )
    db.session.add(made)
    db.session.flush()
    return made


def test_an_email_loses_its_address_and_contents_the_day_after_ninety_days():
    sent = message(OutboxStatus.SENT, sent_at=CHANGED)
    failed = message(OutboxStatus.FAILED)
    pending = message(OutboxStatus.PENDING, give_up_at=CHANGED)

    assert purge(CHANGED + timedelta(days=89)).outbox_messages == []
    assert purge(CHANGED + timedelta(days=91)).outbox_messages == [sent.id, failed.id]

    db.session.expire_all()
    assert (sent.recipient, sent.context, sent.status) == (MARKER, {}, OutboxStatus.SENT)
    assert failed.last_error == MARKER
    assert pending.recipient == "amira.khan@example.org", "a message still to be sent keeps its address"


def test_a_second_run_changes_nothing_and_records_nothing(round_, group, officer):
    application(round_, group, officer, S.DECLINED)
    message(OutboxStatus.SENT, sent_at=CHANGED)
    later = months_after(CHANGED, 40)
    assert purge(later).anything

    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    again = purge(later + DAY)

    assert not again.anything
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_a_dry_run_counts_what_the_purge_then_does_and_changes_nothing(round_, group, officer, applicant):
    made = application(round_, group, officer, S.WITHDRAWN)
    organisations.document(group)
    message(OutboxStatus.SENT, sent_at=CHANGED)
    later = months_after(CHANGED, 40)
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))

    found = services.find(RETENTION, now=later)

    assert found.decided_applications == [made.id]
    assert found.outbox_messages
    assert found.stored_files == []
    assert made.summary.startswith("Amira Khan")
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events
    # The group is counted once its application has gone: the dry run counts what stands now.
    assert purge(later).decided_applications == found.decided_applications


def test_the_purge_records_what_it_did_without_personal_data(round_, group, officer, applicant):
    made = application(round_, group, officer, S.DECLINED)
    events = db.session.scalar(select(func.max(AuditEvent.id))) or 0

    report = purge(months_after(CHANGED, 40))

    recorded = db.session.scalars(select(AuditEvent).where(AuditEvent.id > events).order_by(AuditEvent.id)).all()
    assert [(event.action, event.object_id) for event in recorded] == [
        ("application.personal_data_removed", str(made.id)),
        ("organisation.personal_data_removed", str(group.id)),
        ("user.personal_data_removed", str(applicant.id)),
        ("data.purged", "20270710T143000Z"),
    ]
    assert recorded[-1].after == {"counts": report.counts(), "outbox_message_ids": []}
    assert "Amira" not in str([(event.before, event.after) for event in recorded])


def in_savepoint(statement):
    with db.session.begin_nested():
        db.session.execute(statement)


def test_a_purged_applications_frozen_snapshot_is_rewritten_but_never_deleted(round_, group, officer):
    made = application(round_, group, officer, S.DECLINED)
    db.session.add(Snapshot(application=made, taken_at=CHANGED, data=describe(made)))
    db.session.flush()
    assert "Amira Khan" in str(made.snapshot.data)

    purge(months_after(CHANGED, 24) + DAY)

    db.session.refresh(made.snapshot)
    assert "Amira Khan" not in str(made.snapshot.data)
    assert made.snapshot.data["amount_requested_pence"] == 250_000
    with pytest.raises(DBAPIError, match="cannot be changed"):
        in_savepoint(delete(Snapshot).where(Snapshot.application_id == made.id))


def test_the_snapshot_of_an_application_not_purged_stays_frozen(round_, group, officer):
    made = application(round_, group, officer, S.DECLINED)
    db.session.add(Snapshot(application=made, taken_at=CHANGED, data=describe(made)))
    db.session.flush()

    with pytest.raises(DBAPIError, match="cannot be changed"):
        in_savepoint(update(Snapshot).where(Snapshot.application_id == made.id).values(data={"changed": True}))


def test_the_privacy_notice_states_the_retention_periods_in_force(anonymous_client, app, monkeypatch):
    monkeypatch.setitem(app.config, "RETENTION_DECIDED_MONTHS", 30)
    monkeypatch.setitem(app.config, "RETENTION_OUTBOX_DAYS", 60)

    text = page(anonymous_client.get("/privacy")).get_text(" ", strip=True)

    assert "we remove the personal information in it 30 months after the last change" in text
    assert "started but never submitted, we remove it 12 months after" in text
    assert "nobody from the group has signed in for 36 months" in text
    assert "for 60 days after sending" in text


def test_an_assessors_declared_interest_in_a_purged_group_keeps_no_reason(round_, group, officer, make_user):
    application(round_, group, officer, S.DECLINED)
    assessor = make_user(roles={Role.ASSESSOR})
    interest = DeclaredInterest(
        assessor_id=assessor.id, organisation_id=group.id, reason="My sister Amira Khan runs it", declared_at=CHANGED
    )
    db.session.add(interest)
    db.session.flush()

    assert purge(months_after(CHANGED, 36) + DAY).organisations == [group.id]

    db.session.refresh(interest)
    assert interest.reason == MARKER


def test_a_member_of_a_group_that_still_holds_its_contact_details_keeps_their_account(group, applicant, make_user):
    other = make_user(full_name="Recent Member")
    other.last_signed_in_at = months_after(CHANGED, 30)
    group.memberships.append(Membership(user=other, joined_at=CHANGED))
    db.session.flush()

    report = purge(months_after(CHANGED, 36) + DAY)

    assert report.organisations == []
    assert report.accounts == []
