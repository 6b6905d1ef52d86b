"""Warning signs for the officer checking eligibility to judge: a second bid from the same group in the round,
the same contact email, postcode, charity or company number on two different groups, and text largely copied
between bids. They are prompts, never verdicts: a federation and its branches may share an address."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select

from grantsfund.applications.models import Application, ApplicationStatus, Snapshot
from grantsfund.extensions import db
from grantsfund.organisations.models import Organisation

# Two bids sharing at least this share of their five-word phrases read as copied (reworded text shares few).
COPIED_SHARE = 0.4
SHINGLE_WORDS = 5
# The answers written in the group's own words, where copying shows.
WRITTEN_ANSWERS = ("summary", "need", "community_involvement", "mixing", "continuation")

_WORD = re.compile(r"[a-z0-9’']+")


@dataclass(frozen=True)
class Flag:
    kind: str
    detail: str

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "detail": self.detail}


def shingles(text: str) -> set[tuple[str, ...]]:
    """The text's runs of five words, lower-cased and without punctuation."""
    words = _WORD.findall(text.lower())
    return {tuple(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def copied_share(first: set[tuple[str, ...]], second: set[tuple[str, ...]]) -> float:
    """How much of the shorter text's phrasing is in the other (0 to 1)."""
    if not first or not second:
        return 0.0
    return len(first & second) / min(len(first), len(second))


def written_text(snapshot: dict[str, Any]) -> str:
    data = snapshot.get("data", {})
    return "\n".join(str(data.get(name) or "") for name in WRITTEN_ANSWERS)


def _other_bids_in_round(application: Application) -> list[tuple[Application, dict[str, Any]]]:
    rows = db.session.execute(
        select(Application, Snapshot.data)
        .join(Snapshot, Snapshot.application_id == Application.id)
        .where(
            Application.round_id == application.round_id,
            Application.id != application.id,
            Application.status != ApplicationStatus.WITHDRAWN,
        )
        .order_by(Application.id)
    )
    return [(other, data) for other, data in rows]


def _shared_details(organisation: Organisation) -> list[Flag]:
    """Other groups with the same contact email, postcode, charity number or company number."""
    checks = [
        ("contact email", func.lower(Organisation.contact_email) == organisation.contact_email.lower()),
        ("postcode", Organisation.postcode == organisation.postcode),
    ]
    if organisation.charity_number:
        checks.append(("charity number", Organisation.charity_number == organisation.charity_number))
    if organisation.company_number:
        checks.append(("company number", Organisation.company_number == organisation.company_number))
    others = db.session.scalars(
        select(Organisation)
        .where(Organisation.id != organisation.id, or_(*(condition for _, condition in checks)))
        .order_by(Organisation.name)
    ).all()
    flags = []
    values = {
        "contact email": lambda group: group.contact_email.lower(),
        "postcode": lambda group: group.postcode,
        "charity number": lambda group: group.charity_number,
        "company number": lambda group: group.company_number,
    }
    for what, _ in checks:
        mine = values[what](organisation)
        sharing = [other.name for other in others if values[what](other) == mine]
        if sharing:
            flags.append(Flag(f"same_{what.replace(' ', '_')}", f"The same {what} as {', '.join(sharing)}"))
    return flags


def warning_signs(application: Application, snapshot: dict[str, Any]) -> list[Flag]:
    flags: list[Flag] = []
    others = _other_bids_in_round(application)
    same_group = [other for other, _ in others if other.organisation_id == application.organisation_id]
    if same_group:
        references = ", ".join(other.reference or "a draft" for other in same_group)
        flags.append(Flag("second_bid", f"The group has another bid in this round: {references}"))
    flags.extend(_shared_details(application.organisation))
    mine = shingles(written_text(snapshot))
    for other, data in others:
        share = copied_share(mine, shingles(written_text(data)))
        if share >= COPIED_SHARE:
            flags.append(
                Flag(
                    "copied_text",
                    f"{share:.0%} of the wording is also in {other.reference} ({data['organisation']['name']})",
                )
            )
    return flags
