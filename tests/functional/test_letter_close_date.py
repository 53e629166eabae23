"""A letter campaign's close time, through the forms: typed in the campaign's time zone on the new
campaign's form and on the edit page (a time gone by is refused next to the field; a change is
logged), shown on the public page; once the letters' clock passes it (``LETTERS_CLOCK_OFFSET``, as
the pacing tests move time), the public form says the campaign is closed and refuses letters, and
the sweep closes the campaigns nobody looked at. A draft whose close time has passed is not opened."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from organiser.actions.letters.models import CampaignStatus, Letter, LetterCampaign
from organiser.actions.letters.services import closing, pacing
from organiser.actions.targets.models import Target
from organiser.core.models import Role
from organiser.db import as_utc, db
from tests.factories import PASSWORD, CoalitionFactory, LetterCampaignFactory, TargetFactory, user_with_role
from tests.helpers import csrf_token, sign_in, submit, text_of

SLUG = "essentials"
EDIT = f"/letters/{SLUG}/edit"
ZONE = ZoneInfo("Europe/London")
WRITER = {
    "name": "Grace Hughes",
    "email": "grace@example.org",
    "region": "Leeds",
    "country": "GB",
    "subject": "Guarantee the essentials",
    "body": "Please introduce an essentials guarantee in Universal Credit, for food and bills.",
}


@pytest.fixture
def coordinator(app):
    with app.app_context():
        sia = CoalitionFactory(name="Structural Inequalities Alliance", slug="sia", country="GB")
        user_with_role(Role.COALITION_COORDINATOR, sia.id, email="coord@example.org", name="Sam Coord")
        TargetFactory(coalition_id=sia.id, name="Rachel Reeves", email="chancellor@treasury.example")
        db.session.commit()
    client = app.test_client()
    sign_in(client, "coord@example.org", PASSWORD)
    return client


def _local(moment: datetime) -> str:
    return moment.astimezone(ZONE).strftime("%Y-%m-%dT%H:%M")


def _fields(app, **changes: str) -> dict[str, object]:
    with app.app_context():
        target_id = str(db.session.scalar(select(Target.id)))
    return {
        "title": "Guarantee the essentials",
        "slug": SLUG,
        "intro": "Universal Credit does not cover life's essentials.",
        "subject": "Guarantee the essentials",
        "body": WRITER["body"],
        "writers_may_edit": "yes",
        "target_mode": "fixed",
        "targets": [target_id],
        "daily_cap": "50",
        "digest_hour": "17",
        "timezone": "Europe/London",
        **changes,
    }


def _campaign(app) -> LetterCampaign:
    with app.app_context():
        campaign = db.session.scalar(select(LetterCampaign).where(LetterCampaign.slug == SLUG))
        db.session.expunge(campaign)
        return campaign


def _open(client) -> str:
    page = client.get(f"/letters/{SLUG}").get_data(as_text=True)
    return text_of(
        client.post(f"/letters/{SLUG}/open", data={"csrf_token": csrf_token(page)}, follow_redirects=True)
    )


def test_a_close_time_gone_by_is_refused_next_to_the_field(app, coordinator):
    past = _local(datetime.now(UTC) - timedelta(hours=1))
    refused = submit(coordinator, "/coalitions/sia/letters/new", _fields(app, closes_at=past))
    assert refused.status_code == 200 and "Choose a time in the future" in text_of(refused)
    assert 'id="closes_at-error"' in refused.get_data(as_text=True), "the message is next to the field"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LetterCampaign)) == 0
    gap = submit(coordinator, "/coalitions/sia/letters/new", _fields(app, closes_at="2030-03-31T01:30"))
    assert "There is no 01:30 on" in text_of(gap), "the hour the clocks skip in London"


def test_the_form_refuses_letters_once_the_close_time_has_passed(app, coordinator, mail, config_override):
    closes = (datetime.now(UTC) + timedelta(hours=2)).replace(second=0, microsecond=0)
    created = submit(coordinator, "/coalitions/sia/letters/new", _fields(app, closes_at=_local(closes)))
    assert created.status_code == 302, text_of(created)
    assert as_utc(_campaign(app).closes_at) == closes, "typed in London time, kept in UTC"
    assert "The campaign is open for letters" in _open(coordinator)
    page, local = text_of(app.test_client().get(f"/letters/{SLUG}")), closes.astimezone(ZONE)
    assert (
        f"Letters are taken until {local:%B} {local.day}, {local:%Y}, {local:%H:%M} (Europe/London)." in page
    )
    visitor = app.test_client()
    assert "check your e-mail" in text_of(visitor.post(f"/letters/{SLUG}/write", data=WRITER)).lower()

    config_override(LETTERS_CLOCK_OFFSET=3 * 3600)  # three hours on: an hour after the close
    public = app.test_client().get(f"/letters/{SLUG}")
    assert "This campaign is closed to new letters." in text_of(
        public
    ) and 'name="email"' not in public.get_data(as_text=True)
    assert _campaign(app).status == CampaignStatus.CLOSED, "the first visit closed it (no worker here)"
    refused = app.test_client().post(
        f"/letters/{SLUG}/write", data={**WRITER, "email": "late@example.org", "name": "Late Writer"}
    )
    assert refused.status_code == 409 and "This campaign is closed" in text_of(refused)
    with app.app_context():
        assert (
            db.session.scalar(select(func.count()).select_from(Letter).where(Letter.name == "Late Writer"))
            == 0
        )
    assert EDIT not in coordinator.get(f"/letters/{SLUG}").get_data(as_text=True), "closed: not changed"


def test_the_edit_page_closes_a_campaign_whose_time_has_come(app, coordinator, config_override):
    closes = datetime.now(UTC) + timedelta(hours=1)
    submit(coordinator, "/coalitions/sia/letters/new", _fields(app, closes_at=_local(closes)))
    _open(coordinator)
    config_override(LETTERS_CLOCK_OFFSET=2 * 3600)
    shown = coordinator.get(EDIT, follow_redirects=True)
    assert "This campaign is closed: it can no longer be changed." in text_of(shown)
    assert _campaign(app).status == CampaignStatus.CLOSED, "not extended after the time has come"


def test_the_sweep_closes_campaigns_whose_time_has_come(app, coordinator, config_override):
    with app.app_context():
        sia_id = db.session.scalar(select(Target.coalition_id))
        soon = LetterCampaignFactory(
            coalition_id=sia_id, slug="soon", closes_at=pacing.now() + timedelta(minutes=30)
        )
        later = LetterCampaignFactory(
            coalition_id=sia_id, slug="later", closes_at=pacing.now() + timedelta(days=2)
        )
        never = LetterCampaignFactory(coalition_id=sia_id, slug="never")
        db.session.commit()
        ids = (soon.id, later.id, never.id)
    config_override(LETTERS_CLOCK_OFFSET=3600)
    with app.app_context():
        assert closing.close_overdue() == [ids[0]]
        db.session.commit()
        statuses = [db.session.get(LetterCampaign, i).status for i in ids]
    assert statuses == [CampaignStatus.CLOSED, CampaignStatus.OPEN, CampaignStatus.OPEN]


def test_the_close_time_changes_on_the_edit_page_and_is_logged(app, coordinator):
    submit(coordinator, "/coalitions/sia/letters/new", _fields(app))
    _open(coordinator)
    past = submit(coordinator, EDIT, _fields(app, closes_at=_local(datetime.now(UTC) - timedelta(days=1))))
    assert "Choose a time in the future" in text_of(past)
    closes = datetime(2031, 3, 31, 17, 0, tzinfo=ZONE)
    saved = submit(coordinator, EDIT, _fields(app, closes_at="2031-03-31T17:00"), follow=True)
    assert "Changes saved." in text_of(saved)
    assert as_utc(_campaign(app).closes_at) == closes.astimezone(UTC)
    log = text_of(coordinator.get(EDIT)).split("Save the changes", 1)[1]
    assert "Closes Was: No close time Now: 2031-03-31 17:00 Europe/London" in log
    kept = submit(coordinator, EDIT, _fields(app, closes_at="2031-03-31T17:00"), follow=True)
    assert "Nothing was changed." in text_of(kept), "the saved time, shown again, is no change"
    cleared = submit(coordinator, EDIT, _fields(app, closes_at=""), follow=True)
    assert "Changes saved." in text_of(cleared) and _campaign(app).closes_at is None


def test_a_draft_whose_close_time_has_passed_is_not_opened(app, coordinator, config_override):
    closes = datetime.now(UTC) + timedelta(hours=1)
    submit(coordinator, "/coalitions/sia/letters/new", _fields(app, closes_at=_local(closes)))
    config_override(LETTERS_CLOCK_OFFSET=2 * 3600)
    assert "Its close time has passed" in _open(coordinator)
    assert _campaign(app).status == CampaignStatus.DRAFT
