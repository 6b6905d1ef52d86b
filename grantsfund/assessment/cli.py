"""`flask assessment remind`: email assessors whose scores are due soon or overdue (run it daily)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from grantsfund.assessment import scoring
from grantsfund.extensions import db

assessment_cli = AppGroup("assessment", help="Assessing eligible bids.")


@assessment_cli.command("remind")
@click.option(
    "--days", default=scoring.REMIND_DAYS_BEFORE, show_default=True, help="Remind this many days before scores are due."
)
def remind_command(days: int) -> None:
    """Queue reminders for scores due within DAYS days or overdue; at most one a day for each assignment."""
    queued = scoring.remind(days_before=days)
    db.session.commit()
    click.echo(f"Reminders: {queued} queued.")
