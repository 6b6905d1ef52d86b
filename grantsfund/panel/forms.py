"""Forms for setting up a meeting and its agenda, and for the chair on the day: attendance, conflicts, decisions;
then the minutes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
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
from wtforms import RadioField, SelectChoice, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from grantsfund.accounts.models import Role
from grantsfund.common.dates import london_to_utc, to_london
from grantsfund.common.fields import DayField, PoundsField, TimeOfDayField, WholeNumberField, check_real_time
from grantsfund.common.forms import BaseForm
from grantsfund.common.money import format_pence
from grantsfund.panel.decisions import MAX_TEXT, DecisionAnswers
from grantsfund.panel.meetings import MAX_REASON, MAX_TITLE, AttendanceAnswer, MeetingDetails
from grantsfund.panel.models import Attendance, Outcome, PanelMeeting, PanelRole
from grantsfund.panel.outcomes import MAX_MINUTES

NOT_ON_PANEL = ""
YES, NO = "yes", "no"


def _length(limit: int) -> Length:
    return Length(max=limit, message=f"Enter {limit:,} characters or fewer")


def _chosen(field: Any, message: str) -> None:
    if (field.data or "") not in {choice.value for choice in field.choices or []}:
        raise ValidationError(message)


class MeetingForm(BaseForm):
    """The meeting's details, and for each person who may sit on a panel, whether and as what they do."""

    title = StringField("Title", widget=GovTextInput(), validators=[_length(MAX_TITLE)])
    day = DayField("Date", required="Enter the date of the meeting", description="For example, 15 7 2026")
    time = TimeOfDayField("Start time", required="Enter the time the meeting starts", description="UK time, like 10am")
    location = StringField(
        "Where", widget=GovTextInput(), validators=[_length(300)], description="A room, or how to join online"
    )
    chair_id = SelectField("Chair", widget=GovSelect(), validate_choice=False)
    deputy_id = SelectField(
        "Deputy chair (optional)",
        widget=GovSelect(),
        validate_choice=False,
        description="Chairs the items on which the chair has a conflict, and the meeting if the chair is away",
    )
    quorum = WholeNumberField(
        "Quorum",
        thing="the quorum",
        minimum=1,
        maximum=100,
        description="How many members (or their delegates) must be present, and free of conflict, to decide an item",
    )
    quorum_roles = SelectMultipleField(
        "The quorum must include (optional)",
        widget=GovCheckboxesInput(),
        choices=[SelectChoice(role.value, role.label) for role in PanelRole],
        validate_choice=False,
        description="At least one member sitting in each capacity you select",
    )
    delegates_allowed = RadioField(
        "Can an absent member send a delegate?",
        widget=GovRadioInput(),
        choices=[SelectChoice(YES, "Yes, the terms of reference allow it"), SelectChoice(NO, "No")],
        validators=[InputRequired("Select whether an absent member can send a delegate")],
        validate_choice=False,
    )
    submit = SubmitField("Save meeting", widget=GovSubmitInput())

    people: ClassVar[list[Any]] = []

    @classmethod
    def for_people(cls, people: Sequence[Any], meeting: PanelMeeting | None = None, **kwargs: Any) -> MeetingForm:
        fields: dict[str, Any] = {"people": list(people)}
        for person in people:
            fields[f"seat_{person.id}"] = SelectField(
                person.full_name,
                widget=GovSelect(),
                choices=[SelectChoice(NOT_ON_PANEL, "Not on this panel")]
                + [SelectChoice(role.value, role.label) for role in PanelRole],
                validate_choice=False,
            )
        form = type("PeopleMeetingForm", (cls,), fields)(data=cls._saved(meeting), **kwargs)
        chairs = [person for person in people if person.has_role(Role.PANEL_CHAIR)]
        form.chair_id.choices = [SelectChoice("", "Choose the chair")] + [
            SelectChoice(str(person.id), person.full_name) for person in chairs
        ]
        form.deputy_id.choices = [SelectChoice("", "No deputy")] + [
            SelectChoice(str(person.id), person.full_name) for person in people
        ]
        return form  # type: ignore[no-any-return]

    @staticmethod
    def _saved(meeting: PanelMeeting | None) -> dict[str, Any]:
        if meeting is None:
            return {"delegates_allowed": YES, "quorum": 3}
        local = to_london(meeting.starts_at)
        data: dict[str, Any] = {
            "title": meeting.title,
            "day": local.date(),
            "time": local.time().replace(second=0, microsecond=0),
            "location": meeting.location,
            "chair_id": str(meeting.chair_id),
            "deputy_id": str(meeting.deputy_id or ""),
            "quorum": meeting.quorum,
            "quorum_roles": list(meeting.quorum_roles),
            "delegates_allowed": YES if meeting.delegates_allowed else NO,
        }
        data.update({f"seat_{member.user_id}": member.role.value for member in meeting.members})
        return data

    def validate_title(self, field: StringField) -> None:
        if not (field.data or "").strip():
            raise ValidationError("Enter the meeting’s title")

    def validate_time(self, field: TimeOfDayField) -> None:
        check_real_time(self.day.data, field.data)

    def validate_chair_id(self, field: SelectField) -> None:
        _chosen(field, "Choose the chair")

    def validate_deputy_id(self, field: SelectField) -> None:
        _chosen(field, "Choose the deputy chair from the list")

    def validate_quorum_roles(self, field: SelectMultipleField) -> None:
        if not set(field.data or []) <= {role.value for role in PanelRole}:
            raise ValidationError("Select capacities from the list")

    def validate(self, extra_validators: Any = None) -> bool:
        valid: bool = super().validate(extra_validators)
        roles = {NOT_ON_PANEL, *(role.value for role in PanelRole)}
        for person in self.people:
            field = self[f"seat_{person.id}"]
            if (field.data or "") not in roles:
                field.errors = [*field.errors, f"Choose how {person.full_name} sits on the panel, from the list"]
                valid = False
        if valid and not self.members():
            self[f"seat_{self.people[0].id}"].errors.append("Choose at least one member of the panel")
            valid = False
        return valid

    def members(self) -> dict[int, PanelRole]:
        return {
            person.id: PanelRole(self[f"seat_{person.id}"].data)
            for person in self.people
            if self[f"seat_{person.id}"].data
        }

    def details(self) -> MeetingDetails:
        starts_at: datetime = london_to_utc(self.day.data, self.time.data)
        return MeetingDetails(
            title=self.title.data or "",
            starts_at=starts_at,
            location=self.location.data or "",
            chair_id=int(self.chair_id.data),
            deputy_id=int(self.deputy_id.data) if self.deputy_id.data else None,
            members=self.members(),
            quorum=self.quorum.data,
            quorum_roles={PanelRole(value) for value in self.quorum_roles.data or []},
            delegates_allowed=self.delegates_allowed.data == YES,
        )

    def add_error(self, field_name: str | None, message: str) -> None:
        # The service speaks of "members"; on this page they are chosen person by person.
        if field_name == "members" and self.people:
            field_name = f"seat_{self.people[0].id}"
        super().add_error(field_name, message)


class AgendaForm(BaseForm):
    application_ids = SelectMultipleField(
        "Ranked bids to put on the agenda",
        widget=GovCheckboxesInput(),
        validators=[InputRequired("Choose at least one bid")],
        validate_choice=False,
    )
    submit = SubmitField("Add to the agenda", widget=GovSubmitInput())

    def __init__(self, *args: Any, candidates: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.application_ids.choices = [
            SelectChoice(
                str(result.application.id),
                f"Rank {result.rank}: {result.application.reference}, {result.application.organisation.name} – "
                f"{format_pence(result.application.amount_requested_pence or 0)}",
            )
            for result in candidates
        ]

    def validate_application_ids(self, field: SelectMultipleField) -> None:
        if not set(field.data or []) <= {choice.value for choice in field.choices or []}:
            raise ValidationError("Choose bids from the list")

    def chosen(self) -> list[int]:
        return [int(value) for value in self.application_ids.data or []]


ATTENDANCE_CHOICES = [Attendance.PRESENT, Attendance.APOLOGIES, Attendance.DELEGATE]


class AttendanceForm(BaseForm):
    submit = SubmitField("Save attendance", widget=GovSubmitInput())

    meeting: ClassVar[Any] = None

    @classmethod
    def for_meeting(cls, meeting: PanelMeeting, people: Sequence[Any], **kwargs: Any) -> AttendanceForm:
        fields: dict[str, Any] = {"meeting": meeting}
        data: dict[str, Any] = {}
        for member in meeting.members:
            fields[f"attendance_{member.user_id}"] = RadioField(
                member.user.full_name,
                widget=GovRadioInput(),
                choices=[
                    SelectChoice(choice.value, choice.label)
                    for choice in ATTENDANCE_CHOICES
                    if meeting.delegates_allowed or choice is not Attendance.DELEGATE
                ],
                validate_choice=False,
            )
            fields[f"delegate_{member.user_id}"] = SelectField(
                f"Delegate for {member.user.full_name}",
                widget=GovSelect(),
                choices=[SelectChoice("", "Choose the delegate")]
                + [SelectChoice(str(person.id), person.full_name) for person in people],
                validate_choice=False,
                description="If they send a delegate",
            )
            if member.attendance is not Attendance.NOT_RECORDED:
                data[f"attendance_{member.user_id}"] = member.attendance.value
            data[f"delegate_{member.user_id}"] = str(member.delegate_id or "")
        return type("MembersAttendanceForm", (cls,), fields)(data=data, **kwargs)  # type: ignore[no-any-return]

    def validate(self, extra_validators: Any = None) -> bool:
        valid: bool = super().validate(extra_validators)
        for member in self.meeting.members:
            field = self[f"attendance_{member.user_id}"]
            if (field.data or "") not in {choice.value for choice in field.choices or []}:
                field.errors = [*field.errors, f"Say whether {member.user.full_name} is present"]
                valid = False
            delegate = self[f"delegate_{member.user_id}"]
            if field.data == Attendance.DELEGATE.value and not (delegate.data or "").isdecimal():
                delegate.errors = [*delegate.errors, f"Choose who attends for {member.user.full_name}"]
                valid = False
        return valid

    def answers(self) -> dict[int, AttendanceAnswer]:
        answers = {}
        for member in self.meeting.members:
            attendance = Attendance(self[f"attendance_{member.user_id}"].data)
            delegate = self[f"delegate_{member.user_id}"].data
            answers[member.user_id] = AttendanceAnswer(
                attendance, int(delegate) if attendance is Attendance.DELEGATE and delegate else None
            )
        return answers


class ConflictForm(BaseForm):
    """The chair records the conflicts declared at the start of the meeting: one person, one or more items."""

    user_id = RadioField("Who has the conflict?", widget=GovRadioInput(), validate_choice=False)
    item_ids = SelectMultipleField(
        "On which items?",
        widget=GovCheckboxesInput(),
        validators=[InputRequired("Choose the items")],
        validate_choice=False,
    )
    reason = TextAreaField(
        "The nature of the interest",
        widget=GovTextArea(),
        validators=[_length(MAX_REASON)],
        description="For example, ‘a trustee of the group’ or ‘a close relative works for the group’",
    )
    submit = SubmitField("Record the conflict", widget=GovSubmitInput())

    def __init__(self, *args: Any, people: Sequence[Any] = (), items: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user_id.choices = [SelectChoice(str(person.id), person.full_name) for person in people]
        self.item_ids.choices = [
            SelectChoice(str(item.id), f"{item.application.reference}: {item.pack.get('organisation', '')}")
            for item in items
        ]

    def validate_user_id(self, field: RadioField) -> None:
        _chosen(field, "Choose who has the conflict")

    def validate_item_ids(self, field: SelectMultipleField) -> None:
        if not set(field.data or []) <= {choice.value for choice in field.choices or []}:
            raise ValidationError("Choose items from the list")

    def validate_reason(self, field: TextAreaField) -> None:
        if not (field.data or "").strip():
            raise ValidationError("Enter the nature of the interest")


class DeclareForm(BaseForm):
    """A member declares their own conflict on the item in front of them."""

    reason = TextAreaField("The nature of your interest", widget=GovTextArea(), validators=[_length(MAX_REASON)])
    submit = SubmitField("Declare a conflict and leave this item", widget=GovSubmitInput())

    def validate_reason(self, field: TextAreaField) -> None:
        if not (field.data or "").strip():
            raise ValidationError("Enter the nature of your interest")


class DecisionForm(BaseForm):
    outcome = RadioField(
        "The panel’s decision",
        widget=GovRadioInput(),
        choices=[SelectChoice(outcome.value, outcome.label) for outcome in Outcome],
        validators=[InputRequired("Select the panel’s decision")],
        validate_choice=False,
    )
    amount = PoundsField(
        "Reduced amount (if approving a reduced amount)", required=None, description="In pounds, for example 4,500"
    )
    conditions = TextAreaField(
        "Conditions of the award",
        widget=GovCharacterCount(),
        validators=[_length(MAX_TEXT)],
        description="If approving with conditions. The group sees these in its offer letter.",
    )
    reasons = TextAreaField(
        "The panel’s reasons",
        widget=GovTextArea(),
        validators=[_length(MAX_TEXT)],
        description="For the record. The panel and officers see this; the group does not.",
    )
    feedback = TextAreaField(
        "Feedback for the group",
        widget=GovCharacterCount(),
        validators=[_length(MAX_TEXT)],
        description="Required if declining. In plain English: the group reads this in its letter.",
    )
    correction_reason = TextAreaField(
        "Why is the decision being corrected?",
        widget=GovTextArea(),
        validators=[_length(MAX_TEXT)],
        description="The original entry stays in the log; this correction will name it.",
    )
    submit = SubmitField("Record the decision", widget=GovSubmitInput())

    def validate_outcome(self, field: RadioField) -> None:
        if field.data not in {outcome.value for outcome in Outcome}:
            raise ValidationError("Select the panel’s decision")

    def answers(self) -> DecisionAnswers:
        outcome = Outcome(self.outcome.data)
        return DecisionAnswers(
            outcome=outcome,
            amount_pence=self.amount.data if outcome is Outcome.APPROVED_REDUCED else None,
            conditions=self.conditions.data or "",
            reasons=self.reasons.data or "",
            feedback=self.feedback.data or "",
        )


class MinutesForm(BaseForm):
    minutes = TextAreaField(
        "Minutes",
        widget=GovCharacterCount(),
        validators=[_length(MAX_MINUTES)],
        description="As agreed by the chair: who attended, the conflicts declared, and the business done. "
        "The decisions log is kept with them.",
    )
    submit = SubmitField("Confirm the minutes", widget=GovSubmitInput())

    def validate_minutes(self, field: TextAreaField) -> None:
        if not (field.data or "").strip():
            raise ValidationError("Enter the minutes of the meeting")
