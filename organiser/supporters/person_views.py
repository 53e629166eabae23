"""A supporter's page (what they did, their consents with the wording, the mail they got, their
tags and notes), and the coalition's tags."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from organiser.coalitions.models import Coalition
from organiser.db import db
from organiser.supporters import person, tagging
from organiser.supporters.common import chosen_tag, person_or_404, tag_form, with_viewer
from organiser.supporters.forms import NewTagForm, NoteForm, TagForm
from organiser.supporters.scope import Viewer
from organiser.web.forms import ConfirmForm

# ---- one person -----------------------------------------------------------------------------------


def _person_page(
    viewer: Viewer, found: Any, note_form: NoteForm | None = None, tagging_form: TagForm | None = None
) -> str:
    current, history = person.consents(viewer, found)
    notes = tagging.notes_of(viewer, found)
    note_form = note_form or NoteForm(formdata=None)
    tagging_form = tagging_form or tag_form(viewer)
    return render_template(
        "supporters/person.html",
        viewer=viewer,
        coalition=viewer.coalition,
        person=found,
        acts=person.acts(viewer, found),
        consents=current,
        consent_history=history,
        mail=person.mail(viewer, found),
        tags=tagging.tags_of(viewer, found),
        notes=notes,
        authors=person.authors(notes),
        mail_labels=person.MAIL_LABELS,
        note_form=note_form,
        tag_form=tagging_form,
        errors=bool(note_form.errors or tagging_form.errors),
        button_form=ConfirmForm(),
    )


@with_viewer()
def show_person(viewer: Viewer, person_id: int) -> str:
    """A supporter: what they did, their consents with the wording, mail they got, tags and notes."""
    return _person_page(viewer, person_or_404(viewer, person_id))


def _back_to_person(viewer: Viewer, found: Any) -> Response:
    return redirect(url_for("supporters.show_person", slug=viewer.coalition.slug, person_id=found.id))


@with_viewer(coordinators=True)
def add_note(viewer: Viewer, person_id: int) -> str | Response:
    """Write a note about the supporter."""
    found, form = person_or_404(viewer, person_id), NoteForm()
    if not form.validate_on_submit():
        return _person_page(viewer, found, form)
    tagging.add_note(viewer, found, form.body.data.strip(), by=current_user)
    db.session.commit()
    flash(_("Note added."), "success")
    return _back_to_person(viewer, found)


@with_viewer(coordinators=True)
def delete_note(viewer: Viewer, person_id: int, note_id: int) -> Response:
    found = person_or_404(viewer, person_id)
    note = tagging.note_in_view(viewer, found, note_id)
    if note is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    tagging.delete_note(note, by=current_user)
    db.session.commit()
    flash(_("Note deleted."), "success")
    return _back_to_person(viewer, found)


@with_viewer(coordinators=True)
def tag_person(viewer: Viewer, person_id: int) -> str | Response:
    """Put a tag on the supporter (a new one by name, or one the coalition has)."""
    found, form = person_or_404(viewer, person_id), tag_form(viewer)
    tag = chosen_tag(viewer, form) if form.validate_on_submit() else None
    if tag is None:
        return _person_page(viewer, found, tagging_form=form)
    tagging.tag_person(found, tag)
    db.session.commit()
    flash(_("Tagged “%(tag)s”.", tag=tag.name), "success")
    return _back_to_person(viewer, found)


@with_viewer(coordinators=True)
def untag_person(viewer: Viewer, person_id: int, tag_id: int) -> Response:
    found, tag = person_or_404(viewer, person_id), tagging.visible_tag(viewer, tag_id)
    if tag is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    tagging.untag_person(found, tag)
    db.session.commit()
    flash(_("“%(tag)s” taken off.", tag=tag.name), "success")
    return _back_to_person(viewer, found)


# ---- the coalition's tags -------------------------------------------------------------------------


@with_viewer(coordinators=True)
def tags(viewer: Viewer) -> str | Response:
    """The tags this coalition uses, with how many of its people carry each; make a new one."""
    form = NewTagForm()
    if form.validate_on_submit():
        try:
            tag = tagging.tag_named(viewer, form.name.data, by=current_user)
        except tagging.TagNameTaken:
            form.name.errors.append(_("Another chapter has a tag of that name. Choose another name."))
        else:
            db.session.commit()
            flash(_("The tag “%(tag)s” is ready to use.", tag=tag.name), "success")
            return redirect(url_for("supporters.tags", slug=viewer.coalition.slug))
    visible = tagging.visible_tags(viewer)
    owners = {
        c.id: c
        for c in db.session.scalars(
            select(Coalition).where(Coalition.id.in_({t.coalition_id for t in visible}))
        )
    }
    return render_template(
        "supporters/tags.html",
        viewer=viewer,
        coalition=viewer.coalition,
        form=form,
        tags=visible,
        counts=tagging.tag_counts(viewer),
        owners=owners,
        deletable={t.id for t in visible if owners[t.coalition_id].can_manage(current_user)},
        delete_form=ConfirmForm(),
    )


@with_viewer(coordinators=True)
def delete_tag(viewer: Viewer, tag_id: int) -> Response:
    """Delete a tag (it comes off everyone): the coordinators of the coalition that made it may."""
    tag = tagging.visible_tag(viewer, tag_id)
    if tag is None:
        abort(404)
    if not db.session.get(Coalition, tag.coalition_id).can_manage(current_user):
        abort(403)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    tagging.delete_tag(tag, by=current_user)
    db.session.commit()
    flash(_("The tag “%(tag)s” is deleted.", tag=tag.name), "success")
    return redirect(url_for("supporters.tags", slug=viewer.coalition.slug))
