"""Imports every model module, so the metadata Alembic and the tests see is complete."""

from organiser.actions.models import Invalidation, Petition, Signature  # noqa: F401
from organiser.coalitions.models import Coalition, Membership, MembershipEvent, Organisation  # noqa: F401
from organiser.core.models import AccountToken, RoleGrant, User  # noqa: F401
from organiser.core.people import ConsentEvent, ConsentState, Person  # noqa: F401
from organiser.db import Base
from organiser.messaging.models import MailEvent, Mailing, OutboxMessage, Suppression  # noqa: F401

metadata = Base.metadata
