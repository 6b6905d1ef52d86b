"""Whatever is typed or sent into any applications form, the answer is a page, never a server error."""

import pytest

from tests.applications import factories
from tests.fuzzing import assert_no_server_error

EXTRA_VALUES = ["y", "2027-01", "1999-13", "newcomers", "other", "<script>alert(1)</script>", "word " * 600, "1"]
EXTRA_VALUES += ["venue", "secured", "hoped", "£1,000,000.01", "0.001", "authority", "accurate", "data_use", "women"]


def rows(name, parts):
    """Fields of the first two rows of a list, and of a row far beyond the list's end."""
    return [f"{name}-{n}-{part}" for n in (0, 1, 45) for part in parts]


ACTIVITY_FIELDS = rows("activities", ("month", "description"))
FUNDING = ("source", "amount", "status")

SECTION = ["version", "save_later"]
ABOUT = [*SECTION, "title", "summary", "themes", "start_date", "end_date"]
FORMS = [
    ("/funding/{round}/apply", ["organisation_id"]),
    ("/applications/{application}/eligibility/{question}", ["answer"]),
    ("/applications/{application}/about-the-project", ABOUT),
    ("/applications/{application}/need-and-evidence", [*SECTION, "need", "community_involvement"]),
    ("/applications/{application}/who-benefits", [*SECTION, "wards", "communities", "estimated_people", "mixing"]),
    ("/applications/{application}/activities-and-timetable", [*SECTION, *ACTIVITY_FIELDS]),
    ("/applications/{application}/budget",
     [*SECTION, *rows("budget_lines", ("item", "category", "amount")), *rows("match_funding", FUNDING)]),
    ("/applications/{application}/outcomes",
     [*SECTION, *rows("outcomes", ("indicator", "target", "unit", "measurement"))]),
    ("/applications/{application}/sustainability",
     [*SECTION, "continuation", "continuation_fallback", *rows("continuation_income", FUNDING)]),
    ("/applications/{application}/attachments", SECTION),
    ("/applications/{application}/declarations", [*SECTION, "declared_name", "declared_position", "confirmations"]),
    ("/applications/{application}/equality-monitoring", ["led_by_communities", "leadership"]),
    ("/applications/{application}/check-your-answers", ["confirm"]),
    ("/applications/{submitted}/withdraw", ["reason"]),
]  # fmt: skip


@pytest.mark.parametrize(("url", "fields"), FORMS, ids=[url for url, _ in FORMS])
def test_applications_forms_never_answer_with_a_server_error(applicant_client, make_user, url, fields):
    round_ = factories.open_round(make_user)
    group = factories.group(applicant_client.user)
    application = factories.draft(round_, group, applicant_client.user)
    second = factories.group(applicant_client.user, name="Second group")  # so the start page asks which group
    submitted = factories.submitted(round_, second, applicant_client.user) if "{submitted}" in url else None
    target = url.format(
        round=round_.id,
        application=application.id,
        question=round_.questions[0].id,
        submitted=submitted.id if submitted else None,
    )
    assert_no_server_error(applicant_client, target, fields, extra_values=[*EXTRA_VALUES, str(group.id)])
