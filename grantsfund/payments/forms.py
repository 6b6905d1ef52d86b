"""Finance's forms: record a payment, hold or cancel an instalment (with a reason), the export's date range, and
repayments on a terminated agreement. Money is typed in pounds and leaves as pence."""

from __future__ import annotations

from datetime import date
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import HiddenField, RadioField, SelectChoice, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from grantsfund.agreements.termination import MAX_TEXT
from grantsfund.common.fields import DayField, PoundsField
from grantsfund.common.forms import BaseForm
from grantsfund.payments.export import Criteria, FileFormat, Which
from grantsfund.payments.services import MAX_REASON, MAX_REFERENCE

# Dates outside these years are typing mistakes (and a date range needs the day after its end to exist).
FIRST_YEAR, LAST_YEAR = 2000, 2099


def _length(limit: int, thing: str) -> Length:
    return Length(max=limit, message=f"{thing} must be {limit:,} characters or fewer")


def _reason(label: str, message: str, *, limit: int = MAX_REASON, hint: str = "") -> TextAreaField:
    return TextAreaField(
        label,
        widget=GovCharacterCount(),
        validators=[InputRequired(message), _length(limit, "The reason")],
        description=hint,
    )


class ActionForm(BaseForm):
    """A button that changes an instalment (approve, release), and where to go afterwards."""

    next = HiddenField()
    submit = SubmitField("Continue", widget=GovSubmitInput())


class RecordPaymentForm(BaseForm):
    paid_on = DayField(
        "Date paid", required="Enter the date the payment was made", description="For example, 27 3 2026"
    )
    reference = StringField(
        "Payment reference",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter the payment reference from the finance system"),
            _length(MAX_REFERENCE, "The payment reference"),
        ],
        description="The reference the finance system gave the payment, so that it can be traced.",
    )
    next = HiddenField()
    submit = SubmitField("Record payment", widget=GovSubmitInput())


class HoldForm(BaseForm):
    reason = _reason(
        "Why is the payment being held?",
        "Enter why the payment is being held",
        hint="The group is emailed this reason, so say what they need to do for it to be released.",
    )
    next = HiddenField()
    submit = SubmitField("Hold payment", widget=GovSubmitInput())


class CancelForm(BaseForm):
    reason = _reason(
        "Why is the payment being cancelled?",
        "Enter why the payment is being cancelled",
        hint="For example, the project cost less than planned. A cancelled payment cannot be made again.",
    )
    next = HiddenField()
    submit = SubmitField("Cancel payment", widget=GovSubmitInput())


def _day_in_range(form: Any, field: DayField) -> None:
    if field.data is not None and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(f"{field.label.text} must be between {FIRST_YEAR} and {LAST_YEAR}")


def _choices(enum_type: Any) -> list[SelectChoice]:
    return [SelectChoice(member.value, member.label) for member in enum_type]


class ExportForm(BaseForm):
    """A GET form: choosing what to download changes nothing, so it needs no CSRF token."""

    class Meta:
        csrf = False

    which = RadioField(
        "Which payments?",
        widget=GovRadioInput(),
        choices=_choices(Which),
        validators=[InputRequired("Select which payments to export")],
    )
    date_from = DayField(
        "From",
        required="Enter the first date to include",
        description="For example, 1 4 2026",
        validators=[_day_in_range],
    )
    date_to = DayField(
        "To",
        required="Enter the last date to include",
        description="For example, 31 3 2027",
        validators=[_day_in_range],
    )
    file_format = RadioField(
        "Format",
        widget=GovRadioInput(),
        choices=_choices(FileFormat),
        validators=[InputRequired("Select a format")],
    )
    submit = SubmitField("Download", widget=GovSubmitInput())

    def validate_date_to(self, field: DayField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The ‘to’ date must be the same as or after the ‘from’ date")

    def fill(self, *, date_from: date, date_to: date) -> None:
        self.which.data, self.file_format.data = Which.PAID.value, FileFormat.CSV.value
        self.date_from.data, self.date_to.data = date_from, date_to

    def criteria(self) -> Criteria:
        return Criteria(which=Which(self.which.data), date_from=self.date_from.data, date_to=self.date_to.data)

    def chosen_format(self) -> FileFormat:
        return FileFormat(self.file_format.data)

    def query_args(self) -> dict[str, Any]:
        """The choices as a download link's query string: each date's day, month and year under one name."""
        return {
            "which": self.which.data,
            "date_from": _parts(self.date_from.data),
            "date_to": _parts(self.date_to.data),
            "file_format": self.file_format.data,
        }


def _parts(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


class RepaymentForm(BaseForm):
    repaid = PoundsField(
        "Total repaid so far",
        required="Enter the total repaid so far",
        description="In pounds: everything the group has paid back to date, not only the latest payment.",
    )
    note = TextAreaField(
        "Note (optional)",
        widget=GovCharacterCount(),
        validators=[_length(MAX_TEXT, "The note")],
        description="For example, the dates and references of the repayments.",
    )
    submit = SubmitField("Save repayment", widget=GovSubmitInput())


class WriteOffForm(BaseForm):
    # Named apart from the repayment form's fields, as both forms are on one page.
    reason = _reason(
        "Why is the rest being written off?",
        "Enter why the rest is being written off",
        limit=MAX_TEXT,
        hint="For example, the group has closed and has no money left. Who agreed it, and when.",
    )
    write_off = SubmitField("Write off the rest", widget=GovSubmitInput())
