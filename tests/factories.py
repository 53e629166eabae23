"""factory_boy factories bound to the app's session. Use them inside ``app.app_context()``."""

from __future__ import annotations

import functools

import factory
from factory.alchemy import SQLAlchemyModelFactory

from organiser.coalitions.models import (
    Coalition,
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationType,
)
from organiser.core import services
from organiser.core.models import Role, User
from organiser.db import db

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
