"""With Redis, the helper feeds the public sign form's intake: a 202, then a real worker's batch job
writes the signatures and e-mails their confirmations, as for the form; a key is not held to the
form's per-IP limits (its own rate limit applies)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from organiser.actions.petitions import intake
from organiser.actions.petitions.models import Petition, Signature
from organiser.api.keys import create_key
from organiser.coalitions.models import Coalition
from organiser.db import db
from tests.api.conftest import HEADER
from tests.api.test_writes import signer
from tests.factories import CoalitionFactory, PetitionFactory
from tests.helpers import links_in, path_of


@pytest.mark.worker
def test_through_the_intake_a_crm_records_more_than_the_forms_ip_limit_allows(live, rq_worker, mail):
    with live.app_context():
        coalition = CoalitionFactory(slug="sia", name="Structural Inequalities Alliance")
        petition = PetitionFactory(coalition_id=coalition.id, slug="fair-tax", title="Tax wealth fairly")
        token = create_key(db.session.get(Coalition, coalition.id), "our CRM")[1]
        db.session.commit()
        petition_id = petition.id
    client = live.test_client()
    path = f"/api/v1/petitions/{petition_id}/record_signature_helper"
    emails = [f"signer{n}@example.org" for n in range(12)]  # the form allows 10 a minute from one IP
    for email in emails:
        answer = client.post(path, json=signer(email), headers={HEADER: token})
        assert answer.status_code == 202 and answer.json["organiser:status"] == "queued"
    assert "email_address+eq+'signer11@example.org'" in answer.json["_links"]["osdi:person"]["href"]
    for email in emails:
        mail.wait_for_to(email)
    with live.app_context():
        assert intake.pending() == 0
        assert db.session.scalar(select(func.count()).select_from(Signature)) == 12
    visitor = live.test_client()
    [message] = mail.to("signer3@example.org")
    assert visitor.post(path_of(links_in(message)[0])).status_code == 200
    deadline = time.monotonic() + 20
    while True:
        with live.app_context():
            if db.session.get(Petition, petition_id).signature_count == 1:
                break
        assert time.monotonic() < deadline, "the confirmed signature was never counted"
        time.sleep(0.1)
