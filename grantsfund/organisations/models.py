"""Community groups, their members and documents; the council's wards."""

from __future__ import annotations

import enum


class LegalForm(enum.StrEnum):
    REGISTERED_CHARITY = "registered_charity"
    CIO = "cio"
    CIC = "cic"
    COMPANY_LIMITED_BY_GUARANTEE = "company_limited_by_guarantee"
    UNINCORPORATED_GROUP = "unincorporated_group"
    FAITH_GROUP = "faith_group"
    PARISH_COUNCIL = "parish_council"
    SCHOOL = "school"
    COMMUNITY_BENEFIT_SOCIETY = "community_benefit_society"
    OTHER = "other"

    @property
    def label(self) -> str:
        return LEGAL_FORM_LABELS[self]


LEGAL_FORM_LABELS = {
    LegalForm.REGISTERED_CHARITY: "Registered charity",
    LegalForm.CIO: "Charitable incorporated organisation (CIO)",
    LegalForm.CIC: "Community interest company (CIC)",
    LegalForm.COMPANY_LIMITED_BY_GUARANTEE: "Company limited by guarantee",
    LegalForm.UNINCORPORATED_GROUP: "Unincorporated community group",
    LegalForm.FAITH_GROUP: "Faith group",
    LegalForm.PARISH_COUNCIL: "Parish or town council",
    LegalForm.SCHOOL: "School",
    LegalForm.COMMUNITY_BENEFIT_SOCIETY: "Community benefit society",
    LegalForm.OTHER: "Other",
}
