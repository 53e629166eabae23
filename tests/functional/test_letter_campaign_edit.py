"""Changing a letter campaign after it is created, through its edit page: the words and who the
letters go to change on the public page, each save that changes something is logged (newest first),
the address stays once the campaign is open, a closed campaign is not changed, and coordinators of
another coalition are refused."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from organiser.actions.letters.models import CampaignStatus, LetterCampaign, LetterCampaignChange
from organiser.actions.targets.models import Target
from organiser.core.models import Role
from organiser.db import db
from tests.factories import (
    PASSWORD,
    CoalitionFactory,
    LetterCampaignFactory,
    OrganisationFactory,
    TargetFactory,
    user_with_role,
)
from tests.helpers import sign_in, submit, text_of

SLUG = "essentials-letter"
EDIT = f"/letters/{SLUG}/edit"
WORDS = {
    "title": "Tell the Treasury: guarantee the essentials",
    "intro": "Universal Credit does not cover life's essentials.",
    "subject": "Guarantee the essentials",
    "body": "Please introduce an essentials guarantee in Universal Credit.",
    "target_mode": "fixed",
}


@pytest.fixture
def sia(app):
    """SIA's open campaign to the Chancellor, its coordinator (signed in: the client returned), and
    another coalition's coordinator."""
    with app.app_context():
        sia = CoalitionFactory(name="Structural Inequalities Alliance", slug="sia")
        user_with_role(Role.COALITION_COORDINATOR, sia.id, email="coord@example.org", name="Sam Coord")
        other = CoalitionFactory(slug="other")
        user_with_role(Role.COALITION_COORDINATOR, other.id, email="other@example.org")
        org = OrganisationFactory(slug="equality-trust")
        user_with_role(Role.ORGANISATION_ADMIN, org.id, email="orgadmin@example.org")
        chancellor = TargetFactory(coalition_id=sia.id, name="Rachel Reeves", email="chancellor@example.org")
        TargetFactory(coalition_id=sia.id, name="Liz Kendall", email="minister@example.org")
        campaign = LetterCampaignFactory(coalition_id=sia.id, slug=SLUG, **WORDS)
        campaign.targets = [chancellor]
        db.session.commit()
    coordinator = app.test_client()
    sign_in(coordinator, "coord@example.org", PASSWORD)
    return coordinator


def links_in_page(response) -> str:
    return " ".join(re.findall(r'href="([^"]*)"', response.get_data(as_text=True)))


def _target_ids(app, *names: str) -> list[str]:
    with app.app_context():
        return [str(db.session.scalar(select(Target.id).where(Target.name == name))) for name in names]


def _changes(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(LetterCampaignChange))


def _status(app, status: CampaignStatus) -> None:
    with app.app_context():
        campaign = db.session.scalar(select(LetterCampaign).where(LetterCampaign.slug == SLUG))
        campaign.status = status
        db.session.commit()


def test_coordinator_changes_an_open_campaign_and_the_changes_are_logged(app, sia):
    page = sia.get(f"/letters/{SLUG}")
    assert EDIT in links_in_page(page), "managers find “Change the campaign” on the public page"
    assert EDIT not in links_in_page(app.test_client().get(f"/letters/{SLUG}"))
    form = sia.get(EDIT)
    html = form.get_data(as_text=True)
    assert 'name="slug"' not in html, "the address stays once the campaign is open"
    assert "Tell the Treasury: guarantee the essentials" in html and "No changes since" in text_of(form)

    saved = submit(
        sia,
        EDIT,
        {
            **WORDS,
            "title": "Guarantee the essentials now",
            "intro": "Food banks are the new normal.",
            "slug": "hijacked",
            "targets": _target_ids(app, "Rachel Reeves", "Liz Kendall"),
        },
    )
    assert saved.status_code == 302 and saved.location == EDIT, text_of(saved)
    shown = text_of(sia.get(EDIT))
    assert "Changes saved." in shown
    assert "Was: Tell the Treasury: guarantee the essentials Now: Guarantee the essentials now" in shown
    assert (
        "Was: Universal Credit does not cover life's essentials. Now: Food banks are the new normal." in shown
    )
    assert "Was: Rachel Reeves Now: Liz Kendall, Rachel Reeves" in shown and "Sam Coord" in shown
    assert "Suggested letter" not in shown.split("Save the changes", 1)[1], "only what changed is logged"

    public = text_of(app.test_client().get(f"/letters/{SLUG}"))
    assert "Guarantee the essentials now" in public and "Food banks are the new normal." in public
    assert "Liz Kendall" in public and "Universal Credit does not cover" not in public
    assert app.test_client().get("/letters/hijacked").status_code == 404

    body = "Please guarantee the essentials: food, energy and rent, in Universal Credit."
    submit(
        sia,
        EDIT,
        {
            **WORDS,
            "title": "Guarantee the essentials now",
            "intro": "Food banks are the new normal.",
            "body": body,
            "targets": _target_ids(app, "Rachel Reeves", "Liz Kendall"),
        },
    )
    log = text_of(sia.get(EDIT)).split("Save the changes", 1)[1]
    assert log.index(f"Now: {body}") < log.index("Now: Guarantee the essentials now"), "newest first"
    assert _changes(app) == 2
    assert body in app.test_client().get(f"/letters/{SLUG}").get_data(as_text=True), "the suggested letter"

    unchanged = submit(
        sia,
        EDIT,
        {
            **WORDS,
            "title": "Guarantee the essentials now",
            "intro": "Food banks are the new normal.",
            "body": body,
            "targets": _target_ids(app, "Rachel Reeves", "Liz Kendall"),
        },
        follow=True,
    )
    assert "Nothing was changed." in text_of(unchanged) and _changes(app) == 2


def test_an_open_campaign_keeps_someone_to_write_to(app, sia):
    refused = submit(sia, EDIT, {**WORDS, "title": "Nobody to write to"})
    assert refused.status_code == 200
    assert "choose at least one decision-maker" in text_of(refused)
    assert _changes(app) == 0
    assert "Nobody to write to" not in text_of(app.test_client().get(f"/letters/{SLUG}"))


def test_a_draft_may_change_its_address(app, sia):
    _status(app, CampaignStatus.DRAFT)
    saved = submit(sia, EDIT, {**WORDS, "slug": "essentials", "targets": _target_ids(app, "Liz Kendall")})
    assert saved.status_code == 302 and saved.location == "/letters/essentials/edit"
    shown = text_of(sia.get("/letters/essentials/edit"))
    assert (
        "Was: essentials-letter Now: essentials" in shown and "Was: Rachel Reeves Now: Liz Kendall" in shown
    )


def test_a_closed_campaign_cannot_be_changed(app, sia):
    _status(app, CampaignStatus.CLOSED)
    assert EDIT not in links_in_page(sia.get(f"/letters/{SLUG}"))
    shown = sia.get(EDIT, follow_redirects=True)
    assert "This campaign is closed: it can no longer be changed." in text_of(shown)
    posted = submit(
        sia, EDIT, {**WORDS, "title": "Changed after closing"}, page="/coalitions/sia/letters/new"
    )
    assert posted.status_code == 302 and posted.location == f"/letters/{SLUG}"
    assert "Changed after closing" not in text_of(sia.get(f"/letters/{SLUG}")) and _changes(app) == 0


@pytest.mark.parametrize("email", ["other@example.org", "orgadmin@example.org"])
def test_others_may_not_change_the_campaign(app, sia, email):
    client = app.test_client()
    sign_in(client, email, PASSWORD)
    assert client.get(EDIT).status_code == 403
    posted = submit(client, EDIT, {**WORDS, "title": "Hijacked"}, page="/account")
    assert posted.status_code == 403 and _changes(app) == 0
    assert "Hijacked" not in text_of(app.test_client().get(f"/letters/{SLUG}"))
    assert app.test_client().get(EDIT).status_code == 302, "anonymous: to the sign-in page"
