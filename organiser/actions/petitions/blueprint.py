"""The one route table of petitions: every URL, its endpoint and the view that answers it.
The views live in the modules below, split by audience."""

from __future__ import annotations

from flask import Blueprint

from organiser.actions.petitions.views import abuse, delivery, manage, public, sponsors

bp = Blueprint("petitions", __name__)

ROUTES = (
    ("/petitions/<slug>", "petition", public.petition, ("GET",)),
    ("/petitions/<slug>/count.json", "count", public.count, ("GET",)),
    ("/petitions/<slug>/sign", "sign", public.sign, ("POST",)),
    ("/petitions/<slug>/confirm/<token>", "confirm", public.confirm, ("GET", "POST")),
    ("/coalitions/<slug>/petitions", "petitions", manage.petitions, ("GET",)),
    ("/coalitions/<slug>/petitions/new", "new_petition", manage.new_petition, ("GET", "POST")),
    ("/petitions/<slug>/edit", "edit_petition", manage.edit_petition, ("GET", "POST")),
    ("/petitions/<slug>/open", "open_petition", manage.open_petition, ("POST",)),
    ("/petitions/<slug>/close", "close_petition", manage.close_petition, ("POST",)),
    ("/petitions/<slug>/signatures.csv", "export_signatures", manage.export_signatures, ("GET",)),
    ("/petitions/<slug>/summary.json", "petition_summary", manage.petition_summary, ("GET",)),
    ("/petitions/<slug>/sponsors", "sponsors", sponsors.sponsors_page, ("GET", "POST")),
    ("/organisations/<slug>/sponsorships", "sponsorships", sponsors.sponsorships, ("GET",)),
    (
        "/sponsorships/<int:sponsorship_id>/accept",
        "accept_sponsorship",
        sponsors.accept_sponsorship,
        ("POST",),
    ),
    (
        "/sponsorships/<int:sponsorship_id>/decline",
        "decline_sponsorship",
        sponsors.decline_sponsorship,
        ("POST",),
    ),
    ("/organisations/<slug>/supporters", "supporters", sponsors.supporters, ("GET",)),
    (
        "/organisations/<slug>/mailings/new",
        "organisation_new_mailing",
        sponsors.organisation_new_mailing,
        ("GET", "POST"),
    ),
    ("/organisations/<slug>/supporters.csv", "export_supporters", sponsors.export_supporters, ("GET",)),
    ("/petitions/<slug>/milestones", "milestones", sponsors.milestones_page, ("GET", "POST")),
    ("/petitions/<slug>/abuse", "petition_abuse", abuse.petition_abuse, ("GET",)),
    ("/petitions/<slug>/abuse/invalidate", "invalidate_signatures", abuse.invalidate_signatures, ("POST",)),
    (
        "/petitions/<slug>/abuse/invalidations/<int:invalidation_id>/revert",
        "revert_invalidation",
        abuse.revert_invalidation,
        ("POST",),
    ),
    ("/petitions/<slug>/targets", "petition_targets", delivery.petition_targets, ("GET", "POST")),
    ("/petitions/<slug>/deliver", "deliver", delivery.deliver, ("GET", "POST")),
    ("/petitions/<slug>/responses", "responses", delivery.responses, ("GET", "POST")),
    ("/petitions/<slug>/report", "report", delivery.report, ("GET",)),
    ("/petitions/<slug>/embed", "embed", delivery.embed, ("GET",)),
)

for _rule, _endpoint, _view, _methods in ROUTES:
    bp.add_url_rule(_rule, _endpoint, _view, methods=list(_methods))
