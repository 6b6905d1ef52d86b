"""`flask organisations load-wards`: the council's ward list, from a CSV the council keeps."""

from __future__ import annotations

import csv
from pathlib import Path

import click
from flask.cli import AppGroup

from grantsfund.extensions import db
from grantsfund.organisations import services

organisations_cli = AppGroup("organisations", help="Community groups and the council's wards.")


@organisations_cli.command("load-wards")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load_wards_command(path: Path) -> None:
    """Add the wards in PATH (a CSV with columns name and ons_code) that are not there yet."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with click.progressbar(rows, label="Wards") as bar:
        report = services.import_wards(bar)
    db.session.commit()
    click.echo(f"Wards: {report.added} added, {report.existing} already there, {len(report.rejected)} refused.")
    for reason in report.rejected:
        click.echo(f"  {reason}", err=True)
