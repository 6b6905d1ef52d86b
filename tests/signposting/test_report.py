"""The signposting report: groups signposted, funders suggested, applications made, grants won and the money
raised elsewhere, in total and by round, funder and theme; only letters that went out count."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grantsfund.applications.models import Application
from grantsfund.assessment import eligibility
from grantsfund.assessment.eligibility import Decision
from grantsfund.assessment.models import EligibilityResult
from grantsfund.signposting import report, signposts
from grantsfund.signposting.models import Signpost, SignpostOutcome, Suggestion
from tests.applications import factories as applications
from tests.signposting.factories import ineligible, listed

SENT = datetime(2026, 2, 2, 10, 0, tzinfo=UTC)
FUNDED, APPLIED = SignpostOutcome.FUNDED, SignpostOutcome.APPLIED
UNSUCCESSFUL, NOT_PURSUED = SignpostOutcome.UNSUCCESSFUL, SignpostOutcome.NOT_PURSUED


@pytest.fixture
def world(round_, officer, make_user):
    """Three sent signposts (two in the first round, one in the second), each to Alder, Birch and Cedar, and
    a fourth signpost still a draft."""
    for funder in ("Alder Trust", "Birch Foundation", "Cedar Fund"):
        listed(funder, "Grants", themes=["newcomers"])
    later = applications.open_round(make_user, name="Round 2027/28")
    later.assessors_per_bid = 1
    bids = [
        ineligible(round_, officer, make_user, name="First Group"),
        ineligible(round_, officer, make_user, name="Second Group"),
        ineligible(later, officer, make_user, name="Third Group"),
    ]
    sent = []
    for bid in bids:
        signpost = signposts.start(bid, actor=officer, now=SENT)
        signposts.send(signpost, note="", actor=officer, now=SENT)
        assert [s.programme.funder.name for s in signpost.suggestions] == [
            "Alder Trust",
            "Birch Foundation",
            "Cedar Fund",
        ]
        sent.append(signpost)
    draft = signposts.start(ineligible(round_, officer, make_user, name="Draft Group"), actor=officer, now=SENT)
    assert len(draft.suggestions) == 3
    return {"rounds": (round_, later), "signposts": sent, "officer": officer}


def record(signpost, officer, *outcomes: tuple[SignpostOutcome | None, int | None]) -> None:
    for suggestion, (outcome, amount) in zip(signpost.suggestions, outcomes, strict=True):
        if outcome is not None:
            signposts.record_outcome(suggestion, outcome=outcome, amount_pence=amount, actor=officer)


def figures(tally: report.Tally) -> tuple:
    return (
        tally.name,
        tally.signposted,
        tally.suggested,
        tally.applied,
        tally.funded,
        tally.unsuccessful,
        tally.success_rate,
        tally.raised_pence,
    )


def test_the_report_adds_up_by_round_funder_and_theme(world):
    first, second, third = world["signposts"]
    officer = world["officer"]
    record(first, officer, (FUNDED, 250_000), (UNSUCCESSFUL, None), (APPLIED, None))
    record(second, officer, (FUNDED, 100_001), (NOT_PURSUED, None), (None, None))
    record(third, officer, (UNSUCCESSFUL, None), (FUNDED, 333_333), (UNSUCCESSFUL, None))

    built = report.build()

    # 9 funders suggested to 3 groups (the draft is not counted); 7 applications, 3 funded and 3 not (50%).
    assert figures(built.total) == ("All signposts", 3, 9, 7, 3, 3, 50, 683_334)
    assert [figures(tally) for tally in built.by_round] == [
        ("Round 2026/27", 2, 6, 4, 2, 1, 67, 350_001),  # 2 of 3: 66.7% rounds up
        ("Round 2027/28", 1, 3, 3, 1, 2, 33, 333_333),
    ]
    assert [figures(tally) for tally in built.by_funder] == [
        ("Alder Trust", 3, 3, 3, 2, 1, 67, 350_001),
        ("Birch Foundation", 3, 3, 2, 1, 1, 50, 333_333),
        ("Cedar Fund", 3, 3, 2, 0, 1, 0, 0),
    ]
    theme = first.application.themes[0].name
    assert [figures(tally) for tally in built.by_theme] == [(theme, 3, 9, 7, 3, 3, 50, 683_334)]

    rows = list(built.rows())
    assert rows[0] == ["All", "All signposts", "3", "9", "7", "3", "3", "50", "6833.34"]
    assert [row[:2] for row in rows[1:]] == [
        ["Round", "Round 2026/27"],
        ["Round", "Round 2027/28"],
        ["Funder", "Alder Trust"],
        ["Funder", "Birch Foundation"],
        ["Funder", "Cedar Fund"],
        ["Theme", theme],
    ]
    assert len(report.HEADINGS) == len(rows[0])


def test_the_report_for_one_round_counts_only_that_rounds_signposts(world):
    first, _, third = world["signposts"]
    officer = world["officer"]
    _, later = world["rounds"]
    record(first, officer, (FUNDED, 250_000), (None, None), (None, None))
    record(third, officer, (APPLIED, None), (FUNDED, 1), (NOT_PURSUED, None))

    built = report.build(round_id=later.id)

    assert figures(built.total) == ("All signposts", 1, 3, 2, 1, 0, 100, 1)
    assert [tally.name for tally in built.by_round] == ["Round 2027/28"]
    assert [(tally.name, tally.raised_pence) for tally in built.by_funder] == [
        ("Birch Foundation", 1),
        ("Alder Trust", 0),
        ("Cedar Fund", 0),
    ]


def test_with_no_known_results_there_is_no_success_rate(world):
    first = world["signposts"][0]
    record(first, world["officer"], (APPLIED, None), (NOT_PURSUED, None), (None, None))

    built = report.build()

    assert figures(built.total) == ("All signposts", 3, 9, 1, 0, 0, None, 0)
    assert next(built.rows())[7] == ""


def test_an_empty_report_has_nothing_to_show(app):
    built = report.build()
    assert figures(built.total) == ("All signposts", 0, 0, 0, 0, 0, None, 0)
    assert (built.by_round, built.by_funder, built.by_theme) == ([], [], [])


def for_group(organisation_id: int, **values: object) -> Suggestion:
    """A suggestion outside the database, sent to this group."""
    return Suggestion(signpost=Signpost(application=Application(organisation_id=organisation_id)), **values)


@pytest.mark.parametrize(
    ("funded", "unsuccessful", "rate"),
    [(1, 7, 13), (1, 2, 33), (2, 1, 67), (1, 1, 50), (0, 3, 0), (3, 0, 100), (7, 1, 88), (0, 0, None)],
)
def test_the_success_rate_is_a_whole_per_cent_rounded_half_up(funded, unsuccessful, rate):
    tally = report.Tally("Test")
    for number in range(funded):
        tally.add(for_group(number, outcome=FUNDED, amount_raised_pence=100))
    for number in range(unsuccessful):
        tally.add(for_group(number, outcome=UNSUCCESSFUL))
    tally.add(for_group(99, outcome=APPLIED))  # still waiting: not a known result
    assert tally.success_rate == rate
    assert tally.applied == funded + unsuccessful + 1


outcomes = st.one_of(
    st.tuples(st.just(FUNDED), st.integers(1, 10**11)),
    st.tuples(st.sampled_from([APPLIED, UNSUCCESSFUL, NOT_PURSUED, None]), st.none()),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(results=st.lists(outcomes, min_size=9, max_size=9))
def test_the_money_raised_is_the_sum_of_the_grants_however_it_is_split(world, results):
    officer = world["officer"]
    for signpost, start in zip(world["signposts"], (0, 3, 6), strict=True):
        for suggestion, (outcome, amount) in zip(signpost.suggestions, results[start : start + 3], strict=True):
            if outcome is None:
                # Back to no outcome, so that every example starts from what it draws.
                suggestion.outcome, suggestion.amount_raised_pence = None, None
            else:
                signposts.record_outcome(suggestion, outcome=outcome, amount_pence=amount, actor=officer)

    built = report.build()

    grants = [amount for outcome, amount in results if outcome is FUNDED]
    assert built.total.raised_pence == sum(grants)
    assert sum(tally.raised_pence for tally in built.by_round) == sum(grants)
    assert sum(tally.raised_pence for tally in built.by_funder) == sum(grants)
    assert built.total.funded == len(grants)
    assert built.total.applied == sum(1 for outcome, _ in results if outcome is not None and outcome.applied)
    assert next(built.rows())[8] == f"{sum(grants) // 100}.{sum(grants) % 100:02d}"


def test_two_rounds_with_the_same_name_are_counted_apart(world):
    first, later = world["rounds"]
    later.name = first.name  # each fund may call its round the same thing
    built = report.build()
    assert [(tally.name, tally.signposted) for tally in built.by_round] == [(first.name, 2), (first.name, 1)]


def test_a_group_signposted_in_two_rounds_counts_as_one_group(round_, officer, make_user):
    listed("Alder Trust", "Grants")
    first = ineligible(round_, officer, make_user, name="Same Group")
    later = applications.open_round(make_user, name="Round 2027/28")
    again = applications.submitted(later, first.organisation, first.organisation.memberships[0].user)
    eligibility.record_decision(
        again, Decision(EligibilityResult.INELIGIBLE, "Out of area", feedback="x"), actor=officer
    )
    for bid in (first, again):
        signposts.send(signposts.start(bid, actor=officer, now=SENT), note="", actor=officer, now=SENT)

    built = report.build()

    assert (built.total.signposted, built.total.suggested) == (1, 2)
    assert [(tally.name, tally.signposted) for tally in built.by_round] == [(round_.name, 1), ("Round 2027/28", 1)]


def test_a_name_a_spreadsheet_would_run_as_a_formula_is_written_as_text(round_, officer, make_user):
    listed('=HYPERLINK("http://example.org","x")', "Grants")
    signposts.send(
        signposts.start(ineligible(round_, officer, make_user, name="A Group"), actor=officer), note="", actor=officer
    )

    names = [row[1] for row in report.build().rows() if row[0] == "Funder"]

    assert names == ['\'=HYPERLINK("http://example.org","x")']
