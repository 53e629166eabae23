"""Whose a mailing is. Messaging knows no domain: the package that owns mailings (coalitions)
tells it, when the app starts, who sends a mailing and who may manage it (``set_owner_policy``),
as Warehouse's packages register the services they provide."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MailingOwner:
    """The coalition a mailing goes out in, and the organisation that sends it, if one does. Both
    are the owning package's objects; messaging reads only ``name``, ``slug`` and ``languages``."""

    coalition: Any
    organisation: Any | None = None

    @property
    def name(self) -> str:
        return str((self.organisation or self.coalition).name)

    @property
    def language(self) -> str:
        return (getattr(self.coalition, "languages", None) or ["en"])[0]


@dataclass(frozen=True)
class OwnerPolicy:
    owner_of: Callable[[Any], MailingOwner]  # a Mailing → its owner
    can_manage: Callable[[Any, Any], bool]  # (Mailing, user) → may they open, change and send it


_policy: OwnerPolicy | None = None


def set_owner_policy(policy: OwnerPolicy) -> None:
    global _policy
    _policy = policy


def _current() -> OwnerPolicy:
    if _policy is None:
        raise RuntimeError("no mailing owner policy: the coalitions package registers it in its init_app")
    return _policy


def owner_of(mailing: Any) -> MailingOwner:
    return _current().owner_of(mailing)


def can_manage(mailing: Any, user: Any) -> bool:
    return bool(user.is_authenticated) and _current().can_manage(mailing, user)
