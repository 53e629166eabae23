"""Every public form answers the same whoever submits it: signing (the embedded path), writing a
letter, registering for an assembly, applying to join. What differs goes only to the mailbox. And
once a person has erased their data, every link e-mailed to them answers as an unknown link."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from organiser.actions.letters.models import CampaignStatus
from organiser.actions.petitions.models import PetitionStatus
from organiser.assemblies.models import AssemblyStatus
from organiser.core.models import Role
from organiser.db import db, utcnow
from organiser.messaging.services.suppression import unsubscribe_token
from organiser.people.models import Person
from organiser.privacy.services import erase_person
from tests.factories import (
    AssemblyFactory,
    CoalitionFactory,
    LetterCampaignFactory,
    PetitionFactory,
    TargetFactory,
    user_with_role,
)
from tests.helpers import links_in, path_of, submit, text_of

ME = {"name": "Chanda Mulenga", "email": "chanda@example.org", "country": "ZM", "consent_coalition": "y"}
STRANGER = "stranger@example.org"
LETTER = {"subject": "Fund the clinics", "body": "Our clinic has had no medicines since June. Please act."}


@pytest.fixture
def actions(app):
    """FIA Zambia with an open petition, an open letter campaign and a published assembly."""
    with app.app_context():
        zambia = CoalitionFactory(name="FIA Zambia", slug="fia-zm", country="ZM")
        coordinator = user_with_role(Role.COALITION_COORDINATOR, zambia.id, email="coord@example.org")
        PetitionFactory(
            coalition_id=zambia.id,
            title="Cancel Zambia's debt",
            slug="cancel-the-debt",
            ask="Cancel the debt.",
            status=PetitionStatus.OPEN,
            opened_at=utcnow(),
        )
        target = TargetFactory(
            coalition_id=zambia.id, name="Minister of Health", email="minister@health.example"
        )
        campaign = LetterCampaignFactory(
            coalition_id=zambia.id,
            title="Medicines for every clinic",
            slug="medicines",
            intro="Write to the minister.",
            subject=LETTER["subject"],
            body=LETTER["body"],
            status=CampaignStatus.OPEN,
            opened_at=utcnow(),
            created_by_id=coordinator.id,
        )
        campaign.targets = [target]
        starts = utcnow() + timedelta(days=20)
        db.session.add_all(
            [
                target,
                campaign,
                AssemblyFactory(
                    coalition_id=zambia.id,
                    title="Lusaka People's Assembly",
                    slug="lusaka",
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=6),
                    timezone="Africa/Lusaka",
                    capacity=100,
                    status=AssemblyStatus.PUBLISHED,
                    published_at=utcnow(),
                ),
            ]
        )
        db.session.commit()


def _confirm(client, message) -> None:
    link = path_of(next(x for x in links_in(message) if "/confirm/" in x))
    client.post(link)


FORMS = {
    "petition": ("/petitions/cancel-the-debt/sign", {}),
    "letter": ("/letters/medicines/write", LETTER),
    "assembly": ("/assemblies/lusaka/register", {}),
}


@pytest.mark.parametrize("form", list(FORMS))
def test_acting_again_gets_the_answer_anyone_gets_and_only_the_mailbox_knows(app, actions, mail, form):
    url, extra = FORMS[form]
    visitor = app.test_client()
    visitor.post(url, data={**ME, **extra})
    _confirm(visitor, mail.wait_for_to(ME["email"])[0])
    mail.clear()

    again = visitor.post(url, data={**ME, **extra})
    fresh = app.test_client().post(url, data={**ME, **extra, "email": STRANGER})
    assert again.status_code == fresh.status_code == 200
    assert text_of(again).replace(ME["email"], "@") == text_of(fresh).replace(STRANGER, "@")
    told = mail.wait_for_to(ME["email"])[0]
    assert "already" in told["Subject"] or "registered" in told["Subject"], told["Subject"]


def test_applying_again_gets_the_answer_anyone_gets(app, actions, mail):
    application = {
        "name": "Lusaka Health Workers",
        "type": "trade_union",
        "country": "ZM",
        "contact_name": "Chanda",
        "contact_email": ME["email"],
        "endorse": "y",
    }
    first = submit(app.test_client(), "/coalitions/fia-zm/join", application)
    again = submit(app.test_client(), "/coalitions/fia-zm/join", application)
    assert text_of(first) == text_of(again)
    subjects = [m["Subject"] for m in mail.wait_for_to(ME["email"], 2)]
    assert subjects == ["We have your application to join FIA Zambia", "Your application to join FIA Zambia"]


def test_after_erasure_every_link_of_that_person_is_an_unknown_link(app, actions, mail):
    visitor = app.test_client()
    for url, extra in FORMS.values():
        visitor.post(url, data={**ME, **extra})
    confirmations = mail.wait_for_to(ME["email"], 3)
    links = [path_of(x) for m in confirmations for x in links_in(m) if "/confirm/" in x]
    assert len(links) == 3
    assert all(visitor.get(link).status_code == 200 for link in links), "the links work before erasure"
    _confirm(visitor, confirmations[0])  # the signature: its thank-you mail has an unsubscribe link too
    with app.app_context():
        person = db.session.scalar(select(Person).where(Person.email == ME["email"]))
        links.append("/unsubscribe/" + unsubscribe_token(person.id, "coalition", person.tree_id))
        assert visitor.get(links[-1]).status_code == 200
        erase_person(person, requested_by="the person")
        db.session.commit()
    for link in links:
        for method in (visitor.get, visitor.post):
            answer = method(link)
            assert answer.status_code == 404, (link, method)
            assert "link" in text_of(answer).lower()
