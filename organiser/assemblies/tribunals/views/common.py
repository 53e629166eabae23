"""What the tribunal's views share: loading the tribunal named in the URL (a missing one, or an
assembly of another kind, is a 404) and checking who may act on it (a 403), the request order being
load → authorise → act; and the files a form carries, checked and re-encoded."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import abort, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from organiser.assemblies import services as assemblies
from organiser.assemblies.models import Assembly, AssemblyKind
from organiser.assemblies.tribunals import services
from organiser.assemblies.tribunals.forms import MAX_ATTACHMENTS


def tribunal_or_404(slug: str) -> Assembly:
    assembly = assemblies.by_slug(slug)
    if assembly is None or assembly.kind != AssemblyKind.TRIBUNAL:
        abort(404)
    return assembly


def _requires(check: Callable[[Assembly, Any], bool]) -> Callable[..., Any]:
    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        @login_required
        def wrapper(slug: str, **kwargs: Any) -> Any:
            assembly = tribunal_or_404(slug)
            if not check(assembly, current_user):
                abort(403)
            return view(assembly, **kwargs)

        return wrapper

    return decorator


organisers = _requires(lambda assembly, user: assembly.can_manage(user))
judges = _requires(services.can_judge)


def private(body: str, status: int = 200) -> Response:
    """A page for one witness (their link is its key): never kept by any cache."""
    response = Response(body, status, mimetype="text/html")
    response.headers["Cache-Control"] = "private, no-store"
    return response


def uploaded_files(field: Any) -> list[services.CleanFile] | None:
    """The files chosen in ``field``, checked and re-encoded; None (with the reasons next to the
    field) if one is refused or there are too many."""
    chosen = [f for f in request.files.getlist(field.name) if isinstance(f, FileStorage) and f.filename]
    if len(chosen) > MAX_ATTACHMENTS:
        field.errors = [_("Choose at most %(n)s files.", n=MAX_ATTACHMENTS)]
        return None
    files, refusals = [], []
    for upload in chosen:
        try:
            files.append(services.clean_attachment(upload.filename or "", upload.read()))
        except services.AttachmentRefused as refused:
            refusals.append(str(refused))
    if refusals:
        field.errors = [*refusals, _("Choose the files again: none was kept.")]
        return None
    return files
