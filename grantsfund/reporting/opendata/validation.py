"""Checking a grant's record before it is published: against the standard's JSON Schema (standard.validator), then
for what the schema does not enforce: the codelists it only names (locationScope, geoCodeType), org-ids and the
grant id's prefix, pounds for currency, amounts in whole pence with something awarded, dates in order, and no
personal data.

Each problem names the grant (its published id, else its reference) and the field, in plain English:
"360G-northbrook-CF-2026-0003: recipientOrganization › 0 › id: 'GB-CHC-12' is not a valid org-id: ..."."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from jsonschema import ValidationError

from grantsfund.reporting.opendata import standard
from grantsfund.reporting.opendata.identifiers import ANY_ORG_ID, org_id_problem
from grantsfund.reporting.opendata.records import CURRENCY, WARD, PublishedGrant, Publisher

SEPARATOR = " › "
# An ONS code for an electoral ward or division: E05 (England), W05 (Wales), S13 (Scotland), N08 (Northern Ireland).
WARD_CODE = re.compile(r"^(E05|W05|S13|N08)\d{6}$")
# Fields of the standard that would carry a person's details; the app never publishes them.
PERSONAL = ("contactName", "email", "telephone", "streetAddress")
LONGEST_VALUE = 80  # characters of a value quoted in a message
DATE_FIELDS = frozenset({"awardDate", "startDate", "endDate", "transactionDate", "valueDate"})


@dataclass(frozen=True)
class Problem:
    grant: str  # the grant's id, or its reference when it has none
    field: str  # the path to the field, "recipientOrganization › 0 › id"; "" for the grant as a whole
    message: str

    def __str__(self) -> str:
        return f"{self.grant}: {self.field}: {self.message}" if self.field else f"{self.grant}: {self.message}"


def _path(parts: Sequence[Any]) -> str:
    return SEPARATOR.join(str(part) for part in parts)


def _quoted(value: Any) -> str:
    text = repr(value) if not isinstance(value, Decimal) else format(value, "f")
    return text if len(text) <= LONGEST_VALUE else text[: LONGEST_VALUE - 1] + "…"


# Against the schema -------------------------------------------------------------------------------------------


def _missing(error: ValidationError) -> Iterator[tuple[str, str]]:
    """The grant matches neither of the schema's two shapes (to an organisation, to an individual): the fields the
    organisation shape needs that are missing. Grants here only ever go to organisations."""
    for inner in error.context or []:
        if inner.relative_schema_path and inner.relative_schema_path[0] == 0 and inner.validator == "required":
            name = re.search(r"'([^']+)'", inner.message)
            yield (name.group(1) if name else "", "is missing: every grant must have it")


def _described(error: ValidationError, within: Sequence[Any] = ()) -> Iterator[tuple[str, str]]:
    """(field, message) for one schema error, in plain English where the schema's own message is not. `within` is
    the path of the part of the record the error was found in."""
    parts = [*within, *error.absolute_path]
    field = _path(parts)
    if not parts and error.validator == "oneOf":
        yield from _missing(error)
        return
    last = parts[-1] if parts else ""
    if error.validator == "oneOf" and last in DATE_FIELDS:
        yield field, f"{_quoted(error.instance)} is not a date (YYYY-MM-DD) or a date and time with its time zone"
    elif error.validator == "format" and error.validator_value == "date-time":
        yield field, f"{_quoted(error.instance)} is not a date and time with its time zone (2026-05-01T09:00:00+01:00)"
    elif error.validator == "format" and error.validator_value == "uri":
        yield field, f"{_quoted(error.instance)} is not a web address (https://…)"
    elif error.validator == "type":
        yield field, f"{_quoted(error.instance)} is not {_kind(error.validator_value)}"
    elif error.validator == "enum":
        yield field, f"{_quoted(error.instance)} is not one of the standard's codes for {last}"
    else:
        yield field, error.message if len(error.message) <= 200 else error.message[:199] + "…"


def _kind(expected: Any) -> str:
    kinds = [expected] if isinstance(expected, str) else list(expected)
    words = {"string": "text", "number": "a number", "array": "a list", "object": "a group of fields", "null": "empty"}
    return " or ".join(words.get(kind, kind) for kind in kinds)


# Parts of a record that many grants share word for word (the funder, the programme, a group's details, a ward, a
# grant period): each distinct value is checked against its part of the schema once, and remembered.
SHARED = ("recipientOrganization", "beneficiaryLocation", "fundingOrganization", "grantProgramme", "plannedDates")
REMEMBERED = 4096


@functools.cache
def _grant_validator() -> Any:
    """The schema with the shared parts' properties taken out (they are still required where the schema says)."""
    whole = standard.schema()
    rest = {name: part for name, part in whole["properties"].items() if name not in SHARED}
    return standard.validator().evolve(schema={**whole, "properties": rest})


@functools.cache
def _part_validator(name: str) -> Any:
    """The schema of one property, resolving its references within the whole schema."""
    return standard.validator().evolve(schema=standard.schema()["properties"][name])


_remembered: dict[tuple[str, str], list[tuple[str, str]]] = {}


def _by_path(error: ValidationError) -> list[str]:
    return [str(part) for part in error.absolute_path]


def _part_problems(name: str, value: Any) -> list[tuple[str, str]]:
    key = (name, json.dumps(value, default=str, sort_keys=True))
    found = _remembered.get(key)
    if found is None:
        errors = sorted(_part_validator(name).iter_errors(value), key=_by_path)
        found = [problem for error in errors for problem in _described(error, [name])]
        if len(_remembered) >= REMEMBERED:
            _remembered.clear()
        _remembered[key] = found
    return found


def schema_problems(record: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """What the standard's schema finds wrong with the record: exactly what standard.validator() finds, the shared
    parts checked once for each distinct value."""
    for error in sorted(_grant_validator().iter_errors(record), key=_by_path):
        yield from _described(error)
    for name in SHARED:
        if name in record:
            yield from _part_problems(name, record[name])


# What the schema does not check --------------------------------------------------------------------------------


def _amount_problems(record: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for name in ("amountAppliedFor", "amountAwarded", "amountDisbursed"):
        amount = record.get(name)
        if not isinstance(amount, Decimal | int) or isinstance(amount, bool):
            continue  # missing or not a number: the schema says so
        if Decimal(amount) != Decimal(amount).quantize(Decimal("0.01")):
            yield name, f"{_quoted(amount)} is not a whole number of pence"
        if amount < 0:
            yield name, f"{_quoted(amount)} is less than nothing"
    awarded, disbursed = record.get("amountAwarded"), record.get("amountDisbursed")
    if isinstance(awarded, Decimal | int) and awarded <= 0:
        yield "amountAwarded", "must be more than £0: a grant with nothing awarded is not a grant"
    if isinstance(awarded, Decimal | int) and isinstance(disbursed, Decimal | int) and disbursed > awarded:
        yield "amountDisbursed", f"{_quoted(disbursed)} is more than the amount awarded ({_quoted(awarded)})"


def _organisation_problems(record: dict[str, Any], publisher: Publisher) -> Iterator[tuple[str, str]]:
    for number, organisation in enumerate(_objects(record.get("recipientOrganization"))):
        if "id" in organisation and (problem := org_id_problem(organisation["id"], prefix=publisher.prefix)):
            yield _path(["recipientOrganization", number, "id"]), problem
        for name in PERSONAL:
            if name in organisation:
                yield _path(["recipientOrganization", number, name]), "is personal data and is never published"
    for number, funder in enumerate(_objects(record.get("fundingOrganization"))):
        if isinstance(funder.get("id"), str) and not ANY_ORG_ID.match(funder["id"]):
            yield _path(["fundingOrganization", number, "id"]), f"{_quoted(funder['id'])} is not an org-id"
        for name in PERSONAL:
            if name in funder:
                yield _path(["fundingOrganization", number, name]), "is personal data and is never published"
    if "recipientIndividual" in record:
        yield "recipientIndividual", "grants to individuals are never published"


def _location_problems(record: dict[str, Any]) -> Iterator[tuple[str, str]]:
    scope = record.get("locationScope")
    if scope is not None and scope not in standard.location_scopes():
        yield "locationScope", f"{_quoted(scope)} is not one of the standard's location scopes (GLS010 to GLS099)"
    for number, location in enumerate(_objects(record.get("beneficiaryLocation"))):
        kind = location.get("geoCodeType")
        if kind is not None and kind not in standard.geo_code_types():
            yield _path(["beneficiaryLocation", number, "geoCodeType"]), f"{_quoted(kind)} is not a geoCodeType code"
        code = location.get("geoCode")
        if kind == WARD and not (isinstance(code, str) and WARD_CODE.match(code)):
            yield _path(["beneficiaryLocation", number, "geoCode"]), f"{_quoted(code)} is not an ONS ward code"


def _date_problems(record: dict[str, Any], today: date) -> Iterator[tuple[str, str]]:
    awarded = _day(record.get("awardDate"))
    if awarded is not None and awarded > today:
        yield "awardDate", f"{awarded.isoformat()} is in the future"
    for number, planned in enumerate(_objects(record.get("plannedDates"))):
        starts, ends = _day(planned.get("startDate")), _day(planned.get("endDate"))
        if starts is not None and ends is not None and ends < starts:
            yield _path(["plannedDates", number, "endDate"]), f"{ends.isoformat()} is before the start date"


def _identity_problems(record: dict[str, Any], publisher: Publisher) -> Iterator[tuple[str, str]]:
    grant_id = record.get("id")
    start = f"{publisher.full_prefix}-"
    if isinstance(grant_id, str) and not (grant_id.startswith(start) and len(grant_id) > len(start)):
        yield "id", f"{_quoted(grant_id)} does not start with the council's prefix {start}"
    if record.get("currency") not in (None, CURRENCY):
        yield "currency", f"{_quoted(record.get('currency'))} is not GBP: the fund's grants are in pounds"
    for name in ("title", "description"):
        if isinstance(record.get(name), str) and not record[name].strip():
            yield name, "is empty: every published grant needs one"


def _objects(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def check(grant: PublishedGrant, publisher: Publisher, *, today: date) -> list[Problem]:
    """Everything wrong with one grant's record; an empty list when it may be published."""
    record = grant.record
    found = [
        *schema_problems(record),
        *_identity_problems(record, publisher),
        *_amount_problems(record),
        *_organisation_problems(record, publisher),
        *_location_problems(record),
        *_date_problems(record, today),
    ]
    if "id" not in record:
        found = [(field, message) for field, message in found if field != "id"]
        found.insert(0, ("id", "is missing: the application has no reference, so the grant has no identifier"))
    unique = list(dict.fromkeys(found))
    return [Problem(grant.label, field, message) for field, message in unique]
