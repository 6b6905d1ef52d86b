"""Whatever is typed or sent into any applications form, the answer is a page, never a server error."""

import pytest

from tests.applications import factories
from tests.fuzzing import assert_no_server_error

EXTRA_VALUES = ["y", "2027-01", "1999-13", "newcomers", "other", "<script>alert(1)</script>", "word " * 600, "1"]
ACTIVITY_FIELDS = [f"activities-{n}-{part}" for n in (0, 1, 25) for part in ("month", "description")]

SECTION = ["version", "save_later"]
ABOUT = [*SECTION, "title", "summary", "themes", "start_date", "end_date"]
FORMS = [
    ("/funding/{round}/apply", ["organisation_id"]),
    ("/applications/{application}/eligibility/{question}", ["answer"]),
    ("/applications/{application}/about-the-project", ABOUT),
    ("/applications/{application}/need-and-evidence", [*SECTION, "need", "community_involvement"]),
    ("/applications/{application}/who-benefits", [*SECTION, "wards", "communities", "estimated_people", "mixing"]),
    ("/applications/{application}/activities-and-timetable", [*SECTION, *ACTIVITY_FIELDS]),
]  # fmt: skip


@pytest.mark.parametrize(("url", "fields"), FORMS, ids=[url for url, _ in FORMS])
def test_applications_forms_never_answer_with_a_server_error(applicant_client, make_user, url, fields):
    round_ = factories.open_round(make_user)
    group = factories.group(applicant_client.user)
    application = factories.draft(round_, group, applicant_client.user)
    factories.group(applicant_client.user, name="Second group")  # so the start page asks which group
    target = url.format(round=round_.id, application=application.id, question=round_.questions[0].id)
    assert_no_server_error(applicant_client, target, fields, extra_values=[*EXTRA_VALUES, str(group.id)])
