"""Generated bad input (NUL and other controls, RTL overrides, combining marks, over-long strings,
wrong types, huge ids) posted to every form, on PostgreSQL and SQLite (URLs and JSON: test_bad_urls.py).

The forms are read off the pages (``FORM_PAGES``, as the role that uses them): one field at a time
gets a bad value, the others what a careful person sends. The property (tests/attack/attempts.py):
never a 5xx; a refused submission stores nothing; an accepted one stores no control character and
shows every value it stored (``SHOWN_BACK``) unchanged, but for surrounding white space, on the page
that displays it. Each page first gets awkward but valid values in every free-text field, and the
tries that showed a hole there (tests/attack/holes.py), then generated ones.

A new page with a form: add it to ``FORM_PAGES`` (test_every_form_page_is_tried says so), and the
fields it shows back to ``attempts.SHOWN_BACK``; a GET form (a search, a list's filters) to
``GET_FORM_PAGES`` (test_every_get_form_page_is_tried).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from organiser.assemblies.tribunals import models as tribunal
from organiser.coalitions.models import Organisation
from organiser.db import db
from organiser.web.search import MAX_QUERY
from tests.attack import values
from tests.attack.attempts import (
    EXAMPLES,
    SETTINGS,
    SHOWN_BACK,
    Attempt,
    database_state,
    endpoint_of,
    forms_of,
    known_holes,
)
from tests.attack.conftest import World
from tests.attack.pages import Form, path, read
from tests.attack.test_route_roles import ALLOWED, EXPECTED, _tries


def _without_logo(app: Flask, world: World) -> None:
    with app.app_context():
        organisation = db.session.get(Organisation, world.organisation_id)
        organisation.logo, organisation.has_logo = None, False
        db.session.commit()


def _changes_requested(app: Flask, world: World) -> None:
    """The organisers asked Chipo to change her testimony: her own page lets her edit it."""
    with app.app_context():
        db.session.get(
            tribunal.Testimony, world.testimony_id
        ).status = tribunal.TestimonyStatus.CHANGES_REQUESTED
        db.session.commit()


def _target_bounced(app: Flask, world: World) -> None:
    """Mail to the campaign's decision-maker bounced: the delivery page asks for a new address."""
    from organiser.actions.targets.models import Target
    from organiser.messaging.models import BounceKind
    from organiser.messaging.services.suppression import record_bounce

    with app.app_context():
        record_bounce(db.session.get(Target, world.target_id).email, BounceKind.HARD, detail="550")
        db.session.commit()


def _vote_open(app: Flask, world: World) -> None:
    """The vote on the assembly's demands is open, and so is the kiosk."""
    from organiser.assemblies.demands.models import Voting
    from organiser.db import utcnow

    with app.app_context():
        db.session.add(Voting(assembly_id=world.assembly_id, opened_at=utcnow(), kiosk_open=True))
        db.session.commit()


def _by_postcode(app: Flask, world: World) -> None:
    """The letter campaign goes by region, through the chapter's postcode lookup table: the public
    form asks for a postcode and offers "Find my representatives"."""
    from organiser.actions.letters.models import LetterCampaign, TargetMode
    from organiser.actions.targets.lookup.models import AreaKey

    with app.app_context():
        campaign = db.session.get(LetterCampaign, world.ids["campaign"])
        campaign.target_mode = TargetMode.REGION
        for target in campaign.targets:
            target.area_code = "ZM-09"
        db.session.add(
            AreaKey(coalition_id=campaign.coalition_id, key="LUSAKA", area_code="ZM-09", area_name="Lusaka")
        )
        db.session.commit()


def _sponsorship_declined(app: Flask, world: World) -> None:
    """ZLA declined to co-sponsor the letter campaign: it may be invited again (the form offers it)."""
    from organiser.actions.letters.models import LetterSponsor

    with app.app_context():
        db.session.get(LetterSponsor, world.ids["letter_sponsorship"]).status = "declined"
        db.session.commit()


def _community_published(app: Flask, world: World) -> None:
    """Chipo's petition is published: her own page lets her write to its signers."""
    from organiser.actions.petitions.community.models import CommunityPetition, CommunityState
    from organiser.actions.petitions.models import PetitionStatus

    with app.app_context():
        community = db.session.get(CommunityPetition, world.community_id)
        community.state, community.petition.status = CommunityState.PUBLISHED, PetitionStatus.OPEN
        db.session.commit()


@dataclass(frozen=True)
class FormPage:
    endpoint: str  # the page (GET) that shows the form
    role: str
    case: int = 0  # which of EXPECTED[endpoint]'s cases names the object
    args: tuple[tuple[str, str], ...] = ()  # URL arguments instead of the case's
    prepare: Callable[[Flask, World], None] | None = None  # changes the world first

    def url(self, app: Flask, world: World) -> str:
        each = EXPECTED[self.endpoint][self.case]
        names = dict(self.args) or each.args
        values_ = {name: getattr(world, attribute) for name, attribute in names.items()}
        return app.url_map.bind("localhost").build(self.endpoint, values_)


FORM_PAGES = {
    # public: no account, most of them no session
    "sign": FormPage("petitions.petition", "anonymous"),
    "embed": FormPage("petitions.embed", "anonymous"),
    "write": FormPage("letters.campaign", "anonymous"),
    "write-by-postcode": FormPage("letters.campaign", "anonymous", prepare=_by_postcode),
    "register": FormPage("assemblies.public", "anonymous"),
    "join": FormPage("coalitions.join", "anonymous"),
    "my-data": FormPage("privacy.request_link", "anonymous"),
    "consents": FormPage("privacy.my_data", "anonymous"),
    "unsubscribe": FormPage("messaging.unsubscribe_page", "anonymous"),
    "forgot-password": FormPage("core.forgot_password", "anonymous"),
    "sign-in": FormPage("core.sign_in", "anonymous"),
    "reset-password": FormPage("core.reset_password", "anonymous"),
    "invitation": FormPage("core.accept_invitation", "anonymous"),
    "testify": FormPage("tribunals.testify", "anonymous"),
    "witness-edit": FormPage("tribunals.edit", "anonymous", prepare=_changes_requested),
    "start-petition": FormPage("community.start", "anonymous"),
    "support-petition": FormPage("community.support", "anonymous"),
    "community-edit": FormPage("community.edit", "anonymous"),
    "community-update": FormPage("community.updates", "anonymous", prepare=_community_published),
    # coordinators
    "new-petition": FormPage("petitions.new_petition", "chapter_coordinator"),
    "edit-petition": FormPage("petitions.edit_petition", "chapter_coordinator"),
    "milestones": FormPage("petitions.milestones", "chapter_coordinator"),
    "thresholds": FormPage("thresholds.thresholds", "chapter_coordinator"),
    "community-queue": FormPage("community.queue", "chapter_coordinator"),
    "community-review": FormPage("community.review", "chapter_coordinator"),
    "abuse": FormPage("petitions.petition_abuse", "chapter_coordinator"),
    "targets": FormPage("targets.coalition_targets", "chapter_coordinator"),
    "import-targets": FormPage("targets.import_targets", "chapter_coordinator"),
    "import-areas": FormPage("areas.import_areas", "chapter_coordinator"),
    "map": FormPage("boundaries.map_page", "chapter_coordinator"),
    "petition-targets": FormPage("petitions.petition_targets", "chapter_coordinator"),
    "new-campaign": FormPage("letters.new_campaign", "chapter_coordinator"),
    "edit-campaign": FormPage("letters.edit_campaign", "chapter_coordinator"),
    "letter-responses": FormPage("letters.responses", "chapter_coordinator"),
    "letter-delivery": FormPage("letters.delivery", "chapter_coordinator"),
    "letter-bounced-address": FormPage("letters.delivery", "chapter_coordinator", prepare=_target_bounced),
    "letter-report": FormPage("letters.report_page", "chapter_coordinator"),
    "letter-reply": FormPage("letters.reply", "anonymous"),
    "letter-sponsors": FormPage("letters.sponsors", "chapter_coordinator", prepare=_sponsorship_declined),
    "new-assembly": FormPage("assemblies.new", "chapter_coordinator"),
    "edit-assembly": FormPage("assemblies.edit", "chapter_coordinator"),
    "agenda": FormPage("assemblies.agenda", "chapter_coordinator"),
    "check-in": FormPage("assemblies.registrations", "chapter_coordinator"),
    "charges": FormPage("tribunals.charges", "chapter_coordinator"),
    "edit-charge": FormPage("tribunals.edit_charge", "chapter_coordinator"),
    "new-testimony": FormPage("tribunals.new_testimony", "chapter_coordinator"),
    "moderate": FormPage("tribunals.testimony", "chapter_coordinator"),
    "panel": FormPage("tribunals.panel", "chapter_coordinator"),
    "verdict": FormPage("tribunals.verdict", "chapter_coordinator"),
    "questions": FormPage("assemblies.questions", "chapter_coordinator"),
    "edit-question": FormPage("assemblies.edit_question", "chapter_coordinator"),
    "closing-report": FormPage("assemblies.closing_report", "chapter_coordinator"),
    "reminders": FormPage("dayof.reminders", "chapter_coordinator"),
    "check-in-desk": FormPage("dayof.desk", "chapter_coordinator"),
    "volunteer": FormPage("sortition.volunteer", "anonymous"),
    "sortition": FormPage("sortition.overview", "chapter_coordinator"),
    "sortition-quotas": FormPage("sortition.quotas", "chapter_coordinator"),
    "sortition-import": FormPage("sortition.import_pool", "chapter_coordinator"),
    "sortition-run": FormPage("sortition.run", "chapter_coordinator"),
    "demands": FormPage("demands.manage", "chapter_coordinator"),
    "edit-demand": FormPage("demands.edit", "chapter_coordinator"),
    "demand-outcome": FormPage("demands.outcome", "chapter_coordinator"),
    "kiosk": FormPage("demands.kiosk", "chapter_coordinator", prepare=_vote_open),
    "vote": FormPage("demands.vote", "anonymous", prepare=_vote_open),
    "members": FormPage("coalitions.members", "chapter_coordinator"),
    "import-members": FormPage("coalitions.import_members", "chapter_coordinator"),
    "import-people": FormPage("coalitions.import_people", "chapter_coordinator"),
    "people-import-columns": FormPage("coalitions.people_import_columns", "chapter_coordinator"),
    "people-import-consent": FormPage("coalitions.people_import_consent", "chapter_coordinator"),
    "team": FormPage("coalitions.team", "chapter_coordinator"),
    "new-mailing": FormPage("coalitions.new_mailing", "chapter_coordinator"),
    "edit-mailing": FormPage("messaging.edit_mailing", "chapter_coordinator"),
    "schedule-mailing": FormPage("messaging.mailing", "chapter_coordinator"),
    "schedule-org-mailing": FormPage("messaging.mailing", "org_admin", case=1),
    "privacy": FormPage("privacy.privacy", "chapter_coordinator"),
    "find-person": FormPage("privacy.privacy", "alliance_coordinator", args=(("slug", "alliance_slug"),)),
    "erase-person": FormPage("privacy.person", "alliance_coordinator"),
    "supporters": FormPage("supporters.index", "chapter_coordinator"),
    "supporter": FormPage("supporters.show_person", "chapter_coordinator"),
    "tags": FormPage("supporters.tags", "chapter_coordinator"),
    "api-keys": FormPage("api_keys.coalition_keys", "chapter_coordinator"),
    # organisations, the platform
    "profile": FormPage("coalitions.edit_organisation", "org_admin"),  # it has a logo
    "profile-without-logo": FormPage("coalitions.edit_organisation", "org_admin", prepare=_without_logo),
    "org-team": FormPage("coalitions.organisation_team", "org_admin"),
    "org-mailing": FormPage("petitions.organisation_new_mailing", "org_admin"),
    "edit-org-mailing": FormPage("messaging.edit_mailing", "org_admin", case=1),
    "org-api-keys": FormPage("api_keys.organisation_keys", "org_admin"),
    "admin": FormPage("core.admin", "platform_admin"),
    # webhooks
    "webhooks": FormPage("webhooks.coalition_index", "chapter_coordinator"),
    "webhook": FormPage("webhooks.coalition_show", "chapter_coordinator"),
    "org-webhooks": FormPage("webhooks.organisation_index", "org_admin"),
    "org-webhook": FormPage("webhooks.organisation_show", "org_admin"),
}


# Where an accepted form's values are shown back: (the fields, the pages). "next" is the page the
# answer leads to (the answer itself, or where it redirects), "form" the form's page again, "edit"
# the edit page of what the form created (the redirect's address + /edit).
def _open_page(app: Flask, world: World, clients, page_id: str) -> Attempt:
    spec = FORM_PAGES[page_id]
    if spec.prepare is not None:
        spec.prepare(app, world)
    client = clients(spec.role)
    url = spec.url(app, world)
    page = read(client.get(url), url)
    assert page.status == 200, f"{url}: {page.status}"
    assert forms_of(page), f"{url} has no form to fill in any more: update FORM_PAGES"
    return Attempt(app, world, client, page)


def _tricky(kind: str, name: str) -> str | None:
    """The awkward but valid value for a field of this kind, if it takes free text."""
    if kind == "email":
        return values.TRICKY_EMAIL
    if kind not in ("text", "textarea") or name in ("slug", "website", "timezone", "code", "milestones"):
        return None
    return values.TRICKY_TEXT if kind == "textarea" else values.TRICKY_LINE


@pytest.mark.parametrize("page_id", FORM_PAGES)
def test_every_form_takes_generated_bad_values(request, app, world, clients, page_id):
    known = known_holes(request, app, page_id)
    attempt = _open_page(app, world, clients, page_id)
    forms = forms_of(attempt.page)
    problems: list[str] = []
    for form in forms:  # first, values every free-text field must take and show back as they were
        for name in form.fuzzable():
            tricky = _tricky(form.named(name)[0].kind, name)
            if tricky is not None:
                problems += attempt.submit(form, name, tricky)
    for name, value in known:  # and what once showed a hole here (tests/attack/holes.py)
        problems += attempt.submit(next((f for f in forms if f.named(name)), forms[0]), name, value)

    @SETTINGS
    @given(data=st.data())
    def generated(data: st.DataObject) -> None:
        form = data.draw(st.sampled_from(forms), label="form")
        name = data.draw(st.sampled_from(form.fuzzable()), label="field")
        value = data.draw(values.bad_values, label="value")
        found = attempt.submit(form, name, value)
        assert not found, "\n".join(found)

    try:
        generated()
    except AssertionError as error:  # reported with the tricky values' problems
        problems.append(str(error))
    assert not problems, "\n".join(dict.fromkeys(problems))
    if any(endpoint_of(app, f.action) in SHOWN_BACK for f in forms):
        assert attempt.read_back, "nothing was accepted and read back: do values.good_values still pass?"


PUBLIC_FORMS = ["sign", "embed", "write", "register", "join", "start-petition", "support-petition"]


@pytest.mark.parametrize("page_id", PUBLIC_FORMS)
def test_public_forms_take_generated_headers(request, app, world, clients, page_id):
    """Referer and User-Agent are the signer's too: some are stored (a signature's referrer)."""
    known = known_holes(request, app, f"headers-{page_id}")
    attempt = _open_page(app, world, clients, page_id)
    form = forms_of(attempt.page)[0]
    problems = [p for _header, value in known for p in attempt.submit(form, "name", "Chipo Mwale", value)]

    @settings(SETTINGS, max_examples=EXAMPLES * 2)
    @given(header=values.header_values)
    def generated(header: str) -> None:
        found = attempt.submit(form, "name", "Chipo Mwale", header)
        assert not found, "\n".join(found)

    assert not problems, "\n".join(problems)
    generated()


FIRST_ROLES = ("anonymous", "chapter_coordinator", "alliance_coordinator", "org_admin", "platform_admin")


def test_every_form_page_is_tried(app, world, clients):
    """A page that shows a form to fill in, and is not in FORM_PAGES, fails here until it is added."""
    tried = {(page.endpoint, page.case) for page in FORM_PAGES.values()}
    missing = []
    for method, endpoint, _rule in _tries(app):
        for index, each in enumerate(EXPECTED[endpoint]):
            role = next((r for r in FIRST_ROLES if r in ALLOWED[each.who]), None)
            if method != "GET" or role is None or (endpoint, index) in tried:
                continue
            url = each.url(app, world, endpoint, "GET")
            if any(_fillable(form) for form in forms_of(read(clients(role).get(url), url))):
                missing.append(f"{endpoint} ({url}, as {role})")
    assert not missing, f"Pages with a form that FORM_PAGES does not try: {missing}"


def _fillable(form: Form) -> bool:
    return any(form.named(name)[0].kind != "hidden" for name in form.fuzzable())


# ---- GET forms: the search and the public lists' filters ----------------------------------------------

# Pages with a plain GET form (a search, a list's filters). Each field gets generated bad values, the
# others what the page shows: never a 5xx, nothing stored, and a search too long for the form is
# answered next to its field.
GET_FORM_PAGES = {
    "home-search": FormPage("coalitions.index", "anonymous"),
    "search": FormPage("hub.search", "anonymous"),
    "chapter-filters": FormPage("coalitions.show", "anonymous"),
    "alliance-filters": FormPage("coalitions.show", "anonymous", args=(("slug", "alliance_slug"),)),
    "supporter-filters": FormPage("supporters.index", "chapter_coordinator"),
    "organisation-supporter-filters": FormPage("supporters.index", "org_admin"),
    # the coordinators' desk: its period (dates, a zone) for a chapter, and for an alliance
    "desk": FormPage("desk.desk", "chapter_coordinator"),
    "alliance-desk": FormPage("desk.desk", "alliance_coordinator", case=1),
}


def _get_forms(page) -> list[Form]:
    return [f for f in page.forms if f.method == "GET" and f.fuzzable()]


@pytest.mark.parametrize("page_id", GET_FORM_PAGES)
def test_every_get_form_takes_generated_bad_values(app, world, clients, page_id):
    spec = GET_FORM_PAGES[page_id]
    client, url = clients(spec.role), spec.url(app, world)
    forms = _get_forms(read(client.get(url), url))
    assert forms, f"{url} has no GET form any more: update GET_FORM_PAGES"
    before = database_state(app)

    @SETTINGS
    @given(data=st.data())
    def generated(data: st.DataObject) -> None:
        form = data.draw(st.sampled_from(forms), label="form")
        name = data.draw(st.sampled_from(form.fuzzable()), label="field")
        value = data.draw(values.bad_values, label="value")
        query = {**values.baseline(form), name: [value]}
        sent = path(form.action).split("#")[0] + "?" + urlencode(query, doseq=True)
        response = client.get(sent)
        assert response.status_code < 500, f"GET {sent[:300]}: {response.status_code}"
        answer = read(response, sent)
        if name == "q" and len(values.CONTROL_RE.sub("", value).strip()) > MAX_QUERY:
            assert answer.refused, f"GET {sent[:300]}: a search too long, not refused next to its field"

    generated()
    assert database_state(app) == before, "a GET form changed the database"


def test_every_get_form_page_is_tried(app, world, clients):
    """A page that shows a GET form (a search, filters), and is not in GET_FORM_PAGES, fails here."""
    tried = {(page.endpoint, page.args) for page in GET_FORM_PAGES.values()}
    missing = []
    for method, endpoint, _rule in _tries(app):
        for each in EXPECTED[endpoint]:
            if method != "GET" or "anonymous" not in ALLOWED[each.who] or (endpoint, ()) in tried:
                continue
            url = each.url(app, world, endpoint, "GET")
            if _get_forms(read(clients("anonymous").get(url), url)):
                missing.append(f"{endpoint} ({url})")
    assert not missing, f"Pages with a GET form that GET_FORM_PAGES does not try: {missing}"
