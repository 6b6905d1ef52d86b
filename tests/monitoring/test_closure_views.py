"""Closing a grant over HTTP, CSRF on: the agreement page tells an officer what stands in the way or offers the
button; the closure form is prefilled from the accepted returns, refuses an incomplete record with the input kept,
and closes the grant; staff and the group read the closure record; another group gets a 404."""

from __future__ import annotations

import pytest

from grantsfund.agreements.models import AgreementStatus
from grantsfund.monitoring import closure
from tests.agreements.conftest import officer, people, round_  # noqa: F401
from tests.agreements.factories import events
from tests.conftest import error_messages, page, queued_emails
from tests.fuzzing import assert_no_server_error
from tests.monitoring import plan_factories
from tests.monitoring.plan_factories import accept_return
from tests.monitoring.plan_pages import flash, follow, text, values
from tests.queries import statement_count

ABOUT = "Work: Participants moving into paid work or volunteering"


@pytest.fixture
def agreement(round_, officer, make_user, people, applicant_client):  # noqa: F811
    """The applicant client's group's grant, in force."""
    [made] = plan_factories.grants(round_, officer, make_user, people, members=[applicant_client.user])
    return made


@pytest.fixture
def ready(agreement, officer, finance):  # noqa: F811
    """Three returns of 30 accepted (90 against a target of 80) and everything paid."""
    return plan_factories.ready(agreement, officer, finance, actual=30)


def indicator(agreement) -> int:
    return plan_factories.targets(agreement)[0]["indicator_id"]


def close_data(agreement, **changes) -> dict:
    data = {
        f"achieved_{indicator(agreement)}": "90",
        "lessons": "Start the sessions earlier in the year.",
        "continues": "yes",
        "continuation_note": "Volunteers run it.",
    }
    return data | changes


# Before it is ready ----------------------------------------------------------------------------------------------


def test_the_agreement_page_says_what_stands_in_the_way(officer_client, agreement, officer):  # noqa: F811
    *interim, final = agreement.periods
    for period in interim:
        accept_return(period, actor=officer)

    response = officer_client.get(f"/agreements/{agreement.id}")

    section = page(response).select_one("#closure")
    assert section.select_one("h2").get_text(strip=True) == "Closing the grant"
    links = [(link.get_text(strip=True), link["href"]) for link in section.select("li a")]
    found = [blocker.message for blocker in closure.blockers(agreement)]
    assert links == [
        (found[0], f"/agreements/{agreement.id}"),
        (found[1], f"/monitoring/agreements/{agreement.id}"),
        (found[2], f"/payments/agreements/{agreement.id}"),
    ]
    assert found[0].startswith("The grant runs until ")
    assert section.select_one(f"a[href='/grants/{agreement.id}/close']") is None


def test_the_close_page_lists_what_stands_in_the_way(officer_client, agreement):
    for response in (
        officer_client.get(f"/grants/{agreement.id}/close"),
        officer_client.submit(f"/grants/{agreement.id}/close", close_data(agreement)),
    ):
        assert response.status_code == 200
        assert page(response).select_one("h1").get_text(strip=True) == "The grant cannot be closed yet"
        assert [item.get_text(strip=True) for item in page(response).select(".app-problems li")] == [
            blocker.message for blocker in closure.blockers(agreement)
        ]
    assert agreement.status is AgreementStatus.ACCEPTED


def test_finance_and_the_group_see_no_closing_section(finance_client, applicant_client, officer_client, ready):
    assert "Closing the grant" in text(officer_client.get(f"/agreements/{ready.id}"))
    # The copy the group reads is about the agreement, not the officer's work on it.
    assert "Closing the grant" not in text(officer_client.get(f"/agreements/{ready.id}/offer"))
    assert "Closing the grant" not in text(finance_client.get(f"/agreements/{ready.id}"))
    assert "Closing the grant" not in text(applicant_client.get(f"/agreements/{ready.id}/offer"))
    assert finance_client.get(f"/grants/{ready.id}/close").status_code == 403


# Closing ------------------------------------------------------------------------------------------------------


def test_an_officer_closes_a_ready_grant_and_everyone_reads_the_record(
    officer_client, finance_client, applicant_client, ready
):
    agreement = ready
    shown = officer_client.get(f"/agreements/{agreement.id}")
    assert text(shown, "#closure").startswith("Closing the grant The final return is accepted")
    button = page(shown).select_one(f"#closure a[href='/grants/{agreement.id}/close']")
    assert button.get_text(strip=True) == "Close the grant"
    listed = officer_client.get("/grants/ready-to-close")
    assert [row.select_one("a").get_text(strip=True) for row in page(listed).select("tbody tr")] == [
        agreement.reference
    ]

    form = officer_client.get(f"/grants/{agreement.id}/close")
    target = indicator(agreement)
    assert values(form, f"achieved_{target}") == ["90"]
    assert "Target: 80 people. In the accepted returns: 90 people." in text(form)

    done = follow(
        officer_client,
        officer_client.submit(
            f"/grants/{agreement.id}/close",
            close_data(agreement, **{f"achieved_{target}": "85", f"comment_{target}": "Five came twice"}),
        ),
    )

    assert f"Grant {agreement.reference} closed. The group has been emailed." in flash(done)
    assert agreement.status is AgreementStatus.CLOSED
    [row] = page(done).select("tbody tr")
    assert [cell.get_text(" ", strip=True) for cell in row.select("td")] == [
        ABOUT,
        "80 people",
        "90 people",
        "85 people Target met",
        "Five came twice",
    ]
    assert "Lessons learned Start the sessions earlier in the year." in text(done)
    assert "Does the work continue? Yes, it continues" in text(done)
    assert len(queued_emails(template="monitoring/closed")) == 2
    [event] = events("agreement.closed", agreement)
    assert event.actor_id == officer_client.user.id

    # The agreement pages show the closure and link the record; the group reads it too.
    staff = officer_client.get(f"/agreements/{agreement.id}")
    assert "The grant is closed" in text(staff, "#closure")
    assert "Propose a variation" not in text(staff)
    assert "Terminate the agreement" not in text(staff)
    group = applicant_client.get(f"/agreements/{agreement.id}/offer")
    assert page(group).select_one(f"a[href='/grants/{agreement.id}/closure']") is not None
    for client in (finance_client, applicant_client):
        record = client.get(f"/grants/{agreement.id}/closure")
        assert record.status_code == 200
        assert "85 people" in text(record)
    # Closed once: the form is not offered again.
    again = officer_client.get(f"/grants/{agreement.id}/close")
    assert again.headers["Location"] == f"/grants/{agreement.id}/closure"
    assert officer_client.get("/grants/ready-to-close").status_code == 200
    assert page(officer_client.get("/grants/ready-to-close")).select("tbody tr") == []


def test_an_incomplete_record_is_refused_with_the_input_kept(officer_client, ready):
    agreement = ready
    target = indicator(agreement)
    url = f"/grants/{agreement.id}/close"

    response = officer_client.submit(url, close_data(agreement, **{f"achieved_{target}": "70", "lessons": " "}))

    # Every problem at once, in the order of the page.
    assert error_messages(response) == [f"Explain why the target for {ABOUT} was not met", "Enter the lessons learned"]
    assert page(response).title.get_text(strip=True).startswith("Error: ")
    assert values(response, f"achieved_{target}") == ["70"]
    assert page(response).select_one("input[name=continues][value=yes]").has_attr("checked")

    response = officer_client.submit(url, close_data(agreement, **{f"achieved_{target}": "lots", "continues": ""}))
    assert error_messages(response) == [
        f"Enter what was achieved for {ABOUT} as a whole number, like 1",
        "Select whether the work continues after the grant",
    ]
    assert values(response, f"achieved_{target}") == ["lots"]
    response = officer_client.submit(url, close_data(agreement, **{f"achieved_{target}": ""}))
    assert error_messages(response) == [f"Enter what was achieved for {ABOUT}"]
    assert agreement.status is AgreementStatus.ACCEPTED
    assert closure.closure_for(agreement) is None


def test_another_groups_member_gets_a_404_on_the_record(other_member, applicant_client, agreement, officer, finance):  # noqa: F811
    plan_factories.closed(agreement, officer, finance)
    assert other_member.get(f"/grants/{agreement.id}/closure").status_code == 404
    assert applicant_client.get(f"/grants/{agreement.id}/closure").status_code == 200


def test_a_grant_not_closed_has_no_record(officer_client, agreement):
    assert officer_client.get(f"/grants/{agreement.id}/closure").status_code == 404


def test_the_ready_list_runs_the_same_queries_however_many_grants(
    officer_client, round_, officer, make_user, people, finance  # noqa: F811
):  # fmt: skip
    [first] = plan_factories.grants(round_, officer, make_user, people, 1)
    plan_factories.ready(first, officer, finance)
    few = statement_count(officer_client, "/grants/ready-to-close")
    for grant in plan_factories.grants(round_, officer, make_user, people, 2):
        plan_factories.ready(grant, officer, finance)
    assert statement_count(officer_client, "/grants/ready-to-close") == few


def test_no_closure_form_input_causes_a_server_error(officer_client, ready):
    target = indicator(ready)
    assert_no_server_error(
        officer_client,
        f"/grants/{ready.id}/close",
        [f"achieved_{target}", f"comment_{target}", "lessons", "continues", "continuation_note"],
        extra_values=["yes", "partly", "no", "80", "0"],
    )
