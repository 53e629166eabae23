"""Coalition operations used by the views, the CLI and the demo seed, by what they are about:
``coalitions`` (the alliances, a coalition's public page and member directory, its coordinators),
``organisations`` (finding or creating one, its administrators, its profile and logo),
``memberships`` (the audit trail, the coordinators' desk, status changes, the CSV export),
``applications`` (applying, approving, declining, the organisation's own confirmation, and the
members' import that follows the same rules), ``mailings`` (whose a mailing is, the supporters'
segment) and ``scopes`` (coalitions and organisations as role scopes). Callers use
``from organiser.coalitions import services`` and ``services.name``. Importing supporters from CSV is
``people_import`` (the draft, its columns, the stated consent, the job in batches), each batch's bulk
statements ``people_batch``; callers import those modules themselves."""

from __future__ import annotations

from organiser.coalitions.services.applications import (
    ApplicationError,
    answer_for_organisation,
    apply_to_join,
    approve,
    decline,
    import_members,
    waiting_for_organisation,
)
from organiser.coalitions.services.coalitions import alliances, coordinators_of, directory, public_page
from organiser.coalitions.services.mailings import (
    MAILING_OWNERS,
    SUPPORTERS,
    mailing_owner,
    mailings_of,
    may_manage_mailing,
)
from organiser.coalitions.services.memberships import (
    OPEN_STATUSES,
    applications,
    change_status,
    export_members,
    members_by_status,
    recent_changes,
    summary,
)
from organiser.coalitions.services.organisations import (
    admins_of,
    belongs_only_to,
    find_organisation,
    logo_of,
    unique_slug,
    update_organisation,
)
from organiser.coalitions.services.scopes import SCOPES

__all__ = [
    "MAILING_OWNERS",
    "OPEN_STATUSES",
    "SCOPES",
    "SUPPORTERS",
    "ApplicationError",
    "admins_of",
    "alliances",
    "answer_for_organisation",
    "applications",
    "apply_to_join",
    "approve",
    "belongs_only_to",
    "change_status",
    "coordinators_of",
    "decline",
    "directory",
    "export_members",
    "find_organisation",
    "import_members",
    "logo_of",
    "mailing_owner",
    "mailings_of",
    "may_manage_mailing",
    "members_by_status",
    "public_page",
    "recent_changes",
    "summary",
    "unique_slug",
    "update_organisation",
    "waiting_for_organisation",
]
