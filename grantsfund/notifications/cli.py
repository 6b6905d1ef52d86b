"""`flask outbox deliver`: the mail worker."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from grantsfund.notifications.senders import sender_from_config
from grantsfund.notifications.services import deliver_due

outbox_cli = AppGroup("outbox", help="The email outbox.")


@outbox_cli.command("deliver")
@click.option("--loop", is_flag=True, help="Keep delivering until stopped (Ctrl+C).")
@click.option("--batch", default=100, show_default=True, help="Most messages to send in one round.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds to wait between rounds with --loop.")
def deliver_command(loop: bool, batch: int, interval: float) -> None:
    """Send the emails that are due, retrying failures with back-off."""
    sender = sender_from_config()
    try:
        while True:
            report = deliver_due(sender=sender, batch=batch)
            if report.attempted or not loop:
                click.echo(f"Sent {report.sent}, retrying later {report.retrying}, failed {report.failed}.")
                for error in report.errors:
                    click.echo(f"  {error}", err=True)
            if not loop:
                return
            if report.attempted < batch:
                time.sleep(interval)
    except KeyboardInterrupt:
        click.echo("Stopped.")
