"""Identifiers follow the org-id rules for their register, whatever number a group typed; grant ids carry the
council's prefix; pence become pounds exactly, and back."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grantsfund.organisations.validation import COMPANY_PREFIXES
from grantsfund.reporting.opendata import identifiers, writers
from grantsfund.reporting.opendata.identifiers import ORG_ID_PATTERNS, best_org_id, org_id_problem

PREFIX = "northbrook"

england_and_wales = st.from_regex(r"[0-9]{6,7}(-[0-9]{1,2})?", fullmatch=True)
scotland = st.from_regex(r"SC[0-9]{6}", fullmatch=True)
northern_ireland = st.from_regex(r"NIC[0-9]{6}", fullmatch=True)
numeric_company = st.from_regex(r"[0-9]{1,8}", fullmatch=True)
prefixed_company = st.builds(
    lambda prefix, digits: prefix + digits,
    st.sampled_from(sorted(COMPANY_PREFIXES)),
    st.from_regex(r"[0-9]{6}", fullmatch=True),
)


def typed(number: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """As people type a number: in either case, with spaces around it or inside it."""
    return st.builds(
        lambda text, lower, spaced: (" " + " ".join(text) + " " if spaced else text).lower() if lower else text,
        number,
        st.booleans(),
        st.booleans(),
    )


def register(org_id: str) -> str:
    return next(code for code in ORG_ID_PATTERNS if org_id.startswith(code + "-"))


@given(typed(england_and_wales))
def test_england_and_wales_charities_are_gb_chc(number):
    org_id = identifiers.charity_org_id(number)
    assert ORG_ID_PATTERNS["GB-CHC"].match(org_id)
    assert org_id == "GB-CHC-" + re.sub(r"\s", "", number)
    assert org_id_problem(org_id, prefix=PREFIX) is None


@given(typed(scotland))
def test_scottish_charities_are_gb_sc_with_their_sc_number(number):
    org_id = identifiers.charity_org_id(number)
    assert ORG_ID_PATTERNS["GB-SC"].match(org_id)
    assert org_id == "GB-SC-" + re.sub(r"\s", "", number).upper()
    assert org_id_problem(org_id, prefix=PREFIX) is None


@given(typed(northern_ireland))
def test_northern_irish_charities_are_gb_nic_with_six_digits(number):
    org_id = identifiers.charity_org_id(number)
    assert ORG_ID_PATTERNS["GB-NIC"].match(org_id)
    assert org_id == "GB-NIC-" + re.sub(r"\D", "", number)
    assert org_id_problem(org_id, prefix=PREFIX) is None


@given(typed(numeric_company))
def test_numeric_company_numbers_are_padded_to_eight_digits(number):
    org_id = identifiers.company_org_id(number)
    assert ORG_ID_PATTERNS["GB-COH"].match(org_id)
    assert org_id == "GB-COH-" + re.sub(r"\s", "", number).zfill(8)
    assert org_id_problem(org_id, prefix=PREFIX) is None


@given(typed(prefixed_company))
def test_prefixed_company_numbers_keep_their_prefix(number):
    org_id = identifiers.company_org_id(number)
    assert ORG_ID_PATTERNS["GB-COH"].match(org_id)
    assert org_id == "GB-COH-" + re.sub(r"\s", "", number).upper()


charity_numbers = st.one_of(st.none(), st.just(""), st.text(max_size=12), england_and_wales, scotland, northern_ireland)
company_numbers = st.one_of(st.none(), st.just(""), st.text(max_size=12), numeric_company, prefixed_company)


@given(charity_numbers, company_numbers, st.integers(min_value=1, max_value=10**9))
def test_the_best_identifier_is_the_charitys_then_the_companys_then_the_councils(charity, company, organisation_id):
    org_id = best_org_id(charity_number=charity, company_number=company, organisation_id=organisation_id, prefix=PREFIX)

    assert org_id_problem(org_id, prefix=PREFIX) is None
    charity_ok = _valid(identifiers.charity_org_id, charity)
    company_ok = _valid(identifiers.company_org_id, company)
    if charity_ok:
        assert register(org_id) in {"GB-CHC", "GB-SC", "GB-NIC"}
    elif company_ok:
        assert register(org_id) == "GB-COH"
    else:
        assert org_id == f"360G-{PREFIX}-ORG-{organisation_id}"


def _valid(make, number) -> bool:
    if not number:
        return False
    try:
        make(number)
    except ValueError:
        return False
    return True


@given(st.from_regex(r"[A-Z]{2,4}-20[0-9]{2}-[0-9]{4,6}", fullmatch=True))
def test_grant_ids_are_the_councils_prefix_and_the_reference(reference):
    grant_id = identifiers.grant_id(PREFIX, reference)
    assert grant_id == f"360G-{PREFIX}-{reference}"
    assert grant_id.removeprefix(f"360G-{PREFIX}-") == reference


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("GB-CHC-12345", "the number is not in the format of GB-CHC"),
        ("GB-COH-1234567", "the number is not in the format of GB-COH"),
        ("GB-COH-ZZ123456", "the number is not in the format of GB-COH"),
        ("GB-SC-012345", "the number is not in the format of GB-SC"),
        ("XX-ABC-1", "is not a valid org-id"),
        ("360G-elsewhere-ORG-1", "is not a valid org-id"),
        ("360G-northbrook-", "is not a valid org-id"),
    ],
)
def test_identifiers_outside_the_rules_are_refused(value, problem):
    assert problem in (org_id_problem(value, prefix=PREFIX) or "")


@given(st.integers(min_value=-(10**13), max_value=10**13))
def test_pence_become_pounds_exactly_and_back(pence):
    pounds = identifiers.pounds(pence)

    assert pounds.as_tuple().exponent == -2  # always two places: 12.50, never 12.5
    assert pounds * 100 == pence
    assert identifiers.pence(pounds) == pence
    # And so in the JSON file: a number with two decimals that reads back as the same pence.
    text = writers.encode({"amountAwarded": pounds})
    assert re.fullmatch(r'\{"amountAwarded": -?[0-9]+\.[0-9]{2}\}', text)
    assert identifiers.pence(json.loads(text, parse_float=Decimal)["amountAwarded"]) == pence


def test_a_fraction_of_a_penny_is_not_pence():
    with pytest.raises(ValueError, match="not a whole number of pence"):
        identifiers.pence(Decimal("1.005"))
