"""The panel's pages (its members with the assembly panel role, and the organisers): the verdict on
each charge, with the approved testimonies before them, and the judgment that publishes them."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from organiser.assemblies.models import Assembly
from organiser.assemblies.tribunals import services
from organiser.assemblies.tribunals.forms import JudgmentForm, VerdictForm
from organiser.assemblies.tribunals.views.common import judges
from organiser.db import db


def _verdict_form(charge: Any) -> VerdictForm:
    """The form for a charge's verdict, filled in with the last one entered."""
    verdict = charge.verdict
    data = {"finding": str(verdict.finding), "reasoning": verdict.reasoning} if verdict is not None else {}
    return VerdictForm(prefix=f"charge-{charge.id}", data=data, formdata=None)


def _verdict_page(
    assembly: Assembly,
    *,
    sent: tuple[int, VerdictForm] | None = None,
    judgment_form: JudgmentForm | None = None,
) -> str:
    """The verdict page; ``sent`` is a charge's form just sent back with its errors."""
    page = services.tribunal_page(assembly, for_the_panel=True)
    assert page is not None
    forms = {each.charge.id: _verdict_form(each.charge) for each in page.charges}
    if sent is not None:
        forms[sent[0]] = sent[1]
    return render_template(
        "assemblies/tribunals/verdict.html",
        assembly=assembly,
        page=page,
        forms=forms,
        judgment_form=judgment_form or JudgmentForm(),
        published=services.is_published(assembly),
        ready=bool(page.charges) and all(each.charge.verdict is not None for each in page.charges),
    )


@judges
def verdict(assembly: Assembly) -> str:
    """Each charge with its testimonies and the panel's finding; publishing the judgment."""
    return _verdict_page(assembly)


@judges
def enter_verdict(assembly: Assembly, charge_id: int) -> str | Response:
    """The panel's finding and reasoning on one charge (until the judgment is published)."""
    charge = services.charge_in(assembly, charge_id)
    if charge is None:
        abort(404)
    form = VerdictForm(prefix=f"charge-{charge.id}")
    if not form.validate_on_submit():
        return _verdict_page(assembly, sent=(charge.id, form))
    try:
        services.enter_verdict(
            charge, finding=form.finding.data, reasoning=form.reasoning.data, by=current_user
        )
    except services.JudgmentStateError:
        db.session.rollback()
        flash(_("The judgment is published: its verdicts can no longer change."), "error")
    else:
        db.session.commit()
        flash(_("Verdict saved. It stays private until the judgment is published."), "success")
    return redirect(url_for(".verdict", slug=assembly.slug) + f"#charge-{charge.id}")


@judges
def publish_judgment(assembly: Assembly) -> str | Response:
    """Publish every verdict together, with today's date and the panel's summary."""
    form = JudgmentForm()
    if not form.validate_on_submit():
        return _verdict_page(assembly, judgment_form=form)
    try:
        services.publish_judgment(
            assembly, services.charges_of(assembly), summary=form.summary.data or "", by=current_user
        )
    except services.JudgmentStateError:
        db.session.rollback()
        flash(
            _("Every charge needs a verdict before the judgment is published, and it is published once."),
            "error",
        )
        return redirect(url_for(".verdict", slug=assembly.slug))
    db.session.commit()
    flash(_("The judgment is published."), "success")
    return redirect(url_for("assemblies.public", slug=assembly.slug))
