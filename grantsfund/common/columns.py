"""Column types shared by every stage's models."""

from __future__ import annotations

import enum

from sqlalchemy import Enum


def enum_column(enum_type: type[enum.Enum]) -> Enum:
    """Enums are stored as their values in a plain string column, so adding one needs no type change."""
    return Enum(
        enum_type,
        native_enum=False,
        length=40,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )
