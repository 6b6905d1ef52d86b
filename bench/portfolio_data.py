"""The benchmark's grants, for the outcomes portfolio: `count` of last year's submitted applications (the decided
round bench/application_data.py makes) approved by a panel, each with an accepted grant agreement, four quarterly
monitoring periods with a return for each, and three instalments. All bulk-inserted in batches, as the applications
are. Called inside build_database's app context, after add_applications and add_assessments; the caller commits.

- The chosen bids become approved, each with its panel item and decision (one meeting for them all), and the
  standard terms. Each agreement is accepted (most in force, a tenth closed, one in twenty terminated), for the
  amount the bid asked, for a year from September 2025.
- Its version in force carries the bid's proposed outcomes (two to four) as its targets, as the agreements service
  copies them; a tenth of the grants have had a variation, so version 1 is superseded and version 2 (with every
  target raised by a fifth) is in force.
- Four returns each, one for each period: the first two accepted; the third accepted four times in five (else
  submitted or sent back for changes); the fourth accepted two times in five (else in progress or submitted). Every
  return has a figure for each target (one in twenty left empty): a quarter of a count target give or take, or a
  percentage near the target; and one to three rows of people reached by community, in one of the bid's wards (one
  in ten with no ward given). Returns not accepted have figures too, so the portfolio must leave them out.
- Three instalments: half on acceptance (paid), a quarter on the first return (paid, or held while it is awaited)
  and a quarter on the second (scheduled, approved or paid).
- Each closed grant has its closure record, with every target recorded as met: the portfolio counts those figures
  rather than the returns'.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from application_data import ROUNDS, _insert
from sqlalchemy import func, select, update

from grantsfund.agreements.models import (
    Agreement,
    AgreementStatus,
    AgreementVersion,
    MonitoringPeriod,
    StandardTerms,
    VersionStatus,
)
from grantsfund.applications.models import Application, ApplicationStatus, Community, ProposedOutcome, application_wards
from grantsfund.common.dates import add_months
from grantsfund.extensions import db
from grantsfund.monitoring.models import (
    Closure,
    Continuation,
    MonitoringReturn,
    ReturnBeneficiary,
    ReturnOutcome,
    ReturnStatus,
)
from grantsfund.panel.models import MeetingStatus, Outcome, PanelDecision, PanelItem, PanelMeeting
from grantsfund.payments.models import Instalment, InstalmentStatus, ReleaseCondition
from grantsfund.rounds.models import Indicator, Round

PERIODS = 4
STARTS = date(2025, 9, 1)
DECIDED = datetime(2025, 7, 10, 18, tzinfo=UTC)
ACCEPTED = datetime(2025, 8, 20, 10, tzinfo=UTC)
CLOSED = datetime(2026, 10, 15, 12, tzinfo=UTC)
COMMUNITIES = [community.value for community in Community]


@dataclass(frozen=True)
class Granted:
    grants: int
    versions: int
    returns: int
    accepted: int  # returns accepted
    outcomes: int  # figures against targets, in all returns
    beneficiaries: int
    instalments: int


def _next_id(model: Any) -> int:
    return int(db.session.scalar(select(func.coalesce(func.max(model.id), 0)))) + 1


def add_portfolio(count: int, *, officer_id: int, rng: random.Random) -> Granted:
    """Make `count` of last year's bids into grants with their returns and payments (see the module's docstring)."""
    round_ = db.session.execute(select(Round).where(Round.name == ROUNDS[0][0])).scalar_one()
    bids = db.session.execute(
        select(Application.id, Application.status, Application.amount_requested_pence)
        .where(Application.round_id == round_.id)
        .order_by(Application.id)
    ).all()
    chosen = sorted(rng.sample(bids, min(count, len(bids))), key=lambda row: row.id)
    ids = [row.id for row in chosen]
    for start in range(0, len(ids), 500):
        db.session.execute(
            update(Application)
            .where(Application.id.in_(ids[start : start + 500]))
            .values(status=ApplicationStatus.APPROVED),
            execution_options={"synchronize_session": False},
        )
    targets: dict[int, list[dict[str, Any]]] = defaultdict(list)
    indicators = dict(db.session.execute(select(Indicator.id, Indicator.measure)).tuples().all())
    domains = dict(db.session.execute(select(Indicator.id, Indicator.domain)).tuples().all())
    for application_id, indicator_id, target, unit, measurement in db.session.execute(
        select(
            ProposedOutcome.application_id,
            ProposedOutcome.indicator_id,
            ProposedOutcome.target,
            ProposedOutcome.unit,
            ProposedOutcome.measurement,
        )
        .where(ProposedOutcome.application_id.in_(select(Application.id).where(Application.round_id == round_.id)))
        .order_by(ProposedOutcome.application_id, ProposedOutcome.position)
    ):
        targets[application_id].append(
            {
                "indicator_id": indicator_id,
                "indicator": indicators[indicator_id],
                "domain": domains[indicator_id],
                "target": target,
                "unit": unit,
                "measurement": measurement,
            }
        )
    wards: dict[int, list[int]] = defaultdict(list)
    for application_id, ward_id in db.session.execute(
        select(application_wards.c.application_id, application_wards.c.ward_id).order_by(
            application_wards.c.application_id, application_wards.c.ward_id
        )
    ):
        wards[application_id].append(ward_id)

    terms_id = _next_id(StandardTerms)
    _insert(
        StandardTerms,
        [{"id": terms_id, "version": terms_id, "title": "Communities Fund standard terms", "body": "1. Use the grant.",
          "summary_of_changes": "", "created_at": DECIDED, "created_by_id": officer_id}],
    )  # fmt: skip
    meeting_id = _next_id(PanelMeeting)
    _insert(
        PanelMeeting,
        [{"id": meeting_id, "round_id": round_.id, "title": "Grants panel, July 2025", "starts_at": DECIDED,
          "status": MeetingStatus.PUBLISHED, "chair_id": officer_id, "quorum": 3, "quorum_roles": [],
          "delegates_allowed": True, "location": "", "created_at": DECIDED}],
    )  # fmt: skip
    tables: dict[Any, list[dict[str, Any]]] = {
        table: []
        for table in (
            PanelItem,
            PanelDecision,
            Agreement,
            AgreementVersion,
            MonitoringPeriod,
            MonitoringReturn,
            ReturnOutcome,
            ReturnBeneficiary,
            Instalment,
            Closure,
        )
    }
    firsts = {table: _next_id(table) for table in tables}
    for position, bid in enumerate(chosen, start=1):
        heads = (round_.id, meeting_id, terms_id, officer_id)
        _grant(bid, position, targets[bid.id], wards[bid.id], heads, firsts, tables, rng)
    for table, rows in tables.items():
        _insert(table, rows)
    returns = tables[MonitoringReturn]
    return Granted(
        grants=len(tables[Agreement]),
        versions=len(tables[AgreementVersion]),
        returns=len(returns),
        accepted=sum(1 for row in returns if row["status"] is ReturnStatus.ACCEPTED),
        outcomes=len(tables[ReturnOutcome]),
        beneficiaries=len(tables[ReturnBeneficiary]),
        instalments=len(tables[Instalment]),
    )


def _new(table: Any, firsts: dict[Any, int], tables: dict[Any, list[dict[str, Any]]], **row: Any) -> int:
    """Add a row to `table` with the next id, and return the id."""
    row["id"] = firsts[table] + len(tables[table])
    tables[table].append(row)
    return int(row["id"])


def _grant(
    bid: Any,
    position: int,
    targets: list[dict[str, Any]],
    ward_ids: list[int],
    heads: tuple[int, int, int, int],
    firsts: dict[Any, int],
    tables: dict[Any, list[dict[str, Any]]],
    rng: random.Random,
) -> None:
    """One bid's decision, agreement, versions, periods, returns and instalments. `heads` are the ids of the round,
    the panel meeting, the standard terms and the officer."""
    round_id, meeting_id, terms_id, officer_id = heads
    amount = bid.amount_requested_pence
    item_id = _new(
        PanelItem, firsts, tables, meeting_id=meeting_id, application_id=bid.id, position=position,
        previous_status=ApplicationStatus.AT_PANEL, pack={}, added_at=DECIDED,
    )  # fmt: skip
    decision_id = _new(
        PanelDecision, firsts, tables, meeting_id=meeting_id, item_id=item_id, round_id=round_id,
        application_id=bid.id, outcome=Outcome.APPROVED, amount_pence=amount, conditions="", reasons="Strong bid",
        feedback="", taking_part=[], recorded_by_id=officer_id, recorded_at=DECIDED,
    )  # fmt: skip
    draw = rng.random()
    status = AgreementStatus.TERMINATED if draw < 0.05 else AgreementStatus.CLOSED if draw < 0.15 else None
    ends_on = add_months(STARTS, 3 * PERIODS) - timedelta(days=1)
    agreement_id = _new(
        Agreement, firsts, tables, application_id=bid.id, decision_id=decision_id, terms_id=terms_id,
        status=status or AgreementStatus.ACCEPTED, amount_pence=amount, starts_on=STARTS, ends_on=ends_on,
        created_at=DECIDED, created_by_id=officer_id, issued_at=DECIDED, issued_by_id=officer_id,
        accepted_at=ACCEPTED,
    )  # fmt: skip
    varied = rng.random() < 0.1
    in_force = [dict(target, target=target["target"] * 6 // 5) for target in targets] if varied else targets
    for number, version_targets in enumerate([targets, in_force] if varied else [targets], start=1):
        _new(
            AgreementVersion, firsts, tables, agreement_id=agreement_id, number=number,
            status=VersionStatus.SUPERSEDED if varied and number == 1 else VersionStatus.ACCEPTED,
            reason="More sessions in the second year" if number > 1 else "", amount_pence=amount, starts_on=STARTS,
            ends_on=ends_on, signatory_role="Chair", special_conditions="", sustainability_commitments="",
            payments=[], monitoring=[], targets=version_targets, created_at=DECIDED, accepted_at=ACCEPTED,
        )  # fmt: skip
    period_ids = [
        _new(
            MonitoringPeriod, firsts, tables, agreement_id=agreement_id, number=number,
            starts_on=add_months(STARTS, 3 * (number - 1)), ends_on=add_months(STARTS, 3 * number) - timedelta(days=1),
            due_on=add_months(STARTS, 3 * number) + timedelta(days=30), final=number == PERIODS,
            return_accepted_at=None,
        )
        for number in range(1, PERIODS + 1)
    ]  # fmt: skip
    accepted = [_add_return(agreement_id, number, period_ids, in_force, ward_ids, firsts, tables, rng)
                for number in range(1, PERIODS + 1)]  # fmt: skip
    _add_instalments(agreement_id, amount, period_ids, accepted, firsts, tables, rng)
    if status is AgreementStatus.CLOSED:
        achievements = [dict(target, reported=None, achieved=target["target"], comment="") for target in in_force]
        _new(
            Closure, firsts, tables, agreement_id=agreement_id, achievements=achievements,
            lessons="Book the hall a term ahead.", continues=Continuation.YES, continuation_note="", closed_at=CLOSED,
            closed_by_id=officer_id,
        )  # fmt: skip


def _return_status(number: int, rng: random.Random) -> ReturnStatus:
    draw = rng.random()
    if number <= 2:
        return ReturnStatus.ACCEPTED
    if number == 3:
        return (
            ReturnStatus.ACCEPTED
            if draw < 0.8
            else rng.choice([ReturnStatus.SUBMITTED, ReturnStatus.CHANGES_REQUESTED])
        )
    return ReturnStatus.ACCEPTED if draw < 0.4 else rng.choice([ReturnStatus.IN_PROGRESS, ReturnStatus.SUBMITTED])


def _add_return(
    agreement_id: int,
    number: int,
    period_ids: list[int],
    targets: list[dict[str, Any]],
    ward_ids: list[int],
    firsts: dict[Any, int],
    tables: dict[Any, list[dict[str, Any]]],
    rng: random.Random,
) -> bool:
    """The return for period `number`, its figures and the people it reached; whether it was accepted."""
    status = _return_status(number, rng)
    done = status is ReturnStatus.ACCEPTED
    due = add_months(STARTS, 3 * number) + timedelta(days=20)
    moment = datetime(due.year, due.month, due.day, 11, tzinfo=UTC)
    if done:
        tables[MonitoringPeriod][period_ids[number - 1] - firsts[MonitoringPeriod]]["return_accepted_at"] = moment
    return_id = _new(
        MonitoringReturn, firsts, tables, period_id=period_ids[number - 1], agreement_id=agreement_id, status=status,
        progress="Sessions ran every week; attendance grew after the half-term.", activities=[], story_title="",
        story="", story_consent=False, story_consent_note="", risks="", sustainability_progress="",
        completed_sections=[], created_at=moment, updated_at=moment, updated_by_id=None,
        submitted_at=None if status is ReturnStatus.IN_PROGRESS else moment, accepted_at=moment if done else None,
        accepted_by_id=None,
    )  # fmt: skip
    for position, target in enumerate(targets):
        if target["unit"] == "percent":
            actual = max(0, min(100, target["target"] + rng.randint(-15, 10)))
        else:
            actual = max(0, target["target"] // PERIODS + rng.randint(-8, 8))
        _new(
            ReturnOutcome, firsts, tables, return_id=return_id, position=position,
            indicator_id=target["indicator_id"], target=target["target"], unit=target["unit"],
            actual=None if rng.random() < 0.05 else actual, comment="",
        )  # fmt: skip
    for position, community in enumerate(rng.sample(COMMUNITIES, rng.randint(1, 3))):
        ward_id = None if rng.random() < 0.1 or not ward_ids else rng.choice(ward_ids)
        _new(
            ReturnBeneficiary, firsts, tables, return_id=return_id, position=position, community=community,
            ward_id=ward_id, people=rng.randint(0, 40),
        )  # fmt: skip
    return done


def _add_instalments(
    agreement_id: int,
    amount: int,
    period_ids: list[int],
    accepted: list[bool],
    firsts: dict[Any, int],
    tables: dict[Any, list[dict[str, Any]]],
    rng: random.Random,
) -> None:
    first = amount // 2
    second = amount // 4
    parts = [(first, None, InstalmentStatus.PAID)]
    parts.append((second, period_ids[0], InstalmentStatus.PAID if accepted[0] else InstalmentStatus.HELD))
    later = rng.choice([InstalmentStatus.DUE, InstalmentStatus.APPROVED, InstalmentStatus.PAID])
    parts.append((amount - first - second, period_ids[1], later if accepted[1] else InstalmentStatus.DUE))
    for number, (pence, period_id, status) in enumerate(parts, start=1):
        paid = status is InstalmentStatus.PAID
        due_on = add_months(STARTS, 3 * (number - 1))
        _new(
            Instalment, firsts, tables, agreement_id=agreement_id, number=number, due_on=due_on, amount_pence=pence,
            condition=ReleaseCondition.AGREEMENT_ACCEPTED if period_id is None else ReleaseCondition.RETURN_ACCEPTED,
            period_id=period_id, note="", status=status, paid_on=due_on if paid else None,
            payment_reference=f"BACS-{agreement_id:05d}-{number}" if paid else None, held_automatically=False,
        )  # fmt: skip
