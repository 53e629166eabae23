"""People's assemblies: organisers plan and publish them through the forms; people register, confirm
through the e-mailed link into a place or onto the waitlist, cancel from their own page (the next in
line is promoted and mailed), and are checked in; erasure keeps the figures. The waitlist holds under
real concurrency on PostgreSQL."""

from __future__ import annotations

import csv
import io
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from organiser.assemblies import services
from organiser.assemblies.models import Assembly, AssemblyStatus, Registration, RegistrationStatus
from organiser.coalitions.models import Coalition
from organiser.core.models import Role
from organiser.db import db, utcnow
from organiser.messaging.models import OutboxMessage
from organiser.people.models import ConsentEvent, Person
from tests.factories import PASSWORD, CoalitionFactory, MembershipFactory, OrganisationFactory, user_with_role
from tests.helpers import csrf_token, links_in, path_of, sign_in, submit, text_of

PAGE = "/assemblies/lusaka-assembly"

FORM = {
    "kind": "peoples_assembly",
    "title": "Lusaka People's Assembly on Debt and Public Services",
    "slug": "lusaka-assembly",
    "description": "Nurses, traders and farmers set the demands.",
    "timezone": "Africa/Lusaka",
    "venue": "Mulungushi Conference Centre, Lusaka",
    "online_url": "https://meet.example.org/lusaka-assembly",
    "capacity": "2",
    "languages": "English, Bemba, Nyanja",
    "accessibility": "Step-free access; sign language interpretation.",
}

PERSON = {
    "name": "Mwila Banda",
    "email": "mwila@example.org",
    "region": "Lusaka",
    "country": "ZM",
    "language": "Bemba",
    "access_needs": "Wheelchair user",
    "consent_coalition": "y",
}


def _local(days: int, hour: int) -> str:
    return (utcnow() + timedelta(days=days)).strftime(f"%Y-%m-%dT{hour:02d}:00")


@pytest.fixture
def organiser(app):
    """FIA Zambia's coordinator, signed in, who creates and publishes the assembly through the forms."""
    with app.app_context():
        zambia = CoalitionFactory(name="FIA Zambia", slug="fia-zm", country="ZM")
        MembershipFactory(coalition=zambia, organisation=OrganisationFactory(name="Lusaka Health Workers"))
        user_with_role(Role.COALITION_COORDINATOR, zambia.id, email="coord@example.org")
        other = CoalitionFactory(slug="other")
        user_with_role(Role.COALITION_COORDINATOR, other.id, email="other@example.org")
        user_with_role(Role.ORGANISATION_ADMIN, OrganisationFactory().id, email="orgadmin@example.org")
        host_id = zambia.memberships[0].organisation_id
        db.session.commit()
    client = app.test_client()
    sign_in(client, "coord@example.org", PASSWORD)
    listing = client.get("/coalitions/fia-zm/assemblies")
    assert "Plan a new assembly" in text_of(listing)
    created = submit(
        client,
        "/coalitions/fia-zm/assemblies/new",
        {**FORM, "starts": _local(10, 9), "ends": _local(10, 16), "hosts": str(host_id)},
    )
    assert created.location == PAGE, text_of(created)
    assert app.test_client().get(PAGE).status_code == 404, "a draft is not public"
    page = client.get(PAGE).get_data(as_text=True)
    published = client.post(f"{PAGE}/publish", data={"csrf_token": csrf_token(page)}, follow_redirects=True)
    assert "The assembly is published" in text_of(published)
    return client


def _register(client, **changes):
    return client.post(f"{PAGE}/register", data={**PERSON, **changes})


def _confirm(client, mail, address, count=1):
    """Follow the confirmation link in the newest mail to ``address``: GET, then the button."""
    message = mail.wait_for_to(address, count)[-1]
    [link] = [url for url in links_in(message) if "/confirm/" in url]
    return client.post(path_of(link), follow_redirects=True)


def test_register_confirm_waitlist_cancel_and_promote_through_the_mail(app, organiser, mail):
    visitor = app.test_client()
    page = visitor.get(PAGE)
    text = text_of(page)
    assert "Set-Cookie" not in page.headers and page.headers["Cache-Control"].startswith("public")
    assert "9:00 AM–4:00 PM (Africa/Lusaka)" in text, "local time, with the zone named"
    assert "2 places left" in text and "Lusaka Health Workers" in text
    assert "meet.example.org" not in page.get_data(as_text=True), "the online link is never public"

    sent = _register(visitor)
    assert "check your e-mail" in text_of(sent).lower() and "Set-Cookie" not in sent.headers
    [message] = mail.wait_for_to("mwila@example.org")
    [link] = [url for url in links_in(message) if "/confirm/" in url]
    assert "Confirm my registration" in text_of(visitor.get(path_of(link)))
    with app.app_context():
        assert db.session.scalar(select(Registration.status)) == "pending", "a scanner's GET changes nothing"
    confirmed = visitor.post(path_of(link), follow_redirects=True)
    assert "Your place is confirmed" in text_of(confirmed)
    assert "meet.example.org/lusaka-assembly" in text_of(confirmed), "her own page shows the link"

    placed = mail.wait_for_to("mwila@example.org", 2)[-1]
    assert "is confirmed" in placed["Subject"]
    body = placed.get_body(preferencelist=("plain",)).get_content()
    assert "https://meet.example.org/lusaka-assembly" in body and "check-in code" in body.lower()
    [calendar] = [part for part in placed.iter_attachments() if part.get_content_type() == "text/calendar"]
    content = calendar.get_content()
    assert "BEGIN:VEVENT" in (content.decode() if isinstance(content, bytes) else content)
    with app.app_context():
        consent = db.session.scalar(select(ConsentEvent))
        assert consent.source == "assembly:lusaka-assembly" and consent.given

    again = _register(visitor, email="MWILA@example.org")
    assert "check your e-mail" in text_of(again).lower(), "registering again is not an error"
    assert "registered again" in mail.wait_for_to("mwila@example.org", 3)[-1].get_body().get_content()

    _register(visitor, name="Chanda Phiri", email="chanda@example.org")
    _confirm(visitor, mail, "chanda@example.org")
    assert "places left" not in text_of(visitor.get(PAGE)) and "waitlist is open" in text_of(
        visitor.get(PAGE)
    )
    _register(visitor, name="Bwalya Mulenga", email="bwalya@example.org")
    waiting = _confirm(visitor, mail, "bwalya@example.org")
    assert "You are on the waitlist" in text_of(waiting) and "number 1" in text_of(waiting)
    assert "meet.example.org" not in waiting.get_data(as_text=True), "no link without a place"
    waitlisted_mail = mail.wait_for_to("bwalya@example.org", 2)[-1]
    assert "waitlist" in waitlisted_mail["Subject"]
    assert "meet.example.org" not in waitlisted_mail.get_body(preferencelist=("plain",)).get_content()
    with app.app_context():
        assert services.counts(db.session.scalar(select(Assembly)))["registered"] == 2

    # Chanda cannot come: she cancels from the page her mail links to; Bwalya gets her place.
    chanda_mail = mail.wait_for_to("chanda@example.org", 2)[-1]
    [own_page] = [url for url in links_in(chanda_mail) if "/registration/" in url]
    cancelled = visitor.post(path_of(own_page) + "/cancel")
    assert "Your registration is cancelled" in text_of(cancelled)
    promoted = mail.wait_for_to("bwalya@example.org", 3)[-1]
    assert "A place has opened up" in promoted["Subject"]
    body = promoted.get_body(preferencelist=("plain",)).get_content()
    assert "https://meet.example.org/lusaka-assembly" in body
    [bwalya_page] = [url for url in links_in(promoted) if "/registration/" in url]
    assert "Your place is confirmed" in text_of(visitor.get(path_of(bwalya_page)))
    with app.app_context():
        statuses = dict(db.session.execute(select(Registration.name, Registration.status)).all())
        assert statuses == {
            "Mwila Banda": "confirmed",
            "Chanda Phiri": "cancelled",
            "Bwalya Mulenga": "confirmed",
        }


def test_public_ics_has_no_online_link(app, organiser):
    response = app.test_client().get(f"{PAGE}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    body = response.get_data(as_text=True)
    assert "BEGIN:VEVENT" in body and "Lusaka People" in body and "meet.example.org" not in body


def test_bad_input_is_explained_next_to_the_fields(app, organiser):
    bad = submit(
        organiser,
        "/coalitions/fia-zm/assemblies/new",
        {
            **FORM,
            "slug": "another",
            "timezone": "Mars/Olympus_Mons",
            "starts": _local(5, 16),
            "ends": _local(5, 9),
            "capacity": "0",
        },
    )
    assert bad.status_code == 200
    text = text_of(bad)
    assert text.startswith("Error:")
    assert "Choose a time zone from the list" in text
    assert "Enter a whole number of at least 1" in text
    html = bad.get_data(as_text=True)
    assert 'id="timezone-error"' in html and 'id="capacity-error"' in html
    fixed_zone = submit(
        organiser,
        "/coalitions/fia-zm/assemblies/new",
        {**FORM, "slug": "another", "starts": _local(5, 16), "ends": _local(5, 9)},
    )
    assert 'id="ends-error"' in fixed_zone.get_data(as_text=True)
    assert "Choose an end after the start" in text_of(fixed_zone)
    visitor = app.test_client()
    wrong = _register(visitor, name="", email="nope", country="XX")
    assert "Enter your name" in text_of(wrong) and "Choose a country from the list" in text_of(wrong)
    with app.app_context():
        assert db.session.scalar(select(Assembly.id).where(Assembly.slug == "another")) is None
        assert db.session.scalar(select(Registration.id)) is None


def test_bots_are_answered_like_people_and_nothing_is_kept(app, organiser, mail):
    bot = _register(app.test_client(), website="http://spam.example")
    assert "check your e-mail" in text_of(bot).lower()
    with app.app_context():
        assert db.session.scalar(select(Registration.id)) is None


def test_wrong_roles_get_403_or_404_on_every_organiser_route(app, organiser):
    with app.app_context():
        registration = Registration(
            assembly_id=db.session.scalar(select(Assembly.id)), name="A", email="a@example.org"
        )
        db.session.add(registration)
        db.session.commit()
        rid = registration.id
    gets = ["/coalitions/fia-zm/assemblies", "/coalitions/fia-zm/assemblies/new", f"{PAGE}/registrations"]
    gets.append(f"{PAGE}/edit")
    gets.append(f"{PAGE}/registrations.csv")
    posts = [
        f"{PAGE}/publish",
        f"{PAGE}/cancel",
        f"{PAGE}/registrations",
        f"{PAGE}/registrations/{rid}/check-in",
        f"{PAGE}/registrations/{rid}/cancel",
        "/coalitions/fia-zm/assemblies/new",
        f"{PAGE}/edit",
    ]
    anonymous = app.test_client()
    for url in gets:
        assert anonymous.get(url).status_code == 302, url  # to the sign-in page
    for who in ("other@example.org", "orgadmin@example.org"):
        intruder = app.test_client()
        sign_in(intruder, who, PASSWORD)
        token = csrf_token(intruder.get("/account").get_data(as_text=True))
        for url in gets:
            assert intruder.get(url).status_code == 403, (who, url)
        for url in posts:
            assert intruder.post(url, data={"csrf_token": token, "code": "X"}).status_code == 403, (who, url)
    with app.app_context():
        assert db.session.scalar(select(Assembly.status)) == AssemblyStatus.PUBLISHED
        assert db.session.get(Registration, rid).status == "pending"


def test_an_assembly_organiser_manages_their_assembly_only(app, organiser):
    with app.app_context():
        assembly = db.session.scalar(select(Assembly))
        user_with_role(Role.ASSEMBLY_ORGANISER, assembly.id, email="organiser@example.org")
        db.session.commit()
    client = app.test_client()
    sign_in(client, "organiser@example.org", PASSWORD)
    assert client.get(f"{PAGE}/registrations").status_code == 200
    assert client.get("/coalitions/other/assemblies").status_code == 403
    created = submit(
        client,
        "/coalitions/fia-zm/assemblies/new",
        {**FORM, "slug": "kitwe-meeting", "kind": "meeting", "starts": _local(3, 18), "ends": _local(3, 20)},
    )
    assert created.location == "/assemblies/kitwe-meeting"
    assert client.get("/assemblies/kitwe-meeting/registrations").status_code == 200, "theirs to organise"


def test_check_in_export_and_attendance_figures(app, organiser, mail):
    visitor = app.test_client()
    _register(visitor)
    _confirm(visitor, mail, "mwila@example.org")
    _register(visitor, name="=HYPERLINK(1)", email="chanda@example.org", access_needs="Childcare")
    _confirm(visitor, mail, "chanda@example.org")
    with app.app_context():
        code = db.session.scalar(select(Registration.check_in_code).where(Registration.name == "Mwila Banda"))
    wrong = submit(organiser, f"{PAGE}/registrations", {"code": "NOPE42"})
    assert "No registration for this assembly has this code" in text_of(wrong)
    assert 'id="code-error"' in wrong.get_data(as_text=True)
    done = submit(organiser, f"{PAGE}/registrations", {"code": code.lower()}, follow=True)
    assert "Mwila Banda is checked in" in text_of(done)
    again = submit(organiser, f"{PAGE}/registrations", {"code": code})
    assert "checked in already" in text_of(again)
    listing = organiser.get(f"{PAGE}/registrations")
    assert "Childcare" in text_of(listing) and "Wheelchair user" in text_of(listing)
    with app.app_context():
        chanda = db.session.scalar(select(Registration).where(Registration.email == "chanda@example.org"))
    token = csrf_token(listing.get_data(as_text=True))
    organiser.post(f"{PAGE}/registrations/{chanda.id}/check-in", data={"csrf_token": token})

    export = organiser.get(f"{PAGE}/registrations.csv")
    assert export.headers["Cache-Control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    assert {r["email"]: r["status"] for r in rows} == {
        "mwila@example.org": "attended",
        "chanda@example.org": "attended",
    }
    assert rows[1]["name"].startswith("'="), "formula-safe"
    with app.app_context():
        from organiser.privacy.models import DataExport

        assert db.session.scalar(select(DataExport.rows)) == 2, "the download is logged"
        assembly = db.session.scalar(select(Assembly))
        assembly.starts_at = utcnow() - timedelta(hours=5)
        assembly.ends_at = utcnow() - timedelta(hours=1)
        db.session.commit()
    page = text_of(app.test_client().get(PAGE))
    assert "2 people took part" in page and "Register" not in page.split("took part")[1]


def test_erasure_leaves_nothing_personal_and_keeps_the_figures(app, organiser, mail):
    from organiser.privacy.services import erase_person

    visitor = app.test_client()
    _register(visitor)
    _confirm(visitor, mail, "mwila@example.org")
    with app.app_context():
        registration = db.session.scalar(select(Registration))
        services.check_in(registration, by=registration)  # any object with an id: the audit line
        db.session.commit()
        assembly = db.session.scalar(select(Assembly))
        before = services.counts(assembly)
        erase_person(db.session.scalar(select(Person)), requested_by="person")
        db.session.commit()
    with app.app_context():
        registration = db.session.scalar(select(Registration))
        assert registration.person_id is None and registration.status == "attended"
        for value in (registration.name, registration.email, registration.region, registration.access_needs):
            assert value == ""
        assert registration.check_in_code is None and registration.ip == "" and registration.answers == {}
        assert services.counts(db.session.scalar(select(Assembly))) == before
        for row in db.session.scalars(select(OutboxMessage)):
            assert "mwila" not in (row.recipient + (row.body_text or "")).lower()
            assert "Mwila" not in row.subject and "Wheelchair" not in (row.body_text or "")
    export = organiser.get(f"{PAGE}/registrations.csv").get_data(as_text=True)
    assert "mwila" not in export.lower() and "Wheelchair" not in export and "attended" in export


def test_a_cancelled_assembly_tells_its_registrants(app, organiser, mail):
    visitor = app.test_client()
    _register(visitor)
    _confirm(visitor, mail, "mwila@example.org")
    page = organiser.get(PAGE).get_data(as_text=True)
    organiser.post(f"{PAGE}/cancel", data={"csrf_token": csrf_token(page)})
    told = mail.wait_for_to("mwila@example.org", 3)[-1]
    assert told["Subject"].startswith("Cancelled:")
    assert "This assembly is cancelled" in text_of(visitor.get(PAGE))
    assert "Register" not in text_of(visitor.get(PAGE)).split("cancelled")[-1]


# ---- the waitlist under real concurrency (PostgreSQL, committed) ---------------------------------


@pytest.mark.worker
def test_capacity_holds_under_concurrent_confirmations_and_a_cancellation_promotes_in_order(
    live, rq_worker, mail
):
    with live.app_context():
        coalition = Coalition(name="FIA Zambia", slug="fia-zm", country="ZM")
        db.session.add(coalition)
        db.session.flush()
        assembly = Assembly(
            coalition_id=coalition.id,
            title="Lusaka assembly",
            slug="lusaka-assembly",
            starts_at=utcnow() + timedelta(days=3),
            ends_at=utcnow() + timedelta(days=3, hours=6),
            timezone="Africa/Lusaka",
            venue="Lusaka",
            capacity=5,
            status=AssemblyStatus.PUBLISHED,
        )
        db.session.add(assembly)
        db.session.flush()
        links = []
        for n in range(20):
            person = Person(tree_id=coalition.id, email=f"person{n}@example.org", name=f"Person {n}")
            db.session.add(person)
            db.session.flush()
            registration = Registration(
                assembly_id=assembly.id, person_id=person.id, name=person.name, email=person.email
            )
            db.session.add(registration)
            db.session.flush()
            links.append(f"{PAGE}/confirm/{services.confirmation_token(registration)}")
        db.session.commit()

    barrier = threading.Barrier(20)
    answers: list[int] = []

    def confirm(path: str) -> None:
        client = live.test_client()
        barrier.wait()
        answers.append(client.post(path).status_code)

    threads = [threading.Thread(target=confirm, args=(link,)) for link in links]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert answers == [302] * 20

    with live.app_context():
        rows = db.session.scalars(
            select(Registration).order_by(Registration.confirmed_at, Registration.id)
        ).all()
        assert [r.status for r in rows].count("confirmed") == 5
        assert [r.status for r in rows].count("waitlisted") == 15
        assert [r.status for r in rows[:5]] == ["confirmed"] * 5, "places went to the first to confirm"
        waitlist = [r for r in rows if r.status == "waitlisted"]
        assert [services.waitlist_position(r) for r in waitlist] == list(range(1, 16))
        first_waiting = waitlist[0].email
        leaving = rows[0]
        page = f"{PAGE}/registration/{services.page_token(leaving)}"
    mail.wait_for(20)  # 5 "your place" and 15 "waitlist" mails, sent by the worker

    assert "Your registration is cancelled" in text_of(live.test_client().post(page + "/cancel"))
    promoted = mail.wait_for_to(first_waiting, 2)[-1]
    assert "A place has opened up" in promoted["Subject"]
    with live.app_context():
        statuses = [r.status for r in db.session.scalars(select(Registration))]
        assert statuses.count("confirmed") == 5 and statuses.count("waitlisted") == 14
        assert db.session.scalar(select(Registration.status).where(Registration.email == first_waiting)) == (
            RegistrationStatus.CONFIRMED
        )


def test_registration_is_rate_limited_per_address_and_follows_its_window(app, organiser):
    visitor = app.test_client()
    answers = [_register(visitor, name="").status_code for _ in range(11)]
    assert answers[:10] == [200] * 10 and answers[10] == 429, "ten a minute from one address"
    with app.app_context():
        assembly = db.session.scalar(select(Assembly))
        assembly.registration_opens_at = utcnow() + timedelta(days=1)
        db.session.commit()
    page = text_of(app.test_client().get(PAGE))
    assert "Registration opens on" in page and "Your name" not in page
    with app.app_context():
        from organiser.extensions import limiter

        limiter.reset()
        assembly = db.session.scalar(select(Assembly))
        assembly.registration_opens_at = None
        assembly.registration_closes_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    closed = _register(app.test_client())
    assert closed.status_code == 409 and "Registration is closed" in text_of(closed)
    with app.app_context():
        assert db.session.scalar(select(Registration.id)) is None


def test_retention_anonymises_past_assemblies_of_people_without_consent(app, organiser, mail):
    from organiser.privacy.services import person_data, run_retention

    visitor = app.test_client()
    _register(visitor)  # agrees to hear from the coalition
    _confirm(visitor, mail, "mwila@example.org")
    _register(visitor, name="Chanda Phiri", email="chanda@example.org", consent_coalition="")
    _confirm(visitor, mail, "chanda@example.org")
    with app.app_context():
        mwila = db.session.scalar(select(Person).where(Person.email == "mwila@example.org"))
        held = person_data(mwila)
        [row] = held["actions"]["assembly_registrations"]
        assert row["title"].startswith("Lusaka") and row["access_needs"] == "Wheelchair user"
        assembly = db.session.scalar(select(Assembly))
        assembly.starts_at = utcnow() - timedelta(days=95)
        assembly.ends_at = utcnow() - timedelta(days=94)
        db.session.get(Coalition, assembly.coalition_id).retention_months = 1
        db.session.commit()
    with app.app_context():
        run_retention()
        db.session.commit()
    with app.app_context():
        names = sorted(r.name for r in db.session.scalars(select(Registration)))
        assert names == ["", "Mwila Banda"], "only the one who gave no consent is anonymised"
        assert services.counts(db.session.scalar(select(Assembly)))["registered"] == 2


def test_more_places_go_to_the_waitlist_and_fewer_than_taken_are_refused(app, organiser, mail):
    visitor = app.test_client()
    for name, address in (("Mwila Banda", "mwila"), ("Chanda Phiri", "chanda"), ("Bwalya Mulenga", "bwalya")):
        _register(visitor, name=name, email=f"{address}@example.org")
        _confirm(visitor, mail, f"{address}@example.org")
    edit = organiser.get(f"{PAGE}/edit")
    assert 'value="Africa/Lusaka"' in edit.get_data(as_text=True) and 'value="2"' in edit.get_data(
        as_text=True
    )
    fields = {**FORM, "starts": _local(10, 9), "ends": _local(10, 16)}
    fields.pop("slug")
    refused = submit(organiser, f"{PAGE}/edit", {**fields, "capacity": "1"})
    assert "2 people have a place already" in text_of(refused)
    assert 'id="capacity-error"' in refused.get_data(as_text=True)
    saved = submit(
        organiser, f"{PAGE}/edit", {**fields, "capacity": "3", "title": "Lusaka Assembly"}, follow=True
    )
    assert "1 person on the waitlist got a place and an e-mail" in text_of(saved)
    assert "A place has opened up" in mail.wait_for_to("bwalya@example.org", 3)[-1]["Subject"]
    with app.app_context():
        assembly = db.session.scalar(select(Assembly))
        assert (assembly.title, assembly.slug, assembly.capacity) == ("Lusaka Assembly", "lusaka-assembly", 3)
        assert assembly.local(assembly.starts_at).hour == 9, "typed in Lusaka time, stored in UTC"
        assert services.counts(assembly)["waitlisted"] == 0


def test_organisers_set_the_programme_in_local_time_and_the_public_page_shows_it(app, organiser):
    day = _local(10, 9)[:10]
    outside = submit(organiser, f"{PAGE}/agenda", {"starts": f"{day}T18:00", "title": "Party"})
    assert "Choose a time between the start and the end" in text_of(outside)
    assert 'id="starts-error"' in outside.get_data(as_text=True)
    for time, title in (("13:30", "The vote on demands"), ("09:30", "Testimonies on health care")):
        added = submit(organiser, f"{PAGE}/agenda", {"starts": f"{day}T{time}", "title": title}, follow=True)
        assert "Added to the programme" in text_of(added)
    page = text_of(app.test_client().get(PAGE))
    assert "09:30 · Testimonies on health care" in page and "13:30 · The vote on demands" in page
    assert page.index("09:30") < page.index("13:30") and "Times in Africa/Lusaka" in page
    with app.app_context():
        from organiser.assemblies.models import AgendaItem

        first = db.session.scalar(select(AgendaItem).where(AgendaItem.title.like("Testimonies%")))
        assert first.starts_at.hour == 7, "09:30 in Lusaka is 07:30 UTC"
        first_id = first.id
    token = csrf_token(organiser.get(f"{PAGE}/agenda").get_data(as_text=True))
    intruder = app.test_client()
    sign_in(intruder, "other@example.org", PASSWORD)
    assert intruder.get(f"{PAGE}/agenda").status_code == 403
    other_token = csrf_token(intruder.get("/account").get_data(as_text=True))
    assert (
        intruder.post(f"{PAGE}/agenda/{first_id}/remove", data={"csrf_token": other_token}).status_code == 403
    )
    organiser.post(f"{PAGE}/agenda/{first_id}/remove", data={"csrf_token": token})
    assert "Testimonies on health care" not in text_of(app.test_client().get(PAGE))
