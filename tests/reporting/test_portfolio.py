"""The outcomes portfolio's roll-ups: only accepted returns count; counts add up over the returns and a percentage
is the latest accepted return's; counts and percentages are never added together; the filters choose the right
grants; and the statements it runs do not grow with the number of grants."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grantsfund.agreements.models import AgreementStatus, RepaymentStatus, Termination, VersionStatus
from grantsfund.applications.models import Community
from grantsfund.extensions import db
from grantsfund.monitoring.models import Closure, Continuation, ReturnStatus
from grantsfund.payments.models import InstalmentStatus
from grantsfund.reporting import portfolio
from grantsfund.reporting.filters import Filters
from grantsfund.reporting.rollup import NO_WARD, one_decimal, whole_percent
from tests.conftest import page
from tests.queries import counted_statements
from tests.reporting import factories
from tests.reporting.factories import TargetSpec

ACCEPTED = ReturnStatus.ACCEPTED
COMMUNITIES = [community.value for community in Community]
GRANTS = (AgreementStatus.ACCEPTED, AgreementStatus.CLOSED, AgreementStatus.TERMINATED)
# name in the library fixture -> the unit its targets are in
UNITS = {"work": "people", "sessions": "sessions", "friends": "percent", "wellbeing": "percent"}


def by_name(rows):
    return {row.name: row for row in rows}


# Worked examples -------------------------------------------------------------------------------------------------


def test_counts_add_up_over_accepted_returns_and_a_percentage_is_the_latest(world, library):
    work, friends = library["work"], library["friends"]
    grant = factories.grant(world, [TargetSpec(work, 100, "people"), TargetSpec(friends, 60, "percent")])
    factories.monitoring_return(grant, 1, actuals={work.id: 30, friends.id: 40})
    factories.monitoring_return(grant, 2, actuals={work.id: None, friends.id: 55})
    factories.monitoring_return(grant, 3, actuals={work.id: 25, friends.id: None})  # no new percentage: 55 stands
    factories.monitoring_return(grant, 4, status=ReturnStatus.SUBMITTED, actuals={work.id: 500, friends.id: 99})

    built = portfolio.portfolio()

    rows = by_name(built.by_indicator)
    assert (rows[work.measure].count_target, rows[work.measure].count_achieved) == (100, 55)
    assert rows[work.measure].achieved_percent == 55
    assert (rows[friends.measure].average_target, rows[friends.measure].average_figure) == (60, 55)
    assert built.headline.returns_accepted == 3
    assert (built.headline.targets, built.headline.targets_with_figures, built.headline.targets_met) == (2, 2, 0)


def test_a_closed_grant_counts_the_figures_its_closure_record_gives(world, library):
    work, friends, sessions = library["work"], library["friends"], library["sessions"]
    targets = [
        TargetSpec(work, 100, "people"),
        TargetSpec(friends, 60, "percent"),
        TargetSpec(sessions, 10, "sessions"),
    ]
    grant = factories.grant(world, targets, status=AgreementStatus.CLOSED)
    factories.monitoring_return(grant, 1, actuals={work.id: 140, friends.id: 40, sessions.id: 12})
    db.session.add(
        Closure(
            agreement=grant,
            # The officer corrected two of the returns' figures when closing; the third was never recorded.
            achievements=[
                {"indicator_id": work.id, "reported": 140, "achieved": 120, "target": 100, "unit": "people"},
                {"indicator_id": friends.id, "reported": 40, "achieved": 65, "target": 60, "unit": "percent"},
            ],
            lessons="Count people once.",
            continues=Continuation.YES,
        )
    )
    db.session.flush()

    rows = by_name(portfolio.portfolio().by_indicator)

    assert rows[work.measure].count_achieved == 120
    assert rows[friends.measure].average_figure == 65
    assert rows[sessions.measure].count_achieved == 12  # not in the record: the returns' figure stands


def test_returns_not_accepted_never_count(world, library):
    work = library["work"]
    grant = factories.grant(world, [TargetSpec(work, 10, "people")])
    for period, status in enumerate(
        [ReturnStatus.IN_PROGRESS, ReturnStatus.SUBMITTED, ReturnStatus.CHANGES_REQUESTED], 1
    ):
        factories.monitoring_return(
            grant, period, status=status, actuals={work.id: 7}, reached=[("newcomers", None, 9)]
        )

    built = portfolio.portfolio()

    assert built.headline.returns_accepted == 0
    assert built.headline.people == 0
    assert built.by_community == []
    [row] = built.by_indicator
    assert (row.count_target, row.count_achieved, row.count_reported) == (10, 0, 0)
    assert not built.reported


def test_counts_and_percentages_in_one_domain_are_kept_apart(world, library):
    sessions, friends = library["sessions"], library["friends"]
    assert sessions.domain == friends.domain
    first = factories.grant(world, [TargetSpec(sessions, 40, "sessions"), TargetSpec(friends, 50, "percent")])
    second = factories.grant(world, [TargetSpec(sessions, 10, "sessions"), TargetSpec(friends, 81, "percent")])
    third = factories.grant(world, [TargetSpec(friends, 70, "percent")])
    factories.monitoring_return(first, 1, actuals={sessions.id: 12, friends.id: 45})
    factories.monitoring_return(second, 1, actuals={sessions.id: 13, friends.id: 90})
    factories.monitoring_return(third, 1, actuals={friends.id: None})  # reported nothing for it yet

    [domain] = portfolio.portfolio().by_domain

    assert (domain.name, domain.heading) == ("Social Bridges", "Social Connections")
    assert (domain.count_targets, domain.count_target, domain.count_achieved) == (2, 50, 25)
    assert domain.achieved_percent == 50
    # The third grant has not reported its percentage, so the averages are over the other two.
    assert (domain.percent_targets, domain.percent_reported, len(domain.percent_grants)) == (3, 2, 2)
    assert domain.average_target == Fraction(131, 2)
    assert domain.average_figure == Fraction(135, 2)
    assert (one_decimal(domain.average_target), one_decimal(domain.average_figure)) == ("65.5", "67.5")
    assert len(domain.grants) == 3


def test_the_version_in_force_gives_the_targets(world, library):
    work, sessions = library["work"], library["sessions"]
    varied = factories.grant(world, [TargetSpec(work, 100, "people")])
    factories.vary(
        varied, [TargetSpec(work, 150, "people"), TargetSpec(sessions, 8, "sessions")], status=VersionStatus.ACCEPTED
    )
    pending = factories.grant(world, [TargetSpec(work, 20, "people")])
    factories.vary(pending, [TargetSpec(work, 999, "people")], status=VersionStatus.OFFERED)

    rows = by_name(portfolio.portfolio().by_indicator)

    assert rows[work.measure].count_target == 170
    assert rows[sessions.measure].count_target == 8


def test_only_accepted_closed_and_terminated_agreements_are_grants(world, library):
    for status in AgreementStatus:
        factories.grant(world, [TargetSpec(library["work"], 10, "people")], amount_pence=100, status=status)

    headline = portfolio.portfolio().headline

    assert (headline.grants, headline.awarded_pence, headline.terminated, headline.closed) == (3, 300, 1, 1)


def test_paid_is_the_instalments_recorded_as_paid(world):
    grant = factories.grant(world, amount_pence=90_000)
    for status in InstalmentStatus:
        factories.instalment(grant, 10_000 if status is InstalmentStatus.PAID else 7_000, status)
    factories.instalment(grant, 2_500)

    headline = portfolio.portfolio().headline

    assert (headline.awarded_pence, headline.paid_pence) == (90_000, 12_500)


def test_paid_is_less_what_a_terminated_grant_repaid(world, officer_client):
    ward = factories.ward("Abbey")
    running = factories.grant(world, amount_pence=50_000, wards=[ward])
    ended = factories.grant(world, amount_pence=40_000, status=AgreementStatus.TERMINATED, wards=[ward])
    factories.instalment(running, 20_000, InstalmentStatus.PAID)
    factories.instalment(ended, 30_000, InstalmentStatus.PAID)
    db.session.add(
        Termination(
            agreement_id=ended.id,
            reason="The group closed",
            terminated_on=ended.starts_on,
            amount_owed_pence=25_000,
            amount_repaid_pence=10_000,
            repayment_status=RepaymentStatus.PART_REPAID,
        )
    )
    db.session.flush()

    built = portfolio.portfolio()

    assert (built.headline.paid_pence, built.headline.repaid_pence) == (40_000, 10_000)
    assert by_name(built.by_ward)["Abbey"].paid_pence == 40_000
    assert ["All grants", "", "", "All", "2", *[""] * 6, "900.00", "400.00", "0"] == next(built.rows())
    shown = page(officer_client.get("/reports/portfolio"))
    assert shown.select_one("#headline").get_text(" ", strip=True).count("£400.00 paid, after £100.00 repaid") == 1


def test_people_by_community_and_ward_come_from_the_returns(world):
    abbey, castle = factories.ward("Abbey"), factories.ward("Castle Hill")
    grant = factories.grant(world, wards=[abbey])
    factories.monitoring_return(grant, 1, reached=[("newcomers", abbey, 10), ("older_people", castle, 4)])
    factories.monitoring_return(grant, 2, reached=[("newcomers", None, 3)])
    factories.monitoring_return(grant, 3, status=ReturnStatus.SUBMITTED, reached=[("newcomers", abbey, 100)])

    built = portfolio.portfolio()

    assert built.headline.people == 17
    assert [(row.name, row.people) for row in built.by_community] == [
        ("Newcomers to the area", 13),
        ("Older people", 4),
    ]
    # The grant named Abbey, so its money counts there; the people count where the return said they were.
    assert [(row.name, len(row.grants), row.awarded_pence, row.people) for row in built.by_ward] == [
        ("Abbey", 1, 1_000_000, 10),
        ("Castle Hill", 0, 0, 4),
        (NO_WARD, 0, 0, 3),
    ]


def test_a_grant_in_several_themes_counts_in_each(world):
    first, second = factories.theme("Young people"), factories.theme("English language")
    factories.grant(world, amount_pence=5_000, themes=[first, second])
    factories.grant(world, amount_pence=2_000, themes=[second])

    built = portfolio.portfolio()

    assert [(row.name, len(row.grants), row.awarded_pence) for row in built.by_theme] == [
        (first.name, 1, 5_000),
        (second.name, 2, 7_000),
    ]
    assert built.headline.awarded_pence == 7_000


def test_nothing_to_show(app):
    built = portfolio.portfolio()
    assert built.headline.grants == 0
    assert (built.by_domain, built.by_indicator, built.by_theme, built.by_ward, built.by_community) == ([],) * 5
    assert not built.reported
    assert built.percent_scale == 100


@pytest.mark.parametrize(("part", "whole", "expected"), [(1, 2, 50), (1, 3, 33), (2, 3, 67), (1, 8, 13), (5, 0, None)])
def test_whole_percent_rounds_half_up(part, whole, expected):
    assert whole_percent(part, whole) == expected


def test_a_grant_made_through_the_services_is_counted(
    make_user, officer, round_, people, finance_client, applicant_client
):
    """An agreement drafted, offered and accepted through the agreements services, its first instalment paid by
    finance, and its first period's return accepted."""
    from grantsfund.common.actor import Actor
    from tests.payments.conftest import grants, instalments, paid

    [agreement] = grants(round_, officer, make_user, people)
    paid(instalments(agreement)[0], Actor(finance_client.user))
    [target] = agreement.in_force.targets
    factories.monitoring_return(agreement, 1, actuals={target["indicator_id"]: 12}, reached=[("newcomers", None, 12)])

    built = portfolio.portfolio()

    assert built.headline.grants == 1
    assert built.headline.awarded_pence == agreement.amount_pence
    assert built.headline.paid_pence == instalments(agreement)[0].amount_pence
    [row] = built.by_indicator
    assert (row.count_target, row.count_achieved) == (target["target"], 12)
    assert [theme.name for theme in built.by_theme] == [theme.name for theme in agreement.application.themes]


# The statements do not grow with the data ---------------------------------------------------------------------------


def _grants(world, library, ward, count):
    for _ in range(count):
        grant = factories.grant(
            world,
            [TargetSpec(library["work"], 10, "people"), TargetSpec(library["friends"], 50, "percent")],
            themes=[factories.theme("Young people")],
            wards=[ward],
        )
        factories.instalment(grant, 1_000)
        for period in (1, 2):
            factories.monitoring_return(
                grant,
                period,
                actuals={library["work"].id: 3, library["friends"].id: 60},
                reached=[("newcomers", ward, 5)],
            )


@pytest.mark.parametrize("filtered", [False, True])
def test_the_portfolio_runs_the_same_statements_for_two_grants_or_six(world, library, filtered):
    ward = factories.ward("Abbey")
    filters = Filters(ward_id=ward.id, heading="Markers and Means") if filtered else Filters()
    counts = []
    for more in (2, 4):
        _grants(world, library, ward, more)
        with counted_statements() as statements:
            built = portfolio.portfolio(filters)
        counts.append(len(statements))
        read = portfolio.indicator_library()
        with counted_statements() as statements:
            assert portfolio.portfolio(filters, library=read) == built
        counts.append(len(statements))
    assert counts == [7, 6, 7, 6]
    assert built.headline.grants == 6
    assert built.headline.returns_accepted == 12


# Hypothesis: the totals are the sums of the returns ------------------------------------------------------------------


@dataclass
class ReturnSpec:
    status: ReturnStatus
    actuals: list[int | None]  # one for each of the grant's targets
    reached: list[tuple[str, int | None, int]]  # community, ward index, people


@dataclass
class GrantSpec:
    status: AgreementStatus
    amount: int
    round: int  # 0 and 1 are in the first fund, 2 in the second
    themes: list[int]
    wards: list[int]
    targets: list[tuple[str, int]]  # (indicator name, target)
    returns: list[ReturnSpec] = field(default_factory=list)
    instalments: list[tuple[int, InstalmentStatus]] = field(default_factory=list)


# Most returns drawn are accepted, so most examples have figures to add up.
RETURN_STATUSES = st.sampled_from(
    [ReturnStatus.ACCEPTED] * 3 + [status for status in ReturnStatus if status is not ACCEPTED]
)


@st.composite
def grant_specs(draw):
    targets = draw(
        st.lists(st.tuples(st.sampled_from(list(UNITS)), st.integers(0, 500)), max_size=4, unique_by=lambda t: t[0])
    )
    figures = st.lists(
        st.none() | st.integers(0, 300) | st.integers(0, 100), min_size=len(targets), max_size=len(targets)
    )
    reached = st.lists(
        st.tuples(st.sampled_from(COMMUNITIES), st.sampled_from([None, 0, 1]), st.integers(0, 60)), max_size=3
    )
    returns = draw(st.lists(st.builds(ReturnSpec, RETURN_STATUSES, figures, reached), max_size=4))
    status = draw(st.sampled_from([*GRANTS, *GRANTS, AgreementStatus.OFFERED, AgreementStatus.WITHDRAWN]))
    return GrantSpec(
        status=status,
        amount=draw(st.integers(1, 10**9)),
        round=draw(st.integers(0, 2)),
        themes=draw(st.lists(st.integers(0, 1), unique=True)),
        wards=draw(st.lists(st.integers(0, 1), unique=True)),
        targets=targets,
        returns=returns if status in GRANTS else [],
        instalments=draw(
            st.lists(st.tuples(st.integers(1, 10**6), st.sampled_from(list(InstalmentStatus))), max_size=3)
        ),
    )


@dataclass
class Chosen:
    """A filter as indices into the test's rounds, themes and wards, and names of headings and domains."""

    fund: int | None = None
    round: int | None = None
    theme: int | None = None
    ward: int | None = None
    heading: str | None = None
    domain: str | None = None


filters_drawn = st.one_of(
    st.just(Chosen()),
    st.builds(
        Chosen,
        fund=st.sampled_from([None, 0, 1]),
        round=st.sampled_from([None, 0, 1, 2]),
        theme=st.sampled_from([None, 0, 1]),
        ward=st.sampled_from([None, 0, 1]),
        heading=st.sampled_from([None, "Markers and Means", "Social Connections", "Foundation"]),
        domain=st.sampled_from([None, "Social Bridges", "Work"]),
    ),
)


def _build(world, library, specs, places):
    funds, rounds, themes, wards = places
    for spec in specs:
        grant = factories.grant(
            world,
            [TargetSpec(library[name], target, UNITS[name]) for name, target in spec.targets],
            round_=rounds[spec.round],
            amount_pence=spec.amount,
            status=spec.status,
            themes=[themes[index] for index in spec.themes],
            wards=[wards[index] for index in spec.wards],
        )
        for period, made in enumerate(spec.returns, start=1):
            actuals = {library[name].id: figure for (name, _), figure in zip(spec.targets, made.actuals, strict=True)}
            reached = [
                (community, None if ward is None else wards[ward], people) for community, ward, people in made.reached
            ]
            factories.monitoring_return(grant, period, status=made.status, actuals=actuals, reached=reached)
        for amount, status in spec.instalments:
            factories.instalment(grant, amount, status)


def _fund_of(round_index):
    return 0 if round_index < 2 else 1


def _selected(specs, chosen, library):
    """The grants the filter chooses, each with the targets that count: worked out from the specs directly."""
    selected = []
    for spec in specs:
        if spec.status not in GRANTS:
            continue
        if chosen.round is not None and spec.round != chosen.round:
            continue
        if chosen.fund is not None and _fund_of(spec.round) != chosen.fund:
            continue
        if (chosen.theme is not None and chosen.theme not in spec.themes) or (
            chosen.ward is not None and chosen.ward not in spec.wards
        ):
            continue
        kept = [
            (position, name, target)
            for position, (name, target) in enumerate(spec.targets)
            if chosen.heading in (None, library[name].heading) and chosen.domain in (None, library[name].domain)
        ]
        if (chosen.heading or chosen.domain) and not kept:
            continue
        selected.append((spec, kept))
    return selected


def _figure(spec, position, name):
    """The grant's figure: every accepted return's number added up; for a percentage, the latest one given."""
    given_figures = [
        r.actuals[position] for r in spec.returns if r.status is ACCEPTED and r.actuals[position] is not None
    ]
    if not given_figures:
        return None
    return given_figures[-1] if UNITS[name] == "percent" else sum(given_figures)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(grant_specs(), max_size=5), chosen=filters_drawn)
def test_the_totals_are_the_sums_of_the_accepted_returns(world, library, specs, chosen):
    with db.session.begin_nested() as example:
        funds = [factories.fund("First fund"), factories.fund("Second fund")]
        rounds = [factories.round_in(funds[0]), factories.round_in(funds[0]), factories.round_in(funds[1])]
        themes = [factories.theme("Young people"), factories.theme("English language")]
        wards = [factories.ward("Abbey"), factories.ward("Castle Hill")]
        _build(world, library, specs, (funds, rounds, themes, wards))
        filters = Filters(
            fund_id=None if chosen.fund is None else funds[chosen.fund].id,
            round_id=None if chosen.round is None else rounds[chosen.round].id,
            theme_id=None if chosen.theme is None else themes[chosen.theme].id,
            ward_id=None if chosen.ward is None else wards[chosen.ward].id,
            heading=chosen.heading,
            domain=chosen.domain,
        )

        built = portfolio.portfolio(filters)

        _check(built, _selected(specs, chosen, library), library, wards)
        example.rollback()


def _check(built, selected, library, wards):
    accepted = [(spec, r) for spec, _ in selected for r in spec.returns if r.status is ACCEPTED]
    headline = built.headline
    assert headline.grants == len(selected)
    assert headline.awarded_pence == sum(spec.amount for spec, _ in selected)
    assert headline.paid_pence == sum(
        amount for spec, _ in selected for amount, status in spec.instalments if status is InstalmentStatus.PAID
    )
    assert headline.returns_accepted == len(accepted)
    assert headline.people == sum(people for _, r in accepted for _, _, people in r.reached)

    figures = [
        (name, target, _figure(spec, position, name)) for spec, kept in selected for position, name, target in kept
    ]
    assert headline.targets == len(figures)
    assert headline.targets_with_figures == sum(1 for *_, figure in figures if figure is not None)
    assert headline.targets_met == sum(1 for _, target, figure in figures if figure is not None and figure >= target)

    rows = {(row.name, bool(row.percent_targets)): row for row in built.by_indicator}
    for name in UNITS:
        mine = [(target, figure) for named, target, figure in figures if named == name]
        row = rows.get((library[name].measure, UNITS[name] == "percent"))
        if not mine:
            assert row is None
        elif UNITS[name] == "percent":
            reported = [(target, figure) for target, figure in mine if figure is not None]
            assert (row.percent_targets, row.percent_reported, row.count_targets) == (len(mine), len(reported), 0)
            if reported:
                assert row.average_target == Fraction(sum(t for t, _ in reported), len(reported))
                assert row.average_figure == Fraction(sum(f for _, f in reported), len(reported))
        else:
            assert (row.count_targets, row.percent_targets) == (len(mine), 0)
            assert row.count_target == sum(target for target, _ in mine)
            assert row.count_achieved == sum(figure or 0 for _, figure in mine)

    domains = by_name(built.by_domain)
    for domain in {library[name].domain for name, *_ in figures}:
        counted = [(t, f) for name, t, f in figures if library[name].domain == domain and UNITS[name] != "percent"]
        assert domains[domain].count_target == sum(t for t, _ in counted)
        assert domains[domain].count_achieved == sum(f or 0 for _, f in counted)
    assert sum(row.count_target for row in built.by_heading) == sum(t for n, t, _ in figures if UNITS[n] != "percent")

    people = {}
    for _, r in accepted:
        for community, _, count in r.reached:
            people[community] = people.get(community, 0) + count
    assert {row.name: row.people for row in built.by_community} == {
        Community(community).label: count for community, count in people.items()
    }
    in_ward = {}
    for _, r in accepted:
        for _, ward, count in r.reached:
            name = NO_WARD if ward is None else wards[ward].name
            in_ward[name] = in_ward.get(name, 0) + count
    assert {row.name: row.people for row in built.by_ward if row.people} == {
        name: count for name, count in in_ward.items() if count
    }
