"""`flask monitoring remind` (run it daily): reminds groups of returns due soon or overdue, once each, and holds the
payments waiting on late returns."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from grantsfund.common.dates import utcnow
from grantsfund.extensions import db
from grantsfund.monitoring import reminders
from grantsfund.monitoring.models import ReminderKind

monitoring_cli = AppGroup("monitoring", help="Monitoring returns: reminders to groups, and holds on late returns.")

# Below this many reminders a progress bar is more noise than help.
PROGRESS_FROM = 20


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@monitoring_cli.command("remind")
def remind_command() -> None:
    """Email groups whose return is due soon or overdue, then hold the payments waiting on late returns."""
    now = utcnow()
    due = reminders.due_reminders(now)
    counts = {ReminderKind.DUE_SOON: 0, ReminderKind.OVERDUE: 0}
    with click.progressbar(due, label="Sending reminders", hidden=len(due) < PROGRESS_FROM) as bar:
        for item in bar:
            if reminders.send(item, now=now):
                counts[item.kind] += 1
    db.session.commit()
    held = reminders.hold_late_payments(now)
    db.session.commit()
    click.echo(f"Due soon: {_plural(counts[ReminderKind.DUE_SOON], 'reminder')} sent.")
    click.echo(f"Overdue: {_plural(counts[ReminderKind.OVERDUE], 'reminder')} sent.")
    click.echo(f"Payments held: {_plural(held, 'instalment')} waiting for a late return.")
