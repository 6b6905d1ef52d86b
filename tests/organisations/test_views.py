"""The organisations pages over HTTP with CSRF on, for members, officers and others."""

from contextlib import contextmanager

from sqlalchemy import event

from grantsfund.extensions import db
from grantsfund.organisations import services
from tests.conftest import error_messages, link_token, page, queued_emails, sign_in_as
from tests.organisations import factories


def form_data(**overrides):
    data = {
        "name": "Brookside Tenants Association",
        "legal_form": "registered_charity",
        "charity_number": "sc012345",
        "company_number": "",
        "address_line_1": "4 Brook Row",
        "address_line_2": "",
        "town": "Northbrook",
        "postcode": "nb3 4cd",
        "ward_id": str(factories.ward().id),
        "annual_income": "£12,500.50",
        "year_established": "2004",
        "has_safeguarding_policy": "yes",
        "has_equality_policy": "no",
        "contact_name": "Amira Khan",
        "contact_email": "amira@example.org",
        "contact_phone": "01632 960 001",
    }
    return {**data, **overrides}


@contextmanager
def count_queries():
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


class TestProfile:
    def test_create_a_group_profile(self, applicant_client):
        response = applicant_client.submit("/organisations/new", form_data())
        assert response.status_code == 302, error_messages(response)
        [group] = services.list_member_organisations(applicant_client.user)
        assert response.headers["Location"] == f"/organisations/{group.id}"
        assert (group.charity_number, group.postcode, group.annual_income_pence) == ("SC012345", "NB3 4CD", 1_250_050)
        shown = applicant_client.get(f"/organisations/{group.id}")
        assert page(shown).h1.get_text(strip=True) == "Brookside Tenants Association"
        assert "£12,500.50" in page(shown).select_one("main").text
        assert "Missing" in page(shown).select_one("#documents + p + .govuk-summary-list, main").text
        assert applicant_client.get("/your-group").headers["Location"] == f"/organisations/{group.id}"

    def test_errors_are_summarised_in_govuk_words_and_input_kept(self, applicant_client):
        response = applicant_client.submit(
            "/organisations/new",
            form_data(name="", charity_number="", postcode="NOWHERE", annual_income="lots", year_established="3000",
                      ward_id="", has_equality_policy=""),
        )  # fmt: skip
        assert response.status_code == 200
        assert error_messages(response) == [
            "Enter the name of your group",
            "Enter a full UK postcode, like NB1 2AB",
            "Select the ward your group is based in",
            "Enter an amount in pounds and pence, like 1,234.50",
            "The year your group was set up must be this year or in the past",
            "Select yes if your group has an equality policy",
        ]
        assert page(response).select_one("#postcode")["value"] == "NOWHERE"
        assert page(response).select_one("#annual_income")["value"] == "lots"

    def test_the_number_a_legal_form_needs_is_asked_for(self, applicant_client):
        response = applicant_client.submit("/organisations/new", form_data(charity_number=""))
        assert error_messages(response) == ["Enter your charity number – registered charities and CIOs must give one"]

    def test_edit_shows_the_saved_values_and_saves_changes(self, applicant_client):
        group = factories.organisation(applicant_client.user)
        shown = applicant_client.get(f"/organisations/{group.id}/edit")
        assert page(shown).select_one("#postcode")["value"] == "NB1 2AB"
        assert page(shown).select_one("#annual_income")["value"] == "12500.00"
        response = applicant_client.submit(f"/organisations/{group.id}/edit", form_data(name="New Name"))
        assert response.status_code == 302
        assert services.get_organisation(group.id).name == "New Name"

    def test_officers_see_any_group_read_only(self, officer_client, make_user):
        group = factories.organisation(make_user())
        shown = officer_client.get(f"/organisations/{group.id}")
        assert shown.status_code == 200
        assert page(shown).select_one("a[href$='/edit']") is None
        assert page(shown).select("form[action*='/remove']") == []
        assert officer_client.get(f"/organisations/{group.id}/edit").status_code == 403
        listed = officer_client.get("/organisations")
        assert group.name in page(listed).select_one("table").text

    def test_staff_who_are_also_applicants_cannot_change_groups_they_do_not_belong_to(self, app, make_user):
        from grantsfund.accounts.models import Role

        officer = make_user(roles={Role.GRANTS_OFFICER, Role.APPLICANT})
        client = sign_in_as(app.test_client(), officer)
        group = factories.organisation(make_user())
        assert client.get(f"/organisations/{group.id}").status_code == 200
        assert client.get(f"/organisations/{group.id}/edit").status_code == 403
        own = factories.organisation(officer)
        assert client.get(f"/organisations/{own.id}/edit").status_code == 200


class TestCurrentGroup:
    def test_switching_between_groups_is_remembered_and_checked(self, applicant_client, make_user):
        first = factories.organisation(applicant_client.user, name="First Group")
        second = factories.organisation(applicant_client.user, make_user(), name="Second Group")
        assert applicant_client.get("/your-group").headers["Location"] == "/organisations"
        applicant_client.submit(f"/organisations/{second.id}/switch")
        assert applicant_client.get("/your-group").headers["Location"] == f"/organisations/{second.id}"
        listed = page(applicant_client.get("/organisations"))
        assert "Current group" in listed.select_one("main").text
        # Removed from the group: the remembered choice no longer counts.
        services.remove_member(second, applicant_client.user.id, actor=services.Actor.system())
        assert applicant_client.get("/your-group").headers["Location"] == f"/organisations/{first.id}"


class TestMembers:
    def test_invitation_for_someone_without_an_account(self, applicant_client, app, make_user):
        group = factories.organisation(applicant_client.user)
        response = applicant_client.submit(f"/organisations/{group.id}/members/invite", {"email": "Sam@Example.org"})
        assert response.headers["Location"] == f"/organisations/{group.id}#members"
        token = link_token(queued_emails(to="sam@example.org", template="organisations/member_invitation")[0])

        visitor = app.test_client()
        landing = visitor.get(f"/organisation-invitation/{token}")
        assert page(landing).h1.get_text(strip=True) == f"Join {group.name}"
        sign_in = page(landing).select_one("main a[href^='/sign-in']")["href"]
        assert sign_in == f"/sign-in?next=/organisation-invitation/{token}"

        sam = make_user(email="sam@example.org")
        sign_in_as(visitor, sam)
        accepted = visitor.submit(f"/organisation-invitation/{token}")
        assert accepted.headers["Location"] == f"/organisations/{group.id}"
        assert services.get_organisation(group.id).has_member(sam.id)
        again = visitor.get(f"/organisation-invitation/{token}")
        assert page(again).h1.get_text(strip=True) == "This invitation has expired or has already been used"

    def test_the_wrong_person_is_told_which_address_to_use(self, applicant_client, app, make_user):
        group = factories.organisation(applicant_client.user)
        applicant_client.submit(f"/organisations/{group.id}/members/invite", {"email": "sam@example.org"})
        token = link_token(queued_emails(to="sam@example.org")[0])
        other = sign_in_as(app.test_client(), make_user(email="not-sam@example.org"))
        response = other.submit(f"/organisation-invitation/{token}")
        assert error_messages(response) == [
            "This invitation was sent to sam@example.org. Sign in with that email address to accept it"
        ]

    def test_remove_and_the_last_member_rule(self, applicant_client, make_user):
        joe = make_user(full_name="Joe Bright")
        group = factories.organisation(applicant_client.user, joe)
        response = applicant_client.submit(f"/organisations/{group.id}/members/{joe.id}/remove", follow_redirects=True)
        assert "Joe Bright is no longer a member" in page(response).select_one(".govuk-notification-banner").text
        response = applicant_client.submit(
            f"/organisations/{group.id}/members/{applicant_client.user.id}/remove", follow_redirects=True
        )
        assert "You are the only member" in page(response).select_one(".govuk-notification-banner").text
        assert services.get_organisation(group.id).has_member(applicant_client.user.id)

    def test_ask_to_join_and_a_member_approves(self, applicant_client, app, make_user):
        member = make_user(email="member@example.org")
        group = factories.organisation(member, name="Castle Hill Youth Trust")
        found = applicant_client.get("/organisations/join?name=castle youth")
        assert [
            li.select_one(".govuk-summary-list__key").text for li in page(found).select("main .govuk-summary-list__row")
        ] == [group.name]
        assert applicant_client.get(f"/organisations/{group.id}").status_code == 404
        response = applicant_client.submit("/organisations/join", {"organisation_id": str(group.id)})
        assert response.headers["Location"] == "/organisations"
        assert [m.template for m in queued_emails(to="member@example.org")] == ["organisations/join_requested"]

        [join_request] = services.get_organisation(group.id).join_requests
        approver = sign_in_as(app.test_client(), member)
        approver.submit(f"/organisations/{group.id}/join-requests/{join_request.id}", {"decision": "approve"})
        assert applicant_client.get(f"/organisations/{group.id}").status_code == 200

    def test_a_join_request_from_another_group_cannot_be_answered_through_yours(self, applicant_client, make_user):
        mine = factories.organisation(applicant_client.user)
        theirs = factories.organisation(make_user(), name="Theirs")
        join_request = services.request_to_join(theirs, actor=services.Actor(make_user()))
        response = applicant_client.submit(
            f"/organisations/{mine.id}/join-requests/{join_request.id}", {"decision": "approve"}
        )
        assert response.status_code == 404


def test_pages_issue_a_bounded_number_of_queries(officer_client, applicant_client, make_user):
    group = factories.organisation(applicant_client.user)
    pages = [
        (applicant_client, f"/organisations/{group.id}"),
        (officer_client, "/organisations"),
        (applicant_client, "/organisations"),
    ]

    def add_rows(count):
        for number in range(count):
            group.memberships.append(services.Membership(user=make_user(), joined_at=services.utcnow()))
            factories.document(group)
            factories.organisation(make_user(), name=f"Group {number} {make_user().id}")
            services.request_to_join(group, actor=services.Actor(make_user()))
            factories.organisation(applicant_client.user, name=f"Mine {number} {make_user().id}")
        db.session.flush()

    def queries():
        counts = []
        for client, url in pages:
            with count_queries() as statements:
                assert client.get(url).status_code == 200
            counts.append(len(statements))
        return counts

    add_rows(1)
    few = queries()
    add_rows(12)
    assert queries() == few
