"""The sections of a monitoring return: the answers each takes (as the forms give them), and each one's rule: the
answers as saved, the checks, and how they are saved. A section marked complete gets the stricter checks; every
problem names the form field it belongs to. `returns` saves sections and submits with these rules, and
`returns.problems` runs the same checks over what is saved, so a page and the submission always agree."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from flask import current_app

from grantsfund.applications.models import Community
from grantsfund.common.errors import DomainError
from grantsfund.common.money import format_pence
from grantsfund.monitoring import variance
from grantsfund.monitoring.models import (
    Delivery,
    MonitoringReturn,
    ReturnBeneficiary,
    ReturnSection,
    ReturnSpend,
)
from grantsfund.monitoring.outcomes import PERCENT
from grantsfund.organisations.models import Ward

MAX_TEXT = 10_000
MAX_COMMENT = 2_000
MAX_TITLE = 200
MAX_CONSENT_NOTE = 500
MAX_DESCRIPTION = 300
MAX_ADDED_ACTIVITIES = 10
MAX_BENEFICIARY_ROWS = 30
MAX_PEOPLE = 100_000  # in one row: one community in one ward in one period
MAX_ACTUAL = 999_999
MAX_SPENT_PENCE = 100_000_000_00  # £100 million: far beyond any community grant

WARD_NOT_KNOWN = "Ward not known"


class Problem(NamedTuple):
    """Something wrong with an answer: the form field it belongs to, and what to do about it."""

    field: str
    message: str


class Incomplete(DomainError):
    """A section's answers break its rules, or it was marked complete without everything it needs."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(problems[0].message, field=problems[0].field)
        self.problems = list(problems)


# Answers, as the forms give them -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedActivity:
    """How one of the plan's activities for the period went."""

    delivery: Delivery | None
    comment: str = ""


@dataclass(frozen=True)
class AddedActivity:
    """Something the group did that was not in the plan."""

    description: str
    comment: str = ""


@dataclass(frozen=True)
class Activities:
    planned: list[PlannedActivity]
    added: list[AddedActivity] = field(default_factory=list)


@dataclass(frozen=True)
class Beneficiaries:
    community: Community
    ward_id: int | None  # None: the ward is not known
    people: int


@dataclass(frozen=True)
class OutcomeActual:
    actual: int | None
    comment: str = ""


@dataclass(frozen=True)
class Spent:
    spent_pence: int | None
    explanation: str = ""


@dataclass(frozen=True)
class Story:
    title: str = ""
    story: str = ""
    consent: bool = False
    consent_note: str = ""

    @property
    def begun(self) -> bool:
        return bool(self.title or self.story or self.consent or self.consent_note)


# What each section's answers are: text for progress, risks and sustainability; the evidence section has none.
SectionAnswers = str | Activities | list[Beneficiaries] | list[OutcomeActual] | list[Spent] | Story | None


def wards_for(ret: MonitoringReturn) -> list[Ward]:
    """The wards a return's people may come from: the application's."""
    return list(ret.agreement.application.wards)


# Each section's rules ----------------------------------------------------------------------------------------


def _too_long(value: str, most: int, field_name: str, label: str) -> list[Problem]:
    return [Problem(field_name, f"{label} must be {most:,} characters or fewer")] if len(value) > most else []


def _text_rule(field_name: str, label: str, missing: str) -> Callable[[MonitoringReturn, Any, bool], list[Problem]]:
    def check(ret: MonitoringReturn, answer: Any, completed: bool) -> list[Problem]:
        text = str(answer or "")
        found = _too_long(text, MAX_TEXT, field_name, label)
        if completed and not text.strip():
            found.append(Problem(field_name, missing))
        return found

    return check


def _planned(ret: MonitoringReturn) -> list[dict[str, Any]]:
    return [entry for entry in ret.activities if not entry.get("added")]


def _check_activities(ret: MonitoringReturn, answers: Activities, completed: bool) -> list[Problem]:
    planned = _planned(ret)
    if len(answers.planned) != len(planned):
        return [Problem("activities", "Say how each planned activity went")]
    found: list[Problem] = []
    for number, answer in enumerate(answers.planned, start=1):
        found += _too_long(
            answer.comment, MAX_COMMENT, f"activity_comment_{number}", f"The comment on activity {number}"
        )
        if completed and answer.delivery is None:
            found.append(Problem(f"delivery_{number}", f"Select how far activity {number} was delivered"))
        if completed and answer.delivery in (Delivery.PARTLY, Delivery.NOT_DELIVERED) and not answer.comment.strip():
            found.append(Problem(f"activity_comment_{number}", f"Say why activity {number} was not fully delivered"))
    if len(answers.added) > MAX_ADDED_ACTIVITIES:
        found.append(Problem("added", f"Enter {MAX_ADDED_ACTIVITIES} other activities or fewer"))
    for added in answers.added:
        found += _too_long(added.description, MAX_DESCRIPTION, "added", "Each other activity")
        found += _too_long(added.comment, MAX_COMMENT, "added", "Each comment on another activity")
        if not added.description.strip():
            found.append(Problem("added", "Say what happened in each other activity"))
    return found


def _apply_activities(ret: MonitoringReturn, answers: Activities) -> dict[str, Any]:
    planned = [
        {**entry, "delivery": answer.delivery.value if answer.delivery else None, "comment": answer.comment.strip()}
        for entry, answer in zip(_planned(ret), answers.planned, strict=True)
    ]
    added = [
        {
            "month": None,
            "planned": item.description.strip(),
            "delivery": Delivery.DELIVERED.value,
            "comment": item.comment.strip(),
            "added": True,
        }
        for item in answers.added
    ]
    ret.activities = planned + added
    return {"planned": len(planned), "added": len(added)}


def _current_activities(ret: MonitoringReturn) -> Activities:
    return Activities(
        planned=[
            PlannedActivity(Delivery(entry["delivery"]) if entry.get("delivery") else None, entry.get("comment", ""))
            for entry in _planned(ret)
        ],
        added=[
            AddedActivity(entry["planned"], entry.get("comment", "")) for entry in ret.activities if entry.get("added")
        ],
    )


def _ward_names(ret: MonitoringReturn) -> dict[int, str]:
    return {ward.id: ward.name for ward in wards_for(ret)}


def _check_beneficiaries(ret: MonitoringReturn, rows: list[Beneficiaries], completed: bool) -> list[Problem]:
    wards = _ward_names(ret)
    found: list[Problem] = []
    if len(rows) > MAX_BENEFICIARY_ROWS:
        found.append(Problem("beneficiaries", f"Enter {MAX_BENEFICIARY_ROWS} rows or fewer"))
    seen: set[tuple[Community, int | None]] = set()
    for index, row in enumerate(rows):
        # Each problem names its row, "beneficiaries-1-ward" for the second, so the page shows it there.
        if row.ward_id is not None and row.ward_id not in wards:
            found.append(Problem(f"beneficiaries-{index}-ward", "Select a ward from the list"))
            continue
        if not 0 <= row.people <= MAX_PEOPLE:
            found.append(
                Problem(f"beneficiaries-{index}-people", f"Enter a number of people between 0 and {MAX_PEOPLE:,}")
            )
        key = (row.community, row.ward_id)
        if key in seen:
            where = wards[row.ward_id] if row.ward_id is not None else "a ward not known"
            found.append(
                Problem(
                    f"beneficiaries-{index}-community",
                    f"{row.community.label} in {where} is entered twice: add the numbers together in one row",
                )
            )
        seen.add(key)
    if completed and not rows:
        found.append(Problem("beneficiaries", "Enter the people who took part, by community and ward"))
    return found


def _apply_beneficiaries(ret: MonitoringReturn, rows: list[Beneficiaries]) -> dict[str, Any]:
    ret.beneficiaries = [
        ReturnBeneficiary(position=position, community=row.community.value, ward_id=row.ward_id, people=row.people)
        for position, row in enumerate(rows)
    ]
    return {"rows": len(rows), "people": sum(row.people for row in rows)}


def _current_beneficiaries(ret: MonitoringReturn) -> list[Beneficiaries]:
    return [Beneficiaries(Community(row.community), row.ward_id, row.people) for row in ret.beneficiaries]


def _check_outcomes(ret: MonitoringReturn, answers: list[OutcomeActual], completed: bool) -> list[Problem]:
    if len(answers) != len(ret.outcomes):
        return [Problem("outcomes", "Enter a figure for each outcome")]
    found: list[Problem] = []
    for number, (outcome, answer) in enumerate(zip(ret.outcomes, answers, strict=True), start=1):
        name = f"actual_{number}"
        measure = outcome.indicator.measure
        most = 100 if outcome.indicator.unit == PERCENT else MAX_ACTUAL
        if answer.actual is None:
            if completed:
                found.append(Problem(name, f"Enter the figure for ‘{measure}’"))
        elif not 0 <= answer.actual <= most:
            found.append(Problem(name, f"Enter a figure between 0 and {most:,} for ‘{measure}’"))
        found += _too_long(answer.comment, MAX_COMMENT, f"outcome_comment_{number}", f"The comment on outcome {number}")
    return found


def _apply_outcomes(ret: MonitoringReturn, answers: list[OutcomeActual]) -> dict[str, Any]:
    for outcome, answer in zip(ret.outcomes, answers, strict=True):
        outcome.actual = answer.actual
        outcome.comment = answer.comment.strip()
    return {"actuals": {str(outcome.indicator_id): outcome.actual for outcome in ret.outcomes}}


def _current_outcomes(ret: MonitoringReturn) -> list[OutcomeActual]:
    return [OutcomeActual(outcome.actual, outcome.comment) for outcome in ret.outcomes]


def variance_percent() -> int:
    """The share of what was expected that spend may differ by before it needs explaining."""
    return int(current_app.config["SPEND_VARIANCE_PERCENT"])


def spend_variance(ret: MonitoringReturn, line: ReturnSpend, spent_pence: int | None) -> variance.LineVariance:
    """The line against the variance rule at the end of the return's period."""
    agreement, period = ret.agreement, ret.period
    expected = variance.expected_by_period_end(
        line.budget_pence,
        grant_starts_on=agreement.starts_on,
        grant_ends_on=agreement.ends_on,
        period_ends_on=period.ends_on,
        final=period.final,
    )
    return variance.line_variance(line.budget_pence, spent_pence, expected=expected, percent=variance_percent())


def _check_spend(ret: MonitoringReturn, answers: list[Spent], completed: bool) -> list[Problem]:
    if len(answers) != len(ret.spend):
        return [Problem("spend", "Enter what you have spent on each budget line")]
    found: list[Problem] = []
    for number, (line, answer) in enumerate(zip(ret.spend, answers, strict=True), start=1):
        found += _too_long(answer.explanation, MAX_COMMENT, f"explanation_{number}", f"The explanation for {line.item}")
        if answer.spent_pence is None:
            if completed:
                found.append(Problem(f"spent_{number}", f"Enter what you have spent on {line.item} so far"))
            continue
        if not 0 <= answer.spent_pence <= MAX_SPENT_PENCE:
            found.append(
                Problem(
                    f"spent_{number}",
                    f"Enter the amount spent on {line.item} between £0 and {format_pence(MAX_SPENT_PENCE)}",
                )
            )
            continue
        checked = spend_variance(ret, line, answer.spent_pence)
        if completed and checked.needs_explanation and not answer.explanation.strip():
            more_or_less = "more" if answer.spent_pence > checked.expected_pence else "less"
            found.append(
                Problem(
                    f"explanation_{number}",
                    f"Explain why you have spent {more_or_less} than expected on {line.item}",
                )
            )
    return found


def _apply_spend(ret: MonitoringReturn, answers: list[Spent]) -> dict[str, Any]:
    for line, answer in zip(ret.spend, answers, strict=True):
        line.spent_pence = answer.spent_pence
        line.explanation = answer.explanation.strip()
    return {"spent_pence": [line.spent_pence for line in ret.spend]}


def _current_spend(ret: MonitoringReturn) -> list[Spent]:
    return [Spent(line.spent_pence, line.explanation) for line in ret.spend]


def _check_story(ret: MonitoringReturn, story: Story, completed: bool) -> list[Problem]:
    found = [
        *_too_long(story.title, MAX_TITLE, "story_title", "The title"),
        *_too_long(story.story, MAX_TEXT, "story", "The story"),
        *_too_long(story.consent_note, MAX_CONSENT_NOTE, "story_consent_note", "How consent was given"),
    ]
    if completed and story.begun:
        if not story.title.strip():
            found.append(Problem("story_title", "Enter a title for the story"))
        if not story.story.strip():
            found.append(Problem("story", "Enter the story"))
        if not story.consent:
            found.append(
                Problem("story_consent", "Confirm that the people in the story agreed to the council using it")
            )
        if not story.consent_note.strip():
            found.append(Problem("story_consent_note", "Say how and when they gave their consent"))
    return found


def _apply_story(ret: MonitoringReturn, story: Story) -> dict[str, Any]:
    ret.story_title = story.title.strip()
    ret.story = story.story.strip()
    ret.story_consent = story.consent
    ret.story_consent_note = story.consent_note.strip()
    return {"story": bool(ret.story), "consent": ret.story_consent}


def _current_story(ret: MonitoringReturn) -> Story:
    return Story(ret.story_title, ret.story, ret.story_consent, ret.story_consent_note)


def _set_text(attribute: str) -> Callable[[MonitoringReturn, Any], dict[str, Any]]:
    def apply(ret: MonitoringReturn, text: Any) -> dict[str, Any]:
        setattr(ret, attribute, str(text or "").strip())
        return {"characters": len(getattr(ret, attribute))}

    return apply


def _no_rule(ret: MonitoringReturn, answers: Any, completed: bool) -> list[Problem]:
    return []


def _nothing(ret: MonitoringReturn, answers: Any) -> dict[str, Any]:
    return {"files": len(ret.evidence)}


@dataclass(frozen=True)
class Rule:
    """A section's answers as saved now, its checks (the stricter ones when marked complete), and how to save."""

    current: Callable[[MonitoringReturn], Any]
    check: Callable[[MonitoringReturn, Any, bool], list[Problem]]
    apply: Callable[[MonitoringReturn, Any], dict[str, Any]]


RULES: dict[ReturnSection, Rule] = {
    ReturnSection.PROGRESS: Rule(
        lambda ret: ret.progress,
        _text_rule("progress", "Progress", "Tell us how the project has gone in this period"),
        _set_text("progress"),
    ),
    ReturnSection.ACTIVITIES: Rule(_current_activities, _check_activities, _apply_activities),
    ReturnSection.BENEFICIARIES: Rule(_current_beneficiaries, _check_beneficiaries, _apply_beneficiaries),
    ReturnSection.OUTCOMES: Rule(_current_outcomes, _check_outcomes, _apply_outcomes),
    ReturnSection.SPEND: Rule(_current_spend, _check_spend, _apply_spend),
    ReturnSection.STORY: Rule(_current_story, _check_story, _apply_story),
    ReturnSection.RISKS: Rule(
        lambda ret: ret.risks,
        _text_rule("risks", "Risks and issues", "Tell us about any risks or problems, or write ‘None’"),
        _set_text("risks"),
    ),
    ReturnSection.SUSTAINABILITY: Rule(
        lambda ret: ret.sustainability_progress,
        _text_rule(
            "sustainability_progress",
            "Keeping the work going",
            "Tell us how you are getting on with keeping the work going after the grant",
        ),
        _set_text("sustainability_progress"),
    ),
    ReturnSection.EVIDENCE: Rule(lambda ret: None, _no_rule, _nothing),
}
