"""The vocabulary of the route × role expectations: who may use a route (``ALLOWED``), the World
objects a URL names, and ``case``/``link`` to write an expectation with."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask

from tests.attack.conftest import ROLES, SIGNED_IN, World

COALITION_MANAGERS = {"platform_admin", "chapter_coordinator", "alliance_coordinator"}
ALLOWED: dict[str, set[str]] = {
    "public": set(ROLES),
    "token": set(ROLES),  # whoever holds the e-mailed link
    "signed in": set(SIGNED_IN),
    "coalition": COALITION_MANAGERS,  # FIA Zambia's coordinators, those of FIA above it, platform admins
    "alliance": {"platform_admin", "alliance_coordinator"},  # FIA's (it holds the supporters' data)
    "organisation": {"platform_admin", "org_admin"},  # Zambia Land Alliance's admins
    # An organisation's mailing is the organisation's: coordinators may see it exists, nothing more.
    "org mailing": {"platform_admin", "org_admin"},
    "platform admin": {"platform_admin"},
    "bearer secret": set(),  # the relay's webhook: nobody without the secret
    "panel": COALITION_MANAGERS | {"panel_member"},  # the tribunal's organisers and its panel
    # FIA Zambia's supporters: its coordinators see them all; ZLA's admins (ZLA is a member) see
    # those who agree to hear from ZLA, as Chipo does.
    "supporters": COALITION_MANAGERS | {"org_admin"},
    # The JSON API: only a key in the OSDI-API-Token header opens it, and no role's session is a key,
    # so every role gets a 401 (tests/api/ try the keys themselves).
    "api key": set(),
}


@dataclass(frozen=True)
class Case:
    who: str  # a key of ALLOWED
    args: dict[str, str] = field(default_factory=dict)  # URL argument → World attribute

    def url(self, app: Flask, world: World, endpoint: str, method: str) -> str:
        values = {name: getattr(world, attribute) for name, attribute in self.args.items()}
        return app.url_map.bind("localhost").build(endpoint, values, method=method)


def case(who: str, **args: str) -> tuple[Case, ...]:
    return (Case(who, args),)


def link(name: str, **args: str) -> tuple[Case, ...]:
    """A route whose URL carries an e-mailed link's token (``World.tokens[name]``): its holder may use it."""
    return case("token", token=f"{name}_token", **args)


PETITION, CAMPAIGN, ASSEMBLY = {"slug": "petition_slug"}, {"slug": "campaign_slug"}, {"slug": "assembly_slug"}
CHAPTER, ORG = {"slug": "chapter_slug"}, {"slug": "org_slug"}
COMMUNITY = {"slug": "community_slug"}  # a petition started by a supporter
SUPPORTER_IMPORT = {"slug": "chapter_slug", "import_id": "supporter_import_id"}
TRIBUNAL, CHARGE = {"slug": "tribunal_slug"}, {"slug": "tribunal_slug", "charge_id": "charge_id"}
TESTIMONY = {"slug": "tribunal_slug", "testimony_id": "testimony_id"}
MAILING = (Case("coalition", {"id": "coalition_mailing_id"}), Case("org mailing", {"id": "org_mailing_id"}))
