"""Small numbers in reports about people: every count is rounded to the nearest 5, and a count under 5 is not shown
at all. This is the rule UK official statistics use for small counts.

- A count from 0 to 4 reads "Fewer than 5" (`SUPPRESSED`).
- A count of 5 or more is shown rounded to the nearest multiple of 5, halves up: 5 to 7 read 5, 8 to 12 read 10,
  13 to 17 read 15. So a shown count is never under 5 and never more than 2 from the truth.
- Totals are rounded from their own true values, never added up from rounded counts, so rounded counts may not add
  up to the totals shown.

Why rounding rather than holding back more cells: how a count is shown depends only on that count. A reader who
subtracts one row or table from another (a round from its fund, a fund from all funds, the parts of a row from its
total) subtracts rounded figures, each of which could be up to 2 out (a "Fewer than 5" anything from 0 to 4), so
the difference is never known exactly. Holding back extra cells, as this module once did, depends on the cells
around them, which a reader could exploit by comparing tables.

Anything worked out from counts (a rate, a percentage) must be worked out from the rounded counts, never the true
ones, or it would give them away; that is the caller's part (`rounded_share`)."""

from __future__ import annotations

from fractions import Fraction

from grantsfund.reporting.tables import SUPPRESSED, Suppressed

THRESHOLD = 5
BASE = 5


def rounded(count: int) -> int:
    """`count` to the nearest multiple of 5, halves up (the half never arises for whole numbers and a base of 5)."""
    return (count + BASE // 2) // BASE * BASE


def shown(count: int) -> int | Suppressed:
    """How a count of people or groups may be shown: "Fewer than 5" under 5, otherwise rounded to the nearest 5."""
    if count < 0:
        raise ValueError(f"a count cannot be negative: {count}")
    return SUPPRESSED if count < THRESHOLD else rounded(count)


def rounded_share(part: int, whole_less_part: int) -> Fraction | None:
    """part ÷ (part + the rest), from the rounded counts, or None when either count is under 5 (it is then not
    shown, so neither is anything worked out from it)."""
    top, rest = shown(part), shown(whole_less_part)
    if isinstance(top, Suppressed) or isinstance(rest, Suppressed):
        return None
    return Fraction(top, top + rest)
