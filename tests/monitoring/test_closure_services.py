"""Closing a grant: what stands in the way (the final return, the final payment, a variation under way), what was
achieved prefilled from the accepted returns only, the closure record, the group's email, and a closed grant
that nothing can change any more."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from grantsfund.agreements import services, termination
from grantsfund.agreements.models import AgreementStatus
from grantsfund.common.dates import format_date, london_today
from grantsfund.common.errors import InvalidTransition
from grantsfund.extensions import db
from grantsfund.monitoring import closure, returns, sustainability
from grantsfund.monitoring.closure import Achievement, ClosureRefused, FieldProblem, NotReady
from grantsfund.monitoring.models import Continuation, Rag, ReturnSection, ReturnStatus
from grantsfund.monitoring.sustainability import IncomeLine
from grantsfund.notifications.rendering import render_email
from grantsfund.payments import services as payments
from grantsfund.payments.models import InstalmentStatus
from grantsfund.rounds.models import Indicator
from tests.agreements import factories
from tests.agreements.conftest import officer, people, round_  # noqa: F401
from tests.agreements.factories import events
from tests.conftest import queued_emails
from tests.monitoring import plan_factories
from tests.monitoring.plan_factories import accept_return

BASE_URL = "https://grants.northbrook.example"


@pytest.fixture
def agreement(round_, officer, make_user, people):  # noqa: F811
    [made] = plan_factories.grants(round_, officer, make_user, people)
    return made


def indicator(agreement) -> int:
    return plan_factories.targets(agreement)[0]["indicator_id"]


def messages(agreement) -> list[str]:
    return [blocker.message for blocker in closure.blockers(agreement)]


def as_reported(agreement, comment: str = "") -> dict:
    return {item.indicator_id: (item.achieved, comment) for item in closure.achievements(agreement)}


# What stands in the way -----------------------------------------------------------------------------------------


def test_a_grant_just_accepted_waits_for_its_returns_and_payments(agreement):
    first, second, final = agreement.periods
    assert messages(agreement) == [
        f"The grant runs until {format_date(agreement.ends_on)}: it can be closed after it ends",
        f"The final return (due {final.due_on.day} {final.due_on:%B %Y}) has not been accepted yet",
        f"The return for period 1 (due {first.due_on.day} {first.due_on:%B %Y}) has not been accepted yet",
        f"The return for period 2 (due {second.due_on.day} {second.due_on:%B %Y}) has not been accepted yet",
        "The final payment has not been made: instalment 1, £1,668.50, is scheduled; instalment 2, £1,666.00, is"
        " scheduled; instalment 3, £1,666.00, is scheduled. Each must be paid or cancelled",
    ]


def test_every_return_must_be_accepted_the_final_one_and_the_others(agreement, officer, finance):  # noqa: F811
    plan_factories.ended(agreement)
    first, second, final = agreement.periods
    accept_return(final, actor=officer)
    accept_return(first, actor=officer)
    accept_return(second, actor=officer, status=ReturnStatus.SUBMITTED)  # sent, never reviewed
    assert [blocker.message.split(" (")[0] for blocker in closure.blockers(agreement)] == [
        "The return for period 2",
        "The final payment has not been made: instalment 1, £1,668.50, is scheduled; instalment 2, £1,666.00, is"
        " scheduled; instalment 3, £1,666.00, is scheduled. Each must be paid or cancelled",
    ]


def test_once_every_return_is_accepted_the_payments_remain(agreement, officer, finance):  # noqa: F811
    plan_factories.ended(agreement)
    plan_factories.accept_all_returns(agreement, officer)
    first, second, third = payments.instalments_for(agreement)
    payments.approve(first, actor=finance)
    payments.record_paid(first, paid_on=london_today(), reference="BACS-1", actor=finance)
    payments.cancel(second, reason="Spent less", actor=finance)
    payments.approve(third, actor=finance)

    assert messages(agreement) == [
        "The final payment has not been made: instalment 3, £1,666.00, is approved. Each must be paid or cancelled"
    ]

    payments.record_paid(third, paid_on=london_today(), reference="BACS-3", actor=finance)
    assert messages(agreement) == []


def test_a_grant_is_closed_only_once_it_has_ended(agreement, officer, finance):  # noqa: F811
    plan_factories.ready(agreement, officer, finance)
    agreement.ends_on = london_today()  # its last day
    assert messages(agreement) == [
        f"The grant runs until {format_date(london_today())}: it can be closed after it ends"
    ]
    assert closure.ready_to_close().items == []
    with pytest.raises(NotReady, match="runs until"):
        closure.close(agreement, achieved=as_reported(agreement), lessons="x", continues=Continuation.NO, actor=officer)

    agreement.ends_on = london_today() - timedelta(days=1)
    assert messages(agreement) == []
    assert closure.ready_to_close().items == [agreement]


def test_a_variation_under_way_stands_in_the_way(agreement, officer, finance):  # noqa: F811
    plan_factories.ready(agreement, officer, finance)
    services.propose_variation(agreement, reason="Longer", actor=officer)
    assert messages(agreement) == ["Version 2, a variation, is draft: it must be accepted or withdrawn first"]


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("offered", "The agreement is offer sent: only a grant in force can be closed"),
        ("terminated", "The agreement is terminated: only a grant in force can be closed"),
    ],
)
def test_only_a_grant_in_force_can_be_closed(round_, officer, make_user, people, state, message):  # noqa: F811
    [bid] = factories.approved(round_, officer, make_user, people)
    if state == "offered":
        agreement = factories.offered(bid, officer)
    else:
        agreement = factories.accepted(bid, officer)
        termination.terminate(
            agreement, reason="Stopped", terminated_on=london_today(), amount_owed_pence=0, actor=officer
        )
    assert messages(agreement) == [message]
    with pytest.raises(NotReady, match=message):
        closure.close(agreement, achieved={}, lessons="x", continues=Continuation.NO, actor=officer)


# What was achieved ----------------------------------------------------------------------------------------------


def test_achievements_add_up_counts_from_accepted_returns_only(agreement, officer):  # noqa: F811
    first, second, final = agreement.periods
    target = indicator(agreement)
    accept_return(first, {target: 30}, actor=officer)
    accept_return(second, {target: 45}, actor=officer)
    accept_return(final, {target: 50}, actor=officer, status=ReturnStatus.CHANGES_REQUESTED)

    [achievement] = closure.achievements(agreement)

    assert (achievement.indicator_id, achievement.target, achievement.unit, achievement.achieved) == (
        target,
        80,
        "people",
        75,
    )
    assert achievement.domain == "Work"
    assert (achievement.target_text, achievement.achieved_text) == ("80 people", "75 people")


def test_a_percentage_is_the_latest_accepted_figure(agreement, officer, round_):  # noqa: F811
    # A percentage by the library's indicator, whatever unit the group typed beside its target.
    wellbeing = db.session.scalars(select(Indicator).where(Indicator.unit == "percent")).first()
    in_force = agreement.in_force
    in_force.targets = [
        *in_force.targets,
        {"indicator_id": wellbeing.id, "indicator": wellbeing.measure, "domain": wellbeing.domain,
         "target": 60, "unit": "% of families", "measurement": "Survey"},
    ]  # fmt: skip
    db.session.flush()
    first, second, final = agreement.periods
    people_target = indicator(agreement)
    accept_return(first, {people_target: 20, wellbeing.id: 40}, actor=officer)
    accept_return(second, {people_target: None, wellbeing.id: 65}, actor=officer)
    accept_return(final, {people_target: 10, wellbeing.id: None}, actor=officer)

    counted, percent = closure.achievements(agreement)

    assert counted.achieved == 30  # 20 + 10: a period that reported nothing adds nothing
    assert percent.achieved == 65  # the latest figure reported; the final return left it out
    assert percent.achieved_text == "65 % of families"


def test_no_accepted_figure_is_not_reported(agreement, officer):  # noqa: F811
    accept_return(agreement.periods[0], {indicator(agreement): 12}, actor=officer, status=ReturnStatus.SUBMITTED)
    [achievement] = closure.achievements(agreement)
    assert achievement.achieved is None
    assert achievement.achieved_text == "Not reported"


# Closing ------------------------------------------------------------------------------------------------------


def test_closing_writes_the_record_closes_the_grant_and_thanks_the_group(
    app, monkeypatch, agreement, officer, finance  # noqa: F811
):  # fmt: skip
    monkeypatch.setitem(app.config, "BASE_URL", BASE_URL)
    plan_factories.ready(agreement, officer, finance, actual=40)  # 3 returns of 40: 120 against a target of 80
    target = indicator(agreement)

    record = closure.close(
        agreement,
        achieved={target: (110, "One return counted ten people twice")},
        lessons="  Start earlier.  ",
        continues=Continuation.PARTLY,
        continuation_note="Monthly instead of weekly",
        actor=officer,
    )
    db.session.flush()

    assert agreement.status is AgreementStatus.CLOSED
    assert closure.closure_for(agreement) is record
    assert record.achievements == [
        {
            "indicator_id": target,
            "indicator": "Participants moving into paid work or volunteering",
            "domain": "Work",
            "unit": "people",
            "target": 80,
            "reported": 120,
            "achieved": 110,
            "comment": "One return counted ten people twice",
        }
    ]
    assert (record.lessons, record.continues, record.continuation_note) == (
        "Start earlier.",
        Continuation.PARTLY,
        "Monthly instead of weekly",
    )
    assert record.closed_by_id == officer.user_id
    [event] = events("agreement.closed", agreement)
    assert (event.before, event.after["status"], event.after["continues"]) == (
        {"status": "accepted"},
        "closed",
        "partly",
    )
    assert event.after["achievements"][0]["achieved"] == 110

    application = agreement.application
    messages = queued_emails(template="monitoring/closed")
    assert [message.recipient for message in messages] == [
        application.organisation.contact_email,
        application.submitted_by.email,
    ]
    email = render_email("monitoring/closed", messages[0].context)
    assert email.subject == f"Your grant is complete: {agreement.reference}"
    assert "Participants moving into paid work or volunteering: 110 people (the target was 80 people)" in email.text
    assert "Partly, or on a smaller scale" in email.text
    assert f"{BASE_URL}/grants/{agreement.id}/closure" in email.text
    assert f"{BASE_URL}/grants/{agreement.id}/closure" in email.html
    assert "110 people" in email.html


def test_a_closed_grant_is_read_only_everywhere(agreement, officer, finance):  # noqa: F811
    plan_factories.closed(agreement, officer, finance)
    plan = plan_factories.plan_of(agreement)
    paid = payments.instalments_for(agreement)[0]

    with pytest.raises(InvalidTransition, match="Only an agreement in force can be varied"):
        services.propose_variation(agreement, reason="More time", actor=officer)
    with pytest.raises(InvalidTransition, match="This agreement is closed: only one in force can be terminated"):
        termination.terminate(
            agreement, reason="Late", terminated_on=london_today(), amount_owed_pence=0, actor=officer
        )
    with pytest.raises(InvalidTransition, match="This agreement is closed: only an offer not yet accepted"):
        services.withdraw_offer(agreement, reason="Late", actor=officer)
    with pytest.raises(InvalidTransition, match="This agreement is closed: only an offer can be extended"):
        services.extend_offer(agreement, accept_by=london_today(), actor=officer)
    with pytest.raises(InvalidTransition, match="The agreement is closed: nothing can be approved"):
        payments.approve(paid, actor=finance)
    with pytest.raises(InvalidTransition, match="The agreement is closed: nothing can be released"):
        payments.release(paid, actor=finance)
    with pytest.raises(InvalidTransition, match="The agreement is closed: nothing can be held"):
        payments.hold(paid, reason="Check", actor=finance)
    with pytest.raises(InvalidTransition, match="The agreement is closed: nothing can be cancelled"):
        payments.cancel(paid, reason="Check", actor=finance)
    with pytest.raises(InvalidTransition, match="The agreement is closed: nothing can be recorded as paid"):
        payments.record_paid(paid, paid_on=london_today(), reference="BACS-9", actor=finance)
    with pytest.raises(InvalidTransition, match="This grant is closed: its sustainability plan is a record"):
        sustainability.update_income(plan, [IncomeLine("Lottery", 1, None)], actor=finance)
    with pytest.raises(InvalidTransition, match="This grant is closed"):
        sustainability.review(plan, rag=Rag.GREEN, note="Late", reviewed_on=london_today(), actor=officer)
    with pytest.raises(NotReady, match="This grant is already closed"):
        closure.close(agreement, achieved={}, lessons="Again", continues=Continuation.YES, actor=officer)
    period = agreement.periods[-1]
    final = returns.return_for(period)
    refused = "This grant is closed: its returns can no longer be started or changed"
    with pytest.raises(InvalidTransition, match=refused):
        returns.start(period, actor=officer)
    with pytest.raises(InvalidTransition, match=refused):
        returns.submit(final, actor=officer)
    with pytest.raises(InvalidTransition, match=refused):
        returns.add_evidence(final, filename="late.pdf", data=b"%PDF-1.4", description="Late", actor=officer)
    with pytest.raises(InvalidTransition, match=refused):
        returns.accept(final, actor=officer)
    with pytest.raises(InvalidTransition, match=refused):
        returns.request_changes(final, comments={ReturnSection.PROGRESS: "More"}, note="Late", actor=officer)
    assert final.status is ReturnStatus.ACCEPTED
    assert paid.status is InstalmentStatus.PAID
    assert agreement.status is AgreementStatus.CLOSED
    assert len(events("agreement.closed", agreement)) == 1


def test_an_incomplete_record_is_refused_with_every_problem_and_nothing_written(agreement, officer, finance):  # noqa: F811
    plan_factories.ready(agreement, officer, finance, actual=20)  # 60 reported against a target of 80
    target = indicator(agreement)

    with pytest.raises(ClosureRefused) as refused:
        closure.close(agreement, achieved={target: (60, "")}, lessons=" ", continues=None, actor=officer)

    assert [(problem.field, problem.message) for problem in refused.value.problems] == [
        (f"comment_{target}", "Explain why the target for Work: Participants moving into paid work or volunteering"
         " was not met"),
        ("lessons", "Enter the lessons learned"),
        ("continues", "Select whether the work continues after the grant"),
    ]  # fmt: skip
    assert agreement.status is AgreementStatus.ACCEPTED
    assert closure.closure_for(agreement) is None
    assert queued_emails(template="monitoring/closed") == []


ABOUT = "Work: Participants moving into paid work or volunteering"


@pytest.mark.parametrize(
    ("given", "field", "message"),
    [
        (None, "achieved", f"Enter what was achieved for {ABOUT}"),
        ((None, ""), "achieved", f"Enter what was achieved for {ABOUT}"),
        ((100, ""), "comment", f"Explain why the figure for {ABOUT} differs from the returns"),
        ((-1, "Typo"), "achieved", f"Enter what was achieved for {ABOUT} between 0 and 999,999"),
    ],
)
def test_each_target_needs_a_figure_and_a_reason_when_it_differs(agreement, officer, finance, given, field, message):  # noqa: F811
    plan_factories.ready(agreement, officer, finance, actual=30)  # 90 reported against a target of 80
    target = indicator(agreement)
    achieved = {} if given is None else {target: given}

    with pytest.raises(ClosureRefused) as refused:
        closure.close(agreement, achieved=achieved, lessons="Lessons", continues=Continuation.YES, actor=officer)

    assert [(problem.field, problem.message) for problem in refused.value.problems] == [(f"{field}_{target}", message)]


def test_the_returns_figure_when_it_meets_the_target_needs_no_comment(agreement, officer, finance):  # noqa: F811
    plan_factories.ready(agreement, officer, finance, actual=30)
    record = closure.close(
        agreement, achieved=as_reported(agreement), lessons="Lessons", continues=Continuation.NO, actor=officer
    )
    assert [(entry["reported"], entry["achieved"], entry["comment"]) for entry in record.achievements] == [(90, 90, "")]


def test_a_grant_with_no_targets_closes_with_lessons_alone(agreement, officer, finance):  # noqa: F811
    agreement.in_force.targets = []
    plan_factories.ready(agreement, officer, finance)
    record = closure.close(agreement, achieved={}, lessons="Lessons", continues=Continuation.YES, actor=officer)
    assert record.achievements == []


def test_ready_to_close_lists_only_grants_that_can_be_closed(round_, officer, make_user, people, finance):  # noqa: F811
    waiting, ready_one, varied, done = plan_factories.grants(round_, officer, make_user, people, 4)
    plan_factories.accept_all_returns(waiting, officer)
    plan_factories.ready(ready_one, officer, finance)
    plan_factories.ready(varied, officer, finance)
    services.propose_variation(varied, reason="Longer", actor=officer)
    plan_factories.closed(done, officer, finance)

    assert closure.ready_to_close().items == [ready_one]


def test_a_percentage_over_100_is_refused_whoever_asks():
    item = Achievement(
        indicator_id=7, indicator="Feel less alone", domain="Wellbeing", unit="%", target=60, achieved=70, percent=True
    )

    def problems(figure: int) -> list[FieldProblem]:
        given = {7: (figure, "Counted again at the end")}
        return closure.check_record(
            [item], achieved=given, lessons="Lessons", continues=Continuation.YES, continuation_note=""
        ).problems

    assert problems(101) == [
        FieldProblem("achieved_7", "Enter what was achieved for Wellbeing: Feel less alone between 0 and 100")
    ]
    assert problems(100) == []
