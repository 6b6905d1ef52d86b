import io

import pytest
from wtforms import FileField, PasswordField, StringField
from wtforms.validators import InputRequired, Length

from grantsfund.common.forms import BaseForm


class ExampleForm(BaseForm):
    class Meta:
        csrf = False

    name = StringField("Name", validators=[InputRequired("Enter a name"), Length(max=100)])
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


@pytest.mark.parametrize("body", [[1, 2], 7, None, {"name": ["Amira"]}, {"name": {"first": "Amira"}}, "Amira"])
def test_a_json_body_is_a_form_with_no_answers(app, body):
    with app.test_request_context(method="POST", json=body):
        form = ExampleForm()
        assert not form.validate()
    assert form.errors == {"name": ["Enter a name"]}


class UploadForm(ExampleForm):
    evidence = FileField("Evidence")


def test_a_file_sent_as_a_text_answer_is_no_answer_while_a_file_field_keeps_its_upload(app):
    data = {"name": (io.BytesIO(b"%PDF-1.7"), "name.pdf"), "evidence": (io.BytesIO(b"%PDF-1.7"), "evidence.pdf")}
    with app.test_request_context(method="POST", data=data, content_type="multipart/form-data"):
        form = UploadForm()
        assert not form.validate()
    assert form.errors == {"name": ["Enter a name"]}
    assert form.evidence.data.filename == "evidence.pdf"
