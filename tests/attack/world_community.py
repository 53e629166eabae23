"""The attack world's petitions from supporters and thresholds: Chipo's petition in FIA Zambia, with
enough supporters, waiting for the coordinators, its update waiting for approval and a supporter
still to confirm; and a threshold on the chapter's petition. The links their e-mails carry are the
world's tokens (``community_confirm``, ``community_page``, ``community_share``, ``community_support``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from organiser.actions.petitions.community import links
from organiser.actions.petitions.community.models import CommunityPetition, CommunityState, PetitionUpdate
from organiser.actions.petitions.models import PetitionStatus, SignatureState
from organiser.actions.petitions.thresholds.models import NextStep, PetitionThreshold
from organiser.db import db, utcnow
from organiser.people.models import Person
from tests.factories import PersonFactory, PetitionFactory, SignatureFactory

if TYPE_CHECKING:
    from tests.attack.conftest import World


def community(world: World, zambia, person: Person, target) -> None:
    """Chipo's petition, with her signature and a supporter's, in the coordinators' queue."""
    petition = PetitionFactory(
        coalition_id=zambia.id,
        title="Medicines for every clinic",
        slug=world.community_slug,
        ask="Stock every rural clinic with essential medicines.",
        background="Our clinic has had no medicines since June.",
        target="Minister of Lands",
        status=PetitionStatus.DRAFT,
        opened_at=None,
    )
    petition.targets = [target]
    row = CommunityPetition(
        petition_id=petition.id,
        person_id=person.id,
        creator_name="Chipo Mwale",
        ip="10.0.0.1",
        state=CommunityState.MODERATION,
        supporters_needed=1,
        confirmed_at=utcnow(),
        submitted_at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    SignatureFactory(
        petition_id=petition.id, person_id=person.id, name="Chipo Mwale", state=SignatureState.COUNTED
    )
    supporter = PersonFactory(tree_id=person.tree_id, email="mutinta@example.org", name="Mutinta Phiri")
    pending = SignatureFactory(
        petition_id=petition.id,
        person_id=supporter.id,
        name="Mutinta Phiri",
        state=SignatureState.PENDING,
        confirmed_at=None,
        confirmation_sends=1,
    )
    update = PetitionUpdate(community_id=row.id, subject="We met the minister", body="She listened.")
    db.session.add(update)
    db.session.flush()
    world.ids.update(community=row.id, community_update=update.id)
    world.tokens.update(
        community_confirm=links.confirm_token(row),
        community_page=links.page_token(row),
        community_share=links.share_token(row),
        community_support=links.support_token(pending.id),
    )


def threshold(world: World) -> None:
    """At 1,000 signatures the chapter's petition asks the Minister for a response."""
    step = PetitionThreshold(petition_id=world.ids["petition"], signatures=1000, next_step=NextStep.RESPONSE)
    db.session.add(step)
    db.session.flush()
    world.ids["threshold"] = step.id
