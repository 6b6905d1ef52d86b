"""Grants for the outcomes portfolio's tests, inserted directly as rows: an accepted agreement with the version in
force (its targets), monitoring periods, returns in any status with their figures and beneficiaries, and
instalments. The monitoring services are written alongside the portfolio, so the tests build what they would leave
behind; one test also reads a grant made through the agreements and payments services (see test_portfolio.py)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select

from grantsfund.accounts.models import Role, User
from grantsfund.agreements.models import (
    Agreement,
    AgreementStatus,
    AgreementVersion,
    MonitoringPeriod,
    StandardTerms,
    VersionStatus,
)
from grantsfund.applications.models import Application, ApplicationStatus
from grantsfund.common.actor import Actor
from grantsfund.common.dates import add_months
from grantsfund.extensions import db
from grantsfund.monitoring.models import MonitoringReturn, ReturnBeneficiary, ReturnOutcome, ReturnStatus
from grantsfund.organisations.models import Organisation, Ward
from grantsfund.panel.models import MeetingStatus, Outcome, PanelDecision, PanelItem, PanelMeeting
from grantsfund.payments.models import Instalment, InstalmentStatus, ReleaseCondition
from grantsfund.rounds import library
from grantsfund.rounds.models import Fund, Indicator, Round, RoundStatus, Theme
from tests.organisations import factories as organisations

NOW = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
GRANT_STATUSES = (AgreementStatus.ACCEPTED, AgreementStatus.CLOSED, AgreementStatus.TERMINATED)
STARTS = date(2025, 9, 1)
_numbers = itertools.count(1)


@dataclass
class World:
    """What every grant here hangs from: an officer, a group, the panel's decision and the standard terms."""

    officer: User
    organisation: Organisation
    decision: PanelDecision
    terms: StandardTerms
    round: Round


def fund(name: str = "Communities Fund") -> Fund:
    made = Fund(name=f"{name} {next(_numbers)}", code=f"F{next(_numbers)}", description="")
    db.session.add(made)
    db.session.flush()
    return made


def round_in(fund_: Fund, name: str = "Round 2025/26") -> Round:
    made = Round(fund=fund_, name=name, status=RoundStatus.DECIDED)
    db.session.add(made)
    db.session.flush()
    return made


def ward(name: str) -> Ward:
    return organisations.ward(name=name, code=f"E05{next(_numbers):06d}")


def theme(name: str) -> Theme:
    made = Theme(name=f"{name} {next(_numbers)}", position=next(_numbers))
    db.session.add(made)
    db.session.flush()
    return made


def indicators(unit: str) -> list[Indicator]:
    """The library's indicators measured in `unit` ("count" or "percent"), in the framework's order."""
    return list(db.session.scalars(select(Indicator).where(Indicator.unit == unit).order_by(Indicator.position)))


def world(make_user) -> World:
    officer = make_user(roles={Role.GRANTS_OFFICER}, full_name="Officer Olu")
    library.load_reference_data(actor=Actor(officer), now=NOW)  # the themes and the indicator library
    group = organisations.organisation(officer, name="Riverside Community Kitchen")
    round_ = round_in(fund())
    decided = Application(
        round_id=round_.id, organisation_id=group.id, created_by_id=officer.id, status=ApplicationStatus.APPROVED
    )
    meeting = PanelMeeting(
        round_id=round_.id, title="Panel", starts_at=NOW, chair_id=officer.id, status=MeetingStatus.PUBLISHED
    )
    item = PanelItem(
        meeting=meeting,
        application=decided,
        position=1,
        previous_status=ApplicationStatus.AT_PANEL,
        pack={},
        added_at=NOW,
    )
    db.session.add(item)
    db.session.flush()
    decision = PanelDecision(
        meeting_id=meeting.id,
        item=item,
        round_id=round_.id,
        application=decided,
        outcome=Outcome.APPROVED,
        amount_pence=100_000,
        reasons="Strong",
        taking_part=[],
        recorded_by_id=officer.id,
        recorded_at=NOW,
    )
    terms = StandardTerms(version=900 + next(_numbers), title="Terms", body="1. Use the grant for the project.")
    db.session.add_all([decision, terms])
    db.session.flush()
    return World(officer, group, decision, terms, round_)


@dataclass(frozen=True)
class TargetSpec:
    indicator: Indicator
    target: int
    unit: str  # "percent", or what is counted


def grant(
    world_: World,
    targets: Sequence[TargetSpec] = (),
    *,
    round_: Round | None = None,
    amount_pence: int = 1_000_000,
    status: AgreementStatus = AgreementStatus.ACCEPTED,
    themes: Iterable[Theme] = (),
    wards: Iterable[Ward] = (),
    periods: int = 4,
) -> Agreement:
    """An agreement the group accepted (in force, closed or terminated), its version in force holding `targets`,
    with `periods` monitoring periods of three months each. With another status (draft, offered, withdrawn) the
    group never accepted it: its only version is offered, or drafted."""
    round_ = round_ or world_.round
    accepted = status in GRANT_STATUSES
    version_status = VersionStatus.ACCEPTED if accepted else VersionStatus.DRAFT
    if status in (AgreementStatus.OFFERED, AgreementStatus.WITHDRAWN):
        version_status = VersionStatus.OFFERED if status is AgreementStatus.OFFERED else VersionStatus.WITHDRAWN
    application = Application(
        round_id=round_.id,
        organisation_id=world_.organisation.id,
        created_by_id=world_.officer.id,
        status=ApplicationStatus.APPROVED,
        title=f"Project {next(_numbers)}",
        themes=list(themes),
        wards=list(wards),
    )
    ends_on = add_months(STARTS, 3 * periods)
    agreement = Agreement(
        application=application,
        decision_id=world_.decision.id,
        terms_id=world_.terms.id,
        status=status,
        amount_pence=amount_pence,
        starts_on=STARTS,
        ends_on=ends_on,
        issued_at=None if status is AgreementStatus.DRAFT else NOW,
        accepted_at=NOW if accepted else None,
    )
    agreement.versions = [
        AgreementVersion(
            number=1,
            status=version_status,
            amount_pence=amount_pence,
            starts_on=STARTS,
            ends_on=ends_on,
            signatory_role="Chair",
            targets=[
                {
                    "indicator_id": spec.indicator.id,
                    "indicator": spec.indicator.measure,
                    "domain": spec.indicator.domain,
                    "target": spec.target,
                    "unit": spec.unit,
                    "measurement": "Sign-in sheets",
                }
                for spec in targets
            ],
        )
    ]
    agreement.periods = [
        MonitoringPeriod(
            number=number,
            starts_on=add_months(STARTS, 3 * (number - 1)),
            ends_on=add_months(STARTS, 3 * number),
            due_on=add_months(STARTS, 3 * number),
            final=number == periods,
        )
        for number in range(1, periods + 1)
    ]
    db.session.add(agreement)
    db.session.flush()
    return agreement


def vary(agreement: Agreement, targets: Sequence[TargetSpec], *, status: VersionStatus) -> AgreementVersion:
    """Another version of the agreement with other targets: accepted (then in force, the earlier one superseded),
    or only drafted or offered (then not)."""
    if status is VersionStatus.ACCEPTED:
        for version in agreement.versions:
            version.status = VersionStatus.SUPERSEDED
    version = AgreementVersion(
        number=len(agreement.versions) + 1,
        status=status,
        reason="Variation",
        amount_pence=agreement.amount_pence,
        starts_on=agreement.starts_on,
        ends_on=agreement.ends_on,
        signatory_role="Chair",
        targets=[
            {"indicator_id": spec.indicator.id, "indicator": "", "domain": "", "target": spec.target, "unit": spec.unit}
            for spec in targets
        ],
    )
    agreement.versions.append(version)
    db.session.flush()
    return version


def monitoring_return(
    agreement: Agreement,
    period: int,
    *,
    status: ReturnStatus = ReturnStatus.ACCEPTED,
    actuals: Mapping[int, int | None] | None = None,
    reached: Sequence[tuple[str, Ward | None, int]] = (),
) -> MonitoringReturn:
    """The return for period number `period`: `actuals` by indicator id; `reached` as (community, ward, people)."""
    [found] = [candidate for candidate in agreement.periods if candidate.number == period]
    made = MonitoringReturn(
        period=found,
        agreement=agreement,
        status=status,
        submitted_at=None if status is ReturnStatus.IN_PROGRESS else NOW,
        accepted_at=NOW if status is ReturnStatus.ACCEPTED else None,
    )
    targets = {int(target["indicator_id"]): target for target in agreement.versions[-1].targets}
    made.outcomes = [
        ReturnOutcome(
            position=position,
            indicator_id=indicator_id,
            target=int(targets[indicator_id]["target"]) if indicator_id in targets else 0,
            unit=str(targets[indicator_id]["unit"]) if indicator_id in targets else "count",
            actual=actual,
        )
        for position, (indicator_id, actual) in enumerate((actuals or {}).items())
    ]
    made.beneficiaries = [
        ReturnBeneficiary(position=position, community=community, ward_id=place.id if place else None, people=people)
        for position, (community, place, people) in enumerate(reached)
    ]
    if status is ReturnStatus.ACCEPTED:
        found.return_accepted_at = NOW
    db.session.add(made)
    db.session.flush()
    return made


def instalment(agreement: Agreement, amount_pence: int, status: InstalmentStatus = InstalmentStatus.PAID) -> Instalment:
    paid = status is InstalmentStatus.PAID
    made = Instalment(
        agreement=agreement,
        number=len(agreement_instalments(agreement)) + 1,
        due_on=STARTS,
        amount_pence=amount_pence,
        condition=ReleaseCondition.AGREEMENT_ACCEPTED,
        status=status,
        paid_on=STARTS if paid else None,
        payment_reference="BACS-1" if paid else None,
    )
    db.session.add(made)
    db.session.flush()
    return made


def agreement_instalments(agreement: Agreement) -> list[Instalment]:
    return list(db.session.scalars(select(Instalment).where(Instalment.agreement_id == agreement.id)))
