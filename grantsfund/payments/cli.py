"""`flask payments hold` holds the instalments whose date has come while the monitoring return they wait on is not
yet accepted, and tells each group why (run it daily)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from grantsfund.extensions import db
from grantsfund.payments import holds

payments_cli = AppGroup("payments", help="Grant payments: the instalments finance approves and pays.")


@payments_cli.command("hold")
def hold_command() -> None:
    """Hold each instalment that is due while the return it waits on is not accepted, and email its group."""
    held = holds.hold_waiting()
    db.session.commit()
    click.echo(f"Payments held: {held} {'instalment' if held == 1 else 'instalments'} waiting for a return.")
