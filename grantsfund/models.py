"""Every stage's models, imported in one place so the metadata (and Alembic) sees them all."""

from grantsfund.accounts.models import AccountToken, User, UserRole
from grantsfund.applications.models import (
    Application,
    ApplicationActivity,
    Attachment,
    BudgetLine,
    EligibilityAnswer,
    EqualityResponse,
    FundingSource,
    ProposedOutcome,
    ReferenceCounter,
    Snapshot,
    application_themes,
    application_wards,
)
from grantsfund.assessment.models import Assignment, DeclaredInterest, EligibilityCheck, InformationRequest
from grantsfund.audit.models import AuditEvent
from grantsfund.notifications.models import OutboxMessage
from grantsfund.organisations.models import Document, JoinRequest, MemberInvitation, Membership, Organisation, Ward
from grantsfund.rounds.models import (
    Criterion,
    EligibilityQuestion,
    Fund,
    Indicator,
    Round,
    RoundLegalForm,
    Theme,
    round_indicators,
    round_themes,
)

__all__ = [
    "AccountToken",
    "Application",
    "ApplicationActivity",
    "Assignment",
    "Attachment",
    "AuditEvent",
    "BudgetLine",
    "Criterion",
    "DeclaredInterest",
    "Document",
    "EligibilityAnswer",
    "EligibilityCheck",
    "EligibilityQuestion",
    "EqualityResponse",
    "Fund",
    "FundingSource",
    "Indicator",
    "InformationRequest",
    "JoinRequest",
    "MemberInvitation",
    "Membership",
    "Organisation",
    "OutboxMessage",
    "ProposedOutcome",
    "ReferenceCounter",
    "Round",
    "RoundLegalForm",
    "Snapshot",
    "Theme",
    "User",
    "UserRole",
    "Ward",
    "application_themes",
    "application_wards",
    "round_indicators",
    "round_themes",
]
