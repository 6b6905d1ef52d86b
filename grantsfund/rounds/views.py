"""Funds and their rounds: set up by grants officers, published as funding available."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from grantsfund import policy
from grantsfund.common.dates import utcnow
from grantsfund.common.errors import DomainError
from grantsfund.common.transactions import commits
from grantsfund.common.web import current_actor
from grantsfund.rounds import forms, library, queries, services
from grantsfund.rounds.models import SCORES, Fund, Round, RoundStatus

bp = Blueprint("rounds", __name__)

MANAGE = "manage_rounds"


# The public: funding available -------------------------------------------------------------------------------


@bp.route("/funding")
@policy.public
def funding_available() -> ResponseReturnValue:
    return render_template("rounds/funding_available.html", rounds=queries.list_open_rounds())


@bp.route("/funding/<int:round_id>")
@policy.public
def show_funding(round_id: int) -> ResponseReturnValue:
    return render_template("rounds/show_funding.html", round=queries.get_open_round(round_id), scores=SCORES)


# Officers: funds ---------------------------------------------------------------------------------------------


def _load_fund(fund_id: int) -> Fund:
    fund = queries.get_fund(fund_id)
    policy.authorize(current_user, MANAGE, fund)
    return fund


def _load_round(round_id: int) -> Round:
    round_ = queries.get_round(round_id)
    policy.authorize(current_user, MANAGE, round_)
    return round_


@bp.route("/funds")
@policy.requires(MANAGE)
def list_funds() -> ResponseReturnValue:
    return render_template("rounds/list_funds.html", funds=queries.list_funds())


@bp.route("/funds/new", methods=["GET", "POST"])
@policy.requires(MANAGE)
@commits
def create_fund() -> ResponseReturnValue:
    form = forms.FundForm()
    if form.validate_on_submit():
        try:
            fund = services.create_fund(
                name=form.name.data, description=form.description.data or "", actor=current_actor()
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash(f"{fund.name} created.", "success")
            return redirect(url_for(".show_fund", fund_id=fund.id))
    return render_template("rounds/fund_form.html", form=form, fund=None)


@bp.route("/funds/<int:fund_id>")
@policy.requires(MANAGE)
def show_fund(fund_id: int) -> ResponseReturnValue:
    return render_template("rounds/show_fund.html", fund=_load_fund(fund_id))


@bp.route("/funds/<int:fund_id>/edit", methods=["GET", "POST"])
@policy.requires(MANAGE)
@commits
def edit_fund(fund_id: int) -> ResponseReturnValue:
    fund = _load_fund(fund_id)
    form = forms.FundForm(obj=fund)
    if form.validate_on_submit():
        try:
            services.update_fund(
                fund, name=form.name.data, description=form.description.data or "", actor=current_actor()
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash("Fund saved.", "success")
            return redirect(url_for(".show_fund", fund_id=fund.id))
    return render_template("rounds/fund_form.html", form=form, fund=fund)


# Officers: rounds --------------------------------------------------------------------------------------------


@bp.route("/funds/<int:fund_id>/rounds/new", methods=["GET", "POST"])
@policy.requires(MANAGE)
@commits
def create_round(fund_id: int) -> ResponseReturnValue:
    fund = _load_fund(fund_id)
    form = forms.NewRoundForm()
    if form.validate_on_submit():
        try:
            round_ = services.create_round(
                fund, name=form.name.data, description=form.description.data or "", actor=current_actor()
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash(f"{round_.name} created with the default criteria. Set it up below.", "success")
            return redirect(url_for(".show_round", round_id=round_.id))
    return render_template("rounds/create_round.html", form=form, fund=fund)


@bp.route("/funds/<int:fund_id>/rounds/copy", methods=["GET", "POST"])
@policy.requires(MANAGE)
@commits
def copy_round(fund_id: int) -> ResponseReturnValue:
    fund = _load_fund(fund_id)
    form = forms.CopyRoundForm(rounds=fund.rounds)
    if form.validate_on_submit():
        source = _load_round(form.source_id())
        try:
            round_ = services.copy_round(source, name=form.name.data, actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash(f"{round_.name} created from {source.name}. Set its dates, then check the rest.", "success")
            return redirect(url_for(".show_round", round_id=round_.id))
    return render_template("rounds/copy_round.html", form=form, fund=fund)


@bp.route("/funds/rounds/<int:round_id>")
@policy.requires(MANAGE)
def show_round(round_id: int) -> ResponseReturnValue:
    round_ = _load_round(round_id)
    return render_template(
        "rounds/show_round.html",
        round=round_,
        problems=services.problems_before_opening(round_) if round_.is_draft else [],
        button=forms.ConfirmForm(),
        now=utcnow(),
    )


@bp.route("/funds/rounds/<int:round_id>/details", methods=["GET", "POST"])
@policy.requires(MANAGE)
@commits
def edit_details(round_id: int) -> ResponseReturnValue:
    round_ = _load_round(round_id)
    form = forms.RoundDetailsForm.for_round(round_)
    if form.validate_on_submit():
        try:
            services.update_round_details(round_, form.details(), actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash("Details, dates and money saved.", "success")
            return redirect(url_for(".show_round", round_id=round_.id))
    return render_template("rounds/edit_details.html", form=form, round=round_)


@bp.route("/funds/rounds/<int:round_id>/themes", methods=["GET", "POST"])
@policy.requires(MANAGE)
@commits
def edit_themes(round_id: int) -> ResponseReturnValue:
    round_ = _load_round(round_id)
    themes = queries.list_themes()
    form = forms.ThemesForm(
        themes=themes,
        data={
            "themes": [str(t.id) for t in round_.themes],
            "legal_forms": [f.value for f in round_.legal_forms],
            "documents": list(round_.required_documents),
        },
    )
    if form.validate_on_submit():
        try:
            services.set_themes_and_legal_forms(
                round_,
                theme_ids=form.theme_ids(),
                legal_forms=form.selected_legal_forms(),
                documents=form.selected_documents(),
                actor=current_actor(),
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash("Themes, who can apply and documents saved.", "success")
            return redirect(url_for(".show_round", round_id=round_.id))
    return render_template("rounds/edit_themes.html", form=form, round=round_, themes=themes)


@bp.route("/funds/rounds/<int:round_id>/indicators", methods=["GET", "POST"])
@policy.requires(MANAGE)
@commits
def edit_indicators(round_id: int) -> ResponseReturnValue:
    round_ = _load_round(round_id)
    indicators = queries.list_indicators()
    form = forms.IndicatorsForm(indicators=indicators, data={"indicators": [str(i.id) for i in round_.indicators]})
    if form.validate_on_submit():
        try:
            services.set_indicators(round_, indicator_ids=form.indicator_ids(), actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash("Outcome indicators saved.", "success")
            return redirect(url_for(".show_round", round_id=round_.id))
    return render_template("rounds/edit_indicators.html", form=form, round=round_)


@bp.route("/funds/rounds/<int:round_id>/scale", methods=["GET", "POST"])
@policy.requires(MANAGE)
@commits
def edit_scale(round_id: int) -> ResponseReturnValue:
    round_ = _load_round(round_id)
    form = forms.ScaleForm(
        data={f"label_{score}": label for score, label in zip(SCORES, round_.score_labels, strict=False)}
    )
    if form.validate_on_submit():
        try:
            services.set_score_labels(round_, form.labels(), actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash("Scoring scale saved.", "success")
            return redirect(url_for(".list_criteria", round_id=round_.id))
    return render_template("rounds/edit_scale.html", form=form, round=round_)


# Eligibility questions ---------------------------------------------------------------------------------------


@bp.route("/funds/rounds/<int:round_id>/questions")
@policy.requires(MANAGE)
def list_questions(round_id: int) -> ResponseReturnValue:
    round_ = _load_round(round_id)
    return render_template("rounds/list_questions.html", round=round_, button=forms.ConfirmForm())


@bp.route("/funds/rounds/<int:round_id>/questions/new", methods=["GET", "POST"])
@policy.requires(MANAGE)
@commits
def add_question(round_id: int) -> ResponseReturnValue:
    round_ = _load_round(round_id)
    form = forms.QuestionForm()
    if form.validate_on_submit():
        try:
            services.add_question(
                round_,
                text=form.text.data,
                qualifying_answer=form.qualifies_with_yes(),
                explanation=form.explanation.data,
                actor=current_actor(),
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash("Question added.", "success")
            return redirect(url_for(".list_questions", round_id=round_.id))
    return render_template("rounds/question_form.html", form=form, round=round_, question=None)


@bp.route("/funds/rounds/<int:round_id>/questions/<int:question_id>", methods=["GET", "POST"])
@policy.requires(MANAGE)
@commits
def edit_question(round_id: int, question_id: int) -> ResponseReturnValue:
    round_ = _load_round(round_id)
    question = queries.get_question(round_, question_id)
    form = forms.QuestionForm(
        data={
            "text": question.text,
            "qualifying_answer": "yes" if question.qualifying_answer else "no",
            "explanation": question.explanation,
        }
    )
    if form.validate_on_submit():
        try:
            services.update_question(
                question,
                text=form.text.data,
                qualifying_answer=form.qualifies_with_yes(),
                explanation=form.explanation.data,
                actor=current_actor(),
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash("Question saved.", "success")
            return redirect(url_for(".list_questions", round_id=round_.id))
    return render_template("rounds/question_form.html", form=form, round=round_, question=question)


def _question_action(
    round_id: int, question_id: int, action: Callable[..., Any], done: str, **kwargs: Any
) -> ResponseReturnValue:
    round_ = _load_round(round_id)
    question = queries.get_question(round_, question_id)
    if forms.ConfirmForm().validate_on_submit():
        try:
            action(question, actor=current_actor(), **kwargs)
        except DomainError as error:
            flash(error.message, "error")
        else:
            if done:
                flash(done, "success")
    return redirect(url_for(".list_questions", round_id=round_.id))


@bp.route("/funds/rounds/<int:round_id>/questions/<int:question_id>/remove", methods=["POST"])
@policy.requires(MANAGE)
@commits
def remove_question(round_id: int, question_id: int) -> ResponseReturnValue:
    return _question_action(round_id, question_id, services.remove_question, "Question removed.")


@bp.route("/funds/rounds/<int:round_id>/questions/<int:question_id>/move", methods=["POST"])
@policy.requires(MANAGE)
@commits
def move_question(round_id: int, question_id: int) -> ResponseReturnValue:
    form = forms.MoveForm()
    if not form.validate_on_submit():
        return redirect(url_for(".list_questions", round_id=round_id))
    return _question_action(round_id, question_id, services.move_question, "", up=form.direction.data == "up")


# Criteria ----------------------------------------------------------------------------------------------------


@bp.route("/funds/rounds/<int:round_id>/criteria")
@policy.requires(MANAGE)
def list_criteria(round_id: int) -> ResponseReturnValue:
    round_ = _load_round(round_id)
    return render_template("rounds/list_criteria.html", round=round_, button=forms.ConfirmForm(), scores=SCORES)


@bp.route("/funds/rounds/<int:round_id>/criteria/new", methods=["GET", "POST"])
@policy.requires(MANAGE)
@commits
def add_criterion(round_id: int) -> ResponseReturnValue:
    round_ = _load_round(round_id)
    form = forms.CriterionForm(score_labels=round_.score_labels)
    if form.validate_on_submit():
        try:
            services.add_criterion(round_, form.details(), actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash("Criterion added.", "success")
            return redirect(url_for(".list_criteria", round_id=round_.id))
    return render_template("rounds/criterion_form.html", form=form, round=round_, criterion=None)


@bp.route("/funds/rounds/<int:round_id>/criteria/<int:criterion_id>", methods=["GET", "POST"])
@policy.requires(MANAGE)
@commits
def edit_criterion(round_id: int, criterion_id: int) -> ResponseReturnValue:
    round_ = _load_round(round_id)
    criterion = queries.get_criterion(round_, criterion_id)
    form = forms.CriterionForm.for_criterion(criterion, score_labels=round_.score_labels)
    if form.validate_on_submit():
        try:
            services.update_criterion(criterion, form.details(), actor=current_actor())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash("Criterion saved.", "success")
            return redirect(url_for(".list_criteria", round_id=round_.id))
    return render_template("rounds/criterion_form.html", form=form, round=round_, criterion=criterion)


@bp.route("/funds/rounds/<int:round_id>/criteria/<int:criterion_id>/remove", methods=["POST"])
@policy.requires(MANAGE)
@commits
def remove_criterion(round_id: int, criterion_id: int) -> ResponseReturnValue:
    round_ = _load_round(round_id)
    criterion = queries.get_criterion(round_, criterion_id)
    if forms.ConfirmForm().validate_on_submit():
        try:
            services.remove_criterion(criterion, actor=current_actor())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash("Criterion removed.", "success")
    return redirect(url_for(".list_criteria", round_id=round_.id))


# The lifecycle -----------------------------------------------------------------------------------------------

DONE = {
    RoundStatus.OPEN: "{name} is open. It is now on the ‘Funding available’ page.",
    RoundStatus.CLOSED: "{name} is closed to new bids.",
    RoundStatus.DECIDED: "{name} is marked as decided.",
    RoundStatus.COMPLETED: "{name} is marked as completed.",
}


def _move_round(round_id: int, target: RoundStatus) -> ResponseReturnValue:
    round_ = _load_round(round_id)
    if forms.ConfirmForm().validate_on_submit():
        try:
            services.TRANSITIONS[target](round_, actor=current_actor())
        except services.RoundNotReady:
            flash(f"{round_.name} cannot open yet. Fix the problems listed on this page first.", "error")
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(DONE[target].format(name=round_.name), "success")
    return redirect(url_for(".show_round", round_id=round_.id))


@bp.route("/funds/rounds/<int:round_id>/open", methods=["POST"])
@policy.requires(MANAGE)
@commits
def open_round(round_id: int) -> ResponseReturnValue:
    return _move_round(round_id, RoundStatus.OPEN)


@bp.route("/funds/rounds/<int:round_id>/close", methods=["POST"])
@policy.requires(MANAGE)
@commits
def close_round(round_id: int) -> ResponseReturnValue:
    return _move_round(round_id, RoundStatus.CLOSED)


@bp.route("/funds/rounds/<int:round_id>/decide", methods=["POST"])
@policy.requires(MANAGE)
@commits
def decide_round(round_id: int) -> ResponseReturnValue:
    return _move_round(round_id, RoundStatus.DECIDED)


@bp.route("/funds/rounds/<int:round_id>/complete", methods=["POST"])
@policy.requires(MANAGE)
@commits
def complete_round(round_id: int) -> ResponseReturnValue:
    return _move_round(round_id, RoundStatus.COMPLETED)


# The indicator library ---------------------------------------------------------------------------------------


@bp.route("/funds/indicators")
@policy.requires(MANAGE)
def list_indicators() -> ResponseReturnValue:
    return render_template("rounds/list_indicators.html", indicators=queries.list_indicators())


@bp.route("/funds/indicators/new", methods=["GET", "POST"])
@policy.requires(MANAGE)
@commits
def add_indicator() -> ResponseReturnValue:
    form = forms.IndicatorForm()
    if form.validate_on_submit():
        try:
            library.add_indicator(
                heading=form.heading.data,
                domain=form.domain.data,
                measure=form.measure.data,
                unit=form.unit.data,
                actor=current_actor(),
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash("Indicator added to the library.", "success")
            return redirect(url_for(".list_indicators"))
    return render_template("rounds/indicator_form.html", form=form, indicator=None)


@bp.route("/funds/indicators/<int:indicator_id>", methods=["GET", "POST"])
@policy.requires(MANAGE)
@commits
def edit_indicator(indicator_id: int) -> ResponseReturnValue:
    indicator = queries.get_indicator(indicator_id)
    policy.authorize(current_user, MANAGE, indicator)
    form = forms.IndicatorForm(obj=indicator)
    if form.validate_on_submit():
        try:
            library.update_indicator(
                indicator,
                heading=form.heading.data,
                domain=form.domain.data,
                measure=form.measure.data,
                unit=form.unit.data,
                actor=current_actor(),
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash("Indicator saved.", "success")
            return redirect(url_for(".list_indicators"))
    return render_template("rounds/indicator_form.html", form=form, indicator=indicator)


# The themes --------------------------------------------------------------------------------------------------


@bp.route("/funds/themes")
@policy.requires(MANAGE)
def list_themes() -> ResponseReturnValue:
    return render_template("rounds/list_themes.html", themes=library.list_themes_in_use())


@bp.route("/funds/themes/new", methods=["GET", "POST"])
@policy.requires(MANAGE)
@commits
def add_theme() -> ResponseReturnValue:
    form = forms.ThemeForm()
    if form.validate_on_submit():
        try:
            theme = library.add_theme(
                name=form.name.data,
                description=form.description.data,
                position=form.position.data,
                actor=current_actor(),
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash(f"{theme.name} added to the themes.", "success")
            return redirect(url_for(".list_themes"))
    return render_template("rounds/theme_form.html", form=form, theme=None)


@bp.route("/funds/themes/<int:theme_id>/edit", methods=["GET", "POST"])
@policy.requires(MANAGE)
@commits
def edit_theme(theme_id: int) -> ResponseReturnValue:
    theme = library.get_theme(theme_id)
    policy.authorize(current_user, MANAGE, theme)
    form = forms.ThemeForm(obj=theme)
    if form.validate_on_submit():
        try:
            library.update_theme(
                theme,
                name=form.name.data,
                description=form.description.data,
                position=form.position.data,
                actor=current_actor(),
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            flash("Theme saved.", "success")
            return redirect(url_for(".list_themes"))
    return render_template("rounds/theme_form.html", form=form, theme=theme)
