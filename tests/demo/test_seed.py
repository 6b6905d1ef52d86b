import re
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, or_, select

from grantsfund.accounts.models import Role, User
from grantsfund.common.dates import format_date, format_datetime, london_today, utcnow
from grantsfund.demo import rounds as demo_rounds
from grantsfund.demo.services import DEMO_PASSWORD, DEMO_USERS
from grantsfund.extensions import db
from grantsfund.policy import SECOND_FACTOR_ROLES
from grantsfund.rounds.models import Round, RoundStatus


def test_seed_gives_one_login_per_role_and_is_safe_to_run_again(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    assert "Demo users: 7 added, 0 already there" in first.output
    people = db.session.scalar(select(func.count()).select_from(User))
    second = runner.invoke(args=["demo", "seed"])
    assert second.exit_code == 0, second.output
    assert "Demo users: 0 added, 7 already there" in second.output
    assert "Organisations: 0 added" in second.output
    assert db.session.scalar(select(func.count()).select_from(User)) == people
    seeded_roles = set().union(*(user.roles for user in DEMO_USERS))
    assert seeded_roles == set(Role)


def test_demo_logins_work(client):
    output = client.application.test_cli_runner().invoke(args=["demo", "seed"]).output
    assert "flask demo code" in output
    for demo in DEMO_USERS:
        response = client.submit("/sign-in", {"email": demo.email, "password": DEMO_PASSWORD})
        if demo.roles & SECOND_FACTOR_ROLES:
            assert response.headers["Location"] == "/sign-in/code", demo.email
            code = client.application.test_cli_runner().invoke(args=["demo", "code"]).output.strip()
            response = client.submit("/sign-in/code", {"code": code})
        assert response.headers["Location"] == "/account", demo.email
        client.submit("/sign-out")


def test_seed_adds_draft_and_submitted_applications_once(app):
    from grantsfund.applications.models import Application, ApplicationStatus

    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "seed"])
    assert "Applications: 2 drafts and 3 submitted added" in first.output, first.output
    second = runner.invoke(args=["demo", "seed"])
    assert "Applications: 0 drafts and 0 submitted added" in second.output, second.output
    this_year = select(Round.id).where(Round.name == demo_rounds.THIS_YEAR).scalar_subquery()
    statuses = db.session.scalars(select(Application.status).where(Application.round_id == this_year)).all()
    assert sorted(statuses) == sorted(
        [ApplicationStatus.DRAFT] * 2 + [ApplicationStatus.SUBMITTED] + [ApplicationStatus.IN_ASSESSMENT] * 2
    )
    references = db.session.scalars(
        select(Application.reference).where(Application.round_id == this_year, Application.reference.is_not(None))
    ).all()
    assert len(set(references)) == 3


def test_seed_gives_the_demo_assessor_two_bids_once(app):
    from grantsfund.assessment.models import Assignment, AssignmentStatus

    runner = app.test_cli_runner()
    assert "Assessment: 2 bids found eligible and assigned" in runner.invoke(args=["demo", "seed"]).output
    assert "Assessment: 0 bids found eligible and assigned" in runner.invoke(args=["demo", "seed"]).output
    assessor = db.session.scalars(select(User).where(User.email == "assessor@example.gov.uk")).one()
    theirs = db.session.scalars(select(Assignment).where(Assignment.assessor_id == assessor.id)).all()
    assert {assignment.status for assignment in theirs} == {
        AssignmentStatus.AWAITING_DECLARATION,
        AssignmentStatus.ACCEPTED,
    }
    # Last year's round is scored by other assessors: the demo assessor's list is this year's two bids.
    assert {assignment.application.round.name for assignment in theirs} == {demo_rounds.THIS_YEAR}


def _counts() -> dict[str, int]:
    from grantsfund.applications.models import Application
    from grantsfund.assessment.models import ScoreSheet
    from grantsfund.notifications.models import OutboxMessage
    from grantsfund.organisations.models import Organisation
    from grantsfund.panel.models import PanelDecision, PanelMeeting
    from grantsfund.signposting.models import Funder, Programme, Signpost, Suggestion

    models = [User, Organisation, Application, ScoreSheet, PanelMeeting, PanelDecision, OutboxMessage]
    models += [Funder, Programme, Signpost, Suggestion]
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) for model in models}


def test_seed_decides_last_years_round_once(app):
    from grantsfund.applications.models import Application, ApplicationStatus
    from grantsfund.assessment.models import Assignment, ModeratedScore, ScoreSheet
    from grantsfund.notifications.models import OutboxMessage
    from grantsfund.panel import decisions
    from grantsfund.panel.models import Attendance, MeetingStatus, Outcome, PanelMeeting

    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "seed"])
    assert "Decided round: 10 bids to Communities Fund 2025/26 (2 ineligible, 16 score sheets" in first.output, (
        first.output
    )
    last_year = db.session.scalars(select(Round).where(Round.name == demo_rounds.LAST_YEAR)).one()
    assert last_year.status is RoundStatus.DECIDED
    bids = db.session.scalars(select(Application).where(Application.round_id == last_year.id)).all()
    assert Counter(bid.status for bid in bids) == {
        ApplicationStatus.APPROVED: 5,
        ApplicationStatus.DECLINED: 2,
        ApplicationStatus.DEFERRED: 1,
        ApplicationStatus.INELIGIBLE: 2,
    }
    # Submitted in May 2025, while the round was open; each scored by two assessors; one criterion moderated.
    assert {(bid.submitted_at.year, bid.submitted_at.month) for bid in bids} == {(2025, 5)}
    assert all(bid.submitted_at < last_year.closes_at for bid in bids)
    assert {reference[:8] for reference in (bid.reference or "" for bid in bids)} == {"CF-2025-"}
    ids = [bid.id for bid in bids]
    sheets = select(func.count()).select_from(ScoreSheet).join(Assignment, Assignment.id == ScoreSheet.assignment_id)
    assert (
        db.session.scalar(sheets.where(Assignment.application_id.in_(ids), ScoreSheet.submitted_at.is_not(None))) == 16
    )
    moderated = select(func.count()).select_from(ModeratedScore).where(ModeratedScore.application_id.in_(ids))
    assert db.session.scalar(moderated) == 1

    [meeting] = db.session.scalars(select(PanelMeeting).where(PanelMeeting.round_id == last_year.id)).all()
    assert meeting.status is MeetingStatus.PUBLISHED
    assert format_datetime(meeting.starts_at) == "15 July 2025 at 10am"
    assert format_datetime(meeting.published_at) == "17 July 2025 at 9:30am"
    assert meeting.chair.email == "chair@example.gov.uk"
    assert (meeting.quorum, meeting.quorum_roles, meeting.delegates_allowed) == (3, ["elected_member"], True)
    assert [m.attendance for m in meeting.members].count(Attendance.DELEGATE) == 1
    assert sum(len(item.conflicts) for item in meeting.items) == 1
    explanations = [line for item in meeting.items for line in item.pack["explanation"]]
    assert len([line for line in explanations if line.startswith("Moderated:")]) == 1
    assert not [line for line in explanations if "needs moderation" in line]
    standing = decisions.standing(meeting.items)
    assert len(standing) == len(meeting.items) == 8
    assert {decision.outcome for decision in standing.values()} == set(Outcome)
    assert all(decision.recorded_at.year == 2025 for decision in standing.values())
    declined = [decision for decision in standing.values() if decision.outcome is Outcome.DECLINED]
    assert len(declined) == 2
    assert all(decision.feedback for decision in declined)
    committed = decisions.committed_pence(last_year)
    assert 0 < committed <= (last_year.budget_pence or 0)
    assert committed == sum(d.amount_pence or 0 for d in standing.values())
    letters = db.session.scalars(select(OutboxMessage.template).where(OutboxMessage.template.like("panel/%"))).all()
    assert set(letters) == {"panel/offer", "panel/declined", "panel/deferred"}

    _assert_signposted(first.output)

    before = _counts()
    signposting_events = _signposting_events()
    second = runner.invoke(args=["demo", "seed"])
    assert "Decided round: nothing added (Communities Fund 2025/26 is decided already)" in second.output, second.output
    assert (
        "Signposting: 0 funders' programmes loaded (15 already there), 0 council programmes added, 0 re-verified; "
        "0 letters sent, 0 drafts, 0 outcomes recorded (4 signposts already there)"
    ) in second.output, second.output
    assert _counts() == before
    assert _signposting_events() == signposting_events


def _signposting_events() -> int:
    from grantsfund.audit.models import AuditEvent

    actions = (AuditEvent.action.like("funder%"), AuditEvent.action.like("signpost.%"))
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(or_(*actions)))


def _assert_signposted(output: str) -> None:
    """The directory, with the council's own chest and five entries checked lately; last year's declined and
    ineligible bids signposted (three letters sent, one draft); four outcomes, from groups and the officer."""
    from flask import current_app

    from grantsfund.notifications.models import OutboxMessage
    from grantsfund.signposting import directory
    from grantsfund.signposting.models import Funder, SignpostOutcome, SignpostStatus
    from grantsfund.signposting.signposts import candidates

    assert (
        "Signposting: 15 funders' programmes loaded (0 already there), 1 council programme added, 5 re-verified; "
        "3 letters sent, 1 draft, 4 outcomes recorded (0 signposts already there)"
    ) in output, output
    council = current_app.config["COUNCIL_NAME"]
    programmes = {programme.name: programme for programme in directory.list_programmes()}
    assert len(programmes) == 16
    chest = programmes["Ward councillors' community chest"]
    assert chest.funder.name == council
    assert [ward.name for ward in chest.wards] == ["Abbey Fields", "Fernlea", "Westfield"]
    checked = set(programmes) - {programme.name for programme in directory.list_programmes(stale_only=True)}
    assert checked == {
        "National Lottery Awards for All England",
        "Reaching Communities England",
        "Movement Fund",
        "Funding advice (not a grant)",
        "Ward councillors' community chest",
    }
    today = london_today()
    assert all(today - timedelta(days=31) < programmes[name].last_verified_on < today for name in checked)
    cvs = db.session.scalars(select(Funder).where(Funder.name == "Local Council for Voluntary Service")).one()
    assert council in cvs.description

    signposts = {c.application.title: c.signpost for c in candidates() if c.signpost is not None}
    assert {title: signpost.status for title, signpost in signposts.items()} == {
        "Westfield Fives": SignpostStatus.SENT,
        "Fernlea Murals": SignpostStatus.SENT,
        "New Polytunnel and Fencing": SignpostStatus.SENT,
        "Exchange Visit to Saint-Aubin": SignpostStatus.DRAFT,
    }
    sent = [signpost for signpost in signposts.values() if signpost.is_sent]
    assert all(signpost.note and signpost.sent_at.year == 2025 and signpost.follow_up_sent_at for signpost in sent)
    assert sum(suggestion.added_by_officer for signpost in sent for suggestion in signpost.suggestions) == 2
    suggestions = [suggestion for signpost in sent for suggestion in signpost.suggestions]
    reported = {
        (s.organisation.name, s.programme.name): (s.outcome, s.amount_raised_pence)
        for s in suggestions
        if s.outcome is not None
    }
    assert reported == {
        ("Westfield Sports Collective CIC", "National Lottery Awards for All England"): (
            SignpostOutcome.FUNDED,
            850_000,
        ),
        ("Fernlea Arts Collective", "National Lottery Awards for All England"): (SignpostOutcome.UNSUCCESSFUL, None),
        ("Abbey Fields Allotment Society", "Postcode Community Trust"): (SignpostOutcome.APPLIED, None),
        ("Abbey Fields Allotment Society", "Movement Fund"): (SignpostOutcome.NOT_PURSUED, None),
    }
    recorders = {s.outcome_recorded_by_id for s in suggestions if s.outcome is not None}
    members = {signpost.application.submitted_by_id for signpost in sent}
    officer = db.session.scalars(select(User).where(User.email == "officer@example.gov.uk")).one()
    assert officer.id in recorders
    assert recorders & members
    assert all(s.outcome_recorded_at < utcnow() for s in suggestions if s.outcome is not None)
    templates = Counter(
        db.session.scalars(select(OutboxMessage.template).where(OutboxMessage.template.like("signposting/%")))
    )
    assert templates == {"signposting/letter": 3, "signposting/follow_up": 3}


def test_seed_schedules_this_years_panel_with_an_empty_agenda(app):
    from grantsfund.panel import meetings
    from grantsfund.panel.models import MeetingStatus, PanelMeeting

    app.test_cli_runner().invoke(args=["demo", "seed"])
    this_year = db.session.scalars(select(Round).where(Round.name == demo_rounds.THIS_YEAR)).one()
    [meeting] = db.session.scalars(select(PanelMeeting).where(PanelMeeting.round_id == this_year.id)).all()
    assert meeting.status is MeetingStatus.SCHEDULED
    assert meeting.items == []
    assert format_datetime(meeting.starts_at).startswith(format_date(this_year.panel_date))
    assert meeting.starts_at > utcnow()
    for email in ("chair@example.gov.uk", "panel@example.gov.uk"):
        person = db.session.scalars(select(User).where(User.email == email)).one()
        assert [m.round.name for m in meetings.meetings_for(person)] == [demo_rounds.THIS_YEAR, demo_rounds.LAST_YEAR]


def test_a_round_closed_before_the_decided_stage_is_left_alone(app):
    """A database seeded when last year's round was closed at once: its bids can no longer be submitted."""
    from grantsfund.common.actor import Actor
    from grantsfund.demo import decided, organisations, services
    from grantsfund.panel.models import PanelMeeting
    from grantsfund.rounds import services as rounds

    services.seed_users(services.DEMO_USERS)
    organisations.seed()
    demo_rounds.seed()
    last_year = db.session.scalars(select(Round).where(Round.name == demo_rounds.LAST_YEAR)).one()
    rounds.close_round(last_year, actor=Actor.system(), now=last_year.closes_at)
    before = _counts()
    assert decided.seed() == (
        "Decided round: nothing added (Communities Fund 2025/26 was closed before its bids could be submitted; "
        "reset the database to load them)"
    )
    assert _counts() == before
    assert db.session.scalar(select(func.count()).select_from(PanelMeeting)) == 0


def _agreement_counts() -> dict[str, int]:
    from grantsfund.agreements.models import Agreement, AgreementVersion, StandardTerms, Termination
    from grantsfund.audit.models import AuditEvent
    from grantsfund.notifications.models import OutboxMessage
    from grantsfund.payments.models import Instalment

    models = [StandardTerms, Agreement, AgreementVersion, Termination, Instalment, OutboxMessage, AuditEvent]
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) for model in models}


def test_seed_takes_last_years_approved_bids_through_their_agreements_once(app):
    from grantsfund.agreements import services as agreements
    from grantsfund.agreements import terms
    from grantsfund.agreements.models import AgreementStatus, RepaymentStatus, VersionStatus
    from grantsfund.common.dates import add_months
    from grantsfund.demo import agreements as demo
    from grantsfund.notifications.models import OutboxMessage
    from grantsfund.payments import holds
    from grantsfund.payments import services as payments
    from grantsfund.payments.models import InstalmentStatus

    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "seed"])
    assert (
        "Agreements: 2 versions of the standard terms published; 5 agreements added (3 in force, 1 waiting for "
        "acceptance, 1 terminated; 1 variation), 0 already there; instalments: 6 paid, 1 approved, 1 held "
        "automatically; 2 return reminders sent; £1,000.00 of £1,850.00 repaid"
    ) in first.output, first.output

    # The terms: a dozen or so numbered clauses, then a revision that clarifies one of them and says so.
    revised, original = terms.all_versions()
    assert (original.version, revised.version) == (1, 2)
    assert 10 <= len(original.paragraphs) <= 14
    assert [paragraph.split(". ")[0] for paragraph in original.paragraphs] == [
        str(number) for number in range(1, len(original.paragraphs) + 1)
    ]
    changed = [
        number
        for number, (before, after) in enumerate(zip(original.paragraphs, revised.paragraphs, strict=True), start=1)
        if before != after
    ]
    assert changed == [8]
    assert "six years" in revised.paragraphs[7]
    assert revised.summary_of_changes.startswith("Clause 8")
    assert {version.created_by.email for version in (original, revised)} == {"admin@example.gov.uk"}
    assert (original.created_at.year, original.created_at.month, revised.created_at.year) == (2025, 6, 2026)

    made = {agreement.application.title: agreement for agreement in agreements.list_agreements()}
    assert {title: (agreement.status, agreement.terms.version) for title, agreement in made.items()} == {
        demo.BUDDIES: (AgreementStatus.ACCEPTED, 1),
        demo.HARBOUR: (AgreementStatus.ACCEPTED, 1),
        demo.HOLIDAY_STREETS: (AgreementStatus.ACCEPTED, 1),
        demo.SHED_SHARE: (AgreementStatus.TERMINATED, 1),
        demo.PEACE_GARDEN: (AgreementStatus.OFFERED, 2),
    }
    instalments = {title: payments.instalments_for(agreement) for title, agreement in made.items()}
    assert {title: [item.status for item in found] for title, found in instalments.items()} == {
        demo.BUDDIES: [InstalmentStatus.PAID, InstalmentStatus.PAID],
        demo.HARBOUR: [InstalmentStatus.PAID, InstalmentStatus.HELD],
        demo.HOLIDAY_STREETS: [InstalmentStatus.PAID, InstalmentStatus.PAID, InstalmentStatus.APPROVED],
        demo.SHED_SHARE: [InstalmentStatus.PAID, InstalmentStatus.CANCELLED],
        demo.PEACE_GARDEN: [],
    }
    today = london_today()
    for title, found in instalments.items():
        agreement = made[title]
        if found:
            # The instalments add up to the grant in force, and each paid one has its date and payment run.
            assert sum(item.amount_pence for item in found) == agreement.amount_pence, title
        for item in found:
            if item.status is InstalmentStatus.PAID:
                assert re.fullmatch(rf"BACS-{item.paid_on:%y%m%d}-\d{{4}}", item.payment_reference), title
                assert item.paid_on <= today
        # Each version accepted by a member of the group, typing their own name, from an address.
        for version in agreement.versions:
            if version.accepted_at is None:
                continue
            member = version.accepted_by
            assert agreement.organisation.has_member(member.id), title
            assert version.accepted_name == member.full_name
            assert version.accepted_position
            assert version.accepted_ip
            assert version.accepted_at < utcnow()

    buddies = made[demo.BUDDIES]
    assert buddies.offer.accepted_by.email == "applicant@example.org"
    assert (buddies.accepted_at.year, buddies.accepted_at.month) == (2025, 8)
    assert buddies.period(1).return_accepted_at is not None
    assert payments.paid_pence(buddies) == buddies.amount_pence

    # The harbour's first return came months late: the daily run held the instalment waiting on it, and now that
    # the group has sent it, the hold says it waits for the council's review.
    harbour = made[demo.HARBOUR]
    held = instalments[demo.HARBOUR][1]
    assert held.held_automatically
    assert held.period is harbour.period(1)
    assert held.period.overdue(today)
    assert held.hold_reason == "Waiting for the council to review the return for period 1, which the group has sent"

    # The holiday streets' variation: three months longer, accepted by the trust; its last part approved.
    streets = made[demo.HOLIDAY_STREETS]
    offer, variation = streets.versions
    assert (offer.status, variation.status) == (VersionStatus.SUPERSEDED, VersionStatus.ACCEPTED)
    assert "closed" in variation.reason
    assert streets.in_force is variation
    assert streets.ends_on == variation.ends_on == add_months(offer.ends_on, 3)
    assert len(streets.periods) == len(offer.monitoring) + 1
    assert payments.committed_pence(streets) == streets.amount_pence
    assert payments.paid_pence(streets) < streets.amount_pence

    # The peace garden's offer went out in the last few days and is still open.
    garden = made[demo.PEACE_GARDEN]
    assert garden.offer.status is VersionStatus.OFFERED
    assert garden.accept_by > today
    assert today - timedelta(days=7) <= london_today(garden.issued_at) < today
    assert garden.starts_on > garden.accept_by
    assert "St Mary's Hall" in garden.offer.special_conditions

    # The shed dissolved in 2026: the unpaid instalment cancelled, part of what was paid owed back, some repaid.
    shed = made[demo.SHED_SHARE]
    ended = shed.termination
    assert ended.terminated_on.year == 2026
    assert ended.repayment_status is RepaymentStatus.PART_REPAID
    assert 0 < ended.amount_repaid_pence < ended.amount_owed_pence <= payments.paid_pence(shed)

    # Nothing is left for today's daily hold run: the demo is as the service would have left it.
    assert holds.hold_waiting() == 0
    letters = set(db.session.scalars(select(OutboxMessage.template)))
    assert {
        "agreements/offer",
        "agreements/accepted",
        "agreements/variation",
        "agreements/terminated",
        "payments/paid",
        "payments/held",
    } <= letters

    before = _agreement_counts()
    second = runner.invoke(args=["demo", "seed"])
    assert "Agreements: nothing added (5 agreements already there)" in second.output, second.output
    assert _agreement_counts() == before


def test_seed_gives_the_grants_in_force_their_returns_and_reviewed_plans(app):
    from grantsfund.agreements import services as agreements
    from grantsfund.demo import agreements as demo
    from grantsfund.monitoring import returns, sustainability
    from grantsfund.monitoring.models import Rag, ReminderKind, ReturnReminder, ReturnStatus, ReviewOutcome
    from grantsfund.payments import services as payments
    from grantsfund.payments.models import InstalmentStatus

    app.test_cli_runner().invoke(args=["demo", "seed"])
    made = {agreement.application.title: agreement for agreement in agreements.list_agreements()}
    in_force = (demo.BUDDIES, demo.HARBOUR, demo.HOLIDAY_STREETS)

    def statuses(title):
        found = returns.returns_for(made[title])
        return [found[period.id].status if period.id in found else None for period in made[title].periods]

    assert statuses(demo.BUDDIES) == [ReturnStatus.ACCEPTED, ReturnStatus.IN_PROGRESS]
    assert statuses(demo.HARBOUR) == [ReturnStatus.SUBMITTED, None]
    assert statuses(demo.HOLIDAY_STREETS) == [ReturnStatus.ACCEPTED, ReturnStatus.ACCEPTED, None]

    # The buddies' first return went back once for the story's consent, and both versions are kept.
    first = returns.return_for(made[demo.BUDDIES].period(1))
    asked, accepted = first.submissions
    assert (asked.outcome, accepted.outcome) == (ReviewOutcome.CHANGES_REQUESTED, ReviewOutcome.ACCEPTED)
    assert "agree" in asked.comments["story"]
    assert first.story_consent_note.startswith("Hana signed")
    assert asked.data != accepted.data
    # Its final return is half written, by the demo applicant, and late.
    final = returns.return_for(made[demo.BUDDIES].period(2))
    assert final.updated_by_id == made[demo.BUDDIES].offer.accepted_by_id
    assert set(final.completed_sections) == {"progress", "activities", "beneficiaries"}
    assert made[demo.BUDDIES].period(2).overdue(london_today())

    # The harbour's late first return waits for the officer; accepting it would release the held instalment.
    held = payments.instalments_for(made[demo.HARBOUR])[1]
    assert held.status is InstalmentStatus.HELD
    assert held.held_automatically

    # Every accepted return's figures are in: each target and budget line has a figure.
    for title in (demo.BUDDIES, demo.HOLIDAY_STREETS):
        for ret in returns.returns_for(made[title]).values():
            if ret.status is ReturnStatus.ACCEPTED:
                assert ret.outcomes, title
                assert all(outcome.actual is not None for outcome in ret.outcomes), title
                assert ret.spend, title
                assert all(line.spent_pence is not None for line in ret.spend), title
                assert sum(row.people for row in ret.beneficiaries) > 0, title

    plans = {
        title: sustainability.plan_for(made[title]) for title in (demo.BUDDIES, demo.HARBOUR, demo.HOLIDAY_STREETS)
    }
    assert {title: plan.rag for title, plan in plans.items()} == {
        demo.BUDDIES: Rag.GREEN,
        demo.HARBOUR: Rag.RED,
        demo.HOLIDAY_STREETS: Rag.AMBER,
    }
    at_risk = {item.agreement.application.title for item in sustainability.at_risk(today=london_today(), months=6)}
    assert {demo.HARBOUR, demo.HOLIDAY_STREETS} <= at_risk

    # Today's reminders went to the two late returns, once.
    titles = {period.id: title for title in in_force for period in made[title].periods}
    reminded = db.session.scalars(select(ReturnReminder)).all()
    assert sorted((titles[row.period_id], row.kind) for row in reminded) == [
        (demo.BUDDIES, ReminderKind.OVERDUE),
        (demo.HARBOUR, ReminderKind.OVERDUE),
    ]
