"""Forms for a group's profile, members and documents."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovDateInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from werkzeug.datastructures import FileStorage
from wtforms import (
    DateField,
    EmailField,
    Field,
    FileField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    ValidationError,
)
from wtforms.validators import AnyOf, Email, InputRequired, Length, Optional

from grantsfund.accounts.forms import EMAIL_HINT
from grantsfund.common.dates import to_london, utcnow
from grantsfund.common.forms import BaseForm
from grantsfund.common.money import MoneyError, parse_pounds, pence_to_input
from grantsfund.organisations.models import DocumentKind, LegalForm, Organisation, Ward
from grantsfund.organisations.services import EARLIEST_YEAR, OrganisationDetails
from grantsfund.organisations.validation import (
    forms_needing,
    normalise_charity_number,
    normalise_company_number,
    normalise_phone,
    normalise_postcode,
)

YES_NO = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]


def _labels(forms: Iterable[LegalForm]) -> str:
    """'registered charity or charitable incorporated organisation (CIO)', from the rule's data."""
    return " or ".join(form.label[0].lower() + form.label[1:] for form in forms)


def _normalised_by(normalise: Any) -> Any:
    """A validator that checks a value's format with a validation.normalise_* function."""

    def check(form: BaseForm, field: Field) -> None:
        if field.data:
            try:
                normalise(field.data)
            except ValueError as error:
                raise ValidationError(str(error)) from None

    return check


def _text(label: str, required: str | None, max_length: int, **kwargs: Any) -> StringField:
    validators: list[Any] = [InputRequired(required)] if required else [Optional()]
    validators.append(Length(max=max_length, message=f"{label} must be {max_length} characters or fewer"))
    return StringField(label, widget=GovTextInput(), validators=validators, **kwargs)


class OrganisationForm(BaseForm):
    name = _text("Name of your group", "Enter the name of your group", 200)
    legal_form = RadioField(
        "What kind of group is it?",
        widget=GovRadioInput(),
        choices=[SelectChoice(form.value, form.label) for form in LegalForm],
        validators=[InputRequired("Select what kind of group it is")],
        validate_choice=True,
    )
    charity_number = _text(
        "Charity number (if you have one)",
        None,
        20,
        description=(
            f"Needed for a {_labels(forms_needing('charity_number'))}; other groups can leave it empty. "
            "England and Wales: 6 or 7 digits, "
            "with -1 for a linked charity. Scotland: SC and 6 digits. Northern Ireland: NIC and 6 digits."
        ),
    )
    company_number = _text(
        "Company number (if you have one)",
        None,
        12,
        description=(
            f"Needed for a {_labels(forms_needing('company_number'))}; other groups can leave it empty. "
            "8 characters, like 01234567 or SC123456. "
            "A community benefit society can give its number here if it is registered at Companies House."
        ),
    )
    address_line_1 = _text(
        "Address line 1",
        "Enter the first line of your group’s address",
        200,
        render_kw={"autocomplete": "address-line1"},
    )
    address_line_2 = _text("Address line 2 (optional)", None, 200, render_kw={"autocomplete": "address-line2"})
    town = _text("Town or city", "Enter the town or city", 100, render_kw={"autocomplete": "address-level2"})
    postcode = _text("Postcode", "Enter a postcode", 10, render_kw={"autocomplete": "postal-code"})
    ward_id = SelectField(
        "Ward",
        widget=GovSelect(),
        description="The council ward your group is based in.",
        validate_choice=False,
    )
    annual_income = _text(
        "Annual income", "Enter your group’s annual income", 20, description="In pounds, from your latest accounts."
    )
    year_established = _text(
        "Year your group was set up", "Enter the year your group was set up", 4, description="For example, 2015"
    )
    has_safeguarding_policy = RadioField(
        "Does your group have a safeguarding policy?",
        widget=GovRadioInput(),
        choices=YES_NO,
        validators=[InputRequired("Select yes if your group has a safeguarding policy")],
    )
    has_equality_policy = RadioField(
        "Does your group have an equality policy?",
        widget=GovRadioInput(),
        choices=YES_NO,
        validators=[InputRequired("Select yes if your group has an equality policy")],
    )
    contact_name = _text("Contact name", "Enter the name of the person we should contact", 200)
    contact_email = EmailField(
        "Contact email address",
        widget=GovTextInput(),
        validators=[InputRequired("Enter a contact email address"), Length(max=320), Email(EMAIL_HINT)],
        render_kw={"spellcheck": "false"},
    )
    contact_phone = _text("Contact telephone number", "Enter a contact telephone number", 30)
    submit = SubmitField("Save group details", widget=GovSubmitInput())

    def __init__(self, *args: Any, wards: Iterable[Ward] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ward_id.choices = [SelectChoice("", "Select a ward")] + [
            SelectChoice(str(ward.id), ward.name) for ward in wards
        ]

    @classmethod
    def for_organisation(cls, organisation: Organisation, *, wards: Iterable[Ward]) -> OrganisationForm:
        return cls(
            wards=wards,
            data={
                "name": organisation.name,
                "legal_form": organisation.legal_form.value,
                "charity_number": organisation.charity_number or "",
                "company_number": organisation.company_number or "",
                "address_line_1": organisation.address_line_1,
                "address_line_2": organisation.address_line_2 or "",
                "town": organisation.town,
                "postcode": organisation.postcode,
                "ward_id": str(organisation.ward_id),
                "annual_income": pence_to_input(organisation.annual_income_pence),
                "year_established": str(organisation.year_established),
                "has_safeguarding_policy": "yes" if organisation.has_safeguarding_policy else "no",
                "has_equality_policy": "yes" if organisation.has_equality_policy else "no",
                "contact_name": organisation.contact_name,
                "contact_email": organisation.contact_email,
                "contact_phone": organisation.contact_phone,
            },
        )

    validate_charity_number = staticmethod(_normalised_by(normalise_charity_number))
    validate_company_number = staticmethod(_normalised_by(normalise_company_number))
    validate_postcode = staticmethod(_normalised_by(normalise_postcode))
    validate_contact_phone = staticmethod(_normalised_by(normalise_phone))

    def validate_ward_id(self, field: Field) -> None:
        allowed = {choice.value for choice in field.choices if choice.value}
        if field.data not in allowed:
            raise ValidationError("Select the ward your group is based in")

    def validate_annual_income(self, field: Field) -> None:
        try:
            parse_pounds(field.data or "")
        except MoneyError as error:
            raise ValidationError(str(error)) from None

    def validate_year_established(self, field: Field) -> None:
        this_year = to_london(utcnow()).year
        if not re.fullmatch(r"\d{4}", field.data or ""):
            raise ValidationError("Enter the year your group was set up as 4 numbers, like 2015")
        if int(field.data) > this_year:
            raise ValidationError("The year your group was set up must be this year or in the past")
        if int(field.data) < EARLIEST_YEAR:
            raise ValidationError(f"The year your group was set up must be {EARLIEST_YEAR} or later")

    def details(self) -> OrganisationDetails:
        return OrganisationDetails(
            name=self.name.data,
            legal_form=LegalForm(self.legal_form.data),
            charity_number=self.charity_number.data or None,
            company_number=self.company_number.data or None,
            address_line_1=self.address_line_1.data,
            address_line_2=self.address_line_2.data or None,
            town=self.town.data,
            postcode=self.postcode.data,
            ward_id=int(self.ward_id.data),
            annual_income_pence=parse_pounds(self.annual_income.data),
            year_established=int(self.year_established.data),
            has_safeguarding_policy=self.has_safeguarding_policy.data == "yes",
            has_equality_policy=self.has_equality_policy.data == "yes",
            contact_name=self.contact_name.data,
            contact_email=self.contact_email.data,
            contact_phone=self.contact_phone.data,
        )


class JoinRequestForm(BaseForm):
    organisation_id = HiddenField(validators=[InputRequired("Select a group to join")])
    submit = SubmitField("Ask to join", widget=GovSubmitInput())

    def validate_organisation_id(self, field: Field) -> None:
        if not re.fullmatch(r"\d{1,9}", field.data or ""):
            raise ValidationError("Select a group to join")


class JoinDecisionForm(BaseForm):
    decision = HiddenField(validators=[AnyOf(["approve", "decline"], message="Select approve or decline")])
    submit = SubmitField("Continue", widget=GovSubmitInput())


class InviteMemberForm(BaseForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired("Enter their email address"), Length(max=320), Email(EMAIL_HINT)],
        description="We will email them a link to join your group. They will need to sign in or create an account.",
        render_kw={"spellcheck": "false"},
    )
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class GovDateField(DateField):
    """Day, month and year boxes. Anything but three numbers that make a real date is 'Enter a real date'."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            self.raw_data = ["", "", ""]  # the widget shows three boxes whatever was sent
            return
        self.data = None
        if len(valuelist) != 3 or not all(isinstance(value, str) for value in valuelist):
            self.raw_data = ["", "", ""]
            raise ValueError(f"{self.label.text} must be a real date")
        if not any(value.strip() for value in valuelist):
            return
        day, month, year = (value.strip() for value in valuelist)
        try:
            if not (day.isdecimal() and month.isdecimal() and year.isdecimal() and len(year) == 4):
                raise ValueError
            self.data = date(int(year), int(month), int(day))
        except (ValueError, OverflowError):
            raise ValueError(f"{self.label.text} must be a real date, like 31 3 2025") from None


class UploadDocumentForm(BaseForm):
    kind = RadioField(
        "Which document is it?",
        widget=GovRadioInput(),
        choices=[SelectChoice(kind.value, kind.label) for kind in DocumentKind],
        validators=[InputRequired("Select which document it is")],
    )
    dated = GovDateField(
        "Date on the document",
        widget=GovDateInput(),
        validators=[Optional()],
        description=(
            "For accounts, the financial year end. For a policy, when it is next due for review. "
            "For a bank statement, the statement date. Not needed for a governing document."
        ),
    )
    file = FileField(
        "Upload a file",
        widget=GovFileInput(),
        description="A PDF, Word document (DOCX), OpenDocument text (ODT), Excel spreadsheet (XLSX), JPEG or PNG.",
    )
    submit = SubmitField("Upload document", widget=GovSubmitInput())

    def validate_file(self, field: Field) -> None:
        if not isinstance(field.data, FileStorage) or not field.data.filename:
            raise ValidationError("Select a file")

    def selected_kind(self) -> DocumentKind:
        return DocumentKind(self.kind.data)
