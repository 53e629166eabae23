"""Issue 13's "done when", end to end through the forms and the captured mail: a coordinator plans a
tribunal with two charges; people register; two witnesses testify (one anonymous) and are moderated;
the panel finds on both charges; registrants vote on three demands through their e-mailed links, one
is adopted, launched as a petition, signed, delivered and answered, and its outcome set. The tribunal's
page then shows the whole chain, and the anonymous witness is found on no public page, in no export
and in no e-mail to anyone but the organisers (and, for her address, herself)."""

from __future__ import annotations

import re
from datetime import timedelta
from email.message import EmailMessage
from html import unescape

import pytest
from werkzeug.test import TestResponse

from organiser.core.models import Role
from organiser.db import db, utcnow
from tests.factories import (
    PASSWORD,
    CoalitionFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    user_with_role,
)
from tests.helpers import csrf_token, links_in, path_of, sign_in, submit, text_of

COALITION = "/coalitions/fia-zambia"
PAGE = "/assemblies/debt-tribunal"
T = f"{PAGE}/tribunal"
DEMANDS = f"{PAGE}/demands"
COORDINATOR = "coord@fia-zambia.example"
JUDGE = "judge@example.org"
MINISTER = "minister@finance.example"

HIDDEN_NAME = "Zebediah Quillfeather-Mwansa"
HIDDEN_EMAIL = "zq.hidden.witness@example.org"
NEEDLES = (HIDDEN_NAME, HIDDEN_EMAIL, "Zebediah", "Quillfeather", "zq.hidden")
ANONYMOUS = {
    "name": HIDDEN_NAME,
    "email": HIDDEN_EMAIL,
    "witness_kind": "frontline",
    "language": "Bemba",
    "account": "The clinic in Kanyama had no medicines for three months after the budget cuts.",
    "publication": "anonymous",
    "safety_risk": "y",
}
NAMED = {
    "name": "Natasha Phiri",
    "email": "natasha@example.org",
    "witness_kind": "expert",
    "language": "English",
    "account": "As a nurse I counted the posts frozen since the loan conditions.",
    "publication": "named",
}
VOTERS = {
    "mwila@example.org": "Mwila Banda",
    "chanda@example.org": "Chanda Phiri",
    "bwalya@example.org": "Bwalya Mulenga",
}
DEMAND_TEXTS = (
    "Fund rural clinics before paying creditors.",
    "Audit the Eurobond debt in public.",
    "Guarantee jobs for young people.",
)


@pytest.fixture
def coordinator(app):
    """FIA Zambia (a chapter of the alliance, with one member organisation), its coordinator signed in,
    and a judge's account; nothing else exists: the rest is done through the forms."""
    with app.app_context():
        fia = CoalitionFactory(name="Fight Inequality Alliance", slug="fia", country=None)
        zambia = CoalitionFactory(name="FIA Zambia", slug="fia-zambia", country="ZM", parent=fia)
        MembershipFactory(coalition=zambia, organisation=OrganisationFactory(name="Lusaka Health Workers"))
        user_with_role(Role.COALITION_COORDINATOR, zambia.id, email=COORDINATOR)
        UserFactory(email=JUDGE, name="Judge Mumba")
        db.session.commit()
    return _signed_in(app, COORDINATOR)


def _signed_in(app, email: str):
    client = app.test_client()
    assert sign_in(client, email, PASSWORD).status_code == 302
    return client


def _button(client, action: str, data: dict[str, str] | None = None, *, page: str = PAGE):
    """Press a button-only form: its CSRF token comes from a page the person has open."""
    token = csrf_token(client.get(page).get_data(as_text=True))
    return client.post(action, data={"csrf_token": token, **(data or {})}, follow_redirects=True)


def _options(html: str, pattern: str) -> list[str]:
    return re.findall(rf'<option value="({pattern})"', html)


def _link_to(mail, address: str, pattern: str) -> str:
    """The path of the one link matching ``pattern`` in the e-mails to ``address``."""
    found = [path_of(u) for m in mail.wait_for_to(address) for u in links_in(m) if re.search(pattern, u)]
    assert len(set(found)) == 1, (address, pattern, found)
    return found[0]


def _local(days: int, hour: int) -> str:
    return (utcnow() + timedelta(days=days)).strftime(f"%Y-%m-%dT{hour:02d}:00")


# ---- the steps ------------------------------------------------------------------------------------------


def _plan_tribunal(organiser) -> list[str]:
    """Plan the tribunal, publish it, set its two charges; their ids, as the testify form offers them."""
    created = submit(
        organiser,
        f"{COALITION}/assemblies/new",
        {
            "kind": "tribunal",
            "title": "People's Tribunal on Debt and Public Services",
            "slug": "debt-tribunal",
            "description": "Witnesses from the frontline of the debt crisis.",
            "timezone": "Africa/Lusaka",
            "venue": "Mulungushi Conference Centre, Lusaka",
            "capacity": "50",
            "languages": "English, Bemba",
            "starts": _local(10, 9),
            "ends": _local(10, 16),
        },
    )
    assert created.location == PAGE, text_of(created)
    assert "The assembly is published" in text_of(_button(organiser, f"{PAGE}/publish"))
    for title, accused, kind in (
        ("Cutting health spending to repay foreign debt", "The Government of Zambia", "government"),
        ("Imposing austerity as a loan condition", "The IMF", "lender"),
    ):
        data = {"title": title, "accused": accused, "accused_kind": kind, "at_stake": "The right to health"}
        assert submit(organiser, f"{T}/charges", data).status_code == 302
    charges = _options(organiser.get(f"{PAGE}/testify").get_data(as_text=True), r"\d+")
    assert len(charges) == 2
    return charges


def _register_all(app, mail) -> None:
    visitor = app.test_client()
    for email, name in VOTERS.items():
        data = {"name": name, "email": email, "region": "Lusaka", "country": "ZM", "language": "Bemba"}
        assert "check your e-mail" in text_of(visitor.post(f"{PAGE}/register", data=data)).lower()
        link = _link_to(mail, email, f"{PAGE}/confirm/")
        assert "Your place is confirmed" in text_of(visitor.post(link, follow_redirects=True))


def _testify(app, mail, data: dict[str, str]) -> str:
    """Testify through the public form and confirm by the e-mailed link; the witness's own page."""
    witness = app.test_client()
    assert "check your e-mail" in text_of(witness.post(f"{PAGE}/testify", data=data)).lower()
    link = _link_to(mail, data["email"], "/testimony/confirm/")
    assert "Confirm my testimony" in text_of(witness.get(link))
    confirmed = witness.post(link, follow_redirects=True)
    assert "Waiting for the organisers" in text_of(confirmed)
    return confirmed.request.path


def _moderate(app, organiser, mail, charges: list[str]) -> None:
    """Approve the anonymous testimony; ask the nurse for a change, which she makes from her link; approve."""
    listing = organiser.get(f"{T}/testimonies").get_data(as_text=True)
    anonymous, named = re.findall(rf'href="({T}/testimonies/\d+)"', listing)[:2]
    assert HIDDEN_NAME in text_of(organiser.get(anonymous)), "the witness at risk first; organisers know her"
    assert "Approved" in text_of(_button(organiser, f"{anonymous}/approve", page=anonymous))
    note = {"changes-note": "Please say which district."}
    assert "asked to change it" in text_of(_button(organiser, f"{named}/changes", note, page=named))
    own_page = _link_to(mail, NAMED["email"], "/testimony/[^/]+$")
    nurse = app.test_client()
    assert "Please say which district." in text_of(nurse.get(own_page))
    edited = nurse.post(
        f"{own_page}/edit", data={**NAMED, "charge": charges[1], "account": NAMED["account"] + " In Lusaka."}
    )
    assert "will read your testimony again" in text_of(edited)
    assert "Approved" in text_of(_button(organiser, f"{named}/approve", page=named))


def _judge(app, organiser, charges: list[str]) -> None:
    """The judge is put on the panel through its form, then finds on both charges and publishes."""
    member = {
        "name": "Judge Mumba",
        "role": "chair",
        "bio": "Retired high court judge.",
        "account_email": JUDGE,
    }
    assert submit(organiser, f"{T}/panel", member).status_code == 302
    judge = _signed_in(app, JUDGE)
    for charge, finding in zip(charges, ("upheld", "partly_upheld"), strict=True):
        fields = {f"charge-{charge}-finding": finding, f"charge-{charge}-reasoning": f"Reasons: {finding}."}
        assert submit(judge, f"{T}/verdict/{charge}", fields, page=f"{T}/verdict").status_code == 302
    published = submit(judge, f"{T}/judgment", {"summary": "The debt is odious."}, page=f"{T}/verdict")
    assert published.status_code == 302


def _propose_and_open_vote(organiser) -> list[str]:
    """The minister goes on the coalition's list; three demands are proposed; the vote opens."""
    minister = {"name": "Hon. Situmbeko", "role": "Minister of Finance", "email": MINISTER}
    assert "is on the list" in text_of(submit(organiser, f"{COALITION}/targets", minister, follow=True))
    page = organiser.get(DEMANDS).get_data(as_text=True)
    [target], [charge] = _options(page, r"\d+"), _options(page, r"charge-\d+")[:1]
    for data in (
        {"text": DEMAND_TEXTS[0], "target": target, "source": charge},
        {"text": DEMAND_TEXTS[1], "addressed_to": "The IMF"},
        {"text": DEMAND_TEXTS[2], "addressed_to": "Parliament", "theme": "Youth"},
    ):
        assert submit(organiser, DEMANDS, data).status_code == 302
    listing = organiser.get(DEMANDS).get_data(as_text=True)
    demands = list(dict.fromkeys(re.findall(rf'href="{DEMANDS}/(\d+)/edit"', listing)))
    assert len(demands) == 3
    opened = submit(organiser, f"{DEMANDS}/vote/open", {"rule": "simple_majority"}, page=DEMANDS)
    assert opened.status_code == 302
    assert "3 people were e-mailed their link" in text_of(organiser.get(DEMANDS))
    return demands


def _vote(app, mail, demands: list[str]) -> None:
    """Each registrant votes through their link: the first demand 2–1 for, the second 1–2, the third a tie."""
    ballots = {
        "mwila@example.org": ("for", "for", "for"),
        "chanda@example.org": ("for", "against", "against"),
        "bwalya@example.org": ("against", "against", "abstain"),
    }
    voter = app.test_client()
    for email, choices in ballots.items():
        link = _link_to(mail, email, "/vote/")
        assert VOTERS[email] in text_of(voter.get(link))
        votes = {f"demand-{d}": c for d, c in zip(demands, choices, strict=True)}
        assert "your vote is recorded" in text_of(voter.post(link, data=votes))


def _form_values(html: str) -> dict[str, str]:
    """What a form shows filled in: its text inputs and text areas (the person keeps what is there)."""
    values = {n: unescape(v) for n, v in re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', html)}
    areas = re.findall(r'<textarea[^>]*name="(\w+)"[^>]*>(?:\r?\n)?(.*?)</textarea>', html, re.S)
    return {**values, **{n: unescape(v) for n, v in areas}}


def _launch_and_open(organiser, adopted: str) -> str:
    """Launch the adopted demand as a draft petition, finish it (a goal) through its form, open it."""
    launched = _button(organiser, f"{DEMANDS}/{adopted}/launch", {"kind": "petition"}, page=DEMANDS)
    edit = launched.request.path
    assert edit.endswith("/edit") and "Fund rural clinics" in text_of(launched)
    filled = _form_values(launched.get_data(as_text=True))
    assert filled["ask"] == DEMAND_TEXTS[0] and PAGE in filled["background"]
    finished = {k: filled[k] for k in ("title", "ask", "background", "target")}
    assert submit(organiser, edit, {**finished, "goal": "500"}).status_code == 302
    petition = edit.removesuffix("/edit")
    assert "Sign the petition" in text_of(_button(organiser, f"{petition}/open", page=petition))
    return petition


def _sign(app, mail, petition: str) -> None:
    signer = app.test_client()
    data = {"name": "Mwila Banda", "email": "mwila@example.org", "region": "Lusaka", "public_name": "y"}
    assert "check your e-mail" in text_of(signer.post(f"{petition}/sign", data=data)).lower()
    signer.post(_link_to(mail, "mwila@example.org", f"{petition}/confirm/"))


def _deliver_and_answer(organiser, mail, petition: str) -> None:
    assert "Deliver it" in text_of(_button(organiser, f"{petition}/close", page=petition))
    message = {"message": "The tribunal's people ask you to act."}
    assert "Delivered to 1 decision-maker" in text_of(
        submit(organiser, f"{petition}/deliver", message, follow=True)
    )
    assert "The tribunal's people ask you to act." in mail.wait_for_to(MINISTER)[0].as_string()
    html = organiser.get(f"{petition}/responses").get_data(as_text=True)
    [target] = re.findall(r'<option value="(\d+)">Hon\. Situmbeko', html)
    answer = {
        "target": target,
        "text": "Clinics come first in next year's budget.",
        "responded_on": "2025-03-01",
    }
    assert "The response is recorded" in text_of(
        submit(organiser, f"{petition}/responses", answer, follow=True)
    )


# ---- the test -------------------------------------------------------------------------------------------


def test_testimony_verdict_demand_petition_response_and_the_anonymous_witness_is_never_revealed(
    app, coordinator, mail
):
    charges = _plan_tribunal(coordinator)
    _register_all(app, mail)
    _testify(app, mail, {**ANONYMOUS, "charge": charges[0]})
    _testify(app, mail, {**NAMED, "charge": charges[1]})
    _moderate(app, coordinator, mail, charges)
    _judge(app, coordinator, charges)
    demands = _propose_and_open_vote(coordinator)
    _vote(app, mail, demands)
    closed = _button(coordinator, f"{DEMANDS}/vote/close", page=DEMANDS)
    assert "The vote is closed" in text_of(closed)
    petition = _launch_and_open(coordinator, demands[0])
    _sign(app, mail, petition)
    _deliver_and_answer(coordinator, mail, petition)
    outcome = {"outcome": "won", "on": "2025-03-02", "note": "In the budget."}
    assert submit(coordinator, f"{DEMANDS}/{demands[0]}/outcome", outcome).status_code == 302

    _assert_the_chain_is_shown(app)
    _assert_never_revealed(app, coordinator, mail, petition)


def _assert_the_chain_is_shown(app) -> None:
    page = text_of(app.test_client().get(PAGE))
    health, austerity = page.index("Cutting health spending"), page.index("Imposing austerity")
    assert "The judgment" in page and "The debt is odious." in page
    assert health < page.index("The panel's finding: Upheld") < page.index("Kanyama") < austerity
    assert page.index("An anonymous witness") < austerity, "the anonymous testimony under its charge"
    assert austerity < page.index("The panel's finding: Partly upheld") < page.index("Natasha Phiri")
    assert "In Lusaka." in page, "the testimony as changed"
    assert "Judge Mumba" in page and "Retired high court judge." in page
    demands = page[page.index("Demands") :]
    assert "Adopted · 2 for, 1 against, 0 abstaining" in demands
    assert "Not adopted · 1 for, 2 against, 0 abstaining" in demands
    assert "Not adopted · 1 for, 1 against, 1 abstaining" in demands
    assert "(verdict: Upheld)" in demands
    assert "A petition: Fund rural clinics before paying creditors · Delivered · 1 signature" in demands
    assert "Delivered on" in demands
    assert "Response from Hon. Situmbeko, Minister of Finance · Mar 1, 2025" in demands
    assert "Clinics come first in next year's budget." in demands
    assert "Won · Mar 2, 2025 In the budget." in demands


def _mail_text(message: EmailMessage) -> str:
    """Headers and every part decoded (a CSV attachment is base64 on the wire)."""
    parts = [str(v) for _k, v in message.items()]
    for part in message.walk():
        if not part.is_multipart():
            content = part.get_content()
            parts.append(content.decode(errors="replace") if isinstance(content, bytes) else content)
    return "\n".join(parts)


def _found(text: str) -> list[str]:
    return [n for n in NEEDLES if n.lower() in text.lower()]


def _crawl(client, starts: list[str]) -> dict[str, TestResponse]:
    """Every page of the app reachable from ``starts`` by following links and redirects, by its path."""
    seen: dict[str, TestResponse] = {}
    queue = list(starts)
    while queue and len(seen) < 400:
        url = queue.pop(0)
        if url in seen or url.startswith(("/static/", "//")):
            continue
        seen[url] = response = client.get(url)
        if response.location:
            queue.append(path_of(response.location))
        if response.mimetype == "text/html":
            queue += [unescape(u) for u in re.findall(r'href="(/[^"#]*)', response.get_data(as_text=True))]
    return seen


def _to_others(mail) -> list[EmailMessage]:
    """Every e-mail to someone who is neither an organiser nor the anonymous witness herself."""
    return [m for m in mail.messages if COORDINATOR not in str(m["To"]) and HIDDEN_EMAIL not in str(m["To"])]


def _assert_never_revealed(app, coordinator, mail, petition: str) -> None:
    """Every public page (linked from anywhere public, or from the e-mails people received), every
    page the panel can reach, every export a coordinator can download and every e-mail to anyone but
    the organisers: none names the anonymous witness or gives her address; her own mail lacks her name."""
    mailed = [path_of(u) for m in _to_others(mail) for u in links_in(m) if u.startswith("http://localhost/")]
    public = _crawl(
        app.test_client(),
        [PAGE, f"{PAGE}.ics", f"{PAGE}/testify", f"{petition}/embed", f"{petition}/count.json"] + mailed,
    )
    assert {PAGE, "/", COALITION, "/coalitions/fia", petition, f"{petition}/embed"} <= set(public)
    panel = _crawl(_signed_in(app, JUDGE), [PAGE, f"{T}/verdict"])  # the panel sees her as published
    assert "Kanyama" in text_of(panel[f"{T}/verdict"]), "the panel reads the testimony, not who gave it"
    for url, response in [*public.items(), *panel.items()]:
        assert not _found(response.get_data(as_text=True)), url

    managed = _crawl(coordinator, [PAGE, COALITION, petition, "/"])
    exports = {url: r for url, r in managed.items() if r.mimetype != "text/html"}  # CSV, JSON, .ics
    assert {f"{PAGE}/registrations.csv", f"{petition}/signatures.csv", f"{COALITION}/members.csv"} <= set(
        exports
    )
    for url, response in exports.items():
        assert response.status_code == 200 and not _found(response.get_data(as_text=True)), url
    assert "Mwila Banda" in exports[f"{petition}/signatures.csv"].get_data(as_text=True)
    assert HIDDEN_NAME in managed[f"{T}/testimonies"].get_data(as_text=True), "the organisers know her"

    to_others = _to_others(mail)
    assert len(to_others) > 10 and "Mwila Banda" in _mail_text(mail.to(MINISTER)[0]), (
        "the signers' CSV is read"
    )
    for message in to_others:
        assert not _found(_mail_text(message)), f"in the e-mail to {message['To']}: {message['Subject']}"
    for message in mail.to(HIDDEN_EMAIL):
        assert not _found(_mail_text(message).replace(HIDDEN_EMAIL, "")), message["Subject"]
