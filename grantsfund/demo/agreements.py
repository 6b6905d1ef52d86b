"""Demo agreements and payments: the standard terms, and last year's five approved bids from the offer to the
money (and, for one of them, back again).

The administrator published the fund's standard terms in June 2025, and a revised version, with the records clause
clarified, in March 2026. After the panel's outcomes were published on 17 July 2025 (demo/decided.py), the officer
drafted four of the agreements on 28 July, moved each grant period to start on 1 September or 1 October (the bids
had asked to start in June, before the panel met) and issued the offers on 30 July; each group accepted in August,
and finance paid the first instalments in the September and October payment runs. Then:

- Northbrook Buddies (the demo applicant's group) sent its first monitoring return on time; once it was accepted
  in March 2026 the second instalment was approved and paid in the April payment run.
- Stories Across the Harbour has not sent its first return, due on 30 April 2026, so the daily hold run on 1 May
  held its second instalment automatically: it is on finance's held list.
- Castle Hill Holiday Streets lost its venue when the community centre closed in January 2026: a variation
  extended the grant by three months and split what was left into two instalments, and the trust accepted it.
  The second instalment is paid; the third was approved a couple of days ago (after the return for the summer
  was accepted), ready for the next payment run.
- Shed Share ended in February 2026 when the Riverside Men's Shed dissolved: the officer terminated the agreement,
  cancelling the unpaid instalment, and asked for the unspent £1,850 back; the Shed has repaid £1,000 so far.
- Orchard Park Peace Garden was approved on condition that the hall's trustees let the group use the plot. Their
  written permission came in only last week, so the officer drafted the agreement (on the revised terms) and
  issued the offer a few days ago: it waits for the forum to accept it.

The returns behind those acceptances, the plans' reviews and this autumn's returns are in demo/monitoring.py.
Acceptances are typed by the member of each group who submitted its bid, from addresses in the ranges kept for
documentation (RFC 5737).

Everything goes through the services, at fixed 2025 and 2026 times in order, except the last week's work (the
peace garden's offer, and the holiday streets' latest approval), which is dated back from today so that the offer
is still open. Safe to run again: it leaves alone any bid that has an agreement, and publishes the terms only while
there are none (and the revision only over the first version). The caller commits."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select

from grantsfund.accounts.models import User
from grantsfund.accounts.services import find_user_by_email
from grantsfund.agreements import schedules, services, termination, terms
from grantsfund.agreements.models import Agreement, AgreementStatus, AgreementVersion
from grantsfund.agreements.schedules import ON_ACCEPTANCE, ON_RETURN, PlannedInstalment, PlannedPeriod
from grantsfund.agreements.services import Acceptance, Details
from grantsfund.applications.models import Application, ApplicationStatus
from grantsfund.common.actor import Actor
from grantsfund.common.dates import add_months, format_date, london_today, utcnow
from grantsfund.common.money import format_pence
from grantsfund.demo import monitoring
from grantsfund.demo.decided import OFFICER_EMAIL
from grantsfund.demo.rounds import LAST_YEAR
from grantsfund.demo.services import days_ago, on
from grantsfund.extensions import db
from grantsfund.payments import holds
from grantsfund.payments import services as payments
from grantsfund.payments.models import Instalment, InstalmentStatus
from grantsfund.rounds.models import Round

FINANCE_EMAIL = "finance@example.gov.uk"
ADMIN_EMAIL = "admin@example.gov.uk"

BUDDIES = "Northbrook Buddies"
HARBOUR = "Stories Across the Harbour"
HOLIDAY_STREETS = "Castle Hill Holiday Streets"
SHED_SHARE = "Shed Share"
PEACE_GARDEN = "Orchard Park Peace Garden"


# The standard terms -----------------------------------------------------------------------------------------------

TERMS_TITLE = "Communities Fund: terms and conditions of grant"
TERMS_PUBLISHED = on(2025, 6, 16, 10)
REVISION_PUBLISHED = on(2026, 3, 3, 11, 30)
RECORDS = "Records"
CLAUSES = [
    ("About these terms", "These terms apply to every grant from the council's Communities Fund. Your grant "
     "agreement sets out the project, the amount, the grant period, the payment and monitoring schedules and any "
     "special conditions; where it differs from these terms, the agreement applies. \"You\" means the group named "
     "in the agreement and \"we\" means the council."),
    ("Using the grant", "Use the grant only for the project in your agreement and the costs in its budget, and "
     "spend it within the grant period. Ask us before you move more than 10% of the grant from one budget line to "
     "another or spend it on anything the budget does not include. Do not use it for costs another funder is "
     "already paying for."),
    ("Acknowledging our support", "Say that the project is funded by the council's Communities Fund in your "
     "publicity, on your website and social media, and at events, using the fund's logo as our guidance shows. "
     "Tell us about events we could come to or publicise, and let us use photographs and stories from the project "
     "with the permission of the people in them."),
    ("Monitoring and evaluation", "Send a monitoring return for each period in your schedule by the date it is "
     "due: what you did, who took part, your progress towards your targets and what you spent. Keep the evidence "
     "behind your figures, such as attendance registers and survey results, and let us visit the project. We do "
     "not release a payment that depends on a return until we have accepted that return."),
    ("Changes", "Tell us straight away about anything that could affect the project: a change to its "
     "activities, timetable, budget, venue or key people, or to your group's legal status, bank account or "
     "finances. A change to the amount, the grant period, the schedules or the targets needs a variation to the "
     "agreement, which takes effect only once your group accepts it."),
    ("Safeguarding", "If the project works with children, young people or adults at risk, have a safeguarding "
     "policy that your committee has adopted and follow it, and make sure staff and volunteers have the right "
     "Disclosure and Barring Service (DBS) checks and training. Tell us within two working days of any serious "
     "incident or allegation connected with the project."),
    ("Equality and inclusion", "Open the project to everyone it is meant for, and do not discriminate against "
     "anyone because of a protected characteristic under the Equality Act 2010. Make reasonable adjustments so that "
     "disabled people can take part. Do not use the grant to promote a political party or religious beliefs."),
    (RECORDS, "Keep accounts and records that show how you spent the grant, with receipts and invoices, for six "
     "years after the grant period ends, and let us or our auditors see them when we ask."),
    ("Personal information", "Handle personal information about the people who take part in line with UK data "
     "protection law (the UK GDPR and the Data Protection Act 2018). Share personal information with us only when "
     "we ask for it and the law allows; the figures in your monitoring returns should not identify anyone."),
    ("Paying the grant back", "We may ask you to pay back some or all of the grant if you use it for anything "
     "other than the project, give us false or misleading information, do not carry out the project, break these "
     "terms, or have any of it unspent when the grant period ends. Pay back what we ask within 30 days, unless we "
     "agree a plan with you to pay it in instalments."),
    ("Subsidy control", "We give the grant in line with the Subsidy Control Act 2022. If your project sells goods "
     "or services, tell us when we ask about any other public money you have had in the last three financial "
     "years, so that we can check the grant is lawful. If a court or regulator decides the grant was an unlawful "
     "subsidy, you must pay it back."),
    ("Insurance and responsibility", "The project is yours: you are responsible for running it safely and "
     "lawfully, and for having the insurance it needs, including public liability insurance, and employer's "
     "liability insurance if you employ staff. We are not liable for anything that happens in the project."),
    ("Ending the agreement", "We may end the agreement early by writing to you if you break these terms and do "
     "not put things right within 30 days of our asking, if your group closes or becomes insolvent, or if the "
     "project cannot go ahead. You may end it by telling us in writing. When the agreement ends we stop any "
     "payments not yet made, and we may ask for grant back under clause 10."),
]  # fmt: skip
RECORDS_REVISED = (
    "Keep accounts and records that show how you spent the grant for six years, counted from the day the grant "
    "period ends (not from the date of each payment). They include receipts, invoices, bank statements, payroll "
    "records for any staff the grant pays for, and the evidence behind your monitoring returns. Paper or electronic "
    "copies are both fine, as long as they can be read. Let us or our auditors see them when we ask."
)
REVISION_SUMMARY = (
    "Clause 8 (records) now says that the six years run from the day the grant period ends, lists the records to "
    "keep, and confirms that electronic copies are fine. Nothing else has changed."
)


def terms_body(revised: bool = False) -> str:
    return "\n\n".join(
        f"{number}. {heading}. {RECORDS_REVISED if revised and heading == RECORDS else text}"
        for number, (heading, text) in enumerate(CLAUSES, start=1)
    )


def _publish_terms(admin: Actor) -> int:
    """The first version, while there are no terms at all."""
    if terms.current() is not None:
        return 0
    terms.publish(title=TERMS_TITLE, body=terms_body(), actor=admin, now=TERMS_PUBLISHED)
    return 1


def _revise_terms(admin: Actor) -> int:
    """The revision, over the demo's first version only."""
    current = terms.current()
    if current is None or current.version != 1 or current.body != terms_body():
        return 0
    terms.publish(
        title=TERMS_TITLE, body=terms_body(revised=True), summary=REVISION_SUMMARY, actor=admin, now=REVISION_PUBLISHED
    )
    return 1


# The steps every agreement takes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Staff:
    officer: Actor
    finance: Actor
    admin: Actor


@dataclass(frozen=True)
class Offer:
    """How the officer set up an offer, and how the group's member accepted it."""

    starts_on: date
    ends_on: date
    drafted: datetime  # the details are put right ten minutes later
    issued: datetime
    accepted: datetime
    position: str  # the accepting member's role in the group
    ip_address: str
    signatory_role: str | None = None  # who may accept, if not the fund's usual roles


def _member(application: Application) -> User:
    """The member of the group who submitted its bid, and accepts its agreement."""
    member = application.submitted_by or application.created_by
    if not application.organisation.has_member(member.id):
        raise LookupError(f"{member.full_name} is not a member of {application.organisation.name}")
    return member


def _set_details(
    item: AgreementVersion,
    *,
    starts_on: date,
    ends_on: date,
    officer: Actor,
    now: datetime,
    signatory_role: str | None = None,
    special_conditions: str | None = None,
) -> None:
    """Change the grant period (and perhaps who signs, or the conditions) and start the plan again from it."""
    details = Details(
        amount_pence=item.amount_pence,
        starts_on=starts_on,
        ends_on=ends_on,
        signatory_role=signatory_role or item.signatory_role,
        special_conditions=item.special_conditions if special_conditions is None else special_conditions,
        sustainability_commitments=item.sustainability_commitments,
    )
    services.update_details(item, details, actor=officer, now=now)
    services.reset_plan(item, actor=officer, now=now)


def _accept(item: AgreementVersion, *, position: str, ip_address: str, now: datetime) -> None:
    member = _member(item.agreement.application)
    actor = Actor(user=member, ip_address=ip_address)
    services.accept(item, Acceptance(name=member.full_name, position=position, confirmed=True), actor=actor, now=now)


def _offer_accepted(application: Application, offer: Offer, officer: Actor) -> Agreement:
    agreement = services.draft(application, actor=officer, now=offer.drafted)
    _set_details(
        agreement.offer,
        starts_on=offer.starts_on,
        ends_on=offer.ends_on,
        signatory_role=offer.signatory_role,
        officer=officer,
        now=offer.drafted + timedelta(minutes=10),
    )
    services.issue(agreement, actor=officer, now=offer.issued)
    _accept(agreement.offer, position=offer.position, ip_address=offer.ip_address, now=offer.accepted)
    return agreement


def _instalment(agreement: Agreement, number: int) -> Instalment:
    found = next((item for item in payments.instalments_for(agreement) if item.number == number), None)
    if found is None:
        raise LookupError(f"{agreement.reference} has no instalment {number}")
    return found


def _pay(
    agreement: Agreement,
    number: int,
    finance: Actor,
    *,
    approved: datetime,
    paid: datetime | None = None,
    reference: str = "",
) -> None:
    """Finance approves the instalment, and records it paid in that day's payment run."""
    instalment = _instalment(agreement, number)
    payments.approve(instalment, actor=finance, now=approved)
    if paid is not None:
        payments.record_paid(instalment, paid_on=london_today(paid), reference=reference, actor=finance, now=paid)


# The five stories -------------------------------------------------------------------------------------------------

DRAFTED = on(2025, 7, 28, 10)  # the officer drafts the four agreements that morning, twenty minutes apart
ISSUED = on(2025, 7, 30, 14)
FIRST_RUN = on(2025, 9, 1, 9)  # the September payment run: approved from 9am, paid that afternoon
FIRST_PAID = on(2025, 9, 1, 15)
SPRING_PAID = on(2026, 4, 2, 15)  # the April payment run
HOLD_RUN = on(2026, 5, 1, 6)  # the daily hold run, the morning after the harbour's return fell due


def _buddies(application: Application, staff: Staff) -> Agreement:
    """Everything on time: the first return accepted, and both instalments paid."""
    offer = Offer(
        starts_on=date(2025, 9, 1),
        ends_on=date(2026, 8, 31),
        drafted=DRAFTED,
        issued=ISSUED,
        accepted=on(2025, 8, 4, 19, 30),
        position="Trustee and treasurer",
        ip_address="203.0.113.24",
    )
    agreement = _offer_accepted(application, offer, staff.officer)
    _pay(
        agreement,
        1,
        staff.finance,
        approved=FIRST_RUN,
        paid=FIRST_PAID,
        reference="BACS-250901-0001",
    )
    first = monitoring.send(
        agreement, 1, monitoring.BUDDIES_FIRST, started=on(2026, 3, 2, 10), submitted=on(2026, 3, 10, 20, 15)
    )
    monitoring.ask_for_changes(
        first,
        staff.officer,
        now=on(2026, 3, 16, 14),
        story="A lovely story. How did Hana agree to it being used, and may we use her name?",
        note="Thank you: everything else is clear. Please tell us about the consent for the story and send it again.",
    )
    monitoring.resend_story(first, monitoring.BUDDIES_CONSENT, now=on(2026, 3, 20, 19, 40))
    monitoring.accept(first, staff.officer, now=on(2026, 3, 25, 11))
    _pay(
        agreement,
        2,
        staff.finance,
        approved=on(2026, 3, 30, 9),
        paid=SPRING_PAID,
        reference="BACS-260402-0001",
    )
    return agreement


def _harbour(application: Application, staff: Staff) -> Agreement:
    """Started in October after the storytellers' training; the first return, due 30 April 2026, never came, so
    the daily hold run holds the second instalment (see seed)."""
    offer = Offer(
        starts_on=date(2025, 10, 1),
        ends_on=date(2026, 9, 30),
        drafted=DRAFTED + timedelta(minutes=20),
        issued=ISSUED + timedelta(minutes=10),
        accepted=on(2025, 8, 6, 12, 15),
        position="Director",
        ip_address="198.51.100.73",
        signatory_role="Director",
    )
    agreement = _offer_accepted(application, offer, staff.officer)
    october = on(2025, 10, 1, 9)
    _pay(agreement, 1, staff.finance, approved=october, paid=october + timedelta(hours=6), reference="BACS-251001-0001")
    return agreement


VENUE_CLOSED = (
    "Castle Hill Community Centre closed in January 2026 when its roof was found to be unsafe, so the February "
    "half-term and Easter holiday sessions could not run. The centre reopens in September: the grant period is "
    "extended by three months to 30 November 2026, the missed sessions move to the summer and autumn holidays, and "
    "the rest of the grant is paid in two parts, the last after the return for the summer."
)
LAST_PART_PENCE = 300_000
LAST_PART_NOTE = "For the autumn half-term trips and the winter cook-off in the reopened centre."


def _vary_holiday_streets(agreement: Agreement, officer: Actor) -> AgreementVersion:
    """Three months more, a return for the summer, and what is left of the grant split around it."""
    variation = services.propose_variation(agreement, reason=VENUE_CLOSED, actor=officer, now=on(2026, 2, 2, 10))
    ends_on = add_months(variation.ends_on, 3)
    edited = on(2026, 2, 2, 11)
    _set_details(variation, starts_on=variation.starts_on, ends_on=ends_on, officer=officer, now=edited)
    first = schedules.load_periods(variation.monitoring)[0]
    summer = PlannedPeriod(2, first.ends_on + timedelta(days=1), date(2026, 8, 31), date(2026, 9, 30))
    final = PlannedPeriod(3, summer.ends_on + timedelta(days=1), ends_on, ends_on + timedelta(days=30), final=True)
    services.update_monitoring(variation, [first, summer, final], actor=officer, now=edited)
    paid = payments.instalments_for(agreement)[0]
    left = variation.amount_pence - paid.amount_pence
    planned = [
        PlannedInstalment(1, paid.due_on, paid.amount_pence, ON_ACCEPTANCE),
        PlannedInstalment(2, first.due_on, left - LAST_PART_PENCE, ON_RETURN, first.number),
        PlannedInstalment(3, summer.due_on, LAST_PART_PENCE, ON_RETURN, summer.number, LAST_PART_NOTE),
    ]
    services.update_payments(variation, planned, actor=officer, now=edited)
    services.offer_variation(variation, actor=officer, now=on(2026, 2, 4, 14))
    return variation


def _holiday_streets(application: Application, staff: Staff) -> Agreement:
    """Varied when the venue closed; paid as the returns come in, the last part approved and waiting to go."""
    offer = Offer(
        starts_on=date(2025, 9, 1),
        ends_on=date(2026, 8, 31),
        drafted=DRAFTED + timedelta(minutes=40),
        issued=ISSUED + timedelta(minutes=20),
        accepted=on(2025, 8, 11, 9, 5),
        position="Chief executive",
        ip_address="192.0.2.118",
        signatory_role="Chief executive or a trustee",
    )
    agreement = _offer_accepted(application, offer, staff.officer)
    _pay(
        agreement,
        1,
        staff.finance,
        approved=FIRST_RUN + timedelta(minutes=5),
        paid=FIRST_PAID,
        reference="BACS-250901-0002",
    )
    variation = _vary_holiday_streets(agreement, staff.officer)
    _accept(variation, position=offer.position, ip_address="192.0.2.118", now=on(2026, 2, 9, 16, 20))
    first = monitoring.send(
        agreement, 1, monitoring.HOLIDAY_STREETS_FIRST, started=on(2026, 3, 9, 10), submitted=on(2026, 3, 16, 12)
    )
    monitoring.accept(first, staff.officer, now=on(2026, 3, 24, 15))
    _pay(
        agreement,
        2,
        staff.finance,
        approved=on(2026, 3, 30, 9, 5),
        paid=SPRING_PAID,
        reference="BACS-260402-0002",
    )
    summer = monitoring.send(
        agreement, 2, monitoring.HOLIDAY_STREETS_SUMMER, started=on(2026, 9, 8, 10), submitted=on(2026, 9, 18, 16)
    )
    monitoring.accept(
        summer, staff.officer, now=on(2026, 9, 25, 11), note="Thank you, and good luck with the reopening."
    )
    _pay(agreement, 3, staff.finance, approved=days_ago(2, 9, 40))
    return agreement


DISSOLVED = (
    "The Shed's members voted at an extraordinary general meeting on 12 February 2026 to dissolve the charity, "
    "after the landlord ended the lease on the Wharf Road workshop. Bench building stopped in January; the bike "
    "repair workshop and the community day will not go ahead."
)
OWED_PENCE = 185_000
REPAID_PENCE = 100_000
REPAYMENT_NOTE = (
    "£1,000 received by bank transfer on 20 March 2026, from the sale of the Shed's tools. The trustees will pay the "
    "remaining £850 when the charity's bank account is closed."
)


def _shed_share(application: Application, staff: Staff) -> Agreement:
    """Ended when the group dissolved: the unspent part of the first instalment asked back, and part repaid."""
    offer = Offer(
        starts_on=date(2025, 9, 1),
        ends_on=date(2026, 8, 31),
        drafted=DRAFTED + timedelta(minutes=60),
        issued=ISSUED + timedelta(minutes=30),
        accepted=on(2025, 8, 8, 16, 40),
        position="Chair",
        ip_address="203.0.113.191",
    )
    agreement = _offer_accepted(application, offer, staff.officer)
    _pay(
        agreement,
        1,
        staff.finance,
        approved=FIRST_RUN + timedelta(minutes=10),
        paid=FIRST_PAID,
        reference="BACS-250901-0003",
    )
    ended = termination.terminate(
        agreement,
        reason=DISSOLVED,
        terminated_on=date(2026, 2, 13),
        amount_owed_pence=OWED_PENCE,
        actor=staff.officer,
        now=on(2026, 2, 18, 10),
    )
    termination.record_repayment(
        ended, repaid_pence=REPAID_PENCE, note=REPAYMENT_NOTE, actor=staff.finance, now=on(2026, 3, 23, 14)
    )
    return agreement


def _peace_garden(application: Application, staff: Staff) -> Agreement:
    """Waiting on the hall's permission until last week: drafted, put right and issued in the last few days."""
    agreement = services.draft(application, actor=staff.officer, now=days_ago(5, 14))
    issued = days_ago(3, 10, 30)
    starts_on = add_months(london_today(issued).replace(day=1), 2)
    permission = london_today() - timedelta(days=7)
    conditions = (
        f"The trustees of St Mary's Hall gave written permission on {format_date(permission)} for the "
        "forum to use the plot behind the hall for three years. Tell us at once if that permission is withdrawn or "
        "changed. Keep the garden open to everyone who lives nearby, not only the forum's congregations."
    )
    _set_details(
        agreement.offer,
        starts_on=starts_on,
        ends_on=add_months(starts_on, 12) - timedelta(days=1),
        special_conditions=conditions,
        officer=staff.officer,
        now=days_ago(5, 14, 20),
    )
    services.issue(agreement, actor=staff.officer, now=issued)
    return agreement


# Seeding ---------------------------------------------------------------------------------------------------------

Story = Callable[[Application, Staff], Agreement]
# In the order they happened; the peace garden's comes after the terms are revised, so it is drafted on them.
STORIES: list[tuple[str, Story]] = [
    (BUDDIES, _buddies),
    (HARBOUR, _harbour),
    (HOLIDAY_STREETS, _holiday_streets),
    (SHED_SHARE, _shed_share),
]


@dataclass
class AgreementsReport:
    terms: int = 0
    existing: int = 0
    held: int = 0
    reminded: int = 0
    made: list[Agreement] = field(default_factory=list)


def _staff() -> Staff | None:
    officer, finance, admin = (find_user_by_email(email) for email in (OFFICER_EMAIL, FINANCE_EMAIL, ADMIN_EMAIL))
    if officer is None or finance is None or admin is None:
        return None
    return Staff(officer=Actor(user=officer), finance=Actor(user=finance), admin=Actor(user=admin))


def _bids() -> dict[str, Application]:
    """Last year's approved bids, by title."""
    round_ = db.session.scalars(select(Round).where(Round.name == LAST_YEAR)).first()
    if round_ is None:
        return {}
    found = db.session.scalars(
        select(Application).where(Application.round_id == round_.id, Application.status == ApplicationStatus.APPROVED)
    )
    return {application.title or "": application for application in found}


def _tell(bids: dict[str, Application], title: str, story: Story, staff: Staff, report: AgreementsReport) -> None:
    application = bids.get(title)
    if application is None:
        return
    if services.agreement_for(application) is not None:
        report.existing += 1
        return
    report.made.append(story(application, staff))


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _summary(report: AgreementsReport) -> str:
    if not report.made and not report.terms:
        return f"Agreements: nothing added ({_plural(report.existing, 'agreement', 'agreements')} already there)"
    statuses = Counter(agreement.status for agreement in report.made)
    instalments = Counter(
        instalment.status for agreement in report.made for instalment in payments.instalments_for(agreement)
    )
    variations = sum(len(agreement.versions) - 1 for agreement in report.made)
    owed = [agreement.termination for agreement in report.made if agreement.termination is not None]
    repaid = sum(item.amount_repaid_pence for item in owed)
    return (
        f"Agreements: {_plural(report.terms, 'version', 'versions')} of the standard terms published; "
        f"{_plural(len(report.made), 'agreement', 'agreements')} added ({statuses[AgreementStatus.ACCEPTED]} in "
        f"force, {statuses[AgreementStatus.OFFERED]} waiting for acceptance, {statuses[AgreementStatus.TERMINATED]} "
        f"terminated; {_plural(variations, 'variation', 'variations')}), {report.existing} already there; "
        f"instalments: {instalments[InstalmentStatus.PAID]} paid, {instalments[InstalmentStatus.APPROVED]} approved, "
        f"{report.held} held automatically; {_plural(report.reminded, 'return reminder', 'return reminders')} sent; "
        f"{format_pence(repaid)} of "
        f"{format_pence(sum(item.amount_owed_pence for item in owed))} repaid"
    )


def _monitor(report: AgreementsReport, staff: Staff) -> None:
    """The plans' reviews, this autumn's returns, and today's reminders, once the three grants in force are made."""
    made = {agreement.application.title: agreement for agreement in report.made}
    buddies, harbour, holiday_streets = (made.get(title) for title in (BUDDIES, HARBOUR, HOLIDAY_STREETS))
    if buddies is None or harbour is None or holiday_streets is None:
        return
    monitoring.review_plans(buddies, harbour, holiday_streets, officer=staff.officer, finance=staff.finance)
    monitoring.latest(buddies, harbour, finals_started=on(2026, 10, 5, 19), harbour_sent=days_ago(4, 16, 20))
    sent = monitoring.remind(utcnow())
    report.reminded = sent.due_soon + sent.overdue


def seed() -> str:
    """Publish the terms, and take last year's approved bids through their agreements; say what was added."""
    staff = _staff()
    if staff is None:
        return "Agreements: nothing added (no demo officer, finance officer or administrator)"
    bids = _bids()
    if not bids:
        return f"Agreements: nothing added (no approved bids in {LAST_YEAR})"
    report = AgreementsReport(terms=_publish_terms(staff.admin))
    for title, story in STORIES:
        _tell(bids, title, story, staff, report)
    if report.made:
        report.held = holds.hold_waiting(now=HOLD_RUN)
        _monitor(report, staff)
    report.terms += _revise_terms(staff.admin)
    _tell(bids, PEACE_GARDEN, _peace_garden, staff, report)
    db.session.flush()
    return _summary(report)
