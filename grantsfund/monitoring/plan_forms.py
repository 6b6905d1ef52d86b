"""Forms for sustainability plans and closing a grant: the plan's income (a list of rows, as in the application),
a dated review with its rating, and the closure record (what was achieved against each target, the lessons, and
whether the work continues). Money is typed in pounds and leaves as pence."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import FieldList, FormField, RadioField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from grantsfund.agreements.forms import RowForm, RowsForm
from grantsfund.applications.models import FundingStatus
from grantsfund.common.fields import DayField, PoundsField, WholeNumberField
from grantsfund.common.forms import BaseForm
from grantsfund.monitoring.closure import (
    MAX_ACHIEVED,
    MAX_COMMENT,
    MAX_LESSONS,
    MAX_NOTE,
    MAX_PERCENT,
    Achievement,
    check_record,
)
from grantsfund.monitoring.models import Continuation, Rag, SustainabilityPlan
from grantsfund.monitoring.sustainability import MAX_INCOME_LINES, MAX_REVIEW, MAX_SOURCE, IncomeLine
from grantsfund.monitoring.sustainability import MAX_NOTE as MAX_INCOME_NOTE

STATUS_CHOICES = [
    SelectChoice("", "Select a status"),
    *(SelectChoice(status.value, status.label) for status in FundingStatus),
]


def _length(limit: int, what: str) -> Length:
    return Length(max=limit, message=f"Enter {what} in {limit:,} characters or fewer")


# The income the plan relies on -------------------------------------------------------------------------------


class IncomeRow(RowForm):
    source = StringField(
        "Where the money comes from", widget=GovTextInput(), validators=[_length(MAX_SOURCE, "the source")]
    )
    amount = PoundsField("Amount", required=None, widget=GovTextInput(), description="In pounds and pence")
    status = SelectField("Status", widget=GovSelect(), validate_choice=False, choices=STATUS_CHOICES)
    expected_on = DayField(
        "Expected by (optional)", required=None, description="When a decision or the money is expected"
    )
    note = StringField("Note (optional)", widget=GovTextInput(), validators=[_length(MAX_INCOME_NOTE, "the note")])

    NEEDS: ClassVar[dict[str, str]] = {
        "source": "Enter where the money comes from for income source {number}",
        "amount": "Enter the amount of income source {number}",
        "status": "Select the status of income source {number}",
    }

    def validate_status(self, field: SelectField) -> None:
        if field.data and field.data not in {status.value for status in FundingStatus}:
            raise ValidationError(f"Select the status of income source {self.number} from the list")  # noqa: S608


class IncomeForm(RowsForm):
    income = FieldList(FormField(IncomeRow), max_entries=MAX_INCOME_LINES)
    submit = SubmitField("Save income", widget=GovSubmitInput())

    ROWS: ClassVar[str] = "income"
    ROW_FIELD: ClassVar[str] = "source"
    LABELS: ClassVar[dict[str, str]] = {
        "source": "Where the money comes from (income source {number})",
        "amount": "Amount (income source {number})",
        "status": "Status (income source {number})",
        "expected_on": "Expected by (optional) (income source {number})",
        "note": "Note (optional) (income source {number})",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offer_rows(MAX_INCOME_LINES)
        for row in self.income.entries:
            row.form.status.choices = STATUS_CHOICES

    @staticmethod
    def saved(plan: SustainabilityPlan) -> dict[str, Any]:
        return {
            "income": [
                {
                    "source": line.source,
                    "amount": line.amount_pence,
                    "status": line.status.value,
                    "expected_on": line.expected_on,
                    "note": line.note,
                }
                for line in plan.income
            ]
        }

    def lines(self) -> list[IncomeLine]:
        return [
            IncomeLine(
                source=row.source.data or "",
                amount_pence=row.amount.data,
                status=FundingStatus(row.status.data) if row.status.data else None,
                expected_on=row.expected_on.data,
                note=row.note.data or "",
            )
            for row in self.filled()
        ]


# A review ----------------------------------------------------------------------------------------------------


class ReviewForm(BaseForm):
    rag = RadioField(
        "How likely is the work to carry on after the grant?",
        widget=GovRadioInput(),
        choices=[SelectChoice(rag.value, rag.label) for rag in Rag],
        validators=[InputRequired("Select a rating: red, amber or green")],
    )
    note = TextAreaField(
        "What did the review find?",
        widget=GovCharacterCount(),
        validators=[InputRequired("Enter what the review found"), _length(MAX_REVIEW, "the note")],
        description="For example, income confirmed or still awaited, volunteers in place, what the group will do next.",
    )
    reviewed_on = DayField(
        "Date of the review", required="Enter the date of the review", description="For example, 27 3 2027"
    )
    submit = SubmitField("Save review", widget=GovSubmitInput())


# Closing the grant -------------------------------------------------------------------------------------------


def _lessons() -> TextAreaField:
    return TextAreaField(
        "What lessons were learned?",
        widget=GovCharacterCount(),
        validators=[_length(MAX_LESSONS, "the lessons")],
        description="What worked, what did not, and what the council or the group would do differently.",
    )


def _continues() -> RadioField:
    return RadioField(
        "Does the work continue after the grant?",
        widget=GovRadioInput(),
        choices=[SelectChoice(choice.value, choice.label) for choice in Continuation],
        validate_choice=False,
    )


def _continuation_note() -> TextAreaField:
    return TextAreaField(
        "How does it continue, or why not? (optional)",
        widget=GovTextArea(),
        validators=[_length(MAX_NOTE, "the note")],
        description="For example, who runs it now and how it is paid for.",
    )


class CloseForm(BaseForm):
    """Built for a grant's targets: for each, what was achieved (prefilled from the returns) and a comment; then the
    lessons and whether the work continues. The fields are made in the order of the page, so the error summary
    follows it; the closure's own rules (a comment where a figure differs or misses its target) are checked here
    too, so every problem shows at once."""

    submit = SubmitField("Close the grant", widget=GovSubmitInput())
    items: ClassVar[list[Achievement]] = []

    @classmethod
    def for_achievements(cls, items: Sequence[Achievement], *, prefill: bool, **kwargs: Any) -> CloseForm:
        fields: dict[str, Any] = {"items": list(items)}
        for item in items:
            about = f"{item.domain}: {item.indicator}"
            fields[f"achieved_{item.indicator_id}"] = WholeNumberField(
                f"Achieved ({about})",
                thing=f"what was achieved for {about}",
                minimum=0,
                maximum=MAX_PERCENT if item.percent else MAX_ACHIEVED,
                optional=True,  # a missing figure: the closure's rules say so, with the others
                description=f"Target: {item.target_text}. In the accepted returns: {item.achieved_text}.",
            )
            fields[f"comment_{item.indicator_id}"] = TextAreaField(
                f"Comment ({about})",
                widget=GovTextArea(),
                validators=[_length(MAX_COMMENT, "the comment")],
                description="Needed if the figure differs from the returns or misses the target.",
            )
        fields |= {"lessons": _lessons(), "continues": _continues(), "continuation_note": _continuation_note()}
        data = {f"achieved_{item.indicator_id}": item.achieved for item in items if prefill}
        return type("GrantCloseForm", (cls,), fields)(data=data, **kwargs)  # type: ignore[no-any-return]

    def rows(self) -> list[tuple[Achievement, Any, Any]]:
        return [
            (item, self[f"achieved_{item.indicator_id}"], self[f"comment_{item.indicator_id}"]) for item in self.items
        ]

    def achieved(self) -> dict[int, tuple[int | None, str]]:
        return {item.indicator_id: (achieved.data, comment.data or "") for item, achieved, comment in self.rows()}

    def chosen_continuation(self) -> Continuation | None:
        value = self["continues"].data
        return Continuation(value) if value in {choice.value for choice in Continuation} else None

    def validate(self, extra_validators: Any = None) -> bool:
        valid = bool(super().validate(extra_validators))
        checked = check_record(
            self.items,
            achieved=self.achieved(),
            lessons=self["lessons"].data or "",
            continues=self.chosen_continuation(),
            continuation_note=self["continuation_note"].data or "",
        )
        for problem in checked.problems:
            field = self[problem.field]
            if not field.errors:
                field.errors = [*field.errors, problem.message]
                valid = False
        return valid
