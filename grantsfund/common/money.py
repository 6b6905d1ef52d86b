"""Money is integer pence everywhere; these turn what people type into pence and back."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# Larger than any grant, budget or income the service deals with; beyond it the input is a typo.
MAX_PENCE = 100_000_000_000  # £1,000,000,000.00

_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d*)?$")


class MoneyError(ValueError):
    """The text is not an amount of money; the message says why in plain English."""


def parse_pounds(text: str) -> int:
    """Parse '1,234.50', '£1234.5' or '1234' into pence (123450, 123450, 123400)."""
    cleaned = (text or "").strip().replace("£", "", 1).replace(" ", "")
    if not cleaned:
        raise MoneyError("Enter an amount in pounds and pence")
    if cleaned.startswith("-"):
        raise MoneyError("Enter an amount of £0 or more")
    if "," in cleaned and not _GROUPED.match(cleaned):
        raise MoneyError("Enter an amount in pounds and pence, like 1,234.50")
    cleaned = cleaned.replace(",", "")
    if not re.fullmatch(r"\d*(\.\d*)?", cleaned) or cleaned in {".", ""}:
        raise MoneyError("Enter an amount in pounds and pence, like 1,234.50")
    whole, _, fraction = cleaned.partition(".")
    if len(fraction) > 2:
        raise MoneyError("Enter an amount with no more than 2 numbers after the decimal point")
    if len(whole.lstrip("0")) > len(str(MAX_PENCE)):
        raise MoneyError(f"Enter an amount of {format_pence(MAX_PENCE)} or less")
    try:
        pence = int(Decimal(cleaned or "0") * 100)
    except InvalidOperation:  # pragma: no cover - the pattern above admits only valid decimals
        raise MoneyError("Enter an amount in pounds and pence, like 1,234.50") from None
    if pence > MAX_PENCE:
        raise MoneyError(f"Enter an amount of {format_pence(MAX_PENCE)} or less")
    return pence


def format_pence(pence: int) -> str:
    """123450 -> '£1,234.50'; negative amounts (refunds, clawback) show as '-£5.00'."""
    sign = "-" if pence < 0 else ""
    pounds, remainder = divmod(abs(pence), 100)
    return f"{sign}£{pounds:,}.{remainder:02d}"


def pence_to_input(pence: int | None) -> str:
    """The value to put back in a form field: '1234.50', with no symbol or separators."""
    return "" if pence is None else plain_pounds(pence)


def plain_pounds(pence: int) -> str:
    """123456 -> '1234.56', -5 -> '-0.05': exact pounds for spreadsheets and files, no symbol or separators."""
    sign = "-" if pence < 0 else ""
    pounds, remainder = divmod(abs(pence), 100)
    return f"{sign}{pounds}.{remainder:02d}"
