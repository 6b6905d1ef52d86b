"""Officers and returns over HTTP: the list of returns to review, late and due soon; the review, section by section,
asking for changes (which the group sees beside each section, changes and sends again as a new version) or
accepting (which releases the payment held for the return); every version stays readable. Finance reads returns
but does not review them, and the agreement's page shows each return's status."""

from __future__ import annotations

from datetime import timedelta

from grantsfund.accounts.models import Role
from grantsfund.common.actor import Actor
from grantsfund.common.dates import format_date, format_datetime, london_today
from grantsfund.extensions import db
from grantsfund.monitoring import returns, sustainability
from grantsfund.monitoring.models import ReturnSection, ReturnStatus
from grantsfund.notifications.rendering import render_email
from grantsfund.payments import holds
from grantsfund.payments import services as payments
from grantsfund.payments.models import InstalmentStatus
from tests.applications import factories as applications
from tests.conftest import error_messages, page, queued_emails, sign_in_as
from tests.fuzzing import assert_no_server_error
from tests.monitoring.factories import complete_answers, noon, period_of, running, started, submitted
from tests.monitoring.test_returns_views import flash, table, tasks, value
from tests.panel.factories import join_group
from tests.payments.conftest import grants
from tests.queries import statement_count


def review_url(ret) -> str:
    return f"/monitoring/returns/{ret.id}/review"


def test_the_officers_list_shows_returns_to_review_late_due_soon_and_sent_back(
    officer_client, round_, officer, make_user, people
):
    sent, late, soon, back = grants(round_, officer, make_user, people, 4)
    for agreement in (sent, back):
        running(agreement)
    to_review = submitted(sent)
    sent_back = submitted(back)
    returns.request_changes(sent_back, comments={ReturnSection.RISKS: "Say more"}, note="", actor=officer)
    for agreement, days_left in ((late, -4), (soon, 6)):
        period = period_of(agreement, 1)
        running(agreement, days_in=(period.due_on - period.starts_on).days - days_left)
    started(late)

    shown = officer_client.get("/monitoring")

    headings = [heading.get_text(strip=True) for heading in page(shown).select("main h2")]
    assert headings == [
        "To review (1)",
        "Overdue (1)",
        "Due in the next 14 days (1)",
        "Changes requested, waiting for the group (1)",
    ]
    [row] = table(shown, "#to-review-table")
    assert row[0] == f"{sent.reference} returns {sent.organisation.name}"
    assert row[3] == f"Review the return for period 1 of {sent.reference}"
    assert page(shown).select_one("#to-review-table a[href$='/review']")["href"] == review_url(to_review)
    [row] = table(shown, "#overdue-table")
    assert row[1:] == [
        "Return for period 1",
        format_date(london_today() - timedelta(days=4)),
        "4",
        "In progress",
    ]
    [row] = table(shown, "#due-soon-table")
    assert row[3:] == ["6", "Not started"]
    [row] = table(shown, "#changes-requested-table")
    assert row[0].startswith(back.reference)

    other_round = applications.open_round(make_user, name="Another round")
    filtered = officer_client.get("/monitoring", query_string={"round": other_round.id})
    assert [heading.get_text(strip=True) for heading in page(filtered).select("main h2")][0] == "To review (0)"
    assert officer_client.get("/monitoring", query_string={"round": round_.id}).status_code == 200
    nav = page(shown).select_one(".govuk-service-navigation__item--active a")
    assert nav.get_text(strip=True) == "Returns"


def test_an_officer_asks_for_changes_the_group_resubmits_and_the_officer_accepts(
    officer_client, applicant_client, finance_client, grant
):
    waiting = payments.instalments_for(grant)[1]
    holds.hold_waiting(now=noon(waiting.due_on))
    db.session.flush()
    assert waiting.status is InstalmentStatus.HELD

    def payment_column() -> str:
        """What the group's list of returns says of the payment the first return releases."""
        return table(applicant_client.get(f"/monitoring/agreements/{grant.id}"), "#returns")[0][4]

    assert payment_column() == "£1,666.00 held until the return is accepted"
    ret = submitted(grant)
    url = review_url(ret)

    # The review page: every section as sent, each with a comment box.
    form = page(officer_client.get(url))
    assert [h.get_text(strip=True) for h in form.select("main h2")][:9] == [s.heading for s in ReturnSection]
    assert len(form.select("textarea[name^=comment_]")) == len(ReturnSection)

    response = officer_client.submit(url, {"comment_spend": "Is a receipt missing?"})
    assert error_messages(response) == ["Select whether to accept the return or ask for changes"]
    assert value(response, "comment_spend").strip() == "Is a receipt missing?"
    response = officer_client.submit(url, {"decision": "accept", "comment_spend": "Is a receipt missing?"})
    assert error_messages(response) == [
        "To accept the return, leave the comments on sections empty (use the note), or ask for changes"
    ]
    response = officer_client.submit(url, {"decision": "changes"})
    assert error_messages(response) == ["Write what needs to change: a comment on a section, or a note to the group"]
    assert ret.status is ReturnStatus.SUBMITTED

    asked = officer_client.submit(
        url, {"decision": "changes", "comment_spend": "Is a receipt missing for item 2?", "note": "Nearly there."}
    )
    assert asked.headers["Location"] == f"/monitoring/returns/{ret.id}"
    assert flash(officer_client.get(asked.headers["Location"])) == (
        "Changes requested. The group has been emailed your comments."
    )
    assert ret.status is ReturnStatus.CHANGES_REQUESTED
    seen_by_officer = page(officer_client.get(f"/monitoring/returns/{ret.id}")).select_one("main").get_text(" ")
    send_by = format_date(ret.period.send_by(ret.resubmit_by))
    assert f"The group is changing the return and has until {send_by} to send it again" in " ".join(
        seen_by_officer.split()
    )
    assert "has not sent" not in seen_by_officer
    [email, _] = queued_emails(template="monitoring/changes_requested")
    text = render_email("monitoring/changes_requested", email.context).text
    assert "Spending:\nIs a receipt missing for item 2?" in text
    assert "Nearly there." in text

    # The group sees the comment on its task list and on the section, changes it and sends it again.
    shown = applicant_client.get(f"/monitoring/returns/{ret.id}")
    assert "Nearly there." in flash(shown)
    assert f"then send the return again by {send_by}." in page(shown).get_text(" ", strip=True)
    listed = table(applicant_client.get(f"/monitoring/agreements/{grant.id}"), "#returns")
    assert listed[0][2] == f"{format_date(ret.period.due_on)} Send again by {send_by}"
    assert tasks(shown)["Spending"] == "Changes requested"
    hint = page(shown).select_one(".govuk-task-list__hint").get_text(strip=True)
    assert hint == "Grants officer’s comment: Is a receipt missing for item 2?"
    spend = applicant_client.get(f"/monitoring/returns/{ret.id}/spend")
    assert page(spend).select_one("#officer-comment").get_text(" ", strip=True) == (
        "The grants officer asked: Is a receipt missing for item 2?"
    )
    [first_line, second_line] = complete_answers(ret)[ReturnSection.SPEND]
    fixed = {
        "spent_1": f"{first_line.spent_pence / 100:.2f}",
        "spent_2": f"{(second_line.spent_pence + 250) / 100:.2f}",
        "completed": "yes",
    }
    applicant_client.submit(f"/monitoring/returns/{ret.id}/spend", fixed)
    sent_again = applicant_client.submit(f"/monitoring/returns/{ret.id}/submit", follow_redirects=True)
    assert page(sent_again).select_one(".govuk-panel__body").get_text(" ", strip=True) == (
        "Return for period 1 Version 2"
    )

    # The officer reviews version 2, with version 1 (and the comment on it) a link away, and accepts it.
    form = page(officer_client.get(url))
    assert "Version 2, sent on" in form.get_text(" ", strip=True)
    earlier = form.select_one(f"a[href='/monitoring/returns/{ret.id}/versions/1']")
    assert earlier.get_text(strip=True) == "Read version 1 and your comments on it"
    accepted = officer_client.submit(url, {"decision": "accept", "note": "Thank you."}, follow_redirects=True)
    assert flash(accepted) == (
        "Return for period 1 accepted. The group has been told. 1 held payment released for finance to approve."
    )
    assert ret.status is ReturnStatus.ACCEPTED
    assert waiting.status is InstalmentStatus.DUE
    assert payment_column() == "£1,666.00 to be paid"
    assert f"Approve instalment 2 of {grant.reference}" in page(
        finance_client.get(f"/payments/agreements/{grant.id}")
    ).get_text(" ", strip=True)
    payments.approve(waiting, actor=Actor(finance_client.user))
    db.session.flush()
    assert payment_column() == "£1,666.00 approved for payment"
    assert table(accepted, "#versions") == [
        ["Version 2", format_datetime(ret.submissions[1].submitted_at), f"Accepted on {format_date(london_today())}"],
        [
            "Version 1",
            format_datetime(ret.submissions[0].submitted_at),
            f"Changes requested on {format_date(london_today())}",
        ],
    ]
    # Nothing more to review.
    again = officer_client.get(url, follow_redirects=True)
    assert flash(again) == "This return is accepted: there is nothing to review"

    # Every version stays readable, as it was sent, with its review.
    for client in (applicant_client, officer_client, finance_client):
        first = page(client.get(f"/monitoring/returns/{ret.id}/versions/1"))
        assert first.select_one("#section-spend + .govuk-inset-text").get_text(" ", strip=True) == (
            "Grants officer’s comment: Is a receipt missing for item 2?"
        )
        second = page(client.get(f"/monitoring/returns/{ret.id}/versions/2"))
        assert second.select_one("#section-spend + .govuk-inset-text") is None
    spent = [version.data["spend"][1]["spent_pence"] for version in ret.submissions]
    assert spent == [second_line.spent_pence, second_line.spent_pence + 250]


def test_finance_reads_returns_but_does_not_review_them(finance_client, grant):
    ret = submitted(grant)
    shown = finance_client.get(f"/monitoring/returns/{ret.id}")
    assert shown.status_code == 200
    assert page(shown).select_one(f"a[href='{review_url(ret)}']") is None
    assert finance_client.get(review_url(ret)).status_code == 403
    assert finance_client.submit(review_url(ret), {"decision": "accept"}).status_code == 403
    assert ret.status is ReturnStatus.SUBMITTED
    listed = finance_client.get(f"/monitoring/agreements/{grant.id}")
    assert table(listed, "#returns")[0][3::2] == ["Submitted", "View the return for period 1"]


def test_the_agreement_page_shows_each_returns_status_and_links_to_the_review(officer_client, grant):
    ret = submitted(grant)
    shown = officer_client.get(f"/agreements/{grant.id}")
    section = page(shown).select_one("#monitoring-returns")
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.select("td")]
        for row in section.find_next("table").select("tbody tr")
    ]
    assert [row[0] for row in rows] == [
        "Review the return for period 1",
        "Return for period 2",
        "Final return (period 3)",
    ]
    assert [row[3] for row in rows] == ["Submitted", "Not started", "Not started"]
    assert section.find_next("table").select_one("a")["href"] == review_url(ret)


def test_a_late_return_shows_as_overdue_to_the_group(applicant_client, grant):
    period = period_of(grant, 1)
    running(grant, days_in=(period.due_on - period.starts_on).days + 2)
    shown = applicant_client.get(f"/monitoring/agreements/{grant.id}")
    assert table(shown, "#returns")[0][3] == "Not started Overdue"
    assert page(shown).select_one("#returns .govuk-tag--red").get_text(strip=True) == "Overdue"


def test_no_input_to_the_review_causes_a_server_error(officer_client, grant):
    ret = submitted(grant)
    fields = ["decision", "note", *(f"comment_{section.value}" for section in ReturnSection)]
    assert_no_server_error(officer_client, review_url(ret), fields, extra_values=["accept", "changes"])
    assert_no_server_error(officer_client, "/monitoring", ["round"], method="GET")


def test_the_officers_list_runs_the_same_queries_however_many_returns_there_are(
    officer_client, round_, officer, make_user, people
):
    def add(count: int) -> None:
        """Each grant's first return late: sent by one group, started by the other."""
        for sends, agreement in enumerate(grants(round_, officer, make_user, people, count * 2)):
            period = period_of(agreement, 1)
            running(agreement, days_in=(period.due_on - period.starts_on).days + 1)
            if sends % 2:
                submitted(agreement)
            else:
                started(agreement)

    add(1)
    for_two = statement_count(officer_client, "/monitoring")
    add(3)
    assert statement_count(officer_client, "/monitoring") == for_two
    shown = officer_client.get("/monitoring")
    assert len(table(shown, "#to-review-table")) == len(table(shown, "#overdue-table")) == 4


def test_an_officer_in_the_group_cannot_review_its_return_or_judge_its_plan_or_closure(app, grant, make_user):
    ret = submitted(grant)
    insider = make_user(full_name="Officer And Member", roles={Role.GRANTS_OFFICER, Role.FINANCE_OFFICER})
    join_group(grant.application, insider)
    client = sign_in_as(app.test_client(), insider)

    assert client.get(review_url(ret)).status_code == 403
    assert client.submit(review_url(ret), {"decision": "accept"}).status_code == 403
    assert ret.status is ReturnStatus.SUBMITTED
    assert not page(client.get(f"/monitoring/agreements/{grant.id}")).select("#returns a[href$='/review']")
    plan = sustainability.plan_for(grant)
    assert client.get(f"/sustainability/plans/{plan.id}/review").status_code == 403
    assert client.get(f"/grants/{grant.id}/close").status_code == 403


def sent_back_late(grant, officer):
    """The group sent period 1's return on time; the officer asked for changes three days after it was due."""
    period = period_of(grant, 1)
    running(grant, days_in=(period.due_on - period.starts_on).days + 3)
    ret = submitted(grant, now=noon(period.due_on - timedelta(days=1)))
    returns.request_changes(ret, comments={ReturnSection.RISKS: "Say more"}, note="", actor=officer)
    return ret


def test_a_return_sent_back_after_its_due_date_is_not_overdue_to_the_group(applicant_client, grant, officer):
    sent_back_late(grant, officer)
    shown = applicant_client.get(f"/monitoring/agreements/{grant.id}")
    assert table(shown, "#returns")[0][3] == "Changes requested"
    assert page(shown).select_one("#returns .govuk-tag--red") is None


def test_the_officers_list_gives_a_return_sent_back_late_its_resubmission_date(officer_client, grant, officer):
    sent_back_late(grant, officer)
    shown = officer_client.get("/monitoring")
    assert page(shown).select_one("#overdue-table") is None
    [row] = table(shown, "#due-soon-table")
    assert row[2:] == [format_date(london_today() + timedelta(days=14)), "14", "Changes requested"]


def test_a_payment_finance_put_on_hold_says_why_not_that_it_waits_for_the_return(
    applicant_client, finance_client, grant
):
    waiting = payments.instalments_for(grant)[1]
    payments.hold(waiting, reason="Bank details to confirm", actor=Actor(finance_client.user))
    db.session.flush()
    listed = table(applicant_client.get(f"/monitoring/agreements/{grant.id}"), "#returns")
    assert listed[0][4] == "£1,666.00 on hold: Bank details to confirm"
