"""Sustainability plans as the services keep them: started from the application when the group accepts its
agreement, the commitments following each accepted variation, the income kept up to date by staff, dated reviews
whose latest (by date) sets the rating, and a record that no longer changes once the grant is closed or ended."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import update

from grantsfund.agreements import services, termination
from grantsfund.agreements.models import Agreement
from grantsfund.applications.models import FundingStatus
from grantsfund.common.dates import format_date, london_to_utc
from grantsfund.common.errors import DomainError, InvalidTransition
from grantsfund.extensions import db
from grantsfund.monitoring import sustainability
from grantsfund.monitoring.models import Rag
from grantsfund.monitoring.sustainability import IncomeLine
from tests.agreements import factories
from tests.agreements.conftest import officer, people, round_  # noqa: F401
from tests.agreements.factories import events
from tests.monitoring import plan_factories


def noon(day: date) -> datetime:
    return london_to_utc(day, time(12, 0))


@pytest.fixture
def agreement(round_, officer, make_user, people):  # noqa: F811
    [made] = plan_factories.grants(round_, officer, make_user, people)
    return made


@pytest.fixture
def plan(agreement):
    return plan_factories.plan_of(agreement)


# Starting the plan -------------------------------------------------------------------------------------------


def test_accepting_the_agreement_starts_the_plan_from_the_application(agreement, plan):
    application = agreement.application
    assert plan.continuation == application.continuation == "Volunteers run it."
    assert plan.fallback == application.continuation_fallback == "We run it monthly instead."
    assert plan.commitments == agreement.in_force.sustainability_commitments
    assert [(line.source, line.amount_pence, line.status) for line in plan.income] == [
        ("Café takings", 120_000, FundingStatus.HOPED)
    ]
    assert plan.rag is None
    assert plan.reviewed_on is None
    [event] = events("sustainability_plan.started", plan)
    signed = agreement.in_force.accepted_by_id
    assert event.actor_id == signed
    assert event.after["income"][0]["source"] == "Café takings"


def test_a_plan_starts_only_once_an_agreement_is_accepted(round_, officer, make_user, people):  # noqa: F811
    [bid] = factories.approved(round_, officer, make_user, people)
    offered = factories.offered(bid, officer)
    assert sustainability.plan_for(offered) is None


def test_grants_accepted_before_plans_were_tracked_get_one_from_the_command(app, agreement, plan):
    db.session.delete(plan)  # as if accepted before this release
    db.session.flush()

    result = app.test_cli_runner().invoke(args=["monitoring", "start-plans"])
    assert result.output == "Sustainability plans: 1 plan started.\n"
    started = sustainability.plan_for(agreement)
    assert started is not None
    assert started.continuation == agreement.application.continuation
    assert events("sustainability_plan.started", started)
    assert app.test_cli_runner().invoke(args=["monitoring", "start-plans"]).output == (
        "Sustainability plans: 0 plans started.\n"
    )


def _vary_commitments(agreement, officer, commitments: str):  # noqa: F811
    variation = services.propose_variation(agreement, reason="New partner", actor=officer)
    services.update_details(
        variation,
        services.Details(
            amount_pence=variation.amount_pence,
            starts_on=variation.starts_on,
            ends_on=variation.ends_on,
            signatory_role=variation.signatory_role,
            special_conditions=variation.special_conditions,
            sustainability_commitments=commitments,
        ),
        actor=officer,
    )
    services.offer_variation(variation, actor=officer)
    member = factories.signatory(agreement.application)
    services.accept(variation, factories.acceptance(member), actor=member)
    return variation


def test_an_accepted_variation_refreshes_only_the_commitments(agreement, plan, officer, finance):  # noqa: F811
    sustainability.update_income(
        plan, [IncomeLine("Lottery", 500_000, FundingStatus.PENDING)], actor=finance, now=noon(agreement.starts_on)
    )

    _vary_commitments(agreement, officer, "The library hosts the café after the grant.")

    assert sustainability.plan_for(agreement) is plan
    assert plan.commitments == "The library hosts the café after the grant."
    assert [line.source for line in plan.income] == ["Lottery"]
    [event] = events("sustainability_plan.commitments_changed", plan)
    assert event.before == {"commitments": "Volunteers run it."}
    assert event.after == {"commitments": "The library hosts the café after the grant.", "version": 2}


# Income ------------------------------------------------------------------------------------------------------


def test_staff_replace_the_income_and_the_change_is_audited(agreement, plan, finance):
    lines = [
        IncomeLine("Café takings", 150_000, FundingStatus.SECURED, note="Confirmed by the treasurer"),
        IncomeLine("Lottery Awards for All", 1_000_000, FundingStatus.PENDING, expected_on=date(2027, 9, 1)),
    ]

    sustainability.update_income(plan, lines, actor=finance)
    db.session.flush()

    assert [(line.position, line.source, line.amount_pence, line.status) for line in plan.income] == [
        (0, "Café takings", 150_000, FundingStatus.SECURED),
        (1, "Lottery Awards for All", 1_000_000, FundingStatus.PENDING),
    ]
    assert plan.income[1].expected_on == date(2027, 9, 1)
    totals = sustainability.income_totals(plan)
    assert (totals.secured_pence, totals.pending_pence, totals.hoped_pence) == (150_000, 1_000_000, 0)
    [event] = events("sustainability_plan.income_changed", plan)
    assert event.actor_id == finance.user_id
    assert [line["source"] for line in event.before["income"]] == ["Café takings"]
    assert event.before["income"][0]["status"] == "hoped"
    assert event.after["income"][1] == {
        "source": "Lottery Awards for All",
        "amount_pence": 1_000_000,
        "status": "pending",
        "expected_on": "2027-09-01",
        "note": "",
    }


def test_saving_the_same_income_again_records_nothing(plan, finance):
    same = [IncomeLine(line.source, line.amount_pence, line.status) for line in plan.income]
    sustainability.update_income(plan, same, actor=finance)
    assert events("sustainability_plan.income_changed", plan) == []


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (IncomeLine("  ", 100, FundingStatus.SECURED), "Enter where the money comes from for income source 2"),
        (IncomeLine("Grant", None, FundingStatus.SECURED), "Enter the amount of income source 2"),
        (IncomeLine("Grant", -1, FundingStatus.SECURED), "The amount of income source 2 cannot be negative"),
        (IncomeLine("Grant", 100, None), "Select the status of income source 2"),
        (IncomeLine("x" * 201, 100, FundingStatus.HOPED), "Name income source 2 in 200 characters or fewer"),
    ],
)
def test_income_that_does_not_make_sense_is_refused_and_nothing_changes(plan, finance, line, message):
    first = IncomeLine("Café takings", 150_000, FundingStatus.SECURED)

    with pytest.raises(DomainError) as refused:
        sustainability.update_income(plan, [first, line], actor=finance)

    assert (refused.value.message, refused.value.field) == (message, "income-2")
    assert [line.source for line in plan.income] == ["Café takings"]
    assert plan.income[0].status is FundingStatus.HOPED
    assert events("sustainability_plan.income_changed", plan) == []


def test_saving_the_income_unchanged_keeps_its_rows(plan, finance):
    [line] = plan.income
    kept = line.id
    same = IncomeLine(line.source, line.amount_pence, line.status, line.expected_on, line.note)
    sustainability.update_income(plan, [same], actor=finance)
    db.session.flush()
    db.session.expire(plan)
    assert [line.id for line in plan.income] == [kept]
    assert events("sustainability_plan.income_changed", plan) == []


def test_a_change_waits_for_the_grant_and_sees_it_closed_meanwhile(agreement, plan, finance):
    # Closed from another request since this plan was read: the change re-reads the grant under its lock.
    db.session.execute(
        update(Agreement.__table__).where(Agreement.__table__.c.id == agreement.id).values(status="closed")
    )
    with pytest.raises(InvalidTransition, match="This grant is closed: its sustainability plan is a record"):
        sustainability.update_income(plan, [], actor=finance)


def test_an_amount_of_nothing_is_allowed(plan, finance):
    sustainability.update_income(plan, [IncomeLine("In-kind room hire", 0, FundingStatus.SECURED)], actor=finance)
    assert plan.income[0].amount_pence == 0


# Reviews -----------------------------------------------------------------------------------------------------


def test_the_plan_takes_the_rating_of_its_latest_review_by_date(agreement, plan, officer, finance):  # noqa: F811
    start = agreement.starts_on
    now = noon(start + timedelta(days=200))

    sustainability.review(
        plan, rag=Rag.AMBER, note="Café income slow", reviewed_on=start + timedelta(days=90), actor=officer, now=now
    )
    assert (plan.rag, plan.reviewed_on) == (Rag.AMBER, start + timedelta(days=90))

    # A review of an earlier date, written later, does not change the rating.
    sustainability.review(
        plan, rag=Rag.GREEN, note="Earlier visit", reviewed_on=start + timedelta(days=30), actor=finance, now=now
    )
    assert (plan.rag, plan.reviewed_on) == (Rag.AMBER, start + timedelta(days=90))

    sustainability.review(
        plan, rag=Rag.RED, note="Lottery said no", reviewed_on=start + timedelta(days=150), actor=officer, now=now
    )
    assert (plan.rag, plan.reviewed_on) == (Rag.RED, start + timedelta(days=150))

    db.session.expire(plan)
    assert [review.note for review in plan.reviews] == ["Lottery said no", "Café income slow", "Earlier visit"]
    assert plan.reviews[2].created_by_id == finance.user_id
    reviewed = events("sustainability_plan.reviewed", plan)
    assert [event.after["rag"] for event in reviewed] == ["amber", "amber", "red"]
    assert reviewed[1].after["review"] == {
        "rag": "green",
        "on": (start + timedelta(days=30)).isoformat(),
        "note": "Earlier visit",
    }
    assert reviewed[2].before == {"rag": "amber", "reviewed_on": (start + timedelta(days=90)).isoformat()}


def test_two_reviews_on_one_day_the_later_one_counts(agreement, plan, officer):  # noqa: F811
    day = agreement.starts_on + timedelta(days=10)
    for rag in (Rag.GREEN, Rag.AMBER):
        sustainability.review(plan, rag=rag, note="Visit", reviewed_on=day, actor=officer, now=noon(day))
    assert plan.rag is Rag.AMBER


@pytest.mark.parametrize(
    ("note", "days_after_start", "field", "message"),
    [
        ("  ", 5, "note", "Enter what the review found"),
        ("x" * 5001, 5, "note", "The note must be 5,000 characters or fewer"),
        ("Visit", 11, "reviewed_on", "The date of the review cannot be in the future"),
        ("Visit", -1, "reviewed_on", "The date of the review cannot be before the plan started, on {start}"),
    ],
)
def test_a_review_that_does_not_make_sense_is_refused(agreement, plan, officer, note, days_after_start, field, message):  # noqa: F811
    start = agreement.starts_on
    plan.created_at = noon(start)  # the plan started the day the grant did
    with pytest.raises(DomainError) as refused:
        sustainability.review(
            plan,
            rag=Rag.GREEN,
            note=note,
            reviewed_on=start + timedelta(days=days_after_start),
            actor=officer,
            now=noon(start + timedelta(days=10)),
        )
    assert (refused.value.field, refused.value.message) == (field, message.format(start=format_date(start)))
    assert plan.rag is None
    assert events("sustainability_plan.reviewed", plan) == []


def test_the_plan_can_be_reviewed_from_the_day_it_started_before_the_grant_begins(agreement, plan, officer):  # noqa: F811
    started = date(2027, 2, 10)
    plan.created_at = london_to_utc(started, time(0, 30))  # the evening before, in UTC
    agreement.starts_on = date(2027, 4, 1)
    sustainability.review(
        plan, rag=Rag.AMBER, note="First visit", reviewed_on=started, actor=officer, now=noon(date(2027, 2, 20))
    )
    assert plan.rag is Rag.AMBER
    with pytest.raises(DomainError) as refused:
        sustainability.review(
            plan, rag=Rag.GREEN, note="Visit", reviewed_on=started - timedelta(days=1), actor=officer,
            now=noon(date(2027, 2, 20)),
        )  # fmt: skip
    assert refused.value.message == "The date of the review cannot be before the plan started, on 10 February 2027"


def test_today_is_the_date_in_london(agreement, plan, officer):  # noqa: F811
    agreement.starts_on = date(2030, 6, 1)
    summer_day = date(2030, 7, 1)
    # 00:30 in London is still 23:30 the evening before in UTC: the review of "today" is not in the future.
    sustainability.review(
        plan, rag=Rag.GREEN, note="Visit", reviewed_on=summer_day, actor=officer,
        now=london_to_utc(summer_day, time(0, 30)),
    )  # fmt: skip
    assert plan.reviewed_on == summer_day
    with pytest.raises(DomainError, match="in the future"):
        sustainability.review(
            plan, rag=Rag.GREEN, note="Visit", reviewed_on=summer_day + timedelta(days=1), actor=officer,
            now=london_to_utc(summer_day, time(23, 30)),
        )  # fmt: skip


# A closed or ended grant's plan is a record --------------------------------------------------------------------


def test_the_plan_of_a_terminated_grant_cannot_change(agreement, plan, officer, finance):  # noqa: F811
    termination.terminate(
        agreement, reason="Group closed", terminated_on=agreement.starts_on, amount_owed_pence=0, actor=officer,
        now=noon(agreement.starts_on + timedelta(days=1)),
    )  # fmt: skip

    with pytest.raises(InvalidTransition, match="This grant is terminated: its sustainability plan is a record"):
        sustainability.update_income(plan, [], actor=finance)
    with pytest.raises(InvalidTransition, match="terminated"):
        sustainability.review(
            plan, rag=Rag.RED, note="Ended", reviewed_on=agreement.starts_on, actor=officer,
            now=noon(agreement.starts_on + timedelta(days=2)),
        )  # fmt: skip
    assert [line.source for line in plan.income] == ["Café takings"]
    assert plan.reviews == []
