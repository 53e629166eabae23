"""RQ jobs of coalitions: importing supporters from CSV. They take ids and reload the rows."""

from __future__ import annotations

from organiser.jobs import job, release_unique


@job
def run_supporter_import(import_id: int) -> int:
    """Import a CSV of supporters whose consent was stated (``services.people_import.run``)."""
    from organiser.coalitions.services import people_import

    release_unique(people_import.job_key(import_id))
    return people_import.run(import_id)
