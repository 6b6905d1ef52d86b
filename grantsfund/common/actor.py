"""Who is doing something, and from where: what every service is told by its caller."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from grantsfund.accounts.models import User


@dataclass(frozen=True)
class Actor:
    user: User | None
    ip_address: str | None = None

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user is not None else None

    @classmethod
    def system(cls) -> Actor:
        """Work done by the service itself (a CLI command, the mail worker)."""
        return cls(user=None, ip_address=None)
