"""Community groups: profiles, members (join requests, invitations, leaving) and documents."""

from __future__ import annotations

import csv
import hashlib
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace
from dataclasses import field as dataclass_field
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from grantsfund.accounts.models import User
from grantsfund.audit import services as audit
from grantsfund.common.actor import Actor
from grantsfund.common.dates import add_months, to_london, utcnow
from grantsfund.common.errors import DomainError
from grantsfund.common.pagination import PER_PAGE
from grantsfund.extensions import db
from grantsfund.notifications.services import queue_email
from grantsfund.organisations import filetypes, storage
from grantsfund.organisations.models import (
    Document,
    DocumentKind,
    JoinRequest,
    JoinRequestStatus,
    LegalForm,
    MemberInvitation,
    Membership,
    Organisation,
    ScanStatus,
    Ward,
)
from grantsfund.organisations.scanning import ScanFailed, Scanner, scanner_for
from grantsfund.organisations.validation import (
    normalise_charity_number,
    normalise_company_number,
    normalise_phone,
    normalise_postcode,
    required_number_problems,
)

WARDS_CSV = Path(__file__).resolve().parent / "data" / "wards.csv"
EARLIEST_YEAR = 1800
SEARCH_LIMIT = 20


# Wards


def list_wards() -> list[Ward]:
    return list(db.session.scalars(select(Ward).order_by(Ward.name)))


# ONS ward codes: E05 (England), W05 (Wales), S13 (Scotland), N08 (Northern Ireland), then 6 digits.
WARD_CODE = re.compile(r"^(E05|W05|S13|N08)\d{6}$")


@dataclass
class WardImport:
    added: int = 0
    existing: int = 0
    rejected: list[str] = dataclass_field(default_factory=list)


def import_wards(rows: Iterable[dict[str, str]]) -> WardImport:
    """Add the wards (`name`, `ons_code`) that are not there yet; say why any row was refused."""
    report = WardImport()
    codes = set(db.session.scalars(select(Ward.ons_code)))
    names = set(db.session.scalars(select(Ward.name)))
    for line, row in enumerate(rows, start=2):
        name, code = (row.get("name") or "").strip(), (row.get("ons_code") or "").strip().upper()
        if code in codes:
            report.existing += 1
        elif not name or len(name) > 120:
            report.rejected.append(f"line {line}: a ward needs a name of up to 120 characters")
        elif not WARD_CODE.match(code):
            report.rejected.append(f"line {line}: {code or 'no code'} is not an ONS ward code, like E05012345")
        elif name in names:
            report.rejected.append(f"line {line}: there is already a ward called {name}")
        else:
            db.session.add(Ward(name=name, ons_code=code))
            codes.add(code)
            names.add(name)
            report.added += 1
    return report


def load_wards(path: Path = WARDS_CSV) -> tuple[int, int]:
    """Load a ward list CSV (columns `name`, `ons_code`): (added, already there)."""
    with path.open(newline="", encoding="utf-8") as handle:
        report = import_wards(csv.DictReader(handle))
    return report.added, report.existing


# Loading


def get_organisation(organisation_id: int) -> Organisation:
    """An organisation with everything its pages show, in a fixed number of queries."""
    return db.session.execute(
        select(Organisation)
        .where(Organisation.id == organisation_id)
        .options(
            selectinload(Organisation.memberships).joinedload(Membership.user),
            selectinload(Organisation.documents),
            selectinload(Organisation.join_requests).joinedload(JoinRequest.user),
            selectinload(Organisation.invitations),
        )
    ).scalar_one()


def find_organisation(organisation_id: int) -> Organisation | None:
    return db.session.get(Organisation, organisation_id)


def get_document(organisation: Organisation, document_id: int) -> Document:
    return db.session.execute(
        select(Document).where(Document.id == document_id, Document.organisation_id == organisation.id)
    ).scalar_one()


def get_join_request(organisation: Organisation, join_request_id: int) -> JoinRequest:
    return db.session.execute(
        select(JoinRequest).where(JoinRequest.id == join_request_id, JoinRequest.organisation_id == organisation.id)
    ).scalar_one()


def list_member_organisations(user: User) -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation)
            .join(Membership)
            .where(Membership.user_id == user.id)
            .order_by(Organisation.name, Organisation.id)
        )
    )


def member_organisation_ids(user: User) -> set[int]:
    return set(db.session.scalars(select(Membership.organisation_id).where(Membership.user_id == user.id)))


def list_organisations(*, page: int = 1) -> Pagination:
    """Every group, for officers and administrators."""
    query = select(Organisation).order_by(Organisation.name, Organisation.id)
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def find_organisations(name: str) -> list[Organisation]:
    """Groups whose name contains the words typed, for someone asking to join one."""
    words = name.split()
    if not words or len(name.strip()) < 3:
        return []
    query = select(Organisation).order_by(Organisation.name, Organisation.id).limit(SEARCH_LIMIT)
    for word in words[:5]:
        escaped = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(func.lower(Organisation.name).like(f"%{escaped}%", escape="\\"))
    return list(db.session.scalars(query))


def list_pending_join_requests(user: User) -> list[JoinRequest]:
    return list(
        db.session.scalars(
            select(JoinRequest)
            .options(joinedload(JoinRequest.organisation))
            .where(JoinRequest.user_id == user.id, JoinRequest.status == JoinRequestStatus.PENDING)
            .order_by(JoinRequest.created_at)
        )
    )


# Profiles


@dataclass(frozen=True)
class OrganisationDetails:
    name: str
    legal_form: LegalForm
    charity_number: str | None
    company_number: str | None
    address_line_1: str
    address_line_2: str | None
    town: str
    postcode: str
    ward_id: int
    annual_income_pence: int
    year_established: int
    has_safeguarding_policy: bool
    has_equality_policy: bool
    contact_name: str
    contact_email: str
    contact_phone: str


def _normalised(value: str | None, normalise: Callable[[str], str], field: str) -> str | None:
    if not value:
        return None
    try:
        return normalise(value)
    except ValueError as error:
        raise DomainError(str(error), field=field) from None


def _clean_details(details: OrganisationDetails, *, now: datetime) -> dict[str, Any]:
    """Check the rules a form may not have (and a CLI caller certainly has not) and return canonical values."""
    charity_number = _normalised(details.charity_number, normalise_charity_number, "charity_number")
    company_number = _normalised(details.company_number, normalise_company_number, "company_number")
    for field, message in required_number_problems(
        details.legal_form, charity_number=charity_number, company_number=company_number
    ).items():
        raise DomainError(message, field=field)
    postcode = _normalised(details.postcode, normalise_postcode, "postcode")
    if not postcode:
        raise DomainError("Enter a postcode", field="postcode")
    phone = _normalised(details.contact_phone, normalise_phone, "contact_phone")
    if not phone:
        raise DomainError("Enter a telephone number", field="contact_phone")
    this_year = to_london(now).year
    if not EARLIEST_YEAR <= details.year_established <= this_year:
        raise DomainError(
            f"The year your group was set up must be between {EARLIEST_YEAR} and {this_year}", field="year_established"
        )
    if details.annual_income_pence < 0:
        raise DomainError("Enter an amount of £0 or more", field="annual_income")
    if db.session.get(Ward, details.ward_id) is None:
        raise DomainError("Select the ward your group is based in", field="ward_id")
    cleaned = replace(
        details,
        charity_number=charity_number,
        company_number=company_number,
        postcode=postcode,
        contact_phone=phone,
        contact_email=details.contact_email.strip().lower(),
        address_line_2=details.address_line_2 or None,
    )
    return asdict(cleaned)


def _audit_view(organisation: Organisation) -> dict[str, object]:
    return {
        "name": organisation.name,
        "legal_form": organisation.legal_form,
        "charity_number": organisation.charity_number,
        "company_number": organisation.company_number,
        "postcode": organisation.postcode,
        "ward_id": organisation.ward_id,
        "annual_income_pence": organisation.annual_income_pence,
        "year_established": organisation.year_established,
        "has_safeguarding_policy": organisation.has_safeguarding_policy,
        "has_equality_policy": organisation.has_equality_policy,
        "contact_email": organisation.contact_email,
    }


def _check_member(organisation: Organisation, actor: Actor) -> None:
    """Only a group's members change it. The policy already says so for the pages; this holds for
    anyone who is both staff (who may look at any group) and an applicant."""
    if actor.user is not None and not organisation.has_member(actor.user_id):
        raise DomainError(f"Only members of {organisation.name} can change its details")


def create_organisation(details: OrganisationDetails, *, actor: Actor, now: datetime | None = None) -> Organisation:
    """A new group profile; the person who creates it is its first member."""
    now = now or utcnow()
    values = _clean_details(details, now=now)
    organisation = Organisation(**values, created_at=now, updated_at=now)
    if actor.user is not None:
        organisation.memberships.append(Membership(user=actor.user, user_id=actor.user.id, joined_at=now))
    db.session.add(organisation)
    audit.record(actor=actor, action="organisation.created", obj=organisation, after=_audit_view(organisation), now=now)
    return organisation


def update_organisation(
    organisation: Organisation, details: OrganisationDetails, *, actor: Actor, now: datetime | None = None
) -> None:
    now = now or utcnow()
    _check_member(organisation, actor)
    values = _clean_details(details, now=now)
    before = {field: getattr(organisation, field) for field in values}
    changed = {field for field, value in values.items() if before[field] != value}
    if not changed:
        return
    for field in changed:
        setattr(organisation, field, values[field])
    organisation.updated_at = now
    audit.record(
        actor=actor,
        action="organisation.updated",
        obj=organisation,
        before={field: before[field] for field in sorted(changed)},
        after={field: values[field] for field in sorted(changed)},
        now=now,
    )


# Members


def _lock(organisation: Organisation) -> None:
    """Take the organisation's row lock and re-read its members, so two people changing membership at
    once see each other's change (on PostgreSQL; SQLite lets one writer in at a time anyway)."""
    db.session.execute(select(Organisation.id).where(Organisation.id == organisation.id).with_for_update())
    db.session.refresh(organisation, ["memberships"])


def _add_member(organisation: Organisation, user: User, *, now: datetime) -> bool:
    if organisation.has_member(user.id):
        return False
    organisation.memberships.append(Membership(user=user, user_id=user.id, joined_at=now))
    return True


def remove_member(organisation: Organisation, user_id: int, *, actor: Actor, now: datetime | None = None) -> User:
    """Remove a member, or leave when it is the actor. A group always keeps at least one member."""
    now = now or utcnow()
    _check_member(organisation, actor)
    _lock(organisation)
    membership = next((m for m in organisation.memberships if m.user_id == user_id), None)
    if membership is None:
        raise DomainError("That person is not a member of this group")
    leaving = user_id == actor.user_id
    if len(organisation.memberships) <= 1:
        if leaving:
            raise DomainError(
                f"You are the only member of {organisation.name}. Invite someone else before you leave, "
                "so the group is not left without anyone to look after it"
            )
        raise DomainError(f"{organisation.name} must keep at least one member")
    user = membership.user
    organisation.memberships.remove(membership)
    db.session.flush()
    audit.record(
        actor=actor,
        action="organisation.member_left" if leaving else "organisation.member_removed",
        obj=organisation,
        before={"member": user.email},
        now=now,
    )
    if not leaving:
        queue_email(
            to=user.email,
            template="organisations/member_removed",
            context={"full_name": user.full_name, "organisation_name": organisation.name},
            now=now,
        )
    return user


def request_to_join(
    organisation: Organisation, *, actor: Actor, message: str = "", now: datetime | None = None
) -> JoinRequest:
    now = now or utcnow()
    user = actor.user
    if user is None:
        raise DomainError("Sign in to ask to join a group")
    if organisation.has_member(user.id):
        raise DomainError(f"You are already a member of {organisation.name}")
    pending = db.session.scalars(
        select(JoinRequest).where(
            JoinRequest.organisation_id == organisation.id,
            JoinRequest.user_id == user.id,
            JoinRequest.status == JoinRequestStatus.PENDING,
        )
    ).first()
    if pending is not None:
        raise DomainError(f"You have already asked to join {organisation.name}. A member will reply to you by email")
    join_request = JoinRequest(
        organisation=organisation, user=user, message=message or None, status=JoinRequestStatus.PENDING, created_at=now
    )
    db.session.add(join_request)
    audit.record(actor=actor, action="organisation.join_requested", obj=join_request, now=now)
    for membership in organisation.memberships:
        queue_email(
            to=membership.user.email,
            template="organisations/join_requested",
            context={
                "full_name": membership.user.full_name,
                "requester_name": user.full_name,
                "requester_email": user.email,
                "message": message,
                "organisation_name": organisation.name,
                "organisation_id": organisation.id,
            },
            now=now,
        )
    return join_request


def decide_join_request(join_request: JoinRequest, *, approve: bool, actor: Actor, now: datetime | None = None) -> None:
    now = now or utcnow()
    organisation = join_request.organisation
    _check_member(organisation, actor)
    if join_request.status is not JoinRequestStatus.PENDING:
        raise DomainError(f"{join_request.user.full_name}’s request has already been answered")
    join_request.status = JoinRequestStatus.APPROVED if approve else JoinRequestStatus.DECLINED
    join_request.decided_at = now
    join_request.decided_by_id = actor.user_id
    if approve:
        _lock(organisation)
        _add_member(organisation, join_request.user, now=now)
    audit.record(
        actor=actor,
        action="organisation.join_approved" if approve else "organisation.join_declined",
        obj=join_request,
        after={"status": join_request.status},
        now=now,
    )
    queue_email(
        to=join_request.user.email,
        template="organisations/join_approved" if approve else "organisations/join_declined",
        context={
            "full_name": join_request.user.full_name,
            "organisation_name": organisation.name,
            "organisation_id": organisation.id,
        },
        now=now,
    )


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def invite_member(organisation: Organisation, *, email: str, actor: Actor, now: datetime | None = None) -> str:
    """Email a one-time link to join the group. Earlier unused invitations to the same address stop working."""
    now = now or utcnow()
    _check_member(organisation, actor)
    email = email.strip().lower()
    if any(membership.user.email == email for membership in organisation.memberships):
        raise DomainError(f"{email} is already a member of {organisation.name}", field="email")
    for old in organisation.invitations:
        if old.email == email and old.used_at is None:
            old.used_at = now
    raw = secrets.token_urlsafe(32)
    hours = current_app.config["INVITATION_TOKEN_HOURS"]
    invitation = MemberInvitation(
        organisation=organisation,
        email=email,
        token_hash=_hash_token(raw),
        invited_by_id=actor.user_id,
        created_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    db.session.add(invitation)
    audit.record(actor=actor, action="organisation.member_invited", obj=invitation, after={"email": email}, now=now)
    queue_email(
        to=email,
        template="organisations/member_invitation",
        context={
            "organisation_name": organisation.name,
            "invited_by": actor.user.full_name if actor.user else current_app.config["COUNCIL_NAME"],
            "token": raw,
            "days": hours // 24,
        },
        now=now,
    )
    return raw


def find_invitation(raw: str, *, now: datetime | None = None) -> MemberInvitation | None:
    now = now or utcnow()
    invitation = db.session.scalars(
        select(MemberInvitation).where(MemberInvitation.token_hash == _hash_token(raw))
    ).first()
    if invitation is None or invitation.used_at is not None or invitation.expires_at <= now:
        return None
    return invitation


def accept_invitation(raw: str, *, actor: Actor, now: datetime | None = None) -> Organisation:
    now = now or utcnow()
    invitation = find_invitation(raw, now=now)
    if invitation is None:
        raise DomainError("This link has expired or has already been used")
    user = actor.user
    if user is None:
        raise DomainError("Sign in to accept the invitation")
    if user.email != invitation.email:
        raise DomainError(
            f"This invitation was sent to {invitation.email}. Sign in with that email address to accept it"
        )
    organisation = invitation.organisation
    _lock(organisation)
    _add_member(organisation, user, now=now)
    invitation.used_at = now
    invitation.accepted_by_id = user.id
    audit.record(actor=actor, action="organisation.invitation_accepted", obj=invitation, now=now)
    return organisation


# Documents


@dataclass(frozen=True)
class DocumentRule:
    """How long a kind of document stays current, and the date that is measured from."""

    date_label: str | None = None
    date_hint: str = ""
    months_current: int | None = None  # None: never goes out of date; 0: the date itself is the end
    date_in_past: bool = True


DOCUMENT_RULES: dict[DocumentKind, DocumentRule] = {
    DocumentKind.GOVERNING_DOCUMENT: DocumentRule(),
    # Accounts are due 10 months after a year end, so a year's accounts stay the latest until the
    # next year's are due: 12 + 10 months after the year end they cover.
    DocumentKind.ACCOUNTS: DocumentRule(
        "Financial year end date", "The last day of the year these accounts cover, for example 31 3 2025", 22
    ),
    DocumentKind.SAFEGUARDING_POLICY: DocumentRule(
        "Next review date", "When your group will next review this policy, for example 1 9 2027", 0, False
    ),
    DocumentKind.EQUALITY_POLICY: DocumentRule(
        "Next review date", "When your group will next review this policy, for example 1 9 2027", 0, False
    ),
    DocumentKind.BANK_STATEMENT: DocumentRule(
        "Statement date", "The date printed on the statement, for example 28 2 2026", 3
    ),
}


def expires_on(document: Document) -> date | None:
    rule = DOCUMENT_RULES[document.kind]
    if rule.months_current is None or document.dated is None:
        return None
    return add_months(document.dated, rule.months_current)


class DocumentState(StrEnum):
    MISSING = "missing"
    OUT_OF_DATE = "out_of_date"
    CURRENT = "current"


@dataclass(frozen=True)
class DocumentCheck:
    kind: DocumentKind
    state: DocumentState
    document: Document | None
    expires_on: date | None


def check_documents(organisation: Organisation, *, today: date) -> list[DocumentCheck]:
    """For each kind of document: the latest one, and whether it is missing or out of date."""
    latest: dict[DocumentKind, Document] = {}
    for uploaded in organisation.documents:  # newest first
        latest.setdefault(uploaded.kind, uploaded)
    checks = []
    for kind in DocumentKind:
        document = latest.get(kind)
        if document is None:
            checks.append(DocumentCheck(kind, DocumentState.MISSING, None, None))
            continue
        ends = expires_on(document)
        state = DocumentState.OUT_OF_DATE if ends is not None and ends < today else DocumentState.CURRENT
        checks.append(DocumentCheck(kind, state, document, ends))
    return checks


@dataclass(frozen=True)
class StoredFile:
    """An upload that passed the checks, stored under a random name in UPLOAD_DIR."""

    filename: str
    stored_name: str
    content_type: str
    size_bytes: int
    sha256: str
    scan_status: ScanStatus


def check_size_and_type(data: bytes) -> filetypes.FileType:
    max_mb = current_app.config["UPLOAD_MAX_MB"]
    if len(data) > max_mb * 1024 * 1024:
        raise DomainError(f"The selected file must be smaller than {max_mb}MB", field="file")
    return filetypes.detect(data)


def store_upload(
    data: bytes,
    filename: str,
    file_type: filetypes.FileType,
    *,
    organisation: Organisation,
    actor: Actor,
    now: datetime,
    scanner: Scanner | None = None,
) -> StoredFile:
    """Scan a file already checked for size and type, and store it; an infected file is refused and audited."""
    config = current_app.config
    scanner = scanner or scanner_for(config["CLAMD_SOCKET"])
    try:
        result = scanner.scan(data)
    except ScanFailed:
        current_app.logger.exception("virus scan failed")
        raise DomainError("We could not check the file for viruses. Try again later", field="file") from None
    if result.infected:
        audit.record(
            actor=actor,
            action="organisation.upload_refused",
            obj=organisation,
            after={"threat": result.threat},
            now=now,
        )
        raise DomainError(
            "The selected file contains a virus. Check your computer, then try a clean copy", field="file"
        )
    return StoredFile(
        filename=storage.safe_filename(filename, file_type.extension),
        stored_name=storage.save(config["UPLOAD_DIR"], data),
        content_type=file_type.content_type,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        scan_status=result.status or ScanStatus.NOT_SCANNED,
    )


def upload_document(
    organisation: Organisation,
    *,
    kind: DocumentKind,
    filename: str,
    data: bytes,
    dated: date | None,
    actor: Actor,
    now: datetime | None = None,
    scanner: Scanner | None = None,
) -> Document:
    """Check the file's size, real type and for viruses, store it under a random name, and record it."""
    now = now or utcnow()
    _check_member(organisation, actor)
    file_type = check_size_and_type(data)
    rule = DOCUMENT_RULES[kind]
    _check_date(rule, dated, today=to_london(now).date())
    stored = store_upload(data, filename, file_type, organisation=organisation, actor=actor, now=now, scanner=scanner)
    document = Document(
        organisation=organisation,
        kind=kind,
        **asdict(stored),
        dated=dated if rule.date_label else None,
        uploaded_at=now,
        uploaded_by_id=actor.user_id,
    )
    db.session.add(document)
    audit.record(
        actor=actor,
        action="organisation.document_uploaded",
        obj=document,
        after={"kind": kind, "filename": document.filename, "size_bytes": len(data), "scan": document.scan_status},
        now=now,
    )
    return document


def _check_date(rule: DocumentRule, dated: date | None, *, today: date) -> None:
    if rule.date_label is None:
        return
    if dated is None:
        raise DomainError(f"Enter the {rule.date_label.lower()}", field="dated")
    if rule.date_in_past and dated > today:
        raise DomainError(f"The {rule.date_label.lower()} must be today or in the past", field="dated")
    if dated.year < 1990 or dated.year > today.year + 10:
        raise DomainError(f"Enter a real {rule.date_label.lower()}", field="dated")


def read_document(document: Document) -> bytes:
    """The stored bytes (at most UPLOAD_MAX_MB, so they are read whole and the file closed at once)."""
    return storage.path_of(current_app.config["UPLOAD_DIR"], document.stored_name).read_bytes()
