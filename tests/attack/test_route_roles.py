"""Every route of the URL map, tried with every method by every role on FIA Zambia's things.

``EXPECTED`` says, for each endpoint, who may use it and which of the world's objects its URL names
(an endpoint may name several: a coalition's mailing and an organisation's). The test walks
``app.url_map`` itself, so a route added without an expectation fails here until one is written.

To add a route: add its endpoint to ``EXPECTED`` with one ``Case`` per kind of object it acts on,
``Case(WHO, url_argument="world attribute")``, where WHO is a key of ``ALLOWED`` (add a key if none
fits, with the roles allowed) and each URL argument names a ``World`` attribute (tests/attack/
conftest.py: ``petition_slug``, ``org_mailing_id``, ``data_token``…; add the object there first).

A refused request is a 403 (signed in), a redirect to the sign-in page (anonymous) or a 404 —
never a 200, a redirect elsewhere or a 5xx — and a refused POST changes nothing in the database.
An allowed request is neither a 403 nor a 5xx; an allowed GET shows its page.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from organiser.actions.letter_models import LetterCampaign
from organiser.actions.models import Invalidation, Petition, PetitionSponsor
from organiser.assemblies.models import Assembly, Registration
from organiser.coalitions.models import Coalition, Membership, Organisation
from organiser.core.models import AccountToken
from organiser.db import db
from organiser.messaging.models import Mailing, OutboxMessage
from organiser.models import metadata
from tests.attack import holes
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
    # The local outbox: every message for platform admins; anyone else only their own (tested below).
    "outbox": {"platform_admin"},
    "bearer secret": set(),  # the relay's webhook: nobody without the secret
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
MAILING = (Case("coalition", {"id": "coalition_mailing_id"}), Case("org mailing", {"id": "org_mailing_id"}))

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
    "coalitions.approve": case("coalition", membership_id="application_id"),
    "coalitions.decline": case("coalition", membership_id="application_id"),
    "coalitions.change_status": case("coalition", membership_id="membership_id"),
    "coalitions.leave": case("organisation", membership_id="membership_id"),
    "coalitions.edit_organisation": case("organisation", **ORG),
    "coalitions.organisation_team": case("organisation", **ORG),
    "coalitions.organisation_logo": case("public", **ORG),
    # petitions
    "actions.petition": case("public", **PETITION),
    "actions.count": case("public", **PETITION),
    "actions.sign": case("public", **PETITION),
    "actions.confirm": link("signature", **PETITION),
    "petition_tools.embed": case("public", **PETITION),
    "actions.petitions": case("coalition", **CHAPTER),
    "actions.new_petition": case("coalition", **CHAPTER),
    "actions.open_petition": case("coalition", **PETITION),
    "actions.close_petition": case("coalition", **PETITION),
    "actions.export_signatures": case("coalition", **PETITION),
    "actions.petition_summary": case("coalition", **PETITION),
    "actions.sponsors": case("coalition", **PETITION),
    "actions.milestones": case("coalition", **PETITION),
    "actions.petition_abuse": case("coalition", **PETITION),
    "actions.invalidate_signatures": case("coalition", **PETITION),
    "actions.revert_invalidation": case("coalition", invalidation_id="invalidation_id", **PETITION),
    "petition_tools.coalition_targets": case("coalition", **CHAPTER),
    "petition_tools.import_targets": case("coalition", **CHAPTER),
    "petition_tools.petition_targets": case("coalition", **PETITION),
    "petition_tools.deliver": case("coalition", **PETITION),
    "petition_tools.responses": case("coalition", **PETITION),
    "petition_tools.report": case("coalition", **PETITION),
    # co-sponsors: the organisation's side
    "actions.sponsorships": case("organisation", **ORG),
    "actions.supporters": case("organisation", **ORG),
    "actions.export_supporters": case("organisation", **ORG),
    "actions.organisation_new_mailing": case("organisation", **ORG),
    "actions.accept_sponsorship": case("organisation", sponsorship_id="sponsorship_id"),
    "actions.decline_sponsorship": case("organisation", sponsorship_id="sponsorship_id"),
    # letters
    "letters.campaign": case("public", **CAMPAIGN),
    "letters.write": case("public", **CAMPAIGN),
    "letters.confirm": link("letter", **CAMPAIGN),
    "letters.campaigns": case("coalition", **CHAPTER),
    "letters.new_campaign": case("coalition", **CHAPTER),
    "letters.open_campaign": case("coalition", **CAMPAIGN),
    "letters.close_campaign": case("coalition", **CAMPAIGN),
    "letters.sent": case("coalition", **CAMPAIGN),
    "letters.export": case("coalition", **CAMPAIGN),
    "letters.responses": case("coalition", **CAMPAIGN),
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
    "messaging.outbox": case("outbox"),
    "messaging.message": case("outbox", message_id="others_message_id"),
    # privacy
    "privacy.request_link": case("public"),
    "privacy.my_data": link("data"),
    "privacy.download": link("data", fmt="download_format"),
    "privacy.change_consents": link("data"),
    "privacy.erase": link("data"),
    "privacy.privacy": case("coalition", **CHAPTER),
    "privacy.find_person": case("alliance", slug="alliance_slug"),
    "privacy.person": case("alliance", slug="alliance_slug", person_id="person_id"),
}
SKIPPED = {"static"}
# Tried after everything else: they end the session, or erase the supporter the token routes name.
LAST = ("privacy.erase", "core.sign_out")

# Holes found (tests/attack/holes.py). The main test leaves each hole's tries to a strict xfail test
# that holds them to what they must be; once the app is fixed that test passes (XPASS fails it): drop it.
COORDINATORS = ("chapter_coordinator", "alliance_coordinator")
Hole = Callable[[str, str, str, Case], bool]  # (role, endpoint, method, case): is this try in the hole?


def _org_mailing_hole(role: str, _endpoint: str, _method: str, each: Case) -> bool:
    return each.who == "org mailing" and role in COORDINATORS


def _logo_hole(_role: str, endpoint: str, method: str, _each: Case) -> bool:
    return (endpoint, method) == ("coalitions.edit_organisation", "POST")


HOLES: dict[str, tuple[str, Hole]] = {  # test id → (reason, the tries it concerns)
    "org-mailing": (holes.ORG_MAILING, _org_mailing_hole),
    "logo": (holes.LOGO, _logo_hole),
}


def _in_a_hole(role: str, endpoint: str, method: str, each: Case) -> bool:
    if each.who == "outbox" and role in SIGNED_IN and role != "platform_admin":
        return True  # holes.OUTBOX: see test_the_local_outbox_shows_each_person_only_their_own_mail
    return any(hole(role, endpoint, method, each) for _reason, hole in HOLES.values())


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
            "memberships": [row(Membership, ids[k], "status", "role") for k in ("application", "membership")],
            "petition": row(Petition, ids["petition"], "status", "signature_count", "milestones"),
            "sponsorship": row(PetitionSponsor, ids["sponsorship"], "status", "code"),
            "invalidation": row(Invalidation, ids["invalidation"], "reverted_at"),
            "campaign": row(LetterCampaign, ids["campaign"], "status"),
            "assembly": row(Assembly, ids["assembly"], "status", "title", "capacity"),
            "registration": row(Registration, ids["registration"], "status"),
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
    where = response.headers.get("Location", "")
    return f"let a refused role through ({status}{' → ' + where if where else ''})"


def request(client: FlaskClient, method: str, url: str) -> TestResponse:
    if method == "GET":
        return client.get(url)
    return client.open(url, method=method, data={"csrf_token": client.csrf})  # type: ignore[attr-defined]


@pytest.fixture
def local_outbox(app: Flask) -> Iterator[None]:
    """The embedded default's outbox (``/dev/mail``) exists only while mail is kept locally."""
    app.config["MAIL_BACKEND"] = "local"
    try:
        yield
    finally:
        app.config["MAIL_BACKEND"] = "smtp"


def try_routes(
    app: Flask, world: World, client: FlaskClient, role: str, wanted: Callable[[str, str, Case], bool]
) -> list[str]:
    """Every (route, method, case) ``wanted`` picks, as ``role``; the problems found."""
    problems = []
    for method, endpoint, _rule in _tries(app):
        for each in EXPECTED.get(endpoint, ()):
            if not wanted(endpoint, method, each):
                continue
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
    outside_holes = functools.partial(_in_a_hole, role)
    problems = try_routes(app, world, clients(role), role, lambda *attempt: not outside_holes(*attempt))
    assert not problems, "\n".join(problems)


def xfail(reason: str) -> pytest.MarkDecorator:
    """A hole: the test must fail, and by its assertion (not by an error of the test itself)."""
    return pytest.mark.xfail(strict=True, reason=reason, raises=AssertionError)


def _concerned(app: Flask, hole: Hole, role: str) -> bool:
    tries = ((m, endpoint, each) for m, endpoint, _r in _tries(app) for each in EXPECTED[endpoint])
    return any(hole(role, endpoint, m, each) for m, endpoint, each in tries)


@pytest.mark.parametrize(
    "hole",
    [
        pytest.param(key, marks=pytest.mark.xfail(strict=True, reason=why, raises=AssertionError))
        for key, (why, _h) in HOLES.items()
    ],
)
def test_known_holes(app, world, clients, local_outbox, hole):
    """Each hole's tries, for each role it concerns, held to what EXPECTED says they must answer."""
    in_hole, problems = HOLES[hole][1], []
    for role in (r for r in ROLES if _concerned(app, in_hole, r)):
        problems += try_routes(app, world, clients(role), role, functools.partial(in_hole, role))
    assert not problems, "\n".join(problems)


def _linked_messages(page: TestResponse) -> set[int]:
    return {int(i) for i in re.findall(r'href="/dev/mail/(\d+)"', page.get_data(as_text=True))}


def _messages_to(app: Flask, email: str) -> set[int]:
    with app.app_context():
        return set(db.session.scalars(select(OutboxMessage.id).where(OutboxMessage.recipient == email)))


@xfail(holes.OUTBOX)
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
