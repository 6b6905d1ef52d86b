"""Forms for the eligibility check and the group's answer to a question."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import RadioField, SelectChoice, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from grantsfund.assessment.eligibility import MAX_TEXT, Decision
from grantsfund.assessment.models import EligibilityResult
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
