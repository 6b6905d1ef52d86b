"""Setting a meeting up (chair, deputy, quorum, agenda and the frozen pack), then on the day: attendance,
delegates, the quorum for each item, and conflicts, whether declared or found."""

import re

import pytest
from sqlalchemy import select

from grantsfund.accounts.models import Role
from grantsfund.applications.models import ApplicationStatus
from grantsfund.assessment import ranking
from grantsfund.assessment.models import Recommendation
from grantsfund.audit.models import AuditEvent
from grantsfund.common.actor import Actor
from grantsfund.common.errors import DomainError
from grantsfund.extensions import db
from grantsfund.panel import decisions, meetings
from grantsfund.panel.decisions import DecisionAnswers
from grantsfund.panel.meetings import AttendanceAnswer
from grantsfund.panel.models import Attendance, MeetingStatus, Outcome, PanelMeeting, PanelRole
from tests.assessment.factories import scored
from tests.panel.factories import (
    all_present,
    attendance,
    delegate,
    join_group,
    meeting,
    meeting_details,
    ranked,
    register_interest,
)

APPROVE = DecisionAnswers(Outcome.APPROVED, reasons="Strong local support")
ABSENT = AttendanceAnswer(Attendance.APOLOGIES)


def names(users):
    return sorted(user.full_name for user in users)


# Setting up ----------------------------------------------------------------------------------------------------


def test_a_meeting_is_set_up_with_its_members_in_their_capacities(round_, officer, people):
    held = meetings.create_meeting(round_, meeting_details(people, quorum_roles={PanelRole.PARTNER}), actor=officer)
    assert held.status is MeetingStatus.SCHEDULED
    assert held.chair == people[0]
    assert held.deputy == people[1]
    assert {m.user_id: m.role for m in held.members} == {
        people[0].id: PanelRole.ELECTED_MEMBER,
        people[1].id: PanelRole.COMMUNITY,
        people[2].id: PanelRole.OFFICER,
        people[3].id: PanelRole.PARTNER,
    }
    assert held.quorum_roles == ["partner"]
    assert db.session.scalars(select(AuditEvent.action).where(AuditEvent.action == "panel.meeting_created")).all()


REFUSED_DETAILS = {
    "chair-without-the-chair-role": (
        lambda p, outsider: {"chair_id": p[1].id, "deputy_id": p[2].id},
        "chair_id",
        "Member 1 is not a panel chair",
    ),
    "chair-not-a-member": (
        lambda p, outsider: {"chair_id": outsider.id},
        "chair_id",
        "Choose a chair from the panel’s members",
    ),
    "deputy-is-the-chair": (
        lambda p, outsider: {"deputy_id": p[0].id},
        "deputy_id",
        "The deputy must be someone other than the chair",
    ),
    "deputy-not-a-member": (
        lambda p, outsider: {"deputy_id": outsider.id},
        "deputy_id",
        "Choose a deputy from the panel’s members",
    ),
    "quorum-zero": (
        lambda p, outsider: {"quorum": 0},
        "quorum",
        "The quorum must be between 1 and the number of members (4)",
    ),
    "quorum-above-members": (
        lambda p, outsider: {"quorum": 5},
        "quorum",
        "The quorum must be between 1 and the number of members (4)",
    ),
    "quorum-role-nobody-holds": (
        lambda p, outsider: {
            "members": {person.id: PanelRole.COMMUNITY for person in p},
            "quorum_roles": {PanelRole.ELECTED_MEMBER, PanelRole.PARTNER},
        },
        "quorum_roles",
        "The quorum needs someone sitting as Elected member, Partner organisation, but no member does",
    ),
    "no-members": (lambda p, outsider: {"members": {}}, "members", "Choose the panel’s members"),
    "no-title": (lambda p, outsider: {"title": "  "}, "title", "Enter the meeting’s title"),
}


@pytest.mark.parametrize(("change", "field", "message"), REFUSED_DETAILS.values(), ids=REFUSED_DETAILS.keys())
def test_a_meeting_is_refused_unless_its_chair_deputy_and_quorum_make_sense(
    round_, officer, people, make_user, change, field, message
):
    outsider = make_user(full_name="Outside Chair", roles={Role.PANEL_CHAIR})
    with pytest.raises(DomainError, match=re.escape(message)) as refused:
        meetings.create_meeting(round_, meeting_details(people, **change(people, outsider)), actor=officer)
    assert refused.value.field == field
    assert db.session.scalars(select(PanelMeeting)).all() == []


def test_members_must_hold_a_panel_role(round_, officer, people, make_user):
    applicant = make_user(full_name="Applicant Ann")
    members = {person.id: PanelRole.COMMUNITY for person in [*people, applicant]}
    with pytest.raises(DomainError, match="Members must be people with a panel role"):
        meetings.create_meeting(round_, meeting_details(people, members=members), actor=officer)


def test_the_quorum_can_equal_the_number_of_members_and_the_deputy_is_optional(round_, officer, people):
    held = meetings.create_meeting(round_, meeting_details(people, quorum=4, deputy_id=None), actor=officer)
    assert held.quorum == 4
    assert held.deputy is None


def test_the_members_and_quorum_change_only_while_the_meeting_is_scheduled(round_, officer, people, make_user):
    held = meeting(round_, officer, people)
    newcomer = make_user(full_name="Newcomer Nia", roles={Role.PANEL_MEMBER})
    changed = meeting_details([*people[:3], newcomer], quorum=2, title="Rescheduled panel")
    meetings.update_meeting(held, changed, actor=officer)
    assert held.title == "Rescheduled panel"
    assert held.quorum == 2
    assert {m.user_id for m in held.members} == {people[0].id, people[1].id, people[2].id, newcomer.id}
    with pytest.raises(DomainError, match="between 1 and the number of members"):
        meetings.update_meeting(held, meeting_details(people, quorum=9), actor=officer)
    assert held.quorum == 2
    all_present(held, people[0])
    with pytest.raises(DomainError, match="This meeting is in progress: its members and quorum can no longer change"):
        meetings.update_meeting(held, meeting_details(people, quorum=3), actor=officer)
    assert held.quorum == 2


# The agenda and the pack ---------------------------------------------------------------------------------------


def test_only_ranked_bids_not_on_an_agenda_can_be_added(round_, officer, people, make_user):
    first, second = ranked(round_, officer, make_user, 2)
    unscored = scored(round_, officer, make_user, [])  # eligible but no assessment in: not ranked
    held = meeting(round_, officer, people)
    other = meeting(round_, officer, people)
    assert {r.application for r in meetings.candidates(held)} == {first, second}
    with pytest.raises(DomainError, match="Choose ranked bids that are not on an agenda already"):
        meetings.add_to_agenda(held, [first.id, unscored.id], actor=officer)
    assert first.status is ApplicationStatus.IN_ASSESSMENT  # nothing was added
    with pytest.raises(DomainError, match="Choose at least one bid"):
        meetings.add_to_agenda(held, [], actor=officer)
    meetings.add_to_agenda(held, [first.id], actor=officer)
    assert [r.application for r in meetings.candidates(other)] == [second]
    with pytest.raises(DomainError, match="Choose ranked bids that are not on an agenda already"):
        meetings.add_to_agenda(other, [first.id], actor=officer)
    assert [item.application for item in held.items] == [first]
    assert other.items == []


def test_adding_a_bid_puts_it_at_panel_and_removing_it_puts_it_back(round_, officer, people, make_user):
    bid, other = ranked(round_, officer, make_user, 2)
    held = meeting(round_, officer, people)
    [item, _] = meetings.add_to_agenda(held, [bid.id, other.id], actor=officer)
    assert bid.status is ApplicationStatus.AT_PANEL
    assert item.previous_status is ApplicationStatus.IN_ASSESSMENT
    meetings.remove_from_agenda(item, actor=officer)
    assert bid.status is ApplicationStatus.IN_ASSESSMENT
    assert [i.application for i in held.items] == [other]
    assert bid in {r.application for r in meetings.candidates(held)}
    all_present(held, people[0])
    with pytest.raises(DomainError, match="This meeting is in progress: its agenda can no longer change"):
        meetings.add_to_agenda(held, [bid.id], actor=officer)
    with pytest.raises(DomainError, match="its agenda can no longer change"):
        meetings.remove_from_agenda(held.items[0], actor=officer)
    assert other.status is ApplicationStatus.AT_PANEL


def test_the_pack_carries_the_rank_score_assessments_and_flags_as_they_stood(round_, officer, people, make_user):
    n = len(round_.criteria)
    essential, moderated = round_.criteria[0], round_.criteria[1]
    essential.essential = True
    bid = scored(
        round_, officer, make_user, [[1, 2] + [4] * (n - 2)], recommendation=Recommendation.FUND_WITH_CONDITIONS
    )
    ranking.moderate(bid, moderated, score=3, reason="Agreed at moderation", actor=officer)
    held = meeting(round_, officer, people)
    [item] = meetings.add_to_agenda(held, [bid.id], actor=officer)
    pack = item.pack
    assert pack["reference"] == bid.reference
    assert pack["organisation"] == bid.organisation.name
    assert pack["amount_requested_pence"] == bid.amount_requested_pence
    assert pack["rank"] == 1
    assert pack["score"] == ranking.percent(ranking.bid_result(bid).weighted)
    assert [c["score"] for c in pack["criteria"][:2]] == ["1", "3"]  # the agreed score, not the assessor's 2
    [assessment] = pack["assessments"]
    assert assessment["assessor"] == "Assessor 1"
    assert assessment["recommendation"] == "Fund with conditions"
    assert assessment["summary"] == "Summary"
    assert {c["criterion"] for c in assessment["comments"]} == {c.name for c in round_.criteria}
    assert all(c["comment"] == "Why" for c in assessment["comments"])
    flags = pack["flags"]
    assert f"Failed essential criterion: {essential.name} (below 2)" in flags
    assert f"Moderated: {moderated.name}" in flags
    assert "Eligibility: All in order" in flags

    # A better bid scored afterwards moves the live ranking, but not the pack the members were sent.
    better = scored(round_, officer, make_user, [[5] * n])
    assert ranking.bid_result(better).weighted > ranking.bid_result(bid).weighted
    db.session.expire(item)
    assert item.pack["rank"] == 1
    assert item.pack == pack


# Attendance, delegates and the quorum --------------------------------------------------------------------------


@pytest.fixture
def bid(round_, officer, make_user):
    [made] = ranked(round_, officer, make_user, 1)
    return made


def test_there_is_no_quorum_before_the_chair_records_attendance(round_, officer, people, bid):
    held = meeting(round_, officer, people)
    [item] = meetings.add_to_agenda(held, [bid.id], actor=officer)
    quorum = meetings.quorum_for(item)
    assert not quorum.quorate
    assert quorum.problems == ["The chair has not recorded attendance yet"]


def test_too_few_present_is_not_a_quorum(round_, officer, people, bid):
    held = meeting(round_, officer, people, quorum=3)
    [item] = meetings.add_to_agenda(held, [bid.id], actor=officer)
    meetings.record_attendance(held, attendance(held, {people[2].id: ABSENT, people[3].id: ABSENT}), actor=officer)
    quorum = meetings.quorum_for(item)
    assert quorum.problems == ["2 of the 3 members needed are present and free of conflict"]
    with pytest.raises(DomainError, match="not quorate for this item: 2 of the 3 members needed"):
        decisions.record(item, APPROVE, actor=Actor(people[0]))
    # Someone arrives late: the chair corrects the attendance and the meeting can decide.
    meetings.record_attendance(held, attendance(held, {people[3].id: ABSENT}), actor=officer)
    assert meetings.quorum_for(item).quorate
    assert decisions.record(item, APPROVE, actor=Actor(people[0])).outcome is Outcome.APPROVED


def test_conflicted_members_do_not_count_and_the_message_says_how_many(round_, officer, people, bid):
    held = meeting(round_, officer, people, quorum=3)
    [item] = meetings.add_to_agenda(held, [bid.id], actor=officer)
    all_present(held, people[0])
    meetings.declare_conflict(item, people[2], reason="Volunteers at the kitchen", actor=Actor(people[2]))
    meetings.declare_conflict(item, people[3], reason="Funds the kitchen", actor=Actor(people[0]))
    quorum = meetings.quorum_for(item)
    assert names(quorum.taking_part) == ["Chair Chidi", "Member 1"]
    assert [(person.full_name, reason) for person, reason in quorum.excluded] == [
        ("Member 2", "Volunteers at the kitchen"),
        ("Member 3", "Funds the kitchen"),
    ]
    assert quorum.problems == [
        "2 of the 3 members needed are present and free of conflict, and 2 conflicted on this item"
    ]


def test_a_quorum_role_nobody_free_of_conflict_holds_is_named(round_, officer, people, bid):
    held = meeting(round_, officer, people, quorum=2, quorum_roles={PanelRole.PARTNER, PanelRole.OFFICER})
    [item] = meetings.add_to_agenda(held, [bid.id], actor=officer)
    meetings.record_attendance(held, attendance(held, {people[3].id: ABSENT}), actor=officer)
    assert meetings.quorum_for(item).problems == ["No partner organisation is present and free of conflict"]
    meetings.record_attendance(held, attendance(held), actor=officer)
    assert meetings.quorum_for(item).quorate
    meetings.declare_conflict(item, people[2], reason="Line manager of the applicant", actor=Actor(people[2]))
    assert meetings.quorum_for(item).problems == ["No council officer is present and free of conflict"]
    with pytest.raises(DomainError, match="No council officer is present and free of conflict"):
        decisions.record(item, APPROVE, actor=Actor(people[0]))


def test_a_delegate_counts_in_the_absent_members_place_and_capacity(round_, officer, people, bid, make_user):
    stand_in = delegate(make_user)
    held = meeting(round_, officer, people, quorum=4, quorum_roles={PanelRole.PARTNER})
    [item] = meetings.add_to_agenda(held, [bid.id], actor=officer)
    meetings.record_attendance(held, attendance(held, {people[3].id: ABSENT}), actor=officer)
    assert meetings.quorum_for(item).problems == [
        "3 of the 4 members needed are present and free of conflict",
        "No partner organisation is present and free of conflict",
    ]
    sent = AttendanceAnswer(Attendance.DELEGATE, delegate_id=stand_in.id)
    meetings.record_attendance(held, attendance(held, {people[3].id: sent}), actor=officer)
    quorum = meetings.quorum_for(item)
    assert quorum.quorate
    assert names(quorum.taking_part) == ["Chair Chidi", "Delegate Dana", "Member 1", "Member 2"]
    assert held.takes_part(stand_in.id)
    decision = decisions.record(item, APPROVE, actor=Actor(people[0]))
    assert sorted(p["name"] for p in decision.taking_part) == ["Chair Chidi", "Delegate Dana", "Member 1", "Member 2"]


def test_delegates_are_refused_when_the_terms_of_reference_do_not_allow_them(round_, officer, people, make_user):
    stand_in = delegate(make_user)
    held = meeting(round_, officer, people, delegates_allowed=False)
    sent = AttendanceAnswer(Attendance.DELEGATE, delegate_id=stand_in.id)
    with pytest.raises(DomainError, match="terms of reference do not allow delegates"):
        meetings.record_attendance(held, attendance(held, {people[3].id: sent}), actor=officer)
    assert held.status is MeetingStatus.SCHEDULED
    assert not held.takes_part(stand_in.id)


def test_a_delegate_must_not_be_a_member_already_nor_attend_for_two(round_, officer, people, make_user):
    stand_in = delegate(make_user)
    held = meeting(round_, officer, people)
    member_as_delegate = AttendanceAnswer(Attendance.DELEGATE, delegate_id=people[1].id)
    with pytest.raises(DomainError, match="Member 1 is a member already: choose someone else to attend for Member 3"):
        meetings.record_attendance(held, attendance(held, {people[3].id: member_as_delegate}), actor=officer)
    sent = AttendanceAnswer(Attendance.DELEGATE, delegate_id=stand_in.id)
    with pytest.raises(DomainError, match="Delegate Dana can attend for one member only"):
        meetings.record_attendance(held, attendance(held, {people[2].id: sent, people[3].id: sent}), actor=officer)
    nobody = AttendanceAnswer(Attendance.DELEGATE, delegate_id=None)
    with pytest.raises(DomainError, match="Choose who attends for Member 3"):
        meetings.record_attendance(held, attendance(held, {people[3].id: nobody}), actor=officer)
    applicant = make_user(full_name="Applicant Ann")
    not_panel = AttendanceAnswer(Attendance.DELEGATE, delegate_id=applicant.id)
    with pytest.raises(DomainError, match="Choose who attends for Member 3"):
        meetings.record_attendance(held, attendance(held, {people[3].id: not_panel}), actor=officer)
    answers = attendance(held)
    del answers[people[2].id]
    with pytest.raises(DomainError, match="Say whether Member 2 is present"):
        meetings.record_attendance(held, answers, actor=officer)
    assert held.status is MeetingStatus.SCHEDULED
    assert all(m.attendance is Attendance.NOT_RECORDED for m in held.members)


# Conflicts -----------------------------------------------------------------------------------------------------


def test_a_member_of_the_applying_group_is_found_conflicted_when_the_bid_is_added(round_, officer, people, bid):
    join_group(bid, people[2])
    held = meeting(round_, officer, people)
    [item] = meetings.add_to_agenda(held, [bid.id], actor=officer)
    assert [(c.user_id, c.reason) for c in item.conflicts] == [(people[2].id, "A member of the group")]
    all_present(held, people[0])
    quorum = meetings.quorum_for(item)
    assert people[2] not in quorum.taking_part
    assert [(person, reason) for person, reason in quorum.excluded] == [(people[2], "A member of the group")]


def test_an_interest_on_the_register_is_found_when_the_bid_is_added(round_, officer, people, bid):
    register_interest(bid, people[3], "Trustee of Scored Group and of the Northbrook Trust")
    held = meeting(round_, officer, people)
    [item] = meetings.add_to_agenda(held, [bid.id], actor=officer)
    [conflict] = item.conflicts
    assert conflict.user_id == people[3].id
    assert conflict.reason == "Declared an interest: Trustee of Scored Group and of the Northbrook Trust"
    all_present(held, people[0])
    decision = decisions.record(item, APPROVE, actor=Actor(people[0]))
    assert "Member 3" not in [p["name"] for p in decision.taking_part]


def test_a_delegate_brought_by_attendance_is_checked_for_conflicts(round_, officer, people, make_user):
    bid, other = ranked(round_, officer, make_user, 2)
    stand_in, second = delegate(make_user), delegate(make_user, "Delegate Dev")
    join_group(bid, stand_in)
    register_interest(other, second, "Treasurer")
    held = meeting(round_, officer, people)
    item, other_item = meetings.add_to_agenda(held, [bid.id, other.id], actor=officer)
    assert item.conflicts == []
    assert other_item.conflicts == []
    answers = {
        people[2].id: AttendanceAnswer(Attendance.DELEGATE, delegate_id=stand_in.id),
        people[3].id: AttendanceAnswer(Attendance.DELEGATE, delegate_id=second.id),
    }
    meetings.record_attendance(held, attendance(held, answers), actor=officer)
    assert [(c.user_id, c.reason) for c in item.conflicts] == [(stand_in.id, "A member of the group")]
    assert [(c.user_id, c.reason) for c in other_item.conflicts] == [(second.id, "Declared an interest: Treasurer")]
    assert stand_in not in meetings.quorum_for(item).taking_part
    assert stand_in in meetings.quorum_for(other_item).taking_part
    assert second not in meetings.quorum_for(other_item).taking_part


def test_a_declared_conflict_keeps_the_person_out_of_the_quorum_and_the_decision(round_, officer, people, bid):
    held = meeting(round_, officer, people, quorum=3)
    [item] = meetings.add_to_agenda(held, [bid.id], actor=officer)
    all_present(held, people[0])
    assert people[3] in meetings.quorum_for(item).taking_part
    meetings.declare_conflict(item, people[3], reason="  My sister runs the group  ", actor=Actor(people[3]))
    assert item.conflicts[0].reason == "My sister runs the group"
    assert people[3] not in meetings.quorum_for(item).taking_part
    assert item.conflicted(people[3].id)
    decision = decisions.record(item, APPROVE, actor=Actor(people[0]))
    assert [p["name"] for p in decision.taking_part] == ["Chair Chidi", "Member 1", "Member 2"]
    with pytest.raises(DomainError, match="Member 3 has already declared a conflict on this item"):
        meetings.declare_conflict(item, people[3], reason="Again", actor=Actor(people[3]))


def test_only_someone_taking_part_can_declare_and_only_with_a_reason(round_, officer, people, bid, make_user):
    stranger = make_user(full_name="Stranger Sam", roles={Role.PANEL_MEMBER})
    held = meeting(round_, officer, people)
    [item] = meetings.add_to_agenda(held, [bid.id], actor=officer)
    with pytest.raises(DomainError, match="Stranger Sam is not taking part in this meeting"):
        meetings.declare_conflict(item, stranger, reason="Friend of the treasurer", actor=Actor(stranger))
    with pytest.raises(DomainError, match="Enter the nature of the interest"):
        meetings.declare_conflict(item, people[2], reason="   ", actor=Actor(people[2]))
    assert item.conflicts == []


def test_a_chair_conflicted_on_an_item_hands_it_to_the_deputy(round_, officer, people, make_user):
    bid, other = ranked(round_, officer, make_user, 2)
    held = meeting(round_, officer, people, quorum=2)
    item, other_item = meetings.add_to_agenda(held, [bid.id, other.id], actor=officer)
    all_present(held, people[0])
    meetings.declare_conflict(item, people[0], reason="Patron of the group", actor=Actor(people[0]))
    assert meetings.presiding(item) == people[1]
    assert meetings.presiding(other_item) == people[0]
    with pytest.raises(DomainError, match="Only the person chairing this item can record its decision: Member 1 is"):
        decisions.record(item, APPROVE, actor=Actor(people[0]))
    decision = decisions.record(item, APPROVE, actor=Actor(people[1]))
    assert decision.recorded_by == people[1]
    assert "Chair Chidi" not in [p["name"] for p in decision.taking_part]
    with pytest.raises(DomainError, match="Only the person chairing this item can record its decision: Chair Chidi"):
        decisions.record(other_item, APPROVE, actor=Actor(people[1]))


def test_with_the_chair_away_the_deputy_presides_and_without_either_nobody_can(round_, officer, people, bid):
    held = meeting(round_, officer, people, quorum=2)
    [item] = meetings.add_to_agenda(held, [bid.id], actor=officer)
    meetings.record_attendance(held, attendance(held, {people[0].id: ABSENT}), actor=officer)
    assert meetings.presiding(item) == people[1]
    meetings.declare_conflict(item, people[1], reason="Landlord of the group", actor=Actor(people[1]))
    assert meetings.presiding(item) is None
    assert meetings.quorum_for(item).quorate  # Members 2 and 3 are a quorum, but nobody can chair
    with pytest.raises(DomainError, match="No chair or deputy free of conflict is present"):
        decisions.record(item, APPROVE, actor=Actor(people[2]))
