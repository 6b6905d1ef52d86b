"""The rounds services on the database: the lifecycle table, the checks before opening, what may change
once a round is open, copying, and the library."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from grantsfund.audit.models import AuditEvent
from grantsfund.common.errors import DomainError, InvalidTransition
from grantsfund.extensions import db
from grantsfund.organisations.models import LegalForm
from grantsfund.rounds import library, services
from grantsfund.rounds.models import ROUND_TRANSITIONS, Indicator, RoundStatus, Theme, can_move
from tests.rounds.factories import NOW, details_for, make_round

ALLOWED_PAIRS = {
    (RoundStatus.DRAFT, RoundStatus.OPEN),
    (RoundStatus.OPEN, RoundStatus.CLOSED),
    (RoundStatus.CLOSED, RoundStatus.DECIDED),
    (RoundStatus.DECIDED, RoundStatus.COMPLETED),
}


def events(action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_the_transition_table_is_the_lifecycle():
    pairs = {(a, b) for a, targets in ROUND_TRANSITIONS.items() for b in targets}
    assert pairs == ALLOWED_PAIRS
    assert set(ROUND_TRANSITIONS) == set(RoundStatus)


@pytest.mark.parametrize("current", list(RoundStatus))
@pytest.mark.parametrize("target", list(RoundStatus))
def test_every_status_pair_is_allowed_or_refused_as_the_table_says(current, target, actor, fund):
    round_ = make_round(actor, fund, status=current, now=NOW)
    move = services.TRANSITIONS.get(target)
    if move is None:  # nothing moves a round back to draft
        assert not can_move(current, target)
        return
    when = NOW if target is RoundStatus.OPEN else round_.closes_at + timedelta(minutes=1)
    if (current, target) in ALLOWED_PAIRS:
        move(round_, actor=actor, now=when)
        assert round_.status is target
        event = events(f"round.{target.value}")[-1]
        assert event.object_id == str(round_.id)
        assert event.before == {"status": current.value}
        assert event.after == {"status": target.value}
        assert event.actor_id == actor.user_id
    else:
        with pytest.raises(InvalidTransition):
            move(round_, actor=actor, now=when)
        assert round_.status is current


class TestOpening:
    def test_a_new_round_has_the_seven_default_criteria_and_the_scale(self, actor, fund):
        round_ = services.create_round(fund, name="New", description="", actor=actor)
        assert [c.name for c in round_.criteria][:2] == [
            "Brings people together",
            "Local need and community involvement",
        ]
        assert len(round_.criteria) == 7
        assert all(c.weight >= 1 and len(c.descriptors) == 6 for c in round_.criteria)
        assert round_.criteria[0].descriptors[0] == (
            "No evidence of meaningful social mixing between people from different backgrounds"
        )
        assert round_.score_labels == ["No evidence", "Very weak", "Weak", "Adequate", "Good", "Excellent"]
        assert len(round_.themes) == 5
        assert set(round_.legal_forms) == set(LegalForm)
        assert events("round.created")[-1].object_id == str(round_.id)

    def test_a_round_without_dates_or_money_cannot_open(self, actor, fund):
        round_ = make_round(actor, fund, with_details=False, now=NOW)
        with pytest.raises(services.RoundNotReady) as refused:
            services.open_round(round_, actor=actor, now=NOW)
        assert [p.message for p in refused.value.problems] == [
            "Enter the opening and closing dates",
            "Enter the budget and the minimum and maximum grant",
        ]
        assert round_.status is RoundStatus.DRAFT

    def test_a_round_cannot_open_once_its_closing_time_has_passed(self, actor, fund):
        round_ = make_round(actor, fund, now=NOW)
        with pytest.raises(services.RoundNotReady, match="The closing date has passed"):
            services.open_round(round_, actor=actor, now=round_.closes_at)

    def test_a_round_needs_a_criterion_a_theme_a_legal_form_and_an_indicator(self, actor, fund):
        round_ = make_round(actor, fund, now=NOW)
        for criterion in list(round_.criteria):
            services.remove_criterion(criterion, actor=actor)
        services.set_themes_and_legal_forms(round_, theme_ids=[], legal_forms=[], actor=actor)
        services.set_indicators(round_, indicator_ids=[], actor=actor)
        with pytest.raises(services.RoundNotReady) as refused:
            services.open_round(round_, actor=actor, now=NOW)
        assert [(p.section, p.message) for p in refused.value.problems] == [
            ("themes", "Select at least one theme"),
            ("themes", "Select at least one kind of organisation that may apply"),
            ("criteria", "Add at least one criterion"),
            ("indicators", "Select at least one outcome indicator"),
        ]

    def test_a_round_may_open_before_its_opening_date(self, actor, fund):
        round_ = make_round(actor, fund, now=NOW)
        services.open_round(round_, actor=actor, now=round_.opens_at - timedelta(days=3))
        assert round_.status is RoundStatus.OPEN

    def test_a_round_cannot_close_before_its_closing_time(self, actor, fund):
        round_ = make_round(actor, fund, status=RoundStatus.OPEN, now=NOW)
        with pytest.raises(DomainError, match="before its closing time, 29 May 2026 at 10am"):
            services.close_round(round_, actor=actor, now=round_.closes_at - timedelta(seconds=1))
        services.close_round(round_, actor=actor, now=round_.closes_at)
        assert round_.status is RoundStatus.CLOSED


class TestDetailChecks:
    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"closes_at": NOW - timedelta(days=7)}, "closes_date", "The closing date must be after the opening date"),
            ({"closes_at": NOW - timedelta(days=8)}, "closes_date", "The closing date must be after the opening date"),
            (
                {"maximum_grant_pence": 0, "minimum_grant_pence": 0},
                "maximum_grant",
                "The maximum grant must be more than £0",
            ),
            (
                {"minimum_grant_pence": 3_000_000},
                "minimum_grant",
                "The minimum grant must be the same as or less than the maximum grant",
            ),
            ({"budget_pence": 2_000_000}, "budget", "The total budget must be at least the maximum grant"),
            ({"assessors_per_bid": 6}, "assessors_per_bid", "Assessors per bid must be between 1 and 5"),
            ({"moderation_spread": 0}, "moderation_spread", "The moderation spread must be between 1 and 5"),
            (
                {"essential_threshold": 6},
                "essential_threshold",
                "The pass mark for essential criteria must be between 1 and 5",
            ),
        ],
    )
    def test_details_that_make_no_sense_are_refused(self, actor, fund, overrides, field, message):
        round_ = make_round(actor, fund, with_details=False, now=NOW)
        dates = {"opens_at": NOW - timedelta(days=7), "closes_at": NOW + timedelta(days=28)}
        details = details_for(round_, **{**dates, **overrides})
        with pytest.raises(DomainError) as refused:
            services.update_round_details(round_, details, actor=actor, now=NOW)
        assert (refused.value.field, refused.value.message) == (field, message)
        assert round_.opens_at is None

    def test_budget_equal_to_the_maximum_and_minimum_equal_to_maximum_are_fine(self, actor, fund):
        round_ = make_round(actor, fund, with_details=False, now=NOW)
        details = details_for(
            round_,
            opens_at=NOW,
            closes_at=NOW + timedelta(minutes=1),
            budget_pence=500_000,
            minimum_grant_pence=500_000,
            maximum_grant_pence=500_000,
        )
        services.update_round_details(round_, details, actor=actor, now=NOW)
        assert events("round.details_changed")[-1].after["budget_pence"] == 500_000

    def test_a_weight_must_be_positive(self, actor, fund):
        round_ = make_round(actor, fund, now=NOW)
        criterion = round_.criteria[0]
        details = services.CriterionDetails(
            name="x", guidance="y", weight=0, essential=False, descriptors=list(criterion.descriptors)
        )
        with pytest.raises(DomainError, match="Enter a weight of 1 or more"):
            services.update_criterion(criterion, details, actor=actor)

    def test_names_are_unique(self, actor, fund):
        with pytest.raises(DomainError, match="There is already a fund with this name"):
            services.create_fund(name="communities fund", description="", actor=actor)
        make_round(actor, fund, name="2026/27", now=NOW)
        with pytest.raises(DomainError, match="This fund already has a round with this name"):
            services.create_round(fund, name="2026/27", description="", actor=actor)


class TestOpenRoundRules:
    """Once a round is open, changes that would move the goalposts for bids already started are refused."""

    @pytest.fixture
    def open_round(self, actor, fund):
        return make_round(actor, fund, status=RoundStatus.OPEN, now=NOW)

    def change(self, round_, actor, **overrides):
        dates = {"opens_at": round_.opens_at, "closes_at": round_.closes_at}
        details = details_for(round_, **{**dates, **overrides})
        return services.update_round_details(round_, details, actor=actor, now=NOW)

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"opens_at": NOW}, "opens_date", "You cannot change the opening date while the round is open"),
            ({"closes_at": NOW + timedelta(days=27)}, "closes_date", "You cannot bring the closing date forward"),
            ({"budget_pence": 29_999_999}, "budget", "You cannot lower the budget once the round is open"),
            ({"minimum_grant_pence": 100_001}, "minimum_grant", "You cannot raise the minimum grant"),
            ({"maximum_grant_pence": 2_000_000}, "maximum_grant", "You cannot lower the maximum grant"),
        ],
    )
    def test_unfair_changes_to_the_details_are_refused(self, open_round, actor, overrides, field, message):
        before = (open_round.opens_at, open_round.closes_at, open_round.budget_pence)
        with pytest.raises(services.RoundLocked) as refused:
            self.change(open_round, actor, **overrides)
        assert refused.value.field == field
        assert refused.value.message.startswith(message)
        assert (open_round.opens_at, open_round.closes_at, open_round.budget_pence) == before

    def test_fair_changes_to_the_details_are_allowed(self, open_round, actor):
        later = open_round.closes_at + timedelta(days=7)
        self.change(
            open_round,
            actor,
            name="Renamed",
            description="Clearer guidance.",
            closes_at=later,
            budget_pence=40_000_000,
            minimum_grant_pence=50_000,
            maximum_grant_pence=3_000_000,
            assessors_per_bid=3,
            moderation_spread=3,
            panel_date=None,
        )
        assert (open_round.closes_at, open_round.budget_pence, open_round.maximum_grant_pence) == (
            later,
            40_000_000,
            3_000_000,
        )
        assert events("round.details_changed")[-1].after["closes_at"] == later.isoformat()

    def test_criteria_scale_and_questions_cannot_change(self, open_round, actor):
        criterion = open_round.criteria[0]
        details = services.CriterionDetails(
            name=criterion.name, guidance="new", weight=5, essential=True, descriptors=list(criterion.descriptors)
        )
        locked = "while the round is open: groups may already have started bids against them"
        with pytest.raises(services.RoundLocked, match=f"the criteria or their weights {locked}"):
            services.update_criterion(criterion, details, actor=actor)
        with pytest.raises(services.RoundLocked, match="the criteria"):
            services.add_criterion(open_round, details, actor=actor)
        with pytest.raises(services.RoundLocked, match="the criteria"):
            services.remove_criterion(criterion, actor=actor)
        with pytest.raises(services.RoundLocked, match="the scoring scale"):
            services.set_score_labels(open_round, ["a", "b", "c", "d", "e", "f"], actor=actor)
        with pytest.raises(services.RoundLocked, match="the eligibility questions"):
            services.add_question(open_round, text="q", qualifying_answer=True, explanation="e", actor=actor)
        assert criterion.weight != 5

    def test_themes_legal_forms_and_indicators_can_be_added_but_not_removed(self, open_round, actor):
        theme_ids = [t.id for t in open_round.themes]
        forms = set(open_round.legal_forms)
        with pytest.raises(services.RoundLocked, match="You cannot remove themes while the round is open"):
            services.set_themes_and_legal_forms(open_round, theme_ids=theme_ids[1:], legal_forms=forms, actor=actor)
        with pytest.raises(services.RoundLocked, match="You cannot remove the kinds of organisation"):
            services.set_themes_and_legal_forms(
                open_round, theme_ids=theme_ids, legal_forms=forms - {LegalForm.SCHOOL}, actor=actor
            )
        indicator_ids = [i.id for i in open_round.indicators]
        with pytest.raises(services.RoundLocked, match="You cannot remove outcome indicators"):
            services.set_indicators(open_round, indicator_ids=indicator_ids[1:], actor=actor)
        new = library.add_indicator(
            heading="Foundation", domain="Citizenship", measure="New", unit="count", actor=actor
        )
        services.set_indicators(open_round, indicator_ids=[*indicator_ids, new.id], actor=actor)
        assert new in open_round.indicators

    def test_a_draft_may_narrow_anything(self, actor, fund):
        round_ = make_round(actor, fund, now=NOW)
        first = round_.themes[0]
        services.set_themes_and_legal_forms(round_, theme_ids=[first.id], legal_forms=[LegalForm.CIO], actor=actor)
        assert round_.themes == [first]
        assert round_.legal_forms == [LegalForm.CIO]

    def test_a_closed_round_only_takes_a_higher_budget_and_assessment_settings(self, actor, fund):
        round_ = make_round(actor, fund, status=RoundStatus.CLOSED, now=NOW)
        with pytest.raises(services.RoundLocked, match="the closing date once the round has closed"):
            self.change(round_, actor, closes_at=round_.closes_at + timedelta(days=1))
        with pytest.raises(services.RoundLocked, match="the maximum grant once the round has closed"):
            self.change(round_, actor, maximum_grant_pence=3_000_000)
        with pytest.raises(services.RoundLocked, match="themes once the round has closed"):
            services.set_themes_and_legal_forms(
                round_, theme_ids=[t.id for t in round_.themes][:1], legal_forms=round_.legal_forms, actor=actor
            )
        self.change(round_, actor, budget_pence=35_000_000, assessors_per_bid=3)
        assert round_.budget_pence == 35_000_000

    def test_a_decided_round_cannot_change(self, actor, fund):
        round_ = make_round(actor, fund, status=RoundStatus.DECIDED, now=NOW)
        with pytest.raises(services.RoundLocked, match="You cannot change this round once the round has been decided"):
            self.change(round_, actor, description="late edit")


class TestCopy:
    def test_a_copy_is_a_draft_with_the_same_set_up_and_no_dates(self, actor, fund):
        source = make_round(actor, fund, now=NOW)
        services.add_question(source, text="Local?", qualifying_answer=True, explanation="Only local.", actor=actor)
        services.set_themes_and_legal_forms(
            source, theme_ids=[source.themes[1].id], legal_forms=[LegalForm.CIC, LegalForm.CIO], actor=actor
        )
        services.open_round(source, actor=actor, now=NOW)
        copy = services.copy_round(source, name="Round 2027/28", actor=actor)
        assert copy.status is RoundStatus.DRAFT
        assert (copy.opens_at, copy.closes_at, copy.panel_date) == (None, None, None)
        assert copy.fund is fund
        assert copy.copied_from_id == source.id
        assert (copy.budget_pence, copy.minimum_grant_pence, copy.maximum_grant_pence) == (
            source.budget_pence,
            source.minimum_grant_pence,
            source.maximum_grant_pence,
        )
        assert copy.themes == source.themes
        assert copy.legal_forms == [LegalForm.CIO, LegalForm.CIC]
        assert copy.indicators == source.indicators
        assert [(q.text, q.explanation) for q in copy.questions] == [("Local?", "Only local.")]
        assert [(c.name, c.weight, c.descriptors) for c in copy.criteria] == [
            (c.name, c.weight, c.descriptors) for c in source.criteria
        ]
        assert {c.id for c in copy.criteria}.isdisjoint({c.id for c in source.criteria})
        # Editing the copy leaves the source alone.
        services.update_criterion(
            copy.criteria[0],
            services.CriterionDetails(name="Changed", guidance="g", weight=9, essential=False, descriptors=["d"] * 6),
            actor=actor,
        )
        assert source.criteria[0].name == "Brings people together"
        assert events("round.copied")[-1].after == {"name": "Round 2027/28", "copied_from": source.id}


class TestQuestions:
    def test_questions_keep_their_order_and_can_be_moved_and_removed(self, actor, fund):
        round_ = make_round(actor, fund, now=NOW)
        one, two, three = (
            services.add_question(round_, text=t, qualifying_answer=True, explanation="e", actor=actor)
            for t in ("one", "two", "three")
        )
        services.move_question(three, up=True, actor=actor)
        assert [q.text for q in sorted(round_.questions, key=lambda q: q.position)] == ["one", "three", "two"]
        services.move_question(one, up=True, actor=actor)  # already first: nothing happens
        services.remove_question(three, actor=actor)
        assert [(q.text, q.position) for q in round_.questions] == [("one", 0), ("two", 1)]
        assert two.position == 1
        assert len(events("round.question_removed")) == 1


class TestLibrary:
    def test_reference_data_loads_once(self, actor, fund):
        assert db.session.scalar(select(func.count()).select_from(Theme)) == 5
        assert db.session.scalar(select(func.count()).select_from(Indicator)) == 22
        assert library.load_reference_data(actor=actor) == library.ReferenceReport(0, 0)

    def test_indicators_can_be_added_and_changed_but_not_duplicated(self, actor, fund):
        indicator = library.add_indicator(
            heading="Social Connections",
            domain="Social Bridges",
            measure="Shared meals held",
            unit="count",
            actor=actor,
        )
        with pytest.raises(DomainError, match="already has this measure"):
            library.add_indicator(
                heading="Social Connections",
                domain="Social Bridges",
                measure="Shared meals held",
                unit="count",
                actor=actor,
            )
        with pytest.raises(DomainError, match="Select a heading"):
            library.update_indicator(indicator, heading="Nope", domain="d", measure="m", unit="count", actor=actor)
        library.update_indicator(
            indicator,
            heading="Social Connections",
            domain="Social Bridges",
            measure="Meals shared",
            unit="percent",
            actor=actor,
        )
        assert events("indicator.changed")[-1].after["measure"] == "Meals shared"


class TestThemes:
    def test_a_theme_is_added_after_the_last_with_an_audit_event(self, actor, fund):
        last = max(theme.position for theme in db.session.scalars(select(Theme)))
        theme = library.add_theme(name="Older people", description="Later life, together.", actor=actor, now=NOW)
        assert (theme.name, theme.description, theme.position) == ("Older people", "Later life, together.", last + 1)
        event = events("theme.added")[-1]
        assert (event.object_id, event.occurred_at) == (str(theme.id), NOW)
        assert event.after == {"name": "Older people", "description": "Later life, together.", "position": last + 1}

    def test_a_theme_can_be_given_its_place(self, actor, fund):
        theme = library.add_theme(name="Older people", description="d", position=0, actor=actor)
        assert theme.position == 0
        names = [item.theme.name for item in library.list_themes_in_use()]
        assert names[:2] == ["Increasing economic opportunity", "Older people"]  # ties keep the order added

    def test_adding_the_first_theme_keeps_the_standard_themes(self, actor):
        theme = library.add_theme(name="Older people", description="d", actor=actor)
        names = [item.theme.name for item in library.list_themes_in_use()]
        assert len(names) == 6
        assert names[-1] == "Older people"
        assert theme.position == 5

    @pytest.mark.parametrize("name", ["Young people", "young PEOPLE"])
    def test_names_are_unique_ignoring_case(self, name, actor, fund):
        with pytest.raises(DomainError) as error:
            library.add_theme(name=name, description="d", actor=actor)
        assert (error.value.field, error.value.message) == ("name", "There is already a theme called Young people")
        other = library.add_theme(name="Older people", description="d", actor=actor)
        with pytest.raises(DomainError, match="There is already a theme called Young people"):
            library.update_theme(other, name=name, description="d", actor=actor)
        assert other.name == "Older people"

    def test_a_duplicate_that_slips_past_the_check_is_a_form_error(self, actor, fund, monkeypatch):
        monkeypatch.setattr(library, "_check_theme", lambda name, description, exclude_id: None)
        with pytest.raises(DomainError) as error:
            library.add_theme(name="Young people", description="d", actor=actor)
        assert (error.value.field, error.value.message) == ("name", "There is already a theme called Young people")
        assert library.add_theme(name="Older people", description="d", actor=actor).id is not None

    def test_a_theme_can_be_renamed_and_redescribed_even_while_an_open_round_offers_it(self, actor, fund):
        round_ = make_round(actor, fund, status=RoundStatus.OPEN)
        theme = round_.themes[0]
        before = {"name": theme.name, "description": theme.description, "position": theme.position}
        library.update_theme(
            theme, name="Work and enterprise", description="Growing up together.", actor=actor, now=NOW
        )
        assert (theme.name, theme.description, theme.position) == (
            "Work and enterprise",
            "Growing up together.",
            before["position"],
        )
        assert theme in round_.themes
        event = events("theme.changed")[-1]
        assert event.before == before
        assert event.after == {**before, "name": "Work and enterprise", "description": "Growing up together."}
        library.update_theme(
            theme, name="Work and enterprise", description="Growing up together.", position=7, actor=actor
        )
        assert theme.position == 7

    def test_a_name_and_description_are_required(self, actor, fund):
        with pytest.raises(DomainError) as error:
            library.add_theme(name="", description="d", actor=actor)
        assert (error.value.field, error.value.message) == ("name", "Enter the name of the theme")
        theme = library.add_theme(name="Older people", description="d", actor=actor)
        with pytest.raises(DomainError) as error:
            library.update_theme(theme, name="Older people", description="", actor=actor)
        assert (error.value.field, error.value.message) == ("description", "Enter a description of the theme")

    def test_saving_a_theme_unchanged_records_nothing(self, actor, fund):
        theme = library.add_theme(name="Older people", description="d", actor=actor)
        library.update_theme(theme, name="Older people", description="d", position=theme.position, actor=actor)
        library.update_theme(theme, name="Older people", description="d", actor=actor)
        assert events("theme.changed") == []

    def test_the_list_counts_the_rounds_that_offer_each_theme(self, actor, fund):
        first = make_round(actor, fund, name="One")
        make_round(actor, fund, name="Two")
        services.set_themes_and_legal_forms(
            first, theme_ids=[first.themes[0].id], legal_forms=first.legal_forms, actor=actor
        )
        new = library.add_theme(name="Older people", description="d", actor=actor)
        counts = {item.theme.id: item.rounds for item in library.list_themes_in_use()}
        assert counts[first.themes[0].id] == 2
        assert counts[new.id] == 0
        assert sorted(counts.values()) == [0, 1, 1, 1, 1, 2]


def test_times_are_kept_in_utc(actor, fund):
    round_ = make_round(actor, fund, now=NOW)
    closes = datetime(2026, 6, 5, 22, 45, tzinfo=UTC)
    services.update_round_details(
        round_, details_for(round_, opens_at=round_.opens_at, closes_at=closes), actor=actor, now=NOW
    )
    db.session.flush()
    db.session.expire(round_)
    assert round_.closes_at == closes


class TestFundNames:
    def test_a_duplicate_that_slips_past_the_check_is_a_form_error_and_the_transaction_goes_on(
        self, actor, monkeypatch
    ):
        services.create_fund(name="Communities Fund", description="", actor=actor)
        # As if another officer saved the same name between our check and our insert.
        monkeypatch.setattr(services, "_check_fund_name", lambda name, exclude_id: None)
        with pytest.raises(DomainError) as error:
            services.create_fund(name="Communities Fund", description="", actor=actor)
        assert error.value.field == "name"
        assert error.value.message == "There is already a fund with this name"
        assert services.create_fund(name="Another Fund", description="", actor=actor).id is not None

    def test_renaming_onto_another_fund_is_refused_the_same_way(self, actor, monkeypatch):
        services.create_fund(name="Communities Fund", description="", actor=actor)
        other = services.create_fund(name="Small Grants", description="", actor=actor)
        monkeypatch.setattr(services, "_check_fund_name", lambda name, exclude_id: None)
        with pytest.raises(DomainError, match="already a fund"):
            services.update_fund(other, name="Communities Fund", description="", actor=actor)
