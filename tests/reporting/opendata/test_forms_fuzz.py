"""Whatever is sent in the 360Giving page's filters, the answer is the page (or the file, or back to the page), never
a server error."""

from __future__ import annotations

from urllib.parse import urlencode

from hypothesis import given

from grantsfund.extensions import limiter
from tests.fuzzing import FUZZ, assert_no_server_error, form_data
from tests.reporting.opendata import factories

FIELDS = ["round", "since", "submit"]
EXTRA_VALUES = ["0", "2", "1e3", "%00", "2025-07-01", "1/7/2025"]


def test_no_filter_on_the_page_causes_a_server_error(officer_client, made):
    factories.award(made, factories.group())
    assert_no_server_error(officer_client, "/reports/360giving", FIELDS, method="GET", extra_values=EXTRA_VALUES)


def test_no_filter_on_a_download_causes_a_server_error(officer_client, made):
    factories.award(made, factories.group())

    @FUZZ
    @given(data=form_data(FIELDS, EXTRA_VALUES))
    def send(data):
        limiter.reset()
        response = officer_client.submit(f"/reports/360giving/csv?{urlencode(data, doseq=True)}")
        assert response.status_code < 500, data
        response.get_data()

    send()
