"""The layering rules, checked on the code: views and forms hold no queries, services never reach for the request."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "grantsfund"


def imported_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def modules(name: str) -> list[Path]:
    return sorted(PACKAGE.glob(f"*/{name}"))


@pytest.mark.parametrize("path", modules("views.py") + modules("forms.py"), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_views_and_forms_do_not_touch_the_database(path):
    names = imported_names(path)
    assert not {name for name in names if name.startswith("sqlalchemy")}
    assert "grantsfund.extensions.db" not in names


FORBIDDEN_IN_SERVICES = {"flask.request", "flask.session", "flask.g", "flask_login", "flask_login.current_user"}


@pytest.mark.parametrize("path", modules("services.py"), ids=lambda p: p.parent.name)
def test_services_are_told_who_acts_instead_of_reading_the_request(path):
    assert not imported_names(path) & FORBIDDEN_IN_SERVICES


@pytest.mark.parametrize("path", modules("views.py"), ids=lambda p: p.parent.name)
def test_views_never_commit_themselves(path):
    source = path.read_text()
    assert "session.commit(" not in source
    assert "session.add(" not in source
