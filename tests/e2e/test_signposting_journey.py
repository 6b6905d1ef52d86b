"""Signposting a declined bid to other funders, from the directory to the report: an officer re-verifies a
directory entry flagged as not checked for years, reviews the matching's suggestions for a declined bid (never a
closed programme, never one the group cannot apply to), removes one, adds one they know of, makes a mistake with
the note and sends the letter; the group reads it on their application, tells us one funder gave them a grant
(first forgetting the amount); the report adds it up. Every page is checked with axe-core and photographed
(screenshots/sp*.png).

The data is made through the services, independent of the demo seed and of the other journeys (which share the
live database): its own round, group, panel and directory entries, all named for this journey only."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from playwright.sync_api import Page, expect

from grantsfund.accounts.models import Role
from grantsfund.assessment.models import Recommendation
from grantsfund.common.actor import Actor
from grantsfund.common.dates import london_today
from grantsfund.organisations.models import LegalForm
from grantsfund.panel.decisions import DecisionAnswers
from grantsfund.panel.models import Outcome
from grantsfund.signposting import directory
from grantsfund.signposting.directory import FunderDetails, ProgrammeDetails
from grantsfund.signposting.models import ProgrammeStatus, Reach
from tests.applications import factories
from tests.e2e import builders
from tests.e2e.conftest import check_page
from tests.e2e.test_journeys import PASSWORD, sign_in, success_banner
from tests.organisations import factories as organisations

DOMAIN = "heron-signposts.example.org"
ROUND = "Heron Reach Small Grants 2031"
OFFICER = f"odile.brennan@{DOMAIN}"
MEMBER = f"tomasz.wright@{DOMAIN}"
GROUP = "Heron Reach Welcome Kitchen"
TITLE = "Heron Reach Shared Suppers"
NOTE = "The panel liked your shared suppers. Ask the Heron Vale Trust for a smaller first grant."

# The directory: (funder, programme) for each entry the journey makes.
MATCHING = ("Heron Vale Community Trust", "Neighbourhood Welcome Grants")
ALSO_MATCHING = ("Heron Vale Community Trust", "Heron Lantern Fund")
CLOSED = ("Heronsgate Foundation", "Heron Closed Doors Programme")
CHARITIES_ONLY = ("Heronsgate Foundation", "Heron Registered Charities Fund")
SMALL_GROUPS = ("Heron Mill Trust", "Heron Seedcorn Grants")  # for groups with a smaller income: officer adds it


def title(entry: tuple[str, str]) -> str:
    return f"{entry[0]}: {entry[1]}"


def list_programme(entry: tuple[str, str], **overrides: Any) -> None:
    """A programme in the directory (its funder too, if new), added by the system as an import would."""
    funder_name, name = entry
    funder = directory.find_funder(funder_name)
    if funder is None:
        website = f"https://{funder_name.lower().replace(' ', '-')}.example.org"
        funder = directory.create_funder(FunderDetails(name=funder_name, website=website), actor=Actor.system())
    values: dict[str, Any] = {
        "name": name,
        "reach": Reach.NATIONAL,
        "area": "England",
        "status": ProgrammeStatus.ROLLING,
        "last_verified_on": london_today() - timedelta(days=30),
        "source_url": f"https://example.org/{name.lower().replace(' ', '-')}",
    }
    values.update(overrides)
    directory.create_programme(funder, ProgrammeDetails(**values), actor=Actor.system())


def set_up_a_declined_bid() -> dict[str, Any]:
    """A bid the panel declined and published, from a group of the default kind (an unincorporated community
    group with a yearly income of £12,500), and five directory entries to compare it with."""
    make = builders.make_people(DOMAIN)
    officer = Actor(make(full_name="Odile Brennan", email=OFFICER, roles={Role.GRANTS_OFFICER}))
    round_ = builders.open_round(officer, ROUND)

    member = make(full_name="Tomasz Wright", email=MEMBER)
    group = organisations.organisation(member, name=GROUP, contact_email=f"kitchen@{DOMAIN}")
    application = builders.eligible_bid(
        round_,
        group,
        member,
        officer,
        about=factories.about(round_, title=TITLE),
        budget=factories.budget(450_000),
    )
    builders.score(
        application,
        officer,
        make,
        assessors="Heron",
        mark=2,
        recommendation=Recommendation.DO_NOT_FUND,
        summary="A narrow bid.",
    )

    meeting, chair = builders.three_person_meeting(
        round_,
        officer,
        make,
        people="Heron",
        title="Heron Reach grants panel",
        starts_at=datetime(2031, 3, 10, 18, 0, tzinfo=UTC),
        location="Heron Room, Millbrook Library",
    )
    builders.decide_and_publish(
        meeting,
        application,
        chair,
        officer,
        decision=DecisionAnswers(Outcome.DECLINED, reasons="Too narrow.", feedback="Reach beyond your own members."),
        minutes="One bid declined.",
    )

    theme = application.themes[0].name
    kinds = [LegalForm.UNINCORPORATED_GROUP.value, LegalForm.REGISTERED_CHARITY.value]
    list_programme(
        MATCHING,
        themes=[theme, "Newcomers"],
        legal_forms=kinds,
        min_award_pence=50_000,
        max_award_pence=1_000_000,
        notes="Phone the grants team before applying.",
    )
    list_programme(ALSO_MATCHING, themes=[theme], status=ProgrammeStatus.OPEN, next_deadline=date(2099, 1, 31))
    list_programme(CLOSED, themes=[theme, "Newcomers"], legal_forms=kinds, status=ProgrammeStatus.CLOSED)
    list_programme(CHARITIES_ONLY, themes=[theme, "Newcomers"], legal_forms=[LegalForm.REGISTERED_CHARITY.value])
    # Not checked against the funder's website for years: the directory flags it.
    list_programme(
        SMALL_GROUPS,
        themes=["Newcomers"],
        max_income_pence=500_000,
        last_verified_on=london_today() - timedelta(days=3 * 365),
    )
    return {"reference": application.reference, "round_id": round_.id}


def test_an_officer_signposts_a_declined_bid_and_the_group_reports_a_grant(
    page: Page, new_page: Callable[[], Page], live_db: Callable[..., Any]
) -> None:
    world = live_db(set_up_a_declined_bid)
    reference = world["reference"]

    # 1. The officer first checks the directory: an entry not verified for years is flagged, and re-verified.
    sign_in(page, OFFICER, PASSWORD, screenshot_prefix="sp01")
    page.get_by_role("link", name="Signposting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Signposting")
    page.get_by_role("link", name="Funders directory").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Funders directory")
    page.get_by_label("Funder or programme name").fill("Heron")
    page.get_by_label("Only entries that need checking").check()
    page.get_by_role("button", name="Filter").click()
    flagged = page.locator("table.app-programmes tbody tr")
    expect(flagged).to_have_count(1)
    expect(flagged).to_contain_text(SMALL_GROUPS[1])
    expect(flagged).to_contain_text("Needs checking")
    check_page(page, "sp01-directory-needs-checking")
    flagged.get_by_role("link", name=SMALL_GROUPS[1]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SMALL_GROUPS[1])
    expect(page.locator("main")).to_contain_text("Up to £5,000.00")
    check_page(page, "sp01-programme")
    page.get_by_role("button", name="Mark as checked today").click()
    assert "Marked as checked today" in success_banner(page)
    expect(page.locator(".app-needs-checking")).to_have_count(0)

    # 2. The officer finds the declined bid on the work list and asks for suggestions.
    page.get_by_role("link", name="Signposting", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Signposting")
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text(GROUP)
    expect(row).to_contain_text("Declined")
    expect(row).to_contain_text("Not started")
    check_page(page, "sp02-work-list")
    row.get_by_role("button", name=f"Suggest funders for {reference}").click()

    # The review: the two programmes that fit, best first, with reasons; never the closed or charity-only ones.
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Signposting for {reference}")
    main = page.locator("main")
    suggestions = page.locator(".app-suggestion")
    expect(suggestions).to_have_count(2)
    expect(suggestions.nth(0).get_by_role("heading", level=3)).to_have_text(f"1. {title(MATCHING)} (funder's website)")
    expect(suggestions.nth(1).get_by_role("heading", level=3)).to_contain_text(title(ALSO_MATCHING))
    first = suggestions.nth(0)
    expect(first.get_by_role("heading", name="Why it may suit")).to_be_visible()
    expect(first).to_contain_text("Open to your kind of group (Unincorporated community group)")
    expect(first).to_contain_text("Works across England, including Northbrook Council")
    for never in (CLOSED, CHARITIES_ONLY, SMALL_GROUPS):
        expect(suggestions.filter(has_text=title(never))).to_have_count(0)
    add = page.get_by_label("Add a funder to the list")
    options = add.locator("option")
    expect(options.filter(has_text=title(CLOSED))).to_have_count(0)  # closed: cannot be added either
    expect(options.filter(has_text=title(CHARITIES_ONLY))).to_have_count(1)
    check_page(page, "sp03-review")

    # The officer starts the note and saves it: changing the list of funders keeps it.
    note = page.get_by_label("A personal note to the group (optional)")
    note.fill(NOTE)
    page.get_by_role("button", name="Save the note").click()
    assert "Note saved" in success_banner(page)

    page.get_by_role("button", name=f"Remove {title(ALSO_MATCHING)}").click()
    assert f"{title(ALSO_MATCHING)} removed" in success_banner(page)
    expect(suggestions).to_have_count(1)
    expect(options.filter(has_text=title(ALSO_MATCHING))).to_have_count(1)  # it can go back on the list
    expect(note).to_have_value(NOTE)
    check_page(page, "sp04-removed")

    # The officer knows the group could apply to a programme the matching left out, and adds it.
    expect(options.filter(has_text=title(CHARITIES_ONLY))).to_have_text(
        f"{title(CHARITIES_ONLY)} (does not fit: kind of group)"
    )
    add.select_option(label=f"{title(SMALL_GROUPS)} (does not fit: income)")
    page.get_by_role("button", name="Add funder").click()
    assert f"{title(SMALL_GROUPS)} added" in success_banner(page)
    expect(suggestions).to_have_count(2)
    added = suggestions.nth(1)
    expect(added).to_contain_text("added by an officer")
    expect(added.get_by_role("heading", name="What may not fit")).to_be_visible()
    expect(added).to_contain_text("yours does not (£12,500)")
    check_page(page, "sp05-added")

    # A note that is too long: the error summary, and nothing sent.
    note.fill("x" * 5001)
    page.get_by_role("button", name="Send the letter").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("The note must be 5,000 characters or fewer")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(suggestions).to_have_count(2)
    check_page(page, "sp06-note-too-long")
    note.fill(NOTE)
    page.get_by_role("button", name="Send the letter").click()
    assert re.search(r"Letter sent to 2 addresses", success_banner(page))
    expect(main.get_by_role("heading", name="What happened")).to_be_visible()
    expect(main).to_contain_text(NOTE)
    expect(page.get_by_role("button", name="Send the letter")).to_have_count(0)
    check_page(page, "sp07-sent")

    # 3. The group's member reads the letter on their application and says what happened with one funder.
    group = new_page()
    sign_in(group, MEMBER, PASSWORD, screenshot_prefix="sp08")
    group.get_by_role("link", name="Your applications").click()
    group.get_by_role("link", name=TITLE, exact=True).click()
    expect(group.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(group.get_by_role("heading", level=2, name="Other funders you could try")).to_be_visible()
    expect(group.locator("main")).to_contain_text("we suggested 2 other funders for your project")
    check_page(group, "sp09-application")
    group.get_by_role("link", name="Read the letter and tell us what happened").click()
    expect(group.get_by_role("heading", level=1)).to_have_text("Other funders you could try")
    letter = group.locator("main")
    expect(letter.locator(".govuk-inset-text")).to_have_text(NOTE)
    expect(letter).to_contain_text("We are sorry the panel could not fund your project this time.")
    funders = letter.locator("section.app-letter__funder")
    expect(funders).to_have_count(2)
    matching = funders.filter(has_text=title(MATCHING))
    expect(matching.get_by_role("heading", name="Why it may suit")).to_be_visible()
    expect(matching).to_contain_text("Phone the grants team before applying.")
    expect(funders.filter(has_text=title(SMALL_GROUPS)).get_by_role("heading", name="What may not fit")).to_be_visible()
    expect(letter).not_to_contain_text(title(ALSO_MATCHING))
    check_page(group, "sp10-letter")

    matching.get_by_role("link", name=f"Tell us what happened with {title(MATCHING)}").click()
    expect(group.get_by_role("heading", level=1)).to_have_text(f"What happened with {title(MATCHING)}?")
    check_page(group, "sp11-outcome")
    group.get_by_role("group", name="What happened?").get_by_label("Funded", exact=True).check()
    group.get_by_role("button", name="Save").click()
    summary = group.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter how much the funder gave")
    expect(group).to_have_title(re.compile(r"^Error: What happened with "))
    expect(group.get_by_label("Funded", exact=True)).to_be_checked()
    check_page(group, "sp12-outcome-amount-error")
    summary.get_by_role("link", name="Enter how much the funder gave").click()
    amount = group.get_by_label("If the funder gave a grant, how much?")
    expect(amount).to_be_focused()
    amount.fill("8500")
    group.get_by_label("Anything else to tell us (optional)").fill("For the first year of suppers.")
    group.get_by_role("button", name="Save").click()
    assert f"saved what happened with {title(MATCHING)}" in success_banner(group)
    expect(group.get_by_role("heading", level=1)).to_have_text("Other funders you could try")
    expect(matching).to_contain_text("What happened: Funded (£8,500.00).")
    expect(matching.get_by_role("link", name=f"Change what happened with {title(MATCHING)}")).to_be_visible()
    check_page(group, "sp13-letter-funded")
    group.get_by_role("link", name="Back to your application").click()
    expect(group.locator("main")).to_contain_text(f"{title(MATCHING)}: funded (£8,500.00)")

    # 4. The officer sees the grant on the signpost and in the report.
    page.reload()
    outcome_row = page.get_by_role("table", name="What happened with each funder").get_by_role("row")
    expect(outcome_row.filter(has_text=title(MATCHING))).to_contain_text("£8,500.00")
    page.get_by_role("link", name="Back to signposting").click()
    expect(page.get_by_role("row").filter(has_text=reference)).to_contain_text("1 of 2 outcomes known")
    page.get_by_role("link", name="Signposting report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Signposting report")
    page.get_by_label("Round").select_option(value=str(world["round_id"]))
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#raised")).to_have_text("£8,500.00")
    expect(page.locator("#raised + p")).to_contain_text("raised elsewhere by 1 group we signposted")
    by_round = page.get_by_role("table", name="By round").get_by_role("row").filter(has_text=ROUND)
    expect(by_round).to_contain_text("£8,500.00")
    by_funder = page.get_by_role("table", name="By funder").get_by_role("row").filter(has_text=MATCHING[0])
    expect(by_funder).to_contain_text("£8,500.00")
    check_page(page, "sp14-report")
