"""Who may do what to which object: the one place the service decides.

Every view declares its rule with `@public` or `@requires(action)`; a test walks the URL map and
fails for any view without one. Object-level checks call `authorize(user, action, obj)`.
Rules are pure functions of already-loaded objects and run no queries.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user
from werkzeug.exceptions import Forbidden, NotFound

from grantsfund.accounts.models import Role, User
from grantsfund.agreements.models import Agreement, AgreementVersion, MonitoringPeriod, StandardTerms, Termination
from grantsfund.applications.models import Application
from grantsfund.assessment.models import Assignment, AssignmentStatus
from grantsfund.extensions import login_manager
from grantsfund.monitoring.models import Closure, MonitoringReturn, ReturnEvidence, SustainabilityPlan
from grantsfund.organisations.models import Document, JoinRequest, MemberInvitation, Membership, Organisation
from grantsfund.panel.models import PanelItem, PanelMeeting
from grantsfund.payments.models import Instalment
from grantsfund.rounds.models import Criterion, EligibilityQuestion, Fund, Indicator, Round, Theme
from grantsfund.signposting.models import Funder, Programme, Signpost, Suggestion

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

PUBLIC = "public"


def _has(role: Role) -> Callable[[User], bool]:
    return lambda user: user.has_role(role)


def _signed_in(user: User) -> bool:
    return True


# Council staff who follow a grant once it is awarded.
STAFF = frozenset({Role.GRANTS_OFFICER, Role.FINANCE_OFFICER})


def _staff(user: User) -> bool:
    return bool(user.roles & STAFF)


# Staff who handle money and decisions sign in with an authenticator app as well as a password.
SECOND_FACTOR_ROLES = frozenset({Role.GRANTS_OFFICER, Role.FINANCE_OFFICER, Role.PANEL_CHAIR, Role.ADMINISTRATOR})


def requires_second_factor(user: User) -> bool:
    return bool(user.roles & SECOND_FACTOR_ROLES)


# Actions that depend only on who the person is.
ROLE_RULES: dict[str, Callable[[User], bool]] = {
    "use_account": _signed_in,
    "manage_users": _has(Role.ADMINISTRATOR),
    "view_audit_log": _has(Role.ADMINISTRATOR),
    "manage_outbox": _has(Role.ADMINISTRATOR),
    # organisations
    # Groups are run by their members (applicants); officers and administrators may look, never change.
    # Which group: the visibility rules below; members only: organisations.services checks it again.
    "view_organisations": lambda user: bool(user.roles & {Role.APPLICANT, Role.GRANTS_OFFICER, Role.ADMINISTRATOR}),
    "manage_organisation": _has(Role.APPLICANT),
    "view_all_organisations": lambda user: bool(user.roles & {Role.GRANTS_OFFICER, Role.ADMINISTRATOR}),
    # rounds
    "manage_rounds": _has(Role.GRANTS_OFFICER),
    # applications: written by the group's members; which group's, the object rule below
    "apply": _has(Role.APPLICANT),
    # grants officers read every submitted application (never change one) and export the list
    "view_applications": _has(Role.GRANTS_OFFICER),
    # assessment
    "check_eligibility": _has(Role.GRANTS_OFFICER),
    "assign_assessors": _has(Role.GRANTS_OFFICER),
    # assessors work on their own assignments; which ones, the object rule below
    "assess": _has(Role.ASSESSOR),
    # panel: officers prepare meetings; the panel (and officers) read the packs of the meetings they may see;
    # the chair, or the deputy, runs a meeting (which one, the object rule below)
    "prepare_panels": _has(Role.GRANTS_OFFICER),
    "view_panels": lambda user: bool(user.roles & {Role.PANEL_MEMBER, Role.PANEL_CHAIR, Role.GRANTS_OFFICER}),
    "chair_panels": lambda user: bool(user.roles & {Role.PANEL_MEMBER, Role.PANEL_CHAIR}),
    "declare_panel_conflicts": lambda user: bool(user.roles & {Role.PANEL_MEMBER, Role.PANEL_CHAIR}),
    # signposting: officers keep the directory and send the letters; a group reads its own letter and says what
    # happened with each funder (which group's, the object rule below); finance reads the report too
    "manage_funders": _has(Role.GRANTS_OFFICER),
    "signpost": _has(Role.GRANTS_OFFICER),
    "read_signposts": lambda user: bool(user.roles & {Role.APPLICANT, Role.GRANTS_OFFICER}),
    "record_signpost_outcomes": lambda user: bool(user.roles & {Role.APPLICANT, Role.GRANTS_OFFICER}),
    "view_signposting_report": lambda user: bool(user.roles & {Role.GRANTS_OFFICER, Role.FINANCE_OFFICER}),
    # agreements: administrators keep the standard terms; officers draft, issue, vary and end agreements; finance
    # reads them and tracks repayments; a group reads and accepts its own (which group's, the object rule below)
    "manage_terms": _has(Role.ADMINISTRATOR),
    "manage_agreements": _has(Role.GRANTS_OFFICER),
    "view_agreements": lambda user: bool(user.roles & {Role.APPLICANT, *STAFF}),
    "accept_agreements": _has(Role.APPLICANT),
    "manage_repayments": _has(Role.FINANCE_OFFICER),
    # payments: finance moves instalments and exports them; officers look; a group sees its own
    "manage_payments": _has(Role.FINANCE_OFFICER),
    "view_payments": lambda user: bool(user.roles & {Role.APPLICANT, *STAFF}),
    "export_payments": _has(Role.FINANCE_OFFICER),
    # monitoring: a group writes and submits its own returns (which group's, the object rule below); officers
    # review them; staff read any
    "submit_returns": _has(Role.APPLICANT),
    "view_returns": lambda user: bool(user.roles & {Role.APPLICANT, *STAFF}),
    "review_returns": _has(Role.GRANTS_OFFICER),
    # sustainability: officers and finance track the plans and the grants at risk; the group reads its own
    "manage_sustainability": lambda user: bool(user.roles & STAFF),
    "view_sustainability": lambda user: bool(user.roles & {Role.APPLICANT, *STAFF}),
    # closure: an officer closes a grant once its final return is accepted and its final payment made
    "close_grants": _has(Role.GRANTS_OFFICER),
    # the outcomes portfolio across rounds and funds, for officers and finance
    "view_portfolio": lambda user: bool(user.roles & STAFF),
    # the fund manager's reports (round summary, finance, equality monitoring) and the 360Giving publication
    "view_reports": lambda user: bool(user.roles & STAFF),
    "publish_open_data": lambda user: bool(user.roles & STAFF),
}

# Who may know an object exists at all; a type with no rule is hidden from everyone.
VISIBILITY_RULES: dict[type, Callable[[User, Any], bool]] = {
    User: lambda viewer, user: viewer.id == user.id or viewer.has_role(Role.ADMINISTRATOR),
    # organisations
    Organisation: lambda viewer, organisation: (
        organisation.has_member(viewer.id) or bool(viewer.roles & {Role.GRANTS_OFFICER, Role.ADMINISTRATOR})
    ),
    Membership: lambda viewer, membership: can_see(viewer, membership.organisation),
    JoinRequest: lambda viewer, join_request: can_see(viewer, join_request.organisation),
    MemberInvitation: lambda viewer, invitation: can_see(viewer, invitation.organisation),
    Document: lambda viewer, document: can_see(viewer, document.organisation),
    # rounds
    # Officers see every fund and round (the public sees open rounds only through @policy.public pages
    # whose loaders return nothing else).
    **dict.fromkeys(
        (Fund, Round, Theme, Indicator, EligibilityQuestion, Criterion),
        lambda viewer, _obj: viewer.has_role(Role.GRANTS_OFFICER),
    ),
    # applications: the group's members, and grants officers (who may look, never change)
    Application: lambda viewer, application: (
        application.organisation.has_member(viewer.id) or viewer.has_role(Role.GRANTS_OFFICER)
    ),
    # assessment: an assignment is its assessor's, unless they declared a conflict (then it is a 404 to them,
    # whatever other roles they hold); officers see every one
    Assignment: lambda viewer, assignment: (
        (assignment.assessor_id == viewer.id and assignment.status is not AssignmentStatus.CONFLICTED)
        or (assignment.assessor_id != viewer.id and viewer.has_role(Role.GRANTS_OFFICER))
    ),
    # panel: a meeting is its members' and delegates', and officers'; an item is withheld from anyone with a
    # conflict on it, whatever their role
    PanelMeeting: lambda viewer, meeting: meeting.takes_part(viewer.id) or viewer.has_role(Role.GRANTS_OFFICER),
    PanelItem: lambda viewer, item: can_see(viewer, item.meeting) and not item.conflicted(viewer.id),
    # signposting: the directory is the officers'; a signpost is the officers', and its group's once sent
    **dict.fromkeys((Funder, Programme), lambda viewer, _obj: viewer.has_role(Role.GRANTS_OFFICER)),
    Signpost: lambda viewer, signpost: (
        viewer.has_role(Role.GRANTS_OFFICER) or (signpost.is_sent and signpost.organisation.has_member(viewer.id))
    ),
    Suggestion: lambda viewer, suggestion: can_see(viewer, suggestion.signpost),
    # agreements: officers and finance see every one; a group sees its own once offered, and of its versions
    # those offered to it; assessors and the panel see none
    StandardTerms: lambda viewer, _terms: bool(viewer.roles & {Role.ADMINISTRATOR, Role.GRANTS_OFFICER}),
    Agreement: lambda viewer, agreement: (
        _staff(viewer) or (agreement.offered and agreement.organisation.has_member(viewer.id))
    ),
    AgreementVersion: lambda viewer, version: (
        can_see(viewer, version.agreement) and (_staff(viewer) or version.offered_at is not None)
    ),
    **dict.fromkeys(
        (MonitoringPeriod, Termination, Instalment, MonitoringReturn, SustainabilityPlan, Closure),
        lambda viewer, obj: can_see(viewer, obj.agreement),
    ),
    ReturnEvidence: lambda viewer, evidence: can_see(viewer, evidence.return_),
}


def _meeting_of(obj: Any) -> PanelMeeting:
    return obj if isinstance(obj, PanelMeeting) else obj.meeting


def _organisation_of(obj: Any) -> Organisation:
    return obj if isinstance(obj, Organisation) else obj.organisation


# Actions that, on a particular object, need more than the role: checked after the role rule.
OBJECT_RULES: dict[str, Callable[[User, Any], bool]] = {
    # Staff may see any group, but only its members change it, even if they are applicants elsewhere.
    "manage_organisation": lambda user, obj: _organisation_of(obj).has_member(user.id),
    "apply": lambda user, obj: _organisation_of(obj).has_member(user.id),
    "assess": lambda user, assignment: assignment.assessor_id == user.id,
    "chair_panels": lambda user, obj: user.id in (_meeting_of(obj).chair_id, _meeting_of(obj).deputy_id),
    "declare_panel_conflicts": lambda user, obj: _meeting_of(obj).takes_part(user.id),
    # Officers read every letter and record any outcome; an applicant only their own group's.
    **dict.fromkeys(("read_signposts", "record_signpost_outcomes"), lambda user, obj: _officer_or_member(user, obj)),
    # Staff read every agreement and payment; an applicant only their own group's, and only a member accepts.
    **dict.fromkeys(
        ("view_agreements", "view_payments", "view_returns", "view_sustainability"),
        lambda user, obj: _staff(user) or _organisation_of(obj).has_member(user.id),
    ),
    **dict.fromkeys(
        ("accept_agreements", "submit_returns"), lambda user, obj: _organisation_of(obj).has_member(user.id)
    ),
    # Staff never judge their own group's grant: its returns, its plan, its closure.
    **dict.fromkeys(
        ("review_returns", "manage_sustainability", "close_grants"),
        lambda user, obj: not _organisation_of(obj).has_member(user.id),
    ),
}


def _officer_or_member(user: User, obj: Any) -> bool:
    return user.has_role(Role.GRANTS_OFFICER) or _organisation_of(obj).has_member(user.id)


def can_see(user: Any, obj: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    rule = VISIBILITY_RULES.get(type(obj))
    return rule is not None and rule(user, obj)


def can(user: Any, action: str, obj: Any = None) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if obj is not None and not can_see(user, obj):
        return False
    if not ROLE_RULES[action](user):
        return False
    object_rule = OBJECT_RULES.get(action)
    return obj is None or object_rule is None or object_rule(user, obj)


def authorize(user: Any, action: str, obj: Any = None) -> None:
    """Refuse with 404 when the person may not know the object exists, 403 otherwise."""
    if obj is not None and not can_see(user, obj):
        raise NotFound
    if not can(user, action, obj):
        raise Forbidden


def found(obj: T | None, action: str) -> T:
    """What a view loaded, checked: a 404 when there is nothing (or nothing the person may see), 403 when they may
    see it but not do `action` to it."""
    if obj is None:
        raise NotFound
    authorize(current_user, action, obj)
    return obj


def public(view: F) -> F:
    """Anyone may use this view, signed in or not."""
    view.policy = PUBLIC  # type: ignore[attr-defined]
    return view


def requires(action: str) -> Callable[[F], F]:
    """The person must be signed in, and the role rule for `action` must allow them."""
    if action not in ROLE_RULES:
        raise KeyError(f"no policy rule named {action!r}")

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not can(current_user, action):
                abort(403)
            return view(*args, **kwargs)

        wrapper.policy = action  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator
