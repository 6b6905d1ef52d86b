"""Demo community groups: the Northbrook wards, six groups of different legal forms, their members and
a few documents. The demo applicant belongs to two of them. Safe to run again."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from grantsfund.accounts.models import Role
from grantsfund.accounts.passwords import hash_password
from grantsfund.common.actor import Actor
from grantsfund.common.dates import to_london, utcnow
from grantsfund.demo.services import DEMO_PASSWORD, DEMO_USERS, demo_person
from grantsfund.extensions import db
from grantsfund.organisations import services, storage
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

APPLICANT_EMAIL = DEMO_USERS[0].email  # applicant@example.org

# (name, legal form, charity no., company no., street, postcode, ward, income £, founded, members' emails)
GROUPS = [
    ("Riverside Community Kitchen", LegalForm.UNINCORPORATED_GROUP, None, None, "12 Mill Lane", "NB1 2AB",
     "Riverside", 18_400, 2016, [APPLICANT_EMAIL, "joe.bright@example.org"]),
    ("Northbrook Welcome Network", LegalForm.CIO, "1187654", None, "The Old Library, Station Road", "NB2 4QT",
     "Northbrook Central", 96_250, 2019, [APPLICANT_EMAIL, "fatima.noor@example.org"]),
    ("Castle Hill Youth Trust", LegalForm.REGISTERED_CHARITY, "1034567", None, "3 Castle Street", "NB3 1HX",
     "Castle Hill", 212_000, 1998, ["dev.patel@example.org"]),
    ("Eastgate Makers CIC", LegalForm.CIC, None, "12345678", "Unit 4, Eastgate Works", "NB4 7LP",
     "Eastgate", 54_800, 2021, ["lucy.oneill@example.org", "joe.bright@example.org"]),
    ("Orchard Park Faith Forum", LegalForm.FAITH_GROUP, None, None, "St Mary's Hall, Orchard Road", "NB5 3RD",
     "Orchard Park", 7_900, 2008, ["samuel.adeyemi@example.org"]),
    ("Harbour Languages Cafe Ltd", LegalForm.COMPANY_LIMITED_BY_GUARANTEE, None, "07654321", "1 Quay Side",
     "NB6 9SS", "Harbour", 33_100, 2012, ["fatima.noor@example.org"]),
]  # fmt: skip

OTHER_MEMBERS = {
    APPLICANT_EMAIL: DEMO_USERS[0].full_name,
    "joe.bright@example.org": "Joe Bright",
    "fatima.noor@example.org": "Fatima Noor",
    "dev.patel@example.org": "Dev Patel",
    "lucy.oneill@example.org": "Lucy O'Neill",
    "samuel.adeyemi@example.org": "Samuel Adeyemi",
}


def tiny_pdf(title: str) -> bytes:
    """A one-page PDF with a line of text, built by hand (valid cross-reference table included)."""
    text = title.replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 18 Tf 72 770 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def add_documents(organisation: Organisation, *, today: date, complete: bool) -> None:
    """Most groups have a full set; the others are missing some, or have something out of date."""
    year_end = date(today.year - 1, 3, 31)
    plan = [
        (DocumentKind.GOVERNING_DOCUMENT, None),
        (DocumentKind.ACCOUNTS, year_end if complete else date(today.year - 3, 3, 31)),
        (DocumentKind.SAFEGUARDING_POLICY, today + timedelta(days=300)),
    ]
    if complete:
        plan.append((DocumentKind.EQUALITY_POLICY, today + timedelta(days=200)))
        plan.append((DocumentKind.BANK_STATEMENT, today - timedelta(days=20)))
    now = utcnow()
    for kind, dated in plan:
        data = tiny_pdf(f"{organisation.name}: {kind.label}")
        stored = storage.save(current_app.config["UPLOAD_DIR"], data)
        db.session.add(
            Document(
                organisation=organisation,
                kind=kind,
                filename=storage.safe_filename(f"{organisation.name} {kind.value}", "pdf"),
                stored_name=stored,
                content_type="application/pdf",
                size_bytes=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                scan_status=ScanStatus.NOT_SCANNED,
                dated=dated,
                uploaded_at=now,
            )
        )


def seed() -> str:
    wards_added, _ = services.load_wards()
    db.session.flush()
    wards = {ward.name: ward for ward in db.session.scalars(select(Ward))}
    existing = set(db.session.scalars(select(Organisation.name)))
    today = to_london(utcnow()).date()
    added = 0
    password_hash = hash_password(DEMO_PASSWORD)  # once: hashing is slow on purpose
    for index, (name, form, charity, company, street, postcode, ward, pounds, year, emails) in enumerate(GROUPS):
        if name in existing:
            continue
        people = [
            demo_person(email, OTHER_MEMBERS.get(email, "Demo Member"), {Role.APPLICANT}, password_hash=password_hash)
            for email in emails
        ]
        db.session.flush()
        details = OrganisationDetails(
            name=name,
            legal_form=form,
            charity_number=charity,
            company_number=company,
            address_line_1=street,
            address_line_2=None,
            town="Northbrook",
            postcode=postcode,
            ward_id=wards[ward].id,
            annual_income_pence=pounds * 100,
            year_established=year,
            has_safeguarding_policy=True,
            has_equality_policy=index % 2 == 0,
            contact_name=people[0].full_name,
            contact_email=people[0].email,
            contact_phone=f"01632 960 {100 + index:03d}",
        )
        organisation = services.create_organisation(details, actor=Actor.system())
        now = utcnow()
        organisation.memberships = [Membership(user=person, joined_at=now) for person in people]
        add_documents(organisation, today=today, complete=index % 3 != 0)
        added += 1
    db.session.flush()
    return f"Organisations: {added} added, {len(GROUPS) - added} already there; wards: {wards_added} added"
