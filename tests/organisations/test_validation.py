"""Charity and company numbers and postcodes: examples, and properties over generated input."""

import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grantsfund.organisations.models import LegalForm
from grantsfund.organisations.validation import (
    COMPANY_PREFIXES,
    POSTCODE,
    normalise_charity_number,
    normalise_company_number,
    normalise_phone,
    normalise_postcode,
    required_number_problems,
)

digits = st.text(alphabet=string.digits, min_size=1, max_size=12)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1234567", "1234567"),
        ("123456", "123456"),
        (" 1234567-1 ", "1234567-1"),
        ("sc012345", "SC012345"),
        ("SC 012345", "SC012345"),
        ("NIC100123", "NIC100123"),
        ("nic 100123", "NIC100123"),
    ],
)
def test_charity_numbers_in_each_regulators_format(typed, expected):
    assert normalise_charity_number(typed) == expected


@pytest.mark.parametrize("typed", ["12345", "12345678", "SC12345", "SCO12345", "NIC12345", "1234567-", "ABC", ""])
def test_charity_numbers_in_no_format_are_refused(typed):
    with pytest.raises(ValueError, match="Enter a charity number in the correct format"):
        normalise_charity_number(typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("01234567", "01234567"), ("1234567", "01234567"), ("42", "00000042"), ("sc123456", "SC123456"),
     ("OC 123456", "OC123456"), ("R0123456", "R0123456")],
)  # fmt: skip
def test_company_numbers_keep_leading_zeros_and_pad_short_ones(typed, expected):
    assert normalise_company_number(typed) == expected


@pytest.mark.parametrize("typed", ["123456789", "XX123456", "SC12345", "R012345", "R1123456", "", "12-345"])
def test_company_numbers_in_no_format_are_refused(typed):
    with pytest.raises(ValueError, match="Enter a company number"):
        normalise_company_number(typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("nb1 2ab", "NB1 2AB"), ("NB12AB", "NB1 2AB"), (" sw1a  1aa ", "SW1A 1AA"), ("M11AE", "M1 1AE"),
     ("gir0aa", "GIR 0AA")],
)  # fmt: skip
def test_postcodes_are_normalised(typed, expected):
    assert normalise_postcode(typed) == expected


@pytest.mark.parametrize("typed", ["", "NB1", "12345", "NB1 2A", "QI1 1AA", "NB1 2AB X"])
def test_postcodes_in_no_format_are_refused(typed):
    with pytest.raises(ValueError, match="Enter a full UK postcode"):
        normalise_postcode(typed)


def test_phone_numbers():
    assert normalise_phone(" 01632  960 001 ") == "01632 960 001"
    assert normalise_phone("+44 7700 900982") == "+44 7700 900982"
    for bad in ("123", "call me", "0" * 20):
        with pytest.raises(ValueError, match="Enter a telephone number"):
            normalise_phone(bad)


@given(st.text(max_size=20))
def test_charity_number_is_valid_or_refused_never_crashes(text):
    try:
        value = normalise_charity_number(text)
    except ValueError:
        return
    assert re.fullmatch(r"\d{6,7}(-\d{1,2})?|SC\d{6}|NIC\d{6}", value)
    assert normalise_charity_number(value) == value  # idempotent


@given(st.integers(min_value=0, max_value=99_999_999))
def test_any_numeric_company_number_pads_to_eight_digits(number):
    value = normalise_company_number(str(number))
    assert len(value) == 8
    assert int(value) == number


@given(st.sampled_from(sorted(COMPANY_PREFIXES)), st.text(alphabet=string.digits, min_size=6, max_size=6))
def test_every_listed_prefix_with_six_digits_is_a_company_number(prefix, number):
    assert normalise_company_number(f" {prefix.lower()}{number} ") == f"{prefix}{number}"


@given(st.text(max_size=12))
def test_company_number_is_valid_or_refused_never_crashes(text):
    try:
        value = normalise_company_number(text)
    except ValueError:
        return
    assert len(value) == 8
    assert normalise_company_number(value) == value


postcodes = st.from_regex(r"[A-Z][A-HJ-Y]?[0-9][A-Z0-9]?[0-9][A-Z]{2}", fullmatch=True)


@given(postcodes, st.sampled_from(["", " ", "  "]), st.booleans())
def test_valid_postcodes_normalise_to_one_form_whatever_the_spacing_and_case(postcode, gap, lower):
    typed = postcode[:-3] + gap + postcode[-3:]
    typed = typed.lower() if lower else typed
    value = normalise_postcode(typed)
    assert value == f"{postcode[:-3]} {postcode[-3:]}"
    assert POSTCODE.match(value)


@given(st.text(max_size=12))
def test_postcode_is_valid_or_refused_never_crashes(text):
    try:
        value = normalise_postcode(text)
    except ValueError:
        return
    assert POSTCODE.match(value)
    assert value == value.upper()
    assert value[-4] == " "


@pytest.mark.parametrize(
    ("legal_form", "needs"),
    [
        (LegalForm.REGISTERED_CHARITY, {"charity_number"}),
        (LegalForm.CIO, {"charity_number"}),
        (LegalForm.CIC, {"company_number"}),
        (LegalForm.COMPANY_LIMITED_BY_GUARANTEE, {"company_number"}),
        (LegalForm.COMMUNITY_BENEFIT_SOCIETY, set()),
        (LegalForm.UNINCORPORATED_GROUP, set()),
        (LegalForm.FAITH_GROUP, set()),
    ],
)
def test_which_numbers_each_legal_form_needs(legal_form, needs):
    assert set(required_number_problems(legal_form, charity_number=None, company_number=None)) == needs
    assert required_number_problems(legal_form, charity_number="1234567", company_number="01234567") == {}
