"""Signposting a declined or ineligible bid: the officer starts from the matching's best suggestions, adds or
removes funders, and sends the letter to the group; twelve weeks later the group is asked what happened, and
what it reports is recorded."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from grantsfund.applications import services as applications
from grantsfund.applications.models import ApplicationStatus
from grantsfund.audit.models import AuditEvent
from grantsfund.common.actor import Actor
from grantsfund.common.errors import DomainError
from grantsfund.extensions import db
from grantsfund.notifications.rendering import render_email
from grantsfund.organisations.models import LegalForm
from grantsfund.panel.models import Outcome
from grantsfund.signposting import directory, signposts
from grantsfund.signposting.models import ProgrammeStatus, Signpost, SignpostOutcome, SignpostStatus
from tests.applications import factories as application_factories
from tests.assessment.factories import scored
from tests.conftest import queued_emails
from tests.signposting.factories import decided, ineligible, listed

STARTED = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
BEST_FIVE = ["Welcome grants", "Later life grants", "Small grants", "Big grants", "Anything grants"]


@pytest.fixture
def entries():
    """A directory for a group whose project is about newcomers, older people, work and economic opportunity
    (£5,000.50 asked, an unincorporated group with an income of £12,500), best match first."""
    made = [
        # Three themes in common.
        listed("Newcomers Trust", "Welcome grants", themes=["asylum seekers and refugees", "older people", "poverty"]),
        # Two.
        listed("Elders Fund", "Later life grants", themes=["older people", "cost of living", "arts"]),
        # One each; the amount fits the first, not the second.
        listed("Acorn Trust", "Small grants", themes=["newcomers", "arts"], max_award_pence=1_000_000),
        listed("Beech Trust", "Big grants", themes=["homelessness", "older people"], min_award_pence=2_000_000),
        # None in common: by funder's name.
        listed("Cedar Fund", "Anything grants"),
        listed("Dogwood Trust", "Arts grants", themes=["arts"]),
        # Never suggested, however well they match.
        listed("Closed Trust", "Old grants", themes=["newcomers", "older people"], status=ProgrammeStatus.CLOSED),
        listed(
            "Charities Only",
            "Charity grants",
            themes=["newcomers", "older people", "poverty"],
            legal_forms=[LegalForm.REGISTERED_CHARITY.value],
        ),
    ]
    return {entry.name: entry for entry in made}


@pytest.fixture
def declined_bid(round_, officer, make_user, people):
    [bid] = decided(round_, officer, make_user, people, Outcome.DECLINED)
    assert bid.status is ApplicationStatus.DECLINED
    return bid


@pytest.fixture
def ineligible_bid(round_, officer, make_user):
    bid = ineligible(round_, officer, make_user, name="Hillside Welcome Group")
    assert bid.status is ApplicationStatus.INELIGIBLE
    return bid


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def letters(template: str, bid) -> list:
    return [message for message in queued_emails(template=template) if message.context["reference"] == bid.reference]


def names(signpost: Signpost) -> list[str]:
    return [suggestion.programme.name for suggestion in signpost.suggestions]


def reasons(suggestion) -> dict[str, tuple[bool | None, str]]:
    return {reason["topic"]: (reason["fits"], reason["text"]) for reason in suggestion.reasons}


def sent(bid, officer, *, now=STARTED, note="Try these first.") -> Signpost:
    signpost = signposts.start(bid, actor=officer, now=now)
    signposts.send(signpost, note=note, actor=officer, now=now)
    return signpost


# Starting --------------------------------------------------------------------------------------------------


def test_a_declined_bid_starts_with_the_best_five_suggestions_in_order_each_with_its_reasons(
    declined_bid, entries, officer
):
    signpost = signposts.start(declined_bid, actor=officer, now=STARTED)

    assert signpost.status is SignpostStatus.DRAFT
    assert signpost.created_by_id == officer.user_id
    assert names(signpost) == BEST_FIVE
    assert [suggestion.position for suggestion in signpost.suggestions] == [0, 1, 2, 3, 4]
    assert not any(suggestion.added_by_officer for suggestion in signpost.suggestions)
    best = signpost.suggestions[0]
    assert reasons(best) == {
        "themes": (True, "Funds work on asylum seekers and refugees, older people and poverty, as your project is"),
        "kind": (None, "Check who can apply on the funder's website"),
        "amount": (None, "No grant sizes published: check with the funder"),
        "area": (True, "Works across England, including Northbrook Council"),
        "timing": (True, "Takes applications at any time"),
    }
    assert reasons(signpost.suggestions[2])["amount"] == (
        True,
        "Grants up to £10,000, which covers the £5,000.50 you asked for",
    )
    assert reasons(signpost.suggestions[3])["amount"] == (
        False,
        "Grants from £20,000; you asked for £5,000.50: it suits a larger project",
    )
    [event] = events("signpost.started")
    assert event.after == {
        "application": declined_bid.reference,
        "suggested": [f"{s.programme.funder.name}: {s.programme.name}" for s in signpost.suggestions],
    }
    assert signposts.sent_signpost_for(declined_bid) is None  # the group sees nothing yet

    again = signposts.start(declined_bid, actor=officer, now=STARTED + timedelta(days=1))

    assert again is signpost
    assert names(again) == BEST_FIVE
    assert db.session.scalar(select(func.count()).select_from(Signpost)) == 1
    assert len(events("signpost.started")) == 1


def test_an_ineligible_bid_gets_as_many_suggestions_as_configured(app, monkeypatch, ineligible_bid, entries, officer):
    monkeypatch.setitem(app.config, "SIGNPOST_SUGGESTIONS", 3)
    signpost = signposts.start(ineligible_bid, actor=officer, now=STARTED)
    assert names(signpost) == BEST_FIVE[:3]


def test_only_declined_or_ineligible_bids_are_signposted(round_, officer, make_user, people, entries):
    declined_bid, approved = decided(round_, officer, make_user, people, Outcome.DECLINED, Outcome.APPROVED)
    in_assessment = scored(round_, officer, make_user, [[4] * len(round_.criteria)])
    member = make_user()
    draft = application_factories.draft(round_, application_factories.group(member, name="Draft Group"), member)
    assert (approved.status, in_assessment.status, draft.status) == (
        ApplicationStatus.APPROVED,
        ApplicationStatus.IN_ASSESSMENT,
        ApplicationStatus.DRAFT,
    )

    for bid in (approved, in_assessment, draft):
        with pytest.raises(DomainError, match="Only declined or ineligible bids are signposted to other funders"):
            signposts.start(bid, actor=officer)
        assert signposts.signpost_for(bid) is None

    assert [candidate.application for candidate in signposts.candidates()] == [declined_bid]


# Changing the list -----------------------------------------------------------------------------------------


def test_the_officer_adds_and_removes_funders_but_not_a_closed_one_or_one_already_listed(
    declined_bid, entries, officer
):
    signpost = signposts.start(declined_bid, actor=officer, now=STARTED)

    with pytest.raises(DomainError, match="Closed Trust: Old grants is closed to new applications") as refused:
        signposts.add(signpost, entries["Old grants"], actor=officer)
    assert refused.value.field == "programme_id"
    with pytest.raises(DomainError, match="Acorn Trust: Small grants is already on the list"):
        signposts.add(signpost, entries["Small grants"], actor=officer)

    # An officer who knows better may add a programme the matching ruled out.
    added = signposts.add(signpost, entries["Charity grants"], actor=officer, now=STARTED)
    assert added.added_by_officer is True
    assert added.position == 5
    assert reasons(added)["kind"] == (
        False,
        "Not open to your kind of group (Unincorporated community group); open to: Registered charity",
    )
    assert names(signpost) == [*BEST_FIVE, "Charity grants"]
    assert [match.programme.name for match in signposts.addable(signpost)] == ["Arts grants"]

    signposts.remove(signpost.suggestions[1], actor=officer)
    assert names(signpost) == ["Welcome grants", "Small grants", "Big grants", "Anything grants", "Charity grants"]
    assert [event.after for event in events("signpost.funder_added")] == [
        {"programme": "Charities Only: Charity grants"}
    ]
    assert [event.before for event in events("signpost.funder_removed")] == [
        {"programme": "Elders Fund: Later life grants"}
    ]

    signposts.send(signpost, note="", actor=officer, now=STARTED)
    with pytest.raises(DomainError, match="The letter has been sent, so its funders cannot change"):
        signposts.add(signpost, entries["Arts grants"], actor=officer)
    with pytest.raises(DomainError, match="The letter has been sent, so its funders cannot change"):
        signposts.remove(signpost.suggestions[0], actor=officer)
    assert len(signpost.suggestions) == 5


# Sending ---------------------------------------------------------------------------------------------------


def test_the_letter_needs_a_short_enough_note_and_at_least_one_funder(declined_bid, entries, officer):
    signpost = signposts.start(declined_bid, actor=officer, now=STARTED)

    with pytest.raises(DomainError, match="Enter a note of 5,000 characters or fewer") as refused:
        signposts.send(signpost, note="x" * 5001, actor=officer)
    assert refused.value.field == "note"

    for suggestion in list(signpost.suggestions):
        signposts.remove(suggestion, actor=officer)
    with pytest.raises(DomainError, match="Add at least one funder before sending the letter"):
        signposts.send(signpost, note="Good luck", actor=officer)

    assert signpost.status is SignpostStatus.DRAFT
    assert queued_emails(template="signposting/letter") == []


def test_a_funder_that_closed_since_it_was_suggested_must_come_off_before_the_letter_goes(
    declined_bid, entries, officer
):
    signpost = signposts.start(declined_bid, actor=officer, now=STARTED)
    directory.close_programme(entries["Small grants"], actor=officer)
    directory.close_programme(entries["Big grants"], actor=officer)

    with pytest.raises(DomainError) as refused:
        signposts.send(signpost, note="Good luck", actor=officer)

    assert str(refused.value) == (
        "Acorn Trust: Small grants; Beech Trust: Big grants closed since it was suggested: remove it first"
    )
    assert signpost.status is SignpostStatus.DRAFT
    assert queued_emails(template="signposting/letter") == []

    for suggestion in [s for s in signpost.suggestions if s.programme.status is ProgrammeStatus.CLOSED]:
        signposts.remove(suggestion, actor=officer)
    assert signposts.send(signpost, note="Good luck", actor=officer) == 2


def test_sending_queues_the_letter_to_each_of_the_groups_addresses_and_sets_the_follow_up(
    declined_bid, entries, officer
):
    signpost = signposts.start(declined_bid, actor=officer, now=STARTED)
    # The directory changed after the suggestions were made: the letter gives the reasons as they stand now.
    directory.update_programme(
        entries["Small grants"],
        directory.ProgrammeDetails(
            **{**directory.details_of(entries["Small grants"]).__dict__, "max_award_pence": 400_000}
        ),
        actor=officer,
    )
    when = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)  # already 1 July in London

    queued = signposts.send(signpost, note="  Welcome grants opens again in May.  ", actor=officer, now=when)

    addresses = applications.group_addresses(declined_bid)
    assert len(addresses) == 2
    assert queued == 2
    sent_letters = letters("signposting/letter", declined_bid)
    assert sorted(message.recipient for message in sent_letters) == sorted(addresses)
    assert queued_emails(template="signposting/letter") == sent_letters
    context = sent_letters[0].context
    assert sent_letters[1].context == context
    assert context["reference"] == declined_bid.reference
    assert context["organisation"] == declined_bid.organisation.name
    assert context["round"] == declined_bid.round.name
    assert context["declined"] is True
    assert context["note"] == "Welcome grants opens again in May."
    assert [(funder["funder"], funder["programme"]) for funder in context["funders"]] == [
        ("Newcomers Trust", "Welcome grants"),
        ("Elders Fund", "Later life grants"),
        ("Acorn Trust", "Small grants"),
        ("Beech Trust", "Big grants"),
        ("Cedar Fund", "Anything grants"),
    ]
    welcome, _, small, big, _ = context["funders"]
    assert welcome["link"] == "https://example.org/welcome-grants"
    assert (
        welcome["reasons"][0]
        == "Funds work on asylum seekers and refugees, older people and poverty, as your project is"
    )
    assert welcome["cautions"] == []
    assert small["cautions"] == [
        "Grants up to £4,000; you asked for £5,000.50: you could scale the project down or ask for part of the cost"
    ]
    assert big["cautions"] == ["Grants from £20,000; you asked for £5,000.50: it suits a larger project"]
    assert all(f"{reason}" not in big["reasons"] for reason in big["cautions"])

    assert signpost.status is SignpostStatus.SENT
    assert signpost.note == "Welcome grants opens again in May."
    assert (signpost.sent_at, signpost.sent_by_id) == (when, officer.user_id)
    assert signpost.follow_up_due_on == date(2026, 7, 1) + timedelta(weeks=12) == date(2026, 9, 23)
    [event] = events("signpost.sent")
    assert event.after == {
        "note": "Welcome grants opens again in May.",
        "funders": [
            "Newcomers Trust: Welcome grants",
            "Elders Fund: Later life grants",
            "Acorn Trust: Small grants",
            "Beech Trust: Big grants",
            "Cedar Fund: Anything grants",
        ],
        "letters": 2,
    }
    assert signposts.sent_signpost_for(declined_bid) is signpost

    with pytest.raises(DomainError, match="The letter has been sent"):
        signposts.send(signpost, note="Again", actor=officer)
    assert len(queued_emails(template="signposting/letter")) == 2


def test_a_letter_to_an_ineligible_group_says_so(ineligible_bid, entries, officer):
    signpost = sent(ineligible_bid, officer)
    assert {message.context["declined"] for message in letters("signposting/letter", ineligible_bid)} == {False}
    assert signpost.follow_up_due_on == date(2026, 3, 30)


# Outcomes --------------------------------------------------------------------------------------------------


def test_outcomes_wait_for_the_letter_and_a_grant_needs_its_amount(declined_bid, entries, officer):
    signpost = signposts.start(declined_bid, actor=officer, now=STARTED)
    welcome = signpost.suggestions[0]

    with pytest.raises(DomainError, match="Outcomes are recorded once the letter has been sent"):
        signposts.record_outcome(welcome, outcome=SignpostOutcome.APPLIED, amount_pence=None, actor=officer)

    signposts.send(signpost, note="", actor=officer, now=STARTED)
    for missing in (None, 0, -100):
        with pytest.raises(DomainError, match="Enter how much the funder gave") as refused:
            signposts.record_outcome(welcome, outcome=SignpostOutcome.FUNDED, amount_pence=missing, actor=officer)
        assert refused.value.field == "amount"
    for outcome in (SignpostOutcome.APPLIED, SignpostOutcome.UNSUCCESSFUL, SignpostOutcome.NOT_PURSUED):
        with pytest.raises(DomainError, match="Only enter an amount if the funder gave a grant"):
            signposts.record_outcome(welcome, outcome=outcome, amount_pence=100, actor=officer)
    assert welcome.outcome is None
    assert events("signpost.outcome_recorded") == []


def test_recording_an_outcome_keeps_the_amount_exactly_and_audits_before_and_after(declined_bid, entries, officer):
    signpost = sent(declined_bid, officer)
    welcome = signpost.suggestions[0]
    when = STARTED + timedelta(weeks=13)

    signposts.record_outcome(
        welcome, outcome=SignpostOutcome.FUNDED, amount_pence=750_001, note="  Two years  ", actor=officer, now=when
    )

    assert (welcome.outcome, welcome.amount_raised_pence, welcome.outcome_note) == (
        SignpostOutcome.FUNDED,
        750_001,
        "Two years",
    )
    assert (welcome.outcome_recorded_at, welcome.outcome_recorded_by_id) == (when, officer.user_id)
    assert signpost.outcomes_recorded == 1

    signposts.record_outcome(welcome, outcome=SignpostOutcome.UNSUCCESSFUL, amount_pence=None, actor=officer)

    assert (welcome.outcome, welcome.amount_raised_pence) == (SignpostOutcome.UNSUCCESSFUL, None)
    first, second = events("signpost.outcome_recorded")
    assert (first.object_type, first.object_id) == ("signpost", str(signpost.id))
    assert first.before == {
        "programme": "Newcomers Trust: Welcome grants",
        "outcome": None,
        "amount_pence": None,
        "note": "",
    }
    assert first.after == {
        "programme": "Newcomers Trust: Welcome grants",
        "outcome": "funded",
        "amount_pence": 750_001,
        "note": "Two years",
    }
    assert second.before == first.after
    assert second.after == {
        "programme": "Newcomers Trust: Welcome grants",
        "outcome": "unsuccessful",
        "amount_pence": None,
        "note": "",
    }


def test_a_group_recording_its_own_outcome_is_the_recorder(declined_bid, entries, officer):
    signpost = sent(declined_bid, officer)
    member = Actor(declined_bid.submitted_by)
    signposts.record_outcome(signpost.suggestions[1], outcome=SignpostOutcome.APPLIED, amount_pence=None, actor=member)
    assert signpost.suggestions[1].outcome_recorded_by_id == declined_bid.submitted_by.id


# Following up ----------------------------------------------------------------------------------------------


def test_the_group_is_asked_once_when_the_follow_up_is_due(declined_bid, entries, officer):
    signpost = sent(declined_bid, officer, now=datetime(2026, 4, 1, 10, 0, tzinfo=UTC))
    assert signpost.follow_up_due_on == date(2026, 6, 24)
    signposts.record_outcome(
        signpost.suggestions[0], outcome=SignpostOutcome.FUNDED, amount_pence=120_050, actor=officer
    )

    assert signposts.send_follow_ups(now=datetime(2026, 6, 23, 12, 0, tzinfo=UTC)) == 0
    assert queued_emails(template="signposting/follow_up") == []
    assert signpost.follow_up_sent_at is None

    due = datetime(2026, 6, 24, 8, 0, tzinfo=UTC)
    assert signposts.send_follow_ups(now=due) == 1

    follow_ups = letters("signposting/follow_up", declined_bid)
    assert sorted(message.recipient for message in follow_ups) == sorted(applications.group_addresses(declined_bid))
    context = follow_ups[0].context
    assert context["reference"] == declined_bid.reference
    assert context["sent_on"] == "1 April 2026"
    assert context["waiting"] == [
        "Elders Fund: Later life grants",
        "Acorn Trust: Small grants",
        "Beech Trust: Big grants",
        "Cedar Fund: Anything grants",
    ]
    # Only the funders it has not told us about: the grant already recorded is not asked about again.
    assert signpost.suggestions[0].programme.title not in context["waiting"]
    assert signpost.follow_up_sent_at == due
    [event] = events("signpost.follow_up_sent")
    assert (event.object_id, event.actor_id) == (str(signpost.id), None)

    assert signposts.send_follow_ups(now=due + timedelta(days=1)) == 0
    assert len(queued_emails(template="signposting/follow_up")) == 2


def test_a_group_that_has_told_us_about_every_funder_is_not_asked(
    round_, make_user, declined_bid, ineligible_bid, entries, officer
):
    told_us = sent(declined_bid, officer)
    for suggestion in told_us.suggestions:
        signposts.record_outcome(suggestion, outcome=SignpostOutcome.NOT_PURSUED, amount_pence=None, actor=officer)
    sent(ineligible_bid, officer)
    draft = signposts.start(ineligible(round_, officer, make_user, name="Draft Signpost Group"), actor=officer)

    assert signposts.send_follow_ups(now=STARTED + timedelta(weeks=20)) == 1

    assert letters("signposting/follow_up", declined_bid) == []
    assert len(letters("signposting/follow_up", ineligible_bid)) == 2
    assert told_us.follow_up_sent_at is None
    assert draft.follow_up_sent_at is None


def test_the_follow_up_falls_due_on_the_london_date_across_the_spring_clock_change(ineligible_bid, entries, officer):
    # Sent on 5 January (GMT); due 12 weeks later on 30 March, the day after the clocks go forward.
    signpost = sent(ineligible_bid, officer, now=datetime(2026, 1, 5, 23, 30, tzinfo=UTC))
    assert signpost.follow_up_due_on == date(2026, 3, 30)

    assert signposts.send_follow_ups(now=datetime(2026, 3, 29, 22, 59, tzinfo=UTC)) == 0  # 11:59pm BST on the 29th
    assert signposts.send_follow_ups(now=datetime(2026, 3, 29, 23, 0, tzinfo=UTC)) == 1  # midnight BST: the 30th


def test_the_follow_up_falls_due_on_the_london_date_across_the_autumn_clock_change(ineligible_bid, entries, officer):
    # Sent at 12:30am BST on 1 September (still 31 August in UTC); due on 24 November, in GMT.
    signpost = sent(ineligible_bid, officer, now=datetime(2026, 8, 31, 23, 30, tzinfo=UTC))
    assert signpost.follow_up_due_on == date(2026, 11, 24)

    assert signposts.send_follow_ups(now=datetime(2026, 11, 23, 23, 59, tzinfo=UTC)) == 0
    assert signposts.send_follow_ups(now=datetime(2026, 11, 24, 0, 0, tzinfo=UTC)) == 1
    assert {message.context["sent_on"] for message in queued_emails(template="signposting/follow_up")} == {
        "1 September 2026"
    }


def test_the_emailed_letter_gives_each_programmes_notes_as_the_printable_one_does(declined_bid, entries, officer):
    programme = entries["Small grants"]
    directory.update_programme(
        programme,
        directory.ProgrammeDetails(**{**directory.details_of(programme).__dict__, "notes": "Call before applying."}),
        actor=officer,
    )
    signposts.send(signposts.start(declined_bid, actor=officer), note="", actor=officer)

    email = render_email("signposting/letter", letters("signposting/letter", declined_bid)[0].context)

    assert "Call before applying." in email.text
    assert "<p>Call before applying.</p>" in email.html
