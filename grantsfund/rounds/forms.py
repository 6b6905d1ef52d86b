"""Forms for setting up funds, rounds, themes and the indicator library. Money is typed in pounds and leaves
as pence; dates and times are typed in UK time and leave as UTC."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectChoice, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length, ValidationError

from grantsfund.common.dates import london_to_utc, to_london
from grantsfund.common.fields import DayField, PoundsField, TimeOfDayField, WholeNumberField, check_real_time
from grantsfund.common.forms import BaseForm
from grantsfund.organisations.models import DocumentKind, LegalForm
from grantsfund.rounds.library import INDICATOR_HEADINGS, INDICATOR_UNITS
from grantsfund.rounds.models import SCORES
from grantsfund.rounds.services import (
    MAX_ASSESSORS,
    CriterionDetails,
    RoundDetails,
)

YES_NO = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]


def _choose(message: str, *values: str) -> AnyOf:
    """A radio answer that must be one of the options; a missing or made-up one gets the same message."""
    return AnyOf(list(values), message=message)


def _required_text(label: str, message: str, *, max_length: int, textarea: bool = False, **kwargs: Any) -> Any:
    field_class = TextAreaField if textarea else StringField
    return field_class(
        label,
        widget=GovTextArea() if textarea else GovTextInput(),
        validators=[
            InputRequired(message),
            Length(max=max_length, message=f"{label} must be {max_length:,} characters or fewer"),
        ],
        **kwargs,
    )


def _optional_text(label: str, *, max_length: int, **kwargs: Any) -> TextAreaField:
    return TextAreaField(
        label,
        widget=GovTextArea(),
        validators=[Length(max=max_length, message=f"{label} must be {max_length:,} characters or fewer")],
        **kwargs,
    )


# Funds -----------------------------------------------------------------------------------------------------


class FundForm(BaseForm):
    name = _required_text("Fund name", "Enter the name of the fund", max_length=200)
    description = _optional_text(
        "Description", max_length=5000, description="What the fund is for. Shown to staff only."
    )
    submit = SubmitField("Save fund", widget=GovSubmitInput())


# Rounds ----------------------------------------------------------------------------------------------------


class NewRoundForm(BaseForm):
    name = _required_text(
        "Round name", "Enter the name of the round", max_length=200, description="For example, Communities Fund 2026/27"
    )
    description = _optional_text(
        "Guidance for applicants",
        max_length=20000,
        description="What the round is for and how to apply. Shown on the public ‘Funding available’ page.",
    )
    submit = SubmitField("Create round", widget=GovSubmitInput())


class CopyRoundForm(BaseForm):
    source = RadioField(
        "Which round do you want to copy?",
        widget=GovRadioInput(),
        validators=[InputRequired("Select the round to copy")],
        validate_choice=False,
    )
    name = _required_text(
        "Name of the new round",
        "Enter the name of the new round",
        max_length=200,
        description="For example, Communities Fund 2027/28",
    )
    submit = SubmitField("Copy round", widget=GovSubmitInput())

    def __init__(self, *args: Any, rounds: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source.choices = [SelectChoice(str(r.id), r.name) for r in rounds]
        self._round_ids = {str(r.id) for r in rounds}

    def validate_source(self, field: RadioField) -> None:
        if field.data not in self._round_ids:
            raise ValidationError("Select the round to copy")

    def source_id(self) -> int:
        return int(self.source.data)


class RoundDetailsForm(BaseForm):
    name = _required_text("Round name", "Enter the name of the round", max_length=200)
    description = _optional_text(
        "Guidance for applicants",
        max_length=20000,
        description="What the round is for and how to apply. Shown on the public ‘Funding available’ page.",
    )
    opens_date = DayField(
        "Date the round opens", required="Enter the date the round opens", description="For example, 1 4 2026"
    )
    opens_time = TimeOfDayField(
        "Time the round opens", required="Enter the time the round opens", description="UK time, for example 9am"
    )
    closes_date = DayField(
        "Date the round closes", required="Enter the date the round closes", description="For example, 5 6 2026"
    )
    closes_time = TimeOfDayField(
        "Time the round closes",
        required="Enter the time the round closes",
        description="UK time, for example 11:45pm. Bids must be submitted before this time.",
    )
    budget = PoundsField(
        "Total budget", required="Enter the total budget", description="In pounds, for example 300,000"
    )
    minimum_grant = PoundsField("Minimum grant", required="Enter the minimum grant", description="In pounds")
    maximum_grant = PoundsField("Maximum grant", required="Enter the maximum grant", description="In pounds")
    assessors_per_bid = WholeNumberField(
        "Assessors for each bid",
        thing="the number of assessors for each bid",
        minimum=1,
        maximum=MAX_ASSESSORS,
        description=f"Between 1 and {MAX_ASSESSORS}",
    )
    moderation_spread = WholeNumberField(
        "Moderation spread",
        thing="the moderation spread",
        minimum=1,
        maximum=max(SCORES),
        description="If assessors’ scores for a criterion differ by this many points or more, the bid is moderated",
    )
    essential_threshold = WholeNumberField(
        "Pass mark for essential criteria",
        thing="the pass mark for essential criteria",
        minimum=1,
        maximum=max(SCORES),
        description="A score below this on an essential criterion flags the bid for the panel",
    )
    panel_date = DayField("Panel date (optional)", required=None, description="For example, 15 7 2026")
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    def validate_opens_time(self, field: TimeOfDayField) -> None:
        check_real_time(self.opens_date.data, field.data)

    def validate_closes_time(self, field: TimeOfDayField) -> None:
        check_real_time(self.closes_date.data, field.data)

    @classmethod
    def for_round(cls, round_: Any, **kwargs: Any) -> RoundDetailsForm:
        """The form filled with the round as it is, in UK time."""
        data: dict[str, Any] = {
            "name": round_.name,
            "description": round_.description,
            "budget": round_.budget_pence,
            "minimum_grant": round_.minimum_grant_pence,
            "maximum_grant": round_.maximum_grant_pence,
            "assessors_per_bid": round_.assessors_per_bid,
            "moderation_spread": round_.moderation_spread,
            "essential_threshold": round_.essential_threshold,
            "panel_date": round_.panel_date,
        }
        for prefix, moment in (("opens", round_.opens_at), ("closes", round_.closes_at)):
            if moment is not None:
                local: datetime = to_london(moment)
                data[f"{prefix}_date"] = local.date()
                data[f"{prefix}_time"] = local.time().replace(second=0, microsecond=0)
        return cls(data=data, **kwargs)

    def details(self) -> RoundDetails:
        return RoundDetails(
            name=self.name.data,
            description=self.description.data or "",
            opens_at=london_to_utc(self.opens_date.data, self.opens_time.data),
            closes_at=london_to_utc(self.closes_date.data, self.closes_time.data),
            budget_pence=self.budget.data,
            minimum_grant_pence=self.minimum_grant.data,
            maximum_grant_pence=self.maximum_grant.data,
            assessors_per_bid=self.assessors_per_bid.data,
            moderation_spread=self.moderation_spread.data,
            essential_threshold=self.essential_threshold.data,
            panel_date=self.panel_date.data,
        )


def legal_form_choices() -> list[SelectChoice]:
    return [SelectChoice(form.value, form.label) for form in LegalForm]


class ThemesForm(BaseForm):
    themes = SelectMultipleField(
        "Themes",
        widget=GovCheckboxesInput(),
        validators=[InputRequired("Select at least one theme")],
        validate_choice=False,
        description="Select all the themes this round funds.",
    )
    legal_forms = SelectMultipleField(
        "Who can apply",
        widget=GovCheckboxesInput(),
        choices=legal_form_choices,
        validators=[InputRequired("Select at least one kind of organisation that can apply")],
        validate_choice=False,
        description="Select every kind of organisation that can apply.",
    )
    documents = SelectMultipleField(
        "Documents groups must attach",
        widget=GovCheckboxesInput(),
        choices=[SelectChoice(kind.value, kind.label) for kind in DocumentKind],
        validate_choice=False,
        description="Groups attach these from their profile, where they are kept up to date. Select none to ask "
        "for no documents.",
    )
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    def __init__(self, *args: Any, themes: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.themes.choices = [SelectChoice(str(t.id), t.name) for t in themes]
        self._theme_ids = {str(t.id) for t in themes}

    def validate_themes(self, field: SelectMultipleField) -> None:
        if not set(field.data or []) <= self._theme_ids:
            raise ValidationError("Select themes from the list")

    def validate_legal_forms(self, field: SelectMultipleField) -> None:
        if not set(field.data or []) <= {form.value for form in LegalForm}:
            raise ValidationError("Select kinds of organisation from the list")

    def validate_documents(self, field: SelectMultipleField) -> None:
        if not set(field.data or []) <= {kind.value for kind in DocumentKind}:
            raise ValidationError("Select documents from the list")

    def selected_documents(self) -> set[DocumentKind]:
        return {DocumentKind(value) for value in self.documents.data or []}

    def theme_ids(self) -> set[int]:
        return {int(value) for value in self.themes.data or []}

    def selected_legal_forms(self) -> set[LegalForm]:
        return {LegalForm(value) for value in self.legal_forms.data or []}


class IndicatorsForm(BaseForm):
    indicators = SelectMultipleField(
        "Outcome indicators applicants can choose",
        widget=GovCheckboxesInput(),
        validators=[InputRequired("Select at least one outcome indicator")],
        validate_choice=False,
    )
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    def __init__(self, *args: Any, indicators: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators.choices = [SelectChoice(str(i.id), i.label) for i in indicators]
        self._ids = {str(i.id) for i in indicators}

    def validate_indicators(self, field: SelectMultipleField) -> None:
        if not set(field.data or []) <= self._ids:
            raise ValidationError("Select indicators from the list")

    def indicator_ids(self) -> set[int]:
        return {int(value) for value in self.indicators.data or []}


class QuestionForm(BaseForm):
    text = _required_text("Question", "Enter the question", max_length=1000, textarea=True)
    qualifying_answer = RadioField(
        "Which answer means the group can apply?",
        widget=GovRadioInput(),
        choices=YES_NO,
        validators=[_choose("Select the answer that means the group can apply", "yes", "no")],
        validate_choice=False,
    )
    explanation = _required_text(
        "What to tell a group that gives the other answer",
        "Enter what to tell a group that cannot apply",
        max_length=2000,
        textarea=True,
        description="In plain English: why they cannot apply, and where they might find help.",
    )
    submit = SubmitField("Save question", widget=GovSubmitInput())

    def qualifies_with_yes(self) -> bool:
        return bool(self.qualifying_answer.data == "yes")


class MoveForm(BaseForm):
    direction = StringField(validators=[AnyOf(["up", "down"])])


class ConfirmForm(BaseForm):
    """A button and its CSRF token."""

    submit = SubmitField("Continue", widget=GovSubmitInput())


class CriterionForm(BaseForm):
    name = _required_text("Criterion", "Enter the name of the criterion", max_length=200)
    guidance = _required_text(
        "Guidance for assessors and applicants",
        "Enter guidance for the criterion",
        max_length=5000,
        textarea=True,
    )
    weight = WholeNumberField(
        "Weight",
        thing="the weight",
        minimum=1,
        maximum=100,
        description="A whole number of 1 or more. A criterion with weight 2 counts twice as much as one with weight 1.",
    )
    essential = RadioField(
        "Is this criterion essential?",
        widget=GovRadioInput(),
        choices=YES_NO,
        validators=[_choose("Select yes if the criterion is essential", "yes", "no")],
        validate_choice=False,
        description="A bid that scores below 3 on an essential criterion should not be funded, whatever its total.",
    )
    descriptor_0 = _required_text("Score 0", "Enter what a score of 0 means", max_length=1000, textarea=True)
    descriptor_1 = _required_text("Score 1", "Enter what a score of 1 means", max_length=1000, textarea=True)
    descriptor_2 = _required_text("Score 2", "Enter what a score of 2 means", max_length=1000, textarea=True)
    descriptor_3 = _required_text("Score 3", "Enter what a score of 3 means", max_length=1000, textarea=True)
    descriptor_4 = _required_text("Score 4", "Enter what a score of 4 means", max_length=1000, textarea=True)
    descriptor_5 = _required_text("Score 5", "Enter what a score of 5 means", max_length=1000, textarea=True)
    submit = SubmitField("Save criterion", widget=GovSubmitInput())

    def __init__(self, *args: Any, score_labels: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for score, label in zip(SCORES, score_labels, strict=False):
            self[f"descriptor_{score}"].label.text = f"Score {score} ({label})"

    @classmethod
    def for_criterion(cls, criterion: Any, **kwargs: Any) -> CriterionForm:
        data = {
            "name": criterion.name,
            "guidance": criterion.guidance,
            "weight": criterion.weight,
            "essential": "yes" if criterion.essential else "no",
            **{f"descriptor_{score}": text for score, text in zip(SCORES, criterion.descriptors, strict=False)},
        }
        return cls(data=data, **kwargs)

    def details(self) -> CriterionDetails:
        return CriterionDetails(
            name=self.name.data,
            guidance=self.guidance.data,
            weight=self.weight.data,
            essential=self.essential.data == "yes",
            descriptors=[self[f"descriptor_{score}"].data for score in SCORES],
        )


class ScaleForm(BaseForm):
    label_0 = _required_text("Score 0", "Enter what a score of 0 means", max_length=100)
    label_1 = _required_text("Score 1", "Enter what a score of 1 means", max_length=100)
    label_2 = _required_text("Score 2", "Enter what a score of 2 means", max_length=100)
    label_3 = _required_text("Score 3", "Enter what a score of 3 means", max_length=100)
    label_4 = _required_text("Score 4", "Enter what a score of 4 means", max_length=100)
    label_5 = _required_text("Score 5", "Enter what a score of 5 means", max_length=100)
    submit = SubmitField("Save scale", widget=GovSubmitInput())

    def labels(self) -> list[str]:
        return [self[f"label_{score}"].data for score in SCORES]


class IndicatorForm(BaseForm):
    heading = RadioField(
        "Heading",
        widget=GovRadioInput(),
        choices=[SelectChoice(heading, heading) for heading in INDICATOR_HEADINGS],
        validators=[_choose("Select a heading", *INDICATOR_HEADINGS)],
        validate_choice=False,
        description="The Indicators of Integration framework’s four headings.",
    )
    domain = _required_text(
        "Domain", "Enter the domain", max_length=100, description="For example, Social Bridges or Work"
    )
    measure = _required_text(
        "Measure",
        "Enter the measure",
        max_length=300,
        description="What a group counts, for example Mixed-background sessions held",
    )
    unit = RadioField(
        "How is it counted?",
        widget=GovRadioInput(),
        choices=[SelectChoice(value, label) for value, label in INDICATOR_UNITS.items()],
        validators=[_choose("Select how the measure is counted", *INDICATOR_UNITS)],
        validate_choice=False,
    )
    submit = SubmitField("Save indicator", widget=GovSubmitInput())


class ThemeForm(BaseForm):
    name = _required_text("Name", "Enter the name of the theme", max_length=200)
    description = _required_text(
        "Description",
        "Enter a description of the theme",
        max_length=1000,
        textarea=True,
        description="What the theme covers. Applicants see it when they choose their themes.",
    )
    position = WholeNumberField(
        "Position in the list",
        thing="the position",
        minimum=0,
        maximum=9999,
        optional=True,
        description=(
            "Themes are listed from the lowest number first. Left blank, a new theme goes after the last "
            "and a changed one keeps its place."
        ),
    )
    submit = SubmitField("Save theme", widget=GovSubmitInput())
