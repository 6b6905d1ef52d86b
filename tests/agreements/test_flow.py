from grantsfund.agreements.models import AgreementStatus, VersionStatus
from grantsfund.payments import services as payments
from grantsfund.payments.models import InstalmentStatus
from tests.agreements import factories


def test_an_accepted_offer_creates_the_instalments_and_monitoring_periods(round_, officer, make_user, people):
    [bid] = factories.approved(round_, officer, make_user, people)
    agreement = factories.accepted(bid, officer)

    assert agreement.status is AgreementStatus.ACCEPTED
    assert agreement.offer.status is VersionStatus.ACCEPTED
    instalments = payments.instalments_for(agreement)
    assert sum(i.amount_pence for i in instalments) == agreement.amount_pence
    assert all(i.status is InstalmentStatus.DUE for i in instalments)
    assert agreement.periods[-1].final


def test_a_variation_accepted_by_the_group_replaces_the_unpaid_schedule(round_, officer, make_user, people):
    from datetime import timedelta

    from grantsfund.agreements import schedules, services

    [bid] = factories.approved(round_, officer, make_user, people)
    agreement = factories.accepted(bid, officer)
    first = payments.instalments_for(agreement)[0]
    finance = factories.signatory(bid)  # any actor will do for the service
    payments.approve(first, actor=finance)

    variation = services.propose_variation(agreement, reason="Project runs longer", actor=officer)
    later = variation.ends_on + timedelta(days=60)
    services.update_details(
        variation,
        services.Details(
            amount_pence=variation.amount_pence,
            starts_on=variation.starts_on,
            ends_on=later,
            signatory_role=variation.signatory_role,
            special_conditions="",
            sustainability_commitments="",
        ),
        actor=officer,
    )
    assert any(p.field.startswith("monitoring") for p in services.problems(variation))
    periods = schedules.load_periods(variation.monitoring)
    last = periods[-1]
    services.update_monitoring(
        variation,
        [*periods[:-1], schedules.PlannedPeriod(last.number, last.starts_on, later, later + timedelta(days=30), True)],
        actor=officer,
    )
    assert services.problems(variation) == []
    services.offer_variation(variation, actor=officer)
    member = factories.signatory(bid)
    services.accept(variation, factories.acceptance(member), actor=member)

    assert agreement.ends_on == later
    assert agreement.offer.status is VersionStatus.SUPERSEDED
    assert agreement.in_force is variation
    assert agreement.periods[-1].ends_on == later
    assert payments.instalments_for(agreement)[0].status is InstalmentStatus.APPROVED
