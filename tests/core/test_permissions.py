"""Every protected route is tried with the wrong role, another coalition's coordinator and nobody."""

from __future__ import annotations

import pytest

from organiser.core.models import Role
from organiser.db import db
from tests.factories import PASSWORD, CoalitionFactory, OrganisationFactory, UserFactory, user_with_role
from tests.helpers import csrf_token, sign_in


@pytest.fixture
def world(app):
    """FIA with its Zambia and Mexico chapters, SIA, and one person in each role."""
    with app.app_context():
        fia = CoalitionFactory(name="Fight Inequality Alliance", slug="fia", country=None)
        zambia = CoalitionFactory(name="FIA Zambia", slug="fia-zm", parent=fia, country="ZM")
        mexico = CoalitionFactory(name="FIA Mexico", slug="fia-mx", parent=fia, country="MX")
        sia = CoalitionFactory(name="Structural Inequalities Alliance", slug="sia")
        org = OrganisationFactory(name="The Equality Trust", slug="the-equality-trust")
        people = {
            "admin": user_with_role(Role.PLATFORM_ADMIN, email="admin@example.org"),
            "fia": user_with_role(Role.COALITION_COORDINATOR, fia.id, email="fia@example.org"),
            "zambia": user_with_role(Role.COALITION_COORDINATOR, zambia.id, email="zambia@example.org"),
            "mexico": user_with_role(Role.COALITION_COORDINATOR, mexico.id, email="mexico@example.org"),
            "sia": user_with_role(Role.COALITION_COORDINATOR, sia.id, email="sia@example.org"),
            "org": user_with_role(Role.ORGANISATION_ADMIN, org.id, email="org@example.org"),
            "nobody": UserFactory(email="nobody@example.org"),
        }
        db.session.commit()
        return {name: user.email for name, user in people.items()}


def _as(app, world, who):
    client = app.test_client()
    if who != "anonymous":
        assert sign_in(client, world[who], PASSWORD).status_code == 302
    return client


TEAM_ACCESS = {
    # who: (can see Zambia's team page, can see Mexico's, can see SIA's)
    "admin": (True, True, True),
    "fia": (True, True, False),
    "zambia": (True, False, False),
    "mexico": (False, True, False),
    "sia": (False, False, True),
    "org": (False, False, False),
    "nobody": (False, False, False),
}


@pytest.mark.parametrize("who", list(TEAM_ACCESS))
def test_team_pages_follow_the_coalition_tree(app, world, who):
    client = _as(app, world, who)
    for slug, allowed in zip(("fia-zm", "fia-mx", "sia"), TEAM_ACCESS[who], strict=True):
        assert client.get(f"/coalitions/{slug}/team").status_code == (200 if allowed else 403), slug


@pytest.mark.parametrize("who", ["zambia", "org", "nobody"])
def test_the_wrong_coordinator_cannot_invite_into_another_chapter(app, world, who, mail):
    client = _as(app, world, who)
    token = csrf_token(client.get("/account").get_data(as_text=True))
    response = client.post(
        "/coalitions/fia-mx/team", data={"email": "intruder@example.org", "csrf_token": token}
    )
    assert response.status_code == 403
    assert mail.messages == []


def test_anonymous_visitors_are_sent_to_sign_in(app, world):
    client = app.test_client()
    for path in ("/coalitions/fia-zm/team", "/admin", "/account", "/dev/mail"):
        response = client.get(path)
        assert response.status_code == 302 and response.location.startswith("/account/sign-in?next="), path
    assert (
        client.post("/coalitions/fia-zm/team", data={"email": "x@example.org"}).status_code == 400
    )  # no CSRF token


@pytest.mark.parametrize("who", ["fia", "zambia", "org", "nobody"])
def test_only_platform_admins_reach_administration(app, world, who):
    assert _as(app, world, who).get("/admin").status_code == 403
    assert _as(app, world, "admin").get("/admin").status_code == 200


def test_missing_coalition_is_a_404_even_for_admins(app, world):
    client = _as(app, world, "admin")
    assert client.get("/coalitions/no-such-coalition/team").status_code == 404
    assert client.get("/coalitions/no-such-coalition").status_code == 404


def test_the_local_outbox_shows_each_person_only_their_own_mail(app, world, config_override):
    """It holds password-reset and invitation links: only a platform admin reads all of it."""
    from organiser.messaging.services import queue_email

    config_override(MAIL_BACKEND="local")
    with app.app_context():
        queue_email(to="admin@example.org", subject="Reset your password", text="http://x/reset")
        queue_email(to="zambia@example.org", subject="Welcome to FIA Zambia", text="Hello")
        db.session.commit()
    for who in ("nobody", "zambia", "org"):
        page = _as(app, world, who).get("/dev/mail").get_data(as_text=True)
        assert "Reset your password" not in page, who
        assert ("Welcome to FIA Zambia" in page) == (who == "zambia"), who
    assert "Reset your password" in _as(app, world, "admin").get("/dev/mail").get_data(as_text=True)


def test_local_outbox_does_not_exist_when_mail_goes_to_smtp(app, world):
    assert _as(app, world, "admin").get("/dev/mail").status_code == 404
