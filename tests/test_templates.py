"""Every template compiles, and imports only the macros it uses."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
ALL = sorted(str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*") if path.is_file())
IMPORT = re.compile(r"{%-?\s*from\s+\S+\s+import\s+([\w\s,]+?)\s*-?%}")


@pytest.mark.parametrize("name", ALL)
def test_template_compiles(app, name):
    app.jinja_env.get_template(name)


@pytest.mark.parametrize("name", ALL)
def test_imported_macros_are_used(name):
    source = (TEMPLATES / name).read_text()
    for match in IMPORT.finditer(source):
        rest = source[: match.start()] + source[match.end() :]
        for macro in (part.strip() for part in match.group(1).split(",")):
            assert re.search(rf"\b{macro}\b", rest), f"{name} imports {macro} but never uses it"
