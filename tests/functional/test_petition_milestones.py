"""Milestones: a coordinator sets them through the form (bad input is explained); when confirmed
signatures reach one, the coordinators and the accepted sponsors' admins are told — once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from organiser.actions.petitions.milestones import check_milestones
from organiser.actions.petitions.models import Petition, PetitionMilestone, PetitionSponsor
from organiser.coalitions.models import MembershipStatus
from organiser.core.models import Role
from organiser.db import db
from organiser.messaging.models import OutboxMessage
from tests.factories import PASSWORD, CoalitionFactory, MembershipFactory, OrganisationFactory, user_with_role
from tests.helpers import csrf_token, links_in, path_of, sign_in, submit, text_of

PETITION = "/petitions/fair-pay"


@pytest.fixture
def coordinator(app, mail):
    """An open petition with a goal of 3, and Women's Budget Group as an accepted co-sponsor."""
    with app.app_context():
        sia = CoalitionFactory(name="Structural Inequalities Alliance", slug="sia")
        user_with_role(Role.COALITION_COORDINATOR, sia.id, email="coord@example.org")
        wbg = OrganisationFactory(name="Women's Budget Group", slug="wbg")
        MembershipFactory(organisation=wbg, coalition=sia, status=MembershipStatus.ACTIVE)
        user_with_role(Role.ORGANISATION_ADMIN, wbg.id, email="wbg.admin@example.org")
        db.session.commit()
    client = app.test_client()
    sign_in(client, "coord@example.org", PASSWORD)
    fields = {"title": "Fair pay", "slug": "fair-pay", "ask": "Pay fairly.", "goal": "3"}
    bad = submit(client, "/coalitions/sia/petitions/new", {**fields, "milestones": "1, lots"})
    assert "Enter whole numbers separated by commas, like 100, 500, 1000" in text_of(bad)
    assert text_of(bad).startswith("Error:")
    created = submit(client, "/coalitions/sia/petitions/new", {**fields, "milestones": "1"})
    assert created.location == PETITION
    client.post(
        PETITION + "/open", data={"csrf_token": csrf_token(client.get(PETITION).get_data(as_text=True))}
    )
    submit(client, PETITION + "/sponsors", {"organisation": str(wbg.id)})
    admin = app.test_client()
    sign_in(admin, "wbg.admin@example.org", PASSWORD)
    page = admin.get("/organisations/wbg/sponsorships").get_data(as_text=True)
    with app.app_context():
        sponsor_id = db.session.scalar(select(PetitionSponsor.id))
    admin.post(f"/sponsorships/{sponsor_id}/accept", data={"csrf_token": csrf_token(page)})
    mail.clear()
    return client


def _sign_and_confirm(app, mail, email: str) -> None:
    visitor = app.test_client()
    visitor.post(PETITION + "/sign", data={"name": "A Signer", "email": email})
    [message] = mail.wait_for_to(email)
    visitor.post(path_of(links_in(message)[0]))


def _milestone_mail(app) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.execute(
            select(OutboxMessage.recipient, OutboxMessage.subject)
            .where(OutboxMessage.subject.contains("has reached"))
            .order_by(OutboxMessage.id)
        ).all()
        return [tuple(r) for r in rows]


def test_reaching_a_milestone_and_the_goal_tells_coordinators_and_sponsors_once(app, coordinator, mail):
    _sign_and_confirm(app, mail, "one@example.org")
    assert sorted(_milestone_mail(app)) == [
        ("coord@example.org", "“Fair pay” has reached 1 signature"),
        ("wbg.admin@example.org", "“Fair pay” has reached 1 signature"),
    ]
    _sign_and_confirm(app, mail, "two@example.org")
    assert len(_milestone_mail(app)) == 2, "nothing between milestones"
    _sign_and_confirm(app, mail, "three@example.org")
    _sign_and_confirm(app, mail, "four@example.org")  # past the goal again: no one is told twice
    goal = [m for m in _milestone_mail(app) if "goal" in m[1]]
    assert sorted(goal) == [
        ("coord@example.org", "“Fair pay” has reached its goal of 3 signatures"),
        ("wbg.admin@example.org", "“Fair pay” has reached its goal of 3 signatures"),
    ]
    [told] = [m for m in mail.wait_for_to("wbg.admin@example.org") if "goal" in m["Subject"]]
    assert "3 people have signed so far" in told.get_body(("plain",)).get_content()
    with app.app_context():
        petition = db.session.scalar(select(Petition))
        assert petition.signature_count == 4
        assert check_milestones(petition) == [], "idempotent"
        assert sorted(db.session.scalars(select(PetitionMilestone.threshold))) == [1, 3]
    assert len(_milestone_mail(app)) == 4

    page = text_of(coordinator.get(PETITION + "/milestones"))
    assert "the goal" in page and "reached" in page
    bad = submit(coordinator, PETITION + "/milestones", {"milestones": "0"})
    assert "Each milestone must be between 1 and 100,000,000" in text_of(bad)
    saved = submit(coordinator, PETITION + "/milestones", {"milestones": "2; 10,50"}, follow=True)
    assert "Milestones saved." in text_of(saved)
    with app.app_context():
        assert db.session.scalar(select(Petition.milestones)) == [2, 10, 50]
        assert 2 in set(db.session.scalars(select(PetitionMilestone.threshold))), "passed already: recorded"
    _sign_and_confirm(app, mail, "five@example.org")
    assert len(_milestone_mail(app)) == 4, "a milestone set below the count tells no one"
