"""The organisations services on their own: profiles, membership rules, join requests, invitations, documents."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from grantsfund.accounts.models import Role
from grantsfund.accounts.services import find_user_by_email
from grantsfund.audit.models import AuditEvent
from grantsfund.common.actor import Actor
from grantsfund.common.dates import utcnow
from grantsfund.common.errors import DomainError
from grantsfund.demo import organisations as demo
from grantsfund.demo.services import DEMO_USERS, seed_users
from grantsfund.extensions import db
from grantsfund.organisations import services
from grantsfund.organisations.models import DocumentKind, JoinRequestStatus, LegalForm
from grantsfund.organisations.services import DocumentState
from tests.conftest import link_token, queued_emails
from tests.organisations import factories


def actions():
    return [event.action for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


class TestProfiles:
    def test_create_normalises_and_makes_the_creator_a_member(self, make_user):
        amira = make_user()
        group = services.create_organisation(
            factories.details(legal_form=LegalForm.CIC, company_number="123456"), actor=Actor(amira)
        )
        assert group.postcode == "NB1 2AB"
        assert group.company_number == "00123456"
        assert group.contact_email == "kitchen@example.org"
        assert group.has_member(amira.id)
        assert "organisation.created" in actions()

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"legal_form": LegalForm.REGISTERED_CHARITY}, "charity_number", "Enter your charity number"),
            ({"legal_form": LegalForm.CIO}, "charity_number", "Enter your charity number"),
            ({"legal_form": LegalForm.COMPANY_LIMITED_BY_GUARANTEE}, "company_number", "Enter your company number"),
            ({"charity_number": "12"}, "charity_number", "Enter a charity number in the correct format"),
            ({"postcode": "NOWHERE"}, "postcode", "Enter a full UK postcode"),
            ({"year_established": 1799}, "year_established", "The year your group was set up must be between"),
            ({"year_established": utcnow().year + 1}, "year_established", "The year your group was set up"),
            ({"ward_id": 999_999}, "ward_id", "Select the ward"),
        ],
    )
    def test_rules_the_service_enforces_whoever_calls_it(self, make_user, overrides, field, message):
        with pytest.raises(DomainError) as refused:
            services.create_organisation(factories.details(**overrides), actor=Actor(make_user()))
        assert refused.value.field == field
        assert refused.value.message.startswith(message)

    def test_update_audits_only_what_changed(self, make_user):
        amira = make_user()
        group = factories.organisation(amira)
        services.update_organisation(group, factories.details(town="Eastgate"), actor=Actor(amira))
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "organisation.updated")).one()
        assert event.before == {"town": "Northbrook"}
        assert event.after == {"town": "Eastgate"}

    def test_staff_who_are_not_members_cannot_change_a_group(self, make_user):
        officer = make_user(roles={Role.APPLICANT, Role.GRANTS_OFFICER})
        group = factories.organisation(make_user())
        with pytest.raises(DomainError, match="Only members"):
            services.update_organisation(group, factories.details(town="Eastgate"), actor=Actor(officer))


class TestMembers:
    def test_a_member_removes_another_who_is_emailed(self, make_user):
        amira, joe = make_user(), make_user(full_name="Joe Bright")
        group = factories.organisation(amira, joe)
        services.remove_member(group, joe.id, actor=Actor(amira))
        assert not group.has_member(joe.id)
        assert [m.template for m in queued_emails(to=joe.email)] == ["organisations/member_removed"]
        assert "organisation.member_removed" in actions()

    def test_the_last_member_cannot_leave_or_be_removed(self, make_user):
        amira = make_user()
        group = factories.organisation(amira)
        with pytest.raises(DomainError, match="You are the only member"):
            services.remove_member(group, amira.id, actor=Actor(amira))
        with pytest.raises(DomainError, match="must keep at least one member"):
            services.remove_member(group, amira.id, actor=Actor.system())
        assert group.has_member(amira.id)

    def test_leaving_when_others_remain(self, make_user):
        amira, joe = make_user(), make_user()
        group = factories.organisation(amira, joe)
        services.remove_member(group, amira.id, actor=Actor(amira))
        assert [m.user_id for m in group.memberships] == [joe.id]
        assert "organisation.member_left" in actions()

    def test_removing_someone_who_is_not_a_member(self, make_user):
        amira, stranger = make_user(), make_user()
        group = factories.organisation(amira, make_user())
        with pytest.raises(DomainError, match="not a member"):
            services.remove_member(group, stranger.id, actor=Actor(amira))

    def test_a_person_may_belong_to_several_groups(self, make_user):
        amira = make_user()
        first = factories.organisation(amira, name="First")
        second = factories.organisation(amira, name="Second")
        assert services.member_organisation_ids(amira) == {first.id, second.id}
        assert [g.name for g in services.list_member_organisations(amira)] == ["First", "Second"]


class TestJoinRequests:
    def test_request_emails_every_member_and_approval_adds_the_person(self, make_user):
        amira, joe, sam = make_user(), make_user(), make_user(full_name="Sam Okafor")
        group = factories.organisation(amira, joe)
        join_request = services.request_to_join(group, actor=Actor(sam))
        assert {m.recipient for m in queued_emails(template="organisations/join_requested")} == {amira.email, joe.email}
        services.decide_join_request(join_request, approve=True, actor=Actor(joe))
        assert join_request.status is JoinRequestStatus.APPROVED
        assert group.has_member(sam.id)
        assert [m.template for m in queued_emails(to=sam.email)] == ["organisations/join_approved"]

    def test_declining_tells_the_person_and_adds_nobody(self, make_user):
        amira, sam = make_user(), make_user()
        group = factories.organisation(amira)
        join_request = services.request_to_join(group, actor=Actor(sam))
        services.decide_join_request(join_request, approve=False, actor=Actor(amira))
        assert not group.has_member(sam.id)
        assert [m.template for m in queued_emails(to=sam.email)] == ["organisations/join_declined"]
        with pytest.raises(DomainError, match="already been answered"):
            services.decide_join_request(join_request, approve=True, actor=Actor(amira))

    def test_one_pending_request_at_a_time_and_none_from_members(self, make_user):
        amira, sam = make_user(), make_user()
        group = factories.organisation(amira)
        services.request_to_join(group, actor=Actor(sam))
        with pytest.raises(DomainError, match="already asked"):
            services.request_to_join(group, actor=Actor(sam))
        with pytest.raises(DomainError, match="already a member"):
            services.request_to_join(group, actor=Actor(amira))

    def test_only_members_decide(self, make_user):
        group = factories.organisation(make_user())
        join_request = services.request_to_join(group, actor=Actor(make_user()))
        with pytest.raises(DomainError, match="Only members"):
            services.decide_join_request(join_request, approve=True, actor=Actor(make_user()))


class TestInvitations:
    def test_invite_then_accept_with_the_invited_address(self, make_user):
        amira = make_user()
        group = factories.organisation(amira)
        services.invite_member(group, email=" New.Person@Example.org ", actor=Actor(amira))
        [email] = queued_emails(to="new.person@example.org")
        token = link_token(email)
        assert services.find_invitation(token).token_hash != token  # only the hash is stored
        newcomer = make_user(email="new.person@example.org")
        services.accept_invitation(token, actor=Actor(newcomer))
        assert group.has_member(newcomer.id)
        with pytest.raises(DomainError, match="expired or has already been used"):
            services.accept_invitation(token, actor=Actor(newcomer))

    def test_someone_else_cannot_use_a_forwarded_link(self, make_user):
        amira = make_user()
        group = factories.organisation(amira)
        token = services.invite_member(group, email="invited@example.org", actor=Actor(amira))
        with pytest.raises(DomainError, match="This invitation was sent to invited@example.org"):
            services.accept_invitation(token, actor=Actor(make_user(email="other@example.org")))

    def test_a_new_invitation_replaces_the_old_and_links_expire(self, make_user, app):
        amira = make_user()
        group = factories.organisation(amira)
        first = services.invite_member(group, email="x@example.org", actor=Actor(amira))
        second = services.invite_member(group, email="x@example.org", actor=Actor(amira))
        assert services.find_invitation(first) is None
        later = utcnow() + timedelta(hours=app.config["INVITATION_TOKEN_HOURS"] + 1)
        assert services.find_invitation(second, now=later) is None

    def test_members_are_not_invited_again(self, make_user):
        amira = make_user(email="amira@example.org")
        group = factories.organisation(amira)
        with pytest.raises(DomainError, match="already a member") as refused:
            services.invite_member(group, email="AMIRA@example.org", actor=Actor(amira))
        assert refused.value.field == "email"


class TestDocuments:
    def today(self):
        return date(2026, 6, 1)

    def states(self, group):
        return {check.kind: check.state for check in services.check_documents(group, today=self.today())}

    def test_everything_is_missing_at_first(self, make_user):
        group = factories.organisation(make_user())
        assert set(self.states(group).values()) == {DocumentState.MISSING}

    def test_accounts_stay_current_until_the_next_years_are_due(self, make_user):
        group = factories.organisation(make_user())
        factories.document(group, DocumentKind.ACCOUNTS, dated=date(2024, 8, 31))  # next due 30 June 2026
        [accounts] = [c for c in services.check_documents(group, today=self.today()) if c.kind == "accounts"]
        assert accounts.expires_on == date(2026, 6, 30)
        assert accounts.state is DocumentState.CURRENT
        factories.document(group, DocumentKind.ACCOUNTS, dated=date(2024, 3, 31))  # newer upload, older year
        db.session.expire(group)
        assert self.states(group)[DocumentKind.ACCOUNTS] is DocumentState.OUT_OF_DATE

    def test_policies_go_out_of_date_on_their_review_date(self, make_user):
        group = factories.organisation(make_user())
        factories.document(group, DocumentKind.SAFEGUARDING_POLICY, dated=date(2026, 5, 31))
        factories.document(group, DocumentKind.EQUALITY_POLICY, dated=date(2026, 6, 1))
        factories.document(group, DocumentKind.GOVERNING_DOCUMENT)
        factories.document(group, DocumentKind.BANK_STATEMENT, dated=date(2026, 2, 28))
        db.session.expire(group)
        assert self.states(group) == {
            DocumentKind.GOVERNING_DOCUMENT: DocumentState.CURRENT,
            DocumentKind.ACCOUNTS: DocumentState.MISSING,
            DocumentKind.SAFEGUARDING_POLICY: DocumentState.OUT_OF_DATE,
            DocumentKind.EQUALITY_POLICY: DocumentState.CURRENT,
            DocumentKind.BANK_STATEMENT: DocumentState.OUT_OF_DATE,  # 28 May 2026 + 3 months
        }

    def test_add_months_keeps_to_the_end_of_short_months(self):
        assert services.add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
        assert services.add_months(date(2024, 3, 31), 22) == date(2026, 1, 31)


def test_wards_load_from_the_csv_once():
    added, existing = services.load_wards()
    assert added >= 10
    assert services.load_wards() == (0, added + existing)
    assert all(ward.ons_code.startswith("E05") and len(ward.ons_code) == 9 for ward in services.list_wards())


def test_demo_seed_is_idempotent():

    seed_users(DEMO_USERS)
    assert demo.seed().startswith("Organisations: 6 added, 0 already there")
    assert demo.seed().startswith("Organisations: 0 added, 6 already there")
    applicant = find_user_by_email("applicant@example.org")
    assert len(services.list_member_organisations(applicant)) == 2


def test_the_council_loads_its_ward_list_and_is_told_what_was_refused(app, tmp_path):
    wards = tmp_path / "wards.csv"
    wards.write_text(
        "name,ons_code\n"
        "Ashgrove,E05012345\n"
        "Hilltop,e05012346\n"
        "Nowhere,XYZ\n"
        ",E05012347\n"
        "Ashgrove,E05012348\n"
        "Ashgrove,E05012345\n"
    )
    result = app.test_cli_runner().invoke(args=["organisations", "load-wards", str(wards)])
    assert result.exit_code == 0, result.output
    assert "Wards: 2 added, 1 already there, 3 refused." in result.output
    assert "line 4: XYZ is not an ONS ward code, like E05012345" in result.output
    assert "line 6: there is already a ward called Ashgrove" in result.output
    loaded = {(ward.name, ward.ons_code) for ward in services.list_wards()}
    assert {("Ashgrove", "E05012345"), ("Hilltop", "E05012346")} <= loaded
