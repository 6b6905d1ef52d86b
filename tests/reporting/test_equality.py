"""The equality monitoring report: the voluntary answers about who leads the groups that applied, only ever added
up, with every count under 5 suppressed and nothing it could be worked out from shown."""

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
from grantsfund.reporting.equality import count_answers, equality_tables
from grantsfund.reporting.suppression import WITHHELD_TEXT, Mark, Sum, suppress
from grantsfund.reporting.tables import SUPPRESSED, Percent
from tests.conftest import error_messages, page
from tests.queries import statement_count
from tests.reporting.test_round_summary import NOW, answers, bid, csv_rows, fund, group, round_in, table
from tests.reporting.test_suppression import assert_safe, grid

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
def test_answers_are_added_up_and_small_numbers_held_back(role, client_for, world):
    response = client_for(role).get(URL)

    assert response.status_code == 200
    html = page(response)
    assert html.select_one("h1").get_text(strip=True) == "Equality monitoring"
    assert table(response, "led-by") == [
        # 3 declined beside a total of 14: the 5 funded is held back too, and the rate with it.
        ["Yes", "14", WITHHELD_TEXT, FEWER, "6", WITHHELD_TEXT],
        ["No", FEWER, FEWER, FEWER, FEWER, WITHHELD_TEXT],
        ["Not sure", FEWER, FEWER, FEWER, FEWER, WITHHELD_TEXT],
        ["Prefer not to say", FEWER, FEWER, FEWER, FEWER, WITHHELD_TEXT],
        ["Not answered", FEWER, FEWER, FEWER, FEWER, WITHHELD_TEXT],
        ["All applications", "20", "7", FEWER, "10", WITHHELD_TEXT],
    ]
    women = LEADERSHIP_ANSWERS["women"]
    assert table(response, "leadership")[0] == [women, "14", WITHHELD_TEXT, FEWER, "6", WITHHELD_TEXT]
    assert table(response, "leadership")[-1] == ["All applications", "20", "7", FEWER, "10", WITHHELD_TEXT]
    notes = " ".join(note.get_text(" ", strip=True) for note in html.select("#table-led-by ~ p.govuk-body-s"))
    assert "a count from 0 to 4" in notes
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

    assert led_by.rows[0] == ["Yes", 36, 10, 12, 14, Percent(Fraction(10, 22))]
    assert led_by.rows[-1] == ["All applications", 108, 30, 36, 42, Percent(Fraction(30, 66))]
    assert not any(WITHHELD_TEXT in row or SUPPRESSED in row for row in led_by.rows)
    # Nobody chose most of the leadership answers: those rows are all fewer than 5.
    assert leadership.rows[0][1] == 50
    assert leadership.rows[1][1:] == [SUPPRESSED] * 4 + [WITHHELD_TEXT]


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
    assert rows[1] == ["Yes", "14", WITHHELD_TEXT, FEWER, "6", WITHHELD_TEXT]
    assert rows[-1] == ["All applications", "20", "7", FEWER, "10", WITHHELD_TEXT]

    with officer_client.get(f"{URL}.xlsx", query_string=query) as download:
        workbook = load_workbook(io.BytesIO(download.get_data()))
    sheet = workbook[workbook.sheetnames[0]]
    assert [cell.value for cell in sheet[2]] == ["Yes", 14, WITHHELD_TEXT, FEWER, 6, WITHHELD_TEXT]
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


def reading(cell) -> Mark:
    if cell is SUPPRESSED:
        return Mark.SMALL
    return Mark.WITHHELD if cell == WITHHELD_TEXT else Mark.SHOWN


def what_a_reader_knows(counted):
    """Every count of both tables, with their sums and the counts known from elsewhere, as a reader sees them: each
    row's outcomes add up to its applications; the first question's answers add up to the total row; the second's
    "not answered" and the groups that answered it (never shown, but the total less "not answered") add up to it;
    and the total row (how many applied, how many were funded) is published elsewhere."""
    led_by, leadership = list(counted.led_by.values()), list(counted.leadership.values())
    answered = [total - skipped for total, skipped in zip(counted.total, leadership[-1], strict=True)]
    counts, sums = grid([*led_by, *leadership, answered], columns_add_up=False, total=counted.total)
    # grid puts the total row last: rows are led_by, leadership, answered, then the total.
    total_row, answered_row = len(led_by) + len(leadership) + 1, len(led_by) + len(leadership)
    sums += [Sum(tuple(row * 4 + column for row in range(len(led_by))), total_row * 4 + column) for column in range(4)]
    skipped_row = answered_row - 1
    sums += [Sum((skipped_row * 4 + column, answered_row * 4 + column), total_row * 4 + column) for column in range(4)]
    known = frozenset(range(total_row * 4, total_row * 4 + 4))
    return counts, sums, known, answered_row


@settings(max_examples=150, deadline=None)
@given(applications=APPLICATIONS)
def test_no_small_count_in_the_tables_is_shown_or_can_be_worked_out(applications):
    counted = count_answers(applications)
    led_by, leadership = equality_tables(counted)
    counts, sums, known, answered_row = what_a_reader_knows(counted)

    # The counts run funded, not funded, open, applications; on the page: answer, applications, funded, not funded,
    # open, rate. The total row is shown in both tables.
    shown_rows = [*led_by.rows[:-1], *leadership.rows[:-1], None, led_by.rows[-1]]
    assert leadership.rows[-1] == led_by.rows[-1]
    marks = suppress(counts, sums, known)  # the answered row's marks: what the reader could work out of it
    for index, row in enumerate(shown_rows):
        if row is None:
            continue
        cells = [row[2], row[3], row[4], row[1]]
        assert [reading(cell) for cell in cells] == marks[index * 4 : index * 4 + 4]
        for cell, count in zip(cells, counts[index * 4 : index * 4 + 4], strict=True):
            assert not isinstance(cell, int) or cell == count
        rate_from_hidden = not (isinstance(row[2], int) and isinstance(row[3], int))
        assert (row[5] == WITHHELD_TEXT) == rate_from_hidden
    assert_safe(counts, sums, marks, known)  # small always and only under 5; nothing small can be worked out
