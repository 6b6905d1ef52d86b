"""Forms for accounts and staff administration."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, PasswordField, SelectChoice, SelectMultipleField, StringField, SubmitField
from wtforms.validators import Email, EqualTo, InputRequired, Length

from grantsfund.accounts.models import Role
from grantsfund.common.forms import BaseForm

EMAIL_HINT = "Enter an email address in the correct format, like name@example.com"


def email_field(label: str = "Email address") -> EmailField:
    return EmailField(
        label,
        widget=GovTextInput(),
        validators=[InputRequired("Enter your email address"), Length(max=320), Email(EMAIL_HINT)],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


def new_password_field(label: str = "Create a password") -> PasswordField:
    return PasswordField(
        label,
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter a password")],
        description="Use 12 characters or more. Three random words are easy to remember and hard to guess.",
        render_kw={"params": {"autocomplete": "new-password"}},
    )


def full_name_field() -> StringField:
    return StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter your full name"),
            Length(max=200, message="Full name must be 200 characters or fewer"),
        ],
        render_kw={"autocomplete": "name", "spellcheck": "false"},
    )


class RegisterForm(BaseForm):
    full_name = full_name_field()
    email = email_field()
    password = new_password_field()
    submit = SubmitField("Create account", widget=GovSubmitInput())


class SignInForm(BaseForm):
    email = email_field()
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your password")],
        render_kw={"params": {"autocomplete": "current-password"}},
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class EmailOnlyForm(BaseForm):
    email = email_field()
    submit = SubmitField("Send link", widget=GovSubmitInput())


class ConfirmForm(BaseForm):
    """A button that confirms an emailed link, so opening the link alone changes nothing."""

    submit = SubmitField("Confirm email address", widget=GovSubmitInput())


class NewPasswordForm(BaseForm):
    password = new_password_field()
    confirm = PasswordField(
        "Confirm your password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Confirm your password"), EqualTo("password", "Passwords must match")],
        render_kw={"params": {"autocomplete": "new-password"}},
    )
    submit = SubmitField("Save password", widget=GovSubmitInput())


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your current password")],
        render_kw={"params": {"autocomplete": "current-password"}},
    )
    password = new_password_field("New password")


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(role.value, role.label) for role in Role]


class RolesForm(BaseForm):
    roles = SelectMultipleField(
        "Roles", widget=GovCheckboxesInput(), choices=role_choices, description="Select all that apply."
    )
    submit = SubmitField("Save roles", widget=GovSubmitInput())

    def selected_roles(self) -> set[Role]:
        return {Role(value) for value in self.roles.data or []}


class InviteStaffForm(RolesForm):
    full_name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter their full name"),
            Length(max=200, message="Full name must be 200 characters or fewer"),
        ],
    )
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired("Enter their email address"), Length(max=320), Email(EMAIL_HINT)],
        render_kw={"spellcheck": "false"},
    )
    roles = SelectMultipleField(
        "Roles",
        widget=GovCheckboxesInput(),
        choices=role_choices,
        validators=[InputRequired("Select at least one role")],
        description="Select all that apply.",
    )
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class ButtonForm(BaseForm):
    """A form that is only a button (and its CSRF token)."""

    submit = SubmitField("Continue", widget=GovSubmitInput())


class CodeForm(BaseForm):
    """A 6-digit code from an authenticator app; whether it is right is the service's business."""

    code = StringField(
        "Code",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the 6-digit code from your authenticator app"), Length(max=20)],
        render_kw={
            "params": {
                "classes": "govuk-input--width-5",
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "spellcheck": False,
            }
        },
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class RecoveryCodeForm(BaseForm):
    code = StringField(
        "Recovery code",
        widget=GovTextInput(),
        validators=[InputRequired("Enter one of your recovery codes"), Length(max=40)],
        description="For example, abcd-efgh-ijkl",
        render_kw={"params": {"classes": "govuk-input--width-20", "autocomplete": "off", "spellcheck": False}},
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())
