"""Charity and company numbers, postcodes, and which numbers each legal form needs.

Formats follow /reference/README.md. Each `normalise_*` returns the canonical form or raises
`ValueError` with a GOV.UK-style message for the person who typed it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from grantsfund.organisations.models import LegalForm

POSTCODE = re.compile(r"^([A-Z][A-HJ-Y]?[0-9][A-Z0-9]? ?[0-9][A-Z]{2}|GIR ?0A{2})$")

# Companies House prefixes for numbers that are 2 letters + 6 digits.
COMPANY_PREFIXES = frozenset(
    {"SC", "NI", "OC", "SO", "NC", "IP", "SP", "RC", "CE", "CS", "LP", "SL", "FC", "NL", "NF", "NP", "NO", "NR", "GE"}
)

_CHARITY_EW = re.compile(r"^\d{6,7}(-\d{1,2})?$")
_CHARITY_SCOTLAND = re.compile(r"^SC\d{6}$")
_CHARITY_NI = re.compile(r"^(NIC)?(\d{6})$")
_COMPANY_NUMERIC = re.compile(r"^\d{1,8}$")
_COMPANY_PREFIXED = re.compile(r"^([A-Z]{2})(\d{6})$")
_COMPANY_R0 = re.compile(r"^R0\d{6}$")
_PHONE = re.compile(r"^\+?[\d ()-]+$")

CHARITY_NUMBER_ERROR = "Enter a charity number in the correct format, like 1234567, 1234567-1, SC012345 or NIC100123"
COMPANY_NUMBER_ERROR = "Enter a company number in the correct format, like 01234567 or SC123456"
POSTCODE_ERROR = "Enter a full UK postcode, like NB1 2AB"


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text or "").upper()


def normalise_charity_number(text: str) -> str:
    """England and Wales 6–7 digits (optional -N for a linked charity), Scotland SC + 6 digits,
    Northern Ireland 6 digits shown with the NIC prefix."""
    value = _compact(text)
    if _CHARITY_SCOTLAND.match(value):
        return value
    ni = _CHARITY_NI.match(value)
    if ni and value.startswith("NIC"):
        return "NIC" + ni.group(2)
    if _CHARITY_EW.match(value):
        return value
    raise ValueError(CHARITY_NUMBER_ERROR)


def normalise_company_number(text: str) -> str:
    """8 characters: 8 digits (shorter numbers are left-padded with zeros), 2 letters + 6 digits, or R0 + 6 digits."""
    value = _compact(text)
    if _COMPANY_NUMERIC.match(value):
        return value.zfill(8)
    if _COMPANY_R0.match(value):
        return value
    prefixed = _COMPANY_PREFIXED.match(value)
    if prefixed and prefixed.group(1) in COMPANY_PREFIXES:
        return value
    raise ValueError(COMPANY_NUMBER_ERROR)


def normalise_postcode(text: str) -> str:
    """Upper case, with one space before the last three characters."""
    value = _compact(text)
    if len(value) > 3:
        value = f"{value[:-3]} {value[-3:]}"
    if not POSTCODE.match(value):
        raise ValueError(POSTCODE_ERROR)
    return value


def normalise_phone(text: str) -> str:
    value = " ".join((text or "").split())
    digits = re.sub(r"\D", "", value)
    if not _PHONE.match(value) or not 10 <= len(digits) <= 15:
        raise ValueError("Enter a telephone number, like 01632 960 001 or 07700 900 982")
    return value


@dataclass(frozen=True)
class NumberRule:
    """Which registration numbers a legal form must give."""

    charity_number: bool = False
    company_number: bool = False


# Legal forms not listed need neither number, though a group may give one it has. A community benefit
# society is registered with the FCA, not Companies House, so its number is optional here.
REQUIRED_NUMBERS: dict[LegalForm, NumberRule] = {
    LegalForm.REGISTERED_CHARITY: NumberRule(charity_number=True),
    LegalForm.CIO: NumberRule(charity_number=True),
    LegalForm.CIC: NumberRule(company_number=True),
    LegalForm.COMPANY_LIMITED_BY_GUARANTEE: NumberRule(company_number=True),
}


def number_rule(legal_form: LegalForm) -> NumberRule:
    return REQUIRED_NUMBERS.get(legal_form, NumberRule())


def forms_needing(number: str) -> list[LegalForm]:
    """The legal forms that must give `number` ("charity_number" or "company_number"), for hints on the form."""
    return [form for form, rule in REQUIRED_NUMBERS.items() if getattr(rule, number)]


def required_number_problems(
    legal_form: LegalForm, *, charity_number: str | None, company_number: str | None
) -> dict[str, str]:
    """Field name → message, for each number this legal form needs but was not given."""
    rule = number_rule(legal_form)
    problems = {}
    if rule.charity_number and not charity_number:
        problems["charity_number"] = "Enter your charity number – registered charities and CIOs must give one"
    if rule.company_number and not company_number:
        problems["company_number"] = (
            "Enter your company number – community interest companies and companies limited by guarantee must give one"
        )
    return problems
