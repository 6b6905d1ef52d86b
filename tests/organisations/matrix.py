"""Permission matrix rows for organisations (see tests/matrix.py)."""

ROWS = []


def make_objects(make_user, applicant):
    return {}
