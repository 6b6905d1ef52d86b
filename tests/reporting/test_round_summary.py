"""The round summary: applications, money asked for and awarded, success rates by theme, ward, legal form and size,
eligibility and assessment, for a round, a fund or everything; as a page, CSV files and a spreadsheet.

The builders here insert what the earlier stages would have left behind (submitted bids in every status, the
panel's decisions, screening checks, score sheets, moderated scores): those stages have their own tests."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from openpyxl import load_workbook

from grantsfund.accounts.models import Role, User
from grantsfund.applications.models import (
    Application,
    ApplicationStatus,
    EligibilityAnswer,
    EqualityResponse,
)
from grantsfund.assessment.models import (
    Assignment,
    AssignmentStatus,
    CriterionScore,
    EligibilityCheck,
    EligibilityResult,
    ModeratedScore,
    Recommendation,
    ScoreSheet,
)
from grantsfund.extensions import db
from grantsfund.organisations.models import LegalForm, Organisation, Ward
from grantsfund.panel.models import MeetingStatus, Outcome, PanelDecision, PanelItem, PanelMeeting
from grantsfund.reporting.tables import Score, as_html, as_text, as_xlsx
from grantsfund.rounds.models import Criterion, EligibilityQuestion, Fund, Round, RoundStatus, Theme
from tests.conftest import error_messages, page
from tests.fuzzing import assert_no_server_error
from tests.organisations import factories as organisations
from tests.queries import statement_count

URL = "/reports/rounds"
NOW = datetime(2025, 7, 20, 9, 0, tzinfo=UTC)
S = ApplicationStatus
_numbers = itertools.count(1)


# Builders ----------------------------------------------------------------------------------------------------------


def fund(name: str = "Communities Fund") -> Fund:
    made = Fund(name=f"{name} {next(_numbers)}", code=f"T{next(_numbers)}")
    db.session.add(made)
    db.session.flush()
    return made


def round_in(
    fund_: Fund, name: str = "Round 2025/26", *, budget: int | None = 5_000_000, opens: datetime = NOW
) -> Round:
    made = Round(
        fund=fund_,
        name=name,
        status=RoundStatus.DECIDED,
        budget_pence=budget,
        opens_at=opens,
        closes_at=opens + timedelta(days=28),
        assessors_per_bid=2,
        moderation_spread=2,
        essential_threshold=2,
    )
    db.session.add(made)
    db.session.flush()
    return made


def theme(name: str, *, offered_by: Round | None = None) -> Theme:
    made = Theme(name=f"{name} {next(_numbers)}", position=next(_numbers))
    db.session.add(made)
    if offered_by is not None:
        offered_by.themes.append(made)
    db.session.flush()
    return made


def ward(name: str) -> Ward:
    return organisations.ward(name=name, code=f"E05{next(_numbers):06d}")


def group(officer: User, legal_form: LegalForm, income_pence: int) -> Organisation:
    return organisations.organisation(
        officer, name=f"Group {next(_numbers)}", legal_form=legal_form, annual_income_pence=income_pence
    )


def meeting_for(round_: Round, chair: User) -> PanelMeeting:
    existing = db.session.query(PanelMeeting).filter_by(round_id=round_.id).first()
    if existing is not None:
        return existing
    made = PanelMeeting(
        round_id=round_.id, title="Panel", starts_at=NOW, chair_id=chair.id, status=MeetingStatus.PUBLISHED
    )
    db.session.add(made)
    db.session.flush()
    return made


def decide(application: Application, officer: User, outcome: Outcome, amount: int | None = None) -> PanelDecision:
    meeting = meeting_for(application.round, officer)
    item = PanelItem(
        meeting=meeting,
        application=application,
        position=next(_numbers),
        previous_status=S.AT_PANEL,
        pack={},
        added_at=NOW,
    )
    decision = PanelDecision(
        meeting_id=meeting.id,
        item=item,
        round_id=application.round_id,
        application=application,
        outcome=outcome,
        amount_pence=amount,
        reasons="Reasons",
        taking_part=[],
        recorded_by_id=officer.id,
        recorded_at=NOW,
    )
    db.session.add_all([item, decision])
    db.session.flush()
    return decision


def bid(
    round_: Round,
    organisation: Organisation,
    officer: User,
    status: ApplicationStatus,
    amount_pence: int,
    *,
    themes=(),
    wards=(),
    award: int | None = None,
    submitted: bool = True,
) -> Application:
    """A bid in `status`; with `award`, the panel's approval of that amount (declined bids get a decline)."""
    made = Application(
        round_id=round_.id,
        organisation_id=organisation.id,
        created_by_id=officer.id,
        status=status,
        reference=f"TS-{next(_numbers):05d}" if submitted else None,
        title=f"Project {next(_numbers)}",
        amount_requested_pence=amount_pence,
        submitted_at=NOW if submitted else None,
        themes=list(themes),
        wards=list(wards),
    )
    db.session.add(made)
    db.session.flush()
    if award is not None:
        decide(made, officer, Outcome.APPROVED_REDUCED if award < amount_pence else Outcome.APPROVED, award)
    elif status is S.DECLINED:
        decide(made, officer, Outcome.DECLINED)
    return made


def check(application: Application, officer: User, result: EligibilityResult, *unmet: str, at: datetime = NOW) -> None:
    """An officer's screening, with the checklist items `unmet` (keys) failed."""
    labels = {
        "legal_form": "Kind of organisation can apply",
        "amount": "Amount within the round’s limits",
        "documents": "Documents present and current",
    }
    checklist = [
        {"key": key, "label": label, "passed": key not in unmet, "detail": ""} for key, label in labels.items()
    ]
    db.session.add(
        EligibilityCheck(
            application_id=application.id,
            result=result,
            checklist=checklist,
            flags=[],
            reasons="Checked",
            checked_by_id=officer.id,
            checked_at=at,
        )
    )
    db.session.flush()


def question(round_: Round, text: str, position: int) -> EligibilityQuestion:
    made = EligibilityQuestion(
        round_id=round_.id, position=position, text=text, qualifying_answer=True, explanation="No"
    )
    db.session.add(made)
    db.session.flush()
    return made


def ruled_out(round_: Round, organisation: Organisation, officer: User, by: EligibilityQuestion) -> Application:
    """A draft the group withdrew when its answer to `by` ruled it out."""
    made = bid(round_, organisation, officer, S.WITHDRAWN, 0, submitted=False)
    db.session.add(
        EligibilityAnswer(application_id=made.id, question_id=by.id, answer=not by.qualifying_answer, answered_at=NOW)
    )
    db.session.flush()
    return made


def criterion(round_: Round, name: str, *, weight: int = 1, essential: bool = False) -> Criterion:
    made = Criterion(round_id=round_.id, name=name, weight=weight, essential=essential, position=next(_numbers))
    db.session.add(made)
    db.session.flush()
    return made


def scores(
    application: Application,
    assessor: User,
    officer: User,
    given: dict[Criterion, int],
    recommendation: Recommendation | None = None,
    *,
    status: AssignmentStatus = AssignmentStatus.ACCEPTED,
    submitted: bool = True,
) -> None:
    assignment = Assignment(
        application_id=application.id,
        assessor_id=assessor.id,
        status=status,
        due_on=date(2025, 6, 30),
        assigned_by_id=officer.id,
        assigned_at=NOW,
    )
    sheet = ScoreSheet(
        assignment=assignment,
        recommendation=recommendation,
        updated_at=NOW,
        submitted_at=NOW if submitted else None,
        scores=[CriterionScore(criterion_id=c.id, score=score, comment="") for c, score in given.items()],
    )
    db.session.add_all([assignment, sheet])
    db.session.flush()


def moderate(application: Application, of: Criterion, score: int, officer: User, *, at: datetime = NOW) -> None:
    db.session.add(
        ModeratedScore(
            application_id=application.id,
            criterion_id=of.id,
            score=score,
            reason="Agreed",
            moderator_id=officer.id,
            moderated_at=at,
        )
    )
    db.session.flush()


def answers(application: Application, led_by: str | None = None, leadership: list[str] | None = None) -> None:
    db.session.add(
        EqualityResponse(
            application_id=application.id,
            answers={"led_by_communities": led_by, "leadership": leadership or []},
            answered_at=NOW,
        )
    )
    db.session.flush()


# Reading the page ------------------------------------------------------------------------------------------------


def table(response, slug):
    """A report table's body rows, as the text of their cells (the row's heading first)."""
    found = page(response).select_one(f"table#table-{slug}")
    assert found is not None, slug
    return [[cell.get_text(" ", strip=True) for cell in row.select("th, td")] for row in found.select("tbody tr")]


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))


# The round -------------------------------------------------------------------------------------------------------


@pytest.fixture
def officer(make_user):
    return make_user(roles={Role.GRANTS_OFFICER}, full_name="Officer Olu")


@pytest.fixture
def world(officer, make_user):
    """A decided round with seven applications in six states, a draft, three drafts ruled out by eligibility
    questions, screening checks, score sheets (one criterion moderated), and a bid in another fund's round."""
    round_ = round_in(fund())
    food, language, sport = (theme(name, offered_by=round_) for name in ("Food", "Language", "Sport"))
    abbey, castle = ward("Abbey"), ward("Castle Hill")
    charity = group(officer, LegalForm.REGISTERED_CHARITY, 25_000_000)  # £250,000: medium
    informal = group(officer, LegalForm.UNINCORPORATED_GROUP, 500_000)  # £5,000: micro
    cic = group(officer, LegalForm.CIC, 5_000_000)  # £50,000: small
    bids = {
        "reduced": bid(round_, charity, officer, S.APPROVED, 400_000, themes=[food], wards=[abbey], award=350_000),
        "full": bid(
            round_,
            informal,
            officer,
            S.APPROVED,
            1_200_000,
            themes=[food, language],
            wards=[abbey, castle],
            award=1_200_000,
        ),
        "declined": bid(round_, cic, officer, S.DECLINED, 80_000, themes=[language], wards=[castle]),
        "ineligible": bid(round_, informal, officer, S.INELIGIBLE, 600_000, themes=[food]),
        "assessing": bid(round_, charity, officer, S.IN_ASSESSMENT, 200_000, themes=[language], wards=[abbey]),
        "waiting": bid(round_, cic, officer, S.SUBMITTED, 150_000, wards=[castle]),
        "withdrawn": bid(round_, charity, officer, S.WITHDRAWN, 300_000, themes=[food], wards=[abbey]),
    }
    bid(round_, charity, officer, S.DRAFT, 999_900, themes=[food], submitted=False)
    based, religious = (
        question(round_, "Is your group based in the borough?", 1),
        question(round_, "Is it for everyone?", 2),
    )
    for by in (based, based, religious):
        ruled_out(round_, cic, officer, by)
    # Screening: the latest check of each counts (the reduced bid's earlier request for documents does not).
    check(bids["reduced"], officer, EligibilityResult.MORE_INFORMATION, "documents", at=NOW - timedelta(days=9))
    check(bids["reduced"], officer, EligibilityResult.ELIGIBLE)
    check(bids["ineligible"], officer, EligibilityResult.INELIGIBLE, "amount", "documents")
    check(bids["waiting"], officer, EligibilityResult.MORE_INFORMATION, "documents")
    # Assessment: "Need" (weight 2, essential) and "Delivery"; two assessors a bid.
    need, delivery = criterion(round_, "Need", weight=2, essential=True), criterion(round_, "Delivery")
    ann, ben, cal = (make_user(roles={Role.ASSESSOR}) for _ in range(3))
    fund_it, conditions, no = Recommendation.FUND, Recommendation.FUND_WITH_CONDITIONS, Recommendation.DO_NOT_FUND
    scores(bids["reduced"], ann, officer, {need: 4, delivery: 3}, fund_it)
    scores(bids["reduced"], ben, officer, {need: 2, delivery: 3}, conditions)
    moderate(bids["reduced"], need, 1, officer, at=NOW - timedelta(hours=1))
    moderate(bids["reduced"], need, 3, officer)  # the later agreed score replaces the earlier
    scores(bids["full"], ann, officer, {need: 5, delivery: 4}, fund_it)
    scores(bids["full"], ben, officer, {need: 5, delivery: 5}, fund_it)
    scores(bids["declined"], ann, officer, {need: 1, delivery: 2}, no)
    scores(bids["declined"], ben, officer, {need: 1, delivery: 1}, no)
    scores(bids["assessing"], ann, officer, {need: 3, delivery: 3}, fund_it)
    scores(bids["assessing"], ben, officer, {need: 5, delivery: 5}, fund_it, submitted=False)  # a draft
    scores(bids["assessing"], cal, officer, {need: 0, delivery: 0}, no, status=AssignmentStatus.CONFLICTED)
    # Elsewhere: another fund's round, which the round's figures leave out.
    elsewhere = round_in(fund("Other fund"), "Elsewhere", opens=NOW - timedelta(days=400))
    bid(elsewhere, charity, officer, S.APPROVED, 100_000, themes=[food], award=100_000)
    return {"round": round_, "elsewhere": elsewhere, "bids": bids, "themes": (food, language, sport)}


@pytest.mark.parametrize("role", ["officer_client", "finance_client"])
def test_the_latest_round_is_summed_up(role, client_for, world):
    response = client_for(role).get(URL)

    assert response.status_code == 200
    html = page(response)
    assert html.select_one("h1").get_text(strip=True) == "Round summary"
    assert html.select_one("#scope").get_text(strip=True) == f"{world['round'].fund.name}: Round 2025/26"
    assert html.select_one(f"#round option[value='{world['round'].id}']").has_attr("selected")
    assert table(response, "headline") == [
        ["Applications submitted", "7"],
        ["Amount requested", "£29,300.00"],
        ["Decided (approved, declined or found not eligible)", "4"],
        ["Awards made", "2"],
        ["Amount awarded", "£15,500.00"],
        ["What the approved bids asked for", "£16,000.00"],
        ["Average award", "£7,750.00"],
        ["Success rate (approved ÷ decided)", "50.0%"],
        ["Budget", "£50,000.00"],
        ["Approved by the panel against the budget", "£15,500.00"],
        ["Budget remaining", "£34,500.00"],
    ]
    assert [item.get_text(" ", strip=True) for item in html.select("#headline li")] == [
        "7 applications submitted",
        "£29,300.00 requested",
        "2 awards made",
        "£15,500.00 awarded",
        "50.0% success rate",
        "£34,500.00 of the budget left to award",
    ]
    assert table(response, "progress") == [
        ["Submitted, not yet screened", "1", "£1,500.00"],
        ["Found eligible, waiting for assessors", "0", "£0.00"],
        ["Being assessed", "1", "£2,000.00"],
        ["With the panel", "0", "£0.00"],
        ["Deferred by the panel", "0", "£0.00"],
        ["Approved", "2", "£16,000.00"],
        ["Declined by the panel", "1", "£800.00"],
        ["Found not eligible", "1", "£6,000.00"],
        ["Withdrawn", "1", "£3,000.00"],
        ["All applications", "7", "£29,300.00"],
    ]


def test_breakdowns_by_theme_ward_legal_form_and_size(officer_client, world):
    response = officer_client.get(URL)

    food, language, sport = world["themes"]
    assert table(response, "by-theme") == [
        [food.name, "4", "£25,000.00", "3", "2", "£15,500.00", "66.7%"],
        [language.name, "3", "£14,800.00", "2", "1", "£12,000.00", "50.0%"],
        [sport.name, "0", "£0.00", "0", "0", "£0.00", ""],
        ["No theme given", "1", "£1,500.00", "0", "0", "£0.00", ""],
    ]
    assert table(response, "by-ward") == [
        ["Abbey", "4", "£21,000.00", "2", "2", "£15,500.00", "100.0%"],
        ["Castle Hill", "3", "£14,300.00", "2", "1", "£12,000.00", "50.0%"],
        ["Riverside", "0", "£0.00", "0", "0", "£0.00", ""],  # the groups' own ward: listed with no bids
        ["Ward not given", "1", "£6,000.00", "1", "0", "£0.00", "0.0%"],
    ]
    assert table(response, "by-legal-form") == [
        ["Registered charity", "3", "£9,000.00", "1", "1", "£3,500.00", "100.0%"],
        ["Community interest company (CIC)", "2", "£2,300.00", "1", "0", "£0.00", "0.0%"],
        ["Unincorporated community group", "2", "£18,000.00", "2", "1", "£12,000.00", "50.0%"],
        ["All applications", "7", "£29,300.00", "4", "2", "£15,500.00", "50.0%"],
    ]
    assert table(response, "by-amount") == [
        ["Under £1,000", "1", "£800.00", "1", "0", "£0.00", "0.0%"],
        ["£1,000 to £4,999.99", "4", "£10,500.00", "1", "1", "£3,500.00", "100.0%"],
        ["£5,000 to £9,999.99", "1", "£6,000.00", "1", "0", "£0.00", "0.0%"],
        ["£10,000 and over", "1", "£12,000.00", "1", "1", "£12,000.00", "100.0%"],
        ["All applications", "7", "£29,300.00", "4", "2", "£15,500.00", "50.0%"],
    ]
    assert table(response, "by-income") == [
        ["Micro: under £10,000", "2", "£18,000.00", "2", "1", "£12,000.00", "50.0%"],
        ["Small: £10,000 to £99,999.99", "2", "£2,300.00", "1", "0", "£0.00", "0.0%"],
        ["Medium: £100,000 to £999,999.99", "3", "£9,000.00", "1", "1", "£3,500.00", "100.0%"],
        ["Large: £1,000,000 and over", "0", "£0.00", "0", "0", "£0.00", ""],
        ["All applications", "7", "£29,300.00", "4", "2", "£15,500.00", "50.0%"],
    ]
    notes = [note.get_text(strip=True) for note in page(response).select("#table-by-theme ~ p.govuk-body-s")]
    assert any("counts once under each" in note for note in notes)


def test_eligibility_outcomes_checks_and_the_questions_that_stopped_groups(officer_client, world):
    response = officer_client.get(URL)

    assert table(response, "eligibility") == [
        ["Found eligible", "4", "57.1%"],
        ["Found not eligible", "1", "14.3%"],
        ["Waiting for more information from the group", "1", "14.3%"],
        ["Still to screen", "0", "0.0%"],
        ["Withdrawn", "1", "14.3%"],
        ["All applications", "7", "100.0%"],
    ]
    assert table(response, "screening-checks") == [
        ["Documents present and current", "1", "2"],
        ["Amount within the round’s limits", "1", "1"],
    ]
    assert table(response, "eligibility-questions") == [
        ["Is your group based in the borough?", "2"],
        ["Is it for everyone?", "1"],
    ]


def test_assessment_statistics(officer_client, world):
    response = officer_client.get(URL)

    assert table(response, "assessment") == [
        ["Bids with at least one assessment", "4"],
        ["Assessments submitted", "7"],
        ["Bids with every assessment in", "3"],
        ["Average overall score", "60.0%"],  # 60%, 96.7% and 23.3%
        ["Lowest overall score", "23.3%"],
        ["Highest overall score", "96.7%"],
        ["Assessors agreed (within the moderation spread)", "83.3%"],  # 5 of 6 criteria scored twice
        ["Criterion scores where assessors differed by the spread or more", "1"],
        ["Criterion scores moderated", "1"],
        ["Bids with an essential criterion below the pass mark", "1"],
    ]
    assert table(response, "criteria") == [
        ["Need", "4", "3.0", "1", "5", "0.7", "1", "1", "1"],
        ["Delivery", "4", "3.0", "1", "5", "0.7", "0", "0", "Not essential"],
    ]
    assert table(response, "recommendations") == [
        ["Fund", "4"],
        ["Fund with conditions", "1"],
        ["Do not fund", "2"],
        ["All assessments", "7"],
    ]


def test_the_chart_draws_requested_against_awarded_by_theme_before_its_table(officer_client, world):
    html = page(officer_client.get(URL))

    [chart] = html.select("figure.app-chart")
    assert chart["aria-hidden"] == "true"
    assert chart.find_next("table")["id"] == "table-by-theme"
    rows = chart.select(".app-chart__row")
    food, *_ = world["themes"]
    assert rows[0].select_one(".app-chart__label").get_text(strip=True) == food.name
    assert rows[0].select_one(".app-chart__value").get_text(strip=True) == "£25,000.00 requested, £15,500.00 awarded"
    # Every bar against the largest amount requested (£25,000): £15,500 is 62%.
    assert rows[0].select_one("rect.app-chart__outline")["width"] == "100.0%"
    assert rows[0].select_one("rect.app-chart__bar")["width"] == "62.0%"


def test_every_table_has_a_caption_and_a_csv_link_that_keeps_the_round(officer_client, world):
    html = page(officer_client.get(URL))

    round_id = world["round"].id
    for slug in ("headline", "by-theme", "criteria"):
        found = html.select_one(f"table#table-{slug}")
        assert found.select_one("caption").get_text(strip=True)
    link = html.find("a", href=f"{URL}/by-ward.csv?fund=&round={round_id}")
    assert link.get_text(strip=True) == "Download “By ward” (CSV)"
    assert html.select_one("#downloads a")["href"] == f"{URL}.xlsx?fund=&round={round_id}"


def test_a_csv_has_the_table_on_the_page(officer_client, world):
    round_id = world["round"].id
    response = officer_client.get(f"{URL}/by-theme.csv", query_string={"round": round_id})

    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="round-summary-communities-fund-')
    rows = csv_rows(response)
    food, language, sport = world["themes"]
    assert rows == [
        ["Theme", "Applications", "Requested", "Decided", "Approved", "Awarded", "Success rate"],
        [food.name, "4", "25000.00", "3", "2", "15500.00", "66.7"],
        [language.name, "3", "14800.00", "2", "1", "12000.00", "50.0"],
        [sport.name, "0", "0.00", "0", "0", "0.00", ""],
        ["No theme given", "1", "1500.00", "0", "0", "0.00", ""],
    ]


def test_the_spreadsheet_has_every_table_as_numbers(officer_client, world):
    with officer_client.get(f"{URL}.xlsx", query_string={"round": world["round"].id}) as response:
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith('attachment; filename="round-summary-')
        workbook = load_workbook(io.BytesIO(response.get_data()))

    assert len(workbook.sheetnames) == 13
    headline = workbook["At a glance"]
    assert [cell.value for cell in headline[2]] == ["Applications submitted", 7]
    assert [cell.value for cell in headline[3]] == ["Amount requested", 29300]
    assert headline["B3"].number_format == "£#,##0.00"
    themes = workbook["By theme"]
    food, *_ = world["themes"]
    assert [cell.value for cell in themes[2]] == [food.name, 4, 25000, 3, 2, 15500, pytest.approx(2 / 3)]
    assert themes["G2"].number_format == "0.0%"
    # Average scores are numbers too, shown to one decimal place as on the page ("3.0", "0.7").
    criteria = workbook["Scores by criterion"]
    assert [cell.value for cell in criteria[2]] == ["Need", 4, 3, 1, 5, pytest.approx(2 / 3), 1, 1, 1]
    assert criteria["C2"].number_format == criteria["F2"].number_format == "0.0"


@pytest.mark.parametrize(
    ("value", "text"),
    [(Fraction(17, 5), "3.4"), (Fraction(7, 20), "0.4"), (Fraction(2, 3), "0.7"), (Fraction(5), "5.0")],
)
def test_a_score_reads_to_one_decimal_place_and_stays_a_number_in_a_spreadsheet(value, text):
    assert as_text(Score(value)) == as_html(Score(value)) == text  # rounded half up, as shares are
    assert as_xlsx(Score(value)) == (Decimal(value.numerator) / Decimal(value.denominator), "0.0")


def test_a_fund_covers_all_its_rounds_and_everything_covers_every_fund(officer_client, world, officer):
    round_ = world["round"]
    later = round_in(round_.fund, "Round 2026/27", budget=2_000_000, opens=NOW + timedelta(days=365))
    charity = group(officer, LegalForm.CIO, 100)
    bid(later, charity, officer, S.APPROVED, 500_000, award=500_000)

    latest = officer_client.get(URL)
    whole_fund = officer_client.get(URL, query_string={"fund": round_.fund_id, "round": ""})
    everything = officer_client.get(URL, query_string={"fund": "", "round": ""})

    # The later round is now the latest with applications.
    assert table(latest, "headline")[0] == ["Applications submitted", "1"]
    assert page(whole_fund).select_one("#scope").get_text(strip=True) == f"{round_.fund.name}: all rounds"
    assert table(whole_fund, "headline")[0] == ["Applications submitted", "8"]
    assert table(whole_fund, "headline")[8:] == [
        ["Budget", "£70,000.00"],
        ["Approved by the panel against the budget", "£20,500.00"],
        ["Budget remaining", "£49,500.00"],
    ]
    assert page(everything).select_one("#scope").get_text(strip=True) == "Every fund and round"
    assert table(everything, "headline")[0] == ["Applications submitted", "9"]


def test_a_round_with_no_applications_says_so(officer_client, world):
    empty = round_in(fund(), "Round 2027/28", opens=NOW + timedelta(days=800))

    response = officer_client.get(URL, query_string={"round": empty.id})

    assert "No applications have been submitted" in page(response).select_one("#empty").get_text()
    assert not page(response).select("table")
    # A round with no applications is never the one shown first.
    assert page(officer_client.get(URL)).select_one("#scope").get_text(strip=True).endswith("Round 2025/26")


def test_with_no_rounds_at_all_the_page_says_so(officer_client):
    response = officer_client.get(URL)

    assert response.status_code == 200
    assert page(response).select_one("#scope").get_text(strip=True) == "Every fund and round"
    assert page(response).select_one("#empty")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"round": "abc"}, "Select a round from the list"),
        ({"fund": "99999"}, "Select a fund from the list"),
        ({"round": "1.5", "fund": ""}, "Select a round from the list"),
    ],
)
def test_a_bad_filter_is_explained_and_the_latest_round_shown(officer_client, world, query, message):
    response = officer_client.get(URL, query_string=query)

    assert response.status_code == 200
    assert error_messages(response) == [message]
    assert page(response).title.get_text(strip=True).startswith("Error: ")
    assert table(response, "headline")[0] == ["Applications submitted", "7"]


def test_a_round_from_another_fund_is_explained(officer_client, world):
    query = {"fund": world["round"].fund_id, "round": world["elsewhere"].id}

    response = officer_client.get(URL, query_string=query)

    assert error_messages(response) == ["Select a round in the fund you chose, or all rounds"]
    # What was chosen stays chosen.
    assert page(response).select_one(f"#fund option[value='{world['round'].fund_id}']").has_attr("selected")


@pytest.mark.parametrize("download", [f"{URL}.xlsx", f"{URL}/by-theme.csv"])
def test_a_download_with_a_bad_filter_goes_back_to_the_page(officer_client, world, download):
    response = officer_client.get(download, query_string={"round": "abc"})

    assert response.status_code == 302
    assert response.headers["Location"] == f"{URL}?round=abc"


def test_the_page_and_downloads_run_the_same_statements_for_few_bids_or_many(officer_client, officer, make_user):
    round_ = round_in(fund())
    need = criterion(round_, "Need", essential=True)
    food = theme("Food", offered_by=round_)
    assessors = [make_user(roles={Role.ASSESSOR}) for _ in range(2)]
    counts = []
    for more in (2, 6):
        for _ in range(more):
            place = ward(f"Ward {next(_numbers)}")
            made = bid(
                round_,
                group(officer, LegalForm.CIC, 100_000),
                officer,
                S.APPROVED,
                300_000,
                themes=[food],
                wards=[place],
                award=300_000,
            )
            check(made, officer, EligibilityResult.ELIGIBLE, "documents")
            for assessor in assessors:
                scores(made, assessor, officer, {need: 3}, Recommendation.FUND)
            moderate(made, need, 4, officer)
        query = f"?round={round_.id}"
        counts.append(
            [
                statement_count(officer_client, URL + query),
                statement_count(officer_client, f"{URL}/criteria.csv{query}"),
            ]
        )
    assert counts[0] == counts[1]


def test_the_reports_page_lists_the_round_summary(officer_client):
    link = page(officer_client.get("/reports")).find("a", string="Round summary")
    assert link["href"] == URL


@pytest.mark.parametrize(
    "url", [URL, f"{URL}.xlsx", f"{URL}/by-ward.csv", "/reports/equality", "/reports/equality/led-by.csv"]
)
def test_no_filter_causes_a_server_error(officer_client, world, url):
    ids = [str(world["round"].id), str(world["round"].fund_id), str(world["elsewhere"].id), "0", "-1", "1e3", "%00"]
    assert_no_server_error(officer_client, url, ["fund", "round", "submit"], method="GET", extra_values=ids)
