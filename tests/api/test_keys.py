"""A key's life: created in the pages (shown once) or by the command line, used, revoked (then 401)."""

from __future__ import annotations

import re

from sqlalchemy import select

from organiser.api.models import ApiKey
from organiser.db import db
from tests.factories import PASSWORD
from tests.helpers import sign_in, submit, text_of
from tests.supporters.conftest import ACCOUNTS

KEY = re.compile(r"osk_[A-Za-z0-9_-]{43}")


def _client(app, account):
    client = app.test_client()
    assert sign_in(client, ACCOUNTS[account], PASSWORD).status_code == 302
    return client


def test_a_coordinator_creates_a_key_sees_it_once_uses_it_and_revokes_it(app, world):
    client = _client(app, "zambia")
    show = client.get("/coalitions/fia-zambia")
    assert "/coalitions/fia-zambia/api-keys" in show.get_data(as_text=True), "linked from the coalition"
    created = submit(client, "/coalitions/fia-zambia/api-keys", {"name": "Our CRM"})
    assert created.status_code == 200 and created.headers["Cache-Control"] == "private, no-store"
    key = KEY.search(created.get_data(as_text=True)).group(0)
    assert "shown only this once" in text_of(created)
    listing = client.get("/coalitions/fia-zambia/api-keys")
    assert key not in listing.get_data(as_text=True) and key[:12] in listing.get_data(as_text=True)
    with app.app_context():
        stored = db.session.scalar(select(ApiKey).where(ApiKey.name == "Our CRM"))
        assert stored.token_hash != key and key not in stored.token_hash and stored.last_used_at is None
        key_id = stored.id
    api = app.test_client()
    assert api.get("/api/v1/people", headers={"OSDI-API-Token": key}).status_code == 200
    with app.app_context():
        assert db.session.get(ApiKey, key_id).last_used_at is not None
    revoked = submit(
        client,
        f"/coalitions/fia-zambia/api-keys/{key_id}/revoke",
        {},
        follow=True,
        page="/coalitions/fia-zambia/api-keys",
    )
    assert "is revoked" in text_of(revoked)
    refused = api.get("/api/v1/people", headers={"OSDI-API-Token": key})
    assert refused.status_code == 401 and refused.json["error"] == "unauthorised"


def test_an_organisations_admin_manages_its_keys_and_nobody_elses(app, world):
    client = _client(app, "zla")
    assert "/organisations/zla/api-keys" in client.get("/organisations/zla/team").get_data(as_text=True)
    created = submit(client, "/organisations/zla/api-keys", {"name": "ZLA's sign-up form"})
    key = KEY.search(created.get_data(as_text=True)).group(0)
    people = app.test_client().get("/api/v1/people", headers={"OSDI-API-Token": key}).json
    assert [p["organiser:name"] for p in people["_embedded"]["osdi:people"]] == ["Chipo Mwale"]
    assert client.get("/coalitions/fia-zambia/api-keys").status_code == 403
    assert _client(app, "zambia").get("/organisations/zla/api-keys").status_code == 403


def test_a_key_needs_a_name(app, world):
    answered = submit(_client(app, "zambia"), "/coalitions/fia-zambia/api-keys", {"name": "  "})
    assert answered.status_code == 200 and "Name the key" in text_of(answered)
    assert not KEY.search(answered.get_data(as_text=True))


def test_the_command_line_creates_a_key_for_a_coalition_or_an_organisation(app, world):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-api-key", "--coalition", "fia-mexico", "--name", "Script"])
    assert result.exit_code == 0, result.output
    key = KEY.search(result.output).group(0)
    answer = app.test_client().get("/api/v1/coalitions", headers={"OSDI-API-Token": key}).json
    assert [c["slug"] for c in answer["_embedded"]["osdi:coalitions"]] == ["fia-mexico"]
    result = runner.invoke(args=["create-api-key", "--organisation", "zla", "--name", "CRM"])
    assert result.exit_code == 0 and KEY.search(result.output)
    for wrong in (
        ["--name", "x"],
        ["--coalition", "fia", "--organisation", "zla", "--name", "x"],
        ["--coalition", "nowhere", "--name", "x"],
    ):
        assert runner.invoke(args=["create-api-key", *wrong]).exit_code != 0
