"""The coordinators' desk: a coalition's figures at a glance over a chosen period (an alliance's with
a column per chapter), for its coordinators and the platform's administrators.

It sits above actions and assemblies, like the hub, and reads every figure through the ``figures``
module of the package that keeps it (``people``, ``messaging``, ``actions``, ``assemblies``):
import-linter holds it to them."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The desk's page."""
    from organiser.desk.views import bp

    app.register_blueprint(bp)
