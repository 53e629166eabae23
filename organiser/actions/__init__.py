"""The actions supporters take: petitions, letters, and the decision-makers (targets) both address.
Each is a package of its own that registers itself; assemblies reach them only through a declared
interface (to come with demands that launch an action)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from organiser.actions import letters, petitions, supporters, targets
    from organiser.people.activity import register_activity

    for package in (targets, petitions, letters):
        package.init_app(app)
    for source in supporters.SOURCES:  # signers and writers, for the supporters' pages
        register_activity(source)
