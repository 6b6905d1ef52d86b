"""A report's download asked for with a bad filter goes back to the report's page with the filters as typed, so the
page can say what is wrong; anything else in the query string is dropped, never a fault."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import page


@pytest.mark.parametrize(
    ("download", "page"),
    [
        ("/reports/portfolio.csv?round=abc", "/reports/portfolio"),
        ("/reports/finance.xlsx?year=abc", "/reports/finance"),
        ("/reports/finance/by-round.csv?year=abc", "/reports/finance"),
        ("/reports/rounds.xlsx?round=abc", "/reports/rounds"),
        ("/reports/equality.xlsx?round=abc", "/reports/equality"),
    ],
)
def test_a_bad_filter_goes_back_to_the_page_keeping_only_the_filters(officer_client, download, page):
    response = officer_client.get(download + "&_method=POST&_external=1&anything=else")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == page
    query = parse_qs(location.query)
    assert "abc" in next(iter(query.values()))
    assert not {"_method", "_external", "anything"} & set(query)
    assert officer_client.get(response.headers["Location"]).status_code == 200


@pytest.mark.parametrize(
    "url", ["/reports/portfolio", "/reports/finance", "/reports/rounds", "/reports/equality", "/reports/360giving"]
)
def test_the_filter_button_never_writes_back_what_the_query_string_said(officer_client, url):
    response = officer_client.get(url, query_string={"submit": '\ufdd0"><script>'})  # the client parses strictly
    assert response.status_code == 200
    assert [button["value"] for button in page(response).select("button[name=submit]")] == ["y"]
