"""Every stage's models, imported in one place so the metadata (and Alembic) sees them all."""

from grantsfund.accounts.models import AccountToken, User, UserRole
from grantsfund.audit.models import AuditEvent
from grantsfund.notifications.models import OutboxMessage

__all__ = ["AccountToken", "AuditEvent", "OutboxMessage", "User", "UserRole"]
