"""Demo monitoring: the returns last year's funded groups sent, the officer's reviews of them, and how their plans to
keep going after the grant look now.

- Northbrook Buddies (the demo applicant's group) sent its first return in March 2026; the officer asked how the
  family in its story had agreed to it being used, the network said, and the return was accepted, releasing the
  second instalment. Its final return, due on 30 September, was started in October and is half written: the demo
  applicant can finish and send it, and the officer can then accept it and close the grant.
- Stories Across the Harbour sent its first return (due on 30 April) only last week, so its second instalment is
  still held: the officer's review is waiting, and accepting it releases the payment. Its final return is late.
- Castle Hill Holiday Streets sent both its returns on time and both were accepted; the summer's explains why the
  venue money was not spent. Its final return is not due until December.
- Each plan was started from the bid when the agreement was accepted; officers and finance have reviewed them since
  (the harbour's is red, the holiday streets' amber) and brought the income up to date.

Returns are written by the member of each group who accepted its agreement, through the same services as the pages.
`reminders` then runs as the daily command would today. The caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from grantsfund.accounts.models import User
from grantsfund.agreements.models import Agreement, MonitoringPeriod
from grantsfund.applications.models import Community, FundingStatus
from grantsfund.common.actor import Actor
from grantsfund.demo.services import on
from grantsfund.monitoring import reminders, returns, sustainability
from grantsfund.monitoring.models import Delivery, MonitoringReturn, Rag, ReturnSection
from grantsfund.monitoring.outcomes import PERCENT
from grantsfund.monitoring.returns import Activities, Beneficiaries, OutcomeActual, PlannedActivity, Spent, Story
from grantsfund.monitoring.sustainability import IncomeLine


@dataclass(frozen=True)
class Written:
    """What a group wrote in a return. Figures are worked out from the grant: `share` of each count target (a
    percentage reaches `share` of its target), and of the people the bid expected to reach; spending as expected by
    the period's end, except the lines in `spent` ({item: (pence, why)})."""

    progress: str
    story_title: str
    story: str
    consent_note: str
    risks: str
    sustainability: str
    share: float
    spent: dict[str, tuple[int, str]] | None = None


def _member(agreement: Agreement) -> Actor:
    version = agreement.in_force
    member: User | None = version.accepted_by if version is not None else None
    if member is None:
        raise LookupError(f"nobody accepted {agreement.reference}")
    return Actor(user=member)


def _period(agreement: Agreement, number: int) -> MonitoringPeriod:
    period = agreement.period(number)
    if period is None:
        raise LookupError(f"{agreement.reference} has no monitoring period {number}")
    return period


def _outcomes(ret: MonitoringReturn, share: float) -> list[OutcomeActual]:
    return [
        OutcomeActual(
            actual=round(outcome.target * share)
            if outcome.unit != PERCENT
            else min(100, round(outcome.target * share)),
            comment="Counted from our sign-in sheets and the feedback forms at each session.",
        )
        for outcome in ret.outcomes
    ]


def _beneficiaries(ret: MonitoringReturn, share: float) -> list[Beneficiaries]:
    """The bid's expected reach, `share` of it this period, mostly from the first community in the first ward."""
    application = ret.agreement.application
    people = round((application.estimated_people or 40) * share)
    communities = application.community_values or [Community.OTHER]
    wards = returns.wards_for(ret) or []
    first_ward = wards[0].id if wards else None
    rows = [Beneficiaries(communities[0], first_ward, people - people // 3)]
    second = communities[1] if len(communities) > 1 else Community.OTHER
    rows.append(Beneficiaries(second, wards[1].id if len(wards) > 1 else None, people // 3))
    return rows


def _spend(ret: MonitoringReturn, written: Written) -> list[Spent]:
    spent = written.spent or {}
    answers = []
    for line in ret.spend:
        if line.item in spent:
            pence, why = spent[line.item]
            answers.append(Spent(pence, why))
        else:
            answers.append(Spent(returns.spend_variance(ret, line, 0).expected_pence))
    return answers


def _activities(ret: MonitoringReturn) -> Activities:
    planned = [entry for entry in ret.activities if not entry.get("added")]
    return Activities(planned=[PlannedActivity(Delivery.DELIVERED, "As planned.") for _entry in planned])


def _answers(ret: MonitoringReturn, written: Written) -> dict[ReturnSection, returns.SectionAnswers]:
    return {
        ReturnSection.PROGRESS: written.progress,
        ReturnSection.ACTIVITIES: _activities(ret),
        ReturnSection.BENEFICIARIES: _beneficiaries(ret, written.share),
        ReturnSection.OUTCOMES: _outcomes(ret, written.share),
        ReturnSection.SPEND: _spend(ret, written),
        ReturnSection.STORY: Story(written.story_title, written.story, consent=True, consent_note=written.consent_note),
        ReturnSection.RISKS: written.risks,
        ReturnSection.SUSTAINABILITY: written.sustainability,
        ReturnSection.EVIDENCE: None,
    }


def write(
    agreement: Agreement,
    number: int,
    written: Written,
    *,
    started: datetime,
    sections: tuple[ReturnSection, ...] = tuple(ReturnSection),
) -> MonitoringReturn:
    """The group starts the period's return and completes `sections` of it."""
    member = _member(agreement)
    ret = returns.start(_period(agreement, number), actor=member, now=started)
    answers = _answers(ret, written)
    for section in sections:
        returns.save_section(ret, section, answers[section], completed=True, actor=member, now=started)
    return ret


def send(
    agreement: Agreement, number: int, written: Written, *, started: datetime, submitted: datetime
) -> MonitoringReturn:
    ret = write(agreement, number, written, started=started)
    returns.submit(ret, actor=_member(agreement), now=submitted)
    return ret


def accept(ret: MonitoringReturn, officer: Actor, *, now: datetime, note: str = "") -> None:
    returns.accept(ret, actor=officer, note=note, now=now)


def ask_for_changes(ret: MonitoringReturn, officer: Actor, *, now: datetime, story: str, note: str) -> None:
    returns.request_changes(ret, comments={ReturnSection.STORY: story}, note=note, actor=officer, now=now)


def resend_story(ret: MonitoringReturn, consent_note: str, *, now: datetime) -> None:
    """The group answers a question about its story's consent, and sends the return again."""
    member = _member(ret.agreement)
    current = returns.current_answers(ret, ReturnSection.STORY)
    story = Story(current.title, current.story, consent=True, consent_note=consent_note)
    returns.save_section(ret, ReturnSection.STORY, story, completed=True, actor=member, now=now)
    returns.submit(ret, actor=member, now=now)


def review_plan(
    agreement: Agreement,
    reviewer: Actor,
    *,
    rag: Rag,
    note: str,
    reviewed_on: date,
    now: datetime,
    income: list[IncomeLine] | None = None,
) -> None:
    plan = sustainability.plan_for(agreement)
    if plan is None:
        raise LookupError(f"{agreement.reference} has no sustainability plan")
    if income is not None:
        sustainability.update_income(plan, income, actor=reviewer, now=now)
    sustainability.review(plan, rag=rag, note=note, reviewed_on=reviewed_on, actor=reviewer, now=now)


def income(
    source: str, pounds: int, status: FundingStatus, expected_on: date | None = None, note: str = ""
) -> IncomeLine:
    return IncomeLine(source=source, amount_pence=pounds * 100, status=status, expected_on=expected_on, note=note)


def remind(now: datetime) -> reminders.Summary:
    return reminders.remind(now=now)


# What the groups wrote ---------------------------------------------------------------------------------------------

BUDDIES_FIRST = Written(
    progress=(
        "Twenty-eight volunteers finished the buddy training in September and October, and 24 families have been "
        "paired with a buddy. Most pairs meet every week; four families moved away from Northbrook and their "
        "buddies have been paired again. The monthly outings have been the highlight: 61 people came to the "
        "family day at Riverside Park."
    ),
    story_title="A first trip to the GP surgery",
    story=(
        "Hana arrived in Northbrook with her two children in September and did not know how to register with a "
        "doctor. Her buddy, Margaret, went with her to the surgery, helped her fill in the forms and showed her "
        "the bus route. Hana now takes other newly arrived mothers to the surgery herself."
    ),
    consent_note="Hana agreed.",
    risks="Two volunteers stepped down over the winter. We have a second training course booked for April.",
    sustainability=(
        "The fundraising committee has raised £1,900 towards keeping the coordinator one day a week, and the "
        "Northbrook Trust has invited a full application."
    ),
    share=0.45,
)
BUDDIES_CONSENT = (
    "Hana signed our consent form in Arabic on 3 February 2026, after our interpreter read it with her. She agreed "
    "to her first name and her story being used in the council's reports, without a photograph."
)
BUDDIES_FINAL = Written(
    progress=(
        "Forty families have now had a buddy. The celebration and buddy awards in August brought 90 people to "
        "the Old Library, and eleven of the families have joined as volunteers for the next group."
    ),
    story_title="",
    story="",
    consent_note="",
    risks="",
    sustainability="",
    share=0.5,
)
HARBOUR_FIRST = Written(
    progress=(
        "Saturday sessions began on 4 October and ran every week except over Christmas. Nine storytellers and 31 "
        "families have taken part; the end-of-term performance in March filled the café. We are sorry this return "
        "is late: our session leader was ill for much of the spring and the café's volunteers kept the sessions "
        "going before the paperwork."
    ),
    story_title="Stories in two languages",
    story=(
        "Mr Costa has lived on the quay for seventy years. He now tells the harbour's old stories to three "
        "families from Syria and Eritrea, and the children tell him theirs back, first in their own languages and "
        "now in English."
    ),
    consent_note="Mr Costa and the parents signed our consent form on 14 March 2026; the children are not named.",
    risks="Our session leader's illness in the spring; a volunteer covered and the sessions did not stop.",
    sustainability=(
        "The library service still means to host the sessions after the grant, but has not yet confirmed a room."
    ),
    share=0.4,
)
HOLIDAY_STREETS_FIRST = Written(
    progress=(
        "The young people's committee (eight members, four from each half of the estate) planned the autumn "
        "half-term trips, which ran in October with 64 young people. The winter cook-off could not run in the "
        "community centre after its roof was found to be unsafe, so we asked to vary the agreement."
    ),
    story_title="The committee's first decision",
    story=(
        "The committee's first vote was on where to go for the autumn trip. Two members from different halves "
        "of the estate, who had never spoken, made the winning case together for the climbing centre."
    ),
    consent_note="Both young people and their parents signed our consent form on 30 October 2025.",
    risks="The community centre's closure (January to September 2026): sessions moved to the summer and autumn.",
    sustainability="The trust's summer fundraiser is booked for July.",
    share=0.35,
)
HOLIDAY_STREETS_SUMMER = Written(
    progress=(
        "The summer programme ran for five weeks from the school on Castle Street while the centre was closed: "
        "sport every weekday and four trips, planned by the committee. 97 young people took part, 52 of them "
        "from the north side of the estate."
    ),
    story_title="A summer on one team",
    story=(
        "Jay and Aaron live on opposite sides of the estate and had been in trouble for fighting. This summer "
        "they were on the same five-a-side team, and they now help run the Tuesday sessions."
    ),
    consent_note="Both young people and their parents signed our consent form on 20 August 2026.",
    risks="The centre reopens in September; if it were delayed again the autumn sessions would move to the school.",
    sustainability="The summer fundraiser raised £2,350 towards next year's trips.",
    share=0.4,
    spent={
        "Sports kit and cooking equipment": (
            120_000,
            "We bought the sports kit in June, but the cooking equipment waits for the reopened centre's kitchen.",
        )
    },
)


# The plans' reviews ----------------------------------------------------------------------------------------------

BUDDIES_INCOME = [
    income("Fundraising committee's pledge", 1_900, FundingStatus.SECURED, note="Raised at the winter quiz and fair."),
    income("Northbrook Trust", 6_000, FundingStatus.PENDING, date(2026, 12, 10), "Full application invited."),
]
HARBOUR_INCOME = [
    income("Library service: a room for the Saturday sessions", 0, FundingStatus.HOPED, note="In kind; not confirmed."),
    income("Café takings from the sessions", 600, FundingStatus.SECURED),
]
HOLIDAY_STREETS_INCOME = [
    income("The trust's summer fundraiser", 2_350, FundingStatus.SECURED),
    income("Castle Hill Rotary", 1_500, FundingStatus.HOPED, date(2027, 1, 31)),
]


def review_plans(
    buddies: Agreement, harbour: Agreement, holiday_streets: Agreement, *, officer: Actor, finance: Actor
) -> None:
    """The officer's and finance's reviews of the three plans in force, as they went."""
    review_plan(
        buddies, officer, rag=Rag.GREEN, reviewed_on=date(2026, 3, 25), now=on(2026, 3, 25, 11, 30),
        note="The pledge is in the bank and the Trust has invited a full bid for the coordinator's second year.",
        income=BUDDIES_INCOME,
    )  # fmt: skip
    review_plan(
        harbour, officer, rag=Rag.RED, reviewed_on=date(2026, 5, 5), now=on(2026, 5, 5, 9, 45),
        note="No first return yet, and the library has not confirmed a room. Call the director this week.",
        income=HARBOUR_INCOME,
    )  # fmt: skip
    review_plan(
        holiday_streets, finance, rag=Rag.AMBER, reviewed_on=date(2026, 9, 28), now=on(2026, 9, 28, 14),
        note="The fundraiser covers about half of next year's trips; the Rotary bid would cover the rest.",
        income=HOLIDAY_STREETS_INCOME,
    )  # fmt: skip


def latest(buddies: Agreement, harbour: Agreement, *, finals_started: datetime, harbour_sent: datetime) -> None:
    """This autumn: the buddies' final return half written, and the harbour's first return sent at last."""
    write(
        buddies,
        2,
        BUDDIES_FINAL,
        started=finals_started,
        sections=(ReturnSection.PROGRESS, ReturnSection.ACTIVITIES, ReturnSection.BENEFICIARIES),
    )
    send(harbour, 1, HARBOUR_FIRST, started=harbour_sent - timedelta(days=2), submitted=harbour_sent)
