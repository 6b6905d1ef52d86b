"""Forms for the eligibility check and the group's answer to a question."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import RadioField, SelectChoice, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from grantsfund.assessment.eligibility import MAX_TEXT, Decision
from grantsfund.assessment.models import EligibilityResult, Recommendation
from grantsfund.assessment.scoring import EXTREMES, MAX_COMMENT, MAX_SUMMARY, ScoreAnswer, SheetAnswers
from grantsfund.common.fields import DayField
from grantsfund.common.forms import BaseForm
from grantsfund.rounds.models import SCORES

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


# Scoring -----------------------------------------------------------------------------------------------------


class ScoreSheetForm(BaseForm):
    """The fields common to every round; `for_criteria` adds a score and a comment for each criterion."""

    recommendation = RadioField(
        "Your recommendation",
        widget=GovRadioInput(),
        choices=[SelectChoice(r.value, r.label) for r in Recommendation],
        validate_choice=False,
    )
    summary = TextAreaField(
        "Summary of your assessment",
        widget=GovCharacterCount(),
        validators=[Length(max=MAX_SUMMARY, message=f"The summary must be {MAX_SUMMARY:,} characters or fewer")],
        description="The bid’s main strengths and weaknesses, for the panel.",
    )
    save_draft = SubmitField("Save as draft", widget=GovSubmitInput())
    submit = SubmitField("Submit scores", widget=GovSubmitInput())

    criteria: ClassVar[list[Any]] = []

    @classmethod
    def for_criteria(cls, criteria: Sequence[Any], score_labels: Sequence[str], **kwargs: Any) -> ScoreSheetForm:
        fields: dict[str, Any] = {"criteria": list(criteria)}
        for criterion in criteria:
            fields[f"score_{criterion.id}"] = RadioField(
                f"Score for {criterion.name}",
                widget=GovRadioInput(),
                choices=[
                    SelectChoice(str(score), f"{score}: {score_labels[score] if score < len(score_labels) else ''}")
                    for score in SCORES
                ],
                validate_choice=False,
                description=criterion.guidance,
            )
            fields[f"comment_{criterion.id}"] = TextAreaField(
                f"Comment on {criterion.name}",
                widget=GovTextArea(),
                validators=[Length(max=MAX_COMMENT, message=f"Comments must be {MAX_COMMENT:,} characters or fewer")],
                description="Required for a score of 0 or 5.",
            )
        form_class = type("CriteriaScoreSheetForm", (cls,), fields)
        return form_class(**kwargs)  # type: ignore[no-any-return]

    @property
    def submitting(self) -> bool:
        return not self.save_draft.data

    def validate(self, extra_validators: Any = None) -> bool:
        valid: bool = super().validate(extra_validators)
        extremes = {str(score) for score in EXTREMES}
        for criterion in self.criteria:
            field, comment = self[f"score_{criterion.id}"], self[f"comment_{criterion.id}"]
            if field.data and field.data not in {str(score) for score in SCORES}:
                field.errors = [*field.errors, f"Score ‘{criterion.name}’ from 0 to 5"]
                valid = False
            elif self.submitting and not field.data:
                field.errors = [*field.errors, f"Score ‘{criterion.name}’"]
                valid = False
            elif self.submitting and field.data in extremes and not (comment.data or "").strip():
                comment.errors = [
                    *comment.errors,
                    f"Explain a score of {field.data} for ‘{criterion.name}’ in a comment",
                ]
                valid = False
        if self.recommendation.data and self.recommendation.data not in {r.value for r in Recommendation}:
            self.recommendation.errors = [*self.recommendation.errors, "Select your recommendation from the list"]
            valid = False
        return valid

    def answers(self) -> SheetAnswers:
        return SheetAnswers(
            scores=[
                ScoreAnswer(
                    criterion_id=criterion.id,
                    score=int(self[f"score_{criterion.id}"].data) if self[f"score_{criterion.id}"].data else None,
                    comment=self[f"comment_{criterion.id}"].data or "",
                )
                for criterion in self.criteria
            ],
            recommendation=Recommendation(self.recommendation.data) if self.recommendation.data else None,
            summary=self.summary.data or None,
        )

    @staticmethod
    def saved(sheet: Any) -> dict[str, Any]:
        if sheet is None:
            return {}
        data: dict[str, Any] = {
            "recommendation": sheet.recommendation.value if sheet.recommendation else None,
            "summary": sheet.summary,
        }
        for row in sheet.scores:
            data[f"score_{row.criterion_id}"] = str(row.score) if row.score is not None else None
            data[f"comment_{row.criterion_id}"] = row.comment
        return data


class ModerationForm(BaseForm):
    criterion = RadioField("Which criterion?", widget=GovRadioInput(), validate_choice=False)
    score = RadioField(
        "Agreed score",
        widget=GovRadioInput(),
        choices=[SelectChoice(str(score), str(score)) for score in SCORES],
        validators=[InputRequired("Select the agreed score")],
        validate_choice=False,
    )
    reason = TextAreaField(
        "Reason for the agreed score",
        widget=GovTextArea(),
        validators=[Length(max=2000, message="Enter 2,000 characters or fewer")],
        description="Kept with the assessors’ own scores, and shown to the panel.",
    )
    submit = SubmitField("Record the agreed score", widget=GovSubmitInput())

    def __init__(self, *args: Any, criteria: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criterion.choices = [SelectChoice(str(c.id), c.name) for c in criteria]
        self._criteria = {str(c.id): c for c in criteria}

    def validate_criterion(self, field: RadioField) -> None:
        if field.data not in self._criteria:
            raise ValidationError("Select the criterion from the list")

    def validate_score(self, field: RadioField) -> None:
        if field.data not in {str(score) for score in SCORES}:
            raise ValidationError("Select the agreed score")

    def validate_reason(self, field: TextAreaField) -> None:
        if not (field.data or "").strip():
            raise ValidationError("Enter the reason for the agreed score")

    def chosen_criterion(self) -> Any:
        return self._criteria[self.criterion.data]


class InterestForm(BaseForm):
    assessor = RadioField("Assessor", widget=GovRadioInput(), validate_choice=False)
    organisation = RadioField("Group", widget=GovRadioInput(), validate_choice=False)
    reason = TextAreaField(
        "The interest",
        widget=GovTextArea(),
        validators=[Length(max=2000, message="Enter 2,000 characters or fewer")],
        description="For example, from the council’s register of interests: ‘a trustee of the group’.",
    )
    submit = SubmitField("Record the interest", widget=GovSubmitInput())

    def __init__(self, *args: Any, assessors: Sequence[Any] = (), groups: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.assessor.choices = [SelectChoice(str(a.id), a.full_name) for a in assessors]
        self.organisation.choices = [SelectChoice(str(g.id), g.name) for g in groups]

    def validate_assessor(self, field: RadioField) -> None:
        if field.data not in {choice.value for choice in field.choices or []}:
            raise ValidationError("Select the assessor")

    def validate_organisation(self, field: RadioField) -> None:
        if field.data not in {choice.value for choice in field.choices or []}:
            raise ValidationError("Select the group")

    def validate_reason(self, field: TextAreaField) -> None:
        if not (field.data or "").strip():
            raise ValidationError("Enter the interest")
