"""`flask monitoring remind` (run it daily): reminds groups of returns due soon or overdue, once each, and holds the
payments waiting on late returns. `flask monitoring start-plans` (once, after upgrading): sustainability plans for
grants accepted before plans were tracked."""

from __future__ import annotations

from collections.abc import Iterator

import click
from flask.cli import AppGroup

from grantsfund.common.actor import Actor
from grantsfund.common.dates import utcnow
from grantsfund.extensions import db
from grantsfund.monitoring import reminders, sustainability

monitoring_cli = AppGroup("monitoring", help="Monitoring returns: reminders to groups, and holds on late returns.")

# Below this many reminders a progress bar is more noise than help.
PROGRESS_FROM = 20


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _with_bar(due: list[reminders.Due]) -> Iterator[reminders.Due]:
    with click.progressbar(due, label="Sending reminders", hidden=len(due) < PROGRESS_FROM) as bar:
        yield from bar


@monitoring_cli.command("remind")
def remind_command() -> None:
    """Email groups whose return is due soon or overdue, then hold the payments waiting on late returns."""
    summary = reminders.remind(now=utcnow(), progress=_with_bar)
    db.session.commit()
    click.echo(f"Due soon: {_plural(summary.due_soon, 'reminder')} sent.")
    click.echo(f"Overdue: {_plural(summary.overdue, 'reminder')} sent.")
    click.echo(f"Payments held: {_plural(summary.held, 'instalment')} waiting for a late return.")


@monitoring_cli.command("start-plans")
def start_plans_command() -> None:
    """Start a sustainability plan, from its bid, for each grant in force that has none."""
    started = sustainability.start_missing_plans(actor=Actor.system())
    db.session.commit()
    click.echo(f"Sustainability plans: {_plural(started, 'plan')} started.")
