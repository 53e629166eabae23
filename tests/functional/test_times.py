"""Times and dates typed into the forms, as a coordinator types them, on PostgreSQL and SQLite: a
local time the clocks skip, one they repeat, years no calendar of ours needs, windows that close
before they open, petitions whose close date has passed. Each is answered next to its field, and
nothing is stored or changed; what is stored reads back as what was typed."""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date, format_time
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from organiser.actions.petitions.models import Petition, PetitionStatus
from organiser.assemblies import services as assembly_services
from organiser.assemblies.models import AgendaItem, Assembly
from organiser.coalitions.models import Coalition
from organiser.core.models import Role, User
from organiser.db import as_utc, db, utcnow
from organiser.messaging.models import Mailing
from organiser.people.models import ConsentSubject
from organiser.people.services import record_consent, upsert_person
from tests.factories import PASSWORD, CoalitionFactory, user_with_role
from tests.helpers import csrf_token, sign_in, submit, text_of

LONDON = ZoneInfo("Europe/London")
NEW_ASSEMBLY = "/coalitions/sia/assemblies/new"
ASSEMBLY = {
    "kind": "peoples_assembly",
    "title": "The night the clocks change",
    "description": "A people's assembly on night work.",
    "timezone": "Europe/London",
    "venue": "Conway Hall, London",
    "capacity": "40",
    "languages": "English",
    "accessibility": "Step-free access.",
}
PETITION = {"title": "Scrap the two-child limit", "ask": "Scrap the two-child limit.", "goal": "1000"}
MALFORMED = ("2024-13-45T99:99", "tomorrow", "2027-01-01T10:00\x00", "31/12/2027 10:00", "2027-02-30T10:00")
OUT_OF_RANGE = ("1900-01-01T10:00", "0001-01-01T00:00", "9999-12-31T23:59", "2100-01-01T00:00")


@pytest.fixture
def coordinator(app):
    """SIA's coordinator, signed in; another coalition's coordinator exists too."""
    with app.app_context():
        sia = CoalitionFactory(name="Structural Inequalities Alliance", slug="sia", country="GB")
        user_with_role(Role.COALITION_COORDINATOR, sia.id, email="coord@example.org")
        user_with_role(
            Role.COALITION_COORDINATOR, CoalitionFactory(slug="other").id, email="other@example.org"
        )
        db.session.commit()
    client = app.test_client()
    assert sign_in(client, "coord@example.org", PASSWORD).status_code == 302
    return client


def _error(response, field: str) -> str:
    """The message shown next to ``field`` (between its label and the input), as text."""
    html = response.get_data(as_text=True)
    found = re.search(rf'<p class="error-message" id="{field}-error">(.*?)</p>', html, re.S)
    assert found, f"no message next to {field}: {text_of(response)[:600]}"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


def _value(html: str, name: str) -> str:
    """The value an input of the page shows."""
    tag = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', html)
    assert tag, name
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return unescape(value.group(1)) if value else ""


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _last_sunday(year: int, month: int) -> date:
    last = date(year, month + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() + 1) % 7)


def _next_clock_change(month: int) -> date:
    """The next night London's clocks change: forward in March, back in October."""
    soon = utcnow().date() + timedelta(days=2)
    day = _last_sunday(soon.year, month)
    return day if day >= soon else _last_sunday(soon.year + 1, month)


def _local(days: int, hour: int = 10) -> str:
    return (utcnow() + timedelta(days=days)).strftime(f"%Y-%m-%dT{hour:02d}:00")


def _new_assembly(client, slug: str = "night-assembly", **fields: str):
    return submit(client, NEW_ASSEMBLY, {**ASSEMBLY, "slug": slug, **fields})


# ---- the clocks ---------------------------------------------------------------------------------------


def test_a_local_time_the_clocks_skip_is_refused_next_to_the_field(app, coordinator):
    night = _next_clock_change(3).isoformat()
    refused = _new_assembly(coordinator, starts=f"{night}T01:30", ends=f"{night}T09:00")
    message = _error(refused, "starts")
    assert "There is no 01:30 on" in message and "in Europe/London" in message
    assert "the clocks go forward from 01:00 to 02:00" in message
    assert "Choose a time before 01:00 or from 02:00" in message
    assert "There is a problem" in text_of(refused) and _value(refused.get_data(as_text=True), "starts") == (
        f"{night}T01:30"
    ), "what was typed is shown back"
    for field in ("registration_opens", "registration_closes"):
        gap = _new_assembly(
            coordinator, starts=f"{night}T10:00", ends=f"{night}T12:00", **{field: f"{night}T01:59"}
        )
        assert "There is no 01:59" in _error(gap, field)
    assert _count(app, Assembly) == 0, "nothing stored"

    created = _new_assembly(coordinator, starts=f"{night}T02:00", ends=f"{night}T09:00")
    assert created.status_code == 302
    with app.app_context():
        assembly = db.session.scalar(select(Assembly))
        assert as_utc(assembly.starts_at).hour == 1, "02:00 BST is 01:00 UTC"


def test_a_time_the_clocks_repeat_is_the_first_of_the_two_and_the_page_says_which(app, coordinator):
    night = _next_clock_change(10).isoformat()
    created = _new_assembly(coordinator, starts=f"{night}T01:30", ends=f"{night}T04:00")
    assert created.status_code == 302
    saved = coordinator.get(created.location)
    notice = text_of(saved)
    assert "Starts: 01:30 happens twice that night in Europe/London, when the clocks go back" in notice
    assert "It is taken as the first of the two, at UTC+01:00" in notice
    assert "1:30 AM (UTC+01:00)–4:00 AM (Europe/London)" in notice, "the offset on the page"
    with app.app_context():
        assembly = db.session.scalar(select(Assembly))
        assert as_utc(assembly.starts_at) == datetime.fromisoformat(f"{night}T00:30+00:00"), "01:30 BST"

        # The second of the two, stored some other way, is kept when the form is sent back unchanged.
        assembly.starts_at = datetime.fromisoformat(f"{night}T01:30+00:00")
        db.session.commit()
    assert "1:30 AM (UTC+00:00)" in text_of(coordinator.get(created.location))
    edit = coordinator.get("/assemblies/night-assembly/edit").get_data(as_text=True)
    assert _value(edit, "starts") == f"{night}T01:30"
    fields = {**ASSEMBLY, "title": "Night work", "starts": f"{night}T01:30", "ends": f"{night}T04:00"}
    changed = submit(coordinator, "/assemblies/night-assembly/edit", fields, follow=True)
    assert "Changes saved" in text_of(changed) and "happens twice" not in text_of(changed)
    with app.app_context():
        assembly = db.session.scalar(select(Assembly))
        assert assembly.title == "Night work"
        assert as_utc(assembly.starts_at) == datetime.fromisoformat(f"{night}T01:30+00:00"), "not moved"


def test_an_agenda_item_at_a_time_the_clocks_skip_is_refused(app, coordinator):
    night = _next_clock_change(3).isoformat()
    assert _new_assembly(coordinator, starts=f"{night}T00:00", ends=f"{night}T06:00").status_code == 302
    refused = submit(
        coordinator, "/assemblies/night-assembly/agenda", {"starts": f"{night}T01:15", "title": "X"}
    )
    assert "There is no 01:15" in _error(refused, "starts")
    for typed in (*MALFORMED, *OUT_OF_RANGE):
        bad = submit(coordinator, "/assemblies/night-assembly/agenda", {"starts": typed, "title": "X"})
        assert bad.status_code == 200 and _error(bad, "starts")
    assert _count(app, AgendaItem) == 0
    added = submit(
        coordinator,
        "/assemblies/night-assembly/agenda",
        {"starts": f"{night}T02:15", "title": "Y"},
        follow=True,
    )
    assert "Added to the programme" in text_of(added)
    with app.app_context():
        assert as_utc(db.session.scalar(select(AgendaItem.starts_at))).hour == 1


# ---- ranges and the past ----------------------------------------------------------------------------


def test_years_out_of_range_and_malformed_times_are_refused_next_to_the_field(app, coordinator):
    for zone in ("Europe/London", "Asia/Tokyo", "Pacific/Kiritimati", "America/Los_Angeles"):
        for typed in OUT_OF_RANGE:
            refused = _new_assembly(coordinator, timezone=zone, starts=typed, ends=_local(11))
            assert refused.status_code == 200, (zone, typed)
            assert _error(refused, "starts") == "Error: Enter a year from 2000 to 2099"
            ends = _new_assembly(coordinator, timezone=zone, starts=_local(10), ends=typed)
            assert _error(ends, "ends") == "Error: Enter a year from 2000 to 2099"
    for typed in MALFORMED:
        refused = _new_assembly(coordinator, starts=_local(10), ends=_local(11), registration_opens=typed)
        assert (
            _error(refused, "registration_opens")
            == "Error: Enter a real date and time, like 2027-03-31 09:30"
        )
        assert "\x00" not in refused.get_data(as_text=True), "a control character is not shown back"
    empty = _new_assembly(coordinator, starts="", ends="")
    assert _error(empty, "starts") == "Error: Enter when it starts"
    assert _count(app, Assembly) == 0


def test_a_new_assembly_starts_in_the_future_and_within_five_years(app, coordinator):
    past = _new_assembly(coordinator, starts=_local(-1), ends=_local(-1, 12))
    assert _error(past, "starts") == "Error: Choose a time in the future"
    far = _new_assembly(coordinator, starts=_local(6 * 366), ends=_local(6 * 366, 12))
    assert _error(far, "starts") == "Error: Choose a date within 5 years from today"
    reversed_ = _new_assembly(coordinator, starts=_local(10, 12), ends=_local(10, 9))
    assert _error(reversed_, "ends") == "Error: Choose an end after the start"
    assert _count(app, Assembly) == 0


def test_a_registration_window_must_fit_the_assembly_and_close_ahead(app, coordinator):
    times = {"starts": _local(10, 9), "ends": _local(10, 17)}
    opens, closes = "registration_opens", "registration_closes"
    cases = [
        ({opens: _local(5), closes: _local(4)}, closes, "Choose a time after registration opens"),
        ({closes: _local(-1)}, closes, "Choose a time in the future"),
        ({opens: _local(10, 12)}, opens, "Choose a time before the assembly starts"),
        ({closes: _local(11)}, closes, "Choose a time before the assembly ends"),
    ]
    for window, field, message in cases:
        refused = _new_assembly(coordinator, **times, **window)
        assert _error(refused, field) == f"Error: {message}", window
    assert _count(app, Assembly) == 0
    saved = _new_assembly(
        coordinator, **times, registration_opens=_local(-3), registration_closes=_local(10, 12)
    )
    assert saved.status_code == 302, "a window already open, closing during the assembly"


def test_a_past_assembly_is_edited_without_retyping_its_times(app, coordinator):
    with app.app_context():
        coalition = db.session.scalar(select(Coalition).where(Coalition.slug == "sia"))
        user = db.session.scalar(select(User).where(User.email == "coord@example.org"))
        held = utcnow().replace(second=17, microsecond=0) - timedelta(days=30)
        fields = {**ASSEMBLY, "slug": "held", "starts_at": held, "ends_at": held + timedelta(hours=6)}
        fields["registration_closes_at"] = held - timedelta(days=1)
        fields["languages"] = ["English"]
        assembly_services.create_assembly(coalition.id, by=user, hosts=[], **fields)
        db.session.commit()
    page = coordinator.get("/assemblies/held/edit").get_data(as_text=True)
    shown = {
        name: _value(page, name) for name in ("starts", "ends", "registration_opens", "registration_closes")
    }
    report = {**ASSEMBLY, **shown, "description": "What the assembly decided, written up afterwards."}
    saved = submit(coordinator, "/assemblies/held/edit", report, follow=True)
    assert "Changes saved" in text_of(saved)
    with app.app_context():
        assembly = db.session.scalar(select(Assembly))
        assert assembly.description.startswith("What the assembly decided")
        assert as_utc(assembly.starts_at) == held, "kept to the second"

    corrected = submit(coordinator, "/assemblies/held/edit", {**report, "ends": shown["ends"][:11] + "23:00"})
    assert corrected.status_code == 302, "times of an assembly held already are corrected for the record"

    upcoming = _new_assembly(coordinator, slug="upcoming", starts=_local(10), ends=_local(10, 12))
    assert upcoming.status_code == 302
    moved = submit(
        coordinator, "/assemblies/upcoming/edit", {**ASSEMBLY, "starts": _local(-2), "ends": _local(10, 12)}
    )
    assert _error(moved, "starts") == "Error: Choose a time in the future"
    with app.app_context():
        kept = db.session.scalar(select(Assembly).where(Assembly.slug == "upcoming"))
        assert as_utc(kept.starts_at) > utcnow(), "not moved"


# ---- petitions ------------------------------------------------------------------------------------------


def _new_petition(client, slug: str = "two-child-limit", **fields: str):
    return submit(client, "/coalitions/sia/petitions/new", {**PETITION, "slug": slug, **fields})


def _press(client, page: str, action: str):
    token = csrf_token(client.get(page).get_data(as_text=True))
    return client.post(action, data={"csrf_token": token}, follow_redirects=True)


def test_a_petition_closes_today_or_later(app, coordinator):
    yesterday = (utcnow().date() - timedelta(days=1)).isoformat()
    refused = _new_petition(coordinator, close_date=yesterday)
    assert _error(refused, "close_date") == "Error: Choose today or a later date"
    for typed in ("1900-01-01", "9999-12-31", "0000-01-01", "2027-02-30", "31/12/2027", "soon\x00"):
        bad = _new_petition(coordinator, close_date=typed)
        assert bad.status_code == 200 and _error(bad, "close_date"), typed
    assert _count(app, Petition) == 0
    assert _new_petition(coordinator, close_date=utcnow().date().isoformat()).status_code == 302


def test_a_draft_past_its_close_date_is_not_opened_until_the_date_is_changed(app, coordinator):
    assert _new_petition(coordinator, close_date=utcnow().date().isoformat()).status_code == 302
    passed = utcnow().date() - timedelta(days=3)
    with app.app_context():
        db.session.scalar(select(Petition)).close_date = passed  # days go by while it is a draft
        db.session.commit()
    refused = _press(coordinator, "/petitions/two-child-limit", "/petitions/two-child-limit/open")
    text = text_of(refused)
    assert f"Its close date, {format_date(passed, 'long', locale='en')}, has passed" in text
    assert "Choose a later close date, or none, under “Change the details”, then open it" in text
    with app.app_context():
        assert db.session.scalar(select(Petition.status)) == PetitionStatus.DRAFT

    panel = coordinator.get("/petitions/two-child-limit").get_data(as_text=True)
    assert 'href="/petitions/two-child-limit/edit">Change the details</a>' in panel
    edit = coordinator.get("/petitions/two-child-limit/edit").get_data(as_text=True)
    assert _value(edit, "close_date") == passed.isoformat() and 'name="slug"' not in edit
    kept = submit(
        coordinator,
        "/petitions/two-child-limit/edit",
        {**PETITION, "title": "Scrap it", "close_date": passed.isoformat()},
    )
    assert kept.status_code == 302, "a close date left as it was is no reason to refuse other changes"
    later = (utcnow().date() + timedelta(days=30)).isoformat()
    submit(coordinator, "/petitions/two-child-limit/edit", {**PETITION, "close_date": later})
    opened = _press(coordinator, "/petitions/two-child-limit", "/petitions/two-child-limit/open")
    assert "The petition is open for signatures" in text_of(opened)
    with app.app_context():
        petition = db.session.scalar(select(Petition))
        assert (petition.status, petition.close_date.isoformat(), petition.slug) == (
            "open",
            later,
            "two-child-limit",
        )


def test_an_open_petitions_details_change_but_its_close_date_never_moves_into_the_past(app, coordinator):
    later = (utcnow().date() + timedelta(days=30)).isoformat()
    assert _new_petition(coordinator, close_date=later, milestones="100").status_code == 302
    _press(coordinator, "/petitions/two-child-limit", "/petitions/two-child-limit/open")
    yesterday = (utcnow().date() - timedelta(days=1)).isoformat()
    page = "/petitions/two-child-limit/edit"
    refused = submit(coordinator, page, {**PETITION, "title": "Changed", "close_date": yesterday})
    assert _error(refused, "close_date") == "Error: Choose today or a later date"
    far = submit(coordinator, page, {**PETITION, "close_date": "2099-12-31"})
    assert _error(far, "close_date") == "Error: Choose a date within 5 years from today"
    with app.app_context():
        petition = db.session.scalar(select(Petition))
        assert (petition.title, petition.close_date.isoformat()) == (PETITION["title"], later), "unchanged"
    changed = submit(
        coordinator,
        page,
        {**PETITION, "title": "Scrap the limit", "ask": "Now.", "background": "Why.", "target": "HM Treasury",
         "goal": "5000", "close_date": ""},
        follow=True,
    )  # fmt: skip
    assert "Changes saved" in text_of(changed) and "Scrap the limit" in text_of(changed)
    with app.app_context():
        petition = db.session.scalar(select(Petition))
        assert (petition.ask, petition.background, petition.target, petition.goal) == (
            "Now.",
            "Why.",
            "HM Treasury",
            5000,
        )
        assert petition.close_date is None and petition.milestones == [100] and petition.status == "open"

    other = app.test_client()
    sign_in(other, "other@example.org", PASSWORD)
    assert other.get(page).status_code == 403
    assert app.test_client().get(page).status_code == 302, "sign in first"
    _press(coordinator, "/petitions/two-child-limit", "/petitions/two-child-limit/close")
    closed = coordinator.get(page, follow_redirects=True)
    assert "This petition is closed: its details can no longer be changed" in text_of(closed)


# ---- the other date fields ----------------------------------------------------------------------------


def test_mailing_schedules_abuse_windows_and_response_dates_never_fail(app, coordinator):
    with app.app_context():  # someone to send to, so the mailing can be scheduled
        sia = db.session.scalar(select(Coalition).where(Coalition.slug == "sia"))
        amina = upsert_person(sia.id, "amina@example.org", name="Amina")
        record_consent(amina, ConsentSubject.COALITION, sia.id, given=True, wording="Keep me posted")
        db.session.commit()
    created = submit(
        coordinator,
        "/coalitions/sia/mailings/new",
        {
            "subject": "Hello",
            "segments": '{"kind": "coalition_supporters", "params": {}}',
            "body_markdown": "Hi",
        },
    )
    mailing = created.location
    schedule = f"{mailing}/schedule"
    for typed, message in itertools.chain(
        ((t, "Enter a year from 2000 to 2099") for t in OUT_OF_RANGE),
        ((t, "Enter a real date and time, like 2027-03-31 09:30") for t in MALFORMED),
        [("", "Enter the date and time to send at"), (_local(-1), "Choose a time in the future")],
        [(_local(6 * 366), "Choose a date within 5 years from today")],
    ):
        refused = submit(coordinator, schedule, {"when": typed}, page=mailing)
        assert _error(refused, "when") == f"Error: {message}", typed
    with app.app_context():
        assert db.session.scalar(select(Mailing.scheduled_at)) is None

    assert _new_petition(coordinator).status_code == 302
    _press(coordinator, "/petitions/two-child-limit", "/petitions/two-child-limit/open")
    abuse = "/petitions/two-child-limit/abuse"
    for field in ("since", "until"):
        for typed in (*OUT_OF_RANGE, *MALFORMED):
            refused = submit(coordinator, f"{abuse}/invalidate", {field: typed, "reason": "x"}, page=abuse)
            assert refused.status_code == 200 and _error(refused, field), typed
    ahead = submit(coordinator, f"{abuse}/invalidate", {"since": _local(2), "reason": "x"}, page=abuse)
    assert _error(ahead, "since") == "Error: Choose a time that has passed"
    backwards = {"since": _local(-1), "until": _local(-2), "reason": "x"}
    assert "Choose a time after" in _error(
        submit(coordinator, f"{abuse}/invalidate", backwards, page=abuse), "until"
    )

    with app.app_context():  # delivered (tests/functional/test_delivery.py takes it there through the forms)
        db.session.scalar(select(Petition)).status = PetitionStatus.DELIVERED
        db.session.commit()
    responses = "/petitions/two-child-limit/responses"
    future = (utcnow().date() + timedelta(days=2)).isoformat()
    for typed, message in [
        (future, "Choose today or an earlier date"),
        ("1899-12-31", "Enter a year from 2000 to 2099"),
        ("2024-13-45", "Enter a real date, like 2027-03-31"),
    ]:
        refused = submit(
            coordinator, responses, {"target": "0", "text": "Reviewing it.", "responded_on": typed}
        )
        assert _error(refused, "responded_on") == f"Error: {message}"


# ---- generated times: never a 5xx; what is stored reads back as typed --------------------------------

ZONES = ("Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Tokyo", "Pacific/Chatham")
_slugs = itertools.count()


def _transitions(zone: ZoneInfo) -> list[datetime]:
    """The local wall times just before each change of the zone's offset in the next two years."""
    start = utcnow().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    found, previous = [], start.astimezone(zone).utcoffset()
    for hour in range(0, 2 * 366 * 24, 1):
        moment = start + timedelta(hours=hour)
        offset = moment.astimezone(zone).utcoffset()
        if offset != previous:
            found.append((moment - timedelta(hours=1)).astimezone(zone).replace(tzinfo=None))
            previous = offset
    return found


_EDGES = {name: _transitions(ZoneInfo(name)) for name in ZONES}


@st.composite
def _typed_time(draw, zone: str) -> str:
    """A date and time as someone (or something) might type it: around the clocks' changes, any
    minute of the next years, any year at all, or not a time."""
    kind = draw(st.sampled_from(["edge", "edge", "edge", "soon", "soon", "any", "text"]))
    if kind == "edge" and _EDGES[zone]:
        local = draw(st.sampled_from(_EDGES[zone])) + timedelta(minutes=draw(st.integers(-90, 150)))
    elif kind in ("edge", "soon"):
        local = utcnow().replace(tzinfo=None, second=0, microsecond=0) + timedelta(
            minutes=draw(st.integers(-3 * 24 * 60, 6 * 366 * 24 * 60))
        )
    elif kind == "any":
        local = draw(st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59)))
    else:
        return draw(st.one_of(st.sampled_from(MALFORMED), st.text(max_size=20)))
    return local.isoformat(timespec="minutes")


@st.composite
def _assembly_times(draw) -> tuple[str, dict[str, str]]:
    zone = draw(st.sampled_from(ZONES))
    times = {"starts": draw(_typed_time(zone)), "ends": draw(_typed_time(zone))}
    for name in ("registration_opens", "registration_closes"):
        times[name] = draw(st.one_of(st.just(""), st.just(""), _typed_time(zone)))
    if draw(st.integers(0, 3)) and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d", times["starts"]):
        try:  # an end a few hours after the start, so that some pass every check
            start = datetime.strptime(times["starts"], "%Y-%m-%dT%H:%M")
            times["ends"] = (start + timedelta(minutes=draw(st.integers(1, 600)))).isoformat(
                timespec="minutes"
            )
        except (ValueError, OverflowError):
            pass
    return zone, times


def _shown(local: datetime) -> str:
    """How the assembly's page writes a local time (English), white space folded."""
    text = (
        f"{format_date(local.date(), 'full', locale='en')}, {format_time(local.time(), 'short', locale='en')}"
    )
    return " ".join(text.split())


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=_assembly_times())
def test_generated_times_never_fail_and_read_back_as_typed(app, coordinator, case):
    zone, times = case
    slug = f"generated-{next(_slugs)}"
    before = _count(app, Assembly)
    response = _new_assembly(coordinator, slug=slug, timezone=zone, **times)
    assert response.status_code < 500, times
    event("stored" if response.status_code == 302 else "refused")
    if response.status_code != 302:
        assert response.status_code == 200 and 'class="error-message"' in response.get_data(as_text=True)
        assert _count(app, Assembly) == before, "nothing stored"
        return
    with app.app_context():
        assembly = db.session.scalar(select(Assembly).where(Assembly.slug == slug))
        stored = {
            "starts": assembly.starts_at,
            "ends": assembly.ends_at,
            "registration_opens": assembly.registration_opens_at,
            "registration_closes": assembly.registration_closes_at,
        }
        local = {name: assembly.local(value) for name, value in stored.items()}
    typed_times = {name: typed.strip() for name, typed in times.items()}  # white space alone is empty
    for name, typed in typed_times.items():
        if typed:
            assert local[name].replace(tzinfo=None) == datetime.strptime(typed, "%Y-%m-%dT%H:%M"), (
                name,
                times,
            )
        else:
            assert local[name] is None
    page = text_of(coordinator.get(f"/assemblies/{slug}"))
    assert _shown(local["starts"]) in page and f"({zone})" in page
    edit = coordinator.get(f"/assemblies/{slug}/edit").get_data(as_text=True)
    assert {name: _value(edit, name) for name in times} == typed_times, "the form shows what was typed"
