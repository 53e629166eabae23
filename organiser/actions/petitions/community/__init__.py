"""Petitions started by supporters (issue 15), modelled on the UK Parliament's petitions site and
ControlShift: anyone, without an account, starts a petition within a coalition or one of its
chapters — title, what it asks, why, the decision-maker from the coalition's list or named — and
confirms it by e-mail (double opt-in, as for signing). It then gathers supporters of its own through
a private link (5 by default: ``ORGANISER_COMMUNITY_SUPPORTERS``, or the coalition's rule), and goes
to the coalition's coordinators, who approve it (it opens: an ordinary open ``Petition``, public
and listed) or reject it with a reason from the published standards (``/community/standards``),
which its creator receives. Coordinators may adopt a published one as the coalition's own action,
its creator still credited. The creator's own page (the link in their e-mails) follows it, changes
it before publication, writes updates to its signers (sent through the outbox once a coordinator
approves, to the signers who agreed to hear) and closes it.

The model: a ``CommunityPetition`` beside the ``Petition`` (``models``), which stays as it is."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Its pages; what the petition and coalition pages show of it; its creators' personal data."""
    from organiser.actions.petitions.community import personal_data, reasons
    from organiser.actions.petitions.community.blueprint import bp
    from organiser.actions.petitions.community.services import community_of, rules_for
    from organiser.privacy.registry import register_personal_data

    app.register_blueprint(bp)
    app.add_template_global(community_of, "community_petition")
    app.add_template_global(rules_for, "community_rules")
    app.add_template_global(reasons.STATE_LABELS, "community_state_labels")
    app.add_template_global(reasons.UPDATE_LABELS, "community_update_labels")
    app.add_template_global(reasons.reason_label, "community_reason_label")
    register_personal_data(personal_data.CREATORS)
