"""`flask publish 360giving --out PATH [--round ID] [--since YYYY-MM-DD] [--format json|xlsx|csv]` writes the council's
awarded grants as a 360Giving file, for the council's open data page. The format is the file's extension unless
given. Nothing is written unless every grant is valid against the standard: the command then lists the problems
(the grant and the field of each) and exits with status 1."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from grantsfund.common.actor import Actor
from grantsfund.common.dates import utcnow
from grantsfund.common.money import format_pence
from grantsfund.extensions import db
from grantsfund.reporting.opendata import records, standard
from grantsfund.reporting.opendata.publication import LISTED, FileFormat, NotPublished, publish
from grantsfund.reporting.opendata.records import PublishedGrant, Selection
from grantsfund.rounds.queries import round_choices

publish_cli = AppGroup("publish", help="Publish open data: the council's grants in the 360Giving Data Standard.")

# Below this many grants a progress bar is more noise than help.
PROGRESS_FROM = 200


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _day(context: click.Context, parameter: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date: give it as YYYY-MM-DD, like 2025-07-01") from None


def _format(out: Path, chosen: str | None) -> FileFormat:
    if chosen:
        return FileFormat(chosen)
    found = FileFormat.of(out)
    if found is None:
        raise click.BadParameter(
            f"cannot tell the format from {out.name!r}: end it with .json, .xlsx or .csv, or give --format",
            param_hint="--out",
        )
    return found


@publish_cli.command("360giving")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The file to write.")
@click.option("--round", "round_id", type=int, help="Only this round's grants (its number).")
@click.option("--since", callback=_day, help="Only grants decided on or after this day (YYYY-MM-DD).")
@click.option("--format", "file_format", type=click.Choice([f.value for f in FileFormat]), help="Else from --out.")
def publish_360giving(out: Path, round_id: int | None, since: date | None, file_format: str | None) -> None:
    """Write the awarded grants as a 360Giving file, if every one of them is valid against the standard."""
    chosen_format = _format(out, file_format)
    if not out.parent.is_dir():
        raise click.BadParameter(f"there is no folder {str(out.parent)!r} to write into", param_hint="--out")
    if round_id is not None and round_id not in {round_ for round_, _ in round_choices()}:
        raise click.BadParameter(f"there is no round {round_id}", param_hint="--round")
    selection = Selection(round_id=round_id, since=since)
    total = records.count(selection)

    def progress(grants: Iterable[PublishedGrant]) -> Iterator[PublishedGrant]:
        with click.progressbar(grants, length=total, label="Publishing grants", hidden=total < PROGRESS_FROM) as bar:
            yield from bar

    try:
        found = publish(
            selection,
            chosen_format,
            out,
            publisher=records.Publisher.from_config(current_app.config),
            actor=Actor.system(),
            now=utcnow(),
            progress=progress,
        )
    except NotPublished as refusal:  # nothing was recorded or written
        click.echo(f"Not published: {refusal.message}.", err=True)
        for problem in refusal.check.problems:
            click.echo(f"  {problem}", err=True)
        if refusal.check.problem_count > len(refusal.check.problems):
            click.echo(f"  … and {refusal.check.problem_count - LISTED:,} more", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(
        f"Published {_plural(found.grants, 'grant')} ({chosen_format.label}) to {out}: "
        f"{format_pence(found.awarded_pence)} awarded, all valid against the {standard.NAME}."
    )
