"""Before and on the day of an assembly, through the forms and the captured mail: reminders (in the
assembly's zone, with its calendar entry, only to confirmed places, once, never late), registrants told
when the time or place changes, QR check-in codes, check-in by typed code, by the QR code's link and
walk-ins, and registrants by status as mailing segments with the usual consent rules."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import segno
from icalendar import Calendar
from sqlalchemy import func, select

from organiser.assemblies.dayof import reminders
from organiser.assemblies.models import Assembly, Registration, ReminderPlan, ReminderSent
from organiser.core.models import Role, User
from organiser.db import as_utc, db, utcnow
from organiser.messaging.models import Mailing
from tests.factories import PASSWORD, CoalitionFactory, user_with_role
from tests.helpers import body_of, csrf_token, links_in, path_of, sign_in, submit, text_of

PAGE = "/assemblies/lusaka-assembly"
LUSAKA = ZoneInfo("Africa/Lusaka")
FORM = {
    "kind": "peoples_assembly",
    "title": "Lusaka People's Assembly",
    "slug": "lusaka-assembly",
    "description": "Nurses, traders and farmers set the demands.",
    "timezone": "Africa/Lusaka",
    "venue": "Mulungushi Conference Centre, Lusaka",
    "online_url": "https://meet.example.org/lusaka-assembly",
    "capacity": "1",
    "languages": "English, Bemba",
    "accessibility": "",
}


def _local(days: int, hour: int) -> str:
    return (utcnow() + timedelta(days=days)).strftime(f"%Y-%m-%dT{hour:02d}:00")


def plan_assembly(app, **changes: str):
    """FIA Zambia's coordinator, signed in, creates and publishes the assembly through the forms."""
    with app.app_context():
        zambia = CoalitionFactory(name="FIA Zambia", slug="fia-zm", country="ZM")
        user_with_role(Role.COALITION_COORDINATOR, zambia.id, email="coord@example.org")
        other = CoalitionFactory(slug="other")
        user_with_role(Role.COALITION_COORDINATOR, other.id, email="other@example.org")
        db.session.commit()
    client = app.test_client()
    sign_in(client, "coord@example.org", PASSWORD)
    fields = {**FORM, "starts": _local(10, 9), "ends": _local(10, 16), **changes}
    assert submit(client, "/coalitions/fia-zm/assemblies/new", fields).location == PAGE
    page = client.get(PAGE).get_data(as_text=True)
    client.post(f"{PAGE}/publish", data={"csrf_token": csrf_token(page)})
    return client


@pytest.fixture
def organiser(app):
    return plan_assembly(app)


def register(client, mail, name: str, address: str, *, confirm: bool = True, consent: bool = True) -> None:
    """Register through the public form and, with ``confirm``, press the button the mailed link shows."""
    data = {"name": name, "email": address, "region": "Lusaka", "country": "ZM", "language": "Bemba"}
    if consent:
        data["consent_coalition"] = "y"
    client.post(f"{PAGE}/register", data=data)
    if confirm:
        message = mail.wait_for_to(address)[-1]
        [link] = [url for url in links_in(message) if "/confirm/" in url]
        client.post(path_of(link))


def own_page(mail, address: str) -> str:
    return path_of(next(u for u in links_in(mail.to(address)[-1]) if "/registration/" in u))


def make_registrants(app, mail):
    """Mwila holds the one place, Bwalya is on the waitlist, Chanda never confirmed, Mutale cancelled."""
    visitor = app.test_client()
    register(visitor, mail, "Mwila Banda", "mwila@example.org")
    mail.wait_for_to("mwila@example.org", 2)
    register(visitor, mail, "Bwalya Mulenga", "bwalya@example.org")
    register(visitor, mail, "Chanda Phiri", "chanda@example.org", confirm=False)
    register(visitor, mail, "Mutale Zulu", "mutale@example.org")
    mail.wait_for_to("mutale@example.org", 2)
    visitor.post(own_page(mail, "mutale@example.org") + "/cancel")
    with app.app_context():
        statuses = dict(db.session.execute(select(Registration.email, Registration.status)).all())
    assert statuses == {
        "mwila@example.org": "confirmed",
        "bwalya@example.org": "waitlisted",
        "chanda@example.org": "pending",
        "mutale@example.org": "cancelled",
    }
    return visitor


@pytest.fixture
def registrants(app, organiser, mail):
    return make_registrants(app, mail)


def calendar_event(message):
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    content = part.get_content()
    calendar = Calendar.from_ical(content if isinstance(content, bytes) else content.encode())
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Africa/Lusaka", "the zone is named, with its VTIMEZONE"
    [event] = calendar.walk("VEVENT")
    return event


def the_assembly() -> Assembly:
    return db.session.scalar(select(Assembly))


def sweep(app, at) -> int:
    """The embedded default's sweep (no Redis here), run as if the clock showed ``at``."""
    with app.app_context():
        sent = reminders.sweep_reminders(at, with_redis=False)
        db.session.commit()
    return sent


def test_reminders_reach_confirmed_places_once_in_the_zone_and_never_late(app, organiser, registrants, mail):
    page = organiser.get(f"{PAGE}/reminders")
    assert 'value="7d, 1d"' in page.get_data(as_text=True), "7 days and 1 day before, by default"
    with app.app_context():
        assembly = the_assembly()
        start = assembly.local(assembly.starts_at)
        week = reminders.due_at(assembly, 7 * 24 * 60).astimezone(LUSAKA)
    assert (week.date(), week.time()) == ((start - timedelta(days=7)).date(), start.time())
    assert "9:00 AM (Africa/Lusaka)" in text_of(page), "the times are shown in the assembly's zone"

    wrong = submit(organiser, f"{PAGE}/reminders", {"offsets": "tomorrow"})
    assert "Write each time as a number and d, h or m" in text_of(wrong)
    assert 'id="offsets-error"' in wrong.get_data(as_text=True)
    saved = submit(organiser, f"{PAGE}/reminders", {"offsets": "3h, 2D"}, follow=True)
    assert "Reminders saved" in text_of(saved) and 'value="2d, 3h"' in saved.get_data(as_text=True)

    with app.app_context():
        assembly = the_assembly()
        two_days, three_hours = reminders.due_at(assembly, 2 * 1440), reminders.due_at(assembly, 180)
        start_epoch = reminders.epoch(assembly.starts_at)
    mail.clear()
    assert sweep(app, two_days - timedelta(minutes=2)) == 0, "not before its time"
    assert sweep(app, two_days + timedelta(hours=13)) == 0, "more than 12 hours late: skipped"
    assert sweep(app, three_hours + timedelta(minutes=1)) == 1
    [reminder] = mail.wait_for_to("mwila@example.org")
    assert reminder["Subject"] == "Reminder: “Lusaka People's Assembly” is in 3 hours"
    body = body_of(reminder)
    assert "https://meet.example.org/lusaka-assembly" in body and "check-in code" in body
    event = calendar_event(reminder)
    assert event.decoded("dtstart") == start and str(event.decoded("dtstart").tzinfo) == "Africa/Lusaka"
    assert "meet.example.org" in str(event["description"]), "the online link, for a place holder"
    [qr] = [p for p in reminder.iter_attachments() if p.get_content_type() == "image/png"]
    assert qr.get_content().startswith(b"\x89PNG")

    assert sweep(app, three_hours + timedelta(minutes=5)) == 0, "each reminder once"
    with app.app_context():
        assert reminders.send_reminder(the_assembly(), 180, start_epoch, now=three_hours) == 0
        assert db.session.scalar(select(func.count()).select_from(ReminderSent)) == 1
    assert "Sent to 1 person" in text_of(organiser.get(f"{PAGE}/reminders"))
    assert mail.wait_for(1) and [m["To"] for m in mail.messages] == ["mwila@example.org"]


def test_a_new_time_or_place_is_mailed_and_the_reminders_follow_it(app, organiser, registrants, mail):
    with app.app_context():
        old = the_assembly()
        old_due, old_epoch = reminders.due_at(old, 1440), reminders.epoch(old.starts_at)
    mail.clear()
    fields = {**FORM, "starts": _local(12, 10), "ends": _local(12, 17)}
    fields.pop("slug")
    submit(organiser, f"{PAGE}/edit", {**fields, "title": "Lusaka Assembly"})
    told = {m["To"]: m for m in mail.wait_for(2)}
    assert sorted(told) == ["bwalya@example.org", "mwila@example.org"], "places and waitlist, no one else"
    mwila, bwalya = told["mwila@example.org"], told["bwalya@example.org"]
    assert mwila["Subject"] == "Changed: Lusaka Assembly" and "The time of" in body_of(mwila)
    assert "10:00 AM–5:00 PM (Africa/Lusaka)" in " ".join(body_of(mwila).split())
    event = calendar_event(mwila)
    assert event.decoded("dtstart").hour == 10 and event["sequence"] == 1, "calendars replace their copy"
    assert "meet.example.org" not in body_of(bwalya) + str(calendar_event(bwalya)["description"])

    with app.app_context():
        assembly = the_assembly()
        assert as_utc(db.session.get(ReminderPlan, assembly.id).planned_start) == as_utc(assembly.starts_at)
        new_due = reminders.due_at(assembly, 1440)
        assert reminders.send_reminder(assembly, 1440, old_epoch, now=new_due) == 0, (
            "a stale job does nothing"
        )
    mail.clear()
    assert sweep(app, old_due + timedelta(minutes=1)) == 0, "the old time is gone"
    assert sweep(app, new_due + timedelta(minutes=1)) == 1
    assert "in 1 day" in mail.wait_for_to("mwila@example.org")[-1]["Subject"]

    mail.clear()
    submit(organiser, f"{PAGE}/edit", {**fields, "title": "Lusaka People's Assembly 2026"})
    with app.app_context():
        assert the_assembly().title == "Lusaka People's Assembly 2026"
    assert mail.messages == [], "a new title alone is no news"


def _svg_path(html: str) -> str:
    """The dark modules of the page's inline QR code (segno's ``qrline`` path)."""
    return re.search(r'<svg role="img".*?class="qrline"[^>]*?\sd="([^"]+)"', html, re.S).group(1)


def test_check_in_by_qr_link_by_typed_code_and_walk_ins(app, organiser, mail):
    visitor = app.test_client()
    register(visitor, mail, "Mwila Banda", "mwila@example.org")
    placed = mail.wait_for_to("mwila@example.org", 2)[-1]
    [qr] = [p for p in placed.iter_attachments() if p.get_content_type() == "image/png"]
    assert qr.get_content().startswith(b"\x89PNG") and "attached QR code" in body_of(placed)
    with app.app_context():
        code = db.session.scalar(select(Registration.check_in_code))
    qr_url = f"http://localhost{PAGE}/check-in/{code}"
    mine = visitor.get(own_page(mail, "mwila@example.org")).get_data(as_text=True)
    expected = segno.make(qr_url, error="m", micro=False).svg_inline(border=4)
    assert _svg_path(mine) == _svg_path(expected.replace("<svg ", '<svg role="img" ')), "it holds the link"
    assert "<script" not in mine

    assert app.test_client().get(path_of(qr_url)).location.startswith("/account/sign-in")
    intruder = app.test_client()
    sign_in(intruder, "other@example.org", PASSWORD)
    for path in (path_of(qr_url), f"{PAGE}/check-in", f"{PAGE}/attendance", f"{PAGE}/reminders"):
        assert intruder.get(path).status_code == 403, path
    shown = organiser.get(path_of(qr_url))
    assert "Mwila Banda" in text_of(shown) and "Check in Mwila Banda" in text_of(shown)
    with app.app_context():
        assert db.session.scalar(select(Registration.status)) == "confirmed", "a GET changes nothing"
    done = organiser.post(
        path_of(qr_url), data={"csrf_token": csrf_token(shown.get_data(as_text=True))}, follow_redirects=True
    )
    assert "Mwila Banda is checked in" in text_of(done) and "Took part so far 1" in text_of(done)
    assert "checked in already" in text_of(organiser.get(path_of(qr_url)))
    assert organiser.get(f"{PAGE}/check-in/NOPE42").status_code == 404

    with app.app_context():  # one more place, for Chanda
        the_assembly().capacity = 3
        db.session.commit()
    register(visitor, mail, "Chanda Phiri", "chanda@example.org")
    register(visitor, mail, "Bwalya Mulenga", "bwalya@example.org", confirm=False)
    with app.app_context():
        chanda = db.session.scalar(
            select(Registration.check_in_code).where(Registration.name == "Chanda Phiri")
        )
    wrong = submit(organiser, f"{PAGE}/check-in", {"code": "NOPE42"})
    assert "No registration for this assembly has this code" in text_of(wrong)
    assert 'id="code-error"' in wrong.get_data(as_text=True)
    typed = submit(
        organiser, f"{PAGE}/check-in", {"code": f" {chanda[:3].lower()} {chanda[3:]}"}, follow=True
    )
    assert "Chanda Phiri is checked in" in text_of(typed) and "Took part so far 2" in text_of(typed)

    nameless = submit(
        organiser, f"{PAGE}/check-in/walk-in", {"name": "", "email": "x"}, page=f"{PAGE}/check-in"
    )
    assert "Enter the person's name" in text_of(nameless) and 'id="name-error"' in nameless.get_data(
        as_text=True
    )
    walk_in = {"name": "Musonda Tembo", "email": "", "region": "Kabwe", "language": "Nyanja"}
    came = submit(organiser, f"{PAGE}/check-in/walk-in", walk_in, page=f"{PAGE}/check-in", follow=True)
    assert "Musonda Tembo is welcome" in text_of(came) and "Took part so far 3 (1 walked in)" in text_of(came)
    assert "Kabwe · Nyanja" in text_of(came)
    pending = {"name": "Bwalya M.", "email": "BWALYA@example.org", "region": "", "language": ""}
    came = submit(organiser, f"{PAGE}/check-in/walk-in", pending, page=f"{PAGE}/check-in", follow=True)
    assert "Took part so far 4" in text_of(came), "her unconfirmed registration is the one checked in"
    twice = submit(organiser, f"{PAGE}/check-in/walk-in", pending, page=f"{PAGE}/check-in")
    assert "checked in already" in text_of(twice)
    board = organiser.get(f"{PAGE}/attendance")
    assert board.headers["Refresh"] == "15", "it reloads itself, without JavaScript"
    assert "Refresh" not in organiser.get(f"{PAGE}/attendance?still=1").headers, "unless told to stop"
    assert "4 people have arrived" in text_of(board)
    with app.app_context():
        rows = db.session.execute(select(Registration.name, Registration.status, Registration.email)).all()
        assert sorted(rows) == [
            ("Bwalya Mulenga", "attended", "bwalya@example.org"),
            ("Chanda Phiri", "attended", "chanda@example.org"),
            ("Musonda Tembo", "attended", ""),
            ("Mwila Banda", "attended", "mwila@example.org"),
        ]


def test_a_walk_in_without_an_address_is_anonymised_with_the_assembly_s_other_data(app, organiser):
    from organiser.coalitions.models import Coalition
    from organiser.privacy.services import run_retention

    walk_in = {"name": "Musonda Tembo", "email": "", "region": "Kabwe", "language": "Nyanja"}
    submit(organiser, f"{PAGE}/check-in/walk-in", walk_in, page=f"{PAGE}/check-in")
    with app.app_context():
        assembly = the_assembly()
        assembly.starts_at, assembly.ends_at = utcnow() - timedelta(days=95), utcnow() - timedelta(days=94)
        db.session.get(Coalition, assembly.coalition_id).retention_months = 1
        db.session.commit()
    with app.app_context():
        run_retention()
        db.session.commit()
    with app.app_context():
        registration = db.session.scalar(select(Registration))
        assert (registration.name, registration.region, registration.status) == ("", "", "attended")


def _segment_value(page: str, label: str) -> str:
    """The value of the mailing form's segment checkbox labelled ``label``."""
    for box, text in re.findall(r"<li>(<input[^>]*>)\s*<label[^>]*>(.*?)</label>", page, re.S):
        if unescape(text).strip() == label:
            return unescape(re.search(r'value="([^"]*)"', box).group(1))
    raise AssertionError(f"no segment {label!r}")


def test_registrants_by_status_are_mailing_segments_within_consent(app, organiser, mail):
    with app.app_context():
        the_assembly().capacity = 2
        db.session.commit()
    visitor = app.test_client()
    register(visitor, mail, "Mwila Banda", "mwila@example.org")
    register(visitor, mail, "Chanda Phiri", "chanda@example.org", consent=False)
    register(visitor, mail, "Bwalya Mulenga", "bwalya@example.org")
    with app.app_context():
        code = db.session.scalar(select(Registration.check_in_code).where(Registration.name == "Mwila Banda"))
    submit(organiser, f"{PAGE}/check-in", {"code": code})

    form = organiser.get("/coalitions/fia-zm/mailings/new").get_data(as_text=True)
    counts = {}
    for status, label in (
        ("attended", "People who took part in “Lusaka People's Assembly”"),
        ("confirmed", "People with a confirmed place at “Lusaka People's Assembly” (not checked in)"),
        ("waitlisted", "People on the waitlist of “Lusaka People's Assembly”"),
    ):
        written = submit(
            organiser,
            "/coalitions/fia-zm/mailings/new",
            {
                "subject": "What the assembly decided",
                "from_name": "",
                "reply_to": "",
                "segments": _segment_value(form, label),
                "body_markdown": "Hello {{ name }}, here are the demands.",
            },
        )
        counts[status] = text_of(organiser.get(written.location))
    assert "1 person will get it" in counts["attended"]
    assert "0 people will get it" in counts["confirmed"] or "No one will get it" in counts["confirmed"], (
        "Chanda gave no consent"
    )
    assert "1 person will get it" in counts["waitlisted"]

    with app.app_context():
        mailing_id = db.session.scalar(select(func.min(Mailing.id)))
    page = organiser.get(f"/mailings/{mailing_id}").get_data(as_text=True)
    organiser.post(f"/mailings/{mailing_id}/start", data={"csrf_token": csrf_token(page)})
    [sent] = [
        m for m in mail.wait_for_to("mwila@example.org", 3) if m["Subject"] == "What the assembly decided"
    ]
    assert "Hello Mwila Banda" in body_of(sent)
    assert not [
        m for m in mail.messages if m["Subject"] == "What the assembly decided" and m["To"] != sent["To"]
    ]


# ---- with Redis: a real ``organiser worker``, its RQ scheduler, committed data ------------------------


def _scheduled(app, assembly_id: int, timeout: float = 15) -> dict[int, object]:
    """The reminder jobs in the RQ scheduler for the assembly's start as it is now: minutes → time."""
    from rq.registry import ScheduledJobRegistry

    from organiser.assemblies.dayof.jobs import JOB_PREFIX
    from organiser.jobs import get_queue

    deadline = time.monotonic() + timeout
    with app.app_context():
        while True:
            start = reminders.epoch(db.session.get(Assembly, assembly_id).starts_at)
            registry = ScheduledJobRegistry(queue=get_queue("default"))
            found = {
                int(job_id.split("-")[-2]): registry.get_scheduled_time(job_id)
                for job_id in registry.get_job_ids()
                if job_id.startswith(f"{JOB_PREFIX}-{assembly_id}-") and job_id.endswith(f"-{start}")
            }
            if len(found) == 2 or time.monotonic() > deadline:
                return found
            db.session.rollback()
            time.sleep(0.2)


def _reminders_in(mail, wait: float = 0) -> list:
    """The reminders captured so far, after waiting up to ``wait`` seconds for the first."""

    def found() -> list:
        return [m for m in mail.messages if m["Subject"].startswith("Reminder:")]

    with mail.lock:
        mail.lock.wait_for(found, wait)
        return found()


def _move(app, assembly_id: int, starts_at) -> None:
    """What the edit form does, to the second (the form takes minutes): a job due in seconds."""
    from organiser.assemblies import services

    with app.app_context():
        assembly = db.session.get(Assembly, assembly_id)
        user = db.session.scalar(select(User).where(User.email == "coord@example.org"))
        services.update_assembly(
            assembly, by=user, hosts=[], starts_at=starts_at, ends_at=starts_at + timedelta(hours=6)
        )
        db.session.commit()


@pytest.mark.worker
def test_a_real_rq_scheduler_sends_the_reminders_and_follows_a_moved_assembly(live, rq_worker, mail):
    organiser = plan_assembly(live)
    make_registrants(live, mail)
    saved = submit(organiser, f"{PAGE}/reminders", {"offsets": "7d, 1d"}, follow=True)
    assert "Reminders saved" in text_of(saved)
    with live.app_context():
        assembly = the_assembly()
        assembly_id = assembly.id
        due = {m: reminders.due_at(assembly, m) for m in (10080, 1440)}
    planned = _scheduled(live, assembly_id)
    assert planned == due, "one job a reminder, in the RQ scheduler, at its time"

    fields = {**FORM, "starts": _local(12, 10), "ends": _local(12, 17)}
    fields.pop("slug")
    mail.clear()
    assert submit(organiser, f"{PAGE}/edit", fields).status_code == 302
    assert "Changed:" in mail.wait_for_to("bwalya@example.org")[-1]["Subject"]
    with live.app_context():
        moved = the_assembly()
        due = {m: reminders.due_at(moved, m) for m in (10080, 1440)}
    assert _scheduled(live, assembly_id) == due, "planned again for the new time"

    # Moved to a day and a few seconds from now, then moved again before its reminder goes: the first
    # plan's job finds itself stale and does nothing; the second sends, once, to Mwila alone.
    first = utcnow().replace(microsecond=0) + timedelta(days=1, seconds=3)
    _move(live, assembly_id, first)
    _move(live, assembly_id, first + timedelta(seconds=4))
    [reminder] = _reminders_in(mail, wait=30)
    assert reminder["Subject"] == "Reminder: “Lusaka People's Assembly” is in 1 day"
    event = calendar_event(reminder)
    assert event.decoded("dtstart") == (first + timedelta(seconds=4)).astimezone(LUSAKA)
    assert str(event.decoded("dtstart").tzinfo) == "Africa/Lusaka"
    assert "https://meet.example.org/lusaka-assembly" in body_of(reminder)
    time.sleep(5)  # time enough for the stale job, or a second one, to have done anything
    from organiser.worker import sweep_once

    sweep_once(live)
    assert [m["To"] for m in _reminders_in(mail)] == ["mwila@example.org"], "once, and only to the place held"
    with live.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReminderSent)) == 1
