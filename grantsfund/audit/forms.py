"""The audit log's filter form (a GET form: filtering changes nothing, so it needs no CSRF token)."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional

from grantsfund.common.forms import BaseForm


class AuditFilterForm(BaseForm):
    class Meta:
        csrf = False

    action = StringField(
        "Action starts with",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=100)],
        description="For example, user.roles_changed or user.",
    )
    object_type = SelectField("Object", widget=GovSelect(), validators=[Optional()], validate_choice=False)
    object_id = StringField("Object number", widget=GovTextInput(), validators=[Optional(), Length(max=64)])
    actor_email = StringField(
        "Done by (email contains)", widget=GovTextInput(), validators=[Optional(), Length(max=320)]
    )
    date_from = DateField(
        "From (day/month/year)",
        widget=GovTextInput(),
        validators=[Optional()],
        format=["%d/%m/%Y", "%Y-%m-%d"],
        description="For example, 27/3/2026",
    )
    date_to = DateField(
        "To (day/month/year)",
        widget=GovTextInput(),
        validators=[Optional()],
        format=["%d/%m/%Y", "%Y-%m-%d"],
        description="For example, 31/3/2026",
    )
    submit = SubmitField("Filter", widget=GovSubmitInput())

    def validate_date_to(self, field: DateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValueError("The ‘to’ date must be the same as or after the ‘from’ date")
