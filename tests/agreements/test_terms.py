"""The standard terms: each publication is a new version, and an agreement keeps the version it was drafted with."""

import pytest

from grantsfund.agreements import terms
from grantsfund.common.errors import DomainError
from tests.agreements import factories
from tests.agreements.factories import TERMS_BODY, events


def test_publishing_creates_numbered_versions_the_latest_current(officer):
    assert terms.current() is None
    first = terms.publish(title=" Standard terms ", body=f"\n{TERMS_BODY}\n", actor=officer)
    second = terms.publish(
        title="Standard terms", body=TERMS_BODY + "\n\n4. Credit the council.", summary=" Added 4 ", actor=officer
    )

    assert (first.version, second.version) == (1, 2)
    assert (first.title, first.body) == ("Standard terms", TERMS_BODY)
    assert second.summary_of_changes == "Added 4"
    assert terms.current() == second
    assert terms.all_versions() == [second, first]
    assert terms.get(first.id) == first
    assert second.paragraphs == [
        "1. Use the grant only for the project.",
        "2. Tell us about changes.",
        "3. Keep records for six years.",
        "4. Credit the council.",
    ]
    [event] = events("standard_terms.published", second)
    assert event.after == {"version": 2, "title": "Standard terms"}
    assert event.actor_id == officer.user_id


def test_an_agreement_keeps_the_terms_it_was_drafted_with_after_a_new_version(round_, officer, make_user, people):
    first_bid, second_bid = factories.approved(round_, officer, make_user, people, count=2)
    original = factories.standard_terms(officer)
    early = factories.drafted(first_bid, officer)
    accepted = factories.accepted(second_bid, officer)

    newer = terms.publish(title="Standard terms 2027", body="1. New wording.", actor=officer)

    assert terms.current() == newer
    assert early.terms == original
    assert accepted.terms == original
    assert original.body == TERMS_BODY


def test_a_new_draft_after_publication_takes_the_new_version(round_, officer, make_user, people):
    first_bid, second_bid = factories.approved(round_, officer, make_user, people, count=2)
    early = factories.drafted(first_bid, officer)
    newer = terms.publish(title="Standard terms 2027", body="1. New wording.", actor=officer)
    later = factories.drafted(second_bid, officer)
    assert (early.terms.version, later.terms) == (1, newer)


def test_publishing_the_same_text_again_is_refused(officer):
    terms.publish(title="Standard terms", body=TERMS_BODY, actor=officer)
    with pytest.raises(DomainError, match="Nothing has changed since version 1") as raised:
        terms.publish(title=" Standard terms", body=TERMS_BODY + "\n", summary="No change really", actor=officer)
    assert raised.value.field == "body"
    assert [version.version for version in terms.all_versions()] == [1]


def test_a_new_title_alone_is_a_new_version(officer):
    terms.publish(title="Standard terms", body=TERMS_BODY, actor=officer)
    assert terms.publish(title="Communities Fund terms", body=TERMS_BODY, actor=officer).version == 2


@pytest.mark.parametrize(
    ("title", "body", "field", "message"),
    [
        ("  ", TERMS_BODY, "title", "Enter a title for the terms"),
        ("x" * 201, TERMS_BODY, "title", "The title must be 200 characters or fewer"),
        ("Terms", " \n ", "body", "Enter the text of the terms"),
        ("Terms", "x" * 50_001, "body", "The terms must be 50,000 characters or fewer"),
    ],
    ids=["no-title", "long-title", "no-body", "long-body"],
)
def test_terms_without_a_title_or_text_or_too_long_are_refused(officer, title, body, field, message):
    with pytest.raises(DomainError, match=message) as raised:
        terms.publish(title=title, body=body, actor=officer)
    assert raised.value.field == field
    assert terms.current() is None
