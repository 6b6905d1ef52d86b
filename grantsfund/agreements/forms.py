"""Forms for grant agreements: the officer's sections of a version (details, the payment and monitoring schedules,
the outcome targets), sending, withdrawing, varying and ending an agreement; the group's acceptance; and the
administrators' standard terms. Money is typed in pounds and leaves as pence; dates use GOV.UK's date input.

A schedule is a list of rows: a row left empty is ignored, a row begun needs every answer. The service checks
the plan as a whole (that the instalments add up to the grant, that the periods follow one another) and names
the instalment or period at fault; `place_problems` puts each message at that row."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, ClassVar

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    Field,
    FieldList,
    Form,
    FormField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, ValidationError

from grantsfund.agreements import schedules
from grantsfund.agreements.models import AgreementVersion, StandardTerms
from grantsfund.agreements.schedules import PlannedInstalment, PlannedPeriod, Problem, Target
from grantsfund.agreements.services import MAX_ROLE, MAX_TEXT, Acceptance, Details
from grantsfund.agreements.terms import MAX_BODY, MAX_TITLE
from grantsfund.common.fields import DayField, ParsedField, PoundsField, WholeNumberField
from grantsfund.common.forms import BaseForm

MAX_REASON = 5000
MAX_NOTE = 500
MAX_UNIT = 40
MAX_MEASUREMENT = 500
MAX_TARGET = 999_999
EXTRA_ROWS = 2  # blank rows offered for new instalments or periods; save to get more
CONFIRMED = "confirmed"


def _length(limit: int, what: str = "this") -> Length:
    return Length(max=limit, message=f"Enter {what} in {limit:,} characters or fewer")


def _reason(label: str, missing: str, **kwargs: Any) -> TextAreaField:
    return TextAreaField(
        label,
        widget=GovCharacterCount(),
        validators=[
            InputRequired(missing),
            Length(max=MAX_REASON, message=f"Enter {MAX_REASON:,} characters or fewer"),
        ],
        **kwargs,
    )


# The details of a version ----------------------------------------------------------------------------------


class DetailsForm(BaseForm):
    amount = PoundsField(
        "Grant",
        required="Enter the amount of the grant",
        description="In pounds. A variation may reduce the grant; an increase needs a new panel decision.",
    )
    starts_on = DayField("Start date", required="Enter the date the grant starts", description="For example, 1 9 2026")
    ends_on = DayField("End date", required="Enter the date the grant ends", description="For example, 31 8 2027")
    signatory_role = StringField(
        "Who signs for the group",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter who may sign for the group, for example Chair or Treasurer"),
            _length(MAX_ROLE, "the role"),
        ],
        description="The role of the person who may accept the agreement, for example Chair or Treasurer.",
    )
    special_conditions = TextAreaField(
        "Special conditions (optional)",
        widget=GovTextArea(),
        validators=[_length(MAX_TEXT, "the conditions")],
        description="The panel's conditions, and anything else this grant depends on.",
    )
    sustainability_commitments = TextAreaField(
        "Sustainability commitments (optional)",
        widget=GovTextArea(),
        validators=[_length(MAX_TEXT, "the commitments")],
        description="What the group will do so the work carries on after the grant.",
    )
    submit = SubmitField("Save details", widget=GovSubmitInput())

    def __init__(self, *args: Any, version: AgreementVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._version = version
        if not version.is_variation:
            del self.amount  # the offer is for the panel's award: nothing to choose

    @staticmethod
    def saved(version: AgreementVersion) -> dict[str, Any]:
        return {
            "amount": version.amount_pence,
            "starts_on": version.starts_on,
            "ends_on": version.ends_on,
            "signatory_role": version.signatory_role,
            "special_conditions": version.special_conditions,
            "sustainability_commitments": version.sustainability_commitments,
        }

    def validate_ends_on(self, field: DayField) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError("The end date must be on or after the start date")

    def details(self) -> Details:
        amount = self._fields.get("amount")
        return Details(
            amount_pence=amount.data if amount is not None else self._version.amount_pence,
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
            signatory_role=self.signatory_role.data or "",
            special_conditions=self.special_conditions.data or "",
            sustainability_commitments=self.sustainability_commitments.data or "",
        )


# Lists of rows: the payment and monitoring schedules -----------------------------------------------------------


def _filled(field: Field) -> bool:
    if isinstance(field, ParsedField) and field.raw_data:
        return bool(field.text)
    return field.data not in (None, "", [])


class RowForm(Form):
    """One instalment or period: left empty it is ignored; begun, it needs every answer in NEEDS."""

    number = 1
    NEEDS: ClassVar[dict[str, str]] = {}

    def is_blank(self) -> bool:
        return not any(_filled(field) for field in self)

    def validate(self, extra_validators: Any = None) -> bool:
        super().validate(extra_validators)
        if not self.is_blank():
            for name, message in self.NEEDS.items():
                field = self[name]
                if not field.errors and not _filled(field):
                    field.errors = [message.format(number=self.number)]
        return not self.errors


class RowsForm(BaseForm):
    """A form whose one list of rows is named by ROWS; a message about one row goes at that row's ROW_FIELD, and
    one about the list as a whole (the instalments do not add up) at the first row's."""

    ROWS: ClassVar[str] = ""
    ROW_FIELD: ClassVar[str] = ""
    LABELS: ClassVar[dict[str, str]] = {}

    @property
    def rows(self) -> FieldList:
        return self[self.ROWS]

    def offer_rows(self, most: int) -> None:
        """Blank rows up to EXTRA_ROWS (within `most`), and each row's labels numbered."""
        while len(self.rows.entries) < most and sum(row.form.is_blank() for row in self.rows.entries) < EXTRA_ROWS:
            self.rows.append_entry()
        for number, row in enumerate(self.rows.entries, start=1):
            row.form.number = number
            for name, label in self.LABELS.items():
                row.form[name].label.text = label.format(number=number)

    def filled(self) -> list[Any]:
        return [row.form for row in self.rows.entries if not row.form.is_blank()]

    def ordered(self) -> list[Any]:
        """The filled rows in the order the service numbers them (override when it sorts)."""
        return self.filled()

    def place_problems(self, problems: Sequence[Problem]) -> None:
        """Each of the service's problems at the row it names ("payments-2": the second in the service's order),
        or at the first row for the list as a whole."""
        ordered = self.ordered()
        for problem in problems:
            _, _, number = problem.field.partition("-")
            position = int(number) - 1 if number.isdecimal() else -1
            row = ordered[position] if 0 <= position < len(ordered) else self.rows.entries[0].form
            field = row[self.ROW_FIELD]
            field.errors = [*field.errors, problem.message]
        self.rows.errors = [entry.errors for entry in self.rows.entries]

    def add_error(self, field_name: str | None, message: str) -> None:
        if field_name is not None and field_name.split("-")[0] == self.ROWS:
            self.place_problems([Problem(field_name, message)])
            return
        super().add_error(field_name, message)


def _row_date(label: str) -> DayField:
    return DayField(label, required=None)


class InstalmentRow(RowForm):
    due_on = _row_date("Due date")
    amount = PoundsField("Amount", required=None, widget=GovTextInput(), description="In pounds and pence")
    condition = SelectField("Paid", widget=GovSelect(), validate_choice=False)
    note = StringField(
        "Note",
        widget=GovTextInput(),
        validators=[_length(MAX_NOTE, "the note")],
        description="Optional: anything finance should check before paying it.",
    )

    NEEDS: ClassVar[dict[str, str]] = {
        "due_on": "Enter the due date of instalment {number}",
        "amount": "Enter the amount of instalment {number}",
        "condition": "Select when instalment {number} is paid",
    }

    def validate_condition(self, field: SelectField) -> None:
        if field.data and field.data not in {str(choice.value) for choice in field.choices or []}:
            raise ValidationError(f"Select when instalment {self.number} is paid from the list")  # noqa: S608


def _period_key(number: int) -> str:
    return f"period-{number}"


def condition_key(entry: PlannedInstalment) -> str:
    return _period_key(entry.period or 0) if entry.condition == schedules.ON_RETURN else schedules.ON_ACCEPTANCE


class PaymentsForm(RowsForm):
    payments = FieldList(FormField(InstalmentRow), max_entries=schedules.MAX_INSTALMENTS)
    submit = SubmitField("Save payment schedule", widget=GovSubmitInput())

    ROWS: ClassVar[str] = "payments"
    ROW_FIELD: ClassVar[str] = "amount"
    LABELS: ClassVar[dict[str, str]] = {
        "due_on": "Due date (instalment {number})",
        "amount": "Amount (instalment {number})",
        "condition": "Paid (instalment {number})",
        "note": "Note (instalment {number})",
    }

    def __init__(self, *args: Any, periods: Sequence[PlannedPeriod] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._periods = {period.number for period in periods}
        choices = [
            SelectChoice("", "Select when it is paid"),
            SelectChoice(schedules.ON_ACCEPTANCE, "When the agreement is accepted"),
            *(
                SelectChoice(_period_key(period.number), f"When the return for period {period.number} is accepted")
                for period in periods
            ),
        ]
        self.offer_rows(schedules.MAX_INSTALMENTS)
        for row in self.payments.entries:
            row.form.condition.choices = choices

    @staticmethod
    def saved(version: AgreementVersion) -> dict[str, Any]:
        return {
            "payments": [
                {
                    "due_on": entry.due_on,
                    "amount": entry.amount_pence,
                    "condition": condition_key(entry),
                    "note": entry.note,
                }
                for entry in schedules.load_payments(version.payments)
            ]
        }

    def ordered(self) -> list[Any]:
        # The service numbers instalments by due date (a stable sort of the order given).
        return sorted(self.filled(), key=lambda row: row.due_on.data or date.min)

    def total_pence(self) -> int:
        return sum(row.amount.data or 0 for row in self.filled() if isinstance(row.amount.data, int))

    def planned(self) -> list[PlannedInstalment]:
        planned = []
        for number, row in enumerate(self.filled(), start=1):
            key = row.condition.data
            on_return = key.startswith("period-")
            planned.append(
                PlannedInstalment(
                    number=number,
                    due_on=row.due_on.data,
                    amount_pence=row.amount.data,
                    condition=schedules.ON_RETURN if on_return else schedules.ON_ACCEPTANCE,
                    period=int(key.removeprefix("period-")) if on_return else None,
                    note=row.note.data or "",
                )
            )
        return planned


class PeriodRow(RowForm):
    starts_on = _row_date("Start")
    ends_on = _row_date("End")
    due_on = _row_date("Return due")

    NEEDS: ClassVar[dict[str, str]] = {
        "starts_on": "Enter the start of period {number}",
        "ends_on": "Enter the end of period {number}",
        "due_on": "Enter the date the return for period {number} is due",
    }


class MonitoringForm(RowsForm):
    periods = FieldList(FormField(PeriodRow), max_entries=schedules.MAX_PERIODS)
    submit = SubmitField("Save monitoring schedule", widget=GovSubmitInput())

    ROWS: ClassVar[str] = "periods"
    ROW_FIELD: ClassVar[str] = "starts_on"
    LABELS: ClassVar[dict[str, str]] = {
        "starts_on": "Start (period {number})",
        "ends_on": "End (period {number})",
        "due_on": "Return due (period {number})",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offer_rows(schedules.MAX_PERIODS)

    @staticmethod
    def saved(version: AgreementVersion) -> dict[str, Any]:
        return {
            "periods": [
                {"starts_on": period.starts_on, "ends_on": period.ends_on, "due_on": period.due_on}
                for period in schedules.load_periods(version.monitoring)
            ]
        }

    def add_error(self, field_name: str | None, message: str) -> None:
        # The service names periods "monitoring-N"; the rows here are "periods".
        if field_name is not None and field_name.split("-")[0] == "monitoring":
            field_name = self.ROWS + field_name.removeprefix("monitoring")
        super().add_error(field_name, message)

    def ordered(self) -> list[Any]:
        # The service numbers periods by start date.
        return sorted(self.filled(), key=lambda row: row.starts_on.data or date.min)

    def planned(self) -> list[PlannedPeriod]:
        return [
            PlannedPeriod(number, row.starts_on.data, row.ends_on.data, row.due_on.data)
            for number, row in enumerate(self.filled(), start=1)
        ]


# Outcome targets: one row for each indicator the version names -------------------------------------------------


class TargetsForm(BaseForm):
    """Built for a version's targets: for each, the number, its unit and how it is measured."""

    submit = SubmitField("Save outcome targets", widget=GovSubmitInput())
    targets: ClassVar[list[Target]] = []

    @classmethod
    def for_targets(cls, targets: Sequence[Target], *, prefill: bool, **kwargs: Any) -> TargetsForm:
        fields: dict[str, Any] = {"targets": list(targets)}
        for position, target in enumerate(targets, start=1):
            about = f"{target.domain}: {target.indicator}"
            fields[f"target_{position}"] = WholeNumberField(
                f"Target ({about})", thing="the target", minimum=0, maximum=MAX_TARGET
            )
            fields[f"unit_{position}"] = StringField(
                f"Unit ({about})", widget=GovTextInput(), validators=[_length(MAX_UNIT, "the unit")]
            )
            fields[f"measurement_{position}"] = StringField(
                f"How it is measured ({about})",
                widget=GovTextInput(),
                validators=[_length(MAX_MEASUREMENT, "how it is measured")],
            )
        data: dict[str, Any] = {}
        for position, target in enumerate(targets if prefill else [], start=1):
            data |= {
                f"target_{position}": target.target,
                f"unit_{position}": target.unit,
                f"measurement_{position}": target.measurement,
            }
        return type("VersionTargetsForm", (cls,), fields)(data=data, **kwargs)  # type: ignore[no-any-return]

    def rows(self) -> list[tuple[Target, list[Field]]]:
        return [
            (target, [self[f"{name}_{position}"] for name in ("target", "unit", "measurement")])
            for position, target in enumerate(self.targets, start=1)
        ]

    def add_error(self, field_name: str | None, message: str) -> None:
        # The service names targets "targets-N", by position.
        if field_name is not None and field_name.startswith("targets-"):
            field_name = "target_" + field_name.removeprefix("targets-")
        super().add_error(field_name, message)

    def chosen(self) -> list[Target]:
        return [
            Target(
                indicator_id=target.indicator_id,
                indicator=target.indicator,
                domain=target.domain,
                target=self[f"target_{position}"].data,
                unit=(self[f"unit_{position}"].data or "").strip(),
                measurement=(self[f"measurement_{position}"].data or "").strip(),
            )
            for position, target in enumerate(self.targets, start=1)
        ]


# Sending, withdrawing, varying and ending ------------------------------------------------------------------------


class IssueForm(BaseForm):
    accept_by = DayField(
        "Accept by (optional)",
        required=None,
        description="The date the group must accept the offer by. Leave it empty for the usual time.",
    )
    submit = SubmitField("Send the offer", widget=GovSubmitInput())


class ExtendOfferForm(BaseForm):
    accept_by = DayField(
        "New date to accept by",
        required="Enter the new date to accept the offer by",
        description="The group is emailed the new date. For example, 31 3 2027",
    )
    submit = SubmitField("Give the group more time", widget=GovSubmitInput())


class WithdrawOfferForm(BaseForm):
    reason = _reason(
        "Why is the offer being withdrawn?",
        "Enter why the offer is being withdrawn",
        description="The group is told. The application is withdrawn too, which frees its share of the budget.",
    )
    submit = SubmitField("Withdraw the offer", widget=GovSubmitInput())


class VariationForm(BaseForm):
    reason = _reason(
        "Why does the agreement need to change?",
        "Enter why the agreement needs to change",
        description="The group sees this with the changes when they are asked to accept them.",
    )
    submit = SubmitField("Start the variation", widget=GovSubmitInput())


class WithdrawVariationForm(BaseForm):
    reason = _reason("Why is the variation being withdrawn?", "Enter why the variation is being withdrawn")
    submit = SubmitField("Withdraw the variation", widget=GovSubmitInput())


class TerminateForm(BaseForm):
    reason = _reason(
        "Why is the agreement being terminated?",
        "Enter why the agreement is being terminated",
        description="The group is told this reason.",
    )
    terminated_on = DayField(
        "Date the agreement ends",
        required="Enter the date the agreement ends",
        description="Today or earlier, for example 31 3 2027",
    )
    amount_owed = PoundsField(
        "Amount the group must repay",
        required="Enter the amount the group must repay, or 0",
        description="In pounds. Enter 0 if nothing is to be repaid.",
    )
    submit = SubmitField("Terminate the agreement", widget=GovSubmitInput())


# The group's acceptance ------------------------------------------------------------------------------------------


class AcceptForm(BaseForm):
    name = StringField(
        "Your full name",
        widget=GovTextInput(),
        validators=[InputRequired("Enter your full name"), _length(200, "your name")],
        description="As it is on your account. Typing it is how you sign the agreement.",
    )
    position = StringField(
        "Your role in the group",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter your role in the group, for example Treasurer"),
            _length(MAX_ROLE, "your role"),
        ],
        description="For example, Chair or Treasurer.",
    )
    confirmed = SelectMultipleField("Confirmation", widget=GovCheckboxesInput(), validate_choice=False)
    submit = SubmitField("Accept the agreement", widget=GovSubmitInput())

    def __init__(self, *args: Any, signatory_role: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._role = signatory_role
        self.confirmed.choices = [
            SelectChoice(
                CONFIRMED, f"I confirm I am the group’s {signatory_role} and accept this agreement on its behalf"
            )
        ]

    def validate_confirmed(self, field: SelectMultipleField) -> None:
        if list(field.data or []) != [CONFIRMED]:
            raise ValidationError(f"Confirm that you are the group’s {self._role} and may accept on its behalf")

    def acceptance(self) -> Acceptance:
        return Acceptance(
            name=self.name.data or "", position=self.position.data or "", confirmed=self.confirmed.data == [CONFIRMED]
        )


# The standard terms ----------------------------------------------------------------------------------------------


class TermsForm(BaseForm):
    title = StringField(
        "Title",
        widget=GovTextInput(),
        validators=[InputRequired("Enter a title for the terms"), _length(MAX_TITLE, "the title")],
    )
    body = TextAreaField(
        "The terms",
        widget=GovTextArea(),
        validators=[InputRequired("Enter the text of the terms"), _length(MAX_BODY, "the terms")],
        description="Plain text. Separate paragraphs with a blank line.",
    )
    summary = TextAreaField(
        "What has changed (optional)",
        widget=GovTextArea(),
        validators=[_length(MAX_REASON, "the summary")],
        description="A sentence or two for officers: what is new in this version.",
    )
    submit = SubmitField("Publish the new version", widget=GovSubmitInput())

    @staticmethod
    def saved(current: StandardTerms | None) -> dict[str, Any]:
        return {"title": current.title, "body": current.body} if current is not None else {}
