"""The attack world's webhooks: FIA Zambia's and Zambia Land Alliance's, each with a second one for the
route that deletes it. Their address is on this computer, refused when sent (the tests' default), so a
"send a test" never leaves the machine."""

from __future__ import annotations

from typing import TYPE_CHECKING

from organiser.api.webhooks.models import Webhook
from organiser.db import db

if TYPE_CHECKING:
    from tests.attack.conftest import World

URL = "https://127.0.0.1:9/hooks"


def _webhooks(world: World, zambia, zla) -> None:
    owners = {
        "chapter_webhook": {"coalition_id": zambia.id},
        "chapter_webhook_gone": {"coalition_id": zambia.id},
        "org_webhook": {"organisation_id": zla.id},
        "org_webhook_gone": {"organisation_id": zla.id},
    }
    made = {
        name: Webhook(url=URL, events=["signature"], secret="whsec_world", **owner)  # noqa: S106 (a test value)
        for name, owner in owners.items()
    }
    db.session.add_all(made.values())
    db.session.flush()
    world.ids.update({name: webhook.id for name, webhook in made.items()})
