"""Forms for the eligibility check and the group's answer to a question."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import RadioField, SelectChoice, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from grantsfund.assessment.eligibility import MAX_TEXT, Decision
from grantsfund.assessment.models import EligibilityResult
from grantsfund.common.fields import DayField
from grantsfund.common.forms import BaseForm

_LENGTH = Length(max=MAX_TEXT, message=f"Enter {MAX_TEXT:,} characters or fewer")


class EligibilityForm(BaseForm):
    result = RadioField(
        "Is the application eligible?",
        widget=GovRadioInput(),
        choices=[SelectChoice(result.value, result.label) for result in EligibilityResult],
        validators=[InputRequired("Select whether the application is eligible")],
        validate_choice=False,
    )
    reasons = TextAreaField(
        "Your reasons",
        widget=GovTextArea(),
        validators=[_LENGTH],
        description="For the record. Staff see this; the group does not.",
    )
    feedback = TextAreaField(
        "Feedback for the group",
        widget=GovCharacterCount(),
        validators=[_LENGTH],
        description="If it is not eligible: why, in plain English. The group sees this and it is emailed to them.",
    )
    question = TextAreaField(
        "What do you need the group to tell you?",
        widget=GovCharacterCount(),
        validators=[_LENGTH],
        description="If you need more information: ask for exactly what you need. We email the group a link to answer.",
    )
    submit = SubmitField("Record the result", widget=GovSubmitInput())

    REQUIRED = {
        "reasons": ("Enter the reasons for your decision", None),
        "feedback": ("Enter feedback for the group explaining why it is not eligible", EligibilityResult.INELIGIBLE),
        "question": ("Enter what you need the group to tell you", EligibilityResult.MORE_INFORMATION),
    }

    def validate_result(self, field: RadioField) -> None:
        if field.data not in {result.value for result in EligibilityResult}:
            raise ValidationError("Select whether the application is eligible")

    def validate(self, extra_validators: Any = None) -> bool:
        valid: bool = super().validate(extra_validators)
        for name, (message, needed_for) in self.REQUIRED.items():
            field = self[name]
            wanted = needed_for is None or self.result.data == needed_for.value
            if wanted and not field.errors and not (field.data or "").strip():
                field.errors = [*field.errors, message]
                valid = False
        return valid

    def decision(self) -> Decision:
        return Decision(
            result=EligibilityResult(self.result.data),
            reasons=self.reasons.data or "",
            feedback=self.feedback.data or None,
            question=self.question.data or None,
        )


class AnswerForm(BaseForm):
    answer = TextAreaField(
        "Your answer",
        widget=GovCharacterCount(),
        validators=[InputRequired("Enter your answer"), _LENGTH],
    )
    submit = SubmitField("Send your answer", widget=GovSubmitInput())


# Assigning assessors -----------------------------------------------------------------------------------------


class AssignForm(BaseForm):
    assessor = RadioField("Assessor", widget=GovRadioInput(), validate_choice=False)
    due_on = DayField("Date the scores are due", required="Enter the date the scores are due")
    submit = SubmitField("Assign", widget=GovSubmitInput())

    def __init__(self, *args: Any, assessors: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.assessor.choices = [SelectChoice(str(assessor.id), assessor.full_name) for assessor in assessors]
        self._ids = {str(assessor.id) for assessor in assessors}

    def validate_assessor(self, field: RadioField) -> None:
        if field.data not in self._ids:
            raise ValidationError("Select an assessor from the list")

    def assessor_id(self) -> int:
        return int(self.assessor.data)


class ConfirmSuggestionForm(BaseForm):
    due_on = DayField("Date the scores are due", required="Enter the date the scores are due")
    submit = SubmitField("Confirm these assignments", widget=GovSubmitInput())


class DeclarationForm(BaseForm):
    conflict = RadioField(
        "Do you have a conflict of interest with this group or its bid?",
        widget=GovRadioInput(),
        choices=[SelectChoice("no", "No, I have no conflict"), SelectChoice("yes", "Yes, I have a conflict")],
        validators=[InputRequired("Select whether you have a conflict of interest")],
        validate_choice=False,
        description="For example: you or a close family member belong to, work for, or have advised the group.",
    )
    reason = TextAreaField(
        "What is the conflict?",
        widget=GovTextArea(),
        validators=[Length(max=2000, message="Enter 2,000 characters or fewer")],
        description="Only if you have a conflict. The grants officer sees this.",
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def validate_conflict(self, field: RadioField) -> None:
        if field.data not in {"yes", "no"}:
            raise ValidationError("Select whether you have a conflict of interest")

    def validate_reason(self, field: TextAreaField) -> None:
        if self.conflict.data == "yes" and not (field.data or "").strip():
            raise ValidationError("Enter the reason for your conflict of interest")

    def has_conflict(self) -> bool:
        return bool(self.conflict.data == "yes")
