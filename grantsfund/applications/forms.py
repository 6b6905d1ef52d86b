"""Forms for starting an application, its eligibility questions and its task-list sections.

Whether an answer is needed depends on the button: "Save and come back later" keeps what was typed,
"Save and continue" needs every answer. Rules (word limits, dates) apply to both and are checked again
by the services."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
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
from wtforms.validators import AnyOf, Length, ValidationError

from grantsfund.applications.models import Application, Community
from grantsfund.applications.services import (
    MAX_ACTIVITIES,
    MAX_PEOPLE,
    WORD_LIMITS,
    ActivityAnswer,
    ProjectWindow,
    SectionAnswers,
    count_words,
)
from grantsfund.common.fields import DayField, WholeNumberField
from grantsfund.common.forms import BaseForm

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
        return int(text) if text.isdigit() and len(text) < 10 else None

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

    @classmethod
    def for_application(cls, application: Application, *, window: ProjectWindow) -> AboutForm:
        return cls(
            themes=application.round.themes,
            window=window,
            data={
                "title": application.title,
                "summary": application.summary,
                "themes": [str(theme.id) for theme in application.themes],
                "start_date": application.start_date,
                "end_date": application.end_date,
                "version": str(application.version),
            },
        )

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

    @classmethod
    def for_application(cls, application: Application) -> NeedForm:
        return cls(
            data={
                "need": application.need,
                "community_involvement": application.community_involvement,
                "version": str(application.version),
            }
        )

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

    @classmethod
    def for_application(cls, application: Application, *, wards: Sequence[Any]) -> BenefitsForm:
        return cls(
            wards=wards,
            data={
                "wards": [str(ward.id) for ward in application.wards],
                "communities": list(application.communities or []),
                "estimated_people": application.estimated_people,
                "mixing": application.mixing,
                "version": str(application.version),
            },
        )

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


class ActivityRow(Form):
    month = SelectField("Month", widget=GovSelect(), validate_choice=False)
    description = StringField(
        "What will happen",
        widget=GovTextInput(),
        validators=[Length(max=300, message="Describe the activity in 300 characters or fewer")],
    )

    number = 1
    months: dict[str, date] = {}  # noqa: RUF012  (set per row by ActivitiesForm)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        month, description = self.month, self.description
        if month.data and month.data not in self.months:
            month.errors = [*month.errors, f"Select the month of activity {self.number} from the list"]
        elif description.data and not month.data:
            month.errors = [*month.errors, f"Select the month of activity {self.number}"]
        elif month.data and not description.data:
            description.errors = [*description.errors, f"Enter what will happen in activity {self.number}"]
        return valid and not self.errors


EXTRA_ROWS = 3  # blank rows offered for new activities; without JavaScript, save to get more


class ActivitiesForm(SectionForm):
    activities = FieldList(FormField(ActivityRow), min_entries=1, max_entries=MAX_ACTIVITIES)

    def __init__(self, *args: Any, months: Sequence[date] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._months = {f"{month:%Y-%m}": month for month in months}
        choices = [
            SelectChoice("", "Select a month"),
            *(SelectChoice(key, f"{month:%B %Y}") for key, month in self._months.items()),
        ]
        while len(self.activities.entries) < MAX_ACTIVITIES and self._blank_rows() < EXTRA_ROWS:
            self.activities.append_entry()
        for number, row in enumerate(self.activities.entries, start=1):
            row.form.number, row.form.months = number, self._months
            row.form.month.choices = choices
            row.form.month.label.text = f"Month of activity {number}"
            row.form.description.label.text = f"What will happen in activity {number}"

    def _blank_rows(self) -> int:
        return sum(1 for row in self.activities.entries if not row.form.month.data and not row.form.description.data)

    @classmethod
    def for_application(cls, application: Application, *, months: Sequence[date]) -> ActivitiesForm:
        return cls(
            months=months,
            data={
                "activities": [
                    {"month": f"{activity.month:%Y-%m}", "description": activity.description}
                    for activity in application.activities
                ],
                "version": str(application.version),
            },
        )

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.complete and not self.answers().activities:
            self.add_error("activities", "Enter at least one activity")
            valid = False
        return valid

    def add_error(self, field_name: str | None, message: str) -> None:
        if field_name == "activities":
            first = self.activities.entries[0].form.description
            first.errors = [*first.errors, message]
            self.activities.errors = [row.errors for row in self.activities.entries]
            return
        super().add_error(field_name, message)

    def answers(self) -> SectionAnswers:
        rows = [
            ActivityAnswer(month=self._months[row.form.month.data], description=row.form.description.data)
            for row in self.activities.entries
            if row.form.month.data in self._months and row.form.description.data
        ]
        return SectionAnswers(activities=rows)
