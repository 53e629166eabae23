"""Petitions from supporters, operation by operation: whose rules apply, who decides, a decision taken
once, and thresholds counted as milestones."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from organiser.actions.petitions import milestones
from organiser.actions.petitions.community import services
from organiser.actions.petitions.community.mail import coordinators_for
from organiser.actions.petitions.community.models import CommunityPetition, CommunityState
from organiser.actions.petitions.models import PetitionStatus
from organiser.actions.petitions.thresholds import services as thresholds
from organiser.actions.petitions.thresholds.models import NextStep, PetitionThreshold
from organiser.core.models import Role
from organiser.db import db
from organiser.messaging.models import OutboxMessage
from tests.factories import CoalitionFactory, PersonFactory, PetitionFactory, user_with_role


def test_a_chapter_follows_its_alliances_rules_until_it_sets_its_own(app):
    with app.app_context():
        fia = CoalitionFactory(slug="fia")
        zambia = CoalitionFactory(slug="fia-zambia", parent=fia)
        admin = user_with_role(Role.PLATFORM_ADMIN)
        assert services.rules_for(zambia) == services.settings.Rules(True, 5, False), "the platform's"
        services.save_rules(fia, open_to_supporters=True, supporters_needed=10, by=admin)
        assert services.rules_for(zambia) == services.settings.Rules(True, 10, False), "the alliance's"
        services.save_rules(zambia, open_to_supporters=False, supporters_needed=3, by=admin)
        assert services.rules_for(zambia) == services.settings.Rules(False, 3, True)
        assert services.rules_for(fia).supporters_needed == 10


def _community(coalition_id: int, state: CommunityState = CommunityState.MODERATION) -> CommunityPetition:
    petition = PetitionFactory(coalition_id=coalition_id, status=PetitionStatus.DRAFT, opened_at=None)
    person = PersonFactory(tree_id=coalition_id)
    row = CommunityPetition(petition_id=petition.id, person_id=person.id, creator_name="Mwila", state=state)
    db.session.add(row)
    db.session.flush()
    return row


def test_a_chapter_without_coordinators_is_decided_by_its_alliances(app):
    with app.app_context():
        fia = CoalitionFactory(slug="fia")
        zambia = CoalitionFactory(slug="fia-zambia", parent=fia)
        alliance = user_with_role(Role.COALITION_COORDINATOR, fia.id, email="fia@example.org")
        community = _community(zambia.id)
        assert [u.email for u in coordinators_for(community)] == [alliance.email]
        chapter = user_with_role(Role.COALITION_COORDINATOR, zambia.id, email="zm@example.org")
        assert [u.email for u in coordinators_for(community)] == [chapter.email]


def test_a_decision_is_taken_once(app):
    with app.app_context():
        coalition = CoalitionFactory()
        coordinator = user_with_role(Role.COALITION_COORDINATOR, coalition.id)
        community = _community(coalition.id)
        services.approve(community, by=coordinator)
        assert (
            community.state == CommunityState.PUBLISHED and community.petition.status == PetitionStatus.OPEN
        )
        with pytest.raises(services.CommunityStateError):
            services.reject(community, "duplicate", by=coordinator)
        with pytest.raises(ValueError):
            services.reject(_community(coalition.id), "no such reason", by=coordinator)
        services.adopt(community, by=coordinator)
        with pytest.raises(services.CommunityStateError):
            services.adopt(community, by=coordinator)


def test_enough_supporters_send_it_to_the_coordinators_once(app):
    with app.app_context():
        coalition = CoalitionFactory()
        user_with_role(Role.COALITION_COORDINATOR, coalition.id, email="coord@example.org")
        community = _community(coalition.id, CommunityState.COLLECTING)
        community.supporters_needed = 0
        assert services.supporting.submit_if_supported(community) is True
        assert services.supporting.submit_if_supported(community) is False
        asked = select(func.count()).where(OutboxMessage.recipient == "coord@example.org")
        assert db.session.scalar(asked) == 1


def test_thresholds_are_milestones_and_say_what_happens_next(app):
    with app.app_context():
        petition = PetitionFactory(goal=100, milestones=[10])
        db.session.add_all(
            [
                PetitionThreshold(petition_id=petition.id, signatures=50, next_step=NextStep.RESPONSE),
                PetitionThreshold(
                    petition_id=petition.id, signatures=500, next_step=NextStep.OTHER, details="A vigil."
                ),
            ]
        )
        db.session.flush()
        assert milestones.thresholds(petition) == [10, 50, 100, 500]
        assert [thresholds.what_happens(t) for t in thresholds.thresholds_of(petition)] == [
            "The decision-maker is asked for a response",
            "A vigil.",
        ]
        assert thresholds.response_due(petition) is False
        petition.signature_count = 50
        assert thresholds.response_due(petition) is True
