"""Demo: last year's round, decided from start to finish. Ten groups (four of the demo groups and six more) bid
while the round was open in May 2025; in early June the officer found two ineligible and the rest eligible;
three assessors scored each of those twice in late June, and one criterion was moderated. The panel met at
10am on 15 July 2025: the chair declared a conflict on one item and her deputy chaired it, and one member sent
a delegate. It approved five bids (one with conditions, one for a reduced amount), declined two and deferred
one; the minutes were confirmed, the outcomes published on 17 July 2025 and the round marked decided. Also
this year's panel meeting, scheduled on the round's panel date with an empty agenda, as bids are not ranked yet.

The groups, bids, checks, scores and panel go through the services, at 2025 times in order. Two things happen
today instead: the new groups' documents are dated and added as the other demo groups' are, because
submitting a bid checks that the group's documents are current today; and this year's meeting is arranged.

Safe to run again: it adds anything only while last year's round is still open, as demo/rounds.py leaves it,
and by the end the round is decided. The caller commits."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from grantsfund.accounts.models import Role, User
from grantsfund.accounts.services import find_user_by_email
from grantsfund.applications.models import Application, BudgetCategory, Community
from grantsfund.assessment import assignment, eligibility, ranking, scoring
from grantsfund.assessment.eligibility import Decision
from grantsfund.assessment.models import EligibilityResult, Recommendation
from grantsfund.common.actor import Actor
from grantsfund.common.dates import london_to_utc, to_london, utcnow
from grantsfund.common.money import format_pence
from grantsfund.demo.applications import SubmittedBid, submit_bid
from grantsfund.demo.organisations import add_documents
from grantsfund.demo.rounds import LAST_YEAR, THIS_YEAR
from grantsfund.demo.services import demo_person
from grantsfund.extensions import db
from grantsfund.organisations import services as organisations
from grantsfund.organisations.models import LegalForm, Organisation, Ward
from grantsfund.organisations.services import OrganisationDetails
from grantsfund.panel import decisions, meetings, outcomes
from grantsfund.panel.decisions import DecisionAnswers
from grantsfund.panel.meetings import AttendanceAnswer, MeetingDetails
from grantsfund.panel.models import Attendance, Outcome, PanelItem, PanelMeeting, PanelRole
from grantsfund.rounds import services as rounds
from grantsfund.rounds.models import Criterion, Round, RoundStatus

OFFICER_EMAIL = "officer@example.gov.uk"
CHAIR_EMAIL = "chair@example.gov.uk"
PANEL_EMAIL = "panel@example.gov.uk"
LOCATION = "Committee Room 2, Town Hall, Northbrook"


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in 2025, as the council's clocks read it."""
    return london_to_utc(date(2025, month, day), time(hour, minute))


# People ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """Someone who appears in the demo but never signs in: no password."""

    email: str
    full_name: str
    role: Role


ASSESSORS = [
    Person("aled.jones@example.org", "Aled Jones", Role.ASSESSOR),
    Person("kerry-ann.brooks@example.org", "Kerry-Ann Brooks", Role.ASSESSOR),
    Person("imran.siddiqui@example.org", "Imran Siddiqui", Role.ASSESSOR),
]
PANEL_PEOPLE = [
    Person("hannah.kowalski@example.org", "Hannah Kowalski", Role.PANEL_MEMBER),  # Northbrook CVS
    Person("marcus.reid@example.org", "Marcus Reid", Role.PANEL_MEMBER),  # the community safety partnership
    Person("bethan.lloyd@example.org", "Bethan Lloyd", Role.PANEL_MEMBER),  # the council's cohesion lead
    Person("leah.fraser@example.org", "Leah Fraser", Role.PANEL_MEMBER),  # Marcus Reid's delegate
]
# Who sits on the panel, in what capacity: the demo chair, the demo panel member as her deputy, and three more.
PANEL = {
    CHAIR_EMAIL: PanelRole.ELECTED_MEMBER,
    PANEL_EMAIL: PanelRole.ELECTED_MEMBER,
    "hannah.kowalski@example.org": PanelRole.COMMUNITY,
    "marcus.reid@example.org": PanelRole.PARTNER,
    "bethan.lloyd@example.org": PanelRole.OFFICER,
}
DELEGATE = ("marcus.reid@example.org", "leah.fraser@example.org")  # the member, and who attends for them


def _person(person: Person, *, now: datetime) -> User:
    return demo_person(person.email, person.full_name, {person.role}, now=now)


# Groups ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewGroup:
    name: str
    legal_form: LegalForm
    charity_number: str | None
    company_number: str | None
    street: str
    postcode: str
    ward: str
    income_pounds: int
    founded: int
    member: Person


def _member(email: str, full_name: str) -> Person:
    return Person(email, full_name, Role.APPLICANT)


NEW_GROUPS = [
    NewGroup("Riverside Men's Shed", LegalForm.CIO, "1192837", None, "Unit 2, Wharf Road", "NB1 5DS", "Riverside",
             14_600, 2017, _member("ray.collins@example.org", "Ray Collins")),
    NewGroup("Kingsmead Tenants and Residents Association", LegalForm.UNINCORPORATED_GROUP, None, None,
             "Community Room, Elm Court", "NB7 3HQ", "Kingsmead", 3_200, 2011,
             _member("tanya.morris@example.org", "Tanya Morris")),
    NewGroup("Westfield Sports Collective CIC", LegalForm.CIC, None, "13579246", "Westfield Leisure Centre, Park Lane",
             "NB8 6RR", "Westfield", 41_000, 2020, _member("kwame.asante@example.org", "Kwame Asante")),
    NewGroup("Fernlea Arts Collective", LegalForm.COMMUNITY_BENEFIT_SOCIETY, None, None, "The Old Dairy, Fernlea Road",
             "NB9 2LT", "Fernlea", 22_500, 2018, _member("ellie.marsh@example.org", "Ellie Marsh")),
    NewGroup("Abbey Fields Allotment Society", LegalForm.UNINCORPORATED_GROUP, None, None,
             "Abbey Fields Allotments, Mill Road", "NB10 4AF", "Abbey Fields", 2_900, 1976,
             _member("graham.hurst@example.org", "Graham Hurst")),
    NewGroup("Northbrook Twinning Association", LegalForm.REGISTERED_CHARITY, "1061234", None, "14 Market Street",
             "NB2 7PD", "Northbrook Central", 11_800, 1962, _member("monique.laurent@example.org", "Monique Laurent")),
]  # fmt: skip


def _details(group: NewGroup, ward_id: int, number: int) -> OrganisationDetails:
    return OrganisationDetails(
        name=group.name,
        legal_form=group.legal_form,
        charity_number=group.charity_number,
        company_number=group.company_number,
        address_line_1=group.street,
        address_line_2=None,
        town="Northbrook",
        postcode=group.postcode,
        ward_id=ward_id,
        annual_income_pence=group.income_pounds * 100,
        year_established=group.founded,
        has_safeguarding_policy=True,
        has_equality_policy=True,
        contact_name=group.member.full_name,
        contact_email=group.member.email,
        contact_phone=f"01632 960 {201 + number:03d}",
    )


def _add_groups() -> None:
    """The groups that bid last year and are not among the demo groups, each set up by its member in March 2025."""
    wards = {ward.name: ward.id for ward in db.session.scalars(select(Ward))}
    existing = set(db.session.scalars(select(Organisation.name)))
    today = to_london(utcnow()).date()
    for number, group in enumerate(NEW_GROUPS):
        if group.name in existing:
            continue
        created = at(3, 3 + number, 11)
        member = _person(group.member, now=created)
        db.session.flush()
        organisation = organisations.create_organisation(
            _details(group, wards[group.ward], number), actor=Actor(user=member), now=created
        )
        add_documents(organisation, today=today, complete=True)
    db.session.flush()


# Bids, their scores and the panel's decisions -----------------------------------------------------------------


@dataclass(frozen=True)
class Sheet:
    """One assessor's scores, a score for each of the round's criteria in order."""

    scores: tuple[int, int, int, int, int, int, int]
    recommendation: Recommendation
    summary: str


@dataclass(frozen=True)
class LastYearBid:
    group: str
    position: str  # the position of the member who submits it, in the group
    submitted_at: datetime
    bid: SubmittedBid
    ineligible: tuple[str, str] | None = None  # the officer's reasons, and the feedback for the group
    sheets: tuple[Sheet, Sheet] | None = None
    decision: DecisionAnswers | None = None


FUND, CONDITIONS, DO_NOT_FUND = Recommendation.FUND, Recommendation.FUND_WITH_CONDITIONS, Recommendation.DO_NOT_FUND
STAFF, VOLUNTEERS, VENUE = BudgetCategory.STAFF, BudgetCategory.VOLUNTEER_EXPENSES, BudgetCategory.VENUE
EQUIPMENT, MATERIALS, PUBLICITY, OTHER = (
    BudgetCategory.EQUIPMENT,
    BudgetCategory.MATERIALS,
    BudgetCategory.PUBLICITY,
    BudgetCategory.OTHER,
)
NEWCOMERS, OLDER, YOUNG = Community.NEWCOMERS, Community.OLDER_PEOPLE, Community.YOUNG_PEOPLE
WOMEN, DISABLED = Community.WOMEN_NOT_IN_WORK, Community.DISABLED_PEOPLE

BIDS = [
    LastYearBid(
        "Northbrook Welcome Network", "Trustee", at(5, 12, 19, 42),
        SubmittedBid(
            "applicant@example.org",
            "Northbrook Buddies",
            "Families newly arrived in Northbrook are paired with local volunteer buddies for six months of weekly "
            "meet-ups: a walk, a coffee, a first trip to the library or the GP surgery together.",
            "Families placed in Northbrook by the resettlement scheme told our advice drop-in they know nobody "
            "outside their hostel. We saw 140 families in 2024 and had a waiting list for one-to-one support.",
            "Every buddy pair joins a monthly group outing with the other pairs, and buddies are recruited from the "
            "streets where the families now live.",
            ("Northbrook Central", "Riverside"), (NEWCOMERS, WOMEN), 160,
            ("Buddy training for 30 volunteers", "First buddy pairs meet", "Family day at Riverside Park",
             "Celebration and buddy awards"),
            (("Volunteer coordinator, two days a week", STAFF, 1_080_000),
             ("Volunteer travel and refreshments", VOLUNTEERS, 225_000), ("Group outings", OTHER, 180_000)),
            60,
            "Buddies who finish the programme train the next group; our fundraising committee has pledged to keep "
            "the coordinator for one day a week.",
        ),
        sheets=(
            Sheet((5, 4, 4, 4, 4, 4, 5), FUND, "Strong, well-evidenced need and real mixing every week. The "
                  "coordinator post is good value; the outings make sure pairs meet other families."),
            Sheet((4, 4, 5, 4, 4, 3, 5), FUND, "Reaches families nobody else is reaching. The plan to keep the "
                  "coordinator after the grant is a pledge rather than secured, but credible."),
        ),
        decision=DecisionAnswers(
            Outcome.APPROVED,
            reasons="The highest-scoring bid: clear need, weekly mixing, and a network with a track record.",
            feedback="The panel was impressed by how closely the project was shaped by the families themselves.",
        ),
    ),
    LastYearBid(
        "Harbour Languages Cafe Ltd", "Director", at(5, 20, 11, 5),
        SubmittedBid(
            "fatima.noor@example.org",
            "Stories Across the Harbour",
            "Grandparents from the harbour's long-standing families read and tell stories with parents who are "
            "learning English and their under-fives, every Saturday morning in the café.",
            "Parents on the college's ESOL waiting list want to read with their children in English but lack "
            "confidence; older residents told our 2024 survey they rarely meet the harbour's young families.",
            "Each storyteller shares a table with two families, and storytellers and families plan the end-of-term "
            "performance together.",
            ("Harbour",), (NEWCOMERS, OLDER, WOMEN), 90,
            ("Storyteller training", "Saturday sessions begin", "End-of-term performance"),
            (("Session leader", STAFF, 624_000), ("Picture books in six languages", MATERIALS, 216_000),
             ("Storyteller expenses", VOLUNTEERS, 120_000)),
            45,
            "The library service has agreed to host the sessions after the grant, with our storytellers leading them.",
        ),
        sheets=(
            Sheet((4, 4, 4, 3, 3, 3, 4), FUND, "A warm, simple idea that mixes two groups who rarely meet. The "
                  "outcome targets are modest; the library's offer makes it sustainable."),
            Sheet((4, 3, 4, 3, 3, 4, 4), CONDITIONS, "Good mixing and reach. The bid should say how volunteers "
                  "working with under-fives will be checked before sessions begin."),
        ),
        decision=DecisionAnswers(
            Outcome.APPROVED,
            reasons="Good mixing of older residents and young families; sustainable through the library service.",
            feedback="Please tell us when the first Saturday session is, so a member of the panel can visit.",
        ),
    ),
    LastYearBid(
        "Castle Hill Youth Trust", "Chief executive", at(5, 28, 16, 30),
        SubmittedBid(
            "dev.patel@example.org",
            "Castle Hill Holiday Streets",
            "Holiday activity on the estate for 11 to 16 year olds from both its halves: sport, cooking and day "
            "trips in the summer, autumn and winter holidays, planned by a young people's committee.",
            "The estate's two halves have separate youth provision and a history of tension: police recorded 38 "
            "incidents involving young people in the 2024 summer holidays, against 9 in the spring.",
            "Every activity team mixes young people from both halves, and the committee that plans the programme "
            "has an equal number of places for each.",
            ("Castle Hill",), (YOUNG,), 120,
            ("Young people's committee plans the summer programme", "Autumn half-term trips",
             "Winter holiday cook-off for families"),
            (("Youth workers", STAFF, 980_000), ("Minibus hire for six trips", OTHER, 420_000),
             ("Sports kit and cooking equipment", EQUIPMENT, 440_000)),
            50,
            "Committee members train as volunteer leaders, and the trust's summer fundraiser pays for trips after "
            "the grant.",
        ),
        sheets=(
            Sheet((4, 4, 3, 3, 4, 3, 4), FUND, "Tackles a real divide on the estate with a sensible plan run by an "
                  "experienced trust. The young people's committee is a strength."),
            Sheet((4, 3, 3, 3, 2, 3, 3), CONDITIONS, "Good aims, but the minibus hire is expensive for six trips "
                  "and the budget does not show quotes. Fund with a check on transport costs."),
        ),
        decision=DecisionAnswers(
            Outcome.APPROVED_REDUCED,
            amount_pence=1_420_000,
            reasons="Strong on mixing; the minibus hire is poor value when community transport is free.",
            feedback="The panel has funded everything except the minibus hire (£4,200.00): the council's community "
            "transport scheme takes groups on day trips at no charge, and our officer will put you in touch.",
        ),
    ),
    LastYearBid(
        "Orchard Park Faith Forum", "Secretary", at(5, 14, 20, 15),
        SubmittedBid(
            "samuel.adeyemi@example.org",
            "Orchard Park Peace Garden",
            "Neighbours of every faith and none turn the overgrown plot behind St Mary's Hall into a shared garden, "
            "with monthly planting days and a harvest meal.",
            "Residents at our listening events said there is nowhere to meet informally; the plot has been "
            "derelict for ten years and attracts fly-tipping.",
            "Each planting day is hosted in turn by a different congregation, and beds are shared between "
            "households who did not know each other before.",
            ("Orchard Park",), (OLDER, NEWCOMERS, DISABLED), 200,
            ("Site clearance weekend", "Planting days begin", "Harvest meal"),
            (("Tools and raised beds", EQUIPMENT, 385_000), ("Plants, seeds and compost", MATERIALS, 190_000),
             ("Accessible path", OTHER, 150_000)),
            80,
            "The forum's member congregations share the garden's running costs, which are small once it is built.",
        ),
        sheets=(
            Sheet((4, 4, 4, 3, 4, 3, 4), FUND, "A good shared project with hosts from every congregation. Raised "
                  "beds and the path make it open to older and disabled neighbours."),
            Sheet((4, 3, 4, 4, 3, 3, 4), CONDITIONS, "Likely to work, but the bid does not say the group has the "
                  "right to use the plot. Fund once the hall's trustees have agreed in writing."),
        ),
        decision=DecisionAnswers(
            Outcome.APPROVED_WITH_CONDITIONS,
            conditions="Before the first payment, send us written permission from the trustees of St Mary's Hall to "
            "use the plot for at least three years.",
            reasons="A well-supported shared space; the group must show it has the use of the land.",
            feedback="The panel would like to see the garden open to the whole street, not only the congregations.",
        ),
    ),
    LastYearBid(
        "Riverside Men's Shed", "Chair", at(5, 8, 10, 20),
        SubmittedBid(
            "ray.collins@example.org",
            "Shed Share",
            "Older men from the Shed teach woodwork and bike repair to young men newly arrived in Riverside, two "
            "afternoons a week, building benches for the riverside path together.",
            "Our members are mostly retired men who live alone; the refugee charity next door asked us for "
            "practical activity for the young men it supports, who wait months for a college place.",
            "Every bench is built by a mixed pair, and the finished benches are put in at a community day on the "
            "riverside path.",
            ("Riverside",), (OLDER, NEWCOMERS, YOUNG), 70,
            ("Safety induction for new members", "Bench building begins", "Bike repair workshop",
             "Community day on the riverside path"),
            (("Sessional tutor", STAFF, 540_000), ("Timber and bike parts", MATERIALS, 388_000),
             ("Tools and safety equipment", EQUIPMENT, 270_000)),
            40,
            "Young men who learn with us become tutors, and selling benches and repaired bikes pays for materials.",
        ),
        sheets=(
            Sheet((4, 4, 4, 4, 4, 3, 4), FUND, "Two isolated groups working side by side on something useful to "
                  "everyone. Safe, well-run workshop; realistic numbers."),
            Sheet((4, 5, 4, 4, 4, 3, 4), FUND, "Need is very well evidenced, with the refugee charity's support. "
                  "Selling benches is a sensible start on sustainability."),
        ),
        decision=DecisionAnswers(
            Outcome.APPROVED,
            reasons="Brings together two isolated groups around practical work; strong partnership.",
        ),
    ),
    LastYearBid(
        "Kingsmead Tenants and Residents Association", "Chair", at(5, 23, 13, 50),
        SubmittedBid(
            "tanya.morris@example.org",
            "Kingsmead Play Streets",
            "Monthly play-street afternoons on three of the estate's roads, closed to traffic, where children play "
            "out and neighbours from the estate's many communities meet over tea.",
            "Half the estate's children have nowhere safe to play near home, and our 2024 door-knocking survey "
            "found most neighbours know nobody in the next block.",
            "Each afternoon is run by residents from different blocks, and a different community hosts the tea "
            "stall each month.",
            ("Kingsmead",), (YOUNG, NEWCOMERS, OLDER), 400,
            ("Stewards trained", "First play-street afternoon", "Winter indoor play day"),
            (("Steward training and road signs", OTHER, 260_000), ("Play equipment", EQUIPMENT, 240_000),
             ("Tea stall and publicity", PUBLICITY, 140_000)),
            150,
            "Trained stewards keep the afternoons going; the association's summer fair pays for signs and tea.",
        ),
        sheets=(
            Sheet((3, 3, 3, 3, 3, 2, 3), CONDITIONS, "A good idea with support on the estate, but the roads cannot "
                  "be closed without orders the bid does not mention."),
            Sheet((4, 3, 3, 3, 2, 3, 3), CONDITIONS, "Real mixing potential. Deliverability depends on road "
                  "closure orders from highways, which are not yet applied for."),
        ),
        decision=DecisionAnswers(
            Outcome.DEFERRED,
            reasons="The play streets need road closure orders that highways have not yet agreed.",
            feedback="The panel would like to fund this once the road closures are agreed: send us the highways "
            "team's orders and we will bring your bid back to the next panel.",
        ),
    ),
    LastYearBid(
        "Westfield Sports Collective CIC", "Director", at(5, 30, 22, 58),
        SubmittedBid(
            "kwame.asante@example.org",
            "Westfield Fives",
            "A Friday-night five-a-side league for adults at Westfield Leisure Centre, with free pitch hire, kit "
            "for every team and an end-of-season trophy night.",
            "Pitch hire at the leisure centre has risen by a third in two years, and many of our players can no "
            "longer afford to keep playing.",
            "Teams play each other every week and everyone comes together at the trophy night.",
            ("Westfield",), (YOUNG,), 96,
            ("League launch", "Winter season", "Trophy night"),
            (("Pitch hire", VENUE, 780_000), ("Kit for 12 teams", EQUIPMENT, 320_000), ("Referees", STAFF, 150_000)),
            96,
            "Players would pay a small fee per match once the league is established.",
        ),
        sheets=(
            Sheet((2, 3, 3, 2, 3, 3, 2), DO_NOT_FUND, "A popular league, but the players already play together: "
                  "nothing in the plan brings in people from other backgrounds."),
            Sheet((2, 2, 3, 3, 3, 2, 2), DO_NOT_FUND, "This funds existing activity for existing players. No "
                  "evidence of outreach to isolated people or of mixed teams."),
        ),
        decision=DecisionAnswers(
            Outcome.DECLINED,
            reasons="Funds an existing league for existing players; little new mixing.",
            feedback="The panel liked the league's energy but could not see how it would bring together people "
            "from different backgrounds, as most players already play together. A future bid could show how you "
            "will recruit new players from Westfield's newer communities and mix the teams.",
        ),
    ),
    LastYearBid(
        "Fernlea Arts Collective", "Secretary", at(5, 29, 9, 12),
        SubmittedBid(
            "ellie.marsh@example.org",
            "Fernlea Murals",
            "Three large murals on the underpass and the shopping parade, designed with local schoolchildren and "
            "painted by professional artists.",
            "The underpass is covered in graffiti and residents say the parade feels neglected and unsafe after "
            "dark.",
            "Children from the two primary schools take part in design workshops before the artists paint.",
            ("Fernlea",), (YOUNG,), 300,
            ("Design workshops in schools", "Painting begins", "Unveiling"),
            (("Artists' fees", STAFF, 1_500_000), ("Paint and scaffolding", MATERIALS, 550_000),
             ("Unveiling event", OTHER, 150_000)),
            300,
            "The murals will last for years; the collective will look after them.",
        ),
        sheets=(
            Sheet((3, 3, 3, 2, 1, 2, 3), DO_NOT_FUND, "Attractive idea, but the artists' fees are one sum with no "
                  "breakdown and there is no safeguarding plan for the school workshops."),
            Sheet((3, 2, 3, 2, 1, 2, 2), DO_NOT_FUND, "Not deliverable as it stands: no costings, no permission "
                  "from the underpass owner, and no safeguarding arrangements."),
        ),
        decision=DecisionAnswers(
            Outcome.DECLINED,
            reasons="Failed the essential deliverability criterion: no costings or safeguarding plan.",
            feedback="The panel could not see a deliverable plan: the budget does not break down the artists' "
            "fees, and there is no safeguarding plan for the school workshops. We would welcome a new bid with "
            "both; the council's arts development team can help you cost it.",
        ),
    ),
    LastYearBid(
        "Abbey Fields Allotment Society", "Treasurer", at(5, 6, 18, 0),
        SubmittedBid(
            "graham.hurst@example.org",
            "New Polytunnel and Fencing",
            "A polytunnel, new perimeter fencing and a water supply for the society's site, so that members can "
            "grow all year round.",
            "Our fencing is failing, vandals destroyed the old greenhouse last winter, and members carry water "
            "from the road.",
            "Our members already come from many backgrounds and share tools and produce.",
            ("Abbey Fields",), (OLDER,), 60,
            ("Fencing replaced", "Polytunnel built", "Open day"),
            (("Polytunnel", EQUIPMENT, 420_000), ("Perimeter fencing", OTHER, 380_000),
             ("Water supply", OTHER, 90_000)),
            60,
            "Members' rents will maintain the new fencing and polytunnel.",
        ),
        ineligible=(
            "Capital works for the society's existing members; no activity that brings people together.",
            "The Communities Fund pays for activities that bring people from different backgrounds together; it "
            "cannot pay for equipment or building works on their own. The council's community assets fund may help "
            "with the polytunnel and fencing, and we would welcome a bid for open growing sessions on your site.",
        ),
    ),
    LastYearBid(
        "Northbrook Twinning Association", "Chair", at(5, 16, 15, 45),
        SubmittedBid(
            "monique.laurent@example.org",
            "Exchange Visit to Saint-Aubin",
            "A week-long visit for 30 residents to our twin town in Normandy, staying with host families, with a "
            "return visit to Northbrook the following summer.",
            "Membership has fallen since 2020 and younger residents have never taken part in an exchange.",
            "Residents stay with French host families and take part in the town's summer festival.",
            ("Northbrook Central",), (OLDER, YOUNG), 30,
            ("Visit to Saint-Aubin", "Return visit planning", "Welcome evening for visitors"),
            (("Coach and ferry", OTHER, 1_150_000), ("Accommodation", VENUE, 350_000), ("Interpreter", STAFF, 100_000)),
            30,
            "Members' subscriptions pay for future visits.",
        ),
        ineligible=(
            "A visit abroad for the association's members: the project does not take place in the borough.",
            "The fund pays for projects that help people who live in the borough mix with each other here, so we "
            "cannot fund a visit abroad. The return visit could be the heart of a new bid if it brings residents "
            "from different backgrounds together in Northbrook.",
        ),
    ),
]  # fmt: skip

ELIGIBLE_REASONS = "Every item on the checklist met; documents current when submitted."
WARNINGS_CHECKED = "Checked the warning signs with the group: a shared contact, nothing of concern."
# The moderation case: the assessors differed by two on whether the youth trust's budget is good value.
MODERATED = (
    "Castle Hill Holiday Streets",
    "Deliverability and value for money",
    3,
    "Discussed with both assessors: the staffing plan is sound, but the minibus hire is high for six trips. "
    "Agreed at 3.",
)
# The conflict declared at the meeting: the chair, on the garden behind a hall she is a trustee of.
CONFLICT = (
    "Orchard Park Peace Garden",
    CHAIR_EMAIL,
    "I am a trustee of St Mary's Hall, whose land the garden would use.",
)
# An assessor's comment on a criterion: how strong the evidence is (by score), and of what.
LEVELS = ["No", "Very little", "Limited", "Some", "Good", "Excellent"]
EVIDENCE = {
    "Brings people together": "regular, shared activity between people from different backgrounds",
    "Local need and community involvement": "local need, or of the community shaping the project",
    "Fit with the fund's themes": "a fit with the fund's themes",
    "Clear and measurable outcomes": "clear outcomes with realistic targets",
    "Deliverability and value for money": "a deliverable plan and a budget that is good value",
    "Sustainability beyond the grant": "how the work will carry on after the grant",
    "Reach to isolated or seldom-heard people": "reach to people who are isolated or seldom heard",
}


# The round, from submission to decision -------------------------------------------------------------------------


def _submit(round_: Round, spec: LastYearBid) -> Application:
    """The member starts the bid a fortnight before submitting it, and completes a section a day."""
    group = db.session.scalars(select(Organisation).where(Organisation.name == spec.group)).one()
    member = find_user_by_email(spec.bid.member_email)
    if member is None:
        raise LookupError(f"No demo member {spec.bid.member_email}")
    return submit_bid(
        round_,
        group,
        member,
        spec.bid,
        position=spec.position,
        started=spec.submitted_at - timedelta(days=14),
        submitted_at=spec.submitted_at,
        gap=timedelta(days=1),
    )


def _check_eligibility(bids: list[tuple[LastYearBid, Application]], officer: Actor) -> None:
    """The officer works through the bids on 9 June 2025, in the order they came in."""
    for number, (spec, application) in enumerate(bids):
        if spec.ineligible is None:
            warned = bool(eligibility.flags(application))
            decision = Decision(
                EligibilityResult.ELIGIBLE, ELIGIBLE_REASONS + (f" {WARNINGS_CHECKED}" if warned else "")
            )
        else:
            decision = Decision(EligibilityResult.INELIGIBLE, *spec.ineligible)
        now = at(6, 9, 9, 30) + timedelta(minutes=40 * number)
        eligibility.record_decision(application, decision, actor=officer, now=now)


def _comment(criterion: Criterion, score: int) -> str:
    return f"{LEVELS[score]} evidence of {EVIDENCE.get(criterion.name, criterion.name.lower())}."


def _assess(bids: list[tuple[LastYearBid, Application]], assessors: list[User], officer: Actor) -> int:
    """Two assessors for each eligible bid, in turn: assigned on 12 June 2025, declared the next day, scores
    submitted from 23 June. Returns how many score sheets were submitted."""
    scored = [(spec, application) for spec, application in bids if spec.sheets is not None]
    sheets = 0
    for number, (spec, application) in enumerate(scored):
        assert spec.sheets is not None
        for seat, sheet in enumerate(spec.sheets):
            assessor = assessors[(number + seat) % len(assessors)]
            made = assignment.assign(
                application, assessor, due_on=date(2025, 6, 27), actor=officer, now=at(6, 12, 10, 2 * sheets)
            )
            assignment.declare(made, conflict=False, actor=Actor(user=assessor), now=at(6, 13, 9, 3 * sheets))
            criteria = list(application.round.criteria)
            answers = scoring.SheetAnswers(
                scores=[
                    scoring.ScoreAnswer(criterion.id, score, _comment(criterion, score))
                    for criterion, score in zip(criteria, sheet.scores, strict=True)
                ],
                recommendation=sheet.recommendation,
                summary=sheet.summary,
            )
            submitted = at(6, 23 + sheets // 4, 10 + 2 * (sheets % 4))
            scoring.save_sheet(made, answers, submit=True, actor=Actor(user=assessor), now=submitted)
            sheets += 1
    return sheets


def _moderate(by_title: dict[str, Application], officer: Actor) -> None:
    title, criterion_name, score, reason = MODERATED
    application = by_title[title]
    criterion = next(c for c in application.round.criteria if c.name == criterion_name)
    ranking.moderate(application, criterion, score=score, reason=reason, actor=officer, now=at(6, 30, 14))


def _meeting_details(round_: Round, starts_at: datetime, people: dict[str, User]) -> MeetingDetails:
    """The panel as its terms of reference set it: three to decide, one of them an elected member, delegates
    allowed; the demo panel member deputises for the chair."""
    return MeetingDetails(
        title=f"{round_.name} panel",
        starts_at=starts_at,
        location=LOCATION,
        chair_id=people[CHAIR_EMAIL].id,
        deputy_id=people[PANEL_EMAIL].id,
        members={people[email].id: capacity for email, capacity in PANEL.items()},
        quorum=3,
        quorum_roles={PanelRole.ELECTED_MEMBER},
        delegates_allowed=True,
    )


def _item(meeting: PanelMeeting, title: str) -> PanelItem:
    return next(item for item in meeting.items if item.application.title == title)


def _hold(meeting: PanelMeeting, people: dict[str, User]) -> None:
    """15 July 2025 from 10am: attendance, the chair's conflict, then each item in rank order, recorded by whoever
    chairs it."""
    answers = {people[email].id: AttendanceAnswer(Attendance.PRESENT) for email in PANEL}
    member, delegate = DELEGATE
    answers[people[member].id] = AttendanceAnswer(Attendance.DELEGATE, people[delegate].id)
    meetings.record_attendance(meeting, answers, actor=Actor(user=people[CHAIR_EMAIL]), now=at(7, 15, 10))
    title, email, reason = CONFLICT
    conflicted = people[email]
    meetings.declare_conflict(
        _item(meeting, title), conflicted, reason=reason, actor=Actor(user=conflicted), now=at(7, 15, 10, 5)
    )
    planned = {spec.bid.title: spec.decision for spec in BIDS}
    for number, item in enumerate(meeting.items):
        answers_for_item = planned[item.application.title or ""]
        chair = meetings.presiding(item)
        if answers_for_item is None or chair is None:
            raise LookupError(f"No decision or chair for {item.application.title}")
        now = at(7, 15, 10, 15) + timedelta(minutes=12 * number)
        decisions.record(item, answers_for_item, actor=Actor(user=chair), now=now)


def _minutes(meeting: PanelMeeting) -> str:
    """What the officer writes up: who came, the interests declared, and each decision."""
    present = [member.user.full_name for member in meeting.members if member.attendance is Attendance.PRESENT]
    lines = [f"Present: {', '.join(present)}."]
    lines += [
        f"Apologies: {member.user.full_name}, with {member.delegate.full_name} attending as delegate."
        for member in meeting.members
        if member.delegate is not None
    ]
    standing = decisions.standing(meeting.items)
    lines += [
        f"{conflict.user.full_name} declared an interest in {item.application.reference} "
        f"({conflict.reason.rstrip('.')}) and left the room; {standing[item.id].recorded_by.full_name} chaired "
        "the item."
        for item in meeting.items
        for conflict in item.conflicts
    ]
    for item in meeting.items:
        decision = standing[item.id]
        amount = f", {format_pence(decision.amount_pence)}" if decision.amount_pence is not None else ""
        lines.append(f"{item.application.reference} {item.application.title}: {decision.outcome.recorded}{amount}.")
    return "\n".join(lines)


def _decide(round_: Round, officer: Actor, people: dict[str, User]) -> PanelMeeting:
    """The meeting, set up on 1 July 2025 with its agenda and pack fixed on 4 July; held, minuted, published."""
    meeting = meetings.create_meeting(
        round_, _meeting_details(round_, at(7, 15, 10), people), actor=officer, now=at(7, 1, 10)
    )
    ranked = [result.application.id for result in meetings.candidates(meeting)]
    meetings.add_to_agenda(meeting, ranked, actor=officer, now=at(7, 4, 15))
    _hold(meeting, people)
    outcomes.confirm_minutes(meeting, minutes=_minutes(meeting), actor=officer, now=at(7, 16, 16))
    outcomes.publish(meeting, actor=officer, now=at(7, 17, 9, 30))
    rounds.decide_round(round_, actor=officer, now=at(7, 17, 9, 45))
    return meeting


def _schedule_this_year(officer: Actor, people: dict[str, User]) -> int:
    """This year's panel, arranged today for 10am on the round's panel date: its agenda waits for the ranking."""
    round_ = _round(THIS_YEAR)
    if round_ is None or round_.panel_date is None or _meetings_of(round_):
        return 0
    starts_at = london_to_utc(round_.panel_date, time(10, 0))
    meetings.create_meeting(round_, _meeting_details(round_, starts_at, people), actor=officer)
    return 1


def _round(name: str) -> Round | None:
    return db.session.scalars(select(Round).where(Round.name == name)).first()


def _meetings_of(round_: Round) -> list[PanelMeeting]:
    return list(db.session.scalars(select(PanelMeeting).where(PanelMeeting.round_id == round_.id)))


def _nothing(round_: Round | None) -> str:
    if round_ is None:
        return f"Decided round: nothing added (there is no {LAST_YEAR} round)"
    if _meetings_of(round_):
        return f"Decided round: nothing added ({round_.name} is {round_.status.label.lower()} already)"
    return (
        f"Decided round: nothing added ({round_.name} was {round_.status.label.lower()} before its bids could be "
        "submitted; reset the database to load them)"
    )


def _people() -> dict[str, User] | None:
    """The demo officer, chair and panel member, and everyone this stage adds, by email; None without the demo
    logins."""
    demo = {email: find_user_by_email(email) for email in (OFFICER_EMAIL, CHAIR_EMAIL, PANEL_EMAIL)}
    found = {email: user for email, user in demo.items() if user is not None}
    if len(found) < len(demo):
        return None
    found |= {person.email: _person(person, now=at(6, 2, 9)) for person in ASSESSORS + PANEL_PEOPLE}
    db.session.flush()
    return found


def seed() -> str:
    """Submit, assess and decide last year's round while it is still open; say what was added."""
    round_ = _round(LAST_YEAR)
    if round_ is None or round_.status is not RoundStatus.OPEN or round_.closes_at is None:
        return _nothing(round_)
    people = _people()
    if people is None:
        return "Decided round: nothing added (no demo officer or panel)"
    officer = Actor(user=people[OFFICER_EMAIL])
    _add_groups()
    bids = [(spec, _submit(round_, spec)) for spec in sorted(BIDS, key=lambda spec: spec.submitted_at)]
    rounds.close_round(round_, actor=Actor.system(), now=round_.closes_at)
    _check_eligibility(bids, officer)
    sheets = _assess(bids, [people[person.email] for person in ASSESSORS], officer)
    _moderate({application.title or "": application for _, application in bids}, officer)
    meeting = _decide(round_, officer, people)
    scheduled = _schedule_this_year(officer, people)
    db.session.flush()
    outcomes_ = Counter(decision.outcome for decision in decisions.standing(meeting.items).values())
    approved = sum(count for outcome, count in outcomes_.items() if outcome.approves)
    return (
        f"Decided round: {len(bids)} bids to {round_.name} ({len(bids) - len(meeting.items)} ineligible, "
        f"{sheets} score sheets, 1 moderation); the panel approved {approved}, declined "
        f"{outcomes_[Outcome.DECLINED]} and deferred {outcomes_[Outcome.DEFERRED]}, committing "
        f"{format_pence(decisions.committed_pence(round_))} of {format_pence(round_.budget_pence or 0)}; "
        f"{scheduled} meeting scheduled for {THIS_YEAR}"
    )
