"""Two versions side by side: each term in words, the changed ones flagged and the rest not."""

from dataclasses import replace
from datetime import date

from grantsfund.agreements import schedules
from grantsfund.agreements.compare import compare
from grantsfund.agreements.models import AgreementVersion
from grantsfund.agreements.schedules import ON_RETURN, PlannedInstalment, PlannedPeriod, Target

PERIODS = [
    PlannedPeriod(1, date(2027, 1, 1), date(2027, 6, 30), date(2027, 7, 30)),
    PlannedPeriod(2, date(2027, 7, 1), date(2027, 12, 31), date(2028, 1, 30), final=True),
]
PAYMENTS = [
    PlannedInstalment(1, date(2027, 1, 1), 300_000),
    PlannedInstalment(2, date(2027, 7, 30), 200_050, ON_RETURN, 1, note="After the first return"),
]
TARGETS = [Target(1, "People taking part", "Community", 80, "people", "Sign-in sheets")]


def version(number=1, *, payments=PAYMENTS, periods=PERIODS, targets=TARGETS, **overrides) -> AgreementVersion:
    values = {
        "number": number,
        "amount_pence": 500_050,
        "starts_on": date(2027, 1, 1),
        "ends_on": date(2027, 12, 31),
        "signatory_role": "Chair or Treasurer",
        "special_conditions": "",
        "sustainability_commitments": "Volunteers run it.",
        "payments": schedules.dump(payments),
        "monitoring": schedules.dump(periods),
        "targets": schedules.dump(targets),
    }
    values.update(overrides)
    return AgreementVersion(**values)


def lines(sections) -> dict[str, dict[str, tuple[str, str, bool]]]:
    return {
        section.title: {line.label: (line.left, line.right, line.changed) for line in section.lines}
        for section in sections
    }


def test_a_version_compared_with_itself_shows_every_term_and_no_change():
    offer = version()
    sections = compare(offer, offer)
    assert [section.title for section in sections] == [
        "Terms",
        "Payment schedule",
        "Monitoring schedule",
        "Outcome targets",
    ]
    assert not any(section.changed for section in sections)
    shown = lines(sections)
    assert shown["Terms"]["Grant"] == ("£5,000.50", "£5,000.50", False)
    assert shown["Terms"]["Grant period"][0] == "1 January 2027 to 31 December 2027"
    assert shown["Terms"]["Special conditions"][0] == "None"
    assert shown["Payment schedule"]["Instalment 2"][0] == (
        "£2,000.50, due 30 July 2027, when: monitoring return for period 1 accepted (After the first return)"
    )
    assert shown["Monitoring schedule"]["Final period 2"][0] == (
        "1 July 2027 to 31 December 2027, return due 30 January 2028"
    )
    assert shown["Outcome targets"]["Community: People taking part"][0] == "80 people (Sign-in sheets)"


def test_changed_terms_are_flagged_and_unchanged_ones_are_not():
    offer = version()
    variation = version(
        2,
        amount_pence=400_050,
        special_conditions="Credit the council",
        payments=[PAYMENTS[0], replace(PAYMENTS[1], amount_pence=100_050)],
        targets=[replace(TARGETS[0], target=1_200)],
    )

    shown = lines(compare(offer, variation))

    assert shown["Terms"]["Grant"] == ("£5,000.50", "£4,000.50", True)
    assert shown["Terms"]["Special conditions"] == ("None", "Credit the council", True)
    assert shown["Terms"]["Grant period"][2] is False
    assert shown["Terms"]["Who signs for the group"][2] is False
    assert shown["Terms"]["Sustainability commitments"][2] is False
    assert shown["Payment schedule"]["Instalment 1"][2] is False
    assert shown["Payment schedule"]["Instalment 2"][1].startswith("£1,000.50, due 30 July 2027")
    assert shown["Payment schedule"]["Instalment 2"][2] is True
    assert shown["Outcome targets"]["Community: People taking part"][1:] == ("1,200 people (Sign-in sheets)", True)
    assert {section.title: section.changed for section in compare(offer, variation)} == {
        "Terms": True,
        "Payment schedule": True,
        "Monitoring schedule": False,
        "Outcome targets": True,
    }


def test_terms_only_on_one_side_show_as_not_included():
    offer = version()
    one_period = [PlannedPeriod(1, date(2027, 1, 1), date(2028, 3, 31), date(2028, 4, 30), final=True)]
    variation = version(
        2,
        ends_on=date(2028, 3, 31),
        periods=one_period,
        payments=[*PAYMENTS, PlannedInstalment(3, date(2028, 1, 1), 1)],
    )

    shown = lines(compare(offer, variation))

    assert list(shown["Monitoring schedule"]) == ["Period 1", "Final period 2", "Final period 1"]
    assert shown["Monitoring schedule"]["Final period 2"][1:] == ("Not included", True)
    assert shown["Monitoring schedule"]["Final period 1"][0] == "Not included"
    assert shown["Payment schedule"]["Instalment 3"] == (
        "Not included",
        "£0.01, due 1 January 2028, when: agreement accepted",
        True,
    )
    assert shown["Terms"]["Grant period"] == (
        "1 January 2027 to 31 December 2027",
        "1 January 2027 to 31 March 2028",
        True,
    )
