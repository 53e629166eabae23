"""Every route of the URL map, tried with every method by every role on FIA Zambia's things.

``EXPECTED`` says, for each endpoint, who may use it and which of the world's objects its URL names
(an endpoint may name several: a coalition's mailing and an organisation's). The test walks
``app.url_map`` itself, so a route added without an expectation fails here until one is written.

To add a route: add its endpoint to ``EXPECTED``: ``case(WHO, url_argument="world attribute")``
(or a tuple of ``Case``s, one per kind of object it acts on; ``link(name)`` for a route whose URL
carries an e-mailed token), where WHO is a key of ``ALLOWED`` (add one, with the roles it allows, if
none fits) and each URL argument names a ``World`` attribute (tests/attack/conftest.py:
``petition_slug``, ``org_mailing_id``, ``data_token``…; add the object to the world first).

A refused request is a 403 (signed in), a redirect to the sign-in page (anonymous) or a 404 —
never a 200, a redirect elsewhere or a 5xx — and a refused POST changes nothing in the database.
An allowed request is neither a 403 nor a 5xx; an allowed GET shows its page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from organiser.actions.letters.models import LetterCampaign, LetterSponsor
from organiser.actions.petitions.models import Invalidation, Petition, PetitionSponsor
from organiser.assemblies.demands.models import Demand
from organiser.assemblies.models import Assembly, Registration
from organiser.assemblies.tribunals import models as tribunal
from organiser.coalitions.models import Coalition, Membership, Organisation
from organiser.core.models import AccountToken
from organiser.db import db
from organiser.messaging.models import Mailing, OutboxMessage
from organiser.models import metadata
from tests.attack.conftest import ROLES, SIGNED_IN, World
from tests.attack.expectations import (  # ALLOWED is for test_bad_urls
    ALLOWED,
    ASSEMBLY,
    CAMPAIGN,
    CHAPTER,
    CHARGE,
    COMMUNITY,
    MAILING,
    ORG,
    PETITION,
    SUPPORTER_IMPORT,
    TESTIMONY,
    TRIBUNAL,
    Case,
    case,
    link,
)

EXPECTED: dict[str, tuple[Case, ...]] = {
    # accounts and the platform
    "coalitions.index": case("public"),
    "core.healthz": case("public"),
    "core.sign_in": case("public"),
    "core.forgot_password": case("public"),
    "core.reset_password": link("reset"),
    "core.accept_invitation": link("invitation"),
    "core.account": case("signed in"),
    "core.sign_out": case("signed in"),
    "core.admin": case("platform admin"),
    # coalitions, members, organisations
    "coalitions.show": case("public", **CHAPTER),
    "coalitions.join": case("public", **CHAPTER),
    "coalitions.team": case("coalition", **CHAPTER),
    "coalitions.mailings": case("coalition", **CHAPTER),
    "coalitions.new_mailing": case("coalition", **CHAPTER),
    "coalitions.members": case("coalition", **CHAPTER),
    "coalitions.export_members": case("coalition", **CHAPTER),
    "coalitions.import_members": case("coalition", **CHAPTER),
    "coalitions.import_people": case("coalition", **CHAPTER),
    "coalitions.people_import_columns": case("coalition", **SUPPORTER_IMPORT),
    "coalitions.people_import_consent": case("coalition", **SUPPORTER_IMPORT),
    "coalitions.people_import": case("coalition", **SUPPORTER_IMPORT),
    "coalitions.approve": case("coalition", membership_id="application_id"),
    "coalitions.decline": case("coalition", membership_id="application_id"),
    "coalitions.change_status": case("coalition", membership_id="membership_id"),
    "coalitions.leave": case("organisation", membership_id="membership_id"),
    # an application made in ZLA's name: only ZLA's admins say whether it is theirs (issue 11 #1)
    "coalitions.confirm_for_organisation": case("organisation", membership_id="proposal_id"),
    "coalitions.refuse_for_organisation": case("organisation", membership_id="proposal_id"),
    "coalitions.edit_organisation": case("organisation", **ORG),
    "coalitions.organisation_team": case("organisation", **ORG),
    "coalitions.organisation_logo": case("public", **ORG),
    # the public face: search over actions, coalitions and assemblies (organiser.hub)
    "hub.search": case("public"),
    # the coordinators' desk: a chapter's for its coordinators (and the alliance's), the alliance's not
    # for a chapter's coordinators
    "desk.desk": (Case("coalition", dict(CHAPTER)), Case("alliance", {"slug": "alliance_slug"})),
    # petitions
    "petitions.petition": case("public", **PETITION),
    "petitions.count": case("public", **PETITION),
    "support.support_json": case("public", **PETITION),
    "petitions.sign": case("public", **PETITION),
    "petitions.confirm": link("signature", **PETITION),
    "petitions.embed": case("public", **PETITION),
    "petitions.petitions": case("coalition", **CHAPTER),
    "petitions.new_petition": case("coalition", **CHAPTER),
    "petitions.open_petition": case("coalition", **PETITION),
    "petitions.close_petition": case("coalition", **PETITION),
    "petitions.edit_petition": case("coalition", **PETITION),
    "petitions.export_signatures": case("coalition", **PETITION),
    "petitions.petition_summary": case("coalition", **PETITION),
    "petitions.sponsors": case("coalition", **PETITION),
    "petitions.milestones": case("coalition", **PETITION),
    "petitions.petition_abuse": case("coalition", **PETITION),
    "petitions.invalidate_signatures": case("coalition", **PETITION),
    "petitions.revert_invalidation": case("coalition", invalidation_id="invalidation_id", **PETITION),
    "targets.coalition_targets": case("coalition", **CHAPTER),
    "targets.import_targets": case("coalition", **CHAPTER),
    "areas.table": case("coalition", **CHAPTER),
    "areas.import_areas": case("coalition", **CHAPTER),
    "areas.clear": case("coalition", **CHAPTER),
    "boundaries.map_page": case("coalition", **CHAPTER),
    "boundaries.remove": case("coalition", **CHAPTER),
    "petitions.petition_targets": case("coalition", **PETITION),
    "petitions.deliver": case("coalition", **PETITION),
    "petitions.responses": case("coalition", **PETITION),
    "petitions.report": case("coalition", **PETITION),
    # petitions started by supporters: the public's and the creator's links; the coordinators' queue
    "community.start": case("public", **CHAPTER),
    "community.standards": case("public"),
    "community.confirm_start": link("community_confirm"),
    "community.support": link("community_share"),
    "community.confirm_support": link("community_support"),
    "community.own_page": link("community_page"),
    "community.edit": link("community_page"),
    "community.updates": link("community_page"),
    "community.close": link("community_page"),
    "community.queue": case("coalition", **CHAPTER),
    "community.review": case("coalition", **COMMUNITY),
    "community.approve": case("coalition", **COMMUNITY),
    "community.reject": case("coalition", **COMMUNITY),
    "community.adopt": case("coalition", **COMMUNITY),
    "community.approve_update": case("coalition", update_id="community_update_id", **COMMUNITY),
    "community.reject_update": case("coalition", update_id="community_update_id", **COMMUNITY),
    # thresholds: what happens next at a count
    "thresholds.thresholds": case("coalition", **PETITION),
    "thresholds.remove": case("coalition", threshold_id="threshold_id", **PETITION),
    # co-sponsors: the organisation's side
    "petitions.sponsorships": case("organisation", **ORG),
    "petitions.supporters": case("organisation", **ORG),
    "petitions.export_supporters": case("organisation", **ORG),
    "petitions.organisation_new_mailing": case("organisation", **ORG),
    "petitions.accept_sponsorship": case("organisation", sponsorship_id="sponsorship_id"),
    "petitions.decline_sponsorship": case("organisation", sponsorship_id="sponsorship_id"),
    # letters
    "letters.campaign": case("public", **CAMPAIGN),
    "letters.write": case("public", **CAMPAIGN),
    "letters.confirm": link("letter", **CAMPAIGN),
    "letters.campaigns": case("coalition", **CHAPTER),
    "letters.new_campaign": case("coalition", **CHAPTER),
    "letters.open_campaign": case("coalition", **CAMPAIGN),
    "letters.close_campaign": case("coalition", **CAMPAIGN),
    "letters.edit_campaign": case("coalition", **CAMPAIGN),
    "letters.sent": case("coalition", **CAMPAIGN),
    "letters.export": case("coalition", **CAMPAIGN),
    "letters.responses": case("coalition", **CAMPAIGN),
    # letters: paced delivery
    "letters.delivery": case("coalition", **CAMPAIGN),
    "letters.fix_address": case("coalition", target_id="target_id", **CAMPAIGN),
    "letters.reply": link("letter_reply", **CAMPAIGN),
    "letters.report_page": case("coalition", **CAMPAIGN),
    "letters.export_report": case("coalition", **CAMPAIGN),
    "letters.set_responsiveness": case("coalition", **CAMPAIGN),
    # letters: co-sponsors (the coordinators' side, then the organisation's)
    "letters.sponsors": case("coalition", **CAMPAIGN),
    "letters.sponsorships": case("organisation", **ORG),
    "letters.accept_sponsorship": case("organisation", sponsorship_id="letter_sponsorship_id"),
    "letters.decline_sponsorship": case("organisation", sponsorship_id="letter_sponsorship_id"),
    "letters.export_supporters": case("organisation", **ORG),
    # assemblies
    "assemblies.public": case("public", **ASSEMBLY),
    "assemblies.ics": case("public", **ASSEMBLY),
    "assemblies.register": case("public", **ASSEMBLY),
    "assemblies.confirm": link("registration_confirm", **ASSEMBLY),
    "assemblies.registration_page": link("registration_page", **ASSEMBLY),
    "assemblies.cancel_own": link("registration_page", **ASSEMBLY),
    "assemblies.coalition_assemblies": case("coalition", **CHAPTER),
    "assemblies.new": case("coalition", **CHAPTER),
    "assemblies.edit": case("coalition", **ASSEMBLY),
    "assemblies.agenda": case("coalition", **ASSEMBLY),
    "assemblies.remove_agenda_item": case("coalition", item_id="agenda_item_id", **ASSEMBLY),
    "assemblies.publish": case("coalition", **ASSEMBLY),
    "assemblies.cancel": case("coalition", **ASSEMBLY),
    "assemblies.registrations": case("coalition", **ASSEMBLY),
    "assemblies.export": case("coalition", **ASSEMBLY),
    "assemblies.check_in": case("coalition", registration_id="registration_id", **ASSEMBLY),
    "assemblies.cancel_registration": case("coalition", registration_id="registration_id", **ASSEMBLY),
    # tribunals: testifying, the witness's own page; organisers; the panel
    "tribunals.testify": case("public", **TRIBUNAL),
    "tribunals.confirm": link("testimony_confirm", **TRIBUNAL),
    "tribunals.testimony_page": link("testimony_page", **TRIBUNAL),
    "tribunals.edit": link("testimony_page", **TRIBUNAL),
    "tribunals.withdraw": link("testimony_page", **TRIBUNAL),
    "tribunals.charges": case("coalition", **TRIBUNAL),
    "tribunals.edit_charge": case("coalition", **CHARGE),
    "tribunals.move_charge_up": case("coalition", **CHARGE),
    "tribunals.move_charge_down": case("coalition", **CHARGE),
    "tribunals.remove_charge": case("coalition", **CHARGE),
    "tribunals.testimonies": case("coalition", **TRIBUNAL),
    "tribunals.new_testimony": case("coalition", **TRIBUNAL),
    "tribunals.testimony": case("coalition", **TESTIMONY),
    "tribunals.approve": case("coalition", **TESTIMONY),
    "tribunals.request_changes": case("coalition", **TESTIMONY),
    "tribunals.reject": case("coalition", **TESTIMONY),
    "tribunals.attachment": case("coalition", attachment_id="attachment_id", **TESTIMONY),
    "tribunals.panel": case("coalition", **TRIBUNAL),
    "tribunals.remove_panel_member": case("coalition", member_id="panel_member_id", **TRIBUNAL),
    "tribunals.verdict": case("panel", **TRIBUNAL),
    "tribunals.enter_verdict": case("panel", **CHARGE),
    "tribunals.publish_judgment": case("panel", **TRIBUNAL),
    "assemblies.questions": case("coalition", **ASSEMBLY),
    "assemblies.edit_question": case("coalition", question_id="question_id", **ASSEMBLY),
    "assemblies.move_question": case(
        "coalition", question_id="question_id", direction="direction", **ASSEMBLY
    ),
    "assemblies.remove_question": case("coalition", question_id="question_id", **ASSEMBLY),
    "assemblies.add_speaker": case("coalition", **ASSEMBLY),
    "assemblies.remove_speaker": case("coalition", speaker_id="speaker_id", **ASSEMBLY),
    "assemblies.closing_report": case("coalition", **ASSEMBLY),
    # the days around an assembly (organiser.assemblies.dayof)
    "dayof.reminders": case("coalition", **ASSEMBLY),
    "dayof.desk": case("coalition", **ASSEMBLY),
    "dayof.walk_in": case("coalition", **ASSEMBLY),
    "dayof.check_in_code": case("coalition", code="check_in_code", **ASSEMBLY),
    "dayof.board": case("coalition", **ASSEMBLY),
    # an assembly's demands: the vote (by e-mailed link, and at the kiosk), and what they become
    "demands.vote": link("vote", **ASSEMBLY),
    "demands.manage": case("coalition", **ASSEMBLY),
    "demands.edit": case("coalition", demand_id="demand_id", **ASSEMBLY),
    "demands.remove": case("coalition", demand_id="demand_id", **ASSEMBLY),
    "demands.move_up": case("coalition", demand_id="demand_id", **ASSEMBLY),
    "demands.move_down": case("coalition", demand_id="demand_id", **ASSEMBLY),
    "demands.consensus": case("coalition", demand_id="demand_id", **ASSEMBLY),
    "demands.launch": case("coalition", demand_id="demand_id", **ASSEMBLY),
    "demands.outcome": case("coalition", demand_id="demand_id", **ASSEMBLY),
    "demands.open_vote": case("coalition", **ASSEMBLY),
    "demands.close_vote": case("coalition", **ASSEMBLY),
    "demands.open_kiosk": case("coalition", **ASSEMBLY),
    "demands.kiosk": case("coalition", **ASSEMBLY),
    "demands.kiosk_vote": case("coalition", token="kiosk_token", **ASSEMBLY),  # noqa: S106 (a World name)
    # an assembly selected by lot: volunteering, the seat's link, the public verification; the organisers'
    "sortition.volunteer": case("public", **ASSEMBLY),
    "sortition.confirm": link("volunteer_confirm", **ASSEMBLY),
    "sortition.invitation": link("seat", **ASSEMBLY),
    "sortition.verification": case("public", **ASSEMBLY),
    "sortition.distribution": case("public", run_id="published_run_id", **ASSEMBLY),
    "sortition.overview": case("coalition", **ASSEMBLY),
    "sortition.quotas": case("coalition", **ASSEMBLY),
    "sortition.quotas_csv": case("coalition", **ASSEMBLY),
    "sortition.import_pool": case("coalition", **ASSEMBLY),
    "sortition.start_run": case("coalition", **ASSEMBLY),
    "sortition.run": case("coalition", run_id="sortition_run_id", **ASSEMBLY),
    "sortition.commit_seed": case("coalition", run_id="sortition_run_id", **ASSEMBLY),
    "sortition.reveal": case("coalition", run_id="sortition_run_id", **ASSEMBLY),
    "sortition.invite": case("coalition", **ASSEMBLY),
    # mailings: a coalition's, and an organisation's own
    "messaging.mailing": MAILING,
    "messaging.edit_mailing": MAILING,
    "messaging.test_mailing": MAILING,
    "messaging.schedule_mailing": MAILING,
    "messaging.unschedule_mailing": MAILING,
    "messaging.start_mailing": MAILING,
    "messaging.pause_mailing": MAILING,
    "messaging.resume_mailing": MAILING,
    "messaging.cancel_mailing": MAILING,
    "messaging.unsubscribe_page": link("unsubscribe"),
    "messaging.bounce_webhook": case("bearer secret"),
    # the local outbox: a platform admin reads every message, anyone else only their own (see
    # test_the_local_outbox_shows_each_person_only_their_own_mail): here, the admin's password reset
    "messaging.outbox": case("signed in"),
    "messaging.message": case("platform admin", message_id="others_message_id"),
    # privacy
    "privacy.request_link": case("public"),
    "privacy.my_data": link("data"),
    "privacy.download": link("data", fmt="download_format"),
    "privacy.change_consents": link("data"),
    "privacy.erase": link("data"),
    "privacy.privacy": case("coalition", **CHAPTER),
    "privacy.find_person": case("alliance", slug="alliance_slug"),
    "privacy.person": case("alliance", slug="alliance_slug", person_id="person_id"),
    # the supporter base (organiser.supporters): the list, a person's page, tags, notes, segments
    "supporters.index": case("supporters", **CHAPTER),
    "supporters.export": case("supporters", **CHAPTER),
    "supporters.show_person": case("supporters", person_id="person_id", **CHAPTER),
    "supporters.tag_matching": case("coalition", **CHAPTER),
    "supporters.save_segment": case("supporters", **CHAPTER),  # an organisation's admins: its own
    "supporters.delete_segment": case("coalition", segment_id="segment_id", **CHAPTER),
    "supporters.add_note": case("coalition", person_id="person_id", **CHAPTER),
    "supporters.delete_note": case("coalition", person_id="person_id", note_id="note_id", **CHAPTER),
    "supporters.tag_person": case("coalition", person_id="person_id", **CHAPTER),
    "supporters.untag_person": case("coalition", person_id="person_id", tag_id="kept_tag_id", **CHAPTER),
    "supporters.tags": case("coalition", **CHAPTER),
    "supporters.delete_tag": case("coalition", tag_id="tag_id", **CHAPTER),
    # webhooks (organiser.api.webhooks): a coalition's, and an organisation's
    "webhooks.coalition_index": case("coalition", **CHAPTER),
    "webhooks.coalition_show": case("coalition", webhook_id="chapter_webhook_id", **CHAPTER),
    "webhooks.coalition_test": case("coalition", webhook_id="chapter_webhook_id", **CHAPTER),
    "webhooks.coalition_enabled": case("coalition", webhook_id="chapter_webhook_id", **CHAPTER),
    "webhooks.coalition_delete": case("coalition", webhook_id="chapter_webhook_gone_id", **CHAPTER),
    "webhooks.organisation_index": case("organisation", **ORG),
    "webhooks.organisation_show": case("organisation", webhook_id="org_webhook_id", **ORG),
    "webhooks.organisation_test": case("organisation", webhook_id="org_webhook_id", **ORG),
    "webhooks.organisation_enabled": case("organisation", webhook_id="org_webhook_id", **ORG),
    "webhooks.organisation_delete": case("organisation", webhook_id="org_webhook_gone_id", **ORG),
    # API keys: a coalition's coordinators manage its keys, an organisation's admins its own
    "api_keys.coalition_keys": case("coalition", **CHAPTER),
    "api_keys.revoke_coalition_key": case("coalition", key_id="coalition_key_id", **CHAPTER),
    "api_keys.organisation_keys": case("organisation", **ORG),
    "api_keys.revoke_organisation_key": case("organisation", key_id="organisation_key_id", **ORG),
    # the JSON API (organiser.api): its description is public, everything else needs a key
    "api.openapi": case("public"),
    "api.entry_point": case("api key"),
}
# Each API collection's list and item, on the world's objects: (its item's id, its parent's id).
API_OBJECTS = {
    "coalitions": ("chapter_id", None),
    "organisations": ("organisation_id", None),
    "people": ("person_id", None),
    "petitions": ("petition_id", None),
    "signatures": ("signature_id", "petition_id"),
    "advocacy_campaigns": ("campaign_id", None),
    "outreaches": ("letter_id", "campaign_id"),
    "events": ("assembly_id", None),
    "attendances": ("registration_id", "assembly_id"),
    "tags": ("kept_tag_id", None),
    "taggings": ("person_id", "kept_tag_id"),
    "testimonies": ("testimony_id", "tribunal_id"),
    "demands": ("demand_id", "assembly_id"),
}
for _name, (_item, _parent) in API_OBJECTS.items():
    _in = {"parent_id": _parent} if _parent else {}
    EXPECTED[f"api.{_name}"] = case("api key", **_in)
    EXPECTED[f"api.{_name}_item"] = case("api key", item_id=_item, **_in)
# The API's writes (organiser.api.writes): a key or a 401, whatever the session.
EXPECTED["api.record_signature_helper"] = case("api key", parent_id="petition_id")
EXPECTED["api.person_signup_helper"] = case("api key")
EXPECTED["api.record_outreach_helper"] = case("api key", parent_id="campaign_id")
EXPECTED["api.record_attendance_helper"] = case("api key", parent_id="assembly_id")
EXPECTED["api.create_petition"] = case("api key")
EXPECTED["api.update_petition"] = case("api key", item_id="petition_id")
SKIPPED = {"static"}
# Tried after everything else: they end the session, or erase the supporter the token routes name.
LAST = ("coalitions.leave", "privacy.erase", "core.sign_out")  # each ends what the routes before need


def _methods(rule: Rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"}, key=lambda m: m != "GET")


def _tries(app: Flask) -> Iterator[tuple[str, str, Rule]]:
    """(method, endpoint, rule) of every route: GETs first, then POSTs, then ``LAST``."""
    rules = [r for r in app.url_map.iter_rules() if r.endpoint not in SKIPPED]
    tries = [(method, rule.endpoint, rule) for rule in rules for method in _methods(rule)]
    yield from sorted(tries, key=lambda t: (LAST.index(t[1]) if t[1] in LAST else -1, t[0], t[1]))


def missing_expectations(app: Flask) -> list[str]:
    endpoints = {r.endpoint for r in app.url_map.iter_rules()} - SKIPPED
    return sorted(endpoints - set(EXPECTED))


def observe(app: Flask, world: World) -> dict[str, object]:
    """What a refused POST must leave as it was: every table's row count and the owners' objects."""
    with app.app_context():
        session = db.session
        counts = session.execute(
            select(*(select(func.count()).select_from(t).scalar_subquery() for t in metadata.sorted_tables))
        ).one()

        def row(model: type, object_id: int, *columns: str) -> tuple[object, ...]:
            found = session.get(model, object_id)
            return tuple(getattr(found, c) for c in columns) if found is not None else ()

        ids = world.ids
        return {
            "rows": tuple(counts),
            "mailings": [
                row(Mailing, ids[k], "subject", "status", "reply_to", "from_name", "scheduled_at")
                for k in ("coalition_mailing", "org_mailing")
            ],
            "memberships": [
                row(Membership, ids[k], "status", "role", "organisation_consent")
                for k in ("application", "membership", "proposal")
            ],
            "petition": row(Petition, ids["petition"], "status", "signature_count", "milestones"),
            "sponsorship": row(PetitionSponsor, ids["sponsorship"], "status", "code"),
            "invalidation": row(Invalidation, ids["invalidation"], "reverted_at"),
            "campaign": row(LetterCampaign, ids["campaign"], "status"),
            "letter sponsorship": row(LetterSponsor, ids["letter_sponsorship"], "status", "code"),
            "assembly": row(Assembly, ids["assembly"], "status", "title", "capacity"),
            "registration": row(Registration, ids["registration"], "status"),
            "charge": row(tribunal.Charge, ids["charge"], "position", "title"),
            "testimony": row(tribunal.Testimony, ids["testimony"], "status", "moderation_note", "account"),
            "demand": row(Demand, ids["demand"], "text", "status", "position", "outcome", "petition_id"),
            "chapter": row(Coalition, ids["chapter"], "retention_months", "sensitive"),
            "organisation": row(Organisation, ids["organisation"], "name", "description", "logo_version"),
            "used tokens": session.scalar(
                select(func.count()).select_from(AccountToken).where(AccountToken.used_at.is_not(None))
            ),
            "outbox": session.scalar(select(func.count()).select_from(OutboxMessage)),
        }


def _to_sign_in(response: TestResponse) -> bool:
    location = response.headers.get("Location", "")
    return response.status_code in (301, 302, 303) and urlsplit(location).path == "/account/sign-in"


def judge(role: str, who: str, method: str, response: TestResponse) -> str | None:
    """What is wrong with this answer, or None."""
    status = response.status_code
    if status >= 500:
        return f"a server error ({status})"
    if role in ALLOWED[who]:
        if status == 403 or _to_sign_in(response):
            return f"refused an allowed role ({status})"
        if status >= 400 and status != 409:  # 409: the object's state refuses (closed, cancelled)
            return f"answered {status} to an allowed role"
        return None
    if status == 404 or (status == 403 if role != "anonymous" else _to_sign_in(response)):
        return None
    if who == "api key" and status == 401 and response.mimetype == "application/hal+json":
        return None  # the API without a key
    where = response.headers.get("Location", "")
    return f"let a refused role through ({status}{' → ' + where if where else ''})"


def request(client: FlaskClient, method: str, url: str) -> TestResponse:
    if method == "GET":
        return client.get(url)
    return client.open(url, method=method, data={"csrf_token": client.csrf})  # type: ignore[attr-defined]


@pytest.fixture
def local_outbox(config_override) -> None:
    """The embedded default's outbox (``/dev/mail``) exists only while mail is kept locally."""
    config_override(MAIL_BACKEND="local")


def try_routes(app: Flask, world: World, client: FlaskClient, role: str) -> list[str]:
    """Every route, with every method and case, as ``role``; the problems found."""
    problems = []
    for method, endpoint, _rule in _tries(app):
        for each in EXPECTED.get(endpoint, ()):
            url = each.url(app, world, endpoint, method)
            refused = role not in ALLOWED[each.who]
            before = observe(app, world) if refused and method != "GET" else None
            problem = judge(role, each.who, method, request(client, method, url))
            if problem is None and before is not None and observe(app, world) != before:
                problem = "a refused request changed the database"
            if problem:
                problems.append(f"{method} {url} ({endpoint}, {each.who}): {problem}")
    return problems


def test_every_route_has_an_expectation(app):
    missing = missing_expectations(app)
    assert not missing, (
        f"Routes without an expectation: {missing}. Add each to EXPECTED in {__file__}: "
        "who may use it, and which of the world's objects its URL names."
    )
    assert not set(EXPECTED) - {r.endpoint for r in app.url_map.iter_rules()}, "EXPECTED names gone routes"


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_expected(app, world, clients, local_outbox, role):
    problems = try_routes(app, world, clients(role), role)
    assert not problems, "\n".join(problems)


def _linked_messages(page: TestResponse) -> set[int]:
    return {int(i) for i in re.findall(r'href="/dev/mail/(\d+)"', page.get_data(as_text=True))}


def _messages_to(app: Flask, email: str) -> set[int]:
    with app.app_context():
        return set(db.session.scalars(select(OutboxMessage.id).where(OutboxMessage.recipient == email)))


def test_the_local_outbox_shows_each_person_only_their_own_mail(app, world, clients, local_outbox):
    problems = []
    for role in (r for r in SIGNED_IN if r != "platform_admin"):
        client = clients(role)
        listing = client.get("/dev/mail")
        others = _linked_messages(listing) - _messages_to(app, world.emails[role])
        own = client.get(f"/dev/mail/{world.own_messages[role]}").status_code
        someone_elses = client.get(f"/dev/mail/{world.others_message_id}").status_code
        if listing.status_code != 200 or others or own != 200 or someone_elses not in (403, 404):
            problems.append(
                f"{role}: /dev/mail {listing.status_code} listing others' messages {sorted(others)}; "
                f"their own message {own}; the platform admin's reset link {someone_elses}"
            )
    anonymous = clients("anonymous").get("/dev/mail")
    assert _to_sign_in(anonymous), "anonymous visitors are sent to sign in"
    assert not problems, "\n".join(problems)
