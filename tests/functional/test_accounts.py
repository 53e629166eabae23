"""Signing in and out, rate limits, and resetting a forgotten password through the e-mailed link."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from organiser.core.models import AccountToken
from organiser.db import db, utcnow
from tests.factories import PASSWORD, UserFactory
from tests.helpers import csrf_token, links_in, path_of, sign_in, submit, text_of


def _user(app, email="amina@example.org", **kw):
    with app.app_context():
        user = UserFactory(email=email, name="Amina", **kw)
        db.session.commit()
        return user.email


def test_sign_in_and_out(app, client):
    email = _user(app)
    page = client.get("/account/sign-in")
    assert "Sign in" in text_of(page)
    response = sign_in(client, email.upper(), PASSWORD)
    assert response.status_code == 302 and response.location == "/account"
    assert "Signed in as amina@example.org" in text_of(client.get("/account"))
    account = client.get("/account").get_data(as_text=True)
    out = client.post("/account/sign-out", data={"csrf_token": csrf_token(account)}, follow_redirects=True)
    assert "You are signed out" in text_of(out)
    assert client.get("/account").status_code == 302


def test_wrong_password_and_unknown_address_get_the_same_clear_message(app, client):
    email = _user(app)
    for address in (email, "nobody@example.org"):
        response = sign_in(client, address, "wrong password")
        assert response.status_code == 200
        text = text_of(response)
        assert "Error: Sign in" in text  # the page title says there is an error
        assert "The e-mail address or password is wrong" in text


def test_empty_and_malformed_fields_are_explained_next_to_them(app, client):
    response = submit(client, "/account/sign-in", {"email": "not-an-address", "password": ""})
    html = response.get_data(as_text=True)
    assert 'id="email-error"' in html and 'aria-describedby="email-error"' in html
    assert "Enter an e-mail address in the right format" in text_of(response)
    assert "Enter your password" in text_of(response)


def test_repeated_failures_are_rate_limited_with_a_clear_message(app, client):
    email = _user(app)
    for _ in range(5):
        assert sign_in(client, email, "wrong password").status_code == 200
    limited = sign_in(client, email, PASSWORD)  # even the right password waits now
    assert limited.status_code == 429
    assert "Too many failed sign-in attempts" in text_of(limited)
    assert limited.headers.get("Retry-After")


def test_successful_sign_ins_do_not_use_up_the_limit(app, client):
    email = _user(app)
    for _ in range(7):
        assert sign_in(client, email, PASSWORD).status_code == 302
        client.post(
            "/account/sign-out",
            data={"csrf_token": csrf_token(client.get("/account").get_data(as_text=True))},
        )


@pytest.mark.parametrize(
    "target",
    ["//evil.example/phish", "/\\evil.example", "https://evil.example/", "/\t/evil.example", "javascript:x"],
)
def test_next_parameter_cannot_send_people_to_another_site(app, client, target):
    email = _user(app)
    page = client.get("/account/sign-in", query_string={"next": target})
    response = client.post(
        "/account/sign-in",
        query_string={"next": target},
        data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(page.get_data(as_text=True))},
    )
    assert response.location == "/account"


def test_forgotten_password_reset_through_the_emailed_link(app, client, mail):
    email = _user(app)
    sent = submit(client, "/account/forgot-password", {"email": email})
    assert "Check your e-mail" in text_of(sent)
    [message] = mail.wait_for(1)
    assert message["To"] == email and message["Subject"] == "Reset your Organiser password"
    [link] = links_in(message)

    other_browser = app.test_client()
    assert sign_in(other_browser, email, PASSWORD).status_code == 302

    assert client.get(path_of(link)).status_code == 200
    short = submit(client, path_of(link), {"password": "short", "confirm": "short"})
    assert "Use at least 10 characters" in text_of(short)
    done = submit(
        client, path_of(link), {"password": "a brand new passphrase", "confirm": "a brand new passphrase"}
    )
    assert done.status_code == 302

    assert client.get(path_of(link)).status_code == 410, "the link works once"
    assert sign_in(client, email, PASSWORD).status_code == 200
    assert sign_in(client, email, "a brand new passphrase").status_code == 302
    assert other_browser.get("/account").status_code == 302, "changing the password ends other sessions"


def test_unknown_address_gets_the_same_answer_and_no_mail(app, client, mail):
    response = submit(client, "/account/forgot-password", {"email": "stranger@example.org"})
    assert "Check your e-mail" in text_of(response)
    assert mail.messages == []


def test_expired_reset_link_is_refused(app, client, mail):
    email = _user(app)
    submit(client, "/account/forgot-password", {"email": email})
    [link] = links_in(mail.wait_for(1)[0])
    with app.app_context():
        for token in db.session.scalars(select(AccountToken)):
            token.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    response = client.get(path_of(link))
    assert response.status_code == 410
    assert "This link no longer works" in text_of(response)


def test_deactivated_account_cannot_sign_in(app, client):
    email = _user(app, active=False)
    assert sign_in(client, email, PASSWORD).status_code == 200


def test_next_parameter_returns_people_to_the_page_they_wanted(app, client):
    email = _user(app)
    assert client.get("/coalitions/none/team").location == "/account/sign-in?next=%2Fcoalitions%2Fnone%2Fteam"
    page = client.get("/account/sign-in?next=%2Fcoalitions%2Fnone%2Fteam")
    response = client.post(
        "/account/sign-in?next=%2Fcoalitions%2Fnone%2Fteam",
        data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(page.get_data(as_text=True))},
    )
    assert response.location == "/coalitions/none/team"
