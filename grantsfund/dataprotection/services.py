"""Retention: finding the personal data kept longer than the council's retention periods, and anonymising it.

What stays is what the reports add up (amounts, statuses, themes, wards, scores, dates, counts); what goes is what
identifies people (names, email addresses, phone numbers, addresses, free text, uploaded files, equality answers).
docs/data-protection.md says which rule covers what, and why.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, case, delete, func, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute

from grantsfund.accounts.models import AccountToken, RecoveryCode, Role, User, UserRole
from grantsfund.agreements.models import Agreement, AgreementVersion
from grantsfund.applications import answers
from grantsfund.applications.models import (
    Application,
    ApplicationActivity,
    ApplicationStatus,
    Attachment,
    BudgetLine,
    EqualityResponse,
    FundingSource,
    ProposedOutcome,
)
from grantsfund.assessment.models import (
    Assignment,
    CriterionScore,
    DeclaredInterest,
    EligibilityCheck,
    InformationRequest,
    ModeratedScore,
    ScoreSheet,
)
from grantsfund.audit import services as audit
from grantsfund.audit.models import AuditEvent
from grantsfund.common.actor import Actor
from grantsfund.common.dates import add_months, utcnow
from grantsfund.extensions import db
from grantsfund.notifications.models import OutboxMessage, OutboxStatus
from grantsfund.organisations import storage
from grantsfund.organisations.models import Document, JoinRequest, MemberInvitation, Membership, Organisation
from grantsfund.panel.models import PanelItem
from grantsfund.signposting.models import Signpost, Suggestion

MARKER = "Personal data removed"
# Addresses stay unique and can never receive mail (.invalid is reserved for that, RFC 2606).
REMOVED_EMAIL = "removed-{id}@personal-data-removed.invalid"
# Bounds the size of each IN (...) list, well inside what PostgreSQL and SQLite accept.
BATCH = 500

DECIDED = (ApplicationStatus.DECLINED, ApplicationStatus.INELIGIBLE, ApplicationStatus.WITHDRAWN)


@dataclass(frozen=True)
class Retention:
    """How long personal data is kept, from the settings (config.py, RETENTION_*)."""

    decided_months: int
    draft_months: int
    account_months: int
    outbox_days: int

    @classmethod
    def from_config(cls, config: Any) -> Retention:
        return cls(
            decided_months=config["RETENTION_DECIDED_MONTHS"],
            draft_months=config["RETENTION_DRAFT_MONTHS"],
            account_months=config["RETENTION_ACCOUNT_MONTHS"],
            outbox_days=config["RETENTION_OUTBOX_DAYS"],
        )


@dataclass
class PurgeReport:
    """What a purge anonymised (or, in a dry run, would): ids per category, and the files to delete from disk."""

    decided_applications: list[int] = field(default_factory=list)
    abandoned_drafts: list[int] = field(default_factory=list)
    organisations: list[int] = field(default_factory=list)
    accounts: list[int] = field(default_factory=list)
    outbox_messages: list[int] = field(default_factory=list)
    stored_files: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "decided_applications": len(self.decided_applications),
            "abandoned_drafts": len(self.abandoned_drafts),
            "organisations": len(self.organisations),
            "accounts": len(self.accounts),
            "outbox_messages": len(self.outbox_messages),
            "files": len(self.stored_files),
        }

    @property
    def anything(self) -> bool:
        return any(self.counts().values())


def months_before(now: datetime, months: int) -> datetime:
    """The same moment `months` calendar months earlier (on a shorter month's last day when needed)."""
    return datetime.combine(add_months(now.date(), -months), now.timetz())


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def _marked(column: InstrumentedAttribute[Any]) -> ColumnElement[Any]:
    # Nothing written stays nothing, so a page never claims something was removed where there was nothing.
    return case((column.is_(None), None), (column == "", ""), else_=MARKER)


# Applications ------------------------------------------------------------------------------------------------------

APPLICATION_TEXT = (
    "title",
    "summary",
    "need",
    "community_involvement",
    "mixing",
    "continuation",
    "continuation_fallback",
    "withdrawn_reason",
    "declared_name",
    "declared_position",
)


def _where_application(model: Any) -> Callable[[Sequence[int]], ColumnElement[bool]]:
    return lambda ids: model.application_id.in_(ids)


def _score_sheets_of(ids: Sequence[int]) -> ColumnElement[bool]:
    sheets = select(ScoreSheet.id).join(Assignment, ScoreSheet.assignment_id == Assignment.id)
    return CriterionScore.sheet_id.in_(sheets.where(Assignment.application_id.in_(ids)))


def _assignments_sheets_of(ids: Sequence[int]) -> ColumnElement[bool]:
    return ScoreSheet.assignment_id.in_(select(Assignment.id).where(Assignment.application_id.in_(ids)))


def _agreement_versions_of(ids: Sequence[int]) -> ColumnElement[bool]:
    return AgreementVersion.agreement_id.in_(select(Agreement.id).where(Agreement.application_id.in_(ids)))


def _suggestions_of(ids: Sequence[int]) -> ColumnElement[bool]:
    return Suggestion.signpost_id.in_(select(Signpost.id).where(Signpost.application_id.in_(ids)))


# Free text written about an application, by the group or by staff, that can name or describe people. Panel
# decisions are append-only (the record of the decision) and are not rewritten: see docs/data-protection.md.
RELATED_TEXT: tuple[tuple[Any, Callable[[Sequence[int]], ColumnElement[bool]], tuple[str, ...]], ...] = (
    (ApplicationActivity, _where_application(ApplicationActivity), ("description",)),
    (BudgetLine, _where_application(BudgetLine), ("item",)),
    (FundingSource, _where_application(FundingSource), ("source",)),
    (ProposedOutcome, _where_application(ProposedOutcome), ("measurement",)),
    (EligibilityCheck, _where_application(EligibilityCheck), ("reasons", "feedback")),
    (InformationRequest, _where_application(InformationRequest), ("question", "answer")),
    (Assignment, _where_application(Assignment), ("reason", "conflict_reason")),
    (ScoreSheet, _assignments_sheets_of, ("summary",)),
    (CriterionScore, _score_sheets_of, ("comment",)),
    (ModeratedScore, _where_application(ModeratedScore), ("reason",)),
    (Signpost, _where_application(Signpost), ("note",)),
    (Suggestion, _suggestions_of, ("outcome_note",)),
    (Agreement, _where_application(Agreement), ("withdrawn_reason",)),
    (
        AgreementVersion,
        _agreement_versions_of,
        (
            "reason",
            "signatory_role",
            "special_conditions",
            "sustainability_commitments",
            "accepted_name",
            "accepted_position",
            "accepted_ip",
            "withdrawn_reason",
        ),
    ),
)


def _last_changes(ids: Sequence[int]) -> dict[int, datetime]:
    """When each application last changed, by its audit trail: decisions and withdrawals are recorded there."""
    latest: dict[int, datetime] = {}
    for chunk in _chunks(ids):
        rows = db.session.execute(
            select(AuditEvent.object_id, func.max(AuditEvent.occurred_at))
            .where(AuditEvent.object_type == "application", AuditEvent.object_id.in_([str(id_) for id_ in chunk]))
            .group_by(AuditEvent.object_id)
        )
        latest.update({int(str(object_id)): occurred_at for object_id, occurred_at in rows})
    return latest


def _past(candidates: Select[int, datetime], cutoff: datetime) -> list[int]:
    # updated_at is never later than the last change, so it narrows the search; the audit trail decides.
    rows = list(db.session.execute(candidates.where(Application.updated_at < cutoff).order_by(Application.id)))
    latest = _last_changes([id_ for id_, _ in rows])
    return [id_ for id_, updated_at in rows if max(updated_at, latest.get(id_, updated_at)) < cutoff]


def _applications(*statuses: ApplicationStatus) -> Select[int, datetime]:
    return select(Application.id, Application.updated_at).where(
        Application.status.in_(statuses), Application.personal_data_removed_at.is_(None)
    )


def _anonymised_snapshot(application: Application) -> dict[str, Any]:
    """The snapshot rebuilt from the anonymised application: the same shape, so pages read it as before."""
    data = answers.describe(application)
    data["submitted_by"] = MARKER if data["submitted_by"] else None
    data["organisation"].update(contact_name=MARKER, contact_email=MARKER, address=MARKER, postcode="")
    return data


def _anonymised_pack(pack: dict[str, Any]) -> dict[str, Any]:
    """A panel item's pack without the bid's text, the assessors' words or the officer's eligibility notes; the
    scores, rank and recommendations stay."""
    assessments = [
        {
            **assessment,
            "summary": MARKER if assessment.get("summary") else "",
            "comments": [{**comment, "comment": MARKER} for comment in assessment.get("comments", [])],
        }
        for assessment in pack.get("assessments", [])
    ]
    flags = [MARKER] if pack.get("flags") else []
    return {**pack, "title": MARKER, "summary": MARKER, "flags": flags, "assessments": assessments}


def _anonymise_applications(ids: Sequence[int], category: str, *, actor: Actor, now: datetime) -> None:
    for chunk in _chunks(ids):
        db.session.execute(
            update(Application)
            .where(Application.id.in_(chunk))
            .values({name: _marked(getattr(Application, name)) for name in APPLICATION_TEXT})
            .values(personal_data_removed_at=now),
            execution_options={"synchronize_session": False},
        )
        for model, where, columns in RELATED_TEXT:
            db.session.execute(
                update(model).where(where(chunk)).values({name: _marked(getattr(model, name)) for name in columns}),
                execution_options={"synchronize_session": False},
            )
        # Equality answers only ever feed the equality report's aggregates, which count the answers that remain.
        db.session.execute(delete(EqualityResponse).where(EqualityResponse.application_id.in_(chunk)))
        db.session.execute(delete(Attachment).where(Attachment.application_id.in_(chunk)))
        db.session.expire_all()
        for application in db.session.scalars(select(Application).where(Application.id.in_(chunk))):
            if application.snapshot is not None:
                application.snapshot.data = _anonymised_snapshot(application)
            for item in db.session.scalars(select(PanelItem).where(PanelItem.application_id == application.id)):
                item.pack = _anonymised_pack(item.pack)
            audit.record(
                actor=actor,
                action="application.personal_data_removed",
                obj=application,
                after={"rule": category},
                now=now,
            )
        db.session.flush()


# Groups ------------------------------------------------------------------------------------------------------------


def _organisations_past(cutoff: datetime) -> list[int]:
    """Groups unchanged since the cutoff, none of whose members has signed in since, and whose every application
    (if any) has had its personal data removed."""
    holding = select(Application.organisation_id).where(Application.personal_data_removed_at.is_(None))
    active = select(Membership.organisation_id).join(User).where(User.last_signed_in_at >= cutoff)
    return list(
        db.session.scalars(
            select(Organisation.id)
            .where(
                Organisation.personal_data_removed_at.is_(None),
                Organisation.updated_at < cutoff,
                Organisation.id.not_in(holding),
                Organisation.id.not_in(active),
            )
            .order_by(Organisation.id)
        )
    )


def _stored_names(organisation_ids: Sequence[int]) -> list[str]:
    names: list[str] = []
    for chunk in _chunks(organisation_ids):
        names.extend(db.session.scalars(select(Document.stored_name).where(Document.organisation_id.in_(chunk))))
    return names


def _anonymise_organisations(ids: Sequence[int], *, actor: Actor, now: datetime) -> list[str]:
    stored = _stored_names(ids)
    for chunk in _chunks(ids):
        db.session.execute(delete(Document).where(Document.organisation_id.in_(chunk)))
        db.session.execute(delete(MemberInvitation).where(MemberInvitation.organisation_id.in_(chunk)))
        db.session.execute(
            update(DeclaredInterest)
            .where(DeclaredInterest.organisation_id.in_(chunk))
            .values(reason=_marked(DeclaredInterest.reason)),
            execution_options={"synchronize_session": False},
        )
        db.session.execute(
            update(JoinRequest)
            .where(JoinRequest.organisation_id.in_(chunk))
            .values(message=_marked(JoinRequest.message)),
            execution_options={"synchronize_session": False},
        )
        db.session.execute(
            update(Organisation)
            .where(Organisation.id.in_(chunk))
            .values(
                contact_name=MARKER,
                contact_email=MARKER,
                contact_phone=MARKER,
                address_line_1=MARKER,
                address_line_2=None,
                postcode="",
                personal_data_removed_at=now,
            ),
            execution_options={"synchronize_session": False},
        )
        db.session.expire_all()
        for organisation in db.session.scalars(select(Organisation).where(Organisation.id.in_(chunk))):
            audit.record(actor=actor, action="organisation.personal_data_removed", obj=organisation, now=now)
    return stored


# Accounts ----------------------------------------------------------------------------------------------------------


def _accounts_past(cutoff: datetime) -> list[int]:
    """Applicants (and nothing else) not signed in since the cutoff, in no group that still holds personal data (its
    own contact details, often the same person's, or an application's). Staff accounts are never purged here: their
    names are the record of who decided what."""
    staff = select(UserRole.user_id).where(UserRole.role != Role.APPLICANT)
    live_groups = select(Application.organisation_id).where(Application.personal_data_removed_at.is_(None))
    kept_groups = select(Organisation.id).where(Organisation.personal_data_removed_at.is_(None))
    in_live_group = select(Membership.user_id).where(
        Membership.organisation_id.in_(live_groups) | Membership.organisation_id.in_(kept_groups)
    )
    return list(
        db.session.scalars(
            select(User.id)
            .where(
                User.personal_data_removed_at.is_(None),
                func.coalesce(User.last_signed_in_at, User.created_at) < cutoff,
                User.id.not_in(staff),
                User.id.not_in(in_live_group),
            )
            .order_by(User.id)
        )
    )


def _anonymise_accounts(ids: Sequence[int], *, actor: Actor, now: datetime) -> None:
    for chunk in _chunks(ids):
        for model in (AccountToken, RecoveryCode, Membership, JoinRequest):
            db.session.execute(delete(model).where(model.user_id.in_(chunk)))
        for user in db.session.scalars(select(User).where(User.id.in_(chunk))):
            user.email = REMOVED_EMAIL.format(id=user.id)
            user.full_name = MARKER
            user.password_hash = None
            user.totp_secret = None
            user.totp_enabled_at = None
            user.session_token = secrets.token_urlsafe(32)  # ends any session still open
            user.disabled_at = user.disabled_at or now
            user.personal_data_removed_at = now
            audit.record(actor=actor, action="user.personal_data_removed", obj=user, now=now)
        db.session.flush()


# Emails ------------------------------------------------------------------------------------------------------------


def _messages_past(cutoff: datetime) -> list[int]:
    finished = or_(
        (OutboxMessage.status == OutboxStatus.SENT) & (OutboxMessage.sent_at < cutoff),
        (OutboxMessage.status == OutboxStatus.FAILED) & (OutboxMessage.give_up_at < cutoff),
    )
    return list(
        db.session.scalars(
            select(OutboxMessage.id).where(finished, OutboxMessage.recipient != MARKER).order_by(OutboxMessage.id)
        )
    )


def _anonymise_messages(ids: Sequence[int]) -> None:
    for chunk in _chunks(ids):
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(chunk))
            .values(recipient=MARKER, context={}, last_error=_marked(OutboxMessage.last_error)),
            execution_options={"synchronize_session": False},
        )


# The purge ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PurgeRun:
    """The purge as the object of its own audit event (object type "data_purge", identified by when it ran)."""

    id: str
    __tablename__ = "data_purges"


def find(retention: Retention, *, now: datetime | None = None) -> PurgeReport:
    """What is past retention now, without changing anything. Groups and accounts are counted as they stand: a
    purge that also removes their applications' data frees more of them on the next run."""
    now = now or utcnow()
    organisations = _organisations_past(months_before(now, retention.account_months))
    return PurgeReport(
        decided_applications=_past(_applications(*DECIDED), months_before(now, retention.decided_months)),
        abandoned_drafts=_past(_applications(ApplicationStatus.DRAFT), months_before(now, retention.draft_months)),
        organisations=organisations,
        accounts=_accounts_past(months_before(now, retention.account_months)),
        outbox_messages=_messages_past(now - timedelta(days=retention.outbox_days)),
        stored_files=_stored_names(organisations),
    )


def purge(retention: Retention, *, actor: Actor, now: datetime | None = None) -> PurgeReport:
    """Anonymise everything past retention, in the current transaction, applications first (so that their groups
    and people can follow in the same run). Running it again changes nothing. The uploaded files of the groups
    purged are listed in the report: delete them with `delete_files` once the transaction has committed."""
    now = now or utcnow()
    report = PurgeReport()
    report.decided_applications = _past(_applications(*DECIDED), months_before(now, retention.decided_months))
    _anonymise_applications(report.decided_applications, "decided", actor=actor, now=now)
    report.abandoned_drafts = _past(_applications(ApplicationStatus.DRAFT), months_before(now, retention.draft_months))
    _anonymise_applications(report.abandoned_drafts, "abandoned draft", actor=actor, now=now)
    report.organisations = _organisations_past(months_before(now, retention.account_months))
    report.stored_files = _anonymise_organisations(report.organisations, actor=actor, now=now)
    report.accounts = _accounts_past(months_before(now, retention.account_months))
    _anonymise_accounts(report.accounts, actor=actor, now=now)
    report.outbox_messages = _messages_past(now - timedelta(days=retention.outbox_days))
    _anonymise_messages(report.outbox_messages)
    if report.anything:
        audit.record(
            actor=actor,
            action="data.purged",
            obj=PurgeRun(id=now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")),
            after={"counts": report.counts(), "outbox_message_ids": report.outbox_messages},
            now=now,
        )
    db.session.flush()
    return report


def delete_files(upload_dir: str, stored_names: Iterable[str]) -> int:
    """Delete purged documents' files from disk; a file already gone counts as deleted."""
    deleted = 0
    for name in stored_names:
        storage.path_of(upload_dir, name).unlink(missing_ok=True)
        deleted += 1
    return deleted
