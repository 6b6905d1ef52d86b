"""Permission matrix rows for rounds (see tests/matrix.py)."""

ROWS = []


def make_objects(make_user, applicant):
    return {}
