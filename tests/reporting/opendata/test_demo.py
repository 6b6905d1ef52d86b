"""The demo data (`flask demo seed`) publishes as a valid 360Giving file: every grant validates against the standard's
schema and the app's own checks, and the file says nothing about the people in it."""

from __future__ import annotations

import json
from decimal import Decimal

from sqlalchemy import select

from grantsfund.extensions import db
from grantsfund.organisations.models import Organisation
from grantsfund.reporting.opendata import publication, standard
from grantsfund.reporting.opendata.records import Selection


def test_the_demo_data_publishes_as_a_valid_file(app, tmp_path, publisher):
    runner = app.test_cli_runner()
    seeded = runner.invoke(args=["demo", "seed"])
    assert seeded.exit_code == 0, seeded.output
    found = publication.check(Selection(), publisher)
    assert found.grants >= 5  # last year's round approved five bids
    assert found.problems == []

    out = tmp_path / "demo.json"
    result = runner.invoke(args=["publish", "360giving", "--out", str(out)])

    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    grants = json.loads(text)["grants"]
    assert len(grants) == found.grants
    for grant in grants:
        assert list(standard.validator().iter_errors(grant)) == [], grant["id"]
        assert grant["id"].startswith("360G-northbrook-")
        assert grant["recipientOrganization"][0]["id"].startswith(("GB-CHC-", "GB-SC-", "GB-NIC-", "GB-COH-", "360G-"))
    total = sum(json.loads(text, parse_float=Decimal)["grants"][n]["amountAwarded"] for n in range(len(grants)))
    assert total * 100 == found.awarded_pence
    # No contact of any demo group appears in the file.
    for name, email, phone in db.session.execute(
        select(Organisation.contact_name, Organisation.contact_email, Organisation.contact_phone)
    ):
        for personal in (name, email, phone):
            assert personal not in text
