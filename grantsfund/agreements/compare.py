"""Two versions of an agreement side by side: every term in words, and whether it changed."""

from __future__ import annotations

from dataclasses import dataclass

from grantsfund.agreements import schedules
from grantsfund.agreements.models import AgreementVersion
from grantsfund.common.dates import format_date
from grantsfund.common.money import format_pence


@dataclass(frozen=True)
class Line:
    label: str
    left: str
    right: str

    @property
    def changed(self) -> bool:
        return self.left != self.right


@dataclass(frozen=True)
class Section:
    title: str
    lines: list[Line]

    @property
    def changed(self) -> bool:
        return any(line.changed for line in self.lines)


def _terms(item: AgreementVersion) -> dict[str, str]:
    return {
        "Grant": format_pence(item.amount_pence),
        "Grant period": f"{format_date(item.starts_on)} to {format_date(item.ends_on)}",
        "Who signs for the group": item.signatory_role,
        "Special conditions": item.special_conditions or "None",
        "Sustainability commitments": item.sustainability_commitments or "None",
    }


def _payments(item: AgreementVersion) -> dict[str, str]:
    return {
        f"Instalment {entry.number}": f"{format_pence(entry.amount_pence)}, due {format_date(entry.due_on)},"
        f" when: {entry.condition_text.lower()}" + (f" ({entry.note})" if entry.note else "")
        for entry in schedules.load_payments(item.payments)
    }


def _monitoring(item: AgreementVersion) -> dict[str, str]:
    return {
        f"{'Final period' if entry.final else 'Period'} {entry.number}": f"{format_date(entry.starts_on)} to"
        f" {format_date(entry.ends_on)}, return due {format_date(entry.due_on)}"
        for entry in schedules.load_periods(item.monitoring)
    }


def _targets(item: AgreementVersion) -> dict[str, str]:
    return {
        f"{target.domain}: {target.indicator}": f"{target.target:,} {target.unit}"
        + (f" ({target.measurement})" if target.measurement else "")
        for target in schedules.load_targets(item.targets)
    }


def _section(title: str, left: dict[str, str], right: dict[str, str]) -> Section:
    labels = list(left) + [label for label in right if label not in left]
    return Section(
        title, [Line(label, left.get(label, "Not included"), right.get(label, "Not included")) for label in labels]
    )


def compare(left: AgreementVersion, right: AgreementVersion) -> list[Section]:
    return [
        _section(title, part(left), part(right))
        for title, part in (
            ("Terms", _terms),
            ("Payment schedule", _payments),
            ("Monitoring schedule", _monitoring),
            ("Outcome targets", _targets),
        )
    ]
