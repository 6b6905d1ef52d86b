"""Whatever is sent in the portfolio's filters, the answer is a page (or the CSV, or back to the page), never a
server error."""

import pytest

from tests.fuzzing import assert_no_server_error

FIELDS = ["fund", "round", "theme", "ward", "heading", "domain", "submit"]
EXTRA_VALUES = ["Markers and Means", "Work", "Social Bridges", "Foundation", "0", "2", "1e3", "%00"]


@pytest.mark.parametrize("url", ["/reports/portfolio", "/reports/portfolio.csv"])
def test_no_filter_causes_a_server_error(officer_client, url):
    assert_no_server_error(officer_client, url, FIELDS, method="GET", extra_values=EXTRA_VALUES)
