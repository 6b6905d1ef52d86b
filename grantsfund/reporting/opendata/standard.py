"""The 360Giving Data Standard as the app carries it (data/SOURCE.md): the grant schema of version 1.4.3, its
validator, the codelists the schema names but does not enforce, and the titles of its fields, which name the
columns of the CSV and XLSX files. Read from the package's own copies, once per process."""

from __future__ import annotations

import csv
import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, validators

DATA = Path(__file__).resolve().parent / "data"
VERSION = "1.4.3"
SCHEMA_URL = f"https://raw.githubusercontent.com/ThreeSixtyGiving/standard/{VERSION}/schema/360-giving-schema.json"
NAME = f"360Giving Data Standard {VERSION}"


@functools.cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((DATA / "360-giving-schema.json").read_text(encoding="utf-8"))
    return loaded


_ENUM = Draft202012Validator.VALIDATORS["enum"]
_CODES: dict[int, tuple[list[Any], frozenset[str]]] = {}


def _enum(validator: Any, enums: list[Any], instance: Any, schema: dict[str, Any]) -> Iterator[Any]:
    """The `enum` keyword, with a set for lists of codes: the currency and country codelists have 300 and 250
    codes, which jsonschema compares one by one. A string is found (or not) exactly as jsonschema finds it;
    anything else goes to jsonschema's own check, which also words the error."""
    if isinstance(instance, str):
        known = _CODES.get(id(enums))
        if known is None or known[0] is not enums:
            known = _CODES[id(enums)] = (enums, frozenset(code for code in enums if isinstance(code, str)))
        if instance in known[1]:
            return
    yield from _ENUM(validator, enums, instance, schema)


# Draft 2020-12 as jsonschema implements it, with only `enum` made faster.
_Validator = validators.extend(Draft202012Validator, {"enum": _enum})  # type: ignore[no-untyped-call]


@functools.cache
def validator() -> Any:
    """The schema's validator: Draft 2020-12, named explicitly since the schema's `$schema` is written with http://,
    which jsonschema would not recognise. The format checker is what lets a date-time pass as one (awardDate is
    one of a date-time or a plain date: without formats checked, a plain date matches both and fails)."""
    return _Validator(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


@functools.cache
def codes(codelist: str) -> frozenset[str]:
    """The codes of one of the standard's codelists ("locationScope.csv", "geoCodeType.csv")."""
    with (DATA / codelist).open(encoding="utf-8", newline="") as file:
        return frozenset(row["Code"].strip() for row in csv.DictReader(file))


def location_scopes() -> frozenset[str]:
    return codes("locationScope.csv")


def geo_code_types() -> frozenset[str]:
    return codes("geoCodeType.csv")


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    """A schema node with its $ref followed (the standard's refs are all local: #/$defs/...)."""
    ref = node.get("$ref")
    if not ref:
        return node
    target: dict[str, Any] = schema()
    for part in str(ref).removeprefix("#/").split("/"):
        target = target[part]
    return {**target, **{key: value for key, value in node.items() if key != "$ref"}}


def title(*path: str) -> str:
    """The schema's title for a field, by its path of property names: title("recipientOrganization", "id") is
    "Recipient Org:Identifier", each step's own title joined with colons. Arrays are stepped through to their
    items' properties (the caller adds any item number)."""
    node: dict[str, Any] = schema()
    titles = []
    for name in path:
        node = _resolve(node["properties"][name])
        titles.append(str(node["title"]))
        if "items" in node:
            node = _resolve(node["items"])
    return ":".join(titles)
