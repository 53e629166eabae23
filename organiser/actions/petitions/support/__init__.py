"""Where a petition's support comes from: its counted signatures by area (a constituency, a province,
a postcode district, a town), shown on its public page as a sorted table, a bar chart and, when the
coalition has uploaded its areas' outlines (actions.targets.boundaries), a shaded map; and the same
figures as JSON.

``placing`` finds each counted signature's area in the count job and keeps each petition's tally
(``models``); ``tally`` decides what is published; ``page`` draws the section; ``views`` serves the
JSON. The design and its privacy choices are in those modules' docstrings."""

from __future__ import annotations

import logging

from flask import Flask

from organiser.jobs import Sweep, register_sweep

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """The JSON's route; the section for petition.html; the sweep that places what is left."""
    from organiser.actions.petitions.support.page import petition_support
    from organiser.actions.petitions.support.views import bp

    app.register_blueprint(bp)
    app.add_template_global(petition_support, "petition_support")
    register_sweep(Sweep("placing signatures in areas", _sweep_areas))


def _sweep_areas() -> None:
    from organiser.actions.petitions.support.placing import sweep_areas

    placed = sweep_areas()
    if placed:
        log.info("area sweep placed %s counted signatures in their areas", placed)
