"""The app's shell: home page, health check, security headers, errors, languages."""

from __future__ import annotations

from organiser.db import db
from tests.factories import CoalitionFactory
from tests.helpers import text_of


def test_home_page_lists_coalitions_with_their_chapters(app, client):
    with app.app_context():
        fia = CoalitionFactory(name="Fight Inequality Alliance", slug="fia", country=None)
        CoalitionFactory(name="Fight Inequality Alliance Nigeria", slug="fia-ng", parent=fia, country="NG")
        CoalitionFactory(name="Structural Inequalities Alliance", slug="sia")
        db.session.commit()
    text = text_of(client.get("/"))
    assert "Fight Inequality Alliance" in text and "Structural Inequalities Alliance" in text
    assert "National chapters Fight Inequality Alliance Nigeria" in text
    page = text_of(client.get("/coalitions/fia-ng"))
    assert "Nigeria" in page and "Fight Inequality Alliance" in page


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["database"] == "ok" and response.json["status"] == "ok"


def test_security_headers_and_cookies(client):
    response = client.get("/account/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_https_deployments_get_secure_cookies_and_hsts(app):
    from organiser import create_app

    secure = create_app(
        {**app.config, "BASE_URL": "https://organiser.example.org", "SESSION_COOKIE_SECURE": True}
    )
    response = secure.test_client().get("/account/sign-in")
    assert "Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_not_found_page_is_helpful(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in text_of(response)


def test_a_form_sent_without_its_token_is_refused_kindly(client):
    response = client.post("/account/sign-in", data={"email": "a@example.org", "password": "x"})
    assert response.status_code == 400
    assert "This form has expired" in text_of(response)


def test_language_switch_shows_spanish_and_remembers_it(client):
    response = client.get("/account/sign-in?lang=es")
    assert '<html lang="es">' in response.get_data(as_text=True)
    assert "Iniciar sesión" in text_of(response)
    assert "lang=es" in response.headers["Set-Cookie"]
    assert "Iniciar sesión" in text_of(client.get("/account/sign-in"))
    assert "Sign in" in text_of(client.get("/account/sign-in?lang=en"))


def test_browser_language_is_used_when_nothing_else_is_set(client):
    response = client.get("/", headers={"Accept-Language": "es-MX,es;q=0.9"})
    assert '<html lang="es">' in response.get_data(as_text=True)
