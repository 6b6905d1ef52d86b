from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired

from grantsfund.common.forms import BaseForm


class ExampleForm(BaseForm):
    class Meta:
        csrf = False

    name = StringField("Name", validators=[InputRequired("Enter a name")])
    password = PasswordField("Password")


def submit(app, data):
    with app.test_request_context(method="POST", data=data):
        form = ExampleForm()
        form.validate()
        return form


def test_spaces_alone_are_a_missing_answer(app):
    form = submit(app, {"name": "   ", "password": "x"})
    assert form.errors == {"name": ["Enter a name"]}


def test_answers_lose_surrounding_spaces_and_control_characters(app):
    form = submit(app, {"name": "  Amira\x00 Khan\x7f ", "password": "x"})
    assert form.name.data == "Amira Khan"


def test_passwords_keep_their_spaces(app):
    form = submit(app, {"name": "Amira", "password": "  three random words  "})
    assert form.password.data == "  three random words  "
