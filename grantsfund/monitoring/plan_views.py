"""Sustainability plans and closing grants: officers and finance list the plans and the grants at risk, keep each
plan's income up to date and review it; the group reads its own plan. An officer closes a grant once it is ready,
and staff and the group read the closure record."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from grantsfund import policy
from grantsfund.agreements import services as agreements
from grantsfund.agreements.models import Agreement, AgreementStatus
from grantsfund.common.dates import london_today
from grantsfund.common.errors import DomainError
from grantsfund.common.transactions import commits
from grantsfund.common.web import current_actor, page_number
from grantsfund.monitoring import closure, plan_forms, sustainability
from grantsfund.monitoring.closure import Blocker, ClosureRefused, NotReady
from grantsfund.monitoring.models import Closure, Rag, SustainabilityPlan
from grantsfund.rounds import queries as rounds

bp = Blueprint("sustainability", __name__)


def _plan(plan_id: int, action: str = "manage_sustainability") -> SustainabilityPlan:
    return policy.found(sustainability.get_plan(plan_id), action)


def _to_plan(plan: SustainabilityPlan, message: str, category: str = "success") -> ResponseReturnValue:
    flash(message, category)
    return redirect(url_for(".show_plan", plan_id=plan.id))


def _closed(plan: SustainabilityPlan) -> ResponseReturnValue | None:
    """A plan whose grant has ended is a record: its forms are not offered."""
    reason = sustainability.closed_reason(plan.agreement)
    return None if reason is None else _to_plan(plan, reason, "error")


RAG_CHOICES = [(rag.value, rag.label) for rag in Rag] + [(sustainability.NOT_REVIEWED, "Not reviewed yet")]


# The plans, and the grants at risk ---------------------------------------------------------------------------


@bp.route("/sustainability")
@policy.requires("manage_sustainability")
def list_plans() -> ResponseReturnValue:
    choices = rounds.round_choices()
    round_id = request.args.get("round", type=int)
    round_id = round_id if round_id in {value for value, _label in choices} else None
    rag_value = request.args.get("rag", "")
    rag: Rag | str | None = (
        Rag(rag_value) if rag_value in set(Rag) else rag_value if rag_value == sustainability.NOT_REVIEWED else None
    )
    return render_template(
        "monitoring/sustainability/list_plans.html",
        listing=sustainability.list_plans(round_id, rag, page=page_number()),
        rounds=choices,
        round_id=round_id,
        rags=RAG_CHOICES,
        rag=rag_value if rag is not None else "",
    )


@bp.route("/sustainability/at-risk")
@policy.requires("manage_sustainability")
def show_at_risk() -> ResponseReturnValue:
    today = london_today()
    months = current_app.config["AT_RISK_MONTHS"]
    return render_template(
        "monitoring/sustainability/at_risk.html",
        grants=sustainability.at_risk(today=today, months=months),
        today=today,
        months=months,
        horizon=sustainability.at_risk_horizon(today, months),
    )


# One plan ----------------------------------------------------------------------------------------------------


@bp.route("/sustainability/plans/<int:plan_id>")
@policy.requires("view_sustainability")
def show_plan(plan_id: int) -> ResponseReturnValue:
    plan = _plan(plan_id, "view_sustainability")
    return render_template(
        "monitoring/sustainability/show_plan.html",
        plan=plan,
        agreement=plan.agreement,
        totals=sustainability.income_totals(plan),
        staff=policy.can(current_user, "manage_sustainability", plan),
        closed=sustainability.closed_reason(plan.agreement),
    )


@bp.route("/sustainability/plans/<int:plan_id>/income", methods=["GET", "POST"])
@policy.requires("manage_sustainability")
@commits
def edit_income(plan_id: int) -> ResponseReturnValue:
    plan = _plan(plan_id)
    refused = _closed(plan)
    if refused:
        return refused
    form = plan_forms.IncomeForm(data=plan_forms.IncomeForm.saved(plan) if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            sustainability.update_income(plan, form.lines(), actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            return _to_plan(plan, "Income saved.")
    return render_template("monitoring/sustainability/edit_income.html", plan=plan, agreement=plan.agreement, form=form)


@bp.route("/sustainability/plans/<int:plan_id>/review", methods=["GET", "POST"])
@policy.requires("manage_sustainability")
@commits
def review_plan(plan_id: int) -> ResponseReturnValue:
    plan = _plan(plan_id)
    refused = _closed(plan)
    if refused:
        return refused
    form = plan_forms.ReviewForm(data={"reviewed_on": london_today()} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            sustainability.review(
                plan,
                rag=Rag(form.rag.data),
                note=form.note.data or "",
                reviewed_on=form.reviewed_on.data,
                actor=current_actor(),
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            return _to_plan(plan, "Review saved.")
    return render_template("monitoring/sustainability/review_plan.html", plan=plan, agreement=plan.agreement, form=form)


# Closing a grant ---------------------------------------------------------------------------------------------


@bp.route("/grants/ready-to-close")
@policy.requires("close_grants")
def list_ready_to_close() -> ResponseReturnValue:
    return render_template("monitoring/closure/ready_to_close.html", page=closure.ready_to_close(page=page_number()))


def _blocker_links(agreement: Agreement, found: list[Blocker]) -> list[tuple[str, str]]:
    """Each thing in the way, linked to where it is put right."""
    pages = {
        "payments": url_for("payments.show_agreement", agreement_id=agreement.id),
        "return": url_for("monitoring.agreement_returns", agreement_id=agreement.id),
    }
    default = url_for("agreements.show_agreement", agreement_id=agreement.id)
    return [(blocker.message, pages.get(blocker.about, default)) for blocker in found]


def _not_ready(agreement: Agreement, found: list[Blocker]) -> ResponseReturnValue:
    return render_template(
        "monitoring/closure/not_ready.html", agreement=agreement, blockers=_blocker_links(agreement, found)
    )


@bp.route("/grants/<int:agreement_id>/close", methods=["GET", "POST"])
@policy.requires("close_grants")
@commits
def close_grant(agreement_id: int) -> ResponseReturnValue:
    agreement = policy.found(agreements.get_agreement(agreement_id), "close_grants")
    if agreement.status is AgreementStatus.CLOSED:
        flash("This grant is already closed.", "error")
        return redirect(url_for(".show_closure", agreement_id=agreement.id))
    found = closure.blockers(agreement)
    if found:
        return _not_ready(agreement, found)
    form = plan_forms.CloseForm.for_achievements(closure.achievements(agreement), prefill=request.method == "GET")
    if form.validate_on_submit():
        try:
            closure.close(
                agreement,
                achieved=form.achieved(),
                lessons=form["lessons"].data or "",
                continues=form.chosen_continuation(),
                continuation_note=form["continuation_note"].data or "",
                actor=current_actor(),
            )
        except NotReady as error:
            return _not_ready(agreement, error.blockers)
        except ClosureRefused as error:
            for problem in error.problems:
                form.add_error(problem.field, problem.message)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash(f"Grant {agreement.reference} closed. The group has been emailed.", "success")
            return redirect(url_for(".show_closure", agreement_id=agreement.id))
    return render_template("monitoring/closure/close_grant.html", agreement=agreement, form=form)


@bp.route("/grants/<int:agreement_id>/closure")
@policy.requires("view_agreements")
def show_closure(agreement_id: int) -> ResponseReturnValue:
    record = policy.found(closure.get_closure(agreement_id), "view_agreements")
    return render_template(
        "monitoring/closure/show_closure.html",
        closure=record,
        agreement=record.agreement,
        staff=policy.can(current_user, "manage_sustainability"),
    )


# The grant's closure and plan on its agreement page ------------------------------------------------------------


@dataclass(frozen=True)
class OnAgreement:
    plan: SustainabilityPlan | None  # None also when the person may not read it
    closure: Closure | None  # once the grant is closed
    can_close: bool  # an officer, on a grant in force
    blockers: list[tuple[str, str]]  # for that officer: what stands in the way, and where it is put right


@bp.app_template_global("grant_closure")
def grant_closure(agreement: Agreement) -> OnAgreement:
    """What the agreement page shows of the grant's sustainability plan and its closure."""
    plan = sustainability.plan_for(agreement)
    if plan is not None and not policy.can(current_user, "view_sustainability", plan):
        plan = None
    record = closure.closure_for(agreement) if agreement.status is AgreementStatus.CLOSED else None
    can_close = agreement.status is AgreementStatus.ACCEPTED and policy.can(current_user, "close_grants", agreement)
    found = closure.blockers(agreement) if can_close else []
    return OnAgreement(plan, record, can_close, _blocker_links(agreement, found))
