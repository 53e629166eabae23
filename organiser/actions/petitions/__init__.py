"""Petitions: signatures and their intake, counting, sponsors and tracking links, milestones, abuse
and invalidation, delivery to decision-makers, the report and the embed widget."""

from __future__ import annotations

import logging

from flask import Flask

from organiser.jobs import Sweep, register_sweep

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Its pages; petition signers and sponsors' supporters as mailing segments; signatures as
    personal data; the intake, overdue petitions and counts as sweeps."""
    from organiser.actions.petitions import (
        community,
        delivery,
        personal_data,
        services,
        sponsors,
        support,
        thresholds,
    )
    from organiser.actions.petitions.blueprint import bp
    from organiser.actions.petitions.embed import embed_snippet
    from organiser.actions.petitions.forms import PETITION_STATUS_LABELS
    from organiser.messaging.services.audiences import register_segment
    from organiser.privacy.registry import register_personal_data

    app.register_blueprint(bp)
    community.init_app(app)  # petitions started by supporters
    thresholds.init_app(app)  # counts with what happens next
    app.add_template_global(PETITION_STATUS_LABELS, "petition_labels")
    # Pages (the petition's coordinator controls, sponsors' pages) show the snippet to paste; the
    # public page shows the delivery and the responses.
    app.add_template_global(embed_snippet, "embed_snippet")
    app.add_template_global(delivery.responses_of, "petition_responses")
    app.add_template_global(delivery.delivery_of, "petition_delivery")
    register_segment(services.SIGNERS)
    register_segment(sponsors.SPONSOR_SUPPORTERS)
    register_personal_data(personal_data.SIGNATURES)
    register_sweep(Sweep("intake sweep", _sweep_intake, needs_redis=True))
    register_sweep(Sweep("closing overdue petitions", _close_overdue_petitions))
    register_sweep(Sweep("count sweep", _sweep_counts))
    support.init_app(app)  # where support comes from: signatures by area, the map, support.json


def _sweep_intake() -> None:
    """Signatures waiting in the intake with no ingest job to write them (its flag outlived a crash)."""
    from organiser.actions.petitions.intake import sweep

    if sweep():
        log.info("intake sweep queued a job for the signatures waiting in Redis")


def _close_overdue_petitions() -> None:
    """Close open petitions whose close date has passed (``lifecycle``)."""
    from organiser.actions.petitions.lifecycle import close_overdue_petitions

    closed = close_overdue_petitions()
    if closed:
        log.info("closed %s petitions whose close date has passed", len(closed))


def _sweep_counts() -> None:
    """Count confirmed signatures whose count job Redis lost (or that failed)."""
    from organiser.actions.petitions.counting import sweep_counts

    counted = sweep_counts()
    if counted:
        log.info("count sweep added %s confirmed signatures to their petitions' counts", counted)
