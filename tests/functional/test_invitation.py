"""A coordinator invites a colleague; the colleague follows the e-mailed link, sets a password, signs in."""

from __future__ import annotations

from organiser.core.models import Role, User
from organiser.db import db
from tests.factories import PASSWORD, CoalitionFactory, user_with_role
from tests.helpers import links_in, path_of, sign_in, submit, text_of


def _coalition_with_coordinator(app):
    with app.app_context():
        coalition = CoalitionFactory(name="Fight Inequality Alliance Zambia", slug="fia-zm")
        coordinator = user_with_role(
            Role.COALITION_COORDINATOR, coalition.id, email="mwila@example.org", name="Mwila"
        )
        db.session.commit()
        return coalition.slug, coalition.id, coordinator.email


def test_invited_coordinator_sets_password_through_emailed_link_and_signs_in(app, client, mail):
    slug, coalition_id, coordinator = _coalition_with_coordinator(app)
    assert sign_in(client, coordinator, PASSWORD).status_code == 302

    sent = submit(client, f"/coalitions/{slug}/team", {"email": "Chanda@Example.org"}, follow=True)
    assert "Invitation sent to Chanda@Example.org" in text_of(sent)

    [message] = mail.wait_for(1)
    assert message["To"] == "chanda@example.org"
    assert "Fight Inequality Alliance Zambia" in message["Subject"]
    [link] = links_in(message)
    assert link.startswith("http://localhost/account/invitation/")

    client.post("/account/sign-out", data={})  # a stale form without a token changes nothing...
    invitee = app.test_client()  # ...and the invitee uses their own browser anyway
    page = invitee.get(path_of(link))
    assert "You are invited to be coalition coordinator for Fight Inequality Alliance Zambia" in text_of(page)

    mismatch = submit(
        invitee, path_of(link), {"name": "Chanda", "password": "long enough pw", "confirm": "different one"}
    )
    assert mismatch.status_code == 200
    assert "The two passwords do not match" in text_of(mismatch)

    accepted = submit(
        invitee,
        path_of(link),
        {"name": "Chanda Banda", "password": "a strong passphrase", "confirm": "a strong passphrase"},
    )
    assert accepted.status_code == 302

    wrong = sign_in(invitee, "chanda@example.org", "not the password")
    assert wrong.status_code == 200
    assert "The e-mail address or password is wrong" in text_of(wrong)

    assert sign_in(invitee, "chanda@example.org", "a strong passphrase").status_code == 302
    team = invitee.get(f"/coalitions/{slug}/team")
    assert team.status_code == 200
    assert "Chanda Banda" in text_of(team)

    with app.app_context():
        user = User.by_email("chanda@example.org")
        assert user.has_role(Role.COALITION_COORDINATOR, coalition_id)

    again = invitee.get(path_of(link))
    assert again.status_code == 410, "an invitation link works once"
