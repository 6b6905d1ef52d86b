"""`flask publish 360giving`: writes the file when every grant is valid, in the format its name asks for, with the
round and date filters; refuses otherwise, listing each problem, and leaves no file behind."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from grantsfund.audit.models import AuditEvent
from grantsfund.extensions import db
from grantsfund.reporting.opendata import standard
from tests.reporting.opendata import factories


@pytest.fixture
def publish(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=["publish", "360giving", *args])


@pytest.fixture
def grants(made):
    first = factories.award(made, factories.group("Riverside Community Kitchen"), amount_pence=1_000_000)
    later = factories.another_round(made)
    second = factories.award(
        later, factories.group("Eastgate Elders"), amount_pence=250_050, decided_at=datetime(2026, 3, 2, 10, tzinfo=UTC)
    )
    return first, second, later


def test_it_writes_the_json_file_and_records_it(publish, grants, tmp_path):
    out = tmp_path / "grants.json"

    result = publish("--out", str(out))

    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        f"Published 2 grants (JSON) to {out}: £12,500.50 awarded, all valid against the 360Giving Data Standard 1.4.3."
    )
    package = json.loads(out.read_text(encoding="utf-8"))
    assert [grant["amountAwarded"] for grant in package["grants"]] == [10000.0, 2500.5]
    for grant in package["grants"]:
        assert list(standard.validator().iter_errors(grant)) == []
    assert [path.name for path in tmp_path.iterdir()] == ["grants.json"]  # no temporary file left
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "open_data.published")).all()
    assert event.actor_id is None  # the service itself
    assert event.object_id == "grants.json"
    assert event.after["grants"] == 2
    assert event.after["destination"] == str(out)


def test_the_format_comes_from_the_name_unless_given(publish, grants, tmp_path):
    assert publish("--out", str(tmp_path / "grants.xlsx")).exit_code == 0
    assert load_workbook(tmp_path / "grants.xlsx").sheetnames == ["grants", "Meta"]
    assert publish("--out", str(tmp_path / "grants.csv")).exit_code == 0
    with (tmp_path / "grants.csv").open(encoding="utf-8-sig", newline="") as file:
        assert next(csv.reader(file))[:2] == ["Identifier", "Title"]
    assert publish("--out", str(tmp_path / "grants.txt"), "--format", "csv").exit_code == 0
    assert (tmp_path / "grants.txt").read_text(encoding="utf-8-sig").startswith("Identifier,Title")


def test_round_and_since_choose_the_grants(publish, grants, tmp_path):
    first, second, later = grants

    publish("--out", str(tmp_path / "round.json"), "--round", str(later.round.id))
    publish("--out", str(tmp_path / "since.json"), "--since", "2025-07-16")
    publish("--out", str(tmp_path / "both.json"), "--round", str(later.round.id), "--since", "2025-07-15")

    def ids(name):
        return [grant["id"] for grant in json.loads((tmp_path / name).read_text())["grants"]]

    assert ids("round.json") == [f"360G-northbrook-{second.reference}"]
    assert ids("since.json") == [f"360G-northbrook-{second.reference}"]
    assert ids("both.json") == [f"360G-northbrook-{second.reference}"]
    publish("--out", str(tmp_path / "round.xlsx"), "--round", str(later.round.id), "--since", "2025-07-15")
    meta = dict(load_workbook(tmp_path / "round.xlsx")["Meta"].iter_rows(min_row=2, values_only=True))
    assert meta["Grants included"] == (
        f"Awarded grants of {later.fund.name} – Round 2026/27, decided on or after 15 July 2025"
    )


def test_it_refuses_an_invalid_file_and_leaves_none(publish, grants, made, tmp_path):
    broken = factories.award(made, factories.group("Westbrook Youth"), title="   ")
    out = tmp_path / "grants.json"

    result = publish("--out", str(out))

    assert result.exit_code == 1
    assert "Not published: 1 grant is not valid against the 360Giving Data Standard 1.4.3 (1 problem)" in result.output
    assert f"360G-northbrook-{broken.reference}: title: is empty: every published grant needs one" in result.output
    assert list(tmp_path.iterdir()) == []
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "open_data.published")).all() == []


def test_a_refusal_keeps_the_last_good_file(publish, grants, made, tmp_path):
    out = tmp_path / "grants.json"
    assert publish("--out", str(out)).exit_code == 0
    good = out.read_bytes()
    factories.award(made, factories.group("Westbrook Youth"), title="")

    assert publish("--out", str(out)).exit_code == 1

    assert out.read_bytes() == good
    assert [path.name for path in tmp_path.iterdir()] == ["grants.json"]


def test_nothing_to_publish_writes_nothing(publish, made, tmp_path):
    result = publish("--out", str(tmp_path / "grants.json"))

    assert result.exit_code == 1
    assert "There are no awarded grants to publish for these filters" in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "grants.pdf"], "cannot tell the format from 'grants.pdf'"),
        (["--out", "grants.json", "--since", "1/7/2025"], "'1/7/2025' is not a date: give it as YYYY-MM-DD"),
        (["--out", "grants.json", "--round", "999999"], "there is no round 999999"),
        (["--out", "/no/such/folder/grants.json"], "there is no folder '/no/such/folder'"),
    ],
)
def test_bad_options_are_explained(publish, made, args, message):
    result = publish(*args)

    assert result.exit_code == 2
    assert message in result.output
