"""The applications services on the database: starting, eligibility, section statuses, word limits, dates,
and the version check that stops one member silently overwriting another."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from grantsfund.applications import services
from grantsfund.applications.models import (
    APPLICATION_TRANSITIONS,
    ApplicationStatus,
    Community,
    SectionStatus,
    can_move,
)
from grantsfund.applications.services import Section, SectionAnswers
from grantsfund.audit.models import AuditEvent
from grantsfund.common.actor import Actor
from grantsfund.common.errors import DomainError, InvalidTransition
from grantsfund.extensions import db
from tests.applications import factories
from tests.organisations import factories as organisations


@pytest.fixture
def member(make_user):
    return make_user(full_name="Amira Khan")


@pytest.fixture
def round_(make_user):
    return factories.open_round(make_user)


@pytest.fixture
def application(round_, member):
    return factories.draft(round_, factories.group(member), member)


def events(action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def save(application, section, answers, member, *, complete=True):
    return services.save_section(
        application, section, answers, expected_version=application.version, complete=complete, actor=Actor(member)
    )


def test_the_transition_table_covers_every_status_and_withdrawal_ends_the_lifecycle():
    assert set(APPLICATION_TRANSITIONS) == set(ApplicationStatus)
    for status in ApplicationStatus:
        assert not can_move(ApplicationStatus.WITHDRAWN, status)
    assert can_move(ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN)
    assert can_move(ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED)
    assert not can_move(ApplicationStatus.DRAFT, ApplicationStatus.APPROVED)


def test_starting_twice_returns_the_same_draft(round_, member):
    group = factories.group(member)
    first = services.start_application(round_, group, actor=Actor(member))
    assert services.start_application(round_, group, actor=Actor(member)) is first
    assert first.status is ApplicationStatus.DRAFT
    assert first.eligible_at is None
    assert len(events("application.started")) == 1


def test_only_a_member_can_start_and_only_on_an_open_round(round_, member, make_user):
    with pytest.raises(DomainError, match="member"):
        services.start_application(round_, factories.group(make_user()), actor=Actor(member))
    with pytest.raises(services.RoundNotOpen):
        services.start_application(
            round_, factories.group(member), actor=Actor(member), now=round_.closes_at + timedelta(seconds=1)
        )


def test_qualifying_answers_open_the_task_list(round_, member):
    application = factories.draft(round_, factories.group(member), member, eligible=False)
    first, second = round_.questions
    assert services.next_question(application) is first
    assert services.answer_eligibility(application, first, answer=True, actor=Actor(member))
    assert services.next_question(application) is second
    assert application.eligible_at is None
    assert services.answer_eligibility(application, second, answer=False, actor=Actor(member))
    assert services.next_question(application) is None
    assert application.eligible_at is not None


def test_a_disqualifying_answer_withdraws_the_draft_with_the_explanation(round_, member):
    application = factories.draft(round_, factories.group(member), member, eligible=False)
    second = round_.questions[1]
    assert not services.answer_eligibility(application, second, answer=True, actor=Actor(member))
    assert application.status is ApplicationStatus.WITHDRAWN
    assert application.withdrawn_reason == "Not eligible: We cannot fund that."
    assert services.failed_question(application) is second
    assert events("application.withdrawn")
    with pytest.raises(InvalidTransition):
        services.answer_eligibility(application, second, answer=False, actor=Actor(member))
    with pytest.raises(InvalidTransition):
        save(application, Section.NEED, SectionAnswers(need="x"), member, complete=False)


def test_sections_cannot_be_saved_before_eligibility(round_, member):
    application = factories.draft(round_, factories.group(member), member, eligible=False)
    with pytest.raises(DomainError, match="eligibility"):
        save(application, Section.NEED, SectionAnswers(need="x"), member, complete=False)


def test_section_status_follows_the_answers(application, round_, member):
    assert services.section_statuses(application) == dict.fromkeys(Section, SectionStatus.NOT_STARTED)
    save(application, Section.ABOUT, SectionAnswers(title="Welcome café"), member, complete=False)
    assert services.section_status(application, Section.ABOUT) is SectionStatus.IN_PROGRESS
    save(application, Section.ABOUT, factories.about(round_), member)
    assert services.section_status(application, Section.ABOUT) is SectionStatus.COMPLETED
    assert [theme.id for theme in application.themes] == [round_.themes[0].id]
    assert len(events("application.section_saved")) == 2


def test_save_and_continue_needs_every_answer_and_changes_nothing_when_refused(application, member):
    with pytest.raises(DomainError) as refused:
        save(application, Section.NEED, SectionAnswers(need="Lonely people."), member)
    assert refused.value.field == "community_involvement"
    assert application.need is None
    assert application.version == 1


def test_word_limits_are_enforced_by_the_service(application, round_, member):
    with pytest.raises(DomainError, match="150 words or fewer") as refused:
        save(application, Section.ABOUT, factories.about(round_, summary="word " * 151), member)
    assert refused.value.field == "summary"
    save(application, Section.ABOUT, factories.about(round_, summary="word " * 150), member)
    with pytest.raises(DomainError, match="500 words or fewer"):
        save(application, Section.NEED, SectionAnswers(need="a " * 501, community_involvement="b"), member)


def test_project_dates_must_fall_in_the_window_and_in_order(application, round_, member):
    window = services.project_window(round_)
    assert window.earliest_start > round_.closes_at.date() - timedelta(days=1)
    assert (window.latest_end - window.earliest_start).days > 500
    for start, end, field in [
        (window.earliest_start - timedelta(days=1), None, "start_date"),
        (None, window.latest_end + timedelta(days=1), "end_date"),
        (window.earliest_start + timedelta(days=10), window.earliest_start, "end_date"),
    ]:
        with pytest.raises(DomainError) as refused:
            save(application, Section.ABOUT, SectionAnswers(start_date=start, end_date=end), member, complete=False)
        assert refused.value.field == field
    save(application, Section.ABOUT, SectionAnswers(start_date=window.earliest_start), member, complete=False)


def test_the_second_of_two_saves_from_the_same_version_is_refused(application, member, make_user):
    other = make_user(full_name="Joe Bright")
    loaded = application.version
    services.save_section(
        application, Section.NEED, SectionAnswers(need="Joe's words"), expected_version=loaded,
        complete=False, actor=Actor(other),
    )  # fmt: skip
    with pytest.raises(services.EditConflict, match="Joe Bright saved changes"):
        services.save_section(
            application, Section.NEED, SectionAnswers(need="Amira's words"), expected_version=loaded,
            complete=False, actor=Actor(member),
        )  # fmt: skip
    assert application.need == "Joe's words"
    assert application.version == loaded + 1


def test_who_benefits_and_activities(application, round_, member):
    ward = organisations.ward()
    save(
        application,
        Section.BENEFITS,
        SectionAnswers(
            ward_ids={ward.id}, communities=[Community.OLDER_PEOPLE], estimated_people=120, mixing="Shared meals."
        ),
        member,
    )
    assert application.wards == [ward]
    assert application.communities == ["older_people"]
    with pytest.raises(DomainError, match="wards"):
        save(application, Section.BENEFITS, SectionAnswers(ward_ids={999_999}), member, complete=False)
    window = services.project_window(round_)
    month = window.months()[0]
    save(application, Section.ACTIVITIES, SectionAnswers(activities=[services.ActivityAnswer(month, "Launch")]), member)
    assert [a.description for a in application.activities] == ["Launch"]
    too_late = services.add_months(window.latest_end, 2)
    with pytest.raises(DomainError, match="during the project"):
        save(
            application, Section.ACTIVITIES, SectionAnswers(activities=[services.ActivityAnswer(too_late, "x")]), member
        )


def test_count_words_counts_like_the_browser():
    assert services.count_words("  one\ttwo\nthree  ") == 3
    assert services.count_words("") == services.count_words(None) == 0
