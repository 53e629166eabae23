"""The one route table of assemblies: every URL, its endpoint and the view that answers it. The
views live in ``views``, split by audience; their templates' helpers come from ``views.labels``."""

from __future__ import annotations

from flask import Blueprint

from organiser.assemblies.views import labels, manage, planning, public

bp = Blueprint("assemblies", __name__)
bp.app_context_processor(labels.template_helpers)

ROUTES = (
    ("/assemblies/<slug>", "public", public.public, ("GET",)),
    ("/assemblies/<slug>.ics", "ics", public.ics, ("GET",)),
    ("/assemblies/<slug>/register", "register", public.register, ("POST",)),
    ("/assemblies/<slug>/confirm/<token>", "confirm", public.confirm, ("GET", "POST")),
    ("/assemblies/<slug>/registration/<token>", "registration_page", public.registration_page, ("GET",)),
    ("/assemblies/<slug>/registration/<token>/cancel", "cancel_own", public.cancel_own, ("POST",)),
    ("/coalitions/<slug>/assemblies", "coalition_assemblies", manage.coalition_assemblies, ("GET",)),
    ("/coalitions/<slug>/assemblies/new", "new", manage.new, ("GET", "POST")),
    ("/assemblies/<slug>/edit", "edit", manage.edit, ("GET", "POST")),
    ("/assemblies/<slug>/agenda", "agenda", manage.agenda, ("GET", "POST")),
    (
        "/assemblies/<slug>/agenda/<int:item_id>/remove",
        "remove_agenda_item",
        manage.remove_agenda_item,
        ("POST",),
    ),
    ("/assemblies/<slug>/publish", "publish", manage.publish, ("POST",)),
    ("/assemblies/<slug>/cancel", "cancel", manage.cancel, ("POST",)),
    ("/assemblies/<slug>/registrations", "registrations", manage.registrations, ("GET", "POST")),
    (
        "/assemblies/<slug>/registrations/<int:registration_id>/check-in",
        "check_in",
        manage.check_in,
        ("POST",),
    ),
    (
        "/assemblies/<slug>/registrations/<int:registration_id>/cancel",
        "cancel_registration",
        manage.cancel_registration,
        ("POST",),
    ),
    ("/assemblies/<slug>/registrations.csv", "export", manage.export, ("GET",)),
)

ROUTES += planning.ROUTES  # registration questions, speakers, the closing report

for _rule, _endpoint, _view, _methods in ROUTES:
    bp.add_url_rule(_rule, _endpoint, _view, methods=list(_methods))
