"""Identifiers in published grant data, and amounts in pounds.

- A grant is `360G-<prefix>-<application reference>`: the prefix 360Giving gave the council, then the reference the
  group was given at submission, which never changes (360G-northbrook-CF-2026-0042).
- An organisation is known by its org-id (https://org-id.guide), from the register that knows it best: a charity
  number first (registered charities are best known by it), then a company number, else an id of the council's own.
  - Charity Commission for England and Wales: GB-CHC-<6 or 7 digits>, with -N for a linked charity;
  - Office of the Scottish Charity Regulator: GB-SC-SC<6 digits>;
  - Charity Commission for Northern Ireland: GB-NIC-<6 digits> (the number without its NIC);
  - Companies House: GB-COH-<8 characters> (numeric numbers left-padded to 8 digits; CICs are companies);
  - a group on no register: 360G-<prefix>-ORG-<the organisation's number here>.
  Numbers are read the way grantsfund/organisations/validation.py checks them as groups type them.
- Money is integer pence in the app and pounds in the standard: exactly, as a Decimal with two places."""

from __future__ import annotations

import re
from decimal import Decimal

from grantsfund.organisations.validation import COMPANY_PREFIXES, normalise_charity_number, normalise_company_number

_COMPANY_PREFIX_PATTERN = "|".join(sorted(COMPANY_PREFIXES))

# What a valid org-id from each register looks like.
ORG_ID_PATTERNS: dict[str, re.Pattern[str]] = {
    "GB-CHC": re.compile(r"^GB-CHC-[0-9]{6,7}(-[0-9]{1,2})?$"),
    "GB-SC": re.compile(r"^GB-SC-SC[0-9]{6}$"),
    "GB-NIC": re.compile(r"^GB-NIC-[0-9]{6}$"),
    "GB-COH": re.compile(rf"^GB-COH-([0-9]{{8}}|R0[0-9]{{6}}|({_COMPANY_PREFIX_PATTERN})[0-9]{{6}})$"),
}
# A prefix 360Giving gives out: letters, digits and hyphens (360G-northbrook).
PREFIX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")
# Any org-id: a country (or XI/XM), a register's code, then the number in it (GB-LAE-NBK, GB-GOR-PB1).
ANY_ORG_ID = re.compile(r"^[A-Z]{2}-[A-Z0-9]{2,8}-\S+$")


def grant_id(prefix: str, reference: str) -> str:
    return f"360G-{prefix}-{reference}"


def internal_org_id(prefix: str, organisation_id: int) -> str:
    """The council's own identifier for a group on no register."""
    return f"360G-{prefix}-ORG-{organisation_id}"


def _checked(org_id: str, register: str) -> str:
    """The org-id, if it is in its register's format (digits 0-9 only: the forms' checks take any digit)."""
    if not ORG_ID_PATTERNS[register].match(org_id):
        raise ValueError(f"{org_id} is not in the format of {register}")
    return org_id


def charity_org_id(number: str) -> str:
    """GB-CHC-1234567, GB-SC-SC012345 or GB-NIC-100123; ValueError if `number` is not a charity number."""
    value = normalise_charity_number(number)
    if value.startswith("SC"):
        return _checked(f"GB-SC-{value}", "GB-SC")
    if value.startswith("NIC"):
        return _checked(f"GB-NIC-{value.removeprefix('NIC')}", "GB-NIC")
    return _checked(f"GB-CHC-{value}", "GB-CHC")


def company_org_id(number: str) -> str:
    """GB-COH- and the 8-character company number; ValueError if `number` is not a company number."""
    return _checked(f"GB-COH-{normalise_company_number(number)}", "GB-COH")


def best_org_id(*, charity_number: str | None, company_number: str | None, organisation_id: int, prefix: str) -> str:
    """The org-id a group is best known by: its charity number's, else its company number's, else the council's
    own. A number that is not in a register's format (typed before the app checked formats) is passed over."""
    for number, make in ((charity_number, charity_org_id), (company_number, company_org_id)):
        if number and number.strip():
            try:
                return make(number)
            except ValueError:
                continue
    return internal_org_id(prefix, organisation_id)


def org_id_problem(value: object, *, prefix: str) -> str | None:
    """Why `value` is not an org-id this publication may use, or None when it is one."""
    if not isinstance(value, str):
        return "is not an org-id"
    if value.startswith(f"360G-{prefix}-") and len(value) > len(f"360G-{prefix}-"):
        return None
    register = next((code for code in ORG_ID_PATTERNS if value.startswith(code + "-")), None)
    if register is None:
        return (
            f"'{value}' is not a valid org-id: use GB-CHC-, GB-SC-, GB-NIC- or GB-COH- with the group's number, "
            f"or 360G-{prefix}- for a group on no register"
        )
    if not ORG_ID_PATTERNS[register].match(value):
        return f"'{value}' is not a valid org-id: the number is not in the format of {register}"
    return None


def pounds(pence: int) -> Decimal:
    """123456 -> Decimal('1234.56') and 100 -> Decimal('1.00'): exact, always with two places."""
    return Decimal(pence).scaleb(-2)


def pence(amount: Decimal) -> int:
    """Back again: Decimal('1234.56') -> 123456. ValueError for a fraction of a penny."""
    value = amount * 100
    if value != value.to_integral_value():
        raise ValueError(f"{amount} is not a whole number of pence")
    return int(value)
