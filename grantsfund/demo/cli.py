"""`flask demo seed`: a believable fund for a newcomer to explore. Safe to run again."""

from __future__ import annotations

from collections.abc import Callable

import click
import pyotp
from flask.cli import AppGroup

from grantsfund.demo import agreements, applications, assessment, decided, organisations, rounds, services, signposting

demo_cli = AppGroup("demo", help="Demonstration data.")

# Each stage's demo data, in the order they depend on each other; each says what it added.
STAGES: list[tuple[str, Callable[[], str]]] = [
    ("Groups and their documents", organisations.seed),
    ("Funds and rounds", rounds.seed),
    ("Applications", applications.seed),
    ("Assessment", assessment.seed),
    ("Last year's round, decided", decided.seed),
    ("Signposting", signposting.seed),
    ("Agreements and payments", agreements.seed),
]


@demo_cli.command("seed")
def seed_command() -> None:
    """Load the demo logins (one per role) and data, skipping anything already there."""
    with click.progressbar(
        services.DEMO_USERS, label="Demo users", item_show_func=lambda u: u.email if u else ""
    ) as bar:
        report = services.seed_users(bar)
    services.commit()
    summaries = [f"Demo users: {report.added} added, {report.existing} already there."]
    with click.progressbar(STAGES, label="Demo data", item_show_func=lambda s: s[0] if s else "") as bar:
        for _label, seed in bar:
            summaries.append(seed())
            services.commit()
    for summary in summaries:
        click.echo(summary)
    click.echo(f"Every demo login uses the password: {services.DEMO_PASSWORD}")
    click.echo(
        "Staff logins then ask for a code from an authenticator app: run `flask demo code`, "
        f"or add this key to an app: {services.DEMO_TOTP_SECRET}"
    )


@demo_cli.command("code")
def code_command() -> None:
    """Print the current authenticator code for the demo staff logins."""
    click.echo(pyotp.TOTP(services.DEMO_TOTP_SECRET).now())
