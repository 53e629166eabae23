"""The one route table of tribunals: every URL, its endpoint and the view that answers it (views
split by audience: ``public``, ``manage`` for organisers, ``panel`` for the verdicts); and the
helper every assembly page may call to show the tribunal's part (``tribunal_page``)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from organiser.assemblies.tribunals import services
from organiser.assemblies.tribunals.forms import (
    ACCUSED_LABELS,
    FINDING_LABELS,
    PANEL_ROLE_LABELS,
    PUBLICATION_LABELS,
    TESTIMONY_STATUS_LABELS,
    WITNESS_SHOWN_LABELS,
)
from organiser.assemblies.tribunals.views import manage, panel, public

bp = Blueprint("tribunals", __name__)


@bp.app_context_processor
def template_helpers() -> dict[str, Any]:
    return {
        "tribunal_page": services.tribunal_page,
        "accused_labels": ACCUSED_LABELS,
        "finding_labels": FINDING_LABELS,
        "panel_role_labels": PANEL_ROLE_LABELS,
        "publication_labels": PUBLICATION_LABELS,
        "witness_labels": WITNESS_SHOWN_LABELS,
        "testimony_labels": TESTIMONY_STATUS_LABELS,
    }


T = "/assemblies/<slug>/tribunal"
TESTIMONY = f"{T}/testimonies/<int:testimony_id>"
ROUTES = (
    # the public: testifying, confirming, the witness's own page
    ("/assemblies/<slug>/testify", "testify", public.testify, ("GET", "POST")),
    ("/assemblies/<slug>/testimony/confirm/<token>", "confirm", public.confirm, ("GET", "POST")),
    ("/assemblies/<slug>/testimony/<token>", "testimony_page", public.testimony_page, ("GET",)),
    ("/assemblies/<slug>/testimony/<token>/edit", "edit", public.edit, ("GET", "POST")),
    ("/assemblies/<slug>/testimony/<token>/withdraw", "withdraw", public.withdraw, ("POST",)),
    # organisers: charges
    (f"{T}/charges", "charges", manage.charges, ("GET", "POST")),
    (f"{T}/charges/<int:charge_id>/edit", "edit_charge", manage.edit_charge, ("GET", "POST")),
    (f"{T}/charges/<int:charge_id>/up", "move_charge_up", manage.move_charge_up, ("POST",)),
    (f"{T}/charges/<int:charge_id>/down", "move_charge_down", manage.move_charge_down, ("POST",)),
    (f"{T}/charges/<int:charge_id>/remove", "remove_charge", manage.remove_charge, ("POST",)),
    # organisers: testimonies and their moderation
    (f"{T}/testimonies", "testimonies", manage.testimonies, ("GET",)),
    (f"{T}/testimonies/new", "new_testimony", manage.new_testimony, ("GET", "POST")),
    (TESTIMONY, "testimony", manage.testimony, ("GET",)),
    (f"{TESTIMONY}/approve", "approve", manage.approve, ("POST",)),
    (f"{TESTIMONY}/changes", "request_changes", manage.request_changes, ("POST",)),
    (f"{TESTIMONY}/reject", "reject", manage.reject, ("POST",)),
    (f"{TESTIMONY}/files/<int:attachment_id>", "attachment", manage.attachment, ("GET",)),
    # organisers: the panel
    (f"{T}/panel", "panel", manage.panel, ("GET", "POST")),
    (f"{T}/panel/<int:member_id>/remove", "remove_panel_member", manage.remove_panel_member, ("POST",)),
    # the panel (and organisers): verdicts and the judgment
    (f"{T}/verdict", "verdict", panel.verdict, ("GET",)),
    (f"{T}/verdict/<int:charge_id>", "enter_verdict", panel.enter_verdict, ("POST",)),
    (f"{T}/judgment", "publish_judgment", panel.publish_judgment, ("POST",)),
)

for _rule, _endpoint, _view, _methods in ROUTES:
    bp.add_url_rule(_rule, _endpoint, _view, methods=list(_methods))
