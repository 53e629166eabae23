"""Who the attacker's tests try, by role, with their addresses, and the few fixed values the world uses."""

from __future__ import annotations

# Who is tried. The owners are positive controls; the others own nothing in FIA Zambia.
OWNERS = ("chapter_coordinator", "alliance_coordinator", "org_admin")
OUTSIDERS = (
    "anonymous",
    "other_org_admin",  # admin of The Equality Trust, a member of SIA
    "other_chapter_coordinator",  # coordinator of FIA Mexico
    "other_alliance_coordinator",  # coordinator of SIA
    "platform_admin",
)
# A tribunal's panel member: enters the verdicts of FIA Zambia's tribunal, and owns nothing else.
PANEL = ("panel_member",)
ROLES = OUTSIDERS + OWNERS + PANEL
SIGNED_IN = tuple(r for r in ROLES if r != "anonymous")

EMAILS = {
    "other_org_admin": "admin@equalitytrust.example",
    "other_chapter_coordinator": "coordinator@fia-mexico.example",
    "other_alliance_coordinator": "coordinator@sia.example",
    "platform_admin": "platform@organiser.example",
    "chapter_coordinator": "coordinator@fia-zambia.example",
    "alliance_coordinator": "coordinator@fia.example",
    "org_admin": "admin@zla.example",
    "panel_member": "judge@fia-zambia.example",
}
SUPPORTER = "chipo@example.org"
INVITEE = "new.colleague@zla.example"
# The smallest PNG there is: the organisation's logo route needs one to serve.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)
