"""Setting up funds and rounds, moving rounds through their lifecycle, and the library of themes and indicators.

Once a round is open, groups are writing bids against its set-up, so changes that would move the goalposts
are refused here, in the service, whichever page or command asks:

- never once open: criteria (names, guidance, weights, descriptors, essential flags), the scoring scale,
  eligibility questions, the opening date;
- only in the applicants' favour while open: closing date later, budget higher, minimum grant lower,
  maximum grant higher, themes / eligible legal forms / outcome indicators added but never removed;
- always, until decided: the round's name and guidance text, assessors per bid, moderation spread, panel date.
- Once closed, what bids were written against is fixed: only the budget may rise, and the name, guidance and
  assessment settings change. Once decided, nothing changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select

from grantsfund.audit import services as audit
from grantsfund.common.actor import Actor
from grantsfund.common.dates import format_datetime, utcnow
from grantsfund.common.errors import DomainError, InvalidTransition
from grantsfund.common.money import format_pence
from grantsfund.common.uniqueness import unique
from grantsfund.extensions import db
from grantsfund.organisations.models import DocumentKind, LegalForm
from grantsfund.rounds.library import default_criteria, default_score_labels, load_reference_data
from grantsfund.rounds.models import (
    SCORES,
    Criterion,
    EligibilityQuestion,
    Fund,
    Indicator,
    Round,
    RoundLegalForm,
    RoundStatus,
    Theme,
    can_move,
)

MAX_ASSESSORS = 5


class RoundLocked(DomainError):
    """The change would unfairly affect bids already started (or the round is past changing)."""


# Funds ----------------------------------------------------------------------------------------------------


DUPLICATE_FUND = "There is already a fund with this name"

# What a new round asks every group to attach, until the officer changes it.
DEFAULT_DOCUMENTS = (
    DocumentKind.GOVERNING_DOCUMENT,
    DocumentKind.ACCOUNTS,
    DocumentKind.SAFEGUARDING_POLICY,
    DocumentKind.BANK_STATEMENT,
)


def fund_code(name: str) -> str:
    """The start of the fund's application references: the initials of its name (Communities Fund: CF), made
    unique with a number if another fund has them."""
    words = [word for word in "".join(c if c.isalnum() else " " for c in name).split() if word[0].isascii()]
    initials = "".join(word[0] for word in words).upper()[:4]
    base = initials if len(initials) >= 2 else (words[0][:2].upper() if words else "GF")  # noqa: PLR2004
    taken = set(db.session.scalars(select(Fund.code).where(Fund.code.like(f"{base}%"))))
    code, number = base, 1
    while code in taken:
        number += 1
        code = f"{base}{number}"
    return code


def _check_fund_name(name: str, *, exclude_id: int | None) -> None:
    # Exact as well as case-blind: the database's lower() may not fold every letter Python's does.
    query = select(Fund.id).where(or_(Fund.name == name, func.lower(Fund.name) == name.lower()))
    if exclude_id is not None:
        query = query.where(Fund.id != exclude_id)
    if db.session.scalar(query) is not None:
        raise DomainError(DUPLICATE_FUND, field="name")


def create_fund(*, name: str, description: str, actor: Actor, now: datetime | None = None) -> Fund:
    now = now or utcnow()
    _check_fund_name(name, exclude_id=None)
    load_reference_data(actor=actor, now=now)
    fund = Fund(name=name, code=fund_code(name), description=description, created_at=now)
    with unique(DUPLICATE_FUND, field="name"):
        db.session.add(fund)
    audit.record(
        actor=actor,
        action="fund.created",
        obj=fund,
        after={"name": name, "code": fund.code, "description": description},
        now=now,
    )
    db.session.flush()
    return fund


def update_fund(fund: Fund, *, name: str, description: str, actor: Actor, now: datetime | None = None) -> Fund:
    _check_fund_name(name, exclude_id=fund.id)
    before = {"name": fund.name, "description": fund.description}
    with unique(DUPLICATE_FUND, field="name"):
        fund.name, fund.description = name, description
    audit.record(
        actor=actor,
        action="fund.changed",
        obj=fund,
        before=before,
        after={"name": name, "description": description},
        now=now,
    )
    db.session.flush()
    return fund


# Rounds: creating and copying ------------------------------------------------------------------------------


def _check_round_name(fund: Fund, name: str, *, exclude_id: int | None) -> None:
    query = select(Round.id).where(
        Round.fund_id == fund.id, or_(Round.name == name, func.lower(Round.name) == name.lower())
    )
    if exclude_id is not None:
        query = query.where(Round.id != exclude_id)
    if db.session.scalar(query) is not None:
        raise DomainError("This fund already has a round with this name", field="name")


def create_round(fund: Fund, *, name: str, description: str, actor: Actor, now: datetime | None = None) -> Round:
    """A new draft round with the default criteria and scale, and every theme, indicator and legal form
    selected; the officer narrows them and sets the dates and money."""
    now = now or utcnow()
    _check_round_name(fund, name, exclude_id=None)
    load_reference_data(actor=actor, now=now)
    round_ = Round(
        fund=fund,
        name=name,
        description=description,
        status=RoundStatus.DRAFT,
        score_labels=default_score_labels(),
        criteria=default_criteria(),
        themes=list(db.session.scalars(select(Theme).order_by(Theme.position, Theme.id))),
        indicators=list(db.session.scalars(select(Indicator).order_by(Indicator.position, Indicator.id))),
        legal_form_grants=[RoundLegalForm(legal_form=form) for form in LegalForm],
        required_documents=[kind.value for kind in DEFAULT_DOCUMENTS],
        created_at=now,
    )
    db.session.add(round_)
    audit.record(actor=actor, action="round.created", obj=round_, after={"fund": fund.name, "name": name}, now=now)
    db.session.flush()
    return round_


def copy_round(source: Round, *, name: str, actor: Actor, now: datetime | None = None) -> Round:
    """A new draft in the same fund with the source's set-up; the dates and panel date are cleared."""
    now = now or utcnow()
    _check_round_name(source.fund, name, exclude_id=None)
    round_ = Round(
        fund=source.fund,
        name=name,
        description=source.description,
        status=RoundStatus.DRAFT,
        budget_pence=source.budget_pence,
        minimum_grant_pence=source.minimum_grant_pence,
        maximum_grant_pence=source.maximum_grant_pence,
        assessors_per_bid=source.assessors_per_bid,
        moderation_spread=source.moderation_spread,
        essential_threshold=source.essential_threshold,
        score_labels=list(source.score_labels),
        themes=list(source.themes),
        indicators=list(source.indicators),
        legal_form_grants=[RoundLegalForm(legal_form=form) for form in source.legal_forms],
        required_documents=list(source.required_documents),
        questions=[
            EligibilityQuestion(
                position=q.position, text=q.text, qualifying_answer=q.qualifying_answer, explanation=q.explanation
            )
            for q in source.questions
        ],
        criteria=[
            Criterion(
                position=c.position,
                name=c.name,
                guidance=c.guidance,
                weight=c.weight,
                essential=c.essential,
                descriptors=list(c.descriptors),
            )
            for c in source.criteria
        ],
        copied_from_id=source.id,
        created_at=now,
    )
    db.session.add(round_)
    audit.record(
        actor=actor, action="round.copied", obj=round_, after={"name": name, "copied_from": source.id}, now=now
    )
    db.session.flush()
    return round_


# Rounds: what may change when ------------------------------------------------------------------------------

_PAST = {
    RoundStatus.CLOSED: "once the round has closed",
    RoundStatus.DECIDED: "once the round has been decided",
    RoundStatus.COMPLETED: "once the round has been completed",
}


def _locked(round_: Round, what: str, *, field: str | None = None) -> RoundLocked:
    if round_.status is RoundStatus.OPEN:
        reason = "while the round is open: groups may already have started bids against them"
    else:
        reason = _PAST[round_.status]
    return RoundLocked(f"You cannot change {what} {reason}", field=field)


def _require_draft(round_: Round, what: str, *, field: str | None = None) -> None:
    if round_.status is not RoundStatus.DRAFT:
        raise _locked(round_, what, field=field)


def _require_not_decided(round_: Round, *, field: str | None = None) -> None:
    if round_.status in {RoundStatus.DECIDED, RoundStatus.COMPLETED}:
        raise RoundLocked(f"You cannot change this round {_PAST[round_.status]}", field=field)


def _check_documents_fair(round_: Round, before: set[DocumentKind], after: set[DocumentKind]) -> None:
    """Asking for more documents once groups are applying would move the goalposts; asking for fewer never does."""
    if round_.status is RoundStatus.DRAFT or before == after:
        return
    if round_.status is RoundStatus.OPEN:
        if after - before:
            raise RoundLocked(
                "You cannot ask for more documents while the round is open: groups may already have applied. "
                "You can ask for fewer.",
                field="documents",
            )
        return
    raise _locked(round_, "the documents groups must attach", field="documents")


def _check_only_adding(round_: Round, before: set[Any], after: set[Any], what: str, *, field: str) -> None:
    """Draft: anything. Open: more choice for applicants, never less. Closed and later: no change."""
    if round_.status is RoundStatus.DRAFT or before == after:
        return
    if round_.status is RoundStatus.OPEN:
        if before - after:
            raise RoundLocked(
                f"You cannot remove {what} while the round is open: groups may already have chosen them. "
                "You can add more.",
                field=field,
            )
        return
    raise _locked(round_, what, field=field)


@dataclass(frozen=True)
class RoundDetails:
    """The details page: what the round is, when it runs and what it can give. Money in pence, times UTC."""

    name: str
    description: str
    opens_at: datetime
    closes_at: datetime
    budget_pence: int
    minimum_grant_pence: int
    maximum_grant_pence: int
    assessors_per_bid: int
    moderation_spread: int
    panel_date: date | None
    essential_threshold: int = 2


def _check_details_make_sense(details: RoundDetails) -> None:
    if details.closes_at <= details.opens_at:
        raise DomainError("The closing date must be after the opening date", field="closes_date")
    if details.maximum_grant_pence <= 0:
        raise DomainError("The maximum grant must be more than £0", field="maximum_grant")
    if details.minimum_grant_pence > details.maximum_grant_pence:
        raise DomainError("The minimum grant must be the same as or less than the maximum grant", field="minimum_grant")
    if details.budget_pence < details.maximum_grant_pence:
        raise DomainError("The total budget must be at least the maximum grant", field="budget")
    if not 1 <= details.assessors_per_bid <= MAX_ASSESSORS:
        raise DomainError(f"Assessors per bid must be between 1 and {MAX_ASSESSORS}", field="assessors_per_bid")
    if not 1 <= details.moderation_spread <= max(SCORES):
        raise DomainError(f"The moderation spread must be between 1 and {max(SCORES)}", field="moderation_spread")
    if not 1 <= details.essential_threshold <= max(SCORES):
        raise DomainError(
            f"The pass mark for essential criteria must be between 1 and {max(SCORES)}", field="essential_threshold"
        )


def _check_details_fair(round_: Round, details: RoundDetails, now: datetime) -> None:
    if round_.status is RoundStatus.DRAFT:
        return
    _require_not_decided(round_)
    _check_dates_fair(round_, details, now)
    _check_money_fair(round_, details)


def _check_dates_fair(round_: Round, details: RoundDetails, now: datetime) -> None:
    if details.opens_at != round_.opens_at:
        raise _locked(round_, "the opening date", field="opens_date")
    if details.closes_at == round_.closes_at:
        return
    if round_.status is not RoundStatus.OPEN:
        raise _locked(round_, "the closing date", field="closes_date")
    assert round_.closes_at is not None  # an open round always has its dates
    if details.closes_at < round_.closes_at:
        raise RoundLocked(
            "You cannot bring the closing date forward while the round is open: groups are planning to it. "
            "You can extend it.",
            field="closes_date",
        )
    if details.closes_at <= now:
        raise DomainError("The new closing date must be in the future", field="closes_date")


def _check_money_fair(round_: Round, details: RoundDetails) -> None:
    budget, minimum, maximum = round_.budget_pence, round_.minimum_grant_pence, round_.maximum_grant_pence
    assert budget is not None  # a round past draft always has its money set
    assert minimum is not None
    assert maximum is not None
    if details.budget_pence < budget:
        raise RoundLocked(
            f"You cannot lower the budget once the round is open. It is {format_pence(budget)}.", field="budget"
        )
    if round_.status is not RoundStatus.OPEN:
        if details.minimum_grant_pence != minimum:
            raise _locked(round_, "the minimum grant", field="minimum_grant")
        if details.maximum_grant_pence != maximum:
            raise _locked(round_, "the maximum grant", field="maximum_grant")
        return
    if details.minimum_grant_pence > minimum:
        raise RoundLocked(
            "You cannot raise the minimum grant while the round is open: groups may already be asking for "
            f"{format_pence(minimum)}. You can lower it.",
            field="minimum_grant",
        )
    if details.maximum_grant_pence < maximum:
        raise RoundLocked(
            "You cannot lower the maximum grant while the round is open: groups may already be asking for "
            f"{format_pence(maximum)}. You can raise it.",
            field="maximum_grant",
        )


def _details_state(round_: Round) -> dict[str, Any]:
    return {
        "name": round_.name,
        "description": round_.description,
        "opens_at": round_.opens_at,
        "closes_at": round_.closes_at,
        "budget_pence": round_.budget_pence,
        "minimum_grant_pence": round_.minimum_grant_pence,
        "maximum_grant_pence": round_.maximum_grant_pence,
        "assessors_per_bid": round_.assessors_per_bid,
        "moderation_spread": round_.moderation_spread,
        "essential_threshold": round_.essential_threshold,
        "panel_date": round_.panel_date,
    }


def update_round_details(round_: Round, details: RoundDetails, *, actor: Actor, now: datetime | None = None) -> Round:
    now = now or utcnow()
    _check_round_name(round_.fund, details.name, exclude_id=round_.id)
    _check_details_make_sense(details)
    _check_details_fair(round_, details, now)
    before = _details_state(round_)
    round_.name = details.name
    round_.description = details.description
    round_.opens_at = details.opens_at
    round_.closes_at = details.closes_at
    round_.budget_pence = details.budget_pence
    round_.minimum_grant_pence = details.minimum_grant_pence
    round_.maximum_grant_pence = details.maximum_grant_pence
    round_.assessors_per_bid = details.assessors_per_bid
    round_.moderation_spread = details.moderation_spread
    round_.essential_threshold = details.essential_threshold
    round_.panel_date = details.panel_date
    after = _details_state(round_)
    changed = {key for key in after if after[key] != before[key]}
    if changed:
        audit.record(
            actor=actor,
            action="round.details_changed",
            obj=round_,
            before={key: before[key] for key in changed},
            after={key: after[key] for key in changed},
            now=now,
        )
    db.session.flush()
    return round_


def set_themes_and_legal_forms(
    round_: Round,
    *,
    theme_ids: Iterable[int],
    legal_forms: Iterable[LegalForm],
    documents: Iterable[DocumentKind] | None = None,
    actor: Actor,
    now: datetime | None = None,
) -> Round:
    """Themes, who may apply and the documents groups must attach. (Documents left out: unchanged.)"""
    wanted_ids = set(theme_ids)
    themes = list(db.session.scalars(select(Theme).where(Theme.id.in_(wanted_ids)).order_by(Theme.position, Theme.id)))
    if {theme.id for theme in themes} != wanted_ids:
        raise DomainError("Select themes from the list", field="themes")
    wanted_forms = set(legal_forms)
    before_themes = {theme.id for theme in round_.themes}
    before_forms = set(round_.legal_forms)
    before_documents = {DocumentKind(value) for value in round_.required_documents}
    wanted_documents = before_documents if documents is None else set(documents)
    _check_only_adding(round_, before_themes, wanted_ids, "themes", field="themes")
    _check_only_adding(
        round_, before_forms, wanted_forms, "the kinds of organisation that may apply", field="legal_forms"
    )
    _check_documents_fair(round_, before_documents, wanted_documents)
    if before_themes == wanted_ids and before_forms == wanted_forms and before_documents == wanted_documents:
        return round_
    round_.required_documents = [kind.value for kind in DocumentKind if kind in wanted_documents]
    round_.themes = themes
    round_.legal_form_grants = [grant for grant in round_.legal_form_grants if grant.legal_form in wanted_forms] + [
        RoundLegalForm(legal_form=form) for form in sorted(wanted_forms - before_forms)
    ]
    audit.record(
        actor=actor,
        action="round.eligibility_changed",
        obj=round_,
        before={
            "themes": sorted(before_themes),
            "legal_forms": sorted(before_forms),
            "documents": sorted(before_documents),
        },
        after={
            "themes": sorted(wanted_ids),
            "legal_forms": sorted(wanted_forms),
            "documents": sorted(wanted_documents),
        },
        now=now,
    )
    db.session.flush()
    return round_


def set_indicators(round_: Round, *, indicator_ids: Iterable[int], actor: Actor, now: datetime | None = None) -> Round:
    wanted = set(indicator_ids)
    indicators = list(
        db.session.scalars(select(Indicator).where(Indicator.id.in_(wanted)).order_by(Indicator.position, Indicator.id))
    )
    if {indicator.id for indicator in indicators} != wanted:
        raise DomainError("Select indicators from the list", field="indicators")
    before = {indicator.id for indicator in round_.indicators}
    _check_only_adding(round_, before, wanted, "outcome indicators", field="indicators")
    if before == wanted:
        return round_
    round_.indicators = indicators
    audit.record(
        actor=actor,
        action="round.indicators_changed",
        obj=round_,
        before={"indicators": sorted(before)},
        after={"indicators": sorted(wanted)},
        now=now,
    )
    db.session.flush()
    return round_


def set_score_labels(round_: Round, labels: list[str], *, actor: Actor, now: datetime | None = None) -> Round:
    _require_draft(round_, "the scoring scale")
    if len(labels) != len(SCORES) or not all(labels):
        raise DomainError("Enter what every score means", field="label_0")
    before = list(round_.score_labels)
    if before != labels:
        round_.score_labels = list(labels)
        audit.record(
            actor=actor,
            action="round.scale_changed",
            obj=round_,
            before={"labels": before},
            after={"labels": labels},
            now=now,
        )
    db.session.flush()
    return round_


# Eligibility questions -------------------------------------------------------------------------------------


def _question_state(question: EligibilityQuestion) -> dict[str, Any]:
    return {"text": question.text, "qualifying_answer": question.qualifying_answer, "explanation": question.explanation}


def add_question(
    round_: Round, *, text: str, qualifying_answer: bool, explanation: str, actor: Actor, now: datetime | None = None
) -> EligibilityQuestion:
    _require_draft(round_, "the eligibility questions")
    position = max((q.position for q in round_.questions), default=-1) + 1
    question = EligibilityQuestion(
        position=position, text=text, qualifying_answer=qualifying_answer, explanation=explanation
    )
    round_.questions.append(question)
    db.session.flush()
    audit.record(
        actor=actor,
        action="round.question_added",
        obj=round_,
        after={"id": question.id, **_question_state(question)},
        now=now,
    )
    return question


def update_question(
    question: EligibilityQuestion,
    *,
    text: str,
    qualifying_answer: bool,
    explanation: str,
    actor: Actor,
    now: datetime | None = None,
) -> EligibilityQuestion:
    _require_draft(question.round, "the eligibility questions")
    before = _question_state(question)
    question.text, question.qualifying_answer, question.explanation = text, qualifying_answer, explanation
    audit.record(
        actor=actor,
        action="round.question_changed",
        obj=question.round,
        before={"id": question.id, **before},
        after={"id": question.id, **_question_state(question)},
        now=now,
    )
    db.session.flush()
    return question


def remove_question(question: EligibilityQuestion, *, actor: Actor, now: datetime | None = None) -> None:
    round_ = question.round
    _require_draft(round_, "the eligibility questions")
    _remove_from_round(round_.questions, question, _question_state(question), "round.question_removed", actor, now)


def move_question(question: EligibilityQuestion, *, up: bool, actor: Actor, now: datetime | None = None) -> None:
    round_ = question.round
    _require_draft(round_, "the order of the eligibility questions")
    questions = sorted(round_.questions, key=lambda q: q.position)
    index = questions.index(question)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(questions):
        return
    questions[index], questions[other] = questions[other], questions[index]
    for position, item in enumerate(questions):
        item.position = position
    audit.record(
        actor=actor, action="round.questions_reordered", obj=round_, after={"order": [q.id for q in questions]}, now=now
    )
    db.session.flush()


def _remove_from_round(
    items: list[Any],
    item: EligibilityQuestion | Criterion,
    state: dict[str, Any],
    action: str,
    actor: Actor,
    now: datetime | None,
) -> None:
    """Take a question or criterion out of its round, audited against the round, and close the gap in the order."""
    audit.record(actor=actor, action=action, obj=item.round, before={"id": item.id, **state}, now=now)
    items.remove(item)
    _renumber(items)
    db.session.flush()


def _renumber(items: Iterable[EligibilityQuestion | Criterion]) -> None:
    for position, item in enumerate(sorted(items, key=lambda item: item.position)):
        item.position = position


# Criteria --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionDetails:
    name: str
    guidance: str
    weight: int
    essential: bool
    descriptors: list[str]


def _check_criterion(details: CriterionDetails) -> None:
    if details.weight < 1:
        raise DomainError("Enter a weight of 1 or more", field="weight")
    if len(details.descriptors) != len(SCORES) or not all(details.descriptors):
        raise DomainError("Enter what every score means for this criterion", field="descriptor_0")


def _criterion_state(criterion: Criterion) -> dict[str, Any]:
    return {
        "name": criterion.name,
        "guidance": criterion.guidance,
        "weight": criterion.weight,
        "essential": criterion.essential,
        "descriptors": list(criterion.descriptors),
    }


def add_criterion(round_: Round, details: CriterionDetails, *, actor: Actor, now: datetime | None = None) -> Criterion:
    _require_draft(round_, "the criteria")
    _check_criterion(details)
    criterion = Criterion(
        position=max((c.position for c in round_.criteria), default=-1) + 1,
        name=details.name,
        guidance=details.guidance,
        weight=details.weight,
        essential=details.essential,
        descriptors=list(details.descriptors),
    )
    round_.criteria.append(criterion)
    db.session.flush()
    audit.record(
        actor=actor,
        action="round.criterion_added",
        obj=round_,
        after={"id": criterion.id, **_criterion_state(criterion)},
        now=now,
    )
    return criterion


def update_criterion(
    criterion: Criterion, details: CriterionDetails, *, actor: Actor, now: datetime | None = None
) -> Criterion:
    _require_draft(criterion.round, "the criteria or their weights")
    _check_criterion(details)
    before = _criterion_state(criterion)
    criterion.name = details.name
    criterion.guidance = details.guidance
    criterion.weight = details.weight
    criterion.essential = details.essential
    criterion.descriptors = list(details.descriptors)
    audit.record(
        actor=actor,
        action="round.criterion_changed",
        obj=criterion.round,
        before={"id": criterion.id, **before},
        after={"id": criterion.id, **_criterion_state(criterion)},
        now=now,
    )
    db.session.flush()
    return criterion


def remove_criterion(criterion: Criterion, *, actor: Actor, now: datetime | None = None) -> None:
    round_ = criterion.round
    _require_draft(round_, "the criteria")
    _remove_from_round(round_.criteria, criterion, _criterion_state(criterion), "round.criterion_removed", actor, now)


# The lifecycle ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Something to fix before the round can open, and the set-up section where it is fixed."""

    section: str
    message: str


def problems_before_opening(round_: Round, *, now: datetime | None = None) -> list[Problem]:
    """Everything that stops the round opening, in the order of the set-up task list."""
    problems = [Problem("details", message) for message in _details_problems(round_, now or utcnow())]
    if not round_.themes:
        problems.append(Problem("themes", "Select at least one theme"))
    if not round_.legal_form_grants:
        problems.append(Problem("themes", "Select at least one kind of organisation that may apply"))
    if not round_.criteria:
        problems.append(Problem("criteria", "Add at least one criterion"))
    elif any(criterion.weight < 1 for criterion in round_.criteria):
        problems.append(Problem("criteria", "Give every criterion a weight of 1 or more"))
    if len(round_.score_labels) != len(SCORES) or not all(round_.score_labels):
        problems.append(Problem("criteria", "Enter what every score on the scale means"))
    if not round_.indicators:
        problems.append(Problem("indicators", "Select at least one outcome indicator"))
    return problems


def _details_problems(round_: Round, now: datetime) -> list[str]:
    problems = []
    if round_.opens_at is None or round_.closes_at is None:
        problems.append("Enter the opening and closing dates")
    elif round_.closes_at <= round_.opens_at:
        problems.append("The closing date must be after the opening date")
    elif round_.closes_at <= now:
        problems.append(f"The closing date has passed ({format_datetime(round_.closes_at)}): set a later one")
    budget, minimum, maximum = round_.budget_pence, round_.minimum_grant_pence, round_.maximum_grant_pence
    if budget is None or minimum is None or maximum is None:
        problems.append("Enter the budget and the minimum and maximum grant")
        return problems
    if minimum > maximum:
        problems.append("The minimum grant must be the same as or less than the maximum grant")
    if budget < maximum:
        problems.append("The total budget must be at least the maximum grant")
    return problems


def _move(round_: Round, target: RoundStatus, *, actor: Actor, now: datetime) -> Round:
    if not can_move(round_.status, target):
        raise InvalidTransition(f"A {round_.status.value} round cannot become {target.value}")
    before = round_.status
    round_.status = target
    audit.record(
        actor=actor,
        action=f"round.{target.value}",
        obj=round_,
        before={"status": before},
        after={"status": target},
        now=now,
    )
    db.session.flush()
    return round_


class RoundNotReady(DomainError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[0].message)
        self.problems = problems


def open_round(round_: Round, *, actor: Actor, now: datetime | None = None) -> Round:
    now = now or utcnow()
    if not can_move(round_.status, RoundStatus.OPEN):
        raise InvalidTransition(f"A {round_.status.value} round cannot be opened")
    problems = problems_before_opening(round_, now=now)
    if problems:
        raise RoundNotReady(problems)
    return _move(round_, RoundStatus.OPEN, actor=actor, now=now)


def close_round(round_: Round, *, actor: Actor, now: datetime | None = None) -> Round:
    """Closing is for after the closing time: closing early would cut off groups still working on bids."""
    now = now or utcnow()
    if not can_move(round_.status, RoundStatus.CLOSED):
        raise InvalidTransition(f"A {round_.status.value} round cannot be closed")
    assert round_.closes_at is not None
    if now < round_.closes_at:
        raise DomainError(
            f"You cannot close the round before its closing time, {format_datetime(round_.closes_at)}: "
            "groups may still be working on bids"
        )
    return _move(round_, RoundStatus.CLOSED, actor=actor, now=now)


def decide_round(round_: Round, *, actor: Actor, now: datetime | None = None) -> Round:
    return _move(round_, RoundStatus.DECIDED, actor=actor, now=now or utcnow())


def complete_round(round_: Round, *, actor: Actor, now: datetime | None = None) -> Round:
    return _move(round_, RoundStatus.COMPLETED, actor=actor, now=now or utcnow())


TRANSITIONS = {
    RoundStatus.OPEN: open_round,
    RoundStatus.CLOSED: close_round,
    RoundStatus.DECIDED: decide_round,
    RoundStatus.COMPLETED: complete_round,
}
