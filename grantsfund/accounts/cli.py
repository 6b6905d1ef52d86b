"""`flask accounts invite-admin`: the first administrator of a new installation, who then invites everyone else
from the Users page. The person gets the usual invitation email and sets their own password: no password is ever
typed on a command line or kept in a shell's history."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from grantsfund.accounts import services
from grantsfund.accounts.models import Role
from grantsfund.common.actor import Actor
from grantsfund.common.errors import DomainError
from grantsfund.extensions import db

accounts_cli = AppGroup("accounts", help="People's accounts.")


@accounts_cli.command("invite-admin")
@click.argument("email")
@click.argument("full_name")
def invite_admin_command(email: str, full_name: str) -> None:
    """Invite EMAIL (FULL_NAME) as an administrator; an existing account gains the role."""
    try:
        user = services.invite_staff(full_name=full_name, email=email, roles={Role.ADMINISTRATOR}, actor=Actor.system())
    except DomainError as error:
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"{user.full_name} <{user.email}> is an administrator; the outbox sends them the email to sign in.")
