"""factory_boy factories bound to the app's session. Use them inside ``app.app_context()``. Objects
that belong to a coalition (or a petition, campaign, assembly) take its id: ``coalition_id=…``; left
out, a new one is made for them."""

from __future__ import annotations

import functools
from datetime import timedelta

import factory
from factory.alchemy import SQLAlchemyModelFactory

from organiser.actions.letters.models import CampaignStatus, Letter, LetterCampaign
from organiser.actions.petitions.models import Petition, PetitionStatus, Signature, SignatureState
from organiser.actions.targets.models import Target
from organiser.assemblies.models import Assembly, AssemblyStatus, Registration
from organiser.coalitions.models import (
    Coalition,
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationType,
)
from organiser.core import services
from organiser.core.models import Role, User
from organiser.db import db, utcnow
from organiser.messaging.models import Mailing
from organiser.people.models import Person

PASSWORD = "correct horse battery"  # noqa: S105


@functools.cache
def _password_hash(hasher: object) -> str:
    """PASSWORD hashed once for the whole run (per hasher: a salted hash verifies all the same)."""
    return hasher.hash(PASSWORD)  # type: ignore[attr-defined]


class _Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class UserFactory(_Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    name = factory.Faker("name")
    password_hash = factory.LazyFunction(lambda: _password_hash(services.hasher()))


class CoalitionFactory(_Base):
    class Meta:
        model = Coalition

    name = factory.Sequence(lambda n: f"Coalition {n}")
    slug = factory.Sequence(lambda n: f"coalition-{n}")
    country = "GB"
    languages = ["en"]
    description = "Working together against inequality."
    principles = ["Shift the policy focus on to equality of outcome (equity)."]


class OrganisationFactory(_Base):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    type = OrganisationType.NGO
    country = "GB"


class MembershipFactory(_Base):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    coalition = factory.SubFactory(CoalitionFactory)
    status = MembershipStatus.ACTIVE


def user_with_role(role: Role, scope_id: int = 0, **kwargs: object) -> User:
    user = UserFactory(**kwargs)
    services.grant_role(user, role, scope_id)
    return user


# ---- people and the actions they take ------------------------------------------------------------------


class PersonFactory(_Base):
    class Meta:
        model = Person

    tree_id = factory.LazyAttribute(lambda o: CoalitionFactory().id)  # the alliance at the top of a tree
    email = factory.Sequence(lambda n: f"supporter{n}@example.org")
    name = factory.Faker("name")


class PetitionFactory(_Base):
    class Meta:
        model = Petition

    coalition_id = factory.LazyAttribute(lambda o: CoalitionFactory().id)
    title = factory.Sequence(lambda n: f"Petition {n}")
    slug = factory.Sequence(lambda n: f"petition-{n}")
    ask = "Scrap the two-child limit and the benefit cap."
    status = PetitionStatus.OPEN
    opened_at = factory.LazyFunction(utcnow)


class SignatureFactory(_Base):
    class Meta:
        model = Signature

    petition_id = factory.LazyAttribute(lambda o: PetitionFactory().id)
    name = factory.Faker("name")
    state = SignatureState.CONFIRMED
    confirmed_at = factory.LazyFunction(utcnow)


class TargetFactory(_Base):
    class Meta:
        model = Target

    coalition_id = factory.LazyAttribute(lambda o: CoalitionFactory().id)
    name = factory.Sequence(lambda n: f"Decision-maker {n}")
    email = factory.Sequence(lambda n: f"target{n}@parliament.example")


class LetterCampaignFactory(_Base):
    class Meta:
        model = LetterCampaign

    coalition_id = factory.LazyAttribute(lambda o: CoalitionFactory().id)
    title = factory.Sequence(lambda n: f"Letter campaign {n}")
    slug = factory.Sequence(lambda n: f"letters-{n}")
    intro = "Write to the minister."
    subject = "Please act"
    body = "Our clinic has had no medicines since June. Please act now."
    status = CampaignStatus.OPEN
    opened_at = factory.LazyFunction(utcnow)


class LetterFactory(_Base):
    class Meta:
        model = Letter

    campaign_id = factory.LazyAttribute(lambda o: LetterCampaignFactory().id)
    name = factory.Faker("name")
    subject = "Please act"
    body = "Our clinic has had no medicines since June. Please act now."


class AssemblyFactory(_Base):
    class Meta:
        model = Assembly

    coalition_id = factory.LazyAttribute(lambda o: CoalitionFactory().id)
    title = factory.Sequence(lambda n: f"People's assembly {n}")
    slug = factory.Sequence(lambda n: f"assembly-{n}")
    starts_at = factory.LazyFunction(lambda: utcnow() + timedelta(days=20))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=6))
    timezone = "Africa/Lusaka"
    capacity = 100
    status = AssemblyStatus.PUBLISHED
    published_at = factory.LazyFunction(utcnow)


class RegistrationFactory(_Base):
    class Meta:
        model = Registration

    assembly_id = factory.LazyAttribute(lambda o: AssemblyFactory().id)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"registrant{n}@example.org")


class MailingFactory(_Base):
    class Meta:
        model = Mailing

    coalition_id = factory.LazyAttribute(lambda o: CoalitionFactory().id)
    subject = "News from the alliance"
    from_name = ""
    body_markdown = "Hello {{ name }}"
    segments = factory.LazyFunction(lambda: [{"kind": "coalition_supporters", "params": {}}])
