"""Groups, members and documents for tests, made directly in the database."""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import select

from grantsfund.common.dates import utcnow
from grantsfund.extensions import db
from grantsfund.organisations import storage
from grantsfund.organisations.models import (
    Document,
    DocumentKind,
    LegalForm,
    Membership,
    Organisation,
    ScanStatus,
    Ward,
)
from grantsfund.organisations.services import OrganisationDetails
from tests.organisations import files


def ward(name: str = "Riverside", code: str = "E05099011") -> Ward:
    existing = db.session.scalars(select(Ward).where(Ward.ons_code == code)).first()
    if existing is not None:
        return existing
    made = Ward(name=name, ons_code=code)
    db.session.add(made)
    db.session.flush()
    return made


def details(**overrides) -> OrganisationDetails:
    values = {
        "name": "Riverside Community Kitchen",
        "legal_form": LegalForm.UNINCORPORATED_GROUP,
        "charity_number": None,
        "company_number": None,
        "address_line_1": "12 Mill Lane",
        "address_line_2": None,
        "town": "Northbrook",
        "postcode": "nb1 2ab",
        "ward_id": ward().id,
        "annual_income_pence": 1_250_000,
        "year_established": 2015,
        "has_safeguarding_policy": True,
        "has_equality_policy": False,
        "contact_name": "Amira Khan",
        "contact_email": "Kitchen@Example.org",
        "contact_phone": "01632 960 001",
    }
    return OrganisationDetails(**{**values, **overrides})


def organisation(*members, name: str = "Riverside Community Kitchen", **overrides) -> Organisation:
    now = utcnow()
    values = details(name=name, **overrides).__dict__
    values["postcode"] = "NB1 2AB"
    values["contact_email"] = values["contact_email"].lower()
    made = Organisation(**values, created_at=now, updated_at=now)
    made.memberships = [Membership(user=member, joined_at=now) for member in members]
    db.session.add(made)
    db.session.flush()
    return made


def document(
    group: Organisation,
    kind: DocumentKind = DocumentKind.GOVERNING_DOCUMENT,
    *,
    dated: date | None = None,
    data: bytes | None = None,
    filename: str = "constitution.pdf",
) -> Document:
    data = data if data is not None else files.pdf()
    made = Document(
        organisation=group,
        kind=kind,
        filename=filename,
        stored_name=storage.save(current_app.config["UPLOAD_DIR"], data),
        content_type="application/pdf",
        size_bytes=len(data),
        sha256="0" * 64,
        scan_status=ScanStatus.NOT_SCANNED,
        dated=dated,
        uploaded_at=utcnow(),
    )
    db.session.add(made)
    db.session.flush()
    return made
