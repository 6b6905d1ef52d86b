"""Which grants are published and what each record says: every field from the data the app holds, amounts exact,
dates on the London calendar, and nothing about people."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask import current_app
from openpyxl import load_workbook

from grantsfund.agreements import services as agreement_services
from grantsfund.agreements.models import AgreementStatus
from grantsfund.applications.models import ApplicationStatus
from grantsfund.common.dates import to_london
from grantsfund.organisations.models import LegalForm
from grantsfund.panel.models import Outcome
from grantsfund.payments.models import InstalmentStatus
from grantsfund.reporting.opendata import publication, records
from grantsfund.reporting.opendata.publication import FileFormat
from grantsfund.reporting.opendata.records import Selection, whole_months
from tests.agreements import factories as agreement_factories
from tests.payments.conftest import grants as accepted_grants
from tests.payments.conftest import instalments, paid
from tests.queries import counted_statements
from tests.reporting.opendata import factories
from tests.reporting.opendata.factories import DECIDED


def published(publisher, selection=None):
    return list(records.grants(selection or Selection(), publisher))


def test_a_record_carries_every_field_from_the_data(made, publisher):
    abbey, castle = factories.ward("Abbey Fields", "E05099001"), factories.ward("Castle Hill", "E05099003")
    group = factories.group(
        "Northbrook Youth Radio", legal_form=LegalForm.REGISTERED_CHARITY, charity_number="1123456", town="Northbrook"
    )
    awarded = factories.award(made, group, amount_pence=1_250_050, requested_pence=1_500_000, wards=[castle, abbey])
    agreement = factories.agreement(made, awarded)
    factories.instalment(agreement, 625_025, recorded_at=datetime(2025, 9, 2, 11, tzinfo=UTC))
    factories.instalment(agreement, 312_500, InstalmentStatus.APPROVED)

    [grant] = published(publisher)

    assert grant.record == {
        "id": f"360G-northbrook-{awarded.reference}",
        "title": "Young Voices",
        "description": "Weekly sessions where young people from different backgrounds make a radio show together.",
        "currency": "GBP",
        "amountAppliedFor": Decimal("15000.00"),
        "amountAwarded": Decimal("12500.50"),
        "amountDisbursed": Decimal("6250.25"),
        "awardDate": "2025-07-15",
        "plannedDates": [{"startDate": "2025-09-01", "endDate": "2026-08-31", "duration": 12}],
        "recipientOrganization": [
            {
                "id": "GB-CHC-1123456",
                "name": "Northbrook Youth Radio",
                "charityNumber": "1123456",
                "addressLocality": "Northbrook",
                "postalCode": "NB1 2AB",
            }
        ],
        "beneficiaryLocation": [
            {"name": "Abbey Fields", "geoCode": "E05099001", "geoCodeType": "WD", "countryCode": "GB"},
            {"name": "Castle Hill", "geoCode": "E05099003", "geoCodeType": "WD", "countryCode": "GB"},
        ],
        "locationScope": "GLS060",
        "fundingOrganization": [{"id": "GB-LAE-NBK", "name": "Northbrook Council"}],
        "grantProgramme": [{"code": f"{made.fund.code}-{made.round.id}", "title": f"{made.fund.name} – Round 2025/26"}],
        "fromOpenCall": "Yes",
        # The latest change the app knows of: the first payment, recorded at noon British Summer Time.
        "dateModified": "2025-09-02T12:00:00+01:00",
        "dataSource": "https://www.example.gov.uk/open-data/communities-fund",
    }
    assert grant.awarded_pence == 1_250_050
    assert grant.disbursed_pence == 625_025


def test_the_award_date_is_the_day_of_the_decision_in_london(made, publisher):
    # 11:30pm UTC on 30 June is 12:30am on 1 July in British Summer Time.
    factories.award(made, factories.group(), decided_at=datetime(2025, 6, 30, 23, 30, tzinfo=UTC))

    [grant] = published(publisher)

    assert grant.record["awardDate"] == "2025-07-01"
    assert grant.record["dateModified"] == "2025-07-01T00:30:00+01:00"
    assert published(publisher, Selection(since=date(2025, 7, 1))) != []
    assert published(publisher, Selection(since=date(2025, 7, 2))) == []


def test_amount_awarded_is_the_grant_in_force(made, publisher):
    group = factories.group()
    decided_only = factories.award(made, group, amount_pence=500_000)
    offered = factories.award(made, group, amount_pence=600_000)
    factories.agreement(made, offered, status=AgreementStatus.OFFERED)
    varied = factories.award(made, group, amount_pence=700_000)
    agreement = factories.agreement(made, varied)
    factories.vary(agreement, amount_pence=800_000, accepted_at=datetime(2025, 11, 3, 10, tzinfo=UTC))
    pending = factories.award(made, group, amount_pence=900_000)
    factories.vary(factories.agreement(made, pending), amount_pence=950_000, accepted_at=None)

    amounts = {grant.reference: grant.record["amountAwarded"] for grant in published(publisher)}

    assert amounts == {
        decided_only.reference: Decimal("5000.00"),  # no agreement: the panel's decision
        offered.reference: Decimal("6000.00"),  # offered, not yet accepted: still the decision
        varied.reference: Decimal("8000.00"),  # the accepted variation
        pending.reference: Decimal("9000.00"),  # a variation only offered is not in force
    }
    [varied_grant] = [grant for grant in published(publisher) if grant.reference == varied.reference]
    assert varied_grant.record["dateModified"] == "2025-11-03T10:00:00+00:00"


def test_a_corrected_decision_publishes_the_correction_still_dated_the_day_of_the_meeting(made, publisher):
    awarded = factories.award(made, factories.group(), amount_pence=1_000_000)
    factories.correct(awarded, amount_pence=900_000, at=datetime(2025, 7, 16, 9, tzinfo=UTC))

    [grant] = published(publisher)

    assert grant.record["amountAwarded"] == Decimal("9000.00")
    assert grant.record["awardDate"] == to_london(DECIDED).date().isoformat()
    assert grant.record["dateModified"] == "2025-07-16T10:00:00+01:00"  # the correction changed the record


def test_amount_disbursed_counts_only_paid_instalments(made, publisher):
    agreement = factories.agreement(made, factories.award(made, factories.group(), amount_pence=1_000_000))
    factories.instalment(agreement, 400_000)
    factories.instalment(agreement, 100_001)
    for status in (InstalmentStatus.APPROVED, InstalmentStatus.HELD, InstalmentStatus.DUE, InstalmentStatus.CANCELLED):
        factories.instalment(agreement, 10_000, status)

    [grant] = published(publisher)

    assert grant.record["amountDisbursed"] == Decimal("5000.01")


def test_closed_and_terminated_grants_are_published_and_other_bids_are_not(made, publisher):
    group = factories.group()
    closed = factories.award(made, group)
    factories.agreement(made, closed, status=AgreementStatus.CLOSED)
    ended = factories.award(made, group)
    factories.terminate(
        factories.agreement(made, ended), on=date(2026, 1, 31), recorded_at=datetime(2026, 2, 2, 9, tzinfo=UTC)
    )
    factories.award(made, group, status=ApplicationStatus.DECLINED, outcome=Outcome.DECLINED)
    factories.award(made, group, status=ApplicationStatus.DEFERRED, outcome=Outcome.DEFERRED)
    factories.award(made, group, status=ApplicationStatus.AT_PANEL)  # decided, not yet told: not published
    factories.award(made, group, status=ApplicationStatus.WITHDRAWN)  # the offer withdrawn

    grants = published(publisher)

    assert {grant.reference for grant in grants} == {closed.reference, ended.reference}
    [terminated] = [grant for grant in grants if grant.reference == ended.reference]
    assert terminated.record["dateModified"] == "2026-02-02T09:00:00+00:00"


def test_an_offer_withdrawn_through_the_service_is_no_longer_published(round_, officer, make_user, people, publisher):
    [bid] = agreement_factories.approved(round_, officer, make_user, people)
    agreement = agreement_factories.offered(bid, officer)
    assert [grant.reference for grant in published(publisher)] == [bid.reference]

    agreement_services.withdraw_offer(agreement, reason="The group could not go ahead", actor=officer)

    assert published(publisher) == []


def test_a_grant_made_and_paid_through_the_services(round_, officer, make_user, people, finance_client, publisher):
    from grantsfund.common.actor import Actor

    [agreement] = accepted_grants(round_, officer, make_user, people)
    first = instalments(agreement)[0]
    paid(first, Actor(finance_client.user))

    [grant] = published(publisher)

    assert grant.reference == agreement.application.reference
    assert grant.record["amountAwarded"] == Decimal(agreement.amount_pence).scaleb(-2)
    assert grant.record["amountDisbursed"] == Decimal(first.amount_pence).scaleb(-2)
    assert grant.record["plannedDates"][0]["startDate"] == agreement.starts_on.isoformat()


def test_groups_are_known_by_their_best_identifier(made, publisher):
    charity_and_company = factories.group(
        "Both", legal_form=LegalForm.CIO, charity_number="SC012345", company_number="SC123456"
    )
    company = factories.group("Company", legal_form=LegalForm.CIC, company_number="1234567")
    unregistered = factories.group("Unregistered")
    for group in (charity_and_company, company, unregistered):
        factories.award(made, group)

    ids = {
        grant.record["recipientOrganization"][0]["name"]: grant.record["recipientOrganization"][0]
        for grant in published(publisher)
    }

    assert ids["Both"]["id"] == "GB-SC-SC012345"
    assert (ids["Both"]["charityNumber"], ids["Both"]["companyNumber"]) == ("SC012345", "SC123456")
    assert ids["Company"]["id"] == "GB-COH-01234567"
    assert ids["Unregistered"]["id"] == f"360G-northbrook-ORG-{unregistered.id}"
    assert "charityNumber" not in ids["Unregistered"]


def test_without_an_agreement_the_applications_dates_are_planned_and_no_wards_means_the_whole_area(made, publisher):
    factories.award(made, factories.group(), starts=date(2026, 1, 15), ends=date(2026, 4, 14))
    factories.award(made, factories.group(), starts=None, ends=None)

    first, second = published(publisher)

    assert first.record["plannedDates"] == [{"startDate": "2026-01-15", "endDate": "2026-04-14", "duration": 3}]
    assert "plannedDates" not in second.record
    assert "beneficiaryLocation" not in first.record
    assert first.record["locationScope"] == "GLS050"


@pytest.mark.parametrize(
    ("starts", "ends", "months"),
    [
        (date(2025, 9, 1), date(2026, 8, 31), 12),
        (date(2025, 9, 1), date(2026, 9, 1), 12),
        (date(2026, 1, 31), date(2026, 2, 27), 1),
        (date(2026, 3, 1), date(2026, 3, 10), 1),  # under a month still lasts one
        (date(2026, 1, 15), date(2026, 7, 14), 6),
    ],
)
def test_duration_is_in_whole_months(starts, ends, months):
    assert whole_months(starts, ends) == months


def test_round_and_since_choose_grants(made, publisher):
    later = factories.another_round(made)
    group = factories.group()
    first = factories.award(made, group, decided_at=DECIDED)
    second = factories.award(later, group, decided_at=datetime(2026, 7, 14, 9, tzinfo=UTC))

    def references(**chosen):
        return [grant.reference for grant in published(publisher, Selection(**chosen))]

    assert references() == [first.reference, second.reference]
    assert references(round_id=later.round.id) == [second.reference]
    assert references(since=date(2026, 7, 14)) == [second.reference]
    assert references(round_id=made.round.id, since=date(2026, 1, 1)) == []
    assert records.count(Selection(round_id=made.round.id)) == 1


def test_no_personal_data_is_published_in_any_format(made, publisher):
    # The group's contact (Amira Khan, kitchen@example.org, 01632 960 001) and its street address.
    group = factories.group(address_line_1="12 Mill Lane", address_line_2="Flat 3")
    factories.award(made, group, wards=[factories.ward("Abbey Fields", "E05099001")])
    selection = Selection()

    for file_format in FileFormat:
        out = io.BytesIO()
        publication.write(
            out,
            file_format,
            records.grants(selection, publisher),
            selection=selection,
            publisher=publisher,
            today=date(2026, 5, 1),
        )
        if file_format is FileFormat.XLSX:
            workbook = load_workbook(io.BytesIO(out.getvalue()), read_only=True)
            text = json.dumps(
                [list(row) for sheet in workbook for row in sheet.iter_rows(values_only=True)], default=str
            )
        else:
            text = out.getvalue().decode("utf-8")
        assert "Riverside Community Kitchen" in text, file_format  # the group itself is published
        for personal in ("Amira", "Khan", "kitchen@example.org", "01632", "960 001", "Mill Lane", "Flat 3"):
            assert personal.lower() not in text.lower(), (file_format, personal)


def test_grants_are_read_a_batch_at_a_time(made, publisher):
    group = factories.group()
    for _ in range(5):
        factories.award(made, group, wards=[factories.ward("Abbey Fields", "E05099001")])

    with counted_statements() as statements:
        stream = records.grants(Selection(), publisher, batch=2)
        next(stream)
        read_first = len(statements)
        rest = list(stream)

    assert read_first == 2  # the first batch of grants, and its wards: nothing more until it is used up
    assert len(rest) == 4
    assert len(statements) == 6  # three batches of two statements each


@pytest.mark.parametrize(("count", "batch", "expected"), [(2, 10, 2), (6, 10, 2), (4, 2, 5), (5, 2, 6)])
def test_statements_grow_only_with_batches_not_grants(made, publisher, count, batch, expected):
    group = factories.group()
    abbey = factories.ward("Abbey Fields", "E05099001")
    for number in range(count):
        factories.award(made, group, wards=[abbey] if number % 2 else [])

    with counted_statements() as statements:
        assert len(list(records.grants(Selection(), publisher, batch=batch))) == count

    # Two statements a batch (grants, then their wards); a last full batch costs one more to find nothing follows.
    assert len(statements) == expected


@pytest.mark.parametrize("setting", ["nrbc", "360G-nrbc", " 360G-nrbc "])
def test_the_prefix_may_be_set_as_360giving_hands_it_out_without_doubling(app, setting):
    publisher = records.Publisher.from_config({**current_app.config, "OPEN_DATA_PREFIX": setting})
    assert publisher.full_prefix == "360G-nrbc"
