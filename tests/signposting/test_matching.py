"""Matching a group and its project against the directory: a programme that cannot fund the group (closed, the
wrong kind of group, area or income) is never suggested; every reason says what the data says; the ranking is
the same whatever order the directory comes in."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from grantsfund.applications import services
from grantsfund.applications.models import COMMUNITY_LABELS, Community
from grantsfund.common.actor import Actor
from grantsfund.common.dates import format_date
from grantsfund.organisations.models import LegalForm, Ward
from grantsfund.signposting import directory, signposts
from grantsfund.signposting.matching import NATIONS, Place, Topic, evaluate, profile_for, same_place, suggest
from grantsfund.signposting.models import Programme, ProgrammeStatus, Reach
from tests.applications import factories as applications
from tests.organisations import factories as organisations
from tests.signposting.factories import PLACE, profile, programme, reasons_by_topic

DATA = Path(__file__).resolve().parents[2] / "grantsfund"
TODAY = date(2026, 11, 23)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# The vocabulary, read from the data files themselves.
SYNONYMS = {
    row["tag"].casefold(): {term.strip().casefold() for term in row["matches"].split(";")}
    for row in _read(DATA / "signposting" / "data" / "theme-synonyms.csv")
}
FUND_WORDS = sorted(
    {row["name"] for row in _read(DATA / "rounds" / "data" / "themes.csv")}
    | {row["domain"] for row in _read(DATA / "rounds" / "data" / "indicators-of-integration.csv")}
    | set(COMMUNITY_LABELS.values())
)
WARDS = [(1, "Riverside"), (2, "Hillside"), (3, "Meadow"), (4, "Old Town")]
REGIONS = ["Yorkshire and the Humber", "North West", "London"]
NATION_NAMES = ["England", "Wales", "Scotland", "Northern Ireland"]


def meanings(tag: str) -> set[str]:
    word = tag.strip().casefold()
    return {word} | SYNONYMS.get(word, set())


def listed(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


# Strategies ------------------------------------------------------------------------------------------------

words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=1, max_size=12).map(str.strip).filter(bool)
cased = st.sampled_from([str, str.upper, str.title, str.lower])
tags = st.one_of(st.sampled_from(sorted(SYNONYMS)), st.sampled_from(FUND_WORDS), words).flatmap(
    lambda word: cased.map(lambda case: case(word))
)
money = st.none() | st.integers(0, 5_000_000)


def in_order(pair: tuple[int | None, int | None]) -> tuple[int | None, int | None]:
    low, high = pair
    return (high, low) if low is not None and high is not None and low > high else (low, high)


ranges = st.tuples(money, money).map(in_order)
areas = st.one_of(
    st.tuples(
        st.just(Reach.NATIONAL), st.sampled_from([*NATIONS, "UK", "England and Wales", "Great Britain", "Europe"])
    ),
    st.tuples(st.just(Reach.REGIONAL), st.sampled_from(REGIONS)),
    st.tuples(st.just(Reach.LOCAL), st.just("Northbrook")),
)
days = st.dates(date(2025, 1, 1), date(2028, 12, 31))


@st.composite
def entries(draw: st.DrawFn) -> dict[str, object]:
    reach, area = draw(areas)
    award, income = draw(ranges), draw(ranges)
    return {
        "funder": draw(st.sampled_from(["Alder Trust", "Birch Foundation", "Cedar Fund"])),
        "name": draw(st.sampled_from(["Small grants", "Main grants", "Community fund"])),
        "status": draw(st.sampled_from(ProgrammeStatus)),
        "legal_forms": draw(st.just([]) | st.lists(st.sampled_from(LegalForm), unique=True)),
        "themes": draw(st.lists(tags, max_size=5, unique_by=str.casefold)),
        "min_award": award[0],
        "max_award": award[1],
        "min_income": income[0],
        "max_income": income[1],
        "reach": reach,
        "area": area,
        "ward_ids": draw(st.lists(st.sampled_from([ward_id for ward_id, _ in WARDS]), unique=True))
        if reach is Reach.LOCAL
        else [],
        "next_deadline": draw(st.none() | days),
    }


profiles = st.builds(
    profile,
    legal_form=st.sampled_from(LegalForm),
    income=money,
    wards=st.lists(st.sampled_from(WARDS), min_size=1, unique=True).map(dict),
    amount=money,
    interests=st.sets(st.sampled_from(FUND_WORDS) | words, max_size=4),
)
places = st.builds(
    Place,
    council=st.just("Northbrook Council"),
    nation=st.sampled_from(NATION_NAMES),
    region=st.just("") | st.sampled_from(REGIONS),
)


def build(specs: list[dict[str, object]]) -> list[Programme]:
    """Fresh transient programmes, with distinct ids (funder and programme names repeat on purpose)."""
    wards = {ward_id: Ward(id=ward_id, name=name, ons_code=f"E0509901{ward_id}") for ward_id, name in WARDS}
    made = []
    for number, spec in enumerate(specs, start=1):
        values = dict(spec)
        ward_ids = values.pop("ward_ids")
        made.append(programme(id=number, wards=[wards[ward_id] for ward_id in ward_ids], **values))  # type: ignore[arg-type]
    return made


# What each reason must say, worked out here from the data ---------------------------------------------------


def within(value: int, low: int | None, high: int | None) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)


def expected_area(entry: Programme, group, place: Place) -> bool | None:
    if entry.reach is Reach.NATIONAL:
        nations = NATIONS.get(entry.area.casefold())
        return None if nations is None else place.nation.casefold() in nations
    if entry.reach is Reach.REGIONAL:
        return None if not place.region else same_place(entry.area, place.region)
    return not entry.wards or bool({ward.id for ward in entry.wards} & {ward_id for ward_id, _ in group.wards})


def expected_income(entry: Programme, group) -> bool | None:
    if group.income_pence is None:
        return None
    return within(group.income_pence, entry.min_income_pence, entry.max_income_pence)


def expected_timing(entry: Programme, today: date) -> bool | None:
    deadline = entry.next_deadline
    if entry.status is ProgrammeStatus.CLOSED:
        return False
    if entry.status is ProgrammeStatus.ROLLING or (deadline is not None and deadline >= today):
        return True
    if entry.status is ProgrammeStatus.OPEN:
        return deadline is None
    return None  # round-based, with no deadline to come that we know of


def pounds(pence: int) -> str:
    return f"£{pence / 100:,.2f}".removesuffix(".00")


def could_fund(entry: Programme, group, place: Place) -> bool:
    has_income_limit = entry.min_income_pence is not None or entry.max_income_pence is not None
    return (
        entry.status is not ProgrammeStatus.CLOSED
        and (not entry.legal_forms or group.legal_form.value in entry.legal_forms)
        and expected_area(entry, group, place) is not False
        and not (has_income_limit and expected_income(entry, group) is False)
    )


def check_amount(match, entry: Programme, group) -> None:
    """The amount reason fits as the figures say, names them, and suggests scaling down only when asking too much."""
    amount = match.reason(Topic.AMOUNT)
    assert amount is not None
    known = group.amount_pence is not None and (entry.min_award_pence is not None or entry.max_award_pence is not None)
    if known:
        assert amount.fits is within(group.amount_pence, entry.min_award_pence, entry.max_award_pence)
        assert pounds(group.amount_pence) in amount.text
    else:
        assert amount.fits is None
    for limit in (entry.min_award_pence, entry.max_award_pence):
        if limit is not None:
            assert pounds(limit) in amount.text
    too_much = known and entry.max_award_pence is not None and group.amount_pence > entry.max_award_pence
    assert ("scale the project down" in amount.text) is too_much


def check_timing(match, entry: Programme, today: date) -> None:
    """The timing reason fits as the status and deadline say, and names any deadline the group can still meet."""
    timing = match.reason(Topic.TIMING)
    assert timing is not None
    assert timing.fits is expected_timing(entry, today)
    if entry.status is ProgrammeStatus.CLOSED:
        assert timing.text == "Closed to new applications"
    deadline = entry.next_deadline
    if deadline is not None and entry.status in {ProgrammeStatus.OPEN, ProgrammeStatus.ROUND_BASED}:
        # A deadline to come is named; so is an open programme's passed one, to check for a new one.
        named = deadline >= today or entry.status is ProgrammeStatus.OPEN
        assert (format_date(deadline) in timing.text) is named


@settings(max_examples=200, deadline=None)
@given(specs=st.lists(entries(), max_size=8), group=profiles, place=places, today=days)
def test_only_programmes_that_could_fund_the_group_are_suggested_and_every_reason_matches_the_data(
    specs, group, place, today
):
    directory_ = build(specs)

    suggested = suggest(directory_, group, place, today)
    event(f"suggested {len(suggested)} of {len(directory_)}")

    assert {match.programme.id for match in suggested} == {
        entry.id for entry in directory_ if could_fund(entry, group, place)
    }
    for match in suggested:
        assert match.programme.status is not ProgrammeStatus.CLOSED
        assert not match.programme.legal_forms or group.legal_form.value in match.programme.legal_forms

    for entry in directory_:
        match = evaluate(entry, group, place, today)
        assert len({reason.topic for reason in match.reasons}) == len(match.reasons)

        kind = match.reason(Topic.KIND)
        assert kind is not None
        # No kinds listed is missing data: never a definite fit.
        assert kind.fits is (None if not entry.legal_forms else group.legal_form.value in entry.legal_forms)

        check_amount(match, entry, group)

        income = match.reason(Topic.INCOME)
        if entry.min_income_pence is None and entry.max_income_pence is None:
            assert income is None
        else:
            assert income is not None
            assert income.fits is expected_income(entry, group)

        area = match.reason(Topic.AREA)
        assert area is not None
        assert area.fits is expected_area(entry, group, place)

        themes = match.reason(Topic.THEMES)
        assert themes is not None
        shared = [tag for tag in entry.themes if meanings(tag) & group.interests]
        assert list(match.themes_in_common) == shared
        if shared:
            assert themes.fits is True
            assert themes.text == f"Funds work on {listed(shared)}, as your project is"
        elif not entry.themes or not group.interests:
            assert themes.fits is None
        else:
            assert themes.fits is False

        check_timing(match, entry, today)


@settings(max_examples=100, deadline=None)
@given(
    specs=st.lists(entries(), max_size=10),
    group=profiles,
    place=places,
    today=days,
    order=st.randoms(use_true_random=False),
    limit=st.integers(1, 12),
)
def test_the_ranking_is_the_same_whatever_order_the_directory_is_in_and_keeps_to_the_limit(
    specs, group, place, today, order, limit
):
    directory_ = build(specs)
    ranked = [match.programme.id for match in suggest(directory_, group, place, today)]
    shuffled = list(directory_)
    order.shuffle(shuffled)

    assert [match.programme.id for match in suggest(shuffled, group, place, today)] == ranked
    limited = [match.programme.id for match in suggest(shuffled, group, place, today, limit=limit)]
    assert limited == ranked[:limit]
    assert len(limited) <= limit
    # Best first: never fewer themes in common ahead of more.
    in_common = [len(match.themes_in_common) for match in suggest(directory_, group, place, today)]
    assert in_common == sorted(in_common, reverse=True)


@settings(max_examples=100, deadline=None)
@given(
    interests=st.lists(st.sampled_from(FUND_WORDS), min_size=1, max_size=4, unique=True),
    data=st.data(),
    entry=entries(),
    group=profiles,
)
def test_more_themes_in_common_ranks_higher_other_things_equal(interests, data, entry, group):
    fewer = data.draw(st.integers(0, len(interests) - 1), label="fewer")
    group = profile(
        legal_form=group.legal_form,
        income=group.income_pence,
        wards=dict(group.wards),
        amount=group.amount_pence,
        interests=set(interests),
    )
    suggestible = {
        **entry,
        "status": ProgrammeStatus.ROLLING,
        "legal_forms": [],
        "reach": Reach.NATIONAL,
        "area": "UK",
        "ward_ids": [],
        "min_income": None,
        "max_income": None,
    }
    # Every tie-breaker after the themes (funder, name, id) favours the entry with fewer themes in common.
    more_themes, fewer_themes = build(
        [
            {**suggestible, "funder": "Zeta Trust", "name": "Zeta grants", "themes": interests[: fewer + 1]},
            {**suggestible, "funder": "Alpha Trust", "name": "Alpha grants", "themes": [*interests[:fewer], "ferrets"]},
        ]
    )

    ranked = suggest([fewer_themes, more_themes], group, PLACE, TODAY)

    assert [match.programme.name for match in ranked] == ["Zeta grants", "Alpha grants"]
    assert [len(match.themes_in_common) for match in ranked] == [fewer + 1, fewer]


def test_the_limit_keeps_the_best(app):
    directory_ = [
        programme(f"Programme {n}", id=n, themes=["young people"] if n % 2 else ["gardening"]) for n in range(1, 7)
    ]
    assert [match.programme.name for match in suggest(directory_, profile(), PLACE, TODAY, limit=2)] == [
        "Programme 1",
        "Programme 3",
    ]


# The seed's programmes, as a group would see them ----------------------------------------------------------


@pytest.fixture
def seed(seed_csv):
    with seed_csv.open(newline="", encoding="utf-8") as handle:
        report = directory.import_rows(csv.DictReader(handle), actor=Actor.system())
    assert report.added == 15
    return {entry.name: entry for entry in directory.list_programmes()}


def test_awards_for_all_suits_a_12000_pound_youth_project_by_an_unincorporated_group_in_england(seed):
    awards_for_all = seed["National Lottery Awards for All England"]
    group = profile(legal_form=LegalForm.UNINCORPORATED_GROUP, amount=1_200_000, interests={"Young people"})

    match = evaluate(awards_for_all, group, PLACE, TODAY)

    assert match.suggestible
    assert reasons_by_topic(match) == {
        "themes": (True, "Funds work on young people, as your project is"),
        "kind": (True, "Open to your kind of group (Unincorporated community group)"),
        "amount": (True, "Grants from £300 to £20,000, which covers the £12,000 you asked for"),
        "area": (True, "Works across England, including Northbrook Council"),
        "timing": (True, "Takes applications at any time"),
    }
    assert awards_for_all in [m.programme for m in suggest(directory.list_programmes(), group, PLACE, TODAY)]


def test_asking_for_more_than_the_largest_grant_suggests_scaling_the_project_down(seed):
    match = evaluate(seed["National Lottery Awards for All England"], profile(amount=2_500_000), PLACE, TODAY)
    assert match.reason(Topic.AMOUNT).fits is False
    assert match.reason(Topic.AMOUNT).text == (
        "Grants from £300 to £20,000; you asked for £25,000: you could scale the project down or ask for part of "
        "the cost"
    )
    assert match.suggestible  # the amount alone does not rule a programme out


def test_asking_for_less_than_the_smallest_grant_says_the_programme_suits_a_larger_project(seed):
    match = evaluate(seed["Reaching Communities England"], profile(amount=1_200_000), PLACE, TODAY)
    assert (match.reason(Topic.AMOUNT).fits, match.reason(Topic.AMOUNT).text) == (
        False,
        "Grants from £20,001 to £500,000; you asked for £12,000: it suits a larger project",
    )


def test_a_programme_with_no_published_grant_sizes_cannot_tell_and_an_open_ended_range_is_described(seed):
    unknown = evaluate(seed["Local small grants funds"], profile(), PLACE, TODAY).reason(Topic.AMOUNT)
    assert (unknown.fits, unknown.text) == (None, "No grant sizes published: check with the funder")
    from_only = evaluate(seed["Strengthening bonds in communities"], profile(amount=5_000_000), PLACE, TODAY)
    assert from_only.reason(Topic.AMOUNT).text == "Grants from £30,000, which covers the £50,000 you asked for"
    not_asked = evaluate(seed["Community Fund"], profile(amount=None), PLACE, TODAY).reason(Topic.AMOUNT)
    assert (not_asked.fits, not_asked.text) == (None, "Grants from £500 to £4,000")


def test_lloyds_bank_foundation_is_never_suggested_to_an_unincorporated_group(seed):
    lloyds = seed["Unrestricted funding for small and local charities"]
    # Its themes and income limits suit this group; its kind of group does not.
    group = profile(
        legal_form=LegalForm.UNINCORPORATED_GROUP,
        income=3_000_000,
        amount=6_000_000,
        interests={"Newcomers to the area"},
    )

    match = evaluate(lloyds, group, PLACE, TODAY)

    assert match.reason(Topic.KIND).text == (
        "Not open to your kind of group (Unincorporated community group); "
        "open to: Registered charity; Charitable incorporated organisation (CIO)"
    )
    assert match.reason(Topic.THEMES).fits is True
    assert not match.suggestible
    assert lloyds not in [m.programme for m in suggest(directory.list_programmes(), group, PLACE, TODAY)]

    charity = profile(legal_form=LegalForm.CIO, income=3_000_000, amount=6_000_000, interests={"Newcomers to the area"})
    assert lloyds in [m.programme for m in suggest(directory.list_programmes(), charity, PLACE, TODAY)]
    assert evaluate(lloyds, charity, PLACE, TODAY).reason(Topic.INCOME).text == (
        "For groups with a yearly income from £25,000 to £1,000,000: yours fits (£30,000)"
    )

    small_charity = profile(legal_form=LegalForm.CIO, income=1_000_000, interests={"Newcomers to the area"})
    too_small = evaluate(lloyds, small_charity, PLACE, TODAY)
    assert (too_small.reason(Topic.INCOME).fits, too_small.reason(Topic.INCOME).text) == (
        False,
        "For groups with a yearly income from £25,000 to £1,000,000: yours does not (£10,000)",
    )
    assert not too_small.suggestible


def test_the_closed_tudor_trust_is_never_suggested_even_when_everything_else_fits(seed):
    tudor = seed["Grants (closed to new applicants)"]
    group = profile(legal_form=LegalForm.REGISTERED_CHARITY, interests={"Bringing communities together"})

    match = evaluate(tudor, group, PLACE, TODAY)

    assert match.reason(Topic.THEMES).fits is True
    assert match.reason(Topic.TIMING).text == "Closed to new applications"
    assert not match.suggestible
    assert tudor not in [m.programme for m in suggest(directory.list_programmes(), group, PLACE, TODAY)]


def test_a_programme_in_another_nation_is_never_suggested(seed):
    in_wales = Place(council="Cardiff Council", nation="Wales")
    awards_for_all = seed["National Lottery Awards for All England"]
    match = evaluate(awards_for_all, profile(), in_wales, TODAY)
    assert match.reason(Topic.AREA).text == "Works in England only"
    assert awards_for_all not in [m.programme for m in suggest(directory.list_programmes(), profile(), in_wales, TODAY)]
    postcode = evaluate(seed["Postcode Community Trust"], profile(), in_wales, TODAY).reason(Topic.AREA)
    assert (postcode.fits, postcode.text) == (True, "Works across Great Britain, including Cardiff Council")


# Area and timing -------------------------------------------------------------------------------------------


def local_wards() -> dict[str, Ward]:
    return {name: Ward(id=ward_id, name=name, ons_code=f"E0509902{ward_id}") for ward_id, name in WARDS}


def test_a_local_programme_limited_to_some_wards_is_suggested_only_where_the_project_is():
    wards = local_wards()
    local = programme(
        "Hillside and Meadow fund", id=1, reach=Reach.LOCAL, area="", wards=[wards["Hillside"], wards["Meadow"]]
    )

    elsewhere = evaluate(local, profile(wards={1: "Riverside"}), PLACE, TODAY)
    assert (elsewhere.reason(Topic.AREA).fits, elsewhere.reason(Topic.AREA).text) == (
        False,
        "Works only in Hillside and Meadow",
    )
    assert suggest([local], profile(wards={1: "Riverside"}), PLACE, TODAY) == []

    overlapping = profile(wards={1: "Riverside", 3: "Meadow"})
    there = evaluate(local, overlapping, PLACE, TODAY)
    assert (there.reason(Topic.AREA).fits, there.reason(Topic.AREA).text) == (
        True,
        "Works in Meadow, where your project is",
    )
    assert [m.programme for m in suggest([local], overlapping, PLACE, TODAY)] == [local]

    whole_area = programme("Borough fund", id=2, reach=Reach.LOCAL, area="Local")
    assert evaluate(whole_area, profile(), PLACE, TODAY).reason(Topic.AREA).text == "Works across Northbrook Council"


def test_a_regional_programme_cannot_be_told_until_the_councils_region_is_configured(app, monkeypatch):
    yorkshire = programme("Yorkshire fund", id=1, reach=Reach.REGIONAL, area="Yorkshire and the Humber")

    assert signposts.place().region == ""
    unknown = evaluate(yorkshire, profile(), signposts.place(), TODAY)
    assert (unknown.reason(Topic.AREA).fits, unknown.reason(Topic.AREA).text) == (
        None,
        "Works in Yorkshire and the Humber: check it covers yours",
    )
    assert unknown.suggestible

    monkeypatch.setitem(app.config, "COUNCIL_REGION", "Yorkshire and the Humber")
    inside = evaluate(yorkshire, profile(), signposts.place(), TODAY)
    assert (inside.reason(Topic.AREA).fits, inside.reason(Topic.AREA).text) == (
        True,
        "Works in Yorkshire and the Humber, where your group is",
    )

    monkeypatch.setitem(app.config, "COUNCIL_REGION", "  yorkshire &  The Humber ")
    typed_otherwise = evaluate(yorkshire, profile(), signposts.place(), TODAY)
    assert typed_otherwise.reason(Topic.AREA).fits is True

    monkeypatch.setitem(app.config, "COUNCIL_REGION", "North West")
    outside = evaluate(yorkshire, profile(), signposts.place(), TODAY)
    assert (outside.reason(Topic.AREA).fits, outside.reason(Topic.AREA).text) == (
        False,
        "Works in Yorkshire and the Humber only",
    )
    assert not outside.suggestible


@pytest.mark.parametrize(
    ("status", "deadline", "fits", "text"),
    [
        (ProgrammeStatus.ROLLING, None, True, "Takes applications at any time"),
        (ProgrammeStatus.OPEN, date(2027, 3, 31), True, "Open now: the next deadline is 31 March 2027"),
        (ProgrammeStatus.OPEN, TODAY, True, "Open now: the next deadline is 23 November 2026"),
        (
            ProgrammeStatus.OPEN,
            date(2026, 10, 1),
            False,
            "The deadline we know of (1 October 2026) has passed: check for a new one",
        ),
        (ProgrammeStatus.OPEN, None, True, "Open now"),
        (
            ProgrammeStatus.ROUND_BASED,
            None,
            None,
            "Opens in rounds: check the funder's website for the next deadline",
        ),
        (ProgrammeStatus.ROUND_BASED, date(2027, 1, 15), True, "Next deadline: 15 January 2027"),
        (ProgrammeStatus.CLOSED, None, False, "Closed to new applications"),
    ],
)
def test_the_timing_reason_says_when_the_group_can_apply(status, deadline, fits, text):
    match = evaluate(programme(status=status, next_deadline=deadline), profile(), PLACE, TODAY)
    assert (match.reason(Topic.TIMING).fits, match.reason(Topic.TIMING).text) == (fits, text)


def test_a_passed_deadline_does_not_rule_a_programme_out_but_ranks_it_after_one_that_is_open():
    passed = programme("Alpha", id=1, status=ProgrammeStatus.OPEN, next_deadline=date(2026, 1, 1))
    rolling = programme("Beta", id=2)
    assert [m.programme.name for m in suggest([passed, rolling], profile(), PLACE, TODAY)] == ["Beta", "Alpha"]


def test_the_themes_reason_lists_the_shared_tags_in_the_funders_words():
    entry = programme(themes=["asylum seekers and refugees", "young people", "gardening", "homelessness"])
    group = profile(interests={"Newcomers to the area", "Young people", "Housing"})
    assert evaluate(entry, group, PLACE, TODAY).reason(Topic.THEMES).text == (
        "Funds work on asylum seekers and refugees, young people and homelessness, as your project is"
    )
    unrelated = evaluate(programme(themes=["gardening"]), group, PLACE, TODAY).reason(Topic.THEMES)
    assert (unrelated.fits, unrelated.text) == (False, "No themes in common with your project: it funds gardening")
    untagged = evaluate(programme(themes=[]), group, PLACE, TODAY).reason(Topic.THEMES)
    assert untagged.fits is None


# What the matching knows about an application --------------------------------------------------------------


def test_the_profile_collects_the_projects_themes_outcome_domains_and_communities(make_user):
    round_ = applications.open_round(make_user)
    member = make_user(full_name="Asha Member")
    application = applications.complete(applications.draft(round_, applications.group(member), member), member)

    found = profile_for(application)

    assert found.legal_form is LegalForm.UNINCORPORATED_GROUP
    assert found.income_pence == 1_250_000
    assert found.amount_pence == application.amount_requested_pence == 500_050
    assert found.wards == frozenset({(organisations.ward().id, "Riverside")})
    assert found.interests == {
        round_.themes[0].name.casefold(),
        round_.indicators[0].domain.casefold(),
        "newcomers to the area",
        "older people",
    }
    assert {Community.NEWCOMERS.label.casefold(), Community.OLDER_PEOPLE.label.casefold()} <= found.interests


def test_without_wards_of_its_own_the_project_is_placed_in_the_groups_ward(make_user):
    round_ = applications.open_round(make_user)
    member = make_user()
    meadow = organisations.ward("Meadow", "E05099012")
    group = applications.group(member)
    group.ward = meadow
    application = applications.draft(round_, group, member)
    assert application.wards == []

    assert profile_for(application).wards == frozenset({(meadow.id, "Meadow")})
    assert profile_for(application).interests == frozenset()

    services.save_section(
        application,
        services.Section.BENEFITS,
        services.SectionAnswers(
            ward_ids={organisations.ward().id},
            communities=[Community.YOUNG_PEOPLE],
            estimated_people=20,
            mixing="Together",
        ),
        expected_version=application.version,
        complete=False,
        actor=Actor(member),
    )
    assert profile_for(application).wards == frozenset({(organisations.ward().id, "Riverside")})
    assert profile_for(application).interests == {"young people"}
    # A community the fund no longer offers is left out rather than breaking the page.
    application.communities = [*application.communities, "no-longer-offered"]
    assert profile_for(application).interests == {"young people"}
