"""`flask data purge` (run it daily): anonymises the personal data kept past its retention period.
`flask data retention`: the retention periods in force."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from grantsfund.common.actor import Actor
from grantsfund.dataprotection import services
from grantsfund.extensions import db

data_cli = AppGroup("data", help="Data protection: retention periods and the purge.")

LABELS = {
    "decided_applications": "Declined, ineligible and withdrawn applications",
    "abandoned_drafts": "Abandoned draft applications",
    "organisations": "Groups' contact details and documents",
    "accounts": "Unused applicant accounts",
    "outbox_messages": "Sent or failed emails",
    "files": "Uploaded files",
}


def _print_counts(report: services.PurgeReport) -> None:
    for key, count in report.counts().items():
        click.echo(f"  {LABELS[key]}: {count}")


@data_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Only count what is past retention; change nothing.")
def purge_command(dry_run: bool) -> None:
    """Anonymise the personal data kept past its retention period (safe to run twice)."""
    retention = services.Retention.from_config(current_app.config)
    if dry_run:
        click.echo("Dry run: past retention now (nothing changed):")
        _print_counts(services.find(retention))
        return
    report = services.purge(retention, actor=Actor.system())
    db.session.commit()
    # Only once the anonymisation is committed: a purge that rolled back must not have lost the files.
    services.delete_files(current_app.config["UPLOAD_DIR"], report.stored_files)
    click.echo("Personal data removed:")
    _print_counts(report)


@data_cli.command("retention")
def retention_command() -> None:
    """Show how long personal data is kept."""
    retention = services.Retention.from_config(current_app.config)
    click.echo(
        f"Declined, ineligible and withdrawn applications: {retention.decided_months} months after the last change"
    )
    click.echo(f"Draft applications never submitted: {retention.draft_months} months after the last change")
    click.echo(f"Applicant accounts and groups: {retention.account_months} months unused")
    click.echo(f"Emails: {retention.outbox_days} days after sending")
    click.echo("Funded grants: kept; not purged by this command")
