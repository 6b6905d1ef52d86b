"""Forms for starting an application, its eligibility questions and its task-list sections.

Whether an answer is needed depends on the button: "Save and come back later" keeps what was typed,
"Save and continue" needs every answer. Rules (word limits, dates) apply to both and are checked again
by the services."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, ClassVar

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovRadioInput,
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
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import AnyOf, InputRequired, Length, ValidationError

from grantsfund.applications import equality
from grantsfund.applications.models import Application, BudgetCategory, Community, FundingStatus
from grantsfund.applications.services import (
    CONFIRMATIONS,
    MAX_ACTIVITIES,
    MAX_BUDGET_LINES,
    MAX_FUNDING_SOURCES,
    MAX_OUTCOMES,
    MAX_PEOPLE,
    MAX_TARGET,
    WORD_LIMITS,
    ActivityAnswer,
    BudgetLineAnswer,
    FundingAnswer,
    OutcomeAnswer,
    ProjectWindow,
    Section,
    SectionAnswers,
    count_words,
)
from grantsfund.applications.submission import MAX_REASON
from grantsfund.common.fields import DayField, ParsedField, PoundsField, WholeNumberField
from grantsfund.common.forms import BaseForm, row_errors

MAX_CHARACTERS = 10_000  # far beyond any word limit: a paste of a whole document


class WordCount(GovCharacterCount):
    """GOV.UK's character count, counting words: live in the browser, checked on the server."""

    def __init__(self, maxwords: int) -> None:
        super().__init__()
        self.maxwords = maxwords

    def map_gov_params(self, field: Field, **kwargs: Any) -> dict[str, Any]:
        params: dict[str, Any] = super().map_gov_params(field, **kwargs)
        params["maxwords"] = self.maxwords
        return params


class WordLimit:
    def __init__(self, name: str) -> None:
        self.limit = WORD_LIMITS[name]

    def __call__(self, form: BaseForm, field: Field) -> None:
        words = count_words(field.data)
        if words > self.limit:
            raise ValidationError(f"{field.label.text} must be {self.limit} words or fewer (you have {words})")


def long_answer(label: str, name: str, **kwargs: Any) -> TextAreaField:
    return TextAreaField(
        label,
        widget=WordCount(WORD_LIMITS[name]),
        validators=[
            Length(max=MAX_CHARACTERS, message=f"{label} must be {MAX_CHARACTERS:,} characters or fewer"),
            WordLimit(name),
        ],
        **kwargs,
    )


# Starting --------------------------------------------------------------------------------------------------


class ChooseGroupForm(BaseForm):
    organisation_id = RadioField("Which group is this application for?", widget=GovRadioInput(), validate_choice=False)
    submit = SubmitField("Start an application", widget=GovSubmitInput())

    def __init__(self, *args: Any, groups: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = [SelectChoice(str(group.id), group.name) for group in groups]
        self._ids = {str(group.id) for group in groups}

    def validate_organisation_id(self, field: RadioField) -> None:
        if field.data not in self._ids:
            raise ValidationError("Select the group this application is for")

    def chosen_id(self) -> int:
        return int(self.organisation_id.data)


class EligibilityForm(BaseForm):
    answer = RadioField(
        "Question",
        widget=GovRadioInput(),
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
        validators=[AnyOf(["yes", "no"], message="Select yes or no")],
        validate_choice=False,
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def __init__(self, *args: Any, question: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.answer.label.text = question.text

    def answered_yes(self) -> bool:
        return bool(self.answer.data == "yes")


# Sections --------------------------------------------------------------------------------------------------


class SectionForm(BaseForm):
    """A task-list section: the version the person loaded, and the two GOV.UK buttons."""

    version = HiddenField()
    submit = SubmitField("Save and continue", widget=GovSubmitInput())
    save_later = SubmitField("Save and come back later", widget=GovSubmitInput())

    # Field name -> the message when "Save and continue" finds it empty.
    REQUIRED: dict[str, str] = {}

    @property
    def complete(self) -> bool:
        return not self.save_later.data

    def expected_version(self) -> int | None:
        text = str(self.version.data or "")
        return int(text) if text.isdecimal() and len(text) < 10 else None

    @classmethod
    def for_application(cls, application: Application, **context: Any) -> Any:
        """The form showing the section's saved answers."""
        return cls(data={**cls.saved(application), "version": str(application.version)}, **context)

    @staticmethod
    def saved(application: Application) -> dict[str, Any]:  # pragma: no cover - every section overrides it
        raise NotImplementedError

    def set_version(self, application: Application) -> None:
        self.version.raw_data = None
        self.version.data = str(application.version)

    def validate(self, extra_validators: Any = None) -> bool:
        valid: bool = super().validate(extra_validators)
        if self.complete:
            for name, message in self.REQUIRED.items():
                field = getattr(self, name)
                if not field.errors and field.data in (None, "", []):
                    field.errors = [*field.errors, message]
                    valid = False
        return valid

    def add_error(self, field_name: str | None, message: str) -> None:
        field = getattr(self, field_name, None) if field_name else None
        if not isinstance(field, Field) or isinstance(field, HiddenField):
            field = next(f for f in self if not isinstance(f, HiddenField))
        field.errors = [*field.errors, message]

    def answers(self) -> SectionAnswers:  # pragma: no cover - every section overrides it
        raise NotImplementedError


class AboutForm(SectionForm):
    title = StringField(
        "Project title",
        widget=GovTextInput(),
        validators=[Length(max=120, message="The project title must be 120 characters or fewer")],
        description="A short name for your project, like ‘Tuesday Welcome Café’.",
    )
    summary = long_answer(
        "Summary",
        "summary",
        description="What you will do, who with and what will change. We may publish this if you are funded.",
    )
    themes = SelectMultipleField("Themes", widget=GovCheckboxesInput(), validate_choice=False)
    start_date = DayField("Start date", required=None)
    end_date = DayField("End date", required=None)

    REQUIRED = {
        "title": "Enter a project title",
        "summary": "Enter a summary of your project",
        "themes": "Select at least one theme",
        "start_date": "Enter the start date",
        "end_date": "Enter the end date",
    }

    def __init__(self, *args: Any, themes: Sequence[Any] = (), window: ProjectWindow, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.themes.choices = [SelectChoice(str(theme.id), theme.name) for theme in themes]
        self._theme_ids = {str(theme.id) for theme in themes}
        self.themes.description = "Select every theme your project fits."
        self.start_date.description = f"For example, {window.earliest_start:%-d %-m %Y}."

    @staticmethod
    def saved(application: Application) -> dict[str, Any]:
        return {
            "title": application.title,
            "summary": application.summary,
            "themes": [str(theme.id) for theme in application.themes],
            "start_date": application.start_date,
            "end_date": application.end_date,
        }

    def validate_themes(self, field: SelectMultipleField) -> None:
        if not set(field.data or []) <= self._theme_ids:
            raise ValidationError("Select themes from the list")

    def answers(self) -> SectionAnswers:
        return SectionAnswers(
            title=self.title.data or None,
            summary=self.summary.data or None,
            theme_ids={int(value) for value in self.themes.data or []},
            start_date=self.start_date.data,
            end_date=self.end_date.data,
        )


class NeedForm(SectionForm):
    need = long_answer(
        "What is the local need for your project?",
        "need",
        description="Tell us what you have seen or heard, and any evidence: surveys, waiting lists, local data.",
    )
    community_involvement = long_answer(
        "How has the community shaped your project?",
        "community_involvement",
        description="Who you asked, how, and what changed because of what they told you.",
    )

    REQUIRED = {
        "need": "Enter the local need for your project",
        "community_involvement": "Enter how the community has shaped your project",
    }

    @staticmethod
    def saved(application: Application) -> dict[str, Any]:
        return {
            "need": application.need,
            "community_involvement": application.community_involvement,
        }

    def answers(self) -> SectionAnswers:
        return SectionAnswers(
            need=self.need.data or None, community_involvement=self.community_involvement.data or None
        )


class BenefitsForm(SectionForm):
    wards = SelectMultipleField(
        "Which wards will people come from?",
        widget=GovCheckboxesInput(),
        validate_choice=False,
        description="Select all that apply.",
    )
    communities = SelectMultipleField(
        "Which communities and groups will your project reach?",
        widget=GovCheckboxesInput(),
        choices=[SelectChoice(community.value, community.label) for community in Community],
        validate_choice=False,
        description="Select all that apply.",
    )
    estimated_people = WholeNumberField(
        "Roughly how many people will take part?",
        thing="the number of people",
        minimum=1,
        maximum=MAX_PEOPLE,
        optional=True,
        description="Count each person once, however many sessions they come to.",
    )
    mixing = long_answer(
        "How will people from different backgrounds mix?",
        "mixing",
        description="What will bring people together who might not otherwise meet.",
    )

    REQUIRED = {
        "wards": "Select at least one ward",
        "communities": "Select at least one community or group",
        "estimated_people": "Enter the number of people",
        "mixing": "Enter how people from different backgrounds will mix",
    }

    def __init__(self, *args: Any, wards: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.wards.choices = [SelectChoice(str(ward.id), ward.name) for ward in wards]
        self._ward_ids = {str(ward.id) for ward in wards}

    @staticmethod
    def saved(application: Application) -> dict[str, Any]:
        return {
            "wards": [str(ward.id) for ward in application.wards],
            "communities": list(application.communities or []),
            "estimated_people": application.estimated_people,
            "mixing": application.mixing,
        }

    def validate_wards(self, field: SelectMultipleField) -> None:
        if not set(field.data or []) <= self._ward_ids:
            raise ValidationError("Select wards from the list")

    def validate_communities(self, field: SelectMultipleField) -> None:
        if not set(field.data or []) <= {community.value for community in Community}:
            raise ValidationError("Select communities from the list")

    def answers(self) -> SectionAnswers:
        return SectionAnswers(
            ward_ids={int(value) for value in self.wards.data or []},
            communities=[Community(value) for value in self.communities.data or []],
            estimated_people=self.estimated_people.data,
            mixing=self.mixing.data or None,
        )


def _filled(field: Field) -> bool:
    if isinstance(field, ParsedField) and field.raw_data:
        return bool(field.text)
    return field.data not in (None, "")


class RowForm(Form):
    """One row of a list (an activity, a budget line): a row left empty is ignored; a row begun needs the
    answers in NEEDS, whose messages name the row by its number."""

    number = 1
    thing = "row"
    # Field name -> the message when a begun row lacks it; {thing} and {number} name the row.
    NEEDS: ClassVar[dict[str, str]] = {}

    def is_blank(self) -> bool:
        return not any(_filled(field) for field in self)

    def validate(self, extra_validators: Any = None) -> bool:
        super().validate(extra_validators)
        if not self.is_blank():
            for field in self:
                message = self.NEEDS.get(field.short_name, "").format(thing=self.thing, number=self.number)
                if isinstance(field, SelectField) and field.data and field.data not in _choice_values(field):
                    field.errors = [f"{message} from the list"]
                elif message and not field.errors and not _filled(field):
                    field.errors = [message]
        return not self.errors


def _choice_values(field: SelectField) -> set[str]:
    return {str(choice.value) for choice in field.choices or []}


EXTRA_ROWS = 3  # blank rows offered for new entries; without JavaScript, save to get more


def offer_rows(rows: FieldList, *, labels: dict[str, str], choices: dict[str, list[SelectChoice]]) -> None:
    """Add blank rows up to EXTRA_ROWS (within the list's maximum) and number each row's labels."""
    while len(rows.entries) < (rows.max_entries or 0) and sum(row.form.is_blank() for row in rows.entries) < EXTRA_ROWS:
        rows.append_entry()
    for number, row in enumerate(rows.entries, start=1):
        row.form.number = number
        for name, label in labels.items():
            row.form[name].label.text = label.format(number=number)
        for name, options in choices.items():
            row.form[name].choices = options


def _amount(label: str) -> PoundsField:
    return PoundsField(label, required=None, widget=GovTextInput(), description="In pounds and pence")


class ActivityRow(RowForm):
    month = SelectField("Month", widget=GovSelect(), validate_choice=False)
    description = StringField(
        "What will happen",
        widget=GovTextInput(),
        validators=[Length(max=300, message="Describe the activity in 300 characters or fewer")],
    )

    thing = "activity"
    NEEDS: ClassVar[dict[str, str]] = {
        "month": "Select the month of activity {number}",
        "description": "Enter what will happen in activity {number}",
    }


class ListSectionForm(SectionForm):
    """A section made of lists of rows."""

    # List name -> the message when "Save and continue" finds no rows filled in.
    REQUIRED_ROWS: ClassVar[dict[str, str]] = {}
    # List name -> the field of its first row where messages about the whole list are shown.
    LIST_ERRORS_AT: ClassVar[dict[str, str]] = {}

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.complete:
            for name, message in self.REQUIRED_ROWS.items():
                if all(row.form.is_blank() for row in self[name].entries):
                    row_errors(self[name], message)
                    valid = False
        return valid

    def add_error(self, field_name: str | None, message: str) -> None:
        if field_name is not None and isinstance(getattr(self, field_name, None), FieldList):
            row_errors(self[field_name], message, self.LIST_ERRORS_AT.get(field_name))
            return
        super().add_error(field_name, message)

    @staticmethod
    def filled(rows: FieldList) -> list[Any]:
        return [row.form for row in rows.entries if not row.form.is_blank()]


class ActivitiesForm(ListSectionForm):
    activities = FieldList(FormField(ActivityRow), min_entries=1, max_entries=MAX_ACTIVITIES)

    REQUIRED_ROWS: ClassVar[dict[str, str]] = {"activities": "Enter at least one activity"}

    def __init__(self, *args: Any, months: Sequence[date] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._months = {f"{month:%Y-%m}": month for month in months}
        options = [
            SelectChoice("", "Select a month"),
            *(SelectChoice(key, f"{month:%B %Y}") for key, month in self._months.items()),
        ]
        offer_rows(
            self.activities,
            labels={"month": "Month (activity {number})", "description": "What will happen (activity {number})"},
            choices={"month": options},
        )

    @staticmethod
    def saved(application: Application) -> dict[str, Any]:
        return {
            "activities": [
                {"month": f"{activity.month:%Y-%m}", "description": activity.description}
                for activity in application.activities
            ],
        }

    def answers(self) -> SectionAnswers:
        return SectionAnswers(
            activities=[
                ActivityAnswer(month=self._months[row.month.data], description=row.description.data)
                for row in self.filled(self.activities)
            ]
        )


# Budget and other money -------------------------------------------------------------------------------------


class BudgetRow(RowForm):
    item = StringField(
        "Item",
        widget=GovTextInput(),
        validators=[Length(max=200, message="Describe the item in 200 characters or fewer")],
    )
    category = SelectField("Category", widget=GovSelect(), validate_choice=False)
    amount = _amount("Amount")

    thing = "budget line"
    NEEDS: ClassVar[dict[str, str]] = {
        "item": "Enter the item of budget line {number}",
        "category": "Select the category of budget line {number}",
        "amount": "Enter the amount of budget line {number}",
    }


class FundingRow(RowForm):
    source = StringField(
        "Source",
        widget=GovTextInput(),
        validators=[Length(max=200, message="Name the source in 200 characters or fewer")],
    )
    amount = _amount("Amount")
    status = SelectField("Status", widget=GovSelect(), validate_choice=False)

    thing = "source"
    NEEDS: ClassVar[dict[str, str]] = {
        "source": "Enter where the money comes from for {thing} {number}",
        "amount": "Enter the amount of {thing} {number}",
        "status": "Select the status of {thing} {number}",
    }


CATEGORY_CHOICES = [SelectChoice("", "Select a category")] + [
    SelectChoice(category.value, category.label) for category in BudgetCategory
]
STATUS_CHOICES = [SelectChoice("", "Select a status")] + [
    SelectChoice(status.value, status.label) for status in FundingStatus
]


def _funding_rows(rows: FieldList, what: str) -> None:
    offer_rows(
        rows,
        labels={
            "source": f"Where the money comes from ({what} {{number}})",
            "amount": f"Amount ({what} {{number}})",
            "status": f"Status ({what} {{number}})",
        },
        choices={"status": STATUS_CHOICES},
    )


def _funding_data(lines: Sequence[Any]) -> list[dict[str, Any]]:
    return [{"source": line.source, "amount": line.amount_pence, "status": line.status.value} for line in lines]


def _funding_answers(rows: Sequence[Any]) -> list[FundingAnswer]:
    return [
        FundingAnswer(source=row.source.data, amount_pence=row.amount.data, status=FundingStatus(row.status.data))
        for row in rows
    ]


class BudgetForm(ListSectionForm):
    budget_lines = FieldList(FormField(BudgetRow), min_entries=1, max_entries=MAX_BUDGET_LINES)
    match_funding = FieldList(FormField(FundingRow), min_entries=1, max_entries=MAX_FUNDING_SOURCES)

    REQUIRED_ROWS: ClassVar[dict[str, str]] = {"budget_lines": "Enter at least one budget line"}
    LIST_ERRORS_AT: ClassVar[dict[str, str]] = {"budget_lines": "amount"}  # the total's limits

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_rows(
            self.budget_lines,
            labels={
                "item": "Item (budget line {number})",
                "category": "Category (budget line {number})",
                "amount": "Amount (budget line {number})",
            },
            choices={"category": CATEGORY_CHOICES},
        )
        for row in self.match_funding.entries:
            row.form.thing = "other source"
        _funding_rows(self.match_funding, "other source")

    @staticmethod
    def saved(application: Application) -> dict[str, Any]:
        return {
            "budget_lines": [
                {"item": line.item, "category": line.category.value, "amount": line.amount_pence}
                for line in application.budget_lines
            ],
            "match_funding": _funding_data(application.match_funding),
        }

    def answers(self) -> SectionAnswers:
        return SectionAnswers(
            budget_lines=[
                BudgetLineAnswer(
                    item=row.item.data, category=BudgetCategory(row.category.data), amount_pence=row.amount.data
                )
                for row in self.filled(self.budget_lines)
            ],
            match_funding=_funding_answers(self.filled(self.match_funding)),
        )


# Outcomes --------------------------------------------------------------------------------------------------


class OutcomeRow(RowForm):
    indicator = SelectField("Indicator", widget=GovSelect(), validate_choice=False)
    target = WholeNumberField("Target", thing="the target", minimum=1, maximum=MAX_TARGET, optional=True)
    unit = StringField(
        "Unit", widget=GovTextInput(), validators=[Length(max=40, message="Enter the unit in 40 characters or fewer")]
    )
    measurement = StringField(
        "How you will measure it",
        widget=GovTextInput(),
        validators=[Length(max=500, message="Say how you will measure it in 500 characters or fewer")],
    )

    thing = "outcome"
    NEEDS: ClassVar[dict[str, str]] = {
        "indicator": "Select the indicator of outcome {number}",
        "target": "Enter the target of outcome {number}",
        "measurement": "Enter how you will measure outcome {number}",
    }


class OutcomesForm(ListSectionForm):
    outcomes = FieldList(FormField(OutcomeRow), min_entries=1, max_entries=MAX_OUTCOMES)

    REQUIRED_ROWS: ClassVar[dict[str, str]] = {"outcomes": "Enter at least one outcome"}

    def __init__(self, *args: Any, indicators: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._units = {str(indicator.id): indicator.unit for indicator in indicators}
        offer_rows(
            self.outcomes,
            labels={
                "indicator": "Indicator (outcome {number})",
                "target": "Target (outcome {number})",
                "unit": "Unit (outcome {number})",
                "measurement": "How you will measure it (outcome {number})",
            },
            choices={
                "indicator": [
                    SelectChoice("", "Select an indicator"),
                    *(SelectChoice(str(indicator.id), indicator.label) for indicator in indicators),
                ]
            },
        )

    @staticmethod
    def saved(application: Application) -> dict[str, Any]:
        return {
            "outcomes": [
                {
                    "indicator": str(outcome.indicator_id),
                    "target": outcome.target,
                    "unit": outcome.unit,
                    "measurement": outcome.measurement,
                }
                for outcome in application.outcomes
            ],
        }

    def answers(self) -> SectionAnswers:
        return SectionAnswers(
            outcomes=[
                OutcomeAnswer(
                    indicator_id=int(row.indicator.data),
                    target=row.target.data,
                    # Left empty, the unit is the indicator's own ("people", "%").
                    unit=row.unit.data or self._units[row.indicator.data],
                    measurement=row.measurement.data,
                )
                for row in self.filled(self.outcomes)
            ]
        )


# Sustainability --------------------------------------------------------------------------------------------


class SustainabilityForm(ListSectionForm):
    continuation = long_answer(
        "How will the work continue after the grant ends?",
        "continuation",
        description="For example: volunteers who will run it, income from sessions, a partner taking it on.",
    )
    continuation_income = FieldList(FormField(FundingRow), min_entries=1, max_entries=MAX_FUNDING_SOURCES)
    continuation_fallback = long_answer(
        "What will happen if that income does not come through?",
        "continuation_fallback",
        description="What you would scale back, keep going, or do instead.",
    )

    REQUIRED = {
        "continuation": "Enter how the work will continue after the grant ends",
        "continuation_fallback": "Enter what will happen if that income does not come through",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in self.continuation_income.entries:
            row.form.thing = "income source"
        _funding_rows(self.continuation_income, "income source")

    @staticmethod
    def saved(application: Application) -> dict[str, Any]:
        return {
            "continuation": application.continuation,
            "continuation_income": _funding_data(application.continuation_income),
            "continuation_fallback": application.continuation_fallback,
        }

    def answers(self) -> SectionAnswers:
        return SectionAnswers(
            continuation=self.continuation.data or None,
            continuation_income=_funding_answers(self.filled(self.continuation_income)),
            continuation_fallback=self.continuation_fallback.data or None,
        )


# Attachments and declarations ------------------------------------------------------------------------------


class AttachmentsForm(SectionForm):
    """The documents come from the group's profile: the buttons confirm them for this application."""

    @staticmethod
    def saved(application: Application) -> dict[str, Any]:
        return {}

    def answers(self) -> SectionAnswers:
        return SectionAnswers()


class DeclarationsForm(SectionForm):
    declared_name = StringField(
        "Your full name",
        widget=GovTextInput(),
        validators=[Length(max=200, message="Your name must be 200 characters or fewer")],
    )
    declared_position = StringField(
        "Your position in the group",
        widget=GovTextInput(),
        validators=[Length(max=200, message="Your position must be 200 characters or fewer")],
        description="For example, chair, treasurer or project lead.",
    )
    confirmations = SelectMultipleField(
        "Declarations",
        widget=GovCheckboxesInput(),
        choices=[SelectChoice(key, text) for key, text in CONFIRMATIONS.items()],
        validate_choice=False,
        description="Select each statement to confirm it.",
    )

    REQUIRED = {
        "declared_name": "Enter your full name",
        "declared_position": "Enter your position in the group",
    }

    @staticmethod
    def saved(application: Application) -> dict[str, Any]:
        return {
            "declared_name": application.declared_name,
            "declared_position": application.declared_position,
            "confirmations": list(CONFIRMATIONS) if application.declared_at else [],
        }

    def validate_confirmations(self, field: SelectMultipleField) -> None:
        chosen = set(field.data or [])
        if not chosen <= set(CONFIRMATIONS):
            raise ValidationError("Select statements from the list")
        if self.complete and chosen != set(CONFIRMATIONS):
            raise ValidationError("Confirm all three statements to make the declaration")

    def answers(self) -> SectionAnswers:
        return SectionAnswers(
            declared_name=self.declared_name.data or None,
            declared_position=self.declared_position.data or None,
            confirmations=set(self.confirmations.data or []),
        )


SECTION_FORMS: dict[Section, type[SectionForm]] = {
    Section.ABOUT: AboutForm,
    Section.NEED: NeedForm,
    Section.BENEFITS: BenefitsForm,
    Section.ACTIVITIES: ActivitiesForm,
    Section.BUDGET: BudgetForm,
    Section.OUTCOMES: OutcomesForm,
    Section.SUSTAINABILITY: SustainabilityForm,
    Section.ATTACHMENTS: AttachmentsForm,
    Section.DECLARATIONS: DeclarationsForm,
}


# After submission ------------------------------------------------------------------------------------------


class WithdrawForm(BaseForm):
    reason = TextAreaField(
        "Why are you withdrawing this application?",
        widget=GovTextArea(),
        validators=[
            InputRequired("Enter why you are withdrawing the application"),
            Length(max=MAX_REASON, message=f"The reason must be {MAX_REASON:,} characters or fewer"),
        ],
        description="This helps us improve the fund. You cannot undo withdrawing.",
    )
    submit = SubmitField("Withdraw application", widget=GovSubmitInput())


class EqualityForm(BaseForm):
    led_by_communities = RadioField(
        equality.LED_BY_QUESTION,
        widget=GovRadioInput(),
        choices=[SelectChoice(key, text) for key, text in equality.LED_BY_ANSWERS.items()],
        validate_choice=False,
    )
    leadership = SelectMultipleField(
        equality.LEADERSHIP_QUESTION,
        widget=GovCheckboxesInput(),
        choices=[SelectChoice(key, text) for key, text in equality.LEADERSHIP_ANSWERS.items()],
        validate_choice=False,
        description="Select all that apply.",
    )
    submit = SubmitField("Save answers", widget=GovSubmitInput())

    def validate_led_by_communities(self, field: RadioField) -> None:
        if field.data and field.data not in equality.LED_BY_ANSWERS:
            raise ValidationError("Select an answer from the list")

    def validate_leadership(self, field: SelectMultipleField) -> None:
        problem = equality.leadership_problem(list(field.data or []))
        if problem:
            raise ValidationError(problem)

    def answers(self) -> dict[str, Any]:
        return {
            "led_by_communities": self.led_by_communities.data or None,
            "leadership": list(self.leadership.data or []),
        }
