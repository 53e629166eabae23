"""The embed widget: a compact sign page other sites may frame (and only it), carrying the sponsor's
source code into the form; the snippet coordinators paste."""

from __future__ import annotations

from html import unescape

import pytest
from sqlalchemy import select

from organiser.actions.petitions.embed import embed_snippet
from organiser.actions.petitions.models import Petition, PetitionStatus, Signature
from organiser.db import db
from tests.factories import PASSWORD, CoalitionFactory, PetitionFactory
from tests.helpers import links_in, path_of, sign_in, text_of

SLUG = "two-child-limit"
SIGNER = {"name": "Aisha Khan", "email": "aisha@example.org", "region": "Leeds", "country": "GB"}


@pytest.fixture
def petition(app):
    with app.app_context():
        from organiser.core.models import Role
        from tests.factories import user_with_role

        sia = CoalitionFactory(name="Structural Inequalities Alliance", slug="sia")
        user_with_role(Role.COALITION_COORDINATOR, sia.id, email="coord@example.org")
        PetitionFactory(
            coalition_id=sia.id,
            title="Scrap the two-child limit",
            slug=SLUG,
            ask="Scrap the two-child limit and the benefit cap.",
            status=PetitionStatus.OPEN,
            goal=500,
            opened_at=None,
        )
        PetitionFactory(
            coalition_id=sia.id,
            title="A draft",
            slug="draft",
            ask="Ask",
            status=PetitionStatus.DRAFT,
            opened_at=None,
        )
        db.session.commit()


def _frameable(response, ancestors: str = "*") -> bool:
    csp = response.headers["Content-Security-Policy"]
    return "X-Frame-Options" not in response.headers and f"frame-ancestors {ancestors}" in csp


def _denied(response) -> bool:
    csp = response.headers["Content-Security-Policy"]
    return response.headers.get("X-Frame-Options") == "DENY" and "frame-ancestors 'none'" in csp


def test_the_widget_may_be_framed_and_carries_the_source_into_the_form(app, petition, mail):
    visitor = app.test_client()
    widget = visitor.get(f"/petitions/{SLUG}/embed?source=wbg&utm_medium=widget")
    html = widget.get_data(as_text=True)
    assert widget.status_code == 200 and _frameable(widget)
    assert "Set-Cookie" not in widget.headers and "<script" not in html
    assert 'class="site-header"' not in html, "no site header in the widget"
    assert '<input type="hidden" name="source" value="wbg">' in html
    assert '<input type="hidden" name="embed" value="1">' in html
    assert '<input type="hidden" name="utm_medium" value="widget">' in html
    text = text_of(widget)
    assert "Scrap the two-child limit" in text and "0 signatures" in text and "Goal: 500" in text
    assert f'href="http://localhost/petitions/{SLUG}?source=wbg"' in html and 'target="_blank"' in html

    for path in (f"/petitions/{SLUG}", f"/petitions/{SLUG}/count.json", "/", "/account/sign-in"):
        assert _denied(visitor.get(path)), path

    bad = visitor.post(f"/petitions/{SLUG}/sign", data={**SIGNER, "name": "", "embed": "1", "source": "wbg"})
    assert _frameable(bad) and text_of(bad).startswith("Error:") and "Enter your name" in text_of(bad)
    bad_html = bad.get_data(as_text=True)
    assert 'class="site-header"' not in bad_html and 'name="source" value="wbg"' in bad_html

    sent = visitor.post(f"/petitions/{SLUG}/sign", data={**SIGNER, "embed": "1", "source": "wbg"})
    assert _frameable(sent) and "check your e-mail" in text_of(sent).lower()
    assert 'class="site-header"' not in sent.get_data(as_text=True)
    [message] = mail.wait_for(1)
    visitor.post(path_of(links_in(message)[0]))
    with app.app_context():
        signature = db.session.scalar(select(Signature))
        assert signature.source == "wbg" and signature.confirmed_at is not None

    full = visitor.post(f"/petitions/{SLUG}/sign", data={**SIGNER, "email": "ben@example.org"})
    assert _denied(full), "signing from the full page is not framed"
    mail.clear()
    again = visitor.post(f"/petitions/{SLUG}/sign", data={**SIGNER, "embed": "1"})
    assert _frameable(again) and "check your e-mail" in text_of(again).lower(), "the same answer to anyone"
    assert any(m["Subject"].startswith("You have signed already") for m in mail.wait_for(1))


def test_the_sites_allowed_to_frame_it_can_be_narrowed(app, petition, config_override):
    config_override(EMBED_FRAME_ANCESTORS="https://equalitytrust.example")
    widget = app.test_client().get(f"/petitions/{SLUG}/embed")
    assert _frameable(widget, "https://equalitytrust.example")


def test_a_closed_or_draft_petition_in_the_widget(app, petition):
    visitor = app.test_client()
    assert visitor.get("/petitions/draft/embed").status_code == 404
    with app.app_context():
        db.session.scalar(select(Petition).where(Petition.slug == SLUG)).status = PetitionStatus.CLOSED
        db.session.commit()
    widget = visitor.get(f"/petitions/{SLUG}/embed")
    assert "closed to new signatures" in text_of(widget) and 'name="email"' not in widget.get_data(
        as_text=True
    )
    late = visitor.post(f"/petitions/{SLUG}/sign", data={**SIGNER, "embed": "1"})
    assert late.status_code == 409 and _frameable(late) and "closed to new signatures" in text_of(late)
    assert 'class="site-header"' not in late.get_data(as_text=True)


def test_coordinators_see_the_snippet_to_paste(app, petition):
    with app.app_context():
        p = db.session.scalar(select(Petition).where(Petition.slug == SLUG))
        snippet = embed_snippet(p, source="wbg")
        assert snippet == (
            f'<iframe src="http://localhost/petitions/{SLUG}/embed?source=wbg" '
            'title="Scrap the two-child limit" width="100%" height="1000" style="border:0"></iframe>'
        )
        assert embed_snippet(p).startswith(f'<iframe src="http://localhost/petitions/{SLUG}/embed" ')
    coordinator = app.test_client()
    sign_in(coordinator, "coord@example.org", PASSWORD)
    page = coordinator.get(f"/petitions/{SLUG}").get_data(as_text=True)
    assert unescape(f'<iframe src="http://localhost/petitions/{SLUG}/embed"') in unescape(page)
    assert "embed-snippet" not in app.test_client().get(f"/petitions/{SLUG}").get_data(as_text=True)
