"""Forms for the funders directory, the signposting letter, and a signpost's outcome. Money is typed in pounds
and leaves as pence."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectChoice, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from grantsfund.common.fields import DayField, PoundsField
from grantsfund.common.forms import BaseForm
from grantsfund.organisations.models import LegalForm, Ward
from grantsfund.signposting.directory import MAX_NAME, FunderDetails, ProgrammeDetails
from grantsfund.signposting.models import ProgrammeStatus, Reach, SignpostOutcome
from grantsfund.signposting.signposts import MAX_NOTE


def _length(limit: int) -> Length:
    return Length(max=limit, message=f"Enter {limit:,} characters or fewer")


def _text(label: str, limit: int, *, area: bool = False, **kwargs: Any) -> Any:
    field_class = TextAreaField if area else StringField
    widget = GovTextArea() if area else GovTextInput()
    return field_class(label, widget=widget, validators=[_length(limit)], **kwargs)


def _name(label: str, message: str) -> StringField:
    return StringField(label, widget=GovTextInput(), validators=[InputRequired(message), _length(MAX_NAME)])


class FunderForm(BaseForm):
    name = _name("Name", "Enter the funder's name")
    website = _text("Website (optional)", 500, description="For example, https://www.tnlcommunityfund.org.uk")
    description = _text("What the funder does (optional)", 5000, area=True)
    contact = _text("How to contact them (optional)", 2000, area=True)
    submit = SubmitField("Save funder", widget=GovSubmitInput())

    def details(self) -> FunderDetails:
        return FunderDetails(
            name=self.name.data or "",
            website=(self.website.data or "").strip(),
            description=(self.description.data or "").strip(),
            contact=(self.contact.data or "").strip(),
        )


def _choices(enum_type: Any) -> list[SelectChoice]:
    return [SelectChoice(member.value, member.label) for member in enum_type]


def _one_of(label: str, enum_type: Any, message: str, **kwargs: Any) -> RadioField:
    return RadioField(
        label,
        widget=GovRadioInput(),
        choices=_choices(enum_type),
        validators=[InputRequired(message)],
        **kwargs,
    )


class ProgrammeForm(BaseForm):
    name = _name("Programme name", "Enter the programme's name")
    description = _text("What it funds (optional)", 5000, area=True)
    status = _one_of("Status", ProgrammeStatus, "Select the programme's status")
    next_deadline = DayField(
        "Next deadline (optional)", required=None, description="For example, 31 3 2027. Leave empty if rolling"
    )
    min_award = PoundsField("Smallest grant (optional)", required=None, description="In pounds")
    max_award = PoundsField("Largest grant (optional)", required=None, description="In pounds")
    legal_forms = SelectMultipleField(
        "Who can apply",
        widget=GovCheckboxesInput(),
        choices=_choices(LegalForm),
        description="Select none if any kind of group can apply.",
    )
    min_income = PoundsField(
        "Lowest yearly income of a group it funds (optional)", required=None, description="In pounds"
    )
    max_income = PoundsField(
        "Highest yearly income of a group it funds (optional)", required=None, description="In pounds"
    )
    themes = _text(
        "Themes (optional)",
        2000,
        area=True,
        description="One a line, in the funder's words or the fund's: its themes, the Indicators of Integration "
        "domains (like Social Bridges) or who the work is for (like Young people).",
    )
    reach = _one_of("Where it funds", Reach, "Select where the programme funds")
    area = _text(
        "Area",
        200,
        description="For national programmes: UK, Great Britain, England and Wales, or one nation. "
        "For regional ones: the region. For local ones, optional.",
    )
    ward_ids = SelectMultipleField(
        "Wards (local programmes only)",
        widget=GovCheckboxesInput(),
        coerce=int,
        description="Select none if it covers the whole council area.",
    )
    contact = _text("Contact (optional)", 2000, area=True)
    notes = _text("Notes (optional)", 5000, area=True, description="Shown to groups in the signposting letter.")
    source = _text("Where this came from (optional)", 500)
    source_url = _text("Link to the programme's page (optional)", 500)
    last_verified_on = DayField(
        "Last verified", required="Enter the date someone last checked this entry", description="For example, 1 11 2026"
    )
    submit = SubmitField("Save programme", widget=GovSubmitInput())

    def __init__(self, *args: Any, wards: Sequence[Ward] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ward_ids.choices = [SelectChoice(ward.id, ward.name) for ward in wards]

    def fill(self, details: ProgrammeDetails) -> None:
        self.name.data, self.description.data = details.name, details.description
        self.status.data, self.reach.data, self.area.data = details.status.value, details.reach.value, details.area
        self.next_deadline.data, self.last_verified_on.data = details.next_deadline, details.last_verified_on
        self.min_award.data, self.max_award.data = details.min_award_pence, details.max_award_pence
        self.min_income.data, self.max_income.data = details.min_income_pence, details.max_income_pence
        self.legal_forms.data, self.ward_ids.data = details.legal_forms, details.ward_ids
        self.themes.data = "\n".join(details.themes)
        self.contact.data, self.notes.data = details.contact, details.notes
        self.source.data, self.source_url.data = details.source, details.source_url

    def details(self) -> ProgrammeDetails:
        return ProgrammeDetails(
            name=self.name.data or "",
            description=(self.description.data or "").strip(),
            status=ProgrammeStatus(self.status.data),
            reach=Reach(self.reach.data),
            area=(self.area.data or "").strip(),
            next_deadline=self.next_deadline.data,
            last_verified_on=self.last_verified_on.data,
            min_award_pence=self.min_award.data,
            max_award_pence=self.max_award.data,
            min_income_pence=self.min_income.data,
            max_income_pence=self.max_income.data,
            legal_forms=list(self.legal_forms.data or []),
            themes=[line.strip() for line in (self.themes.data or "").replace(";", "\n").splitlines()],
            ward_ids=list(self.ward_ids.data or []),
            contact=(self.contact.data or "").strip(),
            notes=(self.notes.data or "").strip(),
            source=(self.source.data or "").strip(),
            source_url=(self.source_url.data or "").strip(),
        )


# The largest id a database integer column holds: a larger number typed into a crafted request names no programme.
MAX_ID = 2**31 - 1


def _programme_id(value: Any) -> int | None:
    """The chosen programme's id, or None for anything that cannot be one."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


class AddProgrammeForm(BaseForm):
    # Any programme id is accepted here (not only the choices) so that the service can say why a closed or
    # duplicate one cannot be added.
    programme_id = SelectField(
        "Add a funder to the list", widget=GovSelect(), coerce=_programme_id, validate_choice=False
    )
    submit = SubmitField("Add funder", widget=GovSubmitInput())

    def __init__(self, *args: Any, choices: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Nothing chosen at first, so one click cannot add whichever programme happens to come first.
        self.programme_id.choices = [SelectChoice("", "Choose a funder")] + [
            SelectChoice(value, label) for value, label in choices
        ]

    def validate_programme_id(self, field: SelectField) -> None:
        if field.data is None:
            raise ValidationError("Choose a funder from the list")


class SendForm(BaseForm):
    note = TextAreaField(
        "A personal note to the group (optional)",
        widget=GovCharacterCount(),
        validators=[Length(max=MAX_NOTE, message=f"The note must be {MAX_NOTE:,} characters or fewer")],
        description="It comes first in the letter: what the panel liked, and anything to try before applying again.",
    )
    submit = SubmitField("Send the letter", widget=GovSubmitInput())
    save = SubmitField("Save the note", widget=GovSubmitInput())


class OutcomeForm(BaseForm):
    outcome = _one_of("What happened?", SignpostOutcome, "Select what happened")
    amount = PoundsField(
        "If the funder gave a grant, how much?",
        required=None,
        description="Leave empty if the funder did not give a grant",
    )
    note = _text("Anything else to tell us (optional)", MAX_NOTE, area=True)
    submit = SubmitField("Save", widget=GovSubmitInput())

    def chosen(self) -> SignpostOutcome:
        return SignpostOutcome(self.outcome.data)
