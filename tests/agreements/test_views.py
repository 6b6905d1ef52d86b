"""Grant agreements over HTTP, CSRF on: an officer drafts the agreement from an approved bid, puts each section
right and sends the offer; the group reads it (printable) and accepts it by typing their name; an officer withdraws
an offer, varies an agreement in force and ends one with money to repay; an administrator publishes the standard
terms. Other groups, assessors and finance see only what they may."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from grantsfund.accounts.models import Role
from grantsfund.agreements import schedules, services, termination, terms
from grantsfund.agreements.models import AgreementStatus, RepaymentStatus, VersionStatus
from grantsfund.applications.models import ApplicationStatus
from grantsfund.audit.models import AuditEvent
from grantsfund.common.actor import Actor
from grantsfund.common.dates import format_date, london_today
from grantsfund.common.money import format_pence
from grantsfund.extensions import db
from grantsfund.notifications.rendering import render_email
from grantsfund.panel import decisions
from grantsfund.payments import services as payments
from grantsfund.payments.models import InstalmentStatus
from tests.agreements import factories
from tests.applications import factories as applications
from tests.conftest import error_messages, page, queued_emails, sign_in_as
from tests.fuzzing import assert_no_server_error
from tests.panel.factories import join_group
from tests.queries import statement_count

GROUP_IP = "198.51.100.23"
BASE_URL = "https://grants.northbrook.example"


@pytest.fixture
def bid(round_, officer, make_user, people, applicant_client):
    """An approved bid, made by a group the applicant client's person belongs to."""
    [application] = factories.approved(round_, officer, make_user, people)
    join_group(application, applicant_client.user)
    return application


@pytest.fixture
def standard(officer):
    return _saved(factories.standard_terms(officer))


@pytest.fixture
def other_member(app, make_user):
    """A member of another group, signed in."""
    person = make_user(full_name="Other Group Member")
    applications.group(person, name="Hillside Allotment Society")
    return sign_in_as(app.test_client(), person)


def text(response, selector: str = "main") -> str:
    found = page(response).select_one(selector)
    return found.get_text(" ", strip=True) if found else ""


def flash(response) -> str:
    return text(response, ".govuk-notification-banner__content")


def day(value: date) -> list[str]:
    return [str(value.day), str(value.month), str(value.year)]


def rows(name: str, entries: list[dict]) -> dict:
    return {f"{name}-{index}-{key}": value for index, entry in enumerate(entries) for key, value in entry.items()}


def values(response, name: str) -> list[str]:
    return [str(field.get("value", "")) for field in page(response).select(f"[name='{name}']")]


def drafted(application, officer):
    """The factories' agreements, written to the database so that a request (its own session) sees them."""
    return _saved(factories.drafted(application, officer))


def offered(application, officer):
    return _saved(factories.offered(application, officer))


def accepted(application, officer):
    return _saved(factories.accepted(application, officer))


def _saved(obj):
    db.session.flush()
    return obj


def draft(client, application):
    response = client.submit(f"/agreements/applications/{application.id}/draft")
    agreement = services.agreement_for(application)
    assert agreement is not None, flash(client.get("/agreements"))
    assert response.headers["Location"] == f"/agreements/{agreement.id}"
    return agreement


def follow(client, response):
    assert response.status_code == 302, error_messages(response) or flash(response)
    return client.get(response.headers["Location"])


def accept_data(name: str = "Applicant Person", position: str = "Treasurer", confirmed: bool = True) -> dict:
    return {"name": name, "position": position, **({"confirmed": "confirmed"} if confirmed else {})}


# Drafting and preparing the offer ------------------------------------------------------------------------------


def test_an_approved_bid_waits_for_its_agreement_and_drafting_opens_it(officer_client, bid, standard):
    listed = page(officer_client.get("/agreements"))
    [row] = listed.select("table")[0].select("tbody tr")
    assert bid.reference in row.get_text(" ", strip=True)
    assert f"Draft agreement for {bid.reference}" in row.get_text(" ", strip=True)
    award = decisions.decision_for(bid).amount_pence
    assert [cell.get_text(strip=True) for cell in row.select("td")][2] == format_pence(award)

    agreement = draft(officer_client, bid)
    shown = officer_client.get(f"/agreements/{agreement.id}")
    assert shown.status_code == 200
    assert page(shown).select_one("h1").get_text(strip=True) == f"Agreement {bid.reference}"
    body = text(shown)
    assert "Status Draft" in body
    assert "Standard terms Version 1: Communities Fund standard terms" in body
    cards = [title.get_text(strip=True) for title in page(shown).select(".govuk-summary-card__title")]
    assert cards == ["Details", "Payment schedule", "Monitoring schedule", "Outcome targets"]
    assert len(page(shown).select(".govuk-summary-card__actions a")) == 4  # a Change link on each
    assert "Send the offer" in body
    # Drafted, it leaves the waiting list and joins the agreements.
    listed = page(officer_client.get("/agreements"))
    assert "every approved bid has its agreement" in listed.get_text(" ", strip=True)
    assert bid.reference in listed.select("table")[0].get_text(" ", strip=True)


def test_the_list_runs_the_same_queries_however_many_agreements(
    officer_client, round_, officer, make_user, people, standard
):
    first, second, third, fourth, _waiting, _also_waiting = factories.approved(
        round_, officer, make_user, people, count=6
    )
    accepted(first, officer)
    one = statement_count(officer_client, "/agreements")  # one agreement, five bids waiting
    offered(second, officer)
    accepted(third, officer)
    drafted(fourth, officer)
    assert statement_count(officer_client, "/agreements") == one  # four agreements, two waiting


def test_drafting_before_the_terms_are_published_says_what_is_missing(officer_client, bid):
    response = officer_client.submit(f"/agreements/applications/{bid.id}/draft")
    assert response.headers["Location"] == "/agreements"
    assert "An administrator must publish the standard terms" in flash(officer_client.get("/agreements"))
    assert services.agreement_for(bid) is None


def test_the_list_filters_by_status(officer_client, round_, officer, make_user, people, standard):
    first, second = factories.approved(round_, officer, make_user, people, count=2)
    drafted(first, officer)
    offered(second, officer)
    response = officer_client.get("/agreements", query_string={"status": "offered"})
    table = page(response).select("table")[-1].get_text(" ", strip=True)
    assert second.reference in table
    assert first.reference not in table
    assert "Offer sent" in table
    # Nonsense in the filter shows everything, never an error.
    response = officer_client.get("/agreements", query_string={"status": "nonsense", "round": "x"})
    assert first.reference in page(response).select("table")[-1].get_text(" ", strip=True)


def test_the_officer_changes_the_details(officer_client, bid, standard, officer):
    agreement = drafted(bid, officer)
    url = f"/agreements/{agreement.id}/versions/1/details"
    form = page(officer_client.get(url))
    assert form.select_one("#amount") is None  # the offer is for the panel's award
    assert values(officer_client.get(url), "signatory_role") == ["Chair, Treasurer or Secretary"]
    later = agreement.ends_on + timedelta(days=92)
    data = {
        "starts_on": day(agreement.starts_on),
        "ends_on": day(later),
        "signatory_role": "Chair",
        "special_conditions": "Send us the venue's safeguarding policy.",
        "sustainability_commitments": "Volunteers keep it going.",
    }
    shown = follow(officer_client, officer_client.submit(url, data))
    assert "Details saved." in flash(shown)
    offer = agreement.offer
    assert (offer.ends_on, offer.signatory_role) == (later, "Chair")
    assert offer.special_conditions == "Send us the venue's safeguarding policy."
    # The schedules no longer reach the new end date: the problem links to the page that puts it right.
    problems = page(shown).select(".app-problems a")
    assert [link.get_text(strip=True) for link in problems] == [
        f"The last period must end when the grant ends, on {format_date(later)}"
    ]
    assert problems[0]["href"] == f"/agreements/{agreement.id}/versions/1/monitoring"
    assert "The offer can be sent once the problems above are put right" in text(shown)

    # Resetting the schedules to the defaults for the new dates puts it right.
    shown = follow(officer_client, officer_client.submit(f"/agreements/{agreement.id}/versions/1/reset-schedules"))
    assert "back to the defaults" in flash(shown)
    assert page(shown).select(".app-problems a") == []
    assert schedules.load_periods(agreement.offer.monitoring)[-1].ends_on == later


def test_details_that_do_not_make_sense_are_refused_with_the_input_kept(officer_client, bid, standard, officer):
    agreement = drafted(bid, officer)
    url = f"/agreements/{agreement.id}/versions/1/details"
    data = {
        "starts_on": day(date(2027, 3, 1)),
        "ends_on": day(date(2027, 2, 1)),
        "signatory_role": "",
        "special_conditions": "Keep receipts.",
    }
    response = officer_client.submit(url, data)
    assert response.status_code == 200
    assert error_messages(response) == [
        "The end date must be on or after the start date",
        "Enter who may sign for the group, for example Chair or Treasurer",
    ]
    assert page(response).title.get_text().startswith("Error: ")
    assert values(response, "ends_on") == ["1", "2", "2027"]
    assert page(response).select_one("textarea#special_conditions").get_text() == "Keep receipts."
    assert agreement.offer.special_conditions == ""


def plan_rows(agreement) -> list[dict]:
    return [
        {"due_on": day(entry.due_on), "amount": f"{entry.amount_pence / 100:.2f}", "condition": condition}
        for entry, condition in zip(
            schedules.load_payments(agreement.offer.payments),
            ["agreement_accepted", "period-1", "period-2"],
            strict=True,
        )
    ]


def test_a_payment_schedule_that_does_not_add_up_is_refused_with_the_input_kept(officer_client, bid, standard, officer):
    agreement = drafted(bid, officer)
    url = f"/agreements/{agreement.id}/versions/1/payments"
    before = list(agreement.offer.payments)
    entries = plan_rows(agreement)
    entries[1]["amount"] = "1000.00"
    response = officer_client.submit(url, rows("payments", entries))
    assert response.status_code == 200
    assert error_messages(response) == [
        "The instalments add up to £4,334.50; they must add up to the grant of £5,000.50"
    ]
    # The message is at the first amount, and what was typed is still there.
    assert page(response).select_one(".govuk-error-summary a")["href"] == "#payments-0-amount"
    assert values(response, "payments-1-amount") == ["1000.00"]
    assert " ".join(text(response, ".app-running-total").replace(" .", ".").split()) == (
        "The instalments add up to £4,334.50. The grant is £5,000.50. £666.00 still to schedule."
    )
    assert agreement.offer.payments == before


def test_a_problem_with_one_instalment_is_shown_at_its_row(officer_client, bid, standard, officer):
    """The service numbers instalments by due date; the message still goes to the row that was typed."""
    agreement = drafted(bid, officer)
    entries = plan_rows(agreement)
    late = {"due_on": day(agreement.ends_on), "amount": "0", "condition": "agreement_accepted"}
    response = officer_client.submit(
        f"/agreements/{agreement.id}/versions/1/payments", rows("payments", [late, *entries])
    )
    assert error_messages(response) == ["Instalment 4 must be more than £0"]
    assert page(response).select_one(".govuk-error-summary a")["href"] == "#payments-0-amount"


def test_the_payment_schedule_is_saved_and_blank_rows_ignored(officer_client, bid, standard, officer):
    agreement = drafted(bid, officer)
    url = f"/agreements/{agreement.id}/versions/1/payments"
    form = page(officer_client.get(url))
    assert len(form.select("fieldset > legend.govuk-fieldset__legend--m")) == 5  # three instalments, two blank rows
    options = [option.get_text(strip=True) for option in form.select("#payments-0-condition option")]
    assert options == [
        "Select when it is paid",
        "When the agreement is accepted",
        "When the return for period 1 is accepted",
        "When the return for period 2 is accepted",
        "When the return for period 3 is accepted",
    ]
    first, second = day(agreement.starts_on), day(agreement.starts_on + timedelta(days=200))
    entries = [
        {"due_on": first, "amount": "3000.50", "condition": "agreement_accepted", "note": ""},
        {"due_on": second, "amount": "2,000", "condition": "period-1", "note": "After the first return"},
        {"due_on": ["", "", ""], "amount": "", "condition": "", "note": ""},
    ]
    shown = follow(officer_client, officer_client.submit(url, rows("payments", entries)))
    assert "Payment schedule saved." in flash(shown)
    planned = schedules.load_payments(agreement.offer.payments)
    assert [(entry.amount_pence, entry.condition, entry.period) for entry in planned] == [
        (300050, schedules.ON_ACCEPTANCE, None),
        (200000, schedules.ON_RETURN, 1),
    ]
    assert "£2,000.00, due" in text(shown)
    assert "monitoring return for period 1 accepted (After the first return)" in text(shown)


def test_a_begun_instalment_needs_every_answer(officer_client, bid, standard, officer):
    agreement = drafted(bid, officer)
    entries = [{"due_on": ["", "", ""], "amount": "5000.50", "condition": "period-9"}]
    response = officer_client.submit(f"/agreements/{agreement.id}/versions/1/payments", rows("payments", entries))
    assert error_messages(response) == [
        "Enter the due date of instalment 1",
        "Select when instalment 1 is paid from the list",
    ]


def test_the_monitoring_schedule(officer_client, bid, standard, officer):
    agreement = drafted(bid, officer)
    url = f"/agreements/{agreement.id}/versions/1/monitoring"
    form = officer_client.get(url)
    assert "The last period is the final return" in text(form)
    starts, ends = agreement.starts_on, agreement.ends_on
    middle = starts + timedelta(days=180)
    gap = {"starts_on": day(middle + timedelta(days=10)), "ends_on": day(ends), "due_on": day(ends + timedelta(30))}
    first = {"starts_on": day(starts), "ends_on": day(middle), "due_on": day(middle + timedelta(days=30))}
    response = officer_client.submit(url, rows("periods", [first, gap]))
    assert response.status_code == 200
    assert error_messages(response) == [
        f"Period 2 must start on {format_date(middle + timedelta(days=1))}, the day after the one before"
    ]
    assert page(response).select_one(".govuk-error-summary a")["href"] == "#periods-1-starts_on-day"
    assert values(response, "periods-1-starts_on") == day(middle + timedelta(days=10))

    last = {**gap, "starts_on": day(middle + timedelta(days=1))}
    shown = follow(officer_client, officer_client.submit(url, rows("periods", [first, last])))
    assert "Monitoring schedule saved." in flash(shown)
    periods = schedules.load_periods(agreement.offer.monitoring)
    assert [(period.number, period.final) for period in periods] == [(1, False), (2, True)]
    assert "Final period 2" in text(shown)


def test_the_outcome_targets(officer_client, bid, standard, officer):
    agreement = drafted(bid, officer)
    url = f"/agreements/{agreement.id}/versions/1/targets"
    form = officer_client.get(url)
    [legend] = [item.get_text(strip=True) for item in page(form).select("fieldset legend")]
    assert legend == "Work: Participants moving into paid work or volunteering"
    assert values(form, "target_1") == ["80"]
    response = officer_client.submit(url, {"target_1": "-3", "unit_1": "people", "measurement_1": "Sheets"})
    assert error_messages(response) == ["Enter the target as a whole number, like 1"]
    shown = follow(
        officer_client, officer_client.submit(url, {"target_1": "95", "unit_1": "people", "measurement_1": "Register"})
    )
    assert "Outcome targets saved." in flash(shown)
    [target] = schedules.load_targets(agreement.offer.targets)
    assert (target.target, target.measurement) == (95, "Register")
    assert "95 people (Register)" in text(shown)


# Sending the offer and accepting it ----------------------------------------------------------------------------


def test_the_officer_sends_the_offer_and_the_group_is_emailed(officer_client, bid, standard, officer):
    agreement = drafted(bid, officer)
    url = f"/agreements/{agreement.id}/issue"
    assert "If you leave the date empty, the group has 28 days to accept." in text(officer_client.get(url))
    yesterday = london_today() - timedelta(days=1)
    response = officer_client.submit(url, {"accept_by": day(yesterday)})
    assert error_messages(response) == ["The date to accept by cannot be in the past"]
    assert agreement.status is AgreementStatus.DRAFT

    accept_by = london_today() + timedelta(days=14)
    shown = follow(officer_client, officer_client.submit(url, {"accept_by": day(accept_by)}))
    assert "Offer sent to the group." in flash(shown)
    assert agreement.status is AgreementStatus.OFFERED
    assert agreement.accept_by == accept_by
    assert page(shown).select(".govuk-summary-card__actions a") == []  # sent, it no longer changes
    emails = queued_emails(template="agreements/offer")
    assert {email.recipient for email in emails} == {bid.organisation.contact_email, bid.submitted_by.email}
    # Sending it again is refused.
    again = officer_client.get(url)
    assert again.status_code == 302


def test_the_group_reads_the_offer_and_accepts_it_with_their_name(
    officer_client, applicant_client, bid, standard, officer
):
    agreement = drafted(bid, officer)
    follow(officer_client, officer_client.submit(f"/agreements/{agreement.id}/issue", {}))

    # The group's application page points to the offer.
    progress = applicant_client.get(f"/applications/{bid.id}")
    assert "Your grant offer" in text(progress)
    link = page(progress).select_one(f"a[href='/agreements/{agreement.id}/offer']")
    assert link.get_text(strip=True) == "Read and accept your grant agreement"

    url = f"/agreements/{agreement.id}/offer"
    offer = applicant_client.get(url)
    body = text(offer)
    assert "Please read the agreement and accept it by" in body
    assert "1. Use the grant only for the project." in body
    assert "Communities Fund standard terms, version 1." in body
    assert "use your browser’s Print command" in body
    assert [row.select("td")[2].get_text(strip=True) for row in page(offer).select("table")[0].select("tbody tr")] == [
        "£1,668.50",
        "£1,666.00",
        "£1,666.00",
    ]
    checkbox = page(offer).select_one("label[for='confirmed']").get_text(strip=True)
    assert (
        checkbox == "I confirm I am the group’s Chair, Treasurer or Secretary and accept this agreement on its behalf"
    )

    accept = f"/agreements/{agreement.id}/versions/1/accept"
    response = applicant_client.submit(accept, accept_data(name="Someone Else"))
    assert error_messages(response) == ["Type your full name as it is on your account: Applicant Person"]
    assert values(response, "name") == ["Someone Else"]
    response = applicant_client.submit(accept, accept_data(confirmed=False))
    assert error_messages(response) == [
        "Confirm that you are the group’s Chair, Treasurer or Secretary and may accept on its behalf"
    ]
    response = applicant_client.submit(accept, accept_data(position=""))
    assert error_messages(response) == ["Enter your role in the group, for example Treasurer"]
    assert agreement.status is AgreementStatus.OFFERED

    response = applicant_client.submit(
        accept, accept_data(name="  applicant   person "), environ_base={"REMOTE_ADDR": GROUP_IP}
    )
    done = follow(applicant_client, response)
    assert "You have accepted the agreement" in flash(done)
    panel = text(done, ".govuk-panel")
    assert "Agreement accepted" in panel
    assert "Accepted by applicant person, Treasurer" in panel
    assert page(done).select_one("form[action$='/accept']") is None
    assert agreement.status is AgreementStatus.ACCEPTED
    assert agreement.offer.accepted_ip == GROUP_IP
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "agreement.accepted"))
    assert event.ip_address == GROUP_IP
    assert event.after["ip_address"] == GROUP_IP
    assert event.actor_id == applicant_client.user.id
    # The plan is real now, and the officer who sent the offer hears.
    assert [item.status for item in payments.instalments_for(agreement)] == [InstalmentStatus.DUE] * 3
    [email] = queued_emails(template="agreements/accepted")
    assert email.recipient == officer_client.user.email
    staff = text(officer_client.get(f"/agreements/{agreement.id}"))
    assert "Version in force Version 1, accepted" in staff
    assert "applicant person, Treasurer" in staff


def test_the_group_member_is_sent_from_the_staff_page_to_their_copy(applicant_client, bid, standard, officer):
    agreement = offered(bid, officer)
    response = applicant_client.get(f"/agreements/{agreement.id}")
    assert response.headers["Location"] == f"/agreements/{agreement.id}/offer"


def test_staff_read_the_offer_without_a_form(officer_client, finance_client, bid, standard, officer):
    agreement = offered(bid, officer)
    for client in (officer_client, finance_client):
        response = client.get(f"/agreements/{agreement.id}/offer")
        assert response.status_code == 200
        assert page(response).select_one("form[action$='/accept']") is None


def test_finance_reads_the_agreement_but_changes_nothing(finance_client, bid, standard, officer):
    agreement = drafted(bid, officer)
    shown = finance_client.get(f"/agreements/{agreement.id}")
    assert shown.status_code == 200
    assert page(shown).select(".govuk-summary-card__actions a") == []
    assert "Send the offer" not in text(shown)
    assert "What you can do" not in text(shown)
    assert finance_client.submit(f"/agreements/{agreement.id}/issue").status_code == 403
    assert finance_client.get(f"/agreements/{agreement.id}/versions/1/details").status_code == 403


def test_the_officer_withdraws_an_offer(officer_client, applicant_client, bid, standard, officer):
    agreement = offered(bid, officer)
    url = f"/agreements/{agreement.id}/withdraw"
    response = officer_client.submit(url, {"reason": ""})
    assert error_messages(response) == ["Enter why the offer is being withdrawn"]
    shown = follow(officer_client, officer_client.submit(url, {"reason": "The group has closed."}))
    assert "Offer withdrawn" in flash(shown)
    assert agreement.status is AgreementStatus.WITHDRAWN
    assert bid.status is ApplicationStatus.WITHDRAWN
    assert {email.recipient for email in queued_emails(template="agreements/withdrawn")} == {
        bid.organisation.contact_email,
        bid.submitted_by.email,
    }
    offer = applicant_client.get(f"/agreements/{agreement.id}/offer")
    assert "This offer was withdrawn on" in text(offer)
    assert "The group has closed." in text(offer)
    assert page(offer).select_one("form[action$='/accept']") is None
    assert applicant_client.submit(f"/agreements/{agreement.id}/versions/1/accept", accept_data()).status_code == 302
    assert agreement.status is AgreementStatus.WITHDRAWN


def expire(agreement, days: int = 3):
    """The offer's date to accept by passed `days` ago."""
    agreement.accept_by = london_today() - timedelta(days=days)
    return _saved(agreement)


def test_an_expired_offer_cannot_be_accepted_and_says_whom_to_ask(app, applicant_client, bid, standard, officer):
    agreement = expire(offered(bid, officer))
    passed = format_date(agreement.accept_by)
    offer = applicant_client.get(f"/agreements/{agreement.id}/offer")
    assert page(offer).select_one("form[action$='/accept']") is None
    warning = text(offer, ".govuk-warning-text")
    assert f"This offer had to be accepted by {passed}, and that date has passed" in warning
    assert f"To ask for more time, email the grants team at {app.config['SUPPORT_EMAIL']}" in warning
    assert "Please read the agreement and accept it by" not in text(offer)

    response = applicant_client.submit(f"/agreements/{agreement.id}/versions/1/accept", accept_data())
    assert response.headers["Location"] == f"/agreements/{agreement.id}/offer"
    refused = follow(applicant_client, response)
    assert flash(refused) == f"This offer had to be accepted by {passed}. Contact the grants team to ask for more time"
    assert agreement.status is AgreementStatus.OFFERED
    assert agreement.offer.accepted_at is None


def test_the_officer_gives_the_group_more_time_and_the_group_is_emailed(
    officer_client, applicant_client, bid, standard, officer
):
    agreement = expire(offered(bid, officer))
    staff = officer_client.get(f"/agreements/{agreement.id}")
    assert f"Accept by {format_date(agreement.accept_by)} (passed)" in text(staff)
    assert "The group cannot accept the offer until you give them more time" in text(staff, ".govuk-warning-text")
    link = page(staff).select_one(f"a.govuk-button[href='/agreements/{agreement.id}/extend']")
    assert link.get_text(strip=True) == "Give the group more time"
    sent_before = len(queued_emails(template="agreements/offer"))

    url = f"/agreements/{agreement.id}/extend"
    assert "has passed: the group cannot accept it until you give them a new date" in text(officer_client.get(url))
    response = officer_client.submit(url, {"accept_by": ["", "", ""]})
    assert error_messages(response) == ["Enter the new date to accept the offer by"]
    yesterday = london_today() - timedelta(days=1)
    response = officer_client.submit(url, {"accept_by": day(yesterday)})
    assert error_messages(response) == ["The date to accept by cannot be in the past"]
    assert page(response).select_one("title").get_text(strip=True).startswith("Error: ")
    assert [box.get("value") for box in page(response).select("input[name='accept_by']")] == day(yesterday)
    assert len(queued_emails(template="agreements/offer")) == sent_before

    later = london_today() + timedelta(days=10)
    shown = follow(officer_client, officer_client.submit(url, {"accept_by": day(later)}))
    assert flash(shown) == f"The group now has until {format_date(later)} to accept. They have been emailed."
    assert agreement.accept_by == later
    assert f"Accept by {format_date(later)}" in text(shown)
    assert "(passed)" not in text(shown)
    emails = queued_emails(template="agreements/offer")[sent_before:]
    assert {email.recipient for email in emails} == {bid.organisation.contact_email, bid.submitted_by.email}
    assert f"Please accept it by {format_date(later)}." in render_email("agreements/offer", emails[0].context).text
    # The group can accept again, by the new date.
    offer = applicant_client.get(f"/agreements/{agreement.id}/offer")
    assert f"Please read the agreement and accept it by {format_date(later)}" in text(offer)
    assert page(offer).select_one("form[action$='/accept']") is not None


def test_an_offer_still_open_can_be_given_more_time_from_a_plain_link(officer_client, bid, standard, officer):
    agreement = offered(bid, officer)
    staff = officer_client.get(f"/agreements/{agreement.id}")
    link = page(staff).select_one(f"a[href='/agreements/{agreement.id}/extend']")
    assert link.get_text(strip=True) == "Give the group more time"
    assert "govuk-button" not in link.get("class", [])
    assert "(passed)" not in text(staff)


@pytest.mark.parametrize("state", ["drafted", "accepted"])
def test_only_an_offer_waiting_for_the_group_can_be_given_more_time(officer_client, bid, standard, officer, state):
    agreement = {"drafted": drafted, "accepted": accepted}[state](bid, officer)
    before = agreement.accept_by
    sent_before = len(queued_emails(template="agreements/offer"))
    staff = officer_client.get(f"/agreements/{agreement.id}")
    assert page(staff).select_one(f"a[href='/agreements/{agreement.id}/extend']") is None
    url = f"/agreements/{agreement.id}/extend"
    later = day(london_today() + timedelta(days=10))
    for method in ("GET", "POST"):
        response = officer_client.get(url) if method == "GET" else officer_client.submit(url, {"accept_by": later})
        refused = follow(officer_client, response)
        assert flash(refused) == (
            f"This agreement is {agreement.status.label.lower()}: only an offer waiting for the group can be given"
            " more time"
        )
    assert agreement.accept_by == before
    assert len(queued_emails(template="agreements/offer")) == sent_before


# Variations ----------------------------------------------------------------------------------------------------


def test_a_variation_is_proposed_changed_sent_compared_and_accepted(
    officer_client, applicant_client, bid, standard, officer
):
    agreement = accepted(bid, officer)
    url = f"/agreements/{agreement.id}/variations/new"
    assert error_messages(officer_client.submit(url, {"reason": " "})) == ["Enter why the agreement needs to change"]
    shown = follow(officer_client, officer_client.submit(url, {"reason": "The venue costs less than planned"}))
    assert "Version 2 started" in flash(shown)
    variation = services.version(agreement, 2)
    assert variation.status is VersionStatus.DRAFT
    # The group cannot see a variation before it is sent.
    assert applicant_client.get(f"/agreements/{agreement.id}/versions/1/compare/2").status_code == 404
    assert "version 2" not in text(applicant_client.get(f"/agreements/{agreement.id}/offer")).lower()

    # Reduce the grant: the payments no longer add up, and sending is refused until they do.
    details = f"/agreements/{agreement.id}/versions/2/details"
    assert values(officer_client.get(details), "amount") == ["5000.50"]
    data = {
        "amount": "4,500.50",
        "starts_on": day(variation.starts_on),
        "ends_on": day(variation.ends_on),
        "signatory_role": variation.signatory_role,
        "sustainability_commitments": variation.sustainability_commitments,
    }
    response = officer_client.submit(details, {**data, "amount": "6000"})
    assert error_messages(response) == [
        "The grant cannot be more than the panel's award of £5,000.50: an increase needs a new panel decision"
    ]
    shown = follow(officer_client, officer_client.submit(details, data))
    assert "Instalments add up" not in text(shown)
    assert [link.get_text(strip=True) for link in page(shown).select(".app-problems a")] == [
        "The instalments add up to £5,000.50; they must add up to the grant of £4,500.50"
    ]
    assert page(shown).select_one(f"form[action='/agreements/{agreement.id}/versions/2/send']") is None
    response = officer_client.submit(f"/agreements/{agreement.id}/versions/2/send")
    assert "Put the problems with the variation right" in flash(follow(officer_client, response))

    entries = plan_rows(agreement)
    entries[2]["amount"] = "1166.00"
    follow(
        officer_client,
        officer_client.submit(f"/agreements/{agreement.id}/versions/2/payments", rows("payments", entries)),
    )
    shown = follow(officer_client, officer_client.submit(f"/agreements/{agreement.id}/versions/2/send"))
    assert "Version 2 sent to the group to accept." in flash(shown)
    assert variation.status is VersionStatus.OFFERED
    [email, *_] = queued_emails(template="agreements/variation")
    assert email.context["reason"] == "The venue costs less than planned"

    # The group reads the change, compares it with the version in force and accepts it.
    offer = applicant_client.get(f"/agreements/{agreement.id}/offer")
    assert "This is a change to your agreement: version 2. Why it changes: The venue costs less than planned" in text(
        offer
    )
    compare_link = page(offer).select_one(f"a[href='/agreements/{agreement.id}/versions/1/compare/2']")
    assert compare_link is not None
    compared = applicant_client.get(compare_link["href"])
    changed = [
        row.select_one("th").get_text(" ", strip=True)
        for row in page(compared).select("tbody tr")
        if "Changed" in row.select_one("th").get_text()
    ]
    assert changed == ["Grant Changed", "Instalment 3 Changed"]
    grant = page(compared).select("tbody tr")[0]
    assert [cell.get_text(strip=True) for cell in grant.select("td")] == ["£5,000.50", "£4,500.50"]

    response = applicant_client.submit(f"/agreements/{agreement.id}/versions/2/accept", accept_data(position="Chair"))
    done = follow(applicant_client, response)
    assert "Agreement accepted" in text(done, ".govuk-panel")
    assert agreement.in_force is variation
    assert agreement.amount_pence == 450050
    assert agreement.offer.status is VersionStatus.SUPERSEDED
    history = page(officer_client.get(f"/agreements/{agreement.id}")).select("table")[0].select("tbody tr")
    assert [row.select("td")[1].get_text(strip=True) for row in history] == ["Replaced by a variation", "In force"]
    assert "Applicant Person, Chair" in history[1].get_text(" ", strip=True)


def test_a_pending_variation_is_withdrawn(officer_client, bid, standard, officer):
    agreement = accepted(bid, officer)
    variation = _saved(services.propose_variation(agreement, reason="Longer project", actor=officer))
    url = f"/agreements/{agreement.id}/versions/2/withdraw"
    assert error_messages(officer_client.submit(url, {"reason": ""})) == ["Enter why the variation is being withdrawn"]
    shown = follow(officer_client, officer_client.submit(url, {"reason": "Not needed after all"}))
    assert "Version 2 withdrawn." in flash(shown)
    assert variation.status is VersionStatus.WITHDRAWN
    assert agreement.in_force is agreement.offer
    # A withdrawn version cannot be edited.
    response = officer_client.get(f"/agreements/{agreement.id}/versions/2/details")
    assert "it can no longer be changed" in flash(follow(officer_client, response))
    # It was never sent, so the group is not told.
    assert queued_emails(template="agreements/variation_withdrawn") == []


def test_withdrawing_a_variation_the_group_was_sent_tells_them(officer_client, bid, standard, officer):
    agreement = accepted(bid, officer)
    variation = services.propose_variation(agreement, reason="Longer project", actor=officer)
    services.offer_variation(variation, actor=officer)
    _saved(variation)
    url = f"/agreements/{agreement.id}/versions/2/withdraw"
    assert "its members are emailed to say why" in text(officer_client.get(url))
    follow(officer_client, officer_client.submit(url, {"reason": "The dates are staying as they were"}))
    emails = queued_emails(template="agreements/variation_withdrawn")
    assert {email.recipient for email in emails} == {bid.organisation.contact_email, bid.submitted_by.email}
    rendered = render_email("agreements/variation_withdrawn", emails[0].context)
    assert "version 2. We have withdrawn it, so the change will not go ahead" in rendered.text
    assert "The dates are staying as they were" in rendered.text
    assert "Your agreement in force is unchanged" in rendered.text


# Ending an agreement ------------------------------------------------------------------------------------------


def test_the_officer_terminates_an_agreement_with_money_to_repay(
    officer_client, applicant_client, bid, standard, officer, make_user
):
    agreement = accepted(bid, officer)
    finance = Actor(make_user(roles={Role.FINANCE_OFFICER}, full_name="Fin Ance"))
    first = payments.instalments_for(agreement)[0]
    payments.approve(first, actor=finance)
    payments.record_paid(first, paid_on=london_today(), reference="BACS-1", actor=finance)
    db.session.flush()
    url = f"/agreements/{agreement.id}/terminate"
    form = officer_client.get(url)
    assert "£1,668.50 of the £5,000.50 grant has been paid" in text(form)
    assert values(form, "amount_owed") == ["0.00"]

    data = {"reason": "The project stopped.", "terminated_on": day(london_today()), "amount_owed": "2000"}
    response = officer_client.submit(url, data)
    assert error_messages(response) == ["The amount to repay cannot be more than the £1,668.50 paid"]
    assert values(response, "amount_owed") == ["2000"]
    response = officer_client.submit(url, {**data, "terminated_on": day(london_today() + timedelta(days=3))})
    assert "The termination date cannot be in the future" in error_messages(response)

    shown = follow(officer_client, officer_client.submit(url, {**data, "amount_owed": "1000"}))
    assert "Agreement terminated" in flash(shown)
    assert agreement.status is AgreementStatus.TERMINATED
    assert agreement.termination.amount_owed_pence == 100000
    assert agreement.termination.repayment_status is RepaymentStatus.OWED
    assert "To be repaid £1,000.00" in text(shown)
    assert [item.status for item in payments.instalments_for(agreement)] == [
        InstalmentStatus.PAID,
        InstalmentStatus.CANCELLED,
        InstalmentStatus.CANCELLED,
    ]
    [email, *_] = queued_emails(template="agreements/terminated")
    assert email.context["owed"] == "£1,000.00"
    copy = applicant_client.get(f"/agreements/{agreement.id}/offer")
    assert "This agreement was terminated on" in text(copy)
    assert [tag.get_text(strip=True) for tag in page(copy).select("main .govuk-tag")] == ["Terminated"]
    assert "In force" not in text(copy)
    # Only an agreement in force can be terminated.
    assert officer_client.get(url).status_code == 302


# The standard terms ---------------------------------------------------------------------------------------------


def test_an_administrator_publishes_the_standard_terms(admin_client, officer):
    assert "None published yet" in text(admin_client.get("/agreements/terms"))
    _saved(factories.standard_terms(officer))
    form = admin_client.get("/agreements/terms/new")
    assert values(form, "title") == ["Communities Fund standard terms"]
    assert page(form).select_one("textarea#body").get_text().strip() == factories.TERMS_BODY

    response = admin_client.submit("/agreements/terms/new", {"title": "", "body": factories.TERMS_BODY})
    assert error_messages(response) == ["Enter a title for the terms"]
    response = admin_client.submit(
        "/agreements/terms/new", {"title": "Communities Fund standard terms", "body": factories.TERMS_BODY}
    )
    assert error_messages(response) == ["Nothing has changed since version 1"]

    body = factories.TERMS_BODY + "\n\n4. Credit the council in publicity."
    data = {"title": "Communities Fund standard terms", "body": body, "summary": "Adds publicity."}
    shown = follow(admin_client, admin_client.submit("/agreements/terms/new", data))
    assert "Version 2 published" in flash(shown)
    assert "4. Credit the council in publicity." in text(shown)
    assert terms.current().version == 2
    listed = page(admin_client.get("/agreements/terms")).select("tbody tr")
    assert [row.select("td")[0].get_text(" ", strip=True) for row in listed] == ["Version 2 (current)", "Version 1"]
    assert "Adds publicity." in listed[0].get_text()
    assert "Agreement terms" in text(admin_client.get("/agreements/terms"), ".govuk-service-navigation")


def test_an_agreement_keeps_the_terms_it_was_drafted_with(officer_client, bid, standard, officer):
    agreement = drafted(bid, officer)
    _saved(terms.publish(title="New terms", body="Only this.", actor=officer))
    offer = officer_client.get(f"/agreements/{agreement.id}/offer")
    assert "1. Use the grant only for the project." in text(offer)
    assert "Only this." not in text(offer)


# Who sees what -------------------------------------------------------------------------------------------------


def test_another_groups_member_gets_a_404_on_every_agreement_page(other_member, bid, standard, officer):
    agreement = accepted(bid, officer)
    for url in (
        f"/agreements/{agreement.id}",
        f"/agreements/{agreement.id}/offer",
        f"/agreements/{agreement.id}/versions/1/compare/1",
    ):
        assert other_member.get(url).status_code == 404, url
    response = other_member.submit(f"/agreements/{agreement.id}/versions/1/accept", accept_data())
    assert response.status_code == 404


def test_a_draft_is_a_404_to_the_group(applicant_client, bid, standard, officer):
    agreement = drafted(bid, officer)
    for url in (f"/agreements/{agreement.id}", f"/agreements/{agreement.id}/offer"):
        assert applicant_client.get(url).status_code == 404, url
    assert "Your grant offer" not in text(applicant_client.get(f"/applications/{bid.id}"))


def test_an_assessor_sees_no_agreement(assessor_client, bid, standard, officer):
    agreement = offered(bid, officer)
    for url in (
        "/agreements",
        f"/agreements/{agreement.id}",
        f"/agreements/{agreement.id}/offer",
        f"/agreements/{agreement.id}/versions/1/compare/1",
    ):
        assert assessor_client.get(url).status_code == 403, url
    assert assessor_client.submit(f"/agreements/{agreement.id}/versions/1/accept", accept_data()).status_code == 403


def test_the_officers_application_page_drafts_and_links_the_agreement(officer_client, bid, standard):
    url = f"/funds/applications/{bid.id}"
    before = page(officer_client.get(url))
    button = before.select_one(f"form[action='/agreements/applications/{bid.id}/draft'] button")
    assert button.get_text(strip=True) == "Draft the agreement"
    agreement = draft(officer_client, bid)
    after = officer_client.get(url)
    assert "Grant agreement: draft." in text(after)
    assert page(after).select_one(f"a[href='/agreements/{agreement.id}']") is not None


# The emails ----------------------------------------------------------------------------------------------------


def test_every_agreement_email_renders_with_a_link_to_the_agreement(
    app, monkeypatch, round_, officer, make_user, people
):
    monkeypatch.setitem(app.config, "BASE_URL", BASE_URL)
    factories.standard_terms(officer)
    first, second = factories.approved(round_, officer, make_user, people, count=2)
    agreement = accepted(first, officer)
    variation = services.propose_variation(agreement, reason="Later end", actor=officer)
    services.offer_variation(variation, actor=officer)
    termination.terminate(agreement, reason="Stopped", terminated_on=london_today(), amount_owed_pence=0, actor=officer)
    withdrawn = offered(second, officer)
    services.withdraw_offer(withdrawn, reason="Closed", actor=officer)
    [third] = factories.approved(round_, officer, make_user, people)
    varied = factories.accepted(third, officer)
    dropped = services.propose_variation(varied, reason="Later end", actor=officer)
    services.offer_variation(dropped, actor=officer)
    services.withdraw_variation(dropped, reason="Not needed", actor=officer)
    expected = {
        "agreements/offer": f"/agreements/{agreement.id}/offer",
        "agreements/variation": f"/agreements/{agreement.id}/offer",
        "agreements/accepted": f"/agreements/{agreement.id}",
        "agreements/terminated": f"/agreements/{agreement.id}/offer",
        "agreements/withdrawn": f"/agreements/{withdrawn.id}/offer",
        "agreements/variation_withdrawn": f"/agreements/{varied.id}/offer",
    }
    for template, path in expected.items():
        message = queued_emails(template=template)[0]
        rendered = render_email(template, message.context)
        assert rendered.subject.strip(), template
        assert "\n" not in rendered.subject, template
        assert BASE_URL + path in rendered.text, template
        assert BASE_URL + path in rendered.html, template
    offer = render_email("agreements/offer", queued_emails(template="agreements/offer")[0].context)
    assert offer.subject == f"Your grant agreement to accept: {first.reference}"
    assert "Grant: £5,000.50" in offer.text
    variation_email = render_email("agreements/variation", queued_emails(template="agreements/variation")[0].context)
    assert "Later end" in variation_email.text
    withdrawn_email = render_email("agreements/withdrawn", queued_emails(template="agreements/withdrawn")[0].context)
    assert "You can still read the withdrawn offer here:" in withdrawn_email.text
    assert "See the withdrawn offer" in withdrawn_email.html
    dropped_email = render_email(
        "agreements/variation_withdrawn", queued_emails(template="agreements/variation_withdrawn")[0].context
    )
    assert dropped_email.subject == f"A proposed change to your grant agreement will not go ahead: {third.reference}"
    assert "Not needed" in dropped_email.text
    assert "Not needed" in dropped_email.html


# Whatever is sent, a page and never a server error ----------------------------------------------------------------

DATES = ["1", "31", "2", "2027", "0", "13", "99999"]
ROW_KEYS = [f"{name}-{index}-{key}" for name, keys, count in (
    ("payments", ("due_on", "amount", "condition", "note"), 3),
    ("periods", ("starts_on", "ends_on", "due_on"), 3),
) for index in (0, 1, count + 7) for key in keys]  # fmt: skip


def test_no_agreement_form_input_causes_a_server_error(officer_client, applicant_client, admin_client, bid, officer):
    _saved(factories.standard_terms(officer))
    agreement = offered(bid, officer)
    url = f"/agreements/{agreement.id}"
    accept = [*DATES, "confirmed", "Applicant Person", "Treasurer"]
    assert_no_server_error(
        applicant_client, f"{url}/versions/1/accept", ["name", "position", "confirmed"], extra_values=accept
    )
    assert_no_server_error(officer_client, f"{url}/withdraw", ["reason"])
    assert_no_server_error(admin_client, "/agreements/terms/new", ["title", "body", "summary"])
    assert_no_server_error(officer_client, "/agreements", ["round", "status"], method="GET", extra_values=["offered"])


def test_no_draft_form_input_causes_a_server_error(officer_client, bid, standard, officer):
    agreement = drafted(bid, officer)
    url = f"/agreements/{agreement.id}/versions/1"
    details = ["amount", "starts_on", "ends_on", "signatory_role", "special_conditions", "sustainability_commitments"]
    assert_no_server_error(officer_client, f"{url}/details", details, extra_values=DATES)
    conditions = ["agreement_accepted", "period-1", "period-99", "period-x", "period-"]
    payment_keys = [key for key in ROW_KEYS if key.startswith("payments")]
    assert_no_server_error(officer_client, f"{url}/payments", payment_keys, extra_values=[*DATES, *conditions])
    period_keys = [key for key in ROW_KEYS if key.startswith("periods")]
    assert_no_server_error(officer_client, f"{url}/monitoring", period_keys, extra_values=DATES)
    assert_no_server_error(officer_client, f"{url}/targets", ["target_1", "unit_1", "measurement_1"])
    assert_no_server_error(officer_client, f"/agreements/{agreement.id}/issue", ["accept_by"], extra_values=DATES)


def test_no_variation_or_termination_input_causes_a_server_error(officer_client, bid, standard, officer):
    agreement = accepted(bid, officer)
    url = f"/agreements/{agreement.id}"
    assert_no_server_error(
        officer_client, f"{url}/terminate", ["reason", "terminated_on", "amount_owed"], extra_values=DATES
    )
    assert_no_server_error(officer_client, f"{url}/variations/new", ["reason"])
