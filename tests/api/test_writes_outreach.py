"""The Record Outreach Helper: letters written by the campaign form's own service, confirmed by the
writer through the e-mailed link, then on their way; the campaign's rules on editing kept."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from organiser.actions.letters.models import Letter, LetterCampaign, LetterStatus
from organiser.actions.targets.models import Target
from organiser.db import db
from tests.api.test_writes import poster, signer
from tests.helpers import links_in, path_of


@pytest.fixture
def post(app, world):
    with app.app_context():
        campaign = db.session.get(LetterCampaign, world.tree.campaign)
        campaign.targets = list(db.session.scalars(select(Target).where(Target.name == "Minister of Lands")))
        db.session.commit()
    return poster(app, world)


def outreach(world) -> str:
    return f"/advocacy_campaigns/{world.tree.campaign}/record_outreach_helper"


def test_a_letter_recorded_by_a_key_is_confirmed_by_its_writer_then_sent(app, api, post, world, mail):
    body = signer("writer@example.org", message="Land for those who farm it: please act this year.")
    body["subject"] = "Land reform now"
    answer = post(outreach(world), "zambia", body)
    assert answer.status_code == 201, answer.get_data(as_text=True)
    [letter] = answer.json["_embedded"]["osdi:outreaches"]
    assert letter["subject"] == "Land reform now" and letter["organiser:status"] == "pending"
    [message] = mail.wait_for_to("writer@example.org")
    assert app.test_client().post(path_of(links_in(message)[0])).status_code == 200
    with app.app_context():
        stored = db.session.scalar(select(Letter).where(Letter.subject == "Land reform now"))
        assert stored.status != LetterStatus.PENDING and stored.ip == ""
    again = post(outreach(world), "zambia", body)
    assert again.status_code == 200 and again.json["organiser:letters_written"] == 0


def test_the_suggested_letter_when_writers_may_not_edit_and_the_errors(app, post, world):
    with app.app_context():
        db.session.get(LetterCampaign, world.tree.campaign).writers_may_edit = False
        db.session.commit()
    refused = post(outreach(world), "zambia", signer("w2@example.org", subject="Mine"))
    assert refused.status_code == 409 and list(refused.json["errors"]) == ["subject"]
    answer = post(outreach(world), "zambia", signer("w2@example.org"))
    assert answer.status_code == 201
    assert answer.json["_embedded"]["osdi:outreaches"][0]["subject"] == "Please act"
    assert post(outreach(world), "sia", signer("w3@example.org")).status_code == 403
    refused = post(
        outreach(world), "zambia", signer("w3@example.org", message="short", **{"organiser:version": 0})
    )
    assert refused.status_code == 400 and set(refused.json["errors"]) == {"message", "organiser:version"}
    refused = post(outreach(world), "zambia", signer("w3@example.org", **{"organiser:version": 999_999}))
    assert refused.status_code == 404 and list(refused.json["errors"]) == ["organiser:version"]
