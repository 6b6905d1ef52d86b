"""Agreements to start from: an approved bid with its agreement drafted, offered, or accepted."""

from __future__ import annotations

from grantsfund.agreements import services, terms
from grantsfund.agreements.models import Agreement, StandardTerms
from grantsfund.agreements.services import Acceptance
from grantsfund.applications.models import Application
from grantsfund.common.actor import Actor
from grantsfund.panel.models import Outcome
from grantsfund.rounds.models import Round
from tests.signposting.factories import decided

TERMS_BODY = "1. Use the grant only for the project.\n\n2. Tell us about changes.\n\n3. Keep records for six years."


def standard_terms(admin: Actor) -> StandardTerms:
    return terms.current() or terms.publish(title="Communities Fund standard terms", body=TERMS_BODY, actor=admin)


def approved(round_: Round, officer: Actor, make_user, people, count: int = 1) -> list[Application]:
    return decided(round_, officer, make_user, people, *[Outcome.APPROVED] * count)


def drafted(application: Application, officer: Actor) -> Agreement:
    standard_terms(officer)
    return services.draft(application, actor=officer)


def offered(application: Application, officer: Actor) -> Agreement:
    agreement = drafted(application, officer)
    services.issue(agreement, actor=officer)
    return agreement


def signatory(application: Application) -> Actor:
    """A member of the group, acting from a known address."""
    return Actor(application.created_by, ip_address="203.0.113.7")


def acceptance(actor: Actor, position: str = "Treasurer") -> Acceptance:
    assert actor.user is not None
    return Acceptance(name=actor.user.full_name, position=position, confirmed=True)


def accepted(application: Application, officer: Actor) -> Agreement:
    agreement = offered(application, officer)
    member = signatory(application)
    services.accept(agreement.offer, acceptance(member), actor=member)
    return agreement
