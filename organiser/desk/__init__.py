"""The coordinators' desk: a coalition's figures at a glance over a chosen period (an alliance's with
a column per chapter), for its coordinators and the platform's administrators.

It sits above actions and assemblies, like the hub, and reads every figure through the ``figures``
module of the package that keeps it (``people``, ``messaging``, ``actions``, ``assemblies``):
import-linter holds it to them."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The desk's page; the sweep that counts each day once it is over, and forgets a tree's days
    when their figures change (``rollup``)."""
    from organiser.desk import rollup
    from organiser.desk.views import bp
    from organiser.jobs import Sweep, register_sweep
    from organiser.web.tallies import on_past_changed

    app.register_blueprint(bp)
    register_sweep(Sweep("desk figures", rollup.sweep))
    on_past_changed(rollup.forget)
