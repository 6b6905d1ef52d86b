"""`flask check`: run before serving the public (and in a deployment's start-up), it lists what is unsafe or unwise
about the configuration and fails if anything is unsafe."""

from __future__ import annotations

import click
from flask import current_app

from grantsfund.ops import checks


@click.command("check")
def check_command() -> None:
    """Check the configuration for production use; exit 1 if any setting is unsafe."""
    found = checks.problems(current_app.config)
    for problem in found:
        label = "REFUSED" if problem.severity is checks.Severity.REFUSED else "Warning"
        click.echo(f"{label}: {problem.setting}: {problem.message}")
    refused = sum(problem.severity is checks.Severity.REFUSED for problem in found)
    if refused:
        raise click.ClickException(f"{refused} unsafe {'setting' if refused == 1 else 'settings'}: not ready to serve.")
    click.echo(f"Ready for production ({len(found)} {'warning' if len(found) == 1 else 'warnings'}).")
