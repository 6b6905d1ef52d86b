"""Whatever is sent in the finance report's filters, the answer is a page (or the CSV, or back to the page), never a
server error."""

import pytest

from tests.fuzzing import assert_no_server_error

FIELDS = ["fund", "round", "year", "submit"]
EXTRA_VALUES = ["2026", "2025", "1066", "9999", "2026-27", "0", "1e3", "%00", "-2026"]


@pytest.mark.parametrize("url", ["/reports/finance", "/reports/finance/by-month.csv"])
def test_no_filter_causes_a_server_error(officer_client, url):
    assert_no_server_error(officer_client, url, FIELDS, method="GET", extra_values=EXTRA_VALUES)
