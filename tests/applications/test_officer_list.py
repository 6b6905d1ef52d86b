"""The grants officers' list of submitted applications and its CSV export: what is listed, filters, search,
order, pages, bad filters, the file's exact content, and a fixed number of queries whatever the count."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest

from grantsfund.applications import listing
from grantsfund.applications.models import ApplicationStatus
from grantsfund.common.dates import to_london, utcnow
from grantsfund.extensions import db
from tests.applications import factories
from tests.applications.listing_factories import SUBMITTED, many, submitted
from tests.conftest import error_messages, page
from tests.fuzzing import assert_no_server_error
from tests.organisations import factories as organisations
from tests.queries import statement_count

LIST = "/funds/applications"
CSV = "/funds/applications.csv"


@pytest.fixture
def world(make_user):
    """Two rounds in two funds; two groups in two wards; a member who made the bids."""
    member = make_user(full_name="Amira Khan")
    round_ = factories.open_round(make_user)
    other_round = factories.open_round(make_user, name="Round 2027/28")
    riverside = organisations.ward("Riverside", "E05099011")
    abbey = organisations.ward("Abbey Fields", "E05099001")
    kitchen = factories.group(member, name="Riverside Community Kitchen")
    youth = organisations.organisation(member, name="Abbey Youth Club", ward_id=abbey.id)
    return {
        "member": member,
        "round": round_,
        "other_round": other_round,
        "riverside": riverside,
        "abbey": abbey,
        "kitchen": kitchen,
        "youth": youth,
    }


def bid(world, reference, **overrides):
    values = {"round_": world["round"], "organisation": world["kitchen"]}
    values.update(overrides)
    return submitted(member=world["member"], reference=reference, **values)


def references(client, query=""):
    """The references listed, in order."""
    response = client.get(f"{LIST}?{query}" if query else LIST)
    assert response.status_code == 200
    cells = [row.td for row in page(response).select("tbody tr")]
    return [cell.get_text(strip=True) for cell in cells if not cell.has_attr("colspan")]


def csv_rows(response):
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


# What is listed ------------------------------------------------------------------------------------------------


def test_lists_submitted_applications_and_never_drafts(officer_client, world):
    factories.draft(world["round"], world["kitchen"], world["member"])
    withdrawn_draft = factories.draft(world["round"], world["youth"], world["member"])
    withdrawn_draft.status = ApplicationStatus.WITHDRAWN
    bid(world, "CF-2026-0001", title="Cook, Share, Belong")
    bid(world, "CF-2026-0002", status=ApplicationStatus.WITHDRAWN)  # withdrawn after submitting: still listed
    db.session.flush()

    response = officer_client.get(LIST)
    shown = page(response)
    assert references(officer_client) == ["CF-2026-0002", "CF-2026-0001"]
    assert shown.select_one("caption").get_text(strip=True) == "2 applications"
    cells = [cell.get_text(" ", strip=True) for cell in shown.select("tbody tr")[1].select("td")]
    assert cells == [
        "CF-2026-0001",
        "Cook, Share, Belong",
        "Riverside Community Kitchen",
        "Round 2026/27",
        "£2,500.00",
        "1 June 2026",
        "Submitted",
    ]
    assert shown.select_one(".govuk-service-navigation__item--active").get_text(strip=True) == "Applications"


def test_an_empty_list_says_so_and_offers_no_download(officer_client, world):
    shown = page(officer_client.get(LIST))
    assert "No applications match these filters." in shown.select_one("tbody").get_text()
    assert shown.find("a", string=lambda text: text and "Download" in text) is None


# Filters ---------------------------------------------------------------------------------------------------------


def test_each_filter_narrows_the_list(officer_client, world):
    themes = world["round"].themes
    bid(world, "CF-2026-0001", themes=[themes[0]], wards=[world["riverside"]])
    bid(world, "CF-2026-0002", themes=[themes[1]], wards=[world["abbey"]], status=ApplicationStatus.ELIGIBLE)
    bid(world, "CF-2026-0003", round_=world["other_round"], themes=themes, wards=[world["riverside"], world["abbey"]])

    def only(**query):
        return sorted(references(officer_client, urlencode(query)))

    assert only(round=world["round"].id) == ["CF-2026-0001", "CF-2026-0002"]
    assert only(round=world["other_round"].id) == ["CF-2026-0003"]
    assert only(status="eligible") == ["CF-2026-0002"]
    assert only(theme=themes[0].id) == ["CF-2026-0001", "CF-2026-0003"]
    assert only(ward=world["abbey"].id) == ["CF-2026-0002", "CF-2026-0003"]
    assert only(ward=world["abbey"].id, round=world["round"].id, theme=themes[1].id) == ["CF-2026-0002"]


@pytest.mark.parametrize(
    ("band", "expected"),
    [
        ("under-1000", ["CF-2026-0001"]),
        ("1000-4999", ["CF-2026-0002", "CF-2026-0003"]),
        ("5000-9999", ["CF-2026-0004", "CF-2026-0005"]),
        ("10000-plus", ["CF-2026-0006"]),
    ],
)
def test_amount_bands_meet_at_whole_pounds(officer_client, world, band, expected):
    for number, pence in enumerate([99_999, 100_000, 499_999, 500_000, 999_999, 1_000_000], 1):
        bid(world, f"CF-2026-{number:04d}", amount_pence=pence)
    bid(world, "CF-2026-0007", amount_pence=None)  # no amount: in no band
    assert sorted(references(officer_client, f"amount={band}")) == expected


def test_amount_bands_are_labelled_from_their_pence():
    assert [band.label for band in listing.AMOUNT_BANDS] == [
        "Under £1,000",
        "£1,000 to £4,999.99",
        "£5,000 to £9,999.99",
        "£10,000 and over",
    ]


def test_search_finds_title_reference_and_group_name_in_any_case(officer_client, world):
    bid(world, "CF-2026-0001", title="Welcome Walks")
    bid(world, "CF-2026-0002", title="Cook, Share, Belong", organisation=world["youth"])
    bid(world, "CF-2026-0003", title="Stitch Together")

    def found(q):
        return sorted(references(officer_client, urlencode({"q": q})))

    assert found("welcome WALKS") == ["CF-2026-0001"]
    assert found("2026-0003") == ["CF-2026-0003"]
    assert found("abbey youth") == ["CF-2026-0002"]
    assert found("  stitch  ") == ["CF-2026-0003"]  # spaces round the words are dropped
    assert found("nothing like this") == []


def test_search_treats_percent_and_underscore_as_themselves(officer_client, world):
    bid(world, "CF-2026-0001", title="100% Welcome")
    bid(world, "CF-2026-0002", title="1000 Welcomes")
    bid(world, "CF-2026-0003", title="snake_case club")
    bid(world, "CF-2026-0004", title="snakescase club")
    assert references(officer_client, urlencode({"q": "100%"})) == ["CF-2026-0001"]
    assert references(officer_client, urlencode({"q": "e_c"})) == ["CF-2026-0003"]
    assert references(officer_client, urlencode({"q": "%"})) == ["CF-2026-0001"]


@pytest.mark.parametrize(
    ("query", "message", "field", "kept"),
    [
        ("round=999999", "Select a round from the list", "round", None),
        ("status=draft", "Select a status from the list", "status", None),
        ("status=nonsense", "Select a status from the list", "status", None),
        ("theme=abc", "Select a theme from the list", "theme", None),
        ("ward=-1", "Select a ward from the list", "ward", None),
        ("amount=free", "Select an amount from the list", "amount", None),
        ("q=" + "x" * 101, "Enter 100 characters or fewer to search for", "q", "x" * 101),
    ],
)
def test_bad_filters_are_explained_and_filter_nothing(officer_client, world, query, message, field, kept):
    bid(world, "CF-2026-0001", title="Welcome Walks")
    bid(world, "CF-2026-0002", title="Stitch Together")
    response = officer_client.get(f"{LIST}?{query}&q=walks" if field != "q" else f"{LIST}?{query}")
    assert response.status_code == 200
    assert error_messages(response) == [message]
    shown = page(response)
    assert shown.title.get_text().startswith("Error:")
    assert shown.select_one("#q")["value"] == (kept or "walks")
    assert sorted(row.td.get_text(strip=True) for row in shown.select("tbody tr")) == ["CF-2026-0001", "CF-2026-0002"]


def test_clear_filters_keeps_the_order(officer_client, world):
    bid(world, "CF-2026-0001")
    shown = page(officer_client.get(f"{LIST}?q=cafe&sort=amount&order=desc"))
    assert shown.find("a", string="Clear filters")["href"] == f"{LIST}?sort=amount&order=desc"
    assert page(officer_client.get(LIST)).find("a", string="Clear filters") is None
    sent_empty = page(officer_client.get(f"{LIST}?q=&round=&status=&submit=Apply+filters"))
    assert sent_empty.find("a", string="Clear filters") is None


# Order -----------------------------------------------------------------------------------------------------------


@pytest.fixture
def three(world):
    """Three bids that differ in every sortable column."""
    bid(world, "CF-2026-0002", amount_pence=900_000, submitted_at=SUBMITTED, organisation=world["youth"])
    bid(
        world,
        "CF-2026-0001",
        amount_pence=None,
        submitted_at=SUBMITTED + timedelta(days=1),
        status=ApplicationStatus.APPROVED,
    )
    bid(
        world,
        "CF-2026-0003",
        amount_pence=150_000,
        submitted_at=SUBMITTED - timedelta(days=1),
        status=ApplicationStatus.ELIGIBLE,
        organisation=world["youth"],
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["CF-2026-0001", "CF-2026-0002", "CF-2026-0003"]),  # newest first
        ("sort=submitted&order=asc", ["CF-2026-0003", "CF-2026-0002", "CF-2026-0001"]),
        ("sort=reference", ["CF-2026-0001", "CF-2026-0002", "CF-2026-0003"]),
        ("sort=reference&order=desc", ["CF-2026-0003", "CF-2026-0002", "CF-2026-0001"]),
        ("sort=amount", ["CF-2026-0003", "CF-2026-0002", "CF-2026-0001"]),  # no amount: last
        ("sort=amount&order=desc", ["CF-2026-0002", "CF-2026-0003", "CF-2026-0001"]),  # and last again
        ("sort=organisation", ["CF-2026-0002", "CF-2026-0003", "CF-2026-0001"]),  # ties by the order they came
        ("sort=organisation&order=desc", ["CF-2026-0001", "CF-2026-0003", "CF-2026-0002"]),
        ("sort=status", ["CF-2026-0002", "CF-2026-0003", "CF-2026-0001"]),  # lifecycle order
        ("sort=status&order=desc", ["CF-2026-0001", "CF-2026-0003", "CF-2026-0002"]),
        ("sort=nonsense&order=sideways", ["CF-2026-0001", "CF-2026-0002", "CF-2026-0003"]),  # the default
    ],
)
def test_sorts_by_each_column_both_ways(officer_client, three, query, expected):
    assert references(officer_client, query) == expected
    response = officer_client.get(f"{CSV}?{query}")
    assert [row[0] for row in csv_rows(response)[1:]] == expected


def test_column_headings_say_how_the_list_is_sorted_and_turn_it_round(officer_client, three):
    shown = page(officer_client.get(f"{LIST}?sort=amount&q=cafe&page=2"))
    headings = {th.get_text(" ", strip=True).split(" ")[0]: th for th in shown.select("thead th")}
    assert headings["Amount"]["aria-sort"] == "ascending"
    assert headings["Reference"]["aria-sort"] == "none"
    assert not headings["Project"].has_attr("aria-sort")
    # The sorted column turns round; another starts in its natural order; the filters stay; page 1 again.
    assert headings["Amount"].a["href"] == f"{LIST}?sort=amount&q=cafe&order=desc"
    assert headings["Submitted"].a["href"] == f"{LIST}?sort=submitted&q=cafe&order=desc"
    assert headings["Group"].a["href"] == f"{LIST}?sort=organisation&q=cafe&order=asc"
    assert shown.select_one("input[name=sort]")["value"] == "amount"


# Pages -----------------------------------------------------------------------------------------------------------


def test_pages_of_fifty_keep_the_filters(officer_client, world):
    many(world["round"], world["kitchen"], world["member"], 60)
    bid(world, "CF-2026-0001", organisation=world["youth"])
    bid(world, "CF-2026-0002", round_=world["other_round"])
    first = page(officer_client.get(f"{LIST}?round={world['round'].id}&sort=reference"))
    assert first.select_one("caption").get_text(strip=True) == "61 applications"
    assert len(first.select("tbody tr")) == 50
    next_link = first.select_one(".govuk-pagination__next a")["href"]
    assert next_link == f"{LIST}?round={world['round'].id}&sort=reference&page=2"
    second = references(officer_client, next_link.partition("?")[2])
    assert second == [*(f"BULK-2026-{number:04d}" for number in range(51, 61)), "CF-2026-0001"]
    assert references(officer_client, "page=99") == []  # past the end: an empty page, not an error


# The export ------------------------------------------------------------------------------------------------------


def test_the_export_is_every_matching_row_exactly(officer_client, world):
    themes = world["round"].themes
    # 21:45 UTC on 5 June is 22:45 in London (British Summer Time).
    bid(
        world,
        "CF-2026-0042",
        title="Cook, Share, Belong",
        amount_pence=123456,
        submitted_at=datetime(2026, 6, 5, 21, 45, tzinfo=UTC),
        themes=[themes[1], themes[0]],
        wards=[world["riverside"], world["abbey"]],
    )
    bid(
        world,
        "CF-2026-0043",
        title='Stitch "Together"',
        amount_pence=None,
        submitted_at=datetime(2026, 1, 10, 9, 5, tzinfo=UTC),  # winter: London is UTC
        organisation=world["youth"],
        status=ApplicationStatus.INELIGIBLE,
    )
    factories.draft(world["round"], world["kitchen"], world["member"])

    response = officer_client.get(CSV)
    assert response.status_code == 200
    assert response.is_streamed
    chunks = list(response.response)
    assert chunks[0].decode().startswith("\ufeffReference,")  # the heading alone, at once
    assert chunks[0].decode().count("\r\n") == 1
    assert response.mimetype == "text/csv"
    today = to_london(utcnow()).date().isoformat()
    assert response.headers["Content-Disposition"] == f'attachment; filename="applications-{today}.csv"'
    fund = "Round 2026/27 fund"
    assert b"".join(chunks).decode() == (
        "\ufeffReference,Project title,Organisation,Legal form,Round,Fund,Status,Amount requested (£),"
        "Submitted at (UK time),Themes,Wards\r\n"
        f'CF-2026-0042,"Cook, Share, Belong",Riverside Community Kitchen,Unincorporated community group,'
        f"Round 2026/27,{fund},Submitted,1234.56,2026-06-05T22:45:00+01:00,"
        f"{themes[0].name}; {themes[1].name},Abbey Fields; Riverside\r\n"
        'CF-2026-0043,"Stitch ""Together""",Abbey Youth Club,Unincorporated community group,'
        f"Round 2026/27,{fund},Ineligible,,2026-01-10T09:05:00+00:00,,\r\n"
    )


def test_the_export_has_the_same_filters_as_the_page(officer_client, world):
    bid(world, "CF-2026-0001", title="Welcome Walks")
    bid(world, "CF-2026-0002", title="Stitch Together")
    shown = page(officer_client.get(f"{LIST}?q=walks&page=1"))
    link = shown.find("a", string=lambda text: text and "Download" in text)["href"]
    assert link == f"{CSV}?q=walks"
    assert [row[0] for row in csv_rows(officer_client.get(link))[1:]] == ["CF-2026-0001"]


def test_an_export_with_bad_filters_goes_back_to_the_list_to_explain(officer_client, world):
    response = officer_client.get(f"{CSV}?status=nonsense&q=walks")
    assert response.status_code == 302
    assert response.headers["Location"] == f"{LIST}?status=nonsense&q=walks"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_cells_that_a_spreadsheet_would_run_as_formulas_are_quoted(officer_client, world, start):
    evil = f'{start}HYPERLINK("http://evil.example","click")'
    world["kitchen"].name = evil
    bid(world, "CF-2026-0001", title=evil)
    row = csv_rows(officer_client.get(CSV))[1]
    assert row[1] == row[2] == "'" + evil
    assert row[0] == "CF-2026-0001"


def test_safe_cell_leaves_ordinary_text_alone():
    assert listing.safe_cell("Welcome = belonging") == "Welcome = belonging"
    assert listing.safe_cell("") == ""
    assert listing.safe_cell("-5") == "'-5"


# Queries ---------------------------------------------------------------------------------------------------------


def test_the_page_and_the_export_run_the_same_queries_for_10_or_60_applications(officer_client, world, monkeypatch):
    monkeypatch.setattr(listing, "EXPORT_BATCH", 25)  # so 60 rows are more than one batch
    filtered = urlencode({"status": "submitted", "theme": world["round"].themes[0].id, "sort": "organisation"})
    urls = [LIST, CSV, f"{LIST}?{filtered}", f"{CSV}?{filtered}"]
    many(world["round"], world["kitchen"], world["member"], 10)
    for_ten = [statement_count(officer_client, url) for url in urls]
    many(world["round"], world["youth"], world["member"], 50, start=11)
    for_sixty = [statement_count(officer_client, url) for url in urls]
    assert for_sixty == for_ten
    assert len(csv_rows(officer_client.get(CSV))) == 61


# Fuzzing -------------------------------------------------------------------------------------------------------------


def test_the_filter_form_never_answers_with_a_server_error(officer_client, world):
    bid(world, "CF-2026-0001")
    fields = ["q", "round", "status", "theme", "ward", "amount", "sort", "order", "page"]
    extra = [str(world["round"].id), "submitted", "10000-plus", "amount", "desc", "%", "_", "2"]
    assert_no_server_error(officer_client, LIST, fields, method="GET", extra_values=extra)
    assert_no_server_error(officer_client, CSV, fields, method="GET", extra_values=extra)
