"""Embedded default: no SMTP server, so mail is kept in the local outbox that coordinators can read."""

from __future__ import annotations

import re

from organiser.core.models import Role
from organiser.db import db
from tests.factories import PASSWORD, UserFactory, user_with_role
from tests.helpers import path_of, sign_in, submit, text_of


def test_reset_link_read_from_the_local_outbox(app, client, mail, config_override):
    config_override(MAIL_BACKEND="local")
    with app.app_context():
        user_with_role(Role.PLATFORM_ADMIN, email="admin@example.org")
        UserFactory(email="nadia@example.org", name="Nadia")
        db.session.commit()
    submit(client, "/account/forgot-password", {"email": "nadia@example.org"})
    assert mail.messages == [], "nothing leaves the machine"

    admin = app.test_client()
    sign_in(admin, "admin@example.org", PASSWORD)
    listing = admin.get("/dev/mail")
    assert "Reset your Organiser password" in text_of(listing) and "nadia@example.org" in text_of(listing)
    message_path = re.search(r'href="(/dev/mail/\d+)"', listing.get_data(as_text=True)).group(1)
    message = admin.get(message_path).get_data(as_text=True)
    link = re.search(r'<a href="(http://localhost/account/reset/[^"]+)"', message).group(1)

    done = submit(
        client, path_of(link), {"password": "kept locally all along", "confirm": "kept locally all along"}
    )
    assert done.status_code == 302
    assert sign_in(client, "nadia@example.org", "kept locally all along").status_code == 302
    assert admin.get("/dev/mail/999999").status_code == 404
