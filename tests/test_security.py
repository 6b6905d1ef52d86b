"""Security headers, CSRF and production configuration, checked by exact value."""

from pathlib import Path

import pytest

from grantsfund import create_app
from grantsfund.common.dates import utcnow
from grantsfund.security import GOVUK_INLINE_SCRIPT, HSTS_VALUE, SIGNED_IN_AT
from tests.conftest import PASSWORD, page

EXPECTED_CSP = (
    "default-src 'self'; "
    "script-src 'self' 'sha256-GUQ5ad8JK5KmEWmROf3LZd9ge94daqNvd8xy9YS1iDw='; "
    "style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
EXPECTED_HEADERS = {
    "Content-Security-Policy": EXPECTED_CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def assert_security_headers(response):
    for name, value in EXPECTED_HEADERS.items():
        assert response.headers.get(name) == value, name


@pytest.mark.parametrize(
    ("url", "status"), [("/", 200), ("/sign-in", 200), ("/no-such-page", 404), ("/assets/app.css", 200)]
)
def test_every_response_carries_the_security_headers(client, url, status):
    response = client.get(url)
    response.close()
    assert response.status_code == status
    assert_security_headers(response)


def test_error_pages_from_failed_forms_carry_the_headers(client):
    response = client.post("/sign-in", data={"email": "a@example.org", "password": "x"})
    assert response.status_code == 400
    assert_security_headers(response)


def test_the_only_inline_script_is_the_one_the_policy_allows(client):
    inline = [script.string for script in page(client.get("/")).select("script:not([src])")]
    assert inline == [GOVUK_INLINE_SCRIPT]


def test_signed_in_pages_are_not_stored(applicant_client, client):
    assert applicant_client.get("/account").headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")


def test_a_post_without_a_csrf_token_gets_a_friendly_400(client):
    response = client.post("/register", data={"full_name": "A", "email": "a@example.org", "password": "x" * 20})
    assert response.status_code == 400
    assert page(response).h1.get_text(strip=True) == "Sorry, we could not save that"


def test_a_post_with_a_forged_csrf_token_is_refused(client):
    response = client.post("/sign-in", data={"csrf_token": "forged", "email": "a@example.org", "password": "x"})
    assert response.status_code == 400


def test_production_sends_hsts(app):
    production = create_app(
        {"SECRET_KEY": "a-long-random-production-secret", "SQLALCHEMY_DATABASE_URI": "sqlite://"},
        env_name="production",
    )
    response = production.test_client().get("/accessibility")
    assert response.headers["Strict-Transport-Security"] == HSTS_VALUE
    assert "Strict-Transport-Security" not in app.test_client().get("/").headers


def test_production_refuses_to_start_with_the_development_secret(monkeypatch):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, env_name="production")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": ""}, env_name="production")


def test_an_unknown_environment_name_is_refused():
    with pytest.raises(RuntimeError, match="APP_ENV"):
        create_app(env_name="staging")


def test_errors_inside_a_view_show_the_500_page_with_headers(app, client, monkeypatch):
    from grantsfund.pages import views

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setitem(app.view_functions, "pages.cookies", broken)
    app.testing = False  # let the error handler run instead of re-raising
    try:
        response = client.get("/cookies")
    finally:
        app.testing = True
    assert response.status_code == 500
    assert page(response).h1.get_text(strip=True) == "Sorry, there is a problem with the service"
    assert_security_headers(response)
    assert views.cookies is not broken


@pytest.mark.parametrize(("hours_ago", "still_signed_in"), [(11.9, True), (12.1, False)])
def test_a_session_ends_twelve_hours_after_signing_in_however_busy(client, make_user, hours_ago, still_signed_in):
    make_user(email="busy@example.org")
    client.submit("/sign-in", {"email": "busy@example.org", "password": PASSWORD})
    with client.session_transaction() as session:
        signed_in_at = session[SIGNED_IN_AT]
        assert abs(signed_in_at - utcnow().timestamp()) < 60
        session[SIGNED_IN_AT] = signed_in_at - hours_ago * 3600

    response = client.get("/account")

    if still_signed_in:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/sign-in")
        assert client.get("/account").status_code == 302  # the session is gone, not just this request refused


def test_nginx_sends_the_headers_on_the_static_files_it_serves_itself():
    site = (Path(__file__).resolve().parents[1] / "deploy" / "nginx" / "grantsfund.conf").read_text()
    assets = site.split("location /assets/", 1)[1].split("}", 1)[0]
    assert 'add_header X-Content-Type-Options "nosniff" always;' in assets
    assert f'add_header Strict-Transport-Security "{HSTS_VALUE}" always;' in assets
    assert "server_tokens off;" in site


@pytest.mark.parametrize("url", ["/admin/users?q=a%00b", "/admin/users?q%00=a", "/admin/users/a%00b"])
def test_a_nul_character_anywhere_in_the_address_is_a_bad_request(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 400
    assert page(response).h1.get_text(strip=True) == "Sorry, there is a problem with that request"


def test_a_nul_character_in_a_form_field_is_a_bad_request(client):
    client.get("/sign-in")
    response = client.post(
        "/sign-in", data={"csrf_token": client.csrf_token(), "email": "a\x00@example.org", "password": "x"}
    )
    assert response.status_code == 400
