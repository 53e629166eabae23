"""The API's writes: OSDI's helpers (Record Signature, Person Signup), each over the same service as
its page, with ``Idempotency-Key`` honoured (``operations``) and a body declared once for both the
check and the OpenAPI document (``body``). ``models`` holds the kept answers and the vouching ledger.

Imported for its models by organiser.models; ``init_app`` adds the routes (before the API's
blueprint is registered), the sweep that forgets kept answers after a day, and their erasure with
the person whose details they hold (``privacy``)."""

from __future__ import annotations


def init_app() -> None:
    """Add the writes' routes and their OpenAPI descriptions, and the sweep (once per process)."""
    from organiser.api.writes import (  # noqa: F401 (they register)
        attendances,
        operations,
        outreaches,
        people,
        petitions,
        signatures,
    )
    from organiser.api.writes.privacy import KEPT_ANSWERS
    from organiser.jobs import Sweep, register_sweep
    from organiser.privacy.registry import register_personal_data

    register_sweep(Sweep("api-idempotent-answers", operations.forget_old_answers))
    register_personal_data(KEPT_ANSWERS)
