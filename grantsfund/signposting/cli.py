"""`flask funders import PATH` loads the directory of other funders; `flask signposting follow-up` asks groups
what happened with the funders they were sent to (run it daily)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import click
from flask.cli import AppGroup

from grantsfund.common.actor import Actor
from grantsfund.extensions import db
from grantsfund.signposting import directory, signposts

funders_cli = AppGroup("funders", help="The directory of other funders, for signposting.")
signposting_cli = AppGroup("signposting", help="Signposting declined and ineligible bids to other funders.")


@funders_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(path: Path) -> None:
    """Add or update the funders' programmes in PATH (a CSV shaped like data/funders-seed.csv)."""
    report = load(path)
    db.session.commit()
    click.echo(report.summary())
    for reason in report.kept_because:
        click.echo(f"  {reason}")
    for reason in report.rejected:
        click.echo(f"  {reason}", err=True)


def load(path: Path) -> directory.ImportReport:
    """Import the file, or refuse it whole (nothing changed) if it is not a UTF-8 CSV with the needed columns."""
    try:
        # Read whole before importing anything, so that a badly encoded file changes nothing.
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException(
            f"{path.name} is not saved as UTF-8: save it from the spreadsheet as CSV UTF-8"
        ) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [column for column in directory.REQUIRED_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise click.ClickException(f"{path.name} has no {', '.join(missing)} column: see data/funders-seed.csv")
    return directory.import_rows(reader, actor=Actor.system())


@signposting_cli.command("follow-up")
def follow_up_command() -> None:
    """Ask each group whose follow-up is due what happened with each funder it was sent to."""
    asked = signposts.send_follow_ups()
    db.session.commit()
    click.echo(f"Follow-ups: {asked} groups asked.")
