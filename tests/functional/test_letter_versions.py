"""Several suggested letters, through the forms and the captured mail: a coordinator writes a campaign
with two versions ("Add another version" redisplays the form, no JavaScript); a writer chooses the
second ("Use this letter" shows it), confirms through the e-mailed link, and the decision-maker's
digest carries that version with the writer's name and area filled in; pacing compares a letter
with the version its writer chose. A campaign whose writers may not edit sends the version as it
is. On the edit page every change to the versions is logged, and a version letters were written
with is kept (archived), never changed under them."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from organiser.actions.letters.models import Letter, LetterCampaign, LetterKind, LetterVersion
from organiser.actions.letters.services import digests, pacing
from organiser.actions.targets.models import Target
from organiser.core.models import Role
from organiser.db import db
from tests.factories import PASSWORD, CoalitionFactory, TargetFactory, user_with_role
from tests.helpers import body_of, csrf_token, links_in, path_of, sign_in, submit, text_of

SLUG = "two-child-limit"
EDIT = f"/letters/{SLUG}/edit"
MP = "mp@parliament.example"
SHORT = "Please vote to scrap the two-child limit. No child should grow up in poverty because of it."
PARENT = (
    "I am a parent in {{ area }}. My name is {{ name }} and the two-child limit pushes families like mine "
    "into poverty. Please vote to scrap it."
)
CAMPAIGN = {
    "title": "Scrap the two-child limit",
    "slug": SLUG,
    "intro": "One in ten children lives in a family hit by the two-child limit.",
    "label": "Short and direct",
    "subject": "Scrap the two-child limit",
    "body": SHORT,
    "versions-0-label": "A parent's letter",
    "versions-0-subject": "A parent asks you to scrap the two-child limit",
    "versions-0-body": PARENT,
    "target_mode": "fixed",
    "daily_cap": "50",
    "digest_hour": "17",
    "timezone": "Europe/London",
}


@pytest.fixture
def coordinator(app):
    """SIA's coordinator, signed in, with one MP on the list."""
    with app.app_context():
        sia = CoalitionFactory(name="Structural Inequalities Alliance", slug="sia", country="GB")
        user_with_role(Role.COALITION_COORDINATOR, sia.id, email="coord@example.org", name="Sam Coord")
        TargetFactory(coalition_id=sia.id, name="Ann Lee MP", email=MP)
        db.session.commit()
    client = app.test_client()
    sign_in(client, "coord@example.org", PASSWORD)
    return client


def _target_id(app) -> str:
    with app.app_context():
        return str(db.session.scalar(select(Target.id).where(Target.email == MP)))


def _open(app, client, **changes: str) -> None:
    created = submit(
        client, "/coalitions/sia/letters/new", {**CAMPAIGN, "targets": [_target_id(app)], **changes}
    )
    assert created.status_code == 302, text_of(created)
    page = client.get(f"/letters/{SLUG}").get_data(as_text=True)
    opened = client.post(
        f"/letters/{SLUG}/open", data={"csrf_token": csrf_token(page)}, follow_redirects=True
    )
    assert "The campaign is open for letters" in text_of(opened)


def _versions(app) -> list[LetterVersion]:
    with app.app_context():
        campaign = db.session.scalar(select(LetterCampaign).where(LetterCampaign.slug == SLUG))
        versions = list(campaign.versions)
        db.session.expunge_all()
        return versions


def _field(html: str, name: str) -> str:
    """A text field's value (input or text area) as the page shows it."""
    textarea = re.search(rf'<textarea[^>]*name="{name}"[^>]*>\r?\n?(.*?)</textarea>', html, re.S)
    if textarea:
        return textarea.group(1)
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)
    return match.group(1) if match else ""


def _confirm(app, mail, visitor, email: str) -> None:
    [confirmation] = [m for m in mail.wait_for_to(email) if m["Subject"].startswith("Confirm")]
    assert "on its way" in text_of(visitor.post(path_of(links_in(confirmation)[0])))


def _sweep_after_the_hour(app) -> int:
    with app.app_context():
        campaign = db.session.scalar(select(LetterCampaign).where(LetterCampaign.slug == SLUG))
        due = digests.next_due(campaign, pacing.now())
        sent = digests.sweep(due + timedelta(minutes=1), with_redis=False)
        db.session.commit()
    return sent


def test_add_another_version_redisplays_the_form_with_an_empty_one(app, coordinator):
    page = submit(coordinator, "/coalitions/sia/letters/new", {**CAMPAIGN, "add_version": "y"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Version 3" in text_of(page), "one more, nothing saved yet"
    assert (
        _field(html, "versions-0-body") == PARENT.replace("'", "&#39;") and 'name="versions-1-body"' in html
    )
    with app.app_context():
        assert db.session.scalar(select(LetterCampaign.id)) is None


def test_a_writer_chooses_the_second_version_and_the_decision_maker_gets_it(app, coordinator, mail):
    _open(app, coordinator)
    short, parent = _versions(app)
    visitor = app.test_client()
    page = visitor.get(f"/letters/{SLUG}")
    html, shown = page.get_data(as_text=True), text_of(page)
    assert "Short and direct" in shown and "A parent's letter" in shown and "Use this letter" in shown
    assert _field(html, "body") == SHORT, "the first version, until the writer chooses"
    assert f'name="shown_version" type="hidden" value="{short.id}"' in html

    writer = {"name": "Grace Hughes", "email": "grace@example.org", "region": "Leeds", "country": "GB"}
    chosen = visitor.post(
        f"/letters/{SLUG}/write",
        data={
            **writer,
            "version": str(parent.id),
            "shown_version": str(short.id),
            "choose": "y",
            "subject": "Scrap the two-child limit",
            "body": SHORT,
        },
    )
    html = chosen.get_data(as_text=True)
    assert chosen.status_code == 200 and mail.messages == [], "shown again, nothing sent"
    assert _field(html, "subject") == "A parent asks you to scrap the two-child limit"
    assert "My name is {{ name }}" in _field(html, "body") and "your name and area go in" in text_of(chosen)
    assert f'name="shown_version" type="hidden" value="{parent.id}"' in html

    sent = visitor.post(
        f"/letters/{SLUG}/write",
        data={
            **writer,
            "version": str(parent.id),
            "shown_version": str(parent.id),
            "subject": _field(html, "subject"),
            "body": PARENT,
        },
    )
    assert "check your e-mail" in text_of(sent).lower()
    _confirm(app, mail, visitor, "grace@example.org")
    with app.app_context():
        letter = db.session.scalar(select(Letter))
        assert letter.version_id == parent.id and letter.kind == LetterKind.UNEDITED
        assert letter.body.startswith("I am a parent in Leeds. My name is Grace Hughes and")
        assert pacing.kind_of(SHORT, letter.body) == LetterKind.PERSONAL, (
            "compared with the first, it would not be"
        )

    mail.clear()
    assert _sweep_after_the_hour(app) == 1
    [digest] = mail.wait_for_to(MP)
    body = body_of(digest)
    assert (
        digest["Subject"]
        == "1 person sent you this letter today: A parent asks you to scrap the two-child limit"
    )
    assert "I am a parent in Leeds. My name is [name] and the two-child limit" in body
    assert "- Grace Hughes, Leeds" in body and SHORT not in body


def test_sending_with_another_version_ticked_shows_it_first(app, coordinator, mail):
    _open(app, coordinator)
    short, parent = _versions(app)
    writer = {"name": "Ian Ray", "email": "ian@example.org", "country": "GB"}
    answer = app.test_client().post(
        f"/letters/{SLUG}/write",
        data={
            **writer,
            "version": str(parent.id),
            "shown_version": str(short.id),
            "subject": "Scrap the two-child limit",
            "body": SHORT,
        },
    )
    assert answer.status_code == 200 and "My name is {{ name }}" in _field(
        answer.get_data(as_text=True), "body"
    )
    unknown = app.test_client().post(
        f"/letters/{SLUG}/write", data={**writer, "version": "999999", "shown_version": str(short.id)}
    )
    assert "Choose one of the letters" in text_of(unknown)
    with app.app_context():
        assert db.session.scalar(select(Letter.id)) is None and mail.messages == []


def test_when_writers_may_not_edit_the_letter_is_the_version_as_it_is(app, coordinator, mail):
    _open(app, coordinator, writers_may_edit="no")
    short, _parent = _versions(app)
    visitor = app.test_client()
    page = visitor.get(f"/letters/{SLUG}")
    html = page.get_data(as_text=True)
    assert 'name="body"' not in html and 'name="subject"' not in html, "nothing to edit"
    assert SHORT in html and "sends the letter as it is" in text_of(page)
    visitor.post(
        f"/letters/{SLUG}/write",
        data={
            "name": "Jo Bloggs",
            "email": "jo@example.org",
            "region": "York",
            "country": "GB",
            "shown_version": str(short.id),
            "subject": "My own subject",
            "body": "My own story about my family and my town, in my own words entirely.",
        },
    )
    _confirm(app, mail, visitor, "jo@example.org")
    with app.app_context():
        letter = db.session.scalar(select(Letter))
        assert (letter.subject, letter.body) == ("Scrap the two-child limit", SHORT), "the edit is ignored"
        assert (letter.kind, letter.version_id) == (LetterKind.UNEDITED, short.id)


def _edit(app, client, **changes: str):
    versions = [v for v in _versions(app) if v.archived_at is None]
    first, others = versions[0], versions[1:]
    data = {
        "title": CAMPAIGN["title"],
        "intro": CAMPAIGN["intro"],
        "label": first.label,
        "subject": first.subject,
        "body": first.body,
        "writers_may_edit": "yes",
        "target_mode": "fixed",
        "targets": [_target_id(app)],
    }
    for n, version in enumerate(others):
        data |= {
            f"versions-{n}-version_id": str(version.id),
            f"versions-{n}-label": version.label,
            f"versions-{n}-subject": version.subject,
            f"versions-{n}-body": version.body,
        }
    return submit(client, EDIT, {**data, **changes}, follow=True)


def _log(client) -> str:
    return text_of(client.get(EDIT)).split("Save the changes", 1)[1]


def test_versions_change_on_the_edit_page_each_change_logged_and_kept_for_their_letters(
    app, coordinator, mail
):
    _open(app, coordinator)
    short, parent = _versions(app)
    saved = _edit(app, coordinator, **{"versions-0-body": PARENT + " Thank you."})
    assert "Changes saved." in text_of(saved)
    log = _log(coordinator)
    assert "Suggested letters: A parent's letter, Letter" in log and "Sam Coord" in log
    assert f"Now: {PARENT} Thank you." in log
    assert [v.id for v in _versions(app)] == [short.id, parent.id], "no letters: changed in place"

    visitor = app.test_client()
    visitor.post(
        f"/letters/{SLUG}/write",
        data={
            "name": "Grace Hughes",
            "email": "grace@example.org",
            "region": "Leeds",
            "country": "GB",
            "shown_version": str(short.id),
            "subject": "Scrap the two-child limit",
            "body": SHORT,
        },
    )
    _confirm(app, mail, visitor, "grace@example.org")

    _edit(app, coordinator, body=SHORT + " Please act.", **{"versions-0-remove": "y"})
    log = _log(coordinator)
    assert "Suggested letters: Short and direct, Letter" in log and f"Now: {SHORT} Please act." in log
    assert "Suggested letters: A parent's letter removed" in log
    versions = _versions(app)
    archived = [v for v in versions if v.archived_at is not None]
    assert [v.id for v in archived] == [short.id], "the version Grace wrote with is kept, not changed"
    assert short.body == SHORT and parent.id not in {v.id for v in versions}, "no letters: deleted"
    [current] = [v for v in versions if v.archived_at is None]
    assert current.body == SHORT + " Please act." and current.label == "Short and direct"
    with app.app_context():
        assert db.session.scalar(select(Letter.version_id)) == short.id
    public = app.test_client().get(f"/letters/{SLUG}")
    assert "Please act." in _field(public.get_data(as_text=True), "body")
    assert "Use this letter" not in text_of(public), "one version left: nothing to choose"

    added = _edit(
        app,
        coordinator,
        **{
            "versions-0-label": "For carers",
            "versions-0-subject": "Carers ask you",
            "versions-0-body": "As a carer I ask you to scrap the two-child limit now.",
        },
    )
    assert "Changes saved." in text_of(added)
    assert "Suggested letters: For carers added" in _log(coordinator)
    removed = _edit(app, coordinator, **{"versions-0-remove": "y"})
    assert "Changes saved." in text_of(removed)
    assert "Suggested letters: For carers removed" in _log(coordinator)
    _edit(app, coordinator, writers_may_edit="no")
    assert "May writers change the letter? Was: Yes Now: No" in _log(coordinator)
    assert (
        "kept with the letters written with it" not in _log(coordinator).split("For carers removed")[1][:80]
    )


def test_a_version_removed_meanwhile_is_refused_and_an_incomplete_one_explained(app, coordinator):
    _open(app, coordinator)
    _short, parent = _versions(app)
    stale = _edit(app, coordinator, **{"versions-0-version_id": str(parent.id + 1000)})
    assert "changed or removed meanwhile" in text_of(stale)
    half = _edit(app, coordinator, **{"versions-1-subject": "Only a subject"})
    assert "Write the suggested letter" in text_of(half)
    assert len(_versions(app)) == 2 and "No changes since" in text_of(coordinator.get(EDIT))
