"""The round summary's screening tables: how the officers' eligibility checks came out, which checklist items bids
missed, and which eligibility questions stopped groups before they could apply.

Screening is counted from records of its own (each bid's latest check and its checklist, the answers on drafts a
group withdrew) rather than from the tallies of applications the rest of the summary adds up, so it is kept here,
with its two statements, apart from them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from sqlalchemy import func, select

from grantsfund.applications.models import Application, ApplicationStatus, EligibilityAnswer
from grantsfund.assessment.models import EligibilityCheck, EligibilityResult
from grantsfund.extensions import db
from grantsfund.reporting.round_scope import ALL_APPLICATIONS, Scope, applications_in, rounds_in
from grantsfund.reporting.tables import Cell, Column, Percent, Table
from grantsfund.rounds.models import EligibilityQuestion

S = ApplicationStatus
FOUND_ELIGIBLE = frozenset({S.ELIGIBLE, S.IN_ASSESSMENT, S.AT_PANEL, S.DEFERRED, S.APPROVED, S.DECLINED})


@dataclass(frozen=True)
class LatestCheck:
    """An application's most recent screening by an officer."""

    status: ApplicationStatus
    result: EligibilityResult
    checklist: list[dict[str, Any]]


def eligibility_tables(
    count: Mapping[ApplicationStatus, int], checks: Sequence[LatestCheck], ruled_out: Sequence[tuple[str, int]]
) -> list[Table]:
    """The outcomes of screening (from `count`, the submitted applications in each status), the checks bids
    missed, and the eligibility questions that stopped groups applying."""
    total = sum(count.values())
    waiting = sum(
        1 for check in checks if check.status is S.SUBMITTED and check.result is EligibilityResult.MORE_INFORMATION
    )
    outcomes = [
        ("Found eligible", sum(count.get(status, 0) for status in FOUND_ELIGIBLE)),
        ("Found not eligible", count.get(S.INELIGIBLE, 0)),
        ("Waiting for more information from the group", waiting),
        ("Still to screen", count.get(S.SUBMITTED, 0) - waiting),
        ("Withdrawn", count.get(S.WITHDRAWN, 0)),
        (ALL_APPLICATIONS, total),
    ]
    rows: list[list[Cell]] = [
        [name, number, Percent(Fraction(number, total)) if total else None] for name, number in outcomes
    ]
    columns = [Column("Outcome of screening"), Column("Applications", True), Column("Share of applications", True)]
    notes = ["A bid withdrawn by the group, before or after screening, counts as withdrawn."]
    return [
        Table("eligibility", "Eligibility outcomes", columns, rows, notes),
        _screening_checks(checks),
        _ruled_out_table(ruled_out),
    ]


def _screening_checks(checks: Sequence[LatestCheck]) -> Table:
    """Each checklist item the officers' latest screening found unmet: among the bids found not eligible, and
    among every bid screened."""
    labels: dict[str, str] = {}
    unmet_ineligible: Counter[str] = Counter()
    unmet_any: Counter[str] = Counter()
    for check in checks:
        for item in check.checklist:
            key = str(item.get("key"))
            labels.setdefault(key, str(item.get("label") or key))
            if not item.get("passed"):
                unmet_any[key] += 1
                if check.result is EligibilityResult.INELIGIBLE:
                    unmet_ineligible[key] += 1
    ineligible = sum(1 for check in checks if check.result is EligibilityResult.INELIGIBLE)
    rows: list[list[Cell]] = [
        [labels[key], unmet_ineligible[key], unmet_any[key]]
        for key in sorted(unmet_any, key=lambda key: (-unmet_ineligible[key], -unmet_any[key], labels[key]))
    ]
    columns = [
        Column("Check"),
        Column("Not met: bids found not eligible", True),
        Column("Not met: every bid screened", True),
    ]
    notes = [
        f"From each bid’s latest screening: {len(checks):,} screened, {ineligible:,} found not eligible. "
        "A bid can miss more than one check, and an officer can still find a bid eligible that missed one.",
    ]
    return Table("screening-checks", "Screening checks not met", columns, rows, notes)


def _ruled_out_table(ruled_out: Sequence[tuple[str, int]]) -> Table:
    rows: list[list[Cell]] = [[question, groups] for question, groups in ruled_out]
    columns = [Column("Eligibility question"), Column("Groups ruled out", True)]
    notes = [
        "Groups who started an application and answered an eligibility question so that they could not apply. "
        "They are not counted as applications."
    ]
    return Table("eligibility-questions", "Eligibility questions that stopped groups applying", columns, rows, notes)


def load_latest_checks(scope: Scope) -> list[LatestCheck]:
    """Each screened application's latest check, with its checklist. One statement."""
    latest = select(func.max(EligibilityCheck.id)).group_by(EligibilityCheck.application_id)
    rows = db.session.execute(
        select(Application.status, EligibilityCheck.result, EligibilityCheck.checklist)
        .join(Application, Application.id == EligibilityCheck.application_id)
        .where(*applications_in(scope), EligibilityCheck.id.in_(latest))
    )
    return [LatestCheck(status, result, list(checklist or [])) for status, result, checklist in rows]


def load_ruled_out(scope: Scope) -> list[tuple[str, int]]:
    """How many withdrawn drafts each eligibility question ruled out, most first. One statement."""
    count = func.count(func.distinct(Application.id))
    rows = db.session.execute(
        select(EligibilityQuestion.text, count)
        .select_from(EligibilityAnswer)
        .join(EligibilityQuestion, EligibilityQuestion.id == EligibilityAnswer.question_id)
        .join(Application, Application.id == EligibilityAnswer.application_id)
        .where(
            *rounds_in(scope, Application.round_id),
            Application.status == S.WITHDRAWN,
            Application.submitted_at.is_(None),
            EligibilityAnswer.answer != EligibilityQuestion.qualifying_answer,
        )
        .group_by(EligibilityQuestion.id, EligibilityQuestion.text, EligibilityQuestion.position)
        .order_by(count.desc(), EligibilityQuestion.position, EligibilityQuestion.id)
    )
    return [(text, int(groups)) for text, groups in rows]
