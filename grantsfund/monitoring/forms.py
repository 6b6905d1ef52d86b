"""Forms for a monitoring return's sections, its evidence, and the officer's review.

Each section ends with GOV.UK's "Have you completed this section?". The forms read what was typed (numbers, pounds,
choices from lists); the rules for a section (what a completed one needs, when spending needs explaining) are the
service's, and its problems come back to the fields named here. Forms for outcomes, spending and activities are
built for the return: a field per target, per budget line or per planned activity, numbered from 1."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, ClassVar, cast

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from werkzeug.datastructures import FileStorage
from wtforms import (
    Field,
    FieldList,
    FileField,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import AnyOf, Length

from grantsfund.applications.forms import RowForm, offer_rows
from grantsfund.applications.models import Community
from grantsfund.common.fields import CountField, PoundsField
from grantsfund.common.forms import BaseForm, row_errors
from grantsfund.monitoring import returns, sections
from grantsfund.monitoring.models import Delivery, MonitoringReturn, ReturnSection
from grantsfund.monitoring.outcomes import PERCENT

YES, NO = "yes", "no"
UNKNOWN_WARD = "unknown"
CONSENTED = "yes"


def _length(most: int, label: str) -> Length:
    return Length(max=most, message=f"{label} must be {most:,} characters or fewer")


def _text_area(label: str, *, most: int = sections.MAX_TEXT, **kwargs: Any) -> TextAreaField:
    return TextAreaField(label, widget=GovTextArea(), validators=[_length(most, label)], **kwargs)


def _subclass(base: type[SectionForm], name: str, fields: dict[str, Any]) -> type[SectionForm]:
    """A form class made for one return: its fields per target, budget line or activity."""
    return cast("type[SectionForm]", type(name, (base,), fields))


# A problem about one row of a list names it by its place among the rows filled in, as the answers list them:
# "beneficiaries-1-community" is the second row filled in.
_ROW_FIELD = re.compile(r"(\w+)-(\d{1,4})-(\w+)", flags=re.ASCII)


def _row_problem(form: BaseForm, field_name: str, message: str) -> bool:
    """Show a problem about a list, or about one of its rows, at that row; False if the name is not a list's."""
    found = _ROW_FIELD.fullmatch(field_name)
    list_name, place, row_field = (found[1], int(found[2]), found[3]) if found else (field_name, 0, None)
    rows = getattr(form, list_name, None)
    if not isinstance(rows, FieldList):
        return False
    filled = [index for index, entry in enumerate(rows.entries) if not entry.form.is_blank()]
    index = filled[place] if place < len(filled) else 0
    row_errors(rows, message, row_field if row_field in rows.entries[index].form else None, index=index)
    return True


class SectionForm(BaseForm):
    """A section of the return: its fields, "Have you completed this section?" and the button."""

    completed = RadioField(
        "Have you completed this section?",
        widget=GovRadioInput(),
        choices=[SelectChoice(YES, "Yes"), SelectChoice(NO, "No, I’ll come back to it later")],
        validators=[AnyOf([YES, NO], message="Select yes if you have completed this section")],
        validate_choice=False,
    )
    submit = SubmitField("Save and continue", widget=GovSubmitInput())
    # The return's version when the page was shown: a save from an older page is refused.
    version = HiddenField()

    section: ClassVar[ReturnSection]

    @classmethod
    def build(cls, ret: MonitoringReturn, *, prefill: bool) -> SectionForm:
        """The form for this return: the saved answers on a first visit, else what was posted."""
        data = {
            **cls.saved(ret),
            "completed": YES if returns.is_completed(ret, cls.section) else None,
            "version": str(ret.version),
        }
        return cls(data=data) if prefill else cls()

    def expected_version(self) -> int | None:
        """The version the page showed (None if the post did not come from the page, and so carries none)."""
        text = str(self.version.data or "")
        return int(text) if text.isdecimal() and len(text) < 10 else None

    def set_version(self, ret: MonitoringReturn) -> None:
        """Show the return's version now, so that saving again (after checking) is accepted."""
        self.version.raw_data = None
        self.version.data = str(ret.version)

    @classmethod
    def saved(cls, ret: MonitoringReturn) -> dict[str, Any]:
        return {}

    def is_completed(self) -> bool:
        return bool(self.completed.data == YES)

    def answers(self) -> returns.SectionAnswers:
        return None

    def add_error(self, field_name: str | None, message: str) -> None:
        if field_name and _row_problem(self, field_name, message):
            return
        field = getattr(self, field_name, None) if field_name else None
        if not isinstance(field, Field) or isinstance(field, HiddenField):
            field = next(field for field in self if not isinstance(field, HiddenField))
        field.errors = [*field.errors, message]


def _text_section(section: ReturnSection, name: str, label: str, description: str) -> type[SectionForm]:
    """A section that is one long answer."""

    def saved(cls: type[SectionForm], ret: MonitoringReturn) -> dict[str, Any]:
        return {name: returns.current_answers(ret, section)}

    def answers(self: SectionForm) -> returns.SectionAnswers:
        return str(self[name].data or "")

    fields = {
        name: _text_area(label, description=description),
        "section": section,
        "saved": classmethod(saved),
        "answers": answers,
    }
    return type(f"{section.name.title()}Form", (SectionForm,), fields)


ProgressForm = _text_section(
    ReturnSection.PROGRESS,
    "progress",
    "How has the project gone in this period?",
    "What you did, what went well and what was hard. A few short paragraphs is enough.",
)
RisksForm = _text_section(
    ReturnSection.RISKS,
    "risks",
    "Are there any risks or problems we should know about?",
    "For example, a volunteer leaving, a venue closing or costs going up, and what you are doing about it."
    " If there are none, write ‘None’.",
)
SustainabilityForm = _text_section(
    ReturnSection.SUSTAINABILITY,
    "sustainability_progress",
    "How are you getting on with keeping the work going after the grant?",
    "For example, other funding you have applied for or secured, new volunteers, or income from the project.",
)


# Activities ----------------------------------------------------------------------------------------------------


class AddedActivityRow(RowForm):
    description = StringField(
        "What did you do?", widget=GovTextInput(), validators=[_length(sections.MAX_DESCRIPTION, "What you did")]
    )
    comment = StringField(
        "How did it go?", widget=GovTextInput(), validators=[_length(sections.MAX_COMMENT, "How it went")]
    )

    thing = "other activity"
    NEEDS: ClassVar[dict[str, str]] = {"description": "Say what you did in other activity {number}"}


class ActivitiesForm(SectionForm):
    section = ReturnSection.ACTIVITIES
    added = FieldList(FormField(AddedActivityRow), min_entries=1, max_entries=sections.MAX_ADDED_ACTIVITIES)
    planned: ClassVar[list[dict[str, Any]]] = []

    @classmethod
    def for_return(cls, ret: MonitoringReturn, *, prefill: bool) -> SectionForm:
        planned = [entry for entry in ret.activities if not entry.get("added")]
        fields: dict[str, Any] = {"planned": planned}
        for number, _entry in enumerate(planned, start=1):
            fields[f"delivery_{number}"] = RadioField(
                f"How much of it did you do? (activity {number})",
                widget=GovRadioInput(),
                choices=[SelectChoice(item.value, item.label) for item in Delivery],
                validate_choice=False,
            )
            fields[f"activity_comment_{number}"] = _text_area(
                f"Comment (activity {number})",
                most=sections.MAX_COMMENT,
                description="If you did not do all of it, say why.",
            )
        return _subclass(cls, "ReturnActivitiesForm", fields).build(ret, prefill=prefill)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_rows(
            self.added,
            labels={
                "description": "What did you do? (other activity {number})",
                "comment": "How did it go? (other activity {number})",
            },
            choices={},
        )

    @classmethod
    def saved(cls, ret: MonitoringReturn) -> dict[str, Any]:
        current: returns.Activities = returns.current_answers(ret, ReturnSection.ACTIVITIES)
        data: dict[str, Any] = {
            "added": [{"description": item.description, "comment": item.comment} for item in current.added]
        }
        for number, answer in enumerate(current.planned, start=1):
            data[f"delivery_{number}"] = answer.delivery.value if answer.delivery else None
            data[f"activity_comment_{number}"] = answer.comment
        return data

    def rows(self) -> list[tuple[str, str, Field, Field]]:
        """Each planned activity: what it was, its month, and the two fields about it."""
        return [
            (
                entry["planned"],
                f"{date.fromisoformat(entry['month']):%B %Y}",
                self[f"delivery_{number}"],
                self[f"activity_comment_{number}"],
            )
            for number, entry in enumerate(self.planned, start=1)
        ]

    def validate(self, extra_validators: Any = None) -> bool:
        valid: bool = super().validate(extra_validators)
        for _planned, _month, delivery, _comment in self.rows():
            if delivery.data and delivery.data not in {item.value for item in Delivery}:
                delivery.errors = [*delivery.errors, "Select how much of the activity you did"]
                valid = False
        return valid

    def answers(self) -> returns.SectionAnswers:
        return returns.Activities(
            planned=[
                returns.PlannedActivity(Delivery(delivery.data) if delivery.data else None, str(comment.data or ""))
                for _planned, _month, delivery, comment in self.rows()
            ],
            added=[
                returns.AddedActivity(str(row.form.description.data or ""), str(row.form.comment.data or ""))
                for row in self.added.entries
                if not row.form.is_blank()
            ],
        )


# People who took part ------------------------------------------------------------------------------------------


class BeneficiaryRow(RowForm):
    community = SelectField("Community or group", widget=GovSelect(), validate_choice=False)
    ward = SelectField("Ward", widget=GovSelect(), validate_choice=False)
    people = CountField(
        "Number of people",
        thing="the number of people",
        minimum=0,
        maximum=sections.MAX_PEOPLE,
        optional=True,
    )

    thing = "row"
    NEEDS: ClassVar[dict[str, str]] = {
        "community": "Select the community or group in row {number}",
        "ward": "Select the ward in row {number}",
        "people": "Enter the number of people in row {number}",
    }


class BeneficiariesForm(SectionForm):
    section = ReturnSection.BENEFICIARIES
    beneficiaries = FieldList(FormField(BeneficiaryRow), min_entries=1, max_entries=sections.MAX_BENEFICIARY_ROWS)

    @classmethod
    def for_return(cls, ret: MonitoringReturn, *, prefill: bool) -> SectionForm:
        wards = [SelectChoice(str(ward.id), ward.name) for ward in returns.wards_for(ret)]
        return _subclass(cls, "ReturnBeneficiariesForm", {"ward_choices": wards}).build(ret, prefill=prefill)

    ward_choices: ClassVar[list[SelectChoice]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_rows(
            self.beneficiaries,
            labels={
                "community": "Community or group (row {number})",
                "ward": "Ward (row {number})",
                "people": "Number of people (row {number})",
            },
            choices={
                "community": [
                    SelectChoice("", "Select a community or group"),
                    *(SelectChoice(item.value, item.label) for item in Community),
                ],
                "ward": [
                    SelectChoice("", "Select a ward"),
                    *self.ward_choices,
                    SelectChoice(UNKNOWN_WARD, returns.WARD_NOT_KNOWN),
                ],
            },
        )
        for row in self.beneficiaries.entries:
            people = row.form.people
            people.thing = f"the number of people in row {row.form.number}"
            if people.raw_data:
                people.process_formdata(people.raw_data)  # read again: its message was worded before it had a row

    @classmethod
    def saved(cls, ret: MonitoringReturn) -> dict[str, Any]:
        current: list[returns.Beneficiaries] = returns.current_answers(ret, ReturnSection.BENEFICIARIES)
        return {
            "beneficiaries": [
                {
                    "community": row.community.value,
                    "ward": str(row.ward_id) if row.ward_id is not None else UNKNOWN_WARD,
                    "people": row.people,
                }
                for row in current
            ]
        }

    def answers(self) -> returns.SectionAnswers:
        return [
            returns.Beneficiaries(
                community=Community(row.form.community.data),
                ward_id=None if row.form.ward.data == UNKNOWN_WARD else int(row.form.ward.data),
                people=row.form.people.data,
            )
            for row in self.beneficiaries.entries
            if not row.form.is_blank()
        ]


# Outcomes and spending -----------------------------------------------------------------------------------------


class OutcomesForm(SectionForm):
    section = ReturnSection.OUTCOMES
    outcomes: ClassVar[list[Any]] = []

    @classmethod
    def for_return(cls, ret: MonitoringReturn, *, prefill: bool) -> SectionForm:
        fields: dict[str, Any] = {"outcomes": list(ret.outcomes)}
        for number, outcome in enumerate(ret.outcomes, start=1):
            percent = outcome.indicator.unit == PERCENT
            measure = outcome.indicator.measure
            fields[f"actual_{number}"] = CountField(
                f"{'Percentage at the end of this period' if percent else 'Number in this period'} ({measure})",
                thing=f"{'the percentage' if percent else 'the number'} for ‘{measure}’",
                minimum=0,
                maximum=100 if percent else sections.MAX_ACTUAL,
                optional=True,
            )
            fields[f"outcome_comment_{number}"] = _text_area(
                f"Comment (optional) ({outcome.indicator.measure})", most=sections.MAX_COMMENT
            )
        return _subclass(cls, "ReturnOutcomesForm", fields).build(ret, prefill=prefill)

    @classmethod
    def saved(cls, ret: MonitoringReturn) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for number, answer in enumerate(returns.current_answers(ret, ReturnSection.OUTCOMES), start=1):
            data[f"actual_{number}"] = answer.actual
            data[f"outcome_comment_{number}"] = answer.comment
        return data

    def rows(self) -> list[tuple[Any, Field, Field]]:
        return [
            (outcome, self[f"actual_{number}"], self[f"outcome_comment_{number}"])
            for number, outcome in enumerate(self.outcomes, start=1)
        ]

    def answers(self) -> returns.SectionAnswers:
        return [
            returns.OutcomeActual(actual.data, str(comment.data or "")) for _outcome, actual, comment in self.rows()
        ]


class SpendForm(SectionForm):
    section = ReturnSection.SPEND
    lines: ClassVar[list[Any]] = []

    @classmethod
    def for_return(cls, ret: MonitoringReturn, *, prefill: bool) -> SectionForm:
        fields: dict[str, Any] = {"lines": list(ret.spend)}
        for number, line in enumerate(ret.spend, start=1):
            fields[f"spent_{number}"] = PoundsField(
                f"Spent so far ({line.item})",
                required=None,
                thing=f"the amount spent on {line.item}",
                maximum=sections.MAX_SPENT_PENCE,
                widget=GovTextInput(),
                description="Everything spent on this since the grant started, in pounds and pence",
            )
            fields[f"explanation_{number}"] = _text_area(
                f"Why is it different from the plan? ({line.item})", most=sections.MAX_COMMENT
            )
        return _subclass(cls, "ReturnSpendForm", fields).build(ret, prefill=prefill)

    @classmethod
    def saved(cls, ret: MonitoringReturn) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for number, answer in enumerate(returns.current_answers(ret, ReturnSection.SPEND), start=1):
            data[f"spent_{number}"] = answer.spent_pence
            data[f"explanation_{number}"] = answer.explanation
        return data

    def rows(self) -> list[tuple[Any, Field, Field]]:
        return [
            (line, self[f"spent_{number}"], self[f"explanation_{number}"])
            for number, line in enumerate(self.lines, start=1)
        ]

    def answers(self) -> returns.SectionAnswers:
        return [returns.Spent(spent.data, str(explanation.data or "")) for _line, spent, explanation in self.rows()]


# The story -----------------------------------------------------------------------------------------------------


class StoryForm(SectionForm):
    section = ReturnSection.STORY
    story_title = StringField("Title", widget=GovTextInput(), validators=[_length(sections.MAX_TITLE, "The title")])
    story = _text_area(
        "The story",
        description="What happened to one person or family, in their words if you can. Use a first name only, or"
        " change the name.",
    )
    story_consent = SelectMultipleField(
        "Consent",
        widget=GovCheckboxesInput(),
        choices=[
            SelectChoice(
                CONSENTED,
                "The people in the story agreed that the council may use it in its reports and publicity",
            )
        ],
        validate_choice=False,
    )
    story_consent_note = StringField(
        "How and when did they agree?",
        widget=GovTextInput(),
        validators=[_length(sections.MAX_CONSENT_NOTE, "How they agreed")],
        description="For example, a signed consent form on 3 March.",
    )

    @classmethod
    def saved(cls, ret: MonitoringReturn) -> dict[str, Any]:
        story: returns.Story = returns.current_answers(ret, ReturnSection.STORY)
        return {
            "story_title": story.title,
            "story": story.story,
            "story_consent": [CONSENTED] if story.consent else [],
            "story_consent_note": story.consent_note,
        }

    def validate_story_consent(self, field: SelectMultipleField) -> None:
        if not set(field.data or []) <= {CONSENTED}:
            raise ValidationError("Confirm that the people in the story agreed to the council using it")

    def answers(self) -> returns.SectionAnswers:
        return returns.Story(
            title=str(self.story_title.data or ""),
            story=str(self.story.data or ""),
            consent=CONSENTED in (self.story_consent.data or []),
            consent_note=str(self.story_consent_note.data or ""),
        )


class EvidenceDoneForm(SectionForm):
    """The evidence page's own question: the files are added and removed one at a time."""

    section = ReturnSection.EVIDENCE


class EvidenceForm(BaseForm):
    description = StringField(
        "What does the file show?",
        widget=GovTextInput(),
        validators=[_length(returns.MAX_EVIDENCE_DESCRIPTION, "The description")],
        description="For example, photos from the summer trip, or the attendance register for March.",
    )
    file = FileField(
        "Upload a file",
        widget=GovFileInput(),
        description="A PDF, Word document (DOCX), OpenDocument text (ODT), Excel spreadsheet (XLSX), JPEG or PNG.",
    )
    upload = SubmitField("Upload file", widget=GovSubmitInput())

    def validate_description(self, field: StringField) -> None:
        if not (field.data or "").strip():
            raise ValidationError("Say what the file shows")

    def validate_file(self, field: Field) -> None:
        if not isinstance(field.data, FileStorage) or not field.data.filename:
            raise ValidationError("Select a file")


SECTION_FORMS: dict[ReturnSection, Any] = {
    ReturnSection.PROGRESS: ProgressForm,
    ReturnSection.ACTIVITIES: ActivitiesForm,
    ReturnSection.BENEFICIARIES: BeneficiariesForm,
    ReturnSection.OUTCOMES: OutcomesForm,
    ReturnSection.SPEND: SpendForm,
    ReturnSection.STORY: StoryForm,
    ReturnSection.RISKS: RisksForm,
    ReturnSection.SUSTAINABILITY: SustainabilityForm,
}


def section_form(section: ReturnSection, ret: MonitoringReturn, *, prefill: bool) -> SectionForm:
    form_class = SECTION_FORMS[section]
    builder = getattr(form_class, "for_return", None)
    return builder(ret, prefill=prefill) if builder else form_class.build(ret, prefill=prefill)  # type: ignore[no-any-return]


# The officer's review ------------------------------------------------------------------------------------------

ACCEPT, CHANGES = "accept", "changes"


class ReviewForm(BaseForm):
    decision = RadioField(
        "What is your decision?",
        widget=GovRadioInput(),
        choices=[
            SelectChoice(ACCEPT, "Accept the return: payments waiting for it are released"),
            SelectChoice(CHANGES, "Ask the group for changes: they change it and send it again"),
        ],
        validators=[AnyOf([ACCEPT, CHANGES], message="Select whether to accept the return or ask for changes")],
        validate_choice=False,
    )
    note = _text_area(
        "A note to the group (optional)",
        most=sections.MAX_COMMENT,
        description="It goes in the email the group gets, with your comments on each section.",
    )
    submit = SubmitField("Send your decision", widget=GovSubmitInput())

    def comment_fields(self) -> list[tuple[ReturnSection, Field]]:
        return [(section, self[f"comment_{section.value}"]) for section in ReturnSection]

    def comments(self) -> dict[ReturnSection, str]:
        return {section: str(field.data or "") for section, field in self.comment_fields() if field.data}

    def accepting(self) -> bool:
        return bool(self.decision.data == ACCEPT)

    def validate(self, extra_validators: Any = None) -> bool:
        valid: bool = super().validate(extra_validators)
        if self.decision.data == ACCEPT and any(
            (field.data or "").strip() for _section, field in self.comment_fields()
        ):
            self.decision.errors = [
                *self.decision.errors,
                "To accept the return, leave the comments on sections empty (use the note), or ask for changes",
            ]
            valid = False
        return valid


for _section in ReturnSection:
    setattr(
        ReviewForm,
        f"comment_{_section.value}",
        _text_area(f"Comment on ‘{_section.heading}’ (optional)", most=sections.MAX_COMMENT),
    )
