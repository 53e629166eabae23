"""The supporters list: filters, counts, sorting and the export; tagging everyone it matches and
saving it as a segment.

The list's filters are its query string: the forms that act on "everyone who matches" post to an
address that carries them, so they act on exactly the people the page showed."""

from __future__ import annotations

import functools
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from organiser.coalitions.models import Organisation
from organiser.db import db
from organiser.supporters import listing, tagging
from organiser.supporters.common import chosen_tag, tag_form, with_viewer
from organiser.supporters.forms import SORT_LABELS, FilterForm, SegmentForm, TagForm
from organiser.supporters.models import SavedSegment
from organiser.supporters.scope import Viewer
from organiser.supporters.segments import (
    SegmentNameTaken,
    delete_segment,
    may_change,
    save_segment,
    segments_of,
)
from organiser.web.cards import page_number
from organiser.web.downloads import StreamedExport, streamed_download
from organiser.web.forms import ConfirmForm
from organiser.web.inputs import form_text

# ---- the list -------------------------------------------------------------------------------------


def filter_form(viewer: Viewer) -> FilterForm:
    """The list's filters, read from the query string, with the choices this viewer has."""
    choices: dict[str, Any] = {
        "country": listing.country_choices(),
        "language": listing.language_choices(viewer),
        "sort": listing.sort_choices(viewer),
    }
    if viewer.is_coordinator:
        choices["action"] = listing.action_choices(viewer)
        choices["consent"] = listing.consent_choices(viewer)
        choices["tag"] = [(str(t.id), t.name) for t in tagging.visible_tags(viewer)]
    form = FilterForm()
    form.set_choices(choices, left_out=() if viewer.is_coordinator else ("active_days",))
    return form


FILTERS = ("q", "action", "consent", "country", "region", "language", "tag", "joined_from", "joined_to")
FILTERS += ("active_days",)


def _filter_args() -> dict[str, str]:
    """The list's filters as its address carries them (not its page, nor its order)."""
    return {k: v for k, v in request.args.items() if k in FILTERS and v}


def list_url(viewer: Viewer, endpoint: str = "supporters.index", **extra: Any) -> str:
    """The address of the list (or of a form acting on it) with the current filters."""
    return url_for(endpoint, **{**_filter_args(), **extra, "slug": viewer.coalition.slug})


def _list_page(
    viewer: Viewer,
    filters: FilterForm | None = None,
    tagging_form: TagForm | None = None,
    segment_form: SegmentForm | None = None,
) -> str:
    filters = filters or filter_form(viewer)
    valid = filters.validate()
    criteria = filters.criteria() if valid else None
    rows = None
    if criteria is not None:
        rows = listing.page_of(viewer, criteria, filters.chosen_sort, page_number(request.args.get("page")))
    tagging_form = tagging_form or tag_form(viewer)
    segment_form = segment_form or _segment_form(viewer, formdata=None)
    return render_template(
        "supporters/index.html",
        viewer=viewer,
        coalition=viewer.coalition,
        form=filters,
        errors=bool(filters.errors or tagging_form.errors or segment_form.errors),
        rows=rows,
        filtered=criteria is not None and not criteria.empty,
        list_url=functools.partial(list_url, viewer),
        tag_form=tagging_form,
        segment_form=segment_form,
        segments=segments_of(viewer.coalition, viewer.organisation_ids),
        mailing_url=_mailing_url(viewer),
        delete_form=ConfirmForm(),
        sort_labels=SORT_LABELS,
    )


@with_viewer()
def index(viewer: Viewer) -> str:
    """The coalition's supporters, filtered, counted and sorted, a page at a time."""
    return _list_page(viewer)


@with_viewer()
def export(viewer: Viewer) -> Response:
    """Everyone who matches, as CSV (formula-safe), streamed; the download is logged."""
    form = filter_form(viewer)
    if not form.validate():
        flash(_("Correct the filters first: the download holds the people they match."), "error")
        return redirect(list_url(viewer))
    criteria = form.criteria()
    organisation_id = viewer.organisation_ids[0] if len(viewer.organisation_ids) == 1 else None
    return streamed_download(
        StreamedExport(
            f"{viewer.coalition.slug}-supporters.csv",
            listing.export_what(viewer),
            listing.EXPORT_COLUMNS,
            listing.count(viewer, criteria),
            listing.export_rows(viewer, criteria),
            coalition_id=viewer.coalition.id,
            organisation_id=organisation_id,
        ),
        by=current_user,
    )


def _back_to_list(viewer: Viewer) -> Response:
    return redirect(list_url(viewer))


@with_viewer(coordinators=True)
def tag_matching(viewer: Viewer) -> str | Response:
    """Put a tag on everyone the filters match, or take it off them."""
    filters, form = filter_form(viewer), tag_form(viewer)
    if not (filters.validate() and form.validate_on_submit()):
        return _list_page(viewer, filters, tagging_form=form)
    tag = chosen_tag(viewer, form)
    if tag is None:
        return _list_page(viewer, filters, tagging_form=form)
    if form_text("do", max_length=10) == "remove":
        n = tagging.untag_matching(viewer, filters.criteria(), tag, by=current_user)
        message = ngettext(
            "“%(tag)s” taken off %(num)d person.", "“%(tag)s” taken off %(num)d people.", n, tag=tag.name
        )
    else:
        n = tagging.tag_matching(viewer, filters.criteria(), tag, by=current_user)
        message = ngettext(
            "“%(tag)s” put on %(num)d more person.", "“%(tag)s” put on %(num)d more people.", n, tag=tag.name
        )
    db.session.commit()
    flash(message, "success")
    return _back_to_list(viewer)


def _segment_form(viewer: Viewer, **kwargs: Any) -> SegmentForm:
    """The form that saves a segment: an organisation's admins of more than one organisation in the
    coalition say whose it is."""
    form = SegmentForm(**kwargs)
    if len(viewer.organisation_ids) > 1:
        names = dict(
            db.session.execute(
                select(Organisation.id, Organisation.name).where(Organisation.id.in_(viewer.organisation_ids))
            ).all()
        )
        form.organisation.choices = [(str(i), names.get(i, str(i))) for i in viewer.organisation_ids]
    else:
        del form.organisation
    return form


def _mailing_url(viewer: Viewer) -> str | None:
    """Where the viewer writes a mailing to their segments (an organisation's admins: their one)."""
    if viewer.is_coordinator:
        return url_for("coalitions.new_mailing", slug=viewer.coalition.slug)
    if len(viewer.organisation_ids) != 1:
        return None
    slug = db.session.scalar(select(Organisation.slug).where(Organisation.id == viewer.organisation_ids[0]))
    return url_for("petitions.organisation_new_mailing", slug=slug)


@with_viewer()
def save(viewer: Viewer) -> str | Response:
    """Keep the filters under a name, as a segment mailings can be sent to (an organisation's admins:
    their organisation's mailings)."""
    filters, form = filter_form(viewer), _segment_form(viewer)
    if not (filters.validate() and form.validate_on_submit()):
        return _list_page(viewer, filters, segment_form=form)
    organisation_id = None
    if not viewer.is_coordinator:
        chosen = getattr(form, "organisation", None)
        organisation_id = int(chosen.data) if chosen is not None else viewer.organisation_ids[0]
    try:
        segment = save_segment(
            viewer, form.name.data, filters.criteria(), by=current_user, organisation_id=organisation_id
        )
    except SegmentNameTaken:
        form.name.errors.append(_("There is a segment of that name already. Choose another name."))
        return _list_page(viewer, filters, segment_form=form)
    db.session.commit()
    flash(_("Saved as the segment “%(name)s”: new mailings offer it.", name=segment.name), "success")
    return _back_to_list(viewer)


@with_viewer()
def remove_segment(viewer: Viewer, segment_id: int) -> Response:
    """Delete a saved segment (mailings already sending keep their recipients)."""
    segment = db.session.get(SavedSegment, segment_id)
    if segment is None or not may_change(viewer, segment):
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    delete_segment(segment, by=current_user)
    db.session.commit()
    flash(_("The segment “%(name)s” is deleted.", name=segment.name), "success")
    return redirect(url_for("supporters.index", slug=viewer.coalition.slug))
