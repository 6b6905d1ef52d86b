"""Small-number suppression for reports about people: a count under 5 is never shown, and neither is anything it
could be worked out from.

The rule, as the equality monitoring page explains it:
- Primary suppression: any count under 5 (0 to 4) reads "Fewer than 5".
- Secondary suppression: where counts add up to a total (a row of outcomes to its number of applications, a column
  of answers to its total), a reader could subtract. So while any suppressed count in such a sum could still be
  worked out exactly, the next smallest count shown there is withheld too ("Not shown": 5 or more). Only when every
  part is already suppressed is the total itself withheld.
- Anything worked out from a suppressed or withheld count (a rate, a percentage) is withheld with it; that is the
  caller's part, by `hidden`.

A reader is assumed to know the rule (a "Fewer than 5" is between 0 and 4, a "Not shown" is 5 or more) and that
every sum holds; and some counts (`known`) they can read elsewhere whatever this table shows, such as how many
applications a round had and how many were funded, which other reports and the open data publish. Those are
never withheld (it would not help) and count as exact. Each sum is checked on its own, which is the usual approach
for tables this small; a suppressed count is "worked out" when those facts leave it only one possible value.

What cannot be helped: when every count in a sum is suppressed but its total is known, a reader may still tell
that they are all 0 (the total is 0, say) or all 4. Nothing on the page can hide that.

`suppress` is pure: it takes the counts, which of them add up to which, and which are known, and says how each is
to be shown."""

from __future__ import annotations

import enum
from collections.abc import Collection, Sequence
from dataclasses import dataclass

THRESHOLD = 5
WITHHELD_TEXT = "Not shown"
INFINITY = float("inf")


class Mark(enum.Enum):
    SHOWN = "shown"
    SMALL = "small"  # under the threshold: reads "Fewer than 5"
    WITHHELD = "withheld"  # 5 or more, withheld so that a small count cannot be worked out: reads "Not shown"


@dataclass(frozen=True)
class Sum:
    """The counts at positions `parts` add up to the count at position `total`."""

    parts: tuple[int, ...]
    total: int


def hidden(mark: Mark) -> bool:
    return mark is not Mark.SHOWN


def suppress(counts: Sequence[int], sums: Sequence[Sum] = (), known: Collection[int] = ()) -> list[Mark]:
    """How each count may be shown: primary suppression of every count under 5, then secondary suppression in each
    sum until no suppressed count in it can be worked out (or nothing more can be withheld), repeated until no sum
    changes (withholding a total in one sum can make another one need more). `known`: the positions of counts a
    reader can find elsewhere."""
    marks = [Mark.SMALL if count < THRESHOLD else Mark.SHOWN for count in counts]
    reader = Reader(counts, marks, frozenset(known))
    changed = True
    while changed:
        changed = False
        for line in sums:
            while reader.disclosive(line) and (extra := reader.next_to_withhold(line)) is not None:
                marks[extra] = Mark.WITHHELD
                changed = True
    return marks


@dataclass(frozen=True)
class Reader:
    """Someone reading the counts as `marks` shows them, who knows the rule, the sums and the `known` counts."""

    counts: Sequence[int]
    marks: Sequence[Mark]
    known: frozenset[int]

    def bounds(self, position: int) -> tuple[float, float]:
        if position in self.known:
            return self.counts[position], self.counts[position]
        return bounds(self.counts[position], self.marks[position])

    def possible(self, line: Sum, position: int) -> tuple[float, float]:
        """The least and greatest value the count at `position` (one of the line's) could have, given what the
        reader knows of every count in the line and that the parts add up to the total. Every whole number between
        them is possible."""
        # Write the sum as parts − total = 0: each member has a sign, and the others must make up the rest.
        sign = dict.fromkeys(line.parts, 1) | {line.total: -1}
        low, high = 0.0, 0.0
        for member in (*line.parts, line.total):
            if member == position:
                continue
            least, most = self.bounds(member)
            if sign[member] > 0:
                low, high = low + least, high + most
            else:
                low, high = low - most, high - least
        own_low, own_high = self.bounds(position)
        # position's signed value = −(the others' signed sum)
        if sign[position] > 0:
            return max(own_low, -high), min(own_high, -low)
        return max(own_low, low), min(own_high, high)

    def worked_out(self, line: Sum) -> list[int]:
        """The suppressed counts in the line (not known elsewhere) that have only one possible value."""
        found = []
        for member in (*line.parts, line.total):
            if hidden(self.marks[member]) and member not in self.known:
                least, most = self.possible(line, member)
                if least >= most:
                    found.append(member)
        return found

    def disclosive(self, line: Sum) -> bool:
        return bool(self.worked_out(line))

    def next_to_withhold(self, line: Sum) -> int | None:
        """The smallest part still shown (the first of equals); the total only once every part is hidden; never a
        count known elsewhere."""
        shown = [part for part in line.parts if self.marks[part] is Mark.SHOWN and part not in self.known]
        if shown:
            return min(shown, key=lambda part: (self.counts[part], line.parts.index(part)))
        if self.marks[line.total] is Mark.SHOWN and line.total not in self.known:
            return line.total
        return None


def bounds(count: int, mark: Mark) -> tuple[float, float]:
    """What a reader knows of a count from how it is shown."""
    if mark is Mark.SHOWN:
        return count, count
    if mark is Mark.SMALL:
        return 0, THRESHOLD - 1
    return THRESHOLD, INFINITY
