"""Posting random data to a form, as hypothesis chooses it: whatever arrives, the answer is never a 5xx."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grantsfund.extensions import limiter

FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

COMMON_VALUES = ["", " ", "yes", "no", "1", "-1", "99999999999999999999", "£1,000.00", "31/2/2026", "x" * 5000]


def form_data(fields, extra_values=()):
    values = st.one_of(
        st.text(max_size=300),
        st.lists(st.text(max_size=30), max_size=4),
        st.sampled_from([*COMMON_VALUES, *extra_values]),
        # The day, month and year boxes of a GOV.UK date input share one name.
        st.lists(st.sampled_from(["", "1", "29", "2", "2026", "31", "0", "99999"]), max_size=5),
    )
    return st.fixed_dictionaries({}, optional=dict.fromkeys(fields, values))


def assert_no_server_error(client, url, fields, *, method="POST", extra_values=()):
    """Send `fields` filled (or left out) at random; with CSRF for a POST, as a query string for a GET."""

    @FUZZ
    @given(data=form_data(fields, extra_values))
    def send(data):
        limiter.reset()
        response = client.submit(url, data) if method == "POST" else client.get(url, query_string=data)
        assert response.status_code < 500, data

    send()
