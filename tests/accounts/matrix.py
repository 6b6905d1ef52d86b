"""Permission matrix rows for the foundation: pages, accounts, administration, audit and outbox."""

from grantsfund.accounts.models import Role
from grantsfund.audit.services import record
from grantsfund.common.actor import Actor
from grantsfund.extensions import db
from grantsfund.notifications.models import OutboxStatus
from grantsfund.notifications.services import queue_email
from tests.matrix import Row, admin_only, everyone, fixed, signed_in

ROWS = [
    Row("pages.home", fixed("/"), everyone(200)),
    Row("pages.accessibility", fixed("/accessibility"), everyone(200)),
    Row("pages.privacy", fixed("/privacy"), everyone(200)),
    Row("pages.cookies", fixed("/cookies"), everyone(200)),
    Row("pages.health", fixed("/health"), everyone(200)),
    Row("accounts.register", fixed("/register"), everyone(200)),
    Row("accounts.check_email", fixed("/check-your-email"), everyone(200)),
    Row("accounts.verify_email", fixed("/verify-email/expired-token"), everyone(200)),
    Row("accounts.resend_verification", fixed("/confirm-your-email"), everyone(200)),
    Row("accounts.sign_in", fixed("/sign-in"), signed_in(302, anonymous=200)),
    Row("accounts.sign_out", fixed("/sign-out"), signed_in(302), method="POST"),
    Row("accounts.forgot_password", fixed("/forgot-password"), everyone(200)),
    Row("accounts.reset_password", fixed("/reset-password/expired-token"), everyone(200)),
    Row("accounts.accept_invitation", fixed("/invitation/expired-token"), everyone(200)),
    Row("accounts.account", fixed("/account"), signed_in(200)),
    Row("accounts.change_password", fixed("/account/password"), signed_in(200)),
    # With no password step pending, the second-step pages send everyone back to sign in.
    Row("accounts.sign_in_code", fixed("/sign-in/code"), everyone(302)),
    Row("accounts.sign_in_recovery_code", fixed("/sign-in/recovery-code"), everyone(302)),
    Row("accounts.set_up_authenticator", fixed("/sign-in/set-up-authenticator"), signed_in(200)),
    # Without an authenticator app set up there is nothing to replace or turn off.
    Row("accounts.new_recovery_codes", fixed("/account/two-step-verification/recovery-codes"), signed_in(302)),
    Row("accounts.turn_off_two_step", fixed("/account/two-step-verification/turn-off"), signed_in(302)),
    Row("admin.list_users", fixed("/admin/users"), admin_only()),
    Row("admin.invite_user", fixed("/admin/users/invite"), admin_only()),
    Row("admin.show_user", lambda o: f"/admin/users/{o['person'].id}", admin_only()),
    Row(
        "admin.update_roles",
        lambda o: f"/admin/users/{o['person'].id}/roles",
        admin_only(302),
        method="POST",
        data={"roles": ["applicant", "assessor"]},
    ),
    Row("admin.disable_user", lambda o: f"/admin/users/{o['person'].id}/disable", admin_only(302), method="POST"),
    Row("admin.enable_user", lambda o: f"/admin/users/{o['person'].id}/enable", admin_only(302), method="POST"),
    Row(
        "admin.resend_invitation",
        lambda o: f"/admin/users/{o['invited'].id}/resend-invitation",
        admin_only(302),
        method="POST",
    ),
    Row(
        "admin.reset_two_step",
        lambda o: f"/admin/users/{o['person'].id}/reset-two-step-verification",
        admin_only(302),
        method="POST",
    ),
    Row("audit.list_events", fixed("/admin/audit"), admin_only()),
    Row("audit.show_event", lambda o: f"/admin/audit/{o['event'].id}", admin_only()),
    Row("notifications.list_messages", fixed("/admin/outbox"), admin_only()),
    Row(
        "notifications.retry_message",
        lambda o: f"/admin/outbox/{o['message'].id}/retry",
        admin_only(302),
        method="POST",
    ),
]


def make_objects(make_user, applicant):
    person = make_user(full_name="Someone Else")
    invited = make_user(full_name="Invited Person", password=None, roles={Role.ASSESSOR})
    message = queue_email(to="someone@example.org", template="accounts/password_changed", context={"full_name": "S"})
    message.status = OutboxStatus.FAILED
    event = record(actor=Actor.system(), action="user.seeded", obj=person)
    db.session.flush()
    return {"person": person, "invited": invited, "message": message, "event": event}
