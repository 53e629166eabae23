"""A tribunal's operations, used by its views (and the demo and the tests): ``charges`` (the
indictment), ``testimonies`` (submitted, confirmed, entered, moderated, changed, withdrawn),
``attachments`` (images and PDFs re-encoded), ``links`` and ``mail`` (the witness's links and
e-mails), ``panel`` (members, verdicts, the judgment) and ``page`` (what the public page shows)."""

from organiser.assemblies.tribunals.services.attachments import AttachmentRefused, CleanFile, clean_attachment
from organiser.assemblies.tribunals.services.charges import (
    add_charge,
    charge_in,
    charges_of,
    move_charge,
    remove_charge,
    update_charge,
)
from organiser.assemblies.tribunals.services.links import (
    confirmation_token,
    page_token,
    page_url,
    testimony_for_confirmation,
    testimony_for_page,
)
from organiser.assemblies.tribunals.services.page import TribunalPage, shown, tribunal_page
from organiser.assemblies.tribunals.services.panel import (
    JudgmentStateError,
    add_panel_member,
    can_judge,
    enter_verdict,
    is_published,
    judgment_of,
    panel_member_in,
    panel_of,
    publish_judgment,
    remove_panel_member,
)
from organiser.assemblies.tribunals.services.testimonies import (
    TestimonyStateError,
    attachment_of,
    confirm_testimony,
    edit_by_witness,
    enter_testimony,
    for_moderation,
    moderate,
    submit_testimony,
    testimony_in,
    withdraw,
)

__all__ = [
    "AttachmentRefused",
    "CleanFile",
    "JudgmentStateError",
    "TestimonyStateError",
    "TribunalPage",
    "add_charge",
    "add_panel_member",
    "attachment_of",
    "can_judge",
    "charge_in",
    "charges_of",
    "clean_attachment",
    "confirm_testimony",
    "confirmation_token",
    "edit_by_witness",
    "enter_testimony",
    "enter_verdict",
    "for_moderation",
    "is_published",
    "judgment_of",
    "moderate",
    "move_charge",
    "page_token",
    "page_url",
    "panel_member_in",
    "panel_of",
    "publish_judgment",
    "remove_charge",
    "remove_panel_member",
    "shown",
    "submit_testimony",
    "testimony_for_confirmation",
    "testimony_for_page",
    "testimony_in",
    "tribunal_page",
    "update_charge",
    "withdraw",
]
