"""Counting confirmed signatures without making the petition's row a hot spot.

The design, and why:

* **Confirming touches only the signature.** ``confirm`` stamps ``confirmed_at`` and moves the
  signature from ``pending`` to ``confirmed`` (not yet counted) with one conditional UPDATE of its
  own row. Thousands of people confirming at once never wait on each other: before this, every
  confirmation did ``signature_count = signature_count + 1`` on the same petition row, so they
  queued on its row lock one commit at a time (what brought the UK petitions site down in 2019).
* **A count job per petition adds them in batches.** After the confirming transaction commits, a
  ``count_signatures(petition_id)`` job is queued, at most one per petition: a Redis flag set with
  ``SET NX`` (organiser.jobs, ``unique=``) says one is waiting, and the job clears it when it
  starts, so confirmations that commit while it runs queue the next one. The job locks the petition
  row, claims every ``confirmed`` signature (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite has
  one writer at a time), marks them ``counted`` and does ``signature_count = signature_count + n``
  — one short transaction for however many people confirmed meanwhile, which is e-petitions'
  ``signature_count + n`` job without its fixed delay. Count jobs go to the *front* of the
  ``transactional`` queue, the one workers serve first, so they never wait behind a surge of
  confirmation e-mails (and, one per petition at most, never starve them): counts are fresh within
  the time a worker takes to finish its current job (well under a second; a few under a surge).
  If a job waits longer than the flag lives (2 minutes), a second may be queued: harmless, as both
  take the petition's lock and the second finds nothing left to count. Without Redis (the embedded
  default, and most tests) the job runs in the process right after the commit, so the count is up
  to date when the next page renders.
* **Nothing stays uncounted.** Redis may lose a queued job (a restart) or a job may fail; the
  worker's maintenance loop (and the embedded sweeper thread) runs ``sweep_counts`` every
  ``ORGANISER_SWEEP_INTERVAL`` seconds, which counts what any petition still has ``confirmed``.
  A partial index on ``state = 'confirmed'`` keeps that look-up small.
* **One invariant, kept under one lock.** ``signature_count`` equals the number of the petition's
  ``counted`` signatures. Everything that changes which signatures are counted — the count job,
  ``recount``, bulk invalidation and its revert — first locks the petition row, then the
  signatures, always in that order, so they serialise without deadlocks, and ``recount`` can set
  the exact figure from the rows.

Public counts therefore include only confirmed signatures that are neither over a rate limit nor
invalidated (``over_limit`` and ``invalidated`` are never ``counted``).
"""

from __future__ import annotations

import logging

from sqlalchemy import case, func, select, update

from organiser.actions.petitions.models import Petition, Signature, SignatureState
from organiser.db import db, utcnow
from organiser.jobs import enqueue_after_commit, job, release_unique

log = logging.getLogger(__name__)

COUNT_QUEUE = "transactional"  # served first by every worker, so a mail surge cannot starve counts
CLAIM_BATCH = 10_000  # signatures claimed per statement; a job loops until none are left


def _queued_flag(petition_id: int) -> str:
    return f"organiser:count-queued:{petition_id}"


def confirm(signature: Signature) -> bool:
    """Confirm once, touching only this signature's row; the count follows after the commit.

    Returns False if it was confirmed already. A signature taken out by a coordinator keeps its
    state but records the confirmation, so reverting the invalidation counts it.
    """
    claimed = db.session.execute(
        update(Signature)
        .where(Signature.id == signature.id, Signature.confirmed_at.is_(None))
        .values(
            confirmed_at=utcnow(),
            state=case(
                (Signature.state == SignatureState.PENDING, SignatureState.CONFIRMED),
                else_=Signature.state,
            ),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        return False
    from organiser.actions.petitions.signing import apply_confirmed_choices

    db.session.refresh(signature)
    apply_confirmed_choices(signature)
    request_count(signature.petition_id)
    return True


def request_count(petition_id: int) -> None:
    """Queue the petition's count job once this transaction commits (unless one is waiting)."""
    enqueue_after_commit(count_signatures, petition_id, queue=COUNT_QUEUE, unique=_queued_flag(petition_id))


@job
def count_signatures(petition_id: int) -> int:
    """Add the petition's confirmed, not yet counted signatures to its count."""
    release_unique(_queued_flag(petition_id))
    return add_confirmed(petition_id)


def lock_petition(petition_id: int) -> Petition | None:
    """Lock the petition's row: the first step of every change to which signatures count."""
    return db.session.scalar(
        select(Petition)
        .where(Petition.id == petition_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _claim_confirmed(petition_id: int) -> int:
    """Mark confirmed signatures counted, in batches; returns how many."""
    total = 0
    while True:
        batch = (
            select(Signature.id)
            .where(Signature.petition_id == petition_id, Signature.state == SignatureState.CONFIRMED)
            .limit(CLAIM_BATCH)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        claimed = db.session.execute(
            update(Signature)
            .where(Signature.id.in_(batch))
            .values(state=SignatureState.COUNTED)
            .execution_options(synchronize_session=False)
        ).rowcount
        total += claimed
        if claimed < CLAIM_BATCH:
            return total


def add_confirmed(petition_id: int) -> int:
    """One transaction: ``signature_count = signature_count + n`` for the n newly confirmed."""
    petition = lock_petition(petition_id)
    if petition is None:
        return 0
    added = _claim_confirmed(petition_id)
    if added:
        db.session.execute(
            update(Petition)
            .where(Petition.id == petition_id)
            .values(signature_count=Petition.signature_count + added)
            .execution_options(synchronize_session=False)
        )
        db.session.refresh(petition)
        _milestones(petition)
        _areas(petition)
    return added


def recount(petition_id: int) -> int:
    """Set the count to the exact number of confirmed, valid signatures (counting any waiting)."""
    petition = lock_petition(petition_id)
    if petition is None:
        return 0
    before = petition.signature_count
    _claim_confirmed(petition_id)
    exact = db.session.scalar(
        select(func.count())
        .select_from(Signature)
        .where(Signature.petition_id == petition_id, Signature.state == SignatureState.COUNTED)
    )
    db.session.execute(
        update(Petition)
        .where(Petition.id == petition_id)
        .values(signature_count=exact)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(petition)
    if exact != before:
        log.info("petition %s recounted: %s → %s", petition_id, before, exact)
    if exact > before:
        _milestones(petition)
    _areas(petition, rebuild=True)
    return exact


def _milestones(petition: Petition) -> None:
    """Tell coordinators about crossed milestones; a failure there never undoes the count."""
    from organiser.actions.petitions.milestones import check_milestones

    try:
        with db.session.begin_nested():
            check_milestones(petition)
    except Exception:
        log.exception("milestone check for petition %s failed", petition.id)


def _areas(petition: Petition, *, rebuild: bool = False) -> None:
    """Place what was just counted in its areas (petitions.support), or recount the tally by area;
    a failure there never undoes the count (the sweep places what is left)."""
    from organiser.actions.petitions.support import placing

    try:
        with db.session.begin_nested():
            if rebuild:
                placing.rebuild(petition)
            else:
                placing.place_counted(petition)
    except Exception:
        log.exception("placing the signatures of petition %s in areas failed", petition.id)


def sweep_counts() -> int:
    """Count what any petition still has confirmed (a lost or failed job); returns how many."""
    waiting = db.session.scalars(
        select(Signature.petition_id).where(Signature.state == SignatureState.CONFIRMED).distinct()
    ).all()
    db.session.rollback()
    total = 0
    for petition_id in waiting:
        total += add_confirmed(petition_id)
        db.session.commit()
    return total
