"""Permission matrix rows for the grants officers' list of applications and its export (see tests/matrix.py).

Only grants officers read the list; every other role gets 403, and visitors are sent to sign in."""

from tests.applications import factories
from tests.applications.listing_factories import submitted
from tests.matrix import OFFICER, Row, fixed, only

ROWS = [
    Row("officer_applications.list_applications", fixed("/funds/applications"), only(OFFICER)),
    Row("officer_applications.export_applications", fixed("/funds/applications.csv"), only(OFFICER)),
]


def make_objects(make_user, applicant):
    """One submitted application, so the list and the file have a row to show."""
    round_ = factories.open_round(make_user, name="Officer list matrix round")
    group = factories.group(applicant, name="Officer List Group")
    submitted(round_, group, applicant, reference="OLM-2026-0001")
    return {}
