"""Budget, outcomes, sustainability, attachments and declarations; submission (references, the deadline, the
frozen snapshot, the confirmation email); withdrawal and the timeline."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from grantsfund.applications import answers, equality, services, submission
from grantsfund.applications.models import ApplicationStatus, SectionStatus, Snapshot
from grantsfund.applications.services import Section, SectionAnswers
from grantsfund.audit.models import AuditEvent
from grantsfund.common.actor import Actor
from grantsfund.common.errors import DomainError, InvalidTransition
from grantsfund.extensions import db
from grantsfund.organisations.models import DocumentKind, Membership
from grantsfund.rounds import services as rounds
from tests.applications import factories
from tests.conftest import queued_emails
from tests.organisations import factories as organisations
from tests.rounds.factories import officer_actor


@pytest.fixture
def member(make_user):
    return make_user(full_name="Asha Member", email="asha@example.org")


@pytest.fixture
def round_(make_user):
    return factories.open_round(make_user)


@pytest.fixture
def application(round_, member):
    return factories.draft(round_, factories.group(member), member)


def save(application, section, answers, member, *, complete=True):
    return services.save_section(
        application, section, answers, expected_version=application.version, complete=complete, actor=Actor(member)
    )


# Budget ----------------------------------------------------------------------------------------------------


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(amounts=st.lists(st.integers(min_value=1, max_value=services.MAX_LINE_PENCE), min_size=1, max_size=8))
def test_the_amount_requested_is_the_exact_sum_and_must_be_within_the_limits(application, member, amounts):
    round_ = application.round
    total = sum(amounts)
    within = round_.minimum_grant_pence <= total <= round_.maximum_grant_pence
    before = application.amount_requested_pence
    if within:
        save(application, Section.BUDGET, factories.budget(*amounts), member)
        assert application.amount_requested_pence == total
        assert services.section_status(application, Section.BUDGET) is SectionStatus.COMPLETED
    else:
        with pytest.raises(DomainError, match="The amount you ask for must be between") as refused:
            save(application, Section.BUDGET, factories.budget(*amounts), member)
        assert refused.value.field == "budget_lines"
        assert application.amount_requested_pence == before  # refused: nothing changed
    # "Come back later" keeps any total, but the section is complete only within the limits.
    save(application, Section.BUDGET, factories.budget(*amounts), member, complete=False)
    assert application.amount_requested_pence == total
    expected = SectionStatus.COMPLETED if within else SectionStatus.IN_PROGRESS
    assert services.section_status(application, Section.BUDGET) is expected


def test_the_budget_refuses_absurd_amounts_and_too_many_lines(application, member):
    with pytest.raises(DomainError, match="between £0.01 and £1,000,000.00"):
        save(application, Section.BUDGET, factories.budget(services.MAX_LINE_PENCE + 1), member, complete=False)
    with pytest.raises(DomainError, match="30 budget lines or fewer"):
        save(application, Section.BUDGET, factories.budget(*[100] * 31), member, complete=False)
    assert application.budget_lines == []


def test_the_budget_keeps_lines_and_match_funding_in_order(application, member):
    save(application, Section.BUDGET, factories.budget(300_000, 200_000), member)
    assert [(line.item, line.amount_pence) for line in application.budget_lines] == [
        ("Item 1", 300_000),
        ("Item 2", 200_000),
    ]
    assert [(source.source, source.amount_pence) for source in application.match_funding] == [
        ("Parish council", 50_000)
    ]
    assert application.continuation_income == []


# Outcomes, sustainability, attachments, declarations -----------------------------------------------------------


def outcome(indicator_id, target=10):
    return services.OutcomeAnswer(indicator_id=indicator_id, target=target, unit="people", measurement="Counts")


def test_outcomes_come_from_the_round_once_each_with_a_sensible_target(application, member, round_):
    offered = round_.indicators[0].id
    with pytest.raises(DomainError, match="from the list"):
        save(application, Section.OUTCOMES, SectionAnswers(outcomes=[outcome(10**6)]), member)
    with pytest.raises(DomainError, match="more than once"):
        save(application, Section.OUTCOMES, SectionAnswers(outcomes=[outcome(offered), outcome(offered)]), member)
    with pytest.raises(DomainError, match="between 1 and 100,000"):
        save(application, Section.OUTCOMES, SectionAnswers(outcomes=[outcome(offered, 0)]), member)
    with pytest.raises(DomainError, match="Answer every question"):
        save(application, Section.OUTCOMES, SectionAnswers(), member)
    save(application, Section.OUTCOMES, SectionAnswers(outcomes=[outcome(offered, 40)]), member)
    assert [(o.indicator_id, o.target) for o in application.outcomes] == [(offered, 40)]
    assert services.section_status(application, Section.OUTCOMES) is SectionStatus.COMPLETED


def test_sustainability_needs_both_answers_and_keeps_income_apart_from_match_funding(application, member):
    save(application, Section.BUDGET, factories.budget(300_000), member)
    answers_ = factories.section_answers(application)[Section.SUSTAINABILITY]
    save(application, Section.SUSTAINABILITY, answers_, member)
    assert [s.source for s in application.continuation_income] == ["Café takings"]
    assert [s.source for s in application.match_funding] == ["Parish council"]
    with pytest.raises(DomainError, match="Answer every question"):
        save(application, Section.SUSTAINABILITY, SectionAnswers(continuation="Volunteers."), member)


def test_attachments_use_the_groups_current_documents(application, member):
    group = application.organisation
    with pytest.raises(DomainError, match="governing document.*is missing"):
        save(application, Section.ATTACHMENTS, SectionAnswers(), member)
    save(application, Section.ATTACHMENTS, SectionAnswers(), member, complete=False)
    assert services.section_status(application, Section.ATTACHMENTS) is SectionStatus.IN_PROGRESS
    factories.documents_for(group)
    old = organisations.document(group, DocumentKind.ACCOUNTS, dated=date(2010, 3, 31), filename="old.pdf")
    save(application, Section.ATTACHMENTS, SectionAnswers(), member)
    attached = {attachment.kind: attachment.document for attachment in application.attachments}
    assert set(attached) == set(rounds.DEFAULT_DOCUMENTS)
    assert attached[DocumentKind.ACCOUNTS].filename == "accounts.pdf"  # the newest current one, not `old`
    assert old not in attached.values()
    assert services.section_status(application, Section.ATTACHMENTS) is SectionStatus.COMPLETED


def test_a_round_asking_for_no_documents_needs_only_a_confirmation(make_user, member):
    round_ = factories.open_round(make_user, name="No documents round")
    rounds.set_themes_and_legal_forms(
        round_,
        theme_ids=[t.id for t in round_.themes],
        legal_forms=round_.legal_forms,
        documents=[],
        actor=officer_actor(make_user),
    )
    application = factories.draft(round_, factories.group(member, name="Paperless Group"), member)
    assert services.section_status(application, Section.ATTACHMENTS) is SectionStatus.NOT_STARTED
    save(application, Section.ATTACHMENTS, SectionAnswers(), member)
    assert services.section_status(application, Section.ATTACHMENTS) is SectionStatus.COMPLETED


def test_an_open_round_can_ask_for_fewer_documents_never_more(round_, make_user):
    officer = officer_actor(make_user)
    keep = {"theme_ids": [t.id for t in round_.themes], "legal_forms": round_.legal_forms, "actor": officer}
    with pytest.raises(rounds.RoundLocked, match="cannot ask for more documents"):
        rounds.set_themes_and_legal_forms(round_, documents=list(DocumentKind), **keep)
    rounds.set_themes_and_legal_forms(round_, documents=[DocumentKind.ACCOUNTS], **keep)
    assert round_.required_documents == ["accounts"]


def test_declarations_need_all_three_statements(application, member):
    partial = SectionAnswers(declared_name="Asha Member", declared_position="Chair", confirmations={"authority"})
    save(application, Section.DECLARATIONS, partial, member, complete=False)
    assert application.declared_at is None
    assert services.section_status(application, Section.DECLARATIONS) is SectionStatus.IN_PROGRESS
    full = factories.section_answers(application)[Section.DECLARATIONS]
    save(application, Section.DECLARATIONS, full, member)
    assert application.declared_by_id == member.id
    assert services.section_status(application, Section.DECLARATIONS) is SectionStatus.COMPLETED


# Submission ------------------------------------------------------------------------------------------------


def test_submission_freezes_the_application_with_a_reference_snapshot_and_email(application, member):
    factories.complete(application, member)
    assert services.ready_to_submit(services.section_statuses(application))
    submission.submit_application(application, actor=Actor(member))
    year = datetime.now(UTC).year
    assert application.reference == f"{application.round.fund.code}-{year}-0001"
    assert application.status is ApplicationStatus.SUBMITTED
    snapshot = db.session.get(Snapshot, application.id).data
    assert snapshot["reference"] == application.reference
    assert snapshot["data"]["amount_requested_pence"] == 500_050
    assert snapshot["data"]["budget_lines"][1] == {"item": "Item 2", "category": "venue", "amount_pence": 100_050}
    assert [s["title"] for s in snapshot["sections"]] == [section.title for section in Section]
    assert "led_by_communities" not in str(snapshot)  # equality monitoring is never part of the bid
    emails = queued_emails()
    assert sorted(email.recipient for email in emails) == sorted(
        {"asha@example.org", application.organisation.contact_email}
    )
    assert {email.template for email in emails} == {"applications/submitted"}
    with pytest.raises(InvalidTransition):
        save(application, Section.NEED, SectionAnswers(need="Changed", community_involvement="Later"), member)


def test_references_run_in_sequence_per_fund_and_year(make_user, member, round_):
    numbers = []
    for number in range(3):
        other = make_user(full_name=f"Member {number}")
        numbers.append(factories.submitted(round_, factories.group(other, name=f"Group {number}"), other).reference)
    code = round_.fund.code
    year = datetime.now(UTC).year
    assert numbers == [f"{code}-{year}-0001", f"{code}-{year}-0002", f"{code}-{year}-0003"]
    assert submission.allocate_reference(round_.fund, now=datetime(2031, 1, 1, tzinfo=UTC)) == f"{code}-2031-0001"


def test_the_reference_year_is_londons(round_):
    # 23:30 on 31 December in winter is still that year in London; 23:30 UTC on 31 December 2026 is too.
    new_year_london = datetime(2026, 12, 31, 23, 59, tzinfo=UTC)
    assert submission.allocate_reference(round_.fund, now=new_year_london).split("-")[1] == "2026"
    assert (
        submission.allocate_reference(round_.fund, now=datetime(2027, 1, 1, 0, 0, tzinfo=UTC)).split("-")[1] == "2027"
    )


def test_the_fund_code_comes_from_its_name_and_is_unique(make_user):
    officer = officer_actor(make_user)
    first = rounds.create_fund(name="Communities Fund", description="", actor=officer)
    second = rounds.create_fund(name="Community Foundation", description="", actor=officer)
    third = rounds.create_fund(name="Welcome", description="", actor=officer)
    assert (first.code, second.code, third.code) == ("CF", "CF2", "WE")


@pytest.mark.parametrize(
    ("closes_london", "closes_utc"),
    [
        # 23:45 on 5 June is British Summer Time: 22:45 UTC.
        (datetime(2027, 6, 5, 23, 45), datetime(2027, 6, 5, 22, 45, tzinfo=UTC)),
        # 23:45 on 5 December is Greenwich Mean Time: 23:45 UTC.
        (datetime(2027, 12, 5, 23, 45), datetime(2027, 12, 5, 23, 45, tzinfo=UTC)),
    ],
)
def test_the_deadline_is_the_closing_moment_in_london(make_user, member, closes_london, closes_utc):
    # open_round closes 28 days after the moment it is opened.
    round_ = factories.open_round(make_user, name=f"Deadline {closes_london:%B}", now=closes_utc - timedelta(days=28))
    assert round_.closes_at == closes_utc
    group = factories.group(member)
    factories.documents_for(group, today=closes_london.date())
    application = factories.complete(factories.draft(round_, group, member), member)
    with pytest.raises(
        submission.DeadlinePassed, match=f"closed on {closes_london.day} {closes_london:%B %Y} at 11:45pm"
    ):
        submission.submit_application(application, actor=Actor(member), now=closes_utc)
    assert application.reference is None
    assert application.is_draft
    submission.submit_application(application, actor=Actor(member), now=closes_utc - timedelta(seconds=1))
    assert application.reference is not None


def test_submission_checks_every_section_and_who_declared(application, member, make_user):
    factories.complete(application, member, skip=(Section.OUTCOMES,))
    with pytest.raises(DomainError, match="Complete ‘Outcomes’") as refused:
        submission.submit_application(application, actor=Actor(member))
    assert refused.value.field == "outcomes"
    factories.complete(application, member)
    colleague = make_user(full_name="Ben Colleague")
    application.organisation.memberships.append(Membership(user=colleague))
    with pytest.raises(DomainError, match="makes the declarations"):
        submission.submit_application(application, actor=Actor(colleague))
    assert application.reference is None


def test_a_document_out_of_date_by_submission_day_stops_submission(application, member):
    factories.complete(application, member)
    # A statement lasts 3 months: current today, out of date in 20 days' time (still before the deadline).
    for attachment in application.attachments:
        if attachment.kind is DocumentKind.BANK_STATEMENT:
            attachment.document.dated = date.today() - timedelta(days=80)
    assert services.ready_to_submit(services.section_statuses(application))
    later = datetime.now(UTC) + timedelta(days=20)
    with pytest.raises(DomainError, match="bank statement is missing or out of date"):
        submission.submit_application(application, actor=Actor(member), now=later)


def test_the_snapshot_cannot_be_changed_or_deleted(application, member):
    factories.complete(application, member)
    submission.submit_application(application, actor=Actor(member))
    db.session.flush()
    for statement in ("UPDATE application_snapshots SET data = '{}'", "DELETE FROM application_snapshots"):
        with pytest.raises(DatabaseError, match="cannot be changed"), db.session.begin_nested():
            db.session.execute(text(statement))
    assert db.session.scalar(select(Snapshot.data)) == answers.describe(application) | {
        "submitted_at": application.submitted_at.isoformat()
    }


# Withdrawing, the timeline, equality monitoring -----------------------------------------------------------


def test_withdrawing_needs_a_reason_and_ends_the_application(application, member):
    submitted = factories.complete(application, member)
    submission.submit_application(submitted, actor=Actor(member))
    with pytest.raises(DomainError, match="Enter why"):
        submission.withdraw_application(submitted, reason="  ", actor=Actor(member))
    submission.withdraw_application(submitted, reason="We found other funding", actor=Actor(member))
    assert submitted.status is ApplicationStatus.WITHDRAWN
    assert not submission.can_withdraw(submitted)
    with pytest.raises(InvalidTransition):
        submission.withdraw_application(submitted, reason="Again", actor=Actor(member))
    assert "applications/withdrawn" in {email.template for email in queued_emails()}
    steps = [(entry.title, entry.detail) for entry in submission.timeline(submitted)]
    assert steps == [
        ("Withdrawn", "We found other funding"),
        ("Submitted", f"Reference {submitted.reference}"),
        ("Application started", None),
    ]


def test_equality_answers_are_optional_kept_apart_and_audited_without_their_content(application, member):
    equality.save_response(application, {"led_by_communities": None, "leadership": []}, actor=Actor(member))
    equality.save_response(
        application, {"led_by_communities": "yes", "leadership": ["women", "older"]}, actor=Actor(member)
    )
    assert equality.response_for(application).answers == {"led_by_communities": "yes", "leadership": ["women", "older"]}
    with pytest.raises(DomainError):
        equality.save_response(application, {"leadership": ["astrology"]}, actor=Actor(member))
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "application.equality_monitoring_saved")
    ).all()
    assert len(events) == 2
    assert all(event.after is None for event in events)


@pytest.mark.parametrize(
    ("target", "unit", "shown"),
    [(45, "count", "45"), (1200, "people", "1,200 people"), (60, "percent", "60%")],
)
def test_targets_read_naturally(target, unit, shown):
    assert answers.format_target(target, unit) == shown
