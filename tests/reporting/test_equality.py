"""The equality monitoring report: the voluntary answers about who leads the groups that applied, only ever added
up, every count rounded to the nearest 5 and none under 5 shown."""

from __future__ import annotations

import io
from datetime import timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from grantsfund.accounts.models import Role
from grantsfund.applications.equality import LEADERSHIP_ANSWERS, LED_BY_ANSWERS
from grantsfund.applications.models import ApplicationStatus
from grantsfund.organisations.models import LegalForm
from grantsfund.reporting.equality import NOT_SHOWN, count_answers, equality_tables
from grantsfund.reporting.suppression import shown
from grantsfund.reporting.tables import SUPPRESSED, Percent
from tests.conftest import error_messages, page
from tests.queries import statement_count
from tests.reporting.test_round_summary import NOW, answers, bid, csv_rows, fund, group, round_in, table

URL = "/reports/equality"
S = ApplicationStatus
FEWER = "Fewer than 5"


@pytest.fixture
def officer(make_user):
    return make_user(roles={Role.GRANTS_OFFICER})


@pytest.fixture
def world(officer):
    """Twenty applications: fourteen groups led by their communities (5 approved, 3 declined, 6 being assessed),
    three not (1 approved), one preferring not to say (approved), one that skipped the question and one that never
    answered (withdrawn)."""
    round_ = round_in(fund())
    made = []

    def applications(count, status, led_by, leadership=None, *, respond=True):
        for _ in range(count):
            application = bid(round_, group(officer, LegalForm.CIC, 100_000), officer, status, 100_000)
            if respond:
                answers(application, led_by, leadership)
            made.append(application)

    applications(5, S.APPROVED, "yes", ["women", "disabled"])
    applications(3, S.DECLINED, "yes", ["women"])
    applications(6, S.IN_ASSESSMENT, "yes", ["women"])
    applications(1, S.APPROVED, "no", ["none"])
    applications(2, S.IN_ASSESSMENT, "no", ["none"])
    applications(1, S.APPROVED, "prefer_not_to_say", ["prefer_not_to_say"])
    applications(1, S.IN_ASSESSMENT, None)
    applications(1, S.WITHDRAWN, None, respond=False)
    return {"round": round_, "applications": made}


@pytest.mark.parametrize("role", ["officer_client", "finance_client"])
def test_answers_are_added_up_rounded_and_small_numbers_held_back(role, client_for, world):
    response = client_for(role).get(URL)

    assert response.status_code == 200
    html = page(response)
    assert html.select_one("h1").get_text(strip=True) == "Equality monitoring"
    assert table(response, "led-by") == [
        # 14 applications (15), 5 funded (5), 3 declined (fewer than 5), 6 being assessed (5): no rate, as the 3
        # would be in it.
        ["Yes", "15", "5", FEWER, "5", NOT_SHOWN],
        ["No", FEWER, FEWER, FEWER, FEWER, NOT_SHOWN],
        ["Not sure", FEWER, FEWER, FEWER, FEWER, NOT_SHOWN],
        ["Prefer not to say", FEWER, FEWER, FEWER, FEWER, NOT_SHOWN],
        ["Not answered", FEWER, FEWER, FEWER, FEWER, NOT_SHOWN],
        # 20, 7, 3 and 10, rounded on their own: the rounded rows need not add up to them.
        ["All applications", "20", "5", FEWER, "10", NOT_SHOWN],
    ]
    women = LEADERSHIP_ANSWERS["women"]
    assert table(response, "leadership")[0] == [women, "15", "5", FEWER, "5", NOT_SHOWN]
    assert table(response, "leadership")[-1] == ["All applications", "20", "5", FEWER, "10", NOT_SHOWN]
    notes = " ".join(note.get_text(" ", strip=True) for note in html.select("#table-led-by ~ p.govuk-body-s"))
    assert "rounded to the nearest 5" in notes
    assert "a count from 0 to 4" in notes
    explanation = html.select_one("#how-counted").get_text(" ", strip=True)
    assert "Counts are rounded to the nearest 5, and counts under 5 are not shown" in explanation
    assert "including by comparing rounds or funds" in explanation
    assert "Rounded counts may not add up to the totals." in explanation
    assert (
        "more than one answer"
        in page(response).select_one("#table-leadership").find_next("p").find_next("p").get_text()
    )


def test_nothing_on_the_page_points_at_an_application(officer_client, world):
    html = officer_client.get(URL).get_data(as_text=True)

    for application in world["applications"]:
        assert application.reference not in html
        assert application.organisation.name not in html
        assert f"/applications/{application.id}" not in html


def test_counts_and_rates_are_shown_once_there_are_enough():
    # Each answer with 5 funded, 6 not funded and 7 still open; half the groups also chose "women".
    applications = [
        (status, {"led_by_communities": led_by, "leadership": ["women"] if number % 2 else ["older"]})
        for led_by in [*LED_BY_ANSWERS, None]
        for status, count in ((S.APPROVED, 5), (S.DECLINED, 6), (S.AT_PANEL, 7))
        for number in range(count * 2 if led_by == "yes" else count)
    ]

    led_by, leadership = equality_tables(count_answers(applications))

    # 36, 10, 12 and 14 read 35, 10, 10 and 15; the rate is 10 ÷ (10 + 10), from the rounded counts.
    assert led_by.rows[0] == ["Yes", 35, 10, 10, 15, Percent(Fraction(1, 2))]
    # 108, 30, 36 and 42, each rounded on its own (not 30 + 35 + 40 = 105).
    assert led_by.rows[-1] == ["All applications", 110, 30, 35, 40, Percent(Fraction(30, 65))]
    assert not any(NOT_SHOWN in row or SUPPRESSED in row for row in led_by.rows)
    # Nobody chose most of the leadership answers: those rows are all fewer than 5.
    assert leadership.rows[0][1] == 50
    assert leadership.rows[1][1:] == [SUPPRESSED] * 4 + [NOT_SHOWN]


def test_a_csv_and_the_spreadsheet_have_the_tables_on_the_page(officer_client, world):
    query = {"round": world["round"].id}
    response = officer_client.get(f"{URL}/led-by.csv", query_string=query)

    assert response.headers["Content-Disposition"].startswith('attachment; filename="equality-monitoring-')
    rows = csv_rows(response)
    assert rows[0] == [
        "Answer",
        "Applications",
        "Funded",
        "Not funded",
        "Still being decided or withdrawn",
        "Success rate",
    ]
    assert rows[1] == ["Yes", "15", "5", FEWER, "5", NOT_SHOWN]
    assert rows[-1] == ["All applications", "20", "5", FEWER, "10", NOT_SHOWN]

    with officer_client.get(f"{URL}.xlsx", query_string=query) as download:
        workbook = load_workbook(io.BytesIO(download.get_data()))
    sheet = workbook[workbook.sheetnames[0]]
    assert [cell.value for cell in sheet[2]] == ["Yes", 15, 5, FEWER, 5, NOT_SHOWN]
    assert len(workbook.sheetnames) == 2


def test_a_bad_filter_is_explained(officer_client, world):
    response = officer_client.get(URL, query_string={"fund": "nonsense"})

    assert response.status_code == 200
    assert error_messages(response) == ["Select a fund from the list"]
    assert officer_client.get(f"{URL}.xlsx", query_string={"fund": "x"}).headers["Location"] == f"{URL}?fund=x"


def test_the_page_runs_the_same_statements_for_few_applications_or_many(officer_client, officer):
    round_ = round_in(fund(), opens=NOW + timedelta(days=1))
    counts = []
    for more in (3, 12):
        for number in range(more):
            application = bid(round_, group(officer, LegalForm.CIC, 100_000), officer, S.APPROVED, 100_000)
            answers(application, "yes", ["women", "older"] if number % 2 else [])
        counts.append([statement_count(officer_client, URL), statement_count(officer_client, f"{URL}/leadership.csv")])
    assert counts[0] == counts[1]


def test_the_reports_page_lists_equality_monitoring(officer_client):
    assert page(officer_client.get("/reports")).find("a", string="Equality monitoring")["href"] == URL


# Adding up, without the database ---------------------------------------------------------------------------------


def test_answers_not_offered_and_repeated_choices_are_counted_properly():
    counted = count_answers(
        [
            (S.APPROVED, {"led_by_communities": "maybe", "leadership": ["women", "women", "aliens"]}),
            (S.DECLINED, {"led_by_communities": "yes", "leadership": ["aliens"]}),
            (S.INELIGIBLE, None),
            (S.SUBMITTED, {}),
        ]
    )

    assert counted.total == [1, 2, 1]
    assert counted.led_by["yes"] == [0, 1, 0]
    assert counted.led_by["Not answered"] == [1, 1, 1]
    assert counted.leadership["women"] == [1, 0, 0]
    assert counted.leadership["Not answered"] == [0, 2, 1]


STATUSES = st.sampled_from(list(ApplicationStatus))
LED_BY = st.one_of(st.none(), st.sampled_from(list(LED_BY_ANSWERS)))
LEADERSHIP = st.lists(st.sampled_from(list(LEADERSHIP_ANSWERS)), max_size=3)
RESPONSES = st.one_of(st.none(), st.fixed_dictionaries({"led_by_communities": LED_BY, "leadership": LEADERSHIP}))
# Groups of identical applications, so that counts of 5 and more are common as well as small ones.
APPLICATIONS = st.lists(st.tuples(st.integers(1, 9), STATUSES, RESPONSES), max_size=8).map(
    lambda groups: [(status, answers) for count, status, answers in groups for _ in range(count)]
)


def outcomes(row) -> list[int]:
    """A row's [funded, not funded, open] as the tables' cells read them, "fewer than 5" as 0."""
    return [0 if cell is SUPPRESSED else cell for cell in row[2:5]]


@settings(max_examples=150, deadline=None)
@given(applications=APPLICATIONS)
def test_every_count_is_shown_on_its_own_and_every_rate_from_shown_counts(applications):
    counted = count_answers(applications)
    led_by, leadership = equality_tables(counted)

    assert leadership.rows[-1] == led_by.rows[-1]
    for rows, parts in (
        (led_by.rows, [*counted.led_by.values(), counted.total]),
        (leadership.rows, [*counted.leadership.values(), counted.total]),
    ):
        for row, (funded, not_funded, still_open) in zip(rows, parts, strict=True):
            total = funded + not_funded + still_open
            assert row[1:5] == [shown(total), shown(funded), shown(not_funded), shown(still_open)]
            if funded < 5 or not_funded < 5:
                assert row[5] == NOT_SHOWN
            else:
                assert row[5] == Percent(Fraction(row[2], row[2] + row[3]))


@settings(max_examples=100, deadline=None)
@given(applications=APPLICATIONS, others=APPLICATIONS)
def test_how_an_answer_reads_does_not_depend_on_the_other_answers(applications, others):
    """A reader comparing two scopes (a round and its fund) learns nothing from cells held back in one and not the
    other: a row reads the same whatever else is in the table. (Holding back extra cells beside small ones, as
    before, broke this.)"""
    yes = [(status, {"led_by_communities": "yes"}) for status, _ in applications]
    elsewhere = [(status, {"led_by_communities": "no"}) for status, _ in others]

    alone, _ = equality_tables(count_answers(yes))
    among_others, _ = equality_tables(count_answers(yes + elsewhere))

    assert alone.rows[0] == among_others.rows[0]


# The reviewer's example ------------------------------------------------------------------------------------------


def led_by(rows: dict[str, tuple[int, int, int]]) -> list[tuple[ApplicationStatus, dict[str, str]]]:
    """Applications answering the first question as given: answer -> (funded, not funded, still open)."""
    return [
        (status, {"led_by_communities": answer})
        for answer, counts in rows.items()
        for status, count in zip((S.APPROVED, S.DECLINED, S.IN_ASSESSMENT), counts, strict=True)
        for _ in range(count)
    ]


def test_the_reviewers_table_no_longer_gives_a_small_count_away():
    """Eleven applications: "Yes" with 1 funded, 4 not funded and 2 open, "No" with 4 not funded. The old scheme
    showed:

        Yes               7  <5 <5 <5
        No               <5  <5 <5 <5          (and the other answers all <5)
        All applications 11  <5  8 <5

    and a reader could pin Yes's not funded: the other answers' applications are 11 - 7 = 4 between them, so
    their not funded is at most 4, so Yes's is at least 8 - 4 = 4, and a "fewer than 5" can only be 4.

    Now the same applications read as below, and so do different ones, with Yes's not funded 3 rather than 4 and
    every total the same (even a reader who has the exact totals from the round summary cannot tell them apart)."""
    reviewers = led_by({"yes": (1, 4, 2), "no": (0, 4, 0)})
    different = led_by({"yes": (1, 3, 2), "no": (0, 4, 0), "unsure": (0, 1, 0)})

    tables = equality_tables(count_answers(reviewers))

    assert [row[1:5] for row in tables[0].rows] == [
        [5, SUPPRESSED, SUPPRESSED, SUPPRESSED],
        *[[SUPPRESSED] * 4] * 4,
        [10, SUPPRESSED, 10, SUPPRESSED],
    ]
    assert count_answers(reviewers).total == count_answers(different).total == [1, 8, 2]
    assert equality_tables(count_answers(different)) == tables
