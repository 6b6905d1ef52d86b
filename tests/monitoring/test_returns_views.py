"""A group's returns over HTTP, CSRF on: the grant's returns, starting one, each section (errors shown with what was
typed kept), evidence (checked like documents, downloaded by the group and staff, never by another group), checking
the answers and sending the return."""

from __future__ import annotations

import io

import pytest

from grantsfund.common.money import format_pence
from grantsfund.monitoring import returns
from grantsfund.monitoring.models import ReturnSection, ReturnStatus
from grantsfund.notifications.rendering import render_email
from tests.conftest import error_messages, page, queued_emails, sign_in_as
from tests.fuzzing import assert_no_server_error
from tests.monitoring.factories import PNG, filled, period_of, started
from tests.panel.factories import join_group
from tests.payments.conftest import grants


def flash(response) -> str:
    banner = page(response).select_one(".govuk-notification-banner__content")
    return banner.get_text(" ", strip=True) if banner else ""


def table(response, selector: str) -> list[list[str]]:
    return [
        [cell.get_text(" ", strip=True) for cell in row.select("th, td")]
        for row in page(response).select(f"{selector} tbody tr")
    ]


def tasks(response) -> dict[str, str]:
    """The task list: each section's title and its status."""
    return {
        item.select_one(".govuk-task-list__name-and-hint a, .govuk-task-list__name-and-hint div").get_text(
            strip=True
        ): item.select_one(".govuk-task-list__status").get_text(" ", strip=True)
        for item in page(response).select(".govuk-task-list__item")
    }


def value(response, name: str) -> str:
    field = page(response).select_one(f"[name='{name}']")
    assert field is not None, name
    return field.get_text() if field.name == "textarea" else str(field.get("value", ""))


def section_url(ret, section: str) -> str:
    return f"/monitoring/returns/{ret.id}/{section}"


def test_the_group_sees_its_grants_returns_and_starts_the_first(applicant_client, grant):
    url = f"/monitoring/agreements/{grant.id}"
    shown = applicant_client.get(url)
    second = period_of(grant, 2)
    rows = table(shown, "#returns")
    assert [row[0] for row in rows] == ["Return for period 1", "Return for period 2", "Final return (period 3)"]
    assert rows[0][3:] == ["Not started", "£1,666.00 once the return is accepted", "Start the return for period 1"]
    assert rows[2][4] == "None"
    assert rows[1][5] == f"You can start it from {second.starts_on.day} {second.starts_on:%B %Y}"

    started_page = applicant_client.submit(f"{url}/periods/1/start", follow_redirects=True)
    ret = returns.return_for(period_of(grant, 1))
    assert page(started_page).h1.get_text(strip=True) == "Return for period 1"
    assert tasks(started_page) == {
        **{section.heading: "Not yet started" for section in ReturnSection},
        "Check your answers and send the return": "Cannot start yet",
    }
    # Starting again goes to the same return; a period not begun is refused with the reason.
    again = applicant_client.submit(f"{url}/periods/1/start")
    assert again.headers["Location"] == f"/monitoring/returns/{ret.id}"
    refused = applicant_client.submit(f"{url}/periods/2/start", follow_redirects=True)
    assert flash(refused).startswith("You can start the return for period 2 from")
    assert table(applicant_client.get(url), "#returns")[0][3::2] == ["In progress", "Continue the return for period 1"]


def test_the_group_fills_in_each_section_with_errors_shown_and_its_input_kept(applicant_client, grant):
    ret = started(grant)
    progress = section_url(ret, "progress")
    response = applicant_client.submit(progress, {"progress": "Twelve families came to the café.", "completed": ""})
    assert error_messages(response) == ["Select yes if you have completed this section"]
    assert value(response, "progress").strip() == "Twelve families came to the café."
    response = applicant_client.submit(progress, {"progress": " ", "completed": "yes"})
    assert error_messages(response) == ["Tell us how the project has gone in this period"]
    saved = applicant_client.submit(
        progress, {"progress": "Twelve families came.", "completed": "yes"}, follow_redirects=True
    )
    assert flash(saved) == "‘Progress’ saved."
    assert tasks(saved)["Progress"] == "Completed"
    assert page(applicant_client.get(progress)).select_one("input[name=completed][value=yes]").has_attr("checked")

    # People: a number that is not a number is shown back as typed.
    [ward] = returns.wards_for(ret)
    people = section_url(ret, "beneficiaries")
    row = {"beneficiaries-0-community": "newcomers", "beneficiaries-0-ward": str(ward.id), "completed": "yes"}
    response = applicant_client.submit(people, {**row, "beneficiaries-0-people": "twelve"})
    assert error_messages(response) == ["Enter the number of people in row 1 as a whole number, like 1"]
    assert value(response, "beneficiaries-0-people") == "twelve"
    response = applicant_client.submit(people, {"completed": "yes"})
    assert error_messages(response) == ["Enter the people who took part, by community and ward"]
    applicant_client.submit(
        people,
        {
            **row,
            "beneficiaries-0-people": "12",
            "beneficiaries-1-community": "older_people",
            "beneficiaries-1-ward": "unknown",
            "beneficiaries-1-people": "3",
        },
    )
    assert [(item.community, item.ward_id, item.people) for item in ret.beneficiaries] == [
        ("newcomers", ward.id, 12),
        ("older_people", None, 3),
    ]

    # Outcomes: this period's figure, beside the target.
    outcomes = section_url(ret, "outcomes")
    so_far = page(applicant_client.get(outcomes)).select_one("fieldset p.govuk-body").get_text()
    assert " ".join(so_far.split()) == (
        "Target for the whole grant: 80 people. So far, from returns already accepted: None reported yet."
    )
    response = applicant_client.submit(outcomes, {"actual_1": "", "completed": "yes"})
    assert error_messages(response) == [f"Enter the figure for ‘{ret.outcomes[0].indicator.measure}’"]
    applicant_client.submit(outcomes, {"actual_1": "9", "outcome_comment_1": "Two started jobs", "completed": "yes"})
    assert (ret.outcomes[0].actual, ret.outcomes[0].comment) == (9, "Two started jobs")

    # Spending: each line against what was expected by the period's end, and an explanation where it is far off.
    spend = section_url(ret, "spend")
    response = applicant_client.submit(spend, {"spent_1": "0", "spent_2": "£5", "completed": "yes"})
    assert error_messages(response) == [
        "Explain why you have spent less than expected on Item 1",
        "Explain why you have spent less than expected on Item 2",
    ]
    assert [value(response, "spent_1"), value(response, "spent_2")] == ["0", "£5"]
    checked = table(response, "#spend-check")
    assert [row[0] for row in checked] == ["Item 1", "Item 2"]
    second_line = returns.spend_variance(ret, ret.spend[1], 500)
    assert checked[1][1:] == [
        "£1,000.50",
        format_pence(second_line.expected_pence),
        "£5.00",
        f"{-second_line.difference_percent}% less",
        "Yes",
    ]
    assert checked[0][3:] == ["£0.00", "100% less", "Yes"]
    explained = {"explanation_1": "The kitchen is not fitted yet", "explanation_2": "Posters were donated"}
    applicant_client.submit(spend, {"spent_1": "0", "spent_2": "5", **explained, "completed": "yes"})
    assert [line.spent_pence for line in ret.spend] == [0, 500]
    assert returns.is_completed(ret, ReturnSection.SPEND)

    # A story needs the consent of the people in it.
    story = section_url(ret, "story")
    response = applicant_client.submit(
        story, {"story_title": "Amira", "story": "Amira found work.", "completed": "yes"}
    )
    assert error_messages(response) == [
        "Confirm that the people in the story agreed to the council using it",
        "Say how and when they gave their consent",
    ]
    assert value(response, "story_title") == "Amira"
    consent = {"story_consent": "yes", "story_consent_note": "Signed form, 3 March"}
    applicant_client.submit(
        story, {"story_title": "Amira", "story": "Amira found work.", **consent, "completed": "yes"}
    )
    assert (ret.story_title, ret.story_consent) == ("Amira", True)

    # The plan's activity for the period, and one that was not in the plan.
    activities = section_url(ret, "activities")
    legend = page(applicant_client.get(activities)).select_one("form legend").get_text(" ", strip=True)
    assert legend.startswith("Activity 1: First café Planned for")
    added = {"added-0-comment": "Forty came", "completed": "yes"}
    response = applicant_client.submit(activities, {**added, "delivery_1": "partly"})
    assert error_messages(response) == [
        "Say what you did in other activity 1",
    ]
    assert page(response).select_one("input[name=delivery_1][value=partly]").has_attr("checked")
    response = applicant_client.submit(activities, {**added, "delivery_1": "partly", "added-0-description": "A trip"})
    assert error_messages(response) == ["Say why activity 1 was not fully delivered"]
    assert value(response, "added-0-description") == "A trip"
    answers = {"delivery_1": "partly", "activity_comment_1": "The hall flooded", "added-0-description": "A trip"}
    applicant_client.submit(activities, {**added, **answers})
    assert [(entry["planned"], entry["delivery"], entry["comment"]) for entry in ret.activities] == [
        ("First café", "partly", "The hall flooded"),
        ("A trip", "delivered", "Forty came"),
    ]

    for section, field in (("risks", "risks"), ("sustainability", "sustainability_progress")):
        applicant_client.submit(section_url(ret, section), {field: "None", "completed": "yes"})
    shown = applicant_client.get(f"/monitoring/returns/{ret.id}")
    assert tasks(shown)["Evidence"] == "Not yet started"
    assert tasks(shown)["Check your answers and send the return"] == "Cannot start yet"
    applicant_client.submit(f"/monitoring/returns/{ret.id}/evidence", {"completed": "yes"})
    assert (
        tasks(applicant_client.get(f"/monitoring/returns/{ret.id}"))["Check your answers and send the return"]
        == "Not yet started"
    )


def test_checking_lists_what_stops_sending_and_then_sends_the_return(applicant_client, grant):
    ret = started(grant)
    filled(ret, skip=(ReturnSection.RISKS,))
    check = f"/monitoring/returns/{ret.id}/submit"
    shown = applicant_client.get(check)
    assert error_messages(shown) == ["Complete ‘Risks and issues’"]
    assert page(shown).select_one(".govuk-error-summary__list a")["href"] == section_url(ret, "risks")
    assert page(shown).select_one("main form button") is None
    refused = applicant_client.submit(check)
    assert error_messages(refused) == ["Complete ‘Risks and issues’"]
    assert ret.status is ReturnStatus.IN_PROGRESS

    applicant_client.submit(section_url(ret, "risks"), {"risks": "The hall may close in spring", "completed": "yes"})
    shown = applicant_client.get(check)
    assert error_messages(shown) == []
    headings = [heading.get_text(strip=True) for heading in page(shown).select("main h2.govuk-heading-m")]
    assert headings == [section.heading for section in ReturnSection] + ["Now send your return"]
    text = page(shown).get_text(" ", strip=True)
    assert "The hall may close in spring" in text
    assert "Newcomers to the area" in text

    sent = applicant_client.submit(check, follow_redirects=True)
    assert page(sent).select_one(".govuk-panel__title").get_text(strip=True) == "Return sent"
    assert ret.status is ReturnStatus.SUBMITTED
    [email] = queued_emails(template="monitoring/submitted")
    assert email.recipient == grant.issued_by.email
    rendered = render_email("monitoring/submitted", email.context)
    assert rendered.subject == f"A monitoring return to review: {grant.reference}, Return for period 1"
    assert f"/monitoring/returns/{ret.id}/review" in rendered.text
    # Sent: the sections can no longer be changed.
    back = applicant_client.get(section_url(ret, "risks"), follow_redirects=True)
    assert flash(back) == "This return is submitted: it cannot be changed now"
    version = applicant_client.get(f"/monitoring/returns/{ret.id}/versions/1")
    assert "The hall may close in spring" in page(version).get_text()


def upload(client, ret, *, data=PNG, filename="photo.png", description="The summer trip"):
    return client.post(
        f"/monitoring/returns/{ret.id}/evidence/upload",
        data={"csrf_token": client.csrf_token(), "description": description, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def test_evidence_is_checked_uploaded_downloaded_and_removed(
    app, applicant_client, officer_client, finance_client, grant, monkeypatch, make_user, round_, officer, people
):
    ret = started(grant)
    url = f"/monitoring/returns/{ret.id}/evidence"
    assert error_messages(upload(applicant_client, ret, description="")) == ["Say what the file shows"]
    no_file = applicant_client.submit(f"{url}/upload", {"description": "Trip"})
    assert error_messages(no_file) == ["Select a file"]
    assert value(no_file, "description") == "Trip"
    fake = upload(applicant_client, ret, data=b"just some text", filename="photo.png")
    assert error_messages(fake) == [
        "The selected file must be a PDF, Word document (DOCX), OpenDocument text (ODT), Excel spreadsheet (XLSX),"
        " JPEG or PNG"
    ]
    # A quarter of a megabyte, so the test's upload stays in memory (larger ones are spooled to a temporary file).
    monkeypatch.setitem(app.config, "UPLOAD_MAX_MB", 0.25)
    too_big = upload(applicant_client, ret, data=PNG + b"\x00" * (256 * 1024))
    assert error_messages(too_big) == ["The selected file must be smaller than 0.25MB"]
    assert ret.evidence == []

    done = upload(applicant_client, ret, filename="summer trip.png")
    assert done.headers["Location"] == url
    shown = applicant_client.get(url)
    assert flash(shown) == "summer-trip.png uploaded."
    assert table(shown, "#evidence")[0][0] == "summer-trip.png The summer trip"
    [evidence] = ret.evidence
    download = f"/monitoring/evidence/{evidence.id}"
    for client in (applicant_client, officer_client, finance_client):
        response = client.get(download)
        assert response.status_code == 200
        assert response.data == PNG
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert response.mimetype == "image/png"
    # Another group's member cannot know it exists.
    [theirs] = grants(round_, officer, make_user, people)
    stranger = make_user(email="stranger@example.org")
    join_group(theirs.application, stranger)
    stranger_client = sign_in_as(app.test_client(), stranger)
    assert stranger_client.get(download).status_code == 404
    assert stranger_client.get(f"/monitoring/returns/{ret.id}").status_code == 404

    removed = applicant_client.submit(f"{download}/remove", follow_redirects=True)
    assert flash(removed) == "summer-trip.png removed."
    assert ret.evidence == []


def test_a_member_of_another_group_cannot_start_or_change_this_groups_return(app, make_user, grant):
    ret = started(grant)
    stranger = sign_in_as(app.test_client(), make_user(email="other@example.org"))
    assert stranger.get(f"/monitoring/agreements/{grant.id}").status_code == 404
    assert stranger.submit(section_url(ret, "progress"), {"progress": "x", "completed": "yes"}).status_code == 404
    assert ret.progress == ""


@pytest.mark.parametrize(
    ("section", "fields"),
    [
        ("progress", ["progress", "completed", "version"]),
        (
            "beneficiaries",
            [
                "beneficiaries-0-community",
                "beneficiaries-0-ward",
                "beneficiaries-0-people",
                "beneficiaries-40-people",
                "completed",
                "version",
            ],
        ),
        ("outcomes", ["actual_1", "outcome_comment_1", "actual_2", "completed", "version"]),
        ("spend", ["spent_1", "explanation_1", "spent_2", "completed", "version"]),
        ("story", ["story_title", "story", "story_consent", "story_consent_note", "completed"]),
        ("activities", ["added-0-description", "added-0-comment", "added-11-description", "completed"]),
        ("evidence", ["completed", "version"]),
        ("evidence/upload", ["description", "file"]),
    ],
)
def test_no_input_to_a_section_causes_a_server_error(applicant_client, grant, section, fields):
    ret = started(grant)
    assert_no_server_error(
        applicant_client, section_url(ret, section), fields, extra_values=["newcomers", "unknown", "delivered", "yes"]
    )
    assert ret.status is ReturnStatus.IN_PROGRESS


def test_the_spending_page_says_when_the_budget_was_scaled_to_a_smaller_grant(applicant_client, grant):
    asked = grant.amount_pence + 150_000
    grant.application.amount_requested_pence = asked
    ret = started(grant)

    shown = page(applicant_client.get(f"/monitoring/returns/{ret.id}/spend")).select_one("main").get_text(" ")

    assert (
        f"You asked for {format_pence(asked)} and the grant is {format_pence(grant.amount_pence)}, so each line"
        " of your budget is scaled to the grant in the same proportion."
    ) in " ".join(shown.split())
