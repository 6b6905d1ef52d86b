"""The grants the council publishes, each as a record in the shape of the 360Giving Data Standard.

Which grants: every application whose award is published (status approved). A grant later closed, or ended early
(terminated), stays an award and is published; an offer withdrawn before the group accepted it withdraws the bid,
so it is not. A round, and a first decision date, narrow the selection.

Each record, from the data the app holds:
- id `360G-<prefix>-<reference>`; title; description (the application's summary); currency GBP;
- amountAppliedFor (what the bid asked), amountAwarded (the grant in force: the accepted agreement's amount after
  any variation, else the panel's decision), amountDisbursed (instalments paid): pounds, exact, from pence;
- awardDate: the day of the panel's decision, in London; plannedDates: the agreement's period (else the
  application's), with its length in whole months;
- recipientOrganization: the group's org-id (identifiers.best_org_id), name, charity and company numbers, town and
  postcode. Never a contact's name, email or phone, nor a street address: a small group's address is often someone's
  home. Grants here go only to organisations, never to individuals;
- beneficiaryLocation: the wards the application named, with their ONS codes (geoCodeType WD); locationScope
  GLS060 (local area) when there are wards, else GLS050 (the local authority);
- fundingOrganization (the council, under its org-id), grantProgramme (fund and round), fromOpenCall (rounds are
  open calls), dateModified (the latest change the app knows of: the application, the group, the decision, the
  agreement and its variations, a termination, a payment), dataSource.

Grants are read in batches of `BATCH` by application id (keyset pagination), two statements a batch: the grants
with their group, round, decision, agreement and payment totals, then the wards of that batch. Memory holds one
batch, however many grants there are."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, select
from sqlalchemy.orm import aliased

from grantsfund.agreements.models import Agreement, AgreementStatus, AgreementVersion, Termination, VersionStatus
from grantsfund.applications.models import Application, ApplicationStatus, application_wards
from grantsfund.common.dates import add_months, london_to_utc, to_london
from grantsfund.extensions import db
from grantsfund.organisations.models import Organisation, Ward
from grantsfund.panel.models import APPROVALS, PanelDecision
from grantsfund.payments.models import Instalment, InstalmentStatus
from grantsfund.reporting.opendata.identifiers import best_org_id, grant_id, pounds
from grantsfund.rounds.models import Fund, Round

BATCH = 500
CURRENCY = "GBP"
COUNTRY = "GB"
WARD = "WD"  # the standard's geoCodeType for electoral wards and divisions
LOCAL_AREA = "GLS060"  # locationScope: the grant names its wards
LOCAL_AUTHORITY = "GLS050"  # locationScope: the council's area as a whole
# The council's open data licence by default: the Open Government Licence, as UK councils publish under.
DEFAULT_LICENCE = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
# Agreements the group accepted: their amount (after any variation) is the grant in force.
IN_FORCE = (AgreementStatus.ACCEPTED, AgreementStatus.CLOSED, AgreementStatus.TERMINATED)


@dataclass(frozen=True)
class Publisher:
    """The council as the publisher and funder, from its configuration."""

    prefix: str  # 360Giving's prefix for it: grant ids are 360G-<prefix>-<reference>
    org_id: str  # GB-LAE-...
    name: str
    data_source: str  # the page where the council publishes the file
    licence: str
    website: str

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Publisher:
        return cls(
            # 360Giving hands out prefixes as "360G-xyz"; the setting may be given either way.
            prefix=str(config["OPEN_DATA_PREFIX"]).strip().removeprefix("360G-"),
            org_id=str(config["COUNCIL_ORG_ID"]),
            name=str(config["COUNCIL_NAME"]),
            data_source=str(config["OPEN_DATA_SOURCE_URL"]),
            licence=str(config.get("OPEN_DATA_LICENCE") or DEFAULT_LICENCE),
            website=str(config.get("COUNCIL_WEBSITE") or ""),
        )

    @property
    def full_prefix(self) -> str:
        return f"360G-{self.prefix}"


@dataclass(frozen=True)
class Selection:
    """Which awarded grants: all, or a round's, or those decided on or after a day (both may apply)."""

    round_id: int | None = None
    since: date | None = None

    def describe(self) -> dict[str, Any]:
        """The filters, for the audit trail and the file's Meta sheet."""
        return {"round_id": self.round_id, "since": self.since.isoformat() if self.since else None}


@dataclass
class PublishedGrant:
    """One grant's record in the standard's shape, with what the app knows it by (for messages and totals)."""

    application_id: int
    reference: str | None
    record: dict[str, Any]
    awarded_pence: int
    disbursed_pence: int
    wards: list[tuple[str, str]] = field(default_factory=list)

    @property
    def label(self) -> str:
        """How messages name it: its published id, else its reference."""
        return str(self.record.get("id") or self.reference or f"application {self.application_id}")


# Selecting ---------------------------------------------------------------------------------------------------


def _standing_approval() -> Any:
    """The id of the application's latest standing approval (an entry nobody corrected), as a correlated
    subquery: the award the panel published."""
    later = aliased(PanelDecision)
    not_corrected = ~select(later.id).where(later.corrects_id == PanelDecision.id).exists()
    return (
        select(PanelDecision.id)
        .where(PanelDecision.application_id == Application.id, PanelDecision.outcome.in_(APPROVALS), not_corrected)
        .order_by(PanelDecision.recorded_at.desc(), PanelDecision.id.desc())
        .limit(1)
        .correlate(Application)
        .scalar_subquery()
    )


def _first_recorded() -> Any:
    """When the panel first decided the standing decision's item: the award date, which a correction recorded later
    (a new entry on the same item) does not move. A bid deferred and decided at a later meeting is a new item."""
    first = aliased(PanelDecision)
    return (
        select(func.min(first.recorded_at))
        .where(first.item_id == PanelDecision.item_id)
        .correlate(PanelDecision)
        .scalar_subquery()
    )


def _conditions(selection: Selection) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Application.status == ApplicationStatus.APPROVED]
    if selection.round_id is not None:
        conditions.append(Application.round_id == selection.round_id)
    if selection.since is not None:
        conditions.append(_first_recorded() >= london_to_utc(selection.since, time.min))
    return conditions


def _chosen(selection: Selection) -> Select[int]:
    """The chosen applications' ids (a subquery for the counting statements)."""
    return (
        select(Application.id)
        .join(PanelDecision, PanelDecision.id == _standing_approval())
        .where(*_conditions(selection))
    )


def count(selection: Selection) -> int:
    """How many grants the selection publishes. One statement."""
    return int(db.session.scalar(select(func.count()).select_from(_chosen(selection).subquery())) or 0)


def round_title(round_id: int) -> str | None:
    """A round as the files name it ("Communities Fund – Round 2025/26"), or None if there is none. One statement."""
    found = db.session.execute(
        select(Fund.name, Round.name).join(Fund, Fund.id == Round.fund_id).where(Round.id == round_id)
    ).first()
    return programme_title(*found) if found else None


def widest_locations(selection: Selection) -> int:
    """The most wards any chosen grant names: how many location groups a flat file needs. One statement."""
    per_grant = (
        select(func.count().label("wards"))
        .where(application_wards.c.application_id.in_(_chosen(selection)))
        .group_by(application_wards.c.application_id)
        .subquery()
    )
    return int(db.session.scalar(select(func.max(per_grant.c.wards))) or 0)


def _batch_query(selection: Selection, size: int) -> Select[*tuple[Any, ...]]:
    """The next `size` grants after the application id bound as `after`. Built once for all the batches, so that
    reading many batches builds no new statements."""
    paid = (
        select(func.coalesce(func.sum(Instalment.amount_pence), 0))
        .where(Instalment.agreement_id == Agreement.id, Instalment.status == InstalmentStatus.PAID)
        .correlate(Agreement)
        .scalar_subquery()
    )
    last_paid = (
        select(func.max(Instalment.paid_recorded_at))
        .where(Instalment.agreement_id == Agreement.id)
        .correlate(Agreement)
        .scalar_subquery()
    )
    last_accepted = (
        select(func.max(AgreementVersion.accepted_at))
        .where(AgreementVersion.agreement_id == Agreement.id, AgreementVersion.status != VersionStatus.DRAFT)
        .correlate(Agreement)
        .scalar_subquery()
    )
    return (
        select(
            Application.id.label("application_id"),
            Application.reference,
            Application.title,
            Application.summary,
            Application.amount_requested_pence.label("requested"),
            Application.start_date,
            Application.end_date,
            Application.updated_at.label("application_updated"),
            Organisation.id.label("organisation_id"),
            Organisation.name.label("organisation"),
            Organisation.charity_number,
            Organisation.company_number,
            Organisation.town,
            Organisation.postcode,
            Organisation.updated_at.label("organisation_updated"),
            Round.id.label("round_id"),
            Round.name.label("round"),
            Fund.code.label("fund_code"),
            Fund.name.label("fund"),
            PanelDecision.amount_pence.label("decided"),
            _first_recorded().label("decided_at"),
            PanelDecision.recorded_at.label("decision_recorded"),
            Agreement.status.label("agreement_status"),
            Agreement.amount_pence.label("agreed"),
            Agreement.starts_on,
            Agreement.ends_on,
            Agreement.created_at.label("agreement_created"),
            Agreement.issued_at,
            Agreement.accepted_at,
            Termination.recorded_at.label("terminated_at"),
            Termination.updated_at.label("termination_updated"),
            paid.label("paid"),
            last_paid.label("last_paid"),
            last_accepted.label("last_accepted"),
        )
        .select_from(Application)
        .join(PanelDecision, PanelDecision.id == _standing_approval())
        .join(Organisation, Organisation.id == Application.organisation_id)
        .join(Round, Round.id == Application.round_id)
        .join(Fund, Fund.id == Round.fund_id)
        .outerjoin(Agreement, Agreement.application_id == Application.id)
        .outerjoin(Termination, Termination.agreement_id == Agreement.id)
        .where(and_(*_conditions(selection)), Application.id > bindparam("after"))
        .order_by(Application.id)
        .limit(size)
    )


# The wards of a batch of applications, by name: (application id, ward name, ONS code).
_WARDS = (
    select(application_wards.c.application_id, Ward.name, Ward.ons_code)
    .join(Ward, Ward.id == application_wards.c.ward_id)
    .where(application_wards.c.application_id.in_(bindparam("ids", expanding=True)))
    .order_by(application_wards.c.application_id, Ward.name)
)


def _wards(application_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """(name, ONS code) of each application's wards, by name. One statement."""
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for application_id, name, code in db.session.execute(_WARDS, {"ids": application_ids}):
        found[application_id].append((name, code))
    return found


def grants(selection: Selection, publisher: Publisher, *, batch: int | None = None) -> Iterator[PublishedGrant]:
    """The chosen grants' records in application order, read `batch` (BATCH) at a time: two statements a batch."""
    batch = batch or BATCH
    query = _batch_query(selection, batch)
    after = 0
    while True:
        rows = db.session.execute(query, {"after": after}).all()
        if not rows:
            return
        wards = _wards([row.application_id for row in rows])
        for row in rows:
            yield _grant(row, wards.get(row.application_id, []), publisher)
        if len(rows) < batch:
            return
        after = rows[-1].application_id


# Shaping -----------------------------------------------------------------------------------------------------


def whole_months(starts: date, ends: date) -> int:
    """The whole months a period from `starts` to `ends` (both included) spans, at least one: 1 September 2025 to
    31 August 2026 is 12."""
    day_after = ends + timedelta(days=1)
    months = (day_after.year - starts.year) * 12 + day_after.month - starts.month
    if add_months(starts, months) > day_after:
        months -= 1
    return max(months, 1)


def programme_title(fund: str, round_name: str) -> str:
    """ "Communities Fund – Round 2025/26"; a round already named after its fund keeps its own name."""
    return round_name if fund.lower() in round_name.lower() else f"{fund} – {round_name}"


def _awarded(row: Any) -> int:
    if row.agreement_status in IN_FORCE:
        return int(row.agreed)
    return int(row.decided)


def _planned(row: Any) -> list[dict[str, Any]]:
    starts, ends = (row.starts_on, row.ends_on) if row.agreement_status else (row.start_date, row.end_date)
    if starts is None or ends is None:
        return []
    return [{"startDate": starts.isoformat(), "endDate": ends.isoformat(), "duration": whole_months(starts, ends)}]


def _recipient(row: Any, publisher: Publisher) -> dict[str, Any]:
    organisation: dict[str, Any] = {
        "id": best_org_id(
            charity_number=row.charity_number,
            company_number=row.company_number,
            organisation_id=row.organisation_id,
            prefix=publisher.prefix,
        ),
        "name": row.organisation,
    }
    if row.charity_number:
        organisation["charityNumber"] = row.charity_number
    if row.company_number:
        organisation["companyNumber"] = row.company_number
    if row.town:
        organisation["addressLocality"] = row.town
    if row.postcode:
        organisation["postalCode"] = row.postcode
    return organisation


def _modified(row: Any) -> datetime:
    moments = [
        row.application_updated,
        row.organisation_updated,
        row.decision_recorded,
        row.agreement_created,
        row.issued_at,
        row.accepted_at,
        row.last_accepted,
        row.terminated_at,
        row.termination_updated,
        row.last_paid,
    ]
    latest: datetime = max(moment for moment in moments if moment is not None)
    return latest


def _grant(row: Any, wards: list[tuple[str, str]], publisher: Publisher) -> PublishedGrant:
    awarded, paid = _awarded(row), int(row.paid or 0)
    record: dict[str, Any] = {}
    if row.reference:
        record["id"] = grant_id(publisher.prefix, row.reference)
    record["title"] = row.title or ""
    record["description"] = row.summary or ""
    record["currency"] = CURRENCY
    if row.requested is not None:
        record["amountAppliedFor"] = pounds(int(row.requested))
    record["amountAwarded"] = pounds(awarded)
    record["amountDisbursed"] = pounds(paid)
    record["awardDate"] = to_london(row.decided_at).date().isoformat()
    if planned := _planned(row):
        record["plannedDates"] = planned
    record["recipientOrganization"] = [_recipient(row, publisher)]
    if wards:
        record["beneficiaryLocation"] = [
            {"name": name, "geoCode": code, "geoCodeType": WARD, "countryCode": COUNTRY} for name, code in wards
        ]
    record["locationScope"] = LOCAL_AREA if wards else LOCAL_AUTHORITY
    record["fundingOrganization"] = [{"id": publisher.org_id, "name": publisher.name}]
    record["grantProgramme"] = [
        {"code": f"{row.fund_code}-{row.round_id}", "title": programme_title(row.fund, row.round)}
    ]
    record["fromOpenCall"] = "Yes"
    record["dateModified"] = to_london(_modified(row)).isoformat(timespec="seconds")
    record["dataSource"] = publisher.data_source
    return PublishedGrant(row.application_id, row.reference, record, awarded, paid, wards)
