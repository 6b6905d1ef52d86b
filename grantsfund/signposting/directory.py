"""The directory of other funders: officers add, edit, close and re-verify entries, and `flask funders import`
loads a CSV of them (the seed in data/funders-seed.csv, or a file of the same shape) without duplicating any.

The CSV's columns: funder, programme, min_award_gbp, max_award_gbp, eligible_types (`;`-separated, in the
wording of the seed: "registered charity", "CIO", …), themes (`;`-separated tags), geography ("England",
"UK", a region, or "Local …"), status (open, rolling, round-based, closed), notes, source, source_date (a
year, year-month or date: when the entry was last checked). Optional: min_income_gbp, max_income_gbp,
next_deadline (YYYY-MM-DD), website, description, contact."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from flask import current_app
from sqlalchemy import func, literal, or_, select

from grantsfund.audit import services as audit
from grantsfund.audit.models import AuditEvent
from grantsfund.common.actor import Actor
from grantsfund.common.dates import add_months, london_today, utcnow
from grantsfund.common.errors import DomainError
from grantsfund.common.money import MoneyError, parse_pounds
from grantsfund.extensions import db
from grantsfund.organisations.models import LegalForm, Ward
from grantsfund.signposting.matching import NATIONS
from grantsfund.signposting.models import Funder, Programme, ProgrammeStatus, Reach

# The seed's words for each kind of organisation, as the app names them.
LEGAL_FORM_WORDS: dict[str, LegalForm] = {
    "registered charity": LegalForm.REGISTERED_CHARITY,
    "charity": LegalForm.REGISTERED_CHARITY,
    "cio": LegalForm.CIO,
    "charitable incorporated organisation": LegalForm.CIO,
    "cic": LegalForm.CIC,
    "community interest company": LegalForm.CIC,
    "company limited by guarantee": LegalForm.COMPANY_LIMITED_BY_GUARANTEE,
    "unincorporated community group": LegalForm.UNINCORPORATED_GROUP,
    "unincorporated group": LegalForm.UNINCORPORATED_GROUP,
    "constituted group": LegalForm.UNINCORPORATED_GROUP,
    "faith group": LegalForm.FAITH_GROUP,
    "parish council": LegalForm.PARISH_COUNCIL,
    "town council": LegalForm.PARISH_COUNCIL,
    "school": LegalForm.SCHOOL,
    "community benefit society": LegalForm.COMMUNITY_BENEFIT_SOCIETY,
    **{form.value: form for form in LegalForm},
}
STATUS_WORDS = {status.value: status for status in ProgrammeStatus} | {"round-based": ProgrammeStatus.ROUND_BASED}
HOST = re.compile(r"^(?:https?://)?([a-z0-9-]+(?:\.[a-z0-9-]+)+)(/\S*)?$", re.IGNORECASE)
SOURCE_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
MAX_NAME = 200
MAX_AREA = 200
MAX_LINK = 500  # the source and web addresses
# The columns a row cannot do without; a file missing one is refused whole.
REQUIRED_COLUMNS = ("funder", "programme", "geography", "status", "source_date")


@dataclass
class FunderDetails:
    name: str
    website: str = ""
    description: str = ""
    contact: str = ""


@dataclass
class ProgrammeDetails:
    name: str
    reach: Reach
    status: ProgrammeStatus
    last_verified_on: date
    area: str = ""
    description: str = ""
    min_award_pence: int | None = None
    max_award_pence: int | None = None
    min_income_pence: int | None = None
    max_income_pence: int | None = None
    legal_forms: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    ward_ids: list[int] = field(default_factory=list)
    next_deadline: date | None = None
    contact: str = ""
    notes: str = ""
    source: str = ""
    source_url: str = ""


# Reading ---------------------------------------------------------------------------------------------------


def stale_before(today: date | None = None) -> date:
    """Entries last verified before this day are flagged for checking."""
    return add_months(today or london_today(), -current_app.config["FUNDER_VERIFY_MONTHS"])


def get_funder(funder_id: int) -> Funder | None:
    return db.session.get(Funder, funder_id)


def get_programme(programme_id: int) -> Programme | None:
    return db.session.get(Programme, programme_id)


def list_programmes(
    *, search: str = "", status: ProgrammeStatus | None = None, stale_only: bool = False
) -> list[Programme]:
    query = select(Programme).join(Programme.funder).order_by(func.lower(Funder.name), func.lower(Programme.name))
    if search.strip():
        pattern = func.lower(literal(f"%{search.strip()}%"))
        query = query.where(or_(func.lower(Funder.name).like(pattern), func.lower(Programme.name).like(pattern)))
    if status is not None:
        query = query.where(Programme.status == status)
    if stale_only:
        query = query.where(Programme.last_verified_on < stale_before())
    return list(db.session.scalars(query).unique())


def open_programmes() -> list[Programme]:
    """Every programme a group could be sent to."""
    query = select(Programme).where(Programme.status != ProgrammeStatus.CLOSED).order_by(Programme.id)
    return list(db.session.scalars(query).unique())


def find_funder(name: str) -> Funder | None:
    """The funder of this name, whatever its letter case."""
    # Both sides through the database's lower(): SQLite's changes only ASCII letters, so comparing it with
    # Python's str.lower() would miss "Ørsted" against "ØRSTED" and break the unique name instead.
    return db.session.scalar(select(Funder).where(func.lower(Funder.name) == func.lower(literal(name.strip()))))


# Changing --------------------------------------------------------------------------------------------------


WEB_ADDRESS = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def _check_link(address: str, *, field: str) -> None:
    """Links go into letters and pages, so only web addresses: never javascript: or anything else."""
    if address and (len(address) > MAX_LINK or not WEB_ADDRESS.match(address)):
        raise DomainError("Enter a web address starting https://, like https://www.example.org", field=field)


def _check_funder(details: FunderDetails, funder: Funder | None) -> None:
    _check_link(details.website, field="website")
    if not details.name.strip():
        raise DomainError("Enter the funder's name", field="name")
    if len(details.name) > MAX_NAME:
        raise DomainError(f"Enter a name of {MAX_NAME} characters or fewer", field="name")
    clash = find_funder(details.name)
    if clash is not None and clash is not funder:
        raise DomainError("There is already a funder with this name", field="name")


def create_funder(details: FunderDetails, *, actor: Actor, now: datetime | None = None) -> Funder:
    now = now or utcnow()
    _check_funder(details, None)
    funder = Funder(**asdict(details) | {"name": details.name.strip()}, created_at=now, updated_at=now)
    db.session.add(funder)
    audit.record(actor=actor, action="funder.added", obj=funder, after=asdict(details), now=now)
    return funder


def update_funder(funder: Funder, details: FunderDetails, *, actor: Actor, now: datetime | None = None) -> bool:
    now = now or utcnow()
    _check_funder(details, funder)
    before = FunderDetails(funder.name, funder.website, funder.description, funder.contact)
    details.name = details.name.strip()
    if before == details:
        return False
    for name, value in asdict(details).items():
        setattr(funder, name, value)
    funder.updated_at = now
    audit.record(
        actor=actor, action="funder.updated", obj=funder, before=asdict(before), after=asdict(details), now=now
    )
    return True


def _check_programme(funder: Funder, details: ProgrammeDetails, programme: Programme | None) -> None:
    _check_link(details.source_url, field="source_url")
    if not details.name.strip():
        raise DomainError("Enter the programme's name", field="name")
    if len(details.name) > MAX_NAME:
        raise DomainError(f"Enter a name of {MAX_NAME} characters or fewer", field="name")
    same_name = [
        other
        for other in funder.programmes
        if other.name.lower() == details.name.strip().lower() and other is not programme
    ]
    if same_name:
        raise DomainError(f"{funder.name} already has a programme with this name", field="name")
    if _out_of_order(details.min_award_pence, details.max_award_pence):
        raise DomainError("The smallest grant must not be more than the largest", field="min_award")
    if _out_of_order(details.min_income_pence, details.max_income_pence):
        raise DomainError("The lowest income must not be more than the highest", field="min_income")
    _check_bounds(details)
    if details.reach is not Reach.LOCAL and not details.area.strip():
        raise DomainError("Enter the area the programme covers, like England or Yorkshire and the Humber", field="area")
    if details.reach is Reach.NATIONAL and details.area.strip().casefold() not in NATIONS:
        raise DomainError(
            "Enter a nation or nations: UK, Great Britain, England and Wales, or one nation", field="area"
        )
    unknown = set(details.legal_forms) - {form.value for form in LegalForm}
    if unknown:
        raise DomainError("Choose kinds of group from the list", field="legal_forms")


def _check_bounds(details: ProgrammeDetails) -> None:
    """What the columns can hold, and no check dated after today."""
    if details.last_verified_on > london_today():
        raise DomainError("The date it was checked must be today or in the past", field="last_verified_on")
    if len(details.area) > MAX_AREA:
        raise DomainError(f"Enter an area of {MAX_AREA} characters or fewer", field="area")
    if len(details.source) > MAX_LINK:
        raise DomainError(f"Enter a source of {MAX_LINK} characters or fewer", field="source")


def _out_of_order(low: int | None, high: int | None) -> bool:
    return low is not None and high is not None and low > high


def _snapshot(programme: Programme) -> dict[str, object]:
    values = {
        name: getattr(programme, name) for name in ProgrammeDetails.__dataclass_fields__ if name not in {"ward_ids"}
    }
    values["ward_ids"] = sorted(ward.id for ward in programme.wards)
    return values


def _apply(programme: Programme, details: ProgrammeDetails) -> None:
    for name, value in asdict(details).items():
        if name != "ward_ids":
            setattr(programme, name, value)
    programme.name = details.name.strip()
    programme.themes = _tags(details.themes)
    wanted = set(details.ward_ids) if details.reach is Reach.LOCAL else set()
    # A new programme is not in the session yet: flushing now would warn and leave it out.
    with db.session.no_autoflush:
        wards = select(Ward).where(Ward.id.in_(wanted)).order_by(Ward.name)  # as the relationship orders them
        programme.wards = list(db.session.scalars(wards)) if wanted else []


def _tags(tags: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for tag in tags:
        if tag.strip():
            seen.setdefault(tag.strip().casefold(), tag.strip())
    return list(seen.values())


def _audited(value: dict[str, object]) -> dict[str, object]:
    return {key: item.isoformat() if isinstance(item, date) else item for key, item in value.items()}


def create_programme(
    funder: Funder, details: ProgrammeDetails, *, actor: Actor, now: datetime | None = None
) -> Programme:
    now = now or utcnow()
    _check_programme(funder, details, None)
    programme = Programme(funder=funder, created_at=now, updated_at=now)
    db.session.add(programme)
    _apply(programme, details)
    audit.record(
        actor=actor, action="funder_programme.added", obj=programme, after=_audited(_snapshot(programme)), now=now
    )
    return programme


def update_programme(
    programme: Programme, details: ProgrammeDetails, *, actor: Actor, now: datetime | None = None
) -> bool:
    """Change a programme; False if nothing changed."""
    now = now or utcnow()
    _check_programme(programme.funder, details, programme)
    before = _snapshot(programme)
    _apply(programme, details)
    after = _snapshot(programme)
    if before == after:
        return False
    programme.updated_at = now
    audit.record(
        actor=actor,
        action="funder_programme.updated",
        obj=programme,
        before=_audited({key: value for key, value in before.items() if after[key] != value}),
        after=_audited({key: value for key, value in after.items() if before[key] != value}),
        now=now,
    )
    return True


def details_of(programme: Programme) -> ProgrammeDetails:
    return ProgrammeDetails(**_snapshot(programme))  # type: ignore[arg-type]


def close_programme(programme: Programme, *, actor: Actor, now: datetime | None = None) -> None:
    if programme.status is ProgrammeStatus.CLOSED:
        raise DomainError("This programme is already closed")
    update_programme(programme, _with(programme, status=ProgrammeStatus.CLOSED), actor=actor, now=now)


def verify(programme: Programme, *, actor: Actor, now: datetime | None = None) -> None:
    """The officer has checked the entry against the funder's website today."""
    now = now or utcnow()
    today = london_today(now)
    if programme.last_verified_on != today:
        update_programme(programme, _with(programme, last_verified_on=today), actor=actor, now=now)


def _with(programme: Programme, **changes: object) -> ProgrammeDetails:
    details = details_of(programme)
    for name, value in changes.items():
        setattr(details, name, value)
    return details


# Importing -------------------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    # Entries an officer checked, changed or closed since the file's row was written, left as they are: why, by line.
    kept_because: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)

    @property
    def kept(self) -> int:
        return len(self.kept_because)

    def summary(self) -> str:
        return (
            f"Funders: {self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.kept} kept as an officer left them, {len(self.rejected)} rejected."
        )


class RowError(ValueError):
    """A row of the import cannot be used; the message says why."""


def import_rows(rows: Iterable[Mapping[str, str | None]], *, actor: Actor, now: datetime | None = None) -> ImportReport:
    """Add or update a programme for each row (the same funder and programme name is the same entry)."""
    now = now or utcnow()
    report = ImportReport()
    for line, row in enumerate(rows, start=2):
        try:
            funder_details, details = _read_row(row)
            # A row refused half way (its funder added, its programme not) leaves nothing behind.
            with db.session.begin_nested():
                kept_because = _import_one(funder_details, details, report, actor=actor, now=now)
            if kept_because:
                report.kept_because.append(f"line {line}: {kept_because}")
        except (RowError, DomainError) as error:
            report.rejected.append(f"line {line}: {error}")
    db.session.flush()
    return report


def _import_one(
    funder_details: FunderDetails, details: ProgrammeDetails, report: ImportReport, *, actor: Actor, now: datetime
) -> str:
    """Import one row; why the entry was kept as an officer left it, or "" if it was not."""
    funder = find_funder(funder_details.name)
    if funder is None:
        funder = create_funder(funder_details, actor=actor, now=now)
    programme = next((p for p in funder.programmes if p.name.lower() == details.name.lower()), None)
    if programme is None:
        create_programme(funder, details, actor=actor, now=now)
        report.added += 1
    elif _same(programme, details):
        report.unchanged += 1
    elif kept_because := _kept_because(programme, details):
        return kept_because
    else:
        update_programme(programme, details, actor=actor, now=now)
        report.updated += 1
    return ""


def _same(programme: Programme, details: ProgrammeDetails) -> bool:
    """Whether saving the row would change nothing (names and tags as `_apply` tidies them)."""
    wards = sorted(set(details.ward_ids)) if details.reach is Reach.LOCAL else []
    wanted = asdict(details) | {"name": details.name.strip(), "themes": _tags(details.themes), "ward_ids": wards}
    return wanted == _snapshot(programme)


def _kept_because(programme: Programme, details: ProgrammeDetails) -> str:
    """Why what an officer found stands against the file's row, or "" if the row may update the entry."""
    written = details.last_verified_on
    if programme.last_verified_on > written:
        return f"kept: checked on {programme.last_verified_on.isoformat()}, after the file's {written.isoformat()}"
    if not _officer_changed_last(programme):
        return ""
    changed_on = london_today(programme.updated_at)
    closing = programme.status is ProgrammeStatus.CLOSED and details.status is not ProgrammeStatus.CLOSED
    if closing and written <= changed_on:
        return f"kept closed: an officer closed it on {changed_on.isoformat()}, after the file's {written.isoformat()}"
    if programme.last_verified_on == written:
        return f"kept: an officer changed it on {changed_on.isoformat()}, and the file's row is no newer"
    return ""


def _officer_changed_last(programme: Programme) -> bool:
    """Whether the entry's last change was a person's rather than an import's."""
    actor_id = db.session.scalar(
        select(AuditEvent.actor_id)
        .where(AuditEvent.object_type == "funder_programme", AuditEvent.object_id == str(programme.id))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(1)
    )
    return actor_id is not None


def _cell(row: Mapping[str, str | None], name: str) -> str:
    return (row.get(name) or "").strip()


def _read_row(row: Mapping[str, str | None]) -> tuple[FunderDetails, ProgrammeDetails]:
    funder, name = _cell(row, "funder"), _cell(row, "programme")
    if not funder or not name:
        raise RowError("a row needs a funder and a programme")
    if len(funder) > MAX_NAME or len(name) > MAX_NAME:
        raise RowError(f"names must be {MAX_NAME} characters or fewer")
    # A value too long for its column would fail the whole import on PostgreSQL, so the row is refused here.
    for column, most in (("geography", MAX_AREA), ("source", MAX_LINK), ("website", MAX_LINK)):
        if len(_cell(row, column)) > most:
            raise RowError(f"{column} must be {most} characters or fewer")
    reach, area = _geography(_cell(row, "geography"))
    source = _cell(row, "source")
    source_url = _url(source)
    details = ProgrammeDetails(
        name=name,
        reach=reach,
        area=area,
        status=_status(_cell(row, "status")),
        last_verified_on=_source_date(_cell(row, "source_date")),
        description=_cell(row, "description"),
        min_award_pence=_pounds(row, "min_award_gbp"),
        max_award_pence=_pounds(row, "max_award_gbp"),
        min_income_pence=_pounds(row, "min_income_gbp"),
        max_income_pence=_pounds(row, "max_income_gbp"),
        legal_forms=_legal_forms(_cell(row, "eligible_types")),
        themes=_tags(_cell(row, "themes").split(";")),
        next_deadline=_deadline(_cell(row, "next_deadline")),
        contact=_cell(row, "contact"),
        notes=_cell(row, "notes"),
        source=source,
        source_url=source_url,
    )
    website = _cell(row, "website") or _site(source_url)
    return FunderDetails(name=funder, website=website, contact=""), details


def _geography(text: str) -> tuple[Reach, str]:
    if not text:
        raise RowError("geography is empty: give a nation (England, UK, …), a region, or Local")
    if text.casefold() in NATIONS:
        return Reach.NATIONAL, text
    if text.casefold().startswith("local"):
        return Reach.LOCAL, text
    return Reach.REGIONAL, text


def _status(text: str) -> ProgrammeStatus:
    try:
        return STATUS_WORDS[text.casefold()]
    except KeyError:
        raise RowError(f"status {text!r} is not one of open, rolling, round-based or closed") from None


def _source_date(text: str) -> date:
    """When the entry was last checked; a year or month alone counts from its first day (the earliest it could
    have been), so an old entry is flagged for checking sooner rather than later."""
    found = SOURCE_DATE.match(text)
    if found is None:
        raise RowError(f"source_date {text!r} is not a year, year-month or date (2024, 2024-05, 2024-05-31)")
    year, month, day = (int(part) if part else 1 for part in found.groups())
    try:
        checked = date(year, month, day)
    except ValueError:
        raise RowError(f"source_date {text!r} is not a real date") from None
    if checked > london_today():
        raise RowError(f"source_date {text!r} is in the future: give the date the entry was last checked")
    return checked


def _deadline(text: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise RowError(f"next_deadline {text!r} is not a date like 2027-03-31") from None


def _pounds(row: Mapping[str, str | None], column: str) -> int | None:
    text = _cell(row, column)
    if not text:
        return None
    try:
        return parse_pounds(text)
    except MoneyError as error:
        raise RowError(f"{column} {text!r}: {error}") from None


def _legal_forms(text: str) -> list[str]:
    forms: list[str] = []
    for word in (part.strip() for part in text.split(";")):
        if not word:
            continue
        form = LEGAL_FORM_WORDS.get(word.casefold())
        if form is None:
            raise RowError(f"eligible_types: {word!r} is not a kind of group the service knows")
        if form.value not in forms:
            forms.append(form.value)
    return forms


def _url(source: str) -> str:
    """The seed gives sources like "tnlcommunityfund.org.uk (Awards for All page)": link the address part."""
    first = source.split(" ", 1)[0]
    found = HOST.match(first)
    if found is None:
        return ""
    return first if first.lower().startswith(("http://", "https://")) else f"https://{first}"


def _site(url: str) -> str:
    found = HOST.match(url.removeprefix("https://").removeprefix("http://")) if url else None
    return f"https://{found.group(1)}" if found else ""
