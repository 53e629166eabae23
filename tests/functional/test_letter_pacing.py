"""Paced letter delivery, through the forms and the captured mail: a personal letter goes alone
(Reply-To its writer) while unedited copies arrive as one digest per target at the campaign's hour;
the daily cap; erasure before and after the digest; a target whose address bounced holds its letters
until the coordinators fix it. The sweep is run as if the clock showed a given time (a ``now`` it
takes); tests/functional/test_letter_pacing_worker.py does it with the RQ scheduler."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from organiser.actions.letters.models import Letter, LetterCampaign, LetterKind, LetterStatus
from organiser.actions.letters.services import digests, pacing, sync_statuses
from organiser.actions.targets.models import Target
from organiser.core.models import Role
from organiser.db import db, utcnow
from organiser.messaging.models import BounceKind, OutboxMessage
from organiser.messaging.services.suppression import record_bounce
from organiser.models import metadata
from organiser.people.models import Person
from organiser.privacy import services as privacy
from tests.factories import PASSWORD, CoalitionFactory, TargetFactory, user_with_role
from tests.helpers import body_of, csrf_token, links_in, path_of, sign_in, submit, text_of

SLUG = "essentials"
SUGGESTED = (
    "I am writing to ask you to introduce an essentials guarantee, so that Universal Credit always "
    "covers life's essentials, like food and bills. No one should choose between eating and heating."
)
PERSONAL = (
    "My name is on a waiting list for a food bank in Leeds. Last winter my daughter and I went without "
    "heating for six weeks. Please introduce an essentials guarantee."
)
CHANCELLOR = "chancellor@treasury.example"


def writer(n: int, *, body: str = SUGGESTED, region: str = "") -> dict[str, str]:
    return {
        "name": f"Writer {n}",
        "email": f"writer{n}@example.org",
        "region": region or f"Area {n}",
        "country": "GB",
        "subject": "Guarantee the essentials",
        "body": body,
    }


@pytest.fixture
def coordinator(app):
    """SIA's coordinator, signed in, with the Chancellor and a minister on the list."""
    with app.app_context():
        sia = CoalitionFactory(name="Structural Inequalities Alliance", slug="sia", country="GB")
        user_with_role(Role.COALITION_COORDINATOR, sia.id, email="coord@example.org")
        TargetFactory(coalition_id=sia.id, name="Rachel Reeves", email=CHANCELLOR)
        TargetFactory(coalition_id=sia.id, name="Liz Kendall", email="minister@dwp.example")
        db.session.commit()
    client = app.test_client()
    sign_in(client, "coord@example.org", PASSWORD)
    return client


def open_campaign(app, client, *, targets=("Rachel Reeves",), **delivery: str) -> None:
    with app.app_context():
        ids = [str(db.session.scalar(select(Target.id).where(Target.name == name))) for name in targets]
    fields = {
        "title": "Guarantee the essentials",
        "slug": SLUG,
        "intro": "Universal Credit does not cover life's essentials.",
        "subject": "Guarantee the essentials",
        "body": SUGGESTED,
        "target_mode": "fixed",
        "targets": ids,
        **delivery,
    }
    created = submit(client, "/coalitions/sia/letters/new", fields)
    assert created.status_code == 302, text_of(created)
    page = client.get(f"/letters/{SLUG}").get_data(as_text=True)
    client.post(f"/letters/{SLUG}/open", data={"csrf_token": csrf_token(page)})


def write_and_confirm(app, mail, letter: dict[str, str]) -> None:
    visitor = app.test_client()
    visitor.post(f"/letters/{SLUG}/write", data=letter)
    [confirmation] = [m for m in mail.wait_for_to(letter["email"]) if m["Subject"].startswith("Confirm")]
    assert "on its way" in text_of(visitor.post(path_of(links_in(confirmation)[0])))


def campaign() -> LetterCampaign:
    return db.session.scalar(select(LetterCampaign).where(LetterCampaign.slug == SLUG))


def sweep(app, at) -> int:
    """The embedded default's sweep (no Redis here), as if the clock showed ``at``."""
    with app.app_context():
        sent = digests.sweep(at, with_redis=False)
        db.session.commit()
    return sent


def test_personal_or_unedited_is_decided_by_the_words_kept_in_order():
    assert pacing.kind_of(SUGGESTED, SUGGESTED) == LetterKind.UNEDITED
    mended = SUGGESTED.upper().replace(",", "").replace("bills.", "bills!")
    assert pacing.kind_of(SUGGESTED, mended) == LetterKind.UNEDITED, "case and punctuation are no change"
    a_word_or_two = SUGGESTED.replace("food and bills", "rent and bills") + " Thank you."
    assert pacing.kind_of(SUGGESTED, a_word_or_two) == LetterKind.UNEDITED
    assert pacing.kind_of(SUGGESTED, PERSONAL) == LetterKind.PERSONAL
    story = "Last winter we went without heating for six weeks, and my son missed school. " * 2
    assert pacing.kind_of(SUGGESTED, story + SUGGESTED) == LetterKind.PERSONAL, "kept, but mostly their own"
    shuffled = " ".join(reversed(SUGGESTED.split()))
    assert pacing.kind_of(SUGGESTED, shuffled) == LetterKind.PERSONAL, "the words, not in order"
    assert pacing.kind_of(SUGGESTED, "") == LetterKind.PERSONAL


def test_a_personal_letter_goes_alone_and_unedited_copies_as_one_digest_at_the_set_hour(
    app, coordinator, mail
):
    open_campaign(app, coordinator, daily_cap="50", digest_hour="17", timezone="Europe/London")
    with app.app_context():
        saved = campaign()
        assert (saved.daily_cap, saved.digest_hour, saved.timezone) == (50, 17, "Europe/London")
    write_and_confirm(app, mail, writer(1, body=PERSONAL, region="Leeds"))
    [alone] = mail.wait_for_to(CHANCELLOR)
    assert alone["Reply-To"] == "writer1@example.org" and alone["Subject"] == "Guarantee the essentials"
    assert "food bank in Leeds" in body_of(alone) and "Writer 1\nLeeds" in body_of(alone)

    for n in (2, 3, 4):
        write_and_confirm(app, mail, writer(n))
    with app.app_context():
        kinds = dict(db.session.execute(select(Letter.name, Letter.kind)).all())
        assert kinds == {
            "Writer 1": "personal",
            "Writer 2": "unedited",
            "Writer 3": "unedited",
            "Writer 4": "unedited",
        }
        due = digests.next_due(campaign(), pacing.now())
    assert due.astimezone(campaign_zone()).hour == 17
    waiting = text_of(coordinator.get(f"/letters/{SLUG}/delivery"))
    assert "Rachel Reeves 0 3 Working" in waiting
    mail.clear()
    assert sweep(app, due - timedelta(minutes=1)) == 0, "not before the hour"
    assert mail.messages == []
    assert sweep(app, due + timedelta(minutes=1)) == 3
    [digest] = mail.wait_for_to(CHANCELLOR)
    assert digest["Subject"] == "3 people sent you this letter today: Guarantee the essentials"
    assert digest["Reply-To"] is None
    body = body_of(digest)
    assert body.startswith("Dear Rachel Reeves,") and "3 people sent you this letter today" in body
    assert body.count("introduce an essentials guarantee") == 1, "the text once"
    assert "- Writer 2, Area 2\n- Writer 3, Area 3\n- Writer 4, Area 4" in body
    assert "Writer 1" not in body
    assert sweep(app, due + timedelta(minutes=30)) == 0, "one digest a day"
    report = text_of(coordinator.get(f"/letters/{SLUG}/sent"))  # brings the statuses up to date
    assert "Rachel Reeves 4 4 0 0" in report
    with app.app_context():
        day = due.astimezone(campaign_zone()).date()
        for letter in db.session.scalars(select(Letter).where(Letter.kind == LetterKind.UNEDITED)):
            assert (letter.status, letter.delivered_on) == (LetterStatus.SENT, day)


def campaign_zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/London")


def test_the_daily_cap_holds_and_the_rest_wait_in_order(app, coordinator, mail):
    open_campaign(app, coordinator, daily_cap="2", timezone="Europe/London")
    for n in range(1, 6):
        write_and_confirm(app, mail, writer(n, body=PERSONAL + f" I am writer {n}."))
    today = mail.wait_for_to(CHANCELLOR, 2)
    assert [m["Reply-To"] for m in today] == ["writer1@example.org", "writer2@example.org"]
    assert "Rachel Reeves 3 0 Working" in text_of(coordinator.get(f"/letters/{SLUG}/delivery"))
    now = utcnow()
    assert sweep(app, now + timedelta(minutes=5)) == 0, "the same day: no room"
    assert len(mail.to(CHANCELLOR)) == 2
    assert sweep(app, now + timedelta(days=1)) == 2, "the next day: two more, the oldest first"
    assert [m["Reply-To"] for m in mail.wait_for_to(CHANCELLOR, 4)][2:] == [
        "writer3@example.org",
        "writer4@example.org",
    ]
    assert sweep(app, now + timedelta(days=2)) == 1
    assert mail.wait_for_to(CHANCELLOR, 5)[-1]["Reply-To"] == "writer5@example.org"
    with app.app_context():
        days = sorted({x.delivered_on for x in db.session.scalars(select(Letter))})
        assert len(days) == 3

    raised = submit(
        coordinator,
        f"/letters/{SLUG}/delivery",
        {"daily_cap": "10", "digest_hour": "9", "timezone": "Africa/Lusaka"},
        follow=True,
    )
    assert "Delivery settings saved" in text_of(raised)
    with app.app_context():
        saved = campaign()
        assert (saved.daily_cap, saved.digest_hour, saved.timezone) == (10, 9, "Africa/Lusaka")


def test_bad_delivery_settings_are_explained_next_to_each_field(app, coordinator, mail):
    open_campaign(app, coordinator)
    with app.app_context():
        assert campaign().timezone == "Europe/London", "the coalition's country's zone by default"
    bad = submit(
        coordinator,
        f"/letters/{SLUG}/delivery",
        {"daily_cap": "0", "digest_hour": "25", "timezone": "Mars/Base"},
    )
    shown = text_of(bad)
    assert shown.startswith("Error:") and "Enter a whole number from 1 to 10000" in shown
    assert "Choose a time zone from the list" in shown and "Not a valid choice" in shown
    assert 'id="daily_cap-error"' in bad.get_data(as_text=True)
    with app.app_context():
        assert campaign().daily_cap == 50


def test_a_writer_erased_before_the_digest_is_left_out_and_after_it_is_scrubbed(app, coordinator, mail):
    open_campaign(app, coordinator, timezone="Europe/London")
    for n in (1, 2, 3):
        write_and_confirm(app, mail, writer(n, region=f"Secret Street {n}"))
    with app.app_context():
        due = digests.next_due(campaign(), pacing.now())
        privacy.erase_person(
            db.session.scalar(select(Person).where(Person.name == "Writer 2")), requested_by="person"
        )
        db.session.commit()
    mail.clear()
    assert sweep(app, due + timedelta(minutes=1)) == 2
    [digest] = mail.wait_for_to(CHANCELLOR)
    body = body_of(digest)
    assert digest["Subject"].startswith("2 people") and "Writer 1" in body and "Writer 3" in body
    assert "Writer 2" not in body and "Secret Street 2" not in body

    with app.app_context():
        privacy.erase_person(
            db.session.scalar(select(Person).where(Person.name == "Writer 3")), requested_by="person"
        )
        db.session.commit()
        for table in metadata.sorted_tables:
            for row in db.session.execute(select(table)).all():
                flat = " ".join(str(v) for v in row)
                assert "Secret Street 3" not in flat and "writer3@" not in flat, table.name
        carrier = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.idempotency_key.startswith("letter-digest"))
        )
        assert carrier.status == "sent" and carrier.body_text is None, "the sent copy is scrubbed"
        sync_statuses(campaign().id)
        statuses = sorted(str(x.status) for x in db.session.scalars(select(Letter)))
        assert statuses == ["failed", "sent", "sent"], "erased before: never sent"
        assert campaign().letter_count == 3


def test_erased_while_the_digest_waits_for_the_relay_it_is_written_again_without_them(
    app, coordinator, mail, config_override
):
    from tests.services import free_port

    open_campaign(app, coordinator, timezone="Europe/London")
    for n in (1, 2):
        write_and_confirm(app, mail, writer(n, region=f"Secret Street {n}"))
    config_override(MAIL_PORT=free_port())  # the relay is down: the digest waits in the outbox
    with app.app_context():
        due = digests.next_due(campaign(), pacing.now())
    assert sweep(app, due + timedelta(minutes=1)) == 2
    with app.app_context():
        privacy.erase_person(
            db.session.scalar(select(Person).where(Person.name == "Writer 1")), requested_by="person"
        )
        db.session.commit()
        carrier = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.idempotency_key.startswith("letter-digest"))
        )
        assert carrier.status == "queued" and "Writer 2, Secret Street 2" in carrier.body_text
        assert "Writer 1" not in carrier.body_text and carrier.subject.startswith("1 person sent you")
        privacy.erase_person(
            db.session.scalar(select(Person).where(Person.name == "Writer 2")), requested_by="person"
        )
        db.session.commit()
        db.session.refresh(carrier)
        assert carrier.status == "cancelled" and carrier.body_text is None, "no one left: cancelled"


def test_a_target_whose_address_bounced_holds_its_letters_until_the_address_is_fixed(app, coordinator, mail):
    open_campaign(app, coordinator, targets=("Rachel Reeves", "Liz Kendall"), timezone="Europe/London")
    with app.app_context():
        record_bounce(CHANCELLOR, BounceKind.HARD, detail="550 no such user")
        db.session.commit()
        reeves = db.session.scalar(select(Target.id).where(Target.name == "Rachel Reeves"))
    write_and_confirm(app, mail, writer(1, body=PERSONAL))
    write_and_confirm(app, mail, writer(2))
    mail.wait_for_to("minister@dwp.example")
    assert mail.to(CHANCELLOR) == [], "held, not lost"
    with app.app_context():
        due = digests.next_due(campaign(), pacing.now())
    assert sweep(app, due + timedelta(minutes=1)) == 1, "the minister's digest goes; the Chancellor's waits"
    page = text_of(coordinator.get(f"/letters/{SLUG}/delivery"))
    assert "Mail to 1 decision-maker bounces" in page and f"Bounced: {CHANCELLOR}" in page
    assert "Rachel Reeves 1 1 Bounced" in page and "Liz Kendall 0 0 Working" in page

    url = f"/letters/{SLUG}/targets/{reeves}/address"
    same = submit(
        coordinator, url, {f"t{reeves}-email": CHANCELLOR.upper()}, page=f"/letters/{SLUG}/delivery"
    )
    assert "This address bounced" in text_of(same) and text_of(same).startswith("Error:")
    bad = submit(coordinator, url, {f"t{reeves}-email": "not an address"}, page=f"/letters/{SLUG}/delivery")
    assert "in the right format" in text_of(bad) and f'id="t{reeves}-email-error"' in bad.get_data(
        as_text=True
    )
    taken = submit(
        coordinator, url, {f"t{reeves}-email": "minister@dwp.example"}, page=f"/letters/{SLUG}/delivery"
    )
    assert "Another decision-maker on your list has this address" in text_of(taken)
    assert mail.to(CHANCELLOR) == []

    fixed = submit(
        coordinator,
        url,
        {f"t{reeves}-email": "rachel.reeves@treasury.example"},
        page=f"/letters/{SLUG}/delivery",
        follow=True,
    )
    assert "address is saved: 1 waiting letter went on its way" in text_of(fixed)
    [personal] = mail.wait_for_to("rachel.reeves@treasury.example")
    assert personal["Reply-To"] == "writer1@example.org"
    assert sweep(app, due + timedelta(minutes=2)) == 1, "today's digest, now that the address works"
    [_, digest] = mail.wait_for_to("rachel.reeves@treasury.example", 2)
    assert digest["Subject"].startswith("1 person sent you this letter today")
    assert "Bounced" not in text_of(coordinator.get(f"/letters/{SLUG}/delivery"))
    again = coordinator.post(
        url, data={"csrf_token": csrf_token(fixed.get_data(as_text=True))}, follow_redirects=True
    )
    assert "address has not bounced" in text_of(again)
