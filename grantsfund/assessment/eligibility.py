"""Screening a submitted application: the checklist the system can work out from the frozen snapshot, the
warning signs, the officer's result, and the questions the group answers when more is needed.

The checklist is computed afresh whenever the officer looks, and stored with the result as it stood when the
officer recorded it. Asking for more information leaves the application submitted and frozen: the answer is
added to the record beside it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from grantsfund.accounts.models import User
from grantsfund.applications import services as applications
from grantsfund.applications.models import Application, ApplicationStatus
from grantsfund.assessment.models import EligibilityCheck, EligibilityResult, InformationRequest
from grantsfund.assessment.signals import Flag, warning_signs
from grantsfund.audit import services as audit
from grantsfund.common.actor import Actor
from grantsfund.common.dates import format_date, london_today, utcnow
from grantsfund.common.errors import DomainError
from grantsfund.common.money import format_pence
from grantsfund.extensions import db
from grantsfund.notifications.services import queue_email
from grantsfund.organisations.models import Document, LegalForm
from grantsfund.organisations.services import expires_on

MAX_TEXT = 5000


@dataclass(frozen=True)
class CheckItem:
    key: str
    label: str
    passed: bool
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "passed": self.passed, "detail": self.detail}


def _snapshot(application: Application) -> dict[str, Any]:
    if application.snapshot is None:
        raise DomainError("Only a submitted application can be checked")
    return application.snapshot.data


def _legal_form(application: Application, snapshot: dict[str, Any]) -> CheckItem:
    form = LegalForm(snapshot["organisation"]["legal_form"])
    allowed = form in application.round.legal_forms
    return CheckItem(
        "legal_form",
        "Kind of organisation can apply",
        allowed,
        f"{form.label} {'is' if allowed else 'is not'} one of the kinds of organisation this round funds",
    )


def _amount(application: Application, snapshot: dict[str, Any]) -> CheckItem:
    amount = snapshot["amount_requested_pence"]
    problem = applications.amount_problem(application.round, amount)
    return CheckItem(
        "amount", "Amount within the round’s limits", problem is None, problem or f"{format_pence(amount)} requested"
    )


def _documents(application: Application, snapshot: dict[str, Any], submitted_on: date) -> CheckItem:
    attached = {item["kind"]: item for item in snapshot["data"]["attachments"]}
    documents = {
        document.id: document
        for document in db.session.scalars(
            select(Document).where(Document.id.in_([item["document_id"] for item in attached.values()]))
        )
    }
    problems = []
    for kind in applications.required_kinds(application):
        item = attached.get(kind.value)
        document = documents.get(item["document_id"]) if item else None
        ends = expires_on(document) if document else None
        if document is None:
            problems.append(f"{kind.label} missing")
        elif ends is not None and ends < submitted_on:
            problems.append(f"{kind.label} out of date on {format_date(ends)}")
    if not applications.required_kinds(application):
        return CheckItem("documents", "Documents present and current", True, "The round asks for no documents")
    return CheckItem(
        "documents",
        "Documents present and current",
        not problems,
        "; ".join(problems) or "Every document the round asks for was attached and current when submitted",
    )


def _eligibility_answers(application: Application) -> CheckItem:
    answers = applications.answers_by_question(application)
    wrong = [q.text for q in application.round.questions if answers.get(q.id) is not q.qualifying_answer]
    return CheckItem(
        "eligibility_answers",
        "Eligibility questions answered to qualify",
        not wrong,
        "Not qualifying: " + "; ".join(wrong) if wrong else f"All {len(application.round.questions)} answered",
    )


def _dates(application: Application, snapshot: dict[str, Any]) -> CheckItem:
    data = snapshot["data"]
    start, end = (date.fromisoformat(data[key]) if data.get(key) else None for key in ("start_date", "end_date"))
    try:
        applications.check_dates(applications.project_window(application.round), start, end)
    except DomainError as error:
        return CheckItem("dates", "Project dates within the round’s period", False, error.message)
    return CheckItem(
        "dates",
        "Project dates within the round’s period",
        True,
        f"{format_date(start)} to {format_date(end)}" if start and end else "",
    )


def checklist(application: Application) -> list[CheckItem]:
    snapshot = _snapshot(application)
    submitted_on = london_today(application.submitted_at)
    return [
        _legal_form(application, snapshot),
        _amount(application, snapshot),
        _documents(application, snapshot, submitted_on),
        _eligibility_answers(application),
        _dates(application, snapshot),
    ]


def flags(application: Application) -> list[Flag]:
    return warning_signs(application, _snapshot(application))


# Reading the record -------------------------------------------------------------------------------------------


def checks_for(application: Application) -> list[EligibilityCheck]:
    return list(
        db.session.scalars(
            select(EligibilityCheck)
            .where(EligibilityCheck.application_id == application.id)
            .order_by(EligibilityCheck.checked_at.desc(), EligibilityCheck.id.desc())
        )
    )


def requests_for(application: Application) -> list[InformationRequest]:
    return list(
        db.session.scalars(
            select(InformationRequest)
            .where(InformationRequest.application_id == application.id)
            .order_by(InformationRequest.asked_at, InformationRequest.id)
        )
    )


def open_request(application: Application) -> InformationRequest | None:
    return next((request for request in requests_for(application) if request.is_open), None)


def get_request(application: Application, request_id: int) -> InformationRequest:
    """The application's request, or NoResultFound (a 404): another application's request is never found."""
    return db.session.scalars(
        select(InformationRequest).where(
            InformationRequest.id == request_id, InformationRequest.application_id == application.id
        )
    ).one()


# Recording a result -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    result: EligibilityResult
    reasons: str
    feedback: str | None = None  # for the group, when not eligible
    question: str | None = None  # for the group, when more information is needed


def _check_decision(decision: Decision) -> None:
    if not decision.reasons.strip():
        raise DomainError("Enter the reasons for your decision", field="reasons")
    if decision.result is EligibilityResult.INELIGIBLE and not (decision.feedback or "").strip():
        raise DomainError("Enter feedback for the group explaining why it is not eligible", field="feedback")
    if decision.result is EligibilityResult.MORE_INFORMATION and not (decision.question or "").strip():
        raise DomainError("Enter what you need the group to tell you", field="question")
    for name in ("reasons", "feedback", "question"):
        if len(getattr(decision, name) or "") > MAX_TEXT:
            raise DomainError(f"Enter {MAX_TEXT:,} characters or fewer", field=name)


def record_decision(
    application: Application, decision: Decision, *, actor: Actor, now: datetime | None = None
) -> EligibilityCheck:
    """Record the officer's result; a result other than "more information" moves the application on."""
    now = now or utcnow()
    _check_decision(decision)
    applications.lock(application)
    if application.status is not ApplicationStatus.SUBMITTED:
        raise DomainError(f"This application is {application.status.label.lower()}: its eligibility is settled")
    if decision.result is EligibilityResult.MORE_INFORMATION and open_request(application) is not None:
        raise DomainError("The group has not answered the last question yet", field="question")
    if actor.user_id is None:
        raise DomainError("Only a grants officer can record an eligibility check")
    check = EligibilityCheck(
        application=application,
        result=decision.result,
        checklist=[item.as_dict() for item in checklist(application)],
        flags=[flag.as_dict() for flag in flags(application)],
        reasons=decision.reasons.strip(),
        feedback=(decision.feedback or "").strip() or None,
        checked_by_id=actor.user_id,
        checked_at=now,
    )
    db.session.add(check)
    db.session.flush()
    if decision.result is EligibilityResult.MORE_INFORMATION:
        _ask(application, check, (decision.question or "").strip(), actor=actor, now=now)
    else:
        _settle(application, check, actor=actor, now=now)
    db.session.flush()
    return check


def _ask(application: Application, check: EligibilityCheck, question: str, *, actor: Actor, now: datetime) -> None:
    request = InformationRequest(
        application_id=application.id,
        check_id=check.id,
        question=question,
        asked_by_id=actor.user_id,
        asked_at=now,
    )
    db.session.add(request)
    db.session.flush()
    audit.record(
        actor=actor, action="application.information_requested", obj=application, after={"question": question}, now=now
    )
    for address in applications.group_addresses(application):
        queue_email(
            to=address,
            template="assessment/information_requested",
            context={
                "application_id": application.id,
                "request_id": request.id,
                "reference": application.reference,
                "title": application.title,
                "question": question,
            },
            now=now,
        )


def _settle(application: Application, check: EligibilityCheck, *, actor: Actor, now: datetime) -> None:
    eligible = check.result is EligibilityResult.ELIGIBLE
    applications.move(application, ApplicationStatus.ELIGIBLE if eligible else ApplicationStatus.INELIGIBLE)
    application.updated_at = now
    audit.record(
        actor=actor,
        action="application.found_eligible" if eligible else "application.found_ineligible",
        obj=application,
        before={"status": ApplicationStatus.SUBMITTED.value},
        after={"status": application.status.value, "reasons": check.reasons, "feedback": check.feedback},
        now=now,
    )
    for address in applications.group_addresses(application):
        queue_email(
            to=address,
            template="assessment/eligible" if eligible else "assessment/ineligible",
            context={
                "application_id": application.id,
                "reference": application.reference,
                "title": application.title,
                "feedback": check.feedback,
            },
            now=now,
        )


def answer_request(
    request: InformationRequest, *, answer: str, actor: Actor, now: datetime | None = None
) -> InformationRequest:
    now = now or utcnow()
    answer = answer.strip()
    if not answer:
        raise DomainError("Enter your answer", field="answer")
    if len(answer) > MAX_TEXT:
        raise DomainError(f"Your answer must be {MAX_TEXT:,} characters or fewer", field="answer")
    application = request.application
    applications.lock(application)
    if not request.is_open:
        raise DomainError("This question has already been answered", field="answer")
    if actor.user is None or not application.organisation.has_member(actor.user.id):
        raise DomainError("Only a member of the group can answer", field="answer")
    request.answer, request.answered_by_id, request.answered_at = answer, actor.user_id, now
    audit.record(
        actor=actor, action="application.information_given", obj=application, after={"answer": answer}, now=now
    )
    officer = db.session.get(User, request.asked_by_id)
    if officer is not None:
        queue_email(
            to=officer.email,
            template="assessment/information_given",
            context={"application_id": application.id, "reference": application.reference, "answer": answer},
            now=now,
        )
    db.session.flush()
    return request
