"""The sign request, made short: the few statements one signature needs, and nothing else.

What a new signature costs on PostgreSQL (round trips): the petition (a snapshot, in the view), the
rate-limit counters (one Redis pipeline), the person and the signature in one statement of
data-modifying CTEs (``INSERT … ON CONFLICT``; a known person is left as it is, and the consent
boxes wait on the signature until the e-mailed link confirms it), the outbox row, the commit, and a
``SET NX`` for the waiting delivery job. The first version selected before each insert and flushed
after each change: 13 statements. SQLite has ``ON CONFLICT`` too (3.24+) and ``RETURNING`` (3.35+);
any other database takes the portable select-then-insert path.

Double opt-in, one signature per person and petition (the unique constraint decides, even between
two concurrent requests), and the confirmation re-sent at most ``MAX_CONFIRMATION_SENDS`` times.

``row``: what one signature is made of (shared by both paths). ``one``: a signature at a time (the
sign request, and signing again). ``batch``: the intake job's batch, one statement for them all.
``mail``: the confirmation e-mails. ``confirmed``: what a confirmed signature hands on (the person's
details and the consent ledger).
"""

from organiser.actions.petitions.signing.batch import Entry, sign_many
from organiser.actions.petitions.signing.confirmed import apply_confirmed_choices
from organiser.actions.petitions.signing.one import sign
from organiser.actions.petitions.signing.row import SignResult

__all__ = ["Entry", "SignResult", "apply_confirmed_choices", "sign", "sign_many"]
