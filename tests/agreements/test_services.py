"""Agreements from the panel's award to a signed offer, and variations after: what the officer can draft and
change, what the group must do to accept, and what acceptance makes real."""

from dataclasses import replace
from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from grantsfund.agreements import schedules, services, terms
from grantsfund.agreements.models import Agreement, AgreementStatus, VersionStatus
from grantsfund.agreements.schedules import ON_ACCEPTANCE, ON_RETURN, PlannedInstalment, PlannedPeriod, Target
from grantsfund.agreements.services import Acceptance, Details, PlanNotReady
from grantsfund.applications.models import ApplicationStatus
from grantsfund.common.actor import Actor
from grantsfund.common.dates import format_date, london_to_utc, london_today, utcnow
from grantsfund.common.errors import DomainError, InvalidTransition
from grantsfund.common.money import format_pence
from grantsfund.extensions import db
from grantsfund.panel.decisions import DecisionAnswers, committed_pence
from grantsfund.panel.models import Outcome
from grantsfund.payments import holds
from grantsfund.payments import services as payments
from grantsfund.payments.models import Instalment, InstalmentStatus, ReleaseCondition
from tests.agreements import factories
from tests.agreements.factories import events
from tests.conftest import queued_emails

AWARD = 500_050  # what each bid from the application factories asks for, and the panel approves: £5,000.50


@pytest.fixture
def bid(round_, officer, make_user, people):
    [made] = factories.approved(round_, officer, make_user, people)
    return made


@pytest.fixture
def member(bid):
    return factories.signatory(bid)


@pytest.fixture
def finance(make_user):
    return factories.finance_actor(make_user)


def details_of(item, **changes) -> Details:
    values = {
        "amount_pence": item.amount_pence,
        "starts_on": item.starts_on,
        "ends_on": item.ends_on,
        "signatory_role": item.signatory_role,
        "special_conditions": item.special_conditions,
        "sustainability_commitments": item.sustainability_commitments,
    }
    values.update(changes)
    return Details(**values)


def plan_of(item) -> list[tuple[int, int, str, int | None]]:
    return [
        (entry.number, entry.amount_pence, entry.condition, entry.period)
        for entry in schedules.load_payments(item.payments)
    ]


def instalments(agreement) -> list[tuple[int, int, InstalmentStatus]]:
    return [(i.number, i.amount_pence, i.status) for i in payments.instalments_for(agreement)]


def accept_variation(variation, officer, member) -> None:
    services.offer_variation(variation, actor=officer)
    services.accept(variation, factories.acceptance(member), actor=member)


# Drafting -----------------------------------------------------------------------------------------------------


def test_a_draft_takes_the_award_conditions_outcomes_and_dates_from_the_approved_bid(
    round_, officer, make_user, people
):
    bid = factories.awarded(
        round_,
        officer,
        make_user,
        people,
        DecisionAnswers(Outcome.APPROVED_WITH_CONDITIONS, conditions="Send the safeguarding policy", reasons="Good"),
    )
    standard = factories.standard_terms(officer)

    agreement = services.draft(bid, actor=officer)

    assert agreement.status is AgreementStatus.DRAFT
    assert agreement.terms == standard
    assert agreement.decision.application == bid
    offer = agreement.offer
    assert (offer.number, offer.status) == (1, VersionStatus.DRAFT)
    assert agreement.amount_pence == offer.amount_pence == AWARD
    assert offer.special_conditions == "Send the safeguarding policy"
    assert offer.sustainability_commitments == bid.continuation == "Volunteers run it."
    assert (offer.starts_on, offer.ends_on) == (bid.start_date, bid.end_date)
    [outcome] = bid.outcomes
    assert schedules.load_targets(offer.targets) == [
        Target(
            outcome.indicator_id, outcome.indicator.measure, outcome.indicator.domain, 80, "people", "Sign-in sheets"
        )
    ]
    # The default plan: six-monthly returns, the grant (over the single-payment limit) split over the returns.
    assert plan_of(offer) == [(1, 166_850, ON_ACCEPTANCE, None), (2, 166_600, ON_RETURN, 1), (3, 166_600, ON_RETURN, 2)]
    assert [period.final for period in schedules.load_periods(offer.monitoring)] == [False, False, True]
    assert services.problems(offer) == []
    [event] = events("agreement.drafted", agreement)
    assert event.after == {"application": bid.reference, "amount_pence": AWARD, "terms": standard.version}
    assert event.actor_id == officer.user_id


def test_a_reduced_award_within_the_single_payment_limit_is_paid_in_one_go(round_, officer, make_user, people):
    bid = factories.awarded(
        round_, officer, make_user, people, DecisionAnswers(Outcome.APPROVED_REDUCED, amount_pence=300_000, reasons="x")
    )
    agreement = factories.drafted(bid, officer)
    assert agreement.amount_pence == 300_000
    assert plan_of(agreement.offer) == [(1, 300_000, ON_ACCEPTANCE, None)]


def test_drafting_twice_returns_the_agreement_already_started(bid, officer):
    first = factories.drafted(bid, officer)
    again = services.draft(bid, actor=officer)
    assert again is first
    assert db.session.scalar(select(func.count(Agreement.id))) == 1
    assert len(events("agreement.drafted", first)) == 1
    assert services.agreement_for(bid) is first


def test_an_approval_not_yet_published_cannot_be_drafted(round_, officer, make_user, people):
    bid = factories.awarded(round_, officer, make_user, people, publish=False)
    factories.standard_terms(officer)
    with pytest.raises(DomainError, match="only once the panel's approval has been published"):
        services.draft(bid, actor=officer)
    assert services.agreement_for(bid) is None


def test_a_declined_bid_cannot_be_drafted(round_, officer, make_user, people):
    [declined] = factories.decided(round_, officer, make_user, people, Outcome.DECLINED)
    factories.standard_terms(officer)
    with pytest.raises(DomainError, match="only once the panel's approval has been published"):
        services.draft(declined, actor=officer)


def test_nothing_is_drafted_before_the_standard_terms_are_published(bid, officer):
    assert terms.current() is None
    with pytest.raises(DomainError, match="must publish the standard terms before agreements can be drafted"):
        services.draft(bid, actor=officer)
    assert services.agreement_for(bid) is None


def test_an_approved_bid_waits_for_its_agreement_until_one_is_drafted(round_, officer, make_user, people):
    first, second = factories.approved(round_, officer, make_user, people, count=2)
    assert services.awaiting_agreement(round_id=round_.id) == sorted([first, second], key=lambda a: a.reference)
    factories.drafted(first, officer)
    assert services.awaiting_agreement(round_id=round_.id) == [second]
    assert services.awaiting_agreement(round_id=round_.id + 1) == []


def test_the_officers_list_filters_by_status_and_round(round_, officer, make_user, people):
    first, second = factories.approved(round_, officer, make_user, people, count=2)
    drafted = factories.drafted(first, officer)
    offered = factories.offered(second, officer)
    assert services.list_agreements(status=AgreementStatus.DRAFT) == [drafted]
    assert set(services.list_agreements(round_id=round_.id)) == {drafted, offered}


# Changing the draft -------------------------------------------------------------------------------------------


def test_the_officer_changes_the_details_of_the_draft(bid, officer):
    agreement = factories.drafted(bid, officer)
    offer = agreement.offer
    changed = details_of(
        offer,
        signatory_role="  Chair or Treasurer ",
        special_conditions=" Credit the council ",
        starts_on=date(2027, 2, 1),
    )
    services.update_details(offer, changed, actor=officer)
    assert (offer.signatory_role, offer.special_conditions, offer.starts_on) == (
        "Chair or Treasurer",
        "Credit the council",
        date(2027, 2, 1),
    )
    [event] = events("agreement.details_changed", agreement)
    assert event.before["details"]["signatory_role"] == "Chair, Treasurer or Secretary"
    assert event.after["details"]["signatory_role"] == "Chair or Treasurer"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount_pence": AWARD - 1}, "amount", "The offer is for the panel's award of £5,000.50"),
        ({"amount_pence": AWARD + 1}, "amount", "cannot be more than the panel's award of £5,000.50"),
        ({"amount_pence": 0}, "amount", "The grant must be more than £0"),
        ({"ends_on": date(2020, 1, 1)}, "ends_on", "must end on or after the day it starts"),
        ({"signatory_role": "   "}, "signatory_role", "Enter who may sign for the group"),
        ({"signatory_role": "x" * 201}, "signatory_role", "200 characters or fewer"),
        ({"special_conditions": "x" * 10_001}, "special_conditions", "10,000 characters or fewer"),
    ],
    ids=["under-award", "over-award", "nothing", "ends-before-start", "no-role", "long-role", "long-conditions"],
)
def test_details_that_break_a_rule_are_refused_and_nothing_changes(bid, officer, changes, field, message):
    agreement = factories.drafted(bid, officer)
    offer = agreement.offer
    before = details_of(offer)
    with pytest.raises(DomainError, match=message) as raised:
        services.update_details(offer, details_of(offer, **changes), actor=officer)
    assert raised.value.field == field
    assert details_of(offer) == before
    assert events("agreement.details_changed", agreement) == []


def test_the_officer_replaces_the_payment_schedule_numbered_in_date_order(bid, officer):
    agreement = factories.drafted(bid, officer)
    offer = agreement.offer
    later = PlannedInstalment(
        9, offer.starts_on + timedelta(days=200), 200_050, ON_RETURN, 1, note=" After the review "
    )
    first = PlannedInstalment(5, offer.starts_on, 300_000)
    services.update_payments(offer, [later, first], actor=officer)
    assert schedules.load_payments(offer.payments) == [
        PlannedInstalment(1, offer.starts_on, 300_000),
        PlannedInstalment(2, offer.starts_on + timedelta(days=200), 200_050, ON_RETURN, 1, note="After the review"),
    ]
    assert len(events("agreement.payments_changed", agreement)) == 1


def test_a_payment_schedule_that_does_not_add_up_is_refused_with_its_problems(bid, officer):
    agreement = factories.drafted(bid, officer)
    offer = agreement.offer
    before = list(offer.payments)
    wrong = [PlannedInstalment(1, offer.starts_on, 100_000), PlannedInstalment(2, offer.ends_on, 100_000, ON_RETURN, 7)]
    with pytest.raises(PlanNotReady) as raised:
        services.update_payments(offer, wrong, actor=officer)
    assert [problem.field for problem in raised.value.problems] == ["payments-2", "payments"]
    assert raised.value.field == "payments-2"
    assert offer.payments == before


def test_the_officer_replaces_the_monitoring_schedule_and_a_broken_one_is_refused(bid, officer):
    agreement = factories.drafted(bid, officer)
    offer = agreement.offer
    middle = offer.starts_on + timedelta(days=269)
    halves = [
        PlannedPeriod(2, middle + timedelta(days=1), offer.ends_on, offer.ends_on + timedelta(days=30)),
        PlannedPeriod(1, offer.starts_on, middle, middle + timedelta(days=30), final=True),
    ]
    services.update_monitoring(offer, halves, actor=officer)
    assert [(p.number, p.starts_on, p.final) for p in schedules.load_periods(offer.monitoring)] == [
        (1, offer.starts_on, False),
        (2, middle + timedelta(days=1), True),
    ]
    gap = [halves[1], replace(halves[0], starts_on=middle + timedelta(days=5))]
    with pytest.raises(PlanNotReady) as raised:
        services.update_monitoring(offer, gap, actor=officer)
    assert [problem.field for problem in raised.value.problems] == ["monitoring-2"]
    assert len(schedules.load_periods(offer.monitoring)) == 2


def test_the_officer_sets_targets_and_a_negative_one_is_refused(bid, officer):
    agreement = factories.drafted(bid, officer)
    offer = agreement.offer
    [target] = schedules.load_targets(offer.targets)
    services.update_targets(offer, [replace(target, target=120)], actor=officer)
    assert schedules.load_targets(offer.targets)[0].target == 120
    with pytest.raises(PlanNotReady, match="must be 0 or more") as raised:
        services.update_targets(offer, [replace(target, target=-5)], actor=officer)
    assert raised.value.field == "targets-1"
    assert schedules.load_targets(offer.targets)[0].target == 120


def test_new_dates_leave_the_plan_to_be_put_right_and_resetting_it_fits_the_dates(bid, officer):
    agreement = factories.drafted(bid, officer)
    offer = agreement.offer
    services.update_details(offer, details_of(offer, ends_on=offer.ends_on + timedelta(days=90)), actor=officer)
    assert "monitoring" in [problem.field for problem in services.problems(offer)]

    services.reset_plan(offer, actor=officer)

    assert services.problems(offer) == []
    assert schedules.load_periods(offer.monitoring)[-1].ends_on == offer.ends_on
    assert len(events("agreement.plan_changed", agreement)) == 1


UPDATES = {
    "details": lambda item, actor: services.update_details(item, details_of(item), actor=actor),
    "payments": lambda item, actor: services.update_payments(item, schedules.load_payments(item.payments), actor=actor),
    "monitoring": lambda item, actor: services.update_monitoring(
        item, schedules.load_periods(item.monitoring), actor=actor
    ),
    "targets": lambda item, actor: services.update_targets(item, schedules.load_targets(item.targets), actor=actor),
    "plan": lambda item, actor: services.reset_plan(item, actor=actor),
}


@pytest.mark.parametrize("part", UPDATES)
def test_nothing_in_an_offer_changes_once_it_has_been_sent(bid, officer, part):
    agreement = factories.drafted(bid, officer)
    UPDATES[part](agreement.offer, officer)  # fine while a draft
    services.issue(agreement, actor=officer)
    with pytest.raises(InvalidTransition, match="Version 1 is waiting for acceptance and cannot be changed"):
        UPDATES[part](agreement.offer, officer)


# Issuing ------------------------------------------------------------------------------------------------------


def test_issuing_sends_the_offer_to_the_group_to_accept_within_the_default_days(app, bid, officer):
    agreement = factories.drafted(bid, officer)

    services.issue(agreement, actor=officer)

    accept_by = london_today() + timedelta(days=app.config["OFFER_ACCEPT_DAYS"])
    assert agreement.status is AgreementStatus.OFFERED
    assert agreement.offer.status is VersionStatus.OFFERED
    assert agreement.accept_by == accept_by
    assert agreement.issued_by_id == officer.user_id
    messages = queued_emails(template="agreements/offer")
    assert [message.recipient for message in messages] == [bid.organisation.contact_email, bid.submitted_by.email]
    assert messages[0].context["amount"] == "£5,000.50"
    assert messages[0].context["accept_by"] == format_date(accept_by)
    assert messages[0].context["reference"] == bid.reference
    [event] = events("agreement.issued", agreement)
    assert event.after["accept_by"] == accept_by.isoformat()


def test_an_offer_with_problems_is_not_issued(bid, officer):
    agreement = factories.drafted(bid, officer)
    offer = agreement.offer
    services.update_details(offer, details_of(offer, ends_on=offer.ends_on - timedelta(days=40)), actor=officer)

    with pytest.raises(PlanNotReady) as raised:
        services.issue(agreement, actor=officer)

    assert raised.value.problems == services.problems(offer) != []
    assert agreement.status is AgreementStatus.DRAFT
    assert queued_emails(template="agreements/offer") == []


def test_the_date_to_accept_by_is_chosen_and_cannot_be_in_the_past(bid, officer):
    agreement = factories.drafted(bid, officer)
    with pytest.raises(DomainError, match="cannot be in the past") as raised:
        services.issue(agreement, accept_by=london_today() - timedelta(days=1), actor=officer)
    assert raised.value.field == "accept_by"
    chosen = london_today() + timedelta(days=10)
    services.issue(agreement, accept_by=chosen, actor=officer)
    assert agreement.accept_by == chosen
    with pytest.raises(InvalidTransition, match="already been issued"):
        services.issue(agreement, actor=officer)
    assert len(queued_emails(template="agreements/offer")) == 2  # one offer, to both addresses


# Accepting ----------------------------------------------------------------------------------------------------


def test_a_member_accepts_by_typing_their_name_in_any_case_and_spacing(bid, officer, member):
    agreement = factories.offered(bid, officer)
    name = "  " + "   ".join(member.user.full_name.upper().split()) + " "

    services.accept(agreement.offer, Acceptance(name=name, position=" Treasurer ", confirmed=True), actor=member)

    offer = agreement.offer
    assert agreement.status is AgreementStatus.ACCEPTED
    assert agreement.in_force is offer
    assert (offer.status, offer.accepted_name, offer.accepted_position) == (
        VersionStatus.ACCEPTED,
        member.user.full_name.upper(),
        "Treasurer",
    )
    assert (offer.accepted_by_id, offer.accepted_ip) == (member.user_id, "203.0.113.7")
    [event] = events("agreement.accepted", agreement)
    assert event.ip_address == "203.0.113.7"
    assert event.actor_id == member.user_id
    assert event.after["name"] == member.user.full_name.upper()
    assert event.after["position"] == "Treasurer"
    assert event.after["ip_address"] == "203.0.113.7"
    [told] = queued_emails(template="agreements/accepted")
    assert told.recipient == officer.user.email


def test_acceptance_makes_the_plan_real_instalments_and_monitoring_periods(bid, officer):
    agreement = factories.accepted(bid, officer)
    offer = agreement.offer

    planned_periods = schedules.load_periods(offer.monitoring)
    assert [(p.number, p.starts_on, p.ends_on, p.due_on, p.final) for p in agreement.periods] == [
        (p.number, p.starts_on, p.ends_on, p.due_on, p.final) for p in planned_periods
    ]
    made = payments.instalments_for(agreement)
    assert [(i.number, i.due_on, i.amount_pence, i.condition.value) for i in made] == [
        (p.number, p.due_on, p.amount_pence, p.condition) for p in schedules.load_payments(offer.payments)
    ]
    assert [i.period.number if i.period else None for i in made] == [None, 1, 2]
    assert all(i.status is InstalmentStatus.DUE for i in made)
    assert made[0].condition_met  # on acceptance
    assert not made[1].condition_met  # waits for period 1's return
    assert (agreement.amount_pence, agreement.starts_on, agreement.ends_on) == (
        offer.amount_pence,
        offer.starts_on,
        offer.ends_on,
    )


@pytest.mark.parametrize(
    ("acceptance", "field", "message"),
    [
        (Acceptance("Someone Else", "Treasurer", True), "name", "Type your full name as it is on your account"),
        (Acceptance("{name}", "  ", True), "position", "Enter your role in the group"),
        (Acceptance("{name}", "x" * 201, True), "position", "200 characters or fewer"),
        (Acceptance("{name}", "Treasurer", False), "confirmed", "Confirm that you are the group’s Chair, Treasurer"),
    ],
    ids=["wrong-name", "no-role", "long-role", "not-confirmed"],
)
def test_an_acceptance_missing_something_is_refused(bid, officer, member, acceptance, field, message):
    agreement = factories.offered(bid, officer)
    acceptance = replace(acceptance, name=acceptance.name.format(name=member.user.full_name))
    with pytest.raises(DomainError, match=message) as raised:
        services.accept(agreement.offer, acceptance, actor=member)
    assert raised.value.field == field
    assert agreement.status is AgreementStatus.OFFERED
    assert payments.instalments_for(agreement) == []
    assert agreement.periods == []


def test_only_a_member_of_the_group_can_accept(bid, officer, make_user):
    agreement = factories.offered(bid, officer)
    outsider = Actor(make_user(full_name="Olly Outsider"))
    with pytest.raises(DomainError, match="Only a member of the group can accept its agreement"):
        services.accept(agreement.offer, factories.acceptance(outsider), actor=outsider)
    with pytest.raises(DomainError, match="Only a member of the group"):
        services.accept(agreement.offer, Acceptance("System", "Chair", True), actor=Actor.system())
    assert agreement.status is AgreementStatus.OFFERED


def test_an_offer_cannot_be_accepted_after_its_date(bid, officer, member):
    agreement = factories.offered(bid, officer)
    last_day = london_to_utc(agreement.accept_by, time(23, 59))
    with pytest.raises(DomainError, match=f"had to be accepted by {format_date(agreement.accept_by)}"):
        services.accept(
            agreement.offer, factories.acceptance(member), actor=member, now=last_day + timedelta(minutes=2)
        )
    assert agreement.status is AgreementStatus.OFFERED

    services.accept(agreement.offer, factories.acceptance(member), actor=member, now=last_day)

    assert agreement.status is AgreementStatus.ACCEPTED


def test_a_draft_cannot_be_accepted_and_an_offer_only_once(bid, officer, member):
    agreement = factories.drafted(bid, officer)
    with pytest.raises(InvalidTransition, match="Version 1 is draft and cannot be accepted"):
        services.accept(agreement.offer, factories.acceptance(member), actor=member)
    services.issue(agreement, actor=officer)
    services.accept(agreement.offer, factories.acceptance(member), actor=member)
    with pytest.raises(InvalidTransition, match="Version 1 is in force and cannot be accepted"):
        services.accept(agreement.offer, factories.acceptance(member), actor=member)
    assert len(payments.instalments_for(agreement)) == 3


# Withdrawing the offer ----------------------------------------------------------------------------------------


def test_withdrawing_an_offer_withdraws_the_bid_and_frees_the_rounds_budget(round_, bid, officer):
    agreement = factories.offered(bid, officer)
    committed = committed_pence(round_)
    assert committed >= AWARD

    services.withdraw_offer(agreement, reason="  The group has folded ", actor=officer)

    assert agreement.status is AgreementStatus.WITHDRAWN
    assert agreement.offer.status is VersionStatus.WITHDRAWN
    assert agreement.withdrawn_reason == "The group has folded"
    assert bid.status is ApplicationStatus.WITHDRAWN
    assert committed_pence(round_) == committed - AWARD
    messages = queued_emails(template="agreements/withdrawn")
    assert [message.recipient for message in messages] == [bid.organisation.contact_email, bid.submitted_by.email]
    assert messages[0].context["amount"] == "£5,000.50"
    [event] = events("agreement.withdrawn", agreement)
    assert event.after == {"status": "withdrawn", "reason": "The group has folded"}


def test_withdrawing_a_draft_tells_the_group_whose_bid_was_approved(bid, officer):
    agreement = factories.drafted(bid, officer)
    services.withdraw_offer(agreement, reason="The group told us it no longer needs the grant", actor=officer)
    assert agreement.status is AgreementStatus.WITHDRAWN
    assert bid.status is ApplicationStatus.WITHDRAWN
    [told] = queued_emails(template="agreements/withdrawn", to=bid.organisation.contact_email)
    assert told.context["reason"] == "The group told us it no longer needs the grant"
    [event] = events("application.withdrawn", bid)
    assert (event.before["status"], event.after["status"]) == ("approved", "withdrawn")


def test_an_offer_is_withdrawn_only_with_a_reason_and_only_before_acceptance(bid, officer):
    agreement = factories.offered(bid, officer)
    with pytest.raises(DomainError, match="Enter why the offer is being withdrawn") as raised:
        services.withdraw_offer(agreement, reason="  ", actor=officer)
    assert raised.value.field == "reason"
    member = factories.signatory(bid)
    services.accept(agreement.offer, factories.acceptance(member), actor=member)
    with pytest.raises(InvalidTransition, match="only an offer not yet accepted can be withdrawn"):
        services.withdraw_offer(agreement, reason="Too late", actor=officer)
    assert agreement.status is AgreementStatus.ACCEPTED
    assert bid.status is ApplicationStatus.APPROVED


# Variations ---------------------------------------------------------------------------------------------------


def test_only_an_agreement_in_force_is_varied_one_variation_at_a_time_and_with_a_reason(bid, officer, member):
    agreement = factories.offered(bid, officer)
    with pytest.raises(InvalidTransition, match="Only an agreement in force can be varied"):
        services.propose_variation(agreement, reason="Longer project", actor=officer)
    services.accept(agreement.offer, factories.acceptance(member), actor=member)
    with pytest.raises(DomainError, match="Enter why the agreement needs to change") as raised:
        services.propose_variation(agreement, reason=" ", actor=officer)
    assert raised.value.field == "reason"

    variation = services.propose_variation(agreement, reason=" Longer project ", actor=officer)

    assert (variation.number, variation.status, variation.reason) == (2, VersionStatus.DRAFT, "Longer project")
    assert agreement.pending is variation
    assert agreement.in_force is agreement.offer
    assert plan_of(variation) == plan_of(agreement.offer)
    with pytest.raises(InvalidTransition, match="Version 2 is already being prepared"):
        services.propose_variation(agreement, reason="Another change", actor=officer)
    [event] = events("agreement.variation_proposed", agreement)
    assert event.after == {"version": 2, "reason": "Longer project"}


def test_a_variation_cannot_raise_the_grant_above_the_panels_award(bid, officer):
    agreement = factories.accepted(bid, officer)
    variation = services.propose_variation(agreement, reason="More room hire", actor=officer)
    with pytest.raises(DomainError, match="an increase needs a new panel decision") as raised:
        services.update_details(variation, details_of(variation, amount_pence=AWARD + 100), actor=officer)
    assert raised.value.field == "amount"
    assert variation.amount_pence == AWARD


def test_a_variation_cannot_cut_the_grant_below_what_is_already_approved(bid, officer, finance):
    agreement = factories.accepted(bid, officer)
    payments.approve(payments.instalments_for(agreement)[0], actor=finance)
    variation = services.propose_variation(agreement, reason="Smaller project", actor=officer)
    with pytest.raises(DomainError, match="cannot be less than the £1,668.50 already approved or paid"):
        services.update_details(variation, details_of(variation, amount_pence=100_000), actor=officer)
    services.update_details(variation, details_of(variation, amount_pence=166_850), actor=officer)
    assert variation.amount_pence == 166_850


@pytest.mark.parametrize("state", ["approved", "paid"])
def test_a_variation_cannot_change_or_drop_an_approved_or_paid_instalment(bid, officer, finance, state):
    agreement = factories.accepted(bid, officer)
    first = payments.instalments_for(agreement)[0]
    payments.approve(first, actor=finance)
    if state == "paid":
        payments.record_paid(first, paid_on=london_today(), reference="BACS-1", actor=finance)
    variation = services.propose_variation(agreement, reason="Pay more up front", actor=officer)
    planned = schedules.load_payments(variation.payments)

    more_up_front = [replace(planned[0], amount_pence=266_850), replace(planned[1], amount_pence=66_600), planned[2]]
    services.update_payments(variation, more_up_front, actor=officer)  # adds up, so the draft keeps it

    assert [(p.field, p.message) for p in services.problems(variation)] == [
        ("payments", f"Instalment 1 is {state}: keep it as £1,668.50 due {format_date(first.due_on)}")
    ]
    with pytest.raises(PlanNotReady, match=f"Instalment 1 is {state}"):
        services.offer_variation(variation, actor=officer)
    assert variation.status is VersionStatus.DRAFT

    dropped = [replace(planned[1], number=1, amount_pence=333_450), replace(planned[2], number=2)]
    services.update_payments(variation, dropped, actor=officer)
    assert [(p.field, p.message) for p in services.problems(variation)] == [
        ("payments", f"Instalment 1 is {state}: keep it as £1,668.50 due {format_date(first.due_on)}")
    ]


def test_an_accepted_variation_replaces_the_unpaid_schedule_and_keeps_the_paid(bid, officer, finance, member):
    agreement = factories.accepted(bid, officer)
    first = payments.instalments_for(agreement)[0]
    payments.approve(first, actor=finance)
    payments.record_paid(first, paid_on=london_today(), reference="BACS-1", actor=finance)
    variation = services.propose_variation(agreement, reason="Fewer sessions", actor=officer)
    services.update_details(variation, details_of(variation, amount_pence=400_050), actor=officer)
    planned = schedules.load_payments(variation.payments)
    services.update_payments(variation, [planned[0], replace(planned[1], amount_pence=233_200)], actor=officer)
    assert services.problems(variation) == []

    services.offer_variation(variation, actor=officer)

    [told] = queued_emails(template="agreements/variation", to=bid.organisation.contact_email)
    assert told.context["reason"] == "Fewer sessions"
    assert told.context["version"] == 2
    assert agreement.amount_pence == AWARD  # not in force until the group accepts
    assert instalments(agreement)[1:] == [(2, 166_600, InstalmentStatus.DUE), (3, 166_600, InstalmentStatus.DUE)]

    services.accept(variation, factories.acceptance(member, "Chair"), actor=member)

    assert agreement.offer.status is VersionStatus.SUPERSEDED
    assert variation.status is VersionStatus.ACCEPTED
    assert agreement.in_force is variation
    assert agreement.status is AgreementStatus.ACCEPTED
    assert agreement.amount_pence == 400_050
    assert instalments(agreement) == [(1, 166_850, InstalmentStatus.PAID), (2, 233_200, InstalmentStatus.DUE)]
    assert payments.instalments_for(agreement)[0].payment_reference == "BACS-1"
    [event] = events("agreement.variation_accepted", agreement)
    assert (event.before["version"], event.after["version"], event.after["amount_pence"]) == (1, 2, 400_050)
    assert event.after["position"] == "Chair"


def test_a_variation_can_be_accepted_after_the_offers_date_to_accept_by(bid, officer, member):
    agreement = factories.accepted(bid, officer)
    variation = services.propose_variation(agreement, reason="New contact", actor=officer)
    services.update_details(variation, details_of(variation, special_conditions="Report quarterly"), actor=officer)
    services.offer_variation(variation, actor=officer)
    later = utcnow() + timedelta(days=200)
    services.accept(variation, factories.acceptance(member), actor=member, now=later)
    assert agreement.in_force is variation
    assert agreement.accepted_at < later  # the agreement came into force with the offer


def test_a_variation_dropping_a_period_moves_its_instalments_onto_acceptance(bid, officer, member):
    agreement = factories.accepted(bid, officer)
    variation = services.propose_variation(agreement, reason="One final report", actor=officer)
    one_period = [
        PlannedPeriod(1, variation.starts_on, variation.ends_on, variation.ends_on + timedelta(days=30), final=True)
    ]
    services.update_monitoring(variation, one_period, actor=officer)
    planned = schedules.load_payments(variation.payments)
    services.update_payments(
        variation,
        [planned[0], PlannedInstalment(2, planned[1].due_on, planned[1].amount_pence + planned[2].amount_pence)],
        actor=officer,
    )
    assert services.problems(variation) == []

    accept_variation(variation, officer, member)

    assert [(p.number, p.final) for p in agreement.periods] == [(1, True)]
    made = payments.instalments_for(agreement)
    assert [(i.number, i.amount_pence, i.condition, i.period) for i in made] == [
        (1, 166_850, ReleaseCondition.AGREEMENT_ACCEPTED, None),
        (2, 333_200, ReleaseCondition.AGREEMENT_ACCEPTED, None),
    ]
    assert db.session.scalar(select(func.count(Instalment.id))) == 2


def test_withdrawing_a_variation_leaves_the_agreement_as_it_was(bid, officer, member):
    agreement = factories.accepted(bid, officer)
    variation = services.propose_variation(agreement, reason="Longer project", actor=officer)
    services.offer_variation(variation, actor=officer)
    with pytest.raises(DomainError, match="Enter why the variation is being withdrawn"):
        services.withdraw_variation(variation, reason="", actor=officer)

    services.withdraw_variation(variation, reason=" Sent in error ", actor=officer)

    assert (variation.status, variation.withdrawn_reason) == (VersionStatus.WITHDRAWN, "Sent in error")
    assert agreement.in_force is agreement.offer
    assert agreement.pending is None
    with pytest.raises(InvalidTransition, match="Version 2 is withdrawn and cannot be accepted"):
        services.accept(variation, factories.acceptance(member), actor=member)
    with pytest.raises(InvalidTransition, match="cannot be withdrawn"):
        services.withdraw_variation(agreement.offer, reason="Not a variation", actor=officer)
    again = services.propose_variation(agreement, reason="Try again", actor=officer)
    assert again.number == 3
    [event] = events("agreement.variation_withdrawn", agreement)
    assert event.after == {"version": 2, "status": "withdrawn", "reason": "Sent in error"}


def test_a_variation_is_sent_once_and_only_while_a_draft(bid, officer):
    agreement = factories.accepted(bid, officer)
    variation = services.propose_variation(agreement, reason="Longer project", actor=officer)
    services.offer_variation(variation, actor=officer)
    with pytest.raises(InvalidTransition, match="Version 2 is waiting for acceptance and cannot be sent"):
        services.offer_variation(variation, actor=officer)
    with pytest.raises(InvalidTransition, match="Version 1 is in force and cannot be sent"):
        services.offer_variation(agreement.offer, actor=officer)
    assert services.version(agreement, 2) is variation
    assert services.version(agreement, 3) is None


def test_a_variation_keeps_a_period_that_a_cancelled_instalment_waited_on(bid, officer, finance, member):
    agreement = factories.accepted(bid, officer)
    third = payments.instalments_for(agreement)[2]
    payments.cancel(third, reason="Paid from another budget", actor=finance)
    variation = services.propose_variation(agreement, reason="One final report", actor=officer)
    planned = schedules.load_payments(variation.payments)
    one_period = [
        PlannedPeriod(1, variation.starts_on, variation.ends_on, variation.ends_on + timedelta(days=30), final=True)
    ]
    services.update_monitoring(variation, one_period, actor=officer)
    services.update_payments(
        variation,
        [
            planned[0],
            replace(planned[1], condition=ON_ACCEPTANCE, period=None),
            replace(planned[2], condition=ON_ACCEPTANCE, period=None),
        ],
        actor=officer,
    )

    assert [(p.field, p.message) for p in services.problems(variation)] == [
        ("monitoring", "Instalment 3 was cancelled while waiting on period 2's return: keep the period")
    ]
    with pytest.raises(PlanNotReady):
        services.offer_variation(variation, actor=officer)


def test_a_variation_leaves_a_cancelled_instalment_as_it_was_or_leaves_it_out(bid, officer, finance):
    agreement = factories.accepted(bid, officer)
    third = payments.instalments_for(agreement)[2]
    payments.cancel(third, reason="The last sessions were cancelled", actor=finance)
    variation = services.propose_variation(agreement, reason="Smaller grant", actor=officer)
    planned = schedules.load_payments(variation.payments)

    moved = [
        planned[0],
        replace(planned[1], amount_pence=planned[1].amount_pence + 100),
        replace(planned[2], amount_pence=planned[2].amount_pence - 100),
    ]
    services.update_payments(variation, moved, actor=officer)
    assert [(p.field, p.message) for p in services.problems(variation)] == [
        (
            "payments",
            f"Instalment 3 is cancelled: keep it as {format_pence(third.amount_pence)} due"
            f" {format_date(third.due_on)}, or leave it out",
        )
    ]

    smaller = AWARD - third.amount_pence
    services.update_details(variation, details_of(variation, amount_pence=smaller), actor=officer)
    services.update_payments(variation, planned[:2], actor=officer)
    assert services.problems(variation) == []


# Giving more time, and a variation overtaken by payments -------------------------------------------------------


def test_an_expired_offer_is_given_more_time_and_can_then_be_accepted(bid, officer, member):
    agreement = factories.offered(bid, officer)
    late = london_to_utc(agreement.accept_by + timedelta(days=3), time(10))
    assert services.offer_expired(agreement, late)
    with pytest.raises(DomainError, match="had to be accepted by"):
        services.accept(agreement.offer, factories.acceptance(member), actor=member, now=late)
    with pytest.raises(DomainError, match="cannot be in the past"):
        services.extend_offer(agreement, accept_by=agreement.accept_by, actor=officer, now=late)

    new_date = agreement.accept_by + timedelta(days=14)
    services.extend_offer(agreement, accept_by=new_date, actor=officer, now=late)

    assert not services.offer_expired(agreement, late)
    [event] = events("agreement.offer_extended", agreement)
    assert event.after["accept_by"] == new_date.isoformat()
    assert [
        m.context["accept_by"] for m in queued_emails(template="agreements/offer", to=bid.organisation.contact_email)
    ][-1] == format_date(new_date)
    services.accept(agreement.offer, factories.acceptance(member), actor=member, now=late)
    assert agreement.status is AgreementStatus.ACCEPTED
    with pytest.raises(InvalidTransition, match="only an offer can be extended"):
        services.extend_offer(agreement, accept_by=new_date, actor=officer, now=late)


def test_a_variation_overtaken_by_payments_cannot_be_accepted(bid, officer, finance, member):
    agreement = factories.accepted(bid, officer)
    first, second, third = payments.instalments_for(agreement)
    payments.approve(first, actor=finance)
    variation = services.propose_variation(agreement, reason="Smaller project", actor=officer)
    smaller = first.amount_pence + second.amount_pence
    services.update_details(variation, details_of(variation, amount_pence=smaller), actor=officer)
    planned = schedules.load_payments(variation.payments)
    services.update_payments(variation, planned[:2], actor=officer)
    services.offer_variation(variation, actor=officer)

    # While the group reads it, finance approves the third instalment the variation drops.
    third.due_on = first.due_on
    db.session.flush()
    with pytest.raises(DomainError):
        payments.approve(third, actor=finance)  # it waits on a return: the condition guards it too
    third.condition, third.period = ReleaseCondition.AGREEMENT_ACCEPTED, None
    payments.approve(third, actor=finance)

    with pytest.raises(PlanNotReady, match="Instalment 3 is approved"):
        services.accept(variation, factories.acceptance(member), actor=member)
    assert variation.status is VersionStatus.OFFERED
    assert agreement.in_force is agreement.offer


def test_withdrawing_a_sent_variation_tells_the_group(bid, officer):
    agreement = factories.accepted(bid, officer)
    draft = services.propose_variation(agreement, reason="Longer project", actor=officer)
    services.withdraw_variation(draft, reason="Not needed after all", actor=officer)
    assert queued_emails(template="agreements/variation_withdrawn") == []

    sent = services.propose_variation(agreement, reason="Longer project", actor=officer)
    services.offer_variation(sent, actor=officer)
    services.withdraw_variation(sent, reason="The venue reopened", actor=officer)
    [told] = queued_emails(template="agreements/variation_withdrawn", to=bid.organisation.contact_email)
    assert (told.context["version"], told.context["reason"]) == (3, "The venue reopened")


def test_a_variation_keeps_the_dates_of_a_period_whose_return_was_accepted(bid, officer):
    agreement = factories.accepted(bid, officer)
    first_period = agreement.periods[0]
    holds.return_accepted(first_period, actor=officer)
    variation = services.propose_variation(agreement, reason="Reports every three months", actor=officer)
    periods = schedules.load_periods(variation.monitoring)
    shorter = replace(periods[0], ends_on=periods[0].ends_on - timedelta(days=30))
    later = replace(periods[1], starts_on=shorter.ends_on + timedelta(days=1))
    services.update_monitoring(variation, [shorter, later, *periods[2:]], actor=officer)

    assert [(p.field, p.message) for p in services.problems(variation)] == [
        (
            "monitoring",
            f"Period 1's return has been accepted: keep the period as {format_date(first_period.starts_on)}"
            f" to {format_date(first_period.ends_on)}",
        )
    ]


def test_a_variation_keeps_a_period_whose_return_the_group_has_started(bid, officer):
    from tests.monitoring.factories import started

    agreement = factories.accepted(bid, officer)
    last = agreement.periods[-1]
    started(agreement, last.number)
    variation = services.propose_variation(agreement, reason="One return at the end", actor=officer)
    periods = schedules.load_periods(variation.monitoring)
    merged = replace(periods[-2], ends_on=periods[-1].ends_on, due_on=periods[-1].due_on, final=True)
    services.update_monitoring(variation, [*periods[:-2], merged], actor=officer)

    assert ("monitoring", f"The group has started the return for period {last.number}: keep the period") in [
        (p.field, p.message) for p in services.problems(variation)
    ]
    services.update_monitoring(variation, periods, actor=officer)
    assert services.problems(variation) == []


def test_an_accepted_variation_gives_a_return_in_progress_its_targets(bid, officer, round_):
    from tests.monitoring.factories import started

    agreement = factories.accepted(bid, officer)
    ret = started(agreement, 1)
    [kept] = ret.outcomes
    kept.actual = 12
    opened = ret.version  # an outcomes page the group opened before the variation
    other = next(indicator for indicator in round_.indicators if indicator.id != kept.indicator_id)
    variation = services.propose_variation(agreement, reason="A second outcome", actor=officer)
    [target] = schedules.load_targets(variation.targets)
    added = schedules.Target(other.id, other.measure, other.domain, 25, "people", "Registers")
    services.update_targets(variation, [replace(target, target=target.target + 20), added], actor=officer)
    services.offer_variation(variation, actor=officer)
    member = factories.signatory(bid)
    services.accept(variation, factories.acceptance(member), actor=member)

    assert [(line.indicator_id, line.target, line.actual) for line in ret.outcomes] == [
        (kept.indicator_id, target.target + 20, 12),
        (other.id, 25, None),
    ]
    [changed] = factories.events("monitoring_return.targets_changed", ret)
    assert changed.after["targets"] == [[kept.indicator_id, target.target + 20], [other.id, 25]]
    # Its figures would be matched to the new list of targets by position: the page is out of date.
    assert ret.version > opened


def test_a_return_sent_before_a_variation_takes_its_targets_and_budgets_when_sent_back(bid, officer, round_):
    from grantsfund.monitoring import returns
    from grantsfund.monitoring.models import ReturnSection
    from tests.monitoring.factories import submitted

    agreement = factories.accepted(bid, officer)
    ret = submitted(agreement, 1)
    [kept] = ret.outcomes
    sent_data = dict(ret.latest_submission.data)
    budgets_before = [line.budget_pence for line in ret.spend]
    variation = services.propose_variation(agreement, reason="Fewer sessions", actor=officer)
    services.update_details(variation, details_of(variation, amount_pence=400_050), actor=officer)
    planned = schedules.load_payments(variation.payments)
    services.update_payments(variation, [planned[0], replace(planned[1], amount_pence=233_200)], actor=officer)
    [target] = schedules.load_targets(variation.targets)
    services.update_targets(variation, [replace(target, target=target.target - 5)], actor=officer)
    services.offer_variation(variation, actor=officer)
    member = factories.signatory(bid)
    services.accept(variation, factories.acceptance(member), actor=member)

    # Sent: the return and the version the council reviews stay as the group sent them.
    assert [line.target for line in ret.outcomes] == [kept.target]
    assert [line.budget_pence for line in ret.spend] == budgets_before
    assert factories.events("monitoring_return.targets_changed", ret) == []

    returns.request_changes(ret, comments={ReturnSection.OUTCOMES: "Check the figures"}, note="", actor=officer)

    assert [(line.indicator_id, line.target, line.actual) for line in ret.outcomes] == [
        (kept.indicator_id, target.target - 5, kept.actual)
    ]
    assert sum(line.budget_pence for line in ret.spend) == 400_050
    assert ret.latest_submission.data == sent_data
    [changed] = factories.events("monitoring_return.targets_changed", ret)
    assert changed.after["targets"] == [[kept.indicator_id, target.target - 5]]
    assert sum(changed.before["budgets"]) == sum(budgets_before)


def test_a_variation_that_moves_a_returns_due_date_lets_its_reminders_go_again(bid, officer):
    from grantsfund.monitoring import reminders
    from grantsfund.monitoring.models import ReturnReminder
    from tests.monitoring.factories import noon

    agreement = factories.accepted(bid, officer)
    first = agreement.periods[0]
    old_due = first.due_on
    assert reminders.remind(now=noon(old_due - timedelta(days=3))).due_soon == 1
    variation = services.propose_variation(agreement, reason="More time for the first return", actor=officer)
    periods = schedules.load_periods(variation.monitoring)
    services.update_monitoring(
        variation, [replace(periods[0], due_on=old_due + timedelta(days=28)), *periods[1:]], actor=officer
    )
    services.offer_variation(variation, actor=officer)
    member = factories.signatory(bid)
    services.accept(variation, factories.acceptance(member), actor=member)

    assert first.due_on == old_due + timedelta(days=28)
    assert db.session.scalars(select(ReturnReminder).where(ReturnReminder.period_id == first.id)).all() == []
    [event] = events("agreement.variation_accepted", agreement)
    assert event.after["reminders_reset"] == [1]
    assert reminders.remind(now=noon(first.due_on - timedelta(days=3))).due_soon == 1
    [again] = queued_emails(template="monitoring/due_soon", to=bid.organisation.contact_email)[-1:]
    assert again.context["due_on"] == format_date(first.due_on)
