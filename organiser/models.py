"""Imports every model module, so the metadata Alembic and the tests see is complete."""

from organiser.actions.letters.models import Letter, LetterCampaign, LetterCampaignChange  # noqa: F401
from organiser.actions.letters.replies.models import LetterFollowUp  # noqa: F401
from organiser.actions.petitions.community.models import (  # noqa: F401
    CommunityPetition,
    CommunitySettings,
    PetitionUpdate,
)
from organiser.actions.petitions.models import (  # noqa: F401
    Invalidation,
    Petition,
    PetitionDelivery,
    PetitionMilestone,
    PetitionSponsor,
    Signature,
)
from organiser.actions.petitions.support.models import PetitionArea  # noqa: F401
from organiser.actions.petitions.thresholds.models import PetitionThreshold, ResponseMailing  # noqa: F401
from organiser.actions.targets.boundaries.models import AreaBoundary, BoundaryMap  # noqa: F401
from organiser.actions.targets.lookup.models import AreaKey  # noqa: F401
from organiser.actions.targets.models import Response, Target  # noqa: F401
from organiser.api.models import ApiKey  # noqa: F401
from organiser.api.webhooks.models import Webhook, WebhookAttempt, WebhookCursor, WebhookDelivery  # noqa: F401
from organiser.api.writes.models import IdempotentAnswer, VouchedSignature  # noqa: F401
from organiser.assemblies.demands.models import Demand, Vote, Voting  # noqa: F401
from organiser.assemblies.models import AgendaItem, Assembly, Registration  # noqa: F401
from organiser.assemblies.sortition.models import Draw, SelectionRun, SortitionPool, Volunteer  # noqa: F401
from organiser.assemblies.tribunals.models import (  # noqa: F401
    Charge,
    Judgment,
    PanelMember,
    Testimony,
    TestimonyAttachment,
    Verdict,
)
from organiser.coalitions.models import (  # noqa: F401
    Coalition,
    Membership,
    MembershipEvent,
    Organisation,
    SupporterImport,
    SupporterImportPerson,
)
from organiser.core.models import AccountToken, RoleGrant, User  # noqa: F401
from organiser.db import Base
from organiser.desk.models import DeskDay, DeskDayCounted  # noqa: F401
from organiser.messaging.models import (  # noqa: F401
    MailEvent,
    Mailing,
    MailingOutcome,
    OutboxAttachment,
    OutboxMessage,
    Suppression,
)
from organiser.people.models import ConsentEvent, ConsentState, Person, PersonNote, PersonTag, Tag  # noqa: F401
from organiser.privacy.models import DataExport, Erasure, RetentionRun  # noqa: F401
from organiser.supporters.models import SavedSegment  # noqa: F401

metadata = Base.metadata
