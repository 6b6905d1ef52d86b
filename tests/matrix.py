"""Building blocks of the permission matrix (tests/test_permissions.py).

Each stage keeps its rows in `tests/<stage>/matrix.py`: `ROWS`, a list of `Row`, and
`make_objects(make_user, applicant) -> dict`, which creates the objects its URLs need.
`applicant` is the signed-in applicant_client's user, so a stage can make objects that
belong to them (their group) and objects that do not (another group's, which must 404).
"""

from collections.abc import Callable
from dataclasses import dataclass

from tests.conftest import ALL_CLIENTS

ANON = "anonymous_client"
ADMIN = "admin_client"
OFFICER = "officer_client"


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ALL_CLIENTS, status)


def signed_in(status: int = 200, anonymous: int = 302) -> dict[str, int]:
    return {**everyone(status), ANON: anonymous}


def only(role: str, status: int = 200, others: int = 403) -> dict[str, int]:
    """Only `role` may; other signed-in people get `others`; visitors are sent to sign in."""
    return {**everyone(others), ANON: 302, role: status}


def admin_only(status: int = 200) -> dict[str, int]:
    return only(ADMIN, status)


@dataclass(frozen=True)
class Row:
    endpoint: str
    url: Callable[[dict], str]
    expected: dict[str, int]
    method: str = "GET"
    data: dict | None = None


def fixed(url: str) -> Callable[[dict], str]:
    return lambda objects: url
