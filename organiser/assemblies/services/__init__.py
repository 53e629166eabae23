"""Assembly operations, used by the views, the CLI and the demo: create and publish assemblies,
register (double opt-in), confirm into a place or onto the waitlist, cancel and promote the next in
line, check people in; the figures and the CSV export.

``assembly``: the assembly itself (create, change, publish, cancel, find) and ``SCOPE``, the role
scope. ``programme``: its agenda and its times in its own zone. ``registration``: registering and
registering again. ``links``: the confirmation and own-page links. ``places``: the row lock and the
figures. ``waitlist``: confirming, cancelling and promoting, under the lock. ``door``: check-in.
``export``: the organisers' list and its CSV. ``mail``: the e-mails to registrants.
"""

from organiser.assemblies.services.assembly import (
    SCOPE,
    AssemblyStateError,
    CapacityTooSmall,
    assemblies_of,
    by_slug,
    can_create_in,
    cancel_assembly,
    create_assembly,
    host_choices,
    publish,
    update_assembly,
)
from organiser.assemblies.services.door import CheckInError, check_in, check_in_by_code
from organiser.assemblies.services.export import export_registrations, registrations_of
from organiser.assemblies.services.links import (
    confirmation_token,
    page_token,
    page_url,
    registration_for_confirmation,
    registration_for_page,
)
from organiser.assemblies.services.places import counts, places_left, places_taken, waitlist_position
from organiser.assemblies.services.programme import (
    OutsideTheAssembly,
    add_agenda_item,
    local_time,
    remove_agenda_item,
    when,
)
from organiser.assemblies.services.registration import RegisterResult, consent_wording, register
from organiser.assemblies.services.waitlist import (
    RegistrationStateError,
    cancel_registration,
    confirm,
    promote_from_waitlist,
)

__all__ = [
    "SCOPE",
    "AssemblyStateError",
    "CapacityTooSmall",
    "CheckInError",
    "OutsideTheAssembly",
    "RegisterResult",
    "RegistrationStateError",
    "add_agenda_item",
    "assemblies_of",
    "by_slug",
    "can_create_in",
    "cancel_assembly",
    "cancel_registration",
    "check_in",
    "check_in_by_code",
    "confirm",
    "confirmation_token",
    "consent_wording",
    "counts",
    "create_assembly",
    "export_registrations",
    "host_choices",
    "local_time",
    "page_token",
    "page_url",
    "places_left",
    "places_taken",
    "promote_from_waitlist",
    "publish",
    "register",
    "registration_for_confirmation",
    "registration_for_page",
    "registrations_of",
    "remove_agenda_item",
    "update_assembly",
    "waitlist_position",
    "when",
]
