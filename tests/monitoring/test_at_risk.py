"""Grants at risk: grants in force ending within AT_RISK_MONTHS of today (London's date), or already past their end
but not closed, whose plan is red or amber, relies on income not secured, or was never reviewed."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grantsfund.agreements.models import AgreementStatus
from grantsfund.applications.models import FundingStatus
from grantsfund.common.dates import add_months, london_to_utc, london_today
from grantsfund.extensions import db
from grantsfund.monitoring import sustainability
from grantsfund.monitoring.models import IncomeSource, Rag
from grantsfund.monitoring.sustainability import IncomeLine
from tests.agreements.conftest import officer, people, round_  # noqa: F401
from tests.conftest import page
from tests.monitoring import plan_factories
from tests.queries import statement_count

TODAY = date(2027, 3, 10)
MONTHS = 6
HORIZON = date(2027, 9, 10)
EDGE = (HORIZON - TODAY).days


@pytest.fixture
def four(round_, officer, make_user, people):  # noqa: F811
    return plan_factories.grants(round_, officer, make_user, people, 4)


def _set(agreement, *, ends_on: date, rag: Rag | None, income: list[tuple[FundingStatus, int]], status=None) -> None:
    """Put a grant and its plan in the state a test needs (what reviews and edits would have left)."""
    plan = plan_factories.plan_of(agreement)
    agreement.ends_on = ends_on
    agreement.status = status or AgreementStatus.ACCEPTED
    plan.rag = rag
    plan.reviewed_on = TODAY if rag else None
    plan.income = [
        IncomeSource(position=position, source=f"Source {position}", amount_pence=amount, status=funding)
        for position, (funding, amount) in enumerate(income)
    ]
    db.session.flush()


def _found(**kwargs) -> list:
    return sustainability.at_risk(today=kwargs.get("today", TODAY), months=kwargs.get("months", MONTHS))


def test_the_window_ends_exactly_the_months_ahead(four):
    first, second, third, fourth = four
    for grant, ends_on in zip(
        four, (HORIZON, HORIZON + timedelta(days=1), TODAY - timedelta(days=40), TODAY), strict=True
    ):
        _set(grant, ends_on=ends_on, rag=Rag.RED, income=[])

    found = _found()

    assert [item.agreement for item in found] == [third, fourth, first]  # soonest end first; past ends included
    assert [item.ends_on for item in found] == [TODAY - timedelta(days=40), TODAY, HORIZON]
    assert found[0].reasons == ["Rated red: unlikely to continue"]


def test_a_month_window_from_the_end_of_a_month_ends_on_the_last_day_of_the_shorter_month(four):
    first, second, *_rest = four
    _set(first, ends_on=date(2027, 2, 28), rag=None, income=[])
    _set(second, ends_on=date(2027, 3, 1), rag=None, income=[])
    for other in _rest:
        _set(other, ends_on=date(2030, 1, 1), rag=None, income=[])

    assert [item.agreement for item in _found(today=date(2027, 1, 31), months=1)] == [first]


def test_each_reason_is_said_in_words(four):
    red, amber, green_unsecured, green_secured = four
    _set(red, ends_on=TODAY, rag=Rag.RED, income=[(FundingStatus.SECURED, 100_000)])
    _set(amber, ends_on=TODAY, rag=Rag.AMBER, income=[])
    _set(
        green_unsecured,
        ends_on=TODAY,
        rag=Rag.GREEN,
        income=[
            (FundingStatus.HOPED, 120_000),
            (FundingStatus.HOPED, 30_050),
            (FundingStatus.PENDING, 500_000),
            (FundingStatus.SECURED, 10_000),
        ],
    )
    _set(green_secured, ends_on=TODAY, rag=Rag.GREEN, income=[(FundingStatus.SECURED, 100_000)])

    reasons = {item.agreement.id: item.reasons for item in _found()}

    assert reasons == {
        red.id: ["Rated red: unlikely to continue"],
        amber.id: ["Rated amber: at risk"],
        green_unsecured.id: ["£1,500.50 hoped for, not secured", "£5,000.00 applied for, not yet decided"],
    }


def test_help_in_kind_not_yet_secured_is_a_reason_too(four):
    grant = four[0]
    _set(grant, ends_on=TODAY + timedelta(days=30), rag=Rag.GREEN, income=[(FundingStatus.HOPED, 0)])
    [found] = _found()
    assert found.reasons == ["Help in kind not yet secured: Source 0"]


def test_a_plan_never_reviewed_is_at_risk(four):
    never, *others = four
    _set(never, ends_on=TODAY, rag=None, income=[(FundingStatus.SECURED, 1)])
    for other in others:
        _set(other, ends_on=TODAY, rag=Rag.GREEN, income=[])
    [found] = _found()
    assert (found.agreement, found.reasons) == (never, ["No review yet"])


def test_closed_terminated_and_withdrawn_grants_are_not_at_risk(four):
    for grant, status in zip(
        four,
        (AgreementStatus.CLOSED, AgreementStatus.TERMINATED, AgreementStatus.WITHDRAWN, AgreementStatus.ACCEPTED),
        strict=True,
    ):
        _set(grant, ends_on=TODAY, rag=Rag.RED, income=[], status=status)
    assert [item.agreement for item in _found()] == [four[3]]


def test_a_grant_in_force_with_no_plan_is_listed(four):
    first, *others = four
    for other in others:
        _set(other, ends_on=TODAY, rag=Rag.GREEN, income=[])
    first.ends_on = TODAY
    db.session.delete(plan_factories.plan_of(first))
    db.session.flush()
    [found] = _found()
    assert (found.agreement, found.plan, found.reasons) == (first, None, ["No sustainability plan"])


# Generated: at_risk returns exactly the grants the rule picks ------------------------------------------------

STATES = st.fixed_dictionaries(
    {
        "status": st.sampled_from([AgreementStatus.ACCEPTED, AgreementStatus.ACCEPTED, AgreementStatus.CLOSED]),
        # Often right at the edge of the window, where a mistake would show.
        "ends_in_days": st.one_of(
            st.integers(min_value=-400, max_value=400),
            st.sampled_from([EDGE - 1, EDGE, EDGE + 1, 0, -1]),
        ),
        "rag": st.sampled_from([None, Rag.RED, Rag.AMBER, Rag.GREEN, Rag.GREEN]),
        "income": st.lists(
            st.tuples(st.sampled_from(list(FundingStatus)), st.integers(min_value=0, max_value=5_000_000)),
            max_size=3,
        ),
    }
)


def _picked(state: dict) -> bool:
    """The rule, as the issue states it."""
    ends_on = TODAY + timedelta(days=state["ends_in_days"])
    unsecured = any(status is not FundingStatus.SECURED for status, _amount in state["income"])  # help in kind too
    return (
        state["status"] is AgreementStatus.ACCEPTED
        and ends_on <= add_months(TODAY, MONTHS)
        and (state["rag"] in (None, Rag.RED, Rag.AMBER) or unsecured)
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(states=st.lists(STATES, min_size=4, max_size=4))
def test_at_risk_returns_exactly_the_grants_the_rule_picks(four, states):
    for grant, state in zip(four, states, strict=True):
        _set(
            grant,
            ends_on=TODAY + timedelta(days=state["ends_in_days"]),
            rag=state["rag"],
            income=state["income"],
            status=state["status"],
        )

    found = _found()

    expected = sorted(
        (grant for grant, state in zip(four, states, strict=True) if _picked(state)),
        key=lambda grant: (grant.ends_on, grant.reference),
    )
    assert [item.agreement for item in found] == expected
    for item in found:
        assert item.reasons
        assert ("No review yet" in item.reasons) == (item.plan.rag is None)
        hoped = sum(line.amount_pence for line in item.plan.income if line.status is FundingStatus.HOPED)
        assert any(reason.endswith("hoped for, not secured") for reason in item.reasons) == (hoped > 0)


# The page ----------------------------------------------------------------------------------------------------


def test_the_page_lists_grants_at_risk_with_reasons_for_officers_and_finance(
    app, four, officer_client, finance_client, finance, officer  # noqa: F811
):  # fmt: skip
    today = london_today()
    at_risk, safe, *later = four
    _set(at_risk, ends_on=today + timedelta(days=30), rag=None, income=[])
    sustainability.update_income(
        plan_factories.plan_of(at_risk), [IncomeLine("Lottery", 250_000, FundingStatus.PENDING)], actor=finance
    )
    _set(safe, ends_on=today + timedelta(days=30), rag=Rag.GREEN, income=[(FundingStatus.SECURED, 10)])
    for grant in later:
        _set(grant, ends_on=add_months(today, 7) + timedelta(days=2), rag=Rag.RED, income=[])
    db.session.flush()

    for client in (officer_client, finance_client):
        response = client.get("/sustainability/at-risk")
        assert response.status_code == 200
        rows = page(response).select("tbody tr")
        assert len(rows) == 1
        cells = [cell.get_text(" ", strip=True) for cell in rows[0].select("td")]
        assert cells[0].startswith(at_risk.reference)
        assert cells[2] == "Not reviewed"
        assert cells[3] == "No review yet £2,500.00 applied for, not yet decided"


def test_the_page_reads_todays_date_in_london(app, four, officer_client, monkeypatch):
    # 23:30 UTC on 31 August is 00:30 on 1 September in London: the window runs to 1 March, not 28 February.
    from grantsfund.common import dates

    late_evening = london_to_utc(date(2030, 9, 1), time(0, 30))
    monkeypatch.setattr(dates, "utcnow", lambda: late_evening)
    first, second, *others = four
    _set(first, ends_on=date(2031, 3, 1), rag=Rag.AMBER, income=[])
    _set(second, ends_on=date(2031, 3, 2), rag=Rag.AMBER, income=[])
    for other in others:
        _set(other, ends_on=date(2031, 3, 1), rag=Rag.GREEN, income=[])
    db.session.flush()

    response = officer_client.get("/sustainability/at-risk")

    references = [row.select_one("td a").find(string=True).strip() for row in page(response).select("tbody tr")]
    assert references == [first.reference]
    assert late_evening.date() == date(2030, 8, 31)


def test_the_page_runs_the_same_queries_however_many_grants(
    officer_client, round_, officer, make_user, people  # noqa: F811
):  # fmt: skip
    first = plan_factories.grants(round_, officer, make_user, people, 1)
    for grant in first:
        grant.ends_on = london_today()
    db.session.flush()
    few = statement_count(officer_client, "/sustainability/at-risk")
    more = plan_factories.grants(round_, officer, make_user, people, 3)
    for grant in more:
        grant.ends_on = london_today()
    db.session.flush()
    assert statement_count(officer_client, "/sustainability/at-risk") == few
