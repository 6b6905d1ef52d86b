"""The return's section forms as a group meets them: each error names the budget line, the outcome or the row it is
about and links to it, numbers are read as people write them, and a save from a page opened before another
member's change is refused with what was typed kept."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grantsfund.applications.models import Community
from grantsfund.common.fields import CountField, PoundsField
from grantsfund.common.forms import BaseForm
from grantsfund.monitoring import returns, sections
from grantsfund.monitoring.outcomes import PERCENT
from tests.conftest import error_messages, page, sign_in_as
from tests.monitoring.factories import PNG, started
from tests.panel.factories import join_group


def section_url(ret, section: str) -> str:
    return f"/monitoring/returns/{ret.id}/{section}"


def error_links(response) -> list[str]:
    return [link["href"] for link in page(response).select(".govuk-error-summary__list a")]


def shown_value(response, name: str) -> str:
    field = page(response).select_one(f"[name='{name}']")
    assert field is not None, name
    return field.get_text().strip() if field.name == "textarea" else str(field.get("value", ""))


# Spending ------------------------------------------------------------------------------------------------------


def test_each_spending_error_names_its_budget_line(applicant_client, grant):
    ret = started(grant)
    [first, second] = [line.item for line in ret.spend]

    response = applicant_client.submit(section_url(ret, "spend"), {"spent_1": "-1", "spent_2": "-1", "completed": "no"})

    assert error_messages(response) == [
        f"Enter the amount spent on {first} as £0 or more",
        f"Enter the amount spent on {second} as £0 or more",
    ]
    assert error_links(response) == ["#spent_1", "#spent_2"]
    assert [shown_value(response, "spent_1"), shown_value(response, "spent_2")] == ["-1", "-1"]


@pytest.mark.parametrize("typed", ["100,000,000.01", "100000001", "5000000000"])
def test_spending_has_one_limit_the_rule_s(applicant_client, grant, typed):
    ret = started(grant)
    item = ret.spend[0].item

    response = applicant_client.submit(section_url(ret, "spend"), {"spent_1": typed, "completed": "no"})

    assert error_messages(response) == [f"Enter the amount spent on {item} as £100,000,000.00 or less"]
    assert [line.spent_pence for line in ret.spend] == [None, None]


def test_the_largest_amount_the_rule_allows_is_saved(applicant_client, grant):
    ret = started(grant)

    applicant_client.submit(section_url(ret, "spend"), {"spent_1": "100,000,000", "spent_2": "1", "completed": "no"})

    assert [line.spent_pence for line in ret.spend] == [sections.MAX_SPENT_PENCE, 100]


# Outcomes ------------------------------------------------------------------------------------------------------


def test_each_outcome_error_names_its_measure_and_says_what_to_do(applicant_client, grant):
    ret = started(grant)
    measures = [outcome.indicator.measure for outcome in ret.outcomes]
    typed = {f"actual_{number}": "-3" for number in range(1, len(measures) + 1)}

    response = applicant_client.submit(section_url(ret, "outcomes"), {**typed, "completed": "no"})

    what = ["the percentage" if outcome.indicator.unit == PERCENT else "the number" for outcome in ret.outcomes]
    assert error_messages(response) == [
        f"Enter {kind} for ‘{measure}’ as 0 or more" for kind, measure in zip(what, measures, strict=True)
    ]
    response = applicant_client.submit(section_url(ret, "outcomes"), {"actual_1": "lots", "completed": "no"})
    assert error_messages(response) == [f"Enter {what[0]} for ‘{measures[0]}’ as a whole number, like 1"]
    assert shown_value(response, "actual_1") == "lots"


def test_a_count_written_with_a_thousands_separator_is_saved(applicant_client, grant):
    ret = started(grant)
    [count] = [number for number, item in enumerate(ret.outcomes, start=1) if item.indicator.unit != PERCENT][:1]

    applicant_client.submit(section_url(ret, "outcomes"), {f"actual_{count}": "1,200", "completed": "no"})

    assert ret.outcomes[count - 1].actual == 1200


def test_people_written_with_a_thousands_separator_are_saved_and_a_negative_number_is_explained(
    applicant_client, grant
):
    ret = started(grant)
    row = {"beneficiaries-0-community": "newcomers", "beneficiaries-0-ward": "unknown", "completed": "no"}

    second = {"beneficiaries-1-community": "older_people", "beneficiaries-1-ward": "unknown"}
    response = applicant_client.submit(
        section_url(ret, "beneficiaries"),
        {**row, **second, "beneficiaries-0-people": "-5", "beneficiaries-1-people": "-5"},
    )
    assert error_messages(response) == [
        "Enter the number of people in row 1 as 0 or more",
        "Enter the number of people in row 2 as 0 or more",
    ]

    applicant_client.submit(section_url(ret, "beneficiaries"), {**row, "beneficiaries-0-people": "1,200"})
    assert [item.people for item in ret.beneficiaries] == [1200]


# The row a problem is about ------------------------------------------------------------------------------------


def test_a_row_entered_twice_is_shown_at_the_second_row_not_the_first(applicant_client, grant):
    ret = started(grant)
    [ward] = returns.wards_for(ret)
    row = {"community": "newcomers", "ward": str(ward.id), "people": "4"}
    # Rows 1 and 3 are the same, with an empty row 2 between them (sent empty, as a browser sends it).
    posted = {
        f"beneficiaries-{index}-{name}": value if index != 1 else ""
        for index in (0, 1, 2)
        for name, value in row.items()
    }

    response = applicant_client.submit(section_url(ret, "beneficiaries"), {**posted, "completed": "no"})

    assert error_messages(response) == [
        f"{Community.NEWCOMERS.label} in {ward.name} is entered twice: add the numbers together in one row"
    ]
    assert error_links(response) == ["#beneficiaries-2-community"]
    message = page(response).select_one("#beneficiaries-2-community-error")
    assert message is not None
    assert "entered twice" in message.get_text()
    assert page(response).select_one("#beneficiaries-0-community-error") is None
    assert ret.beneficiaries == []


# Two members editing at once -----------------------------------------------------------------------------------


@pytest.fixture
def other_member(app, make_user, grant):
    """A second member of the group, signed in on a browser of their own."""
    person = make_user(email="second.member@example.org")
    join_group(grant.application, person)
    return sign_in_as(app.test_client(), person)


def opened_version(response) -> str:
    return shown_value(response, "version")


def test_a_save_from_a_page_opened_before_another_members_save_is_refused_with_the_typing_kept(
    applicant_client, other_member, grant
):
    ret = started(grant)
    url = section_url(ret, "progress")
    mine = opened_version(applicant_client.get(url))
    theirs = opened_version(other_member.get(url))
    assert mine == theirs

    saved = other_member.submit(url, {"progress": "Their account", "completed": "yes", "version": theirs})
    assert saved.status_code == 302
    refused = applicant_client.submit(url, {"progress": "My account", "completed": "no", "version": mine})

    assert refused.status_code == 200
    assert error_messages(refused) == [
        "This return was changed after you opened this page: check your answers and save again"
    ]
    assert shown_value(refused, "progress") == "My account"
    assert ret.progress == "Their account"
    assert returns.is_completed(ret, sections.ReturnSection.PROGRESS)

    # Having seen the message, saving again keeps theirs out on purpose.
    again = applicant_client.submit(
        url, {"progress": "My account", "completed": "no", "version": opened_version(refused)}
    )
    assert again.status_code == 302
    assert ret.progress == "My account"


def test_adding_evidence_also_makes_an_open_section_page_out_of_date(applicant_client, other_member, grant):
    ret = started(grant)
    url = section_url(ret, "risks")
    opened = opened_version(applicant_client.get(url))

    uploaded = other_member.post(
        f"/monitoring/returns/{ret.id}/evidence/upload",
        data={
            "csrf_token": other_member.csrf_token(),
            "description": "The register",
            "file": (io.BytesIO(PNG), "register.png"),
        },
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 302

    refused = applicant_client.submit(url, {"risks": "None", "completed": "yes", "version": opened})
    assert error_messages(refused)[0].startswith("This return was changed after you opened this page")
    assert ret.risks == ""


def test_each_save_moves_the_version_on_so_the_same_page_cannot_be_saved_twice(applicant_client, grant):
    ret = started(grant)
    url = section_url(ret, "risks")
    opened = opened_version(applicant_client.get(url))

    assert applicant_client.submit(url, {"risks": "A", "completed": "no", "version": opened}).status_code == 302
    assert opened_version(applicant_client.get(url)) == str(int(opened) + 1)
    second = applicant_client.submit(url, {"risks": "B", "completed": "no", "version": opened})
    assert error_messages(second)[0].startswith("This return was changed after you opened this page")
    assert ret.risks == "A"


# The fields, for any number ------------------------------------------------------------------------------------


class Counted(BaseForm):
    count = CountField("Count", thing="the count", minimum=0, maximum=999_999, optional=True)
    spent = PoundsField("Spent", required=None, thing="the amount spent on Hall hire", maximum=10_000_00)


def counted(app, **typed: str) -> Counted:
    with app.test_request_context(method="POST", data=typed):
        form = Counted(meta={"csrf": False})
        form.validate()
        return form


@given(st.integers(min_value=0, max_value=999_999))
def test_a_count_is_read_with_or_without_separators(app, number):
    for typed in (str(number), f"{number:,}"):
        form = counted(app, count=typed)
        assert (form.count.data, form.count.errors) == (number, [])


@given(st.integers(min_value=1, max_value=10**20))
def test_a_count_out_of_range_says_the_limit(app, number):
    assert counted(app, count=f"-{number}").count.errors == ["Enter the count as 0 or more"]
    if number > 999_999:
        assert counted(app, count=f"{number:,}").count.errors == ["Enter the count as 999,999 or less"]


@given(st.integers(min_value=10_000_01, max_value=10**14))
def test_an_amount_beyond_the_maximum_says_the_maximum(app, pence):
    typed = f"{pence // 100}.{pence % 100:02d}"
    assert counted(app, spent=typed).spent.errors == ["Enter the amount spent on Hall hire as £10,000.00 or less"]


def test_an_amount_s_other_errors_name_it(app):
    assert counted(app, spent="1.234").spent.errors == [
        "Enter the amount spent on Hall hire with no more than 2 numbers after the decimal point"
    ]
    assert counted(app, spent="lots").spent.errors == [
        "Enter the amount spent on Hall hire in pounds and pence, like 1,234.50"
    ]
    assert counted(app, spent="10,000").spent.data == 10_000_00
