"""The coordinator's desk, from the supporter list to the inbox, with a real RQ worker: filter the
list by action and consent, tag the result, save the tag as a segment, send a mailing to it — and
the mail reaches exactly the consenting people matched (not one who withdrew since the tagging, not
one who was never asked, not one on the suppression list)."""

from __future__ import annotations

import time
from collections import Counter
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from organiser.actions.petitions.models import SignatureState
from organiser.core.models import Role
from organiser.db import db, utcnow
from organiser.messaging.models import Mailing, MailingStatus, SuppressionReason
from organiser.messaging.services.suppression import suppress
from organiser.people.models import ConsentSubject, Person, Tag
from organiser.people.services import record_consent
from tests.factories import (
    PASSWORD,
    CoalitionFactory,
    PersonFactory,
    PetitionFactory,
    SignatureFactory,
    user_with_role,
)
from tests.helpers import body_of, csrf_token, sign_in, submit, text_of
from tests.supporters.pages import listed, segment_value

pytestmark = pytest.mark.worker

# name: (signed the petition, agrees to hear from FIA Zambia)
PEOPLE = {
    "Chipo Mwale": (True, True),
    "Bwalya Phiri": (True, True),
    "Esther Zulu": (True, True),  # tagged, then withdraws before the mailing goes
    "Mutale Banda": (True, False),  # signed, never agreed to hear more
    "Lupita Tembo": (False, True),  # agreed, signed nothing
    "Dalitso Banda": (True, True),  # matched, but her address bounced
}


def _build(app) -> tuple[int, int]:
    with app.app_context():
        fia = CoalitionFactory(name="Fight Inequality Alliance", slug="fia", country=None)
        zambia = CoalitionFactory(name="FIA Zambia", slug="fia-zambia", parent=fia, country="ZM")
        user_with_role(Role.COALITION_COORDINATOR, zambia.id, email="coord@fia-zambia.example")
        petition = PetitionFactory(coalition_id=zambia.id, title="Land for those who farm it", slug="land")
        for name, (signed, agrees) in PEOPLE.items():
            email = name.split()[0].lower() + "@example.org"
            person = PersonFactory(tree_id=fia.id, email=email, name=name)
            if signed:
                SignatureFactory(
                    petition_id=petition.id,
                    person_id=person.id,
                    state=SignatureState.COUNTED,
                    confirmed_at=utcnow(),
                )
            if agrees:
                record_consent(
                    person, ConsentSubject.COALITION, zambia.id, given=True, wording="Keep me posted"
                )
        suppress("dalitso@example.org", SuppressionReason.BOUNCED)
        db.session.commit()
        return zambia.id, petition.id


def _wait(predicate, timeout: float = 90.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def test_filter_tag_save_as_a_segment_and_mail_it_reaches_exactly_the_consenting_matched(
    live, rq_worker, mail
):
    zambia, petition = _build(live)
    client = live.test_client()
    assert sign_in(client, "coord@fia-zambia.example", PASSWORD).status_code == 302
    base = "/coalitions/fia-zambia/supporters"

    # 1. Filter by action and consent.
    query = "?" + urlencode({"action": f"petition:{petition}", "consent": f"coalition:{zambia}"})
    matched = client.get(base + query)
    assert sorted(listed(matched)) == ["Bwalya Phiri", "Chipo Mwale", "Dalitso Banda", "Esther Zulu"]
    assert "4 people match" in text_of(matched)

    # 2. Tag the result.
    tagged = submit(
        client,
        f"{base}/tag{query}",
        {"new_tag": "Land champions", "do": "add"},
        page=base + query,
        follow=True,
    )
    assert "“Land champions” put on 4 more people." in text_of(tagged)
    with live.app_context():
        tag = db.session.scalar(select(Tag.id).where(Tag.name == "Land champions"))

    # 3. Save the tag as a segment.
    by_tag = f"?tag={tag}"
    saved = submit(
        client, f"{base}/segments{by_tag}", {"name": "Land champions"}, page=base + by_tag, follow=True
    )
    assert "Saved as the segment “Land champions”" in text_of(saved)

    # Esther withdraws her consent after she was tagged: the mailing must not reach her.
    with live.app_context():
        esther = db.session.scalar(select(Person).where(Person.email == "esther@example.org"))
        record_consent(esther, ConsentSubject.COALITION, zambia, given=False, source="unsubscribe page")
        db.session.commit()

    # 4. A mailing to the segment: counted as the mailing form counts every segment.
    form = client.get("/coalitions/fia-zambia/mailings/new").get_data(as_text=True)
    created = submit(
        client,
        "/coalitions/fia-zambia/mailings/new",
        {
            "subject": "The land petition goes to the Minister",
            "segments": segment_value(form, "Saved segment: Land champions"),
            "body_markdown": "Dear {{ name }},\n\nThank you for championing the land petition.",
        },
    )
    page = created.location
    shown = text_of(client.get(page))
    assert "2 people will get it." in shown and "1 more agreed but" in shown
    token = csrf_token(client.get(page).get_data(as_text=True))
    client.post(page + "/start", data={"csrf_token": token})

    # 5. The real worker sends it: exactly Chipo and Bwalya.
    _wait(lambda: len(mail.messages) >= 2, what="the mailing")
    _wait(lambda: "Sent" in text_of(client.get(page)), what="the mailing to be marked sent")
    received = Counter(m["To"].addresses[0].addr_spec for m in mail.messages)
    assert received == {"chipo@example.org": 1, "bwalya@example.org": 1}
    assert all("championing the land petition" in body_of(m) for m in mail.messages)
    with live.app_context():
        assert db.session.scalar(select(Mailing.status)) == MailingStatus.SENT
