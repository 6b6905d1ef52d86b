"""Sustainability plans over HTTP, CSRF on: officers and finance list the plans, review them and keep the income up
to date; the group reads its own plan from its agreement page and cannot change it; another group's is a 404; a
closed grant's plan is a record."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from grantsfund.agreements.models import AgreementStatus
from grantsfund.applications.models import FundingStatus
from grantsfund.common.dates import format_date, london_today
from grantsfund.extensions import db
from grantsfund.monitoring import sustainability
from grantsfund.monitoring.models import Rag
from tests.agreements.conftest import officer, people, round_  # noqa: F401
from tests.agreements.factories import events
from tests.conftest import error_messages, page
from tests.fuzzing import assert_no_server_error
from tests.monitoring import plan_factories
from tests.monitoring.plan_pages import flash, follow, text, values
from tests.queries import statement_count


@pytest.fixture
def agreement(round_, officer, make_user, people, applicant_client):  # noqa: F811
    """The applicant client's group's grant, in force since two months ago."""
    [made] = plan_factories.grants(round_, officer, make_user, people, members=[applicant_client.user])
    made.starts_on = london_today() - timedelta(days=60)
    db.session.flush()
    return made


@pytest.fixture
def plan(agreement):
    return plan_factories.plan_of(agreement)


def day(value: date) -> list[str]:
    return [str(value.day), str(value.month), str(value.year)]


def nav(response) -> list[str]:
    return [link.get_text(strip=True) for link in page(response).select(".govuk-service-navigation__link")]


# The list ------------------------------------------------------------------------------------------------------


def test_staff_list_the_plans_with_rating_and_income(officer_client, finance_client, plan, agreement):
    for client in (officer_client, finance_client):
        response = client.get("/sustainability")
        assert "Sustainability" in nav(response)
        [row] = page(response).select("tbody tr")
        cells = [cell.get_text(" ", strip=True) for cell in row.select("td")]
        assert cells[0] == f"{agreement.reference} sustainability plan {agreement.organisation.name}"
        assert cells[1] == format_date(agreement.ends_on)
        assert cells[2] == "Not reviewed"
        assert cells[3:] == ["£0.00", "£1,200.00"]
        assert row.select_one("a")["href"] == f"/sustainability/plans/{plan.id}"


def test_the_list_filters_by_rating_and_round(officer_client, plan, agreement, officer, round_):  # noqa: F811
    sustainability.review(plan, rag=Rag.RED, note="No income", reviewed_on=london_today(), actor=officer)
    db.session.flush()

    def listed(query: str) -> int:
        return len(page(officer_client.get(f"/sustainability?{query}")).select("tbody tr"))

    assert listed("rag=red") == 1
    assert listed("rag=green") == 0
    assert listed("rag=none") == 0
    assert listed(f"round={round_.id}&rag=red") == 1
    assert listed("rag=nonsense&round=abc") == 1  # an unknown filter is ignored
    response = officer_client.get("/sustainability?rag=green")
    assert "No plans match the filter" in text(response)
    assert page(response).select_one("#rag option[selected]")["value"] == "green"


def test_the_list_runs_the_same_queries_however_many_plans(officer_client, round_, officer, make_user, people):  # noqa: F811
    plan_factories.grants(round_, officer, make_user, people, 1)
    few = statement_count(officer_client, "/sustainability")
    plan_factories.grants(round_, officer, make_user, people, 3)
    assert statement_count(officer_client, "/sustainability") == few


def test_the_group_and_other_roles_have_no_sustainability_list(applicant_client, assessor_client, plan):
    assert "Sustainability" not in nav(applicant_client.get("/account"))
    assert applicant_client.get("/sustainability").status_code == 403
    assert assessor_client.get("/sustainability/at-risk").status_code == 403


# One plan ------------------------------------------------------------------------------------------------------


def test_the_group_reads_its_own_plan_from_its_agreement_but_cannot_change_it(
    applicant_client,
    plan,
    agreement,
    officer,  # noqa: F811
):
    sustainability.review(
        plan, rag=Rag.AMBER, note="Call the treasurer this week", reviewed_on=london_today(), actor=officer
    )
    db.session.flush()
    offer = applicant_client.get(f"/agreements/{agreement.id}/offer")
    link = page(offer).select_one(f"a[href='/sustainability/plans/{plan.id}']")
    assert link.get_text(strip=True) == "Read the sustainability plan"

    response = applicant_client.get(f"/sustainability/plans/{plan.id}")

    body = text(response)
    assert "How the work continues after the grant Volunteers run it." in body
    assert "If the income does not come We run it monthly instead." in body
    assert "Café takings Hoped for" in body
    assert "Amber" in body  # the rating, but not the council's review notes
    assert "Call the treasurer" not in body
    assert "Review the plan" not in body
    assert "Update the income" not in body
    assert page(response).select_one(".govuk-back-link")["href"] == f"/agreements/{agreement.id}/offer"
    assert applicant_client.get(f"/sustainability/plans/{plan.id}/review").status_code == 403
    assert applicant_client.submit(f"/sustainability/plans/{plan.id}/income", {}).status_code == 403


def test_a_group_whose_plan_is_rated_red_is_told_what_happens_next(applicant_client, plan, officer, app):  # noqa: F811
    sustainability.review(plan, rag=Rag.RED, note="Lottery said no", reviewed_on=london_today(), actor=officer)
    db.session.flush()

    response = applicant_client.get(f"/sustainability/plans/{plan.id}")

    assert (
        "Your grants officer will talk to you about how the work can carry on after the grant. If you want to talk"
        " sooner, email the Communities Fund team at" in text(response)
    )
    assert page(response).select_one(f"main a[href='mailto:{app.config['SUPPORT_EMAIL']}']") is not None


def test_staff_and_a_group_not_rated_red_see_no_such_line(officer_client, applicant_client, plan, officer):  # noqa: F811
    sustainability.review(plan, rag=Rag.AMBER, note="Slow", reviewed_on=london_today(), actor=officer)
    db.session.flush()
    assert "Your grants officer will talk to you" not in text(applicant_client.get(f"/sustainability/plans/{plan.id}"))
    sustainability.review(plan, rag=Rag.RED, note="Lottery said no", reviewed_on=london_today(), actor=officer)
    db.session.flush()
    assert "Your grants officer will talk to you" not in text(officer_client.get(f"/sustainability/plans/{plan.id}"))


def test_another_groups_member_gets_a_404(other_member, plan):
    assert other_member.get(f"/sustainability/plans/{plan.id}").status_code == 404
    assert other_member.get("/sustainability/plans/999999").status_code == 404


def test_the_officers_agreement_page_links_the_plan_with_its_rating(officer_client, plan, agreement, officer):  # noqa: F811
    sustainability.review(plan, rag=Rag.AMBER, note="Slow", reviewed_on=london_today(), actor=officer)
    db.session.flush()
    response = officer_client.get(f"/agreements/{agreement.id}")
    section = text(response, "#closure")
    assert f"How the work will carry on after the grant: Amber (reviewed {format_date(london_today())})" in section
    assert page(response).select_one(f"#closure a[href='/sustainability/plans/{plan.id}']") is not None


# Reviewing -----------------------------------------------------------------------------------------------------


def test_an_officer_reviews_the_plan_and_it_takes_the_rating(officer_client, plan):
    url = f"/sustainability/plans/{plan.id}/review"
    form = officer_client.get(url)
    assert values(form, "reviewed_on") == day(london_today())  # today, to start with

    done = follow(
        officer_client,
        officer_client.submit(
            url, {"rag": "amber", "note": "Café income slower than hoped", "reviewed_on": day(london_today())}
        ),
    )

    assert "Review saved." in flash(done)
    assert plan.rag is Rag.AMBER
    reviews = text(done, ".app-reviews")
    assert f"{format_date(london_today())} Amber At risk. Reviewed by Grants officer Person (grants officer)" in reviews
    assert "Café income slower than hoped" in reviews
    [event] = events("sustainability_plan.reviewed", plan)
    assert event.actor_id == officer_client.user.id


def test_finance_reviews_too(finance_client, plan):
    response = finance_client.submit(
        f"/sustainability/plans/{plan.id}/review",
        {"rag": "green", "note": "Secured", "reviewed_on": day(london_today())},
    )
    assert response.status_code == 302
    assert plan.rag is Rag.GREEN
    reviews = text(follow(finance_client, response), ".app-reviews")
    assert f"Reviewed by {finance_client.user.full_name} (finance officer)" in reviews


def test_a_review_that_does_not_make_sense_is_refused_with_the_input_kept(officer_client, plan, agreement):
    url = f"/sustainability/plans/{plan.id}/review"
    response = officer_client.submit(url, {"note": "  ", "reviewed_on": ["1", "13", "2027"]})
    assert error_messages(response) == [
        "Select a rating: red, amber or green",
        "Enter what the review found",
        "Date of the review must be a real date",
    ]
    assert page(response).title.get_text(strip=True).startswith("Error: ")

    tomorrow = london_today() + timedelta(days=1)
    response = officer_client.submit(url, {"rag": "red", "note": "Lottery said no", "reviewed_on": day(tomorrow)})
    assert error_messages(response) == ["The date of the review cannot be in the future"]
    assert page(response).select_one("textarea[name=note]").get_text() == "Lottery said no"
    assert page(response).select_one("input[name=rag][value=red]").has_attr("checked")

    started = london_today(plan.created_at)
    response = officer_client.submit(
        url, {"rag": "red", "note": "Early", "reviewed_on": day(started - timedelta(days=1))}
    )
    assert error_messages(response) == [
        f"The date of the review cannot be before the plan started, on {format_date(started)}"
    ]
    assert plan.rag is None
    assert events("sustainability_plan.reviewed", plan) == []


# The income ----------------------------------------------------------------------------------------------------


def income(entries: list[dict]) -> dict:
    return {f"income-{index}-{key}": value for index, entry in enumerate(entries) for key, value in entry.items()}


def test_staff_keep_the_income_up_to_date(finance_client, plan):
    url = f"/sustainability/plans/{plan.id}/income"
    form = finance_client.get(url)
    assert values(form, "income-0-source") == ["Café takings"]
    assert values(form, "income-0-amount") == ["1200.00"]
    assert page(form).select_one("select[name='income-0-status'] option[selected]")["value"] == "hoped"

    done = follow(
        finance_client,
        finance_client.submit(
            url,
            income(
                [
                    {"source": "Café takings", "amount": "1,500", "status": "secured", "note": "Confirmed"},
                    {"source": "", "amount": "", "status": ""},  # an empty row is ignored
                    {"source": "Lottery", "amount": "5000", "status": "pending", "expected_on": ["1", "9", "2027"]},
                ]
            ),
        ),
    )

    assert "Income saved." in flash(done)
    assert [(line.source, line.amount_pence, line.status) for line in plan.income] == [
        ("Café takings", 150_000, FundingStatus.SECURED),
        ("Lottery", 500_000, FundingStatus.PENDING),
    ]
    assert plan.income[1].expected_on == date(2027, 9, 1)
    totals = [row.get_text(" ", strip=True) for row in page(done).select(".app-income-totals tr")]
    assert totals == [
        "Secured £1,500.00",
        "Applied for, waiting to hear £5,000.00",
        "Hoped for £0.00",
        "Total £6,500.00",
    ]


def test_a_begun_income_row_needs_every_answer_and_the_input_is_kept(officer_client, plan):
    url = f"/sustainability/plans/{plan.id}/income"
    response = officer_client.submit(
        url,
        income(
            [
                {"source": "Café takings", "amount": "1200", "status": "hoped"},
                {"source": "Lottery", "amount": "-5", "status": "maybe"},
            ]
        ),
    )
    assert error_messages(response) == [
        "Enter an amount of £0 or more",
        "Select the status of income source 2 from the list",
    ]
    assert values(response, "income-1-source") == ["Lottery"]
    assert values(response, "income-1-amount") == ["-5"]
    assert [line.amount_pence for line in plan.income] == [120_000]
    assert events("sustainability_plan.income_changed", plan) == []

    response = officer_client.submit(url, income([{"source": "Lottery", "amount": "100"}]))
    assert error_messages(response) == ["Select the status of income source 1"]


# A closed grant's plan ----------------------------------------------------------------------------------------


def test_a_closed_grants_plan_is_a_record(officer_client, plan, agreement, officer, finance):  # noqa: F811
    plan_factories.closed(agreement, officer, finance)
    response = officer_client.get(f"/sustainability/plans/{plan.id}")
    assert "This grant is closed: its sustainability plan is a record now and cannot be changed." in text(
        response, ".govuk-inset-text"
    )
    assert "Review the plan" not in text(response)
    for form in ("review", "income"):
        refused = officer_client.get(f"/sustainability/plans/{plan.id}/{form}")
        assert refused.headers["Location"] == f"/sustainability/plans/{plan.id}"
        assert "This grant is closed: its sustainability plan is a record now and cannot be changed" in flash(
            officer_client.get(refused.headers["Location"])
        )
    posted = officer_client.submit(
        f"/sustainability/plans/{plan.id}/review", {"rag": "red", "note": "x", "reviewed_on": day(london_today())}
    )
    assert posted.status_code == 302
    assert plan.rag is None
    assert agreement.status is AgreementStatus.CLOSED


# Whatever is sent, a page and never a server error -------------------------------------------------------------

DATES = ["1", "31", "2", "2027", "0", "13", "99999"]


def test_no_plan_form_input_causes_a_server_error(officer_client, plan):
    url = f"/sustainability/plans/{plan.id}"
    assert_no_server_error(
        officer_client, f"{url}/review", ["rag", "note", "reviewed_on"], extra_values=[*DATES, "red", "amber"]
    )
    keys = [f"income-{index}-{key}" for index in (0, 1, 25) for key in ("source", "amount", "status", "expected_on")]
    assert_no_server_error(officer_client, f"{url}/income", keys, extra_values=[*DATES, "secured", "hoped"])
    assert_no_server_error(officer_client, "/sustainability", ["round", "rag", "page"], method="GET")
