"""The links in the e-mails of a petition started by a supporter. Each is a signed token for one
purpose: the creator's confirmation, the creator's own page (the key to it: no account), the private
link that gathers the first supporters, and each supporter's confirmation. A link dies with the data
when its person is erased (``row_for_link``)."""

from __future__ import annotations

from organiser.actions.petitions.community.models import CommunityPetition
from organiser.actions.petitions.models import Signature
from organiser.web.public_actions import link_token, row_for_link
from organiser.web.urls import external_url

CONFIRM, PAGE, SHARE, SUPPORT = "community.confirm", "community.page", "community.share", "community.support"


def confirm_token(community: CommunityPetition) -> str:
    return link_token(CONFIRM, community.id)


def page_token(community: CommunityPetition) -> str:
    return link_token(PAGE, community.id)


def share_token(community: CommunityPetition) -> str:
    return link_token(SHARE, community.id)


def support_token(signature_id: int) -> str:
    return link_token(SUPPORT, signature_id)


def for_confirmation(token: str) -> CommunityPetition | None:
    return row_for_link(CommunityPetition, CONFIRM, token)


def for_page(token: str) -> CommunityPetition | None:
    return row_for_link(CommunityPetition, PAGE, token)


def for_share(token: str) -> CommunityPetition | None:
    return row_for_link(CommunityPetition, SHARE, token)


def supporter_signature(token: str) -> Signature | None:
    return row_for_link(Signature, SUPPORT, token)


def page_url(community: CommunityPetition) -> str:
    return external_url("community.own_page", token=page_token(community))


def share_url(community: CommunityPetition) -> str:
    return external_url("community.support", token=share_token(community))


def confirm_url(community: CommunityPetition) -> str:
    return external_url("community.confirm_start", token=confirm_token(community))


def support_confirm_url(signature_id: int) -> str:
    return external_url("community.confirm_support", token=support_token(signature_id))
