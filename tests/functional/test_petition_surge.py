"""Petitions under a surge: counted in batches, cacheable public pages, rate limits that silently
mark, and coordinators' reversible bulk invalidation."""
# ruff: noqa: F811 (the ``petition`` fixture is imported from test_petitions and used as an argument)

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from organiser.actions.petitions.models import Petition, Signature, SignatureState
from organiser.coalitions.models import Organisation
from organiser.core.models import Role
from organiser.db import db
from organiser.people.models import ConsentState, Person
from tests.factories import PASSWORD, OrganisationFactory, user_with_role
from tests.functional.test_petitions import SIGNER, petition  # noqa: F401 (the fixture)
from tests.helpers import csrf_token, links_in, path_of, sign_in, submit, text_of

PAGE, COUNT = "/petitions/two-child-limit", "/petitions/two-child-limit/count.json"
SIGN, ABUSE = "/petitions/two-child-limit/sign", "/petitions/two-child-limit/abuse"


def _count(client) -> int:
    return client.get(COUNT).json["count"]


def _sign(client, email: str, *, ip: str = "198.51.100.1", **extra: str):
    return client.post(SIGN, data={**SIGNER, "email": email, **extra}, environ_base={"REMOTE_ADDR": ip})


def _sign_and_confirm(client, mail, email: str, *, ip: str = "198.51.100.1") -> None:
    mail.clear()
    _sign(client, email, ip=ip)
    [message] = mail.wait_for(1)
    client.post(path_of(links_in(message)[0]))


def _states(app) -> dict[str, int]:
    with app.app_context():
        rows = db.session.execute(select(Signature.state, func.count()).group_by(Signature.state)).all()
        return {str(state): n for state, n in rows}


def _stored_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Petition.signature_count))


def test_public_pages_set_no_cookie_and_may_be_cached_for_a_few_seconds(app, petition):
    visitor = app.test_client()
    for path in (PAGE, COUNT, PAGE + "?source=wbg&utm_source=newsletter"):
        response = visitor.get(path)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers, path
        assert response.headers["Cache-Control"] == "public, max-age=5", path
        assert {"Cookie", "Accept-Language"} <= set(response.vary), path

    # A visitor with a session (they opened the sign-in form): Flask-Login marks it not fresh once,
    # and a response that sets a cookie is never public; after that they get the shared page.
    visitor.get("/account/sign-in")
    first = visitor.get(PAGE)
    if "Set-Cookie" in first.headers:
        assert first.headers["Cache-Control"] == "private, no-store"
    response = visitor.get(PAGE)
    assert "Set-Cookie" not in response.headers and response.headers["Cache-Control"].startswith("public")
    assert 'name="csrf_token"' not in response.get_data(as_text=True)

    # Choosing a language sets a cookie: that response is never kept by a shared cache.
    chosen = app.test_client().get(PAGE + "?lang=es")
    assert "lang=es" in chosen.headers["Set-Cookie"]
    assert chosen.headers["Cache-Control"] == "private, no-store"

    coordinator = petition
    for path in (PAGE, COUNT):
        assert coordinator.get(path).headers["Cache-Control"] == "private, no-store", path
    assert "Abuse and invalidation" in text_of(coordinator.get(PAGE))
    assert "Abuse and invalidation" not in text_of(visitor.get(PAGE))


def test_confirming_adds_one_to_the_count_through_the_count_job(app, petition, mail):
    visitor = app.test_client()
    signed = _sign(visitor, "grace@example.org")
    assert "Set-Cookie" not in signed.headers
    assert _states(app) == {"pending": 1}
    [message] = mail.wait_for(1)
    thanks = visitor.post(path_of(links_in(message)[0]))
    assert "1 person has signed" in text_of(thanks)
    assert _count(visitor) == 1 and _states(app) == {"counted": 1}
    visitor.post(path_of(links_in(message)[0]))
    assert _count(visitor) == 1 and _stored_count(app) == 1, "confirming twice counts once"


def test_signing_over_a_rate_limit_is_stored_silently_never_emailed_nor_counted(
    app, petition, mail, config_override
):
    config_override(SIGN_IP_LIMIT="2 per minute;100 per hour", SIGN_DOMAIN_LIMIT="3 per minute;100 per hour")
    visitor = app.test_client()
    for n in range(3):  # one IP address, three different people
        page = _sign(visitor, f"person{n}@example.org", ip="203.0.113.9")
        assert "check your e-mail" in text_of(page).lower(), "the same page for everyone"
    assert sorted(m["To"] for m in mail.wait_for(2)) == ["person0@example.org", "person1@example.org"]
    assert len(mail.messages) == 2, "nothing e-mailed over the limit"

    for n in range(4):  # one small domain, four IP addresses
        page = _sign(visitor, f"bot{n}@spam.example", ip=f"192.0.2.{n + 1}")
        assert "check your e-mail" in text_of(page).lower()
    for n in range(4):  # a big webmail domain is exempt from the domain limit
        _sign(visitor, f"fan{n}@gmail.com", ip=f"192.0.2.{n + 10}")
    assert len(mail.wait_for(2 + 3 + 4)) == 9
    assert _states(app) == {"pending": 9, "over_limit": 2}

    with app.app_context():
        flagged = db.session.scalars(
            select(Signature).where(Signature.state == SignatureState.OVER_LIMIT).order_by(Signature.id)
        ).all()
        assert [s.person.email for s in flagged] == ["person2@example.org", "bot3@spam.example"]
        assert [s.confirmation_sends for s in flagged] == [0, 0]
        # a possibly forged submission records no consent for the address it names
        assert (
            db.session.scalar(select(ConsentState).where(ConsentState.person_id == flagged[0].person_id))
            is None
        )

    mail.clear()
    again = _sign(visitor, "person2@example.org", ip="198.51.100.77")  # signing again: still marked
    assert "check your e-mail" in text_of(again).lower() and mail.messages == []
    for message in mail.messages:
        visitor.post(path_of(links_in(message)[0]))
    assert _count(visitor) == 0
    csv_text = petition.get("/petitions/two-child-limit/signatures.csv").get_data(as_text=True)
    assert csv_text.count(",over_limit,") == 2
    assert petition.get("/petitions/two-child-limit/summary.json").json["invalid"]["over_limit"] == 2


def test_the_coarse_per_ip_limit_answers_429(app, petition, config_override):
    config_override(SIGN_RATE_LIMIT="3 per minute")
    visitor = app.test_client()
    codes = [_sign(visitor, f"p{n}@example.org", ip="203.0.113.50").status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "Too many attempts" in text_of(_sign(visitor, "p9@example.org", ip="203.0.113.50"))


def test_bulk_invalidation_by_domain_and_its_revert_restore_the_exact_count(app, petition, mail):
    visitor = app.test_client()
    for n in range(3):
        _sign_and_confirm(visitor, mail, f"bot{n}@bad.example", ip=f"192.0.2.{n + 1}")
    for n in range(2):
        _sign_and_confirm(visitor, mail, f"real{n}@good.example", ip=f"198.51.100.{n + 1}")
    mail.clear()
    _sign(visitor, "bot9@bad.example", ip="192.0.2.9")  # pending, never confirmed
    assert _count(visitor) == 5

    coordinator = petition
    page = text_of(coordinator.get(ABUSE))
    assert "Trending e-mail domains" in page and "bad.example 4 4 0" in page
    assert "192.0.2.1 1 1 0" in page

    empty = submit(coordinator, ABUSE + "/invalidate", {"reason": "A bot"}, page=ABUSE)
    assert empty.status_code == 200
    assert "Give at least one of: an e-mail domain, an IP address, a time window" in text_of(empty)
    assert text_of(empty).startswith("Error:")
    bad_ip = submit(coordinator, ABUSE + "/invalidate", {"ip": "not-an-ip", "reason": "A bot"}, page=ABUSE)
    assert "Enter an IP address like" in text_of(bad_ip)

    preview = submit(
        coordinator, ABUSE + "/invalidate", {"domain": "Bad.Example", "reason": "A bot"}, page=ABUSE
    )
    assert "4 signatures match" in text_of(preview)
    assert _count(visitor) == 5, "nothing changes before confirming"
    html = preview.get_data(as_text=True)
    done = coordinator.post(
        ABUSE + "/invalidate",
        data={
            "csrf_token": csrf_token(html),
            "domain": "bad.example",
            "ip": "",
            "since": "",
            "until": "",
            "reason": "A bot",
            "confirmed": "yes",
        },
        follow_redirects=True,
    )
    assert "4 signatures invalidated. The count is now 2." in text_of(done)
    assert _count(visitor) == 2 and _stored_count(app) == 2
    assert _states(app) == {"counted": 2, "invalidated": 4}
    summary = coordinator.get("/petitions/two-child-limit/summary.json").json
    assert summary["count"] == 2 and summary["invalid"]["invalidated"] == 4
    names = [
        s.split(",")[0]
        for s in coordinator.get("/petitions/two-child-limit/signatures.csv").text.splitlines()
    ]
    assert len(names) == 7, "the export keeps every signature, with its status"

    # The never-confirmed one confirms while invalidated: recorded, but not counted.
    with app.app_context():
        from organiser.actions.petitions.services import confirmation_token

        pending = db.session.scalar(select(Signature).where(Signature.confirmed_at.is_(None)))
        token = confirmation_token(pending)
    visitor.post(f"/petitions/two-child-limit/confirm/{token}")
    assert _count(visitor) == 2

    page = coordinator.get(ABUSE).get_data(as_text=True)
    assert "bad.example" in text_of(coordinator.get(ABUSE)) and "A bot" in page
    with app.app_context():
        from organiser.actions.petitions.models import Invalidation

        record = db.session.scalar(select(Invalidation))
        assert record.matched == 4 and record.filters == {"domain": "bad.example"}
        assert record.created_by_id is not None and record.reason == "A bot"
    revert = f"{ABUSE}/invalidations/{record.id}/revert"
    back = coordinator.post(revert, data={"csrf_token": csrf_token(page)}, follow_redirects=True)
    assert "The signatures are back. The count is now 6." in text_of(back)
    assert _count(visitor) == 6 and _states(app) == {"counted": 6}
    again = coordinator.post(revert, data={"csrf_token": csrf_token(page)}, follow_redirects=True)
    assert "reverted already" in text_of(again) and _count(visitor) == 6


def test_the_abuse_page_and_its_actions_are_for_the_petitions_coordinators_only(app, petition, mail):
    visitor = app.test_client()
    _sign_and_confirm(visitor, mail, "bot@bad.example")
    coordinator = petition
    page = coordinator.get(ABUSE).get_data(as_text=True)
    coordinator.post(
        ABUSE + "/invalidate",
        data={"csrf_token": csrf_token(page), "domain": "bad.example", "reason": "x", "confirmed": "yes"},
    )
    with app.app_context():
        from organiser.actions.petitions.models import Invalidation

        record_id = db.session.scalar(select(Invalidation.id))
        trust = OrganisationFactory()
        user_with_role(Role.ORGANISATION_ADMIN, trust.id, email="org-admin@example.org")
        db.session.commit()
    revert = f"{ABUSE}/invalidations/{record_id}/revert"
    assert visitor.get(ABUSE).status_code == 302 and "sign-in" in visitor.get(ABUSE).location
    assert visitor.post(ABUSE + "/invalidate", data={"domain": "x.org"}).status_code in (302, 400)
    for email in ("other@example.org", "org-admin@example.org"):
        intruder = app.test_client()
        sign_in(intruder, email, PASSWORD)
        token = csrf_token(intruder.get("/account").get_data(as_text=True))
        assert intruder.get(ABUSE).status_code == 403
        data = {"csrf_token": token, "domain": "bad.example", "reason": "x", "confirmed": "yes"}
        assert intruder.post(ABUSE + "/invalidate", data=data).status_code == 403
        assert intruder.post(revert, data={"csrf_token": token}).status_code == 403
    assert _count(visitor) == 0, "the invalidation stands"
    token = csrf_token(page)
    assert (
        coordinator.post(f"{ABUSE}/invalidations/999999/revert", data={"csrf_token": token}).status_code
        == 404
    )
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Organisation)) >= 1


def test_a_signature_over_the_limit_never_changes_the_persons_details(app, petition, mail, config_override):
    visitor = app.test_client()
    _sign(visitor, "grace@example.org", ip="203.0.113.1", name="Grace Hughes")
    config_override(SIGN_IP_LIMIT="1 per minute")
    _sign(visitor, "grace@example.org", ip="203.0.113.1", name="Spammer")
    _sign(visitor, "grace@example.org", ip="203.0.113.1", name="Spammer")
    with app.app_context():
        assert db.session.scalar(select(Person.name)) == "Grace Hughes"
        assert db.session.scalar(select(func.count()).select_from(Signature)) == 1


@pytest.mark.parametrize("consent", ["y", ""])
def test_signing_records_consent_only_when_given_and_one_signature_per_person(app, petition, mail, consent):
    visitor = app.test_client()
    for _ in range(2):
        _sign(visitor, "Aisha.Khan+x@gmail.com", consent_coalition=consent)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Signature)) == 1
        assert db.session.scalars(select(ConsentState.granted)).all() == [], "nothing before confirming"
        signature = db.session.scalar(select(Signature))
        assert signature.email_domain == "gmail.com" and signature.confirmation_sends == 2
    visitor.post(path_of(links_in(mail.wait_for(1)[0])[0]))  # the link in that mailbox
    with app.app_context():
        states = db.session.scalars(select(ConsentState.granted)).all()
        assert states == ([True] if consent else [])


def test_each_web_process_answers_a_reload_storm_from_memory_for_a_second(
    app, petition, mail, config_override, request
):
    from organiser.actions.petitions.views.public import forget_remembered_pages

    request.addfinalizer(forget_remembered_pages)  # the next test's petition may have this one's slug and id
    config_override(PUBLIC_MICROCACHE_SECONDS=30)  # long enough to see it, in a test
    visitor = app.test_client()
    assert _count(visitor) == 0
    _sign_and_confirm(visitor, mail, "storm@example.org")
    assert _stored_count(app) == 1
    assert _count(visitor) == 0, "answered from this process's memory"
    assert visitor.get(COUNT).headers["Cache-Control"].startswith("public")
    coordinator = petition  # signed in: a session cookie, so never from memory
    assert coordinator.get(COUNT).json["count"] == 1
    assert _count(app.test_client()) == 0, "other anonymous visitors share the memory"
    assert app.test_client().get(COUNT + "?fresh=1").json["count"] == 1, "another address, another entry"
