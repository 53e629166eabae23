"""The whole flow as people live it, with a real RQ worker: volunteers sign up through the public form
and confirm by the e-mailed link; the organisers set the quotas, run the selection as a job (its page
shows the progress, then the chances), commit a seed by its SHA-256, reveal it and draw, and invite;
one person declines by the e-mailed link and is replaced by a re-draw within the quotas; one accepts
and becomes a registration with a place."""

from __future__ import annotations

import time

from sqlalchemy import select

from organiser.assemblies.models import Registration, RegistrationStatus
from organiser.assemblies.sortition.models import Volunteer
from organiser.db import db
from tests.helpers import links_in, path_of, text_of
from tests.sortition.test_pages import (
    LOT,
    PEOPLE,
    SLUG,
    commit_and_reveal,
    drawn_in,
    make_assembly,
    run_path,
    set_quotas,
    set_up_pool,
    signed_in,
    start_run,
)


def _address(name: str) -> str:
    return f"{name.split()[0].lower()}@example.org"


def _volunteer_through_the_form(app, mail) -> None:
    visitor = app.test_client()
    form = visitor.get(f"/assemblies/{SLUG}/volunteer")
    assert "How your answers are used" in text_of(form) and "deleted 30 days after" in text_of(form)
    for name, gender, age in PEOPLE:
        fields = {
            "name": name,
            "email": _address(name),
            "category_0": gender,
            "category_1": age,
            "agree": "y",
        }
        sent = visitor.post(f"/assemblies/{SLUG}/volunteer", data=fields)
        assert "check your e-mail" in text_of(sent).lower()
    for name, _gender, _age in PEOPLE:
        [link] = [u for u in links_in(mail.wait_for_to(_address(name))[-1]) if "/volunteer/" in u]
        assert "Put me in the pool" in text_of(visitor.get(path_of(link)))
        assert "You are in the pool" in text_of(visitor.post(path_of(link)))


def _finished(client, run: str, timeout: float = 60.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page = client.get(run)
        if 'http-equiv="refresh"' not in page.get_data(as_text=True):
            return text_of(page)
        time.sleep(0.3)
    raise AssertionError(f"{run} still working after {timeout} s")


def _features(app, codes: list[str]) -> dict[str, dict[str, str]]:
    with app.app_context():
        rows = db.session.scalars(select(Volunteer).where(Volunteer.pseudonym.in_(codes)))
        return {v.pseudonym: dict(v.features) for v in rows}


def _invitation_link(mail, address: str) -> str:
    [link] = [u for u in links_in(mail.wait_for_to(address)[-1]) if "/seat/" in u]
    return path_of(link)


def _meets_quotas(features: dict[str, dict[str, str]]) -> bool:
    genders = [f["Gender"] for f in features.values()]
    ages = [f["Age"] for f in features.values()]
    return genders.count("woman") == 2 and genders.count("man") == 2 and 1 <= ages.count("under 40") <= 3


def test_volunteers_are_selected_invited_and_a_decline_is_replaced(live, rq_worker, mail):
    make_assembly(live)
    organiser = signed_in(live)
    set_up_pool(organiser)
    _volunteer_through_the_form(live, mail)
    assert "8 volunteers in the pool" in text_of(organiser.get(LOT))
    set_quotas(organiser)

    run = run_path(start_run(organiser, "leximin"))
    assert "Each method's smallest and largest chance" in _finished(organiser, run)
    panel = drawn_in(commit_and_reveal(organiser, run, "seed for Kitwe"))
    assert _meets_quotas(_features(live, panel))

    mail.clear()
    invited = organiser.post(f"{LOT}/invite", data={"csrf_token": _token(organiser)}, follow_redirects=True)
    assert "4 invitations sent" in text_of(invited)
    people = _addresses(live, panel)
    decliner, accepter = sorted(people)[:2]
    visitor = live.test_client()
    declined = visitor.post(_invitation_link(mail, people[decliner]), data={"answer": "decline"})
    assert "offered to someone else" in text_of(declined)
    accepted = visitor.post(_invitation_link(mail, people[accepter]), data={"answer": "accept"})
    assert "your seat is confirmed" in text_of(accepted)
    with live.app_context():
        registration = db.session.scalar(select(Registration).where(Registration.email == people[accepter]))
        assert registration is not None and registration.status == RegistrationStatus.CONFIRMED

    page = text_of(organiser.get(LOT))
    assert "1 seat is open after a decline" in page
    replacement = run_path(start_run(organiser, "maximin", replace="1"))  # as the form now carries
    _finished(organiser, replacement)
    [newcomer] = drawn_in(commit_and_reveal(organiser, replacement, "second seed for Kitwe"))
    assert newcomer not in panel
    kept = [code for code in panel if code != decliner]
    assert _meets_quotas(_features(live, [*kept, newcomer])), "the re-draw keeps the quotas"
    shown = text_of(live.test_client().get(f"/assemblies/{SLUG}/selection"))
    assert "Replacement draw" in shown and "second seed for Kitwe" in shown and newcomer in shown


def _addresses(app, codes: list[str]) -> dict[str, str]:
    """Pseudonym → e-mail address, as only the organisers know it."""
    with app.app_context():
        query = select(Volunteer.pseudonym, Volunteer.email).where(Volunteer.pseudonym.in_(codes))
        return dict(db.session.execute(query).all())


def _token(client) -> str:
    from tests.helpers import csrf_token

    return csrf_token(client.get(LOT).get_data(as_text=True))
