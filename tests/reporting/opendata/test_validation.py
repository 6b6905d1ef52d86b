"""A grant's record is checked against the standard's schema and the rules the schema leaves out; each problem names
the grant and the field in plain English."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal

import pytest

from grantsfund.reporting.opendata import standard, validation
from grantsfund.reporting.opendata.records import PublishedGrant
from grantsfund.reporting.opendata.validation import Problem, check

TODAY = date(2026, 5, 1)
GRANT_ID = "360G-northbrook-CF-2025-0003"


def valid_record() -> dict:
    return {
        "id": GRANT_ID,
        "title": "Young Voices",
        "description": "A radio show made together.",
        "currency": "GBP",
        "amountAppliedFor": Decimal("15000.00"),
        "amountAwarded": Decimal("12500.50"),
        "amountDisbursed": Decimal("6250.25"),
        "awardDate": "2025-07-15",
        "plannedDates": [{"startDate": "2025-09-01", "endDate": "2026-08-31", "duration": 12}],
        "recipientOrganization": [{"id": "GB-CHC-1123456", "name": "Northbrook Youth Radio", "postalCode": "NB1 2AB"}],
        "beneficiaryLocation": [
            {"name": "Abbey Fields", "geoCode": "E05099001", "geoCodeType": "WD", "countryCode": "GB"}
        ],
        "locationScope": "GLS060",
        "fundingOrganization": [{"id": "GB-LAE-NBK", "name": "Northbrook Council"}],
        "grantProgramme": [{"code": "CF-1", "title": "Communities Fund – Round 2025/26"}],
        "fromOpenCall": "Yes",
        "dateModified": "2025-09-02T12:00:00+01:00",
        "dataSource": "https://www.example.gov.uk/open-data/communities-fund",
    }


def problems_of(record: dict, publisher, reference: str = "CF-2025-0003") -> list[Problem]:
    return check(PublishedGrant(1, reference, record, 1_250_050, 625_025), publisher, today=TODAY)


def changed(**fields) -> dict:
    record = valid_record()
    for path, value in fields.items():
        target = record
        *steps, last = path.split("__")
        for step in steps:
            target = target[int(step)] if step.isdigit() else target[step]
        if value is ...:
            del target[int(last) if last.isdigit() else last]
        else:
            target[int(last) if last.isdigit() else last] = value
    return record


def test_a_valid_record_has_no_problems(publisher):
    assert problems_of(valid_record(), publisher) == []


def test_the_schema_takes_a_plain_date_or_a_date_and_time_for_the_award_date():
    # Without the format checker, "2025-07-15" would match both of awardDate's forms and fail its oneOf.
    for award_date in ("2025-07-15", "2025-07-15T10:30:00+01:00"):
        record = {**valid_record(), "awardDate": award_date}
        assert list(standard.validator().iter_errors(record)) == [], award_date


def test_a_broken_organisation_identifier_names_the_grant_and_the_field(publisher):
    [problem] = problems_of(changed(recipientOrganization__0__id="GB-CHC-12"), publisher)

    assert problem.grant == GRANT_ID
    assert problem.field == "recipientOrganization › 0 › id"
    assert str(problem) == (
        f"{GRANT_ID}: recipientOrganization › 0 › id: 'GB-CHC-12' is not a valid org-id: "
        "the number is not in the format of GB-CHC"
    )


CASES = [
    ({"title": ...}, "title", "is missing: every grant must have it"),
    ({"title": "   "}, "title", "is empty: every published grant needs one"),
    ({"awardDate": "2025-13-01"}, "awardDate", "'2025-13-01' is not a date (YYYY-MM-DD)"),
    ({"awardDate": "2026-06-01"}, "awardDate", "2026-06-01 is in the future"),
    ({"dateModified": "yesterday"}, "dateModified", "'yesterday' is not a date and time"),
    ({"dataSource": "not a link"}, "dataSource", "'not a link' is not a web address"),
    ({"amountAwarded": "12500.50"}, "amountAwarded", "'12500.50' is not a number"),
    ({"amountAwarded": Decimal("0.00")}, "amountAwarded", "must be more than £0"),
    ({"amountAwarded": Decimal("10.005")}, "amountAwarded", "10.005 is not a whole number of pence"),
    ({"amountDisbursed": Decimal("20000.00")}, "amountDisbursed", "is more than the amount awarded"),
    ({"amountAppliedFor": Decimal("-1.00")}, "amountAppliedFor", "-1.00 is less than nothing"),
    ({"currency": "EUR"}, "currency", "'EUR' is not GBP"),
    ({"currency": "POUNDS"}, "currency", "'POUNDS' is not one of the standard's codes for currency"),
    ({"id": "360G-elsewhere-CF-1"}, "id", "does not start with the council's prefix 360G-northbrook-"),
    ({"fromOpenCall": "Maybe"}, "fromOpenCall", "'Maybe' is not one of the standard's codes"),
    ({"locationScope": "GLS070"}, "locationScope", "'GLS070' is not one of the standard's location scopes"),
    (
        {"beneficiaryLocation__0__geoCodeType": "WARD"},
        "beneficiaryLocation › 0 › geoCodeType",
        "'WARD' is not a geoCodeType code",
    ),
    (
        {"beneficiaryLocation__0__geoCode": "Abbey"},
        "beneficiaryLocation › 0 › geoCode",
        "'Abbey' is not an ONS ward code",
    ),
    (
        {"beneficiaryLocation__0__countryCode": "UK"},
        "beneficiaryLocation › 0 › countryCode",
        "not one of the standard's codes for countryCode",
    ),
    ({"plannedDates__0__endDate": "2025-08-01"}, "plannedDates › 0 › endDate", "is before the start date"),
    (
        {"fundingOrganization__0__id": "Northbrook"},
        "fundingOrganization › 0 › id",
        "'Northbrook' is not an org-id",
    ),
    (
        {"recipientOrganization__0__contactName": "Amira Khan"},
        "recipientOrganization › 0 › contactName",
        "is personal data and is never published",
    ),
    (
        {"recipientOrganization__0__email": "kitchen@example.org"},
        "recipientOrganization › 0 › email",
        "is personal data and is never published",
    ),
]


@pytest.mark.parametrize(("fields", "field", "message"), CASES)
def test_each_problem_says_what_is_wrong_where(publisher, fields, field, message):
    record = changed(**fields)
    problems = problems_of(record, publisher)

    assert any(problem.field == field and message in problem.message for problem in problems), problems
    assert all(problem.grant == record["id"] for problem in problems)  # each names the grant by its id


@pytest.mark.parametrize(
    "fields",
    [
        *(fields for fields, _, _ in CASES),
        {"recipientOrganization__0__name": ...},
        {"fundingOrganization": "Northbrook Council"},
        {"plannedDates__0__duration": -1},
        {"beneficiaryLocation__0__latitude": "north"},
    ],
)
def test_checking_shared_parts_once_finds_what_the_whole_schema_finds(fields):
    record = changed(**fields)
    errors = sorted(standard.validator().iter_errors(record), key=lambda error: list(map(str, error.absolute_path)))
    whole = {problem for error in errors for problem in validation._described(error)}

    assert set(validation.schema_problems(record)) == whole
    assert set(validation.schema_problems(record)) == whole  # and again, from what was remembered


def test_the_standards_codelists_are_the_ones_checked():
    assert standard.location_scopes() == {"GLS010", "GLS020", "GLS030", "GLS040", "GLS050", "GLS060", "GLS099"}
    assert {"WD", "LSOA", "MSOA", "PAR", "UA", "NMD", "MD", "LONB", "CTY", "WPC"} <= standard.geo_code_types()


def test_a_grant_without_a_reference_is_named_by_what_the_app_knows(publisher):
    record = changed(id=...)

    problems = problems_of(record, publisher)

    assert problems == [
        Problem("CF-2025-0003", "id", "is missing: the application has no reference, so the grant has no identifier")
    ]
    nameless = check(PublishedGrant(42, None, copy.deepcopy(record), 1, 0), publisher, today=TODAY)
    assert nameless[0].grant == "application 42"


def test_grants_to_individuals_are_never_published(publisher):
    record = changed(recipientOrganization=...)
    record["recipientIndividual"] = {"id": "360G-northbrook-IND-1", "name": "A Person"}

    problems = problems_of(record, publisher)

    assert Problem(GRANT_ID, "recipientIndividual", "grants to individuals are never published") in problems


def test_the_schema_titles_name_the_columns():
    assert standard.title("recipientOrganization", "id") == "Recipient Org:Identifier"
    assert standard.title("plannedDates", "duration") == "Planned Dates:Duration (months)"
    assert standard.title("currency") == "Currency"
    assert standard.title("dateModified") == "Last Modified"
