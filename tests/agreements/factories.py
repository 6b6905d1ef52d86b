"""Agreements to start from: an approved bid with its agreement drafted, offered, or accepted."""

from __future__ import annotations

from sqlalchemy import select

from grantsfund.accounts.models import Role
from grantsfund.agreements import services, terms
from grantsfund.agreements.models import Agreement, StandardTerms
from grantsfund.agreements.services import Acceptance
from grantsfund.applications.models import Application
from grantsfund.audit.models import AuditEvent
from grantsfund.common.actor import Actor
from grantsfund.extensions import db
from grantsfund.panel import decisions, meetings, outcomes
from grantsfund.panel.decisions import DecisionAnswers
from grantsfund.panel.models import Outcome
from grantsfund.rounds.models import Round
from tests.panel.factories import all_present, meeting, ranked
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


def awarded(
    round_: Round,
    officer: Actor,
    make_user,
    people,
    answers: DecisionAnswers | None = None,
    *,
    asks_pence: int | None = None,
    publish: bool = True,
) -> Application:
    """One bid decided by the panel with `answers` (approved as asked, by default), the outcome published unless
    `publish` is false. `asks_pence` first changes what the bid asks for, for a grant of another size."""
    [bid] = ranked(round_, officer, make_user, 1)
    if asks_pence is not None:
        bid.amount_requested_pence = asks_pence
    held = meeting(round_, officer, people)
    [item] = meetings.add_to_agenda(held, [bid.id], actor=officer)
    all_present(held, people[0])
    decisions.record(item, answers or DecisionAnswers(Outcome.APPROVED, reasons="Strong"), actor=Actor(people[0]))
    if publish:
        outcomes.confirm_minutes(held, minutes="Decided.", actor=officer)
        outcomes.publish(held, actor=officer)
    return bid


def finance_actor(make_user) -> Actor:
    return Actor(make_user(roles={Role.FINANCE_OFFICER}, full_name="Fran Finance"), ip_address="198.51.100.4")


def events(action: str, obj: object) -> list[AuditEvent]:
    """The audit events of one kind about one object, oldest first."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.action == action,
                AuditEvent.object_type == obj.__tablename__.removesuffix("s"),
                AuditEvent.object_id == str(obj.id),
            )
            .order_by(AuditEvent.id)
        )
    )
