"""The verifiable draw. Before the draw, the organisers publish the SHA-256 of a seed only they know
(or say which public lottery result will be the seed); after, they reveal the seed, which must match.
The panel is ``solver.draw(distribution, seed)``: anyone can re-run it from the published
distribution and seed (``organiser sortition verify``) and get the same people. For a replacement
run, the draw fills the open seats the same way."""

from __future__ import annotations

import hashlib
import logging
import re
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from organiser.assemblies.sortition import selection, solver
from organiser.assemblies.sortition.models import Draw, RunStatus, SelectionRun, SortitionPool, Volunteer
from organiser.db import db, utcnow

log = logging.getLogger(__name__)

SHA256 = re.compile(r"^[0-9a-f]{64}$")


class DrawError(Exception):
    """Why the draw cannot be made now; the message is for the organiser."""


def sha256_of(seed: str) -> str:
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


def draw_of(run: SelectionRun) -> Draw | None:
    return db.session.scalar(select(Draw).where(Draw.run_id == run.id).order_by(Draw.id.desc()).limit(1))


def commit_seed(run: SelectionRun, seed_sha256: str, *, by: Any) -> Draw:
    """Publish the seed's SHA-256 (once per run: a committed seed cannot be swapped for another)."""
    _drawable(run)
    digest = seed_sha256.strip().lower()
    if not SHA256.match(digest):
        raise DrawError(_("A SHA-256 is 64 characters, 0–9 and a–f."))
    draw = Draw(run_id=run.id, seed_sha256=digest, by_id=getattr(by, "id", None))
    db.session.add(draw)
    db.session.flush()
    log.info("seed committed for run %s (draw %s) by %s", run.id, draw.id, draw.by_id)
    return draw


def lottery_draw(run: SelectionRun, result: str, *, by: Any) -> Draw:
    """A public lottery result, entered as the seed: committed and revealed at once."""
    draw = commit_seed(run, sha256_of(result.strip()), by=by)
    draw.lottery = True
    return reveal(draw, result.strip())


def _drawable(run: SelectionRun) -> None:
    if run.status != RunStatus.DONE or not run.result:
        raise DrawError(_("The selection has not finished."))
    if draw_of(run) is not None:
        raise DrawError(_("A seed is committed for this selection already."))
    _still_current(run)


def _still_current(run: SelectionRun) -> None:
    """A whole panel is drawn once; a replacement fills exactly the seats open now."""
    if run.replacing_draw_id is None:
        if selection.first_draw(run.pool) is not None:
            raise DrawError(_("The panel is drawn already: replace those who decline instead."))
    elif int(run.instance.get("panel_size", 0)) != selection.open_seats(run.pool):
        raise DrawError(_("The open seats have changed since this run: run the replacement again."))


def reveal(draw: Draw, seed: str) -> Draw:
    """Check the seed against its SHA-256, draw, and mark the people drawn."""
    if draw.revealed_at is not None:
        raise DrawError(_("This seed is revealed already."))
    if sha256_of(seed) != draw.seed_sha256:
        raise DrawError(_("This seed does not match the SHA-256 published before the draw."))
    _still_current(draw.run)
    distribution = selection.distribution_of(draw.run)
    assert distribution is not None
    draw.seed, draw.revealed_at = seed, utcnow()
    draw.selected = list(solver.draw(distribution, seed))
    for volunteer in db.session.scalars(
        select(Volunteer).where(Volunteer.pool_id == draw.run.pool_id, Volunteer.pseudonym.in_(draw.selected))
    ):
        volunteer.draw_id = draw.id
    db.session.flush()
    log.info("draw %s revealed: %s", draw.id, ", ".join(draw.selected))
    return draw


def published(pool: SortitionPool) -> list[dict[str, Any]]:
    """What the public verification page shows of each run with a committed seed: no personal data
    (pseudonyms only)."""
    shown = []
    for run in selection.runs_of(pool):
        draw = draw_of(run)
        if draw is None:
            continue
        distribution = selection.distribution_of(run)
        shown.append(
            {
                "run": run,
                "draw": draw,
                "replacement": run.replacing_draw_id is not None,
                "reached": distribution.reached if distribution else "",
                "panels": len(distribution.panels) if distribution else 0,
            }
        )
    return shown
