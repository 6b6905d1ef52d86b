"""Community groups, their members and documents; the council's wards."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grantsfund.accounts.models import User
from grantsfund.common.columns import enum_column
from grantsfund.common.dates import UTCDateTime, utcnow
from grantsfund.extensions import db


class LegalForm(enum.StrEnum):
    REGISTERED_CHARITY = "registered_charity"
    CIO = "cio"
    CIC = "cic"
    COMPANY_LIMITED_BY_GUARANTEE = "company_limited_by_guarantee"
    UNINCORPORATED_GROUP = "unincorporated_group"
    FAITH_GROUP = "faith_group"
    PARISH_COUNCIL = "parish_council"
    SCHOOL = "school"
    COMMUNITY_BENEFIT_SOCIETY = "community_benefit_society"
    OTHER = "other"

    @property
    def label(self) -> str:
        return LEGAL_FORM_LABELS[self]


LEGAL_FORM_LABELS = {
    LegalForm.REGISTERED_CHARITY: "Registered charity",
    LegalForm.CIO: "Charitable incorporated organisation (CIO)",
    LegalForm.CIC: "Community interest company (CIC)",
    LegalForm.COMPANY_LIMITED_BY_GUARANTEE: "Company limited by guarantee",
    LegalForm.UNINCORPORATED_GROUP: "Unincorporated community group",
    LegalForm.FAITH_GROUP: "Faith group",
    LegalForm.PARISH_COUNCIL: "Parish or town council",
    LegalForm.SCHOOL: "School",
    LegalForm.COMMUNITY_BENEFIT_SOCIETY: "Community benefit society",
    LegalForm.OTHER: "Other",
}


class DocumentKind(enum.StrEnum):
    GOVERNING_DOCUMENT = "governing_document"
    ACCOUNTS = "accounts"
    SAFEGUARDING_POLICY = "safeguarding_policy"
    EQUALITY_POLICY = "equality_policy"
    BANK_STATEMENT = "bank_statement"

    @property
    def label(self) -> str:
        return DOCUMENT_KIND_LABELS[self]


DOCUMENT_KIND_LABELS = {
    DocumentKind.GOVERNING_DOCUMENT: "Governing document (constitution)",
    DocumentKind.ACCOUNTS: "Latest accounts",
    DocumentKind.SAFEGUARDING_POLICY: "Safeguarding policy",
    DocumentKind.EQUALITY_POLICY: "Equality policy",
    DocumentKind.BANK_STATEMENT: "Bank statement",
}


class ScanStatus(enum.StrEnum):
    CLEAN = "clean"
    NOT_SCANNED = "not_scanned"

    @property
    def label(self) -> str:
        return "No virus found" if self is ScanStatus.CLEAN else "Not scanned"


class JoinRequestStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class Ward(db.Model):  # type: ignore[name-defined]
    """One of the council's electoral wards: data loaded from a CSV, not code."""

    __tablename__ = "wards"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    ons_code: Mapped[str] = mapped_column(String(9), unique=True)

    def __repr__(self) -> str:
        return f"<Ward {self.ons_code} {self.name}>"


class Organisation(db.Model):  # type: ignore[name-defined]
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    legal_form: Mapped[LegalForm] = mapped_column(enum_column(LegalForm))
    charity_number: Mapped[str | None] = mapped_column(String(20))
    company_number: Mapped[str | None] = mapped_column(String(8))
    address_line_1: Mapped[str] = mapped_column(String(200))
    address_line_2: Mapped[str | None] = mapped_column(String(200))
    town: Mapped[str] = mapped_column(String(100))
    postcode: Mapped[str] = mapped_column(String(8))
    ward_id: Mapped[int] = mapped_column(ForeignKey("wards.id"), index=True)
    annual_income_pence: Mapped[int] = mapped_column(BigInteger)
    year_established: Mapped[int]
    has_safeguarding_policy: Mapped[bool]
    has_equality_policy: Mapped[bool]
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(320))
    contact_phone: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when the contact details and documents were removed past retention (grantsfund.dataprotection).
    personal_data_removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    ward: Mapped[Ward] = relationship(lazy="joined")
    # Loaded with every organisation, so the policy can check membership without a query.
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", lazy="selectin", order_by="Membership.joined_at"
    )
    documents: Mapped[list[Document]] = relationship(
        back_populates="organisation", order_by="Document.uploaded_at.desc(), Document.id.desc()"
    )
    join_requests: Mapped[list[JoinRequest]] = relationship(
        back_populates="organisation", order_by="JoinRequest.created_at"
    )
    invitations: Mapped[list[MemberInvitation]] = relationship(
        back_populates="organisation", order_by="MemberInvitation.created_at"
    )

    def has_member(self, user_id: int | None) -> bool:
        return user_id is not None and any(membership.user_id == user_id for membership in self.memberships)

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name}>"


class Membership(db.Model):  # type: ignore[name-defined]
    __tablename__ = "organisation_members"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()


class JoinRequest(db.Model):  # type: ignore[name-defined]
    """Someone asks to join a group; an existing member approves or declines."""

    __tablename__ = "organisation_join_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    message: Mapped[str | None] = mapped_column(Text)
    status: Mapped[JoinRequestStatus] = mapped_column(enum_column(JoinRequestStatus))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    organisation: Mapped[Organisation] = relationship(back_populates="join_requests")
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class MemberInvitation(db.Model):  # type: ignore[name-defined]
    """An emailed one-time link to join a group. Only a hash of the token is kept."""

    __tablename__ = "organisation_invitations"
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(320))
    token_hash: Mapped[str] = mapped_column(String(64))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set when the link is used, or replaced by a newer invitation to the same address.
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    organisation: Mapped[Organisation] = relationship(back_populates="invitations")
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])


class Document(db.Model):  # type: ignore[name-defined]
    """An uploaded file. The bytes live under UPLOAD_DIR with a random name, never under static/."""

    __tablename__ = "organisation_documents"
    __table_args__ = (UniqueConstraint("stored_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind))
    filename: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    scan_status: Mapped[ScanStatus] = mapped_column(enum_column(ScanStatus))
    # The date the rule for this kind reads: the financial year end, a policy's review date, a statement's date.
    dated: Mapped[date | None] = mapped_column(Date)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    organisation: Mapped[Organisation] = relationship(back_populates="documents")
    uploaded_by: Mapped[User | None] = relationship()
