"""Awarded grants for the 360Giving tests, inserted directly as rows: a fund and round, a panel meeting, and for each
grant an approved application with its standing decision, optionally an agreement (with variations, a termination)
and instalments. tests/reporting/opendata/test_records.py also makes grants through the real services."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, insert, select

from grantsfund.accounts.models import Role, User
from grantsfund.agreements.models import (
    Agreement,
    AgreementStatus,
    AgreementVersion,
    RepaymentStatus,
    StandardTerms,
    Termination,
    VersionStatus,
)
from grantsfund.applications.models import Application, ApplicationStatus, application_wards
from grantsfund.extensions import db
from grantsfund.organisations.models import LegalForm, Organisation, Ward
from grantsfund.panel.models import MeetingStatus, Outcome, PanelDecision, PanelItem, PanelMeeting
from grantsfund.payments.models import Instalment, InstalmentStatus, ReleaseCondition
from grantsfund.rounds.models import Fund, Round, RoundStatus
from tests.organisations import factories as organisations

# 10:30am British Summer Time on 15 July 2025, when the panel decided.
DECIDED = datetime(2025, 7, 15, 9, 30, tzinfo=UTC)
STARTS, ENDS = date(2025, 9, 1), date(2026, 8, 31)
REGISTERED = datetime(2025, 3, 3, 12, tzinfo=UTC)  # when the groups registered
SUBMITTED = datetime(2025, 5, 20, 12, tzinfo=UTC)  # when the applications were last changed
_numbers = itertools.count(1)


@dataclass
class Scene:
    officer: User
    fund: Fund
    round: Round
    meeting: PanelMeeting
    terms: StandardTerms


@dataclass
class Award:
    application: Application
    decision: PanelDecision

    @property
    def reference(self) -> str:
        assert self.application.reference is not None
        return self.application.reference


def scene(make_user, *, fund_name: str = "Communities Fund", round_name: str = "Round 2025/26") -> Scene:
    number = next(_numbers)
    officer = make_user(roles={Role.GRANTS_OFFICER}, full_name="Officer Olu")
    fund = Fund(name=f"{fund_name} {number}", code=f"CF{number}", description="")
    round_ = Round(fund=fund, name=round_name, status=RoundStatus.DECIDED)
    meeting = PanelMeeting(
        round=round_, title="Panel", starts_at=DECIDED, chair_id=officer.id, status=MeetingStatus.PUBLISHED
    )
    terms = StandardTerms(version=5000 + number, title="Terms", body="1. Use the grant for the project.")
    db.session.add_all([fund, round_, meeting, terms])
    db.session.flush()
    return Scene(officer, fund, round_, meeting, terms)


def another_round(made: Scene, name: str = "Round 2026/27") -> Scene:
    """The same fund's next round, with its own panel."""
    round_ = Round(fund=made.fund, name=name, status=RoundStatus.DECIDED)
    meeting = PanelMeeting(
        round=round_, title="Panel", starts_at=DECIDED, chair_id=made.officer.id, status=MeetingStatus.PUBLISHED
    )
    db.session.add_all([round_, meeting])
    db.session.flush()
    return Scene(made.officer, made.fund, round_, meeting, made.terms)


def ward(name: str, code: str | None = None) -> Ward:
    return organisations.ward(name=name, code=code or f"E05{next(_numbers) + 98000:06d}")


def group(name: str = "Riverside Community Kitchen", **overrides) -> Organisation:
    """A group, by default unincorporated with no registered numbers; its contact is Amira Khan."""
    overrides.setdefault("legal_form", LegalForm.UNINCORPORATED_GROUP)
    made = organisations.organisation(name=name, **overrides)
    made.created_at = made.updated_at = REGISTERED
    db.session.flush()
    return made


def award(
    made: Scene,
    organisation: Organisation,
    *,
    amount_pence: int = 1_000_000,
    requested_pence: int | None = 1_200_000,
    decided_at: datetime = DECIDED,
    wards: Sequence[Ward] = (),
    title: str = "Young Voices",
    summary: str = "Weekly sessions where young people from different backgrounds make a radio show together.",
    status: ApplicationStatus = ApplicationStatus.APPROVED,
    outcome: Outcome = Outcome.APPROVED,
    reference: str | None = "",
    starts: date | None = STARTS,
    ends: date | None = ENDS,
) -> Award:
    """An application the panel decided (approved, by default, for `amount_pence`) on `decided_at`, its outcome
    published."""
    meeting = made.meeting
    application = Application(
        round_id=made.round.id,
        organisation_id=organisation.id,
        created_by_id=made.officer.id,
        status=status,
        reference=f"CF-2025-{next(_numbers):04d}" if reference == "" else reference,
        title=title,
        summary=summary,
        amount_requested_pence=requested_pence,
        start_date=starts,
        end_date=ends,
        wards=list(wards),
        created_at=SUBMITTED,
        updated_at=SUBMITTED,
    )
    item = PanelItem(
        meeting=meeting,
        application=application,
        position=next(_numbers),
        previous_status=ApplicationStatus.AT_PANEL,
        pack={},
        added_at=decided_at,
    )
    db.session.add(item)
    db.session.flush()
    decision = PanelDecision(
        meeting_id=meeting.id,
        item=item,
        round_id=made.round.id,
        application=application,
        outcome=outcome,
        amount_pence=amount_pence if outcome.approves else None,
        reasons="Strong bid",
        taking_part=[],
        recorded_by_id=made.officer.id,
        recorded_at=decided_at,
    )
    db.session.add(decision)
    db.session.flush()
    return Award(application, decision)


def correct(made: Award, *, amount_pence: int, at: datetime) -> PanelDecision:
    """A correction of the award's decision: a new entry naming the one it corrects."""
    old = made.decision
    corrected = PanelDecision(
        meeting_id=old.meeting_id,
        item_id=old.item_id,
        round_id=old.round_id,
        application_id=old.application_id,
        outcome=Outcome.APPROVED_REDUCED,
        amount_pence=amount_pence,
        reasons="Corrected",
        taking_part=[],
        recorded_by_id=old.recorded_by_id,
        recorded_at=at,
        corrects_id=old.id,
        correction_reason="The amount was mistyped",
    )
    db.session.add(corrected)
    db.session.flush()
    made.decision = corrected
    return corrected


def agreement(
    made: Scene,
    awarded: Award,
    *,
    status: AgreementStatus = AgreementStatus.ACCEPTED,
    amount_pence: int | None = None,
    starts: date = STARTS,
    ends: date = ENDS,
    accepted_at: datetime = datetime(2025, 8, 20, 10, tzinfo=UTC),
) -> Agreement:
    """The award's agreement: accepted (in force), or in another status, with its first version."""
    amount = amount_pence or int(awarded.decision.amount_pence or 0)
    accepted = status in (AgreementStatus.ACCEPTED, AgreementStatus.CLOSED, AgreementStatus.TERMINATED)
    made_agreement = Agreement(
        application_id=awarded.application.id,
        decision_id=awarded.decision.id,
        terms_id=made.terms.id,
        status=status,
        amount_pence=amount,
        starts_on=starts,
        ends_on=ends,
        created_at=DECIDED,
        issued_at=None if status is AgreementStatus.DRAFT else DECIDED,
        accepted_at=accepted_at if accepted else None,
    )
    made_agreement.versions = [
        AgreementVersion(
            number=1,
            status=VersionStatus.ACCEPTED if accepted else VersionStatus.OFFERED,
            amount_pence=amount,
            starts_on=starts,
            ends_on=ends,
            signatory_role="Chair",
            accepted_at=accepted_at if accepted else None,
        )
    ]
    db.session.add(made_agreement)
    db.session.flush()
    return made_agreement


def vary(made: Agreement, *, amount_pence: int, accepted_at: datetime | None) -> AgreementVersion:
    """A variation of the amount: accepted at `accepted_at` (then in force), or only offered (None)."""
    if accepted_at is not None:
        for version in made.versions:
            version.status = VersionStatus.SUPERSEDED
        made.amount_pence = amount_pence
    version = AgreementVersion(
        number=len(made.versions) + 1,
        status=VersionStatus.ACCEPTED if accepted_at else VersionStatus.OFFERED,
        reason="More sessions",
        amount_pence=amount_pence,
        starts_on=made.starts_on,
        ends_on=made.ends_on,
        signatory_role="Chair",
        accepted_at=accepted_at,
    )
    made.versions.append(version)
    db.session.flush()
    return version


def terminate(made: Agreement, *, on: date, recorded_at: datetime) -> Termination:
    made.status = AgreementStatus.TERMINATED
    termination = Termination(
        agreement=made,
        reason="The group closed",
        terminated_on=on,
        repayment_status=RepaymentStatus.NONE_DUE,
        recorded_at=recorded_at,
    )
    db.session.add(termination)
    db.session.flush()
    return termination


def instalment(
    made: Agreement,
    amount_pence: int,
    status: InstalmentStatus = InstalmentStatus.PAID,
    *,
    recorded_at: datetime = datetime(2025, 9, 2, 11, tzinfo=UTC),
) -> Instalment:
    paid = status is InstalmentStatus.PAID
    made_instalment = Instalment(
        agreement_id=made.id,
        number=next(_numbers),
        due_on=made.starts_on,
        amount_pence=amount_pence,
        condition=ReleaseCondition.AGREEMENT_ACCEPTED,
        status=status,
        paid_on=made.starts_on if paid else None,
        payment_reference="BACS-1" if paid else None,
        paid_recorded_at=recorded_at if paid else None,
    )
    db.session.add(made_instalment)
    db.session.flush()
    return made_instalment


def many(made: Scene, organisation: Organisation, count: int, wards: Sequence[Ward] = ()) -> None:
    """`count` awarded grants in bulk (plain inserts, no objects), each in `wards`, for tests of size. Their ids are
    given here, so on PostgreSQL make any other applications with the factories above first."""
    first = (db.session.scalar(select(func.coalesce(func.max(Application.id), 0))) or 0) + 1
    ids = range(first, first + count)
    db.session.execute(
        insert(Application),
        [
            {
                "id": id_,
                "round_id": made.round.id,
                "organisation_id": organisation.id,
                "status": ApplicationStatus.APPROVED,
                "reference": f"CF-BULK-{id_:06d}",
                "title": f"Project {id_}",
                "summary": "People from different backgrounds cook, garden and talk together every week.",
                "amount_requested_pence": 1_000_000,
                "start_date": STARTS,
                "end_date": ENDS,
                "communities": [],
                "created_by_id": made.officer.id,
                "created_at": SUBMITTED,
                "updated_at": SUBMITTED,
            }
            for id_ in ids
        ],
    )
    first_item = (db.session.scalar(select(func.coalesce(func.max(PanelItem.id), 0))) or 0) + 1
    item_ids = {id_: first_item + number for number, id_ in enumerate(ids)}
    db.session.execute(
        insert(PanelItem),
        [
            {
                "id": item_ids[id_],
                "meeting_id": made.meeting.id,
                "application_id": id_,
                "position": id_,
                "previous_status": ApplicationStatus.AT_PANEL,
                "pack": {},
                "added_at": DECIDED,
            }
            for id_ in ids
        ],
    )
    db.session.execute(
        insert(PanelDecision),
        [
            {
                "meeting_id": made.meeting.id,
                "item_id": item_ids[id_],
                "round_id": made.round.id,
                "application_id": id_,
                "outcome": Outcome.APPROVED,
                "amount_pence": 900_000,
                "reasons": "Strong bid",
                "taking_part": [],
                "recorded_by_id": made.officer.id,
                "recorded_at": DECIDED,
            }
            for id_ in ids
        ],
    )
    if wards:
        db.session.execute(
            insert(application_wards), [{"application_id": id_, "ward_id": ward.id} for id_ in ids for ward in wards]
        )
