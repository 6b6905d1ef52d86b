"""Reminders about returns (`flask monitoring remind`): once before a return is due and once when it is late, by
the council's calendar (Europe/London); none for a return sent or accepted; and a late return holds the payment
waiting on it, which accepting the return releases."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from grantsfund.agreements import termination
from grantsfund.common.dates import format_date, london_to_utc, london_today
from grantsfund.common.errors import DomainError
from grantsfund.monitoring import reminders, returns
from grantsfund.monitoring.models import ReminderKind, ReturnSection
from grantsfund.notifications.rendering import render_email
from grantsfund.payments import holds
from grantsfund.payments import services as payments
from grantsfund.payments.models import InstalmentStatus
from tests.agreements.factories import events, finance_actor
from tests.conftest import queued_emails
from tests.monitoring.factories import filled, member_of, noon, period_of, running, shifted, started, submitted
from tests.payments.conftest import grants


def sent(kind: str):
    return queued_emails(template=f"monitoring/{kind}")


@pytest.mark.parametrize(
    ("days_before", "kind"),
    [
        (15, None),
        (14, ReminderKind.DUE_SOON),
        (1, ReminderKind.DUE_SOON),
        (0, ReminderKind.DUE_SOON),
        (-1, ReminderKind.OVERDUE),
    ],
)
def test_which_reminder_a_day_calls_for(days_before, kind):
    due = date(2027, 7, 21)
    assert reminders.kind_on(due, due - timedelta(days=days_before), days=14) is kind


def test_the_day_is_londons_so_late_evening_utc_in_summer_is_already_the_next_day(unmoved):
    summer_day = date(london_today().year + 1, 7, 21)  # British Summer Time: London is UTC+1
    period = period_of(shifted(unmoved, period_of(unmoved, 1).due_on - summer_day), 1)
    assert period.due_on == summer_day
    evening = datetime.combine(period.due_on, datetime.min.time(), tzinfo=UTC) + timedelta(hours=22, minutes=30)

    # 22:30 UTC is 23:30 in London, still the due date: due soon, not late.
    assert reminders.remind(now=evening) == reminders.Summary(due_soon=1, overdue=0, held=1)
    # 23:30 UTC is 00:30 the next day in London: overdue.
    assert reminders.remind(now=evening + timedelta(hours=1)) == reminders.Summary(due_soon=0, overdue=1, held=0)
    assert len(sent("due_soon")) == len(sent("overdue")) == 2  # the group's contact and the person who applied


def test_each_reminder_goes_once_however_often_the_command_runs(unmoved):
    period = period_of(unmoved, 1)
    window_opens = noon(period.due_on - timedelta(days=14))
    assert reminders.remind(now=window_opens - timedelta(days=1)).due_soon == 0
    assert reminders.remind(now=window_opens).due_soon == 1
    assert reminders.remind(now=window_opens).due_soon == 0
    assert reminders.remind(now=noon(period.due_on)).due_soon == 0
    assert reminders.remind(now=noon(period.due_on + timedelta(days=1))).overdue == 1
    assert reminders.remind(now=noon(period.due_on + timedelta(days=30))).overdue == 0
    emails = sent("due_soon") + sent("overdue")
    assert [email.recipient for email in emails] == [
        unmoved.organisation.contact_email,
        unmoved.application.submitted_by.email,
    ] * 2
    assert [event.after["kind"] for event in events("monitoring_period.reminded", period)] == ["due_soon", "overdue"]


def test_no_reminder_for_a_return_sent_or_accepted(unmoved, officer):
    ret = submitted(unmoved, 1)
    period = period_of(unmoved, 1)
    assert reminders.remind(now=noon(period.due_on)) == reminders.Summary(due_soon=0, overdue=0, held=1)
    returns.accept(ret, actor=officer)
    assert reminders.remind(now=noon(period.due_on + timedelta(days=1))) == reminders.Summary(0, 0, 0)
    assert sent("due_soon") == sent("overdue") == []


def test_a_return_sent_back_for_changes_is_reminded_with_a_link_to_it(unmoved, officer):
    ret = submitted(unmoved, 1)
    returns.request_changes(ret, comments={ReturnSection.RISKS: "Say more"}, note="", actor=officer)
    period = period_of(unmoved, 1)
    assert reminders.remind(now=noon(period.due_on + timedelta(days=2))).overdue == 1
    [email, _] = sent("overdue")
    assert (email.context["return_id"], email.context["started"], email.context["days"]) == (ret.id, True, 2)
    rendered = render_email("monitoring/overdue", email.context)
    assert rendered.subject == f"Your monitoring return is overdue: {unmoved.reference}"
    assert (
        f"We asked you to change some things in the return for period 1 for {unmoved.reference}"
        f" ({unmoved.application.title}) and send it again by {format_date(period.due_on)}."
        " We have not received it again yet." in rendered.text
    )
    assert "we have not received it" not in rendered.text
    assert "Please make the changes and send it again as soon as you can" in rendered.text
    assert "Change your return" in rendered.html
    assert f"/monitoring/returns/{ret.id}" in rendered.text


def test_a_late_return_not_yet_sent_is_asked_for_as_not_received(unmoved):
    ret = started(unmoved, 1)
    period = period_of(unmoved, 1)
    reminders.remind(now=noon(period.due_on + timedelta(days=1)))
    [email, _] = sent("overdue")
    rendered = render_email("monitoring/overdue", email.context)
    assert f"was due on {format_date(period.due_on)}, and we have not received it" in rendered.text
    assert "Please finish and send it as soon as you can" in rendered.text
    assert f"/monitoring/returns/{ret.id}" in rendered.text


def test_a_due_soon_reminder_links_to_the_grants_returns_when_none_is_started(unmoved):
    period = period_of(unmoved, 1)
    reminders.remind(now=noon(period.due_on - timedelta(days=3)))
    [email, _] = sent("due_soon")
    rendered = render_email("monitoring/due_soon", email.context)
    assert rendered.subject == f"Your monitoring return is due on {format_date(period.due_on)}: {unmoved.reference}"
    assert "is due on" in rendered.text
    assert ", in 3 days." in rendered.text
    assert f"/monitoring/agreements/{unmoved.id}" in rendered.text


def test_no_reminders_for_a_grant_that_has_ended(unmoved, officer):
    termination.terminate(unmoved, reason="Stopped", terminated_on=london_today(), amount_owed_pence=0, actor=officer)
    period = period_of(unmoved, 1)
    assert reminders.remind(now=noon(period.due_on + timedelta(days=1))) == reminders.Summary(0, 0, 0)


def test_a_late_return_holds_its_payment_and_accepting_it_releases_the_payment(unmoved, officer, make_user):
    period = period_of(unmoved, 1)
    waiting = payments.instalments_for(unmoved)[1]
    assert waiting.period is period
    ret = started(unmoved)

    summary = reminders.remind(now=noon(period.due_on + timedelta(days=1)))

    assert summary == reminders.Summary(due_soon=0, overdue=1, held=1)
    assert (waiting.status, waiting.held_automatically) == (InstalmentStatus.HELD, True)
    assert (
        waiting.hold_reason
        == f"Waiting for the return for period 1 (overdue since {format_date(period.due_on)}) to be accepted"
    )
    [held_email, _] = queued_emails(template="payments/held")
    assert f"/monitoring/agreements/{unmoved.id}" in render_email("payments/held", held_email.context).text
    finance = finance_actor(make_user)
    with pytest.raises(DomainError, match="Instalment 2 is held and cannot be approved"):
        payments.approve(waiting, actor=finance)

    filled(ret)
    returns.submit(ret, actor=member_of(unmoved))
    assert waiting.status is InstalmentStatus.HELD  # sent is not enough: it must be accepted
    returns.accept(ret, actor=officer)

    assert waiting.status is InstalmentStatus.DUE
    payments.approve(waiting, actor=finance)
    assert waiting.status is InstalmentStatus.APPROVED
    [accepted] = queued_emails(template="monitoring/accepted", to=unmoved.organisation.contact_email)
    assert accepted.context["released"] == [{"number": 2, "amount": "£1,666.00"}]
    assert "Instalment 2: £1,666.00" in render_email("monitoring/accepted", accepted.context).text


def test_the_command_says_what_it_sent_and_held(app, round_, officer, make_user, people):
    soon, late = grants(round_, officer, make_user, people, 2)
    for agreement, days_left in ((soon, 5), (late, -3)):
        period = period_of(agreement, 1)
        running(agreement, days_in=(period.due_on - period.starts_on).days - days_left)
    assert period_of(soon, 1).due_on == london_today() + timedelta(days=5)

    result = app.test_cli_runner().invoke(args=["monitoring", "remind"])

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Due soon: 1 reminder sent.",
        "Overdue: 1 reminder sent.",
        "Payments held: 1 instalment waiting for a late return.",
    ]
    again = app.test_cli_runner().invoke(args=["monitoring", "remind"])
    assert again.output.splitlines()[:2] == ["Due soon: 0 reminders sent.", "Overdue: 0 reminders sent."]


def test_a_late_return_the_group_has_sent_holds_nothing_before_its_date_and_says_it_waits_for_review(unmoved):
    period = period_of(unmoved, 1)
    waiting = payments.instalments_for(unmoved)[1]
    waiting.due_on = period.due_on + timedelta(days=10)  # finance pays this one later than the return is due
    submitted(unmoved, 1, now=noon(period.due_on + timedelta(days=1)))  # a day late

    # Late, but sent: the council's review is what the payment waits for, so it is not held before its date.
    assert reminders.remind(now=noon(period.due_on + timedelta(days=2))).held == 0
    assert waiting.status is InstalmentStatus.DUE
    # On its date it is held, saying what it waits for.
    assert reminders.remind(now=noon(waiting.due_on)).held == 1
    assert waiting.hold_reason == "Waiting for the council to review the return for period 1, which the group has sent"


def test_a_return_sent_on_time_and_sent_back_late_is_not_overdue_until_its_resubmission_date(unmoved, officer):
    period = period_of(unmoved, 1)
    waiting = payments.instalments_for(unmoved)[1]
    waiting.due_on = period.due_on + timedelta(days=90)  # paid well after: only a late return holds it before
    ret = submitted(unmoved, 1, now=noon(period.due_on - timedelta(days=1)))  # on time
    asked = period.due_on + timedelta(days=5)  # the officer reviews it after the due date
    returns.request_changes(ret, comments={ReturnSection.RISKS: "Say more"}, note="", actor=officer, now=noon(asked))
    resubmit_by = asked + timedelta(days=14)  # RESUBMIT_DAYS

    next_day = noon(asked + timedelta(days=1))
    assert reminders.remind(now=next_day) == reminders.Summary(due_soon=1, overdue=0, held=0)
    [due_soon, _] = sent("due_soon")
    assert (due_soon.context["due_on"], due_soon.context["days"]) == (format_date(resubmit_by), 13)
    assert not returns.period_status(period, ret, asked + timedelta(days=1)).overdue
    board = returns.queue(now=next_day)
    assert board.overdue_count == 0
    assert [(item.period, item.send_by, item.days) for item in board.due_soon] == [(period, resubmit_by, 13)]

    # Still in time on the resubmission date itself.
    assert reminders.remind(now=noon(resubmit_by)) == reminders.Summary(due_soon=0, overdue=0, held=0)
    assert waiting.status is InstalmentStatus.DUE

    day_after = noon(resubmit_by + timedelta(days=1))
    assert reminders.remind(now=day_after) == reminders.Summary(due_soon=0, overdue=1, held=1)
    [overdue, _] = sent("overdue")
    assert (overdue.context["due_on"], overdue.context["days"]) == (format_date(resubmit_by), 1)
    assert f"send it again by {format_date(resubmit_by)}" in render_email("monitoring/overdue", overdue.context).text
    assert returns.period_status(period, ret, resubmit_by + timedelta(days=1)).overdue
    [late] = returns.queue(now=day_after).overdue
    assert (late.send_by, late.days) == (resubmit_by, 1)
    assert waiting.hold_reason == (
        "Waiting for the group to make the changes the council asked for in the return for period 1 and send it"
        f" again (overdue since {format_date(resubmit_by)})"
    )


def test_the_resubmission_date_counts_from_the_london_day_the_changes_were_asked_for(unmoved, officer):
    period = period_of(unmoved, 1)
    waiting = payments.instalments_for(unmoved)[1]
    waiting.due_on = period.due_on + timedelta(days=90)
    ret = submitted(unmoved, 1, now=noon(period.due_on))
    asked = period.due_on + timedelta(days=1)
    # 00:30 in London is still the evening before in UTC: the London day is what counts.
    returns.request_changes(
        ret,
        comments={ReturnSection.RISKS: "Say more"},
        note="",
        actor=officer,
        now=london_to_utc(asked, time(0, 30)),
    )
    resubmit_by = asked + timedelta(days=14)
    assert ret.resubmit_by == resubmit_by
    assert holds.hold_waiting(now=london_to_utc(resubmit_by, time(23, 30))) == 0
    assert holds.hold_waiting(now=london_to_utc(resubmit_by + timedelta(days=1), time(0, 30))) == 1


def test_sending_a_return_back_rewrites_the_reason_its_payment_is_held(unmoved, officer):
    period = period_of(unmoved, 1)
    waiting = payments.instalments_for(unmoved)[1]
    waiting.due_on = period.due_on
    ret = submitted(unmoved, 1, now=noon(period.due_on - timedelta(days=1)))
    assert reminders.remind(now=noon(period.due_on)).held == 1
    assert waiting.hold_reason == "Waiting for the council to review the return for period 1, which the group has sent"

    asked = period.due_on + timedelta(days=2)
    returns.request_changes(ret, comments={ReturnSection.RISKS: "Say more"}, note="", actor=officer, now=noon(asked))

    reason = (
        "Waiting for the group to make the changes the council asked for in the return for period 1 and send it"
        f" again (due {format_date(asked + timedelta(days=14))})"
    )
    assert (waiting.status, waiting.hold_reason) == (InstalmentStatus.HELD, reason)
    [changed] = events("payment.hold_reason_changed", waiting)
    assert changed.before["reason"].startswith("Waiting for the council to review")
    assert changed.after["reason"] == reason


def test_a_return_sent_back_is_reminded_again_before_and_after_its_resubmission_date(unmoved, officer):
    period = period_of(unmoved, 1)
    assert reminders.remind(now=noon(period.due_on - timedelta(days=3))).due_soon == 1  # before the first date
    ret = submitted(unmoved, 1, now=noon(period.due_on - timedelta(days=1)))
    asked = period.due_on + timedelta(days=5)
    returns.request_changes(ret, comments={ReturnSection.RISKS: "Say more"}, note="", actor=officer, now=noon(asked))
    resubmit_by = asked + timedelta(days=14)

    assert reminders.remind(now=noon(asked + timedelta(days=1))).due_soon == 1  # for the new date
    assert reminders.remind(now=noon(resubmit_by + timedelta(days=1))).overdue == 1
    assert [email.context["due_on"] for email in sent("due_soon")] == [format_date(period.due_on)] * 2 + [
        format_date(resubmit_by)
    ] * 2


def test_sending_the_return_again_rewords_its_held_payment(unmoved, officer):
    period = period_of(unmoved, 1)
    waiting = payments.instalments_for(unmoved)[1]
    waiting.due_on = period.due_on
    ret = submitted(unmoved, 1, now=noon(period.due_on - timedelta(days=1)))
    reminders.remind(now=noon(period.due_on))
    asked = period.due_on + timedelta(days=2)
    returns.request_changes(ret, comments={ReturnSection.RISKS: "Say more"}, note="", actor=officer, now=noon(asked))
    assert waiting.hold_reason.startswith("Waiting for the group to make the changes")

    filled(ret)
    returns.submit(ret, actor=member_of(unmoved), now=noon(asked + timedelta(days=1)))
    assert waiting.hold_reason == "Waiting for the council to review the return for period 1, which the group has sent"


def test_the_held_email_tells_a_group_that_has_sent_its_return_it_need_do_nothing(unmoved):
    period = period_of(unmoved, 1)
    payments.instalments_for(unmoved)[1].due_on = period.due_on
    submitted(unmoved, 1, now=noon(period.due_on - timedelta(days=1)))
    reminders.remind(now=noon(period.due_on))
    [held, _] = queued_emails(template="payments/held")
    text = render_email("payments/held", held.context).text
    assert "Why: Waiting for the council to review the return for period 1, which the group has sent" in text
    assert "If you have sent it and are waiting for us to review it, you do not need to do anything" in text
