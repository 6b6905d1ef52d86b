"""`flask demo seed`: a believable fund for a newcomer to explore. Safe to run again."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from grantsfund.demo import services

demo_cli = AppGroup("demo", help="Demonstration data.")


@demo_cli.command("seed")
def seed_command() -> None:
    """Load the demo logins (one per role) and data, skipping anything already there."""
    with click.progressbar(
        services.DEMO_USERS, label="Demo users", item_show_func=lambda u: u.email if u else ""
    ) as bar:
        report = services.seed_users(bar)
    services.commit()
    click.echo(f"Demo users: {report.added} added, {report.existing} already there.")
    click.echo(f"Every demo login uses the password: {services.DEMO_PASSWORD}")
