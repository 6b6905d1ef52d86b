"""Small-number suppression: no count under 5 is ever shown, and none can be worked out from what is.

The property tests build tables of counts with their row and column totals, suppress them, and then play the
reader: someone who knows the rule (a "Fewer than 5" is 0 to 4, a "Not shown" is 5 or more) and that each row and
column adds up to its total, and who tries every value a hidden count could have."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from grantsfund.reporting.suppression import THRESHOLD, Mark, Sum, suppress

SMALL, WITHHELD, SHOWN = Mark.SMALL, Mark.WITHHELD, Mark.SHOWN


def line(values: list[int]) -> tuple[list[int], list[Sum]]:
    """Counts followed by their total, and the one sum."""
    return [*values, sum(values)], [Sum(parts=tuple(range(len(values))), total=len(values))]


def grid(
    rows: list[list[int]], *, columns_add_up: bool = True, total: list[int] | None = None
) -> tuple[list[int], list[Sum]]:
    """A table with a total at the end of each row and a total row under it (the grand total in its corner), flat;
    and the sums: every row (the total row too), and every column when `columns_add_up`. The total row is the
    columns added up unless given (when the rows overlap, it is not)."""
    width = len(rows[0]) + 1
    full = [[*row, sum(row)] for row in rows]
    bottom = total if total is not None else [sum(column) for column in zip(*rows, strict=True)]
    full.append([*bottom, sum(bottom)])
    counts = [count for row in full for count in row]
    sums = [Sum(tuple(range(start, start + width - 1)), start + width - 1) for start in range(0, len(counts), width)]
    if columns_add_up:
        last = len(rows) * width
        sums += [Sum(tuple(row * width + column for row in range(len(rows))), last + column) for column in range(width)]
    return counts, sums


def values_a_reader_cannot_rule_out(
    counts, marks, total_line: Sum, position: int, cap: int, known=frozenset()
) -> set[int]:
    """Every value the count at `position` could have, as far as the one sum tells: tried one at a time, each the
    rest of the sum can make up from what the other counts could be. `cap` stands in for "5 or more" having no end
    (a bigger cap can only allow more). Counts in `known` the reader has from elsewhere."""

    def range_of(member: int) -> range:
        if marks[member] is SHOWN or member in known:
            return range(counts[member], counts[member] + 1)
        if marks[member] is SMALL:
            return range(THRESHOLD)
        return range(THRESHOLD, cap + 1)

    members = [*total_line.parts, total_line.total]
    others = [member for member in members if member != position]
    # parts − total = 0: the least and most the other members' signed sum can be.
    least = sum(range_of(m).start if m in total_line.parts else -(range_of(m).stop - 1) for m in others)
    most = sum(range_of(m).stop - 1 if m in total_line.parts else -range_of(m).start for m in others)
    found = set()
    for candidate in range_of(position):
        signed = candidate if position in total_line.parts else -candidate
        if least <= -signed <= most:
            found.add(candidate)
    return found


def assert_safe(counts: list[int], sums: list[Sum], marks: list[Mark], known=frozenset()) -> None:
    """No count under 5 shown, none withheld that is under 5; and in every sum, no suppressed count with only one
    possible value, unless nothing more could have been withheld (every count in the sum that the reader does not
    know from elsewhere is hidden already)."""
    cap = 2 * sum(counts) + THRESHOLD
    for count, mark in zip(counts, marks, strict=True):
        assert (mark is SMALL) == (count < THRESHOLD), (count, mark)  # small: always and only under 5
        assert mark is not WITHHELD or count >= THRESHOLD
    for total_line in sums:
        members = (*total_line.parts, total_line.total)
        exhausted = all(marks[member] is not SHOWN for member in members if member not in known)
        for member in members:
            if marks[member] is not SHOWN and member not in known:
                possible = values_a_reader_cannot_rule_out(counts, marks, total_line, member, cap, known)
                assert counts[member] in possible  # the reader's reasoning is sound
                assert len(possible) > 1 or exhausted, (counts, marks, total_line, member, possible)


counts_strategy = st.one_of(st.integers(0, 6), st.integers(0, 40))


@settings(max_examples=300)
@given(
    rows=st.integers(1, 6).flatmap(
        lambda n: st.lists(st.lists(counts_strategy, min_size=3, max_size=3), min_size=n, max_size=n)
    )
)
def test_no_small_count_is_shown_or_can_be_worked_out_from_the_totals(rows):
    counts, sums = grid(rows)
    assert_safe(counts, sums, suppress(counts, sums))


@settings(max_examples=300)
@given(rows=st.lists(st.lists(counts_strategy, min_size=3, max_size=3), min_size=1, max_size=6))
def test_with_the_totals_known_from_elsewhere_nothing_more_could_be_hidden(rows):
    """The total row (how many applications, how many funded) is published elsewhere: it is never withheld, and
    the reader knows it exactly whatever it reads here."""
    counts, sums = grid(rows)
    known = frozenset(range(len(rows) * 4, len(counts)))
    marks = suppress(counts, sums, known)
    assert all(marks[index] is not WITHHELD for index in known)
    assert_safe(counts, sums, marks, known)


def test_known_totals_that_leave_only_zeros_cannot_be_helped():
    # Nothing funded in a round everyone knows funded nothing: "fewer than 5" everywhere, and all of them 0.
    counts, sums = grid([[0, 3], [0, 6]])
    known = frozenset(range(6, 9))

    marks = suppress(counts, sums, known)

    assert [marks[0], marks[3]] == [SMALL, SMALL]
    assert marks[6] is SMALL  # still reads "fewer than 5", though it is known


def test_a_known_total_is_never_withheld():
    # Once both parts are hidden the 0 could still only be 0: a total nobody knows is withheld, a known one is not.
    counts, sums = line([0, 5])

    assert suppress(counts, sums) == [SMALL, WITHHELD, WITHHELD]
    assert suppress(counts, sums, known={2}) == [SMALL, WITHHELD, SHOWN]


@settings(max_examples=200)
@given(rows=st.lists(st.lists(counts_strategy, min_size=3, max_size=3), min_size=1, max_size=8))
def test_rows_that_overlap_are_protected_row_by_row(rows):
    """Answers where a group may give several: the rows add up to their totals, the columns do not."""
    counts, sums = grid(rows, columns_add_up=False)
    assert_safe(counts, sums, suppress(counts, sums))


@given(values=st.lists(counts_strategy, min_size=1, max_size=8))
def test_a_single_line_is_protected(values):
    counts, sums = line(values)
    assert_safe(counts, sums, suppress(counts, sums))


@given(values=st.lists(st.integers(0, 100), max_size=10))
def test_counts_in_no_sum_are_suppressed_only_when_small(values):
    assert suppress(values) == [SMALL if value < THRESHOLD else SHOWN for value in values]


def test_one_small_count_beside_a_total_takes_the_next_smallest_with_it():
    counts, sums = line([3, 10, 20])

    assert suppress(counts, sums) == [SMALL, WITHHELD, SHOWN, SHOWN]


def test_the_first_of_equal_counts_is_withheld():
    counts, sums = line([2, 9, 9])

    assert suppress(counts, sums) == [SMALL, WITHHELD, SHOWN, SHOWN]


def test_two_small_counts_protect_each_other():
    counts, sums = line([2, 3, 20])

    assert suppress(counts, sums) == [SMALL, SMALL, SHOWN, SHOWN]


def test_small_counts_that_must_all_be_zero_take_a_shown_count_with_them():
    # Shown: 12 of a total of 12, so both "fewer than 5" would have to be 0.
    counts, sums = line([0, 0, 12])

    assert suppress(counts, sums) == [SMALL, SMALL, WITHHELD, SHOWN]


def test_small_counts_that_must_all_be_four_take_a_shown_count_with_them():
    # 8 of 20 unaccounted for between two counts under 5: both would have to be 4.
    counts, sums = line([4, 4, 12])

    assert suppress(counts, sums) == [SMALL, SMALL, WITHHELD, SHOWN]


def test_a_withheld_count_that_would_be_exactly_five_takes_another():
    # Withholding the 5 beside the 0 leaves 5 between them: the 0 could only be 0 and the 5 only 5.
    counts, sums = line([0, 5, 6])

    marks = suppress(counts, sums)

    assert marks[:3] == [SMALL, WITHHELD, WITHHELD]


def test_when_every_part_is_hidden_the_total_is_withheld():
    counts, sums = line([0, 5])

    assert suppress(counts, sums) == [SMALL, WITHHELD, WITHHELD]


def test_a_total_under_5_is_itself_fewer_than_5():
    counts, sums = line([1, 2])

    assert suppress(counts, sums) == [SMALL, SMALL, SMALL]


def test_withholding_in_a_row_carries_into_its_column():
    # Row 1: a 2 beside a 10 (withheld); column 2 then has the 10 withheld beside a 30 alone, so the 30 goes too.
    counts, sums = grid([[2, 10], [6, 30]])

    marks = suppress(counts, sums)

    assert marks[0:2] == [SMALL, WITHHELD]
    assert marks[3:5] == [WITHHELD, WITHHELD]  # the 6 and the 30 under them
    assert_safe(counts, sums, marks)
