"""Where delivered mail goes: an SMTP server through Flask-Mail, or files on disk in development."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from flask_mail import Message

from grantsfund.extensions import mail


class SmtpSender:
    def send(self, message: Message) -> None:
        mail.send(message)


class FileSender:
    """Writes each email as an .eml file, so development needs no mail server."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    def send(self, message: Message) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        if message.sender is None:
            message.sender = current_app.config["MAIL_DEFAULT_SENDER"]
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        # "/" is allowed in an address's local part but would name a folder that does not exist.
        recipient = str(message.recipients[0]).replace("@", "_at_").replace("/", "_")
        path = self.directory / f"{stamp}-{recipient}.eml"
        path.write_bytes(message.as_bytes())


def sender_from_config() -> SmtpSender | FileSender:
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "file":
        return FileSender(current_app.config["MAIL_FILE_DIR"])
    if backend == "smtp":
        return SmtpSender()
    raise RuntimeError(f"MAIL_BACKEND must be 'file' or 'smtp', not {backend!r}")
