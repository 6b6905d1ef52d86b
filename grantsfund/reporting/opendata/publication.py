"""Publishing the council's grants in the 360Giving Data Standard: checking every grant the file would hold, and
writing the file only when all of them are valid.

- `check` reads the chosen grants once, as a stream, and validates each: how many there are, what they add up to,
  the first few (for a preview) and every problem (the first `LISTED` kept to show). The page shows it; a download
  starts only after it finds nothing wrong.
- `publish` (the `flask publish 360giving` command) writes the file to a temporary file beside the destination,
  checking each grant as it is written, and moves it into place only if every grant was valid: an invalid
  publication leaves no file, and an earlier good file where it was.
- Every publication, from the command or the page, is recorded in the audit trail ("open_data.published") with
  what was published: the format, the filters, the number of grants and the amount."""

from __future__ import annotations

import enum
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from grantsfund.audit import services as audit
from grantsfund.common.actor import Actor
from grantsfund.common.dates import format_date, london_today, utcnow
from grantsfund.common.errors import DomainError
from grantsfund.reporting.opendata import records, standard, validation, writers
from grantsfund.reporting.opendata.records import PublishedGrant, Publisher, Selection
from grantsfund.reporting.opendata.validation import Problem

PREVIEW = 5  # grants shown on the page before downloading
LISTED = 100  # problems kept to show; all are counted


class FileFormat(enum.StrEnum):
    JSON = "json"
    XLSX = "xlsx"
    CSV = "csv"

    @property
    def label(self) -> str:
        return {"json": "JSON", "xlsx": "Excel spreadsheet (XLSX)", "csv": "CSV"}[self.value]

    @classmethod
    def of(cls, path: Path) -> FileFormat | None:
        """The format a file name's extension names, if any."""
        try:
            return cls(path.suffix.lower().removeprefix("."))
        except ValueError:
            return None


@dataclass
class Check:
    """What the chosen grants add up to, and what is wrong with them."""

    grants: int = 0
    awarded_pence: int = 0
    disbursed_pence: int = 0
    problem_count: int = 0
    problems: list[Problem] = field(default_factory=list)  # the first LISTED
    invalid_grants: int = 0
    preview: list[PublishedGrant] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.problem_count == 0

    @property
    def publishable(self) -> bool:
        return self.valid and self.grants > 0

    def add(self, grant: PublishedGrant, problems: list[Problem]) -> None:
        self.grants += 1
        self.awarded_pence += grant.awarded_pence
        self.disbursed_pence += grant.disbursed_pence
        if problems:
            self.invalid_grants += 1
            self.problem_count += len(problems)
            self.problems.extend(problems[: max(0, LISTED - len(self.problems))])
        if len(self.preview) < PREVIEW:
            self.preview.append(grant)


class NotPublished(DomainError):
    """The file was not written: nothing to publish, or grants that are not valid. `check` says which."""

    def __init__(self, message: str, check: Check) -> None:
        super().__init__(message)
        self.check = check


def _checked(
    grants: Iterable[PublishedGrant], found: Check, publisher: Publisher, today: date
) -> Iterator[PublishedGrant]:
    for grant in grants:
        found.add(grant, validation.check(grant, publisher, today=today))
        yield grant


def check(selection: Selection, publisher: Publisher, *, today: date | None = None) -> Check:
    """Every chosen grant checked, read as a stream (records.grants' batches)."""
    found = Check()
    for _ in _checked(records.grants(selection, publisher), found, publisher, today or london_today()):
        pass
    return found


# The files --------------------------------------------------------------------------------------------------------


def filename(publisher: Publisher, selection: Selection, file_format: FileFormat, today: date) -> str:
    """360giving-northbrook-2026-05-01.json, with -round-3 and -since-2025-07-01 when filtered."""
    parts = [f"360giving-{publisher.prefix.lower()}"]
    if selection.round_id is not None:
        parts.append(f"round-{selection.round_id}")
    if selection.since is not None:
        parts.append(f"since-{selection.since.isoformat()}")
    parts.append(today.isoformat())
    return "-".join(parts) + f".{file_format.value}"


def describe(selection: Selection, round_name: str | None = None) -> str:
    """The filters in words, for the Meta sheet."""
    words = [(round_name or f"round {selection.round_id}") if selection.round_id is not None else "every round"]
    if selection.since is not None:
        words.append(f"decided on or after {format_date(selection.since)}")
    return "Awarded grants of " + ", ".join(words)


def title(publisher: Publisher) -> str:
    return f"{publisher.name}: Communities Fund grants"


def package(publisher: Publisher, today: date) -> dict[str, Any]:
    """The JSON package's metadata (360Giving's package schema)."""
    named: dict[str, Any] = {"identifier": publisher.org_id, "name": publisher.name, "prefix": publisher.full_prefix}
    if publisher.website:
        named["website"] = publisher.website
    return {
        "title": title(publisher),
        "license": publisher.licence,
        "publisher": named,
        "issued": today.isoformat(),
        "version": ".".join(standard.VERSION.split(".")[:2]),
    }


def meta(publisher: Publisher, selection: Selection, today: date) -> writers.Meta:
    return writers.Meta(
        title=title(publisher),
        publisher=publisher.name,
        publisher_id=publisher.org_id,
        prefix=publisher.full_prefix,
        licence=publisher.licence,
        data_source=publisher.data_source,
        published_on=today.isoformat(),
        filters=describe(selection, records.round_title(selection.round_id) if selection.round_id else None),
    )


def write(
    out: IO[bytes],
    file_format: FileFormat,
    grants: Iterable[PublishedGrant],
    *,
    selection: Selection,
    publisher: Publisher,
    today: date,
) -> None:
    """The file in `file_format`, written to `out` as the grants come."""
    if file_format is FileFormat.JSON:
        for chunk in writers.json_chunks(grants, package(publisher, today)):
            out.write(chunk.encode("utf-8"))
        return
    chosen = writers.columns(records.widest_locations(selection))
    if file_format is FileFormat.CSV:
        for chunk in writers.csv_chunks(grants, chosen):
            out.write(chunk.encode("utf-8"))
        return
    writers.write_xlsx(out, grants, chosen, meta(publisher, selection, today))


# Publishing --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Publication:
    """What the audit trail files a publication under: its file's name."""

    __tablename__ = "open_data_publications"

    id: str


def record_publication(
    found: Check,
    selection: Selection,
    file_format: FileFormat,
    name: str,
    *,
    actor: Actor,
    now: datetime | None = None,
    destination: str = "download",
) -> None:
    """The audit event for a published file (a download from the page, or a file the command wrote)."""
    audit.record(
        actor=actor,
        action="open_data.published",
        obj=_Publication(name[:64]),
        after={
            "format": file_format.value,
            "filters": selection.describe(),
            "grants": found.grants,
            "amount_awarded_pence": found.awarded_pence,
            "amount_disbursed_pence": found.disbursed_pence,
            "schema": standard.NAME,
            "destination": destination,
        },
        now=now,
    )


def checked_file(
    out: IO[bytes],
    selection: Selection,
    file_format: FileFormat,
    *,
    publisher: Publisher,
    today: date,
    progress: Callable[[Iterable[PublishedGrant]], Iterable[PublishedGrant]] | None = None,
) -> Check:
    """Write the chosen grants to `out`, checking each as it is written, in one read of the database: the file holds
    exactly the grants the returned check passed or failed. The caller keeps the file only if it is publishable.
    `progress` wraps the stream of grants (for a progress bar)."""
    found = Check()
    grants: Iterable[PublishedGrant] = _checked(records.grants(selection, publisher), found, publisher, today)
    if progress is not None:
        grants = progress(grants)
    write(out, file_format, grants, selection=selection, publisher=publisher, today=today)
    return found


def refusal(found: Check) -> NotPublished | None:
    """Why a checked file must not be published, if it must not."""
    if found.grants == 0:
        return NotPublished("There are no awarded grants to publish for these filters", found)
    if not found.valid:
        return NotPublished(_invalid_message(found), found)
    return None


def publish(
    selection: Selection,
    file_format: FileFormat,
    destination: Path,
    *,
    publisher: Publisher,
    actor: Actor,
    now: datetime | None = None,
    progress: Callable[[Iterable[PublishedGrant]], Iterable[PublishedGrant]] | None = None,
) -> Check:
    """Write the file to `destination` if every chosen grant is valid; NotPublished otherwise, leaving no new file."""
    now = now or utcnow()
    handle, temporary = tempfile.mkstemp(prefix=f".{destination.name}.", suffix=".part", dir=destination.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            found = checked_file(
                out, selection, file_format, publisher=publisher, today=london_today(now), progress=progress
            )
        if (refused := refusal(found)) is not None:
            raise refused
        os.replace(temporary, destination)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    record_publication(
        found, selection, file_format, destination.name, actor=actor, now=now, destination=str(destination)
    )
    return found


def _invalid_message(found: Check) -> str:
    grants = "grant is" if found.invalid_grants == 1 else "grants are"
    problems = "problem" if found.problem_count == 1 else "problems"
    return (
        f"{found.invalid_grants} {grants} not valid against the {standard.NAME} "
        f"({found.problem_count} {problems}): nothing was published"
    )
