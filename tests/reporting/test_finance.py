"""The finance report's figures: what is committed as a grant moves from the panel's approval through its agreement,
variations, payments, holds, cancellations, termination and closure; months on the council's calendar; the parts
always adding up to the totals; and the statements it runs not growing with the data.

The worked examples make their grants through the services, as officers and finance do. The property test and the
statement counts insert rows directly (`Setting` below), so that many grants in every state are quick to make."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grantsfund.accounts.models import Role, User
from grantsfund.agreements import services as agreements
from grantsfund.agreements import termination
from grantsfund.agreements.models import Agreement, AgreementStatus, RepaymentStatus, Termination
from grantsfund.applications.models import Application, ApplicationStatus
from grantsfund.common.actor import Actor
from grantsfund.common.dates import london_today
from grantsfund.extensions import db
from grantsfund.organisations.models import Organisation
from grantsfund.panel.models import MeetingStatus, Outcome, PanelDecision, PanelItem, PanelMeeting
from grantsfund.payments import services as payments
from grantsfund.payments.models import Instalment, InstalmentStatus, ReleaseCondition
from grantsfund.reporting.finance import FinanceFilters, FinancialYear, finance_options, finance_report
from grantsfund.rounds.models import Fund, Round, RoundStatus
from tests.agreements import factories as agreement_factories
from tests.monitoring import plan_factories
from tests.organisations import factories as organisations
from tests.queries import counted_statements

YEAR = FinancialYear(2026)  # April 2026 to March 2027
NOW = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)
_numbers = itertools.count(1)


def report(year: FinancialYear = YEAR, *, fund_id=None, round_id=None, now=NOW):
    return finance_report(FinanceFilters(year=year, fund_id=fund_id, round_id=round_id), now=now)


def by_name(positions):
    return {position.name: position for position in positions}


def money_of(built, round_):
    """A round's line in the report."""
    [found] = [line.position for line in built.rounds if line.round_id == round_.id]
    return found


# Grants as rows ---------------------------------------------------------------------------------------------------


@dataclass
class Setting:
    """Funds and rounds with budgets, a group and a panel meeting per round, to hang grants from."""

    officer: User
    organisation: Organisation
    funds: list[Fund]
    rounds: list[Round]
    meetings: dict[int, PanelMeeting] = field(default_factory=dict)


def setting(make_user, budgets=(5_000_000, 3_000_000, 2_000_000)) -> Setting:
    """Two funds: the first with two rounds, the second with one; each round with its budget (in pence)."""
    officer = make_user(roles={Role.GRANTS_OFFICER}, full_name="Officer Olu")
    group = organisations.organisation(officer, name="Riverside Community Kitchen")
    funds = [Fund(name=f"Fund {next(_numbers)}", code=f"G{next(_numbers)}") for _ in range(2)]
    rounds = [
        Round(fund=funds[0], name="Round 1", status=RoundStatus.DECIDED, budget_pence=budgets[0]),
        Round(fund=funds[0], name="Round 2", status=RoundStatus.OPEN, budget_pence=budgets[1]),
        Round(fund=funds[1], name="Round 1", status=RoundStatus.DECIDED, budget_pence=budgets[2]),
    ]
    db.session.add_all(rounds)
    db.session.flush()
    made = Setting(officer, group, funds, rounds)
    for round_ in rounds:
        made.meetings[round_.id] = PanelMeeting(
            round_id=round_.id, title="Panel", starts_at=NOW, chair_id=officer.id, status=MeetingStatus.PUBLISHED
        )
    db.session.add_all(made.meetings.values())
    db.session.flush()
    return made


def approval(
    where: Setting,
    round_: Round,
    amount_pence: int,
    *,
    status: ApplicationStatus = ApplicationStatus.APPROVED,
    outcome: Outcome = Outcome.APPROVED,
) -> tuple[Application, PanelDecision]:
    """A bid and the panel's decision on it."""
    application = Application(
        round_id=round_.id,
        organisation_id=where.organisation.id,
        created_by_id=where.officer.id,
        status=status,
        title=f"Project {next(_numbers)}",
    )
    item = PanelItem(
        meeting_id=where.meetings[round_.id].id,
        application=application,
        position=next(_numbers),
        previous_status=ApplicationStatus.AT_PANEL,
        pack={},
        added_at=NOW,
    )
    decision = PanelDecision(
        meeting_id=where.meetings[round_.id].id,
        item=item,
        round_id=round_.id,
        application=application,
        outcome=outcome,
        amount_pence=amount_pence if outcome in (Outcome.APPROVED, Outcome.APPROVED_REDUCED) else None,
        reasons="Strong",
        taking_part=[],
        recorded_by_id=where.officer.id,
        recorded_at=NOW,
    )
    db.session.add_all([item, decision])
    db.session.flush()
    return application, decision


def correct(where: Setting, decision: PanelDecision, amount_pence: int) -> PanelDecision:
    """A later entry correcting the decision to another amount."""
    corrected = PanelDecision(
        meeting_id=decision.meeting_id,
        item_id=decision.item_id,
        round_id=decision.round_id,
        application_id=decision.application_id,
        outcome=Outcome.APPROVED_REDUCED,
        amount_pence=amount_pence,
        reasons="Corrected",
        taking_part=[],
        recorded_by_id=where.officer.id,
        recorded_at=NOW,
        corrects_id=decision.id,
        correction_reason="The amount was mistyped",
    )
    db.session.add(corrected)
    db.session.flush()
    return corrected


def agreement(
    where: Setting, round_: Round, amount_pence: int, status: AgreementStatus, *, decided_pence: int | None = None
) -> Agreement:
    """The agreement of an approved bid (decided at `decided_pence`, the agreement's amount unless varied)."""
    application, decision = approval(where, round_, decided_pence or amount_pence)
    terms = agreement_factories.standard_terms(Actor(where.officer))
    made = Agreement(
        application=application,
        decision_id=decision.id,
        terms_id=terms.id,
        status=status,
        amount_pence=amount_pence,
        starts_on=date(2026, 4, 1),
        ends_on=date(2027, 3, 31),
        accepted_at=NOW
        if status in (AgreementStatus.ACCEPTED, AgreementStatus.CLOSED, AgreementStatus.TERMINATED)
        else None,
    )
    db.session.add(made)
    db.session.flush()
    return made


def instalment(
    grant: Agreement,
    amount_pence: int,
    status: InstalmentStatus = InstalmentStatus.DUE,
    *,
    due_on: date = date(2026, 4, 1),
    paid_on: date | None = None,
) -> Instalment:
    paid = status is InstalmentStatus.PAID
    made = Instalment(
        agreement_id=grant.id,
        number=next(_numbers),
        due_on=due_on,
        amount_pence=amount_pence,
        condition=ReleaseCondition.AGREEMENT_ACCEPTED,
        status=status,
        paid_on=(paid_on or due_on) if paid else None,
        payment_reference="BACS-1" if paid else None,
    )
    db.session.add(made)
    db.session.flush()
    return made


def clawback(grant: Agreement, owed: int, repaid: int = 0, *, written_off: bool = False) -> Termination:
    status = (
        RepaymentStatus.WRITTEN_OFF
        if written_off
        else RepaymentStatus.NONE_DUE
        if not owed
        else RepaymentStatus.REPAID
        if repaid == owed
        else RepaymentStatus.PART_REPAID
        if repaid
        else RepaymentStatus.OWED
    )
    made = Termination(
        agreement_id=grant.id,
        reason="Stopped",
        terminated_on=date(2026, 5, 1),
        amount_owed_pence=owed,
        amount_repaid_pence=repaid,
        repayment_status=status,
        recorded_at=NOW,
    )
    db.session.add(made)
    db.session.flush()
    return made


# Worked examples, through the services ----------------------------------------------------------------------------


@pytest.fixture
def finance(make_user) -> Actor:
    return agreement_factories.finance_actor(make_user)


def test_what_is_committed_follows_each_grant_through_its_states(round_, officer, make_user, people, finance):
    """One bid in each state, in a round with a £50,000 budget; each bid was approved at £5,000.50 and is paid in
    three instalments (£1,668.50 on acceptance, then £1,666.00 after each of two returns)."""
    bids = agreement_factories.approved(round_, officer, make_user, people, 7)
    offered = agreement_factories.offered(bids[0], officer)
    withdrawn = agreement_factories.offered(bids[1], officer)
    agreements.withdraw_offer(withdrawn, reason="The group has wound up", actor=officer)
    running, varied, cut, ended, closed = (agreement_factories.accepted(bid, officer) for bid in bids[2:])

    first, second, _ = payments.instalments_for(running)
    payments.approve(first, actor=finance)
    payments.record_paid(first, paid_on=london_today(), reference="BACS-1", actor=finance)
    payments.hold(second, reason="Waiting for the insurance certificate", actor=finance)

    variation = agreements.propose_variation(varied, reason="A smaller project", actor=officer)
    agreements.update_details(
        variation,
        agreements.Details(
            amount_pence=400_000,
            starts_on=variation.starts_on,
            ends_on=variation.ends_on,
            signatory_role=variation.signatory_role,
            special_conditions="",
            sustainability_commitments="",
        ),
        actor=officer,
    )
    agreements.reset_plan(variation, actor=officer)
    member = agreement_factories.signatory(bids[3])
    agreements.offer_variation(variation, actor=officer)
    agreements.accept(variation, agreement_factories.acceptance(member), actor=member)
    approved_later = payments.instalments_for(varied)[0]
    payments.approve(approved_later, actor=finance)

    payments.cancel(payments.instalments_for(cut)[2], reason="Room hire no longer needed", actor=finance)

    paid_before_ending = payments.instalments_for(ended)[0]
    payments.approve(paid_before_ending, actor=finance)
    payments.record_paid(paid_before_ending, paid_on=london_today(), reference="BACS-2", actor=finance)
    ending = termination.terminate(
        ended, reason="The project stopped", terminated_on=london_today(), amount_owed_pence=50_000, actor=officer
    )
    termination.record_repayment(ending, repaid_pence=20_000, note="First part", actor=finance)

    plan_factories.closed(closed, officer, finance)
    db.session.flush()

    built = report(financial_year_now(), round_id=round_.id, now=None)

    states = by_name(built.states)
    awaiting = states["Approved, agreement not yet accepted"]
    assert (awaiting.grants, awaiting.committed_pence) == (1, 500_050)  # the offer; the withdrawn one left out
    assert offered.status is AgreementStatus.OFFERED
    in_force = states["In force"]
    # Running: all £5,000.50 (£1,668.50 paid, £1,666.00 held, £1,666.00 scheduled); varied: £4,000.00; cut: the
    # £1,666.00 cancelled no longer committed.
    assert in_force.grants == 3
    assert in_force.awarded_pence == 500_050 + 400_000 + 500_050
    assert in_force.committed_pence == 500_050 + 400_000 + 333_450
    assert in_force.released_pence == 166_600
    assert (in_force.paid_pence, in_force.held_pence) == (166_850, 166_600)
    assert in_force.approved_pence == approved_later.amount_pence
    assert in_force.unscheduled_pence == 0
    ended_state = states["Ended early (terminated)"]
    assert (ended_state.committed_pence, ended_state.paid_pence, ended_state.released_pence) == (
        166_850,
        166_850,
        333_200,
    )
    closed_state = states["Closed"]
    assert (closed_state.committed_pence, closed_state.paid_pence, closed_state.to_pay_pence) == (500_050, 500_050, 0)

    [line] = built.rounds
    position = line.position
    assert position.budget_pence == 5_000_000
    assert position.committed_pence == 500_050 + 500_050 + 400_000 + 333_450 + 166_850 + 500_050 == 2_400_450
    assert position.paid_pence == 166_850 + 166_850 + 500_050
    assert position.to_pay_pence == position.committed_pence - position.paid_pence
    assert position.uncommitted_pence == 5_000_000 - 2_400_450
    assert (position.terminated, position.owed_pence, position.repaid_pence, position.outstanding_pence) == (
        1,
        50_000,
        20_000,
        30_000,
    )


def financial_year_now() -> FinancialYear:
    today = london_today()
    return FinancialYear(today.year if today.month >= 4 else today.year - 1)


def test_a_corrected_decision_counts_once_at_its_corrected_amount_and_a_withdrawn_bid_not_at_all(make_user):
    where = setting(make_user)
    round_ = where.rounds[0]
    _, decision = approval(where, round_, 300_000)
    correct(where, decision, 250_000)
    approval(where, round_, 400_000, status=ApplicationStatus.WITHDRAWN)
    approval(where, round_, 0, outcome=Outcome.DECLINED)

    position = money_of(report(), round_)

    assert (position.grants, position.awaiting_pence, position.committed_pence) == (1, 250_000, 250_000)


def test_an_award_in_force_counts_at_its_varied_amount_not_the_panels(make_user):
    where = setting(make_user)
    grant = agreement(where, where.rounds[0], 400_000, AgreementStatus.ACCEPTED, decided_pence=500_000)
    instalment(grant, 400_000)

    position = money_of(report(), where.rounds[0])

    assert (position.awarded_pence, position.committed_pence, position.scheduled_pence) == (400_000, 400_000, 400_000)
    assert position.awaiting_pence == 0  # the decision is not counted again


def test_an_award_in_force_with_no_instalments_yet_is_committed_in_full(make_user):
    where = setting(make_user)
    agreement(where, where.rounds[0], 300_000, AgreementStatus.ACCEPTED)

    position = money_of(report(), where.rounds[0])

    assert (position.committed_pence, position.unscheduled_pence, position.to_pay_pence) == (300_000, 300_000, 300_000)


def test_a_cancelled_instalment_a_variation_left_out_is_not_taken_off_twice(make_user):
    """£1,000 paid, £1,000 cancelled, then a variation that leaves the cancelled one out of the schedule and plans
    £1,000 more: the grant of £2,000 is all committed."""
    where = setting(make_user)
    grant = agreement(where, where.rounds[0], 200_000, AgreementStatus.ACCEPTED)
    instalment(grant, 100_000, InstalmentStatus.PAID)
    instalment(grant, 100_000, InstalmentStatus.CANCELLED)
    instalment(grant, 100_000)

    position = money_of(report(), where.rounds[0])

    assert (position.committed_pence, position.released_pence) == (200_000, 0)


def test_a_grant_ended_early_commits_only_what_was_paid_and_its_clawback_is_apart(make_user):
    where = setting(make_user)
    grant = agreement(where, where.rounds[2], 600_000, AgreementStatus.TERMINATED)
    instalment(grant, 200_000, InstalmentStatus.PAID)
    instalment(grant, 400_000, InstalmentStatus.CANCELLED)
    clawback(grant, 150_000, 50_000, written_off=True)

    built = report()
    position = money_of(built, where.rounds[2])

    assert (position.committed_pence, position.paid_pence, position.released_pence) == (200_000, 200_000, 400_000)
    assert (position.owed_pence, position.repaid_pence, position.written_off_pence) == (150_000, 50_000, 100_000)
    assert position.outstanding_pence == 0
    [clawback_row] = [row for row in built.clawback_table().rows if row[0] == position.name]
    assert clawback_row[1] == 1


def test_filters_choose_a_fund_or_a_round(make_user):
    where = setting(make_user)
    for round_, amount in zip(where.rounds, (100_000, 200_000, 300_000), strict=True):
        approval(where, round_, amount)

    every = report()
    first_fund = report(fund_id=where.funds[0].id)
    second_round = report(round_id=where.rounds[1].id)

    assert every.total.committed_pence == 600_000
    assert [fund.committed_pence for fund in every.funds] == [300_000, 300_000]
    assert first_fund.total.committed_pence == 300_000
    assert [line.round_id for line in first_fund.rounds] == [where.rounds[1].id, where.rounds[0].id]  # newest first
    assert second_round.total.committed_pence == 200_000
    assert second_round.total.budget_pence == 3_000_000


def test_draft_rounds_are_left_out(make_user):
    where = setting(make_user)
    where.rounds[1].status = RoundStatus.DRAFT
    db.session.flush()

    assert report().total.budget_pence == 5_000_000 + 2_000_000


# Months on the council's calendar ---------------------------------------------------------------------------------


def test_a_payment_recorded_just_after_midnight_in_summer_time_counts_in_the_new_financial_year(
    round_, officer, make_user, people, finance
):
    """At 23:30 UTC on 31 March 2026 it is 00:30 on 1 April in London (British Summer Time began on 29 March): the
    date paid is 1 April, in April of the year 2026 to 2027, and that is the year the report opens on."""
    [grant] = plan_factories.grants(round_, officer, make_user, people)
    first = payments.instalments_for(grant)[0]
    late_evening = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    payments.approve(first, actor=finance, now=late_evening)
    payments.record_paid(first, paid_on=london_today(late_evening), reference="BACS-9", actor=finance, now=late_evening)

    assert first.paid_on == date(2026, 4, 1)
    assert finance_options(late_evening).current == FinancialYear(2026)
    new_year = report(FinancialYear(2026), round_id=round_.id, now=late_evening)
    old_year = report(FinancialYear(2025), round_id=round_.id, now=late_evening)
    assert [month.paid_pence for month in new_year.months][0] == first.amount_pence
    assert new_year.months[0].name == "April 2026"
    assert old_year.year_total.paid_pence == 0


def test_in_winter_the_last_evening_of_a_month_stays_in_that_month(round_, officer, make_user, people, finance):
    """At 23:30 UTC on 31 January 2026 it is 23:30 in London too (Greenwich Mean Time)."""
    [grant] = plan_factories.grants(round_, officer, make_user, people)
    first = payments.instalments_for(grant)[0]
    evening = datetime(2026, 1, 31, 23, 30, tzinfo=UTC)
    payments.approve(first, actor=finance, now=evening)
    payments.record_paid(first, paid_on=london_today(evening), reference="BACS-10", actor=finance, now=evening)

    built = report(FinancialYear(2025), round_id=round_.id, now=evening)

    assert finance_options(evening).current == FinancialYear(2025)
    assert by_name(built.months)["January 2026"].paid_pence == first.amount_pence
    assert by_name(built.months)["February 2026"].paid_pence == 0


def test_the_financial_year_runs_from_1_april_to_31_march(make_user):
    where = setting(make_user)
    grant = agreement(where, where.rounds[0], 900_000, AgreementStatus.ACCEPTED)
    instalment(grant, 100_000, InstalmentStatus.PAID, due_on=date(2026, 3, 31))  # the last day of 2025 to 2026
    instalment(grant, 200_000, InstalmentStatus.PAID, due_on=date(2026, 4, 1))  # the first of 2026 to 2027
    instalment(grant, 300_000, due_on=date(2027, 3, 31))  # the last of 2026 to 2027
    instalment(grant, 150_000, InstalmentStatus.HELD, due_on=date(2027, 4, 1))  # after it
    instalment(grant, 150_000, due_on=date(2026, 2, 1))  # before it, still unpaid

    built = report()

    assert [month.name for month in built.months][::11] == ["April 2026", "March 2027"]
    assert (built.months[0].paid_pence, built.months[-1].due_pence) == (200_000, 300_000)
    assert (built.year_total.paid_pence, built.year_total.due_pence, built.year_total.held_pence) == (
        200_000,
        300_000,
        0,
    )
    assert (built.before.due_pence, built.after.held_pence) == (150_000, 150_000)
    assert built.overdue_pence == 150_000  # due on 1 February 2026, before today (15 June 2026)
    notes = built.by_month_table().notes
    assert notes == [
        "Not in the table: £1,500.00 due before 1 April 2026 and still not paid (£0.00 of it held).",
        "Not in the table: £1,500.00 due after 31 March 2027 (£1,500.00 of it held).",
    ]


def test_the_year_choices_run_from_the_first_instalment_to_the_year_after_the_latest(make_user):
    where = setting(make_user)
    grant = agreement(where, where.rounds[0], 900_000, AgreementStatus.ACCEPTED)
    instalment(grant, 100_000, InstalmentStatus.PAID, due_on=date(2023, 5, 1))
    instalment(grant, 100_000, due_on=date(2028, 2, 1))

    options = finance_options(NOW)

    assert [year.first for year in options.years] == [2027, 2026, 2025, 2024, 2023]
    assert options.current == FinancialYear(2026)


def test_a_date_typed_decades_out_never_pushes_this_year_off_the_choices(make_user):
    where = setting(make_user)
    grant = agreement(where, where.rounds[0], 900_000, AgreementStatus.ACCEPTED)
    instalment(grant, 100_000, due_on=date(2092, 2, 1))
    instalment(grant, 100_000, InstalmentStatus.PAID, due_on=date(1990, 5, 1), paid_on=date(1990, 5, 1))

    years = [year.first for year in finance_options(NOW).years]

    assert years[0] == 2026 + 15
    assert years[-1] == 2026 - 15
    assert FinancialYear(2026).first in years


# The parts add up to the totals, whatever the grants ------------------------------------------------------------

STATES = ["awaiting", "withdrawn", "accepted", "closed", "terminated"]
STATUSES = list(InstalmentStatus)


@st.composite
def grant_specs(draw):
    state = draw(st.sampled_from(STATES))
    amount = draw(st.integers(1, 2_000_000))
    instalments = []
    if state in ("accepted", "closed", "terminated"):
        for _ in range(draw(st.integers(0, 4))):
            status = draw(st.sampled_from(STATUSES))
            if state != "accepted" and status not in (InstalmentStatus.PAID, InstalmentStatus.CANCELLED):
                status = InstalmentStatus.CANCELLED  # nothing is left to pay on a grant closed or ended early
            due = date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 1200)))
            instalments.append((draw(st.integers(1, 700_000)), status, due))
    owed = draw(st.integers(0, 100_000)) if state == "terminated" else 0
    repaid = draw(st.integers(0, owed))
    return {
        "round": draw(st.integers(0, 2)),
        "state": state,
        "amount": amount,
        "instalments": instalments,
        "clawback": (owed, repaid, draw(st.booleans())),
    }


def _build_grants(where: Setting, specs) -> None:
    for spec in specs:
        round_ = where.rounds[spec["round"]]
        if spec["state"] in ("awaiting", "withdrawn"):
            withdrawn = spec["state"] == "withdrawn"
            approval(
                where,
                round_,
                spec["amount"],
                status=ApplicationStatus.WITHDRAWN if withdrawn else ApplicationStatus.APPROVED,
            )
            continue
        grant = agreement(where, round_, spec["amount"], AgreementStatus(spec["state"]))
        for amount, status, due in spec["instalments"]:
            instalment(grant, amount, status, due_on=due)
        owed, repaid, written_off = spec["clawback"]
        if owed:
            clawback(grant, owed, repaid, written_off=written_off and repaid < owed)


def _expected_committed(spec) -> int:
    paid = sum(amount for amount, status, _ in spec["instalments"] if status is InstalmentStatus.PAID)
    state = spec["state"]
    if state == "awaiting":
        return spec["amount"]
    if state in ("closed", "terminated"):
        return paid
    if state == "withdrawn":
        return 0
    planned = sum(amount for amount, _, _ in spec["instalments"])
    live = sum(amount for amount, status, _ in spec["instalments"] if status is not InstalmentStatus.CANCELLED)
    return live + max(0, spec["amount"] - planned)


years = st.sampled_from([FinancialYear(2024), FinancialYear(2025), FinancialYear(2026), FinancialYear(2027)])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(grant_specs(), max_size=8), year=years, chosen=st.sampled_from([None, 0, 1, 2]))
def test_the_totals_are_the_sums_of_their_parts(make_user, specs, year, chosen):
    with db.session.begin_nested() as example:
        where = setting(make_user)
        _build_grants(where, specs)
        round_id = None if chosen is None else where.rounds[chosen].id

        built = report(year, round_id=round_id)

        mine = [spec for spec in specs if chosen is None or spec["round"] == chosen]
        total = built.total
        # Each grant's commitment as the rules give it, added up.
        assert total.committed_pence == sum(_expected_committed(spec) for spec in mine)
        assert total.committed_pence == total.paid_pence + total.to_pay_pence
        assert total.awarded_pence == total.committed_pence + total.released_pence
        assert total.uncommitted_pence == total.budget_pence - total.committed_pence
        assert total.grants == sum(1 for spec in mine if spec["state"] != "withdrawn")
        # Rounds, funds and states all add up to the same totals.
        for parts in ([line.position for line in built.rounds], built.funds, built.states):
            for money in ("committed_pence", "paid_pence", "held_pence", "to_pay_pence", "awarded_pence"):
                assert sum(getattr(part, money) for part in parts) == getattr(total, money)
        # The months add up to the year, and with what falls before and after it to all that is left to pay on
        # grants in force; paid in the months is what was paid in the year.
        year_total = built.year_total
        for money in ("paid_pence", "due_pence", "held_pence"):
            assert sum(getattr(month, money) for month in built.months) == getattr(year_total, money)
        in_force_unpaid = total.approved_pence + total.scheduled_pence + total.held_pence
        assert built.before.total_pence + year_total.due_pence + year_total.held_pence + built.after.total_pence == (
            in_force_unpaid
        )
        assert year_total.paid_pence == sum(
            amount
            for spec in mine
            if spec["state"] in ("accepted", "closed", "terminated")
            for amount, status, due in spec["instalments"]
            if status is InstalmentStatus.PAID and year.start <= due <= year.end
        )
        # The tables read the same figures: the last row of each is its total.
        by_round = built.by_round_table()
        if by_round.rows:
            assert by_round.rows[-1][2].pence == total.committed_pence
        example.rollback()


# Statements -------------------------------------------------------------------------------------------------------


def _a_grant_of_every_kind(where: Setting, round_: Round) -> None:
    approval(where, round_, 100_000)
    running = agreement(where, round_, 300_000, AgreementStatus.ACCEPTED)
    instalment(running, 100_000, InstalmentStatus.PAID, due_on=date(2026, 5, 1))
    instalment(running, 100_000, InstalmentStatus.HELD, due_on=date(2026, 8, 1))
    instalment(running, 100_000, due_on=date(2027, 1, 1))
    ended = agreement(where, round_, 300_000, AgreementStatus.TERMINATED)
    instalment(ended, 100_000, InstalmentStatus.PAID)
    clawback(ended, 50_000, 10_000)
    closed = agreement(where, round_, 100_000, AgreementStatus.CLOSED)
    instalment(closed, 100_000, InstalmentStatus.PAID)


def test_the_report_runs_the_same_statements_for_one_grant_of_each_kind_or_many(make_user):
    where = setting(make_user)
    counts = []
    for more in (1, 4):
        for _ in range(more):
            for round_ in where.rounds:
                _a_grant_of_every_kind(where, round_)
        with counted_statements() as statements:
            finance_options(NOW)
            report()
        counts.append(len(statements))
    assert counts[0] == counts[1] == 3 + 6


def test_overdue_is_what_was_due_before_today_and_is_neither_paid_nor_held(make_user):
    where = setting(make_user)
    grant = agreement(where, where.rounds[0], 900_000, AgreementStatus.ACCEPTED)
    instalment(grant, 100_000, due_on=date(2026, 6, 14))  # yesterday
    instalment(grant, 200_000, InstalmentStatus.APPROVED, due_on=date(2026, 6, 1))
    instalment(grant, 300_000, InstalmentStatus.HELD, due_on=date(2026, 6, 1))
    instalment(grant, 400_000, due_on=date(2026, 6, 15))  # today: due, not yet overdue

    assert report(now=datetime(2026, 6, 15, 9, 0, tzinfo=UTC)).overdue_pence == 300_000
    # Late on 14 June UTC it is already 15 June in London: the one due on 14 June is overdue from then.
    assert report(now=datetime(2026, 6, 14, 23, 30, tzinfo=UTC)).overdue_pence == 300_000
    assert report(now=datetime(2026, 6, 14, 22, 30, tzinfo=UTC)).overdue_pence == 200_000
