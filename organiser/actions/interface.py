"""What other packages may ask of actions (import-linter holds assemblies to this module): launch a
petition or a letter campaign in draft from an assembly's adopted demand, list the decision-makers a
demand may address, and read back an action's public state (count, delivery, responses).

It speaks in plain values (ids, dataclasses), never in the actions' ORM rows, so nothing above
actions depends on their models. An action's page links back to where it came from through
``origin_of``: a package that launches actions registers a finder (``register_origin``), and the
petition and campaign pages ask it (``templates/actions/_origin.html``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from organiser.actions.letters import services as letters
from organiser.actions.letters.models import LetterCampaign, TargetMode
from organiser.actions.petitions import delivery
from organiser.actions.petitions import services as petitions
from organiser.actions.petitions.models import Petition
from organiser.actions.targets import services as targets
from organiser.actions.targets.models import Response, Target
from organiser.db import db
from organiser.web.forms import slugify
from organiser.web.urls import path_for

log = logging.getLogger(__name__)

PETITION, LETTERS = "petition", "letters"
KINDS = (PETITION, LETTERS)


# ---- decision-makers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionMaker:
    id: int
    name: str
    role: str = ""
    body: str = ""

    @property
    def label(self) -> str:
        """The name, with the role and body when known ("Hon. Situmbeko, Minister of Finance")."""
        return ", ".join(part for part in (self.name, self.role, self.body) if part)


def _decision_maker(target: Target) -> DecisionMaker:
    return DecisionMaker(target.id, target.name, target.role, target.body)


def decision_makers(coalition_id: int) -> list[DecisionMaker]:
    """The coalition's decision-makers (its targets), by name: the list a demand is addressed from."""
    return [_decision_maker(t) for t in targets.targets_of(coalition_id)]


def decision_maker(target_id: int | None, coalition_id: int) -> DecisionMaker | None:
    """One of the coalition's decision-makers, or None (gone, or another coalition's)."""
    target = db.session.get(Target, target_id) if target_id is not None else None
    if target is None or target.coalition_id != coalition_id:
        return None
    return _decision_maker(target)


# ---- launching an action from a demand ---------------------------------------------------------------


class LaunchError(Exception):
    """The action cannot be launched as asked; the message says why (for the coordinator)."""


@dataclass(frozen=True)
class Draft:
    """What an action is pre-filled with: a title, the ask (the demand), where it comes from (the
    assembly, its verdict, the link back) and who it is addressed to."""

    title: str
    ask: str
    background: str
    target_id: int | None = None
    target_name: str = ""


@dataclass(frozen=True)
class Launched:
    kind: str
    id: int
    manage_url: str  # where the coordinators finish the draft


def _unique(base: str, taken: Callable[[str], bool]) -> str:
    base = slugify(base)[:70].strip("-") or "demand"
    slug, n = base, 1
    while taken(slug):
        n += 1
        slug = f"{base}-{n}"
    return slug


def launch_petition(coalition_id: int, draft: Draft, *, by: Any) -> Launched:
    """A draft petition, pre-filled from the demand, addressed to its decision-maker."""
    petition = petitions.create_petition(
        coalition_id,
        by=by,
        title=draft.title[:200],
        slug=_unique(draft.title, lambda s: petitions.by_slug(s) is not None),
        ask=draft.ask,
        background=draft.background,
        target=draft.target_name[:300],
    )
    if draft.target_id is not None:
        delivery.set_petition_targets(petition, [draft.target_id], by=by)
    return Launched(PETITION, petition.id, path_for("petitions.edit_petition", slug=petition.slug))


def launch_letters(coalition_id: int, draft: Draft, *, by: Any) -> Launched:
    """A draft letter campaign to the demand's decision-maker (one of the coalition's targets: the
    letters go to their address), the demand as the suggested letter."""
    if decision_maker(draft.target_id, coalition_id) is None:
        raise LaunchError("a letter campaign needs a decision-maker from the coalition's list")
    greeting = f"{draft.target_name},\n\n" if draft.target_name else ""
    campaign = letters.create_campaign(
        coalition_id,
        by=by,
        target_ids=[draft.target_id],
        title=draft.title[:200],
        slug=_unique(draft.title, letters.slug_taken),
        intro=draft.background,
        subject=draft.title[:300],
        body=f"{greeting}{draft.ask}",
        target_mode=TargetMode.FIXED,
    )
    return Launched(LETTERS, campaign.id, path_for("letters.campaign", slug=campaign.slug))


def launch(kind: str, coalition_id: int, draft: Draft, *, by: Any) -> Launched:
    if kind == PETITION:
        return launch_petition(coalition_id, draft, by=by)
    if kind == LETTERS:
        return launch_letters(coalition_id, draft, by=by)
    raise LaunchError(f"no such kind of action: {kind}")


# ---- an action's public state ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """A decision-maker's recorded response."""

    name: str
    role: str
    text: str
    responded_on: date | None


@dataclass(frozen=True)
class ActionState:
    kind: str
    id: int
    title: str
    status: str  # draft, open, closed, delivered
    is_public: bool
    count: int  # confirmed signatures, or letters sent
    goal: int | None
    url: str  # its public page (for the coordinators while it is a draft)
    manage_url: str
    delivered_on: date | None
    replies: tuple[Reply, ...]


def _replies(responses: list[Response]) -> tuple[Reply, ...]:
    return tuple(Reply(r.target.name, r.target.role, r.text, r.responded_on) for r in responses)


def _petition_state(petition: Petition) -> ActionState:
    delivered = delivery.delivery_of(petition)
    return ActionState(
        kind=PETITION,
        id=petition.id,
        title=petition.title,
        status=str(petition.status),
        is_public=petition.is_public,
        count=petition.signature_count,
        goal=petition.goal,
        url=path_for("petitions.petition", slug=petition.slug),
        manage_url=path_for("petitions.edit_petition", slug=petition.slug),
        delivered_on=delivered.delivered_at.date() if delivered is not None else None,
        replies=_replies(delivery.responses_of(petition)),
    )


def _campaign_state(campaign: LetterCampaign) -> ActionState:
    return ActionState(
        kind=LETTERS,
        id=campaign.id,
        title=campaign.title,
        status=str(campaign.status),
        is_public=campaign.is_public,
        count=campaign.letter_count,  # each letter is delivered to its decision-maker as it is sent
        goal=None,
        url=path_for("letters.campaign", slug=campaign.slug),
        manage_url=path_for("letters.campaign", slug=campaign.slug),
        delivered_on=None,
        replies=_replies(letters.responses_of(campaign)),
    )


def action_state(kind: str | None, action_id: int | None) -> ActionState | None:
    """The action's title, status, live count, delivery and responses; None if it is gone."""
    if action_id is None:
        return None
    if kind == PETITION and (petition := db.session.get(Petition, action_id)) is not None:
        return _petition_state(petition)
    if kind == LETTERS and (campaign := db.session.get(LetterCampaign, action_id)) is not None:
        return _campaign_state(campaign)
    return None


# ---- where an action comes from ------------------------------------------------------------------------


@dataclass(frozen=True)
class Origin:
    """Where an action comes from, shown on its page: the title of (say) the assembly whose demand it
    carries, and the link to that assembly's page."""

    title: str
    url: str


_origin_finders: dict[str, Callable[[str, int], Origin | None]] = {}


def register_origin(name: str, finder: Callable[[str, int], Origin | None]) -> None:
    """``finder(kind, action_id)`` says where such an action comes from, or None."""
    _origin_finders[name] = finder


def origin_of(kind: str, action_id: int) -> Origin | None:
    for finder in _origin_finders.values():
        if (origin := finder(kind, action_id)) is not None:
            return origin
    return None
