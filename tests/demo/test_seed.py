from sqlalchemy import func, select

from grantsfund.accounts.models import Role, User
from grantsfund.demo.services import DEMO_PASSWORD, DEMO_USERS
from grantsfund.extensions import db


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
    client.application.test_cli_runner().invoke(args=["demo", "seed"])
    for demo in DEMO_USERS:
        response = client.submit("/sign-in", {"email": demo.email, "password": DEMO_PASSWORD})
        assert response.headers["Location"] == "/account", demo.email
        client.submit("/sign-out")


def test_seed_adds_draft_and_submitted_applications_once(app):
    from grantsfund.applications.models import Application, ApplicationStatus

    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "seed"])
    assert "Applications: 2 drafts and 3 submitted added" in first.output, first.output
    second = runner.invoke(args=["demo", "seed"])
    assert "Applications: 0 drafts and 0 submitted added" in second.output, second.output
    statuses = db.session.scalars(select(Application.status)).all()
    assert sorted(statuses) == sorted(
        [ApplicationStatus.DRAFT] * 2 + [ApplicationStatus.SUBMITTED] + [ApplicationStatus.IN_ASSESSMENT] * 2
    )
    references = db.session.scalars(select(Application.reference).where(Application.reference.is_not(None))).all()
    assert len(set(references)) == 3


def test_seed_gives_the_demo_assessor_two_bids_once(app):
    from grantsfund.assessment.models import Assignment, AssignmentStatus

    runner = app.test_cli_runner()
    assert "Assessment: 2 bids found eligible and assigned" in runner.invoke(args=["demo", "seed"]).output
    assert "Assessment: 0 bids found eligible and assigned" in runner.invoke(args=["demo", "seed"]).output
    statuses = set(db.session.scalars(select(Assignment.status)).all())
    assert statuses == {AssignmentStatus.AWAITING_DECLARATION, AssignmentStatus.ACCEPTED}
