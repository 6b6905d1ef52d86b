"""A panel meeting from the pack to the groups' letters: a member reads the pack and declares a conflict; the chair
records attendance (with a delegate), another conflict and three decisions, making two mistakes on the way; an
officer confirms the minutes and publishes; the declined group reads the panel's feedback. Every page is checked
with axe-core and photographed (screenshots/pm*.png).

The data is made through the services, independent of the demo seed and of the other journeys (which share the
live database): its own round, groups, assessors and panel people, all named for this journey only."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from playwright.sync_api import Page, expect
from sqlalchemy import select

from grantsfund.accounts.models import Role, User
from grantsfund.applications.models import Application
from grantsfund.assessment.models import Recommendation
from grantsfund.common.actor import Actor
from grantsfund.extensions import db
from grantsfund.notifications.models import OutboxMessage
from grantsfund.panel import meetings
from grantsfund.panel.meetings import MeetingDetails
from grantsfund.panel.models import PanelRole
from grantsfund.rounds.models import Round
from tests.applications import factories
from tests.e2e import builders
from tests.e2e.conftest import check_page
from tests.e2e.test_journeys import PASSWORD, sign_in, success_banner
from tests.organisations import factories as organisations

DOMAIN = "kestrel-panel.example.org"
ROUND = "Kestrel Vale Neighbourhood Grants 2030"
MEETING = "Kestrel Vale grants panel"
OFFICER = f"olwen.marsh@{DOMAIN}"
CHAIR = f"harriet.pembleton@{DOMAIN}"
MEMBER = f"yusuf.okonkwo@{DOMAIN}"
DEPUTY_NAME, MEMBER_NAME, ABSENT_NAME, DELEGATE_NAME = (
    "Daniel Ashworth",
    "Yusuf Okonkwo",
    "Gwen Tallis",
    "Rosa Delacroix",
)
FEEDBACK = "Show how young people from across the ward will take part, not only the existing members."
REASONS_DECLINED = "Too narrow a reach for the amount asked."


@dataclass(frozen=True)
class Bid:
    group: str
    title: str
    amount_pence: int
    score: int  # every criterion, from every assessor: sets the rank

    @property
    def contact(self) -> str:
        return f"{re.sub(r'[^a-z]+', '-', self.group.lower()).strip('-')}@{DOMAIN}"


# In rank order: approved, approved a reduced amount, declined.
BIDS = [
    Bid("Millbrook Sunday Supper Club", "Millbrook Sunday Suppers", 600_000, 5),
    Bid("Tannery Court Tenants Garden", "Tannery Court Shared Garden", 450_000, 4),
    Bid("Heron Street Youth Film Collective", "Heron Street Film Nights", 320_000, 3),
]


def ranked_bid(round_: Round, officer: Actor, make: Callable[..., User], bid: Bid) -> Application:
    """A submitted, eligible bid, scored by as many assessors as the round needs."""
    member = make(full_name=f"{bid.group} Member")
    group = organisations.organisation(member, name=bid.group, contact_email=bid.contact)
    application = builders.eligible_bid(
        round_,
        group,
        member,
        officer,
        about=factories.about(round_, title=bid.title),
        budget=factories.budget(bid.amount_pence),
    )
    builders.score(
        application,
        officer,
        make,
        assessors=bid.group,
        mark=bid.score,
        recommendation=Recommendation.FUND,
        summary=f"A sound bid from {bid.group}.",
    )
    return application


def set_up_the_meeting() -> dict[str, Any]:
    """Three ranked bids on the agenda of a meeting: a chair, a deputy and two members; quorum 3, delegates
    allowed; and a panel person who is not a member, to attend as a delegate."""
    make = builders.make_people(DOMAIN)
    officer = Actor(make(full_name="Olwen Marsh", email=OFFICER, roles={Role.GRANTS_OFFICER}))
    chair = make(full_name="Harriet Pembleton", email=CHAIR, roles={Role.PANEL_CHAIR, Role.PANEL_MEMBER})
    deputy, member, absent, _delegate = (
        make(full_name=name, email=email, roles={Role.PANEL_MEMBER})
        for name, email in [
            (DEPUTY_NAME, ""),
            (MEMBER_NAME, MEMBER),
            (ABSENT_NAME, ""),
            (DELEGATE_NAME, ""),
        ]
    )
    round_ = builders.open_round(officer, ROUND)
    applications = [ranked_bid(round_, officer, make, bid) for bid in BIDS]
    meeting = meetings.create_meeting(
        round_,
        MeetingDetails(
            title=MEETING,
            starts_at=datetime(2030, 7, 15, 9, 30, tzinfo=UTC),
            location="Kestrel Room, Millbrook Library",
            chair_id=chair.id,
            deputy_id=deputy.id,
            members={
                chair.id: PanelRole.ELECTED_MEMBER,
                deputy.id: PanelRole.OFFICER,
                member.id: PanelRole.COMMUNITY,
                absent.id: PanelRole.PARTNER,
            },
            quorum=3,
            delegates_allowed=True,
        ),
        actor=officer,
    )
    items = meetings.add_to_agenda(meeting, [application.id for application in applications], actor=officer)
    assert [item.application_id for item in items] == [application.id for application in applications]
    return {
        "meeting_id": meeting.id,
        "item_ids": [item.id for item in items],
        "references": [application.reference for application in applications],
        "applicants": [application.submitted_by.email for application in applications],
    }


def test_the_chair_runs_a_meeting_and_an_officer_publishes_its_outcomes(
    page: Page, new_page: Callable[[], Page], live_db: Callable[..., Any]
) -> None:
    world = live_db(set_up_the_meeting)
    meeting_id = world["meeting_id"]
    approved, reduced, declined = world["references"]
    labels = [f"{reference}: {bid.group}" for reference, bid in zip(world["references"], BIDS, strict=True)]

    # 1. A member reads the pack and declares a conflict on the first item, which is then withheld from them.
    sign_in(page, MEMBER, PASSWORD, screenshot_prefix="pm01")
    page.get_by_role("link", name="Panels").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Panel meetings")
    check_page(page, "pm02-panels")
    page.get_by_role("link", name=MEETING, exact=True).click()
    expect(page).to_have_url(re.compile(f"/panels/{meeting_id}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(MEETING)
    expect(page.locator("#meeting-status")).to_contain_text("Scheduled")
    check_page(page, "pm03-meeting-scheduled")
    page.get_by_role("link", name="Read the pack").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Panel pack: {MEETING}")
    expect(page.locator("section.app-pack-item")).to_have_count(3)
    check_page(page, "pm04-pack")
    page.get_by_role("link", name="Back to the meeting").click()
    page.get_by_role("link", name=approved, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(labels[0])
    check_page(page, "pm05-item")
    item_url = page.url
    page.get_by_role("link", name="Declare a conflict of interest on this item").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Declare a conflict of interest")
    check_page(page, "pm06-declare")
    page.get_by_label("The nature of your interest").fill("My partner is the treasurer of the supper club.")
    page.get_by_role("button", name="Declare a conflict and leave this item").click()
    assert f"{approved} is now withheld from you" in success_banner(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text(MEETING)
    expect(page.locator("main")).to_contain_text("1 item is withheld from you because of a conflict of interest.")
    agenda = page.get_by_role("table", name="Items, in rank order")
    expect(agenda).not_to_contain_text(approved)
    expect(agenda).to_contain_text(reduced)
    check_page(page, "pm07-meeting-item-withheld")
    assert page.request.get(item_url).status == 404
    page.get_by_role("link", name="Read the pack").click()
    expect(page.locator("section.app-pack-item")).to_have_count(2)
    expect(page.locator("main")).to_contain_text("1 item is left out of your pack because of a conflict of interest")

    # 2. The chair records attendance (one member sends a delegate) and another conflict, then three decisions.
    chair = new_page()
    sign_in(chair, CHAIR, PASSWORD, screenshot_prefix="pm08")
    chair.get_by_role("link", name="Panels").click()
    chair.get_by_role("link", name=MEETING, exact=True).click()
    expect(chair.get_by_role("heading", level=1)).to_contain_text(MEETING)
    check_page(chair, "pm09-chair-meeting")
    chair.get_by_role("link", name="Record attendance").click()
    expect(chair.get_by_role("heading", level=1)).to_have_text("Attendance")
    check_page(chair, "pm10-attendance")
    for name in ("Harriet Pembleton", DEPUTY_NAME, MEMBER_NAME):
        chair.get_by_role("group", name=re.compile(f"^{name}")).get_by_label("Present", exact=True).check()
    absent = chair.get_by_role("group", name=re.compile(f"^{ABSENT_NAME}"))
    absent.get_by_label("Apologies: delegate attending").check()
    chair.get_by_label(f"Delegate for {ABSENT_NAME}").select_option(label=DELEGATE_NAME)
    chair.get_by_role("button", name="Save attendance").click()
    assert "Attendance recorded" in success_banner(chair)
    expect(chair.get_by_role("heading", level=1)).to_have_text("Conflicts of interest")
    recorded = chair.get_by_role("table", name="Conflicts recorded")
    expect(recorded).to_contain_text(MEMBER_NAME)
    expect(recorded).to_contain_text("treasurer of the supper club")
    check_page(chair, "pm11-conflicts")
    chair.get_by_role("group", name="Who has the conflict?").get_by_label(DELEGATE_NAME).check()
    chair.get_by_role("group", name="On which items?").get_by_label(labels[1]).check()
    chair.get_by_label("The nature of the interest").fill("A trustee of the tenants’ association.")
    chair.get_by_role("button", name="Record the conflict").click()
    assert f"{DELEGATE_NAME}’s conflict recorded" in success_banner(chair)
    expect(recorded.locator("tbody tr")).to_have_count(2)
    expect(recorded).to_contain_text("A trustee of the tenants’ association.")
    check_page(chair, "pm12-conflict-recorded")

    chair.get_by_role("link", name="Go on to the agenda").click()
    expect(chair.locator("#meeting-status")).to_contain_text("In progress")
    expect(chair.get_by_role("table", name="Members and attendance")).to_contain_text(
        f"Apologies: delegate attending: {DELEGATE_NAME}"
    )
    check_page(chair, "pm13-meeting-in-progress")
    chair.get_by_role("link", name=approved, exact=True).click()
    expect(chair.get_by_role("heading", level=1)).to_have_text(labels[0])
    expect(chair.locator("main")).to_contain_text("Quorate: 3 taking part")
    expect(chair.locator("main")).to_contain_text(f"Taking no part (conflict of interest): {MEMBER_NAME}")
    check_page(chair, "pm14-chair-item")
    chair.get_by_role("link", name="Record the decision").click()
    expect(chair.get_by_role("heading", level=1)).to_have_text("Record the decision")
    check_page(chair, "pm15-decision")
    chair.get_by_label("Approve", exact=True).check()
    chair.get_by_label("The panel’s reasons").fill("Strong on mixing; a realistic budget.")
    chair.get_by_role("button", name="Record the decision").click()
    assert f"Decision on {approved} recorded in the log" in success_banner(chair)

    # Approve a reduced amount: first more than the group asked for.
    chair.get_by_role("link", name=f"Record the decision on {reduced}").click()
    chair.get_by_label("Approve a reduced amount").check()
    amount = chair.get_by_label("Reduced amount (if approving a reduced amount)")
    amount.fill("9,000")
    chair.get_by_label("The panel’s reasons").fill("The garden tools can come from the council’s store.")
    chair.get_by_role("button", name="Record the decision").click()
    summary = chair.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("The reduced amount must be more than £0 and less than the £4,500.00 asked for")
    expect(chair).to_have_title(re.compile(r"^Error: "))
    expect(chair.get_by_label("Approve a reduced amount")).to_be_checked()
    expect(amount).to_have_value("9,000")
    check_page(chair, "pm16-decision-amount-error")
    amount.fill("3,500")
    chair.get_by_role("button", name="Record the decision").click()
    assert f"Decision on {reduced} recorded in the log" in success_banner(chair)

    # Decline: first without the feedback the group must be given.
    chair.get_by_role("link", name=f"Record the decision on {declined}").click()
    chair.get_by_label("Decline", exact=True).check()
    chair.get_by_label("The panel’s reasons").fill(REASONS_DECLINED)
    chair.get_by_role("button", name="Record the decision").click()
    expect(chair.locator(".govuk-error-summary")).to_be_focused()
    expect(chair.locator(".govuk-error-summary")).to_contain_text("Enter the feedback for the group")
    expect(chair.get_by_label("The panel’s reasons")).to_have_value(REASONS_DECLINED)
    check_page(chair, "pm17-decision-feedback-error")
    chair.get_by_label("Feedback for the group").fill(FEEDBACK)
    chair.get_by_role("button", name="Record the decision").click()
    assert f"Decision on {declined} recorded in the log" in success_banner(chair)

    decided = chair.get_by_role("table", name="Items, in rank order")
    for reference, outcome in [(approved, "Approved"), (reduced, "Approved a reduced amount"), (declined, "Declined")]:
        expect(decided.get_by_role("row").filter(has_text=reference)).to_contain_text(outcome)
    expect(decided.get_by_role("row").filter(has_text=reduced)).to_contain_text("£3,500.00")
    log = chair.get_by_role("table", name="Decisions log, in the order recorded")
    expect(log.locator("tbody tr")).to_have_count(3)
    expect(log).to_contain_text(f"For the group: {FEEDBACK}")
    expect(chair.get_by_role("link", name="Confirm the minutes")).to_have_count(0)  # for officers only
    check_page(chair, "pm18-meeting-decided")

    # 3. A grants officer confirms the minutes and publishes the outcomes.
    officer = new_page()
    sign_in(officer, OFFICER, PASSWORD, screenshot_prefix="pm19")
    officer.get_by_role("link", name="Panels").click()
    officer.get_by_role("link", name=MEETING, exact=True).click()
    officer.get_by_role("link", name="Confirm the minutes").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("Confirm the minutes")
    check_page(officer, "pm20-minutes")
    officer.get_by_label("Minutes").fill(
        f"Present: Harriet Pembleton (chair), {DEPUTY_NAME}, {MEMBER_NAME}; {DELEGATE_NAME} for {ABSENT_NAME}.\n"
        "Conflicts declared as recorded. Three bids decided as in the log."
    )
    officer.get_by_role("button", name="Confirm the minutes").click()
    assert "Minutes confirmed" in success_banner(officer)
    expect(officer.locator("#meeting-status")).to_contain_text("Minutes confirmed")
    check_page(officer, "pm21-minutes-confirmed")
    officer.get_by_role("button", name="Publish the outcomes").click()
    assert "Outcomes published: 6 letters" in success_banner(officer)
    expect(officer.locator("#meeting-status")).to_contain_text("Outcomes published")
    expect(officer.get_by_role("button", name="Publish the outcomes")).to_have_count(0)
    check_page(officer, "pm22-published")

    def letters() -> dict[str, list[tuple[str, dict[str, Any]]]]:
        to = [bid.contact for bid in BIDS] + world["applicants"]
        rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient.in_(to)))
        sent: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        for message in rows:
            if message.template.startswith("panel/"):
                sent.setdefault(message.recipient, []).append((message.template, dict(message.context)))
        return sent

    sent = live_db(letters)
    for bid, applicant, template in zip(
        BIDS, world["applicants"], ["panel/offer", "panel/offer", "panel/declined"], strict=True
    ):
        for recipient in (bid.contact, applicant):
            assert [letter for letter, _ in sent[recipient]] == [template], recipient
    assert sent[BIDS[1].contact][0][1]["amount"] == "£3,500.00"
    assert sent[BIDS[1].contact][0][1]["reduced"] is True
    assert sent[BIDS[2].contact][0][1]["feedback"] == FEEDBACK
    assert REASONS_DECLINED not in str(sent[BIDS[2].contact][0][1])  # the panel's reasons stay with the panel

    # 4. A member of the declined group reads the panel's decision and feedback.
    applicant = new_page()
    sign_in(applicant, world["applicants"][2], PASSWORD, screenshot_prefix="pm23")
    applicant.get_by_role("link", name="Your applications").click()
    check_page(applicant, "pm24-your-applications")
    applicant.get_by_role("link", name=BIDS[2].title).click()
    expect(applicant.get_by_role("heading", level=1)).to_have_text(BIDS[2].title)
    expect(applicant.get_by_role("heading", level=2, name="The panel’s decision")).to_be_visible()
    main = applicant.locator("main")
    expect(main).to_contain_text("Declined")
    expect(main).to_contain_text(FEEDBACK)
    expect(main).not_to_contain_text(REASONS_DECLINED)
    check_page(applicant, "pm25-application-declined")
