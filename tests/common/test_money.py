import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grantsfund.common.money import MAX_PENCE, MoneyError, format_pence, parse_pounds, pence_to_input, plain_pounds


@pytest.mark.parametrize(
    ("typed", "pence"),
    [
        ("1,234.50", 123450),
        ("£1234.5", 123450),
        ("1234", 123400),
        (" £25,000 ", 2500000),
        ("0.99", 99),
        (".5", 50),
        ("1,000,000", 100000000),
    ],
)
def test_parses_what_people_type(typed, pence):
    assert parse_pounds(typed) == pence


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter an amount in pounds and pence"),
        ("-5", "Enter an amount of £0 or more"),
        ("£-5.00", "Enter an amount of £0 or more"),
        ("12.345", "Enter an amount with no more than 2 numbers after the decimal point"),
        ("1,23.00", "Enter an amount in pounds and pence, like 1,234.50"),
        ("ten pounds", "Enter an amount in pounds and pence, like 1,234.50"),
        ("1e5", "Enter an amount in pounds and pence, like 1,234.50"),
        ("99999999999999999999", "Enter an amount of £1,000,000,000.00 or less"),
        ("1000000000.01", "Enter an amount of £1,000,000,000.00 or less"),
    ],
)
def test_explains_what_is_wrong(typed, message):
    with pytest.raises(MoneyError) as error:
        parse_pounds(typed)
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("pence", "shown"), [(0, "£0.00"), (5, "£0.05"), (123450, "£1,234.50"), (-500, "-£5.00"), (2500000, "£25,000.00")]
)
def test_shows_pounds_and_pence(pence, shown):
    assert format_pence(pence) == shown


@given(st.integers(min_value=0, max_value=MAX_PENCE))
def test_what_is_shown_reads_back_as_the_same_amount(pence):
    assert parse_pounds(format_pence(pence)) == pence
    assert parse_pounds(pence_to_input(pence)) == pence


@given(st.text(max_size=40))
def test_any_text_is_either_an_amount_or_a_clear_error(text):
    try:
        pence, message = parse_pounds(text), ""
    except MoneyError as error:
        pence, message = 0, str(error)
    assert message == "" or message.startswith("Enter an amount")
    assert 0 <= pence <= MAX_PENCE


@pytest.mark.parametrize(
    ("pence", "plain"), [(0, "0.00"), (5, "0.05"), (123456, "1234.56"), (-5, "-0.05"), (-123456, "-1234.56")]
)
def test_plain_pounds_for_files(pence, plain):
    assert plain_pounds(pence) == plain


@given(st.integers(min_value=-MAX_PENCE, max_value=MAX_PENCE))
def test_plain_pounds_are_exactly_the_pence(pence):
    plain = plain_pounds(pence)
    assert Decimal(plain) * 100 == pence
    assert re.fullmatch(r"-?(0|[1-9]\d*)\.\d\d", plain)
